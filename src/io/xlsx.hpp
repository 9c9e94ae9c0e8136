#pragma once
// XLSX in (libzip + expat) and out (libxlsxwriter).
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lianxin::io {

// The cells of the first worksheet (in workbook order) as text. rows[i] is spreadsheet
// row i + 1 and rows[i][j] column j (A = 0): rows and columns without values are filled with
// empty strings up to the last value in that row; trailing empty rows are dropped.
//   shared and inline strings: the text, rich-text runs joined, phonetic runs left out,
//                             _xHHHH_ escapes decoded
//   numbers:  as written, integers without ".0"; an integral value written with an exponent
//             (1.2345678901E+10, as Excel does for long account numbers) becomes its digits
//   dates:    numbers in a date/time format become "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or
//             "HH:MM:SS" (both the 1900 and 1904 date systems)
//   booleans: "TRUE" / "FALSE"; formula cells: their cached value; errors: "#N/A" etc.
// Bad input (not a ZIP, truncated, an old .xls, missing parts, malformed XML, a part over
// 200 MB uncompressed, more than Excel's 1,048,576 rows or 16,384 columns) throws
// lianxin::AppError(validation_failed, "not a valid XLSX file: ...") with a FieldIssue for
// field "file".
std::vector<std::vector<std::string>> read_xlsx_first_sheet(std::string_view bytes);

// Reads an upload that is either an XLSX workbook (ZIP signature) or CSV (UTF-8, comma).
std::vector<std::vector<std::string>> read_table(std::string_view bytes);

// A cell for export. Strings stay text (account numbers keep their leading zeros); integers
// beyond Excel's 15 significant digits are written as text so that no digit is lost.
using Cell = std::variant<std::monostate, std::string, std::int64_t, double>;

struct Sheet {
  std::string name;  // made valid for Excel: []:*?/\ replaced, at most 31 characters, unique
  std::vector<std::string> header;
  std::vector<std::vector<Cell>> rows;
};

// The bytes of an .xlsx workbook: one worksheet per Sheet, the header row bold, frozen and
// with an autofilter, column widths estimated from the content (CJK characters count
// double). Throws AppError(validation_failed) if a sheet exceeds Excel's row or column
// limits, std::runtime_error if the workbook cannot be written.
std::string write_xlsx(const std::vector<Sheet>& sheets);

}  // namespace lianxin::io
