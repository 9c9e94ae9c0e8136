#pragma once
// Outage notices (停电告知): the notice plan of every affected customer, sending it when the outage
// is notified, the customer's acknowledgement (the link in the SMS, a call logged by the account
// manager, the UI) and the on-site posting. Commands run in the caller's transaction.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "outages/rules.hpp"
#include "storage/db.hpp"

namespace lianxin::outages {

// The lead-time rules as the company set them (settings outages.lead_*; rules_cn §1.1, §4.2).
LeadRules lead_rules(storage::Connection& conn);

// Replaces the outage's planned (unsent) notices from its affected customers: an SMS to every
// active contact with a mobile number who takes outage notices (limitation notices for orderly
// power use); for important customers (an importance class), high-reliability ones, those tagged
// as high-rise (setting outages.high_rise_tag) and every key account also a phone call and an
// on-site posting. Each is due by the start less the lead time its customer needs. Returns the
// number of notices planned.
std::int64_t plan_notices(storage::Connection& conn, std::int64_t outage_id, Millis now);

// approved → notified: the SMS go to the outbox (each with its own confirmation link), the calls and
// postings become tasks of the customer's account manager (in-app), every customer's 360 timeline
// records the notice.
void notify_outage(storage::Connection& conn, const auth::Principal& p, std::int64_t outage_id, Millis now);

// The notice board of an outage: counts by channel and status, and the notices (filters optional).
boost::json::object list_notices(storage::Connection& conn, const auth::Principal& p, std::int64_t outage_id,
                                 const std::optional<std::string>& status, const std::optional<std::string>& channel,
                                 std::int64_t limit, std::int64_t offset);

// The customer's confirmation through the link in the SMS (no login: the token is the key).
// Repeating it is harmless. `confirm` false only reads the notice.
boost::json::object acknowledge_by_link(storage::Connection& conn, const std::string& token, bool confirm, Millis now);
// Confirmation logged by staff: via "call" (the account manager phoned) or "ui".
void acknowledge_notice(storage::Connection& conn, const auth::Principal& p, std::int64_t notice_id, const boost::json::object& body,
                        Millis now);
// The on-site posting of a posting notice: place (required) and time.
void record_posting(storage::Connection& conn, const auth::Principal& p, std::int64_t notice_id, const boost::json::object& body,
                    Millis now);

}  // namespace lianxin::outages
