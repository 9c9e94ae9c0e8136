#pragma once
// Monthly bills: the import (CSV, XLSX, JSON rows) with row-level validation, all-or-nothing, in
// one transaction with its batch record, the yearly aggregates and the audit entry; and the read
// queries of a customer's bills. Scope: the caller's customers (auth::customer_visible).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "billing/rules.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::billing {

enum class Source { csv, xlsx, api };
const char* source_code(Source s);

// Rows of an upload: the raw cells by column and the row number shown in errors (the spreadsheet
// row for files, header = row 1; the 1-based array position for JSON).
struct RawTable {
  std::vector<RawBill> rows;
  std::vector<std::int64_t> row_numbers;
};

// Reads a CSV (UTF-8 or GBK/GB18030) or XLSX upload (detected by content) and maps its header.
// Throws AppError(validation_failed) naming the file or the header's problems.
RawTable read_upload(const std::string& bytes, const std::string& file_name, Source& source);

// At most this many problems are reported (all are counted).
inline constexpr std::size_t kMaxReportedErrors = 100;
inline constexpr std::size_t kMaxRows = 1'000'000;

struct ImportResult {
  std::int64_t batch_id = 0;
  std::string source, file_name, sha256;
  std::int64_t rows = 0, inserted = 0, updated = 0, unchanged = 0;
  std::int64_t customers = 0;           // customers whose bills changed
  std::int64_t annual_kwh_updated = 0;  // customers whose archive figure was set from last year's bills
};

// Validates every row first (format, duplicates in the upload, unknown 户号, scope), then writes
// them in the same transaction: new (account, period) rows inserted, changed ones updated
// (corrections from the billing system), identical ones counted as unchanged. Keeps
// customer_year_usage by deltas and sets customers.annual_kwh from last year's bills when the
// customer has all 12 months of last year (Asia/Shanghai). Throws validation_failed with the row
// problems (at most kMaxReportedErrors) and writes nothing when any row is bad.
ImportResult import_bills(storage::Connection& conn, const auth::Principal& p, Source source, const std::string& file_name,
                          const std::string& sha256, const RawTable& table, Millis now);

// Rebuilds customer_year_usage from the bills (all customers, or the listed ones) with one
// aggregate query: for repairs and for bulk loads that bypass the import (benchmarks).
void rebuild_year_usage(storage::Connection& conn, const std::vector<std::int64_t>& customer_ids = {});

// ---- reading -------------------------------------------------------------------------------------

struct BillFilter {
  std::optional<std::int64_t> account_id;
  std::optional<std::string> from, to;  // YYYY-MM, inclusive
  std::int64_t limit = 20, offset = 0;
};
// Bills of a visible customer, newest period first. Throws not_found outside the scope.
boost::json::object list_bills(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id,
                               const BillFilter& f);
// Monthly totals of a customer over its accounts (newest first) and its yearly aggregates.
boost::json::object bill_summary(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id,
                                 const BillFilter& f);
// The import batches (newest first): an importer sees their own, an administrator every one.
boost::json::object list_batches(storage::Connection& conn, const auth::Principal& p, std::int64_t limit, std::int64_t offset);

// The JSON of an import result.
boost::json::object result_json(const ImportResult& r);

}  // namespace lianxin::billing
