#pragma once
// HTTP routes of key-account identification (/api/v1/key-accounts/identification-runs…) and the
// key-account history of a customer.
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::keyaccounts {

void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::keyaccounts
