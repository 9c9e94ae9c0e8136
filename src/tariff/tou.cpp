#include "tariff/tou.hpp"

namespace lianxin::tariff {

const char* tou_period_code(TouPeriod p) {
  switch (p) {
    case TouPeriod::sharp: return "sharp";
    case TouPeriod::peak: return "peak";
    case TouPeriod::flat: return "flat";
    case TouPeriod::valley: return "valley";
    case TouPeriod::deep: return "deep";
  }
  return "flat";
}

std::uint16_t months_mask(std::initializer_list<int> months) {
  std::uint16_t m = 0;
  for (int month : months) m = static_cast<std::uint16_t>(m | (1u << month));
  return m;
}

namespace {

bool special(TouPeriod p) { return p == TouPeriod::sharp || p == TouPeriod::deep; }
constexpr int h(int hours, int minutes = 0) { return hours * 60 + minutes; }

}  // namespace

TouPeriod period_at(const TouSchedule& s, int month, int minute) {
  TouPeriod found = TouPeriod::flat;
  bool found_special = false;
  for (const TouBand& b : s.bands) {
    if (!(b.months & (1u << month)) || minute < b.start || minute >= b.end) continue;
    if (special(b.period)) return b.period;
    if (!found_special) found = b.period;
  }
  return found;
}

std::vector<std::string> schedule_problems(const TouSchedule& s) {
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < s.bands.size(); ++i) {
    const TouBand& b = s.bands[i];
    const std::string which = "band " + std::to_string(i + 1);
    if (b.months == 0 || (b.months & ~kAllMonths)) problems.push_back(which + ": months must be 1–12");
    if (b.start < 0 || b.end > 1440 || b.start >= b.end) problems.push_back(which + ": the time must lie within the day and not be empty");
    for (std::size_t j = 0; j < i; ++j) {
      const TouBand& o = s.bands[j];
      if ((o.months & b.months) && o.start < b.end && b.start < o.end && special(o.period) == special(b.period) && o.period != b.period)
        problems.push_back(which + ": overlaps band " + std::to_string(j + 1) + " with another period");
    }
  }
  return problems;
}

TouSchedule guangdong_2021() {
  TouSchedule s;
  s.code = "guangdong_2021";
  s.name = "广东省分时电价（粤发改价格〔2021〕331号）";
  s.source = "rules_cn §8.1 [V]";
  s.bands = {{kAllMonths, h(10), h(12), TouPeriod::peak},
             {kAllMonths, h(14), h(19), TouPeriod::peak},
             {kAllMonths, h(0), h(8), TouPeriod::valley},
             // 尖峰 in July–September (other days at ≥ 35 °C forecasts are announced, not modelled).
             {months_mask({7, 8, 9}), h(11), h(12), TouPeriod::sharp},
             {months_mask({7, 8, 9}), h(15), h(17), TouPeriod::sharp}};
  s.peak_ratio = 1700;
  s.valley_ratio = 380;
  s.sharp_ratio = 1700 * 125 / 100;  // 峰段 × 1.25
  return s;
}

TouSchedule jiangxi_2025() {
  TouSchedule s;
  s.code = "jiangxi_2025";
  s.name = "江西省分时电价（赣发改价管〔2025〕463号）";
  s.source = "rules_cn §8.2 [S]";
  const auto jan_dec = months_mask({1, 12});
  const auto feb = months_mask({2});
  const auto summer = months_mask({7, 8, 9});
  const auto rest = months_mask({3, 4, 5, 6, 10, 11});
  const auto except_jan_feb_dec = static_cast<std::uint16_t>(summer | rest);
  s.bands = {{jan_dec, h(9), h(12), TouPeriod::peak},
             {jan_dec, h(18), h(21), TouPeriod::peak},
             {jan_dec, h(18), h(20), TouPeriod::sharp},
             {jan_dec, h(0), h(6), TouPeriod::valley},
             {feb, h(16), h(22), TouPeriod::peak},
             {feb, h(0), h(6), TouPeriod::valley},
             {summer, h(17), h(23), TouPeriod::peak},
             {months_mask({7, 8}), h(20, 30), h(22, 30), TouPeriod::sharp},
             {except_jan_feb_dec, h(1), h(5), TouPeriod::valley},
             {except_jan_feb_dec, h(11, 30), h(14, 30), TouPeriod::valley},
             {except_jan_feb_dec, h(12), h(14), TouPeriod::deep},
             {rest, h(16), h(22), TouPeriod::peak}};
  s.peak_ratio = 1600;
  s.valley_ratio = 400;
  s.deep_ratio = 300;
  s.sharp_ratio = 1800;
  return s;
}

TouSchedule hubei_2024() {
  TouSchedule s;
  s.code = "hubei_2024";
  s.name = "湖北省分时电价（鄂发改价管〔2024〕77号）";
  s.source = "rules_cn §8.4 [S]";
  const auto summer = months_mask({7, 8});
  const auto rest = static_cast<std::uint16_t>(kAllMonths & ~summer);
  s.bands = {{summer, h(20), h(22), TouPeriod::sharp},
             {rest, h(18), h(20), TouPeriod::sharp},
             {summer, h(16), h(20), TouPeriod::peak},
             {summer, h(22), h(24), TouPeriod::peak},
             {rest, h(16), h(18), TouPeriod::peak},
             {rest, h(20), h(24), TouPeriod::peak},
             {kAllMonths, h(0), h(6), TouPeriod::valley},
             {kAllMonths, h(12), h(14), TouPeriod::valley}};
  s.sharp_ratio = 2000;
  s.peak_ratio = 1495;  // the January 2026 table implies 1.495; the document rounds to 1.5
  s.valley_ratio = 450;
  return s;
}

TouSchedule zhejiang_2024() {
  TouSchedule s;
  s.code = "zhejiang_2024";
  s.name = "浙江省分时电价时段（浙发改价格〔2024〕21号）";
  s.source = "rules_cn §8.3 [S] (periods only; price ratios unverified)";
  const auto summer_winter = months_mask({1, 7, 8, 12});
  const auto spring_autumn = months_mask({2, 3, 4, 5, 6, 9, 10, 11});
  s.bands = {{spring_autumn, h(8), h(11), TouPeriod::peak},
             {spring_autumn, h(13), h(17), TouPeriod::peak},
             {kAllMonths, h(0), h(8), TouPeriod::valley},
             {kAllMonths, h(11), h(13), TouPeriod::valley},
             {summer_winter, h(9), h(11), TouPeriod::sharp},
             {summer_winter, h(15), h(17), TouPeriod::sharp},
             {summer_winter, h(8), h(9), TouPeriod::peak},
             {summer_winter, h(17), h(23), TouPeriod::peak}};
  // The ratios are not in rules_cn (marked [U]): left at 0, the tables carry the prices.
  return s;
}

}  // namespace lianxin::tariff
