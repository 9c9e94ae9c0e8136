#pragma once
// Load statistics of one account-month of 15-minute readings (负荷特性), pure: energy, maximum
// demand as billing meters define it, load factor, peak–valley rates, the typical-day curve
// (典型日曲线) and the energy of each time-of-use period. The readings are a month as MonthCurve
// holds them (days × 96 kW, NaN = missing); every function skips missing readings.
//
// Each reading is already the 15-minute average demand, so the month's maximum demand (最大需量) is
// simply the largest reading, and a reading's energy is kW × 0.25 h.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lianxin::curves {

struct MonthStats {
  int present = 0;              // readings present; 0 leaves every figure below at 0 (max_slot −1)
  double kwh = 0;               // Σ kW × 0.25 over present readings
  double max_kw = 0;            // maximum demand: the largest 15-minute average
  int max_day = 0, max_slot = -1;  // where it was first reached: day 1-based, slot 0–95
  double min_kw = 0, avg_kw = 0;
  double load_factor = 0;       // 月负荷率 avg_kw / max_kw (0 when max_kw ≤ 0)
  double peak_valley_rate = 0;  // 月峰谷差率 (max_kw − min_kw) / max_kw over the whole month (0 when max_kw ≤ 0)
  // 月平均日峰谷差率: the mean over complete days (all 96 readings, daily max > 0) of each day's
  // (max − min) / max; 0 when there is no complete day.
  double avg_daily_peak_valley_rate = 0;
  int complete_days = 0;
};

// `kw` must hold days_in_month(year, month) × 96 readings, else std::invalid_argument.
MonthStats month_stats(std::span<const float> kw, int year, int month);

// kWh per day (index 0 = day 1) over the present readings.
std::vector<double> daily_kwh(std::span<const float> kw);

// 典型日曲线: per slot, the mean of the present readings of the chosen days (`use_days` empty = all
// days, else one entry per day, e.g. working days only). A slot with no reading is NaN.
std::array<double, 96> typical_day(std::span<const float> kw, const std::vector<bool>& use_days = {});

// kWh per time-of-use period: `slot_period[s]` is the period (0–4) of slot s for this month. The
// indexes are the caller's; tariff::TouPeriod's order (sharp, peak, flat, valley, deep) casts
// directly. A period index above 4 throws std::invalid_argument.
using SlotPeriods = std::array<std::uint8_t, 96>;
std::array<double, 5> kwh_by_period(std::span<const float> kw, const SlotPeriods& slot_period);

// The hot loop of scanning many months: the largest reading and the sum and count of the present
// ones of a contiguous span, with NaN skipped by selects rather than branches so that it compiles
// to SIMD (SSE: four 4-float lanes; sums are kept in float lanes for 256 readings at a time, then
// added in double).
// No present reading: max_kw = −infinity, sum_kw = 0, present = 0.
struct MaxSum {
  float max_kw;
  double sum_kw;
  std::size_t present;
};
MaxSum max_sum(const float* p, std::size_t n);

// The floor to compare max_sum with: a plain vectorised float sum (NaN not skipped).
float plain_sum(const float* p, std::size_t n);

}  // namespace lianxin::curves
