#include "claims/service.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "calendar/store.hpp"
#include "claims/internal.hpp"
#include "claims/rules.hpp"
#include "clocks/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "customers/service.hpp"
#include "notify/notify.hpp"
#include "timeline/timeline.hpp"

namespace lianxin::claims {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;
using storage::Row;
using storage::Value;

// ---------------------------------------------------------------------------------------------
// Shared helpers (internal.hpp)

std::vector<std::string> split_codes(const std::string& text) {
  std::vector<std::string> out;
  for (auto& s : split(text, ',')) {
    std::string t = trim(s);
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

const char* clock_label(const std::string& name) {
  if (name == "first_contact") return "首次联系";
  if (name == "on_site") return "到达现场";
  if (name == "reply") return "处理答复";
  if (name == "callback") return "回访";
  return "时限";
}

constexpr const char* kClaimColumns =
    "c.id, c.number, c.upstream_no, c.channel, c.claim_type, c.sub_type, c.complaint_class, c.status, c.customer_id, "
    "c.account_id, c.caller_name, c.caller_phone, c.title, c.description, c.area_type, c.org_unit_id, c.org_path, "
    "c.department_id, c.department_path, c.assignee_id, c.manager_id, c.key_account, c.importance_class, "
    "c.sensitive_marks, c.policy_id, c.rule_set, c.parent_id, c.repeat_of, c.repeat_count, c.chase_count, "
    "c.escalation_level, c.reopen_count, c.first_contact_at, c.arrived_at, c.resolution, c.root_cause, c.measures, "
    "c.valid_complaint, c.closed_at, c.closed_by, c.satisfaction, c.callback_at, c.callback_note, c.created_by, "
    "c.created_at, c.updated_at, c.version, c.received_at, c.restored_at";

ClaimRow read_claim(const Row& r) {
  ClaimRow c;
  c.id = r.i64(0);
  c.number = r.str(1);
  c.upstream_no = r.opt_str(2);
  c.channel = r.str(3);
  c.claim_type = r.str(4);
  c.sub_type = r.str(5);
  c.complaint_class = r.str(6);
  c.status = r.str(7);
  c.customer_id = r.opt_i64(8);
  c.account_id = r.opt_i64(9);
  c.caller_name = r.str(10);
  c.caller_phone = r.str(11);
  c.title = r.str(12);
  c.description = r.str(13);
  c.area_type = r.str(14);
  c.org_unit_id = r.i64(15);
  c.org_path = r.str(16);
  c.department_id = r.opt_i64(17);
  c.department_path = r.str(18);
  c.assignee_id = r.opt_i64(19);
  c.manager_id = r.opt_i64(20);
  c.key_account = r.boolean(21);
  c.importance_class = r.str(22);
  c.sensitive_marks = split_codes(r.str(23));
  c.policy_id = r.opt_i64(24);
  c.rule_set = r.str(25);
  c.parent_id = r.opt_i64(26);
  c.repeat_of = r.opt_i64(27);
  c.repeat_count = r.i64(28);
  c.chase_count = r.i64(29);
  c.escalation_level = static_cast<int>(r.i64(30));
  c.reopen_count = r.i64(31);
  c.first_contact_at = r.opt_i64(32);
  c.arrived_at = r.opt_i64(33);
  c.resolution = r.opt_str(34);
  c.root_cause = r.opt_str(35);
  c.measures = r.opt_str(36);
  if (!r.is_null(37)) c.valid_complaint = r.boolean(37);
  c.closed_at = r.opt_i64(38);
  c.closed_by = r.opt_i64(39);
  c.satisfaction = r.opt_str(40);
  c.callback_at = r.opt_i64(41);
  c.callback_note = r.opt_str(42);
  c.created_by = r.opt_i64(43);
  c.created_at = r.i64(44);
  c.updated_at = r.i64(45);
  c.version = r.i64(46);
  c.received_at = r.opt_i64(47).value_or(c.created_at);
  c.restored_at = r.opt_i64(48);
  return c;
}

const char* claim_columns() { return kClaimColumns; }
std::string claim_select() { return std::string("SELECT ") + kClaimColumns + " FROM claims c"; }

std::optional<ClaimRow> find_claim(Connection& conn, std::int64_t id) {
  auto row = conn.query_one(claim_select() + " WHERE c.id = ?", {id});
  if (!row) return std::nullopt;
  return read_claim(*row);
}

bool claim_visible(Connection& conn, const auth::Principal& p, const ClaimRow& c) {
  if (c.assignee_id && *c.assignee_id == p.user_id) return true;
  if (!c.department_path.empty() && auth::org_in_scope(p, c.department_path)) return true;
  if (!auth::org_in_scope(p, c.org_path)) return false;
  auto scope = auth::customer_scope(p);
  if (!scope.manager_id) return true;
  // Account managers see the claims of their own customers (and those they registered).
  if (c.created_by && *c.created_by == p.user_id) return true;
  if (!c.customer_id) return false;
  Params params;
  params.push_back(*c.customer_id);
  for (auto id : auth::managed_by_params(scope)) params.push_back(id);
  return conn.query_one("SELECT 1 FROM customers c WHERE c.id = ? AND " + auth::managed_by_condition(scope, "c"), params)
      .has_value();
}

ClaimRow require_claim(Connection& conn, const auth::Principal& p, std::int64_t id) {
  auto c = find_claim(conn, id);
  if (!c || !claim_visible(conn, p, *c)) throw_not_found("claim");
  return *c;
}

void append_scope(const auth::Principal& p, storage::Backend backend, std::string& where, Params& params) {
  // The same rule as claim_visible, as SQL on alias c; the placeholders are pushed in text order.
  where += " AND (c.assignee_id = ?";
  params.push_back(p.user_id);
  where += " OR " + storage::path_prefix_condition(backend, "c.department_path", p.org_path, params);
  where += " OR (" + storage::path_prefix_condition(backend, "c.org_path", p.org_path, params);
  auto scope = auth::customer_scope(p);
  if (scope.manager_id) {
    where += " AND (c.created_by = ? OR c.customer_id IN (SELECT m.id FROM customers m WHERE " +
             auth::managed_by_condition(scope, "m") + "))";
    params.push_back(p.user_id);
    for (auto id : auth::managed_by_params(scope)) params.push_back(id);
  }
  where += "))";
}

// ---------------------------------------------------------------------------------------------

bool is_handler_of(const auth::Principal& p, const ClaimRow& c) {
  if (c.assignee_id && *c.assignee_id == p.user_id) return true;
  return !c.department_path.empty() && auth::org_in_scope(p, c.department_path);
}

void require_handler(const auth::Principal& p, const ClaimRow& c) {
  require_permission(p, auth::Permission::claim_handle);
  if (!is_handler_of(p, c)) throw AppError(ErrorCode::forbidden, "only the handling department can do this");
}

void require_dispatcher(const auth::Principal& p, const ClaimRow& c) {
  require_permission(p, auth::Permission::claim_dispatch);
  if (!auth::org_in_scope(p, c.org_path)) throw AppError(ErrorCode::forbidden, "the claim's region is outside your scope");
}

std::string org_path_of(Connection& conn, std::int64_t org_id, const char* field, bool allow_department) {
  auto row = conn.query_one("SELECT path, kind FROM org_units WHERE id = ?", {org_id});
  if (!row) throw AppError(ErrorCode::validation_failed, "invalid claim", {{field, "unknown org unit"}});
  if (!allow_department && row->str(1) == "department")
    throw AppError(ErrorCode::validation_failed, "invalid claim", {{field, "must be a company, bureau or station, not a department"}});
  if (allow_department && row->str(1) != "department")
    throw AppError(ErrorCode::validation_failed, "invalid claim", {{field, "must be a department"}});
  return row->str(0);
}

namespace {

std::string marks_text(const std::vector<std::string>& marks) { return join(marks, ","); }

std::string customer_name(Connection& conn, const ClaimRow& c) {
  if (!c.customer_id) return c.caller_name;
  auto row = conn.query_one("SELECT name FROM customers WHERE id = ?", {*c.customer_id});
  return row ? row->str(0) : c.caller_name;
}

}  // namespace

std::map<std::string, std::string> notice_params(Connection& conn, const ClaimRow& c) {
  return {{"claim_no", c.number},
          {"title", c.title},
          {"customer", customer_name(conn, c)},
          {"url", "/claims/" + std::to_string(c.id)}};
}

namespace {

// Active users of one org unit with one of the roles.
std::vector<std::int64_t> users_at(Connection& conn, std::int64_t org_id, std::initializer_list<const char*> roles) {
  std::vector<std::int64_t> out;
  for (auto& row : conn.query("SELECT id, role FROM users WHERE org_unit_id = ? AND active = 1 ORDER BY id LIMIT 50", {org_id})) {
    std::string role = row.str(1);
    for (const char* r : roles)
      if (role == r) out.push_back(row.i64(0));
  }
  return out;
}

// The org unit and its ancestors, nearest first, from its materialised path.
std::vector<std::int64_t> chain_of(const std::string& path) {
  std::vector<std::int64_t> ids;
  for (auto& part : split(path, '/'))
    if (!part.empty()) ids.push_back(std::stoll(part));
  std::reverse(ids.begin(), ids.end());
  return ids;
}

}  // namespace

void add_next_due(Connection& conn, const ClaimRow& c, std::map<std::string, std::string>& params) {
  auto due = conn.query_one(
      "SELECT name, due_at FROM clocks WHERE subject = 'claim' AND subject_id = ? AND state IN ('running','paused') AND "
      "due_at IS NOT NULL ORDER BY due_at LIMIT 1",
      {c.id});
  params["clock"] = due ? clock_label(due->str(0)) : "时限";
  params["due"] = due ? format_shanghai_minute(due->i64(1)) : "-";
}

// Who works a claim now: its assignee, else the handlers of its department.
std::vector<std::int64_t> workers_of(Connection& conn, const ClaimRow& c) {
  if (c.assignee_id) return {*c.assignee_id};
  if (c.department_id) return users_at(conn, *c.department_id, {"department_handler", "account_manager", "marketing_manager"});
  return {};
}

// The service dispatchers responsible for the claim's region (nearest org unit that has any).
std::vector<std::int64_t> dispatchers_of(Connection& conn, const ClaimRow& c) {
  for (std::int64_t org : chain_of(c.org_path)) {
    auto users = users_at(conn, org, {"service_dispatcher"});
    if (!users.empty()) return users;
  }
  return {};
}

void notify_users(Connection& conn, const std::vector<std::int64_t>& users, const std::string& kind,
                  std::map<std::string, std::string> params, const ClaimRow& c, const std::string& key, bool urgent,
                  Millis now) {
  std::set<std::int64_t> seen;
  for (std::int64_t user : users) {
    if (!seen.insert(user).second) continue;
    notify::Notice notice;
    notice.user_id = user;
    notice.kind = kind;
    notice.params = params;
    notice.ref_entity = "claim";
    notice.ref_id = std::to_string(c.id);
    notice.dedupe_key = "claim:" + std::to_string(c.id) + ":" + key + ":u" + std::to_string(user);
    notice.urgent = urgent;
    notify::enqueue(conn, notice, now);
  }
}


namespace {

// Chinese names for the customer 360 timeline (the claim page translates the codes itself).
std::string event_label(const std::string& kind) {
  static const std::map<std::string, std::string> labels = {
      {"registered", "受理"},          {"dispatched", "派单"},        {"transferred", "转派"},
      {"returned", "退单"},            {"accepted", "接单"},          {"contacted", "首次联系"},
      {"arrived", "到达现场"},         {"restored", "恢复供电"},      {"waiting_customer", "挂起待客户"},
      {"resumed", "恢复处理"},         {"note", "处理进展"},          {"closed", "办结销号"},
      {"callback", "回访"},
      {"archived", "归档"},            {"reopened", "重新处理"},      {"escalated", "提级"},
      {"chased", "催办"},              {"repeat_linked", "关联重复诉求"}, {"breached", "超时"},
      {"attachment", "上传附件"},      {"recovery_task", "服务补救"}, {"recovery_opened", "开启服务补救"},
      {"recovery_done", "服务补救完成"}, {"accountability", "责任认定"}};
  auto it = labels.find(kind);
  return it == labels.end() ? kind : it->second;
}

// What people read about an escalation (the code stays in claim_escalations.reason).
std::string escalation_label(const std::string& reason) {
  static const std::map<std::string, std::string> clocks = {
      {"first_contact", "首次联系"}, {"on_site", "到达现场"}, {"reply", "处理答复"}, {"callback", "回访"}};
  if (reason.rfind("breach:", 0) == 0) {
    auto it = clocks.find(reason.substr(7));
    return "超时（" + (it == clocks.end() ? reason.substr(7) : it->second) + "）";
  }
  if (reason == "repeat") return "重复诉求";
  if (reason == "chase") return "二次催办";
  if (reason == "unsatisfied") return "回访不满意";
  if (reason.rfind("sensitive:", 0) == 0) return "敏感标记（" + reason.substr(10) + "）";
  if (reason.rfind("manual: ", 0) == 0) return "人工提级：" + reason.substr(8);
  return reason;
}

const char* status_label(const std::string& status) {
  if (status == "registered") return "已受理";
  if (status == "dispatched") return "已派单";
  if (status == "accepted") return "处理中";
  if (status == "waiting_customer") return "挂起待客户";
  if (status == "returned") return "已退单";
  if (status == "closed") return "已办结待回访";
  if (status == "archived") return "已归档";
  return "";
}

}  // namespace

// A history entry; every one also goes on the customer 360 timeline.
void record_event(Connection& conn, const auth::Actor& actor, const ClaimRow& c, const std::string& kind,
                  const std::string& from_status, const std::string& to_status, const std::string& note, bool internal,
                  Millis now, const std::string& timeline_note) {
  conn.execute(
      "INSERT INTO claim_events(claim_id, at, actor_id, actor_name, kind, from_status, to_status, note, internal) "
      "VALUES (?,?,?,?,?,?,?,?,?)",
      {c.id, now, actor.user_id ? Value(actor.user_id) : storage::null_value(),
       actor.username.empty() ? std::string("system") : actor.username, kind, storage::text_or_null(from_status),
       storage::text_or_null(to_status), storage::text_or_null(note), std::int64_t{internal}});
  if (c.customer_id) {
    timeline::Event e;
    e.customer_id = *c.customer_id;
    e.at = now;
    e.kind = "claim";
    e.source = "claims";
    const std::string label = event_label(kind), status = to_status.empty() ? "" : status_label(to_status);
    e.title = "工单 " + c.number + " " + label +
              (status.empty() || to_status == from_status || status.find(label) != std::string::npos ? "" : "（" + status + "）");
    const std::string& text = timeline_note.empty() ? note : timeline_note;
    e.body = c.title + (text.empty() ? "" : "：" + text);
    e.ref_entity = "claim";
    e.ref_id = std::to_string(c.id);
    timeline::add(conn, actor, e);
  }
}

void audit_claim(Connection& conn, const auth::Actor& actor, const std::string& action, const ClaimRow& c,
                 const bj::object& before, const bj::object& after) {
  audit::Entry entry;
  entry.action = action;
  entry.entity = "claim";
  entry.entity_id = std::to_string(c.id);
  entry.org_path = c.org_path;
  entry.before_json = before.empty() ? "" : json::serialize(before);
  entry.after_json = after.empty() ? "" : json::serialize(after);
  audit::record(conn, actor, entry);
}

// Raises the escalation level for a trigger, records it and tells the leaders of the target org.
void escalate(Connection& conn, const auth::Actor& actor, ClaimRow& c, const std::string& reason, bool straight_to_top,
              const Settings& settings, Millis now) {
  const int level = next_level(c.escalation_level, settings.escalation_max_level, straight_to_top);
  if (level == c.escalation_level) return;  // already at the top: nothing new to tell
  const std::string start = c.department_path.empty() ? c.org_path : c.department_path;
  const std::vector<std::int64_t> chain = chain_of(start);
  std::int64_t target = escalation_target(chain, level);
  conn.execute("INSERT INTO claim_escalations(claim_id, level, reason, org_unit_id, at, actor_id) VALUES (?,?,?,?,?,?)",
               {c.id, std::int64_t{level}, reason, target ? Value(target) : storage::null_value(), now,
                actor.user_id ? Value(actor.user_id) : storage::null_value()});
  conn.execute("UPDATE claims SET escalation_level = ?, updated_at = ? WHERE id = ?", {std::int64_t{level}, now, c.id});
  // The history keeps the codes (the claim page translates them); the timeline reads as text.
  record_event(conn, actor, c, "escalated", c.status, c.status, reason + " → level " + std::to_string(level), true, now,
               escalation_label(reason) + " → 第" + std::to_string(level) + "级");
  c.escalation_level = level;
  // Leaders of the target org; when it has none, the nearest one above that has.
  std::vector<std::int64_t> leaders;
  bool passed = false;
  for (std::int64_t org : chain) {
    if (org == target) passed = true;
    if (!passed) continue;
    leaders = users_at(conn, org, {"leader", "marketing_manager"});
    if (!leaders.empty()) break;
  }
  auto params = notice_params(conn, c);
  params["level"] = std::to_string(level);
  params["reason"] = escalation_label(reason);
  const bool urgent = std::any_of(c.sensitive_marks.begin(), c.sensitive_marks.end(), [&](const std::string& m) {
    return in_list(settings.top_level_marks, m);
  });
  notify_users(conn, leaders, "claim_escalated", params, c, "escalated:" + std::to_string(level), urgent, now);
}

// The chosen SLA policy's clocks, as stored.
std::vector<PolicyClock> policy_clocks(Connection& conn, std::int64_t policy_id) {
  auto snapshot = rules(conn);
  auto it = snapshot->policy_clocks.find(policy_id);
  return it == snapshot->policy_clocks.end() ? std::vector<PolicyClock>{} : it->second;
}

void start_clock(Connection& conn, const ClaimRow& c, const PolicyClock& k, Millis start, std::optional<Millis> inherited) {
  clocks::StartClock s;
  s.subject = "claim";
  s.subject_id = c.id;
  s.name = k.clock;
  s.org_path = c.org_path;
  s.started_at = start;
  s.duration = {k.amount, calendar::parse_unit(k.unit)};
  s.inherited_due = inherited;
  s.reminder_permille = clocks::parse_permille(k.reminder_permille);
  s.escalate_on_breach = k.escalate_on_breach;
  s.policy_code = k.policy_code;
  s.source = k.source;
  s.verification = k.verification;
  clocks::start(conn, s);
}

namespace {

Settings read_settings(Connection& conn) {
  Settings s;
  for (auto& r : conn.query("SELECT key, value FROM settings WHERE module = 'claims'")) {
    const std::string key = r.str(0), value = r.str(1);
    auto as_int = [&](int fallback) {
      try {
        return std::stoi(value);
      } catch (...) {
        return fallback;  // a malformed value keeps the default; the settings API validates writes
      }
    };
    if (key == "claims.rule_set") s.rule_set = value;
    else if (key == "claims.repeat_window_days") s.repeat_window_days = as_int(30);
    else if (key == "claims.chase_escalation_count") s.chase_escalation_count = as_int(2);
    else if (key == "claims.escalation_max_level") s.escalation_max_level = as_int(3);
    else if (key == "claims.callback_types") s.callback_types = split_codes(value);
    else if (key == "claims.auto_dispatch") s.auto_dispatch = value == "true";
    else if (key == "claims.top_level_marks") s.top_level_marks = split_codes(value);
    else if (key.rfind("claims.repair_", 0) == 0) {
      // claims.repair_arrival_avg_minutes_<area> and claims.repair_restore_avg_hours_<area>
      static const std::string arrival = "claims.repair_arrival_avg_minutes_", restore = "claims.repair_restore_avg_hours_";
      if (key.rfind(arrival, 0) == 0) {
        auto& k = s.repair_commitments[key.substr(arrival.size())];
        k.arrival_minutes = as_int(static_cast<int>(k.arrival_minutes));
      } else if (key.rfind(restore, 0) == 0) {
        auto& k = s.repair_commitments[key.substr(restore.size())];
        k.restore_hours = as_int(static_cast<int>(k.restore_hours));
      }
    } else if (key == "claims.max_attachment_bytes") {
      try {
        s.max_attachment_bytes = std::stoll(value);
      } catch (...) {
        // a malformed value keeps the default; the settings API validates writes
      }
    }
  }
  return s;
}

std::vector<PolicyCandidate> read_policies(Connection& conn);
std::vector<RouteCandidate> read_routes(Connection& conn);

std::map<std::int64_t, std::vector<PolicyClock>> read_policy_clocks(Connection& conn) {
  std::map<std::int64_t, std::vector<PolicyClock>> out;
  for (auto& r : conn.query(
           "SELECT k.policy_id, k.clock, k.amount, k.unit, k.pause_on, k.reminder_permille, k.escalate_on_breach, k.source, "
           "k.verification, p.code FROM sla_policy_clocks k JOIN sla_policies p ON p.id = k.policy_id ORDER BY k.policy_id, k.clock"))
    out[r.i64(0)].push_back(
        {r.str(1), r.i64(2), r.str(3), split_codes(r.str(4)), r.str(5), r.boolean(6), r.str(7), r.str(8), r.str(9)});
  return out;
}

std::mutex rules_mutex;
std::shared_ptr<const RuleSnapshot> cached_rules;

}  // namespace

std::shared_ptr<const RuleSnapshot> rules(Connection& conn) {
  // One indexed read per command instead of four queries: the copy is reloaded when any server
  // changed settings, policies or routing rules (they bump the version in the same transaction).
  const std::int64_t version = conn.query_i64("SELECT value FROM counters WHERE name = 'claims_rules'");
  {
    std::lock_guard lock(rules_mutex);
    if (cached_rules && cached_rules->version == version) return cached_rules;
  }
  auto fresh = std::make_shared<RuleSnapshot>();
  fresh->version = version;
  fresh->settings = read_settings(conn);
  fresh->policies = read_policies(conn);
  fresh->routes = read_routes(conn);
  fresh->policy_clocks = read_policy_clocks(conn);
  std::lock_guard lock(rules_mutex);
  cached_rules = fresh;
  return fresh;
}

void bump_rules_version(Connection& conn) {
  conn.execute("UPDATE counters SET value = value + 1 WHERE name = 'claims_rules'");
}

Settings load_settings(Connection& conn) { return rules(conn)->settings; }

RepairCommitment Settings::repair_commitment(const std::string& area_type) const {
  auto it = repair_commitments.find(area_type);
  return it == repair_commitments.end() ? default_repair_commitment(area_type) : it->second;
}

// ---------------------------------------------------------------------------------------------
// Intake

namespace {

std::string next_number(Connection& conn, Millis now) {
  std::string date = shanghai_date(now);
  std::string day = date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2);
  auto row = conn.query_one(
      "INSERT INTO counters(name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = counters.value + 1 "
      "RETURNING value",
      {"claim:" + day});
  char buf[16];
  std::snprintf(buf, sizeof buf, "%05lld", static_cast<long long>(row ? row->i64(0) : 1));
  return "GD" + day + buf;
}

std::vector<PolicyCandidate> read_policies(Connection& conn) {
  std::vector<PolicyCandidate> out;
  for (auto& r : conn.query(
           "SELECT p.id, p.rule_set, p.claim_type, p.sub_type, p.channel, p.importance_class, p.area_type, p.key_account, "
           "o.path, p.valid_from, p.valid_to, p.priority, p.enabled FROM sla_policies p LEFT JOIN org_units o ON o.id = p.org_unit_id")) {
    PolicyCandidate c;
    c.id = r.i64(0);
    c.rule_set = r.str(1);
    c.claim_type = r.opt_str(2);
    c.sub_type = r.opt_str(3);
    c.channel = r.opt_str(4);
    c.importance_class = r.opt_str(5);
    c.area_type = r.opt_str(6);
    if (!r.is_null(7)) c.key_account = r.boolean(7);
    c.org_path = r.opt_str(8);
    c.valid_from = r.opt_str(9);
    c.valid_to = r.opt_str(10);
    c.priority = static_cast<int>(r.i64(11));
    c.enabled = r.boolean(12);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<RouteCandidate> read_routes(Connection& conn) {
  std::vector<RouteCandidate> out;
  for (auto& r : conn.query(
           "SELECT r.id, r.claim_type, r.sub_type, r.complaint_class, o.path, r.key_account, r.department_id, r.priority, "
           "r.enabled FROM claim_routing_rules r LEFT JOIN org_units o ON o.id = r.org_unit_id")) {
    RouteCandidate c;
    c.id = r.i64(0);
    c.claim_type = r.opt_str(1);
    c.sub_type = r.opt_str(2);
    c.complaint_class = r.opt_str(3);
    c.org_path = r.opt_str(4);
    if (!r.is_null(5)) c.key_account = r.boolean(5);
    c.department_id = r.i64(6);
    c.priority = static_cast<int>(r.i64(7));
    c.enabled = r.boolean(8);
    out.push_back(std::move(c));
  }
  return out;
}

bool valid_phone(const std::string& phone) {
  if (phone.size() < 3 || phone.size() > 20) return false;
  for (char ch : phone)
    if (!(std::isdigit(static_cast<unsigned char>(ch)) || ch == '+' || ch == '-' || ch == ' ')) return false;
  return true;
}

}  // namespace

void announce_dispatch(Connection& conn, const auth::Actor& actor, const ClaimRow& c, const std::string& kind,
                       const std::string& from, const std::string& note, Millis now);

void dispatch_to(Connection& conn, const auth::Actor& actor, ClaimRow& c, std::int64_t department_id,
                 std::optional<std::int64_t> assignee_id, const std::string& kind, const std::string& note, Millis now) {
  const std::string path = org_path_of(conn, department_id, "department_id", true);
  if (assignee_id &&
      !conn.query_one("SELECT 1 FROM users WHERE id = ? AND org_unit_id = ? AND active = 1", {*assignee_id, department_id}))
    throw AppError(ErrorCode::validation_failed, "invalid dispatch", {{"assignee_id", "must be an active user of the department"}});
  const std::string from = c.status;
  conn.execute(
      "UPDATE claims SET status = 'dispatched', department_id = ?, department_path = ?, assignee_id = ?, updated_at = ? "
      "WHERE id = ?",
      {department_id, path, storage::opt_value(assignee_id), now, c.id});
  c.status = "dispatched";
  c.department_id = department_id;
  c.department_path = path;
  c.assignee_id = assignee_id;
  announce_dispatch(conn, actor, c, kind, from, note, now);
}

// The history entry of a dispatch and the notice to the department (the row already says it).
void announce_dispatch(Connection& conn, const auth::Actor& actor, const ClaimRow& c, const std::string& kind,
                       const std::string& from, const std::string& note, Millis now) {
  record_event(conn, actor, c, kind, from, "dispatched", note, false, now);
  auto params = notice_params(conn, c);
  params["reason"] = note;
  add_next_due(conn, c, params);
  notify_users(conn, workers_of(conn, c), "claim_dispatched", params, c,
               kind + ":" + std::to_string(c.department_id.value_or(0)) + ":" + std::to_string(now), false, now);
}

std::int64_t create_claim(Connection& conn, const auth::Principal& p, const Intake& in, Millis now) {
  require_permission(p, auth::Permission::claim_intake);
  Validator v;
  if (!in_list(channels(), in.channel)) v.add("channel", "must be one of " + joined(channels()));
  if (!in_list(claim_types(), in.claim_type) || in.claim_type == "chase")
    v.add("claim_type", "must be one of " + joined(claim_types()) + " (a chase is registered on the claim it chases)");
  if (in.claim_type == "complaint" && (!in.complaint_class || !in_list(complaint_classes(), *in.complaint_class)))
    v.add("complaint_class", "a complaint needs its class: one of " + joined(complaint_classes()));
  if (in.claim_type != "complaint" && in.complaint_class) v.add("complaint_class", "only complaints have a class");
  if (in.claim_type == "service_request" && (!in.sub_type || !in_list(service_request_types(), *in.sub_type)))
    v.add("sub_type", "a service request needs its sub-type: one of " + joined(service_request_types()));
  if (in.claim_type != "service_request" && in.sub_type) v.add("sub_type", "only service requests have a sub-type");
  if (trim(in.title).empty()) v.add("title", "is required");
  if (trim(in.description).empty()) v.add("description", "is required");
  if (in.area_type && !in_list(area_types(), *in.area_type)) v.add("area_type", "must be one of " + joined(area_types()));
  if (in.caller_phone && !valid_phone(*in.caller_phone)) v.add("caller_phone", "is not a phone number");
  for (std::size_t i = 0; i < in.sensitive_marks.size(); ++i)
    if (!in_list(sensitive_marks(), in.sensitive_marks[i]))
      v.add("sensitive_marks[" + std::to_string(i) + "]", "must be one of " + joined(sensitive_marks()));
  const bool upstream_channel = in.channel == "95598" || in.channel == "12398" || in.channel == "12345";
  if (upstream_channel && (!in.upstream_no || trim(*in.upstream_no).empty()))
    v.add("upstream_no", "a claim from " + in.channel + " keeps its upstream order number");
  if (!in.upstream_deadlines.empty() && !in.upstream_no) v.add("upstream_deadlines", "only an upstream order inherits deadlines");
  for (auto& [name, due] : in.upstream_deadlines) {
    if (!in_list(clock_names(), name) || name == "callback")
      v.add("upstream_deadlines." + name, "unknown clock; use first_contact, on_site or reply");
    else if (due <= now)
      v.add("upstream_deadlines." + name, "the deadline is in the past");
  }
  if (in.received_at && *in.received_at > now + 60'000) v.add("received_at", "is in the future");
  if (in.received_at && *in.received_at < now - 30LL * 86'400'000) v.add("received_at", "is more than 30 days ago");
  v.throw_if_failed();

  // The customer, and the region the claim belongs to.
  ClaimRow c;
  c.channel = in.channel;
  c.claim_type = in.claim_type;
  c.sub_type = in.sub_type.value_or("");
  c.complaint_class = in.complaint_class.value_or("");
  c.title = trim(in.title);
  c.description = in.description;
  c.area_type = in.area_type.value_or("urban");
  c.caller_name = in.caller_name.value_or("");
  c.caller_phone = in.caller_phone.value_or("");
  c.upstream_no = in.upstream_no;
  c.sensitive_marks = in.sensitive_marks;
  c.account_id = in.account_id;
  c.customer_id = in.customer_id;
  if (in.account_id) {
    auto row = conn.query_one("SELECT customer_id FROM accounts WHERE id = ?", {*in.account_id});
    if (!row) throw AppError(ErrorCode::validation_failed, "invalid claim", {{"account_id", "unknown account"}});
    if (c.customer_id && *c.customer_id != row->i64(0))
      throw AppError(ErrorCode::validation_failed, "invalid claim", {{"account_id", "belongs to another customer"}});
    c.customer_id = row->i64(0);
  }
  if (c.customer_id) {
    try {
      customers::require_visible(conn, p, *c.customer_id);
    } catch (const AppError& e) {
      if (e.code() != ErrorCode::not_found) throw;
      throw AppError(ErrorCode::validation_failed, "invalid claim", {{"customer_id", "unknown customer"}});
    }
    auto row = conn.query_one(
        "SELECT org_unit_id, org_path, manager_id, is_key_account, importance_class, name FROM customers WHERE id = ?",
        {*c.customer_id});
    c.org_unit_id = row->i64(0);
    c.org_path = row->str(1);
    c.manager_id = row->opt_i64(2);
    c.key_account = row->boolean(3);
    c.importance_class = row->str(4);
    if (c.caller_name.empty()) c.caller_name = row->str(5);
  } else if (in.org_unit_id) {
    c.org_path = org_path_of(conn, *in.org_unit_id, "org_unit_id", false);
    c.org_unit_id = *in.org_unit_id;
    if (!auth::org_in_scope(p, c.org_path))
      throw AppError(ErrorCode::validation_failed, "invalid claim", {{"org_unit_id", "is outside your scope"}});
  } else {
    // Without a customer the claim belongs to the intake's own bureau (a department's parent).
    auto row = conn.query_one("SELECT kind, parent_id, path FROM org_units WHERE id = ?", {p.org_unit_id});
    if (row && row->str(0) == "department" && !row->is_null(1)) {
      c.org_unit_id = row->i64(1);
      c.org_path = conn.query_one("SELECT path FROM org_units WHERE id = ?", {c.org_unit_id})->str(0);
    } else {
      c.org_unit_id = p.org_unit_id;
      c.org_path = row ? row->str(2) : p.org_path;
    }
  }
  if (c.importance_class.empty()) c.importance_class = "none";
  if (c.importance_class != "none" && !in_list(c.sensitive_marks, "important_customer"))
    c.sensitive_marks.push_back("important_customer");
  if (in.department_id) {
    require_permission(p, auth::Permission::claim_dispatch);
    if (!auth::org_in_scope(p, org_path_of(conn, *in.department_id, "department_id", true)))
      throw AppError(ErrorCode::validation_failed, "invalid claim", {{"department_id", "is outside your scope"}});
  }

  auto snapshot = rules(conn);
  const Settings& settings = snapshot->settings;
  ClaimFacts facts{c.claim_type, c.sub_type, c.channel, c.importance_class, c.area_type, c.key_account, c.org_path,
                   shanghai_date(now)};
  c.policy_id = choose_policy(facts, settings.rule_set, snapshot->policies);
  c.rule_set = settings.rule_set;
  c.number = next_number(conn, now);
  // Dispatch: by hand when a department was given, else by the routing rules. Decided before the
  // row is written, so the claim is written once with its department (fewer index writes).
  std::optional<std::int64_t> department = in.department_id;
  if (!department && settings.auto_dispatch)
    department = choose_route({c.claim_type, c.sub_type, c.complaint_class, c.org_path, c.key_account}, snapshot->routes);
  if (department) {
    c.department_id = department;
    c.department_path = org_path_of(conn, *department, "department_id", true);
  }
  c.status = department ? "dispatched" : "registered";
  c.created_by = p.user_id;
  c.created_at = now;
  c.received_at = in.received_at.value_or(now);  // the clocks start here
  c.id = conn.insert_returning_id(
      "INSERT INTO claims(number, upstream_no, channel, claim_type, sub_type, complaint_class, status, customer_id, "
      "account_id, caller_name, caller_phone, title, description, area_type, org_unit_id, org_path, department_id, "
      "department_path, manager_id, key_account, importance_class, sensitive_marks, policy_id, rule_set, created_by, "
      "created_at, updated_at, received_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1) RETURNING id",
      {c.number, storage::opt_value(c.upstream_no), c.channel, c.claim_type, storage::text_or_null(c.sub_type),
       storage::text_or_null(c.complaint_class), c.status, storage::opt_value(c.customer_id),
       storage::opt_value(c.account_id), storage::text_or_null(c.caller_name), storage::text_or_null(c.caller_phone),
       c.title, c.description, c.area_type, c.org_unit_id, c.org_path, storage::opt_value(c.department_id),
       storage::text_or_null(c.department_path), storage::opt_value(c.manager_id), std::int64_t{c.key_account},
       c.importance_class, marks_text(c.sensitive_marks), storage::opt_value(c.policy_id), c.rule_set, p.user_id, now, now,
       c.received_at});
  const auth::Actor actor = p.actor();
  record_event(conn, actor, c, "registered", "", "registered", c.channel + (c.upstream_no ? " " + *c.upstream_no : ""),
               false, now);
  audit_claim(conn, actor, "create", c, {},
              {{"number", c.number}, {"channel", c.channel}, {"claim_type", c.claim_type}, {"title", c.title},
               {"customer_id", json::nullable(c.customer_id)}, {"policy_id", json::nullable(c.policy_id)}});

  // Clocks of the policy, from the upstream intake time when there was one.
  const Millis start = c.received_at;
  {
    // An inherited deadline must belong to a clock the claim has; otherwise it would be dropped unseen.
    std::vector<PolicyClock> clocks = c.policy_id ? policy_clocks(conn, *c.policy_id) : std::vector<PolicyClock>{};
    for (auto& [name, due] : in.upstream_deadlines) {
      bool known = false;
      for (auto& k : clocks) known = known || k.clock == name;
      if (!known)
        throw AppError(ErrorCode::validation_failed, "invalid claim",
                       {{"upstream_deadlines." + name, "the SLA policy of this claim has no such clock"}});
    }
  }
  if (c.policy_id) {
    for (const PolicyClock& k : policy_clocks(conn, *c.policy_id)) {
      if (k.clock == "callback") continue;  // starts at close-out
      std::optional<Millis> inherited;
      for (auto& [name, due] : in.upstream_deadlines)
        if (name == k.clock) inherited = due;
      start_clock(conn, c, k, start, inherited);
    }
  }

  // Repeat: the same customer or account and category within the window.
  bool repeat = false;
  if (repeat_applies(c.claim_type) && (c.customer_id || c.account_id)) {
    const Millis since = now - static_cast<Millis>(settings.repeat_window_days) * 86'400'000;
    const std::string category = category_of(c.claim_type, c.sub_type, c.complaint_class);
    for (auto& r : conn.query(
             "SELECT id, repeat_of, sub_type, complaint_class FROM claims WHERE (customer_id = ? OR account_id = ?) AND "
             "claim_type = ? AND id <> ? AND parent_id IS NULL AND (created_at >= ? OR closed_at >= ?) "
             "ORDER BY created_at DESC LIMIT 20",
             {storage::opt_value(c.customer_id), storage::opt_value(c.account_id), c.claim_type, c.id, since, since})) {
      if (category_of(c.claim_type, r.str(2), r.str(3)) != category) continue;
      const std::int64_t main = r.is_null(1) ? r.i64(0) : r.i64(1);
      conn.execute("UPDATE claims SET repeat_of = ? WHERE id = ?", {main, c.id});
      conn.execute("UPDATE claims SET repeat_count = repeat_count + 1 WHERE id = ?", {main});
      c.repeat_of = main;
      record_event(conn, actor, c, "repeat_linked", c.status, c.status, "main claim #" + std::to_string(main), true, now);
      repeat = true;
      break;
    }
  }

  if (department) announce_dispatch(conn, actor, c, "dispatched", "registered", in.department_id ? "" : "routing rule", now);

  if (repeat) escalate(conn, actor, c, "repeat", false, settings, now);
  bool top = false, marked = false;
  for (auto& m : c.sensitive_marks) {
    marked = true;
    top = top || in_list(settings.top_level_marks, m);
  }
  if (marked) escalate(conn, actor, c, "sensitive:" + marks_text(c.sensitive_marks), top, settings, now);
  return c.id;
}

}  // namespace lianxin::claims
