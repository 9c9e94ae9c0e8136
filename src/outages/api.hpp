#pragma once
// HTTP routes of outages and the supply topology (/api/v1/outages/..., /api/v1/topology/...).
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::outages {

void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::outages
