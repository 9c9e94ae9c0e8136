#pragma once
// Resolves the caller of every request (session cookie + CSRF header, or API key) and checks
// permissions. Sessions live in the database, so any server sharing it can answer.
#include "auth/model.hpp"
#include "auth/rules.hpp"
#include "http/types.hpp"
#include "storage/db.hpp"

namespace lianxin::auth {

inline constexpr const char* kSessionCookie = "lx_session";

struct GuardOptions {
  long long session_ttl_millis = 12LL * 3600 * 1000;
  LockoutPolicy lockout;
  bool secure_cookie = false;  // set when served over HTTPS behind a proxy
};

class Guard {
 public:
  Guard(storage::Database& db, GuardOptions options) : db_(db), options_(options) {}
  // Throws unauthenticated / csrf_failed.
  Principal authenticate(const http::Request& request);
  // authenticate + permission check (forbidden).
  Principal require(const http::Request& request, Permission permission);
  const GuardOptions& options() const { return options_; }
  storage::Database& db() { return db_; }

 private:
  Principal from_api_key(const std::string& key, const http::Request& request);
  storage::Database& db_;
  GuardOptions options_;
};

// Loads a principal for a user id (used after login and by API keys).
Principal load_principal(storage::Connection& conn, std::int64_t user_id);

}  // namespace lianxin::auth
