#pragma once
// An uploaded table file as rows of text cells: XLSX (by its ZIP signature; its first sheet) or CSV
// (UTF-8, or GBK/GB18030 as Chinese Excel saves it). Row numbers are the file's own (the line of
// a CSV record, the spreadsheet row of XLSX), so errors can name them; trailing blank rows are
// dropped. Problems throw AppError(validation_failed) with a FieldIssue for field "file".
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lianxin::io {

struct UploadTable {
  std::vector<std::vector<std::string>> cells;  // cells[0] is the header row
  std::vector<std::int64_t> row_numbers;        // of each entry of cells
  bool xlsx = false;
};

// `file_name` (may be empty) only catches a file named .xlsx that is not a workbook. More than
// `max_rows` rows is refused.
UploadTable read_upload_table(const std::string& bytes, const std::string& file_name, std::size_t max_rows);

// Whether every cell of the row is blank.
bool blank_row(const std::vector<std::string>& row);

}  // namespace lianxin::io
