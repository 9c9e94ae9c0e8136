#include "auth/guard.hpp"

#include "auth/crypto.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"

namespace lianxin::auth {

namespace {

constexpr const char* kPrincipalColumns =
    "u.id, u.username, u.display_name, u.role, u.org_unit_id, o.path, o.name, u.all_customers_in_scope, u.active";

// Reads the principal columns starting at `at` of a row selected with kPrincipalColumns.
Principal principal_from(const storage::Row& row, std::size_t at) {
  if (!row.boolean(at + 8)) throw AppError(ErrorCode::unauthenticated, "user is unknown or deactivated");
  Principal p;
  p.user_id = row.i64(at);
  p.username = row.str(at + 1);
  p.display_name = row.str(at + 2);
  p.role = role_from_code(row.str(at + 3)).value_or(Role::auditor);
  p.org_unit_id = row.i64(at + 4);
  p.org_path = row.str(at + 5);
  p.org_unit_name = row.str(at + 6);
  p.all_customers_in_scope = row.boolean(at + 7);
  return p;
}

// Cover during leave: the managers whose accounts this account manager covers today.
void load_covering(storage::Connection& conn, Principal& p) {
  if (p.role != Role::account_manager || p.all_customers_in_scope) return;
  const std::string today = shanghai_date(now_millis());
  for (auto& r : conn.query("SELECT manager_id FROM manager_covers WHERE cover_id = ? AND cancelled_at IS NULL "
                            "AND starts_on <= ? AND ends_on >= ?",
                            {p.user_id, today, today}))
    p.covering.push_back(r.i64(0));
}

}  // namespace

Principal load_principal(storage::Connection& conn, std::int64_t user_id) {
  auto row = conn.query_one(std::string("SELECT ") + kPrincipalColumns +
                                " FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = ?",
                            {user_id});
  if (!row) throw AppError(ErrorCode::unauthenticated, "user is unknown or deactivated");
  Principal p = principal_from(*row, 0);
  load_covering(conn, p);
  return p;
}

Principal Guard::from_api_key(const std::string& key, const http::Request& request) {
  // Keys look like lxk_<prefix 8>_<secret>; the prefix finds the row, the hash proves the key.
  if (key.size() < 20 || key.rfind("lxk_", 0) != 0)
    throw AppError(ErrorCode::unauthenticated, "malformed API key");
  std::string prefix = key.substr(0, 12);
  auto conn = db_.acquire();
  // One statement for the key and its user: every screen pop passes here.
  auto row = conn->query_one(std::string("SELECT k.id, k.key_hash, k.revoked_at, k.last_used_at, ") + kPrincipalColumns +
                                 " FROM api_keys k JOIN users u ON u.id = k.user_id JOIN org_units o ON o.id = u.org_unit_id "
                                 "WHERE k.prefix = ?",
                             {prefix});
  if (!row || !constant_time_equal(row->str(1), token_hash(key)))
    throw AppError(ErrorCode::unauthenticated, "unknown API key");
  if (!row->is_null(2)) throw AppError(ErrorCode::unauthenticated, "API key has been revoked");
  Principal p = principal_from(*row, 4);
  load_covering(*conn, p);
  p.via_api_key = true;
  Millis now = now_millis();
  // Record use at most once a minute: the screen pop must not write on every call.
  if (row->is_null(3) || now - row->i64(3) > 60000)
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
    auto row = conn->query_one(std::string("SELECT s.csrf_token, s.expires_at, ") + kPrincipalColumns +
                                   " FROM sessions s JOIN users u ON u.id = s.user_id JOIN org_units o ON o.id = u.org_unit_id "
                                   "WHERE s.token_hash = ?",
                               {token_hash(token)});
    if (!row || row->i64(1) < now_millis())
      throw AppError(ErrorCode::unauthenticated, "session expired; please log in again");
    p = principal_from(*row, 2);
    load_covering(*conn, p);
    p.csrf_token = row->str(0);
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
  require_permission(p, permission);
  return p;
}

}  // namespace lianxin::auth
