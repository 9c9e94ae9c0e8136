#pragma once
// Working-day calendars kept in the database: the national calendar (code CN, filled from the
// shipped schedules) and override calendars of a company or region, which inherit their base's
// years and days and add or replace single days (a local festival, a regional make-up day).
//
// Every change bumps the calendar's version. Loaded calendars are cached in process memory by
// (id, version, base version); a server on a shared PostgreSQL sees another server's change at
// its next load because the version is read from the database each time (one indexed row).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "calendar/model.hpp"
#include "storage/db.hpp"

namespace lianxin::calendar {

inline constexpr const char* kNationalCalendar = "CN";

struct CalendarInfo {
  std::int64_t id = 0;
  std::string code, name;
  std::optional<std::int64_t> base_id, org_unit_id;
  std::string org_path;  // of org_unit_id, empty for the national calendar
  std::int64_t version = 0;
  std::vector<int> years;  // own years (an override also covers its base's)
};

// Creates the national calendar when missing and adds every shipped year it lacks (a year an
// administrator imported is never overwritten). Returns the years added.
std::vector<int> ensure_shipped(storage::Database& db);

std::vector<CalendarInfo> list_calendars(storage::Connection& conn);
CalendarInfo calendar_info(storage::Connection& conn, std::int64_t id);  // throws not_found
std::int64_t national_calendar_id(storage::Connection& conn);
// The calendar of the nearest org unit on `org_path` that has one, else the national calendar.
std::int64_t calendar_for_org(storage::Connection& conn, const std::string& org_path);

// The effective calendar (an override merged over its base), from the cache when unchanged.
std::shared_ptr<const Calendar> load(storage::Connection& conn, std::int64_t id);

// Writes (the caller audits and recomputes clocks; each bumps the version).
// Replaces one year of a calendar with a published schedule.
void store_year(storage::Connection& conn, std::int64_t calendar_id, const HolidaySchedule& schedule,
                const std::string& source, std::int64_t user_id);
// Sets (adjustment given) or removes (nullopt) one day's entry of a calendar. The date's year must
// be covered by the calendar (or, for an override, by its base).
void set_day(storage::Connection& conn, std::int64_t calendar_id, Date date, std::optional<DayAdjustment> adjustment,
             const std::string& name);
// A new override calendar for an org unit, based on the national calendar.
std::int64_t create_override(storage::Connection& conn, std::int64_t org_unit_id, const std::string& code,
                             const std::string& name);

const char* adjustment_code(DayAdjustment adjustment);  // "off_day", "makeup_working_day"
std::optional<DayAdjustment> adjustment_from_code(const std::string& code);

}  // namespace lianxin::calendar
