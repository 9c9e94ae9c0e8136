#pragma once
// Time-of-use periods (分时电价时段) as data: which period a minute of a day in a month falls in,
// for a province's published schedule. Pure. Two schedules of rules_cn §8 ship as examples:
// Guangdong 粤发改价格〔2021〕331号 [V] and Jiangxi 赣发改价管〔2025〕463号 [S]. Holiday rules
// (深谷 at noon on 春节, 五一, 国庆 in Jiangxi) and the weather-triggered 尖峰 days of Guangdong
// outside July–September are not modelled yet.
#include <cstdint>
#include <string>
#include <vector>

namespace lianxin::tariff {

enum class TouPeriod { sharp, peak, flat, valley, deep };  // 尖峰, 高峰, 平, 低谷, 深谷
const char* tou_period_code(TouPeriod p);

// A band: in the months of `months` (bit m for month m, 1–12), minutes [start, end) of the day
// belong to `period`. Bands of sharp and deep periods win over peak and valley ones; minutes in no
// band are flat.
struct TouBand {
  std::uint16_t months = 0;
  int start = 0, end = 0;  // minutes of the day, 0–1440
  TouPeriod period = TouPeriod::flat;
};
struct TouSchedule {
  std::string code, name, source;
  std::vector<TouBand> bands;
  // Price ratios to the flat price, in thousandths (峰:平:谷 = 1.7:1:0.38 → 1700, 1000, 380).
  int sharp_ratio = 0, peak_ratio = 0, valley_ratio = 0, deep_ratio = 0;
};

std::uint16_t months_mask(std::initializer_list<int> months);
constexpr std::uint16_t kAllMonths = 0x1FFE;  // bits 1–12

TouPeriod period_at(const TouSchedule& s, int month, int minute_of_day);
// Problems of a schedule (empty when valid): months outside 1–12, bands outside the day or empty,
// two bands of the same rank that overlap with different periods.
std::vector<std::string> schedule_problems(const TouSchedule& s);

TouSchedule guangdong_2021();
TouSchedule jiangxi_2025();
// Hubei 鄂发改价管〔2024〕77号 as quoted with the January 2026 table (rules_cn §8.4 [S]).
TouSchedule hubei_2024();
// Zhejiang 浙发改价格〔2024〕21号 (rules_cn §8.3 [S]): the periods only, the price ratios are not known.
TouSchedule zhejiang_2024();

}  // namespace lianxin::tariff
