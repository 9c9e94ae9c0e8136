#include "auth/guard.hpp"

#include "auth/crypto.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"

namespace lianxin::auth {

Principal load_principal(storage::Connection& conn, std::int64_t user_id) {
  auto row = conn.query_one(
      "SELECT u.id, u.username, u.display_name, u.role, u.org_unit_id, o.path, o.name, u.all_customers_in_scope, "
      "u.active FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = ?",
      {user_id});
  if (!row || !row->boolean(8)) throw AppError(ErrorCode::unauthenticated, "user is unknown or deactivated");
  Principal p;
  p.user_id = row->i64(0);
  p.username = row->str(1);
  p.display_name = row->str(2);
  p.role = role_from_code(row->str(3)).value_or(Role::auditor);
  p.org_unit_id = row->i64(4);
  p.org_path = row->str(5);
  p.org_unit_name = row->str(6);
  p.all_customers_in_scope = row->boolean(7);
  return p;
}

Principal Guard::from_api_key(const std::string& key, const http::Request& request) {
  // Keys look like lxk_<prefix 8>_<secret>; the prefix finds the row, the hash proves the key.
  if (key.size() < 20 || key.rfind("lxk_", 0) != 0)
    throw AppError(ErrorCode::unauthenticated, "malformed API key");
  std::string prefix = key.substr(0, 12);
  auto conn = db_.acquire();
  auto row = conn->query_one(
      "SELECT id, key_hash, user_id, revoked_at, last_used_at FROM api_keys WHERE prefix = ?", {prefix});
  if (!row || !constant_time_equal(row->str(1), token_hash(key)))
    throw AppError(ErrorCode::unauthenticated, "unknown API key");
  if (!row->is_null(3)) throw AppError(ErrorCode::unauthenticated, "API key has been revoked");
  Principal p = load_principal(*conn, row->i64(2));
  p.via_api_key = true;
  Millis now = now_millis();
  // Record use at most once a minute: the screen pop must not write on every call.
  if (row->is_null(4) || now - row->i64(4) > 60000)
    conn->execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", {now, row->i64(0)});
  return p;
}

Principal Guard::authenticate(const http::Request& request) {
  Principal p;
  std::string authorization = request.header("authorization");
  std::string api_key = request.header("x-api-key");
  if (api_key.empty() && authorization.rfind("Bearer ", 0) == 0) api_key = authorization.substr(7);
  if (!api_key.empty()) {
    p = from_api_key(api_key, request);
  } else {
    std::string token = request.cookie(kSessionCookie);
    if (token.empty()) throw AppError(ErrorCode::unauthenticated, "please log in");
    auto conn = db_.acquire();
    auto row = conn->query_one("SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = ?",
                               {token_hash(token)});
    if (!row || row->i64(2) < now_millis())
      throw AppError(ErrorCode::unauthenticated, "session expired; please log in again");
    p = load_principal(*conn, row->i64(0));
    p.csrf_token = row->str(1);
    bool safe = request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS";
    if (!safe && !constant_time_equal(request.header("x-csrf-token"), p.csrf_token))
      throw AppError(ErrorCode::csrf_failed, "missing or wrong X-CSRF-Token header");
  }
  p.ip = request.remote_ip;
  p.request_id = request.request_id;
  return p;
}

Principal Guard::require(const http::Request& request, Permission permission) {
  Principal p = authenticate(request);
  if (!has_permission(p.role, permission))
    throw AppError(ErrorCode::forbidden, std::string("your role may not do this (needs ") +
                                             permission_code(permission) + ")");
  return p;
}

}  // namespace lianxin::auth
