// Fuzzes the CSV reader: any input either parses or gives a validation error, and a parsed
// record survives csv_escape_row -> CsvReader unchanged (cells that csv_escape_row guards
// against formula injection excepted).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::vector<std::string>> records;
  try {
    lianxin::io::CsvReader reader(input);
    std::vector<std::string> fields;
    std::int64_t last_row = 0;
    while (reader.next(fields)) {
      if (reader.row() <= last_row) std::abort();  // rows only go forward
      last_row = reader.row();
      records.push_back(fields);
    }
  } catch (const lianxin::AppError& e) {
    if (e.code() != lianxin::ErrorCode::validation_failed || e.issues().size() != 1) std::abort();
    return 0;
  }
  for (const auto& record : records) {
    bool guarded = false;
    for (const auto& cell : record)
      if (!cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos)
        guarded = true;
    if (guarded) continue;
    std::string line = lianxin::io::csv_escape_row(record);
    lianxin::io::CsvReader again(line);
    std::vector<std::string> fields;
    if (!again.next(fields)) {
      // Only a record of one empty field writes as an empty line, which readers skip.
      if (!(record.size() == 1 && record[0].empty())) std::abort();
      continue;
    }
    if (fields != record) std::abort();
  }
  return 0;
}
