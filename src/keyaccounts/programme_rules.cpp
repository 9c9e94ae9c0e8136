#include "keyaccounts/programme_rules.hpp"

#include <algorithm>

#include "calendar/model.hpp"
#include "common/strings.hpp"

namespace lianxin::keyaccounts {

const std::vector<std::string>& programme_kinds() {
  static const std::vector<std::string> kinds = {"manager", "leader_visit", "drill", "usage_plan", "diagnosis"};
  return kinds;
}

bool is_programme_kind(const std::string& kind) {
  const auto& k = programme_kinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

namespace {
bool valid_mmdd(const std::string& mmdd) {
  // Checked against a leap year so 02-29 is allowed (it falls back to 02-28 in other years).
  return mmdd.size() == 5 && calendar::Date::parse("2024-" + mmdd).has_value();
}
}  // namespace

std::optional<std::map<std::string, std::string>> parse_due_template(const std::string& text, const std::string& fallback_mmdd) {
  std::map<std::string, std::string> out;
  for (auto& part : split(text, ',')) {
    const std::string item = trim(part);
    if (item.empty()) continue;
    auto colon = item.find(':');
    if (colon == std::string::npos) return std::nullopt;
    const std::string kind = trim(item.substr(0, colon)), mmdd = trim(item.substr(colon + 1));
    if (!is_programme_kind(kind) || !valid_mmdd(mmdd)) return std::nullopt;
    out[kind] = mmdd;
  }
  for (auto& kind : programme_kinds())
    if (!out.count(kind)) out[kind] = fallback_mmdd;
  return out;
}

std::string add_days(const std::string& date, int days) {
  auto d = calendar::Date::parse(date);
  return calendar::Date{d->days + days}.iso();
}

std::string programme_due_date(int year, const std::string& template_mmdd, const std::string& today, int min_days) {
  std::string due = std::to_string(year) + "-" + template_mmdd;
  if (!calendar::Date::parse(due)) due = std::to_string(year) + "-02-28";  // 02-29 outside leap years
  const std::string last = std::to_string(year) + "-12-31";
  const std::string earliest = add_days(today, min_days);
  if (due < earliest) due = earliest;
  if (due > last) due = last;
  return due;
}

std::optional<std::map<std::string, int>> parse_tier_intervals(const std::string& text) {
  std::map<std::string, int> out;
  for (auto& part : split(text, ',')) {
    const std::string item = trim(part);
    if (item.empty()) continue;
    auto colon = item.find(':');
    if (colon == std::string::npos) return std::nullopt;
    const std::string tier = trim(item.substr(0, colon)), days = trim(item.substr(colon + 1));
    if (tier.empty() || days.empty() || days.size() > 4 || !std::all_of(days.begin(), days.end(), ::isdigit)) return std::nullopt;
    const int n = std::stoi(days);
    if (n < 1) return std::nullopt;
    out[tier] = n;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string next_visit_due(const std::optional<std::string>& last_visit, int interval_days, const std::string& today) {
  if (!last_visit) return today;
  return add_days(*last_visit, interval_days);
}

namespace {
std::optional<long long> whole(const std::string& v) {
  if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), ::isdigit)) return std::nullopt;
  return std::stoll(v);
}
}  // namespace

std::optional<std::string> setting_problem(const std::string& key, const std::string& value) {
  auto range = [&](long long lo, long long hi) -> std::optional<std::string> {
    auto n = whole(value);
    if (!n || *n < lo || *n > hi) return "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    return std::nullopt;
  };
  if (key == "keyaccounts.top_n" || key == "keyaccounts.score_top_n") return range(0, 1000);
  if (key == "keyaccounts.score_threshold") return range(0, 100);
  if (key == "keyaccounts.listed_min_kva") return range(0, 1000000);
  if (key == "keyaccounts.programme_new_account_days") return range(0, 365);
  if (key == "keyaccounts.weights") {
    auto parts = split(value, ',');
    long long sum = 0;
    bool ok = parts.size() == 4;
    for (auto& part : parts) {
      auto n = whole(trim(part));
      ok = ok && n.has_value();
      if (n) sum += *n;
    }
    if (!ok || sum <= 0) return std::string("four whole-number weights in percent: consumption,growth,credit,capacity");
    return std::nullopt;
  }
  if (key == "keyaccounts.programme_due") {
    if (!parse_due_template(value)) return std::string("kind:MM-DD pairs of manager, leader_visit, drill, usage_plan, diagnosis");
    return std::nullopt;
  }
  if (key == "keyaccounts.visit_interval_days") {
    auto t = parse_tier_intervals(value);
    if (!t || !t->count("A") || !t->count("B") || !t->count("C")) return std::string("days per tier, e.g. A:30,B:60,C:90");
    return std::nullopt;
  }
  return std::string("unknown setting");
}

}  // namespace lianxin::keyaccounts
