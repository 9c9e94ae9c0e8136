#pragma once
// Bulk import of customers, accounts and contacts from CSV or XLSX, in the background.
// Every row is validated first; a file is all-or-nothing by default ("valid_rows" imports the
// rows without errors); re-importing updates by natural key (credit code, 户号, contact name +
// role) without duplicates. One transaction per file.
#include <memory>
#include <string>

#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::customers {

class ImportRunner;

struct ImportColumn {
  const char* code;
  const char* zh;
  bool required;
  const char* example;
};
const std::vector<ImportColumn>& import_columns(const std::string& kind);  // customers | accounts | contacts

// Runs an import synchronously (used by the background worker, the CLI and the benchmark).
struct ImportResult {
  std::string status;  // succeeded, failed, cancelled
  std::int64_t total_rows = 0, inserted = 0, updated = 0, error_count = 0;
  std::int64_t search_queued = 0;  // customers whose search documents were queued (a large file)
  std::string message;
};
// Files of more than `search_inline_rows` rows commit their records first and queue the search
// documents of the customers they touched (customers::queue_search); run_import_now leaves them
// queued: the caller drains the backlog (customers::drain_search_backlog), as the job runner does.
struct ImportOptions {
  std::int64_t search_inline_rows = 20'000;
};
ImportResult run_import_now(storage::Database& db, const auth::Principal& p, const std::string& kind,
                            const std::string& mode, const std::string& file_name, const std::string& bytes,
                            std::int64_t job_id = 0, const ImportOptions& options = {});

// /api/v1/imports...; starts background threads owned by the returned runner.
std::shared_ptr<ImportRunner> register_import_routes(http::Router& router, auth::Guard& guard);
// Stops the runner's jobs at server shutdown: running imports are cancelled (nothing written),
// search documents still to build are left to the scheduler's search_backlog task.
void stop_import_jobs(ImportRunner& runner);
// Marks jobs left running by a server that stopped as failed (called at start-up).
void fail_interrupted_imports(storage::Database& db);

}  // namespace lianxin::customers
