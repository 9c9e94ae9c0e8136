#pragma once
#include "auth/guard.hpp"
#include "calendar/model.hpp"
#include "http/router.hpp"

namespace lianxin::calendar {

// The national calendar built from the schedules shipped in data/holidays-cn (2020–2026).
// Administrator-imported years and regional overrides come with the claims module.
const Calendar& shipped_calendar();

// GET /api/v1/calendar/deadline — the deadline calculator staff use to check any answer.
void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::calendar
