#include "calendar/rules.hpp"

#include <algorithm>
#include <limits>

namespace lianxin::calendar {
namespace {

constexpr Millis kMinuteMs = 60'000;
constexpr Millis kHourMs = 3'600'000;
constexpr Millis kDayMs = 86'400'000;
constexpr Millis kForever = std::numeric_limits<Millis>::max();

// Instants are accepted from 1900-01-01 to 2999-12-31 (UTC): the calendar's year range, and far
// enough from the int64 limits that no sum below can overflow.
Millis min_instant() { return static_cast<Millis>(Date::from_ymd(1900, 1, 1).days) * kDayMs; }
Millis max_instant() { return static_cast<Millis>(Date::from_ymd(3000, 1, 1).days) * kDayMs; }

void check_instant(Millis at, const std::string& field, Validator& validator) {
  if (at < min_instant() || at >= max_instant()) validator.add(field, "must lie between the years 1900 and 2999");
}

void check_end_of_day(const DeadlineOptions& options, Validator& validator) {
  if (options.end_of_day_minute < 1 || options.end_of_day_minute > 24 * 60)
    validator.add("end_of_day", "must be between 1 and 1440 minutes after midnight");
}

void check_duration(const Duration& duration, const std::string& field, Validator& validator) {
  const std::int64_t most = max_amount(duration.unit);
  if (duration.amount < 1) {
    validator.add(field, "must be a positive whole number");
  } else if (duration.amount > most) {
    validator.add(field, "is too large: at most " + std::to_string(most));
  }
}

struct Interval {
  Millis from;
  Millis to;  // kForever for an open pause
};

// Validates the pauses, clips them to the clock's start, sorts and merges them.
std::vector<Interval> normalize_pauses(const std::vector<Pause>& pauses, Millis start, Validator& validator) {
  std::vector<Interval> intervals;
  for (std::size_t i = 0; i < pauses.size(); ++i) {
    const Pause& pause = pauses[i];
    const std::string prefix = "pauses[" + std::to_string(i) + "]";
    const std::size_t issues_before = validator.issues().size();
    check_instant(pause.from, prefix + ".from", validator);
    if (pause.to) {
      check_instant(*pause.to, prefix + ".to", validator);
      if (*pause.to < pause.from) validator.add(prefix + ".to", "must not be before from");
    }
    if (validator.issues().size() != issues_before) continue;
    const Interval interval{std::max(pause.from, start), pause.to ? *pause.to : kForever};
    if (interval.to > interval.from) intervals.push_back(interval);
  }
  std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) { return a.from < b.from; });
  std::vector<Interval> merged;
  for (const Interval& interval : intervals) {
    if (!merged.empty() && interval.from <= merged.back().to) {
      merged.back().to = std::max(merged.back().to, interval.to);
    } else {
      merged.push_back(interval);
    }
  }
  return merged;
}

// Consumes counted time window by window, skipping pauses, until the budget is used up, the limit
// is reached, or an open pause holds the clock.
class Walker {
 public:
  Walker(const std::vector<Interval>& pauses, Millis budget, Millis limit)
      : pauses_(pauses), remaining_(budget), limit_(limit) {}

  bool done() const { return done_; }
  bool held() const { return held_; }
  Millis consumed() const { return consumed_; }
  Millis paused() const { return paused_; }
  const std::optional<Millis>& reached() const { return reached_; }

  // True (and done) when a window starting at `at` can count nothing more: the limit is reached or
  // an open pause covers everything from `at` on. Lets the day loop stop before asking the
  // calendar about a date it does not need.
  bool stops_before(Millis at) {
    if (at >= limit_) return done_ = true;
    while (next_ < pauses_.size() && pauses_[next_].to <= at) ++next_;
    if (next_ < pauses_.size() && pauses_[next_].from <= at && pauses_[next_].to == kForever) {
      held_ = true;
      return done_ = true;
    }
    return false;
  }

  // Feeds the counted window [from, to); returns whether any unpaused time in it counted.
  bool feed(Millis from, Millis to) {
    if (done_) return false;
    if (stops_before(from)) return false;
    const Millis end = std::min(to, limit_);
    bool counted = false;
    Millis cursor = from;
    while (cursor < end) {
      while (next_ < pauses_.size() && pauses_[next_].to <= cursor) ++next_;
      if (next_ < pauses_.size() && pauses_[next_].from <= cursor) {
        if (pauses_[next_].to == kForever) {
          held_ = done_ = true;
          return counted;
        }
        const Millis until = std::min(pauses_[next_].to, end);
        paused_ += until - cursor;
        cursor = until;
        continue;
      }
      const Millis segment_end = next_ < pauses_.size() ? std::min(end, pauses_[next_].from) : end;
      const Millis take = segment_end - cursor;
      counted = true;
      if (take >= remaining_) {
        consumed_ += remaining_;
        reached_ = cursor + remaining_;
        remaining_ = 0;
        done_ = true;
        return counted;
      }
      remaining_ -= take;
      consumed_ += take;
      cursor = segment_end;
    }
    if (end >= limit_) done_ = true;
    return counted;
  }

 private:
  const std::vector<Interval>& pauses_;
  std::size_t next_ = 0;
  Millis remaining_;
  Millis limit_;
  Millis consumed_ = 0;
  Millis paused_ = 0;
  std::optional<Millis> reached_;
  bool done_ = false;
  bool held_ = false;
};

Millis budget_of(const Duration& duration, const DeadlineOptions& options) {
  switch (duration.unit) {
    case Unit::minutes: return duration.amount * kMinuteMs;
    case Unit::hours: return duration.amount * kHourMs;
    case Unit::working_days: return (duration.amount - 1) * kDayMs + options.end_of_day_minute * kMinuteMs;
  }
  return 0;
}

struct Walked {
  Walker walker;
  std::vector<Date> counted_days;
  std::vector<Date> skipped_days;
};

// Runs the walk for a validated clock. Working-day clocks count whole working days after the
// start's Shanghai date; `track_days` collects the counted and skipped dates.
void walk(const Calendar& calendar, Millis from, Unit unit, Walked& walked, bool track_days) {
  Walker& walker = walked.walker;
  if (unit != Unit::working_days) {
    walker.feed(from, kForever);
    return;
  }
  const Date start_date = shanghai_date_of(from);
  calendar.kind_of(start_date, "from");  // the start's own year must be covered
  std::vector<Date> pending_skipped;
  for (Date date = start_date.next(); !walker.done(); date = date.next()) {
    const Millis midnight = shanghai_midnight(date);
    if (walker.stops_before(midnight)) break;
    if (!calendar.is_working_day(date, "amount")) {
      if (track_days) pending_skipped.push_back(date);
      continue;
    }
    if (walker.feed(midnight, midnight + kDayMs) && track_days) {
      walked.counted_days.push_back(date);
      walked.skipped_days.insert(walked.skipped_days.end(), pending_skipped.begin(), pending_skipped.end());
      pending_skipped.clear();
    }
  }
}

}  // namespace

Unit parse_unit(std::string_view text, const std::string& field) {
  if (text == "minutes") return Unit::minutes;
  if (text == "hours") return Unit::hours;
  if (text == "working_days") return Unit::working_days;
  throw AppError(ErrorCode::validation_failed, "validation failed",
                 {{field, "must be one of minutes, hours, working_days"}});
}

const char* unit_name(Unit unit) {
  switch (unit) {
    case Unit::minutes: return "minutes";
    case Unit::hours: return "hours";
    case Unit::working_days: return "working_days";
  }
  return "minutes";
}

std::int64_t max_amount(Unit unit) {
  switch (unit) {
    case Unit::minutes: return 366LL * 24 * 60;
    case Unit::hours: return 366LL * 24;
    case Unit::working_days: return 366;
  }
  return 0;
}

void validate_duration(const Duration& duration, const std::string& field) {
  Validator validator;
  check_duration(duration, field, validator);
  validator.throw_if_failed();
}

Millis add_minutes(Millis from, std::int64_t minutes) {
  Validator validator;
  check_instant(from, "from", validator);
  validator.throw_if_failed();
  validate_duration({minutes, Unit::minutes});
  return from + minutes * kMinuteMs;
}

Millis add_hours(Millis from, std::int64_t hours) {
  Validator validator;
  check_instant(from, "from", validator);
  validator.throw_if_failed();
  validate_duration({hours, Unit::hours});
  return from + hours * kHourMs;
}

Deadline add_working_days(const Calendar& calendar, Millis from, std::int64_t days, const DeadlineOptions& options) {
  return compute_deadline(calendar, from, {days, Unit::working_days}, {}, options);
}

namespace {

// Validates all inputs at once (so one answer names every bad field) and normalises the pauses.
std::vector<Interval> validated(Millis from, const Duration& duration, const std::vector<Pause>& pauses,
                                const DeadlineOptions& options) {
  Validator validator;
  check_instant(from, "from", validator);
  if (duration.unit != Unit::minutes && duration.unit != Unit::hours && duration.unit != Unit::working_days) {
    validator.add("unit", "must be one of minutes, hours, working_days");
  } else {
    check_duration(duration, "amount", validator);
  }
  check_end_of_day(options, validator);
  std::vector<Interval> intervals = normalize_pauses(pauses, from, validator);
  validator.throw_if_failed();
  return intervals;
}

}  // namespace

Deadline compute_deadline(const Calendar& calendar, Millis from, const Duration& duration,
                          const std::vector<Pause>& pauses, const DeadlineOptions& options) {
  const std::vector<Interval> intervals = validated(from, duration, pauses, options);
  Deadline deadline;
  deadline.budget_ms = budget_of(duration, options);
  Walked walked{Walker(intervals, deadline.budget_ms, kForever), {}, {}};
  walk(calendar, from, duration.unit, walked, true);
  deadline.due = walked.walker.reached();
  deadline.paused_ms = walked.walker.paused();
  deadline.counted_days = std::move(walked.counted_days);
  deadline.skipped_days = std::move(walked.skipped_days);
  return deadline;
}

std::vector<std::optional<Millis>> milestones(const Calendar& calendar, Millis from, const Duration& duration,
                                              const std::vector<Pause>& pauses, const std::vector<int>& permille,
                                              const DeadlineOptions& options) {
  const std::vector<Interval> intervals = validated(from, duration, pauses, options);
  {
    Validator validator;
    for (std::size_t i = 0; i < permille.size(); ++i)
      if (permille[i] < 1 || permille[i] > 1000)
        validator.add("reminders[" + std::to_string(i) + "]", "must be between 1 and 1000 thousandths");
    validator.throw_if_failed();
  }
  const Millis budget = budget_of(duration, options);
  std::vector<std::optional<Millis>> out;
  out.reserve(permille.size());
  for (int share : permille) {
    // At least 1 ms of counted time, so a tiny share still lies after the start.
    const Millis part = std::max<Millis>(1, budget * share / 1000);
    Walked walked{Walker(intervals, part, kForever), {}, {}};
    walk(calendar, from, duration.unit, walked, false);
    out.push_back(walked.walker.reached());
  }
  return out;
}

const char* urgency_name(Urgency urgency) {
  switch (urgency) {
    case Urgency::normal: return "normal";
    case Urgency::amber: return "amber";
    case Urgency::red: return "red";
  }
  return "normal";
}

Progress progress_at(const Calendar& calendar, Millis from, const Duration& duration, const std::vector<Pause>& pauses,
                     Millis at, const Thresholds& thresholds, const DeadlineOptions& options) {
  {
    Validator validator;
    check_instant(at, "at", validator);
    if (thresholds.amber_percent < 1 || thresholds.amber_percent > thresholds.red_percent ||
        thresholds.red_percent > 100)
      validator.add("thresholds", "need 1 <= amber_percent <= red_percent <= 100");
    validator.throw_if_failed();
  }
  const Deadline deadline = compute_deadline(calendar, from, duration, pauses, options);
  const std::vector<Interval> intervals = validated(from, duration, pauses, options);

  Progress progress;
  progress.due = deadline.due;
  progress.budget_ms = deadline.budget_ms;
  // Counted time only up to the due: past it the clock is simply overdue, and the walk never needs
  // the calendar beyond the deadline.
  const Millis limit = deadline.due ? std::min(at, *deadline.due) : at;
  Walked walked{Walker(intervals, deadline.budget_ms, limit), {}, {}};
  walk(calendar, from, duration.unit, walked, false);
  progress.elapsed_ms = walked.walker.consumed();
  progress.remaining_ms = progress.budget_ms - progress.elapsed_ms;
  progress.elapsed_permille = static_cast<int>(progress.elapsed_ms * 1000 / progress.budget_ms);
  if (deadline.due) progress.until_due_ms = *deadline.due - at;
  progress.overdue = deadline.due && at >= *deadline.due;
  for (const Interval& interval : intervals) {
    if (interval.from <= at && at < interval.to) progress.paused = true;
  }
  const Millis scaled = progress.elapsed_ms * 100;
  if (progress.overdue || scaled >= thresholds.red_percent * progress.budget_ms) {
    progress.urgency = Urgency::red;
  } else if (scaled >= thresholds.amber_percent * progress.budget_ms) {
    progress.urgency = Urgency::amber;
  }
  return progress;
}

Millis working_time_between(const Calendar& calendar, Millis from, Millis to, const std::vector<Pause>& pauses) {
  if (to <= from) return 0;
  Millis counted = 0;
  const Date last = shanghai_date_of(to);
  for (Date d = shanghai_date_of(from).next(); d <= last; d = d.next()) {
    if (!calendar.is_working_day(d, "to")) continue;
    const Millis begin = std::max(shanghai_midnight(d), from), end = std::min(shanghai_midnight(d.next()), to);
    if (end <= begin) continue;
    Millis day = end - begin;
    for (const Pause& p : pauses) {
      const Millis pb = std::max(p.from, begin), pe = std::min(p.to.value_or(end), end);
      if (pe > pb) day -= pe - pb;
    }
    counted += std::max<Millis>(day, 0);
  }
  return counted;
}

}  // namespace lianxin::calendar
