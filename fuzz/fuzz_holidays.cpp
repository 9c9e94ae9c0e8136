// Fuzzes the holiday-schedule readers (administrators upload these files): any input either
// parses into a schedule whose dates are valid and unique, or gives a validation error that names
// at least one entry — never a crash, never another kind of error.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "calendar/holidays.hpp"
#include "common/errors.hpp"

namespace {

void check(const lianxin::calendar::HolidaySchedule& schedule) {
  std::set<std::int32_t> seen;
  for (const auto& day : schedule.days) {
    if (!seen.insert(day.date.days).second) std::abort();  // no date twice
    if (day.date.year() < schedule.year - 1 || day.date.year() > schedule.year + 1) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int form = 0; form < 2; ++form) {
    try {
      check(form == 0 ? lianxin::calendar::parse_holiday_json(input) : lianxin::calendar::parse_holiday_ical(input));
    } catch (const lianxin::AppError& e) {
      if (e.code() != lianxin::ErrorCode::validation_failed || e.issues().empty()) std::abort();
    }
  }
  return 0;
}
