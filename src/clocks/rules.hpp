#pragma once
// Deadline clocks as pure rules: when a clock is due, and when it fires. A clock fires a reminder
// at each configured share of its allowed time (in thousandths, e.g. 500 and 750) and then the
// breach at the due (1000). The shares follow counted time, so a reminder at 50 % of a
// working-day clock falls half way through its working days, not half way on the wall clock.
// No I/O: the store (store.hpp) keeps clocks as rows and the scheduler sweeps them.
#include <optional>
#include <string>
#include <vector>

#include "calendar/rules.hpp"
#include "common/clock.hpp"

namespace lianxin::clocks {


struct ClockSpec {
  Millis started_at = 0;
  calendar::Duration duration;
  int end_of_day_minute = 24 * 60;
  // An upstream deadline (95598 order) taken as given: the due is this instant and the reminder
  // shares are shares of the wall-clock time from the start to it; pauses do not move it.
  std::optional<Millis> inherited_due;
  std::vector<int> reminder_permille;  // ascending, each 1..999
  std::vector<calendar::Pause> pauses;
};

// The due and the fire points: one per reminder share, then the breach (= the due). A point is
// nullopt while an open pause holds the clock before it.
struct Schedule {
  std::optional<Millis> due;
  std::vector<int> permille;                // the reminder shares, then 1000
  std::vector<std::optional<Millis>> points;
};

Schedule schedule_of(const calendar::Calendar& calendar, const ClockSpec& spec);

// "500,750" → {500, 750}. Each share must be 1..999, ascending without repeats; errors name `field`.
std::vector<int> parse_permille(const std::string& text, const std::string& field = "reminder_permille");
std::string format_permille(const std::vector<int>& permille);

// A fire point that has come: stage is its index in the schedule.
struct Firing {
  int stage = 0;
  int permille = 0;
  bool breach = false;
  Millis at = 0;
};

// The points from `stage` on that lie at or before `now`, in order. A held point stops the list:
// later points cannot come before it.
std::vector<Firing> due_firings(const Schedule& schedule, int stage, Millis now);
// The instant of the first point at or after `stage`; nullopt when every point fired or it is held.
std::optional<Millis> next_fire_at(const Schedule& schedule, int stage);

}  // namespace lianxin::clocks
