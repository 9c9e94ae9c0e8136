// Read side of claims: lists (my queue, the dispatcher's lists), the detail with clocks and
// history, the customer's view of progress, the dispatcher board and the intake screen pop.
#include <algorithm>

#include "auth/rules.hpp"
#include "claims/internal.hpp"
#include "claims/rules.hpp"
#include "clocks/store.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"

namespace lianxin::claims {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;
using storage::Row;

namespace {

bj::array strings(const std::vector<std::string>& list) {
  bj::array a;
  for (auto& s : list) a.emplace_back(s);
  return a;
}

const char* kOpenStatuses = "('registered','dispatched','accepted','waiting_customer','returned')";

// Columns after the claim's own: customer name, department name, assignee name, next due, reminder fired.
std::string list_select() {
  return std::string("SELECT ") + claim_columns() + ", cu.name, d.name, u.display_name, c.next_due_at, c.reminder_fired FROM claims c";
}
// Replaces "SELECT ... FROM claims c" with the joined form.
std::string list_from() {
  return " LEFT JOIN customers cu ON cu.id = c.customer_id LEFT JOIN org_units d ON d.id = c.department_id "
         "LEFT JOIN users u ON u.id = c.assignee_id";
}

constexpr std::size_t kExtra = 49;  // index of the first column after the claim's own

std::string urgency_of(const std::optional<Millis>& next_due, std::int64_t max_stage, Millis now) {
  if (next_due && *next_due <= now) return "red";
  if (max_stage > 0) return "amber";
  return "normal";
}

bj::object list_item(const Row& r, Millis now) {
  ClaimRow c = read_claim(r);
  auto next_due = r.opt_i64(kExtra + 3);
  return {{"id", c.id},
          {"number", c.number},
          {"upstream_no", json::nullable(c.upstream_no)},
          {"channel", c.channel},
          {"claim_type", c.claim_type},
          {"sub_type", c.sub_type.empty() ? bj::value(nullptr) : bj::value(c.sub_type)},
          {"complaint_class", c.complaint_class.empty() ? bj::value(nullptr) : bj::value(c.complaint_class)},
          {"status", c.status},
          {"title", c.title},
          {"customer_id", json::nullable(c.customer_id)},
          {"customer_name", r.is_null(kExtra) ? bj::value(nullptr) : bj::value(r.str(kExtra))},
          {"caller_name", c.caller_name},
          {"caller_phone", c.caller_phone},
          {"org_unit_id", c.org_unit_id},
          {"department_id", json::nullable(c.department_id)},
          {"department_name", r.is_null(kExtra + 1) ? bj::value(nullptr) : bj::value(r.str(kExtra + 1))},
          {"assignee_id", json::nullable(c.assignee_id)},
          {"assignee_name", r.is_null(kExtra + 2) ? bj::value(nullptr) : bj::value(r.str(kExtra + 2))},
          {"key_account", c.key_account},
          {"importance_class", c.importance_class},
          {"sensitive_marks", strings(c.sensitive_marks)},
          {"parent_id", json::nullable(c.parent_id)},
          {"repeat_of", json::nullable(c.repeat_of)},
          {"repeat_count", c.repeat_count},
          {"chase_count", c.chase_count},
          {"escalation_level", c.escalation_level},
          {"created_at", format_iso_utc(c.created_at)},
          {"closed_at", json::instant_or_null(c.closed_at)},
          {"next_due", json::instant_or_null(next_due)},
          {"urgency", urgency_of(next_due, r.is_null(kExtra + 4) ? 0 : r.i64(kExtra + 4), now)},
          {"version", c.version}};
}

// Which steps the caller may take now (the UI shows only these; the server checks again).
bj::array allowed_actions(const auth::Principal& p, const ClaimRow& c) {
  using auth::Permission;
  const bool dispatcher = auth::has_permission(p.role, Permission::claim_dispatch) && auth::org_in_scope(p, c.org_path);
  const bool handler = auth::has_permission(p.role, Permission::claim_handle) && is_handler_of(p, c);
  const bool intake = auth::has_permission(p.role, Permission::claim_intake) && auth::org_in_scope(p, c.org_path);
  const bool caller = auth::has_permission(p.role, Permission::claim_callback) && auth::org_in_scope(p, c.org_path);
  bj::array out;
  if (c.claim_type == "chase") return out;  // a chase is a record on its claim
  auto add = [&](const char* name, Action action, bool allowed) {
    if (allowed && next_status(c.status, action)) out.emplace_back(name);
  };
  add("dispatch", Action::dispatch, dispatcher);
  add("transfer", Action::transfer, dispatcher || handler);
  add("return", Action::give_back, handler);
  add("accept", Action::accept, handler);
  add("contact", Action::contact, (handler || intake) && !c.first_contact_at);
  add("arrive", Action::arrive, (handler || intake) && !c.arrived_at);
  add("restore", Action::restore, (handler || intake) && c.claim_type == "fault_repair" && c.arrived_at && !c.restored_at);
  add("wait", Action::wait_customer, handler);
  add("resume", Action::resume, handler);
  add("close", Action::close, handler);
  add("callback", Action::callback, caller);
  add("reopen", Action::reopen, dispatcher);
  add("escalate", Action::escalate, dispatcher);
  add("chase", Action::chase, intake && c.claim_type != "chase");
  add("note", Action::note, intake || handler);
  return out;
}

bj::array clock_array(Connection& conn, std::int64_t claim_id, Millis now) {
  bj::array out;
  for (auto& k : clocks::for_subject(conn, "claim", claim_id, now)) {
    out.push_back(bj::object{{"id", k.id},
                             {"name", k.name},
                             {"state", k.state},
                             {"amount", k.amount},
                             {"unit", k.unit},
                             {"started_at", format_iso_utc(k.started_at)},
                             {"due", json::instant_or_null(k.due)},
                             {"met_at", json::instant_or_null(k.met_at)},
                             {"breached_at", json::instant_or_null(k.breached_at)},
                             {"inherited", k.inherited},
                             {"paused", k.paused},
                             {"overdue", k.overdue},
                             {"calendar_missing", k.calendar_missing},
                             {"elapsed_permille", k.elapsed_permille},
                             {"urgency", k.urgency},
                             {"policy_code", k.policy_code},
                             {"source", k.source},
                             {"verification", k.verification}});
  }
  return out;
}

bj::array related(Connection& conn, const std::string& where, const Params& params) {
  bj::array out;
  for (auto& r : conn.query("SELECT id, number, claim_type, status, title, created_at FROM claims WHERE " + where +
                                " ORDER BY created_at",
                            params))
    out.push_back(bj::object{{"id", r.i64(0)},
                             {"number", r.str(1)},
                             {"claim_type", r.str(2)},
                             {"status", r.str(3)},
                             {"title", r.str(4)},
                             {"created_at", format_iso_utc(r.i64(5))}});
  return out;
}

void add_filters(Connection& conn, const auth::Principal& p, const ListFilter& f, Millis now, std::string& where,
                 Params& params) {
  append_scope(p, conn.backend(), where, params);
  if (f.status) {
    if (!in_list(statuses(), *f.status))
      throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"status", "must be one of " + joined(statuses())}});
    where += " AND c.status = ?";
    params.push_back(*f.status);
  }
  if (f.claim_type) {
    if (!in_list(claim_types(), *f.claim_type))
      throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"claim_type", "must be one of " + joined(claim_types())}});
    where += " AND c.claim_type = ?";
    params.push_back(*f.claim_type);
  } else {
    where += " AND c.parent_id IS NULL";  // chases are listed on their claim
  }
  if (f.channel) {
    where += " AND c.channel = ?";
    params.push_back(*f.channel);
  }
  if (f.open) where += *f.open ? std::string(" AND c.status IN ") + kOpenStatuses : std::string(" AND c.status NOT IN ") + kOpenStatuses;
  if (f.customer_id) {
    where += " AND c.customer_id = ?";
    params.push_back(*f.customer_id);
  }
  if (f.department_id) {
    where += " AND c.department_id = ?";
    params.push_back(*f.department_id);
  }
  if (f.assignee_id) {
    where += " AND c.assignee_id = ?";
    params.push_back(*f.assignee_id);
  }
  if (f.org_unit_id) {
    auto r = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*f.org_unit_id});
    if (!r) throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"org_unit_id", "unknown org unit"}});
    where += " AND " + storage::path_prefix_condition(conn.backend(), "c.org_path", r->str(0), params);
  }
  if (f.mine && *f.mine) {
    // My queue: assigned to me, or waiting in my department for someone to accept it.
    where += " AND (c.assignee_id = ? OR (c.assignee_id IS NULL AND c.department_id = ?))";
    params.push_back(p.user_id);
    params.push_back(p.org_unit_id);
  }
  if (f.repeat) where += *f.repeat ? " AND (c.repeat_of IS NOT NULL OR c.repeat_count > 0)" : " AND c.repeat_of IS NULL AND c.repeat_count = 0";
  if (f.escalated) where += *f.escalated ? " AND c.escalation_level > 0" : " AND c.escalation_level = 0";
  if (f.created_from) {
    where += " AND c.created_at >= ?";
    params.push_back(*f.created_from);
  }
  if (f.created_to) {
    where += " AND c.created_at < ?";
    params.push_back(*f.created_to);
  }
  if (f.urgency) {
    // next_due_at and reminder_fired follow the open clocks (triggers in migration 0004).
    if (*f.urgency == "red" || *f.urgency == "overdue") {
      where += " AND c.next_due_at <= ?";
      params.push_back(now);
    } else if (*f.urgency == "amber") {
      // A reminder has fired but nothing is overdue yet.
      where += " AND c.reminder_fired = 1 AND (c.next_due_at IS NULL OR c.next_due_at > ?)";
      params.push_back(now);
    } else {
      throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"urgency", "must be one of amber, red, overdue"}});
    }
  }
  if (f.q) {
    const std::string like = "%" + storage::escape_like(*f.q) + "%";
    where += " AND (c.number LIKE ? ESCAPE '\\' OR c.upstream_no LIKE ? ESCAPE '\\' OR c.title LIKE ? ESCAPE '\\' OR "
             "c.caller_phone LIKE ? ESCAPE '\\')";
    for (int i = 0; i < 4; ++i) params.push_back(like);
  }
}

}  // namespace

bj::object list_claims(Connection& conn, const auth::Principal& p, const ListFilter& f, Millis now) {
  require_permission(p, auth::Permission::claim_read);
  std::string where = " WHERE 1=1";
  Params params;
  add_filters(conn, p, f, now, where, params);
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM claims c" + where, params);
  std::string order = f.sort == "created" ? " ORDER BY c.created_at DESC, c.id DESC"
                                          : " ORDER BY c.next_due_at ASC NULLS LAST, c.created_at DESC, c.id DESC";
  Params page = params;
  page.push_back(f.limit);
  page.push_back(f.offset);
  bj::array items;
  for (auto& r : conn.query(list_select() + list_from() + where + order + " LIMIT ? OFFSET ?", page))
    items.push_back(list_item(r, now));
  return json::list_envelope(std::move(items), total, f.offset / std::max<std::int64_t>(f.limit, 1) + 1, f.limit);
}

bj::object claim_detail(Connection& conn, const auth::Principal& p, std::int64_t id, Millis now) {
  require_permission(p, auth::Permission::claim_read);
  ClaimRow c = require_claim(conn, p, id);
  auto row = conn.query_one(list_select() + list_from() + " WHERE c.id = ?", {id});
  bj::object out = list_item(*row, now);
  out["description"] = c.description;
  out["area_type"] = c.area_type;
  out["account_id"] = json::nullable(c.account_id);
  if (c.account_id) {
    auto a = conn.query_one("SELECT account_no FROM accounts WHERE id = ?", {*c.account_id});
    out["account_no"] = a ? bj::value(a->str(0)) : bj::value(nullptr);
  }
  out["org_unit_name"] = conn.query_one("SELECT name FROM org_units WHERE id = ?", {c.org_unit_id})->str(0);
  out["rule_set"] = c.rule_set;
  out["reopen_count"] = c.reopen_count;
  out["first_contact_at"] = json::instant_or_null(c.first_contact_at);
  out["arrived_at"] = json::instant_or_null(c.arrived_at);
  out["received_at"] = format_iso_utc(c.received_at);
  out["restored_at"] = json::instant_or_null(c.restored_at);
  out["resolution"] = json::nullable(c.resolution);
  out["root_cause"] = json::nullable(c.root_cause);
  out["measures"] = json::nullable(c.measures);
  out["valid_complaint"] = c.valid_complaint ? bj::value(*c.valid_complaint) : bj::value(nullptr);
  out["satisfaction"] = json::nullable(c.satisfaction);
  out["callback_at"] = json::instant_or_null(c.callback_at);
  out["callback_note"] = json::nullable(c.callback_note);
  if (c.manager_id) {
    auto m = conn.query_one("SELECT display_name, mobile FROM users WHERE id = ?", {*c.manager_id});
    if (m) out["account_manager"] = bj::object{{"id", *c.manager_id}, {"name", m->str(0)}, {"mobile", m->str(1)}};
  }
  if (c.policy_id) {
    auto pol = conn.query_one("SELECT code, name, source, verification FROM sla_policies WHERE id = ?", {*c.policy_id});
    if (pol)
      out["policy"] = bj::object{{"id", *c.policy_id}, {"code", pol->str(0)}, {"name", pol->str(1)}, {"source", pol->str(2)},
                                 {"verification", pol->str(3)}};
  }
  out["clocks"] = clock_array(conn, id, now);
  bj::array events;
  for (auto& r : conn.query("SELECT e.id, e.at, COALESCE(u.display_name, e.actor_name), e.kind, e.from_status, e.to_status, "
                            "e.note, e.internal, e.actor_name FROM claim_events e LEFT JOIN users u ON u.id = e.actor_id "
                            "WHERE e.claim_id = ? ORDER BY e.at, e.id",
                            {id}))
    events.push_back(bj::object{{"id", r.i64(0)},
                                {"at", format_iso_utc(r.i64(1))},
                                {"actor", r.str(2)},
                                {"actor_username", r.str(8)},
                                {"kind", r.str(3)},
                                {"from_status", json::nullable(r.opt_str(4))},
                                {"to_status", json::nullable(r.opt_str(5))},
                                {"note", json::nullable(r.opt_str(6))},
                                {"internal", r.boolean(7)}});
  out["events"] = std::move(events);
  bj::array attachments;
  for (auto& r : conn.query("SELECT a.id, a.file_name, a.content_type, a.size_bytes, a.sha256, u.display_name, a.uploaded_at "
                            "FROM claim_attachments a LEFT JOIN users u ON u.id = a.uploaded_by WHERE a.claim_id = ? ORDER BY a.id",
                            {id}))
    attachments.push_back(bj::object{{"id", r.i64(0)},
                                     {"file_name", r.str(1)},
                                     {"content_type", r.str(2)},
                                     {"size_bytes", r.i64(3)},
                                     {"sha256", r.str(4)},
                                     {"uploaded_by", r.str(5)},
                                     {"uploaded_at", format_iso_utc(r.i64(6))}});
  out["attachments"] = std::move(attachments);
  bj::array escalations;
  for (auto& r : conn.query("SELECT e.level, e.reason, o.name, e.at FROM claim_escalations e LEFT JOIN org_units o ON o.id = e.org_unit_id "
                            "WHERE e.claim_id = ? ORDER BY e.at, e.id",
                            {id}))
    escalations.push_back(bj::object{{"level", r.i64(0)}, {"reason", r.str(1)}, {"org_unit", r.str(2)}, {"at", format_iso_utc(r.i64(3))}});
  out["escalations"] = std::move(escalations);
  bj::array tasks;
  for (auto& r : conn.query("SELECT t.id, t.kind, t.owner_id, u.display_name, t.due_date, t.status, t.note, t.created_at, t.done_at "
                            "FROM claim_recovery_tasks t LEFT JOIN users u ON u.id = t.owner_id WHERE t.claim_id = ? ORDER BY t.id",
                            {id}))
    tasks.push_back(bj::object{{"id", r.i64(0)},
                               {"kind", r.str(1)},
                               {"owner_id", json::nullable(r.opt_i64(2))},
                               {"owner_name", json::nullable(r.opt_str(3))},
                               {"due_date", json::nullable(r.opt_str(4))},
                               {"status", r.str(5)},
                               {"note", json::nullable(r.opt_str(6))},
                               {"created_at", format_iso_utc(r.i64(7))},
                               {"done_at", json::instant_or_null(r.opt_i64(8))}});
  out["recovery_tasks"] = std::move(tasks);
  bj::array accountability;
  for (auto& r : conn.query("SELECT a.id, o.name, a.responsible_person, a.finding, a.created_at FROM claim_accountability a "
                            "JOIN org_units o ON o.id = a.responsible_org_id WHERE a.claim_id = ? ORDER BY a.id",
                            {id}))
    accountability.push_back(bj::object{{"id", r.i64(0)},
                                        {"responsible_org", r.str(1)},
                                        {"responsible_person", r.str(2)},
                                        {"finding", r.str(3)},
                                        {"created_at", format_iso_utc(r.i64(4))}});
  out["accountability"] = std::move(accountability);
  const std::int64_t main = c.repeat_of.value_or(c.id);
  out["repeat_group"] = related(conn, "(id = ? OR repeat_of = ?) AND id <> ?", {main, main, c.id});
  out["chases"] = related(conn, "parent_id = ?", {c.id});
  out["allowed_actions"] = allowed_actions(p, c);
  return out;
}

bj::object claim_progress(Connection& conn, const auth::Principal& p, std::int64_t id) {
  require_permission(p, auth::Permission::claim_read);
  ClaimRow c = require_claim(conn, p, id);
  bj::array steps;
  for (auto& r : conn.query("SELECT at, kind, to_status FROM claim_events WHERE claim_id = ? AND internal = 0 AND "
                            "kind IN ('registered','dispatched','transferred','accepted','contacted','arrived','restored','waiting_customer',"
                            "'resumed','closed','callback','archived','reopened') ORDER BY at, id",
                            {id}))
    steps.push_back(bj::object{{"at", format_iso_utc(r.i64(0))}, {"kind", r.str(1)}, {"status", json::nullable(r.opt_str(2))}});
  auto reply = conn.query_one("SELECT due_at FROM clocks WHERE subject = 'claim' AND subject_id = ? AND name = 'reply'", {id});
  return {{"number", c.number},
          {"title", c.title},
          {"status", c.status},
          {"created_at", format_iso_utc(c.created_at)},
          {"reply_due", json::instant_or_null(reply ? reply->opt_i64(0) : std::nullopt)},
          {"closed_at", json::instant_or_null(c.closed_at)},
          {"steps", std::move(steps)}};
}

bj::object board(Connection& conn, const auth::Principal& p, Millis now) {
  require_permission(p, auth::Permission::claim_read);
  std::string where = std::string(" WHERE c.parent_id IS NULL AND c.status IN ") + kOpenStatuses;
  Params params;
  append_scope(p, conn.backend(), where, params);
  bj::object by_status;
  for (auto& s : statuses()) by_status[s] = 0;
  for (auto& r : conn.query("SELECT c.status, COUNT(*) FROM claims c" + where + " GROUP BY c.status", params))
    by_status[r.str(0)] = r.i64(1);
  Params overdue_params = params;
  overdue_params.push_back(now);
  const std::string overdue_clause = " AND c.next_due_at <= ?";
  const std::int64_t overdue = conn.query_i64("SELECT COUNT(*) FROM claims c" + where + overdue_clause, overdue_params);
  const std::int64_t escalated = conn.query_i64("SELECT COUNT(*) FROM claims c" + where + " AND c.escalation_level > 0", params);
  bj::array departments;
  for (auto& r : conn.query("SELECT c.department_id, d.name, COUNT(*), SUM(CASE WHEN c.assignee_id IS NULL THEN 1 ELSE 0 END) "
                            "FROM claims c JOIN org_units d ON d.id = c.department_id" +
                                where + " GROUP BY c.department_id, d.name ORDER BY COUNT(*) DESC",
                            params))
    departments.push_back(bj::object{{"department_id", r.i64(0)}, {"name", r.str(1)}, {"open", r.i64(2)}, {"unaccepted", r.i64(3)}});
  Params waiting = params;
  waiting.push_back(std::int64_t{50});
  bj::array awaiting;
  for (auto& r : conn.query(list_select() + list_from() + where + " AND c.status IN ('registered','returned') ORDER BY c.created_at LIMIT ?",
                            waiting))
    awaiting.push_back(list_item(r, now));
  return {{"by_status", std::move(by_status)},
          {"overdue", overdue},
          {"escalated", escalated},
          {"departments", std::move(departments)},
          {"awaiting_dispatch", std::move(awaiting)}};
}

bj::object customer_claims(Connection& conn, const auth::Principal& p, std::int64_t customer_id, Millis now) {
  require_permission(p, auth::Permission::claim_read);
  auto customer = conn.query_one(
      "SELECT c.name, c.org_path, c.manager_id, c.backup_manager_id, u.display_name, u.mobile, c.is_key_account, c.importance_class "
      "FROM customers c LEFT JOIN users u ON u.id = c.manager_id WHERE c.id = ?",
      {customer_id});
  if (!customer || !auth::customer_visible(p, customer->str(1), customer->opt_i64(2), customer->opt_i64(3)))
    throw_not_found("customer");
  std::string where = " WHERE c.customer_id = ? AND c.parent_id IS NULL";
  Params params{customer_id};
  append_scope(p, conn.backend(), where, params);
  bj::array open, recent;
  for (auto& r : conn.query(list_select() + list_from() + where + " AND c.status IN " + kOpenStatuses +
                                " ORDER BY c.created_at DESC LIMIT 20",
                            params))
    open.push_back(list_item(r, now));
  for (auto& r : conn.query(list_select() + list_from() + where + " AND c.status NOT IN " + kOpenStatuses +
                                " ORDER BY c.created_at DESC LIMIT 5",
                            params))
    recent.push_back(list_item(r, now));
  Params year = params;
  year.push_back(now - 365LL * 86'400'000);
  const std::int64_t last_year = conn.query_i64("SELECT COUNT(*) FROM claims c" + where + " AND c.created_at >= ?", year);
  bj::object out{{"customer_id", customer_id},
                 {"customer_name", customer->str(0)},
                 {"key_account", customer->boolean(6)},
                 {"importance_class", customer->str(7)},
                 {"open", std::move(open)},
                 {"recent", std::move(recent)},
                 {"claims_last_12_months", last_year}};
  out["account_manager"] = customer->is_null(2) ? bj::value(nullptr)
                                                : bj::value(bj::object{{"id", customer->i64(2)},
                                                                       {"name", customer->str(4)},
                                                                       {"mobile", customer->str(5)}});
  return out;
}

}  // namespace lianxin::claims
