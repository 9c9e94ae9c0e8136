#pragma once
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::auth {
// /api/v1/auth/*, /api/v1/users, /api/v1/roles, /api/v1/api-keys
void register_routes(http::Router& router, Guard& guard);
}  // namespace lianxin::auth
