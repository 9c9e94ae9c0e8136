#pragma once
#include "auth/guard.hpp"
#include "calendar/model.hpp"
#include "http/router.hpp"

namespace lianxin::calendar {

// GET /api/v1/calendar/deadline — the deadline calculator staff use to check any answer — and the
// administration of stored calendars (/api/v1/calendars…: import a year, edit a day, regional
// overrides); every change recomputes open deadlines and is audited.
void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::calendar
