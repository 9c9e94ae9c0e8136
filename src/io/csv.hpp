#pragma once
// CSV in and out, for imports and exports that Chinese users open in Excel.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lianxin::io {

// Excel only reads a CSV as UTF-8 when it starts with this byte order mark.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Streaming RFC 4180 reader over a buffer the caller keeps alive: quoted fields, doubled
// quotes, delimiters and line breaks inside quotes; CRLF, LF or lone CR line ends; a leading
// UTF-8 BOM is skipped. Lenient where Excel is: text after a closing quote is kept
// (`"a"b` -> `ab`), a quote inside an unquoted field is literal. Completely empty lines are
// skipped (but counted by row()), so a trailing line break adds no record.
//
// Errors are lianxin::AppError(validation_failed) with one FieldIssue{"file", message, row}:
// a record that is not valid UTF-8 (or holds NUL bytes, or the file is UTF-16)
// ("file is not UTF-8; save it as CSV UTF-8"), or a quoted field that never ends.
class CsvReader {
 public:
  explicit CsvReader(std::string_view data, char delimiter = ',');

  // Reads the next record into `fields`, reusing its strings; false at the end of input.
  bool next(std::vector<std::string>& fields);

  // 1-based row of the record last returned, as a spreadsheet shows it: the first record is
  // row 1 (usually the header) and empty lines count. It equals the record's line number
  // unless an earlier quoted field spans lines; line() gives the physical line.
  std::int64_t row() const { return row_; }
  std::int64_t line() const { return record_line_; }

 private:
  [[noreturn]] void fail(const std::string& message) const;

  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  char delimiter_;
  std::int64_t row_ = 0;          // rows started so far (records and empty lines)
  std::int64_t next_line_ = 1;    // physical line at pos_
  std::int64_t record_line_ = 0;  // physical line where the last record started
};

// One CSV line (ending in CRLF) for an export. Cells are quoted when they contain the
// delimiter, a quote, a line break or leading/trailing spaces. A cell that starts with
// = + - @ (or a tab or CR) and is not a plain number gets a leading ' so that Excel shows it
// as text instead of running it as a formula (CSV injection).
std::string csv_escape_row(const std::vector<std::string>& cells, char delimiter = ',');

// Reads a whole CSV into rows (convenience for small files).
std::vector<std::vector<std::string>> read_csv(std::string_view data, char delimiter = ',');

// True if `bytes` is valid UTF-8 without NUL bytes (the rule the reader applies).
bool is_clean_utf8(std::string_view bytes);

}  // namespace lianxin::io
