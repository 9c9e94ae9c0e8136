#pragma once
// Load curves in the database: the import of one file (all or nothing: a file with any bad row, an
// unknown 户号 or an account outside the importer's scope writes nothing and names file, row and
// column), one blob per account-month merged day by day with what is already stored, the quality
// flags and summary figures beside it; and the reads of an account's months.
#include <cstdint>
#include <functional>
#include <utility>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "curves/rules.hpp"
#include "storage/db.hpp"

namespace lianxin::curves {

struct FlaggedMonth {
  std::string account_no, period;
  std::vector<std::string> flags;
  int missing = 0, negatives = 0, spikes = 0, flat_points = 0, duplicate_days = 0;
};

struct ImportSummary {
  std::int64_t batch_id = 0;
  std::string file_name, layout;
  std::int64_t rows = 0, readings = 0, accounts = 0, months = 0;
  std::int64_t inserted = 0, merged = 0;  // new account-months, months merged into stored ones
  std::int64_t flagged_months = 0;
  std::vector<FlaggedMonth> flagged;       // the first kMaxListedFlags
};
inline constexpr std::size_t kMaxListedFlags = 200;

// Decodes the upload (UTF-8 or GBK/GB18030), parses it and imports it in the caller's transaction.
// `default_account` is the 户号 of a file without an account column. Throws validation_failed whose
// message names the file and whose issues carry row and column, and writes nothing, when anything
// is wrong.
ImportSummary import_file(storage::Connection& conn, const auth::Principal& p, const std::string& file_name, const std::string& bytes,
                          const std::string& default_account, Millis now);

// The same for an already parsed file (benchmarks and the CLI reuse the parse).
ImportSummary import_parsed(storage::Connection& conn, const auth::Principal& p, const std::string& file_name, const std::string& sha256,
                            const ParseResult& parsed, Millis now);

// Imports many files, each in its own transaction (all or nothing per file), reading and parsing
// the next file on another core while the current one is written (the bulk path: the CLI and the
// benchmark). `next` gives the next file's name and bytes, nullopt at the end.
using NextFile = std::function<std::optional<std::pair<std::string, std::string>>()>;
struct FileOutcome {
  std::string file_name;
  std::optional<ImportSummary> summary;  // absent: refused, see error and issues
  std::string error;
  std::vector<FieldIssue> issues;
};
std::vector<FileOutcome> import_files(storage::Database& db, const auth::Principal& p, const NextFile& next, const std::string& default_account,
                                      Millis now);

struct StoredMonth {
  std::string period;  // YYYY-MM
  int points = 0, missing = 0, negatives = 0, zeros = 0, spikes = 0, flat_points = 0, duplicate_days = 0;
  std::string flags;
  double kwh = 0, max_kw = 0;
  std::int64_t updated_at = 0;
};
// The stored months of an account within [from, to] (YYYY-MM, empty = open), oldest first.
std::vector<StoredMonth> list_months(storage::Connection& conn, std::int64_t account_id, const std::string& from, const std::string& to);
// One month's readings (days × 96, NaN = missing), or nullopt.
std::optional<std::vector<float>> load_month(storage::Connection& conn, std::int64_t account_id, const std::string& period);

}  // namespace lianxin::curves
