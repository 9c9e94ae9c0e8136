#pragma once
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::analysis {

// A customer's electricity-use analysis and advice (/api/v1/customers/{id}/analysis, …/advice,
// /api/v1/advice/{id}/decision), the anomaly review queue (/api/v1/analysis/anomalies…) and the
// analysis reports (report.hpp).
void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::analysis
