#pragma once
// The per-customer electricity-use analysis report (用电分析报告) in Chinese, as PDF (with charts)
// and XLSX, built from the same reads the analysis tab shows; the batch generation for all key
// accounts in the requester's scope, run by the background worker with its progress stored.
#include <cstdint>
#include <string>

#include "auth/guard.hpp"
#include "auth/model.hpp"
#include "common/clock.hpp"
#include "http/router.hpp"
#include "storage/db.hpp"

namespace lianxin::analysis {

struct ReportFiles {
  std::string pdf, xlsx;
  std::string customer_name;
};
// `to` YYYY-MM or empty (each account's latest month). Throws not_found outside the scope.
ReportFiles customer_report(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, const std::string& to, Millis now);

// The worker's step: takes the oldest queued or running batch and writes up to `chunk` reports of
// it; returns how many it wrote.
int run_report_batches(storage::Connection& conn, Millis now, int chunk = 20);

// GET /api/v1/customers/{id}/analysis/report, the report batches and the stored reports.
void register_report_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::analysis
