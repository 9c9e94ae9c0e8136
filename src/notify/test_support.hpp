#pragma once
// For the notify integration tests: a migrated database per backend URL, shared by the tests of
// one binary, and staff users to notify.
#include <map>
#include <memory>
#include <string>

#include "common/clock.hpp"
#include "storage/db.hpp"
#include "storage/migrator.hpp"

namespace lianxin::notify::testing {

// One migrated database per URL for the whole test binary.
inline storage::Database& database(const std::string& url) {
  static std::map<std::string, std::unique_ptr<storage::Database>> open;
  auto& db = open[url];
  if (!db) {
    db = storage::Database::open(url, 4);
    storage::migrate(*db);
  }
  return *db;
}

// Instants in Asia/Shanghai local time, "2026-03-02T23:30".
inline Millis shanghai(const std::string& local) { return parse_iso_instant(local + "+08:00", "at"); }

// An org unit (once per database) and a user in it; returns the user id.
inline std::int64_t add_user(storage::Connection& conn, const std::string& username, const std::string& role,
                             const std::string& mobile, const std::string& email, bool active = true,
                             const std::string& org_code = "NT-ROOT") {
  auto org = conn.query_one("SELECT id FROM org_units WHERE code = ?", {org_code});
  std::int64_t org_id = 0;
  if (org) {
    org_id = org->i64(0);
  } else {
    auto parent = conn.query_one("SELECT id, path FROM org_units WHERE code = 'NT-ROOT'");
    org_id = conn.insert_returning_id(
        "INSERT INTO org_units(parent_id, kind, code, name, path, created_at) VALUES (?,?,?,?,'',0) RETURNING id",
        {parent ? storage::Value(parent->i64(0)) : storage::null_value(), std::string(parent ? "city" : "company"), org_code,
         "通知测试" + org_code});
    std::string path = (parent ? parent->str(1) : std::string("/")) + std::to_string(org_id) + "/";
    conn.execute("UPDATE org_units SET path = ? WHERE id = ?", {path, org_id});
  }
  return conn.insert_returning_id(
      "INSERT INTO users(username, display_name, password_hash, role, org_unit_id, mobile, email, active, created_at, "
      "updated_at) VALUES (?,?,'x',?,?,?,?,?,0,0) RETURNING id",
      {username, "测试" + username, role, org_id, storage::text_or_null(mobile), storage::text_or_null(email),
       std::int64_t{active ? 1 : 0}});
}

// Removes what a previous test left (users and org units stay: names are unique per test).
inline void clear_outbox(storage::Database& db) {
  db.transaction([](storage::Connection& conn) {
    conn.execute("DELETE FROM notifications");
    conn.execute("DELETE FROM notification_preferences");
    conn.execute("UPDATE notification_quiet_hours SET start_minute = 1320, end_minute = 480, enabled = 1 WHERE id = 1");
  });
}

}  // namespace lianxin::notify::testing
