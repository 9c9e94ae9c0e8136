#include "analysis/anomalies.hpp"

#include <gtest/gtest.h>

namespace lianxin::analysis {

namespace {

std::vector<MonthPoint> steady(int n, double kwh, double kvarh) {
  std::vector<MonthPoint> out;
  for (int i = 1; i <= n; ++i) {
    char period[8];
    std::snprintf(period, sizeof period, "2025-%02d", i);
    MonthPoint m;
    m.period = period;
    m.kwh = kwh * (1 + 0.02 * (i % 3));
    m.kvarh = kvarh;
    out.push_back(m);
  }
  return out;
}

std::vector<std::string> kinds(const std::vector<Anomaly>& list) {
  std::vector<std::string> out;
  for (auto& a : list) out.push_back(a.kind + "@" + a.period);
  return out;
}

}  // namespace

TEST(Anomalies, SteadyAccountHasNone) { EXPECT_TRUE(detect_anomalies(steady(12, 100000, 40000), {}).empty()); }

TEST(Anomalies, SuddenDropUnlessPeersFellToo) {
  auto months = steady(8, 100000, 40000);
  months[7].kwh = 30000;
  months[7].kvarh = 12000;
  auto found = detect_anomalies(months, {});
  ASSERT_EQ(kinds(found), (std::vector<std::string>{"sudden_drop@2025-08"}));
  EXPECT_EQ(found[0].severity, 2);
  EXPECT_NEAR(found[0].expected_kwh, 102000, 1);
  // Peers that held up make it a stronger suspicion; peers that fell alike (a holiday, a heat wave
  // shutdown) explain it.
  found = detect_anomalies(months, {{"2025-08", {0.97, 12}}});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, 3);
  EXPECT_NE(found[0].evidence_zh.find("同行业 12 户"), std::string::npos);
  EXPECT_TRUE(detect_anomalies(months, {{"2025-08", {0.35, 12}}}).empty());
  // Too few peers: judged on the account alone.
  EXPECT_EQ(detect_anomalies(months, {{"2025-08", {0.35, 2}}}).size(), 1u);
}

TEST(Anomalies, ZeroFlatReverseAndPowerFactor) {
  auto months = steady(9, 100000, 40000);
  months[4].kwh = 0;
  months[4].kvarh = 0;
  months[6].has_curve = true;
  months[6].points = 2976;
  months[6].flat_points = 1000;
  months[7].has_curve = true;
  months[7].points = 2976;
  months[7].negatives = 2;
  months[8].kvarh = 100000;  // PF 0.71 against a usual 0.93
  const auto found = kinds(detect_anomalies(months, {}));
  EXPECT_EQ(found, (std::vector<std::string>{"zero_reading@2025-05", "flat_curve@2025-07", "reverse_energy@2025-08", "pf_anomaly@2025-09"}));
}

TEST(Anomalies, NeedsThreeMonthsOfHistory) {
  auto months = steady(3, 100000, 40000);
  months[2].kwh = 1000;
  EXPECT_TRUE(detect_anomalies(months, {}).empty());
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 2, 3}), 2.5);
}

}  // namespace lianxin::analysis
