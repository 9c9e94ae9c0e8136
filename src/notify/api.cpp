// Routes of the notification outbox: the caller's in-app inbox and preferences, the delivery
// status for administrators and auditors, retries and quiet hours for administrators.
#include "notify/api.hpp"

#include <algorithm>
#include <set>

#include "audit/audit.hpp"
#include "auth/guard.hpp"
#include "common/json.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"
#include "http/router.hpp"
#include "notify/outbox.hpp"

namespace lianxin::notify {
namespace {

namespace bj = boost::json;
using auth::Permission;
using http::Response;
using http::RouteContext;

using http::ok;

bj::value iso_or_null(const std::optional<Millis>& at) {
  if (!at) return nullptr;
  return bj::value(format_iso_utc(*at));
}

bj::array channel_array(const std::vector<Channel>& channels) {
  bj::array out;
  for (Channel c : channels) out.emplace_back(channel_code(c));
  return out;
}

std::string channel_names() {
  std::string out;
  for (Channel c : all_channels()) out += std::string(out.empty() ? "" : ", ") + channel_code(c);
  return out;
}

// Callers at the root of the org tree (company level) also see rows sent to outside addresses,
// which belong to no org unit; as in the audit log.
bool at_root(const auth::Principal& p) { return std::count(p.org_path.begin(), p.org_path.end(), '/') <= 2; }

bool in_scope(const auth::Principal& p, const OutboxRow& row) {
  return row.user_id ? auth::org_in_scope(p, row.recipient_org_path) : at_root(p);
}

// Delivery status is for administrators and auditors; only administrators change anything.
auth::Principal require_outbox_reader(auth::Guard& g, const http::Request& request) {
  auth::Principal p = g.authenticate(request);
  if (!auth::has_permission(p.role, Permission::user_admin) && !auth::has_permission(p.role, Permission::audit_read))
    throw AppError(ErrorCode::forbidden, std::string("your role may not do this (needs ") +
                                             auth::permission_code(Permission::user_admin) + " or " +
                                             auth::permission_code(Permission::audit_read) + ")");
  return p;
}

// ---- inbox ---------------------------------------------------------------------------------

bj::object inbox_json(const InboxItem& n) {
  return {{"id", n.id},
          {"kind", n.kind},
          {"subject", n.subject},
          {"body", n.body},
          {"ref_entity", n.ref_entity.empty() ? bj::value(nullptr) : bj::value(n.ref_entity)},
          {"ref_id", n.ref_id.empty() ? bj::value(nullptr) : bj::value(n.ref_id)},
          {"created_at", format_iso_utc(n.created_at)},
          {"read_at", iso_or_null(n.read_at)},
          {"read", n.read_at.has_value()}};
}

Response list_inbox(auth::Guard& g, RouteContext& ctx) {
  auth::Principal p = g.authenticate(ctx.request);
  bool unread_only = http::query_bool(ctx.request, "unread").value_or(false);
  auto paging = http::paging(ctx.request, 20, 200);
  return g.db().read([&](storage::Connection& conn) {
    InboxPage page = inbox(conn, p.user_id, unread_only, paging.page_size, paging.offset());
    bj::array items;
    for (const auto& n : page.items) items.push_back(inbox_json(n));
    bj::object out = json::list_envelope(std::move(items), page.total, paging.page, paging.page_size);
    out["unread"] = page.unread;
    return ok(out);
  });
}

// Marking one's own inbox read is not audited: it changes only what the reader has seen (like
// opening an e-mail), no business record; an audit entry per click would drown the log. Only the
// recipient can do it, and read_at keeps the first reading time.
Response read_one(auth::Guard& g, RouteContext& ctx) {
  auth::Principal p = g.authenticate(ctx.request);
  std::int64_t id = http::path_id(ctx);
  return g.db().transaction([&](storage::Connection& conn) {
    if (!mark_read(conn, p.user_id, id, now_millis())) throw_not_found("notification");
    return ok(bj::object{{"id", id}, {"unread", unread_count(conn, p.user_id)}});
  });
}

Response read_all(auth::Guard& g, RouteContext& ctx) {
  auth::Principal p = g.authenticate(ctx.request);
  return g.db().transaction([&](storage::Connection& conn) {
    std::int64_t marked = mark_all_read(conn, p.user_id, now_millis());
    return ok(bj::object{{"marked", marked}, {"unread", unread_count(conn, p.user_id)}});
  });
}

// ---- preferences ---------------------------------------------------------------------------

bj::object preferences_json(storage::Connection& conn, std::int64_t user_id) {
  bj::array items;
  auto list = preferences(conn, user_id);
  for (const auto& pref : list)
    items.push_back(bj::object{{"kind", pref.kind}, {"channels", channel_array(pref.channels)}, {"default", pref.is_default}});
  auto n = static_cast<std::int64_t>(list.size());
  bj::object out = json::list_envelope(std::move(items), n, 1, std::max<std::int64_t>(n, 1));
  Reachability reach = reachability(conn, user_id);
  // The UI says why SMS or e-mail would fall back to the inbox.
  out["has_mobile"] = reach.has_mobile;
  out["has_email"] = reach.has_email;
  out["channels"] = channel_array(all_channels());
  return out;
}

Response get_preferences(auth::Guard& g, RouteContext& ctx) {
  auth::Principal p = g.authenticate(ctx.request);
  return g.db().read([&](storage::Connection& conn) { return ok(preferences_json(conn, p.user_id)); });
}

struct PreferenceChange {
  std::string kind;
  std::optional<std::vector<Channel>> channels;  // nullopt = back to the default
};

// Body: {"items":[{"kind":"claim_reminder","channels":["in_app","sms"]}, {"kind":…,"channels":null}]}
std::vector<PreferenceChange> read_preference_changes(const bj::object& body) {
  Validator v;
  std::vector<PreferenceChange> out;
  auto items = body.if_contains("items");
  if (!items || !items->is_array()) {
    v.add("items", items ? "must be a list" : "is required");
    v.throw_if_failed();
  }
  if (items->as_array().size() > 100) v.add("items", "is too large: at most 100");
  std::set<std::string> seen;
  std::size_t i = 0;
  for (const auto& item : items->as_array()) {
    std::string at = "items[" + std::to_string(i++) + "]";
    if (!item.is_object()) {
      v.add(at, "must be an object");
      continue;
    }
    const auto& o = item.as_object();
    PreferenceChange change;
    auto kind = o.if_contains("kind");
    if (!kind || kind->is_null()) {
      v.add(at + ".kind", "is required");
    } else if (!kind->is_string()) {
      v.add(at + ".kind", "must be a string");
    } else {
      change.kind = std::string(kind->as_string());
      if (!valid_kind(change.kind)) v.add(at + ".kind", "use lower-case letters and '_' only (at most 60)");
      else if (!seen.insert(change.kind).second) v.add(at + ".kind", "listed twice");
    }
    auto channels = o.if_contains("channels");
    if (!channels) {
      v.add(at + ".channels", "is required (null returns to the default)");
    } else if (channels->is_array()) {
      std::vector<Channel> list;
      std::size_t j = 0;
      for (const auto& c : channels->as_array()) {
        std::string field = at + ".channels[" + std::to_string(j++) + "]";
        auto channel = c.is_string() ? channel_from_code(std::string(c.as_string())) : std::nullopt;
        if (!channel) v.add(field, "must be one of " + channel_names());
        else if (std::find(list.begin(), list.end(), *channel) == list.end()) list.push_back(*channel);
      }
      if (channels->as_array().empty()) v.add(at + ".channels", "must name at least one channel");
      change.channels = list;
    } else if (!channels->is_null()) {
      v.add(at + ".channels", "must be a list of strings");
    }
    out.push_back(std::move(change));
  }
  v.throw_if_failed();
  return out;
}

Response put_preferences(auth::Guard& g, RouteContext& ctx) {
  auth::Principal p = g.authenticate(ctx.request);
  auto changes = read_preference_changes(json::parse_object(ctx.request.body));
  return g.db().transaction([&](storage::Connection& conn) {
    // Before and after of the kinds changed: channels, or null for the default.
    auto snapshot = [&]() {
      bj::object out;
      for (const auto& pref : preferences(conn, p.user_id))
        for (const auto& change : changes)
          if (change.kind == pref.kind) out[pref.kind] = pref.is_default ? bj::value(nullptr) : bj::value(channel_array(pref.channels));
      for (const auto& change : changes)
        if (!out.contains(change.kind)) out[change.kind] = nullptr;
      return json::serialize(out);
    };
    std::string before = snapshot();
    Millis now = now_millis();
    for (const auto& change : changes) set_preference(conn, p.user_id, change.kind, change.channels, now);
    audit::record(conn, p.actor(), {"update", "notification_preferences", std::to_string(p.user_id), p.org_path, before, snapshot()});
    return ok(preferences_json(conn, p.user_id));
  });
}

// ---- delivery status -----------------------------------------------------------------------

bj::object outbox_json(const OutboxRow& r) {
  return {{"id", r.id},
          {"user_id", json::nullable(r.user_id)},
          {"username", r.username.empty() ? bj::value(nullptr) : bj::value(r.username)},
          {"address", json::nullable(r.address)},
          {"channel", r.channel},
          {"kind", r.kind},
          {"subject", r.subject},
          {"body", r.body},
          {"template_code", json::nullable(r.template_code)},
          {"params", json::parse_or_null(r.params_json)},
          {"ref_entity", json::nullable(r.ref_entity)},
          {"ref_id", json::nullable(r.ref_id)},
          {"urgent", r.urgent},
          {"status", r.status},
          {"attempts", r.attempts},
          {"next_attempt_at", r.status == "pending" || r.status == "failed" ? bj::value(format_iso_utc(r.next_attempt_at))
                                                                             : bj::value(nullptr)},
          {"lease_until", iso_or_null(r.lease_until)},
          {"last_error", json::nullable(r.last_error)},
          {"created_at", format_iso_utc(r.created_at)},
          {"sent_at", iso_or_null(r.sent_at)},
          {"read_at", iso_or_null(r.read_at)}};
}

std::string status_names() {
  std::string out;
  for (const auto& s : statuses()) out += (out.empty() ? "" : ", ") + s;
  return out;
}

Response list_outbox_route(auth::Guard& g, RouteContext& ctx) {
  auth::Principal p = require_outbox_reader(g, ctx.request);
  const auto& req = ctx.request;
  OutboxFilter f;
  Validator v;
  f.status = http::query_text(req, "status", 20);
  if (f.status && !valid_status(*f.status)) v.add("status", "must be one of " + status_names());
  f.channel = http::query_text(req, "channel", 20);
  if (f.channel && !channel_from_code(*f.channel)) v.add("channel", "must be one of " + channel_names());
  f.kind = http::query_text(req, "kind", 60);
  f.ref_entity = http::query_text(req, "ref_entity", 60);
  f.ref_id = http::query_text(req, "ref_id", 60);
  f.user_id = http::query_int(req, "user_id");
  if (!v.ok()) throw AppError(ErrorCode::validation_failed, "invalid query parameter", v.issues());
  f.org_path_prefix = p.org_path;
  f.include_external = at_root(p);
  auto paging = http::paging(req, 50, 200);
  f.limit = paging.page_size;
  f.offset = paging.offset();
  return g.db().read([&](storage::Connection& conn) {
    std::int64_t total = 0;
    bj::array items;
    for (const auto& row : list_outbox(conn, f, &total)) items.push_back(outbox_json(row));
    return ok(json::list_envelope(std::move(items), total, paging.page, paging.page_size));
  });
}

bj::object status_snapshot(const OutboxRow& r) {
  return {{"status", r.status},
          {"attempts", r.attempts},
          {"next_attempt_at", format_iso_utc(r.next_attempt_at)},
          {"last_error", json::nullable(r.last_error)}};
}

Response retry(auth::Guard& g, RouteContext& ctx) {
  auth::Principal p = g.require(ctx.request, Permission::user_admin);
  std::int64_t id = http::path_id(ctx);
  return g.db().transaction([&](storage::Connection& conn) {
    auto row = find_outbox_row(conn, id);
    if (!row || !in_scope(p, *row)) throw_not_found("notification");
    if (row->status != "failed" && row->status != "dead")
      throw AppError(ErrorCode::conflict, "only failed or dead notifications can be retried");
    Millis now = now_millis();
    // A failed row under a live lease is being sent right now; releasing it could send it twice.
    if (row->lease_until && *row->lease_until > now)
      throw AppError(ErrorCode::conflict, "this notification is being delivered right now; try again in a minute");
    retry_now(conn, id, now);
    auto after = find_outbox_row(conn, id);
    audit::record(conn, p.actor(),
                  {"retry", "notification", std::to_string(id), row->recipient_org_path,
                   json::serialize(status_snapshot(*row)), json::serialize(status_snapshot(*after))});
    return ok(outbox_json(*after));
  });
}

// ---- quiet hours ---------------------------------------------------------------------------

bj::object quiet_json(const QuietHours& q) {
  return {{"enabled", q.enabled},
          {"start", format_minute_of_day(q.start_minute)},
          {"end", format_minute_of_day(q.end_minute)},
          {"time_zone", "Asia/Shanghai"}};
}

// Every signed-in user may read the window (it says when their SMS will arrive).
Response get_quiet_hours(auth::Guard& g, RouteContext& ctx) {
  g.authenticate(ctx.request);
  return g.db().read([&](storage::Connection& conn) { return ok(quiet_json(load_quiet_hours(conn))); });
}

// Body: {"enabled":true,"start":"22:00","end":"08:00"}. Applies to notices enqueued from now on
// (and to retries); rows already deferred keep their time.
Response put_quiet_hours(auth::Guard& g, RouteContext& ctx) {
  auth::Principal p = g.require(ctx.request, Permission::user_admin);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto enabled = json::opt_bool(body, "enabled", v);
  if (!json::has(body, "enabled") || json::is_null(body, "enabled")) v.add("enabled", "is required");
  auto read_time = [&](const char* field) -> std::optional<int> {
    std::string text = json::req_string(body, field, v, 5);
    if (text.empty()) return std::nullopt;
    auto minute = parse_minute_of_day(text);
    if (!minute) v.add(field, "must be a time HH:MM");
    return minute;
  };
  auto start = read_time("start");
  auto end = read_time("end");
  if (start && end && *start == *end && enabled.value_or(false)) v.add("end", "must differ from start");
  v.throw_if_failed();
  QuietHours quiet{*start, *end, *enabled};
  return g.db().transaction([&](storage::Connection& conn) {
    QuietHours before = load_quiet_hours(conn);
    save_quiet_hours(conn, quiet, now_millis());
    audit::record(conn, p.actor(),
                  {"update", "notification_quiet_hours", "1", "", json::serialize(quiet_json(before)), json::serialize(quiet_json(quiet))});
    return ok(quiet_json(quiet));
  });
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auth::Guard* g = &guard;
  auto bind = [g](Response (*fn)(auth::Guard&, RouteContext&)) { return [g, fn](RouteContext& c) { return fn(*g, c); }; };
  router.get("/api/v1/notifications", bind(list_inbox));
  router.post("/api/v1/notifications/read-all", bind(read_all));
  router.post("/api/v1/notifications/{id}/read", bind(read_one));
  router.get("/api/v1/notifications/preferences", bind(get_preferences));
  router.put("/api/v1/notifications/preferences", bind(put_preferences));
  router.get("/api/v1/notifications/quiet-hours", bind(get_quiet_hours));
  router.put("/api/v1/notifications/quiet-hours", bind(put_quiet_hours));
  router.get("/api/v1/outbox", bind(list_outbox_route));
  router.post("/api/v1/outbox/{id}/retry", bind(retry));
}

}  // namespace lianxin::notify
