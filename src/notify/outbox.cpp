// The outbox in SQL: enqueue (inside the caller's transaction), the in-app inbox, preferences,
// the delivery-status list, retries and quiet hours. Same SQL on SQLite and PostgreSQL
// (ON CONFLICT … DO NOTHING / DO UPDATE exist on both).
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "common/errors.hpp"
#include "common/strings.hpp"
#include "notify/outbox.hpp"

namespace lianxin::notify {
namespace {

using storage::null_value;
using storage::opt_value;
using storage::text_or_null;
using storage::Value;

std::string params_to_json(const std::map<std::string, std::string>& params) {
  std::string out = "{";
  for (const auto& [name, value] : params) {
    if (out.size() > 1) out += ',';
    out += "\"" + json_escape(name) + "\":\"" + json_escape(value) + "\"";
  }
  return out + "}";
}

// Text bound for the database must be valid UTF-8 (PostgreSQL refuses anything else).
void check_texts(Validator& v, const std::string& kind, const std::map<std::string, std::string>& params,
                 const std::string& dedupe_key, const std::string& ref_entity, const std::string& ref_id) {
  if (!valid_kind(kind)) v.add("kind", "use lower-case letters and '_' only (at most 60)");
  if (dedupe_key.empty()) v.add("dedupe_key", "is required");
  else if (dedupe_key.size() > 300) v.add("dedupe_key", "is longer than 300 bytes");
  else if (!is_valid_utf8(dedupe_key)) v.add("dedupe_key", "is not valid UTF-8");
  if (!is_valid_utf8(ref_entity)) v.add("ref_entity", "is not valid UTF-8");
  if (!is_valid_utf8(ref_id)) v.add("ref_id", "is not valid UTF-8");
  for (const auto& [name, value] : params)
    if (!is_valid_utf8(name) || !is_valid_utf8(value)) v.add("params." + name, "is not valid UTF-8");
}

struct Rendered {
  std::string subject, body;
  std::optional<std::string> template_code;
};

Rendered render(storage::Connection& conn, const std::string& kind, Channel channel,
                const std::map<std::string, std::string>& params) {
  auto row = conn.query_one("SELECT template_code, subject, body FROM notification_templates WHERE kind = ? AND channel = ?",
                            {kind, std::string(channel_code(channel))});
  if (!row) return {generic_subject(kind), generic_body(kind, params), std::nullopt};
  return {render_template(row->str(1), params), render_template(row->str(2), params), row->opt_str(0)};
}

struct NewRow {
  std::optional<std::int64_t> user_id;
  std::optional<std::string> address;
  Channel channel = Channel::in_app;
  std::string kind;
  Rendered text;
  std::string params_json;
  std::string ref_entity, ref_id;
  bool urgent = false;
  Millis due = 0;
  Millis now = 0;
  std::string dedupe_key;
};

// Returns 1 when written, 0 when the dedupe key exists (ON CONFLICT DO NOTHING does not abort a
// PostgreSQL transaction the way a caught unique violation would).
int insert_row(storage::Connection& conn, const NewRow& r) {
  bool in_app = r.channel == Channel::in_app;
  return static_cast<int>(conn.execute(
      "INSERT INTO notifications(user_id, address, channel, kind, subject, body, template_code, params_json, "
      "ref_entity, ref_id, urgent, status, attempts, next_attempt_at, created_at, sent_at, dedupe_key) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0,?,?,?,?) ON CONFLICT (dedupe_key) DO NOTHING",
      {opt_value(r.user_id), opt_value(r.address), std::string(channel_code(r.channel)), r.kind, r.text.subject,
       r.text.body, opt_value(r.text.template_code), r.params_json, text_or_null(r.ref_entity), text_or_null(r.ref_id),
       std::int64_t{r.urgent ? 1 : 0},
       // In-app needs no transport: it is in the recipient's inbox from now on.
       std::string(in_app ? "sent" : "pending"), r.due, r.now, in_app ? Value(r.now) : null_value(), r.dedupe_key}));
}

constexpr const char* kOutboxColumns =
    "SELECT n.id, n.user_id, u.username, o.path, n.address, n.channel, n.kind, n.subject, n.body, n.template_code, "
    "n.params_json, n.ref_entity, n.ref_id, n.urgent, n.status, n.attempts, n.next_attempt_at, n.lease_until, "
    "n.last_error, n.created_at, n.sent_at, n.read_at "
    "FROM notifications n LEFT JOIN users u ON u.id = n.user_id LEFT JOIN org_units o ON o.id = u.org_unit_id";

OutboxRow outbox_row(const storage::Row& r) {
  OutboxRow o;
  o.id = r.i64(0);
  o.user_id = r.opt_i64(1);
  o.username = r.str(2);
  o.recipient_org_path = r.str(3);
  o.address = r.opt_str(4);
  o.channel = r.str(5);
  o.kind = r.str(6);
  o.subject = r.str(7);
  o.body = r.str(8);
  o.template_code = r.opt_str(9);
  o.params_json = r.str(10);
  o.ref_entity = r.opt_str(11);
  o.ref_id = r.opt_str(12);
  o.urgent = r.boolean(13);
  o.status = r.str(14);
  o.attempts = r.i64(15);
  o.next_attempt_at = r.i64(16);
  o.lease_until = r.opt_i64(17);
  o.last_error = r.opt_str(18);
  o.created_at = r.i64(19);
  o.sent_at = r.opt_i64(20);
  o.read_at = r.opt_i64(21);
  return o;
}

}  // namespace

const std::vector<std::string>& statuses() {
  static const std::vector<std::string> list{"pending", "sent", "failed", "dead"};
  return list;
}

bool valid_status(const std::string& status) {
  return std::find(statuses().begin(), statuses().end(), status) != statuses().end();
}

// ---- enqueue -------------------------------------------------------------------------------

Reachability reachability(storage::Connection& conn, std::int64_t user_id) {
  auto row = conn.query_one("SELECT mobile, email FROM users WHERE id = ?", {user_id});
  if (!row) return {};
  return {!trim(row->str(0)).empty(), plausible_email(trim(row->str(1)))};
}

namespace {
std::mutex link_base_mutex;
std::string link_base_value;
}  // namespace

void set_link_base(const std::string& public_url) {
  std::lock_guard lock(link_base_mutex);
  link_base_value = public_url;
  while (!link_base_value.empty() && link_base_value.back() == '/') link_base_value.pop_back();
}

std::string link_base() {
  std::lock_guard lock(link_base_mutex);
  return link_base_value;
}

int enqueue(storage::Connection& conn, const Notice& notice, Millis now) {
  Validator v;
  if (notice.user_id <= 0) v.add("user_id", "is required");
  check_texts(v, notice.kind, notice.params, notice.dedupe_key, notice.ref_entity, notice.ref_id);
  v.throw_if_failed("invalid notice");

  auto user = conn.query_one("SELECT mobile, email, active FROM users WHERE id = ?", {notice.user_id});
  if (!user) throw_not_found("user");
  if (!user->boolean(2)) return 0;  // a deactivated user reads no inbox and gets no SMS
  std::string mobile = trim(user->str(0));
  std::string email = trim(user->str(1));
  Reachability reach{!mobile.empty(), plausible_email(email)};

  auto preference = conn.query_one("SELECT channels FROM notification_preferences WHERE user_id = ? AND kind = ?",
                                   {notice.user_id, notice.kind});
  std::vector<Channel> channels =
      choose_channels(preference ? std::optional<std::string>(preference->str(0)) : std::nullopt, notice.kind, reach);

  std::optional<QuietHours> quiet;  // read only when a channel needs it
  Urgency urgency = notice.urgent ? Urgency::urgent : Urgency::normal;
  int written = 0;
  for (Channel channel : channels) {
    // In the app a link stays relative (the web UI routes it); in an SMS or e-mail it needs the
    // server's public address (config public_url), when one is configured.
    std::map<std::string, std::string> params = notice.params;
    if (channel != Channel::in_app) {
      auto url = params.find("url");
      const std::string base = link_base();
      if (url != params.end() && !base.empty() && url->second.rfind("/", 0) == 0) url->second = base + url->second;
    }
    const std::string params_json = params_to_json(params);
    NewRow row;
    row.user_id = notice.user_id;
    if (channel == Channel::sms) row.address = mobile;
    if (channel == Channel::email) row.address = email;  // a snapshot: the row says where it went
    row.channel = channel;
    row.kind = notice.kind;
    row.text = render(conn, notice.kind, channel, params);
    row.params_json = params_json;
    row.ref_entity = notice.ref_entity;
    row.ref_id = notice.ref_id;
    row.urgent = notice.urgent;
    row.now = now;
    row.due = now;
    if (subject_to_quiet_hours(channel, Recipient::staff, urgency)) {
      if (!quiet) quiet = load_quiet_hours(conn);
      row.due = quiet_hours_release(*quiet, now);
    }
    row.dedupe_key = notice.dedupe_key + ":" + channel_code(channel);
    written += insert_row(conn, row);
  }
  return written;
}

namespace {

// An external notice checked and rendered into its outbox row; `templates` caches the template of
// each kind for a batch.
NewRow external_row(storage::Connection& conn, const ExternalNotice& notice, Millis now,
                    std::map<std::string, std::optional<storage::Row>>* templates) {
  Validator v;
  std::string address = trim(notice.address);
  if (notice.channel == Channel::in_app) v.add("channel", "must be one of email, sms");
  else if (address.empty()) v.add("address", "is required");
  else if (notice.channel == Channel::email && !plausible_email(address)) v.add("address", "is not a valid e-mail address");
  else if (!is_valid_utf8(address)) v.add("address", "is not valid UTF-8");
  check_texts(v, notice.kind, notice.params, notice.dedupe_key, notice.ref_entity, notice.ref_id);
  v.throw_if_failed("invalid notice");

  NewRow row;
  row.address = address;
  row.channel = notice.channel;
  row.kind = notice.kind;
  if (templates) {
    const std::string key = notice.kind + ":" + channel_code(notice.channel);
    auto it = templates->find(key);
    if (it == templates->end())
      it = templates->emplace(key, conn.query_one("SELECT template_code, subject, body FROM notification_templates WHERE kind = ? AND channel = ?",
                                                  {notice.kind, std::string(channel_code(notice.channel))}))
               .first;
    const auto& t = it->second;
    row.text = t ? Rendered{render_template(t->str(1), notice.params), render_template(t->str(2), notice.params), t->opt_str(0)}
                 : Rendered{generic_subject(notice.kind), generic_body(notice.kind, notice.params), std::nullopt};
  } else {
    row.text = render(conn, notice.kind, notice.channel, notice.params);
  }
  row.params_json = params_to_json(notice.params);
  row.ref_entity = notice.ref_entity;
  row.ref_id = notice.ref_id;
  row.now = now;
  row.due = now;  // staff quiet hours do not apply to outside recipients
  row.dedupe_key = notice.dedupe_key + ":" + channel_code(notice.channel);
  return row;
}

}  // namespace

int enqueue_external(storage::Connection& conn, const ExternalNotice& notice, Millis now) {
  return insert_row(conn, external_row(conn, notice, now, nullptr));
}

int enqueue_external_batch(storage::Connection& conn, const std::vector<ExternalNotice>& notices, Millis now) {
  std::map<std::string, std::optional<storage::Row>> templates;
  std::vector<NewRow> rows;
  rows.reserve(notices.size());
  for (const auto& n : notices) rows.push_back(external_row(conn, n, now, &templates));  // all checked before any is written
  storage::Params values;
  values.reserve(rows.size() * 16);
  for (const NewRow& r : rows)
    values.insert(values.end(), {opt_value(r.user_id), opt_value(r.address), std::string(channel_code(r.channel)), r.kind, r.text.subject,
                                 r.text.body, opt_value(r.text.template_code), r.params_json, text_or_null(r.ref_entity), text_or_null(r.ref_id),
                                 std::int64_t{0}, std::string("pending"), r.due, r.now, null_value(), r.dedupe_key});
  const int written = static_cast<int>(storage::insert_many(
      conn,
      "INSERT INTO notifications(user_id, address, channel, kind, subject, body, template_code, params_json, ref_entity, ref_id, urgent, "
      "status, attempts, next_attempt_at, created_at, sent_at, dedupe_key) VALUES ",
      "(?,?,?,?,?,?,?,?,?,?,?,?,0,?,?,?,?)", 16, values, " ON CONFLICT (dedupe_key) DO NOTHING"));
  return written;
}

// ---- inbox ---------------------------------------------------------------------------------

std::int64_t unread_count(storage::Connection& conn, std::int64_t user_id) {
  return conn.query_i64("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND channel = 'in_app' AND read_at IS NULL",
                        {user_id});
}

InboxPage inbox(storage::Connection& conn, std::int64_t user_id, bool unread_only, std::int64_t limit, std::int64_t offset) {
  std::string where = " FROM notifications WHERE user_id = ? AND channel = 'in_app'";
  if (unread_only) where += " AND read_at IS NULL";
  InboxPage page;
  page.total = conn.query_i64("SELECT COUNT(*)" + where, {user_id});
  page.unread = unread_only ? page.total : unread_count(conn, user_id);
  auto rows = conn.query("SELECT id, kind, subject, body, ref_entity, ref_id, created_at, read_at" + where +
                             " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                         {user_id, limit, offset});
  for (auto& r : rows)
    page.items.push_back({r.i64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.i64(6), r.opt_i64(7)});
  return page;
}

bool mark_read(storage::Connection& conn, std::int64_t user_id, std::int64_t id, Millis now) {
  // COALESCE keeps the first reading time when the same notification is opened again.
  return conn.execute(
             "UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ? AND channel = 'in_app'",
             {now, id, user_id}) > 0;
}

std::int64_t mark_all_read(storage::Connection& conn, std::int64_t user_id, Millis now) {
  return conn.execute(
      "UPDATE notifications SET read_at = ? WHERE user_id = ? AND channel = 'in_app' AND read_at IS NULL", {now, user_id});
}

// ---- preferences ---------------------------------------------------------------------------

std::vector<Preference> preferences(storage::Connection& conn, std::int64_t user_id) {
  std::map<std::string, Preference> by_kind;
  for (auto& r : conn.query("SELECT DISTINCT kind FROM notification_templates")) {
    std::string kind = r.str(0);
    by_kind[kind] = {kind, default_channels(kind), true};
  }
  for (auto& r : conn.query("SELECT kind, channels FROM notification_preferences WHERE user_id = ?", {user_id})) {
    std::string kind = r.str(0);
    by_kind[kind] = {kind, parse_channel_list(r.str(1)), false};
  }
  std::vector<Preference> out;
  for (auto& [kind, preference] : by_kind) out.push_back(std::move(preference));
  return out;
}

void set_preference(storage::Connection& conn, std::int64_t user_id, const std::string& kind,
                    const std::optional<std::vector<Channel>>& channels, Millis now) {
  if (!channels) {
    conn.execute("DELETE FROM notification_preferences WHERE user_id = ? AND kind = ?", {user_id, kind});
    return;
  }
  conn.execute(
      "INSERT INTO notification_preferences(user_id, kind, channels, updated_at) VALUES (?,?,?,?) "
      "ON CONFLICT (user_id, kind) DO UPDATE SET channels = excluded.channels, updated_at = excluded.updated_at",
      {user_id, kind, format_channel_list(*channels), now});
}

// ---- delivery status -----------------------------------------------------------------------

std::vector<OutboxRow> list_outbox(storage::Connection& conn, const OutboxFilter& f, std::int64_t* total) {
  storage::Params params;
  std::string where = " WHERE (o.path LIKE ? ESCAPE '\\'";
  params.push_back(storage::escape_like(f.org_path_prefix) + "%");
  where += f.include_external ? " OR n.user_id IS NULL)" : ")";
  auto add_eq = [&](const char* column, const std::optional<std::string>& value) {
    if (!value) return;
    where += std::string(" AND ") + column + " = ?";
    params.push_back(*value);
  };
  add_eq("n.status", f.status);
  add_eq("n.channel", f.channel);
  add_eq("n.kind", f.kind);
  add_eq("n.ref_entity", f.ref_entity);
  add_eq("n.ref_id", f.ref_id);
  if (f.user_id) {
    where += " AND n.user_id = ?";
    params.push_back(*f.user_id);
  }
  if (total)
    *total = conn.query_i64(
        "SELECT COUNT(*) FROM notifications n LEFT JOIN users u ON u.id = n.user_id "
        "LEFT JOIN org_units o ON o.id = u.org_unit_id" + where,
        params);
  params.push_back(f.limit);
  params.push_back(f.offset);
  std::vector<OutboxRow> out;
  for (auto& r : conn.query(kOutboxColumns + where + " ORDER BY n.created_at DESC, n.id DESC LIMIT ? OFFSET ?", params))
    out.push_back(outbox_row(r));
  return out;
}

std::optional<OutboxRow> find_outbox_row(storage::Connection& conn, std::int64_t id) {
  auto row = conn.query_one(std::string(kOutboxColumns) + " WHERE n.id = ?", {id});
  if (!row) return std::nullopt;
  return outbox_row(*row);
}

void retry_now(storage::Connection& conn, std::int64_t id, Millis now) {
  conn.execute("UPDATE notifications SET status = 'pending', next_attempt_at = ?, lease_until = NULL WHERE id = ?",
               {now, id});
}

// ---- quiet hours ---------------------------------------------------------------------------

QuietHours load_quiet_hours(storage::Connection& conn) {
  auto row = conn.query_one("SELECT start_minute, end_minute, enabled FROM notification_quiet_hours WHERE id = 1");
  if (!row) return {};
  return {static_cast<int>(row->i64(0)), static_cast<int>(row->i64(1)), row->boolean(2)};
}

void save_quiet_hours(storage::Connection& conn, const QuietHours& quiet, Millis now) {
  storage::Params params{std::int64_t{quiet.start_minute}, std::int64_t{quiet.end_minute},
                         std::int64_t{quiet.enabled ? 1 : 0}, now};
  conn.execute(
      "INSERT INTO notification_quiet_hours(id, start_minute, end_minute, enabled, updated_at) VALUES (1,?,?,?,?) "
      "ON CONFLICT (id) DO UPDATE SET start_minute = excluded.start_minute, end_minute = excluded.end_minute, "
      "enabled = excluded.enabled, updated_at = excluded.updated_at",
      params);
}

}  // namespace lianxin::notify
