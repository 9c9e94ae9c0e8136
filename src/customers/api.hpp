#pragma once
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::customers {
// /api/v1/customers..., /api/v1/accounts, /api/v1/contacts, /api/v1/search, /api/v1/lookup,
// /api/v1/timeline, /api/v1/reference/*, /api/v1/lines, /api/v1/transformer-areas
void register_routes(http::Router& router, auth::Guard& guard);
}  // namespace lianxin::customers
