// The report document: a valid structure (xref offsets, stream lengths, page tree, the page count
// in the footer), Chinese text as UTF-16BE hex, page breaks for long paragraphs and tables (with
// the header repeated), every text inside the page, the chart drawing (nice ticks, a path per run
// of a line broken by NaN, a fill per heat map cell, "无数据" for empty charts), and the speed of
// a 10-page report. Writes a sample with every element to /tmp/pdf_report_sample.pdf.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <string>

#include "io/pdf_report.hpp"

using namespace lianxin::io;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Sanitizers slow everything down by an order of magnitude; the time limit is for real builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

std::string hex_of(const std::u16string& s) {
  std::string out;
  char buf[8];
  for (char16_t c : s) {
    std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(c));
    out += buf;
  }
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// How many times `op` stands as a whole token (operators are separated by white space).
std::size_t count_op(const std::string& pdf, const std::string& op) {
  std::istringstream in(pdf);
  std::size_t n = 0;
  for (std::string token; in >> token;) n += token == op;
  return n;
}

std::string run(const std::string& command) {
  std::string out;
  if (FILE* f = popen(command.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    pclose(f);
  }
  return out;
}

// Checks the file structure; returns the page count (0 after a failure).
std::size_t check_structure(const std::string& pdf) {
  EXPECT_EQ(pdf.rfind("%PDF-1.4\n", 0), 0u);
  EXPECT_GE(pdf.size(), 6u);
  EXPECT_EQ(pdf.substr(pdf.size() - 6), "%%EOF\n");
  const auto sx = pdf.rfind("startxref\n");
  if (sx == std::string::npos) {
    ADD_FAILURE() << "no startxref";
    return 0;
  }
  const std::size_t xref = std::stoul(pdf.substr(sx + 10));
  EXPECT_EQ(pdf.compare(xref, 5, "xref\n"), 0);
  std::smatch m;
  const std::string tail = pdf.substr(xref, 64);
  if (!std::regex_search(tail, m, std::regex("^xref\n0 (\\d+)\n"))) {
    ADD_FAILURE() << "no xref table";
    return 0;
  }
  const int entries = std::stoi(m[1]);
  const std::size_t at = xref + static_cast<std::size_t>(m.length(0));
  EXPECT_EQ(pdf.substr(at, 20), "0000000000 65535 f \n");
  for (int i = 1; i < entries; ++i) {
    const std::string entry = pdf.substr(at + 20 * static_cast<std::size_t>(i), 20);
    EXPECT_EQ(entry.substr(10), " 00000 n \n") << entry;
    const std::size_t offset = std::stoul(entry.substr(0, 10));
    const std::string head = std::to_string(i) + " 0 obj\n";
    EXPECT_EQ(pdf.compare(offset, head.size(), head), 0) << "object " << i << " not at " << offset;
  }
  EXPECT_EQ(static_cast<std::size_t>(entries - 1), count(pdf, " 0 obj\n"));
  EXPECT_NE(pdf.find("/Size " + std::to_string(entries) + " "), std::string::npos);
  // Stream lengths are exact.
  const std::string key = "<< /Length ";
  for (std::size_t p = pdf.find(key); p != std::string::npos; p = pdf.find(key, p + 1)) {
    const std::size_t length = std::stoul(pdf.substr(p + key.size()));
    const std::size_t start = pdf.find(">>\nstream\n", p) + 10;
    EXPECT_EQ(pdf.compare(start + length, 10, "\nendstream"), 0);
  }
  // Every content stream balances its graphics state (q ... Q) and text objects.
  for (std::size_t p = pdf.find(">>\nstream\n"); p != std::string::npos; p = pdf.find(">>\nstream\n", p + 1)) {
    const std::size_t start = p + 10, end = pdf.find("\nendstream", start);
    const std::string content = pdf.substr(start, end - start);
    int depth = 0, texts = 0;
    std::istringstream in(content);
    for (std::string token; in >> token;) {
      if (token == "q") ++depth;
      if (token == "Q" && --depth < 0) ADD_FAILURE() << "Q without q";
      if (token == "BT" && ++texts > 1) ADD_FAILURE() << "BT in a text object";
      if (token == "ET" && --texts < 0) ADD_FAILURE() << "ET without BT";
    }
    EXPECT_EQ(depth, 0);
    EXPECT_EQ(texts, 0);
  }
  // Pages: the page objects, the page tree's count and "共 m 页" in every footer agree.
  const std::size_t pages = count(pdf, "/Type /Page /Parent");
  EXPECT_NE(pdf.find("/Count " + std::to_string(pages) + " >>"), std::string::npos);
  const std::regex footer("<" + hex_of(u"页，共") + "> Tj /F2 8 Tf \\( (\\d+) \\) Tj /F1 8 Tf <" + hex_of(u"页") + "> Tj");
  std::size_t footers = 0;
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), footer); it != std::sregex_iterator(); ++it, ++footers)
    EXPECT_EQ(std::stoul((*it)[1]), pages);
  EXPECT_EQ(footers, pages);
  for (std::size_t i = 1; i <= pages; ++i)
    EXPECT_NE(pdf.find("<" + hex_of(u"第") + "> Tj /F2 8 Tf ( " + std::to_string(i) + " ) Tj"), std::string::npos) << i;
  return pages;
}

// The text objects of the document: position and width (Courier 0.6 em, the CID font 1 em).
struct TextObject {
  double x, y, width;
  std::string ascii;  // the literal (Courier) runs
};
std::vector<TextObject> text_objects(const std::string& pdf) {
  std::vector<TextObject> out;
  for (std::size_t p = pdf.find("BT "); p != std::string::npos; p = pdf.find("BT ", p + 1)) {
    const std::size_t end = pdf.find(" ET\n", p);
    if (end == std::string::npos) break;
    const std::string obj = pdf.substr(p, end - p);
    std::istringstream in(obj.substr(0, obj.find(" Td")));
    std::vector<std::string> t;
    for (std::string s; in >> s;) t.push_back(s);
    TextObject o{std::stod(t[t.size() - 2]), std::stod(t.back()), 0, ""};
    double size = 0;
    for (std::size_t i = obj.find(" Td") + 3; i < obj.size();) {
      if (obj.compare(i, 2, "/F") == 0) {
        size = std::stod(obj.substr(i + 4));
        i = obj.find("Tf ", i) + 3;
      } else if (obj[i] == '<') {
        const std::size_t close = obj.find('>', i);
        o.width += static_cast<double>(close - i - 1) / 4 * size;
        i = close + 1;
      } else if (obj[i] == '(') {
        ++i;
        for (; i < obj.size() && obj[i] != ')'; ++i) {
          if (obj[i] == '\\') ++i;
          o.ascii += obj[i];
          o.width += 0.6 * size;
        }
        ++i;
      } else {
        ++i;
      }
    }
    out.push_back(o);
    p = end;
  }
  return out;
}

void expect_text_inside(const std::string& pdf, double page_w, double page_h) {
  const auto texts = text_objects(pdf);
  ASSERT_FALSE(texts.empty());
  for (const auto& t : texts) {
    EXPECT_GE(t.x, 47.9) << t.ascii;  // the margins are 48 points
    EXPECT_LE(t.x + t.width, page_w - 47.9) << t.ascii << " at " << t.x << " width " << t.width;
    EXPECT_GE(t.y, 20);
    EXPECT_LE(t.y, page_h - 20);
  }
}

std::vector<std::string> times_of_day() {
  std::vector<std::string> labels;
  char buf[16];
  for (int i = 0; i < 96; ++i) {
    std::snprintf(buf, sizeof buf, "%02d:%02d", i / 4, i % 4 * 15);
    labels.push_back(buf);
  }
  return labels;
}

double load(int day, int slot) {
  const double h = slot / 4.0;
  const double shape = 300 + 900 * std::exp(-std::pow((h - 10.5) / 3.2, 2)) + 700 * std::exp(-std::pow((h - 15.5) / 2.6, 2));
  const bool weekend = day % 7 == 5 || day % 7 == 6;
  return shape * (weekend ? 0.55 : 1.0) + 40 * std::sin(day * 1.7 + slot * 0.3);
}

HeatMap sample_heat_map() {
  HeatMap h;
  h.title = "2026年5月 每日96点负荷热力图";
  h.column_labels = times_of_day();
  h.unit = "kW";
  for (int d = 0; d < 31; ++d) {
    h.row_labels.push_back("5月" + std::to_string(d + 1) + "日");
    std::vector<double> row;
    for (int s = 0; s < 96; ++s) row.push_back(d == 12 && s >= 40 && s < 52 ? kNaN : load(d, s));
    h.values.push_back(row);
  }
  return h;
}

PdfReport sample_report() {
  PdfReport r("用电分析报告");
  r.subtitle("客户：滇池恒信锡业股份有限公司（户号 0530001234）");
  r.subtitle("分析期间：2026-05-01 至 2026-05-31　　生成时间：2026-06-01 08:00");
  r.heading("一、基本信息");
  r.key_values({{"客户名称", "滇池恒信锡业股份有限公司"},
                {"户号", "0530001234"},
                {"用电地址", "云南省昆明市五华区滇池路 1288 号恒信工业园区 3 号厂房（北区）"},
                {"行业分类", "有色金属冶炼和压延加工业"},
                {"电压等级", "10kV"},
                {"合同容量", "4,000 kVA"},
                {"电价类别", "大工业用电（两部制）"},
                {"客户经理", "李明 13800000000"}});
  r.heading("二、用电概况");
  r.paragraph(
      "本月总用电量 1,286,450 kWh，同比增长 6.8%，环比下降 2.1%。其中峰时段用电 452,300 kWh，占 35.2%；"
      "平时段 498,120 kWh，占 38.7%；谷时段 336,030 kWh，占 26.1%。最大需量 3,412 kW，出现在 5 月 14 日 10:45，"
      "负荷率 52.4%。The monthly peak-to-valley ratio is 2.9, which is above the industry average for smelting plants "
      "of this size; shifting part of the furnace preheating to the valley period would reduce the energy cost.");
  LineChart daily;
  daily.title = "典型日负荷曲线";
  daily.x_labels = times_of_day();
  daily.y_unit = "kW";
  for (auto [name, factor] : {std::pair{"工作日平均", 1.0}, {"休息日平均", 0.55}, {"最大负荷日", 1.25}}) {
    ChartSeries s{name, {}};
    for (int i = 0; i < 96; ++i) s.values.push_back(load(0, i) * factor);
    daily.series.push_back(s);
  }
  for (int i = 30; i < 34; ++i) daily.series[2].values[static_cast<std::size_t>(i)] = kNaN;  // missing readings
  r.line_chart(daily);
  BarChart monthly;
  monthly.title = "近12个月分时电量";
  monthly.y_unit = "万kWh";
  monthly.stacked = true;
  monthly.series = {{"峰", {}}, {"平", {}}, {"谷", {}}};
  for (int m = 0; m < 12; ++m) {
    monthly.x_labels.push_back(std::to_string(2025 + (m + 5) / 12) + "-" + (((m + 5) % 12 + 1) < 10 ? "0" : "") +
                               std::to_string((m + 5) % 12 + 1));
    monthly.series[0].values.push_back(40 + 8 * std::sin(m));
    monthly.series[1].values.push_back(45 + 5 * std::cos(m));
    monthly.series[2].values.push_back(30 + 4 * std::sin(m * 0.5));
  }
  r.bar_chart(monthly);
  r.heading("三、负荷特性");
  r.heat_map(sample_heat_map());
  LineChart demand;
  demand.title = "每日最大需量";
  demand.y_unit = "kW";
  demand.series = {{"最大需量", {}}, {"合同容量折算", {}}};
  for (int d = 0; d < 31; ++d) {
    demand.x_labels.push_back(std::to_string(d + 1) + "日");
    demand.series[0].values.push_back(d == 17 ? kNaN : 2600 + 600 * std::sin(d * 0.6) + (d % 7 >= 5 ? -900 : 0));
    demand.series[1].values.push_back(3200);
  }
  r.line_chart(demand);
  BarChart yoy;
  yoy.title = "分时电量同比变化";
  yoy.y_unit = "%";
  yoy.x_labels = {"1月", "2月", "3月", "4月", "5月"};
  yoy.series = {{"峰", {4.2, -3.1, 6.8, -8.5, 2.4}}, {"平", {1.1, 2.6, -1.9, 3.3, kNaN}}, {"谷", {-6.2, -2.2, 5.1, 7.7, 9.8}}};
  r.bar_chart(yoy);
  r.heading("四、电量构成");
  r.pie_chart({"本月分时电量占比", {{"尖峰", 98000}, {"峰", 354300}, {"平", 498120}, {"谷", 336030}}, 180});
  r.heading("五、逐日用电明细");
  std::vector<PdfRow> rows;
  for (int d = 0; d < 62; ++d) {
    const int day = d % 31 + 1;
    rows.push_back({{"2026-0" + std::to_string(4 + d / 31) + "-" + (day < 10 ? "0" : "") + std::to_string(day),
                     std::to_string(38000 + d * 137 % 5000), std::to_string(2600 + d * 71 % 900),
                     day % 7 >= 5 ? "休息日" : "工作日", d == 13 ? "计量装置故障，当日 10:00-13:00 数据缺失，已按典型日补全" : ""},
                    RowStyle::normal});
  }
  rows.push_back({{"合计", "2,478,900", "", "", ""}, RowStyle::total});
  r.table({{"日期", 1.2}, {"电量(kWh)", 1.2, Align::right}, {"最大需量(kW)", 1.3, Align::right}, {"日类型", 1, Align::center},
           {"备注", 3}},
          rows);
  r.heading("六、节能建议");
  for (int i = 0; i < 6; ++i)
    r.paragraph(std::to_string(i + 1) +
                ". 建议将部分熔炼炉预热工序调整至 23:00-07:00 谷时段进行，预计每月可节约电费约 3.2 万元；"
                "同时加强功率因数管理，将月平均功率因数保持在 0.95 以上，避免力调电费。"
                "对空压机系统实施变频改造，对车间照明进行 LED 替换，预计综合节电率 4%～6%。");
  return r;
}

}  // namespace

TEST(NiceTicks, RoundSteps) {
  EXPECT_EQ(nice_ticks(0, 9.3), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(nice_ticks(0, 100), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(nice_ticks(0, 1234), (std::vector<double>{0, 500, 1000, 1500}));
  EXPECT_EQ(nice_ticks(-37, 120), (std::vector<double>{-50, 0, 50, 100, 150}));
  EXPECT_EQ(nice_ticks(0, 0), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1}));
  EXPECT_EQ(nice_ticks(9.3, 0), nice_ticks(0, 9.3));
  // Exactly the decimal values (not 0.30000000000000004).
  EXPECT_EQ(nice_ticks(0.1, 0.37), (std::vector<double>{0.1, 0.2, 0.3, 0.4}));
  EXPECT_EQ(nice_ticks(0.01, 0.093), (std::vector<double>{0, 0.02, 0.04, 0.06, 0.08, 0.1}));
  EXPECT_EQ(nice_ticks(-0.7, -0.2), (std::vector<double>{-0.7, -0.6, -0.5, -0.4, -0.3, -0.2}));
  EXPECT_EQ(nice_ticks(12000, 87000), (std::vector<double>{0, 20000, 40000, 60000, 80000, 100000}));
  EXPECT_EQ(nice_ticks(kNaN, 1), (std::vector<double>{0, 1}));
}

TEST(PdfReport, StructurePageCountAndChineseText) {
  const std::string pdf = sample_report().bytes();
  const std::size_t pages = check_structure(pdf);
  EXPECT_GE(pages, 6u);
  // The title in the document information and, as UTF-16BE hex, in a text-showing operator.
  EXPECT_NE(pdf.find("<" + hex_of(u"用电分析报告") + "> Tj"), std::string::npos);
  EXPECT_NE(pdf.find("/Title <FEFF" + hex_of(u"用电分析报告") + ">"), std::string::npos);
  EXPECT_NE(pdf.find("<" + hex_of(u"一、基本信息") + "> Tj"), std::string::npos);
  EXPECT_NE(pdf.find("/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"), std::string::npos);
  EXPECT_NE(pdf.find("<7528> <7528>"), std::string::npos);  // 用 in the ToUnicode map
  EXPECT_NE(pdf.find("/MediaBox [0 0 595.28 841.89]"), std::string::npos);  // A4 portrait
  // Graphics state is balanced (every chart is wrapped in q ... Q).
  EXPECT_EQ(count_op(pdf, "q"), count_op(pdf, "Q"));
  EXPECT_EQ(count_op(pdf, "BT"), count_op(pdf, "ET"));
  expect_text_inside(pdf, 595.28, 841.89);
}

TEST(PdfReport, LongParagraphsBreakPages) {
  PdfReport r("长段落");
  std::string text;
  for (int i = 0; i < 120; ++i) text += "供电企业应当保证供给用户的供电质量符合国家标准。";
  r.paragraph(text);
  std::string latin;
  for (int i = 0; i < 400; ++i) latin += "word" + std::to_string(i) + " ";
  r.paragraph(latin);
  const std::string pdf = r.bytes();
  const std::size_t pages = check_structure(pdf);
  EXPECT_GE(pages, 3u);
  expect_text_inside(pdf, 595.28, 841.89);
  // Latin wraps at spaces: every line is whole words, and they are all there in order.
  std::vector<std::string> lines;
  for (const auto& t : text_objects(pdf))
    if (t.ascii.rfind("word", 0) == 0) lines.push_back(t.ascii);
  ASSERT_GT(lines.size(), 5u);
  std::string joined;
  for (auto& l : lines) {
    EXPECT_NE(l.back(), ' ');
    joined += l + " ";
  }
  EXPECT_EQ(joined, latin);
  // CJK wraps at any character: the lines (but the last) are full to the margin within a character.
  std::size_t full = 0;
  for (const auto& t : text_objects(pdf))
    if (t.ascii.empty() && t.width > 400) {
      ++full;
      EXPECT_GT(t.x + t.width, 595.28 - 48 - 2 * 10.5 - 0.01);
    }
  EXPECT_GT(full, 10u);
}

TEST(PdfReport, ClosingPunctuationDoesNotStartALine) {
  PdfReport r("标点");
  // 47 characters of 10.5 points fill the line of 499.28 points; the comma would be the 48th, so
  // it takes the 47th along to the next line.
  std::string text;
  for (int i = 0; i < 47; ++i) text += "电";
  r.paragraph(text + "，后续文字");
  const std::string pdf = r.bytes();
  EXPECT_NE(pdf.find("<" + hex_of(std::u16string(46, u'电')) + "> Tj"), std::string::npos);
  EXPECT_NE(pdf.find("<" + hex_of(u"电，后续文字") + "> Tj"), std::string::npos);
  expect_text_inside(pdf, 595.28, 841.89);
}

TEST(PdfReport, LongTablesRepeatTheirHeader) {
  PdfReport r("明细", true);
  r.heading("逐日明细");
  std::vector<PdfRow> rows;
  for (int i = 0; i < 100; ++i)
    rows.push_back({{"2026-05-" + std::to_string(i % 31 + 1),
                     i == 7 ? "一段很长的备注文字，会在单元格内折行显示，超过三行的部分以省略号结束，"
                              "这里再补充一些文字使它一定超过三行的宽度限制，继续补充更多的文字内容。"
                              "一段很长的备注文字，会在单元格内折行显示，超过三行的部分以省略号结束，"
                              "这里再补充一些文字使它一定超过三行的宽度限制，继续补充更多的文字内容。"
                            : "正常",
                     "1,234.5"}});
  r.table({{"日期", 1}, {"备注", 2}, {"电量(kWh)", 1, Align::right}}, rows);
  const std::string pdf = r.bytes();
  const std::size_t pages = check_structure(pdf);
  EXPECT_GE(pages, 3u);
  EXPECT_NE(pdf.find("/MediaBox [0 0 841.89 595.28]"), std::string::npos);  // landscape
  // The header on every page the table is on (here all of them), bold.
  EXPECT_EQ(count(pdf, "<" + hex_of(u"备注") + "> Tj"), pages);
  EXPECT_EQ(count(pdf, "BT 2 Tr 0.3 w") >= pages * 3, true);
  // The long note wraps to three lines, the last cut with an ellipsis.
  EXPECT_NE(pdf.find("2026> Tj ET"), std::string::npos);
  expect_text_inside(pdf, 841.89, 595.28);
}

TEST(PdfReport, HeadingMovesWithTheBlockAfterIt) {
  PdfReport r("标题");
  for (int i = 0; i < 24; ++i) r.paragraph("第" + std::to_string(i) + "段。");
  r.heading("负荷特性");
  r.heat_map(sample_heat_map());  // does not fit below the heading
  const std::string pdf = r.bytes();
  ASSERT_EQ(check_structure(pdf), 2u);
  const std::size_t page2 = pdf.find("/Type /Page /Parent", pdf.find("/Type /Page /Parent") + 1);
  const std::size_t content2 = pdf.find("stream\n", page2);
  EXPECT_GT(pdf.find("<" + hex_of(u"负荷特性") + "> Tj"), content2) << "the heading is on the second page";
  EXPECT_EQ(count(pdf, "<" + hex_of(u"负荷特性") + "> Tj"), 1u);
}

TEST(PdfReport, ChartsTallerThanAPageFitUnderTheirHeading) {
  PdfReport r("高图表");
  r.heading("甲");
  HeatMap h = sample_heat_map();
  h.height = 5000;
  r.heat_map(h);
  r.heading("乙");
  r.line_chart({"曲线", {"1", "2"}, {{"a", {1, 2}}}, "kW", 5000});
  const std::string pdf = r.bytes();
  ASSERT_EQ(check_structure(pdf), 3u);  // the title alone, then a heading and its chart on each page
  const std::size_t page2 = pdf.find("stream\n", pdf.find("/Type /Page /Parent", pdf.find("/Type /Page /Parent") + 1));
  const std::size_t page3 = pdf.find("stream\n", pdf.find("/Type /Page /Parent", page2));
  EXPECT_GT(pdf.find("<" + hex_of(u"甲") + "> Tj"), page2);
  EXPECT_LT(pdf.find("<" + hex_of(u"甲") + "> Tj"), page3);
  EXPECT_GT(pdf.find("<" + hex_of(u"乙") + "> Tj"), page3);
  expect_text_inside(pdf, 595.28, 841.89);
  // Nothing is drawn into the bottom margin (y below 50) but the page numbers.
  for (const auto& t : text_objects(pdf)) {
    const bool page_number = t.ascii.rfind(" ", 0) == 0;  // 第< 1 >页，共< 3 >页
    if (!page_number) {
      EXPECT_GE(t.y, 50) << t.ascii;
    }
  }
}

TEST(PdfReport, HeatMapFillsOneRectanglePerCell) {
  auto fills = [](const HeatMap& h) {
    PdfReport r("热力图");
    r.heat_map(h);
    return count(r.bytes(), "re f\n");
  };
  HeatMap h;
  h.title = "热力图";
  const std::size_t rows = 7, cols = 24;
  for (std::size_t c = 0; c < cols; ++c) h.column_labels.push_back(std::to_string(c) + "h");
  for (std::size_t r = 0; r < rows; ++r) {
    h.row_labels.push_back("第" + std::to_string(r + 1) + "天");
    h.values.emplace_back();
    for (std::size_t c = 0; c < cols; ++c) h.values.back().push_back(static_cast<double>(r * cols + c));
  }
  const std::size_t all = fills(h);
  EXPECT_GE(all, rows * cols);
  h.values[3][5] = kNaN;  // neither the minimum nor the maximum: the scale stays
  EXPECT_EQ(fills(h), all - 1);
  h.values[4].resize(20);  // a short row: the missing cells are empty
  EXPECT_EQ(fills(h), all - 5);
  // The scale runs from blue (the minimum) to red (the maximum).
  PdfReport r("热力图");
  r.heat_map(h);
  const std::string pdf = r.bytes();
  EXPECT_NE(pdf.find("0.192 0.212 0.584 rg\n"), std::string::npos) << "the minimum is blue";
  EXPECT_NE(pdf.find("0.647 0 0.149 rg\n"), std::string::npos) << "the maximum is red";
  check_structure(pdf);
  expect_text_inside(pdf, 595.28, 841.89);
}

TEST(PdfReport, LineBrokenByNaNStartsTwoPaths) {
  auto paths = [](std::vector<double> values) {
    PdfReport r("折线");
    LineChart c;
    c.title = "负荷";
    c.series = {{"负荷", values}};
    for (std::size_t i = 0; i < values.size(); ++i) c.x_labels.push_back(std::to_string(i));
    r.line_chart(c);
    const std::string pdf = r.bytes();
    check_structure(pdf);
    return std::pair{count_op(pdf, "m"), count_op(pdf, "l")};
  };
  const auto [m_whole, l_whole] = paths({1, 2, 3, 4, 5, 6});
  const auto [m_gap, l_gap] = paths({1, 2, 3, kNaN, 5, 6});
  EXPECT_EQ(m_gap, m_whole + 1);  // a second path start for the run after the gap
  EXPECT_EQ(l_gap, l_whole - 2);  // and no segments into or out of the gap
  const auto [m_ends, l_ends] = paths({kNaN, 2, 3, 4, 6, kNaN});
  EXPECT_EQ(m_ends, m_whole);
}

TEST(PdfReport, EmptyChartsShowNoData) {
  const std::string no_data = "<" + hex_of(u"无数据") + "> Tj";
  PdfReport r("空图表");
  r.line_chart({"空", {}, {}, "kW"});
  r.line_chart({"全为空值", {"a", "b"}, {{"x", {kNaN, kNaN}}}, "kW"});
  r.bar_chart({"空", {"a"}, {}, "kWh"});
  r.bar_chart({"空值", {"a"}, {{"x", {kNaN}}}, "kWh", true});
  r.heat_map({"空", {"1日"}, {"00:00"}, {{kNaN}}, "kW"});
  r.heat_map({"无行", {}, {}, {}, "kW"});
  r.pie_chart({"零", {{"a", 0}, {"b", kNaN}, {"c", -1}}});
  r.pie_chart({"空", {}});
  const std::string pdf = r.bytes();
  check_structure(pdf);
  EXPECT_EQ(count(pdf, no_data), 8u);
  std::ofstream("/tmp/pdf_report_empty.pdf", std::ios::binary) << pdf;
  expect_text_inside(pdf, 595.28, 841.89);
}

TEST(PdfReport, NegativeValuesAndSingleValues) {
  PdfReport r("负值");
  r.bar_chart({"同比", {"1月", "2月"}, {{"a", {-12, 30}}, {"b", {5, -44}}}, "%"});
  r.bar_chart({"同比堆叠", {"1月", "2月"}, {{"a", {-12, 30}}, {"b", {5, -44}}}, "%", true});
  r.line_chart({"一个点", {"1日"}, {{"a", {7}}}, "kW"});
  r.line_chart({"全为零", {"1日", "2日"}, {{"a", {0, 0}}}, "kW"});
  r.pie_chart({"一块", {{"全部", 5}}});
  const std::string pdf = r.bytes();
  check_structure(pdf);
  std::ofstream("/tmp/pdf_report_negative.pdf", std::ios::binary) << pdf;
  // The axes include 0 and go below the most negative value (-44 grouped, -44 stacked).
  std::vector<double> negatives;
  for (const auto& t : text_objects(pdf))
    if (std::regex_match(t.ascii, std::regex("-\\d+"))) negatives.push_back(std::stod(t.ascii));
  ASSERT_FALSE(negatives.empty());
  EXPECT_LE(*std::min_element(negatives.begin(), negatives.end()), -44);
  EXPECT_NE(pdf.find("(0) Tj"), std::string::npos);
  EXPECT_NE(pdf.find("(5  100.0%) Tj"), std::string::npos);
  expect_text_inside(pdf, 595.28, 841.89);
}

// Timing is printed for information only (speed is measured in bench/, never asserted in tests).
TEST(PdfReport, SampleReportIsWrittenForViewing) {
  double best = 1e9;
  std::string pdf;
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    PdfReport r = sample_report();
    r.heading("附录：逐时段负荷明细");
    std::vector<PdfRow> rows;
    const auto times = times_of_day();
    char a[32], b[32];
    for (int s = 0; s < 144; ++s) {  // a working day and half a rest day
      std::snprintf(a, sizeof a, "%.1f", load(s / 96, s % 96));
      std::snprintf(b, sizeof b, "%.1f", load(5, s % 96));
      rows.push_back({{(s < 96 ? "5月1日 " : "5月2日 ") + times[static_cast<std::size_t>(s % 96)], a, b, "正常"}});
    }
    r.table({{"时段", 1.3}, {"工作日(kW)", 1, Align::right}, {"休息日(kW)", 1, Align::right}, {"说明", 2}}, rows);
    pdf = r.bytes();
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  const std::size_t pages = check_structure(pdf);
  std::printf("sample report: %zu pages, %zu bytes, %.2f ms\n", pages, pdf.size(), best);
  EXPECT_GE(pages, 10u);
  EXPECT_LT(pdf.size(), 2'000'000u);
  std::ofstream("/tmp/pdf_report_sample.pdf", std::ios::binary) << pdf;
  ASSERT_EQ(std::system("command -v pdftotext >/dev/null 2>&1"), 0) << "pdftotext (poppler-utils, make deps installs it) is required";
  const std::string text = run("pdftotext -enc UTF-8 /tmp/pdf_report_sample.pdf - 2>&1");
  EXPECT_NE(text.find("用电分析报告"), std::string::npos) << text.substr(0, 500);
  EXPECT_NE(text.find("滇池恒信锡业股份有限公司"), std::string::npos);
  EXPECT_NE(text.find("典型日负荷曲线"), std::string::npos);
  EXPECT_NE(text.find("第 1 页，共 " + std::to_string(pages) + " 页"), std::string::npos);
  EXPECT_EQ(text.find("Error"), std::string::npos) << text.substr(0, 500);
}
