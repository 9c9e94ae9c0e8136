#pragma once
// Pure rules of the notification outbox: channels, template rendering, quiet hours (Asia/Shanghai),
// retry backoff, channel choice from preferences, and the e-mail message format. No I/O; links
// nothing but lx_common, and is tested without a database.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace lianxin::notify {

enum class Channel { in_app, email, sms };

const std::vector<Channel>& all_channels();
const char* channel_code(Channel channel);
std::optional<Channel> channel_from_code(std::string_view code);

// Notification kinds are free text of [a-z_] (claim_reminder, claim_breach …), at most 60 bytes.
bool valid_kind(std::string_view kind);

// ---- templates -----------------------------------------------------------------------------

// Replaces every {name} hole (name of [a-z0-9_]) with params[name]. A hole without a value is left
// as it is ("{customer}"), so a template and its caller that disagree show up in the message
// instead of producing a silently blank sentence ("原因：。"). Anything else in braces is copied
// verbatim; values are inserted as they are, never expanded again.
std::string render_template(std::string_view text, const std::map<std::string, std::string>& params);

// Subject and body when no template exists for (kind, channel): the kind and every parameter.
std::string generic_subject(std::string_view kind);
std::string generic_body(std::string_view kind, const std::map<std::string, std::string>& params);

// ---- quiet hours ---------------------------------------------------------------------------

// Minutes after local midnight in Asia/Shanghai (UTC+8, no DST). start == end is an empty window.
// A window whose start is after its end spans midnight (22:00–08:00).
struct QuietHours {
  int start_minute = 22 * 60;
  int end_minute = 8 * 60;
  bool enabled = true;
};

// Minutes after local midnight (Asia/Shanghai) of an instant.
int shanghai_minute_of_day(Millis at);
bool in_quiet_hours(const QuietHours& quiet, Millis at);
// The first instant at or after `at` outside the quiet window: `at` itself when not quiet, else
// the end of the quiet period (08:00 the same or the next day for 22:00–08:00).
Millis quiet_hours_release(const QuietHours& quiet, Millis at);

// Quiet hours protect staff from e-mail and SMS at night: in-app is never deferred (it only shows
// in the inbox), urgent notices go out at once (injury or media escalations), and external
// recipients are not staff, so the staff window does not apply to them.
enum class Recipient { staff, external };
enum class Urgency { normal, urgent };
bool subject_to_quiet_hours(Channel channel, Recipient recipient, Urgency urgency);

// "HH:MM" <-> minute of day; parse returns nullopt for anything but 00:00..23:59.
std::optional<int> parse_minute_of_day(std::string_view text);
std::string format_minute_of_day(int minute);

// ---- retries -------------------------------------------------------------------------------

// Delay before the next attempt after `failed_attempts` failures (>= 1): 30 s, 2 min, 8 min,
// 32 min, then 1 h at most (each step ×4). Exponential so a gateway outage is not hammered,
// capped so a message is never held back for more than an hour once the gateway is back.
Millis backoff_delay(int failed_attempts);

enum class FailureOutcome { retry, dead };
struct FailureDecision {
  FailureOutcome outcome = FailureOutcome::retry;
  Millis next_attempt_at = 0;  // meaningful for retry
};
// After a failed attempt that brought the row to `attempts_after` attempts.
FailureDecision after_failure(int attempts_after, int max_attempts, Millis now);

// ---- channel choice ------------------------------------------------------------------------

// Parses a stored comma list ("in_app,sms"); unknown names are ignored (a channel removed in a
// later version must not stop delivery), duplicates dropped, order kept as in all_channels().
std::vector<Channel> parse_channel_list(std::string_view text);
std::string format_channel_list(const std::vector<Channel>& channels);

// Without a preference: in-app always, plus SMS for breaches and escalations (*_breach,
// *_escalated), which must reach someone away from the screen. E-mail only when asked for.
std::vector<Channel> default_channels(std::string_view kind);

// What a recipient can receive: a mobile number for SMS, an e-mail address for e-mail.
struct Reachability {
  bool has_mobile = false;
  bool has_email = false;
};
// The channels to write for one notice: the preference (when the user has one for this kind) or
// the default, without the channels the user cannot be reached on. When that leaves nothing, the
// in-app inbox, so a notice is never dropped silently.
std::vector<Channel> choose_channels(const std::optional<std::string>& preference, std::string_view kind,
                                     const Reachability& reach);

// At most max_bytes of valid UTF-8 from the start of outside bytes (a gateway's answer may be GBK
// or binary): invalid bytes become '?', and no character is cut in half. For last_error, which
// PostgreSQL accepts only as valid UTF-8.
std::string safe_utf8_prefix(std::string_view bytes, std::size_t max_bytes);

// ---- e-mail --------------------------------------------------------------------------------

// A plausible single address (local@domain, no spaces, no CR/LF, no angle brackets), so nothing
// read from the database can inject headers or SMTP commands.
bool plausible_email(std::string_view address);
std::string base64_encode(std::string_view bytes);
// RFC 2047 encoded-words (=?UTF-8?B?…?=) for a header value; plain ASCII without specials is kept
// as it is. Words never split a UTF-8 character and stay within 75 bytes.
std::string encode_header_word(std::string_view utf8);
// RFC 5322 date in Asia/Shanghai, e.g. "Mon, 02 Mar 2026 12:00:00 +0800".
std::string rfc5322_date(Millis at);

struct EmailMessage {
  std::string from;        // bare address: lianxin@example.com
  std::string to;          // bare address
  std::string subject;     // UTF-8
  std::string body;        // UTF-8 plain text
  std::string message_id;  // without angle brackets
  Millis date = 0;
};
// The whole message with CRLF line ends: headers, a UTF-8 subject (RFC 2047), and the body as
// base64 text/plain; charset=UTF-8 (safe through any relay, no line-length or dot issues).
std::string format_email(const EmailMessage& message);

}  // namespace lianxin::notify
