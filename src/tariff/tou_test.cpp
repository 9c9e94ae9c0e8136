#include "tariff/tou.hpp"

#include <gtest/gtest.h>

namespace lianxin::tariff {

namespace {
int at(int hour, int minute = 0) { return hour * 60 + minute; }
}  // namespace

TEST(TouSchedules, Guangdong2021) {
  const auto gd = guangdong_2021();
  EXPECT_TRUE(schedule_problems(gd).empty());
  EXPECT_EQ(period_at(gd, 3, at(10, 30)), TouPeriod::peak);
  EXPECT_EQ(period_at(gd, 3, at(12)), TouPeriod::flat);
  EXPECT_EQ(period_at(gd, 3, at(9)), TouPeriod::flat);
  EXPECT_EQ(period_at(gd, 3, at(3)), TouPeriod::valley);
  EXPECT_EQ(period_at(gd, 3, at(18, 45)), TouPeriod::peak);
  EXPECT_EQ(period_at(gd, 3, at(19)), TouPeriod::flat);
  EXPECT_EQ(period_at(gd, 7, at(11, 30)), TouPeriod::sharp);  // July: 尖峰 11–12 and 15–17
  EXPECT_EQ(period_at(gd, 7, at(16)), TouPeriod::sharp);
  EXPECT_EQ(period_at(gd, 7, at(10, 15)), TouPeriod::peak);
  EXPECT_EQ(period_at(gd, 10, at(11, 30)), TouPeriod::peak);  // October: no 尖峰
  // 7 h peak, 8 h valley, 9 h flat a day outside the summer.
  int minutes[5] = {};
  for (int m = 0; m < 1440; ++m) ++minutes[static_cast<int>(period_at(gd, 4, m))];
  EXPECT_EQ(minutes[static_cast<int>(TouPeriod::peak)], 7 * 60);
  EXPECT_EQ(minutes[static_cast<int>(TouPeriod::valley)], 8 * 60);
  EXPECT_EQ(minutes[static_cast<int>(TouPeriod::flat)], 9 * 60);
  EXPECT_EQ(gd.sharp_ratio, 2125);
}

TEST(TouSchedules, Jiangxi2025) {
  const auto jx = jiangxi_2025();
  EXPECT_TRUE(schedule_problems(jx).empty());
  EXPECT_EQ(period_at(jx, 1, at(19)), TouPeriod::sharp);
  EXPECT_EQ(period_at(jx, 1, at(20, 30)), TouPeriod::peak);
  EXPECT_EQ(period_at(jx, 1, at(5)), TouPeriod::valley);
  EXPECT_EQ(period_at(jx, 2, at(17)), TouPeriod::peak);
  EXPECT_EQ(period_at(jx, 7, at(21)), TouPeriod::sharp);
  EXPECT_EQ(period_at(jx, 9, at(21)), TouPeriod::peak);  // no 尖峰 in September
  EXPECT_EQ(period_at(jx, 7, at(12, 30)), TouPeriod::deep);
  EXPECT_EQ(period_at(jx, 7, at(11, 45)), TouPeriod::valley);
  EXPECT_EQ(period_at(jx, 4, at(13)), TouPeriod::deep);
  EXPECT_EQ(period_at(jx, 4, at(15)), TouPeriod::flat);
  EXPECT_EQ(period_at(jx, 4, at(0, 30)), TouPeriod::flat);  // valley only 1–5 outside winter
}

TEST(TouSchedules, BadSchedulesAreRefused) {
  TouSchedule s;
  s.bands = {{months_mask({1}), 600, 720, TouPeriod::peak}, {months_mask({1}), 700, 800, TouPeriod::valley}, {0, 0, 10, TouPeriod::peak},
             {months_mask({2}), 900, 800, TouPeriod::peak}};
  const auto problems = schedule_problems(s);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_NE(problems[0].find("overlaps band 1"), std::string::npos);
  EXPECT_NE(problems[1].find("months"), std::string::npos);
  EXPECT_NE(problems[2].find("within the day"), std::string::npos);
}

// rules_cn §8.4: Hubei 尖峰 Jul–Aug 20–22, else 18–20; 高峰 Jul–Aug 16–20 and 22–24, else 16–18
// and 20–24; 平 6–12 and 14–16; 谷 0–6 and 12–14.
TEST(TouSchedules, Hubei2024) {
  const auto hb = hubei_2024();
  EXPECT_TRUE(schedule_problems(hb).empty());
  EXPECT_EQ(period_at(hb, 7, at(21)), TouPeriod::sharp);
  EXPECT_EQ(period_at(hb, 7, at(19)), TouPeriod::peak);
  EXPECT_EQ(period_at(hb, 7, at(23, 45)), TouPeriod::peak);
  EXPECT_EQ(period_at(hb, 1, at(19)), TouPeriod::sharp);
  EXPECT_EQ(period_at(hb, 1, at(21)), TouPeriod::peak);
  EXPECT_EQ(period_at(hb, 1, at(17)), TouPeriod::peak);
  EXPECT_EQ(period_at(hb, 1, at(13)), TouPeriod::valley);
  EXPECT_EQ(period_at(hb, 1, at(5, 45)), TouPeriod::valley);
  EXPECT_EQ(period_at(hb, 1, at(6)), TouPeriod::flat);
  EXPECT_EQ(period_at(hb, 1, at(15)), TouPeriod::flat);
  // Every month: 2 h sharp, 6 h peak, 8 h flat, 8 h valley.
  for (int month = 1; month <= 12; ++month) {
    int minutes[5] = {};
    for (int m = 0; m < 1440; ++m) ++minutes[static_cast<int>(period_at(hb, month, m))];
    EXPECT_EQ(minutes[static_cast<int>(TouPeriod::sharp)], 120) << month;
    EXPECT_EQ(minutes[static_cast<int>(TouPeriod::peak)], 360) << month;
    EXPECT_EQ(minutes[static_cast<int>(TouPeriod::flat)], 480) << month;
    EXPECT_EQ(minutes[static_cast<int>(TouPeriod::valley)], 480) << month;
  }
}

// rules_cn §8.3: Zhejiang, summer/winter (Jan, Jul, Aug, Dec) 尖峰 9–11 and 15–17, 高峰 8–9 and
// 17–23, 平 13–15 and 23–24, 低谷 0–8 and 11–13; spring/autumn 高峰 8–11 and 13–17, 平 17–24,
// 低谷 0–8 and 11–13.
TEST(TouSchedules, Zhejiang2024) {
  const auto zj = zhejiang_2024();
  EXPECT_TRUE(schedule_problems(zj).empty());
  EXPECT_EQ(period_at(zj, 7, at(10)), TouPeriod::sharp);
  EXPECT_EQ(period_at(zj, 7, at(8, 30)), TouPeriod::peak);
  EXPECT_EQ(period_at(zj, 7, at(14)), TouPeriod::flat);
  EXPECT_EQ(period_at(zj, 7, at(23, 30)), TouPeriod::flat);
  EXPECT_EQ(period_at(zj, 12, at(16)), TouPeriod::sharp);
  EXPECT_EQ(period_at(zj, 4, at(10)), TouPeriod::peak);
  EXPECT_EQ(period_at(zj, 4, at(14)), TouPeriod::peak);
  EXPECT_EQ(period_at(zj, 4, at(18)), TouPeriod::flat);
  EXPECT_EQ(period_at(zj, 4, at(12)), TouPeriod::valley);
  auto hours = [&](int month, TouPeriod p) {
    int minutes = 0;
    for (int m = 0; m < 1440; ++m) minutes += period_at(zj, month, m) == p ? 1 : 0;
    return minutes / 60;
  };
  EXPECT_EQ(hours(1, TouPeriod::sharp), 4);
  EXPECT_EQ(hours(1, TouPeriod::peak), 7);
  EXPECT_EQ(hours(1, TouPeriod::flat), 3);
  EXPECT_EQ(hours(1, TouPeriod::valley), 10);
  EXPECT_EQ(hours(5, TouPeriod::peak), 7);
  EXPECT_EQ(hours(5, TouPeriod::flat), 7);
  EXPECT_EQ(hours(5, TouPeriod::valley), 10);
  EXPECT_EQ(zj.peak_ratio, 0);  // not known
}

}  // namespace lianxin::tariff
