#include "outages/topology.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <unordered_map>

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "io/csv.hpp"
#include "io/upload.hpp"

namespace lianxin::outages {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

constexpr std::size_t kMaxRows = 2'000'000;

struct Column {
  const char* code;
  const char* zh;
  const char* example;
};
const std::vector<Column>& columns() {
  static const std::vector<Column> list = {{"kind", "类型", "线路"},          {"code", "编码", "DC-L101"},
                                           {"name", "名称", "滇池101线"},     {"parent", "上级编码", "DC-SUB01"},
                                           {"voltage_kv", "电压等级kV", "10"}, {"switch_code", "开关编号", ""},
                                           {"capacity_kva", "容量kVA", ""},   {"source", "电源序号", ""}};
  return list;
}

std::string kind_of_label(const std::string& text) {
  static const std::map<std::string, std::string> labels = {
      {"变电站", "substation"}, {"线路", "line"},    {"馈线", "line"},     {"分段", "section"}, {"线路分段", "section"},
      {"台区", "area"},         {"户号", "account"}, {"用户", "account"}, {"用电户", "account"}};
  if (auto it = labels.find(text); it != labels.end()) return it->second;
  return text;
}

std::optional<std::int64_t> parse_number(const std::string& text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// The ids of the codes of one table.
std::unordered_map<std::string, std::int64_t> ids_of(Connection& conn, const char* table) {
  std::unordered_map<std::string, std::int64_t> out;
  for (auto& r : conn.query(std::string("SELECT code, id FROM ") + table)) out[r.str(0)] = r.i64(1);
  return out;
}

struct Parsed {
  TopologyRow node;
  std::string voltage, switch_code, capacity, source;
};

}  // namespace

std::string topology_template_csv() {
  std::vector<std::string> header, example;
  for (auto& c : columns()) {
    header.push_back(c.zh);
    example.push_back(c.example);
  }
  std::string out = std::string(io::kUtf8Bom) + io::csv_escape_row(header) + io::csv_escape_row(example);
  out += io::csv_escape_row({"分段", "DC-L101-1", "101线1号分段", "DC-L101", "", "K101-1", "", ""});
  out += io::csv_escape_row({"台区", "DC-T0001", "幸福小区1号台区", "DC-L101-1", "", "", "630", ""});
  out += io::csv_escape_row({"户号", "3300012345", "", "DC-T0001", "", "", "", "1"});
  return out;
}

bj::object import_topology(Connection& conn, const auth::Principal& p, const std::string& bytes, const std::string& file_name,
                           Millis now) {
  auth::require_permission(p, auth::Permission::outage_plan);
  io::UploadTable upload = io::read_upload_table(bytes, file_name, kMaxRows);
  std::vector<std::optional<std::size_t>> at(columns().size());
  {
    Validator header;
    for (std::size_t i = 0; i < upload.cells[0].size(); ++i) {
      const std::string cell = trim(upload.cells[0][i]);
      if (cell.empty()) continue;
      std::optional<std::size_t> found;
      for (std::size_t c = 0; c < columns().size(); ++c)
        if (cell == columns()[c].zh || cell == columns()[c].code) found = c;
      if (!found) header.add("file", "unknown column (" + cell + ")");
      else if (at[*found]) header.add("file", "column given twice (" + cell + ")");
      else at[*found] = i;
    }
    for (std::size_t c : {0u, 1u, 3u})
      if (!at[c]) header.add("file", "required column missing (" + std::string(columns()[c].zh) + ")");
    header.throw_if_failed("the header row has problems; nothing was imported");
  }
  std::vector<Parsed> nodes, accounts;
  for (std::size_t r = 1; r < upload.cells.size(); ++r) {
    const auto& cells = upload.cells[r];
    if (io::blank_row(cells)) continue;
    auto cell = [&](std::size_t c) { return at[c] && *at[c] < cells.size() ? trim(cells[*at[c]]) : std::string(); };
    Parsed x{{upload.row_numbers[r], kind_of_label(cell(0)), cell(1), cell(2), cell(3)}, cell(4), cell(5), cell(6), cell(7)};
    (x.node.kind == "account" ? accounts : nodes).push_back(std::move(x));
  }
  if (nodes.empty() && accounts.empty())
    throw AppError(ErrorCode::validation_failed, "no rows to import", {{"rows", "the upload has no data rows"}});

  // What the database knows already, by code.
  auto substations = ids_of(conn, "substations");
  auto lines = ids_of(conn, "lines");
  auto sections = ids_of(conn, "line_sections");
  auto areas = ids_of(conn, "transformer_areas");
  std::unordered_map<std::string, std::string> known, section_parents;
  for (auto& [code, id] : substations) known[code] = "substation";
  for (auto& [code, id] : lines) known[code] = "line";
  for (auto& [code, id] : sections) known[code] = "section";
  for (auto& [code, id] : areas) known[code] = "area";
  for (auto& r : conn.query("SELECT s.code, q.code FROM line_sections s JOIN line_sections q ON q.id = s.parent_id"))
    section_parents[r.str(0)] = r.str(1);

  std::vector<FieldIssue> issues;
  std::vector<TopologyRow> rows;
  for (auto& n : nodes) rows.push_back(n.node);
  for (auto& problem : check_topology(rows, known, section_parents)) issues.push_back({problem.field, problem.message, problem.row});
  std::unordered_map<std::string, std::string> kind_in_file;
  for (auto& n : nodes) kind_in_file[n.node.code] = n.node.kind;
  for (auto& n : nodes) {
    if (n.node.kind == "substation") {
      auto org = conn.query_one("SELECT path FROM org_units WHERE code = ?", {n.node.parent.empty() ? std::string("-") : n.node.parent});
      if (!n.node.parent.empty() && !org) issues.push_back({"parent", "unknown org unit code '" + n.node.parent + "'", n.node.row});
      else if (org && !auth::org_in_scope(p, org->str(0)))
        issues.push_back({"parent", "the org unit is outside your scope", n.node.row});
      if (!parse_number(n.voltage)) issues.push_back({"voltage_kv", "a substation needs its voltage in kV", n.node.row});
    }
    if (n.node.kind == "line" && !n.voltage.empty() && !parse_number(n.voltage))
      issues.push_back({"voltage_kv", "must be a whole number of kV", n.node.row});
    if (n.node.kind == "area" && !n.capacity.empty() && !parse_number(n.capacity))
      issues.push_back({"capacity_kva", "must be a whole number of kVA", n.node.row});
  }
  // Accounts: the account exists, its parent is a line, section or area, the source number 1–3.
  std::unordered_map<std::string, std::int64_t> account_ids;
  {
    std::vector<std::string> numbers;
    for (auto& a : accounts) numbers.push_back(a.node.code);
    for (std::size_t start = 0; start < numbers.size(); start += 500) {
      const std::size_t n = std::min<std::size_t>(500, numbers.size() - start);
      Params params(numbers.begin() + static_cast<std::ptrdiff_t>(start), numbers.begin() + static_cast<std::ptrdiff_t>(start + n));
      for (auto& r : conn.query("SELECT account_no, id FROM accounts WHERE account_no IN " + storage::placeholders(n), params))
        account_ids[r.str(0)] = r.i64(1);
    }
  }
  std::set<std::pair<std::string, std::int64_t>> seen_sources;
  for (auto& a : accounts) {
    if (!account_ids.count(a.node.code)) issues.push_back({"code", "unknown account number '" + a.node.code + "'", a.node.row});
    std::string parent_kind = kind_in_file.count(a.node.parent) ? kind_in_file[a.node.parent] : known.count(a.node.parent) ? known[a.node.parent] : "";
    if (parent_kind.empty()) issues.push_back({"parent", "unknown code '" + a.node.parent + "' (neither in the file nor in Lianxin)", a.node.row});
    else if (parent_kind != "line" && parent_kind != "section" && parent_kind != "area")
      issues.push_back({"parent", "an account is fed from a line, a section or a transformer area", a.node.row});
    const auto source = a.source.empty() ? std::optional<std::int64_t>(1) : parse_number(a.source);
    if (!source || *source < 1 || *source > 3) issues.push_back({"source", "must be 1, 2 or 3", a.node.row});
    else if (!seen_sources.insert({a.node.code, *source}).second)
      issues.push_back({"source", "the account's source " + std::to_string(*source) + " appears twice in the file", a.node.row});
  }
  if (!issues.empty()) {
    const std::size_t count = issues.size();
    if (issues.size() > 400) issues.resize(400);
    std::sort(issues.begin(), issues.end(), [](const FieldIssue& x, const FieldIssue& y) { return x.row < y.row; });
    throw AppError(ErrorCode::validation_failed, std::to_string(count) + " error(s); nothing was imported", issues);
  }

  // Apply: parents before children.
  std::int64_t inserted = 0, updated = 0, unchanged = 0;
  auto count = [&](bool existed, bool changed) {
    if (!existed) ++inserted;
    else if (changed) ++updated;
    else ++unchanged;
  };
  std::unordered_map<std::string, std::int64_t> section_line;  // section code → line id
  for (auto& r : conn.query("SELECT s.code, s.line_id FROM line_sections s")) section_line[r.str(0)] = r.i64(1);
  for (auto& n : nodes) {
    if (n.node.kind != "substation") continue;
    const std::int64_t org = n.node.parent.empty() ? p.org_unit_id : conn.query_i64("SELECT id FROM org_units WHERE code = ?", {n.node.parent});
    const std::int64_t kv = *parse_number(n.voltage);
    if (auto it = substations.find(n.node.code); it != substations.end()) {
      const auto changed = conn.execute("UPDATE substations SET name = ?, voltage_kv = ?, org_unit_id = ? WHERE id = ? AND "
                                        "(name <> ? OR voltage_kv <> ? OR org_unit_id <> ?)",
                                        {n.node.name, kv, org, it->second, n.node.name, kv, org});
      count(true, changed > 0);
    } else {
      substations[n.node.code] = conn.insert_returning_id(
          "INSERT INTO substations(code, name, voltage_kv, org_unit_id) VALUES (?,?,?,?) RETURNING id", {n.node.code, n.node.name, kv, org});
      count(false, true);
    }
  }
  for (auto& n : nodes) {
    if (n.node.kind != "line") continue;
    const std::int64_t sub = substations.at(n.node.parent);
    const double kv = n.voltage.empty() ? 10.0 : static_cast<double>(*parse_number(n.voltage));
    if (auto it = lines.find(n.node.code); it != lines.end()) {
      const auto changed = conn.execute("UPDATE lines SET name = ?, substation_id = ?, voltage_kv = ? WHERE id = ? AND "
                                        "(name <> ? OR substation_id <> ? OR voltage_kv <> ?)",
                                        {n.node.name, sub, kv, it->second, n.node.name, sub, kv});
      count(true, changed > 0);
    } else {
      lines[n.node.code] = conn.insert_returning_id("INSERT INTO lines(code, name, substation_id, voltage_kv) VALUES (?,?,?,?) RETURNING id",
                                                    {n.node.code, n.node.name, sub, kv});
      count(false, true);
    }
  }
  // Sections in rounds: those whose parent is a line or a section placed already (no cycles: checked).
  std::vector<const Parsed*> pending;
  for (auto& n : nodes)
    if (n.node.kind == "section") pending.push_back(&n);
  std::set<std::string> placed;
  for (auto& [code, id] : sections)
    if (!kind_in_file.count(code)) placed.insert(code);
  while (!pending.empty()) {
    std::vector<const Parsed*> later;
    for (const Parsed* n : pending) {
      const bool on_line = lines.count(n->node.parent) > 0;
      if (!on_line && !placed.count(n->node.parent)) {
        later.push_back(n);
        continue;
      }
      const std::int64_t line = on_line ? lines.at(n->node.parent) : section_line.at(n->node.parent);
      const Value parent = on_line ? storage::null_value() : Value(sections.at(n->node.parent));
      const Value sw = storage::text_or_null(n->switch_code);
      if (auto it = sections.find(n->node.code); it != sections.end()) {
        const auto changed = conn.execute(
            "UPDATE line_sections SET name = ?, line_id = ?, parent_id = ?, switch_code = ? WHERE id = ? AND (name <> ? OR line_id <> ? OR "
            "COALESCE(parent_id, 0) <> ? OR COALESCE(switch_code, '') <> ?)",
            {n->node.name, line, parent, sw, it->second, n->node.name, line, on_line ? std::int64_t{0} : sections.at(n->node.parent),
             n->switch_code});
        count(true, changed > 0);
      } else {
        sections[n->node.code] = conn.insert_returning_id(
            "INSERT INTO line_sections(code, name, line_id, parent_id, switch_code) VALUES (?,?,?,?,?) RETURNING id",
            {n->node.code, n->node.name, line, parent, sw});
        count(false, true);
      }
      section_line[n->node.code] = line;
      placed.insert(n->node.code);
    }
    if (later.size() == pending.size()) break;  // unreachable after the checks
    pending = std::move(later);
  }
  for (auto& n : nodes) {
    if (n.node.kind != "area") continue;
    const bool on_line = lines.count(n.node.parent) > 0;
    const std::int64_t line = on_line ? lines.at(n.node.parent) : section_line.at(n.node.parent);
    const Value section = on_line ? storage::null_value() : Value(sections.at(n.node.parent));
    const Value capacity = n.capacity.empty() ? storage::null_value() : Value(*parse_number(n.capacity));
    if (auto it = areas.find(n.node.code); it != areas.end()) {
      const auto changed = conn.execute(
          "UPDATE transformer_areas SET name = ?, line_id = ?, section_id = ?, capacity_kva = ? WHERE id = ? AND (name <> ? OR line_id <> ? "
          "OR COALESCE(section_id, 0) <> ? OR COALESCE(capacity_kva, -1) <> ?)",
          {n.node.name, line, section, capacity, it->second, n.node.name, line, on_line ? std::int64_t{0} : sections.at(n.node.parent),
           n.capacity.empty() ? std::int64_t{-1} : *parse_number(n.capacity)});
      count(true, changed > 0);
    } else {
      areas[n.node.code] = conn.insert_returning_id(
          "INSERT INTO transformer_areas(code, name, line_id, section_id, capacity_kva) VALUES (?,?,?,?,?) RETURNING id",
          {n.node.code, n.node.name, line, section, capacity});
      count(false, true);
    }
  }
  for (auto& a : accounts) {
    const std::int64_t account = account_ids.at(a.node.code);
    const std::int64_t seq = a.source.empty() ? 1 : *parse_number(a.source);
    Value line = storage::null_value(), section = storage::null_value(), area = storage::null_value();
    if (lines.count(a.node.parent)) {
      line = lines.at(a.node.parent);
    } else if (sections.count(a.node.parent)) {
      section = sections.at(a.node.parent);
      line = section_line.at(a.node.parent);
    } else {
      const auto row = conn.query_one("SELECT line_id, section_id FROM transformer_areas WHERE id = ?", {areas.at(a.node.parent)});
      area = areas.at(a.node.parent);
      line = row->i64(0);
      section = row->is_null(1) ? storage::null_value() : Value(row->i64(1));
    }
    if (seq == 1) {
      const auto changed = conn.execute(
          "UPDATE accounts SET line_id = ?, section_id = ?, transformer_area_id = ?, updated_at = ? WHERE id = ? AND "
          "(COALESCE(line_id, 0) <> COALESCE(?, 0) OR COALESCE(section_id, 0) <> COALESCE(?, 0) OR "
          "COALESCE(transformer_area_id, 0) <> COALESCE(?, 0))",
          {line, section, area, now, account, line, section, area});
      count(true, changed > 0);
    } else {
      auto existing = conn.query_one("SELECT id FROM account_sources WHERE account_id = ? AND seq = ?", {account, seq});
      if (existing) {
        const auto changed = conn.execute(
            "UPDATE account_sources SET line_id = ?, section_id = ?, transformer_area_id = ? WHERE id = ? AND (line_id <> ? OR "
            "COALESCE(section_id, 0) <> COALESCE(?, 0) OR COALESCE(transformer_area_id, 0) <> COALESCE(?, 0))",
            {line, section, area, existing->i64(0), line, section, area});
        count(true, changed > 0);
      } else {
        conn.execute("INSERT INTO account_sources(account_id, seq, line_id, section_id, transformer_area_id) VALUES (?,?,?,?,?)",
                     {account, seq, line, section, area});
        count(false, true);
      }
      conn.execute("UPDATE accounts SET supply_sources = ? WHERE id = ? AND supply_sources < ?", {seq, account, seq});
    }
  }
  const std::int64_t rows_total = static_cast<std::int64_t>(nodes.size() + accounts.size());
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO topology_imports(file_name, sha256, rows_total, inserted, updated, unchanged, created_by, created_at) "
      "VALUES (?,?,?,?,?,?,?,?) RETURNING id",
      {storage::text_or_null(file_name), auth::sha256_hex(bytes), rows_total, inserted, updated, unchanged, p.user_id, now});
  audit::Entry e;
  e.action = "import";
  e.entity = "topology";
  e.entity_id = std::to_string(id);
  e.org_path = p.org_path;
  e.after_json = json::serialize(bj::object{{"rows", rows_total}, {"inserted", inserted}, {"updated", updated}, {"unchanged", unchanged}});
  audit::record(conn, p.actor(), e);
  return bj::object{{"import_id", id}, {"rows", rows_total}, {"inserted", inserted}, {"updated", updated}, {"unchanged", unchanged}};
}

bj::object list_substations(Connection& conn, const auth::Principal& p) {
  auth::require_permission(p, auth::Permission::customer_read);
  Params params;
  const std::string where = storage::path_prefix_condition(conn.backend(), "o.path", p.org_path, params);
  bj::array out;
  std::map<std::int64_t, bj::array> lines_of;
  for (auto& r : conn.query("SELECT l.id, l.code, l.name, l.voltage_kv, l.substation_id, (SELECT COUNT(*) FROM line_sections s WHERE s.line_id = l.id), "
                            "(SELECT COUNT(*) FROM transformer_areas t WHERE t.line_id = l.id) FROM lines l JOIN substations b ON b.id = l.substation_id "
                            "JOIN org_units o ON o.id = b.org_unit_id WHERE " + where + " ORDER BY l.code",
                            params))
    lines_of[r.i64(4)].push_back(bj::object{{"id", r.i64(0)},
                                            {"code", r.str(1)},
                                            {"name", r.str(2)},
                                            {"voltage_kv", r.f64(3)},
                                            {"sections", r.i64(5)},
                                            {"areas", r.i64(6)}});
  Params sub_params;
  const std::string sub_where = storage::path_prefix_condition(conn.backend(), "o.path", p.org_path, sub_params);
  for (auto& r : conn.query("SELECT b.id, b.code, b.name, b.voltage_kv, o.name FROM substations b JOIN org_units o ON o.id = b.org_unit_id WHERE " +
                                sub_where + " ORDER BY b.code",
                            sub_params))
    out.push_back(bj::object{{"id", r.i64(0)},
                             {"code", r.str(1)},
                             {"name", r.str(2)},
                             {"voltage_kv", r.i64(3)},
                             {"org_unit_name", r.str(4)},
                             {"lines", std::move(lines_of[r.i64(0)])}});
  return bj::object{{"items", std::move(out)}};
}

bj::object line_tree(Connection& conn, const auth::Principal& p, std::int64_t line_id) {
  auth::require_permission(p, auth::Permission::customer_read);
  auto line = conn.query_one("SELECT l.code, l.name, l.voltage_kv, b.name, o.path FROM lines l JOIN substations b ON b.id = l.substation_id "
                             "JOIN org_units o ON o.id = b.org_unit_id WHERE l.id = ?",
                             {line_id});
  if (!line || !auth::org_in_scope(p, line->str(4))) throw_not_found("line");
  // Accounts fed per area, and per section or line directly (first sources and further ones).
  std::map<std::int64_t, std::int64_t> by_area, by_section;
  std::int64_t on_line = 0;
  for (auto& r : conn.query("SELECT transformer_area_id, section_id, COUNT(*) FROM accounts WHERE line_id = ? OR transformer_area_id IN "
                            "(SELECT id FROM transformer_areas WHERE line_id = ?) OR section_id IN (SELECT id FROM line_sections WHERE line_id = ?) "
                            "GROUP BY transformer_area_id, section_id",
                            {line_id, line_id, line_id})) {
    if (!r.is_null(0)) by_area[r.i64(0)] += r.i64(2);
    else if (!r.is_null(1)) by_section[r.i64(1)] += r.i64(2);
    else on_line += r.i64(2);
  }
  const std::int64_t further = conn.query_i64("SELECT COUNT(*) FROM account_sources WHERE line_id = ?", {line_id});
  std::map<std::int64_t, bj::array> areas_of;  // section id (0 = on the line) → areas
  for (auto& r : conn.query("SELECT id, code, name, section_id, capacity_kva FROM transformer_areas WHERE line_id = ? ORDER BY code", {line_id}))
    areas_of[r.is_null(3) ? 0 : r.i64(3)].push_back(bj::object{{"id", r.i64(0)},
                                                                {"code", r.str(1)},
                                                                {"name", r.str(2)},
                                                                {"capacity_kva", json::nullable(r.opt_i64(4))},
                                                                {"accounts", by_area[r.i64(0)]}});
  bj::array sections;
  for (auto& r : conn.query("SELECT id, code, name, parent_id, switch_code FROM line_sections WHERE line_id = ? ORDER BY code", {line_id}))
    sections.push_back(bj::object{{"id", r.i64(0)},
                                  {"code", r.str(1)},
                                  {"name", r.str(2)},
                                  {"parent_id", json::nullable(r.opt_i64(3))},
                                  {"switch_code", json::nullable(r.opt_str(4))},
                                  {"accounts", by_section[r.i64(0)]},
                                  {"areas", std::move(areas_of[r.i64(0)])}});
  return bj::object{{"id", line_id},
                    {"code", line->str(0)},
                    {"name", line->str(1)},
                    {"voltage_kv", line->f64(2)},
                    {"substation_name", line->str(3)},
                    {"accounts_on_line", on_line},
                    {"further_sources", further},
                    {"areas_on_line", std::move(areas_of[0])},
                    {"sections", std::move(sections)}};
}

std::vector<AffectedAccount> affected_accounts(Connection& conn, const Scope& scope) {
  auto ids = [](const std::unordered_set<std::int64_t>& s) { return std::vector<std::int64_t>(s.begin(), s.end()); };
  // The sections switched off: the scoped ones and everything downstream on their lines.
  SectionChildren children;
  storage::for_id_chunks(ids(scope.sections), {}, [&](const std::string& in, const Params& params) {
    for (auto& r : conn.query("SELECT id, parent_id FROM line_sections WHERE parent_id IS NOT NULL AND line_id IN "
                              "(SELECT line_id FROM line_sections WHERE id IN " + in + ")",
                              params))
      children[r.i64(1)].push_back(r.i64(0));
  });
  const auto out_sections = sections_out(scope, children);
  // Areas that are off: scoped, on a scoped line, or on a section that is off.
  std::unordered_set<std::int64_t> out_areas = scope.areas;
  storage::for_id_chunks(ids(scope.lines), {}, [&](const std::string& in, const Params& params) {
    for (auto& r : conn.query("SELECT id FROM transformer_areas WHERE line_id IN " + in, params)) out_areas.insert(r.i64(0));
  });
  storage::for_id_chunks(ids(out_sections), {}, [&](const std::string& in, const Params& params) {
    for (auto& r : conn.query("SELECT id FROM transformer_areas WHERE section_id IN " + in, params)) out_areas.insert(r.i64(0));
  });
  // Candidates: accounts with any source that is off.
  struct Account {
    std::int64_t customer = 0;
    std::vector<Source> sources;
  };
  std::unordered_map<std::int64_t, Account> candidates;
  candidates.reserve(1024);
  const std::string account_columns =
      "SELECT a.id, a.customer_id, COALESCE(a.line_id, t.line_id, s.line_id), COALESCE(a.section_id, t.section_id), a.transformer_area_id "
      "FROM accounts a LEFT JOIN transformer_areas t ON t.id = a.transformer_area_id LEFT JOIN line_sections s ON s.id = a.section_id "
      "WHERE a.status = 'active' AND ";
  auto take = [&](const storage::Row& r) {
    Account& a = candidates[r.i64(0)];
    if (!a.sources.empty()) return;
    a.customer = r.i64(1);
    a.sources.push_back({r.is_null(2) ? 0 : r.i64(2), r.is_null(3) ? 0 : r.i64(3), r.is_null(4) ? 0 : r.i64(4)});
  };
  auto accounts_where = [&](const char* condition, const std::unordered_set<std::int64_t>& set) {
    storage::for_id_chunks(ids(set), {}, [&](const std::string& in, const Params& params) {
      conn.query_each(account_columns + condition + in, params, take);
    });
  };
  accounts_where("a.line_id IN ", scope.lines);
  accounts_where("a.section_id IN ", out_sections);
  accounts_where("a.transformer_area_id IN ", out_areas);
  accounts_where("a.id IN ", scope.accounts);
  // Accounts whose second or third source is off.
  std::unordered_set<std::int64_t> via_further;
  auto further_where = [&](const char* condition, const std::unordered_set<std::int64_t>& set) {
    storage::for_id_chunks(ids(set), {}, [&](const std::string& in, const Params& params) {
      for (auto& r : conn.query("SELECT account_id FROM account_sources WHERE " + std::string(condition) + in, params))
        if (!candidates.count(r.i64(0))) via_further.insert(r.i64(0));
    });
  };
  further_where("line_id IN ", scope.lines);
  further_where("section_id IN ", out_sections);
  further_where("transformer_area_id IN ", out_areas);
  accounts_where("a.id IN ", via_further);
  // Their further sources. Dual- and triple-supply accounts are few: one scan of account_sources
  // costs less than an index lookup per candidate, and does not trust accounts.supply_sources.
  conn.query_each("SELECT x.account_id, x.line_id, COALESCE(x.section_id, t.section_id), x.transformer_area_id FROM account_sources x "
                  "LEFT JOIN transformer_areas t ON t.id = x.transformer_area_id ORDER BY x.account_id, x.seq",
                  {}, [&](const storage::Row& r) {
                    auto it = candidates.find(r.i64(0));
                    if (it != candidates.end())
                      it->second.sources.push_back({r.i64(1), r.is_null(2) ? 0 : r.i64(2), r.is_null(3) ? 0 : r.i64(3)});
                  });
  std::vector<AffectedAccount> out;
  for (auto& [id, a] : candidates) {
    const Effect e = effect_of(id, a.sources, scope, out_sections);
    if (e != Effect::none) out.push_back({id, a.customer, e});
  }
  std::sort(out.begin(), out.end(), [](const AffectedAccount& x, const AffectedAccount& y) { return x.account_id < y.account_id; });
  return out;
}

}  // namespace lianxin::outages
