#pragma once
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::org {
// /api/v1/org-units
void register_routes(http::Router& router, auth::Guard& guard);
}  // namespace lianxin::org
