#pragma once
// HTTP routes of key-account identification (/api/v1/key-accounts/identification-runs…) and the
// key-account history of a customer.
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::keyaccounts {

// All key-account routes (identification here, then the service routes of service_api.cpp).
void register_routes(http::Router& router, auth::Guard& guard);
// The key-account service (list, managers, programme, visits, plans, equipment, home).
void register_service_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::keyaccounts
