#include "io/upload.hpp"

#include <algorithm>

#include "common/errors.hpp"
#include "common/strings.hpp"
#include "io/csv.hpp"
#include "io/xlsx.hpp"
#include "text/text.hpp"

namespace lianxin::io {

bool blank_row(const std::vector<std::string>& row) {
  return std::all_of(row.begin(), row.end(), [](const std::string& s) { return trim(s).empty(); });
}

namespace {
std::string with_separators(std::size_t n) {  // 1000000 -> "1,000,000", as the message catalogue has it
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}
}  // namespace

UploadTable read_upload_table(const std::string& bytes, const std::string& file_name, std::size_t max_rows) {
  if (bytes.empty()) throw AppError(ErrorCode::validation_failed, "empty upload", {{"file", "the request body must be the CSV or XLSX file"}});
  const bool xlsx = bytes.size() >= 4 && bytes.compare(0, 4, "PK\x03\x04", 4) == 0;
  const bool named_xlsx = file_name.size() > 5 && to_lower_ascii(file_name.substr(file_name.size() - 5)) == ".xlsx";
  if (named_xlsx && !xlsx)
    throw AppError(ErrorCode::validation_failed, "not a valid XLSX file",
                   {{"file", "the file is named .xlsx but is not an XLSX workbook (truncated or another format)"}});
  const std::string too_many = "more than " + with_separators(max_rows) + " rows";
  UploadTable t;
  t.xlsx = xlsx;
  if (xlsx) {
    t.cells = read_xlsx_first_sheet(bytes);
    if (t.cells.size() > max_rows + 1) throw AppError(ErrorCode::validation_failed, "file too large", {{"file", too_many}});
    for (std::size_t i = 0; i < t.cells.size(); ++i) t.row_numbers.push_back(static_cast<std::int64_t>(i) + 1);
  } else {
    std::string converted;
    if (!is_valid_utf8(bytes))
      if (auto utf8 = text::gb18030_to_utf8(bytes)) converted = std::move(*utf8);
    CsvReader reader(converted.empty() ? std::string_view(bytes) : std::string_view(converted));
    std::vector<std::string> fields;
    while (reader.next(fields)) {
      if (t.cells.size() > max_rows) throw AppError(ErrorCode::validation_failed, "file too large", {{"file", too_many}});
      t.cells.push_back(fields);
      t.row_numbers.push_back(reader.row());
    }
  }
  while (!t.cells.empty() && blank_row(t.cells.back())) {
    t.cells.pop_back();
    t.row_numbers.pop_back();
  }
  if (t.cells.empty()) throw AppError(ErrorCode::validation_failed, "empty file", {{"file", "has no header row"}});
  return t;
}

}  // namespace lianxin::io
