#pragma once
// Import of historical business-expansion applications (业扩历史工单导入) from the marketing
// system's export: one row per application with the time each stage was finished (and the
// customer's own actions that started the waiting stages, and the customer-caused pauses).
// Every row is replayed through the same commands as the pages (create, finish, start, pause,
// resume), so every rule is checked the same way; the whole file is one transaction and a file
// with any bad row writes nothing: every problem is reported with its row and column. A number
// already in Lianxin is skipped (an import can be repeated).
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::expansion {

struct ImportColumn {
  const char* code;
  const char* zh;
  bool required;
  const char* example;
  const char* about;  // for the template's 说明 sheet
};
const std::vector<ImportColumn>& import_columns();

inline constexpr std::size_t kMaxImportRows = 100'000;

// Reads the upload (CSV in UTF-8 or GBK, or XLSX) and imports it. Headers may be the Chinese
// column names (with or without the "*" of required columns) or the codes.
boost::json::object import_applications(storage::Connection& conn, const auth::Principal& p, const std::string& bytes,
                                        const std::string& file_name, Millis now);

// The template (CSV or XLSX) with one example row.
std::string import_template_csv();
std::string import_template_xlsx();

}  // namespace lianxin::expansion
