#include "auth/api.hpp"

#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "http/params.hpp"
#include "io/xlsx.hpp"

namespace lianxin::auth {
namespace {

namespace bj = boost::json;
using http::Response;
using http::RouteContext;

bj::object principal_json(const Principal& p) {
  bj::array perms;
  for (Permission perm : permissions_of(p.role)) perms.emplace_back(permission_code(perm));
  bj::object user{{"id", p.user_id},
                  {"username", p.username},
                  {"display_name", p.display_name},
                  {"role", role_code(p.role)},
                  {"org_unit_id", p.org_unit_id},
                  {"org_unit_name", p.org_unit_name},
                  {"all_customers_in_scope", p.all_customers_in_scope},
                  {"permissions", std::move(perms)}};
  return bj::object{{"user", std::move(user)}, {"csrf_token", p.csrf_token}};
}

std::string user_snapshot(storage::Connection& conn, std::int64_t id) {
  auto r = conn.query_one(
      "SELECT id, username, display_name, role, org_unit_id, mobile, all_customers_in_scope, active FROM users "
      "WHERE id = ?",
      {id});
  if (!r) return {};
  bj::object o{{"id", r->i64(0)},           {"username", r->str(1)}, {"display_name", r->str(2)},
               {"role", r->str(3)},         {"org_unit_id", r->i64(4)}, {"mobile", json::nullable(r->opt_str(5))},
               {"all_customers_in_scope", r->boolean(6)}, {"active", r->boolean(7)}};
  return json::serialize(o);
}

// Target org unit must exist and lie in the administrator's subtree.
std::string checked_org_path(storage::Connection& conn, const Principal& admin, std::int64_t org_unit_id,
                             Validator& v, const char* field) {
  auto row = conn.query_one("SELECT path FROM org_units WHERE id = ?", {org_unit_id});
  if (!row || !org_in_scope(admin, row->str(0))) {
    v.add(field, "unknown org unit");
    return {};
  }
  return row->str(0);
}

Response login(Guard& guard, RouteContext& ctx) {
  auto body = json::parse_object(ctx.request.body, 16 * 1024);
  Validator v;
  std::string username = to_lower_ascii(json::req_string(body, "username", v, 64));
  std::string password;
  if (auto p = body.if_contains("password"); p && p->is_string()) password = std::string(p->as_string());
  else v.add("password", "is required");
  v.throw_if_failed("username and password are required");

  Millis now = now_millis();
  Actor actor{0, username, ctx.request.remote_ip, ctx.request.request_id};
  struct Outcome {
    bool ok = false;
    Millis locked_until = 0;
    std::string token, csrf;
    std::int64_t user_id = 0;
  };
  auto outcome = guard.db().transaction([&](storage::Connection& conn) {
    Outcome out;
    auto row = conn.query_one("SELECT id, password_hash, active, failed_logins, locked_until FROM users WHERE username = ?",
                              {username});
    if (row && row->i64(4) > now) {
      out.locked_until = row->i64(4);
      return out;
    }
    // Verify even for unknown users so response time does not reveal which usernames exist.
    static const std::string dummy = hash_password("dummy-password-for-timing-1");
    bool good = verify_password(row ? row->str(1) : dummy, password) && row && row->boolean(2);
    conn.execute("INSERT INTO login_attempts(username, ip, at, success) VALUES (?,?,?,?)",
                 {username, ctx.request.remote_ip, now, std::int64_t{good ? 1 : 0}});
    if (!good) {
      if (row) {
        int failures = static_cast<int>(row->i64(3)) + 1;
        Millis lock = lockout_millis(guard.options().lockout, failures);
        conn.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?",
                     {std::int64_t{failures}, lock ? now + lock : std::int64_t{0}, row->i64(0)});
        actor.user_id = row->i64(0);
        audit::record(conn, actor, {"login_failed", "session", "", "", "",
                                    lock ? "{\"locked_minutes\":" + std::to_string(lock / 60000) + "}" : ""});
      }
      return out;
    }
    out.ok = true;
    out.user_id = row->i64(0);
    out.token = random_token(32);
    out.csrf = random_token(24);
    conn.execute("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?", {out.user_id});
    conn.execute("INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, expires_at, ip) VALUES (?,?,?,?,?,?)",
                 {token_hash(out.token), out.user_id, out.csrf, now, now + guard.options().session_ttl_millis,
                  ctx.request.remote_ip});
    conn.execute("DELETE FROM sessions WHERE expires_at < ?", {now});
    actor.user_id = out.user_id;
    audit::record(conn, actor, {"login", "session", "", "", "", ""});
    return out;
  });
  if (outcome.locked_until)
    throw AppError(ErrorCode::account_locked, "too many failed logins; try again after " +
                                                  format_iso_utc(outcome.locked_until) + " or ask an administrator");
  if (!outcome.ok) throw AppError(ErrorCode::unauthenticated, "wrong username or password");
  Principal p = guard.db().read([&](storage::Connection& conn) { return load_principal(conn, outcome.user_id); });
  p.csrf_token = outcome.csrf;
  Response r = Response::json(json::serialize(principal_json(p)));
  std::string cookie = std::string(kSessionCookie) + "=" + outcome.token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(guard.options().session_ttl_millis / 1000);
  if (guard.options().secure_cookie) cookie += "; Secure";
  r.headers.emplace_back("Set-Cookie", cookie);
  return r;
}

Response logout(Guard& guard, RouteContext& ctx) {
  Principal p = guard.authenticate(ctx.request);
  std::string token = ctx.request.cookie(kSessionCookie);
  guard.db().transaction([&](storage::Connection& conn) {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?", {token_hash(token)});
    audit::record(conn, p.actor(), {"logout", "session", "", "", "", ""});
  });
  Response r = Response::no_content();
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return r;
}

bj::object user_row_json(const storage::Row& r, Millis now) {
  return bj::object{{"id", r.i64(0)},
                    {"username", r.str(1)},
                    {"display_name", r.str(2)},
                    {"role", r.str(3)},
                    {"org_unit_id", r.i64(4)},
                    {"org_unit_name", r.str(5)},
                    {"mobile", json::nullable(r.opt_str(6))},
                    {"all_customers_in_scope", r.boolean(7)},
                    {"active", r.boolean(8)},
                    {"locked", r.i64(9) > now}};
}

// WHERE clause of the user queries: the administrator's subtree plus the filters.
std::string users_where(const Principal& p, const http::Request& req, storage::Params& params) {
  std::string where = " WHERE o.path LIKE ? ESCAPE '\\'";
  params.push_back(storage::escape_like(p.org_path) + "%");
  if (auto q = http::query_text(req, "q")) {
    where += " AND (u.username LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')";
    std::string pat = "%" + storage::escape_like(*q) + "%";
    params.push_back(pat);
    params.push_back(pat);
  }
  if (auto role = http::query_text(req, "role", 32)) {
    where += " AND u.role = ?";
    params.push_back(*role);
  }
  if (auto org = http::query_int(req, "org_unit_id")) {
    where += " AND u.org_unit_id = ?";
    params.push_back(*org);
  }
  return where;
}

constexpr const char* kUserColumns =
    "SELECT u.id, u.username, u.display_name, u.role, u.org_unit_id, o.name, u.mobile, u.all_customers_in_scope, "
    "u.active, u.locked_until FROM users u JOIN org_units o ON o.id = u.org_unit_id";

Response list_users(Guard& guard, RouteContext& ctx) {
  Principal p = guard.require(ctx.request, Permission::user_admin);
  auto paging = http::paging(ctx.request);
  auto page = paging.page, size = paging.page_size;
  storage::Params params;
  std::string where = users_where(p, ctx.request, params);
  return guard.db().read([&](storage::Connection& conn) {
    std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM users u JOIN org_units o ON o.id = u.org_unit_id" + where, params);
    auto list_params = params;
    list_params.push_back(size);
    list_params.push_back((page - 1) * size);
    auto rows = conn.query(kUserColumns + where + " ORDER BY u.username LIMIT ? OFFSET ?", list_params);
    bj::array items;
    Millis now = now_millis();
    for (auto& r : rows) items.push_back(user_row_json(r, now));
    return Response::json(json::serialize(json::list_envelope(std::move(items), total, page, size)));
  });
}

Response export_users(Guard& guard, RouteContext& ctx) {
  Principal p = guard.require(ctx.request, Permission::user_admin);
  storage::Params params;
  std::string where = users_where(p, ctx.request, params);
  bool zh = http::query_text(ctx.request, "lang", 5).value_or("zh") != "en";
  io::Sheet sheet;
  sheet.name = zh ? "用户" : "Users";
  sheet.header = zh ? std::vector<std::string>{"编号", "账号", "姓名", "角色", "所属单位", "手机", "可见本单位全部客户", "启用", "锁定"}
                    : std::vector<std::string>{"ID", "Username", "Name", "Role", "Org unit", "Mobile", "All customers in scope", "Active", "Locked"};
  Millis now = now_millis();
  guard.db().read([&](storage::Connection& conn) {
    for (auto& r : conn.query(kUserColumns + where + " ORDER BY u.username", params))
      sheet.rows.push_back({r.i64(0), r.str(1), r.str(2), r.str(3), r.str(5), r.str(6), std::int64_t{r.boolean(7)},
                            std::int64_t{r.boolean(8)}, std::int64_t{r.i64(9) > now}});
  });
  Response out = Response::xlsx(io::write_xlsx({sheet}), "users-" + shanghai_date(now) + ".xlsx");
  guard.db().transaction([&](storage::Connection& conn) {
    audit::record_export(conn, p.actor(), "user", static_cast<std::int64_t>(sheet.rows.size()), ctx.request.target);
  });
  return out;
}

// A user as the list shows it (with org unit name and lock state): what create/update/unlock return.
std::string user_item(storage::Connection& conn, std::int64_t id) {
  auto row = conn.query_one(kUserColumns + std::string(" WHERE u.id = ?"), {id});
  return json::serialize(user_row_json(*row, now_millis()));
}

struct UserInput {
  std::optional<std::string> display_name, password, role, mobile;
  std::optional<std::int64_t> org_unit_id;
  std::optional<bool> all_customers_in_scope, active;
};

UserInput read_user_input(const bj::object& body, Validator& v) {
  UserInput in;
  in.display_name = json::opt_string(body, "display_name", v, 64);
  if (auto p = body.if_contains("password"); p && !p->is_null()) {
    if (!p->is_string()) v.add("password", "must be a string");
    else {
      in.password = std::string(p->as_string());
      if (auto problem = password_problem(*in.password); !problem.empty()) v.add("password", problem);
    }
  }
  in.role = json::opt_string(body, "role", v, 32);
  if (in.role && !role_from_code(*in.role)) v.add("role", "unknown role '" + *in.role + "'");
  in.mobile = json::opt_string(body, "mobile", v, 20);
  in.org_unit_id = json::opt_int(body, "org_unit_id", v);
  in.all_customers_in_scope = json::opt_bool(body, "all_customers_in_scope", v);
  in.active = json::opt_bool(body, "active", v);
  return in;
}

Response create_user(Guard& guard, RouteContext& ctx) {
  Principal admin = guard.require(ctx.request, Permission::user_admin);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::string username = json::req_string(body, "username", v, 32);
  if (!username.empty() && !valid_username(username))
    v.add("username", "use 3 to 32 lower-case letters, digits, '.', '_' or '-'");
  auto in = read_user_input(body, v);
  if (!in.display_name || in.display_name->empty()) v.add("display_name", "is required");
  if (!in.password) v.add("password", "is required");
  if (!in.role) v.add("role", "is required");
  if (!in.org_unit_id) v.add("org_unit_id", "is required");
  v.throw_if_failed();
  std::string hash = hash_password(*in.password);  // slow on purpose: outside the transaction
  return guard.db().transaction([&](storage::Connection& conn) {
    Validator v2;
    checked_org_path(conn, admin, *in.org_unit_id, v2, "org_unit_id");
    v2.throw_if_failed();
    if (conn.query_one("SELECT id FROM users WHERE username = ?", {username}))
      throw AppError(ErrorCode::conflict, "username already exists", {{"username", "already exists"}});
    Millis now = now_millis();
    std::int64_t id = conn.insert_returning_id(
        "INSERT INTO users(username, display_name, password_hash, role, org_unit_id, mobile, all_customers_in_scope, "
        "active, created_at, updated_at) VALUES (?,?,?,?,?,?,?,1,?,?) RETURNING id",
        {username, *in.display_name, hash, *in.role, *in.org_unit_id, storage::opt_value(in.mobile),
         std::int64_t{in.all_customers_in_scope.value_or(false) ? 1 : 0}, now, now});
    std::string after = user_snapshot(conn, id);
    audit::record(conn, admin.actor(), {"create", "user", std::to_string(id), "", "", after});
    return Response::json(user_item(conn, id), 201);
  });
}

Response update_user(Guard& guard, RouteContext& ctx) {
  Principal admin = guard.require(ctx.request, Permission::user_admin);
  std::int64_t id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto in = read_user_input(body, v);
  if (in.display_name && in.display_name->empty()) v.add("display_name", "must not be empty");
  v.throw_if_failed();
  std::optional<std::string> hash;
  if (in.password) hash = hash_password(*in.password);
  return guard.db().transaction([&](storage::Connection& conn) {
    auto current = conn.query_one("SELECT o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = ?", {id});
    if (!current || !org_in_scope(admin, current->str(0))) throw_not_found("user");
    if (id == admin.user_id && ((in.active && !*in.active) || (in.role && *in.role != role_code(admin.role))))
      throw AppError(ErrorCode::validation_failed, "you cannot deactivate yourself or change your own role",
                     {{"role", "cannot change your own role or active flag"}});
    Validator v2;
    if (in.org_unit_id) checked_org_path(conn, admin, *in.org_unit_id, v2, "org_unit_id");
    v2.throw_if_failed();
    std::string before = user_snapshot(conn, id);
    conn.execute(
        "UPDATE users SET display_name = COALESCE(?, display_name), role = COALESCE(?, role), "
        "org_unit_id = COALESCE(?, org_unit_id), mobile = COALESCE(?, mobile), "
        "all_customers_in_scope = COALESCE(?, all_customers_in_scope), active = COALESCE(?, active), "
        "password_hash = COALESCE(?, password_hash), updated_at = ? WHERE id = ?",
        {storage::opt_value(in.display_name), storage::opt_value(in.role), storage::opt_value(in.org_unit_id),
         storage::opt_value(in.mobile),
         in.all_customers_in_scope ? storage::Value(std::int64_t{*in.all_customers_in_scope}) : storage::null_value(),
         in.active ? storage::Value(std::int64_t{*in.active}) : storage::null_value(), storage::opt_value(hash),
         now_millis(), id});
    // A deactivated user or a changed password ends the user's sessions everywhere.
    if ((in.active && !*in.active) || hash) conn.execute("DELETE FROM sessions WHERE user_id = ?", {id});
    std::string after = user_snapshot(conn, id);
    audit::record(conn, admin.actor(), {"update", "user", std::to_string(id), "", before,
                                        hash ? after.substr(0, after.size() - 1) + ",\"password\":\"changed\"}" : after});
    return Response::json(user_item(conn, id));
  });
}

Response unlock_user(Guard& guard, RouteContext& ctx) {
  Principal admin = guard.require(ctx.request, Permission::user_admin);
  std::int64_t id = http::path_id(ctx);
  return guard.db().transaction([&](storage::Connection& conn) {
    auto current = conn.query_one("SELECT o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = ?", {id});
    if (!current || !org_in_scope(admin, current->str(0))) throw_not_found("user");
    conn.execute("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?", {id});
    audit::record(conn, admin.actor(), {"unlock", "user", std::to_string(id), "", "", ""});
    return Response::json(user_item(conn, id));
  });
}

Response list_roles(Guard& guard, RouteContext& ctx) {
  guard.authenticate(ctx.request);
  bj::array items;
  for (Role r : all_roles()) {
    bj::array perms;
    for (Permission p : permissions_of(r)) perms.emplace_back(permission_code(p));
    items.push_back(bj::object{{"code", role_code(r)}, {"permissions", std::move(perms)}});
  }
  return Response::json(json::serialize(json::list_envelope(std::move(items), static_cast<std::int64_t>(all_roles().size()), 1,
                                                            static_cast<std::int64_t>(all_roles().size()))));
}

Response list_api_keys(Guard& guard, RouteContext& ctx) {
  Principal admin = guard.require(ctx.request, Permission::apikey_admin);
  return guard.db().read([&](storage::Connection& conn) {
    auto rows = conn.query(
        "SELECT k.id, k.name, k.prefix, k.user_id, u.username, k.created_at, k.last_used_at, k.revoked_at "
        "FROM api_keys k JOIN users u ON u.id = k.user_id JOIN org_units o ON o.id = u.org_unit_id "
        "WHERE o.path LIKE ? ESCAPE '\\' ORDER BY k.id DESC",
        {storage::escape_like(admin.org_path) + "%"});
    bj::array items;
    auto instant = [](const std::optional<std::int64_t>& v) -> bj::value {
      if (!v) return nullptr;
      return bj::value(format_iso_utc(*v));
    };
    for (auto& r : rows)
      items.push_back(bj::object{{"id", r.i64(0)},
                                 {"name", r.str(1)},
                                 {"prefix", r.str(2)},
                                 {"user_id", r.i64(3)},
                                 {"username", r.str(4)},
                                 {"created_at", format_iso_utc(r.i64(5))},
                                 {"last_used_at", instant(r.opt_i64(6))},
                                 {"revoked_at", instant(r.opt_i64(7))}});
    auto n = static_cast<std::int64_t>(items.size());
    return Response::json(json::serialize(json::list_envelope(std::move(items), n, 1, std::max<std::int64_t>(n, 1))));
  });
}

Response create_api_key(Guard& guard, RouteContext& ctx) {
  Principal admin = guard.require(ctx.request, Permission::apikey_admin);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::string name = json::req_string(body, "name", v, 100);
  std::int64_t user_id = json::req_int(body, "user_id", v);
  v.throw_if_failed();
  return guard.db().transaction([&](storage::Connection& conn) {
    auto user = conn.query_one("SELECT o.path, u.active FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = ?",
                               {user_id});
    if (!user || !org_in_scope(admin, user->str(0)) || !user->boolean(1))
      throw AppError(ErrorCode::validation_failed, "invalid user", {{"user_id", "unknown or inactive user"}});
    std::string prefix = "lxk_" + random_token(6).substr(0, 8);
    std::string key = prefix + "_" + random_token(32);
    std::int64_t id = conn.insert_returning_id(
        "INSERT INTO api_keys(name, prefix, key_hash, user_id, created_by, created_at) VALUES (?,?,?,?,?,?) RETURNING id",
        {name, prefix, token_hash(key), user_id, admin.user_id, now_millis()});
    bj::object after{{"id", id}, {"name", name}, {"prefix", prefix}, {"user_id", user_id}};
    audit::record(conn, admin.actor(), {"create", "api_key", std::to_string(id), "", "", json::serialize(after)});
    after["key"] = key;  // shown once, never stored
    return Response::json(json::serialize(after), 201);
  });
}

Response revoke_api_key(Guard& guard, RouteContext& ctx) {
  Principal admin = guard.require(ctx.request, Permission::apikey_admin);
  std::int64_t id = http::path_id(ctx);
  return guard.db().transaction([&](storage::Connection& conn) {
    auto row = conn.query_one(
        "SELECT o.path, k.revoked_at FROM api_keys k JOIN users u ON u.id = k.user_id JOIN org_units o ON o.id = u.org_unit_id "
        "WHERE k.id = ?",
        {id});
    if (!row || !org_in_scope(admin, row->str(0))) throw_not_found("API key");
    if (row->is_null(1)) {
      conn.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", {now_millis(), id});
      audit::record(conn, admin.actor(), {"revoke", "api_key", std::to_string(id), "", "", ""});
    }
    return Response::no_content();
  });
}

}  // namespace

void register_routes(http::Router& router, Guard& guard) {
  Guard* g = &guard;
  router.post("/api/v1/auth/login", [g](RouteContext& c) { return login(*g, c); });
  router.post("/api/v1/auth/logout", [g](RouteContext& c) { return logout(*g, c); });
  router.get("/api/v1/auth/me", [g](RouteContext& c) { return Response::json(json::serialize(principal_json(g->authenticate(c.request)))); });
  router.get("/api/v1/users", [g](RouteContext& c) { return list_users(*g, c); });
  router.get("/api/v1/users/export", [g](RouteContext& c) { return export_users(*g, c); });
  router.post("/api/v1/users", [g](RouteContext& c) { return create_user(*g, c); });
  router.patch("/api/v1/users/{id}", [g](RouteContext& c) { return update_user(*g, c); });
  router.post("/api/v1/users/{id}/unlock", [g](RouteContext& c) { return unlock_user(*g, c); });
  router.get("/api/v1/roles", [g](RouteContext& c) { return list_roles(*g, c); });
  router.get("/api/v1/api-keys", [g](RouteContext& c) { return list_api_keys(*g, c); });
  router.post("/api/v1/api-keys", [g](RouteContext& c) { return create_api_key(*g, c); });
  router.del("/api/v1/api-keys/{id}", [g](RouteContext& c) { return revoke_api_key(*g, c); });
}

}  // namespace lianxin::auth
