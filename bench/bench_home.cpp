// The account manager's home (issue: key accounts — "under 50 ms server time for a manager with
// 200 accounts").
//
//   bench_home --workdir DIR [--managers 20] [--accounts 200] [--queries 200]
//
// A SQLite database (built once in DIR) with `managers` account managers of `accounts` key
// accounts each; every account has this year's programme (5 items), 5 action items (some
// overdue, some closed), 10 visits and 30 claims, so the manager's accounts are a small part of
// large tables. Measured: keyaccounts::manager_home for one manager — what GET
// /api/v1/key-accounts/home runs inside its read transaction — p50/p99 over `queries` calls.
// Baseline, same run: one plain indexed query listing that manager's accounts (the floor of any
// home page: it must at least find the accounts).
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include <boost/json.hpp>

#include "app/demo.hpp"
#include "bench_util.hpp"
#include "common/clock.hpp"
#include "keyaccounts/service.hpp"
#include "storage/db.hpp"
#include "storage/migrator.hpp"
#include "spdlog/spdlog.h"

using namespace lianxin;
using bench::Clock;
namespace fs = std::filesystem;

namespace {

constexpr int kGeneratorVersion = 1;  // bump when the schema the cached database needs changes

void build(const std::string& url, int managers, int accounts, Millis now) {
  auto db = storage::Database::open(url, 2);
  storage::migrate(*db);
  app::DemoOptions demo;
  demo.customers = 50;
  demo.key_accounts = 5;
  demo.claims = 0;
  app::seed_demo(*db, demo);
  std::mt19937 rng(7);
  const std::string today = shanghai_date(now);
  const int year = std::stoi(today.substr(0, 4));
  auto day = [&](int offset) { return shanghai_date(now + static_cast<Millis>(offset) * 86400000LL); };
  db->transaction([&](storage::Connection& conn) {
    auto org = conn.query_one("SELECT id, path FROM org_units WHERE kind = 'county' ORDER BY id LIMIT 1");
    auto hash = conn.query_one("SELECT password_hash FROM users WHERE username = 'admin'")->str(0);
    for (int m = 0; m < managers; ++m) {
      const std::int64_t manager = conn.insert_returning_id(
          "INSERT INTO users(username, display_name, password_hash, role, org_unit_id, active, created_at, updated_at) "
          "VALUES (?,?,?,'account_manager',?,1,?,?) RETURNING id",
          {"bench_am" + std::to_string(m), "经理" + std::to_string(m), hash, org->i64(0), now, now});
      for (int a = 0; a < accounts; ++a) {
        const std::int64_t c = conn.insert_returning_id(
            "INSERT INTO customers(name, org_unit_id, org_path, is_key_account, key_tier, manager_id, annual_kwh, status, "
            "created_at, updated_at) VALUES (?,?,?,1,?,?,?,'active',?,?) RETURNING id",
            {"基准客户" + std::to_string(m) + "-" + std::to_string(a), org->i64(0), org->str(1), std::string(a % 3 == 0 ? "A" : "B"),
             manager, static_cast<double>(rng() % 10000000), now, now});
        const std::int64_t g = conn.insert_returning_id(
            "INSERT INTO programmes(customer_id, year, org_path, status, created_at) VALUES (?,?,?,'open',?) RETURNING id",
            {c, std::int64_t{year}, org->str(1), now});
        int k = 0;
        for (const char* kind : {"manager", "leader_visit", "drill", "usage_plan", "diagnosis"})
          conn.execute("INSERT INTO programme_items(programme_id, customer_id, kind, owner_id, due_date, status) VALUES (?,?,?,?,?,?)",
                       {g, c, std::string(kind), manager, day(static_cast<int>(rng() % 120) - 30), std::string(k++ % 2 ? "done" : "pending")});
        for (int i = 0; i < 5; ++i)
          conn.execute("INSERT INTO action_items(customer_id, org_path, source, title, owner_id, due_date, status, created_by, created_at) "
                       "VALUES (?,?,'visit',?,?,?,?,?,?)",
                       {c, org->str(1), "待办" + std::to_string(i), manager, day(static_cast<int>(rng() % 60) - 20),
                        std::string(i < 2 ? "closed" : "open"), manager, now});
        for (int v = 0; v < 10; ++v)
          conn.execute("INSERT INTO visits(customer_id, org_path, kind, status, planned_on, done_on, participants, created_by, created_at) "
                       "VALUES (?,?,'regular',?,?,?,'',?,?)",
                       {c, org->str(1), std::string(v < 9 ? "done" : "planned"), day(-30 * v + 5),
                        v < 9 ? storage::Value(day(-30 * v)) : storage::null_value(), manager, now});
        for (int k2 = 0; k2 < 30; ++k2)
          conn.execute("INSERT INTO claims(number, channel, claim_type, status, customer_id, title, description, org_unit_id, org_path, "
                       "created_at, updated_at) VALUES (?,'95598','consultation',?,?,'咨询','咨询电价',?,?,?,?)",
                       {"B" + std::to_string(m) + "-" + std::to_string(a) + "-" + std::to_string(k2), std::string(k2 % 5 ? "closed" : "dispatched"),
                        c, org->i64(0), org->str(1), now - static_cast<Millis>(rng() % 300) * 86400000LL, now});
      }
    }
    return 0;
  });
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::string workdir = bench::option(argc, argv, "--workdir", "bench/results/home");
  const int managers = std::stoi(bench::option(argc, argv, "--managers", "20"));
  const int accounts = std::stoi(bench::option(argc, argv, "--accounts", "200"));
  const int queries = std::stoi(bench::option(argc, argv, "--queries", "200"));
  fs::create_directories(workdir);
  const Millis now = now_millis();
  const std::string file = workdir + "/home-g" + std::to_string(kGeneratorVersion) + "-" + std::to_string(managers) + "x" +
                           std::to_string(accounts) + "-" + shanghai_date(now) + ".db";
  const std::string url = "sqlite:" + file;
  if (!fs::exists(file)) {
    auto start = Clock::now();
    build(url, managers, accounts, now);
    std::printf("built %s in %.1f s\n", file.c_str(), bench::ms_since(start) / 1000);
  }
  auto db = storage::Database::open(url, 2);
  auto row = db->read([](storage::Connection& conn) {
    return conn.query_one("SELECT u.id, u.org_unit_id, o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id "
                          "WHERE u.username = 'bench_am0'");
  });
  auth::Principal p;
  p.user_id = row->i64(0);
  p.username = "bench_am0";
  p.role = auth::Role::account_manager;
  p.org_unit_id = row->i64(1);
  p.org_path = row->str(2);

  std::vector<double> home, floor;
  std::size_t due = 0, overdue = 0, claims = 0;
  std::int64_t listed = 0;
  for (int i = 0; i < queries + 5; ++i) {
    auto start = Clock::now();
    auto out = db->read([&](storage::Connection& conn) { return keyaccounts::manager_home(conn, p, std::nullopt, now_millis()); });
    const double ms = bench::ms_since(start);
    start = Clock::now();
    auto n = db->read([&](storage::Connection& conn) {
      std::int64_t count = 0;
      for (auto& r : conn.query("SELECT id, name, key_tier FROM customers WHERE manager_id = ? OR backup_manager_id = ?",
                                {p.user_id, p.user_id}))
        count += r.i64(0) > 0;
      return count;
    });
    const double base = bench::ms_since(start);
    if (i < 5) continue;  // warm-up
    home.push_back(ms);
    floor.push_back(base);
    due = out.at("due_this_week").as_array().size();
    overdue = out.at("overdue").as_array().size();
    claims = out.at("recent_claims").as_array().size();
    listed = n;
  }
  std::printf("manager home for a manager with %lld accounts (%d managers): %zu due this week, %zu overdue, %zu recent claims\n",
              static_cast<long long>(listed), managers, due, overdue, claims);
  std::printf("  manager_home            p50 %.2f ms  p99 %.2f ms   (goal < 50 ms)\n", bench::percentile(home, 50),
              bench::percentile(home, 99));
  std::printf("  baseline: list accounts p50 %.2f ms  p99 %.2f ms\n", bench::percentile(floor, 50), bench::percentile(floor, 99));
  bench::result("home_p50_ms", bench::percentile(home, 50));
  bench::result("home_p99_ms", bench::percentile(home, 99));
  bench::result("home_baseline_p50_ms", bench::percentile(floor, 50));
  bench::result("home_accounts", static_cast<double>(listed));
  return 0;
}
