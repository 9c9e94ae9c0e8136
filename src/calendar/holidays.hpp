#pragma once
// Readers for the published holiday schedules, in the two forms of NateScarlet/holiday-cn
// (data/holidays-cn/): the per-year JSON file and the iCalendar file. No JSON library: the forms
// are small, and a strict reader of our own gives errors that name the line and the entry.
//
// Errors are AppError(validation_failed) with one FieldIssue per problem: `field` names the entry
// ("days[3].date", "VEVENT 4 DTSTART", "file"), `row` is the 1-based line of the input, so an
// import screen can point at the line.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "calendar/model.hpp"

namespace lianxin::calendar {

// {"year": 2026, "papers": ["…"], "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}, …]}
// Other top-level keys ($schema, $id) are ignored. Strict about everything else: well-formed JSON
// (UTF-8, no trailing commas, no duplicate keys), year an integer 1900-2999, days a non-empty array
// (an empty list means the year is not yet published, and must not pass for "no holidays"), each
// day an object with a non-empty string name, a valid YYYY-MM-DD date in the year (or in the
// December before / January after it), a boolean isOffDay, and no date listed twice.
HolidaySchedule parse_holiday_json(std::string_view text);

// An iCalendar (RFC 5545) file of all-day VEVENTs, as holiday-cn publishes it: an event whose
// SUMMARY starts with 上班 ("上班(补春节假期)") marks make-up working days, any other event marks
// days off ("春节假期"). DTSTART;VALUE=DATE is the first day, DTEND the day after the last
// (exclusive, as RFC 5545 says; absent = one day). Names are taken from the summary without the
// 假期 suffix and the 上班(补…) wrapper, so they match the JSON names (春节, 国庆节 …).
// `year` is the schedule's year; when absent it is the year most of the listed dates fall in.
// Refused: date-time (not all-day) events, recurring events (RRULE/RDATE), DURATION, events longer
// than 31 days, overlapping events, unbalanced BEGIN/END.
HolidaySchedule parse_holiday_ical(std::string_view text, std::optional<int> year = std::nullopt);

// Joins yearly schedules into one calendar covering exactly their years. A year given twice, or a
// date that two schedules adjust differently, is an error; a date both list the same way (a
// neighbouring-year spill-over) is kept once, with the first schedule's name.
Calendar build_calendar(std::string code, std::int64_t version, const std::vector<HolidaySchedule>& schedules);

}  // namespace lianxin::calendar
