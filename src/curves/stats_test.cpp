#include "curves/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "curves/rules.hpp"

namespace lianxin::curves {

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
}

// February 2015 (28 days): 100 kW everywhere, 400 kW on the 3rd at 10:00 (slot 40), the 5th missing.
TEST(CurvesStats, HandComputedMonth) {
  std::vector<float> kw(28 * 96, 100.0f);
  kw[2 * 96 + 40] = 400;
  std::fill_n(kw.begin() + 4 * 96, 96, kNaN);
  const MonthStats st = month_stats(kw, 2015, 2);
  EXPECT_EQ(st.present, 27 * 96);
  EXPECT_DOUBLE_EQ(st.kwh, (27 * 96 * 100 + 300) * 0.25);  // 64,875 kWh
  EXPECT_DOUBLE_EQ(st.max_kw, 400);
  EXPECT_EQ(st.max_day, 3);
  EXPECT_EQ(st.max_slot, 40);
  EXPECT_DOUBLE_EQ(st.min_kw, 100);
  EXPECT_DOUBLE_EQ(st.avg_kw, 259500.0 / 2592);
  EXPECT_DOUBLE_EQ(st.load_factor, 259500.0 / 2592 / 400);
  EXPECT_DOUBLE_EQ(st.peak_valley_rate, 0.75);
  EXPECT_EQ(st.complete_days, 27);
  EXPECT_DOUBLE_EQ(st.avg_daily_peak_valley_rate, 0.75 / 27);

  // Time of use: valley 00:00–08:00 and 22:00–24:00, peak 08:00–12:00 and 18:00–22:00, flat between.
  SlotPeriods periods{};
  for (int s = 0; s < 96; ++s) periods[static_cast<std::size_t>(s)] = s < 32 || s >= 88 ? 3 : (s < 48 || s >= 72) ? 1 : 2;
  const std::array<double, 5> tou = kwh_by_period(kw, periods);
  EXPECT_DOUBLE_EQ(tou[0], 0);
  EXPECT_DOUBLE_EQ(tou[1], 27 * 32 * 25 + 75);  // the 400 kW reading is in the peak
  EXPECT_DOUBLE_EQ(tou[2], 27 * 24 * 25);
  EXPECT_DOUBLE_EQ(tou[3], 27 * 40 * 25);
  EXPECT_DOUBLE_EQ(tou[4], 0);
  EXPECT_DOUBLE_EQ(tou[0] + tou[1] + tou[2] + tou[3] + tou[4], st.kwh);
  periods[7] = 5;
  EXPECT_THROW(kwh_by_period(kw, periods), std::invalid_argument);

  const std::vector<double> days = daily_kwh(kw);
  ASSERT_EQ(days.size(), 28u);
  EXPECT_DOUBLE_EQ(days[0], 2400);
  EXPECT_DOUBLE_EQ(days[2], 2475);
  EXPECT_DOUBLE_EQ(days[4], 0);

  EXPECT_THROW(month_stats(kw, 2016, 2), std::invalid_argument);  // 29 days
  EXPECT_THROW(month_stats(kw, 2015, 13), std::invalid_argument);
}

// January 2012 of the real Area1 curve, against a sum computed independently (Python over the CSV).
TEST(CurvesStats, RealMonth) {
  const char* env = std::getenv("LIANXIN_SHARED_DATA");
  std::ifstream in(std::filesystem::path(env && *env ? env : LIANXIN_SHARED_DATA) / "load-curves" / "dgb2016_Area1_Load.csv", std::ios::binary);
  if (!in) FAIL() << "shared data not found";
  std::ostringstream text;
  text << in.rdbuf();
  const ParseResult r = parse_curves(text.str(), {.default_account = "A1"});
  ASSERT_TRUE(r.ok());
  const MonthCurve& jan = r.curves.at(0);
  const MonthStats st = month_stats(jan.kw, jan.year, jan.month);
  EXPECT_EQ(st.present, 31 * 96);
  EXPECT_NEAR(st.kwh, 2992355.29068, 1.0);  // float readings: within 1 kWh of 3 GWh
  EXPECT_NEAR(st.max_kw, 7772.622784, 0.001);
  EXPECT_EQ(st.max_day, 5);
  EXPECT_EQ(st.max_slot, 67);  // 16:45
  const MaxSum fast = max_sum(jan.kw.data(), jan.kw.size());
  EXPECT_EQ(fast.max_kw, static_cast<float>(st.max_kw));
  EXPECT_NEAR(fast.sum_kw * 0.25, st.kwh, 1.0);
  SlotPeriods all_flat;
  all_flat.fill(2);
  EXPECT_NEAR(kwh_by_period(jan.kw, all_flat)[2], st.kwh, 1e-6 * st.kwh);
}

TEST(CurvesStats, EmptyAndNegativeMonths) {
  const std::vector<float> none(30 * 96, kNaN);
  const MonthStats st = month_stats(none, 2015, 4);
  EXPECT_EQ(st.present, 0);
  EXPECT_EQ(st.kwh, 0);
  EXPECT_EQ(st.max_slot, -1);
  EXPECT_EQ(st.load_factor, 0);

  std::vector<float> exporting(30 * 96, -5.0f);  // a generator's export: no load factor
  const MonthStats neg = month_stats(exporting, 2015, 4);
  EXPECT_DOUBLE_EQ(neg.max_kw, -5);
  EXPECT_EQ(neg.load_factor, 0);
  EXPECT_EQ(neg.peak_valley_rate, 0);
}

TEST(CurvesStats, TypicalDay) {
  // April 2015: day d reads d kW in every slot; slot 5 is missing everywhere.
  std::vector<float> kw(30 * 96);
  for (int d = 0; d < 30; ++d)
    for (int s = 0; s < 96; ++s) kw[static_cast<std::size_t>(d * 96 + s)] = s == 5 ? kNaN : static_cast<float>(d + 1);
  kw[3 * 96 + 7] = kNaN;  // day 4 slot 7 missing: the mean of slot 7 is over the other days
  const std::array<double, 96> all = typical_day(kw);
  EXPECT_DOUBLE_EQ(all[0], 15.5);
  EXPECT_TRUE(std::isnan(all[5]));
  EXPECT_DOUBLE_EQ(all[7], (465.0 - 4) / 29);
  std::vector<bool> even(30);
  for (int d = 0; d < 30; ++d) even[static_cast<std::size_t>(d)] = (d + 1) % 2 == 0;
  const std::array<double, 96> working = typical_day(kw, even);
  EXPECT_DOUBLE_EQ(working[0], 16);
  EXPECT_THROW(typical_day(kw, std::vector<bool>(29, true)), std::invalid_argument);
  EXPECT_THROW(typical_day(std::span<const float>(kw.data(), 95)), std::invalid_argument);
}

TEST(CurvesStats, MaxSumMatchesAScalarLoop) {
  std::mt19937 gen(42);
  std::uniform_real_distribution<float> value(-50, 5000);
  std::bernoulli_distribution missing(0.1);
  for (std::size_t n : {0, 1, 7, 15, 16, 17, 33, 255, 256, 257, 1000, 2976}) {
    std::vector<float> kw(n);
    for (float& v : kw) v = missing(gen) ? kNaN : value(gen);
    float max = -std::numeric_limits<float>::infinity();
    double sum = 0, plain = 0;
    std::size_t present = 0;
    for (float v : kw) {
      if (std::isnan(v)) continue;
      max = std::max(max, v);
      sum += v;
      ++present;
    }
    const MaxSum ms = max_sum(kw.data(), n);
    EXPECT_EQ(ms.max_kw, max) << n;
    EXPECT_NEAR(ms.sum_kw, sum, 1e-6 * (std::abs(sum) + 1)) << n;
    EXPECT_EQ(ms.present, present) << n;
    for (float& v : kw)
      if (std::isnan(v)) v = 1;
    for (float v : kw) plain += v;
    EXPECT_NEAR(plain_sum(kw.data(), n), plain, 1e-5 * (std::abs(plain) + 1)) << n;
  }
  // All missing: no max.
  const std::vector<float> none(100, kNaN);
  const MaxSum ms = max_sum(none.data(), none.size());
  EXPECT_EQ(ms.present, 0u);
  EXPECT_EQ(ms.sum_kw, 0);
  EXPECT_TRUE(std::isinf(ms.max_kw) && ms.max_kw < 0);
  // NaN in the first lane position does not poison the max.
  std::vector<float> first_nan(32, 3.0f);
  first_nan[0] = kNaN;
  first_nan[9] = 8;
  EXPECT_EQ(max_sum(first_nan.data(), 32).max_kw, 8.0f);
}

}  // namespace lianxin::curves
