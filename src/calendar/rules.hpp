#pragma once
// The deadline engine: pure functions over a Calendar. No clock is read here; callers pass instants
// (UTC epoch milliseconds) and get instants back.
//
// ## Units
// - minutes, hours: calendar time, 24 hours a day, weekends and holidays included (the 24-hour
//   contact clock, the 45-minute arrival). The working-day calendar is not consulted, so these
//   never fail for a missing year.
// - working_days: the convention below.
//
// ## "N working days from an event" (the convention used for every working-day limit)
// The day of the event is not counted, whatever its kind; day 1 is the first working day after the
// event's Asia/Shanghai date, and the deadline is the end of day N. By default the end of a day is
// 24:00 (the instant is 00:00 of the following date, Asia/Shanghai). Working day = Monday-Friday
// unless the schedule makes it an off day, plus the schedule's make-up working days (调休上班).
//   Example: a complaint taken on Friday 2025-09-26 at 20:00 with 5 working days to reply:
//   09-27 (Saturday) is skipped, 09-28 (Sunday, make-up day for National Day) is day 1,
//   09-29 day 2, 09-30 day 3, 10-01..10-08 are off days (skipped), 10-09 day 4, 10-10 day 5;
//   due 2025-10-11 00:00 +08:00.
// Why: it is the general rule of Chinese law for periods — 《民法典》第二百零一条 (a period in days
// does not count its starting day; one in hours runs from the exact instant, as our clock units
// do) and 第二百零三条 (the last day ends at 24:00, or at the close of business where there is
// one). It gives a complaint taken late on a working day the same N whole working days as one
// taken in the morning. No 95598 text we have defines the counting; this reading is an inference
// [U] (see rules_cn §3.3). The end of the day is a parameter (end_of_day_minute) for a rule-set that
// ends days at close of business (e.g. 17:30 = 1050).
//
// ## Pauses (waiting for the customer): paused time never counts
// Every clock has a budget of "counted time" and runs out when that much counted, unpaused time has
// passed since its start. Pauses are half-open intervals [from, to); an open pause (no `to`) holds
// the clock until it is closed.
// - minutes/hours: all time counts; budget = the duration. The due moves by exactly the paused time
//   that falls before it.
// - working_days: counted time is the whole 24 hours of each working day after the event's date;
//   the event's own date and non-working days never count. Budget = the counted time between the
//   event and the unpaused deadline = (N - 1) x 24 h + end_of_day. A pause therefore gives back
//   exactly the working time it covered, on working days: paused over a weekend or a holiday costs
//   nothing, paused for all of Tuesday moves the due by one working day, paused from 10:00 to
//   13:00 on a working day moves it by 3 hours of working time (the due may then fall at 03:00 on
//   the next working day after day N). Rounding to whole days would either steal or grant time.
// - A pause that starts at or after the due does not move it (the clock had already run out).
//   Pauses starting before the clock are clipped to its start; overlapping pauses are merged.
//
// ## Coverage
// A working-day computation that needs a date in a year the calendar does not cover throws
// CalendarYearMissing (validation_failed) naming "from" when the start's year is missing, else
// "amount" (the deadline runs into the missing year). It never assumes "weekends only".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/model.hpp"

namespace lianxin::calendar {

enum class Unit { minutes, hours, working_days };

// "minutes", "hours", "working_days"; anything else throws validation_failed naming `field`.
Unit parse_unit(std::string_view text, const std::string& field = "unit");
const char* unit_name(Unit unit);

struct Duration {
  std::int64_t amount = 0;
  Unit unit = Unit::minutes;
};

// The largest amount accepted per unit: one leap year (527040 minutes, 8784 hours, 366 working days).
std::int64_t max_amount(Unit unit);
// amount must be 1..max_amount(unit); throws validation_failed naming `field`.
void validate_duration(const Duration& duration, const std::string& field = "amount");

struct DeadlineOptions {
  // Minutes after local midnight at which a working day ends: 1..1440, default 1440 (24:00).
  int end_of_day_minute = 24 * 60;
};

struct Pause {
  Millis from = 0;
  std::optional<Millis> to;  // nullopt = still paused
};

struct Deadline {
  // The due instant; nullopt only while an open pause holds the clock before it ran out.
  std::optional<Millis> due;
  Millis budget_ms = 0;   // counted time the duration allows (see the header comment)
  Millis paused_ms = 0;   // counted time that fell inside closed pauses before the due
  // working_days only: the working dates on which time was counted (day 1 … day N, in order; with
  // pauses, the days on which any unpaused time counted), and the non-working dates the count
  // passed over (after the event's date, before the last counted day). Empty for clock units.
  std::vector<Date> counted_days;
  std::vector<Date> skipped_days;
};

// Calendar time; no calendar needed. Throw validation_failed for a bad amount ("amount").
Millis add_minutes(Millis from, std::int64_t minutes);
Millis add_hours(Millis from, std::int64_t hours);

// N working days from `from` (the convention above).
Deadline add_working_days(const Calendar& calendar, Millis from, std::int64_t days,
                          const DeadlineOptions& options = {});

// Any unit, optionally with pauses. Validates every input and names the field: "from", "amount",
// "unit" (via parse_unit), "end_of_day", "pauses[i].to".
Deadline compute_deadline(const Calendar& calendar, Millis from, const Duration& duration,
                          const std::vector<Pause>& pauses = {}, const DeadlineOptions& options = {});

// The instants at which the given shares (in thousandths, 1..1000) of a clock's counted time are
// used up — the reminder points of a clock (1000 = the due). nullopt where an open pause holds the
// clock before the share is reached. Validates as compute_deadline; a share outside 1..1000 throws
// validation_failed naming "reminders[i]".
std::vector<std::optional<Millis>> milestones(const Calendar& calendar, Millis from, const Duration& duration,
                                              const std::vector<Pause>& pauses, const std::vector<int>& permille,
                                              const DeadlineOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Progress of a clock at an instant, for amber and red clocks.

enum class Urgency { normal, amber, red };
const char* urgency_name(Urgency urgency);  // "normal", "amber", "red"

struct Thresholds {
  int amber_percent = 75;   // amber from this share of the budget elapsed
  int red_percent = 100;    // red from this share (100 = when the due passes); 1 <= amber <= red <= 100
};

struct Progress {
  std::optional<Millis> due;           // as compute_deadline
  Millis budget_ms = 0;
  Millis elapsed_ms = 0;               // counted, unpaused time from the start to `at`, at most the budget
  Millis remaining_ms = 0;             // budget - elapsed (counted time; 0 once due)
  std::optional<Millis> until_due_ms;  // due - at on the wall clock (negative when overdue); nullopt while held
  int elapsed_permille = 0;            // elapsed / budget in thousandths, 0..1000
  bool paused = false;                 // `at` lies inside a pause
  bool overdue = false;                // at >= due
  Urgency urgency = Urgency::normal;
};

// Counted working time between two instants under the working-day convention (the event's own date
// and non-working days never count; a working day counts 24 hours), pauses excluded: what a
// working-day clock started at `from` has used by `to`. Needs the calendar only up to `to`'s date
// (throws CalendarYearMissing otherwise). Divide by 24 h for working days.
Millis working_time_between(const Calendar& calendar, Millis from, Millis to, const std::vector<Pause>& pauses = {});

Progress progress_at(const Calendar& calendar, Millis from, const Duration& duration, const std::vector<Pause>& pauses,
                     Millis at, const Thresholds& thresholds = {}, const DeadlineOptions& options = {});

}  // namespace lianxin::calendar
