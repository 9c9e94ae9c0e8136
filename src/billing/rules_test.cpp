#include <gtest/gtest.h>

#include "billing/rules.hpp"

using namespace lianxin;
using namespace lianxin::billing;

namespace {

RawBill raw(std::initializer_list<std::pair<Column, std::string>> cells) {
  RawBill r(kColumnCount);
  for (auto& [c, v] : cells) r[static_cast<std::size_t>(c)] = v;
  return r;
}

RawBill good() {
  return raw({{Column::account_no, "0530001234"}, {Column::period, "2026-05"}, {Column::kwh_sharp, "10"},
              {Column::kwh_peak, "20"}, {Column::kwh_flat, "30"}, {Column::kwh_valley, "40.5"}, {Column::kwh_total, "100.5"},
              {Column::amount_fen, "6500"}, {Column::paid_fen, "6000"}, {Column::arrears_fen, "500"}});
}

std::string issue_for(const std::vector<FieldIssue>& issues, const std::string& field) {
  for (auto& i : issues)
    if (i.field == field) return i.message;
  return "";
}

}  // namespace

TEST(Header, CodesAndChineseNamesAndProblems) {
  std::vector<FieldIssue> issues;
  auto index = map_header({"户号*", "账期", "KWH_TOTAL", "应收电费（分）", "实收电费(分)", "欠费(分)", "尖峰电量"}, issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(index[static_cast<std::size_t>(Column::account_no)], 0);
  EXPECT_EQ(index[static_cast<std::size_t>(Column::kwh_total)], 2);
  EXPECT_EQ(index[static_cast<std::size_t>(Column::amount_fen)], 3);
  EXPECT_EQ(index[static_cast<std::size_t>(Column::kwh_sharp)], 6);
  EXPECT_EQ(index[static_cast<std::size_t>(Column::kvarh)], -1);

  issues.clear();
  map_header({"account_no", "户号", "whatever"}, issues);
  EXPECT_EQ(issue_for(issues, "account_no"), "column given twice (户号)");
  EXPECT_EQ(issue_for(issues, "whatever"), "unknown column; see the template for the column names");
  EXPECT_EQ(issue_for(issues, "period"), "required column missing (账期)");
  for (auto& i : issues) EXPECT_EQ(i.row, 1);
}

TEST(Period, AcceptedForms) {
  EXPECT_EQ(normalize_period("2026-05"), "2026-05");
  EXPECT_EQ(normalize_period("2026/5"), "2026-05");
  EXPECT_EQ(normalize_period("202605"), "2026-05");
  EXPECT_EQ(normalize_period("2026-05-01"), "2026-05");  // an Excel date cell
  EXPECT_FALSE(normalize_period("2026-13"));
  EXPECT_FALSE(normalize_period("26-05"));
  EXPECT_FALSE(normalize_period("May 2026"));
  EXPECT_FALSE(normalize_period("1999-12"));
  EXPECT_EQ(add_months("2026-01", -1), "2025-12");
  EXPECT_EQ(add_months("2025-12", 13), "2027-01");
  EXPECT_EQ(period_year("2026-05"), 2026);
  EXPECT_EQ(period_of_date("2026-11-22"), "2026-11");
}

TEST(Row, GoodRowParses) {
  std::vector<FieldIssue> issues;
  auto b = parse_bill(good(), 2, "2026-11", issues);
  ASSERT_TRUE(b) << (issues.empty() ? "" : issues[0].message);
  EXPECT_EQ(b->account_no, "0530001234");
  EXPECT_DOUBLE_EQ(b->kwh_total, 100.5);
  EXPECT_EQ(b->arrears_fen, 500);
  EXPECT_FALSE(b->kvarh);
}

TEST(Row, ArrearsComputedWhenOmittedAndMustAddUp) {
  std::vector<FieldIssue> issues;
  auto r = good();
  r[static_cast<std::size_t>(Column::arrears_fen)] = "";
  auto b = parse_bill(r, 2, "2026-11", issues);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->arrears_fen, 500);
  r[static_cast<std::size_t>(Column::arrears_fen)] = "400";
  EXPECT_FALSE(parse_bill(r, 7, "2026-11", issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].row, 7);
  EXPECT_EQ(issues[0].field, "arrears_fen");
  EXPECT_NE(issues[0].message.find("totals do not add up"), std::string::npos);
}

TEST(Row, EveryBadCellIsNamed) {
  std::vector<FieldIssue> issues;
  auto r = good();
  r[static_cast<std::size_t>(Column::account_no)] = "";
  r[static_cast<std::size_t>(Column::period)] = "2026-5-x";
  r[static_cast<std::size_t>(Column::kwh_peak)] = "abc";
  r[static_cast<std::size_t>(Column::kvarh)] = "-3";
  r[static_cast<std::size_t>(Column::amount_fen)] = "12.5";
  r[static_cast<std::size_t>(Column::paid_fen)] = "-1";
  EXPECT_FALSE(parse_bill(r, 3, "2026-11", issues));
  EXPECT_EQ(issue_for(issues, "account_no"), "is required");
  EXPECT_EQ(issue_for(issues, "period"), "must be a month YYYY-MM");
  EXPECT_EQ(issue_for(issues, "kwh_peak"), "must be a number");
  EXPECT_EQ(issue_for(issues, "kvarh"), "must not be negative");
  EXPECT_EQ(issue_for(issues, "amount_fen"), "must be a whole number of fen (分)");
  EXPECT_EQ(issue_for(issues, "paid_fen"), "must not be negative");
  for (auto& i : issues) EXPECT_EQ(i.row, 3);
}

TEST(Row, TotalMustBeTheSumOfThePartsWithinTolerance) {
  std::vector<FieldIssue> issues;
  auto r = good();
  r[static_cast<std::size_t>(Column::kwh_total)] = "100.509";  // within 0.01
  EXPECT_TRUE(parse_bill(r, 2, "2026-11", issues));
  r[static_cast<std::size_t>(Column::kwh_total)] = "101";
  EXPECT_FALSE(parse_bill(r, 2, "2026-11", issues));
  EXPECT_EQ(issue_for(issues, "kwh_total"), "is not the sum of the time-of-use parts (100.50)");
  // Without parts only the total counts.
  issues.clear();
  auto plain = raw({{Column::account_no, "A123456"}, {Column::period, "2026-01"}, {Column::kwh_total, "1.2E+3"},
                    {Column::amount_fen, "780"}, {Column::paid_fen, "780"}});
  auto b = parse_bill(plain, 2, "2026-11", issues);
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(b->kwh_total, 1200);
  EXPECT_EQ(b->arrears_fen, 0);
}

TEST(Row, FuturePeriodAndOverpaymentRefused) {
  std::vector<FieldIssue> issues;
  auto r = good();
  r[static_cast<std::size_t>(Column::period)] = "2026-12";
  EXPECT_FALSE(parse_bill(r, 2, "2026-11", issues));
  EXPECT_EQ(issue_for(issues, "period"), "is in the future (the latest period is 2026-11)");
  issues.clear();
  r = good();
  r[static_cast<std::size_t>(Column::paid_fen)] = "7000";
  r[static_cast<std::size_t>(Column::arrears_fen)] = "";
  EXPECT_FALSE(parse_bill(r, 2, "2026-11", issues));
  EXPECT_EQ(issue_for(issues, "paid_fen"), "is more than the amount billed");
}

TEST(Row, SameValues) {
  std::vector<FieldIssue> issues;
  auto a = *parse_bill(good(), 2, "", issues);
  auto b = a;
  EXPECT_TRUE(same_values(a, b));
  b.kvarh = 1;
  EXPECT_FALSE(same_values(a, b));
  b = a;
  b.paid_fen += 1;
  EXPECT_FALSE(same_values(a, b));
}

TEST(YearAggregates, DeltasOfInsertsUpdatesAndMoves) {
  std::vector<FieldIssue> issues;
  auto may = *parse_bill(good(), 2, "", issues);
  auto corrected = may;
  corrected.kwh_total = 150;
  corrected.amount_fen = 9000;
  corrected.paid_fen = 9000;
  corrected.arrears_fen = 0;
  auto dec = may;
  dec.period = "2025-12";
  std::vector<BillChange> changes = {
      {std::nullopt, {1, may}},           // insert
      {std::nullopt, {1, dec}},           // insert, other year
      {std::make_pair(1, may), {1, corrected}},  // correction of the same customer
      {std::make_pair(2, dec), {1, dec}},        // account moved from customer 2 to 1
  };
  auto d = usage_deltas(changes);
  ASSERT_EQ(d.size(), 3u);
  auto& c1_2026 = d.at({1, 2026});
  EXPECT_DOUBLE_EQ(c1_2026.kwh, 150);
  EXPECT_EQ(c1_2026.amount_fen, 9000);
  EXPECT_EQ(c1_2026.months, 1);
  EXPECT_EQ(d.at({1, 2025}).months, 2);
  EXPECT_EQ(d.at({2, 2025}).months, -1);
  EXPECT_EQ(d.at({2, 2025}).arrears_fen, -500);
  // An update that changes nothing cancels out.
  EXPECT_TRUE(usage_deltas({{std::make_pair(1, may), {1, may}}}).empty());
}

TEST(Statement, RegionsSubtotalsAndTotal) {
  std::vector<FieldIssue> issues;
  auto bill = *parse_bill(good(), 2, "", issues);
  std::vector<StatementLine> lines = {
      {9, "西山区供电局", 3, "乙公司", 31, "A2", "", bill},
      {7, "东城区供电局", 1, "甲公司", 11, "A1", "", bill},
      {9, "西山区供电局", 2, "丙公司", 21, "A3", "", std::nullopt},
      {7, "东城区供电局", 1, "甲公司", 12, "A0", "", bill},
  };
  auto s = build_statement(lines);
  ASSERT_EQ(s.regions.size(), 2u);
  EXPECT_EQ(s.regions[0].bureau_name, "东城区供电局");
  EXPECT_EQ(s.regions[0].lines[0].account_no, "A0");
  EXPECT_EQ(s.regions[0].subtotal.accounts, 2);
  EXPECT_EQ(s.regions[0].subtotal.billed, 2);
  EXPECT_DOUBLE_EQ(s.regions[0].subtotal.kwh_total, 201);
  EXPECT_EQ(s.regions[1].subtotal.accounts, 2);
  EXPECT_EQ(s.regions[1].subtotal.billed, 1);
  EXPECT_EQ(s.total.accounts, 4);
  EXPECT_EQ(s.total.billed, 3);
  EXPECT_EQ(s.total.amount_fen, 3 * 6500);
  EXPECT_EQ(s.total.arrears_fen, 3 * 500);
}

TEST(Reconciliation, DifferencesBeyondTolerance) {
  Totals a, b;
  a.billed = b.billed = 2;
  a.kwh_total = 100;
  b.kwh_total = 100.005;
  a.amount_fen = 500;
  b.amount_fen = 499;
  auto d = compare_totals(a, b);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].field, "amount_fen");
  EXPECT_EQ(d[0].statement, 500);
  EXPECT_EQ(d[0].imported, 499);
}

TEST(Format, YuanAndKwh) {
  EXPECT_EQ(format_yuan(123456789), "1,234,567.89");
  EXPECT_EQ(format_yuan(5), "0.05");
  EXPECT_EQ(format_yuan(-100), "-1.00");
  EXPECT_EQ(format_kwh(1234567.456), "1,234,567.46");
  EXPECT_EQ(format_kwh(0), "0.00");
}
