#pragma once
// Claims (诉求/工单) as pure rules: the code lists of rules_cn §3, the status machine, the choice of
// SLA policy and routing rule, repeat detection, the escalation ladder and the KPI arithmetic.
// No I/O; the service (service.hpp) applies them inside one transaction per command.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lianxin::claims {

// Code lists (append-only; the UI translates them).
const std::vector<std::string>& claim_types();       // complaint, report, opinion, suggestion, consultation, fault_repair, service_request, praise, chase
const std::vector<std::string>& complaint_classes(); // service, business, outage, quality, grid_construction (rules_cn §3.2)
const std::vector<std::string>& service_request_types();  // reconnect_after_arrears, appliance_damage, meter_abnormal, reading_anomaly, ev_charging_appointment, other
const std::vector<std::string>& channels();          // 95598, 12398, 12345, web, app, wechat, account_manager, visit, letter
const std::vector<std::string>& statuses();          // registered, dispatched, accepted, waiting_customer, returned, closed, archived
const std::vector<std::string>& satisfactions();     // satisfied, basically_satisfied, unsatisfied
const std::vector<std::string>& sensitive_marks();   // important_customer, media, injury, group_event
const std::vector<std::string>& root_causes();       // equipment, grid_capacity, process, staff_attitude, billing, metering, third_party, customer_side, weather, other
const std::vector<std::string>& recovery_kinds();    // apology, correction, compensation, follow_up_visit
const std::vector<std::string>& area_types();        // urban, rural, remote
const std::vector<std::string>& clock_names();       // first_contact, on_site, reply, callback
bool in_list(const std::vector<std::string>& list, const std::string& code);
std::string joined(const std::vector<std::string>& list);

// Statuses in which a claim is still being worked (its clocks run, it can be chased).
bool is_open(const std::string& status);

// Steps of the status machine.
enum class Action { dispatch, transfer, give_back, accept, wait_customer, resume, close, callback, reopen, note, contact, arrive, chase, escalate };
const char* action_name(Action action);
// The status after `action` from `status`, or nullopt when the step is impossible. Notes, contact,
// arrival, chase and manual escalation keep the status (allowed while open).
std::optional<std::string> next_status(const std::string& status, Action action);
// An explanation of why the step is impossible, for the error message (English; localised later).
std::string refusal(const std::string& status, Action action);

// ---- SLA policies -------------------------------------------------------------------------
struct ClaimFacts {
  std::string claim_type, sub_type, channel, importance_class, area_type;
  bool key_account = false;
  std::string org_path;   // the claim's region
  std::string date;       // YYYY-MM-DD (Asia/Shanghai) of intake, for validity
};
struct PolicyCandidate {
  std::int64_t id = 0;
  std::string rule_set;
  std::optional<std::string> claim_type, sub_type, channel, importance_class, area_type;
  std::optional<bool> key_account;
  std::optional<std::string> org_path;  // of the policy's org unit
  std::optional<std::string> valid_from, valid_to;
  int priority = 0;
  bool enabled = true;
};
// The policy for a claim: enabled, of the active rule-set, valid on the date, every condition
// met; then the highest priority, then the most conditions, then the lowest id. nullopt = none.
std::optional<std::int64_t> choose_policy(const ClaimFacts& facts, const std::string& rule_set,
                                          const std::vector<PolicyCandidate>& policies);

// ---- Routing ------------------------------------------------------------------------------
struct RouteFacts {
  std::string claim_type, sub_type, complaint_class, org_path;
  bool key_account = false;
};
struct RouteCandidate {
  std::int64_t id = 0;
  std::optional<std::string> claim_type, sub_type, complaint_class, org_path;
  std::optional<bool> key_account;
  std::int64_t department_id = 0;
  int priority = 0;
  bool enabled = true;
};
// The department of the best matching rule: highest priority, then the deepest region, then the
// most conditions, then the lowest id.
std::optional<std::int64_t> choose_route(const RouteFacts& facts, const std::vector<RouteCandidate>& rules);

// ---- Repeats ------------------------------------------------------------------------------
// "Same category": the same type, and for complaints the same class, for service requests the
// same sub-type.
std::string category_of(const std::string& claim_type, const std::string& sub_type, const std::string& complaint_class);
// Claims that never count as repeats (a chase is its own link; praise is not a problem).
bool repeat_applies(const std::string& claim_type);

// ---- Escalation ----------------------------------------------------------------------------
// The level after a trigger: one up, or straight to the top for a top-level mark (injury, media).
int next_level(int current, int max_level, bool straight_to_top);
// The org unit to tell at `level`: the ancestor `level` steps above the start of the ladder (the
// handling department, else the region), stopping at the root. `chain` is the start unit followed
// by its ancestors, nearest first.
std::int64_t escalation_target(const std::vector<std::int64_t>& chain, int level);

// ---- KPIs ---------------------------------------------------------------------------------
// a / b as a percentage with one decimal, nullopt when b is 0 (no data is not 0 %).
std::optional<double> percent(std::int64_t a, std::int64_t b);
// Complaints per 10,000 customers (two decimals).
std::optional<double> per_ten_thousand(std::int64_t complaints, std::int64_t customers);
// Period-over-period change in percent, one decimal: 160 against 120 is +33.3 (seed 004).
std::optional<double> change_percent(double current, double previous);

}  // namespace lianxin::claims
