#include "expansion/import.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "expansion/rules.hpp"
#include "expansion/service.hpp"
#include "io/csv.hpp"
#include "io/upload.hpp"
#include "io/xlsx.hpp"

namespace lianxin::expansion {

namespace bj = boost::json;
using storage::Connection;

const std::vector<ImportColumn>& import_columns() {
  static const std::vector<ImportColumn> columns = {
      {"number", "申请编号", true, "YK2026-000123", "营销系统的申请编号；已导入过的编号跳过"},
      {"account_no", "户号", true, "3300012345", "客户任一用电户号"},
      {"kind", "业务类型", true, "新装", "新装、增容、减容、暂停、恢复、更名、改类（或代码 new_connection …）"},
      {"category", "供电类别", true, "高压双电源", "居民、低压非居民、高压单电源、高压双电源、110千伏及以上（或代码）"},
      {"title", "项目名称", true, "新建厂房10千伏双电源接入", "至多 200 字"},
      {"capacity_kva", "申请容量", false, "2000", "千伏安，整数"},
      {"rule_set", "时限口径", false, "sgcc_assessment", "sgcc_commitment、sgcc_assessment、regulator_2009；不填用系统设置"},
      {"accepted_at", "受理时间", true, "2026-03-02 09:30", "年-月-日 时:分（北京时间）；以下时间同"},
      {"acceptance_done", "受理完成", false, "2026-03-02 10:00", "之后任一环节有时间时必填"},
      {"survey_done", "现场勘查完成", false, "2026-03-04 16:00", ""},
      {"plan_reply_done", "供电方案答复", false, "2026-03-12 11:00", ""},
      {"design_submitted", "设计文件提交", false, "2026-04-01 09:00", "客户提交设计文件，设计审查由此开始（高压）"},
      {"design_review_done", "设计审查完成", false, "2026-04-08 15:00", ""},
      {"mid_requested", "中间检查申请", false, "2026-05-06 09:00", "客户申请中间检查（高压）"},
      {"mid_inspection_done", "中间检查完成", false, "2026-05-08 15:00", ""},
      {"completion_requested", "竣工报验", false, "2026-06-01 09:00", "客户竣工报验，竣工检验由此开始"},
      {"completion_inspection_done", "竣工检验完成", false, "2026-06-04 15:00", ""},
      {"connection_done", "装表接电完成", false, "2026-06-10 15:00", "填写即办结"},
      {"pauses", "客户原因暂停", false, "2026-03-05 09:00~2026-03-09 09:00 等待客户补充资料",
       "每段“开始~结束 原因”，多段以分号分隔；结束可空（仍暂停）"},
  };
  return columns;
}

namespace {

std::size_t column_index(const std::string& code) {
  const auto& cols = import_columns();
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (code == cols[i].code) return i;
  return cols.size();
}

// A header cell to its column: the code or the Chinese name, with or without the trailing "*".
std::optional<std::size_t> header_column(std::string cell) {
  cell = trim(cell);
  if (!cell.empty() && cell.back() == '*') cell.pop_back();
  const auto& cols = import_columns();
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cell == cols[i].code || cell == cols[i].zh) return i;
  return std::nullopt;
}

std::optional<std::string> kind_code_of(const std::string& text) {
  static const std::map<std::string, std::string> labels = {
      {"新装", "new_connection"}, {"增容", "capacity_increase"}, {"减容", "capacity_reduction"}, {"暂停", "suspension"},
      {"恢复", "resumption"},     {"暂停恢复", "resumption"},   {"减容恢复", "resumption"},   {"更名", "change_name"},
      {"过户", "change_name"},    {"改类", "change_tariff"}};
  if (kind_from(text)) return text;
  auto it = labels.find(text);
  return it == labels.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::optional<std::string> category_code_of(const std::string& text) {
  static const std::map<std::string, std::string> labels = {
      {"居民", "residential"},      {"低压居民", "residential"},       {"低压非居民", "low_voltage"},
      {"高压单电源", "hv_single"},  {"高压双电源", "hv_dual"},         {"高压多电源", "hv_dual"},
      {"110千伏及以上", "hv_110kv"}, {"110kV及以上", "hv_110kv"},       {"110kV及以上电压等级", "hv_110kv"}};
  if (category_from(text)) return text;
  auto it = labels.find(text);
  return it == labels.end() ? std::nullopt : std::optional<std::string>(it->second);
}

// "2026-03-02 09:30[:00]" in Asia/Shanghai (or an ISO instant with its zone) to an ISO instant.
std::optional<std::string> local_instant(const std::string& text) {
  std::string t = trim(text);
  if (t.size() < 16) return std::nullopt;
  const bool has_zone = t.back() == 'Z' || (t.size() > 19 && (t[t.size() - 6] == '+' || t[t.size() - 6] == '-'));
  if (!has_zone) t += "+08:00";
  if (t[10] == ' ') t[10] = 'T';
  try {
    return format_iso_utc(parse_iso_instant(t, "at"));
  } catch (const AppError&) {
    return std::nullopt;
  }
}

// One replayed step of an application's history.
struct Step {
  enum Kind { resume = 0, start = 1, finish = 2, pause = 3 };  // the order of steps at the same minute
  std::string at;      // ISO instant
  Kind kind;
  std::string stage;   // start, finish
  std::string reason;  // pause
  std::string column;  // the column the step came from, for errors
};

const char* finish_column(const std::string& stage) {
  if (stage == "acceptance") return "acceptance_done";
  if (stage == "survey") return "survey_done";
  if (stage == "plan_reply") return "plan_reply_done";
  if (stage == "design_review") return "design_review_done";
  if (stage == "mid_inspection") return "mid_inspection_done";
  if (stage == "completion_inspection") return "completion_inspection_done";
  return "connection_done";
}
const char* start_column(const std::string& stage) {
  if (stage == "design_review") return "design_submitted";
  if (stage == "mid_inspection") return "mid_requested";
  return "completion_requested";
}

bool is_time_column(const std::string& code) {
  auto ends_with = [&](const char* suffix) {
    const std::string s(suffix);
    return code.size() > s.size() && code.compare(code.size() - s.size(), s.size(), s) == 0;
  };
  return ends_with("_at") || ends_with("_done") || ends_with("_submitted") || ends_with("_requested");
}

// The create body's fields to the file's columns.
std::string column_of_field(const std::string& field) {
  if (field == "customer_id") return "account_no";
  if (field == "at") return "";
  return field;
}

}  // namespace

bj::object import_applications(Connection& conn, const auth::Principal& p, const std::string& bytes, const std::string& file_name,
                                Millis now) {
  auth::require_permission(p, auth::Permission::expansion_work);
  io::UploadTable upload = io::read_upload_table(bytes, file_name, kMaxImportRows);
  const auto& cols = import_columns();
  std::vector<std::optional<std::size_t>> at_column(cols.size());
  {
    Validator header;
    const auto& cells = upload.cells[0];
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (trim(cells[i]).empty()) continue;
      auto c = header_column(cells[i]);
      if (!c) header.add("file", "unknown column (" + trim(cells[i]) + ")");
      else if (at_column[*c]) header.add("file", "column given twice (" + std::string(cols[*c].zh) + ")");
      else at_column[*c] = i;
    }
    for (std::size_t c = 0; c < cols.size(); ++c)
      if (cols[c].required && !at_column[c]) header.add("file", "required column missing (" + std::string(cols[c].zh) + ")");
    header.throw_if_failed("the header row has problems; nothing was imported");
  }
  std::vector<FieldIssue> issues;
  std::int64_t rows = 0, inserted = 0, skipped = 0, completed = 0;
  std::set<std::string> numbers_in_file;
  for (std::size_t r = 1; r < upload.cells.size(); ++r) {
    const auto& cells = upload.cells[r];
    if (io::blank_row(cells)) continue;
    ++rows;
    const std::int64_t row = upload.row_numbers[r];
    auto cell = [&](const char* code) -> std::string {
      const auto& at = at_column[column_index(code)];
      return at && *at < cells.size() ? trim(cells[*at]) : std::string();
    };
    const std::size_t before = issues.size();
    auto problem = [&](const std::string& column, const std::string& message) { issues.push_back({column, message, row}); };
    for (auto& c : cols)
      if (c.required && cell(c.code).empty()) problem(c.code, "is required");
    const std::string number = cell("number");
    if (!number.empty() && !numbers_in_file.insert(number).second) problem("number", "appears twice in the file");
    std::optional<std::int64_t> customer;
    if (!cell("account_no").empty()) {
      auto a = conn.query_one("SELECT customer_id FROM accounts WHERE account_no = ?", {cell("account_no")});
      if (a) customer = a->i64(0);
      else problem("account_no", "unknown account number");
    }
    auto kind = kind_code_of(cell("kind"));
    if (!cell("kind").empty() && !kind) problem("kind", "unknown application kind");
    auto category = category_code_of(cell("category"));
    if (!cell("category").empty() && !category) problem("category", "unknown supply category");
    std::optional<std::int64_t> capacity;
    if (!cell("capacity_kva").empty()) {
      const std::string text = cell("capacity_kva");
      std::int64_t value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec == std::errc() && end == text.data() + text.size()) capacity = value;
      if (!capacity || *capacity < 0) problem("capacity_kva", "must be a whole number of kVA, not negative");
    }
    // Times: every one a local date and minute.
    std::map<std::string, std::string> instants;
    for (auto& c : cols) {
      const std::string code = c.code;
      if (!is_time_column(code)) continue;
      const std::string text = cell(c.code);
      if (text.empty()) continue;
      if (auto at = local_instant(text)) instants[code] = *at;
      else problem(code, "must be a date and time such as 2026-03-02 09:30");
    }
    std::vector<Step> steps;
    if (kind && category) {
      const auto plan = stages_for(*kind_from(*kind), *category_from(*category));
      std::set<std::string> in_plan;
      for (auto& s : plan) {
        const std::string stage = stage_code(s.stage);
        in_plan.insert(stage);
        if (s.start == StartEvent::customer_request)
          if (auto it = instants.find(start_column(stage)); it != instants.end())
            steps.push_back({it->second, Step::start, stage, "", start_column(stage)});
        if (auto it = instants.find(finish_column(stage)); it != instants.end())
          steps.push_back({it->second, Step::finish, stage, "", finish_column(stage)});
      }
      for (auto& s : all_stages()) {
        const std::string stage = stage_code(s);
        if (in_plan.count(stage)) continue;
        if (instants.count(finish_column(stage)))
          problem(finish_column(stage), "this stage is not part of a " + *category + "/" + *kind + " application");
      }
    }
    for (const std::string& part : split(cell("pauses"), ';')) {
      const std::string piece = trim(part);
      if (piece.empty()) continue;
      const auto tilde = piece.find('~');
      std::string from = tilde == std::string::npos ? "" : piece.substr(0, tilde);
      std::string rest = tilde == std::string::npos ? "" : trim(piece.substr(tilde + 1));
      std::string to, reason;
      if (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest[0]))) {
        // "YYYY-MM-DD HH:MM reason" (16 characters of time, optional seconds)
        std::size_t end = std::min<std::size_t>(rest.size(), rest.size() > 16 && rest[16] == ':' ? 19 : 16);
        to = rest.substr(0, end);
        reason = trim(rest.substr(end));
      } else {
        reason = rest;
      }
      auto from_at = local_instant(from);
      std::optional<std::string> to_at = to.empty() ? std::optional<std::string>() : local_instant(to);
      if (!from_at || (!to.empty() && !to_at)) {
        problem("pauses", "each pause is \"start~end reason\" with times such as 2026-03-05 09:00");
        continue;
      }
      if (reason.empty()) {
        problem("pauses", "a pause needs its reason");
        continue;
      }
      steps.push_back({*from_at, Step::pause, "", reason, "pauses"});
      if (to_at) steps.push_back({*to_at, Step::resume, "", "", "pauses"});
    }
    if (!instants.count("acceptance_done") && !steps.empty() &&
        std::any_of(steps.begin(), steps.end(), [](const Step& s) { return s.kind != Step::pause && s.column != "acceptance_done"; }))
      problem("acceptance_done", "is required when a later stage has a time");
    if (issues.size() != before) continue;
    if (conn.query_one("SELECT id FROM expansion_applications WHERE number = ?", {number})) {
      ++skipped;  // imported before
      continue;
    }
    // Replay the history through the commands, inside a savepoint: a row that fails leaves nothing.
    std::stable_sort(steps.begin(), steps.end(),
                     [](const Step& a, const Step& b) { return a.at != b.at ? a.at < b.at : a.kind < b.kind; });
    conn.execute("SAVEPOINT expansion_import_row");
    std::string column = "number";
    try {
      bj::object body{{"customer_id", *customer}, {"kind", *kind},     {"category", *category},
                      {"title", cell("title")},  {"number", number}, {"accepted_at", instants["accepted_at"]}};
      if (capacity) body["capacity_kva"] = *capacity;
      if (!cell("rule_set").empty()) body["rule_set"] = cell("rule_set");
      const std::int64_t id = create_application(conn, p, body, now);
      bool done = false;
      for (const Step& s : steps) {
        column = s.column;
        bj::object at{{"at", s.at}};
        switch (s.kind) {
          case Step::start: start_stage(conn, p, id, s.stage, at, now); break;
          case Step::finish:
            finish_stage(conn, p, id, s.stage, at, now);
            done = done || s.stage == "connection";
            break;
          case Step::pause: pause(conn, p, id, bj::object{{"at", s.at}, {"reason", s.reason}}, now); break;
          case Step::resume: resume(conn, p, id, at, now); break;
        }
      }
      conn.execute("RELEASE SAVEPOINT expansion_import_row");
      ++inserted;
      completed += done;
    } catch (const AppError& e) {
      conn.execute("ROLLBACK TO SAVEPOINT expansion_import_row");
      conn.execute("RELEASE SAVEPOINT expansion_import_row");
      if (e.issues().empty()) {
        problem(column, e.what());
      } else {
        for (auto& i : e.issues()) {
          const std::string mapped = column_of_field(i.field);
          problem(mapped.empty() ? column : mapped, i.message);
        }
      }
    }
  }
  if (rows == 0) throw AppError(ErrorCode::validation_failed, "no applications to import", {{"rows", "the upload has no data rows"}});
  if (!issues.empty()) {
    const std::size_t count = issues.size();
    if (issues.size() > 400) issues.resize(400);
    throw AppError(ErrorCode::validation_failed, std::to_string(count) + " error(s); nothing was imported", issues);
  }
  audit::Entry e;
  e.action = "import";
  e.entity = "expansion_application";
  e.entity_id = "";
  e.org_path = p.org_path;
  e.after_json = json::serialize(bj::object{{"file_name", file_name}, {"rows", rows}, {"inserted", inserted}, {"skipped", skipped}});
  audit::record(conn, p.actor(), e);
  return bj::object{{"rows", rows}, {"inserted", inserted}, {"unchanged", skipped}, {"completed", completed}, {"open", inserted - completed}};
}

std::string import_template_csv() {
  std::vector<std::string> header, example;
  for (auto& c : import_columns()) {
    header.push_back(std::string(c.zh) + (c.required ? "*" : ""));
    example.push_back(c.example);
  }
  return std::string(io::kUtf8Bom) + io::csv_escape_row(header) + io::csv_escape_row(example);
}

std::string import_template_xlsx() {
  io::Sheet sheet;
  sheet.name = "applications";
  std::vector<io::Cell> example;
  for (auto& c : import_columns()) {
    sheet.header.push_back(std::string(c.zh) + (c.required ? "*" : ""));
    example.emplace_back(std::string(c.example));
  }
  sheet.rows.push_back(example);
  io::Sheet about;
  about.name = "说明";
  about.header = {"列", "代码", "必填", "说明"};
  for (auto& c : import_columns())
    about.rows.push_back({std::string(c.zh), std::string(c.code), std::string(c.required ? "是" : "否"), std::string(c.about)});
  return io::write_xlsx({sheet, about});
}

}  // namespace lianxin::expansion
