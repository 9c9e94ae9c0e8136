#pragma once
// The notification outbox: notices to staff (later to customers) are written to `notifications`
// in the same transaction as the business change that causes them, and a delivery worker sends
// them afterwards: in-app (visible in the recipient's inbox at once), e-mail over SMTP and SMS
// through an HTTP gateway. At least once: a row is sent, then marked sent; a server that stops
// in between sends it again after its lease runs out, so receivers de-duplicate on the
// notification id (Message-ID, Idempotency-Key).
//
// Library lx_notify (enqueue, delivery, store queries); routes in lx_notify_api; pure rules in
// lx_notify_rules. No Boost.JSON or Beast in this header.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "notify/rules.hpp"  // Channel, QuietHours
#include "storage/db.hpp"

namespace lianxin::http {
class Router;
}
namespace lianxin::auth {
class Guard;
}

namespace lianxin::notify {

// A notice to one staff user. The seeded templates (migration 0005) use these holes:
//   claim_reminder   claim_no, title, customer, clock, due, share, url
//   claim_breach     claim_no, title, customer, clock, due, url
//   claim_escalated  claim_no, title, customer, level (a number: "已升级至第{level}级"), reason, url
//   claim_dispatched claim_no, title, customer, clock, due, url
//   claim_chased     claim_no, title, customer, clock, due, reason, url
//   claim_returned   claim_no, title, customer, reason, url
// A hole without a parameter stays visible in the message as "{name}" (see render_template).
struct Notice {
  std::int64_t user_id = 0;                   // recipient (staff user)
  std::string kind;                           // claim_reminder … ([a-z_], at most 60 bytes)
  std::map<std::string, std::string> params;  // template holes
  std::string ref_entity, ref_id;             // e.g. "claim", "42"
  std::string dedupe_key;                     // unique per logical notice; a second enqueue with the same key is a no-op
  bool urgent = false;                        // urgent notices ignore quiet hours (e.g. injury/media escalations)
};

// Inside the caller's transaction: expands the notice into one outbox row per channel the
// recipient wants for this kind (notification_preferences; without one: in-app, plus SMS for
// *_breach and *_escalated). SMS goes to users.mobile and e-mail to users.email; a channel the user
// cannot be reached on is skipped, and if nothing is left the in-app inbox gets the notice.
// Subject and body come from notification_templates (kind, channel), else a generic text listing
// the parameters. In-app rows are written as sent (they are in the inbox now); e-mail and SMS rows
// are pending, deferred to the end of the quiet hours unless urgent. The dedupe key of a row is
// notice.dedupe_key + ":" + channel, so a repeated call writes nothing. An inactive recipient gets
// nothing. Returns the rows written. Throws AppError(validation_failed) naming the bad field of a
// malformed notice, and AppError(not_found) for an unknown user.
int enqueue(storage::Connection& conn, const Notice& notice, Millis now);

// The server's public address (config public_url, e.g. https://lianxin.example.com): a relative
// `url` parameter ("/claims/7") becomes absolute in SMS and e-mail; in-app links stay relative.
void set_link_base(const std::string& public_url);
std::string link_base();

// A notice to an outside address (a customer contact's mobile or e-mail): one row, no user, no
// preferences, no staff quiet hours. `address` is the mobile number for SMS, the e-mail address
// for e-mail. Returns the rows written (0 when the dedupe key was used before).
struct ExternalNotice {
  Channel channel = Channel::sms;  // email or sms
  std::string address;
  std::string kind;
  std::map<std::string, std::string> params;
  std::string ref_entity, ref_id;
  std::string dedupe_key;
};
int enqueue_external(storage::Connection& conn, const ExternalNotice& notice, Millis now);
// The same for many notices at once (an outage's SMS to thousands of contacts): every notice is
// checked before any is written, each template read once, rows written in multi-row INSERTs.
int enqueue_external_batch(storage::Connection& conn, const std::vector<ExternalNotice>& notices, Millis now);

struct DeliveryOptions {
  std::string smtp_url, smtp_from, smtp_user, smtp_password, sms_gateway_url, sms_api_key;
  int max_attempts = 8;
  int batch = 50;
  long timeout_ms = 10000;
};
struct DeliveryReport {
  int sent = 0, failed = 0, dead = 0;
};

// One worker step: takes up to `batch` due rows (pending, or failed and due for a retry) and
// leases them in a short transaction (PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED; SQLite: under
// BEGIN IMMEDIATE), sends outside any transaction, then records each outcome in its own short
// transaction: sent; failed with next_attempt_at by backoff (and after the quiet hours for staff);
// dead after max_attempts. While a lease holds no other server takes the row. Rows whose channel
// has no configured transport fail with a clear last_error ("SMS gateway not configured") and are
// retried like any failure. Database errors propagate (the caller's job loop logs and retries).
DeliveryReport deliver_due(storage::Database& db, const DeliveryOptions& options, Millis now);

// Routes (lx_notify_api): inbox, mark read, preferences, outbox status and retry, quiet hours.
void register_routes(http::Router& router, auth::Guard& guard);

}  // namespace lianxin::notify
