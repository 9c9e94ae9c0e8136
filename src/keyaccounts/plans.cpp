// 一户一预案 (the versioned emergency plan of a key account) with its joint drills and findings,
// the electricity-use plan (用电策划) and the equipment register of the equipment diagnosis.
#include <set>

#include "common/strings.hpp"
#include "keyaccounts/internal.hpp"
#include "keyaccounts/service.hpp"

namespace lianxin::keyaccounts {

using namespace detail;
using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

bj::object plan_json(const storage::Row& r) {
  return bj::object{{"id", r.i64(0)},
                    {"version", r.i64(1)},
                    {"status", r.str(2)},
                    {"supply_sources", r.str(3)},
                    {"emergency_power", r.str(4)},
                    {"security_load_kw", r.f64(5)},
                    {"risk_points", r.str(6)},
                    {"contacts", r.str(7)},
                    {"switching_steps", r.str(8)},
                    {"change_note", json::nullable(r.opt_str(9))},
                    {"created_by", r.str(10)},
                    {"created_at", json::instant_or_null(r.i64(11))}};
}

constexpr const char* kPlanSelect =
    "SELECT p.id, p.version, p.status, p.supply_sources, p.emergency_power, p.security_load_kw, p.risk_points, p.contacts, "
    "p.switching_steps, p.change_note, u.display_name, p.created_at FROM emergency_plans p JOIN users u ON u.id = p.created_by";

const std::set<std::string>& equipment_kinds() {
  static const std::set<std::string> k = {"transformer", "switchgear", "cable", "protection", "capacitor", "other"};
  return k;
}
const std::set<std::string>& health_grades() {
  static const std::set<std::string> g = {"normal", "attention", "abnormal", "severe"};
  return g;
}

bj::object equipment_json(Connection& conn, const storage::Row& r, const std::string& day) {
  bj::array recommendations;
  for (auto& a : conn.query("SELECT a.id, a.action, a.title, a.owner_id, u.display_name, a.due_date, a.status, a.close_note "
                            "FROM action_items a LEFT JOIN users u ON u.id = a.owner_id WHERE a.source = 'equipment' "
                            "AND a.source_id = ? ORDER BY a.id",
                            {r.i64(0)}))
    recommendations.push_back(bj::object{{"id", a.i64(0)},
                                         {"action", json::nullable(a.opt_str(1))},
                                         {"title", a.str(2)},
                                         {"owner", user_ref(a.i64(3), a.opt_str(4))},
                                         {"due_date", a.str(5)},
                                         {"status", a.str(6)},
                                         {"overdue", a.str(6) == "open" && a.str(5) < day},
                                         {"close_note", json::nullable(a.opt_str(7))}});
  return bj::object{{"id", r.i64(0)},
                    {"account_id", json::nullable(r.opt_i64(1))},
                    {"account_no", json::nullable(r.opt_str(2))},
                    {"kind", r.str(3)},
                    {"name", r.str(4)},
                    {"model", json::nullable(r.opt_str(5))},
                    {"rating", json::nullable(r.opt_str(6))},
                    {"commissioned_on", json::nullable(r.opt_str(7))},
                    {"last_test_on", json::nullable(r.opt_str(8))},
                    {"test_result", json::nullable(r.opt_str(9))},
                    {"health_grade", json::nullable(r.opt_str(10))},
                    {"status", r.str(11)},
                    {"recommendations", std::move(recommendations)}};
}

constexpr const char* kEquipmentSelect =
    "SELECT e.id, e.account_id, a.account_no, e.kind, e.name, e.model, e.rating, e.commissioned_on, e.last_test_on, "
    "e.test_result, e.health_grade, e.status, e.customer_id FROM equipment e LEFT JOIN accounts a ON a.id = e.account_id";

struct EquipmentFields {
  std::optional<std::optional<std::int64_t>> account_id;
  std::optional<std::string> kind, name, model, rating, commissioned_on, last_test_on, test_result, health_grade, status;
};

EquipmentFields read_equipment(const bj::object& body, Validator& v, bool create) {
  EquipmentFields f;
  if (create) {
    f.kind = json::req_string(body, "kind", v, 20);
    f.name = trim(json::req_string(body, "name", v, 200));
  } else {
    f.kind = json::opt_string(body, "kind", v, 20);
    f.name = json::opt_string(body, "name", v, 200);
    if (f.name && trim(*f.name).empty()) v.add("name", "must not be empty");
  }
  if (f.kind && !f.kind->empty() && !equipment_kinds().count(*f.kind))
    v.add("kind", "must be transformer, switchgear, cable, protection, capacitor or other");
  if (json::has(body, "account_id")) f.account_id = json::is_null(body, "account_id") ? std::nullopt : json::opt_int(body, "account_id", v);
  f.model = json::opt_string(body, "model", v, 200);
  f.rating = json::opt_string(body, "rating", v, 100);
  f.commissioned_on = opt_date(body, "commissioned_on", v);
  f.last_test_on = opt_date(body, "last_test_on", v);
  f.test_result = json::opt_string(body, "test_result", v, 4000);
  f.health_grade = json::opt_string(body, "health_grade", v, 20);
  if (f.health_grade && !health_grades().count(*f.health_grade))
    v.add("health_grade", "must be normal, attention, abnormal or severe");
  f.status = json::opt_string(body, "status", v, 20);
  if (f.status && *f.status != "in_service" && *f.status != "retired") v.add("status", "must be in_service or retired");
  if (f.health_grade && !f.last_test_on && create) v.add("last_test_on", "give the date of the test that graded it");
  return f;
}

}  // namespace

bj::object emergency_plans(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  require(p, auth::Permission::customer_read);
  require_customer(conn, p, customer_id);
  bj::array versions;
  for (auto& r : conn.query(std::string(kPlanSelect) + " WHERE p.customer_id = ? ORDER BY p.version DESC", {customer_id}))
    versions.push_back(plan_json(r));
  // Open findings waiting for a revision.
  bj::array open;
  for (auto& r : conn.query("SELECT a.id, a.title, a.due_date, u.display_name, a.source_id FROM action_items a "
                            "LEFT JOIN users u ON u.id = a.owner_id WHERE a.customer_id = ? AND a.source = 'drill' "
                            "AND a.status = 'open' ORDER BY a.id",
                            {customer_id}))
    open.push_back(bj::object{{"id", r.i64(0)},
                              {"title", r.str(1)},
                              {"due_date", r.str(2)},
                              {"owner_name", json::nullable(r.opt_str(3))},
                              {"drill_id", json::nullable(r.opt_i64(4))}});
  // What the archive says about the supply, to prefill a first plan.
  auto a = conn.query_one("SELECT COALESCE(MAX(supply_sources), 0), COALESCE(MAX(emergency_power), 0), COUNT(*) FROM accounts "
                          "WHERE customer_id = ? AND status = 'active'",
                          {customer_id});
  return bj::object{{"customer_id", customer_id},
                    {"versions", std::move(versions)},
                    {"open_findings", std::move(open)},
                    {"archive", bj::object{{"supply_sources", a->i64(0)}, {"emergency_power", a->i64(1) != 0}, {"accounts", a->i64(2)}}}};
}

bj::object revise_plan(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto supply = trim(json::req_string(body, "supply_sources", v, 4000));
  auto power = trim(json::req_string(body, "emergency_power", v, 4000));
  auto load = json::opt_number(body, "security_load_kw", v);
  if (!json::has(body, "security_load_kw")) v.add("security_load_kw", "is required");
  else if (load && *load < 0) v.add("security_load_kw", "must not be negative");
  auto risks = trim(json::req_string(body, "risk_points", v, 8000));
  auto contacts = trim(json::req_string(body, "contacts", v, 4000));
  auto steps = trim(json::req_string(body, "switching_steps", v, 8000));
  auto note = json::opt_string(body, "change_note", v, 2000);
  std::vector<std::int64_t> resolves;
  if (auto it = body.find("resolves"); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_array()) v.add("resolves", "must be an array of drill finding ids");
    else
      for (std::size_t i = 0; i < it->value().as_array().size(); ++i) {
        const auto& x = it->value().as_array()[i];
        if (!x.is_int64()) v.add("resolves[" + std::to_string(i) + "]", "must be an integer");
        else resolves.push_back(x.as_int64());
      }
  }
  v.throw_if_failed();
  auto c = require_key_account(conn, p, customer_id);
  auto current = conn.query_one("SELECT id, version FROM emergency_plans WHERE customer_id = ? AND status = 'current'", {customer_id});
  if (current && (!note || trim(*note).empty()))
    throw AppError(ErrorCode::validation_failed, "invalid plan", {{"change_note", "say what the revision changes"}});
  Validator found;
  for (std::size_t i = 0; i < resolves.size(); ++i) {
    auto f = conn.query_one("SELECT source, status FROM action_items WHERE id = ? AND customer_id = ?", {resolves[i], customer_id});
    if (!f || f->str(0) != "drill") found.add("resolves[" + std::to_string(i) + "]", "is not a drill finding of this customer");
    else if (f->str(1) != "open") found.add("resolves[" + std::to_string(i) + "]", "is closed already");
  }
  found.throw_if_failed();
  const std::int64_t version = current ? current->i64(1) + 1 : 1;
  if (current) conn.execute("UPDATE emergency_plans SET status = 'superseded' WHERE id = ?", {current->i64(0)});
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO emergency_plans(customer_id, version, status, supply_sources, emergency_power, security_load_kw, risk_points, "
      "contacts, switching_steps, change_note, created_by, created_at) VALUES (?,?,'current',?,?,?,?,?,?,?,?,?) RETURNING id",
      {customer_id, version, supply, power, load.value_or(0), risks, contacts, steps,
       note ? Value(trim(*note)) : storage::null_value(), p.user_id, now});
  for (auto f : resolves)
    conn.execute("UPDATE action_items SET status = 'closed', closed_at = ?, closed_by = ?, resolved_by_plan_id = ?, "
                 "close_note = ? WHERE id = ?",
                 {now, p.user_id, id, "应急预案修订为第 " + std::to_string(version) + " 版", f});
  timeline_add(conn, p, customer_id, "emergency_plan",
               version == 1 ? "编制应急预案（一户一预案）" : "应急预案修订为第 " + std::to_string(version) + " 版",
               note.value_or("") + (resolves.empty() ? "" : "（整改演练发现问题 " + std::to_string(resolves.size()) + " 项）"),
               "emergency_plan", id, now);
  audit_write(conn, p, version == 1 ? "create" : "revise", "emergency_plan", id, c.org_path,
              current ? bj::object{{"version", current->i64(1)}} : bj::object{},
              bj::object{{"customer_id", customer_id}, {"version", version}, {"resolves", resolves.size()}});
  return emergency_plans(conn, p, customer_id);
}

bj::object record_drill(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto held = req_date(body, "held_on", v);
  auto scenario = trim(json::req_string(body, "scenario", v, 2000));
  auto participants = trim(json::req_string(body, "participants", v, 1000));
  auto summary = json::opt_string(body, "summary", v, 8000);
  auto findings = parse_items(conn, body, "findings", v, false);
  if (v.ok() && held > today(now)) v.add("held_on", "must not lie in the future");
  v.throw_if_failed();
  auto c = require_key_account(conn, p, customer_id);
  auto plan = conn.query_one("SELECT id, version FROM emergency_plans WHERE customer_id = ? AND status = 'current'", {customer_id});
  if (!plan) throw AppError(ErrorCode::invalid_transition, "write the customer's emergency plan before the drill");
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO drills(customer_id, plan_id, held_on, scenario, participants, summary, created_by, created_at) "
      "VALUES (?,?,?,?,?,?,?,?) RETURNING id",
      {customer_id, plan->i64(0), held, scenario, participants, summary ? Value(*summary) : storage::null_value(), p.user_id, now});
  for (auto& f : findings) add_action_item(conn, p, c, "drill", id, f, now);
  timeline_add(conn, p, customer_id, "drill", "应急演练：" + scenario,
               "依据预案第 " + std::to_string(plan->i64(1)) + " 版；发现问题 " + std::to_string(findings.size()) + " 项",
               "drill", id, now);
  audit_write(conn, p, "create", "drill", id, c.org_path, {},
              bj::object{{"customer_id", customer_id}, {"held_on", held}, {"plan_version", plan->i64(1)}, {"findings", findings.size()}});
  complete_programme_item(conn, p, customer_id, year_of(held), "drill", "drill", id, now);
  return drills(conn, p, customer_id);
}

bj::object drills(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  require(p, auth::Permission::customer_read);
  require_customer(conn, p, customer_id);
  const std::string day = today(now_millis());
  bj::array items;
  for (auto& r : conn.query("SELECT d.id, d.held_on, d.scenario, d.participants, d.summary, e.version, u.display_name "
                            "FROM drills d JOIN emergency_plans e ON e.id = d.plan_id JOIN users u ON u.id = d.created_by "
                            "WHERE d.customer_id = ? ORDER BY d.held_on DESC, d.id DESC",
                            {customer_id})) {
    bj::array findings;
    for (auto& f : conn.query("SELECT a.id, a.title, a.due_date, a.status, u.display_name, a.resolved_by_plan_id, e.version "
                              "FROM action_items a LEFT JOIN users u ON u.id = a.owner_id "
                              "LEFT JOIN emergency_plans e ON e.id = a.resolved_by_plan_id "
                              "WHERE a.source = 'drill' AND a.source_id = ? ORDER BY a.id",
                              {r.i64(0)}))
      findings.push_back(bj::object{{"id", f.i64(0)},
                                    {"title", f.str(1)},
                                    {"due_date", f.str(2)},
                                    {"status", f.str(3)},
                                    {"overdue", f.str(3) == "open" && f.str(2) < day},
                                    {"owner_name", json::nullable(f.opt_str(4))},
                                    {"resolved_by_plan_id", json::nullable(f.opt_i64(5))},
                                    {"resolved_by_version", json::nullable(f.opt_i64(6))}});
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"held_on", r.str(1)},
                               {"scenario", r.str(2)},
                               {"participants", r.str(3)},
                               {"summary", json::nullable(r.opt_str(4))},
                               {"plan_version", r.i64(5)},
                               {"recorded_by", r.str(6)},
                               {"findings", std::move(findings)}});
  }
  return bj::object{{"customer_id", customer_id}, {"items", std::move(items)}};
}

bj::object usage_plan(Connection& conn, const auth::Principal& p, std::int64_t customer_id, int year) {
  require(p, auth::Permission::customer_read);
  require_customer(conn, p, customer_id);
  auto r = conn.query_one("SELECT u.id, u.title, u.summary, u.recommendations, u.total_saving_fen, u.status, w.display_name, "
                          "u.updated_at FROM usage_plans u JOIN users w ON w.id = u.created_by WHERE u.customer_id = ? AND u.year = ?",
                          {customer_id, std::int64_t{year}});
  bj::object out{{"customer_id", customer_id}, {"year", year}};
  // The year's consumption from the imported bills, for the plan's context.
  if (auto y = conn.query_one("SELECT kwh, amount_fen FROM customer_year_usage WHERE customer_id = ? AND year = ?",
                              {customer_id, std::int64_t{year - 1}}))
    out["last_year"] = bj::object{{"year", year - 1}, {"kwh", y->f64(0)}, {"amount_fen", y->i64(1)}};
  if (!r) {
    out["plan"] = nullptr;
    return out;
  }
  out["plan"] = bj::object{{"id", r->i64(0)},
                           {"title", r->str(1)},
                           {"summary", json::nullable(r->opt_str(2))},
                           {"recommendations", json::parse_or_null(r->str(3))},
                           {"total_saving_fen", r->i64(4)},
                           {"status", r->str(5)},
                           {"author", r->str(6)},
                           {"updated_at", json::instant_or_null(r->i64(7))}};
  return out;
}

bj::object save_usage_plan(Connection& conn, const auth::Principal& p, std::int64_t customer_id, int year, const bj::object& body,
                           Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto title = trim(json::req_string(body, "title", v, 200));
  auto summary = json::opt_string(body, "summary", v, 8000);
  auto status = json::opt_string(body, "status", v, 20).value_or("draft");
  if (status != "draft" && status != "delivered") v.add("status", "must be draft or delivered");
  bj::array recs;
  std::int64_t total = 0;
  auto it = body.find("recommendations");
  if (it == body.end() || !it->value().is_array()) {
    v.add("recommendations", "must be an array of {text, saving_kwh, saving_fen}");
  } else {
    const auto& arr = it->value().as_array();
    if (arr.size() > 50) v.add("recommendations", "at most 50");
    for (std::size_t i = 0; i < arr.size() && i < 50; ++i) {
      const std::string prefix = "recommendations[" + std::to_string(i) + "].";
      if (!arr[i].is_object()) {
        v.add("recommendations[" + std::to_string(i) + "]", "must be an object");
        continue;
      }
      Validator local;
      const auto& o = arr[i].as_object();
      auto text = trim(json::req_string(o, "text", local, 2000));
      auto kwh = json::opt_number(o, "saving_kwh", local).value_or(0);
      auto fen = json::opt_int(o, "saving_fen", local).value_or(0);
      if (kwh < 0) local.add("saving_kwh", "must not be negative");
      if (fen < 0) local.add("saving_fen", "must not be negative");
      for (auto& issue : local.issues()) v.add(prefix + issue.field, issue.message);
      total += fen;
      recs.push_back(bj::object{{"text", text}, {"saving_kwh", kwh}, {"saving_fen", fen}});
    }
    if (status == "delivered" && arr.empty()) v.add("recommendations", "a delivered plan needs at least one recommendation");
  }
  const int this_year = year_of(today(now));
  if (year < this_year - 1 || year > this_year + 1) v.add("year", "must be last, this or next year");
  v.throw_if_failed();
  auto c = require_key_account(conn, p, customer_id);
  auto existing = conn.query_one("SELECT id, status FROM usage_plans WHERE customer_id = ? AND year = ?", {customer_id, std::int64_t{year}});
  if (existing && existing->str(1) == "delivered")
    throw AppError(ErrorCode::invalid_transition, "the plan was delivered to the customer; it can no longer be changed");
  const std::string recs_text = json::serialize(recs);
  std::int64_t id;
  if (existing) {
    id = existing->i64(0);
    conn.execute("UPDATE usage_plans SET title = ?, summary = ?, recommendations = ?, total_saving_fen = ?, status = ?, "
                 "updated_at = ? WHERE id = ?",
                 {title, summary ? Value(*summary) : storage::null_value(), recs_text, total, status, now, id});
  } else {
    id = conn.insert_returning_id(
        "INSERT INTO usage_plans(customer_id, year, title, summary, recommendations, total_saving_fen, status, created_by, "
        "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
        {customer_id, std::int64_t{year}, title, summary ? Value(*summary) : storage::null_value(), recs_text, total, status,
         p.user_id, now, now});
  }
  audit_write(conn, p, existing ? "update" : "create", "usage_plan", id, c.org_path, {},
              bj::object{{"year", year}, {"status", status}, {"total_saving_fen", total}});
  if (status == "delivered") {
    timeline_add(conn, p, customer_id, "usage_plan", std::to_string(year) + " 年用电策划交付：" + title,
                 "建议 " + std::to_string(recs.size()) + " 项，预计年节约 " + std::to_string(total / 100) + " 元", "usage_plan", id, now);
    complete_programme_item(conn, p, customer_id, year, "usage_plan", "usage_plan", id, now);
  }
  return usage_plan(conn, p, customer_id, year);
}

bj::object equipment_list(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  require(p, auth::Permission::customer_read);
  require_customer(conn, p, customer_id);
  const std::string day = today(now_millis());
  bj::array items;
  for (auto& r : conn.query(std::string(kEquipmentSelect) + " WHERE e.customer_id = ? ORDER BY e.status, e.kind, e.name, e.id",
                            {customer_id}))
    items.push_back(equipment_json(conn, r, day));
  return bj::object{{"customer_id", customer_id}, {"items", std::move(items)}};
}

std::int64_t add_equipment(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto f = read_equipment(body, v, true);
  v.throw_if_failed();
  auto c = require_customer(conn, p, customer_id);
  if (f.account_id && *f.account_id &&
      !conn.query_one("SELECT 1 FROM accounts WHERE id = ? AND customer_id = ?", {**f.account_id, customer_id}))
    throw AppError(ErrorCode::validation_failed, "invalid equipment", {{"account_id", "is not an account of this customer"}});
  auto opt = [](const std::optional<std::string>& s) { return s ? Value(*s) : storage::null_value(); };
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO equipment(customer_id, account_id, kind, name, model, rating, commissioned_on, last_test_on, test_result, "
      "health_grade, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
      {customer_id, f.account_id && *f.account_id ? Value(**f.account_id) : storage::null_value(), *f.kind, *f.name, opt(f.model),
       opt(f.rating), opt(f.commissioned_on), opt(f.last_test_on), opt(f.test_result), opt(f.health_grade),
       f.status.value_or("in_service"), now, now});
  audit_write(conn, p, "create", "equipment", id, c.org_path, {},
              bj::object{{"customer_id", customer_id}, {"kind", *f.kind}, {"name", *f.name}, {"health_grade", json::nullable(f.health_grade)}});
  return id;
}

bj::object update_equipment(Connection& conn, const auth::Principal& p, std::int64_t equipment_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto f = read_equipment(body, v, false);
  v.throw_if_failed();
  auto before = conn.query_one(std::string(kEquipmentSelect) + " WHERE e.id = ?", {equipment_id});
  if (!before) throw_not_found("equipment");
  auto c = require_customer(conn, p, before->i64(12));
  if (f.health_grade && !f.last_test_on && before->is_null(8))
    throw AppError(ErrorCode::validation_failed, "invalid equipment", {{"last_test_on", "give the date of the test that graded it"}});
  if (f.account_id && *f.account_id &&
      !conn.query_one("SELECT 1 FROM accounts WHERE id = ? AND customer_id = ?", {**f.account_id, c.id}))
    throw AppError(ErrorCode::validation_failed, "invalid equipment", {{"account_id", "is not an account of this customer"}});
  std::string sets;
  Params params;
  auto set = [&](const char* column, const std::optional<std::string>& value) {
    if (!value) return;
    sets += std::string(sets.empty() ? "" : ", ") + column + " = ?";
    params.push_back(*value);
  };
  set("kind", f.kind);
  set("name", f.name ? std::optional<std::string>(trim(*f.name)) : std::nullopt);
  set("model", f.model);
  set("rating", f.rating);
  set("commissioned_on", f.commissioned_on);
  set("last_test_on", f.last_test_on);
  set("test_result", f.test_result);
  set("health_grade", f.health_grade);
  set("status", f.status);
  if (f.account_id) {
    sets += std::string(sets.empty() ? "" : ", ") + "account_id = ?";
    params.push_back(*f.account_id ? Value(**f.account_id) : storage::null_value());
  }
  if (!sets.empty()) {
    params.push_back(now);
    params.push_back(equipment_id);
    conn.execute("UPDATE equipment SET " + sets + ", updated_at = ? WHERE id = ?", params);
  }
  const std::string day = today(now);
  auto after = conn.query_one(std::string(kEquipmentSelect) + " WHERE e.id = ?", {equipment_id});
  audit_write(conn, p, "update", "equipment", equipment_id, c.org_path,
              bj::object{{"health_grade", json::nullable(before->opt_str(10))}, {"last_test_on", json::nullable(before->opt_str(8))}},
              bj::object{{"health_grade", json::nullable(after->opt_str(10))}, {"last_test_on", json::nullable(after->opt_str(8))}});
  if (f.health_grade && f.last_test_on)
    timeline_add(conn, p, c.id, "diagnosis", "设备诊断：" + after->str(4), "健康等级 " + *f.health_grade + "，试验日期 " + *f.last_test_on,
                 "equipment", equipment_id, now);
  return equipment_json(conn, *after, day);
}

std::int64_t recommend(Connection& conn, const auth::Principal& p, std::int64_t equipment_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_service);
  auto item = parse_item(conn, body, true);
  auto e = conn.query_one("SELECT customer_id FROM equipment WHERE id = ?", {equipment_id});
  if (!e) throw_not_found("equipment");
  auto c = require_customer(conn, p, e->i64(0));
  return add_action_item(conn, p, c, "equipment", equipment_id, item, now);
}

}  // namespace lianxin::keyaccounts
