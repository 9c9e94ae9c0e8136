#pragma once
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::curves {

// POST /api/v1/curves/import (one CSV file a request, all or nothing), the import batches, and an
// account's stored months and one month's readings with its quality marks, statistics, typical day
// and time-of-use split.
void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::curves
