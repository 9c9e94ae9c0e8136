// Fuzzes the XLSX reader: any input is either read or refused with a validation error.
// Seed the corpus with real .xlsx files (for example from the io tests' write_xlsx output).
#include <cstdint>
#include <cstdlib>

#include "common/errors.hpp"
#include "io/xlsx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto rows = lianxin::io::read_xlsx_first_sheet(
        std::string_view(reinterpret_cast<const char*>(data), size));
    (void)rows;
  } catch (const lianxin::AppError& e) {
    if (e.code() != lianxin::ErrorCode::validation_failed) std::abort();
  }
  return 0;
}
