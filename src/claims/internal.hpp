#pragma once
// Shared between the claims module's translation units (service, steps, queries, sweep); not a
// public interface.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/model.hpp"
#include "claims/rules.hpp"
#include "claims/service.hpp"
#include "storage/db.hpp"

namespace lianxin::claims {

struct ClaimRow {
  std::int64_t id = 0;
  std::string number;
  std::optional<std::string> upstream_no;
  std::string channel, claim_type, sub_type, complaint_class, status;
  std::optional<std::int64_t> customer_id, account_id;
  std::string caller_name, caller_phone, title, description, area_type;
  std::int64_t org_unit_id = 0;
  std::string org_path;
  std::optional<std::int64_t> department_id;
  std::string department_path;
  std::optional<std::int64_t> assignee_id, manager_id;
  bool key_account = false;
  std::string importance_class;
  std::vector<std::string> sensitive_marks;
  std::optional<std::int64_t> policy_id;
  std::string rule_set;
  std::optional<std::int64_t> parent_id, repeat_of;
  std::int64_t repeat_count = 0, chase_count = 0;
  int escalation_level = 0;
  std::int64_t reopen_count = 0;
  std::optional<Millis> first_contact_at, arrived_at;
  std::optional<std::string> resolution, root_cause, measures;
  std::optional<bool> valid_complaint;
  std::optional<Millis> closed_at;
  std::optional<std::int64_t> closed_by;
  std::optional<std::string> satisfaction;
  std::optional<Millis> callback_at;
  std::optional<std::string> callback_note;
  std::optional<std::int64_t> created_by;
  Millis created_at = 0, updated_at = 0;
  std::int64_t version = 0;
  Millis received_at = 0;                 // intake (upstream receipt time, else created_at): the clocks' start
  std::optional<Millis> restored_at;      // fault repair: supply restored
};

struct PolicyClock {
  std::string clock;
  std::int64_t amount = 0;
  std::string unit;
  std::vector<std::string> pause_on;
  std::string reminder_permille;
  bool escalate_on_breach = true;
  std::string source, verification, policy_code;
};

// The claims rules as one cached snapshot: settings, SLA policies with their clocks, routing rules.
struct RuleSnapshot {
  std::int64_t version = 0;
  Settings settings;
  std::vector<PolicyCandidate> policies;
  std::vector<RouteCandidate> routes;
  std::map<std::int64_t, std::vector<PolicyClock>> policy_clocks;
};
std::shared_ptr<const RuleSnapshot> rules(storage::Connection& conn);
// Every write to settings, policies or routing rules calls this in its transaction.
void bump_rules_version(storage::Connection& conn);

std::vector<std::string> split_codes(const std::string& text);
const char* clock_label(const std::string& name);  // Chinese name of a clock for messages
const char* claim_columns();                        // the columns read_claim reads, on alias c
std::string claim_select();                         // SELECT <columns> FROM claims c
ClaimRow read_claim(const storage::Row& row);
std::optional<ClaimRow> find_claim(storage::Connection& conn, std::int64_t id);
bool claim_visible(storage::Connection& conn, const auth::Principal& p, const ClaimRow& c);
ClaimRow require_claim(storage::Connection& conn, const auth::Principal& p, std::int64_t id);  // not_found outside scope

bool is_handler_of(const auth::Principal& p, const ClaimRow& c);
using auth::require_permission;  // forbidden, naming the permission
void require_handler(const auth::Principal& p, const ClaimRow& c);     // claim.handle + the handling department
void require_dispatcher(const auth::Principal& p, const ClaimRow& c);  // claim.dispatch + the claim's region
// The path of an org unit, which must be a department (allow_department) or must not be one.
std::string org_path_of(storage::Connection& conn, std::int64_t org_id, const char* field, bool allow_department);

// `timeline_note` replaces `note` on the customer timeline when the note is in codes.
void record_event(storage::Connection& conn, const auth::Actor& actor, const ClaimRow& c, const std::string& kind,
                  const std::string& from_status, const std::string& to_status, const std::string& note, bool internal,
                  Millis now, const std::string& timeline_note = "");
void audit_claim(storage::Connection& conn, const auth::Actor& actor, const std::string& action, const ClaimRow& c,
                 const boost::json::object& before, const boost::json::object& after);
void escalate(storage::Connection& conn, const auth::Actor& actor, ClaimRow& c, const std::string& reason,
              bool straight_to_top, const Settings& settings, Millis now);
std::vector<PolicyClock> policy_clocks(storage::Connection& conn, std::int64_t policy_id);
void start_clock(storage::Connection& conn, const ClaimRow& c, const PolicyClock& clock, Millis start,
                 std::optional<Millis> inherited);
void dispatch_to(storage::Connection& conn, const auth::Actor& actor, ClaimRow& c, std::int64_t department_id,
                 std::optional<std::int64_t> assignee_id, const std::string& kind, const std::string& note, Millis now);

// Notices about one claim to a set of users (de-duplicated by `key`).
std::map<std::string, std::string> notice_params(storage::Connection& conn, const ClaimRow& c);
void notify_users(storage::Connection& conn, const std::vector<std::int64_t>& users, const std::string& kind,
                  std::map<std::string, std::string> params, const ClaimRow& c, const std::string& key, bool urgent,
                  Millis now);
// Fills the template holes `clock` and `due` with the claim's nearest open deadline.
void add_next_due(storage::Connection& conn, const ClaimRow& c, std::map<std::string, std::string>& params);
std::vector<std::int64_t> workers_of(storage::Connection& conn, const ClaimRow& c);
std::vector<std::int64_t> dispatchers_of(storage::Connection& conn, const ClaimRow& c);

}  // namespace lianxin::claims
