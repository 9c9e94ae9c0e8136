#include "curves/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

namespace lianxin::curves {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::string shared_data_dir() {
  if (const char* env = std::getenv("LIANXIN_SHARED_DATA"); env && *env) return env;
  return LIANXIN_SHARED_DATA;
}

// The text of a file of the dgb2016 load curves, or "" when the shared data is not there.
std::string read_curve_file(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(shared_data_dir()) / "load-curves" / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

#define REQUIRE_TEXT(text, name)                                                              \
  const std::string text = read_curve_file(name);                                             \
  if (text.empty()) FAIL() << "shared data not found under " << shared_data_dir() << " (" << name << ")"

// The wide header: YMD,T0000,…,T2345.
std::string wide_header(bool with_account = false) {
  std::string h = with_account ? "户号,YMD" : "YMD";
  for (int s = 0; s < 96; ++s) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ",T%02d%02d", s / 4, s % 4 * 15);
    h += buf;
  }
  return h;
}

// One wide row of 96 values value(slot).
template <class F>
std::string wide_row(const std::string& date, F value, const std::string& account = "") {
  std::string r = account.empty() ? date : account + "," + date;
  for (int s = 0; s < 96; ++s) r += "," + value(s);
  return r;
}
std::string constant_row(const std::string& date, const std::string& v = "1.5") {
  return wide_row(date, [&](int) { return v; });
}

const FieldIssue* find_issue(const ParseResult& r, std::int64_t row, const std::string& field = "\x01") {
  for (const FieldIssue& i : r.issues)
    if (i.row == row && (field == "\x01" || i.field == field)) return &i;
  return nullptr;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const MonthCurve* find_curve(const ParseResult& r, int year, int month, const std::string& account = "") {
  for (const MonthCurve& c : r.curves)
    if (c.year == year && c.month == month && (account.empty() || c.account_no == account)) return &c;
  return nullptr;
}

}  // namespace

// ---- the real dgb2016 curves -------------------------------------------------------------------

TEST(CurvesParse, RealArea1) {
  REQUIRE_TEXT(text, "dgb2016_Area1_Load.csv");
  EXPECT_EQ(detect_layout(text), Layout::wide);
  const ParseResult r = parse_curves(text, {.default_account = "area1"});
  ASSERT_TRUE(r.ok()) << r.issues.front().row << " " << r.issues.front().field << " " << r.issues.front().message;
  EXPECT_EQ(r.layout, Layout::wide);
  EXPECT_EQ(r.rows, 1106);
  EXPECT_EQ(r.readings, 1106 * 96);
  ASSERT_EQ(r.curves.size(), 37u);  // January 2012 to January 2015
  EXPECT_EQ(r.curves.front().account_no, "AREA1");
  EXPECT_EQ(r.curves.front().year, 2012);
  EXPECT_EQ(r.curves.front().month, 1);
  EXPECT_EQ(r.curves.back().year, 2015);
  EXPECT_EQ(r.curves.back().month, 1);
  EXPECT_NEAR(r.curves.front().kw[0], 3967.259968, 0.001);
  int days = 0, year = 2012, month = 1;
  for (const MonthCurve& c : r.curves) {
    EXPECT_EQ(c.year, year);
    EXPECT_EQ(c.month, month) << "months in order, none skipped";
    if (++month == 13) month = 1, ++year;
    ASSERT_EQ(c.kw.size(), static_cast<std::size_t>(days_in_month(c.year, c.month)) * 96);
    for (std::uint8_t p : c.day_present) days += p;
  }
  EXPECT_EQ(days, 1106);
  EXPECT_EQ(r.curves[1].days(), 29);  // February 2012, a leap year

  // Quality: no gaps in the full months, the last month covers 10 days and misses nothing inside
  // them, and the real morning ramps are no spikes.
  int spikes = 0, negatives = 0, duplicates = 0;
  for (const MonthCurve& c : r.curves) {
    const CurveQuality q = assess_quality(c);
    EXPECT_EQ(q.missing, 0) << c.year << "-" << c.month;
    EXPECT_FALSE(q.has("gaps"));
    spikes += q.spikes;
    negatives += q.negatives;
    duplicates += q.duplicate_days;
    EXPECT_EQ(q.points, static_cast<int>(c.kw.size()) - 96 * q.uncovered_days);
  }
  const CurveQuality last = assess_quality(r.curves.back());
  EXPECT_EQ(last.covered_days, 10);
  EXPECT_EQ(last.uncovered_days, 21);
  EXPECT_EQ(last.points, 960);
  EXPECT_EQ(spikes, 0);
  EXPECT_EQ(negatives, 0);
  EXPECT_EQ(duplicates, 0);
  // Far from the spike threshold: not even a reading at twice its neighbourhood's median, and no
  // stuck meter.
  QualityParams sensitive;
  sensitive.spike_ratio = 2;
  int sensitive_spikes = 0, flat = 0;
  for (const MonthCurve& c : r.curves) {
    sensitive_spikes += assess_quality(c, sensitive).spikes;
    flat += assess_quality(c).flat_points;
  }
  EXPECT_EQ(sensitive_spikes, 0);
  EXPECT_EQ(flat, 0);
}

TEST(CurvesParse, RealArea2NegativesFlaggedWhereTheyAre) {
  REQUIRE_TEXT(text, "dgb2016_Area2_Load.csv");
  const ParseResult r = parse_curves(text, {.default_account = "AREA2"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.curves.size(), 37u);
  EXPECT_EQ(r.readings, 1106 * 96);
  int negatives = 0, spikes = 0;
  for (const MonthCurve& c : r.curves) {
    const CurveQuality q = assess_quality(c);
    negatives += q.negatives;
    spikes += q.spikes;
    const bool expected = (c.year == 2012 && c.month == 10) || (c.year == 2013 && c.month == 6);
    EXPECT_EQ(q.has("negative"), expected) << c.year << "-" << c.month;
  }
  EXPECT_EQ(negatives, 2);
  EXPECT_EQ(spikes, 0);

  struct Where {
    int year, month, day, slot;
  };
  for (const Where w : {Where{2012, 10, 27, 41}, Where{2013, 6, 8, 53}}) {  // T1015 and T1315
    const MonthCurve* c = find_curve(r, w.year, w.month);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->kw[static_cast<std::size_t>((w.day - 1) * 96 + w.slot)], -123.0f);
    const CurveQuality q = assess_quality(*c);
    ASSERT_EQ(q.negatives, 1);
    ASSERT_FALSE(q.marks.empty());
    EXPECT_STREQ(q.marks[0].code, "negative");
    EXPECT_EQ(q.marks[0].day, w.day);
    EXPECT_EQ(q.marks[0].slot, w.slot);

    // The −123 does not hide a spike two slots away: its neighbourhood's median ignores it.
    MonthCurve spiked = *c;
    float& next = spiked.kw[static_cast<std::size_t>((w.day - 1) * 96 + w.slot + 2)];
    next *= 10;
    const CurveQuality qs = assess_quality(spiked);
    EXPECT_EQ(qs.negatives, 1);
    EXPECT_EQ(qs.spikes, 1);
    EXPECT_TRUE(qs.has("spike"));
  }
}

// ---- layout and tolerance ----------------------------------------------------------------------

TEST(CurvesParse, DetectsLayouts) {
  EXPECT_EQ(detect_layout(wide_header() + "\n"), Layout::wide);
  EXPECT_EQ(detect_layout("\xEF\xBB\xBF" + wide_header(true) + "\r\n"), Layout::wide);
  EXPECT_EQ(detect_layout(" Account_No , YMD," + wide_header().substr(4)), Layout::wide);
  EXPECT_EQ(detect_layout("account_no,timestamp,kw\n"), Layout::long_form);
  EXPECT_EQ(detect_layout("时间,负荷"), Layout::long_form);
  EXPECT_EQ(detect_layout("kw,户号,时间"), Layout::long_form);
  EXPECT_EQ(detect_layout("date;value\n"), Layout::unknown);
  EXPECT_EQ(detect_layout(""), Layout::unknown);
  EXPECT_STREQ(layout_code(Layout::long_form), "long");
}

TEST(CurvesParse, ToleratesBomCrlfSpacesQuotesAndBlankLines) {
  std::string text = "\xEF\xBB\xBF" + wide_header(true) + ",\r\n";  // a trailing comma in the header too
  text += wide_row(" 20120101 ", [](int s) { return " " + std::to_string(s) + " "; }, "\"0530001234\"") + ",\r\n";
  text += wide_row("2012-01-02", [](int s) { return s == 5 ? std::string("") : std::to_string(s); }, "0530001234") + "\r\n";
  text += wide_row("2012/1/3", [](int s) { return "+" + std::to_string(s) + ".5e0"; }, "ab12") + "\r\n";
  text += "\r\n\r\n  \n";
  const ParseResult r = parse_curves(text);
  ASSERT_TRUE(r.ok()) << r.issues.front().row << " " << r.issues.front().message;
  EXPECT_EQ(r.rows, 3);
  EXPECT_EQ(r.readings, 3 * 96 - 1);
  ASSERT_EQ(r.curves.size(), 2u);
  EXPECT_EQ(r.curves[0].account_no, "0530001234");  // sorted by account
  EXPECT_EQ(r.curves[1].account_no, "AB12");         // upper-cased
  const MonthCurve& a = r.curves[0];
  EXPECT_EQ(a.kw[95], 95.0f);
  EXPECT_TRUE(std::isnan(a.kw[96 + 5]));  // an empty cell is a gap
  EXPECT_EQ(a.kw[96 + 6], 6.0f);
  EXPECT_EQ(a.day_present[0] + a.day_present[1] + a.day_present[2], 2);
  EXPECT_EQ(r.curves[1].kw[2 * 96 + 3], 3.5f);
  const CurveQuality q = assess_quality(a);
  EXPECT_EQ(q.missing, 1);
  EXPECT_TRUE(q.has("gaps"));
  EXPECT_EQ(q.covered_days, 2);
}

TEST(CurvesParse, SeveralMonthsAndAccountsSorted) {
  std::string text = wide_header(true) + "\n";
  text += constant_row("20120301", "2") .insert(0, "B,") + "\n";
  text += constant_row("20120215", "1").insert(0, "B,") + "\n";
  text += constant_row("20120229", "3").insert(0, "a,") + "\n";
  const ParseResult r = parse_curves(text);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.curves.size(), 3u);
  EXPECT_EQ(r.curves[0].account_no, "A");
  EXPECT_EQ(r.curves[0].month, 2);
  EXPECT_EQ(r.curves[0].kw[28 * 96], 3.0f);
  EXPECT_EQ(r.curves[1].account_no, "B");
  EXPECT_EQ(r.curves[1].month, 2);
  EXPECT_EQ(r.curves[2].month, 3);
  EXPECT_EQ(r.curves[2].days(), 31);
}

// ---- bad input ---------------------------------------------------------------------------------

TEST(CurvesParse, WrongCellCountNamesTheRow) {
  std::string text = wide_header() + "\n" + constant_row("20120101") + "\n20120102,1,2,3\n" + constant_row("20120103") + ",5\n";
  const ParseResult r = parse_curves(text, {.default_account = "X"});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.issue_count, 2);
  const FieldIssue* i = find_issue(r, 3);
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->field, "");
  EXPECT_TRUE(contains(i->message, "97")) << i->message;
  EXPECT_TRUE(contains(i->message, "4 列")) << i->message;
  ASSERT_NE(find_issue(r, 4), nullptr);
  EXPECT_TRUE(contains(find_issue(r, 4)->message, "98"));
  ASSERT_EQ(r.curves.size(), 1u);  // the good row, for a preview
  EXPECT_EQ(r.curves[0].day_present[0], 1);
  EXPECT_EQ(r.curves[0].day_present[1], 0);
}

TEST(CurvesParse, BadAndImpossibleDates) {
  std::string text = wide_header() + "\n" + constant_row("2012-13") + "\n" + constant_row("20120230") + "\n" + constant_row("2012/02/30") + "\n" +
                     constant_row("01/02/2012") + "\n" + constant_row("20120229") + "\n";
  const ParseResult r = parse_curves(text, {.default_account = "X"});
  EXPECT_EQ(r.issue_count, 4);
  ASSERT_NE(find_issue(r, 2, "YMD"), nullptr);
  EXPECT_TRUE(contains(find_issue(r, 2)->message, "无法识别")) << find_issue(r, 2)->message;
  ASSERT_NE(find_issue(r, 3, "YMD"), nullptr);
  EXPECT_TRUE(contains(find_issue(r, 3)->message, "20120230")) << find_issue(r, 3)->message;
  EXPECT_TRUE(contains(find_issue(r, 3)->message, "不存在"));
  EXPECT_TRUE(contains(find_issue(r, 4)->message, "不存在"));
  EXPECT_TRUE(contains(find_issue(r, 5)->message, "无法识别"));
  EXPECT_EQ(find_issue(r, 6), nullptr);  // 2012 is a leap year
}

TEST(CurvesParse, NonNumericValuesNameTheColumn) {
  const std::string text = wide_header() + "\n" + wide_row("20120101", [](int s) {
                             return s == 1 ? std::string("abc") : s == 10 ? std::string("nan") : s == 11 ? std::string("inf") : s == 12 ? std::string("1,5") : std::string("7");
                           }) + "\n" + wide_row("20120102", [](int s) { return s == 95 ? std::string("1.2.3") : s == 94 ? std::string("-") : std::string("1e400"); });
  const ParseResult r = parse_curves(text, {.default_account = "X"});
  // Row 2: "1,5" adds a cell → wrong count, so its values are not looked at; row 3: 96 bad values.
  ASSERT_EQ(r.issue_count, 1 + 96);
  EXPECT_NE(find_issue(r, 2, ""), nullptr);
  const FieldIssue* last = find_issue(r, 3, "T2345");
  ASSERT_NE(last, nullptr);
  EXPECT_TRUE(contains(last->message, "第 97 列 T2345")) << last->message;
  EXPECT_TRUE(contains(last->message, "1.2.3"));

  const std::string text2 = wide_header() + "\n" + wide_row("20120101", [](int s) {
                              return s == 1 ? std::string("abc") : s == 10 ? std::string("nan") : s == 11 ? std::string("inf") : s == 12 ? std::string("-INF") : std::string("7");
                            });
  const ParseResult r2 = parse_curves(text2, {.default_account = "X"});
  ASSERT_EQ(r2.issue_count, 4);
  const FieldIssue* abc = find_issue(r2, 2, "T0015");
  ASSERT_NE(abc, nullptr);
  EXPECT_TRUE(contains(abc->message, "第 3 列 T0015")) << abc->message;
  EXPECT_TRUE(contains(abc->message, "不是数字"));
  EXPECT_NE(find_issue(r2, 2, "T0230"), nullptr);
  EXPECT_NE(find_issue(r2, 2, "T0245"), nullptr);
  EXPECT_NE(find_issue(r2, 2, "T0300"), nullptr);
  EXPECT_EQ(r2.readings, 92);
}

TEST(CurvesParse, DuplicateDayNamesBothRows) {
  std::string text = wide_header(true) + "\n" + constant_row("20120101").insert(0, "A,") + "\n" + constant_row("20120101").insert(0, "B,") + "\n" +
                     constant_row("2012-01-01").insert(0, "a,") + "\n";
  const ParseResult r = parse_curves(text);
  ASSERT_EQ(r.issue_count, 1);
  EXPECT_EQ(r.issues[0].row, 4);
  EXPECT_EQ(r.issues[0].field, "YMD");
  EXPECT_TRUE(contains(r.issues[0].message, "第 2 行")) << r.issues[0].message;
  EXPECT_TRUE(contains(r.issues[0].message, "2012-01-01"));
  EXPECT_TRUE(contains(r.issues[0].message, "A"));
}

TEST(CurvesParse, UnknownHeaderAndMissingAccount) {
  const ParseResult r = parse_curves("date;value\n2012-01-01;5\n", {.default_account = "X"});
  EXPECT_EQ(r.layout, Layout::unknown);
  ASSERT_EQ(r.issue_count, 1);
  EXPECT_EQ(r.issues[0].row, 1);
  EXPECT_TRUE(contains(r.issues[0].message, "YMD")) << r.issues[0].message;
  EXPECT_TRUE(contains(r.issues[0].message, "timestamp"));
  EXPECT_TRUE(r.curves.empty());

  const ParseResult empty = parse_curves("", {.default_account = "X"});
  EXPECT_EQ(empty.issue_count, 1);
  EXPECT_EQ(empty.issues[0].row, 1);

  // No account column and no default account.
  const ParseResult none = parse_curves(wide_header() + "\n" + constant_row("20120101") + "\n");
  ASSERT_EQ(none.issue_count, 1);
  EXPECT_EQ(none.issues[0].row, 1);
  EXPECT_EQ(none.issues[0].field, "account_no");

  // An empty account cell falls back to the default, and is an error without one.
  const std::string blank_account = wide_header(true) + "\n" + constant_row("20120101").insert(0, " ,") + "\n";
  EXPECT_EQ(parse_curves(blank_account).issue_count, 1);
  EXPECT_EQ(parse_curves(blank_account).issues[0].field, "户号");
  const ParseResult fallback = parse_curves(blank_account, {.default_account = "d1"});
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(fallback.curves[0].account_no, "D1");
}

TEST(CurvesParse, WrongTimeColumnsInTheWideHeader) {
  std::string header = wide_header();
  header.replace(header.find("T0015"), 5, "T0016");
  const ParseResult r = parse_curves(header + "\n" + constant_row("20120101") + "\n", {.default_account = "X"});
  EXPECT_EQ(r.layout, Layout::wide);
  ASSERT_EQ(r.issue_count, 1);
  EXPECT_EQ(r.issues[0].row, 1);
  EXPECT_EQ(r.issues[0].field, "T0016");
  EXPECT_TRUE(contains(r.issues[0].message, "T0015"));
  EXPECT_EQ(r.rows, 0);  // nothing read under a wrong header

  // End-of-interval labels (0015 … 2400) are not the start-of-slot layout.
  std::string shifted = "YMD";
  for (int s = 1; s <= 96; ++s) shifted += "," + std::to_string(s / 4 * 100 + s % 4 * 15);
  EXPECT_GT(parse_curves(shifted + "\n", {.default_account = "X"}).issue_count, 0);

  const ParseResult short_header = parse_curves("YMD,T0000,T0015\n", {.default_account = "X"});
  ASSERT_EQ(short_header.issue_count, 1);
  EXPECT_TRUE(contains(short_header.issues[0].message, "96"));
}

TEST(CurvesParse, IssuesAreCappedButCounted) {
  std::string text = wide_header() + "\n";
  for (int d = 1; d <= 5; ++d) text += "2012010" + std::to_string(d) + ",x\n";
  const ParseResult r = parse_curves(text, {.default_account = "X", .max_issues = 2});
  EXPECT_EQ(r.issue_count, 5);
  EXPECT_EQ(r.issues.size(), 2u);
  EXPECT_EQ(r.rows, 5);
}

// ---- long form -----------------------------------------------------------------------------------

TEST(CurvesParse, LongForm) {
  const std::string text =
      "户号,时间,负荷\n"
      "A1,2012-01-01 00:00,10\n"
      "A1,2012-01-01T00:15:00,11.5\n"
      "A1,2012/1/1 0:30,\n"
      "a1,2012-01-31 23:45:00.000,-2\n"
      "A1,2012-02-01 00:00,5\n";
  const ParseResult r = parse_curves(text);
  ASSERT_TRUE(r.ok()) << r.issues.front().message;
  EXPECT_EQ(r.layout, Layout::long_form);
  EXPECT_EQ(r.rows, 5);
  EXPECT_EQ(r.readings, 4);
  ASSERT_EQ(r.curves.size(), 2u);
  const MonthCurve& jan = r.curves[0];
  EXPECT_EQ(jan.kw[0], 10.0f);
  EXPECT_EQ(jan.kw[1], 11.5f);
  EXPECT_TRUE(std::isnan(jan.kw[2]));
  EXPECT_EQ(jan.kw[30 * 96 + 95], -2.0f);
  EXPECT_EQ(jan.day_present[0], 1);
  EXPECT_EQ(jan.day_present[1], 0);
  EXPECT_EQ(jan.day_present[30], 1);
  EXPECT_EQ(r.curves[1].kw[0], 5.0f);
}

TEST(CurvesParse, LongFormOffGridAndDuplicates) {
  const std::string text =
      "timestamp,kw\n"
      "2012-01-01 00:07,1\n"
      "2012-01-01 00:15:30,1\n"
      "2012-01-01 00:30,1\n"
      "2012-01-01 24:00,1\n"
      "2012-01-01 00:45,x\n"
      "2012-01-01 00:30:00,2\n"
      "2012-01-01,1\n";
  const ParseResult r = parse_curves(text, {.default_account = "X"});
  EXPECT_EQ(r.issue_count, 6);
  ASSERT_NE(find_issue(r, 2, "timestamp"), nullptr);
  EXPECT_TRUE(contains(find_issue(r, 2)->message, "15 分钟")) << find_issue(r, 2)->message;
  EXPECT_TRUE(contains(find_issue(r, 3)->message, "15 分钟"));
  EXPECT_EQ(find_issue(r, 4), nullptr);
  EXPECT_TRUE(contains(find_issue(r, 5)->message, "不存在"));
  ASSERT_NE(find_issue(r, 6, "kw"), nullptr);
  EXPECT_TRUE(contains(find_issue(r, 6)->message, "第 2 列 kw"));
  const FieldIssue* dup = find_issue(r, 7, "timestamp");
  ASSERT_NE(dup, nullptr);
  EXPECT_TRUE(contains(dup->message, "第 4 行")) << dup->message;
  EXPECT_TRUE(contains(dup->message, "00:30"));
  EXPECT_TRUE(contains(find_issue(r, 8)->message, "无法识别"));

  EXPECT_GT(parse_curves("timestamp,kw,extra\n", {.default_account = "X"}).issue_count, 0);
  EXPECT_GT(parse_curves("timestamp,时间,kw\n", {.default_account = "X"}).issue_count, 0);
  EXPECT_EQ(parse_curves("timestamp\n", {.default_account = "X"}).issues.at(0).field, "kw");
}

// The fast path for plain decimals gives the same float as std::from_chars, also on the values
// whose double is exactly halfway between two floats (16777217 = 2^24 + 1, a true tie, and
// decimals near a tie where rounding to double first would round the float the wrong way).
TEST(CurvesParse, ValuesParseExactlyLikeFromChars) {
  std::vector<std::string> cells = {"16777217", "16777219", "-16777217", "0.1", "-0", "0", "1e3", "1.5E-2", "000123.4500", ".5", "5.",
                                    "123456789012345", "1234567890123456", "3.4e38", "0.0000000000000000000001", "0.00000000000000000000001",
                                    "99999999999999.9", "4503599627370497", "+7.25", "3967.259968", "0.000000059604644775390625",
                                    // 15 digits whose nearest double is halfway between two floats (double rounding)
                                    "0.00272479688283056", "0.0806516520678997", "0.0837574340403080", "0.492467537522316"};
  std::mt19937_64 gen(11);
  for (int i = 0; i < 20000; ++i) {
    const int decimals = static_cast<int>(gen() % 10);
    const double magnitude = std::pow(10.0, static_cast<double>(gen() % 9) - 2);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, (static_cast<double>(gen() % 2000000) / 1000000.0 - 0.3) * magnitude);
    cells.emplace_back(buf);
  }
  std::string text = "account_no,timestamp,kw\n";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "A%zu,2015-02-%02zu %02zu:%02zu,", i / (28 * 96), i / 96 % 28 + 1, i % 96 / 4, i % 4 * 15);
    text += buf + cells[i] + "\n";
  }
  const ParseResult r = parse_curves(text);
  ASSERT_TRUE(r.ok()) << r.issues.front().message;
  ASSERT_EQ(r.readings, static_cast<std::int64_t>(cells.size()));
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string& cell = cells[i];
    const char* begin = cell.data() + (cell[0] == '+');
    float expected = 0;
    ASSERT_EQ(std::from_chars(begin, cell.data() + cell.size(), expected).ec, std::errc()) << cell;
    const MonthCurve* c = find_curve(r, 2015, 2, "A" + std::to_string(i / (28 * 96)));
    ASSERT_NE(c, nullptr);
    const float got = c->kw[i % (28 * 96)];
    ASSERT_EQ(std::bit_cast<std::uint32_t>(got), std::bit_cast<std::uint32_t>(expected)) << cell << ": " << got << " vs " << expected;
  }
  EXPECT_EQ(find_curve(r, 2015, 2, "A0")->kw[0], 16777216.0f);  // halfway: to even
  EXPECT_EQ(find_curve(r, 2015, 2, "A0")->kw[1], 16777220.0f);
}

// The long form of the same readings gives the same curves as the wide export.
TEST(CurvesParse, LongFormEqualsWideForm) {
  REQUIRE_TEXT(text, "dgb2016_Area2_Load.csv");
  const ParseResult wide = parse_curves(text, {.default_account = "AREA2"});
  ASSERT_TRUE(wide.ok());
  std::string long_text = "account_no,timestamp,kw\n";
  long_text.reserve(wide.readings * 40);
  int n = 0;
  for (const MonthCurve& c : wide.curves)
    for (int d = 0; d < c.days(); ++d) {
      if (!c.day_present[static_cast<std::size_t>(d)]) continue;
      for (int s = 0; s < 96; ++s, ++n) {
        char buf[96];
        // Vary the timestamp spellings; floats printed shortest round-trip.
        const char* format = n % 3 == 0 ? "%s,%04d-%02d-%02d %02d:%02d," : n % 3 == 1 ? "%s,%04d-%02d-%02dT%02d:%02d:00," : "%s,%04d/%d/%d %d:%02d,";
        int len = std::snprintf(buf, sizeof buf, format, c.account_no.c_str(), c.year, c.month, d + 1, s / 4, s % 4 * 15);
        const float v = c.kw[static_cast<std::size_t>(d * 96 + s)];
        if (!std::isnan(v)) len = static_cast<int>(std::to_chars(buf + len, buf + sizeof buf, v).ptr - buf);
        long_text.append(buf, static_cast<std::size_t>(len));
        long_text += '\n';
      }
    }
  const ParseResult lng = parse_curves(long_text);
  ASSERT_TRUE(lng.ok()) << lng.issues.front().row << " " << lng.issues.front().message;
  EXPECT_EQ(lng.readings, wide.readings);
  ASSERT_EQ(lng.curves.size(), wide.curves.size());
  for (std::size_t i = 0; i < wide.curves.size(); ++i) {
    const MonthCurve &a = wide.curves[i], &b = lng.curves[i];
    EXPECT_EQ(a.account_no, b.account_no);
    EXPECT_EQ(a.year, b.year);
    EXPECT_EQ(a.month, b.month);
    EXPECT_EQ(a.day_present, b.day_present);
    ASSERT_EQ(a.kw.size(), b.kw.size());
    int differ = 0;
    for (std::size_t k = 0; k < a.kw.size(); ++k) differ += !(a.kw[k] == b.kw[k] || (std::isnan(a.kw[k]) && std::isnan(b.kw[k])));
    EXPECT_EQ(differ, 0) << a.year << "-" << a.month;
  }
}

// ---- quality -------------------------------------------------------------------------------------

namespace {

// A clean month: a daily shape with a morning ramp, varying from day to day, no repeats.
MonthCurve clean_month(int year = 2015, int month = 3) {
  MonthCurve c;
  c.account_no = "Q";
  c.year = year;
  c.month = month;
  const int days = days_in_month(year, month);
  c.day_present.assign(static_cast<std::size_t>(days), 1);
  c.kw.resize(static_cast<std::size_t>(days) * 96);
  for (int d = 0; d < days; ++d)
    for (int s = 0; s < 96; ++s) {
      const double ramp = s < 28 ? 300 : s < 36 ? 300 + (s - 28) * 150 : 1500;  // 07:00–09:00 ramp ×5
      c.kw[static_cast<std::size_t>(d * 96 + s)] = static_cast<float>(ramp + 20 * std::sin(s * 0.3 + d) + d * 3 + (s * 7 + d * 13) % 11 * 0.37);
    }
  return c;
}

}  // namespace

TEST(CurvesQuality, CleanCurveHasNoFlags) {
  const MonthCurve c = clean_month();
  const CurveQuality q = assess_quality(c);
  EXPECT_TRUE(q.flags.empty()) << q.flags.front();
  EXPECT_TRUE(q.marks.empty());
  EXPECT_EQ(q.points, 31 * 96);
  EXPECT_EQ(q.missing, 0);
  EXPECT_EQ(q.zeros, 0);
  EXPECT_EQ(q.covered_days, 31);
}

TEST(CurvesQuality, SpikeDetected) {
  MonthCurve c = clean_month();
  c.kw[4 * 96 + 50] *= 6;    // day 5, 12:30
  c.kw[9 * 96 + 10] = 2500;  // day 10, at night: 300 → 2500
  c.kw[20 * 96 + 40] *= 4;   // only ×4: no spike at ratio 5
  const CurveQuality q = assess_quality(c);
  EXPECT_EQ(q.spikes, 2);
  ASSERT_TRUE(q.has("spike"));
  ASSERT_EQ(q.marks.size(), 2u);
  EXPECT_EQ(q.marks[0].day, 5);
  EXPECT_EQ(q.marks[0].slot, 50);
  EXPECT_EQ(q.marks[1].day, 10);
  EXPECT_EQ(q.marks[1].slot, 10);
  QualityParams strict;
  strict.spike_ratio = 3;
  EXPECT_EQ(assess_quality(c, strict).spikes, 3);
  // Below spike_min_kw nothing is a spike.
  MonthCurve small = clean_month();
  for (float& v : small.kw) v /= 1000;
  small.kw[100] *= 10;
  EXPECT_EQ(assess_quality(small).spikes, 0);
}

TEST(CurvesQuality, FlatRunsDetected) {
  MonthCurve c = clean_month();
  for (int i = 0; i < 20; ++i) c.kw[static_cast<std::size_t>(2 * 96 + 90 + i)] = 777.5f;  // across midnight into day 4
  for (int i = 0; i < 15; ++i) c.kw[static_cast<std::size_t>(6 * 96 + i)] = 500;          // too short
  for (int i = 0; i < 40; ++i) c.kw[static_cast<std::size_t>(8 * 96 + i)] = 0;            // a shut site
  const CurveQuality q = assess_quality(c);
  EXPECT_EQ(q.flat_points, 20);
  EXPECT_TRUE(q.has("flat"));
  ASSERT_EQ(q.marks.size(), 1u);
  EXPECT_EQ(q.marks[0].day, 3);
  EXPECT_EQ(q.marks[0].slot, 90);
  EXPECT_EQ(q.marks[0].points, 20);
  EXPECT_EQ(q.zeros, 40);
  QualityParams zeros;
  zeros.flat_counts_zero_runs = true;
  EXPECT_EQ(assess_quality(c, zeros).flat_points, 60);
}

TEST(CurvesQuality, DuplicateDayDetected) {
  MonthCurve c = clean_month();
  std::copy_n(c.kw.begin() + 2 * 96, 96, c.kw.begin() + 9 * 96);   // day 10 = day 3
  std::copy_n(c.kw.begin() + 2 * 96, 96, c.kw.begin() + 10 * 96);  // day 11 = day 3
  const CurveQuality q = assess_quality(c);
  EXPECT_EQ(q.duplicate_days, 2);
  ASSERT_TRUE(q.has("duplicate_day"));
  ASSERT_EQ(q.marks.size(), 2u);
  EXPECT_EQ(q.marks[0].day, 10);
  EXPECT_EQ(q.marks[0].other_day, 3);
  EXPECT_EQ(q.marks[0].points, 96);
  // Missing days are not copies of each other.
  MonthCurve gaps = clean_month();
  std::fill_n(gaps.kw.begin() + 96, 2 * 96, kNaN);
  const CurveQuality qg = assess_quality(gaps);
  EXPECT_EQ(qg.duplicate_days, 0);
  EXPECT_EQ(qg.missing, 192);
  EXPECT_TRUE(qg.has("gaps"));
  ASSERT_EQ(qg.marks.size(), 1u);
  EXPECT_EQ(qg.marks[0].day, 2);
  EXPECT_EQ(qg.marks[0].points, 192);
}

TEST(CurvesQuality, GapsOnlyInsideTheCoveredDays) {
  MonthCurve c = clean_month();
  // Connected on the 10th: days 1–9 absent; one reading missing on the 12th; day 20 absent.
  for (int d = 0; d < 9; ++d) c.day_present[static_cast<std::size_t>(d)] = 0;
  std::fill_n(c.kw.begin(), 9 * 96, kNaN);
  c.kw[11 * 96 + 4] = kNaN;
  c.day_present[19] = 0;
  std::fill_n(c.kw.begin() + 19 * 96, 96, kNaN);
  const CurveQuality q = assess_quality(c);
  EXPECT_EQ(q.covered_days, 22);
  EXPECT_EQ(q.uncovered_days, 9);
  EXPECT_EQ(q.missing, 1 + 96);
  EXPECT_EQ(q.points, 21 * 96 - 1);
  // Without day_present every day counts.
  EXPECT_EQ(assess_quality(std::span<const float>(c.kw), {}).missing, 10 * 96 + 1);
  EXPECT_THROW(assess_quality(std::span<const float>(c.kw.data(), 100), {}), std::invalid_argument);
}

// The spike rule against its definition, computed the slow way (sort the neighbours, take the upper
// median) on random curves with gaps, zeros, bursts and negatives.
TEST(CurvesQuality, SpikeRuleMatchesItsDefinition) {
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> level(0, 400);
  std::uniform_int_distribution<int> kind(0, 99);
  const QualityParams p;
  for (int round = 0; round < 30; ++round) {
    std::vector<float> kw(30 * 96);
    for (float& v : kw) {
      const int k = kind(gen);
      v = k < 5 ? kNaN : k < 15 ? 0.0f : k < 18 ? level(gen) * 8 : k < 19 ? -level(gen) : level(gen);
    }
    int expected = 0;
    const int n = static_cast<int>(kw.size());
    for (int i = 0; i < n; ++i) {
      const float v = kw[static_cast<std::size_t>(i)];
      if (!(v >= p.spike_min_kw)) continue;
      std::vector<float> around;
      for (int j = std::max(0, i - 8); j <= std::min(n - 1, i + 8); ++j)
        if (j != i && !std::isnan(kw[static_cast<std::size_t>(j)])) around.push_back(kw[static_cast<std::size_t>(j)]);
      if (static_cast<int>(around.size()) < p.spike_min_neighbours) continue;
      std::sort(around.begin(), around.end());
      expected += v > static_cast<float>(p.spike_ratio) * around[around.size() / 2];
    }
    EXPECT_GT(expected, 0);
    EXPECT_EQ(assess_quality(std::span<const float>(kw), {}, p).spikes, expected) << round;
  }
}

TEST(CurvesQuality, NegativesCounted) {
  MonthCurve c = clean_month();
  c.kw[5] = -1;
  c.kw[500] = -123;
  const CurveQuality q = assess_quality(c);
  EXPECT_EQ(q.negatives, 2);
  EXPECT_EQ(q.spikes, 0);
  EXPECT_EQ(q.flags.size(), 1u);
  EXPECT_STREQ(q.flags[0], "negative");
}

}  // namespace lianxin::curves
