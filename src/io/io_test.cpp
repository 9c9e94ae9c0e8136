#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "io/csv.hpp"
#include "io/xlsx.hpp"

using namespace lianxin;
using namespace lianxin::io;
using Row = std::vector<std::string>;
using Rows = std::vector<Row>;

namespace {

// Runs `f`, expecting a validation error about the file; returns the issue.
template <class F>
FieldIssue expect_file_error(F&& f) {
  try {
    f();
  } catch (const AppError& e) {
    EXPECT_EQ(e.code(), ErrorCode::validation_failed);
    EXPECT_EQ(e.issues().size(), 1u);
    if (!e.issues().empty()) {
      EXPECT_EQ(e.issues()[0].field, "file");
      return e.issues()[0];
    }
    return {};
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << "no error";
  return {};
}

struct Record {
  Row fields;
  std::int64_t row;
  std::int64_t line;
};

std::vector<Record> read_all(std::string_view data) {
  std::vector<Record> out;
  CsvReader reader(data);
  Row fields;
  while (reader.next(fields)) out.push_back({fields, reader.row(), reader.line()});
  return out;
}

}  // namespace

// ---------------------------------------------------------------- CSV

TEST(Csv, PlainRecords) {
  auto r = read_all("a,b,c\n1,2,3\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Row{"a", "b", "c"}));
  EXPECT_EQ(r[1].fields, (Row{"1", "2", "3"}));
  EXPECT_EQ(r[1].row, 2);
}

TEST(Csv, QuotesAndDoubledQuotes) {
  auto r = read_all("\"a,b\",\"say \"\"hi\"\"\",c,\"\"\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, (Row{"a,b", "say \"hi\"", "c", ""}));
  // Lenient like Excel: text after a closing quote is kept, inner quotes are literal.
  EXPECT_EQ(read_all("\"a\"b,x\"y\n")[0].fields, (Row{"ab", "x\"y"}));
}

TEST(Csv, EmbeddedLineBreaksKeepRowAndLineNumbers) {
  auto r = read_all("x,\"line1\nline2\r\nline3\",y\nnext,row\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Row{"x", "line1\nline2\r\nline3", "y"}));
  EXPECT_EQ(r[1].fields, (Row{"next", "row"}));
  EXPECT_EQ(r[1].row, 2);
  EXPECT_EQ(r[1].line, 4);
}

TEST(Csv, BomAndCrlf) {
  auto r = read_all("\xEF\xBB\xBF名称,户号\r\n云南锡业,0530001234\r\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Row{"名称", "户号"}));
  EXPECT_EQ(r[1].fields, (Row{"云南锡业", "0530001234"}));
}

TEST(Csv, EmptyLinesAndTrailingDelimiters) {
  auto r = read_all("a\n\n");
  ASSERT_EQ(r.size(), 1u);
  r = read_all("a\r\n\r\nb\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (Row{"b"}));
  EXPECT_EQ(r[1].row, 3);  // the empty line still counts
  EXPECT_EQ(read_all("a,\n")[0].fields, (Row{"a", ""}));
  EXPECT_EQ(read_all("a,")[0].fields, (Row{"a", ""}));
  EXPECT_EQ(read_all(",")[0].fields, (Row{"", ""}));
  EXPECT_EQ(read_all("last line without break")[0].fields, (Row{"last line without break"}));
  EXPECT_TRUE(read_all("").empty());
  EXPECT_TRUE(read_all("\xEF\xBB\xBF").empty());
  EXPECT_EQ(read_all("a\rb").size(), 2u);  // lone CR line ends
  EXPECT_EQ(read_all("\"\"\n")[0].fields, (Row{""}));
}

TEST(Csv, ReusesTheFieldVector) {
  CsvReader reader("1,2,3,4\n5\n6,7\n");
  Row fields;
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(fields.size(), 4u);
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(fields, (Row{"5"}));
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(fields, (Row{"6", "7"}));
  EXPECT_FALSE(reader.next(fields));
  EXPECT_FALSE(reader.next(fields));
}

TEST(Csv, TabDelimiter) {
  CsvReader reader("a\tb,c\n", '\t');
  Row fields;
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(fields, (Row{"a", "b,c"}));
}

TEST(Csv, NonUtf8NamesTheRow) {
  // Row 3 is 云南 in GBK, as Excel saves "CSV (comma delimited)" on a Chinese Windows.
  std::string data = "名称,户号\nok,1\n\xD4\xC6\xC4\xCF,2\n";
  auto issue = expect_file_error([&] { read_all(data); });
  EXPECT_EQ(issue.row, 3);
  EXPECT_EQ(issue.message, "file is not UTF-8; save it as CSV UTF-8");

  issue = expect_file_error([&] { read_all("a\n\n\"x\ny\",\xC0\xAF\n"); });  // overlong '/'
  EXPECT_EQ(issue.row, 3);
  issue = expect_file_error([&] { read_all(std::string("a\0b\n", 4)); });
  EXPECT_EQ(issue.row, 1);
  issue = expect_file_error([&] { read_all("\xFF\xFE" "a\0,\0"); });
  EXPECT_NE(issue.message.find("UTF-16"), std::string::npos);
  issue = expect_file_error([&] { read_all("ok\n\xED\xA0\x80\n"); });  // a surrogate
  EXPECT_EQ(issue.row, 2);
}

TEST(Csv, UnterminatedQuoteNamesTheRow) {
  auto issue = expect_file_error([] { read_all("a,b\nc,d\n\"open,e\nf,g\n"); });
  EXPECT_EQ(issue.row, 3);
  EXPECT_NE(issue.message.find("quoted field"), std::string::npos);
  expect_file_error([] { read_all("\""); });
}

TEST(Csv, EscapeRow) {
  EXPECT_EQ(csv_escape_row({"a", "b,c", "say \"hi\"", "line\nbreak", " pad", ""}),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"line\nbreak\",\" pad\",\r\n");
  // Formula injection: a leading ' unless the cell is a plain number.
  EXPECT_EQ(csv_escape_row({"=1+1", "+86 138", "@SUM(A1)", "-cmd", "-5", "+3.5", "1e5", "-"}),
            "\"'=1+1\",\"'+86 138\",\"'@SUM(A1)\",\"'-cmd\",-5,+3.5,1e5,\"'-\"\r\n");
  EXPECT_EQ(csv_escape_row({}), "\r\n");
  EXPECT_EQ(csv_escape_row({"\xEF\xBB\xBFx"}), "\"\xEF\xBB\xBFx\"\r\n");  // not mistaken for a BOM
}

TEST(Csv, EscapeThenReadRoundTrips) {
  Rows rows = {{"户号", "名称", "备注"},
               {"0530001234", "云南锡业股份有限公司", "多行\n备注, 含逗号"},
               {"", "\"引号\"", " 空格 "}};
  std::string data(kUtf8Bom);
  for (const auto& r : rows) data += csv_escape_row(r);
  EXPECT_EQ(read_csv(data), rows);
}

TEST(Csv, ManyRows) {
  std::string data;
  for (int i = 0; i < 20000; ++i)
    data += "0530" + std::to_string(i) + ",云南锡业股份有限公司,\"昆明市, 五华区\",13800001234\r\n";
  CsvReader reader(data);
  Row fields;
  std::int64_t n = 0;
  while (reader.next(fields)) {
    ++n;
    ASSERT_EQ(fields.size(), 4u);
    ASSERT_EQ(fields[2], "昆明市, 五华区");
  }
  EXPECT_EQ(n, 20000);
  EXPECT_EQ(reader.row(), 20000);
}

// ---------------------------------------------------------------- XLSX

namespace {

// Builds a ZIP from name -> content with libzip, through a temporary file.
std::string make_zip(const std::map<std::string, std::string>& entries) {
  char path[] = "/tmp/lianxin-io-test-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  int error = 0;
  zip_t* z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, content] : entries) {
    zip_source_t* src = zip_source_buffer(z, content.data(), content.size(), 0);
    EXPECT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0);
  }
  EXPECT_EQ(zip_close(z), 0);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  unlink(path);
  return bytes;
}

const char* kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)";
const char* kRootRels =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
const char* kWorkbook =
    R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="隐藏" sheetId="3" state="hidden" r:id="rId3"/><sheet name="客户" sheetId="1" r:id="rId1"/><sheet name="其他" sheetId="2" r:id="rId2"/></sheets></workbook>)";
const char* kWorkbookRels =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet3.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>)";
const char* kShared =
    R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>户号</t></si><si><r><rPr><b/></rPr><t>云南</t></r><r><t xml:space="preserve">锡业 </t></r><rPh sb="0" eb="1"><t>ウン</t></rPh></si><si><t>a_x000D_b_x005F_x0041_</t></si></sst>)";
const char* kStyles =
    R"(<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="22"/></cellXfs></styleSheet>)";

std::string sheet_xml(const std::string& sheet_data) {
  return R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
         sheet_data + "</sheetData></worksheet>";
}

std::map<std::string, std::string> workbook_parts(const std::string& sheet1_data) {
  return {{"[Content_Types].xml", kContentTypes},
          {"_rels/.rels", kRootRels},
          {"xl/workbook.xml", kWorkbook},
          {"xl/_rels/workbook.xml.rels", kWorkbookRels},
          {"xl/sharedStrings.xml", kShared},
          {"xl/styles.xml", kStyles},
          {"xl/worksheets/sheet1.xml", sheet_xml(sheet1_data)},
          {"xl/worksheets/sheet2.xml", sheet_xml(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>second</t></is></c></row>)")},
          {"xl/worksheets/sheet3.xml", sheet_xml(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>hidden</t></is></c></row>)")}};
}

}  // namespace

TEST(XlsxRead, HandMadeWorkbook) {
  std::string data =
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>)"
      R"(<row r="2"><c r="A2"><v>1.2345678901E+10</v></c><c r="B2"><v>5.0</v></c>)"
      R"(<c r="C2"><v>3.25</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" t="str"><f>A1</f><v>户号</v></c>)"
      R"(<c r="F2" t="inlineStr"><is><r><t>内</t></r><r><t>联</t></r></is></c><c r="G2" t="e"><v>#N/A</v></c></row>)"
      R"(<row r="4"><c r="B4" s="1"><v>45123</v></c><c r="C4" s="2"><v>45123</v></c>)"
      R"(<c r="D4" s="3"><v>45123.5</v></c><c r="E4" s="3"><v>0.75</v></c><c r="F4" s="1"/><c r="G4" t="s"><v>2</v></c>)"
      R"(<c><v>-7</v></c><c r="AA4"><v>1E-3</v></c></row>)"
      R"(<row r="5"><c r="A5" s="0"/><c r="B5" t="s"/></row>)";
  auto rows = read_xlsx_first_sheet(make_zip(workbook_parts(data)));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (Row{"户号", "", "云南锡业 "}));
  EXPECT_EQ(rows[1], (Row{"12345678901", "5", "3.25", "TRUE", "户号", "内联", "#N/A"}));
  EXPECT_TRUE(rows[2].empty());
  ASSERT_EQ(rows[3].size(), 27u);
  EXPECT_EQ(rows[3][1], "2023-07-16");
  EXPECT_EQ(rows[3][2], "2023-07-16");
  EXPECT_EQ(rows[3][3], "2023-07-16 12:00:00");
  EXPECT_EQ(rows[3][4], "18:00:00");
  EXPECT_EQ(rows[3][6], "a\rb_x0041_");
  EXPECT_EQ(rows[3][7], "-7");
  EXPECT_EQ(rows[3][26], "0.001");
}

TEST(XlsxRead, Date1904AndPrefixedElements) {
  auto parts = workbook_parts("");
  parts["xl/workbook.xml"] =
      R"(<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="S" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>)";
  parts["xl/worksheets/sheet1.xml"] =
      R"(<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row><x:c s="1"><x:v>0</x:v></x:c><x:c s="1"><x:v>43661</x:v></x:c></x:row></x:sheetData></x:worksheet>)";
  auto rows = read_xlsx_first_sheet(make_zip(parts));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (Row{"1904-01-01", "2023-07-16"}));
}

TEST(XlsxRead, BrokenWorkbooksGiveValidationErrors) {
  auto check = [](std::map<std::string, std::string> parts, const std::string& expected) {
    auto issue = expect_file_error([&] { read_xlsx_first_sheet(make_zip(parts)); });
    EXPECT_EQ(issue.message.rfind("not a valid XLSX file: ", 0), 0u) << issue.message;
    EXPECT_NE(issue.message.find(expected), std::string::npos) << issue.message;
  };
  auto parts = workbook_parts("<row><c t=\"s\"><v>0</v></c></row>");
  auto p = parts;
  p.erase("xl/workbook.xml");
  check(p, "xl/workbook.xml");
  p = parts;
  p.erase("xl/worksheets/sheet1.xml");
  check(p, "sheet1.xml");
  p = parts;
  p.erase("xl/sharedStrings.xml");
  check(p, "shared strings");
  p = parts;
  p["xl/worksheets/sheet1.xml"] = sheet_xml("<row><c><v>1</v></row>");
  check(p, "malformed XML in xl/worksheets/sheet1.xml");
  p = parts;
  p["xl/worksheets/sheet1.xml"] = sheet_xml(R"(<row><c t="s"><v>99</v></c></row>)");
  check(p, "shared string");
  p = parts;
  p["xl/worksheets/sheet1.xml"] =
      R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><worksheet><sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>)";
  check(p, "DTD");
  p = parts;
  p["xl/worksheets/sheet1.xml"] = sheet_xml(R"(<row r="1048577"><c><v>1</v></c></row>)");
  check(p, "row number");
  p = parts;
  p["xl/worksheets/sheet1.xml"] = sheet_xml(R"(<row><c r="XFE1"><v>1</v></c></row>)");
  check(p, "column");
  p = parts;
  p["xl/workbook.xml"] = R"(<workbook><sheets/></workbook>)";
  check(p, "no sheets");
  check({{"hello.txt", "not a workbook"}}, "xl/workbook.xml");
}

TEST(XlsxRead, OversizedPartIsRefused) {
  auto parts = workbook_parts("");
  // 201 MB of whitespace compresses to a few hundred kilobytes: a zip bomb in miniature.
  parts["xl/worksheets/sheet1.xml"] = sheet_xml(std::string(201u << 20, ' '));
  auto issue = expect_file_error([&] { read_xlsx_first_sheet(make_zip(parts)); });
  EXPECT_NE(issue.message.find("larger than 200 MB"), std::string::npos) << issue.message;
}

TEST(XlsxRead, GarbageNeverCrashes) {
  expect_file_error([] { read_xlsx_first_sheet(""); });
  expect_file_error([] { read_xlsx_first_sheet("PK"); });
  auto issue = expect_file_error(
      [] { read_xlsx_first_sheet(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old xls", 16)); });
  EXPECT_NE(issue.message.find(".xls"), std::string::npos);

  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::string bytes(static_cast<std::size_t>(rng() % 4096), '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    if (i % 2 == 0 && bytes.size() >= 4) bytes.replace(0, 4, "PK\x03\x04");
    expect_file_error([&] { read_xlsx_first_sheet(bytes); });
  }
}

TEST(XlsxRoundTrip, WriteThenReadGivesTheSameCells) {
  Sheet customers{"客户清单",
                  {"户号", "客户名称", "合同容量(kVA)", "电量", "备注", "长户号"},
                  {{std::string("0530001234"), std::string("云南锡业股份有限公司"),
                    std::int64_t{12500}, 3.5, std::string("=SUM(A1)"),
                    std::string("053000123456789012345")},
                   {std::string("0530009999"), std::string("雲南錫業"), std::int64_t{-3},
                    1234567.25, std::monostate{}, std::int64_t{12345678901234567}},
                   {},
                   {std::string("x"), std::string("多行\n文本"), 0.1, std::int64_t{0},
                    std::string("  空格  "), std::string("12345678901")}}};
  Sheet second{"第二页", {"a"}, {{std::string("b")}}};
  std::string bytes = write_xlsx({customers, second});
  ASSERT_GT(bytes.size(), 100u);
  EXPECT_EQ(bytes.substr(0, 2), "PK");

  auto rows = read_xlsx_first_sheet(bytes);
  Rows expected = {
      {"户号", "客户名称", "合同容量(kVA)", "电量", "备注", "长户号"},
      {"0530001234", "云南锡业股份有限公司", "12500", "3.5", "=SUM(A1)", "053000123456789012345"},
      {"0530009999", "雲南錫業", "-3", "1234567.25", "", "12345678901234567"},
      {},
      {"x", "多行\n文本", "0.1", "0", "  空格  ", "12345678901"}};
  EXPECT_EQ(rows, expected);
  EXPECT_EQ(read_table(bytes), expected);
}

TEST(XlsxRoundTrip, AwkwardNamesAndText) {
  std::string control = "a\x01" "b";
  std::string invalid_utf8 = "ok\xFF";
  Sheet s1{"a/b:c*?[x]", {"h"}, {{control}, {invalid_utf8}, {std::string(40000, 'z')}}};
  Sheet s2{"a/b:c*?[x]", {}, {}};
  Sheet s3{"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三", {}, {}};
  Sheet s4{"''", {}, {}};
  std::string bytes = write_xlsx({s1, s2, s3, s4});
  auto rows = read_xlsx_first_sheet(bytes);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][0], "ab");
  EXPECT_EQ(rows[2][0], "ok\xEF\xBF\xBD");
  EXPECT_EQ(rows[3][0].size(), 32767u);
  EXPECT_NO_THROW(write_xlsx({}));
  EXPECT_FALSE(read_xlsx_first_sheet(write_xlsx({})).size());
}

TEST(XlsxRoundTrip, TruncatedOutputIsAValidationError) {
  std::string bytes = write_xlsx({Sheet{"s", {"户号"}, {{std::string("0530001234")}}}});
  for (std::size_t cut : {bytes.size() / 2, bytes.size() - 1, std::size_t{30}, std::size_t{4}}) {
    auto issue = expect_file_error([&] { read_xlsx_first_sheet(bytes.substr(0, cut)); });
    EXPECT_EQ(issue.message.rfind("not a valid XLSX file", 0), 0u);
  }
  // Flipped bytes in the middle: either still readable or a validation error, never a crash.
  std::mt19937 rng(7);
  for (int i = 0; i < 100; ++i) {
    std::string damaged = bytes;
    for (int k = 0; k < 4; ++k) damaged[rng() % damaged.size()] = static_cast<char>(rng());
    try {
      read_xlsx_first_sheet(damaged);
    } catch (const AppError& e) {
      EXPECT_EQ(e.code(), ErrorCode::validation_failed);
    }
  }
}

TEST(ReadTable, DetectsCsv) {
  EXPECT_EQ(read_table("\xEF\xBB\xBF户号,名称\r\n1,a\r\n"), (Rows{{"户号", "名称"}, {"1", "a"}}));
}
