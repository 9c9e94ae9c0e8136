#pragma once
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::audit {
// GET /api/v1/audit — read-only for auditors and administrators; nobody can change it.
void register_routes(http::Router& router, auth::Guard& guard);
}  // namespace lianxin::audit
