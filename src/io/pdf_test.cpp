// The PDF writer: a valid structure (every xref offset points at its object, the object count and
// the page count agree), the header repeated on every page, page numbers, and Chinese text that
// a real reader extracts (pdftotext from poppler-utils, when installed).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "io/pdf.hpp"

using namespace lianxin::io;

namespace {

PdfTable sample(int rows) {
  PdfTable t;
  t.title = "滇池控股集团有限公司 统一结算单 2026-05";
  t.subtitle = {"统一社会信用代码：91530100MA6K8L3X20", "生成时间：2026-06-01 08:00"};
  t.columns = {{"地区", 2}, {"客户", 3}, {"户号", 1.5}, {"总电量(kWh)", 1.5, Align::right}, {"应收(元)", 1.5, Align::right}};
  for (int i = 0; i < rows; ++i)
    t.rows.push_back({{"东城区供电局", "滇池恒信锡业股份有限公司第" + std::to_string(i) + "分厂", "053000" + std::to_string(1000 + i),
                       "1,234.50", "802.43"},
                      i % 10 == 9 ? RowStyle::subtotal : RowStyle::normal});
  t.rows.push_back({{"合计", "", "", "99,999.00", "65,000.00"}, RowStyle::total});
  t.notes = {"说明：本结算单仅包含您权限范围内的成员。"};
  return t;
}

// The hex form of a string's UCS-2 codes as the writer puts it into content streams.
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

}  // namespace

TEST(Pdf, XrefOffsetsAndObjectCountAreRight) {
  const std::string pdf = write_pdf(sample(120));
  ASSERT_EQ(pdf.rfind("%PDF-1.4\n", 0), 0u);
  ASSERT_GE(pdf.size(), 6u);
  EXPECT_EQ(pdf.substr(pdf.size() - 6), "%%EOF\n");
  const auto sx = pdf.rfind("startxref\n");
  ASSERT_NE(sx, std::string::npos);
  const std::size_t xref = std::stoul(pdf.substr(sx + 10));
  ASSERT_EQ(pdf.compare(xref, 5, "xref\n"), 0);
  std::smatch m;
  std::string tail = pdf.substr(xref);
  ASSERT_TRUE(std::regex_search(tail, m, std::regex("^xref\n0 (\\d+)\n")));
  const int entries = std::stoi(m[1]);
  std::size_t at = xref + m.length(0);
  EXPECT_EQ(pdf.substr(at, 20), "0000000000 65535 f \n");
  for (int i = 1; i < entries; ++i) {
    const std::string entry = pdf.substr(at + 20 * static_cast<std::size_t>(i), 20);
    ASSERT_EQ(entry.size(), 20u);
    ASSERT_EQ(entry.substr(10), " 00000 n \n") << entry;
    const std::size_t offset = std::stoul(entry.substr(0, 10));
    const std::string head = std::to_string(i) + " 0 obj\n";
    EXPECT_EQ(pdf.compare(offset, head.size(), head), 0) << "object " << i << " not at " << offset;
  }
  EXPECT_EQ(static_cast<std::size_t>(entries - 1), count(pdf, " 0 obj\n"));
  EXPECT_NE(pdf.find("/Size " + std::to_string(entries) + " "), std::string::npos);
  // Stream lengths are exact.
  std::regex stream_re("<< /Length (\\d+) >>\nstream\n");
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), stream_re); it != std::sregex_iterator(); ++it) {
    const std::size_t start = static_cast<std::size_t>(it->position(0) + it->length(0));
    const std::size_t length = std::stoul((*it)[1]);
    EXPECT_EQ(pdf.compare(start + length, 10, "\nendstream"), 0);
  }
  // Pages: several, the count in the page tree, the header and a page number on each.
  const std::size_t pages = count(pdf, "/Type /Page /Parent");
  EXPECT_GE(pages, 3u);
  EXPECT_NE(pdf.find("/Count " + std::to_string(pages) + " >>"), std::string::npos);
  // Chinese in the CID font (hex codes), ASCII runs in Courier (literal strings, parentheses escaped).
  EXPECT_EQ(count(pdf, "<" + hex_of(u"总电量") + "> Tj /F2 8 Tf (\\(kWh\\)) Tj"), pages);
  EXPECT_NE(pdf.find("<" + hex_of(u"第") + "> Tj /F2 8 Tf ( 1 ) Tj /F1 8 Tf <" + hex_of(u"页，共") + "> Tj /F2 8 Tf ( " +
                     std::to_string(pages) + " ) Tj /F1 8 Tf <" + hex_of(u"页") + ">"),
            std::string::npos);
  EXPECT_NE(pdf.find("/BaseFont /Courier /Encoding /WinAnsiEncoding"), std::string::npos);
  // The font: STSong-Light through UniGB-UCS2-H with a ToUnicode map.
  EXPECT_NE(pdf.find("/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"), std::string::npos);
  EXPECT_NE(pdf.find("/Ordering (GB1)"), std::string::npos);
  EXPECT_NE(pdf.find("<6EC7> <6EC7>"), std::string::npos);  // 滇 in the ToUnicode map
}

TEST(Pdf, CharactersOutsideTheBmpAreReplacedAndLongCellsCut) {
  PdfTable t;
  t.title = "表情😀";
  t.columns = {{"名称", 1}};
  t.rows.push_back({{std::string(300, 'x')}});
  const std::string pdf = write_pdf(t);
  EXPECT_NE(pdf.find("<" + hex_of(u"表情") + "> Tj /F2 14 Tf (?) Tj"), std::string::npos);
  EXPECT_NE(pdf.find("2026>"), std::string::npos);  // the ellipsis ends the cut cell
  EXPECT_DOUBLE_EQ(pdf_text_width("ab中", 10), 22);  // Courier 0.6 em each, Chinese 1 em
}

TEST(Pdf, ChineseTextIsExtractable) {
  if (std::system("command -v pdftotext >/dev/null 2>&1") != 0) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  const auto path = std::filesystem::temp_directory_path() / ("lx_pdf_test_" + std::to_string(::getpid()) + ".pdf");
  {
    std::ofstream out(path, std::ios::binary);
    out << write_pdf(sample(40));
  }
  const std::string text = run("pdftotext -enc UTF-8 " + path.string() + " - 2>/dev/null");
  std::filesystem::remove(path);
  EXPECT_NE(text.find("滇池控股集团有限公司"), std::string::npos) << text.substr(0, 500);
  EXPECT_NE(text.find("东城区供电局"), std::string::npos);
  EXPECT_NE(text.find("0530001005"), std::string::npos);
  EXPECT_NE(text.find("第 1 页"), std::string::npos);
}
