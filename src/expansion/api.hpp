#pragma once
// HTTP routes of business expansion (/api/v1/expansion/...).
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::expansion {

void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::expansion
