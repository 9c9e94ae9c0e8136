#pragma once
// Store-level queries of the outbox, for the routes (api.cpp) and tests: the in-app inbox,
// preferences, the delivery-status list, retries, quiet hours. Plain data, no JSON. Callers run
// them inside a transaction of their own and check permissions and data scope themselves.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "notify/notify.hpp"

namespace lianxin::notify {

// Row statuses: pending (waiting for its first attempt), sent, failed (an attempt failed; retried
// at next_attempt_at), dead (given up after max_attempts or a permanent error).
const std::vector<std::string>& statuses();
bool valid_status(const std::string& status);

// ---- inbox ---------------------------------------------------------------------------------

struct InboxItem {
  std::int64_t id = 0;
  std::string kind, subject, body, ref_entity, ref_id;
  Millis created_at = 0;
  std::optional<Millis> read_at;
};
struct InboxPage {
  std::vector<InboxItem> items;
  std::int64_t total = 0;   // matching the filter
  std::int64_t unread = 0;  // all unread of the user
};
InboxPage inbox(storage::Connection& conn, std::int64_t user_id, bool unread_only, std::int64_t limit, std::int64_t offset);
std::int64_t unread_count(storage::Connection& conn, std::int64_t user_id);
// Marks one of the user's in-app notifications read (again is fine). False when the user has no
// such notification, so someone else's looks the same as a missing one.
bool mark_read(storage::Connection& conn, std::int64_t user_id, std::int64_t id, Millis now);
std::int64_t mark_all_read(storage::Connection& conn, std::int64_t user_id, Millis now);

// ---- preferences ---------------------------------------------------------------------------

struct Preference {
  std::string kind;
  std::vector<Channel> channels;  // effective: the stored preference or the default
  bool is_default = true;         // no stored preference
};
// One entry per kind that has a template or a stored preference of the user, sorted by kind.
std::vector<Preference> preferences(storage::Connection& conn, std::int64_t user_id);
// Stores the channels for one kind; nullopt deletes the preference (back to the default).
void set_preference(storage::Connection& conn, std::int64_t user_id, const std::string& kind,
                    const std::optional<std::vector<Channel>>& channels, Millis now);
Reachability reachability(storage::Connection& conn, std::int64_t user_id);

// ---- delivery status -----------------------------------------------------------------------

struct OutboxFilter {
  std::optional<std::string> status, channel, kind, ref_entity, ref_id;
  std::optional<std::int64_t> user_id;
  // Data scope: rows of recipients whose org unit lies under this path; external rows (no user)
  // only when include_external (callers at the root of the org tree).
  std::string org_path_prefix = "/";
  bool include_external = true;
  std::int64_t limit = 50, offset = 0;
};
struct OutboxRow {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string username;  // empty for external recipients
  std::string recipient_org_path;
  std::optional<std::string> address;
  std::string channel, kind, subject, body;
  std::optional<std::string> template_code;
  std::string params_json;
  std::optional<std::string> ref_entity, ref_id;
  bool urgent = false;
  std::string status;
  std::int64_t attempts = 0;
  Millis next_attempt_at = 0;
  std::optional<Millis> lease_until;
  std::optional<std::string> last_error;
  Millis created_at = 0;
  std::optional<Millis> sent_at, read_at;
};
std::vector<OutboxRow> list_outbox(storage::Connection& conn, const OutboxFilter& filter, std::int64_t* total);
std::optional<OutboxRow> find_outbox_row(storage::Connection& conn, std::int64_t id);
// Puts a failed or dead row back to pending, due now. The attempt count is kept, so a dead row
// that fails again is dead again after this one extra attempt. The caller checks the status and
// the lease first.
void retry_now(storage::Connection& conn, std::int64_t id, Millis now);

// ---- quiet hours ---------------------------------------------------------------------------

QuietHours load_quiet_hours(storage::Connection& conn);
void save_quiet_hours(storage::Connection& conn, const QuietHours& quiet, Millis now);

}  // namespace lianxin::notify
