// Tests of the working-day calendar against the official schedules in data/holidays-cn/.
// Every expected date below was checked by hand against 2020-2026.json and against the State
// Council tables in ../shared/reference/rules_cn.md §7 (weekdays checked with a second calendar).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "calendar/holidays.hpp"
#include "calendar/rules.hpp"
#include "common/clock.hpp"

using namespace lianxin;
using namespace lianxin::calendar;

namespace {

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(LIANXIN_HOLIDAYS_DIR) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const Calendar& china() {
  static const Calendar calendar = [] {
    std::vector<HolidaySchedule> schedules;
    for (int year = 2020; year <= 2026; ++year)
      schedules.push_back(parse_holiday_json(read_data(std::to_string(year) + ".json")));
    return build_calendar("CN", 1, schedules);
  }();
  return calendar;
}

Millis at(const std::string& text) { return parse_iso_instant(text, "at"); }
Date day(const std::string& text) { return *Date::parse(text); }

std::vector<std::string> isos(const std::vector<Date>& dates) {
  std::vector<std::string> out;
  for (Date date : dates) out.push_back(date.iso());
  return out;
}

constexpr Millis kHour = 3'600'000;

// Runs `body`, expecting a validation_failed AppError whose first issue names `field`; returns it.
template <typename Body>
AppError expect_invalid(Body body, const std::string& field) {
  try {
    body();
  } catch (const AppError& error) {
    EXPECT_EQ(error.code(), ErrorCode::validation_failed);
    EXPECT_FALSE(error.issues().empty());
    if (!error.issues().empty()) {
      EXPECT_EQ(error.issues().front().field, field) << error.issues().front().message;
    }
    return error;
  }
  ADD_FAILURE() << "expected a validation error naming " << field;
  return AppError(ErrorCode::internal, "none");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Dates and the calendar model

TEST(Date, ParsesFormatsAndKnowsWeekdays) {
  EXPECT_EQ(Date::parse("1970-01-01")->days, 0);
  EXPECT_EQ(day("2024-02-29").iso(), "2024-02-29");
  EXPECT_FALSE(Date::parse("2025-02-29"));
  EXPECT_FALSE(Date::parse("2026-2-28"));
  EXPECT_FALSE(Date::parse("2026-02-28T00:00"));
  EXPECT_EQ(day("2026-10-10").iso_weekday(), 6);  // Saturday
  EXPECT_EQ(day("2025-09-28").iso_weekday(), 7);  // Sunday
  EXPECT_EQ(day("1969-12-31").iso_weekday(), 3);  // Wednesday, before the epoch
  EXPECT_EQ(day("1969-12-31").iso(), "1969-12-31");
  EXPECT_EQ(day("2026-12-31").next().iso(), "2027-01-01");
}

TEST(Date, ShanghaiDatesAndMidnights) {
  // 16:00Z is midnight in Shanghai.
  EXPECT_EQ(shanghai_date_of(at("2025-09-30T15:59:59.999Z")).iso(), "2025-09-30");
  EXPECT_EQ(shanghai_date_of(at("2025-09-30T16:00:00Z")).iso(), "2025-10-01");
  EXPECT_EQ(shanghai_midnight(day("2025-10-01")), at("2025-10-01T00:00:00+08:00"));
}

TEST(Calendar, KindsOfDays2025) {
  const Calendar& calendar = china();
  EXPECT_EQ(calendar.kind_of(day("2025-01-26")), DayKind::makeup_working_day);  // Sunday before 春节
  EXPECT_EQ(calendar.kind_of(day("2025-01-28")), DayKind::off_day);             // 除夕, Tuesday (new from 2025)
  EXPECT_EQ(calendar.kind_of(day("2025-02-08")), DayKind::makeup_working_day);  // Saturday after 春节
  EXPECT_EQ(calendar.kind_of(day("2025-02-09")), DayKind::weekend);
  EXPECT_EQ(calendar.kind_of(day("2025-02-05")), DayKind::working_day);
  EXPECT_EQ(calendar.kind_of(day("2025-05-02")), DayKind::off_day);             // 5月2日, new from 2025
  EXPECT_EQ(calendar.kind_of(day("2025-10-11")), DayKind::makeup_working_day);  // Saturday after 国庆
  EXPECT_EQ(calendar.adjustment(day("2025-10-11"))->name, "国庆节、中秋节");
  EXPECT_TRUE(calendar.is_working_day(day("2025-09-28")));   // Sunday, 调休上班
  EXPECT_FALSE(calendar.is_working_day(day("2025-10-08")));  // Wednesday, 国庆 off
  EXPECT_EQ(calendar.code(), "CN");
  EXPECT_EQ(calendar.years(), (std::vector<int>{2020, 2021, 2022, 2023, 2024, 2025, 2026}));
}

TEST(Calendar, WorkingDaysPerYear) {
  // 2025 starts on a Wednesday: 261 weekdays. Off days on weekdays: 元旦 1, 春节 6 (01-28..31,
  // 02-03, 02-04), 清明 1 (04-04), 劳动节 3 (05-01, 05-02, 05-05), 端午 1 (06-02), 国庆 6 (10-01..03,
  // 10-06..08) = 18. Make-up days: 01-26, 02-08, 04-27, 09-28, 10-11 = 5. 261 - 18 + 5 = 248.
  // 2026 starts on a Thursday: 261 weekdays; 19 weekday off days, 6 make-up days: 248 again.
  for (int year : {2025, 2026}) {
    int working = 0;
    for (Date date = Date::from_ymd(year, 1, 1); date.year() == year; date = date.next())
      working += china().is_working_day(date) ? 1 : 0;
    EXPECT_EQ(working, 248) << year;
  }
}

TEST(Calendar, RefusesYearsItDoesNotCover) {
  try {
    china().kind_of(day("2027-03-01"), "from");
    FAIL();
  } catch (const CalendarYearMissing& error) {
    EXPECT_EQ(error.year(), 2027);
    EXPECT_EQ(error.code(), ErrorCode::validation_failed);
    EXPECT_EQ(error.issues().at(0).field, "from");
    EXPECT_NE(std::string(error.what()).find("import that year's holiday schedule"), std::string::npos);
  }
  EXPECT_THROW(china().kind_of(day("2019-12-31")), CalendarYearMissing);
  // 2022-12-31 is listed by the 2023 schedule (元旦 began on that Saturday).
  EXPECT_EQ(china().kind_of(day("2022-12-31")), DayKind::off_day);
}

// ---------------------------------------------------------------------------------------------
// Working-day deadlines against the 2025 and 2026 schedules

TEST(WorkingDays, SpringFestival2025) {
  // Friday 2025-01-24, 5 working days. 01-25 Saturday skipped; 01-26 Sunday is a make-up day
  // (day 1); 01-27 Monday day 2; 01-28 (除夕) .. 02-04 off; 02-05 Wed, 02-06 Thu, 02-07 Fri are
  // days 3-5. Due at the end of Friday 02-07 = 2025-02-08 00:00 Asia/Shanghai.
  const Deadline deadline = add_working_days(china(), at("2025-01-24T10:00:00+08:00"), 5);
  EXPECT_EQ(deadline.due, at("2025-02-08T00:00:00+08:00"));
  EXPECT_EQ(isos(deadline.counted_days),
            (std::vector<std::string>{"2025-01-26", "2025-01-27", "2025-02-05", "2025-02-06", "2025-02-07"}));
  EXPECT_EQ(isos(deadline.skipped_days),
            (std::vector<std::string>{"2025-01-25", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
                                      "2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04"}));
}

TEST(WorkingDays, MakeUpSaturdayCounts) {
  // Same start, 10 working days: day 6 is Saturday 2025-02-08 (调休上班), 02-09 Sunday skipped,
  // days 7-10 are 02-10..02-13 (Mon-Thu). Due 2025-02-14 00:00.
  const Deadline deadline = add_working_days(china(), at("2025-01-24T10:00:00+08:00"), 10);
  EXPECT_EQ(deadline.due, at("2025-02-14T00:00:00+08:00"));
  EXPECT_EQ(deadline.counted_days.at(5).iso(), "2025-02-08");
  EXPECT_EQ(deadline.skipped_days.back().iso(), "2025-02-09");
}

TEST(WorkingDays, SpringFestival2026) {
  // Thursday 2026-02-12, 4 working days (the internal complaint limit): 02-13 Fri day 1, 02-14
  // Saturday make-up day 2, 02-15 (Sun) .. 02-23 (Mon) off (9 days), 02-24 Tue day 3, 02-25 Wed
  // day 4. Due 2026-02-26 00:00.
  const Deadline deadline = add_working_days(china(), at("2026-02-12T15:00:00+08:00"), 4);
  EXPECT_EQ(deadline.due, at("2026-02-26T00:00:00+08:00"));
  EXPECT_EQ(isos(deadline.counted_days),
            (std::vector<std::string>{"2026-02-13", "2026-02-14", "2026-02-24", "2026-02-25"}));
  EXPECT_EQ(deadline.skipped_days.size(), 9u);
  EXPECT_EQ(deadline.skipped_days.front().iso(), "2026-02-15");
  EXPECT_EQ(deadline.skipped_days.back().iso(), "2026-02-23");
}

TEST(WorkingDays, ComplaintOnFridayEveningBeforeNationalDay2025) {
  // The header's worked example: 5 working days to reply from Friday 2025-09-26 20:00.
  // 09-27 Sat skipped; 09-28 Sun (make-up) day 1; 09-29 Mon, 09-30 Tue days 2-3; 10-01..10-08
  // off; 10-09 Thu, 10-10 Fri days 4-5. Due 2025-10-11 00:00 +08:00 = 2025-10-10 16:00 UTC.
  const Deadline deadline =
      compute_deadline(china(), at("2025-09-26T20:00:00+08:00"), {5, Unit::working_days});
  ASSERT_TRUE(deadline.due);
  EXPECT_EQ(format_iso_utc(*deadline.due), "2025-10-10T16:00:00.000Z");
  EXPECT_EQ(isos(deadline.counted_days), (std::vector<std::string>{"2025-09-28", "2025-09-29", "2025-09-30",
                                                                   "2025-10-09", "2025-10-10"}));
  EXPECT_EQ(isos(deadline.skipped_days),
            (std::vector<std::string>{"2025-09-27", "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04",
                                      "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08"}));
  EXPECT_EQ(deadline.budget_ms, 5 * 24 * kHour);
}

TEST(WorkingDays, NationalDay2026) {
  // Friday 2026-09-25 is itself 中秋 (off); the event's day never counts anyway. 09-26, 09-27 off
  // (中秋); 09-28 Mon .. 09-30 Wed days 1-3; 10-01..10-07 off; 10-08 Thu, 10-09 Fri days 4-5.
  EXPECT_EQ(add_working_days(china(), at("2026-09-25T19:00:00+08:00"), 5).due, at("2026-10-10T00:00:00+08:00"));
  // Wednesday 2026-09-30: 10-08 Thu day 1, 10-09 Fri day 2, Saturday 10-10 (make-up) day 3,
  // 10-11 Sun skipped, 10-12 Mon day 4, 10-13 Tue day 5.
  const Deadline deadline = add_working_days(china(), at("2026-09-30T18:00:00+08:00"), 5);
  EXPECT_EQ(deadline.due, at("2026-10-14T00:00:00+08:00"));
  EXPECT_EQ(deadline.counted_days.at(2).iso(), "2026-10-10");
  EXPECT_EQ(isos(deadline.skipped_days),
            (std::vector<std::string>{"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05",
                                      "2026-10-06", "2026-10-07", "2026-10-11"}));
  // Friday 2026-09-18, 1 working day: Saturday skipped, Sunday 09-20 is the make-up day 1.
  EXPECT_EQ(add_working_days(china(), at("2026-09-18T20:00:00+08:00"), 1).due, at("2026-09-21T00:00:00+08:00"));
}

TEST(WorkingDays, LabourDay) {
  // 2025: Friday 04-25; 04-26 Sat skipped; 04-27 Sun make-up day 1; 04-28 Mon, 04-29 Tue,
  // 04-30 Wed days 2-4; 05-01..05-05 off; 05-06 Tue day 5.
  const Deadline deadline2025 = add_working_days(china(), at("2025-04-25T09:00:00+08:00"), 5);
  EXPECT_EQ(deadline2025.due, at("2025-05-07T00:00:00+08:00"));
  EXPECT_EQ(deadline2025.skipped_days.size(), 6u);  // 04-26 and 05-01..05-05
  // 2026: Thursday 04-30; 05-01 (Fri) .. 05-05 (Tue) off; 05-06..05-08 days 1-3; Saturday 05-09
  // make-up day 4.
  const Deadline deadline2026 = add_working_days(china(), at("2026-04-30T11:00:00+08:00"), 4);
  EXPECT_EQ(deadline2026.due, at("2026-05-10T00:00:00+08:00"));
  EXPECT_EQ(deadline2026.counted_days.back().iso(), "2026-05-09");
}

TEST(WorkingDays, AcrossNewYear) {
  // Tuesday 2025-12-30 (2025 schedule), 5 working days: 12-31 Wed day 1; 2026-01-01..01-03 off
  // (2026 schedule); Sunday 01-04 make-up day 2; 01-05 Mon .. 01-07 Wed days 3-5.
  const Deadline deadline = add_working_days(china(), at("2025-12-30T14:00:00+08:00"), 5);
  EXPECT_EQ(deadline.due, at("2026-01-08T00:00:00+08:00"));
  EXPECT_EQ(isos(deadline.skipped_days), (std::vector<std::string>{"2026-01-01", "2026-01-02", "2026-01-03"}));
  // Friday 2022-12-30, 1 working day: 12-31 (Sat, listed by the 2023 file), 01-01 Sun and 01-02
  // Mon off; 01-03 Tue day 1.
  EXPECT_EQ(add_working_days(china(), at("2022-12-30T16:00:00+08:00"), 1).due, at("2023-01-04T00:00:00+08:00"));
}

TEST(WorkingDays, EventDayNeverCountsAndTheLocalDateDecides) {
  // 2025-10-09 00:30 in Shanghai is still 2025-10-08 16:30 UTC: the event's date is 10-09 (Thu),
  // so day 1 is Friday 10-10.
  EXPECT_EQ(add_working_days(china(), at("2025-10-08T16:30:00Z"), 1).due, at("2025-10-11T00:00:00+08:00"));
  // One millisecond earlier the event's date is 10-08 (off) and day 1 is 10-09.
  EXPECT_EQ(add_working_days(china(), at("2025-10-08T15:59:59.999Z"), 1).due, at("2025-10-10T00:00:00+08:00"));
}

TEST(WorkingDays, ConfigurableEndOfDay) {
  // Close of business at 17:30: the same Friday-evening complaint is due at 17:30 on 10-10.
  DeadlineOptions options;
  options.end_of_day_minute = 17 * 60 + 30;
  const Deadline deadline =
      compute_deadline(china(), at("2025-09-26T20:00:00+08:00"), {5, Unit::working_days}, {}, options);
  EXPECT_EQ(deadline.due, at("2025-10-10T17:30:00+08:00"));
  EXPECT_EQ(deadline.budget_ms, 4 * 24 * kHour + 17 * kHour + 30 * 60'000);
}

TEST(WorkingDays, LastDayOfCoverageAndMissingNextYear) {
  // Wednesday 2026-12-30, 1 working day: Thursday 12-31 is day 1, due 2027-01-01 00:00 — no 2027
  // date is needed.
  EXPECT_EQ(add_working_days(china(), at("2026-12-30T10:00:00+08:00"), 1).due, at("2027-01-01T00:00:00+08:00"));
  // Two working days need a 2027 date: refused, naming "amount", never guessed as weekends only.
  try {
    add_working_days(china(), at("2026-12-30T10:00:00+08:00"), 2);
    FAIL();
  } catch (const CalendarYearMissing& error) {
    EXPECT_EQ(error.year(), 2027);
    EXPECT_EQ(error.issues().at(0).field, "amount");
  }
  try {
    add_working_days(china(), at("2019-06-03T10:00:00+08:00"), 1);
    FAIL();
  } catch (const CalendarYearMissing& error) {
    EXPECT_EQ(error.year(), 2019);
    EXPECT_EQ(error.issues().at(0).field, "from");
  }
}

// ---------------------------------------------------------------------------------------------
// Clock time

TEST(ClockTime, TwentyFourHourContactAcrossMidnightAndHolidays) {
  // Calendar time: a 24-hour contact clock runs through midnight, New Year and holidays alike.
  const Deadline deadline = compute_deadline(china(), at("2025-12-31T22:00:00+08:00"), {24, Unit::hours});
  EXPECT_EQ(deadline.due, at("2026-01-01T22:00:00+08:00"));
  EXPECT_TRUE(deadline.skipped_days.empty());
  EXPECT_TRUE(deadline.counted_days.empty());
  EXPECT_EQ(compute_deadline(china(), at("2025-10-01T23:00:00+08:00"), {90, Unit::minutes}).due,
            at("2025-10-02T00:30:00+08:00"));
  EXPECT_EQ(add_hours(at("2025-10-01T15:30:00+08:00"), 24), at("2025-10-02T15:30:00+08:00"));
  EXPECT_EQ(add_minutes(at("2025-10-01T23:15:00+08:00"), 45), at("2025-10-02T00:00:00+08:00"));
  // Clock time needs no schedule: 2030 is fine.
  EXPECT_EQ(compute_deadline(china(), at("2030-01-01T00:00:00+08:00"), {1, Unit::hours}).due,
            at("2030-01-01T01:00:00+08:00"));
}

// ---------------------------------------------------------------------------------------------
// Pause and resume

TEST(Pauses, ClockUnitsMoveByThePausedTime) {
  // 24 h from Monday 10:00, paused 12:00-15:00: due Tuesday 13:00.
  const Deadline deadline = compute_deadline(china(), at("2025-06-09T10:00:00+08:00"), {24, Unit::hours},
                                             {{at("2025-06-09T12:00:00+08:00"), at("2025-06-09T15:00:00+08:00")}});
  EXPECT_EQ(deadline.due, at("2025-06-10T13:00:00+08:00"));
  EXPECT_EQ(deadline.paused_ms, 3 * kHour);
  // A pause that began before the clock counts only from the clock's start; overlapping pauses
  // count once.
  EXPECT_EQ(compute_deadline(china(), at("2025-06-09T10:00:00+08:00"), {24, Unit::hours},
                             {{at("2025-06-09T08:00:00+08:00"), at("2025-06-09T11:00:00+08:00")},
                              {at("2025-06-09T10:30:00+08:00"), at("2025-06-09T12:00:00+08:00")},
                              {at("2025-06-09T11:30:00+08:00"), at("2025-06-09T12:00:00+08:00")}})
                .due,
            at("2025-06-10T12:00:00+08:00"));
  // A pause starting after the due does not move it (the clock had already run out).
  EXPECT_EQ(compute_deadline(china(), at("2025-06-09T10:00:00+08:00"), {24, Unit::hours},
                             {{at("2025-06-10T10:00:00+08:00"), at("2025-06-11T10:00:00+08:00")}})
                .due,
            at("2025-06-10T10:00:00+08:00"));
}

TEST(Pauses, WorkingDaysPausedOverAWeekendCostNothing) {
  // Monday 2025-06-09, 5 working days: days 1-5 are 06-10 Tue .. 06-13 Fri and 06-16 Mon
  // (06-14/15 weekend); due 2025-06-17 00:00.
  const Millis start = at("2025-06-09T09:00:00+08:00");
  EXPECT_EQ(add_working_days(china(), start, 5).due, at("2025-06-17T00:00:00+08:00"));
  // Paused only within the weekend: nothing changes.
  Deadline weekend = compute_deadline(china(), start, {5, Unit::working_days},
                                      {{at("2025-06-14T10:00:00+08:00"), at("2025-06-15T20:00:00+08:00")}});
  EXPECT_EQ(weekend.due, at("2025-06-17T00:00:00+08:00"));
  EXPECT_EQ(weekend.paused_ms, 0);
  // Paused Friday 18:00 to Monday 09:00: 6 h of Friday and 9 h of Monday were working time, so
  // the due moves 15 working hours on, into Tuesday 06-17 (a working day): 15:00.
  Deadline across = compute_deadline(china(), start, {5, Unit::working_days},
                                     {{at("2025-06-13T18:00:00+08:00"), at("2025-06-16T09:00:00+08:00")}});
  EXPECT_EQ(across.due, at("2025-06-17T15:00:00+08:00"));
  EXPECT_EQ(across.paused_ms, 15 * kHour);
  EXPECT_EQ(across.counted_days.back().iso(), "2025-06-17");
  // Paused for the whole of Tuesday 06-10: one working day more, due Wednesday 06-18 00:00.
  EXPECT_EQ(compute_deadline(china(), start, {5, Unit::working_days},
                             {{at("2025-06-10T00:00:00+08:00"), at("2025-06-11T00:00:00+08:00")}})
                .due,
            at("2025-06-18T00:00:00+08:00"));
}

TEST(Pauses, WorkingDaysPausedOverNationalDay) {
  // The Friday-evening complaint (due 2025-10-11 00:00 unpaused), waiting for the customer from
  // Tuesday 09-30 18:00 to Thursday 10-09 09:00. Working time lost: 09-30 18:00-24:00 (6 h) and
  // 10-09 00:00-09:00 (9 h); the eight holiday days cost nothing. Saturday 10-11 is a make-up
  // working day, so the due is 2025-10-11 15:00.
  const Millis start = at("2025-09-26T20:00:00+08:00");
  const Pause waiting{at("2025-09-30T18:00:00+08:00"), at("2025-10-09T09:00:00+08:00")};
  const Deadline deadline = compute_deadline(china(), start, {5, Unit::working_days}, {waiting});
  EXPECT_EQ(deadline.due, at("2025-10-11T15:00:00+08:00"));
  EXPECT_EQ(deadline.paused_ms, 15 * kHour);
  EXPECT_EQ(deadline.counted_days.back().iso(), "2025-10-11");

  // While the pause is still open the clock has no due; closing it gives the answer above.
  const Pause still_waiting{at("2025-09-30T18:00:00+08:00"), std::nullopt};
  EXPECT_FALSE(compute_deadline(china(), start, {5, Unit::working_days}, {still_waiting}).due);
  const Progress held =
      progress_at(china(), start, {5, Unit::working_days}, {still_waiting}, at("2025-10-05T12:00:00+08:00"));
  EXPECT_TRUE(held.paused);
  EXPECT_FALSE(held.until_due_ms);
  EXPECT_EQ(held.elapsed_ms, 66 * kHour);  // 09-28, 09-29 whole, 09-30 until 18:00
  EXPECT_EQ(held.elapsed_permille, 550);
  EXPECT_EQ(held.urgency, Urgency::normal);
}

TEST(Pauses, OpenPauseNeedsNoCalendarBeyondIt) {
  // Held from the last instant of 2026 on: the 2027 schedule is not needed to say "held".
  const Deadline deadline = compute_deadline(china(), at("2026-12-28T10:00:00+08:00"), {5, Unit::working_days},
                                             {{at("2026-12-31T12:00:00+08:00"), std::nullopt}});
  EXPECT_FALSE(deadline.due);
}

// ---------------------------------------------------------------------------------------------
// Progress: amber and red clocks

TEST(Progress, ClockUnits) {
  const Millis start = at("2025-06-09T10:00:00+08:00");
  const Duration contact{24, Unit::hours};
  const Progress early = progress_at(china(), start, contact, {}, start + 17 * kHour + 59 * 60'000);
  EXPECT_EQ(early.urgency, Urgency::normal);
  EXPECT_EQ(early.until_due_ms, 6 * kHour + 60'000);
  const Progress amber = progress_at(china(), start, contact, {}, start + 18 * kHour);  // 75 %
  EXPECT_EQ(amber.urgency, Urgency::amber);
  EXPECT_EQ(amber.elapsed_permille, 750);
  EXPECT_EQ(amber.remaining_ms, 6 * kHour);
  const Progress due = progress_at(china(), start, contact, {}, start + 24 * kHour);
  EXPECT_TRUE(due.overdue);
  EXPECT_EQ(due.urgency, Urgency::red);
  const Progress late = progress_at(china(), start, contact, {}, start + 30 * kHour);
  EXPECT_EQ(late.until_due_ms, -6 * kHour);
  EXPECT_EQ(late.elapsed_permille, 1000);
  EXPECT_EQ(late.remaining_ms, 0);
  // Red earlier when the rule-set asks for it.
  EXPECT_EQ(progress_at(china(), start, contact, {}, start + 22 * kHour, {75, 90}).urgency, Urgency::red);
  // Before the start nothing has elapsed.
  EXPECT_EQ(progress_at(china(), start, contact, {}, start - kHour).elapsed_ms, 0);
}

TEST(Milestones, ReminderPointsFollowCountedTime) {
  // 5 working days from Friday 2025-09-26 20:00: counted days 09-28, 09-29, 09-30, 10-09, 10-10.
  // Half of the 120 counted hours = 60 h = 09-28, 09-29 whole and 12:00 on 09-30.
  const Millis start = at("2025-09-26T20:00:00+08:00");
  auto points = milestones(china(), start, {5, Unit::working_days}, {}, {500, 750, 1000});
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(format_iso_utc(*points[0]), "2025-09-30T04:00:00.000Z");  // 09-30 12:00 +08:00
  EXPECT_EQ(format_iso_utc(*points[1]), "2025-10-09T10:00:00.000Z");  // 90 h: 72 h + 18 h of 10-09
  EXPECT_EQ(points[2], compute_deadline(china(), start, {5, Unit::working_days}).due);
  // A pause over National Day costs nothing; an open pause holds every later point.
  auto held = milestones(china(), start, {24, Unit::hours}, {{start + kHour, std::nullopt}}, {500, 1000});
  EXPECT_FALSE(held[0]);
  EXPECT_FALSE(held[1]);
  auto early = milestones(china(), start, {24, Unit::hours}, {{start + 13 * kHour, std::nullopt}}, {500, 1000});
  EXPECT_EQ(early[0], start + 12 * kHour);
  EXPECT_FALSE(early[1]);
  expect_invalid([&] { milestones(china(), start, {24, Unit::hours}, {}, {0}); }, "reminders[0]");
}

TEST(Progress, WorkingDaysAcrossNationalDay) {
  const Millis start = at("2025-09-26T20:00:00+08:00");
  const Duration reply{5, Unit::working_days};
  // The event's own day and the holiday do not count.
  EXPECT_EQ(progress_at(china(), start, reply, {}, at("2025-09-27T23:00:00+08:00")).elapsed_ms, 0);
  const Progress holiday = progress_at(china(), start, reply, {}, at("2025-10-03T12:00:00+08:00"));
  EXPECT_EQ(holiday.elapsed_ms, 72 * kHour);  // 09-28, 09-29, 09-30
  EXPECT_EQ(holiday.elapsed_permille, 600);
  EXPECT_FALSE(holiday.paused);
  // 10-09 12:00: 72 h + 12 h = 84 h of 120 h = 70 %: still normal.
  EXPECT_EQ(progress_at(china(), start, reply, {}, at("2025-10-09T12:00:00+08:00")).urgency, Urgency::normal);
  // 10-10 06:00: 102 h = 85 %: amber.
  const Progress amber = progress_at(china(), start, reply, {}, at("2025-10-10T06:00:00+08:00"));
  EXPECT_EQ(amber.urgency, Urgency::amber);
  EXPECT_EQ(amber.remaining_ms, 18 * kHour);
  EXPECT_EQ(amber.until_due_ms, 18 * kHour);
  // Overdue on Saturday 10-11 morning.
  const Progress late = progress_at(china(), start, reply, {}, at("2025-10-11T09:00:00+08:00"));
  EXPECT_TRUE(late.overdue);
  EXPECT_EQ(late.urgency, Urgency::red);
  EXPECT_EQ(late.until_due_ms, -9 * kHour);
}

// ---------------------------------------------------------------------------------------------
// Validation (the API answers 422 naming the field)

TEST(Validation, NamesTheField) {
  const Millis start = at("2025-06-09T10:00:00+08:00");
  expect_invalid([&] { compute_deadline(china(), start, {0, Unit::working_days}); }, "amount");
  expect_invalid([&] { compute_deadline(china(), start, {-3, Unit::hours}); }, "amount");
  expect_invalid([&] { compute_deadline(china(), start, {367, Unit::working_days}); }, "amount");
  expect_invalid([&] { add_minutes(start, 0); }, "amount");
  expect_invalid([] { parse_unit("days"); }, "unit");
  expect_invalid([] { parse_unit("Hours"); }, "unit");
  EXPECT_EQ(parse_unit("working_days"), Unit::working_days);
  expect_invalid([&] { compute_deadline(china(), start, {1, static_cast<Unit>(9)}); }, "unit");
  expect_invalid([&] { compute_deadline(china(), at("3100-01-01T00:00:00Z"), {1, Unit::hours}); }, "from");
  expect_invalid([&] { compute_deadline(china(), start, {1, Unit::working_days}, {}, {0}); }, "end_of_day");
  expect_invalid([&] { compute_deadline(china(), start, {1, Unit::working_days}, {}, {1441}); }, "end_of_day");
  expect_invalid([&] { compute_deadline(china(), start, {1, Unit::hours}, {{start + kHour, start}}); },
                 "pauses[0].to");
  expect_invalid([&] { progress_at(china(), start, {1, Unit::hours}, {}, start, {80, 70}); }, "thresholds");
  // Every bad field is named at once.
  const AppError both = expect_invalid(
      [&] { compute_deadline(china(), start, {0, Unit::working_days}, {}, {2000}); }, "amount");
  ASSERT_EQ(both.issues().size(), 2u);
  EXPECT_EQ(both.issues()[1].field, "end_of_day");
}

// ---------------------------------------------------------------------------------------------
// Parsing the holiday files

TEST(HolidayJson, ReadsTheShippedFile) {
  const HolidaySchedule schedule = parse_holiday_json(read_data("2025.json"));
  EXPECT_EQ(schedule.year, 2025);
  EXPECT_EQ(schedule.days.size(), 33u);
  EXPECT_EQ(schedule.papers.at(0), "https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm");
  EXPECT_EQ(schedule.days.front().date.iso(), "2025-01-01");
  EXPECT_EQ(schedule.days.front().name, "元旦");
  EXPECT_EQ(schedule.days.front().adjustment, DayAdjustment::off_day);
  EXPECT_EQ(schedule.days.at(1).adjustment, DayAdjustment::makeup_working_day);  // 2025-01-26
}

TEST(HolidayJson, AllShippedYearsAgreeWithAPlainTextCount) {
  // A second, naive reading of each file — count the "date" keys and the "isOffDay": true values
  // in the text — must agree with the parser.
  auto count = [](const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
  };
  for (int year = 2020; year <= 2026; ++year) {
    const std::string text = read_data(std::to_string(year) + ".json");
    const HolidaySchedule schedule = parse_holiday_json(text);
    EXPECT_EQ(schedule.year, year);
    std::size_t off = 0;
    for (const AdjustedDay& adjusted : schedule.days) off += adjusted.adjustment == DayAdjustment::off_day;
    EXPECT_EQ(schedule.days.size(), count(text, "\"date\"")) << year;
    EXPECT_EQ(off, count(text, "\"isOffDay\": true")) << year;
    EXPECT_EQ(schedule.days.size() - off, count(text, "\"isOffDay\": false")) << year;
  }
}

TEST(HolidayJson, MalformedEntryNamesTheEntryAndLine) {
  const std::string text =
      "{\n"
      "  \"year\": 2026,\n"
      "  \"days\": [\n"
      "    {\"name\": \"元旦\", \"date\": \"2026-01-01\", \"isOffDay\": true},\n"
      "    {\"name\": \"元旦\", \"date\": \"2026-01-02\"},\n"
      "    {\"name\": \"元旦\", \"date\": \"2026-01-03\", \"isOffDay\": \"true\"}\n"
      "  ]\n"
      "}\n";
  const AppError error = expect_invalid([&] { parse_holiday_json(text); }, "days[1].isOffDay");
  EXPECT_EQ(error.issues().at(0).message, "is required");
  EXPECT_EQ(error.issues().at(0).row, 5);
  EXPECT_EQ(error.issues().at(1).field, "days[2].isOffDay");
  EXPECT_EQ(error.issues().at(1).message, "must be true or false");
  EXPECT_EQ(error.issues().at(1).row, 6);
}

TEST(HolidayJson, SyntaxErrorsNameTheLine) {
  const AppError comma = expect_invalid(
      [] { parse_holiday_json("{\n\"year\": 2026,\n\"days\": [\n{\"name\": \"a\", \"date\": \"2026-01-01\", \"isOffDay\": true},\n]\n}"); },
      "file");
  EXPECT_EQ(comma.issues().at(0).message, "trailing ',' before ']'");
  EXPECT_EQ(comma.issues().at(0).row, 5);
  const AppError missing = expect_invalid([] { parse_holiday_json("{\n\"year\": 2026\n\"days\": []}"); }, "file");
  EXPECT_EQ(missing.issues().at(0).row, 3);
  expect_invalid([] { parse_holiday_json("{\"year\": 2026, \"year\": 2027, \"days\": []}"); }, "file");
  expect_invalid([] { parse_holiday_json("{\"year\": 2026, \"days\": [] } x"); }, "file");
  expect_invalid([] { parse_holiday_json("{\"year\": 2026, \"days\": [{\"name\": \"a\nb\"}]}"); }, "file");
  expect_invalid([] { parse_holiday_json(std::string("{\"year\": 2026, \"days\": [\"\xC3\x28\"]}")); }, "file");
  expect_invalid([] { parse_holiday_json(std::string(100, '[') + std::string(100, ']')); }, "file");
  expect_invalid([] { parse_holiday_json("[]"); }, "file");
  expect_invalid([] { parse_holiday_json(""); }, "file");
  // Escapes decode (\u5143\u65e6 = 元旦).
  const HolidaySchedule escaped = parse_holiday_json(
      "{\"year\": 2026, \"days\": [{\"name\": \"\\u5143\\u65e6\", \"date\": \"2026-01-01\", \"isOffDay\": true}]}");
  EXPECT_EQ(escaped.days.at(0).name, "元旦");
}

TEST(HolidayJson, UnknownDatesAndYears) {
  auto one_day = [](const std::string& year, const std::string& date) {
    return "{\"year\": " + year + ", \"days\": [{\"name\": \"春节\", \"date\": \"" + date + "\", \"isOffDay\": true}]}";
  };
  EXPECT_EQ(expect_invalid([&] { parse_holiday_json(one_day("2026", "2026-02-30")); }, "days[0].date")
                .issues().at(0).message,
            "is not a valid date (YYYY-MM-DD)");
  expect_invalid([&] { parse_holiday_json(one_day("2026", "2026-13-01")); }, "days[0].date");
  expect_invalid([&] { parse_holiday_json(one_day("2026", "20260101")); }, "days[0].date");
  EXPECT_EQ(expect_invalid([&] { parse_holiday_json(one_day("2026", "2024-10-01")); }, "days[0].date")
                .issues().at(0).message,
            "2024-10-01 lies outside the schedule's year");
  // The December before and the January after are accepted (元旦 2023 began on 2022-12-31).
  EXPECT_EQ(parse_holiday_json(one_day("2023", "2022-12-31")).days.at(0).date.iso(), "2022-12-31");
  expect_invalid([&] { parse_holiday_json(one_day("2026.0", "2026-01-01")); }, "year");
  expect_invalid([&] { parse_holiday_json(one_day("\"2026\"", "2026-01-01")); }, "year");
  // An empty list is a year not yet published, not a year without holidays.
  EXPECT_NE(expect_invalid([] { parse_holiday_json("{\"year\": 2027, \"days\": []}"); }, "days")
                .issues().at(0).message.find("not published"),
            std::string::npos);
}

TEST(HolidayJson, DuplicateDates) {
  const std::string conflicting =
      "{\"year\": 2026, \"days\": [\n"
      "  {\"name\": \"国庆节\", \"date\": \"2026-10-10\", \"isOffDay\": false},\n"
      "  {\"name\": \"国庆节\", \"date\": \"2026-10-10\", \"isOffDay\": true}\n"
      "]}";
  const AppError error = expect_invalid([&] { parse_holiday_json(conflicting); }, "days[1].date");
  EXPECT_EQ(error.issues().at(0).message, "2026-10-10 is listed again with the opposite isOffDay (first on line 2)");
  EXPECT_EQ(error.issues().at(0).row, 3);
  const std::string repeated =
      "{\"year\": 2026, \"days\": [\n"
      "  {\"name\": \"国庆节\", \"date\": \"2026-10-10\", \"isOffDay\": false},\n"
      "  {\"name\": \"国庆节\", \"date\": \"2026-10-10\", \"isOffDay\": false}\n"
      "]}";
  EXPECT_EQ(expect_invalid([&] { parse_holiday_json(repeated); }, "days[1].date").issues().at(0).message,
            "2026-10-10 is listed twice (first on line 2)");
}

TEST(HolidayIcal, SameCalendarAsTheJson2026) {
  const HolidaySchedule from_json = parse_holiday_json(read_data("2026.json"));
  const HolidaySchedule from_ical = parse_holiday_ical(read_data("2026.ics"));
  EXPECT_EQ(from_ical.year, 2026);
  ASSERT_EQ(from_ical.days.size(), from_json.days.size());
  for (std::size_t i = 0; i < from_json.days.size(); ++i) {
    EXPECT_EQ(from_ical.days[i].date, from_json.days[i].date) << i;
    EXPECT_EQ(from_ical.days[i].adjustment, from_json.days[i].adjustment) << from_json.days[i].date.iso();
    EXPECT_EQ(from_ical.days[i].name, from_json.days[i].name) << from_json.days[i].date.iso();
  }
  const Calendar json_calendar = build_calendar("J", 1, {from_json});
  const Calendar ical_calendar = build_calendar("I", 1, {from_ical});
  for (Date date = day("2026-01-01"); date.year() == 2026; date = date.next())
    EXPECT_EQ(json_calendar.kind_of(date), ical_calendar.kind_of(date)) << date.iso();
}

TEST(HolidayIcal, FoldingNamesAndErrors) {
  // CRLF or LF, folded lines, an event without DTEND is one day, DTEND is exclusive.
  const std::string good =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:春节\r\n 假期\r\nDTSTART;VALUE=DATE:20270206\r\n"
      "DTEND;VALUE=DATE:20270208\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:上班（补春节假期）\r\n"
      "DTSTART;VALUE=DATE:20270214\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  const HolidaySchedule schedule = parse_holiday_ical(good);
  EXPECT_EQ(schedule.year, 2027);
  ASSERT_EQ(schedule.days.size(), 3u);
  EXPECT_EQ(schedule.days[1].date.iso(), "2027-02-07");
  EXPECT_EQ(schedule.days[1].name, "春节");
  EXPECT_EQ(schedule.days[2].adjustment, DayAdjustment::makeup_working_day);
  EXPECT_EQ(schedule.days[2].name, "春节");

  auto event = [](const std::string& lines) {
    return "BEGIN:VCALENDAR\nBEGIN:VEVENT\n" + lines + "END:VEVENT\nEND:VCALENDAR\n";
  };
  const AppError timed =
      expect_invalid([&] { parse_holiday_ical(event("SUMMARY:春节假期\nDTSTART:20270206T000000\n")); },
                     "events[0].DTSTART");
  EXPECT_EQ(timed.issues().at(0).row, 4);
  expect_invalid([&] { parse_holiday_ical(event("SUMMARY:春节假期\nDTSTART;VALUE=DATE:20270230\n")); },
                 "events[0].DTSTART");
  expect_invalid([&] { parse_holiday_ical(event("SUMMARY:春节假期\nDTSTART;VALUE=DATE:20270206\nRRULE:FREQ=YEARLY\n")); },
                 "events[0].RRULE");
  expect_invalid([&] { parse_holiday_ical(event("SUMMARY:春节假期\nDTSTART;VALUE=DATE:20270206\n"
                                                "DTEND;VALUE=DATE:20270206\n")); },
                 "events[0].DTEND");
  expect_invalid([&] { parse_holiday_ical(event("DTSTART;VALUE=DATE:20270206\n")); }, "events[0].SUMMARY");
  expect_invalid([] { parse_holiday_ical("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\n"); }, "file");
  expect_invalid([] { parse_holiday_ical("BEGIN:VCALENDAR\nEND:VEVENT\n"); }, "file");
  expect_invalid([] { parse_holiday_ical("hello"); }, "file");
  // Overlapping events that disagree.
  const AppError overlap = expect_invalid(
      [] {
        parse_holiday_ical(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:春节假期\nDTSTART;VALUE=DATE:20270206\n"
            "DTEND;VALUE=DATE:20270210\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:上班(补春节假期)\n"
            "DTSTART;VALUE=DATE:20270207\nEND:VEVENT\nEND:VCALENDAR\n");
      },
      "events[1].DTSTART");
  EXPECT_EQ(overlap.issues().at(0).message, "2027-02-07 is listed again with the opposite isOffDay (first on line 4)");
}

TEST(BuildCalendar, RefusesConflictsBetweenYears) {
  HolidaySchedule a{2026, {{day("2026-12-31"), DayAdjustment::off_day, "元旦"}}, {}};
  HolidaySchedule b{2027, {{day("2026-12-31"), DayAdjustment::makeup_working_day, "元旦"}}, {}};
  expect_invalid([&] { build_calendar("X", 1, {a, b}); }, "days");
  expect_invalid([&] { build_calendar("X", 1, {a, a}); }, "years");
  expect_invalid([&] { build_calendar("", 1, {a}); }, "code");
  // The same day listed alike by two neighbouring schedules is kept once.
  HolidaySchedule c{2027, {{day("2026-12-31"), DayAdjustment::off_day, "元旦"}}, {}};
  const Calendar calendar = build_calendar("X", 7, {a, c});
  EXPECT_EQ(calendar.days().size(), 1u);
  EXPECT_EQ(calendar.version(), 7);
  EXPECT_TRUE(calendar.covers(2027));
}

namespace lianxin::calendar {

TEST(WorkingTime, CountsWorkingDaysAfterTheEventMinusPauses) {
  // A national calendar with 2026 National Day: 10-01..10-07 off, 10-10 (Saturday) a make-up day.
  std::vector<AdjustedDay> days;
  for (int d = 1; d <= 7; ++d) days.push_back({Date::from_ymd(2026, 10, d), DayAdjustment::off_day, "国庆节"});
  days.push_back({Date::from_ymd(2026, 10, 10), DayAdjustment::makeup_working_day, "国庆节"});
  Calendar cal("CN", 1, {2026}, days);
  const Millis hour = 3'600'000, day = 24 * hour;
  const Millis accepted = shanghai_midnight(Date::from_ymd(2026, 9, 30)) + 10 * hour;
  // The event's date never counts; 10-08, 10-09, 10-10 do, 10-11 (Sunday) does not.
  EXPECT_EQ(working_time_between(cal, accepted, shanghai_midnight(Date::from_ymd(2026, 10, 12))), 3 * day);
  EXPECT_EQ(working_time_between(cal, accepted, accepted + hour), 0);
  // Paused Monday 10-12 00:00 to Wednesday 10-14 00:00; finished 10-20 10:00.
  const std::vector<Pause> pauses = {{shanghai_midnight(Date::from_ymd(2026, 10, 12)), shanghai_midnight(Date::from_ymd(2026, 10, 14))}};
  EXPECT_EQ(working_time_between(cal, accepted, shanghai_midnight(Date::from_ymd(2026, 10, 20)) + 10 * hour, pauses), 7 * day + 10 * hour);
  EXPECT_THROW(working_time_between(cal, accepted, shanghai_midnight(Date::from_ymd(2027, 1, 5))), CalendarYearMissing);
}

}  // namespace lianxin::calendar
