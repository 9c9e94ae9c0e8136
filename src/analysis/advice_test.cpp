#include "analysis/advice.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace lianxin::analysis {

namespace {

using tariff::BasicMode;
using tariff::TouPeriod;

BasicCase hubei_case(double capacity) {
  BasicCase c;
  c.capacity_kva = capacity;
  c.capacity_price_fen = 2630;  // rules_cn §8.4, two-part 1–10 kV
  c.demand_price_fen = 4200;
  return c;
}

// rules_cn §8.4: the Hubei January 2026 two-part 10 kV rate.
tariff::Rate hubei_rate() {
  tariff::Rate r;
  r.category = "ci_two_part";
  r.voltage_levels = {"10kV"};
  r.energy_uyuan = 651886;
  r.period_uyuan[tariff::period_index(TouPeriod::sharp)] = 1049999;
  r.period_uyuan[tariff::period_index(TouPeriod::peak)] = 848961;
  r.period_uyuan[tariff::period_index(TouPeriod::flat)] = 651886;
  r.period_uyuan[tariff::period_index(TouPeriod::valley)] = 432924;
  r.funds_uyuan = 45200;
  r.demand_fen = 4200;
  r.capacity_fen = 2630;
  return r;
}

MonthFacts month(const std::string& period, double total, double max_kw, double kvarh) {
  MonthFacts m;
  m.period = period;
  m.kwh[tariff::period_index(TouPeriod::sharp)] = total * 0.1;
  m.kwh[tariff::period_index(TouPeriod::peak)] = total * 0.3;
  m.kwh[tariff::period_index(TouPeriod::flat)] = total * 0.35;
  m.kwh[tariff::period_index(TouPeriod::valley)] = total * 0.25;
  m.max_demand_kw = max_kw;
  m.kvarh = kvarh;
  return m;
}

const Recommendation* find(const std::vector<Recommendation>& list, const std::string& kind) {
  for (auto& r : list)
    if (r.kind == kind) return &r;
  return nullptr;
}

}  // namespace

TEST(BasicChargeChoice, LowDemandPrefersDemandBilling) {
  const DemandMonth months[3] = {{300, 100000}, {300, 100000}, {300, 100000}};
  auto c = hubei_case(1000);
  auto best = best_basic_charge(months, 3, c);
  EXPECT_EQ(best.mode, BasicMode::actual_demand);
  EXPECT_EQ(best.fen, 3 * 300 * 4200);
  EXPECT_EQ(basic_cost(months, 3, BasicMode::capacity, 0, c), 3 * 1000 * 2630);
  // Without the actual-demand option: a contract at the 40 % floor (400 kW).
  c.actual_demand_allowed = false;
  best = best_basic_charge(months, 3, c);
  EXPECT_EQ(best.mode, BasicMode::contract_demand);
  EXPECT_DOUBLE_EQ(best.contract_demand_kw, 400);
  EXPECT_EQ(best.fen, 3 * 400 * 4200);
}

TEST(BasicChargeChoice, HighDemandKeepsCapacity) {
  const DemandMonth months[3] = {{900, 300000}, {880, 300000}, {910, 300000}};
  const auto best = best_basic_charge(months, 3, hubei_case(1000));
  EXPECT_EQ(best.mode, BasicMode::capacity);
  EXPECT_EQ(best.fen, 3 * 1000 * 2630);
}

// The break-point search finds the same optimum as trying every whole kilowatt.
TEST(BasicChargeChoice, ContractLevelEqualsBruteForce) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> demand(50, 1200), kwh(10000, 400000);
  for (int trial = 0; trial < 200; ++trial) {
    DemandMonth months[3];
    for (auto& m : months) m = {std::round(demand(rng) * 10) / 10, kwh(rng)};
    auto c = hubei_case(1250);
    c.actual_demand_allowed = false;
    c.capacity_price_fen = 1000000;  // make capacity billing lose, so the contract level is compared
    const auto best = best_basic_charge(months, 3, c);
    ASSERT_EQ(best.mode, BasicMode::contract_demand);
    std::int64_t brute = INT64_MAX;
    for (int level = 500; level <= 1300; ++level) brute = std::min(brute, basic_cost(months, 3, BasicMode::contract_demand, level, c));
    EXPECT_EQ(best.fen, brute) << trial;
  }
}

TEST(Advice, UnderusedCapacityAccount) {
  AccountInput in;
  in.rate = hubei_rate();
  in.current.basic_mode = BasicMode::capacity;
  in.current.capacity_kva = 2000;
  in.current.pf_standard = tariff::PfStandard::pf090;
  // A year at 100,000 kWh and 500 kW a month, power factor 0.80 (kvarh = 0.75 × kWh).
  for (int m = 1; m <= 12; ++m) {
    char period[8];
    std::snprintf(period, sizeof period, "2025-%02d", m);
    in.months.push_back(month(period, 100000, 500, 75000));
  }
  const auto recs = advise(in);
  ASSERT_FALSE(recs.empty());
  for (std::size_t i = 1; i < recs.size(); ++i) EXPECT_GE(recs[i - 1].saving_fen, recs[i].saving_fen);  // largest first

  const auto* basic = find(recs, "basic_charge");
  ASSERT_NE(basic, nullptr);
  ASSERT_EQ(basic->quarters.size(), 4u);
  // Capacity 2,000 × 26.3 = 52,600 元 a month; actual demand 500 × 42 = 21,000 元.
  EXPECT_EQ(basic->quarters[0].current_fen, 3 * 2000 * 2630);
  EXPECT_EQ(basic->quarters[0].best.mode, BasicMode::actual_demand);
  EXPECT_EQ(basic->saving_fen, 12 * (2000 * 2630 - 500 * 4200));

  const auto* tou = find(recs, "tou_shift");
  ASSERT_NE(tou, nullptr);
  // 10 % of 10,000 sharp and 30,000 peak kWh a month moved to valley.
  const double per_month = 1000 * (1.049999 - 0.432924) + 3000 * (0.848961 - 0.432924);
  EXPECT_NEAR(static_cast<double>(tou->saving_fen), std::round(per_month * 100) * 12, 24);
  EXPECT_NEAR(tou->shift_kwh, 48000, 1e-6);

  const auto* pf = find(recs, "pf_correction");
  ASSERT_NE(pf, nullptr);
  EXPECT_EQ(pf->pf_before, 80);
  EXPECT_EQ(pf->pf_after, 95);
  // 500 kW × (tan(acos 0.80) − tan(acos 0.95)) = 500 × (0.75 − 0.3287) = 210.7 → 220 kvar.
  EXPECT_DOUBLE_EQ(pf->capacitor_kvar, 220);
  EXPECT_GT(pf->saving_fen, 0);

  const auto* cap = find(recs, "capacity_reduction");
  ASSERT_NE(cap, nullptr);
  // 500 kW / 0.95 / 0.8 = 658 kVA → 800 kVA.
  EXPECT_DOUBLE_EQ(cap->new_capacity_kva, 800);
  EXPECT_EQ(cap->saving_fen, (2000 - 800) * 2630 * 12);
  EXPECT_FALSE(cap->assumptions.empty());
  EXPECT_EQ(find(recs, "suspension"), nullptr);  // no idle month
}

TEST(Advice, IdleMonthsSuggestSuspension) {
  AccountInput in;
  in.rate = hubei_rate();
  in.current.basic_mode = BasicMode::capacity;
  in.current.capacity_kva = 630;
  for (int m = 1; m <= 12; ++m) {
    char period[8];
    std::snprintf(period, sizeof period, "2025-%02d", m);
    const bool idle = m == 1 || m == 2;  // a sugar mill's off season
    in.months.push_back(month(period, idle ? 500 : 150000, idle ? 20 : 560, 0));
  }
  const auto recs = advise(in);
  const auto* s = find(recs, "suspension");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->suspend_periods, (std::vector<std::string>{"2025-01", "2025-02"}));
  EXPECT_EQ(s->saving_fen, 2 * 630 * 2630);
}

TEST(Advice, NothingToSayWithoutHistoryOrForSinglePart) {
  AccountInput in;
  in.rate = hubei_rate();
  in.current.capacity_kva = 1000;
  in.months = {month("2025-01", 1000, 10, 0), month("2025-02", 1000, 10, 0)};
  EXPECT_TRUE(advise(in).empty());  // fewer than three months
  in.rate.category = "ci_single";
  in.current.time_of_use = false;
  in.months.push_back(month("2025-03", 1000, 10, 0));
  EXPECT_TRUE(advise(in).empty());
}

TEST(Advice, StandardSizes) {
  EXPECT_DOUBLE_EQ(standard_size_at_least(658), 800);
  EXPECT_DOUBLE_EQ(standard_size_at_least(800), 800);
  EXPECT_DOUBLE_EQ(standard_size_at_least(30000), 0);
}

}  // namespace lianxin::analysis
