#include "calendar/model.hpp"

#include <algorithm>
#include <cstdio>

namespace lianxin::calendar {
namespace {

constexpr Millis kDayMs = 86'400'000;
constexpr Millis kShanghaiOffsetMs = 8LL * 3'600'000;

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int month_length(int year, int month) {
  static constexpr int kLengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kLengths[month - 1];
}

// Days since 1970-01-01 of a civil date. Counts in 400-year eras starting on March 1 so that the
// leap day is the last day of its (shifted) year.
std::int64_t civil_to_days(std::int64_t year, int month, int day) {
  const std::int64_t shifted_year = month <= 2 ? year - 1 : year;
  const std::int64_t era = (shifted_year >= 0 ? shifted_year : shifted_year - 399) / 400;
  const std::int64_t year_of_era = shifted_year - era * 400;                    // 0..399
  const int month_from_march = month > 2 ? month - 3 : month + 9;               // 0..11
  const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;  // 0..365
  const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468 = days from 0000-03-01 to 1970-01-01
}

struct Civil {
  int year;
  int month;
  int day;
};

Civil days_to_civil(std::int64_t days) {
  const std::int64_t shifted = days + 719468;
  const std::int64_t era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
  const std::int64_t day_of_era = shifted - era * 146097;  // 0..146096
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;  // 0..399
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace

Date Date::from_ymd(int year, int month, int day) {
  return Date{static_cast<std::int32_t>(civil_to_days(year, month, day))};
}

std::optional<Date> Date::parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t count) -> int {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const int year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > month_length(year, month)) return std::nullopt;
  return from_ymd(year, month, day);
}

int Date::year() const { return days_to_civil(days).year; }
int Date::month() const { return days_to_civil(days).month; }
int Date::day() const { return days_to_civil(days).day; }

int Date::iso_weekday() const {
  // 1970-01-01 was a Thursday (4).
  return static_cast<int>(((static_cast<std::int64_t>(days) + 3) % 7 + 7) % 7) + 1;
}

std::string Date::iso() const {
  const Civil civil = days_to_civil(days);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", civil.year, civil.month, civil.day);
  return buffer;
}

Date shanghai_date_of(Millis at) {
  return Date{static_cast<std::int32_t>(floor_div(at + kShanghaiOffsetMs, kDayMs))};
}

Millis shanghai_midnight(Date date) { return static_cast<Millis>(date.days) * kDayMs - kShanghaiOffsetMs; }

const char* day_kind_name(DayKind kind) {
  switch (kind) {
    case DayKind::working_day: return "working_day";
    case DayKind::weekend: return "weekend";
    case DayKind::off_day: return "off_day";
    case DayKind::makeup_working_day: return "makeup_working_day";
  }
  return "working_day";
}

CalendarYearMissing::CalendarYearMissing(int year, const std::string& field)
    : AppError(ErrorCode::validation_failed,
               "the working-day calendar does not cover " + std::to_string(year) +
                   "; an administrator must import that year's holiday schedule",
               {{field, "the working-day calendar does not cover " + std::to_string(year) +
                            "; an administrator must import that year's holiday schedule"}}),
      year_(year) {}

Calendar::Calendar(std::string code, std::int64_t version, std::vector<int> years, std::vector<AdjustedDay> days)
    : code_(std::move(code)), version_(version), years_(std::move(years)), days_(std::move(days)) {
  Validator validator;
  if (code_.empty()) validator.add("code", "is required");
  std::sort(years_.begin(), years_.end());
  years_.erase(std::unique(years_.begin(), years_.end()), years_.end());
  for (int year : years_) {
    if (year < 1900 || year > 2999) validator.add("years", "must lie between 1900 and 2999");
  }
  std::stable_sort(days_.begin(), days_.end(),
                   [](const AdjustedDay& a, const AdjustedDay& b) { return a.date < b.date; });
  for (std::size_t i = 1; i < days_.size(); ++i) {
    if (days_[i].date == days_[i - 1].date) validator.add("days", "date listed twice: " + days_[i].date.iso());
  }
  validator.throw_if_failed("invalid working-day calendar");
}

bool Calendar::covers(int year) const { return std::binary_search(years_.begin(), years_.end(), year); }

const AdjustedDay* Calendar::adjustment(Date date) const {
  auto it = std::lower_bound(days_.begin(), days_.end(), date,
                             [](const AdjustedDay& day, Date wanted) { return day.date < wanted; });
  return it != days_.end() && it->date == date ? &*it : nullptr;
}

DayKind Calendar::kind_of(Date date, const std::string& field) const {
  if (!covers(date.year())) throw CalendarYearMissing(date.year(), field);
  if (const AdjustedDay* adjusted = adjustment(date)) {
    return adjusted->adjustment == DayAdjustment::off_day ? DayKind::off_day : DayKind::makeup_working_day;
  }
  return date.is_weekend() ? DayKind::weekend : DayKind::working_day;
}

bool Calendar::is_working_day(Date date, const std::string& field) const {
  const DayKind kind = kind_of(date, field);
  return kind == DayKind::working_day || kind == DayKind::makeup_working_day;
}

}  // namespace lianxin::calendar
