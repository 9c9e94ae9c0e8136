#pragma once
// HTTP routes of claims (/api/v1/claims…, /api/v1/customers/{id}/claims) and of their
// administration (/api/v1/sla-policies, /api/v1/routing-rules, /api/v1/settings).
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::claims {

void register_routes(http::Router& router, auth::Guard& guard);
void register_admin_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::claims
