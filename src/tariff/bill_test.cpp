#include "tariff/bill.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace lianxin::tariff {

namespace {

// rules_cn §8.4: SGCC Hubei 代理购电工商业用户电价表, January 2026, two-part 1–10(20) kV.
Rate hubei_two_part_10kv() {
  Rate r;
  r.category = "ci_two_part";
  r.voltage_levels = {"10kV", "20kV"};
  r.energy_uyuan = 651886;
  r.period_uyuan[period_index(TouPeriod::sharp)] = 1049999;
  r.period_uyuan[period_index(TouPeriod::peak)] = 848961;
  r.period_uyuan[period_index(TouPeriod::flat)] = 651886;
  r.period_uyuan[period_index(TouPeriod::valley)] = 432924;
  r.floating_uyuan = 398113;
  r.td_uyuan = 126300;
  r.funds_uyuan = 45200;
  r.demand_fen = 4200;
  r.capacity_fen = 2630;
  return r;
}

MonthUsage usage(double sharp, double peak, double flat, double valley, double kvarh, double max_kw) {
  MonthUsage u;
  u.kwh[period_index(TouPeriod::sharp)] = sharp;
  u.kwh[period_index(TouPeriod::peak)] = peak;
  u.kwh[period_index(TouPeriod::flat)] = flat;
  u.kwh[period_index(TouPeriod::valley)] = valley;
  u.kvarh = kvarh;
  u.max_demand_kw = max_kw;
  return u;
}

TariffTable hubei_table() {
  TariffTable t;
  t.id = 1;
  t.province = "hubei";
  t.name = "湖北 2026-01";
  t.valid_from = "2026-01-01";
  t.valid_to = "2026-01-31";
  t.schedule = hubei_2024();
  t.rates = {hubei_two_part_10kv()};
  return t;
}

bool has_issue(const std::vector<FieldIssue>& issues, const std::string& field) {
  for (const auto& i : issues)
    if (i.field == field) return true;
  return false;
}

}  // namespace

// The Hubei table's period prices are base × ratio + the parts that do not float (rules_cn §8.4).
TEST(TariffTable, HubeiPricesFloatOnlyTheirFloatingPart) {
  const Rate r = hubei_two_part_10kv();
  const auto hb = hubei_2024();
  const Uyuan fixed = r.energy_uyuan - *r.floating_uyuan;  // T&D + 系统运行费 + 基金
  EXPECT_EQ(fixed, 126300 + 82273 + 45200);
  auto floated = [&](int ratio) { return *r.floating_uyuan * ratio / 1000 + fixed; };
  EXPECT_NEAR(*r.period_uyuan[period_index(TouPeriod::sharp)], floated(hb.sharp_ratio), 1);
  EXPECT_NEAR(*r.period_uyuan[period_index(TouPeriod::valley)], floated(hb.valley_ratio), 1);
  EXPECT_NEAR(*r.period_uyuan[period_index(TouPeriod::peak)], floated(hb.peak_ratio), 10);
  EXPECT_EQ(*r.period_uyuan[period_index(TouPeriod::flat)], r.energy_uyuan);
}

TEST(TariffTable, ValidTableHasNoProblems) { EXPECT_TRUE(table_problems(hubei_table(), {}).empty()); }

TEST(TariffTable, MissingPeriodIsRefused) {
  auto t = hubei_table();
  t.rates[0].period_uyuan[period_index(TouPeriod::sharp)].reset();
  const auto issues = table_problems(t, {});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field, "rates[0].sharp_price");
  EXPECT_NE(issues[0].message.find("尖峰"), std::string::npos);
  // A deep-valley price is not needed by Hubei's periods, but Jiangxi's use it.
  t = hubei_table();
  t.schedule = jiangxi_2025();
  EXPECT_TRUE(has_issue(table_problems(t, {}), "rates[0].deep_price"));
}

TEST(TariffTable, OverlappingValidityIsRefused) {
  auto jan = hubei_table();
  auto feb = hubei_table();
  feb.id = 2;
  feb.name = "湖北 2026-02";
  feb.valid_from = "2026-02-01";
  feb.valid_to = "";
  EXPECT_TRUE(table_problems(feb, {jan}).empty());
  feb.valid_from = "2026-01-31";  // shares the last day of January
  EXPECT_TRUE(has_issue(table_problems(feb, {jan}), "valid_from"));
  // An open-ended table overlaps everything after it; another province does not count.
  auto later = hubei_table();
  later.id = 3;
  later.valid_from = "2027-01-01";
  later.valid_to = "2027-12-31";
  feb.valid_from = "2026-02-01";
  EXPECT_TRUE(has_issue(table_problems(later, {feb}), "valid_from"));
  later.province = "jiangxi";
  EXPECT_TRUE(table_problems(later, {feb}).empty());
  // The table itself (same id) is not a conflict when it is edited.
  EXPECT_TRUE(table_problems(jan, {jan}).empty());
}

TEST(TariffTable, BadFieldsAreNamed) {
  auto t = hubei_table();
  t.valid_from = "2026-02-30";
  t.rates[0].demand_fen.reset();
  t.rates.push_back(hubei_two_part_10kv());
  const auto issues = table_problems(t, {});
  EXPECT_TRUE(has_issue(issues, "valid_from"));
  EXPECT_TRUE(has_issue(issues, "rates[0].demand_price"));
  EXPECT_TRUE(has_issue(issues, "rates[1].voltage_levels"));  // 10 kV two-part twice
  t = hubei_table();
  t.valid_to = "2025-12-31";
  EXPECT_TRUE(has_issue(table_problems(t, {}), "valid_to"));
}

TEST(TariffTable, FindsRateByCategoryAndVoltage) {
  const auto t = hubei_table();
  EXPECT_NE(find_rate(t, "ci_two_part", "20kV"), nullptr);
  EXPECT_EQ(find_rate(t, "ci_two_part", "35kV"), nullptr);
  EXPECT_EQ(find_rate(t, "ci_single", "10kV"), nullptr);
  EXPECT_TRUE(table_in_force(t, "2026-01-31"));
  EXPECT_FALSE(table_in_force(t, "2026-02-01"));
}

// A month of a 1,000 kVA two-part customer on the Hubei table, by capacity, power factor 0.85
// against the 0.90 standard (+2.5 % on basic + energy without funds).
TEST(Bill, CapacityModeWithPowerFactorSurcharge) {
  BillOptions o;
  o.basic_mode = BasicMode::capacity;
  o.capacity_kva = 1000;
  o.pf_standard = PfStandard::pf090;
  const double kvarh = 100000 * std::tan(std::acos(0.85));
  const Bill b = reconstruct_bill(hubei_two_part_10kv(), usage(10000, 30000, 40000, 20000, kvarh, 700), o);
  ASSERT_EQ(b.lines.size(), 6u);
  EXPECT_EQ(b.lines[0].code, "energy_sharp");
  EXPECT_EQ(b.lines[0].fen, 1049999);  // 10,000 × 1.049999 元
  EXPECT_EQ(b.lines[1].fen, 2546883);  // 30,000 × 0.848961
  EXPECT_EQ(b.lines[2].fen, 2607544);  // 40,000 × 0.651886
  EXPECT_EQ(b.lines[3].fen, 865848);   // 20,000 × 0.432924
  EXPECT_EQ(b.energy_fen, 7070274);
  EXPECT_EQ(b.lines[4].code, "basic_capacity");
  EXPECT_EQ(b.basic_fen, 2630000);  // 1,000 kVA × 26.3 元
  EXPECT_EQ(b.funds_fen, 452000);   // 100,000 kWh × 0.0452
  ASSERT_TRUE(b.power_factor);
  EXPECT_EQ(*b.power_factor, 85);
  EXPECT_EQ(b.pf_bp, 250);
  EXPECT_EQ(b.pf_fen, 231207);  // (2,630,000 + 7,070,274 − 452,000) × 2.5 % = 231,206.85
  EXPECT_EQ(b.total_fen, 2630000 + 7070274 + 231207);
  // With funds in the base (another provincial practice) the surcharge grows by 452,000 × 2.5 %.
  o.pf_excludes_funds = false;
  EXPECT_EQ(reconstruct_bill(hubei_two_part_10kv(), usage(10000, 30000, 40000, 20000, kvarh, 700), o).pf_fen, 242507);
}

TEST(Bill, ContractDemandAbove105PercentChargedDouble) {
  BillOptions o;
  o.basic_mode = BasicMode::contract_demand;
  o.capacity_kva = 1000;
  o.contract_demand_kw = 600;
  const Bill b = reconstruct_bill(hubei_two_part_10kv(), usage(10000, 30000, 40000, 20000, 0, 700), o);
  // 630 kW at 42 元 + 70 kW at 84 元 = 32,340 元.
  EXPECT_EQ(b.basic_fen, 3234000);
  ASSERT_GE(b.lines.size(), 6u);
  EXPECT_EQ(b.lines[4].code, "basic_demand");
  EXPECT_EQ(b.lines[4].fen, 2646000);
  EXPECT_EQ(b.lines[5].code, "basic_excess");
  EXPECT_EQ(b.lines[5].fen, 588000);
  EXPECT_FALSE(b.power_factor);  // no standard: no adjustment line
  EXPECT_EQ(b.total_fen, b.energy_fen + 3234000);
}

TEST(Bill, DemandDiscountAndFloor) {
  BillOptions o;
  o.basic_mode = BasicMode::contract_demand;
  o.capacity_kva = 1000;
  o.contract_demand_kw = 300;  // below 40 % of 1,000 kVA: 400 kW
  Bill b = reconstruct_bill(hubei_two_part_10kv(), usage(0, 0, 100000, 0, 0, 380), o);
  EXPECT_TRUE(b.basic.floor_applied);
  EXPECT_EQ(b.basic_fen, 1680000);  // 400 kW × 42 元
  // 300,000 kWh on 1,000 kVA is 300 kWh/kVA ≥ 260: the demand price is 90 %, 37.80 元.
  b = reconstruct_bill(hubei_two_part_10kv(), usage(0, 0, 300000, 0, 0, 380), o);
  EXPECT_TRUE(b.basic.discount_applied);
  EXPECT_EQ(b.basic_fen, 1512000);
  EXPECT_FALSE(b.notes.empty());
  // High-voltage motors count in the floor: 1,000 + 250 kVA → 500 kW.
  o.motor_kva = 250;
  b = reconstruct_bill(hubei_two_part_10kv(), usage(0, 0, 100000, 0, 0, 380), o);
  EXPECT_EQ(b.basic_fen, 2100000);
}

TEST(Bill, WithoutTimeOfUseAllEnergyAtTheFlatPrice) {
  BillOptions o;
  o.time_of_use = false;
  o.basic_mode = BasicMode::actual_demand;
  o.capacity_kva = 1000;
  const Bill b = reconstruct_bill(hubei_two_part_10kv(), usage(10000, 30000, 40000, 20000, 0, 512.5), o);
  ASSERT_EQ(b.lines.size(), 2u);
  EXPECT_EQ(b.lines[0].code, "energy");
  EXPECT_EQ(b.energy_fen, 6518860);  // 100,000 × 0.651886
  EXPECT_EQ(b.basic_fen, 2152500);   // 512.5 kW × 42 元
}

TEST(Bill, ProrationByDays) {
  BillOptions o;
  o.basic_mode = BasicMode::capacity;
  o.capacity_kva = 1000;
  o.prorate = true;
  o.days_used = 12;
  const Bill b = reconstruct_bill(hubei_two_part_10kv(), usage(0, 0, 1000, 0, 0, 100), o);
  EXPECT_EQ(b.basic_fen, 1052000);  // 26,300 元 × 12/30
  EXPECT_DOUBLE_EQ(b.lines.back().quantity, 400);
}

TEST(Bill, SinglePartHasNoBasicCharge) {
  Rate r = hubei_two_part_10kv();
  r.category = "ci_single";
  r.demand_fen.reset();
  r.capacity_fen.reset();
  BillOptions o;
  o.capacity_kva = 200;
  const Bill b = reconstruct_bill(r, usage(0, 100, 100, 0, 0, 50), o);
  EXPECT_EQ(b.basic_fen, 0);
  EXPECT_EQ(b.lines.size(), 2u);
}

TEST(Bill, MissingPeriodPriceFallsBackWithANote) {
  BillOptions o;
  o.capacity_kva = 100;
  MonthUsage u;
  u.kwh[period_index(TouPeriod::deep)] = 1000;
  const Bill b = reconstruct_bill(hubei_two_part_10kv(), u, o);
  ASSERT_FALSE(b.lines.empty());
  EXPECT_EQ(b.lines[0].code, "energy_deep");
  EXPECT_EQ(b.lines[0].fen, 65189);  // at the price without time of use
  EXPECT_EQ(b.notes.size(), 1u);
}

}  // namespace lianxin::tariff
