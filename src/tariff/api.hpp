#pragma once
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::tariff {

// /api/v1/tariff/…: time-of-use schedules, tariff tables (company-level tariff administrators
// write them, everyone reads them), the what-if evaluation of an account-month's bill; and
// /api/v1/accounts/{id}/energy-profile (contract demand, HV motors, power-factor standard).
void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::tariff
