#pragma once
// Outage notices (停电告知): the notice plan of every affected customer, sending it when the outage
// is notified, the customer's acknowledgement (the link in the SMS, a call logged by the account
// manager, the UI) and the on-site posting. Commands run in the caller's transaction.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "outages/rules.hpp"
#include "storage/db.hpp"

namespace lianxin::outages {

// When notices must go out at the latest: the lead-time rules as the company set them (settings
// outages.lead_*; rules_cn §1.1, §4.2) and, with setting outages.notice_on_working_days, the
// working-day calendar of the outage's region (a latest time on a weekend or holiday moves back to
// the working day before; a year the calendar does not cover counts weekends only).
class NoticeClock {
 public:
  NoticeClock(storage::Connection& conn, const std::string& org_path);
  const LeadRules& rules() const { return rules_; }
  // The latest time to tell a customer (important or not) of an outage of `kind` starting at `start`.
  Millis latest(Kind kind, bool important, Millis start) const;
  // How late a notice sent at `at` would be (0 = in time; always 0 when no lead time is needed).
  std::int64_t shortfall(Kind kind, bool important, Millis start, Millis at) const;

 private:
  LeadRules rules_;
  bool working_days_ = true;
  std::function<bool(std::int32_t)> is_working_day_;
};

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

// Restoration running past the planned (or last expected) end: records the delay (new expected
// end, reason), sends the affected key accounts' contacts an SMS with the new time and their
// account managers a task, and writes the customers' timelines. Only while in progress.
void delay_outage(storage::Connection& conn, const auth::Principal& p, std::int64_t outage_id, const boost::json::object& body, Millis now);

// An outage cancelled after customers were told: every contact who got the notice by SMS gets a
// cancellation, the managers with call/posting tasks are told (postings to take down). Planned
// notices are simply cancelled. Returns the number of cancellation SMS.
std::int64_t tell_cancellation(storage::Connection& conn, const auth::Principal& p, std::int64_t outage_id, const std::string& reason,
                               Millis now);

// The background follow-up of missing confirmations (a periodic task of the worker): a key account
// that has not confirmed (link, call or UI) `outages.ack_before_hours` before the start becomes a
// task for its account manager; `outages.ack_escalate_hours` before the start it escalates to the
// leaders and marketing managers over the customer. State is in outage_ack_followups, so a
// restarted server or a second one does each step once. Returns the number of messages.
int sweep_ack_followups(storage::Connection& conn, Millis now);

// The photo of an on-site posting (jpg or png): stored with the notice, replaced when sent again.
void store_posting_photo(storage::Connection& conn, const auth::Principal& p, std::int64_t notice_id, const std::string& file_name,
                         const std::string& bytes, Millis now);
struct PostingPhoto {
  std::string file_name, content_type, bytes;
};
PostingPhoto read_posting_photo(storage::Connection& conn, const auth::Principal& p, std::int64_t notice_id);

// The notice board of an outage: counts by channel and status (and SMS the gateway took: sms.delivered),
// and the notices (filters optional; purpose notice, delay or cancel).
boost::json::object list_notices(storage::Connection& conn, const auth::Principal& p, std::int64_t outage_id,
                                 const std::optional<std::string>& status, const std::optional<std::string>& channel,
                                 const std::optional<std::string>& purpose, std::int64_t limit, std::int64_t offset);

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
