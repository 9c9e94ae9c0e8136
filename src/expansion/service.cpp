#include "expansion/service.hpp"

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "calendar/store.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "customers/service.hpp"
#include "expansion/internal.hpp"
#include "expansion/rules.hpp"
#include "notify/notify.hpp"
#include "timeline/timeline.hpp"

namespace lianxin::expansion {

using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

constexpr const char* kSubject = "expansion";
constexpr double kDayMs = 86'400'000.0;

void require(const auth::Principal& p, auth::Permission permission) { auth::require_permission(p, permission); }

struct App {
  std::int64_t id = 0, customer_id = 0;
  std::string number, org_path, kind, category, rule_set, status, holder, customer_name;
  std::optional<std::string> current_stage;
  std::optional<std::int64_t> lead_id, manager_id, backup_manager_id;
};

App load(Connection& conn, std::int64_t id) {
  auto r = conn.query_one(
      "SELECT a.id, a.customer_id, a.number, a.org_path, a.kind, a.category, a.rule_set, a.status, a.holder, c.name, a.current_stage, "
      "a.lead_id, c.manager_id, c.backup_manager_id FROM expansion_applications a JOIN customers c ON c.id = a.customer_id WHERE a.id = ?",
      {id});
  if (!r) throw_not_found("application");
  return {r->i64(0), r->i64(1), r->str(2), r->str(3), r->str(4), r->str(5), r->str(6), r->str(7), r->str(8), r->str(9),
          r->opt_str(10), r->opt_i64(11), r->opt_i64(12), r->opt_i64(13)};
}

// Visible: in the org subtree; a restricted account manager sees the applications they lead and
// those of their (or covered) customers.
bool visible(const auth::Principal& p, const App& a) {
  if (!auth::org_in_scope(p, a.org_path)) return false;
  auto scope = auth::customer_scope(p);
  if (!scope.manager_id) return true;
  if (a.lead_id == p.user_id) return true;
  for (auto id : scope.manager_ids)
    if (a.manager_id == id || a.backup_manager_id == id) return true;
  return false;
}

App require_app(Connection& conn, const auth::Principal& p, std::int64_t id) {
  auto a = load(conn, id);
  if (!visible(p, a)) throw_not_found("application");
  return a;
}

struct StageRow {
  std::int64_t id = 0;
  int seq = 0;
  std::string stage, start_event, status;
  std::optional<std::int64_t> limit_days, started_at, finished_at, assignee_id, department_id;
};

std::vector<StageRow> stages_of(Connection& conn, std::int64_t app) {
  std::vector<StageRow> out;
  for (auto& r : conn.query("SELECT id, seq, stage, start_event, status, limit_days, started_at, finished_at, assignee_id, department_id "
                            "FROM expansion_stages WHERE application_id = ? ORDER BY seq",
                            {app}))
    out.push_back({r.i64(0), static_cast<int>(r.i64(1)), r.str(2), r.str(3), r.str(4), r.opt_i64(5), r.opt_i64(6), r.opt_i64(7),
                   r.opt_i64(8), r.opt_i64(9)});
  return out;
}

std::vector<calendar::Pause> pauses_of(Connection& conn, std::int64_t stage_id) {
  std::vector<calendar::Pause> out;
  for (auto& r : conn.query("SELECT started_at, ended_at FROM expansion_pauses WHERE stage_id = ? ORDER BY started_at", {stage_id}))
    out.push_back({r.i64(0), r.opt_i64(1)});
  return out;
}

// Working days the supplier used on a stage between its start and `at`, pauses excluded; nullopt
// when the calendar lacks a year.
std::optional<double> supplier_days(Connection& conn, const std::string& org_path, Millis started, Millis at,
                                    const std::vector<calendar::Pause>& pauses) {
  try {
    auto cal = calendar::load(conn, calendar::calendar_for_org(conn, org_path));
    return static_cast<double>(calendar::working_time_between(*cal, started, at, pauses)) / kDayMs;
  } catch (const AppError&) {
    return std::nullopt;
  }
}

Millis event_time(const bj::object& body, Validator& v, Millis now, const char* field = "at") {
  auto at = json::opt_string(body, field, v, 40);
  if (!at || at->empty()) return now;
  Millis t = 0;
  try {
    t = parse_iso_instant(*at, field);
  } catch (const AppError&) {
    v.add(field, "must be an ISO-8601 instant");
    return now;
  }
  if (t > now) v.add(field, "must not lie in the future");
  return t;
}

void start_clock(Connection& conn, const App& a, const StageRow& s, Millis at) {
  if (!s.limit_days) return;
  const RuleSet* set = nullptr;
  for (auto& r : rule_sets())
    if (r.code == a.rule_set) set = &r;
  clocks::StartClock c;
  c.subject = kSubject;
  c.subject_id = a.id;
  c.name = s.stage;
  c.org_path = a.org_path;
  c.started_at = at;
  c.duration = {*s.limit_days, calendar::Unit::working_days};
  c.reminder_permille = {750};
  c.escalate_on_breach = true;
  c.policy_code = a.rule_set;
  c.source = set ? set->source : "";
  c.verification = set ? set->verification : "U";
  clocks::start(conn, c);
}

void start_running(Connection& conn, const App& a, const StageRow& s, Millis at) {
  conn.execute("UPDATE expansion_stages SET status = 'running', started_at = ? WHERE id = ?", {at, s.id});
  conn.execute("UPDATE expansion_applications SET current_stage = ?, holder = 'supplier', version = version + 1 WHERE id = ?",
               {s.stage, a.id});
  start_clock(conn, a, s, at);
}

void timeline_note(Connection& conn, const auth::Principal& p, const App& a, const std::string& title, const std::string& body,
                   Millis at) {
  timeline::Event ev;
  ev.customer_id = a.customer_id;
  ev.at = at;
  ev.kind = "expansion";
  ev.source = "expansion";
  ev.title = "业扩申请" + a.number + "：" + title;
  ev.body = body;
  ev.ref_entity = "expansion_application";
  ev.ref_id = std::to_string(a.id);
  timeline::add(conn, p.actor(), ev);
}

void audit_app(Connection& conn, const auth::Principal& p, const std::string& action, const App& a, const bj::object& after) {
  audit::Entry e;
  e.action = action;
  e.entity = "expansion_application";
  e.entity_id = std::to_string(a.id);
  e.org_path = a.org_path;
  e.after_json = json::serialize(after);
  audit::record(conn, p.actor(), e);
}

// The running stage and its open pause, if any.
std::optional<StageRow> running_stage(const std::vector<StageRow>& stages) {
  for (auto& s : stages)
    if (s.status == "running") return s;
  return std::nullopt;
}

std::optional<storage::Row> open_pause(Connection& conn, std::int64_t app) {
  return conn.query_one("SELECT id, stage_id, started_at FROM expansion_pauses WHERE application_id = ? AND ended_at IS NULL", {app});
}

// {id, name} of a department or user, or null.
bj::value name_of(Connection& conn, const char* table, const char* column, const std::optional<std::int64_t>& id) {
  if (!id) return nullptr;
  auto r = conn.query_one(std::string("SELECT ") + column + " FROM " + table + " WHERE id = ?", {*id});
  return bj::object{{"id", *id}, {"name", r ? r->str(0) : ""}};
}

}  // namespace

std::int64_t create_application(Connection& conn, const auth::Principal& p, const bj::object& body, Millis now) {
  require(p, auth::Permission::expansion_work);
  Validator v;
  auto customer = json::req_int(body, "customer_id", v);
  auto kind_text = json::req_string(body, "kind", v, 30);
  auto category_text = json::req_string(body, "category", v, 30);
  auto title = trim(json::req_string(body, "title", v, 200));
  auto capacity = json::opt_int(body, "capacity_kva", v).value_or(0);
  auto rule_set = json::opt_string(body, "rule_set", v, 40);
  auto lead = json::opt_int(body, "lead_id", v);
  auto given_number = json::opt_string(body, "number", v, 40);  // the marketing system's number, when it has one
  const Millis accepted = event_time(body, v, now, "accepted_at");
  if (given_number) {
    *given_number = trim(*given_number);
    if (given_number->empty()) given_number.reset();
    else if (conn.query_one("SELECT id FROM expansion_applications WHERE number = ?", {*given_number}))
      v.add("number", "is used by another application already");
  }
  auto kind = kind_from(kind_text);
  auto category = category_from(category_text);
  if (!kind_text.empty() && !kind)
    v.add("kind", "must be new_connection, capacity_increase, capacity_reduction, suspension, resumption, change_name or change_tariff");
  if (!category_text.empty() && !category) v.add("category", "must be residential, low_voltage, hv_single, hv_dual or hv_110kv");
  if (capacity < 0) v.add("capacity_kva", "must not be negative");
  if (!rule_set) {
    auto r = conn.query_one("SELECT value FROM settings WHERE key = 'expansion.rule_set'");
    rule_set = r ? r->str(0) : "sgcc_assessment";
  }
  bool known = false;
  for (auto& r : rule_sets()) known = known || r.code == *rule_set;
  if (!known) v.add("rule_set", "must be sgcc_commitment, sgcc_assessment or regulator_2009");
  if (lead) {
    auto u = conn.query_one("SELECT active FROM users WHERE id = ?", {*lead});
    if (!u || !u->boolean(0)) v.add("lead_id", "user not found");
  }
  v.throw_if_failed();
  auto c = customers::require_visible(conn, p, customer);
  auto row = conn.query_one("SELECT org_unit_id, manager_id FROM customers WHERE id = ?", {customer});
  if (!lead) lead = row->opt_i64(1);  // the key account's manager leads its projects
  std::string number;
  if (given_number) number = *given_number;
  for (std::int64_t seq = conn.query_i64("SELECT COUNT(*) FROM expansion_applications") + 1; number.empty(); ++seq) {
    char generated[32];  // YK + year + sequence; an imported number of the same shape is stepped over
    std::snprintf(generated, sizeof generated, "YK%s%06lld", shanghai_date(accepted).substr(0, 4).c_str(), static_cast<long long>(seq));
    if (!conn.query_one("SELECT id FROM expansion_applications WHERE number = ?", {std::string(generated)})) number = generated;
  }
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO expansion_applications(number, customer_id, org_unit_id, org_path, kind, category, capacity_kva, rule_set, title, "
      "status, current_stage, holder, lead_id, created_by, created_at, accepted_at) VALUES (?,?,?,?,?,?,?,?,?,'open',NULL,'supplier',?,?,?,?) "
      "RETURNING id",
      {number, customer, row->i64(0), c.org_path, kind_text, category_text, capacity, *rule_set, title,
       lead ? Value(*lead) : storage::null_value(), p.user_id, now, accepted});
  const auto plan = stages_for(*kind, *category);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    auto limit = stage_limit(*rule_set, *category, plan[i].stage);
    conn.execute("INSERT INTO expansion_stages(application_id, seq, stage, start_event, status, limit_days) VALUES (?,?,?,?,'pending',?)",
                 {id, static_cast<std::int64_t>(i + 1), std::string(stage_code(plan[i].stage)),
                  std::string(plan[i].start == StartEvent::customer_request ? "customer_request" : "previous_done"),
                  limit ? Value(std::int64_t{*limit}) : storage::null_value()});
  }
  App a = load(conn, id);
  start_running(conn, a, stages_of(conn, id).front(), accepted);
  timeline_note(conn, p, a, "受理（" + title + "）", std::string(kind_code(*kind)) + " · " + category_code(*category), accepted);
  audit_app(conn, p, "create", a,
            bj::object{{"number", number}, {"customer_id", customer}, {"kind", kind_text}, {"category", category_text},
                       {"rule_set", *rule_set}});
  return id;
}

void finish_stage(Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& stage_text, const bj::object& body,
                  Millis now) {
  require(p, auth::Permission::expansion_work);
  Validator v;
  const Millis at = event_time(body, v, now);
  auto note = json::opt_string(body, "note", v, 2000);
  v.throw_if_failed();
  App a = require_app(conn, p, id);
  if (a.status != "open") throw AppError(ErrorCode::invalid_transition, "the application is " + a.status);
  auto stage = stage_from(stage_text);
  if (!stage) throw_not_found("stage");
  auto stages = stages_of(conn, id);
  std::vector<StageStep> plan;
  std::vector<Stage> done;
  for (auto& s : stages) {
    plan.push_back({*stage_from(s.stage), s.start_event == "customer_request" ? StartEvent::customer_request : StartEvent::previous_done});
    if (s.status == "done") done.push_back(*stage_from(s.stage));
  }
  if (auto problem = finish_problem(plan, done, *stage, shanghai_date(at), shanghai_date(now)))
    throw AppError(ErrorCode::invalid_transition, *problem);
  StageRow s = stages[done.size()];
  if (s.status == "waiting")
    throw AppError(ErrorCode::invalid_transition, "the customer has not started the " + stage_text + " stage yet");
  if (s.started_at && at < *s.started_at)
    throw AppError(ErrorCode::validation_failed, "invalid stage", {{"at", "must not be before the stage started"}});
  if (open_pause(conn, id)) throw AppError(ErrorCode::invalid_transition, "the application is paused; resume it first");
  const auto used = supplier_days(conn, a.org_path, *s.started_at, at, pauses_of(conn, s.id));
  const bool late = used && s.limit_days && *used > static_cast<double>(*s.limit_days);
  conn.execute("UPDATE expansion_stages SET status = 'done', finished_at = ?, supplier_days = ?, late = ?, note = ? WHERE id = ?",
               {at, used ? Value(*used) : storage::null_value(), std::int64_t{late}, note ? Value(*note) : storage::null_value(), s.id});
  clocks::meet(conn, kSubject, id, s.stage, at);
  timeline_note(conn, p, a, stage_label(s.stage) + "完成", note.value_or(""), at);
  audit_app(conn, p, "finish_stage", a, bj::object{{"stage", s.stage}, {"supplier_days", used ? bj::value(*used) : bj::value(nullptr)}, {"late", late}});
  if (done.size() + 1 < stages.size()) {
    StageRow next = stages[done.size() + 1];
    if (next.start_event == "customer_request") {
      conn.execute("UPDATE expansion_stages SET status = 'waiting' WHERE id = ?", {next.id});
      conn.execute("UPDATE expansion_applications SET current_stage = ?, holder = 'customer', version = version + 1 WHERE id = ?",
                   {next.stage, id});
    } else {
      start_running(conn, a, next, at);
    }
    return;
  }
  // The last stage: the verdict over every stage and the supplier's total.
  std::vector<StageTime> times;
  double total = 0;
  for (auto& r : conn.query("SELECT stage, supplier_days FROM expansion_stages WHERE application_id = ? ORDER BY seq", {id})) {
    const double d = r.is_null(1) ? 0 : r.f64(1);
    total += d;
    times.push_back({*stage_from(r.str(0)), d});
  }
  const Verdict verdict = judge(a.rule_set, *category_from(a.category), times);
  conn.execute("UPDATE expansion_applications SET status = 'completed', current_stage = NULL, holder = 'none', completed_at = ?, "
               "on_time = ?, supplier_days = ?, version = version + 1 WHERE id = ?",
               {at, std::int64_t{verdict.on_time}, total, id});
  timeline_note(conn, p, a, "装表接电，办结", verdict.on_time ? "全部环节按时完成" : "有环节超时", at);
}

void start_stage(Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& stage_text, const bj::object& body,
                 Millis now) {
  require(p, auth::Permission::expansion_work);
  Validator v;
  const Millis at = event_time(body, v, now);
  v.throw_if_failed();
  App a = require_app(conn, p, id);
  if (a.status != "open") throw AppError(ErrorCode::invalid_transition, "the application is " + a.status);
  for (auto& s : stages_of(conn, id)) {
    if (s.stage != stage_text) continue;
    if (s.status != "waiting") throw AppError(ErrorCode::invalid_transition, "the " + stage_text + " stage is not waiting for the customer");
    auto prev = conn.query_one("SELECT MAX(finished_at) FROM expansion_stages WHERE application_id = ? AND status = 'done'", {id});
    if (prev && !prev->is_null(0) && at < prev->i64(0))
      throw AppError(ErrorCode::validation_failed, "invalid stage", {{"at", "must not be before the previous stage finished"}});
    start_running(conn, a, s, at);
    timeline_note(conn, p, a, stage_label(s.stage) + "开始（客户申请）", "", at);
    audit_app(conn, p, "start_stage", a, bj::object{{"stage", s.stage}});
    return;
  }
  throw_not_found("stage");
}

void assign_stage(Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& stage_text, const bj::object& body,
                  Millis now) {
  require(p, auth::Permission::expansion_work);
  Validator v;
  auto department = json::opt_int(body, "department_id", v);
  auto assignee = json::opt_int(body, "assignee_id", v);
  if (!department && !assignee) v.add("assignee_id", "give the department, the person or both");
  if (department) {
    auto d = conn.query_one("SELECT kind, path FROM org_units WHERE id = ?", {*department});
    if (!d || d->str(0) != "department" || !auth::org_in_scope(p, d->str(1))) v.add("department_id", "must be a department in your scope");
  }
  if (assignee) {
    auto u = conn.query_one("SELECT active FROM users WHERE id = ?", {*assignee});
    if (!u || !u->boolean(0)) v.add("assignee_id", "user not found");
  }
  v.throw_if_failed();
  App a = require_app(conn, p, id);
  auto s = conn.query_one("SELECT id, status FROM expansion_stages WHERE application_id = ? AND stage = ?", {id, stage_text});
  if (!s) throw_not_found("stage");
  if (s->str(1) == "done") throw AppError(ErrorCode::invalid_transition, "the " + stage_text + " stage is finished already");
  if (department) conn.execute("UPDATE expansion_stages SET department_id = ? WHERE id = ?", {*department, s->i64(0)});
  if (assignee) conn.execute("UPDATE expansion_stages SET assignee_id = ? WHERE id = ?", {*assignee, s->i64(0)});
  audit_app(conn, p, "assign_stage", a,
            bj::object{{"stage", stage_text}, {"department_id", json::nullable(department)}, {"assignee_id", json::nullable(assignee)}});
  (void)now;
}

void pause(Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now) {
  require(p, auth::Permission::expansion_work);
  Validator v;
  auto reason = trim(json::req_string(body, "reason", v, 500));
  const Millis at = event_time(body, v, now);
  v.throw_if_failed();
  App a = require_app(conn, p, id);
  if (a.status != "open") throw AppError(ErrorCode::invalid_transition, "the application is " + a.status);
  auto running = running_stage(stages_of(conn, id));
  if (!running) throw AppError(ErrorCode::invalid_transition, "no stage is running; the customer already holds the file");
  if (open_pause(conn, id)) throw AppError(ErrorCode::invalid_transition, "the application is paused already");
  if (running->started_at && at < *running->started_at)
    throw AppError(ErrorCode::validation_failed, "invalid pause", {{"at", "must not be before the stage started"}});
  conn.execute("INSERT INTO expansion_pauses(application_id, stage_id, reason, started_at, created_by) VALUES (?,?,?,?,?)",
               {id, running->id, reason, at, p.user_id});
  conn.execute("UPDATE expansion_applications SET holder = 'customer', version = version + 1 WHERE id = ?", {id});
  clocks::pause(conn, kSubject, id, {running->stage}, at, reason);
  timeline_note(conn, p, a, "暂停（客户原因）", reason, at);
  audit_app(conn, p, "pause", a, bj::object{{"stage", running->stage}, {"reason", reason}});
}

void resume(Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now) {
  require(p, auth::Permission::expansion_work);
  Validator v;
  const Millis at = event_time(body, v, now);
  v.throw_if_failed();
  App a = require_app(conn, p, id);
  auto open = open_pause(conn, id);
  if (!open) throw AppError(ErrorCode::invalid_transition, "the application is not paused");
  if (at < open->i64(2)) throw AppError(ErrorCode::validation_failed, "invalid resume", {{"at", "must not be before the pause began"}});
  conn.execute("UPDATE expansion_pauses SET ended_at = ? WHERE id = ?", {at, open->i64(0)});
  conn.execute("UPDATE expansion_applications SET holder = 'supplier', version = version + 1 WHERE id = ?", {id});
  clocks::resume(conn, kSubject, id, at);
  timeline_note(conn, p, a, "恢复办理", "", at);
  audit_app(conn, p, "resume", a, bj::object{});
}

bj::object detail(Connection& conn, const auth::Principal& p, std::int64_t id, Millis now) {
  require(p, auth::Permission::customer_read);
  App a = require_app(conn, p, id);
  auto r = conn.query_one("SELECT a.title, a.capacity_kva, a.on_time, a.supplier_days, a.created_at, a.accepted_at, a.completed_at, "
                          "u.display_name FROM expansion_applications a LEFT JOIN users u ON u.id = a.lead_id WHERE a.id = ?",
                          {id});
  std::map<std::string, clocks::ClockView> clock_by_stage;
  for (auto& c : clocks::for_subject(conn, kSubject, id, now)) clock_by_stage[c.name] = c;
  bj::array stages;
  double used_total = 0;
  for (auto& s : stages_of(conn, id)) {
    auto pauses = pauses_of(conn, s.id);
    std::optional<double> used;
    if (s.status == "done") {
      auto d = conn.query_one("SELECT supplier_days FROM expansion_stages WHERE id = ?", {s.id});
      if (d && !d->is_null(0)) used = d->f64(0);
    } else if (s.status == "running" && s.started_at) {
      used = supplier_days(conn, a.org_path, *s.started_at, now, pauses);
    }
    if (used) used_total += *used;
    bj::object stage{{"stage", s.stage},
                     {"seq", s.seq},
                     {"start_event", s.start_event},
                     {"status", s.status},
                     {"limit_days", json::nullable(s.limit_days)},
                     {"started_at", json::instant_or_null(s.started_at)},
                     {"finished_at", json::instant_or_null(s.finished_at)},
                     {"supplier_days", used ? bj::value(std::round(*used * 100) / 100) : bj::value(nullptr)},
                     {"late", used && s.limit_days && *used > static_cast<double>(*s.limit_days)},
                     {"paused", !pauses.empty() && !pauses.back().to},
                     {"department", name_of(conn, "org_units", "name", s.department_id)},
                     {"assignee", name_of(conn, "users", "display_name", s.assignee_id)}};
    if (auto it = clock_by_stage.find(s.stage); it != clock_by_stage.end() && s.status == "running") {
      stage["due"] = json::instant_or_null(it->second.due);
      stage["urgency"] = it->second.urgency;
    }
    bj::array pause_list;
    for (auto& q : pauses) pause_list.push_back(bj::object{{"from", json::instant_or_null(q.from)}, {"to", json::instant_or_null(q.to)}});
    stage["pauses"] = std::move(pause_list);
    stages.push_back(std::move(stage));
  }
  bj::array reasons;
  for (auto& q : conn.query("SELECT q.reason, s.stage, q.started_at, q.ended_at FROM expansion_pauses q JOIN expansion_stages s ON s.id = q.stage_id "
                            "WHERE q.application_id = ? ORDER BY q.started_at",
                            {id}))
    reasons.push_back(bj::object{{"reason", q.str(0)}, {"stage", q.str(1)}, {"from", json::instant_or_null(q.i64(2))}, {"to", json::instant_or_null(q.opt_i64(3))}});
  auto total = total_limit(a.rule_set, *category_from(a.category));
  return bj::object{{"id", a.id},
                    {"number", a.number},
                    {"customer_id", a.customer_id},
                    {"customer_name", a.customer_name},
                    {"title", r->str(0)},
                    {"kind", a.kind},
                    {"category", a.category},
                    {"capacity_kva", r->i64(1)},
                    {"rule_set", a.rule_set},
                    {"status", a.status},
                    {"current_stage", json::nullable(a.current_stage)},
                    {"holder", a.holder},
                    {"lead_name", json::nullable(r->opt_str(7))},
                    {"on_time", r->is_null(2) ? bj::value(nullptr) : bj::value(r->boolean(2))},
                    {"supplier_days", std::round(used_total * 100) / 100},
                    {"total_limit_days", total ? bj::value(*total) : bj::value(nullptr)},
                    {"accepted_at", json::instant_or_null(r->i64(5))},
                    {"completed_at", json::instant_or_null(r->opt_i64(6))},
                    {"stages", std::move(stages)},
                    {"pauses", std::move(reasons)}};
}

namespace internal {

std::string visible_condition(Connection& conn, const auth::Principal& p, Params& params, bool& needs_customer) {
  std::string where = storage::path_prefix_condition(conn.backend(), "a.org_path", p.org_path, params);
  auto scope = auth::customer_scope(p);
  needs_customer = scope.manager_id.has_value();
  if (scope.manager_id) {
    where += " AND (a.lead_id = ? OR " + auth::managed_by_condition(scope, "c") + ")";
    params.push_back(p.user_id);
    for (auto id : auth::managed_by_params(scope)) params.push_back(id);
  }
  return where;
}

}  // namespace internal

bj::object list_applications(Connection& conn, const auth::Principal& p, const ListFilter& f, std::int64_t limit, std::int64_t offset,
                             Millis now) {
  require(p, auth::Permission::customer_read);
  Params params;
  bool needs_customer = false;
  std::string where = " WHERE " + internal::visible_condition(conn, p, params, needs_customer);
  if (f.mine) {
    where += " AND (a.lead_id = ? OR EXISTS (SELECT 1 FROM expansion_stages s WHERE s.application_id = a.id AND s.status = 'running' "
             "AND s.assignee_id = ?))";
    params.push_back(p.user_id);
    params.push_back(p.user_id);
  }
  auto add = [&](const char* sql, const std::optional<std::string>& value) {
    if (!value) return;
    where += sql;
    params.push_back(*value);
  };
  add(" AND a.status = ?", f.status);
  add(" AND a.current_stage = ?", f.stage);
  add(" AND a.kind = ?", f.kind);
  if (f.lead_id) {
    where += " AND a.lead_id = ?";
    params.push_back(*f.lead_id);
  }
  if (f.customer_id) {
    where += " AND a.customer_id = ?";
    params.push_back(*f.customer_id);
  }
  const std::string from = " FROM expansion_applications a JOIN customers c ON c.id = a.customer_id LEFT JOIN users u ON u.id = a.lead_id";
  const std::int64_t total = conn.query_i64("SELECT COUNT(*)" + from + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT a.id, a.number, a.customer_id, c.name, a.title, a.kind, a.category, a.status, a.current_stage, "
                            "a.holder, u.display_name, a.accepted_at, a.on_time" +
                                from + where + " ORDER BY a.accepted_at DESC, a.id DESC LIMIT ? OFFSET ?",
                            params))
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"number", r.str(1)},
                               {"customer_id", r.i64(2)},
                               {"customer_name", r.str(3)},
                               {"title", r.str(4)},
                               {"kind", r.str(5)},
                               {"category", r.str(6)},
                               {"status", r.str(7)},
                               {"current_stage", json::nullable(r.opt_str(8))},
                               {"holder", r.str(9)},
                               {"lead_name", json::nullable(r.opt_str(10))},
                               {"accepted_at", json::instant_or_null(r.i64(11))},
                               {"on_time", r.is_null(12) ? bj::value(nullptr) : bj::value(r.boolean(12))}});
  (void)now;
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

bj::object rule_sets_json() {
  bj::array sets;
  const Category categories[] = {Category::residential, Category::low_voltage, Category::hv_single, Category::hv_dual, Category::hv_110kv};
  for (auto& r : rule_sets()) {
    bj::object limits;
    for (Category c : categories) {
      bj::object per;
      for (Stage s : all_stages())
        if (auto l = stage_limit(r.code, c, s)) per[stage_code(s)] = *l;
      if (auto t = total_limit(r.code, c)) per["total"] = *t;
      limits[category_code(c)] = std::move(per);
    }
    sets.push_back(bj::object{{"code", r.code}, {"name", r.name}, {"source", r.source}, {"verification", r.verification},
                              {"limits", std::move(limits)}});
  }
  return bj::object{{"items", std::move(sets)}};
}

void on_clock_fired(Connection& conn, const clocks::Fired& fired) {
  auto a = conn.query_one("SELECT a.number, c.name, a.lead_id, a.status FROM expansion_applications a JOIN customers c ON c.id = a.customer_id "
                          "WHERE a.id = ?",
                          {fired.subject_id});
  if (!a || a->str(3) != "open") return;
  auto s = conn.query_one("SELECT assignee_id FROM expansion_stages WHERE application_id = ? AND stage = ?", {fired.subject_id, fired.name});
  std::vector<std::int64_t> to;
  if (!a->is_null(2)) to.push_back(a->i64(2));
  if (s && !s->is_null(0) && (to.empty() || s->i64(0) != to[0])) to.push_back(s->i64(0));
  for (auto user : to) {
    notify::Notice n;
    n.user_id = user;
    n.kind = fired.breach ? "expansion_breach" : "expansion_reminder";
    n.params = {{"number", a->str(0)}, {"customer", a->str(1)}, {"stage", stage_label(fired.name)},
                {"due", fired.due ? format_shanghai_minute(*fired.due) : ""}, {"share", std::to_string(fired.permille / 10) + "%"}};
    n.ref_entity = "expansion_application";
    n.ref_id = std::to_string(fired.subject_id);
    n.dedupe_key = "expansion:" + std::to_string(fired.clock_id) + ":" + std::to_string(fired.permille) + ":u" + std::to_string(user);
    notify::enqueue(conn, n, fired.fire_at);
  }
}

}  // namespace lianxin::expansion
