#pragma once
// The customer's view of an application's progress (业扩办理进度告知): which stages are done, what
// happens next and by when, what the customer has to do when the file is with them, and whom to
// call. For the portal later; now as JSON, as a printable PDF and as an SMS to the customer's
// contacts who take expansion notices. Built from the application's detail (service.hpp).
#include <cstdint>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::expansion {

boost::json::object progress(storage::Connection& conn, const auth::Principal& p, std::int64_t id, Millis now);
std::string progress_pdf(const boost::json::object& progress, bool zh);
// Queues the progress SMS to every active contact of the customer with a mobile number who takes
// notice type "expansion"; once per contact and state of the application (sending again before
// anything changed queues nothing). 409 when no contact takes expansion notices. In the caller's
// transaction; on the 360 timeline and audited.
boost::json::object send_progress_sms(storage::Connection& conn, const auth::Principal& p, std::int64_t id, Millis now);

}  // namespace lianxin::expansion
