#include "clocks/rules.hpp"

#include "common/errors.hpp"
#include "common/strings.hpp"

namespace lianxin::clocks {

Schedule schedule_of(const calendar::Calendar& calendar, const ClockSpec& spec) {
  Schedule schedule;
  schedule.permille = spec.reminder_permille;
  schedule.permille.push_back(1000);
  if (spec.inherited_due) {
    schedule.due = spec.inherited_due;
    const Millis span = std::max<Millis>(0, *spec.inherited_due - spec.started_at);
    for (int share : schedule.permille) schedule.points.push_back(spec.started_at + span * share / 1000);
    return schedule;
  }
  calendar::DeadlineOptions options;
  options.end_of_day_minute = spec.end_of_day_minute;
  schedule.points = calendar::milestones(calendar, spec.started_at, spec.duration, spec.pauses, schedule.permille, options);
  schedule.due = schedule.points.back();
  return schedule;
}

std::vector<int> parse_permille(const std::string& text, const std::string& field) {
  std::vector<int> out;
  if (trim(text).empty()) return out;
  for (const auto& part : split(text, ',')) {
    const std::string item = trim(part);
    int value = 0;
    bool digits = !item.empty() && item.size() <= 4;
    for (char c : item) digits = digits && c >= '0' && c <= '9';
    if (digits) value = std::stoi(item);
    if (!digits || value < 1 || value > 999)
      throw AppError(ErrorCode::validation_failed, "invalid reminder shares",
                     {{field, "each share is a whole number of thousandths from 1 to 999"}});
    if (!out.empty() && value <= out.back())
      throw AppError(ErrorCode::validation_failed, "invalid reminder shares",
                     {{field, "shares must be ascending without repeats"}});
    out.push_back(value);
  }
  return out;
}

std::string format_permille(const std::vector<int>& permille) {
  std::string out;
  for (int share : permille) {
    if (!out.empty()) out += ',';
    out += std::to_string(share);
  }
  return out;
}

std::vector<Firing> due_firings(const Schedule& schedule, int stage, Millis now) {
  std::vector<Firing> out;
  for (std::size_t i = static_cast<std::size_t>(std::max(stage, 0)); i < schedule.points.size(); ++i) {
    const auto& point = schedule.points[i];
    if (!point || *point > now) break;
    const bool breach = i + 1 == schedule.points.size();
    out.push_back({static_cast<int>(i), schedule.permille[i], breach, *point});
  }
  return out;
}

std::optional<Millis> next_fire_at(const Schedule& schedule, int stage) {
  if (stage < 0 || static_cast<std::size_t>(stage) >= schedule.points.size()) return std::nullopt;
  return schedule.points[static_cast<std::size_t>(stage)];
}

}  // namespace lianxin::clocks
