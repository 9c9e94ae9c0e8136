#pragma once
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::quality {

// /api/v1/quality/... (rules, findings and the fix queue, scores, "not a defect" requests, a full
// pass on demand) and /api/v1/customers/{id}/quality.
void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::quality
