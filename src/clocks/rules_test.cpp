// Fire points of deadline clocks (pure).
#include <gtest/gtest.h>

#include "calendar/holidays.hpp"
#include "clocks/rules.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"

using namespace lianxin;
using namespace lianxin::clocks;

namespace {

// Weekends only, covering 2025: enough for clock units and plain working days.
const calendar::Calendar& plain() {
  static const calendar::Calendar c("T", 1, {2025}, {});
  return c;
}

constexpr Millis kHour = 3'600'000;
Millis at(const std::string& text) { return parse_iso_instant(text, "at"); }

}  // namespace

TEST(ClockSchedule, RemindersThenBreach) {
  ClockSpec spec;
  spec.started_at = at("2025-06-09T10:00:00+08:00");
  spec.duration = {24, calendar::Unit::hours};
  spec.reminder_permille = {500, 750};
  Schedule s = schedule_of(plain(), spec);
  ASSERT_EQ(s.points.size(), 3u);
  EXPECT_EQ(*s.points[0], spec.started_at + 12 * kHour);
  EXPECT_EQ(*s.points[1], spec.started_at + 18 * kHour);
  EXPECT_EQ(*s.points[2], spec.started_at + 24 * kHour);
  EXPECT_EQ(s.due, s.points[2]);

  // Nothing due before the first point; two points at once after a long outage of the scheduler.
  EXPECT_TRUE(due_firings(s, 0, spec.started_at + 11 * kHour).empty());
  auto late = due_firings(s, 0, spec.started_at + 19 * kHour);
  ASSERT_EQ(late.size(), 2u);
  EXPECT_EQ(late[0].permille, 500);
  EXPECT_EQ(late[1].permille, 750);
  EXPECT_FALSE(late[1].breach);
  // Already fired stages are not fired again.
  auto rest = due_firings(s, 2, spec.started_at + 30 * kHour);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_TRUE(rest[0].breach);
  EXPECT_EQ(next_fire_at(s, 1), s.points[1]);
  EXPECT_FALSE(next_fire_at(s, 3));
}

TEST(ClockSchedule, PausedClockHoldsLaterPoints) {
  ClockSpec spec;
  spec.started_at = at("2025-06-09T10:00:00+08:00");
  spec.duration = {24, calendar::Unit::hours};
  spec.reminder_permille = {500};
  spec.pauses = {{spec.started_at + 13 * kHour, std::nullopt}};
  Schedule s = schedule_of(plain(), spec);
  EXPECT_EQ(*s.points[0], spec.started_at + 12 * kHour);
  EXPECT_FALSE(s.points[1]);
  EXPECT_FALSE(s.due);
  EXPECT_EQ(due_firings(s, 0, spec.started_at + 100 * kHour).size(), 1u);  // the held breach never fires
  // Resumed after 5 hours: everything after the pause moves by 5 hours.
  spec.pauses = {{spec.started_at + 13 * kHour, spec.started_at + 18 * kHour}};
  s = schedule_of(plain(), spec);
  EXPECT_EQ(*s.due, spec.started_at + 29 * kHour);
}

TEST(ClockSchedule, InheritedDueIsTakenAsGiven) {
  ClockSpec spec;
  spec.started_at = at("2025-06-09T10:00:00+08:00");
  spec.duration = {4, calendar::Unit::working_days};
  spec.inherited_due = spec.started_at + 40 * kHour;
  spec.reminder_permille = {500};
  Schedule s = schedule_of(plain(), spec);
  EXPECT_EQ(s.due, spec.inherited_due);
  EXPECT_EQ(*s.points[0], spec.started_at + 20 * kHour);
}

TEST(ClockSchedule, ParsesShares) {
  EXPECT_EQ(parse_permille("500, 750"), (std::vector<int>{500, 750}));
  EXPECT_TRUE(parse_permille("").empty());
  EXPECT_EQ(format_permille({250, 900}), "250,900");
  for (const char* bad : {"0", "1000", "750,500", "abc", "500,500", "-1"}) {
    try {
      parse_permille(bad, "clocks[1].reminder_permille");
      ADD_FAILURE() << bad;
    } catch (const AppError& e) {
      EXPECT_EQ(e.issues().at(0).field, "clocks[1].reminder_permille");
    }
  }
}
