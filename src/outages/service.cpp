#include "outages/service.hpp"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "outages/coordination.hpp"
#include "outages/history.hpp"
#include "outages/internal.hpp"
#include "outages/notices.hpp"
#include "outages/rules.hpp"
#include "outages/topology.hpp"

namespace lianxin::outages {

using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

constexpr Millis kHour = 3'600'000;
const std::vector<std::string> kRequesters = {"construction", "maintenance", "expansion", "marketing", "dispatch", "other"};

struct Outage {
  std::int64_t id = 0;
  std::string number, kind, status, org_path, title;
  Millis planned_start = 0, planned_end = 0;
};

Outage load(Connection& conn, const auth::Principal& p, std::int64_t id) {
  auto r = conn.query_one("SELECT id, number, kind, status, org_path, title, planned_start, planned_end FROM outages WHERE id = ?", {id});
  if (!r || !auth::org_in_scope(p, r->str(4))) throw_not_found("outage");
  return {r->i64(0), r->str(1), r->str(2), r->str(3), r->str(4), r->str(5), r->i64(6), r->i64(7)};
}

Millis instant(const bj::object& body, const char* field, Validator& v, bool required) {
  auto text = required ? std::optional<std::string>(json::req_string(body, field, v, 40)) : json::opt_string(body, field, v, 40);
  if (!text || text->empty()) return 0;
  try {
    return parse_iso_instant(*text, field);
  } catch (const AppError&) {
    v.add(field, "must be an ISO-8601 instant");
    return 0;
  }
}

// The deepest org unit whose subtree holds every path ('/1/4/9/' → units 1, 4, 9), as its path.
std::string common_path(const std::vector<std::string>& paths) {
  if (paths.empty()) return "";
  std::string common = paths.front();
  for (const std::string& path : paths) {
    std::size_t n = 0;
    while (n < common.size() && n < path.size() && common[n] == path[n]) ++n;
    common.resize(n);
    const std::size_t slash = common.rfind('/');
    common.resize(slash == std::string::npos ? 0 : slash + 1);
  }
  return common;
}

// The scope object {lines, sections, areas, accounts: [ids]}: every id known and in the caller's
// org subtree (a line's substation, an account's customer). `paths` collects their org paths.
Scope read_scope(Connection& conn, const auth::Principal& p, const bj::object& body, Validator& v, const std::string& kind,
                 std::vector<std::string>& paths) {
  Scope s;
  const auto* scope = body.if_contains("scope");
  if (!scope || !scope->is_object()) {
    v.add("scope", "give the lines, sections, transformer areas or accounts the outage switches off");
    return s;
  }
  struct Part {
    const char* key;
    std::unordered_set<std::int64_t>* into;
    const char* sql;  // id → org path
  };
  const Part parts[] = {
      {"lines", &s.lines, "SELECT o.path FROM lines l JOIN substations b ON b.id = l.substation_id JOIN org_units o ON o.id = b.org_unit_id WHERE l.id = ?"},
      {"sections", &s.sections,
       "SELECT o.path FROM line_sections x JOIN lines l ON l.id = x.line_id JOIN substations b ON b.id = l.substation_id "
       "JOIN org_units o ON o.id = b.org_unit_id WHERE x.id = ?"},
      {"areas", &s.areas,
       "SELECT o.path FROM transformer_areas t JOIN lines l ON l.id = t.line_id JOIN substations b ON b.id = l.substation_id "
       "JOIN org_units o ON o.id = b.org_unit_id WHERE t.id = ?"},
      {"accounts", &s.accounts, "SELECT c.org_path FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = ?"}};
  for (const Part& part : parts) {
    const auto* list = scope->as_object().if_contains(part.key);
    if (!list) continue;
    const std::string field = std::string("scope.") + part.key;
    if (!list->is_array()) {
      v.add(field, "must be an array of ids");
      continue;
    }
    for (const auto& item : list->as_array()) {
      if (!item.is_int64() && !item.is_uint64()) {
        v.add(field, "must be an array of ids");
        break;
      }
      const std::int64_t id = item.to_number<std::int64_t>();
      auto r = conn.query_one(part.sql, {id});
      if (!r) v.add(field, "unknown id " + std::to_string(id));
      else if (!auth::org_in_scope(p, r->str(0))) v.add(field, "id " + std::to_string(id) + " lies outside your bureau");
      else {
        part.into->insert(id);
        paths.push_back(r->str(0));
      }
    }
  }
  const bool empty = s.lines.empty() && s.sections.empty() && s.areas.empty() && s.accounts.empty();
  if (empty && v.ok()) v.add("scope", "give the lines, sections, transformer areas or accounts the outage switches off");
  if (kind == "arrears" && (!s.lines.empty() || !s.sections.empty() || !s.areas.empty() || s.accounts.size() > 1))
    v.add("scope", "an arrears disconnection is for one account");
  return s;
}

void write_scope(Connection& conn, std::int64_t id, const Scope& s) {
  conn.execute("DELETE FROM outage_scopes WHERE outage_id = ?", {id});
  auto put = [&](const char* kind, const std::unordered_set<std::int64_t>& ids) {
    std::vector<std::int64_t> sorted(ids.begin(), ids.end());
    std::sort(sorted.begin(), sorted.end());
    for (auto ref : sorted) conn.execute("INSERT INTO outage_scopes(outage_id, kind, ref_id) VALUES (?,?,?)", {id, std::string(kind), ref});
  };
  put("line", s.lines);
  put("section", s.sections);
  put("area", s.areas);
  put("account", s.accounts);
}

Scope scope_of(Connection& conn, std::int64_t id) {
  Scope s;
  for (auto& r : conn.query("SELECT kind, ref_id FROM outage_scopes WHERE outage_id = ?", {id})) {
    const std::string k = r.str(0);
    (k == "line" ? s.lines : k == "section" ? s.sections : k == "area" ? s.areas : s.accounts).insert(r.i64(1));
  }
  return s;
}

struct Fields {
  std::string title, work, requester;
  std::optional<std::string> limit_level;
  std::optional<double> limit_share;
  std::optional<std::int64_t> department;
  Millis start = 0, end = 0;
  Scope scope;
  // The outage belongs to the deepest org unit holding its whole scope (a county's line: the
  // county), so the planners of that unit see it whoever planned it; never above the planner's.
  std::int64_t org_unit_id = 0;
  std::string org_path;
};

Fields read_fields(Connection& conn, const auth::Principal& p, const bj::object& body, Validator& v, const std::string& kind) {
  Fields f;
  f.title = trim(json::req_string(body, "title", v, 200));
  f.work = trim(json::opt_string(body, "work", v, 2000).value_or(""));
  f.requester = json::req_string(body, "requester", v, 30);
  if (!f.requester.empty() && std::find(kRequesters.begin(), kRequesters.end(), f.requester) == kRequesters.end())
    v.add("requester", "must be construction, maintenance, expansion, marketing, dispatch or other");
  f.department = json::opt_int(body, "department_id", v);
  if (f.department) {
    auto d = conn.query_one("SELECT kind, path FROM org_units WHERE id = ?", {*f.department});
    if (!d || d->str(0) != "department" || !auth::org_in_scope(p, d->str(1))) v.add("department_id", "must be a department in your scope");
  }
  f.start = instant(body, "planned_start", v, true);
  f.end = instant(body, "planned_end", v, true);
  if (f.start && f.end && f.end <= f.start) v.add("planned_end", "must be after the planned start");
  f.limit_level = json::opt_string(body, "limit_level", v, 40);
  f.limit_share = json::opt_number(body, "limit_share", v);
  if (f.limit_share && (*f.limit_share <= 0 || *f.limit_share > 100)) v.add("limit_share", "must be a percentage above 0 and at most 100");
  if (kind == "limitation" && !f.limit_level) v.add("limit_level", "an orderly power use event needs its limit level");
  std::vector<std::string> paths;
  f.scope = read_scope(conn, p, body, v, kind, paths);
  f.org_path = common_path(paths);
  if (f.org_path.size() < p.org_path.size()) f.org_path = p.org_path;
  // The unit is the last id of its path.
  const std::size_t before_last = f.org_path.size() >= 2 ? f.org_path.rfind('/', f.org_path.size() - 2) : std::string::npos;
  try {
    f.org_unit_id = before_last == std::string::npos ? 0 : std::stoll(f.org_path.substr(before_last + 1));
  } catch (const std::exception&) {
    f.org_unit_id = 0;
  }
  if (f.org_unit_id == 0) {
    f.org_unit_id = p.org_unit_id;
    f.org_path = p.org_path;
  }
  return f;
}

void audit_outage(Connection& conn, const auth::Principal& p, const std::string& action, const Outage& o, const bj::object& after) {
  internal::audit_outage(conn, p.actor(), action, o.id, o.org_path, after);
}

void move(Connection& conn, const Outage& o, Status to, Millis now) {
  if (auto problem = transition_problem(*status_from(o.status), to)) throw AppError(ErrorCode::invalid_transition, *problem);
  conn.execute("UPDATE outages SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?", {std::string(status_code(to)), now, o.id});
}

// The lead-time check if notices went out at `now`: who would be told too late. The latest times
// follow the working-day calendar (NoticeClock).
bj::object lead_check(Connection& conn, const Outage& o, Millis now) {
  const NoticeClock clock(conn, o.org_path);
  const Kind kind = *kind_from(o.kind);
  const std::int64_t all_need = required_lead_ms(kind, false, clock.rules()), important_need = required_lead_ms(kind, true, clock.rules());
  const std::int64_t all_short = clock.shortfall(kind, false, o.planned_start, now);
  const std::int64_t important_short = clock.shortfall(kind, true, o.planned_start, now);
  auto counts = conn.query_one("SELECT COUNT(DISTINCT f.customer_id), COUNT(DISTINCT CASE WHEN c.importance_class <> 'none' THEN f.customer_id END) "
                               "FROM outage_affected f JOIN customers c ON c.id = f.customer_id WHERE f.outage_id = ?",
                               {o.id});
  const std::int64_t customers = counts->i64(0), important = counts->i64(1);
  const std::int64_t short_customers = all_short > 0 ? customers : important_short > 0 ? important : 0;
  const Millis notify_by = std::min(clock.latest(kind, false, o.planned_start), clock.latest(kind, true, o.planned_start));
  return bj::object{{"required_hours", all_need / kHour},
                    {"required_hours_important", important_need / kHour},
                    {"notify_by", format_iso_utc(notify_by)},
                    {"short", short_customers > 0},
                    {"short_customers", short_customers},
                    {"short_hours", std::max(all_short, important_short) / kHour}};
}

}  // namespace

std::int64_t create_outage(Connection& conn, const auth::Principal& p, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::outage_plan);
  Validator v;
  const std::string kind = json::req_string(body, "kind", v, 20);
  if (!kind.empty() && !kind_from(kind)) v.add("kind", "must be planned, temporary, fault, arrears, limitation or transfer");
  Fields f = read_fields(conn, p, body, v, kind);
  v.throw_if_failed();
  const std::string year = shanghai_date(f.start).substr(0, 4);
  std::string number;
  for (std::int64_t seq = conn.query_i64("SELECT COUNT(*) FROM outages") + 1; number.empty(); ++seq) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "TD%s%06lld", year.c_str(), static_cast<long long>(seq));
    if (!conn.query_one("SELECT id FROM outages WHERE number = ?", {std::string(buf)})) number = buf;
  }
  // A fault is under way when it is recorded: no planning, no approval.
  const bool fault = kind == "fault";
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO outages(number, kind, title, work, requester, department_id, org_unit_id, org_path, status, planned_start, planned_end, "
      "actual_start, limit_level, limit_share, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
      {number, kind, f.title, f.work, f.requester, f.department ? Value(*f.department) : storage::null_value(), f.org_unit_id, f.org_path,
       std::string(fault ? "in_progress" : "draft"), f.start, f.end, fault ? Value(f.start) : storage::null_value(),
       f.limit_level ? Value(*f.limit_level) : storage::null_value(), f.limit_share ? Value(*f.limit_share) : storage::null_value(),
       p.user_id, now, now});
  write_scope(conn, id, f.scope);
  Outage o{id, number, kind, fault ? "in_progress" : "draft", f.org_path, f.title, f.start, f.end};
  if (fault) check_outage(conn, p, id, now);
  audit_outage(conn, p, "create", o, bj::object{{"number", number}, {"kind", kind}, {"title", f.title}});
  return id;
}

void update_outage(Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::outage_plan);
  Outage o = load(conn, p, id);
  if (o.status != "draft") throw AppError(ErrorCode::invalid_transition, "only a draft can be changed; send it back to draft first");
  Validator v;
  Fields f = read_fields(conn, p, body, v, o.kind);
  v.throw_if_failed();
  conn.execute("UPDATE outages SET title = ?, work = ?, requester = ?, department_id = ?, planned_start = ?, planned_end = ?, limit_level = ?, "
               "limit_share = ?, org_unit_id = ?, org_path = ?, updated_at = ?, version = version + 1 WHERE id = ?",
               {f.title, f.work, f.requester, f.department ? Value(*f.department) : storage::null_value(), f.start, f.end,
                f.limit_level ? Value(*f.limit_level) : storage::null_value(), f.limit_share ? Value(*f.limit_share) : storage::null_value(),
                f.org_unit_id, f.org_path, now, id});
  write_scope(conn, id, f.scope);
  conn.execute("DELETE FROM outage_affected WHERE outage_id = ?", {id});
  conn.execute("UPDATE outages SET affected_accounts = 0, affected_customers = 0 WHERE id = ?", {id});
  audit_outage(conn, p, "update", o, bj::object{{"title", f.title}});
}

void check_outage(Connection& conn, const auth::Principal& p, std::int64_t id, Millis now) {
  auth::require_permission(p, auth::Permission::outage_plan);
  Outage o = load(conn, p, id);
  if (o.status == "draft") move(conn, o, Status::checked, now);
  else if (o.status != "in_progress") throw AppError(ErrorCode::invalid_transition, "an outage that is " + o.status + " cannot be checked");
  const auto affected = affected_accounts(conn, scope_of(conn, id));
  conn.execute("DELETE FROM outage_affected WHERE outage_id = ?", {id});
  std::set<std::int64_t> customers;
  Params values;
  values.reserve(affected.size() * 4);
  for (const auto& a : affected) {
    values.insert(values.end(), {id, a.account_id, a.customer_id, std::string(a.effect == Effect::out ? "out" : "one_source")});
    customers.insert(a.customer_id);
  }
  storage::insert_many(conn, "INSERT INTO outage_affected(outage_id, account_id, customer_id, effect) VALUES ", "(?,?,?,?)", 4, values);
  conn.execute("UPDATE outages SET affected_accounts = ?, affected_customers = ? WHERE id = ?",
               {static_cast<std::int64_t>(affected.size()), static_cast<std::int64_t>(customers.size()), id});
  const std::int64_t notices = o.kind == "fault" ? 0 : plan_notices(conn, id, now);  // a fault is told as it happens, not planned
  audit_outage(conn, p, "check", o, bj::object{{"accounts", affected.size()}, {"customers", customers.size()}, {"notices", notices}});
}

void reopen_outage(Connection& conn, const auth::Principal& p, std::int64_t id, Millis now) {
  auth::require_permission(p, auth::Permission::outage_plan);
  Outage o = load(conn, p, id);
  move(conn, o, Status::draft, now);
  audit_outage(conn, p, "reopen", o, bj::object{});
}

void approve_outage(Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::outage_approve);
  Validator v;
  auto justification = json::opt_string(body, "justification", v, 1000);
  if (justification) *justification = trim(*justification);
  auto override_reason = json::opt_string(body, "override_reason", v, 1000);
  if (override_reason) *override_reason = trim(*override_reason);
  v.throw_if_failed();
  Outage o = load(conn, p, id);
  if (o.status != "checked") throw AppError(ErrorCode::invalid_transition, "only a checked outage can be approved (it is " + o.status + ")");
  const bj::object lead = lead_check(conn, o, now);
  if (lead.at("short").as_bool() && (!justification || justification->empty()))
    v.add("justification", "notices would reach " + std::to_string(lead.at("short_customers").as_int64()) +
                               " customer(s) later than the rules ask; record why the outage cannot wait");
  // The yearly limit of planned interruptions and guaranteed-supply periods: a leader's override.
  const bj::object block = blockers(conn, id);
  const bool blocked = block.at("blocked").as_bool();
  if (blocked && (!override_reason || override_reason->empty())) {
    std::string what;
    if (const auto& y = block.at("yearly_limit"); y.is_object() && y.as_object().at("total").as_int64() > 0)
      what = std::to_string(y.as_object().at("total").as_int64()) + " account(s) would exceed " +
             std::to_string(y.as_object().at("limit").as_int64()) + " planned interruptions this year";
    if (!block.at("guarantees").as_array().empty())
      what += (what.empty() ? "" : "; ") + std::string("it falls in a guaranteed-supply period (") +
              std::string(block.at("guarantees").as_array().front().as_object().at("name").as_string()) + ")";
    v.add("override_reason", what + "; a leader's reason is needed to approve it");
  }
  v.throw_if_failed("the outage cannot be approved as it is");
  move(conn, o, Status::approved, now);
  const bool overridden = blocked && override_reason && !override_reason->empty();
  conn.execute("UPDATE outages SET lead_justification = ?, override_reason = ?, override_by = ? WHERE id = ?",
               {justification && !justification->empty() ? Value(*justification) : storage::null_value(),
                overridden ? Value(*override_reason) : storage::null_value(), overridden ? Value(p.user_id) : storage::null_value(), id});
  audit_outage(conn, p, "approve", o,
               bj::object{{"lead_short", lead.at("short")},
                          {"justification", json::nullable(justification)},
                          {"blocked", blocked},
                          {"override_reason", overridden ? bj::value(*override_reason) : bj::value(nullptr)}});
}

void start_outage(Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::outage_plan);
  Validator v;
  Millis at = instant(body, "at", v, false);
  if (!at) at = now;
  if (at > now) v.add("at", "must not lie in the future");
  v.throw_if_failed();
  Outage o = load(conn, p, id);
  move(conn, o, Status::in_progress, now);
  conn.execute("UPDATE outages SET actual_start = ? WHERE id = ?", {at, id});
  audit_outage(conn, p, "start", o, bj::object{{"actual_start", format_iso_utc(at)}});
}

void restore_outage(Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::outage_plan);
  Validator v;
  Millis at = instant(body, "at", v, false);
  if (!at) at = now;
  if (at > now) v.add("at", "must not lie in the future");
  v.throw_if_failed();
  Outage o = load(conn, p, id);
  auto started = conn.query_one("SELECT actual_start FROM outages WHERE id = ?", {id});
  if (started && !started->is_null(0) && at < started->i64(0))
    throw AppError(ErrorCode::validation_failed, "invalid restoration", {{"at", "must not be before the outage started"}});
  move(conn, o, Status::restored, now);
  conn.execute("UPDATE outages SET actual_end = ? WHERE id = ?", {at, id});
  record_restoration(conn, p.actor(), id, now);
  audit_outage(conn, p, "restore", o, bj::object{{"actual_end", format_iso_utc(at)}});
}

void cancel_outage(Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now) {
  auth::require_permission(p, auth::Permission::outage_plan);
  Validator v;
  const std::string reason = trim(json::req_string(body, "reason", v, 500));
  v.throw_if_failed();
  Outage o = load(conn, p, id);
  if (auto problem = transition_problem(*status_from(o.status), Status::cancelled)) throw AppError(ErrorCode::invalid_transition, *problem);
  // Customers already told hear of the cancellation (before the status changes: it says who was told).
  const std::int64_t sms = tell_cancellation(conn, p, id, reason, now);
  move(conn, o, Status::cancelled, now);
  conn.execute("UPDATE outages SET cancel_reason = ? WHERE id = ?", {reason, id});
  audit_outage(conn, p, "cancel", o, bj::object{{"reason", reason}, {"cancellation_sms", sms}});
}

bj::object outage_detail(Connection& conn, const auth::Principal& p, std::int64_t id, Millis now) {
  auth::require_permission(p, auth::Permission::customer_read);
  Outage o = load(conn, p, id);
  auto r = conn.query_one(
      "SELECT x.work, x.requester, x.department_id, d.name, x.expected_end, x.actual_start, x.actual_end, x.limit_level, x.limit_share, "
      "x.lead_justification, x.affected_accounts, x.affected_customers, u.display_name, x.created_at, x.version, x.override_reason, "
      "v.display_name, x.cancel_reason FROM outages x LEFT JOIN org_units d ON d.id = x.department_id JOIN users u ON u.id = x.created_by "
      "LEFT JOIN users v ON v.id = x.override_by WHERE x.id = ?",
      {id});
  bj::object scope;
  for (const char* kind : {"line", "section", "area", "account"}) scope[std::string(kind) + "s"] = bj::array{};
  for (auto& s : conn.query(
           "SELECT k.kind, k.ref_id, COALESCE(l.code, x.code, t.code, a.account_no), COALESCE(l.name, x.name, t.name, a.name, c.name) "
           "FROM outage_scopes k LEFT JOIN lines l ON k.kind = 'line' AND l.id = k.ref_id "
           "LEFT JOIN line_sections x ON k.kind = 'section' AND x.id = k.ref_id LEFT JOIN transformer_areas t ON k.kind = 'area' AND t.id = k.ref_id "
           "LEFT JOIN accounts a ON k.kind = 'account' AND a.id = k.ref_id LEFT JOIN customers c ON c.id = a.customer_id "
           "WHERE k.outage_id = ? ORDER BY k.kind, k.ref_id",
           {id}))
    scope[s.str(0) + "s"].as_array().push_back(bj::object{{"id", s.i64(1)}, {"code", s.str(2)}, {"name", s.str(3)}});
  // The affected accounts by effect, and the key accounts and important customers among them, in one pass.
  auto counts = conn.query_one(
      "SELECT COALESCE(SUM(CASE WHEN f.effect = 'out' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN f.effect = 'one_source' THEN 1 ELSE 0 END), 0), "
      "COUNT(DISTINCT CASE WHEN c.is_key_account = 1 THEN f.customer_id END), COUNT(DISTINCT CASE WHEN c.importance_class <> 'none' THEN f.customer_id END) "
      "FROM outage_affected f JOIN customers c ON c.id = f.customer_id WHERE f.outage_id = ?",
      {id});
  const int window = coordination_window_days(conn);
  bj::array delays;
  for (auto& d : conn.query("SELECT y.previous_end, y.expected_end, y.reason, y.customers_told, u.display_name, y.created_at FROM outage_delays y "
                            "JOIN users u ON u.id = y.created_by WHERE y.outage_id = ? ORDER BY y.id",
                            {id}))
    delays.push_back(bj::object{{"previous_end", format_iso_utc(d.i64(0))},
                                {"expected_end", format_iso_utc(d.i64(1))},
                                {"reason", d.str(2)},
                                {"customers_told", d.i64(3)},
                                {"created_by", d.str(4)},
                                {"created_at", format_iso_utc(d.i64(5))}});
  return bj::object{{"id", id},
                    {"number", o.number},
                    {"kind", o.kind},
                    {"status", o.status},
                    {"title", o.title},
                    {"work", r->str(0)},
                    {"requester", r->str(1)},
                    {"department", r->is_null(2) ? bj::value(nullptr) : bj::value(bj::object{{"id", r->i64(2)}, {"name", r->str(3)}})},
                    {"planned_start", format_iso_utc(o.planned_start)},
                    {"planned_end", format_iso_utc(o.planned_end)},
                    {"expected_end", json::instant_or_null(r->opt_i64(4))},
                    {"actual_start", json::instant_or_null(r->opt_i64(5))},
                    {"actual_end", json::instant_or_null(r->opt_i64(6))},
                    {"limit_level", json::nullable(r->opt_str(7))},
                    {"limit_share", r->is_null(8) ? bj::value(nullptr) : bj::value(r->f64(8))},
                    {"lead_justification", json::nullable(r->opt_str(9))},
                    {"affected_accounts", r->i64(10)},
                    {"affected_customers", r->i64(11)},
                    {"accounts_out", counts->i64(0)},
                    {"accounts_on_one_source", counts->i64(1)},
                    {"key_accounts", counts->i64(2)},
                    {"important_customers", counts->i64(3)},
                    {"lead_check", lead_check(conn, o, now)},
                    {"notices", conn.query_i64("SELECT COUNT(*) FROM outage_notices WHERE outage_id = ?", {id})},
                    {"notices_acknowledged",
                     conn.query_i64("SELECT COUNT(*) FROM outage_notices WHERE outage_id = ? AND status IN ('acknowledged','posted')", {id})},
                    {"scope", std::move(scope)},
                    {"created_by", r->str(12)},
                    {"created_at", format_iso_utc(r->i64(13))},
                    {"version", r->i64(14)},
                    {"override_reason", json::nullable(r->opt_str(15))},
                    {"override_by", json::nullable(r->opt_str(16))},
                    {"cancel_reason", json::nullable(r->opt_str(17))},
                    {"coordination_window_days", window},
                    {"conflicts", conflicts(conn, id, window)},
                    {"blockers", blockers(conn, id)},
                    {"delays", std::move(delays)}};
}

bj::object list_outages(Connection& conn, const auth::Principal& p, const OutageFilter& f, std::int64_t limit, std::int64_t offset) {
  auth::require_permission(p, auth::Permission::customer_read);
  Params params;
  std::string where = " WHERE " + storage::path_prefix_condition(conn.backend(), "x.org_path", p.org_path, params);
  Validator v;
  if (f.status) {
    where += " AND x.status = ?";
    params.push_back(*f.status);
  }
  if (f.kind) {
    where += " AND x.kind = ?";
    params.push_back(*f.kind);
  }
  if (f.from) {
    if (!is_valid_date(*f.from)) v.add("from", "must be a date YYYY-MM-DD");
    else {
      where += " AND x.planned_end >= ?";
      params.push_back(shanghai_midnight(*f.from));
    }
  }
  if (f.to) {
    if (!is_valid_date(*f.to)) v.add("to", "must be a date YYYY-MM-DD");
    else {
      where += " AND x.planned_start < ?";
      params.push_back(shanghai_midnight(*f.to) + 24 * kHour);
    }
  }
  v.throw_if_failed("invalid query parameter");
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM outages x" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT x.id, x.number, x.kind, x.status, x.title, x.planned_start, x.planned_end, x.actual_start, x.actual_end, "
                            "x.affected_accounts, x.affected_customers, x.requester FROM outages x" +
                                where + " ORDER BY x.planned_start DESC, x.id DESC LIMIT ? OFFSET ?",
                            params))
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"number", r.str(1)},
                               {"kind", r.str(2)},
                               {"status", r.str(3)},
                               {"title", r.str(4)},
                               {"planned_start", format_iso_utc(r.i64(5))},
                               {"planned_end", format_iso_utc(r.i64(6))},
                               {"actual_start", json::instant_or_null(r.opt_i64(7))},
                               {"actual_end", json::instant_or_null(r.opt_i64(8))},
                               {"affected_accounts", r.i64(9)},
                               {"affected_customers", r.i64(10)},
                               {"requester", r.str(11)}});
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

bj::object list_affected(Connection& conn, const auth::Principal& p, std::int64_t id, const AffectedFilter& f, std::int64_t limit,
                         std::int64_t offset, Millis now) {
  auth::require_permission(p, auth::Permission::customer_read);
  Outage o = load(conn, p, id);
  const NoticeClock clock(conn, o.org_path);
  Params params{id};
  std::string where = " WHERE f.outage_id = ?";
  if (f.effect) {
    where += " AND f.effect = ?";
    params.push_back(*f.effect);
  }
  if (f.key_only) where += " AND c.is_key_account = 1";
  if (f.important_only) where += " AND c.importance_class <> 'none'";
  const std::string from = " FROM outage_affected f JOIN accounts a ON a.id = f.account_id JOIN customers c ON c.id = f.customer_id "
                           "LEFT JOIN users m ON m.id = c.manager_id";
  const std::int64_t total = conn.query_i64("SELECT COUNT(*)" + from + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query(
           "SELECT f.account_id, a.account_no, f.customer_id, c.name, f.effect, c.importance_class, c.is_key_account, m.display_name, "
           "c.outage_sensitivity, a.supply_sources, a.emergency_power, "
           "(SELECT COUNT(*) FROM emergency_plans e WHERE e.customer_id = c.id AND e.status = 'current')" +
               from + where + " ORDER BY c.is_key_account DESC, CASE c.importance_class WHEN 'special' THEN 0 WHEN 'first' THEN 1 "
                              "WHEN 'second' THEN 2 WHEN 'temporary' THEN 3 ELSE 4 END, a.account_no LIMIT ? OFFSET ?",
           params)) {
    const bool important = r.str(5) != "none";
    items.push_back(bj::object{{"account_id", r.i64(0)},
                               {"account_no", r.str(1)},
                               {"customer_id", r.i64(2)},
                               {"customer_name", r.str(3)},
                               {"effect", r.str(4)},
                               {"importance_class", r.str(5)},
                               {"key_account", r.boolean(6)},
                               {"manager_name", json::nullable(r.opt_str(7))},
                               {"outage_sensitivity", r.str(8)},
                               {"supply_sources", r.i64(9)},
                               {"emergency_power", r.boolean(10)},
                               {"emergency_plan", r.i64(11) > 0},
                               {"lead_short", clock.shortfall(*kind_from(o.kind), important, o.planned_start, now) > 0}});
  }
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

}  // namespace lianxin::outages
