#include "curves/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "curves/rules.hpp"

namespace lianxin::curves {

namespace {

constexpr double kHoursPerSlot = 0.25;

std::size_t whole_days(std::span<const float> kw, const char* who) {
  if (kw.size() % kSlotsPerDay != 0) throw std::invalid_argument(std::string(who) + ": not a whole number of days");
  return kw.size() / kSlotsPerDay;
}

// GCC/Clang vector extensions of 4 floats: one SSE register on every x86-64 (and NEON on ARM).
// Wider types (vector_size(32)) are split into scalar code by GCC when the target lacks AVX, so the
// loops below use four 4-float accumulators instead. Masks rather than branches, so NaN costs nothing.
typedef float v4f __attribute__((vector_size(16)));
typedef std::int32_t v4i __attribute__((vector_size(16)));

inline v4f load4(const float* p) {
  v4f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline v4f select(v4i mask, v4f a, v4f b) { return reinterpret_cast<v4f>((reinterpret_cast<v4i>(a) & mask) | (reinterpret_cast<v4i>(b) & ~mask)); }
// Lanes where v is present keep v, NaN lanes become 0; `present` is −1 where v is present.
inline v4f present_or_zero(v4f v, v4i& present) {
  present = v == v;
  return reinterpret_cast<v4f>(reinterpret_cast<v4i>(v) & present);
}

}  // namespace

MonthStats month_stats(std::span<const float> kw, int year, int month) {
  const int days = days_in_month(year, month);
  if (days == 0 || kw.size() != static_cast<std::size_t>(days) * kSlotsPerDay)
    throw std::invalid_argument("month_stats: expected days_in_month × 96 readings");
  MonthStats st;
  double sum = 0, max = -std::numeric_limits<double>::infinity(), min = std::numeric_limits<double>::infinity();
  double daily_rates = 0;
  for (int d = 0; d < days; ++d) {
    const float* p = kw.data() + static_cast<std::size_t>(d) * kSlotsPerDay;
    int count = 0;
    float day_max = -std::numeric_limits<float>::infinity(), day_min = std::numeric_limits<float>::infinity();
    for (int s = 0; s < kSlotsPerDay; ++s) {
      const float v = p[s];
      if (std::isnan(v)) continue;
      ++count;
      sum += v;
      if (v > max) max = v, st.max_day = d + 1, st.max_slot = s;
      min = std::min<double>(min, v);
      day_max = std::max(day_max, v);
      day_min = std::min(day_min, v);
    }
    st.present += count;
    if (count == kSlotsPerDay && day_max > 0) {
      ++st.complete_days;
      daily_rates += (static_cast<double>(day_max) - day_min) / day_max;
    }
  }
  if (st.present == 0) return st;
  st.kwh = sum * kHoursPerSlot;
  st.max_kw = max;
  st.min_kw = min;
  st.avg_kw = sum / st.present;
  if (max > 0) {
    st.load_factor = st.avg_kw / max;
    st.peak_valley_rate = (max - min) / max;
  }
  if (st.complete_days > 0) st.avg_daily_peak_valley_rate = daily_rates / st.complete_days;
  return st;
}

std::vector<double> daily_kwh(std::span<const float> kw) {
  const std::size_t days = whole_days(kw, "daily_kwh");
  std::vector<double> out(days, 0.0);
  for (std::size_t d = 0; d < days; ++d) {
    double sum = 0;
    for (int s = 0; s < kSlotsPerDay; ++s) {
      const float v = kw[d * kSlotsPerDay + static_cast<std::size_t>(s)];
      sum += std::isnan(v) ? 0.0 : v;
    }
    out[d] = sum * kHoursPerSlot;
  }
  return out;
}

std::array<double, 96> typical_day(std::span<const float> kw, const std::vector<bool>& use_days) {
  const std::size_t days = whole_days(kw, "typical_day");
  if (!use_days.empty() && use_days.size() != days) throw std::invalid_argument("typical_day: use_days does not match the days");
  std::array<double, 96> sum{};
  std::array<int, 96> count{};
  for (std::size_t d = 0; d < days; ++d) {
    if (!use_days.empty() && !use_days[d]) continue;
    for (std::size_t s = 0; s < kSlotsPerDay; ++s) {
      const float v = kw[d * kSlotsPerDay + s];
      if (std::isnan(v)) continue;
      sum[s] += v;
      ++count[s];
    }
  }
  std::array<double, 96> out;
  for (std::size_t s = 0; s < kSlotsPerDay; ++s) out[s] = count[s] ? sum[s] / count[s] : std::numeric_limits<double>::quiet_NaN();
  return out;
}

std::array<double, 5> kwh_by_period(std::span<const float> kw, const SlotPeriods& slot_period) {
  const std::size_t days = whole_days(kw, "kwh_by_period");
  for (std::uint8_t p : slot_period)
    if (p > 4) throw std::invalid_argument("kwh_by_period: period index above 4");
  // Sum each slot over the days first (one pass, in memory order), then map slots to periods.
  std::array<double, 96> per_slot{};
  for (std::size_t d = 0; d < days; ++d)
    for (std::size_t s = 0; s < kSlotsPerDay; ++s) {
      const float v = kw[d * kSlotsPerDay + s];
      per_slot[s] += std::isnan(v) ? 0.0 : v;
    }
  std::array<double, 5> out{};
  for (std::size_t s = 0; s < kSlotsPerDay; ++s) out[slot_period[s]] += per_slot[s] * kHoursPerSlot;
  return out;
}

MaxSum max_sum(const float* p, std::size_t n) {
  constexpr float neg_inf = -std::numeric_limits<float>::infinity();
  constexpr std::size_t kBlock = 256;  // each float lane adds at most 16 readings before a flush to double
  const v4f lowest = {neg_inf, neg_inf, neg_inf, neg_inf};
  v4f max0 = lowest, max1 = lowest, max2 = lowest, max3 = lowest;
  v4i count = {};
  double sum = 0;
  std::size_t i = 0;
  const std::size_t vector_end = n - n % 16;
  while (i < vector_end) {
    const std::size_t block_end = std::min(vector_end, i + kBlock);
    v4f sum0 = {}, sum1 = {}, sum2 = {}, sum3 = {};
    for (; i < block_end; i += 16) {
      const v4f a = load4(p + i), b = load4(p + i + 4), c = load4(p + i + 8), d = load4(p + i + 12);
      max0 = select(a > max0, a, max0);  // false for NaN: NaN never becomes the max
      max1 = select(b > max1, b, max1);
      max2 = select(c > max2, c, max2);
      max3 = select(d > max3, d, max3);
      v4i pa, pb, pc, pd;
      sum0 += present_or_zero(a, pa);
      sum1 += present_or_zero(b, pb);
      sum2 += present_or_zero(c, pc);
      sum3 += present_or_zero(d, pd);
      count -= (pa + pb) + (pc + pd);
    }
    const v4f s = (sum0 + sum1) + (sum2 + sum3);
    sum += (static_cast<double>(s[0]) + s[1]) + (static_cast<double>(s[2]) + s[3]);
  }
  max0 = select(max1 > max0, max1, max0);
  max2 = select(max3 > max2, max3, max2);
  max0 = select(max2 > max0, max2, max0);
  float max = neg_inf;
  for (int k = 0; k < 4; ++k) max = max0[k] > max ? max0[k] : max;
  std::size_t present = 0;
  for (int k = 0; k < 4; ++k) present += static_cast<std::size_t>(count[k]);
  for (; i < n; ++i) {
    const float v = p[i];
    max = v > max ? v : max;
    const bool here = v == v;
    sum += here ? v : 0.0f;
    present += here;
  }
  return {max, sum, present};
}

float plain_sum(const float* p, std::size_t n) {
  v4f sum0 = {}, sum1 = {}, sum2 = {}, sum3 = {};
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    sum0 += load4(p + i);
    sum1 += load4(p + i + 4);
    sum2 += load4(p + i + 8);
    sum3 += load4(p + i + 12);
  }
  const v4f s = (sum0 + sum1) + (sum2 + sum3);
  float total = (s[0] + s[1]) + (s[2] + s[3]);
  for (; i < n; ++i) total += p[i];
  return total;
}

}  // namespace lianxin::curves
