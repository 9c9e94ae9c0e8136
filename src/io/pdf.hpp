#pragma once
// A small PDF writer for tabular reports (statements, lists) with Chinese text. Pure: no fonts are
// embedded and nothing else is linked. Text uses the standard Adobe-GB1 CID font "STSong-Light"
// (one of the CJK fonts every PDF reader provides) through a Type0 font with the "UniGB-UCS2-H"
// encoding: strings are written as UTF-16BE code units (characters outside the BMP become '?'),
// and a ToUnicode CMap maps them back, so text can be searched and extracted. Latin characters are
// set half width (500/1000 em), everything else full width.
//
// Layout: A4 (landscape by default); the title on every page, the subtitle lines on the first page,
// the table header repeated after every page break, subtotal and total rows shaded, notes after the
// table, and a page number at the bottom of every page. Uncompressed, PDF 1.4.
#include <string>
#include <string_view>
#include <vector>

namespace lianxin::io {

enum class Align { left, right, center };
enum class RowStyle { normal, subtotal, total };

struct PdfColumn {
  std::string title;
  double width = 1;  // relative to the other columns
  Align align = Align::left;
};

struct PdfRow {
  std::vector<std::string> cells;
  RowStyle style = RowStyle::normal;
};

struct PdfTable {
  std::string title;
  std::vector<std::string> subtitle;  // lines under the title on the first page
  std::vector<PdfColumn> columns;
  std::vector<PdfRow> rows;
  std::vector<std::string> notes;     // lines after the table
  // The page number line; {page} and {pages} are replaced.
  std::string page_label = "第 {page} 页，共 {pages} 页";
  bool landscape = true;
  double font_size = 8;  // table text in points
};

// The bytes of the PDF document.
std::string write_pdf(const PdfTable& table);

// Width of UTF-8 text in points at `font_size` in the writer's font (Latin half width, else full).
double pdf_text_width(std::string_view utf8, double font_size);

}  // namespace lianxin::io
