#pragma once
// The working-day calendar: ordinary weekends (Saturday, Sunday) adjusted by the State Council's
// yearly schedule of official days off (法定节假日) and make-up working days (调休上班).
// Dates are calendar dates in Asia/Shanghai (UTC+8, no daylight saving).
//
// A calendar knows which years it covers. Outside them it refuses to answer (CalendarYearMissing)
// rather than guessing "weekends only": a missing schedule would silently shorten or lengthen every
// regulated time limit across the Spring Festival or National Day.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/errors.hpp"

namespace lianxin::calendar {

// A date of the proleptic Gregorian calendar, stored as days since 1970-01-01.
struct Date {
  std::int32_t days = 0;

  // Assumes a valid date (month 1-12, day within the month).
  static Date from_ymd(int year, int month, int day);
  // Strict YYYY-MM-DD (four-digit year, two-digit month and day); nullopt when malformed or impossible.
  static std::optional<Date> parse(std::string_view text);

  int year() const;
  int month() const;
  int day() const;
  int iso_weekday() const;  // 1 = Monday ... 7 = Sunday
  bool is_weekend() const { return iso_weekday() >= 6; }
  std::string iso() const;  // YYYY-MM-DD

  Date next() const { return Date{days + 1}; }
  friend auto operator<=>(const Date&, const Date&) = default;
};

// The Asia/Shanghai date of an instant, and the instant at which a Shanghai date begins.
Date shanghai_date_of(Millis at);
Millis shanghai_midnight(Date date);

// How the published schedule changes an ordinary day.
enum class DayAdjustment {
  off_day,             // isOffDay: true  — a holiday, also when it falls on a weekend
  makeup_working_day,  // isOffDay: false — 调休上班, usually a Saturday or Sunday
};

// What a date is, once weekends and the schedule are applied.
enum class DayKind { working_day, weekend, off_day, makeup_working_day };
const char* day_kind_name(DayKind kind);  // "working_day", "weekend", "off_day", "makeup_working_day"

struct AdjustedDay {
  Date date;
  DayAdjustment adjustment = DayAdjustment::off_day;
  std::string name;  // 春节, 国庆节 … as published
};

// One year's published schedule as read from a holiday file. `days` may include a few dates of
// the neighbouring years (the 2023 schedule starts 元旦 on 2022-12-31).
struct HolidaySchedule {
  int year = 0;
  std::vector<AdjustedDay> days;     // sorted by date, no duplicates
  std::vector<std::string> papers;   // the notices it was taken from (JSON "papers"), if given
};

// Thrown when a computation needs a date in a year the calendar does not cover. It is a
// validation_failed AppError naming `field`, so the API answers 422 with a message telling the
// administrator to import that year's schedule; year() lets a scheduler alert instead of fail.
class CalendarYearMissing : public AppError {
 public:
  CalendarYearMissing(int year, const std::string& field);
  int year() const { return year_; }

 private:
  int year_;
};

class Calendar {
 public:
  // Throws AppError(validation_failed) when the code is empty, a year is out of 1900-2999,
  // or a date appears twice.
  Calendar(std::string code, std::int64_t version, std::vector<int> years, std::vector<AdjustedDay> days);

  const std::string& code() const { return code_; }
  std::int64_t version() const { return version_; }
  const std::vector<int>& years() const { return years_; }       // sorted, unique
  const std::vector<AdjustedDay>& days() const { return days_; }  // sorted by date

  bool covers(int year) const;
  // Throws CalendarYearMissing (naming `field`) when the date's year is not covered.
  DayKind kind_of(Date date, const std::string& field = "date") const;
  bool is_working_day(Date date, const std::string& field = "date") const;
  // The published adjustment of a date, or nullptr for an ordinary day (no coverage check).
  const AdjustedDay* adjustment(Date date) const;

 private:
  std::string code_;
  std::int64_t version_;
  std::vector<int> years_;
  std::vector<AdjustedDay> days_;
};

}  // namespace lianxin::calendar
