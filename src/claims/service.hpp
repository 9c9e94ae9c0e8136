#pragma once
// Commands and queries of claims. Every command runs inside the caller's transaction, checks the
// principal's permission and scope, refuses impossible steps, bumps the version (409 on a stale
// one), writes the claim's history, the customer 360 timeline, the audit log and the outbox.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "claims/rules.hpp"
#include "clocks/store.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::claims {

struct Intake {
  std::string channel, claim_type, title, description;
  std::optional<std::string> sub_type, complaint_class, caller_name, caller_phone, upstream_no, area_type;
  std::optional<std::int64_t> customer_id, account_id, org_unit_id, department_id;
  std::vector<std::string> sensitive_marks;
  std::optional<Millis> received_at;                 // upstream intake time; clocks start there (default now)
  std::vector<std::pair<std::string, Millis>> upstream_deadlines;  // clock name → due, inherited as given
};

// Registers a claim (links repeats, chooses the SLA policy, starts its clocks, routes it when a
// routing rule matches and auto-dispatch is on). Returns the new id.
std::int64_t create_claim(storage::Connection& conn, const auth::Principal& p, const Intake& in, Millis now);

struct ListFilter {
  std::optional<std::string> status, claim_type, channel, q, urgency;  // urgency: amber|red|overdue
  std::optional<std::int64_t> customer_id, department_id, assignee_id, org_unit_id;
  std::optional<bool> open, mine, repeat, escalated;
  std::optional<Millis> created_from, created_to;
  std::string sort = "urgency";  // urgency | created
  std::int64_t limit = 20, offset = 0;
};
boost::json::object list_claims(storage::Connection& conn, const auth::Principal& p, const ListFilter& f, Millis now);
boost::json::object claim_detail(storage::Connection& conn, const auth::Principal& p, std::int64_t id, Millis now);
// What the customer may see: status and customer-visible events only (no internal escalation).
boost::json::object claim_progress(storage::Connection& conn, const auth::Principal& p, std::int64_t id);
// The dispatcher board: counts by status and department, the unassigned and the overdue.
boost::json::object board(storage::Connection& conn, const auth::Principal& p, Millis now);
// Intake screen pop: the customer's open claims, recent claims, account manager.
boost::json::object customer_claims(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, Millis now);

struct Step {
  std::optional<std::int64_t> expected_version;
  std::string note;                                   // reason / progress text
  std::optional<std::int64_t> department_id, assignee_id;
  // close
  std::optional<std::string> resolution, root_cause, measures;
  std::optional<bool> valid_complaint;
  // callback
  std::optional<std::string> satisfaction, unsatisfied_action;  // reopen | recovery
  std::vector<std::string> recovery_kinds;
  // escalate / marks
  std::vector<std::string> marks;
  // restore: when supply was restored (default now; not before the arrival, not in the future)
  std::optional<Millis> at;
};
// One step of the status machine (see rules.hpp Action); throws invalid_transition for an
// impossible one, validation_failed naming the field for missing or bad input.
void apply_step(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& action,
                const Step& step, Millis now);

// A chase (催办): a sub-claim linked to the claim, counted on it; a second chase escalates.
std::int64_t chase(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& note,
                   const std::optional<std::string>& channel, Millis now);

// Attachments: refused by type and size; the file name is kept as text only.
struct Upload {
  std::string file_name, content_type, bytes;
};
std::int64_t add_attachment(storage::Connection& conn, const auth::Principal& p, std::int64_t claim_id, const Upload& upload,
                            Millis now);
Upload read_attachment(storage::Connection& conn, const auth::Principal& p, std::int64_t claim_id, std::int64_t attachment_id);

// Service recovery and accountability.
std::int64_t add_recovery_task(storage::Connection& conn, const auth::Principal& p, std::int64_t claim_id,
                               const std::string& kind, std::optional<std::int64_t> owner_id,
                               const std::optional<std::string>& due_date, const std::string& note, Millis now);
void complete_recovery_task(storage::Connection& conn, const auth::Principal& p, std::int64_t claim_id, std::int64_t task_id,
                            const std::string& note, Millis now);
std::int64_t add_accountability(storage::Connection& conn, const auth::Principal& p, std::int64_t claim_id,
                                std::int64_t responsible_org_id, const std::string& person, const std::string& finding,
                                Millis now);

// The sweep's handler for claim clocks: reminders to the handler, breach notices and escalation.
void on_clock_fired(storage::Connection& conn, const clocks::Fired& fired);

// Settings of the claims module (table settings, module 'claims').
struct Settings {
  std::string rule_set = "sgcc_95598_internal";
  int repeat_window_days = 30;
  int chase_escalation_count = 2;
  int escalation_max_level = 3;
  std::vector<std::string> callback_types;
  bool auto_dispatch = true;
  std::vector<std::string> top_level_marks;
  std::int64_t max_attachment_bytes = 10 * 1024 * 1024;
  // Fault repair: the average arrival and restoration times of rules_cn §1.1 第三条, by area type.
  std::map<std::string, RepairCommitment> repair_commitments = {
      {"urban", default_repair_commitment("urban")},
      {"rural", default_repair_commitment("rural")},
      {"remote", default_repair_commitment("remote")}};
  RepairCommitment repair_commitment(const std::string& area_type) const;
};
Settings load_settings(storage::Connection& conn);

// Appends the caller's claim scope to a WHERE clause on alias `c` (claims).
void append_scope(const auth::Principal& p, storage::Backend backend, std::string& where, storage::Params& params);

}  // namespace lianxin::claims
