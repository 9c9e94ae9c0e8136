#pragma once
// Pure rules of the key-account service: the "五个一" programme template (its five items and their
// due dates in the year), due dates for an account that becomes key during the year, regular
// visit frequency by tier. No I/O.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lianxin::keyaccounts {

// The five items, in the order of the programme.
const std::vector<std::string>& programme_kinds();
bool is_programme_kind(const std::string& kind);

// "manager:01-31,leader_visit:06-30,…" → kind → MM-DD. Unknown kinds or malformed dates are
// refused (nullopt); kinds not listed fall back to `fallback_mmdd`.
std::optional<std::map<std::string, std::string>> parse_due_template(const std::string& text,
                                                                     const std::string& fallback_mmdd = "12-31");

// Due date of an item in `year`: the template date, but an account that becomes key on `today`
// gets at least `min_days` days, never past the year's last day (YYYY-MM-DD).
std::string programme_due_date(int year, const std::string& template_mmdd, const std::string& today, int min_days);

// "A:30,B:60,C:90" → tier → days; nullopt when malformed.
std::optional<std::map<std::string, int>> parse_tier_intervals(const std::string& text);

// The next regular visit: `interval_days` after the last done visit, or `today` when there was none.
std::string next_visit_due(const std::optional<std::string>& last_visit, int interval_days, const std::string& today);

// Why a value of a keyaccounts.* setting is refused (nullopt = acceptable): the identification
// numbers and weights, the programme template, the visit frequencies.
std::optional<std::string> setting_problem(const std::string& key, const std::string& value);

// YYYY-MM-DD plus days (negative allowed). Assumes a valid date.
std::string add_days(const std::string& date, int days);

}  // namespace lianxin::keyaccounts
