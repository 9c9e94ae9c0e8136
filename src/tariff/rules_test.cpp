#include "tariff/rules.hpp"

#include <gtest/gtest.h>

namespace lianxin::tariff {

// Every test vector of rules_cn §5 (the published table of (83)水电财字第215号): PF → adjustment in
// hundredths of a percent for the 0.90, 0.85 and 0.80 standards.
TEST(TariffRules, PowerFactorAdjustmentMatchesThePublishedTable) {
  struct Row {
    int pf, s90, s85, s80;
  };
  const Row rows[] = {{100, -75, -110, -130}, {94, -60, -110, -130}, {93, -45, -95, -130}, {90, 0, -50, -100}, {85, 250, 0, -50},
                      {80, 500, 250, 0},      {70, 1000, 750, 500},  {66, 1400, 950, 700},  {65, 1500, 1000, 750}, {64, 1700, 1100, 800},
                      {60, 2500, 1500, 1000}, {59, 2700, 1700, 1100}, {30, 8500, 7500, 6500}};
  for (const Row& r : rows) {
    EXPECT_EQ(pf_adjustment_bp(r.pf, PfStandard::pf090), r.s90) << "PF 0." << r.pf << " std 0.90";
    EXPECT_EQ(pf_adjustment_bp(r.pf, PfStandard::pf085), r.s85) << "PF 0." << r.pf << " std 0.85";
    EXPECT_EQ(pf_adjustment_bp(r.pf, PfStandard::pf080), r.s80) << "PF 0." << r.pf << " std 0.80";
  }
  // The steps between the table's rows (§5): 0.91/0.92 of the 0.85 and 0.80 standards.
  EXPECT_EQ(pf_adjustment_bp(91, PfStandard::pf085), -65);
  EXPECT_EQ(pf_adjustment_bp(92, PfStandard::pf085), -80);
  EXPECT_EQ(pf_adjustment_bp(91, PfStandard::pf080), -115);
  EXPECT_EQ(pf_adjustment_bp(92, PfStandard::pf080), -130);
  // Not the public Go code's −1.00 % at ≥ 0.94 for the 0.85 standard: the table says −1.10 %.
  EXPECT_EQ(pf_adjustment_bp(97, PfStandard::pf085), -110);
  // The adjustment falls as the power factor rises, on every standard.
  for (PfStandard s : {PfStandard::pf090, PfStandard::pf085, PfStandard::pf080})
    for (int pf = 1; pf <= 100; ++pf) EXPECT_LE(pf_adjustment_bp(pf, s), pf_adjustment_bp(pf - 1, s)) << pf_standard_code(s) << " " << pf;
}

TEST(TariffRules, PowerFactorFromEnergy) {
  EXPECT_EQ(power_factor(1000, 0), 100);
  EXPECT_EQ(power_factor(900, 435.89), 90);    // √(900² + 435.89²) ≈ 1000
  EXPECT_EQ(power_factor(800, 600), 80);
  EXPECT_EQ(power_factor(800, 300, 300), 80);  // exported reactive energy counts as consumed
  EXPECT_FALSE(power_factor(0, 100).has_value());
}

TEST(TariffRules, StandardByCustomer) {
  EXPECT_EQ(pf_standard_for({true, true, false, false, false, false, 200}), PfStandard::pf090);
  EXPECT_EQ(pf_standard_for({true, true, false, false, false, false, 160}), PfStandard::pf085);  // not over 160 kVA
  EXPECT_EQ(pf_standard_for({true, false, false, true, false, false, 3200}), PfStandard::pf090);
  EXPECT_EQ(pf_standard_for({false, false, false, false, false, false, 100}), PfStandard::pf085);
  EXPECT_EQ(pf_standard_for({false, false, true, false, false, false, 150}), PfStandard::pf080);
  EXPECT_EQ(pf_standard_for({false, true, false, false, false, false, 80}), std::nullopt);
}

TEST(TariffRules, AdjustmentInFen) {
  EXPECT_EQ(pf_adjustment_fen(1'000'000, -75), -7'500);
  EXPECT_EQ(pf_adjustment_fen(1'234'567, 250), 30'864);  // 30,864.175
  EXPECT_EQ(pf_adjustment_fen(10'002, -50), -50);         // −50.01 → −50
  EXPECT_EQ(pf_adjustment_fen(10'100, -50), -51);         // −50.5 → −51 (half away from zero)
}

TEST(TariffRules, BasicChargeRules) {
  BasicChargeInput in;
  in.mode = BasicMode::contract_demand;
  in.capacity_kva = 2000;
  in.contract_demand_kw = 1000;
  in.demand_price_fen = 4200;  // 42.0 元/kW·month (Hubei, rules_cn §8.4)
  in.capacity_price_fen = 2630;
  // Within 105 %: the contract is charged.
  in.max_demand_kw = 1040;
  EXPECT_EQ(basic_charge(in).fen, 1000 * 4200);
  // Over 105 %: 1,050 kW at the price, the 50 kW beyond at double.
  in.max_demand_kw = 1100;
  auto over = basic_charge(in);
  EXPECT_EQ(over.fen, 1050 * 4200 + 50 * 4200 * 2);
  EXPECT_DOUBLE_EQ(over.excess_demand_kw, 50);
  // A contract below 40 % of the capacity is raised to it.
  in.contract_demand_kw = 500;
  in.max_demand_kw = 600;
  auto floored = basic_charge(in);
  EXPECT_TRUE(floored.floor_applied);
  EXPECT_EQ(floored.fen, 800 * 4200);
  // 260 kWh per kVA or more: 90 % of the demand price.
  in.month_kwh = 2000 * 260;
  auto discounted = basic_charge(in);
  EXPECT_TRUE(discounted.discount_applied);
  EXPECT_EQ(discounted.fen, 800 * 3780);
  // By capacity, and prorated by days in a month of connection.
  BasicChargeInput cap;
  cap.capacity_kva = 630;
  cap.capacity_price_fen = 2630;
  EXPECT_EQ(basic_charge(cap).fen, 630 * 2630);
  cap.prorate = true;
  cap.days_used = 12;
  EXPECT_EQ(basic_charge(cap).fen, 630 * 2630 * 12 / 30);
  // By actual maximum demand: linear.
  BasicChargeInput actual;
  actual.mode = BasicMode::actual_demand;
  actual.max_demand_kw = 333;
  actual.demand_price_fen = 4200;
  EXPECT_EQ(basic_charge(actual).fen, 333 * 4200);
}

}  // namespace lianxin::tariff
