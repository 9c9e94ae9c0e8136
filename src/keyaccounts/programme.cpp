// The "五个一" programme of a key account per year: five items from the template, each with an
// owner, a due date, evidence and a status; completed by their records (an introduction visit, a
// leader visit, a drill, a delivered usage plan, tested equipment) and signed off by a leader.
#include <map>

#include "common/strings.hpp"
#include "keyaccounts/internal.hpp"
#include "keyaccounts/programme_rules.hpp"
#include "keyaccounts/service.hpp"

namespace lianxin::keyaccounts {

using namespace detail;
using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

struct ProgrammeSettings {
  std::map<std::string, std::string> due;
  int new_account_days = 90;
};

ProgrammeSettings programme_settings(Connection& conn) {
  ProgrammeSettings s;
  s.due = *parse_due_template("manager:01-31,leader_visit:06-30,drill:09-30,usage_plan:10-31,diagnosis:11-30");
  for (auto& r : conn.query("SELECT key, value FROM settings WHERE key IN "
                            "('keyaccounts.programme_due', 'keyaccounts.programme_new_account_days')")) {
    if (r.str(0) == "keyaccounts.programme_due") {
      if (auto t = parse_due_template(r.str(1))) s.due = *t;
    } else {
      try {
        s.new_account_days = std::max(0, std::stoi(r.str(1)));
      } catch (const std::exception&) {
      }
    }
  }
  return s;
}

struct ItemRow {
  std::int64_t id = 0, programme_id = 0, customer_id = 0;
  std::string kind, status, due_date, org_path, programme_status;
  int year = 0;
};

ItemRow require_item(Connection& conn, const auth::Principal& p, std::int64_t item_id) {
  auto r = conn.query_one(
      "SELECT i.id, i.programme_id, i.customer_id, i.kind, i.status, i.due_date, g.org_path, g.status, g.year "
      "FROM programme_items i JOIN programmes g ON g.id = i.programme_id WHERE i.id = ?",
      {item_id});
  if (!r) throw_not_found("programme item");
  require_customer(conn, p, r->i64(2));  // scope, incl. the manager's portfolio
  return {r->i64(0), r->i64(1), r->i64(2), r->str(3), r->str(4), r->str(5), r->str(6), r->str(7), static_cast<int>(r->i64(8))};
}

bj::array attachments_of(Connection& conn, const std::string& entity, std::int64_t id) {
  bj::array out;
  for (auto& a : conn.query("SELECT a.id, a.file_name, a.size_bytes, u.display_name, a.uploaded_at FROM service_attachments a "
                            "LEFT JOIN users u ON u.id = a.uploaded_by WHERE a.entity = ? AND a.entity_id = ? ORDER BY a.id",
                            {entity, id}))
    out.push_back(bj::object{{"id", a.i64(0)},
                             {"file_name", a.str(1)},
                             {"size_bytes", a.i64(2)},
                             {"uploaded_by", json::nullable(a.opt_str(3))},
                             {"uploaded_at", json::instant_or_null(a.i64(4))}});
  return out;
}

// The record that completes an item of `kind` for the customer in `year`, if there is one.
std::optional<std::pair<std::string, std::int64_t>> completing_record(Connection& conn, std::int64_t customer, int year,
                                                                        const std::string& kind, std::int64_t item_id) {
  const std::string from = std::to_string(year) + "-01-01", to = std::to_string(year) + "-12-31";
  std::optional<storage::Row> r;
  std::string entity;
  if (kind == "manager") {
    if (!conn.query_one("SELECT 1 FROM customers WHERE id = ? AND manager_id IS NOT NULL", {customer})) return std::nullopt;
    entity = "visit";
    r = conn.query_one("SELECT id FROM visits WHERE customer_id = ? AND kind = 'introduction' AND status = 'done' "
                       "AND done_on BETWEEN ? AND ? ORDER BY done_on DESC LIMIT 1",
                       {customer, from, to});
    if (!r && conn.query_one("SELECT 1 FROM service_attachments WHERE entity = 'programme_item' AND entity_id = ?", {item_id}))
      return std::make_pair(std::string("customer"), customer);  // the introduction letter is the evidence
  } else if (kind == "leader_visit") {
    entity = "visit";
    r = conn.query_one("SELECT id FROM visits WHERE customer_id = ? AND kind = 'leader' AND status = 'done' "
                       "AND done_on BETWEEN ? AND ? ORDER BY done_on DESC LIMIT 1",
                       {customer, from, to});
  } else if (kind == "drill") {
    entity = "drill";
    r = conn.query_one("SELECT id FROM drills WHERE customer_id = ? AND held_on BETWEEN ? AND ? ORDER BY held_on DESC LIMIT 1",
                       {customer, from, to});
  } else if (kind == "usage_plan") {
    entity = "usage_plan";
    r = conn.query_one("SELECT id FROM usage_plans WHERE customer_id = ? AND year = ? AND status = 'delivered'",
                       {customer, std::int64_t{year}});
  } else if (kind == "diagnosis") {
    entity = "equipment";
    r = conn.query_one("SELECT id FROM equipment WHERE customer_id = ? AND last_test_on BETWEEN ? AND ? "
                       "AND health_grade IS NOT NULL ORDER BY last_test_on DESC LIMIT 1",
                       {customer, from, to});
  }
  if (!r) return std::nullopt;
  return std::make_pair(entity, r->i64(0));
}

const char* missing_record_message(const std::string& kind) {
  if (kind == "manager") return "assign the account manager and record the introduction visit (or attach the introduction record) first";
  if (kind == "leader_visit") return "record the leader visit of this year first";
  if (kind == "drill") return "record the emergency drill of this year first";
  if (kind == "usage_plan") return "deliver the electricity-use plan of this year first";
  return "record the equipment test results (with a health grade) of this year first";
}

}  // namespace

std::int64_t ensure_programme(Connection& conn, const auth::Actor& actor, std::int64_t customer_id, int year, Millis now) {
  if (auto r = conn.query_one("SELECT id FROM programmes WHERE customer_id = ? AND year = ?", {customer_id, std::int64_t{year}}))
    return r->i64(0);
  auto c = conn.query_one("SELECT org_path, manager_id FROM customers WHERE id = ?", {customer_id});
  if (!c) throw_not_found("customer");
  const auto settings = programme_settings(conn);
  const std::string day = today(now);
  // A programme made before its year (planning ahead) counts from the year's first day.
  const std::string from = std::max(day, std::to_string(year) + "-01-01");
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO programmes(customer_id, year, org_path, status, created_at) VALUES (?,?,?,'open',?) RETURNING id",
      {customer_id, std::int64_t{year}, c->str(0), now});
  for (auto& kind : programme_kinds()) {
    const std::string due = programme_due_date(year, settings.due.at(kind), from, from == day ? settings.new_account_days : 0);
    conn.execute("INSERT INTO programme_items(programme_id, customer_id, kind, owner_id, due_date, status) VALUES (?,?,?,?,?,'pending')",
                 {id, customer_id, kind, c->is_null(1) ? storage::null_value() : Value(c->i64(1)), due});
  }
  audit::Entry e;
  e.action = "create";
  e.entity = "programme";
  e.entity_id = std::to_string(id);
  e.org_path = c->str(0);
  e.after_json = json::serialize(bj::object{{"customer_id", customer_id}, {"year", year}});
  audit::record(conn, actor, e);
  return id;
}

bj::object generate_programmes(Connection& conn, const auth::Principal& p, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_manage);
  Validator v;
  auto year = json::opt_int(body, "year", v);
  auto org = json::opt_int(body, "org_unit_id", v);
  const int this_year = year_of(today(now));
  if (year && (*year < this_year - 1 || *year > this_year + 1)) v.add("year", "must be last, this or next year");
  v.throw_if_failed();
  const int y = static_cast<int>(year.value_or(this_year));
  std::string path = p.org_path;
  if (org) {
    auto r = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*org});
    if (!r || !auth::org_in_scope(p, r->str(0))) throw_not_found("org unit");
    path = r->str(0);
  }
  Params params{std::int64_t{y}};
  const std::string where = " AND " + storage::path_prefix_condition(conn.backend(), "c.org_path", path, params);
  std::vector<std::int64_t> ids;
  for (auto& r : conn.query("SELECT c.id FROM customers c WHERE c.is_key_account = 1 AND c.status = 'active' AND NOT EXISTS "
                            "(SELECT 1 FROM programmes g WHERE g.customer_id = c.id AND g.year = ?)" +
                                where + " ORDER BY c.id",
                            params))
    ids.push_back(r.i64(0));
  for (auto id : ids) ensure_programme(conn, p.actor(), id, y, now);
  return bj::object{{"year", y}, {"created", ids.size()}};
}

bj::object programme_of(Connection& conn, const auth::Principal& p, std::int64_t customer_id, int year) {
  require(p, auth::Permission::customer_read);
  auto c = require_customer(conn, p, customer_id);
  auto g = conn.query_one(
      "SELECT g.id, g.status, u.display_name, g.signed_off_at, g.sign_off_note FROM programmes g "
      "LEFT JOIN users u ON u.id = g.signed_off_by WHERE g.customer_id = ? AND g.year = ?",
      {customer_id, std::int64_t{year}});
  bj::object out{{"customer_id", customer_id}, {"name", c.name}, {"year", year}, {"is_key_account", c.key}};
  if (!g) {
    out["programme"] = nullptr;
    return out;
  }
  bj::array items;
  for (auto& i : conn.query(
           "SELECT i.id, i.kind, i.owner_id, o.display_name, i.due_date, i.status, i.done_at, d.display_name, i.note, "
           "i.ref_entity, i.ref_id FROM programme_items i LEFT JOIN users o ON o.id = i.owner_id "
           "LEFT JOIN users d ON d.id = i.done_by WHERE i.programme_id = ? ORDER BY i.id",
           {g->i64(0)}))
    items.push_back(bj::object{{"id", i.i64(0)},
                               {"kind", i.str(1)},
                               {"owner", user_ref(i.opt_i64(2), i.opt_str(3))},
                               {"due_date", i.str(4)},
                               {"status", i.str(5)},
                               {"done_at", json::instant_or_null(i.opt_i64(6))},
                               {"done_by", json::nullable(i.opt_str(7))},
                               {"note", json::nullable(i.opt_str(8))},
                               {"ref_entity", json::nullable(i.opt_str(9))},
                               {"ref_id", json::nullable(i.opt_i64(10))},
                               {"attachments", attachments_of(conn, "programme_item", i.i64(0))}});
  out["programme"] = bj::object{{"id", g->i64(0)},
                                {"status", g->str(1)},
                                {"signed_off_by", json::nullable(g->opt_str(2))},
                                {"signed_off_at", json::instant_or_null(g->opt_i64(3))},
                                {"sign_off_note", json::nullable(g->opt_str(4))},
                                {"items", std::move(items)}};
  return out;
}

bj::object update_programme_item(Connection& conn, const auth::Principal& p, std::int64_t item_id, const bj::object& body,
                                 Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto owner = json::opt_int(body, "owner_id", v);
  auto due = opt_date(body, "due_date", v);
  if (owner) check_user(conn, *owner, "owner_id", v);
  v.throw_if_failed();
  auto item = require_item(conn, p, item_id);
  if (item.status == "done") throw AppError(ErrorCode::invalid_transition, "the item is done already");
  if (due && year_of(*due) != item.year) throw AppError(ErrorCode::validation_failed, "invalid item", {{"due_date", "must lie in the programme's year"}});
  if (owner) conn.execute("UPDATE programme_items SET owner_id = ? WHERE id = ?", {*owner, item_id});
  if (due) conn.execute("UPDATE programme_items SET due_date = ?, overdue_notified_at = NULL WHERE id = ?", {*due, item_id});
  audit_write(conn, p, "update", "programme_item", item_id, item.org_path, bj::object{{"due_date", item.due_date}},
              bj::object{{"owner_id", json::nullable(owner)}, {"due_date", json::nullable(due)}});
  return programme_of(conn, p, item.customer_id, item.year);
}

bj::object complete_programme_item(Connection& conn, const auth::Principal& p, std::int64_t item_id, const bj::object& body,
                                   Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto note = json::opt_string(body, "note", v, 2000);
  v.throw_if_failed();
  auto item = require_item(conn, p, item_id);
  if (item.status == "done") throw AppError(ErrorCode::invalid_transition, "the item is done already");
  auto record = completing_record(conn, item.customer_id, item.year, item.kind, item_id);
  if (!record) throw AppError(ErrorCode::invalid_transition, missing_record_message(item.kind));
  conn.execute("UPDATE programme_items SET status = 'done', done_at = ?, done_by = ?, note = ?, ref_entity = ?, ref_id = ? "
               "WHERE id = ?",
               {now, p.user_id, note ? Value(*note) : storage::null_value(), record->first, record->second, item_id});
  audit_write(conn, p, "complete", "programme_item", item_id, item.org_path, bj::object{{"status", "pending"}},
              bj::object{{"status", "done"}, {"ref_entity", record->first}, {"ref_id", record->second}});
  return programme_of(conn, p, item.customer_id, item.year);
}

void sign_off_programme(Connection& conn, const auth::Principal& p, std::int64_t programme_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::programme_signoff);
  Validator v;
  auto note = json::opt_string(body, "note", v, 2000);
  v.throw_if_failed();
  auto g = conn.query_one("SELECT customer_id, org_path, status, year FROM programmes WHERE id = ?", {programme_id});
  if (!g || !auth::org_in_scope(p, g->str(1))) throw_not_found("programme");
  if (g->str(2) == "signed_off") throw AppError(ErrorCode::invalid_transition, "the programme is signed off already");
  const auto open = conn.query_i64("SELECT COUNT(*) FROM programme_items WHERE programme_id = ? AND status <> 'done'", {programme_id});
  if (open > 0)
    throw AppError(ErrorCode::invalid_transition, std::to_string(open) + " items of the programme are not done yet");
  conn.execute("UPDATE programmes SET status = 'signed_off', signed_off_by = ?, signed_off_at = ?, sign_off_note = ? WHERE id = ?",
               {p.user_id, now, note ? Value(*note) : storage::null_value(), programme_id});
  timeline_add(conn, p, g->i64(0), "programme", std::to_string(g->i64(3)) + " 年度“五个一”服务签字确认", note.value_or(""),
               "programme", programme_id, now);
  audit_write(conn, p, "sign_off", "programme", programme_id, g->str(1), bj::object{{"status", "open"}},
              bj::object{{"status", "signed_off"}, {"note", json::nullable(note)}});
}

bj::object programme_board(Connection& conn, const auth::Principal& p, const BoardFilter& f, std::int64_t limit,
                           std::int64_t offset, Millis now) {
  require(p, auth::Permission::customer_read);
  Params params{std::int64_t{f.year}};
  std::string where = " WHERE g.year = ? AND " + visible_customers(conn, p, params);
  if (f.manager_id) {
    where += " AND c.manager_id = ?";
    params.push_back(*f.manager_id);
  }
  if (f.org_unit_id) {
    auto r = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*f.org_unit_id});
    if (!r) throw_not_found("org unit");
    where += " AND " + storage::path_prefix_condition(conn.backend(), "c.org_path", r->str(0), params);
  }
  if (f.q && !trim(*f.q).empty()) {
    where += " AND c.name LIKE ?";
    params.push_back("%" + trim(*f.q) + "%");
  }
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM programmes g JOIN customers c ON c.id = g.customer_id" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array rows;
  std::map<std::int64_t, std::size_t> at;
  std::string ids;
  for (auto& r : conn.query("SELECT g.id, c.id, c.name, o.name, c.manager_id, m.display_name, g.status, c.key_tier "
                            "FROM programmes g JOIN customers c ON c.id = g.customer_id JOIN org_units o ON o.id = c.org_unit_id "
                            "LEFT JOIN users m ON m.id = c.manager_id" +
                                where + " ORDER BY o.path, c.name, g.id LIMIT ? OFFSET ?",
                            params)) {
    at[r.i64(0)] = rows.size();
    ids += (ids.empty() ? "" : ",") + std::to_string(r.i64(0));
    rows.push_back(bj::object{{"programme_id", r.i64(0)},
                              {"customer_id", r.i64(1)},
                              {"name", r.str(2)},
                              {"org_unit_name", r.str(3)},
                              {"manager", user_ref(r.opt_i64(4), r.opt_str(5))},
                              {"status", r.str(6)},
                              {"tier", json::nullable(r.opt_str(7))},
                              {"done", 0},
                              {"items", bj::object{}}});
  }
  const std::string day = today(now);
  if (!ids.empty()) {
    // ids are integers from the database, joined by us: safe to inline.
    for (auto& i : conn.query("SELECT programme_id, id, kind, status, due_date, owner_id FROM programme_items WHERE programme_id IN (" +
                              ids + ")")) {
      auto& row = rows[at[i.i64(0)]].as_object();
      const bool done = i.str(3) == "done";
      if (done) row["done"] = row["done"].as_int64() + 1;
      row["items"].as_object()[i.str(2)] = bj::object{{"id", i.i64(1)},
                                                      {"status", i.str(3)},
                                                      {"due_date", i.str(4)},
                                                      {"overdue", !done && i.str(4) < day},
                                                      {"owner_id", json::nullable(i.opt_i64(5))}};
    }
  }
  // Key accounts in scope without a programme this year: shown so nobody is forgotten.
  Params missing_params;
  const std::string missing_where = " WHERE c.is_key_account = 1 AND c.status = 'active' AND " +
                                    visible_customers(conn, p, missing_params) +
                                    " AND NOT EXISTS (SELECT 1 FROM programmes g WHERE g.customer_id = c.id AND g.year = ?)";
  missing_params.push_back(std::int64_t{f.year});
  const std::int64_t missing = conn.query_i64("SELECT COUNT(*) FROM customers c" + missing_where, missing_params);
  auto out = json::list_envelope(std::move(rows), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
  out["year"] = f.year;
  out["without_programme"] = missing;
  return out;
}

bj::object programme_coverage(Connection& conn, const auth::Principal& p, int year, const std::string& by, Millis now) {
  require(p, auth::Permission::customer_read);
  if (by != "manager" && by != "org_unit")
    throw AppError(ErrorCode::validation_failed, "invalid query", {{"by", "must be manager or org_unit"}});
  const std::string key = by == "manager" ? "COALESCE(c.manager_id, 0)" : "c.org_unit_id";
  const std::string name = by == "manager" ? "COALESCE(m.display_name, '')" : "o.name";
  const std::string day = today(now);
  Params params{day, std::int64_t{year}};
  std::string where = " WHERE g.year = ? AND " + visible_customers(conn, p, params);
  std::string per_kind;
  for (auto& kind : programme_kinds())
    per_kind += ", SUM(CASE WHEN i.kind = '" + kind + "' AND i.status = 'done' THEN 1 ELSE 0 END) AS " + kind;
  bj::array rows;
  std::int64_t all_programmes = 0, all_complete = 0;
  for (auto& r : conn.query(
           "SELECT k, kname, COUNT(*), SUM(manager), SUM(leader_visit), SUM(drill), SUM(usage_plan), SUM(diagnosis), "
           "SUM(CASE WHEN manager + leader_visit + drill + usage_plan + diagnosis = 5 THEN 1 ELSE 0 END), SUM(signed), "
           "SUM(overdue) FROM (SELECT g.id, " + key + " AS k, " + name + " AS kname" + per_kind +
               ", MAX(CASE WHEN g.status = 'signed_off' THEN 1 ELSE 0 END) AS signed, "
               "SUM(CASE WHEN i.status = 'pending' AND i.due_date < ? THEN 1 ELSE 0 END) AS overdue "
               "FROM programmes g JOIN customers c ON c.id = g.customer_id JOIN programme_items i ON i.programme_id = g.id "
               "JOIN org_units o ON o.id = c.org_unit_id LEFT JOIN users m ON m.id = c.manager_id" +
               where + " GROUP BY g.id, " + key + ", " + name + ") t GROUP BY k, kname ORDER BY kname",
           params)) {
    const std::int64_t n = r.i64(2), complete = r.i64(8);
    all_programmes += n;
    all_complete += complete;
    bj::object done;
    for (std::size_t k = 0; k < programme_kinds().size(); ++k) done[programme_kinds()[k]] = r.i64(3 + k);
    rows.push_back(bj::object{{"key", r.i64(0)},
                              {"name", r.str(1)},
                              {"programmes", n},
                              {"done", std::move(done)},
                              {"complete", complete},
                              {"signed_off", r.i64(9)},
                              {"overdue_items", r.i64(10)},
                              {"coverage", n ? static_cast<double>(complete) / static_cast<double>(n) : 0.0}});
  }
  return bj::object{{"year", year},
                    {"by", by},
                    {"rows", std::move(rows)},
                    {"programmes", all_programmes},
                    {"complete", all_complete},
                    {"coverage", all_programmes ? static_cast<double>(all_complete) / static_cast<double>(all_programmes) : 0.0}};
}

}  // namespace lianxin::keyaccounts
