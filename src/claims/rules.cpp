#include "claims/rules.hpp"

#include <algorithm>
#include <cmath>

namespace lianxin::claims {

const std::vector<std::string>& claim_types() {
  static const std::vector<std::string> v = {"complaint", "report", "opinion", "suggestion", "consultation",
                                             "fault_repair", "service_request", "praise", "chase"};
  return v;
}
const std::vector<std::string>& complaint_classes() {
  static const std::vector<std::string> v = {"service", "business", "outage", "quality", "grid_construction"};
  return v;
}
const std::vector<std::string>& service_request_types() {
  static const std::vector<std::string> v = {"reconnect_after_arrears", "appliance_damage", "meter_abnormal",
                                             "reading_anomaly", "ev_charging_appointment", "other"};
  return v;
}
const std::vector<std::string>& channels() {
  static const std::vector<std::string> v = {"95598", "12398", "12345", "web", "app", "wechat", "account_manager", "visit", "letter"};
  return v;
}
const std::vector<std::string>& statuses() {
  static const std::vector<std::string> v = {"registered", "dispatched", "accepted", "waiting_customer", "returned", "closed", "archived"};
  return v;
}
const std::vector<std::string>& satisfactions() {
  static const std::vector<std::string> v = {"satisfied", "basically_satisfied", "unsatisfied"};
  return v;
}
const std::vector<std::string>& sensitive_marks() {
  static const std::vector<std::string> v = {"important_customer", "media", "injury", "group_event"};
  return v;
}
const std::vector<std::string>& root_causes() {
  static const std::vector<std::string> v = {"equipment", "grid_capacity", "process", "staff_attitude", "billing",
                                             "metering", "third_party", "customer_side", "weather", "other"};
  return v;
}
const std::vector<std::string>& recovery_kinds() {
  static const std::vector<std::string> v = {"apology", "correction", "compensation", "follow_up_visit"};
  return v;
}
const std::vector<std::string>& area_types() {
  static const std::vector<std::string> v = {"urban", "rural", "remote"};
  return v;
}
const std::vector<std::string>& clock_names() {
  static const std::vector<std::string> v = {"first_contact", "on_site", "reply", "callback"};
  return v;
}

bool in_list(const std::vector<std::string>& list, const std::string& code) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

bool is_open(const std::string& status) {
  return status == "registered" || status == "dispatched" || status == "accepted" || status == "waiting_customer" ||
         status == "returned";
}

const char* action_name(Action action) {
  switch (action) {
    case Action::dispatch: return "dispatch";
    case Action::transfer: return "transfer";
    case Action::give_back: return "return";
    case Action::accept: return "accept";
    case Action::wait_customer: return "wait";
    case Action::resume: return "resume";
    case Action::close: return "close";
    case Action::callback: return "callback";
    case Action::reopen: return "reopen";
    case Action::note: return "note";
    case Action::contact: return "contact";
    case Action::arrive: return "arrive";
    case Action::chase: return "chase";
    case Action::escalate: return "escalate";
    case Action::restore: return "restore";
  }
  return "unknown";
}

std::optional<std::string> next_status(const std::string& s, Action action) {
  switch (action) {
    case Action::dispatch:
      if (s == "registered" || s == "returned") return "dispatched";
      break;
    case Action::transfer:
      if (s == "dispatched" || s == "accepted") return "dispatched";
      break;
    case Action::give_back:
      if (s == "dispatched" || s == "accepted") return "returned";
      break;
    case Action::accept:
      if (s == "dispatched") return "accepted";
      break;
    case Action::wait_customer:
      if (s == "accepted") return "waiting_customer";
      break;
    case Action::resume:
      if (s == "waiting_customer") return "accepted";
      break;
    case Action::close:
      if (s == "accepted" || s == "waiting_customer") return "closed";
      break;
    case Action::callback:
      if (s == "closed") return "archived";
      break;
    case Action::reopen:
      if (s == "closed" || s == "archived") return "dispatched";
      break;
    case Action::note:
      return s;
    case Action::contact:
    case Action::arrive:
    case Action::restore:
    case Action::chase:
    case Action::escalate:
      if (is_open(s)) return s;
      break;
  }
  return std::nullopt;
}

std::string refusal(const std::string& s, Action action) {
  switch (action) {
    case Action::dispatch: return "only a registered or returned claim can be dispatched (it is " + s + ")";
    case Action::transfer: return "only a dispatched or accepted claim can be transferred (it is " + s + ")";
    case Action::give_back: return "only a dispatched or accepted claim can be returned (it is " + s + ")";
    case Action::accept: return "only a dispatched claim can be accepted (it is " + s + ")";
    case Action::wait_customer: return "only an accepted claim can wait for the customer (it is " + s + ")";
    case Action::resume: return "only a claim waiting for the customer can resume (it is " + s + ")";
    case Action::close: return "only an accepted claim, or one waiting for the customer, can be closed (it is " + s + ")";
    case Action::callback: return "a callback needs a closed claim (it is " + s + ")";
    case Action::reopen: return "only a closed or archived claim can be reopened (it is " + s + ")";
    case Action::note: return "notes are always allowed";
    case Action::contact:
    case Action::arrive:
    case Action::restore:
    case Action::chase:
    case Action::escalate: return "the claim is no longer open (it is " + s + ")";
  }
  return "impossible step";
}

namespace {

bool prefix_of(const std::string& prefix, const std::string& path) { return path.compare(0, prefix.size(), prefix) == 0; }

template <class T>
bool matches(const std::optional<T>& condition, const T& value, int& count) {
  if (!condition) return true;
  ++count;
  return *condition == value;
}

}  // namespace

std::optional<std::int64_t> choose_policy(const ClaimFacts& f, const std::string& rule_set,
                                          const std::vector<PolicyCandidate>& policies) {
  const PolicyCandidate* best = nullptr;
  int best_count = -1;
  for (const auto& p : policies) {
    if (!p.enabled || p.rule_set != rule_set) continue;
    if (p.valid_from && f.date < *p.valid_from) continue;
    if (p.valid_to && f.date > *p.valid_to) continue;
    int count = 0;
    if (!matches(p.claim_type, f.claim_type, count) || !matches(p.sub_type, f.sub_type, count) ||
        !matches(p.channel, f.channel, count) || !matches(p.importance_class, f.importance_class, count) ||
        !matches(p.area_type, f.area_type, count) || !matches(p.key_account, f.key_account, count))
      continue;
    if (p.org_path) {
      ++count;
      if (!prefix_of(*p.org_path, f.org_path)) continue;
    }
    if (!best || p.priority > best->priority || (p.priority == best->priority && count > best_count) ||
        (p.priority == best->priority && count == best_count && p.id < best->id)) {
      best = &p;
      best_count = count;
    }
  }
  if (!best) return std::nullopt;
  return best->id;
}

std::optional<std::int64_t> choose_route(const RouteFacts& f, const std::vector<RouteCandidate>& rules) {
  const RouteCandidate* best = nullptr;
  std::size_t best_depth = 0;
  int best_count = -1;
  for (const auto& r : rules) {
    if (!r.enabled) continue;
    int count = 0;
    if (!matches(r.claim_type, f.claim_type, count) || !matches(r.sub_type, f.sub_type, count) ||
        !matches(r.complaint_class, f.complaint_class, count) || !matches(r.key_account, f.key_account, count))
      continue;
    std::size_t depth = 0;
    if (r.org_path) {
      if (!prefix_of(*r.org_path, f.org_path)) continue;
      depth = r.org_path->size();
    }
    auto better = [&] {
      if (!best) return true;
      if (r.priority != best->priority) return r.priority > best->priority;
      if (depth != best_depth) return depth > best_depth;
      if (count != best_count) return count > best_count;
      return r.id < best->id;
    };
    if (better()) {
      best = &r;
      best_depth = depth;
      best_count = count;
    }
  }
  if (!best) return std::nullopt;
  return best->department_id;
}

std::string category_of(const std::string& claim_type, const std::string& sub_type, const std::string& complaint_class) {
  if (claim_type == "complaint") return claim_type + "/" + complaint_class;
  if (claim_type == "service_request") return claim_type + "/" + sub_type;
  return claim_type;
}

bool repeat_applies(const std::string& claim_type) { return claim_type != "chase" && claim_type != "praise"; }

int next_level(int current, int max_level, bool straight_to_top) {
  if (straight_to_top) return std::max(current, max_level);
  return std::min(current + 1, max_level);
}

std::int64_t escalation_target(const std::vector<std::int64_t>& chain, int level) {
  if (chain.empty()) return 0;
  const std::size_t index = std::min<std::size_t>(static_cast<std::size_t>(std::max(level, 0)), chain.size() - 1);
  return chain[index];
}

std::optional<double> percent(std::int64_t a, std::int64_t b) {
  if (b == 0) return std::nullopt;
  return std::round(static_cast<double>(a) * 1000.0 / static_cast<double>(b)) / 10.0;
}

std::optional<double> per_ten_thousand(std::int64_t complaints, std::int64_t customers) {
  if (customers == 0) return std::nullopt;
  return std::round(static_cast<double>(complaints) * 10000.0 * 100.0 / static_cast<double>(customers)) / 100.0;
}

std::optional<double> change_percent(double current, double previous) {
  if (previous == 0) return std::nullopt;
  return std::round((current - previous) * 1000.0 / previous) / 10.0;
}

namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 3'600'000;

double rounded(double value, double scale) { return std::round(value * scale) / scale; }

}  // namespace

RepairCommitment default_repair_commitment(const std::string& area_type) {
  if (area_type == "rural") return {90, 4};
  if (area_type == "remote") return {120, 4};  // no restoration figure for remote areas: the rural one
  return {45, 3};
}

std::optional<double> arrival_minutes(const RepairOrder& o) {
  if (!o.arrived_at) return std::nullopt;
  return rounded(static_cast<double>(std::max<std::int64_t>(*o.arrived_at - o.received_at, 0)) / kMinuteMs, 10.0);
}

std::optional<double> restore_hours(const RepairOrder& o) {
  if (!o.arrived_at || !o.restored_at) return std::nullopt;
  return rounded(static_cast<double>(std::max<std::int64_t>(*o.restored_at - *o.arrived_at, 0)) / kHourMs, 100.0);
}

RepairAlarm repair_alarm(const RepairOrder& o, const RepairCommitment& k, std::int64_t now) {
  RepairAlarm alarm;
  const std::int64_t arrival_limit = k.arrival_minutes * kMinuteMs, restore_limit = k.restore_hours * kHourMs;
  if (o.arrived_at) alarm.arrival = *o.arrived_at - o.received_at > arrival_limit;
  else if (o.open) alarm.arrival = now - o.received_at > arrival_limit;
  if (o.arrived_at && o.restored_at) alarm.restoration = *o.restored_at - *o.arrived_at > restore_limit;
  else if (o.arrived_at && o.open) alarm.restoration = now - *o.arrived_at > restore_limit;
  return alarm;
}

RepairAverages repair_averages(const std::vector<RepairOrder>& orders, const RepairCommitment& k) {
  RepairAverages out;
  std::int64_t arrival_sum = 0, restore_sum = 0;  // milliseconds
  for (const auto& o : orders) {
    ++out.orders;
    if (!o.arrived_at) continue;
    ++out.arrived;
    arrival_sum += std::max<std::int64_t>(*o.arrived_at - o.received_at, 0);
    if (!o.restored_at) continue;
    ++out.restored;
    restore_sum += std::max<std::int64_t>(*o.restored_at - *o.arrived_at, 0);
  }
  if (out.arrived > 0) {
    out.avg_arrival_minutes = rounded(static_cast<double>(arrival_sum) / static_cast<double>(out.arrived) / kMinuteMs, 10.0);
    out.arrival_met = arrival_sum <= k.arrival_minutes * kMinuteMs * out.arrived;
  }
  if (out.restored > 0) {
    out.avg_restore_hours = rounded(static_cast<double>(restore_sum) / static_cast<double>(out.restored) / kHourMs, 100.0);
    out.restore_met = restore_sum <= k.restore_hours * kHourMs * out.restored;
  }
  return out;
}

}  // namespace lianxin::claims
