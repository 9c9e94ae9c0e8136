#pragma once
// HTTP routes of billing: the bill import (/api/v1/bill-imports…), a customer's bills, the group
// list, the group 360, the unified statement (JSON, XLSX, PDF) and its reconciliation.
#include "auth/guard.hpp"
#include "http/router.hpp"

namespace lianxin::billing {

void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::billing
