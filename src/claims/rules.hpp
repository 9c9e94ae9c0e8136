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
enum class Action { dispatch, transfer, give_back, accept, wait_customer, resume, close, callback, reopen, note, contact, arrive, chase, escalate, restore };
const char* action_name(Action action);
// The status after `action` from `status`, or nullopt when the step is impossible. Notes, contact,
// arrival, restoration, chase and manual escalation keep the status (allowed while open).
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

// ---- Fault repair: arrival and restoration (rules_cn §1.1 第三条) ---------------------------
// The public commitment is about period AVERAGES: 到达现场平均时间 (from the claim's intake to the
// crew on site) and 到达现场后恢复供电平均时间 (from arrival to supply restored), per area type.
// Each order is also alarmed on its own against the same figures.
struct RepairCommitment {
  std::int64_t arrival_minutes = 0;
  std::int64_t restore_hours = 0;
};
// The commitment of an area type (urban 45 min / 3 h, rural 90 min / 4 h, remote 120 min / 4 h
// unless the settings say otherwise).
RepairCommitment default_repair_commitment(const std::string& area_type);

// One fault-repair order; instants in UTC epoch milliseconds.
struct RepairOrder {
  std::int64_t received_at = 0;  // intake: the clocks' start
  std::optional<std::int64_t> arrived_at, restored_at;
  bool open = false;             // the claim is still being worked
};
// Minutes from intake to arrival (one decimal; never negative), nullopt before arrival.
std::optional<double> arrival_minutes(const RepairOrder& order);
// Hours from arrival to restoration (two decimals; never negative), nullopt before restoration.
std::optional<double> restore_hours(const RepairOrder& order);

// Why one order is alarmed: its arrival took longer than the commitment (or, not yet on site while
// the claim is open, already longer at `now`); its restoration after arrival took longer (or, not
// yet restored while the claim is open, already longer at `now`). Exactly the commitment is on time.
struct RepairAlarm {
  bool arrival = false;
  bool restoration = false;
  bool any() const { return arrival || restoration; }
};
RepairAlarm repair_alarm(const RepairOrder& order, const RepairCommitment& commitment, std::int64_t now);

// The averages of the orders of one area type against its commitment. An average counts only the
// orders that reached the point (arrived, restored); `*_met` is nullopt when none did (no data is
// not a pass or a fail) and compares the exact average, not the rounded one.
struct RepairAverages {
  std::int64_t orders = 0, arrived = 0, restored = 0;
  std::optional<double> avg_arrival_minutes, avg_restore_hours;  // one and two decimals
  std::optional<bool> arrival_met, restore_met;
};
RepairAverages repair_averages(const std::vector<RepairOrder>& orders, const RepairCommitment& commitment);

}  // namespace lianxin::claims
