// The steps of a claim after intake: the status machine, chases, attachments, service recovery,
// accountability, and what happens when one of its clocks fires.
#include <algorithm>


#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "auth/rules.hpp"
#include "claims/internal.hpp"
#include "claims/rules.hpp"
#include "clocks/store.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"

namespace lianxin::claims {

namespace bj = boost::json;
using storage::Connection;
using storage::Value;

namespace {

std::optional<Action> action_from(const std::string& name) {
  static const std::vector<std::pair<std::string, Action>> actions = {
      {"dispatch", Action::dispatch}, {"transfer", Action::transfer},   {"return", Action::give_back},
      {"accept", Action::accept},     {"wait", Action::wait_customer},  {"resume", Action::resume},
      {"close", Action::close},       {"callback", Action::callback},   {"reopen", Action::reopen},
      {"note", Action::note},         {"contact", Action::contact},     {"arrive", Action::arrive},
      {"restore", Action::restore},   {"escalate", Action::escalate}};
  for (auto& [n, a] : actions)
    if (n == name) return a;
  return std::nullopt;
}

bj::object brief(const ClaimRow& c) {
  return {{"status", c.status},
          {"department_id", json::nullable(c.department_id)},
          {"assignee_id", json::nullable(c.assignee_id)},
          {"escalation_level", c.escalation_level},
          {"version", c.version}};
}

// Bumps the version, refusing a stale one: the second of two editors gets 409 with the current version.
void bump_version(Connection& conn, ClaimRow& c, std::optional<std::int64_t> expected, Millis now) {
  if (expected && *expected != c.version)
    throw AppError(ErrorCode::conflict, "the claim was changed by someone else; reload it",
                   {{"version", "current version is " + std::to_string(c.version)}});
  const std::int64_t n = conn.execute("UPDATE claims SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                                      {now, c.id, c.version});
  if (n == 0)
    throw AppError(ErrorCode::conflict, "the claim was changed by someone else; reload it",
                   {{"version", "current version is " + std::to_string(c.version + 1)}});
  ++c.version;
}

void require_note(const Step& step, const char* what) {
  if (trim(step.note).empty())
    throw AppError(ErrorCode::validation_failed, "invalid step", {{"note", std::string("a reason is required to ") + what}});
}

void set_status(Connection& conn, ClaimRow& c, const std::string& status, Millis now) {
  conn.execute("UPDATE claims SET status = ?, updated_at = ? WHERE id = ?", {status, now, c.id});
  c.status = status;
}

std::vector<std::string> pausing_clocks(Connection& conn, const ClaimRow& c, const std::string& status) {
  std::vector<std::string> names;
  if (!c.policy_id) return names;
  for (auto& k : policy_clocks(conn, *c.policy_id))
    if (in_list(k.pause_on, status)) names.push_back(k.clock);
  return names;
}

// Restarts the reply clock of a reopened claim from now (the customer is waiting again).
void restart_reply(Connection& conn, const ClaimRow& c, Millis now) {
  clocks::cancel_all(conn, "claim", c.id);
  if (!c.policy_id) return;
  for (auto& k : policy_clocks(conn, *c.policy_id))
    if (k.clock == "reply") start_clock(conn, c, k, now, std::nullopt);
}

// The rights each step needs (mirrored by allowed_actions in queries.cpp for the UI).
void require_step_permission(const auth::Principal& p, const ClaimRow& c, Action action) {
  using auth::Permission;
  const bool dispatcher = auth::has_permission(p.role, Permission::claim_dispatch) && auth::org_in_scope(p, c.org_path);
  const bool intake = auth::has_permission(p.role, Permission::claim_intake) && auth::org_in_scope(p, c.org_path);
  switch (action) {
    case Action::dispatch:
    case Action::reopen:
    case Action::escalate: require_dispatcher(p, c); return;
    case Action::transfer:
      if (!dispatcher) require_handler(p, c);
      return;
    case Action::give_back:
    case Action::accept:
    case Action::wait_customer:
    case Action::resume:
    case Action::close: require_handler(p, c); return;
    case Action::contact:
    case Action::arrive:
    case Action::restore:
      if (!intake) require_handler(p, c);
      return;
    case Action::note:
      if (!intake && !(auth::has_permission(p.role, Permission::claim_handle) && is_handler_of(p, c)))
        throw AppError(ErrorCode::forbidden, "your role does not allow this");
      return;
    case Action::callback:
      require_permission(p, Permission::claim_callback);
      if (!auth::org_in_scope(p, c.org_path)) throw AppError(ErrorCode::forbidden, "the claim's region is outside your scope");
      return;
    case Action::chase: require_permission(p, Permission::claim_intake); return;
  }
}

}  // namespace

void apply_step(Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& action_text,
                const Step& step, Millis now) {
  auto action = action_from(action_text);
  if (!action) throw_not_found("action");
  ClaimRow c = require_claim(conn, p, id);
  const ClaimRow before = c;
  // Who may take the step is checked before whether the claim's state allows it, so a caller
  // without the right learns nothing about the state.
  require_step_permission(p, c, *action);
  if (c.claim_type == "chase")
    throw AppError(ErrorCode::invalid_transition, "a chase is a record on the claim it chases; work that claim instead");
  auto next = next_status(c.status, *action);
  if (!next) throw AppError(ErrorCode::invalid_transition, refusal(c.status, *action));
  const auth::Actor actor = p.actor();
  const Settings settings = load_settings(conn);
  const std::string from = c.status;

  switch (*action) {
    case Action::dispatch: {
      if (!step.department_id)
        throw AppError(ErrorCode::validation_failed, "invalid step", {{"department_id", "is required to dispatch"}});
      if (!auth::org_in_scope(p, org_path_of(conn, *step.department_id, "department_id", true)))
        throw AppError(ErrorCode::validation_failed, "invalid step", {{"department_id", "is outside your scope"}});
      bump_version(conn, c, step.expected_version, now);
      dispatch_to(conn, actor, c, *step.department_id, step.assignee_id, "dispatched", step.note, now);
      break;
    }
    case Action::transfer: {
      // 转派: the dispatcher, or the handling department passing it on with a reason.
      require_note(step, "transfer");
      if (!step.department_id)
        throw AppError(ErrorCode::validation_failed, "invalid step", {{"department_id", "is required to transfer"}});
      if (c.department_id && *step.department_id == *c.department_id && !step.assignee_id)
        throw AppError(ErrorCode::validation_failed, "invalid step", {{"department_id", "is the current department"}});
      bump_version(conn, c, step.expected_version, now);
      dispatch_to(conn, actor, c, *step.department_id, step.assignee_id, "transferred", step.note, now);
      break;
    }
    case Action::give_back: {
      // 退单: back to the dispatcher with a reason.
      require_note(step, "return a claim");
      bump_version(conn, c, step.expected_version, now);
      conn.execute("UPDATE claims SET assignee_id = NULL WHERE id = ?", {c.id});
      c.assignee_id.reset();
      set_status(conn, c, "returned", now);
      record_event(conn, actor, c, "returned", from, "returned", step.note, false, now);
      auto params = notice_params(conn, c);
      params["reason"] = step.note;
      notify_users(conn, dispatchers_of(conn, c), "claim_returned", params, c, "returned:" + std::to_string(now), false, now);
      break;
    }
    case Action::accept: {
      bump_version(conn, c, step.expected_version, now);
      conn.execute("UPDATE claims SET assignee_id = ? WHERE id = ?", {p.user_id, c.id});
      c.assignee_id = p.user_id;
      set_status(conn, c, "accepted", now);
      record_event(conn, actor, c, "accepted", from, "accepted", step.note, false, now);
      break;
    }
    case Action::wait_customer: {
      require_note(step, "wait for the customer");
      bump_version(conn, c, step.expected_version, now);
      set_status(conn, c, "waiting_customer", now);
      clocks::pause(conn, "claim", c.id, pausing_clocks(conn, c, "waiting_customer"), now, step.note);
      record_event(conn, actor, c, "waiting_customer", from, "waiting_customer", step.note, false, now);
      break;
    }
    case Action::resume: {
      bump_version(conn, c, step.expected_version, now);
      set_status(conn, c, "accepted", now);
      clocks::resume(conn, "claim", c.id, now);
      record_event(conn, actor, c, "resumed", from, "accepted", step.note, false, now);
      break;
    }
    case Action::contact:
    case Action::arrive: {
      const bool contact = *action == Action::contact;
      if (contact ? c.first_contact_at.has_value() : c.arrived_at.has_value())
        throw AppError(ErrorCode::invalid_transition, contact ? "the first contact is already recorded" : "the arrival is already recorded");
      bump_version(conn, c, step.expected_version, now);
      conn.execute(contact ? "UPDATE claims SET first_contact_at = ? WHERE id = ?" : "UPDATE claims SET arrived_at = ? WHERE id = ?",
                   {now, c.id});
      clocks::meet(conn, "claim", c.id, contact ? "first_contact" : "on_site", now);
      record_event(conn, actor, c, contact ? "contacted" : "arrived", from, from, step.note, false, now);
      break;
    }
    case Action::restore: {
      // 复电: a fault repair records when supply came back, after the crew arrived, once. The time may
      // be given (recorded after the fact), never before the arrival or in the future; the history
      // entry stands at that time. rules_cn §1.1 第三条 measures arrival → restoration.
      if (c.claim_type != "fault_repair")
        throw AppError(ErrorCode::invalid_transition, "only a fault-repair claim records the restoration of supply");
      if (!c.arrived_at)
        throw AppError(ErrorCode::invalid_transition, "record the arrival on site first; supply is restored after it");
      if (c.restored_at) throw AppError(ErrorCode::invalid_transition, "the restoration is already recorded");
      const Millis at = step.at.value_or(now);
      Validator v;
      if (at < *c.arrived_at) v.add("at", "must not be before the arrival on site (" + format_shanghai_minute(*c.arrived_at) + ")");
      else if (at > now + 60'000) v.add("at", "is in the future");
      v.throw_if_failed();
      bump_version(conn, c, step.expected_version, now);
      conn.execute("UPDATE claims SET restored_at = ? WHERE id = ?", {at, c.id});
      c.restored_at = at;
      record_event(conn, actor, c, "restored", from, from, step.note, false, std::min(at, now));
      break;
    }
    case Action::note: {
      if (trim(step.note).empty())
        throw AppError(ErrorCode::validation_failed, "invalid step", {{"note", "is required"}});
      bump_version(conn, c, step.expected_version, now);
      record_event(conn, actor, c, "note", from, from, step.note, false, now);
      break;
    }
    case Action::close: {
      // 销号: resolution, root cause and measures are required; a complaint says whether it was valid.
      Validator v;
      if (!step.resolution || trim(*step.resolution).empty()) v.add("resolution", "is required to close a claim");
      if (!step.root_cause || !in_list(root_causes(), *step.root_cause))
        v.add("root_cause", "must be one of " + joined(root_causes()));
      if (!step.measures || trim(*step.measures).empty()) v.add("measures", "is required to close a claim");
      if (c.claim_type == "complaint" && !step.valid_complaint)
        v.add("valid_complaint", "say whether the complaint was valid (the supplier was responsible)");
      v.throw_if_failed();
      bump_version(conn, c, step.expected_version, now);
      conn.execute(
          "UPDATE claims SET resolution = ?, root_cause = ?, measures = ?, valid_complaint = ?, closed_at = ?, closed_by = ?, "
          "first_contact_at = COALESCE(first_contact_at, ?) WHERE id = ?",
          {*step.resolution, *step.root_cause, *step.measures,
           step.valid_complaint ? Value(std::int64_t{*step.valid_complaint}) : storage::null_value(), now, p.user_id, now, c.id});
      for (const char* name : {"first_contact", "on_site", "reply"}) clocks::meet(conn, "claim", c.id, name, now);
      // A callback follows for the types that need one; the others are archived at once.
      std::optional<PolicyClock> callback;
      if (c.policy_id)
        for (auto& k : policy_clocks(conn, *c.policy_id))
          if (k.clock == "callback") callback = k;
      const bool needs_callback = in_list(settings.callback_types, c.claim_type);
      set_status(conn, c, needs_callback ? "closed" : "archived", now);
      if (needs_callback && callback) start_clock(conn, c, *callback, now, std::nullopt);
      record_event(conn, actor, c, "closed", from, c.status, *step.resolution, false, now);
      break;
    }
    case Action::callback: {
      // 回访 with satisfaction; unsatisfied reopens the claim or opens service-recovery tasks.
      Validator v;
      if (!step.satisfaction || !in_list(satisfactions(), *step.satisfaction))
        v.add("satisfaction", "must be one of " + joined(satisfactions()));
      const bool unsatisfied = step.satisfaction && *step.satisfaction == "unsatisfied";
      if (unsatisfied && (!step.unsatisfied_action || (*step.unsatisfied_action != "reopen" && *step.unsatisfied_action != "recovery")))
        v.add("unsatisfied_action", "an unsatisfied callback either reopens the claim (reopen) or opens service recovery (recovery)");
      if (unsatisfied && step.unsatisfied_action && *step.unsatisfied_action == "recovery") {
        if (step.recovery_kinds.empty()) v.add("recovery_kinds", "name at least one: " + joined(recovery_kinds()));
        for (std::size_t i = 0; i < step.recovery_kinds.size(); ++i)
          if (!in_list(recovery_kinds(), step.recovery_kinds[i]))
            v.add("recovery_kinds[" + std::to_string(i) + "]", "must be one of " + joined(recovery_kinds()));
      }
      v.throw_if_failed();
      bump_version(conn, c, step.expected_version, now);
      conn.execute("UPDATE claims SET satisfaction = ?, callback_at = ?, callback_note = ? WHERE id = ?",
                   {*step.satisfaction, now, storage::text_or_null(step.note), c.id});
      clocks::meet(conn, "claim", c.id, "callback", now);
      record_event(conn, actor, c, "callback", from, from, *step.satisfaction + (step.note.empty() ? "" : "：" + step.note),
                   false, now);
      if (!unsatisfied) {
        set_status(conn, c, "archived", now);
        record_event(conn, actor, c, "archived", from, "archived", "", false, now);
      } else if (*step.unsatisfied_action == "reopen") {
        conn.execute("UPDATE claims SET reopen_count = reopen_count + 1, closed_at = NULL WHERE id = ?", {c.id});
        set_status(conn, c, "dispatched", now);
        restart_reply(conn, c, now);
        record_event(conn, actor, c, "reopened", from, "dispatched", "callback unsatisfied", false, now);
        escalate(conn, actor, c, "unsatisfied", false, settings, now);
      } else {
        set_status(conn, c, "archived", now);
        for (auto& kind : step.recovery_kinds)
          conn.execute("INSERT INTO claim_recovery_tasks(claim_id, kind, owner_id, status, note, created_at) VALUES (?,?,?,'open',?,?)",
                       {c.id, kind, c.manager_id ? Value(*c.manager_id) : (c.assignee_id ? Value(*c.assignee_id) : storage::null_value()),
                        storage::text_or_null(step.note), now});
        record_event(conn, actor, c, "recovery_opened", from, "archived", join(step.recovery_kinds, ","), false, now);
        escalate(conn, actor, c, "unsatisfied", false, settings, now);
      }
      break;
    }
    case Action::reopen: {
      require_note(step, "reopen a claim");
      bump_version(conn, c, step.expected_version, now);
      conn.execute("UPDATE claims SET reopen_count = reopen_count + 1, closed_at = NULL WHERE id = ?", {c.id});
      set_status(conn, c, "dispatched", now);
      restart_reply(conn, c, now);
      record_event(conn, actor, c, "reopened", from, "dispatched", step.note, false, now);
      auto params = notice_params(conn, c);
      params["reason"] = step.note;
      add_next_due(conn, c, params);
      notify_users(conn, workers_of(conn, c), "claim_dispatched", params, c, "reopened:" + std::to_string(now), false, now);
      break;
    }
    case Action::escalate: {
      require_note(step, "escalate");
      bump_version(conn, c, step.expected_version, now);
      // Marks given with a manual escalation are added to the claim.
      bool top = false;
      for (std::size_t i = 0; i < step.marks.size(); ++i) {
        if (!in_list(sensitive_marks(), step.marks[i]))
          throw AppError(ErrorCode::validation_failed, "invalid step",
                         {{"marks[" + std::to_string(i) + "]", "must be one of " + joined(sensitive_marks())}});
        if (!in_list(c.sensitive_marks, step.marks[i])) c.sensitive_marks.push_back(step.marks[i]);
        top = top || in_list(settings.top_level_marks, step.marks[i]);
      }
      conn.execute("UPDATE claims SET sensitive_marks = ? WHERE id = ?", {join(c.sensitive_marks, ","), c.id});
      const int level = c.escalation_level;
      escalate(conn, actor, c, "manual: " + step.note, top, settings, now);
      if (level == c.escalation_level)
        throw AppError(ErrorCode::invalid_transition, "the claim is already at the top of the escalation ladder");
      break;
    }
    case Action::chase:
      break;  // not an action of this endpoint (action_from never yields it): POST …/chase
  }
  bj::object before_json = brief(before), after_json = brief(c);
  if (*action == Action::restore) {
    before_json["restored_at"] = nullptr;
    after_json["restored_at"] = json::instant_or_null(c.restored_at);
  }
  audit_claim(conn, actor, action_text, c, before_json, after_json);
}

std::int64_t chase(Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& note,
                   const std::optional<std::string>& channel, Millis now) {
  require_permission(p, auth::Permission::claim_intake);
  ClaimRow c = require_claim(conn, p, id);
  if (!next_status(c.status, Action::chase))
    throw AppError(ErrorCode::invalid_transition, refusal(c.status, Action::chase) + "; reopen it or register a new claim");
  if (channel && !in_list(channels(), *channel))
    throw AppError(ErrorCode::validation_failed, "invalid chase", {{"channel", "must be one of " + joined(channels())}});
  if (trim(note).empty()) throw AppError(ErrorCode::validation_failed, "invalid chase", {{"note", "say what the customer asked"}});
  const auth::Actor actor = p.actor();
  const Settings settings = load_settings(conn);
  // The chase is a sub-claim of its own (counted, searchable) that does not reset the parent's clocks.
  ClaimRow sub = c;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-C%02lld", static_cast<long long>(c.chase_count + 1));
  sub.number = c.number + suffix;
  sub.channel = channel.value_or(c.channel);
  sub.claim_type = "chase";
  sub.status = "archived";
  sub.id = conn.insert_returning_id(
      "INSERT INTO claims(number, channel, claim_type, status, customer_id, account_id, caller_name, caller_phone, title, "
      "description, area_type, org_unit_id, org_path, department_id, department_path, manager_id, key_account, "
      "importance_class, sensitive_marks, parent_id, rule_set, created_by, created_at, updated_at, version) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1) RETURNING id",
      {sub.number, sub.channel, sub.claim_type, sub.status, storage::opt_value(c.customer_id), storage::opt_value(c.account_id),
       storage::text_or_null(c.caller_name), storage::text_or_null(c.caller_phone), "催办：" + c.title, note, c.area_type,
       c.org_unit_id, c.org_path, storage::opt_value(c.department_id), storage::text_or_null(c.department_path),
       storage::opt_value(c.manager_id), std::int64_t{c.key_account}, c.importance_class, join(c.sensitive_marks, ","), c.id,
       c.rule_set, p.user_id, now, now});
  conn.execute("UPDATE claims SET chase_count = chase_count + 1, version = version + 1, updated_at = ? WHERE id = ?", {now, c.id});
  ++c.chase_count;
  ++c.version;
  record_event(conn, actor, c, "chased", c.status, c.status, note, false, now);
  auto params = notice_params(conn, c);
  params["reason"] = note;
  add_next_due(conn, c, params);
  std::vector<std::int64_t> to = workers_of(conn, c);
  if (to.empty()) to = dispatchers_of(conn, c);
  notify_users(conn, to, "claim_chased", params, c, "chased:" + std::to_string(c.chase_count), false, now);
  audit_claim(conn, actor, "chase", c, {}, {{"chase_id", sub.id}, {"chase_count", c.chase_count}});
  if (c.chase_count >= settings.chase_escalation_count) escalate(conn, actor, c, "chase", false, settings, now);
  return sub.id;
}

// ---------------------------------------------------------------------------------------------
// Attachments


std::int64_t add_attachment(Connection& conn, const auth::Principal& p, std::int64_t claim_id, const Upload& upload, Millis now) {
  ClaimRow c = require_claim(conn, p, claim_id);
  if (!auth::has_permission(p.role, auth::Permission::claim_intake) && !is_handler_of(p, c))
    throw AppError(ErrorCode::forbidden, "your role does not allow this");
  const Settings settings = load_settings(conn);
  const auto file = files::check(upload.file_name, upload.bytes, settings.max_attachment_bytes);
  const std::string& name = file.name;
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO claim_attachments(claim_id, file_name, content_type, size_bytes, sha256, data, uploaded_by, uploaded_at) "
      "VALUES (?,?,?,?,?,?,?,?) RETURNING id",
      {c.id, name, file.content_type, static_cast<std::int64_t>(upload.bytes.size()), auth::sha256_hex(upload.bytes), storage::Blob{upload.bytes},
       p.user_id, now});
  const auth::Actor actor = p.actor();
  record_event(conn, actor, c, "attachment", c.status, c.status, name, false, now);
  audit_claim(conn, actor, "attach", c, {}, {{"attachment_id", id}, {"file_name", name}, {"size_bytes", upload.bytes.size()}});
  return id;
}

Upload read_attachment(Connection& conn, const auth::Principal& p, std::int64_t claim_id, std::int64_t attachment_id) {
  require_claim(conn, p, claim_id);
  auto row = conn.query_one("SELECT file_name, content_type, data FROM claim_attachments WHERE id = ? AND claim_id = ?",
                            {attachment_id, claim_id});
  if (!row) throw_not_found("attachment");
  return {row->str(0), row->str(1), row->bytes(2)};
}

// ---------------------------------------------------------------------------------------------
// Service recovery and accountability

std::int64_t add_recovery_task(Connection& conn, const auth::Principal& p, std::int64_t claim_id, const std::string& kind,
                               std::optional<std::int64_t> owner_id, const std::optional<std::string>& due_date,
                               const std::string& note, Millis now) {
  require_permission(p, auth::Permission::claim_callback);
  ClaimRow c = require_claim(conn, p, claim_id);
  Validator v;
  if (!in_list(recovery_kinds(), kind)) v.add("kind", "must be one of " + joined(recovery_kinds()));
  if (due_date && !is_valid_date(*due_date)) v.add("due_date", "must be a date YYYY-MM-DD");
  else if (due_date && *due_date < shanghai_date(now)) v.add("due_date", "is in the past");
  if (owner_id) {
    auto owner = conn.query_one("SELECT o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = ? AND u.active = 1",
                                {*owner_id});
    if (!owner || !auth::org_in_scope(p, owner->str(0))) v.add("owner_id", "unknown user");
  }
  v.throw_if_failed();
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO claim_recovery_tasks(claim_id, kind, owner_id, due_date, status, note, created_at) VALUES (?,?,?,?,'open',?,?) "
      "RETURNING id",
      {c.id, kind, storage::opt_value(owner_id), storage::opt_value(due_date), storage::text_or_null(note), now});
  const auth::Actor actor = p.actor();
  record_event(conn, actor, c, "recovery_task", c.status, c.status, kind + (note.empty() ? "" : "：" + note), false, now);
  audit_claim(conn, actor, "recovery_task", c, {}, {{"task_id", id}, {"kind", kind}});
  return id;
}

void complete_recovery_task(Connection& conn, const auth::Principal& p, std::int64_t claim_id, std::int64_t task_id,
                            const std::string& note, Millis now) {
  ClaimRow c = require_claim(conn, p, claim_id);
  auto row = conn.query_one("SELECT owner_id, status, kind FROM claim_recovery_tasks WHERE id = ? AND claim_id = ?", {task_id, claim_id});
  if (!row) throw_not_found("recovery task");
  const bool owner = !row->is_null(0) && row->i64(0) == p.user_id;
  if (!owner) require_permission(p, auth::Permission::claim_callback);
  if (row->str(1) == "done") throw AppError(ErrorCode::invalid_transition, "the task is already done");
  if (trim(note).empty()) throw AppError(ErrorCode::validation_failed, "invalid step", {{"note", "say what was done"}});
  conn.execute("UPDATE claim_recovery_tasks SET status = 'done', done_at = ?, note = ? WHERE id = ?", {now, note, task_id});
  const auth::Actor actor = p.actor();
  record_event(conn, actor, c, "recovery_done", c.status, c.status, row->str(2) + "：" + note, false, now);
  audit_claim(conn, actor, "recovery_done", c, {{"task_id", task_id}, {"status", "open"}}, {{"task_id", task_id}, {"status", "done"}});
}

std::int64_t add_accountability(Connection& conn, const auth::Principal& p, std::int64_t claim_id, std::int64_t responsible_org_id,
                                const std::string& person, const std::string& finding, Millis now) {
  require_permission(p, auth::Permission::claim_callback);
  ClaimRow c = require_claim(conn, p, claim_id);
  if (c.claim_type != "complaint" || !c.valid_complaint || !*c.valid_complaint)
    throw AppError(ErrorCode::invalid_transition, "accountability is recorded for complaints closed as valid");
  Validator v;
  auto responsible = conn.query_one("SELECT path FROM org_units WHERE id = ?", {responsible_org_id});
  if (!responsible || !auth::org_in_scope(p, responsible->str(0))) v.add("responsible_org_id", "unknown org unit");
  if (trim(person).empty()) v.add("responsible_person", "is required");
  if (trim(finding).empty()) v.add("finding", "is required");
  v.throw_if_failed();
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO claim_accountability(claim_id, responsible_org_id, responsible_person, finding, created_by, created_at) "
      "VALUES (?,?,?,?,?,?) RETURNING id",
      {c.id, responsible_org_id, trim(person), finding, p.user_id, now});
  const auth::Actor actor = p.actor();
  record_event(conn, actor, c, "accountability", c.status, c.status, trim(person), true, now);
  audit_claim(conn, actor, "accountability", c, {},
              {{"accountability_id", id}, {"responsible_org_id", responsible_org_id}, {"responsible_person", trim(person)}});
  return id;
}

// ---------------------------------------------------------------------------------------------
// Clock handler (called by the sweep inside its transaction)

void on_clock_fired(Connection& conn, const clocks::Fired& fired) {
  auto found = find_claim(conn, fired.subject_id);
  if (!found) return;
  ClaimRow c = *found;
  const auth::Actor system{0, "system", "", ""};
  auto params = notice_params(conn, c);
  params["clock"] = clock_label(fired.name);
  params["due"] = fired.due ? format_shanghai_minute(*fired.due) : "-";
  const std::string key = fired.name + ":" + std::to_string(fired.permille) + ":" + std::to_string(fired.clock_id);
  // The callback clock concerns whoever calls back (the dispatchers); the others the handler.
  std::vector<std::int64_t> to = fired.name == "callback" ? dispatchers_of(conn, c) : workers_of(conn, c);
  if (to.empty()) to = dispatchers_of(conn, c);
  if (!fired.breach) {
    params["share"] = std::to_string(fired.permille / 10) + "%";
    notify_users(conn, to, "claim_reminder", params, c, key, false, fired.fire_at);
    return;
  }
  record_event(conn, system, c, "breached", c.status, c.status, std::string(clock_label(fired.name)) + " 超时", true, fired.fire_at);
  notify_users(conn, to, "claim_breach", params, c, key, false, fired.fire_at);
  if (fired.escalate_on_breach) escalate(conn, system, c, "breach:" + fired.name, false, load_settings(conn), fired.fire_at);
}

}  // namespace lianxin::claims
