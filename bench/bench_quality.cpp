// Archive data quality (issue: data quality — "the nightly full pass over 1,000,000 customers with
// their accounts and contacts: under 60 seconds on SQLite; re-checking one edited customer: under
// 5 ms").
//
//   bench_quality --db PATH [--rechecks 300]
//
// PATH is a working copy of the 1M-customer demo database (bench/run.sh passes its copy; it is
// written to). Measured: quality::full_pass in one transaction, first on an archive without
// findings (every finding inserted) and again (the nightly steady state: findings refreshed);
// quality::recheck_customers for one customer (what every archive edit runs), p50/p99 over random
// customers. Baselines, same run: a plain scan of the columns the rules read from customers,
// accounts and contacts (the floor of any full pass), and reading one customer's rows.
#include <cstdio>
#include <random>
#include <string>

#include "bench_util.hpp"
#include "common/clock.hpp"
#include "quality/store.hpp"
#include "spdlog/spdlog.h"
#include "storage/db.hpp"
#include "storage/migrator.hpp"

using namespace lianxin;
using bench::Clock;

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::string path = bench::option(argc, argv, "--db", "");
  const int rechecks = std::stoi(bench::option(argc, argv, "--rechecks", "300"));
  if (path.empty()) {
    std::fprintf(stderr, "usage: bench_quality --db PATH [--rechecks 300]\n");
    return 2;
  }
  auto db = storage::Database::open("sqlite:" + path, 2);
  storage::migrate(*db);
  db->transaction([](storage::Connection& conn) {
    conn.execute("DELETE FROM quality_findings");
    conn.execute("DELETE FROM quality_scores");
    return 0;
  });
  const std::int64_t customers = db->read([](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM customers"); });
  std::printf("archive: %lld customers\n", static_cast<long long>(customers));

  // Baseline: the columns the rules read, one plain pass over each table.
  auto t = Clock::now();
  std::int64_t rows = 0;
  db->read([&](storage::Connection& conn) {
    conn.query_each("SELECT id, name, credit_code, industry_code, address, importance_class, is_key_account, is_group, manager_id FROM customers",
                    {}, [&](const storage::Row&) { ++rows; });
    conn.query_each("SELECT customer_id, id, account_no, voltage_level, tariff_category, basic_charge_mode, contract_capacity_kva, supply_sources, "
                    "emergency_power, line_id, transformer_area_id, section_id, status FROM accounts",
                    {}, [&](const storage::Row&) { ++rows; });
    conn.query_each("SELECT customer_id, id, name, mobile, email, notice_types, active, confirmed_at FROM contacts", {},
                    [&](const storage::Row&) { ++rows; });
    return 0;
  });
  const double scan_ms = bench::ms_since(t);
  std::printf("baseline: plain scan of customers, accounts and contacts (%lld rows): %.0f ms\n", static_cast<long long>(rows), scan_ms);

  t = Clock::now();
  auto first = db->transaction([](storage::Connection& conn) { return quality::full_pass(conn, now_millis()); });
  const double first_ms = bench::ms_since(t);
  std::printf("full pass, no findings yet: %.1f s (%lld customers, %lld findings opened)\n", first_ms / 1000,
              static_cast<long long>(first.customers), static_cast<long long>(first.opened));
  t = Clock::now();
  auto second = db->transaction([](storage::Connection& conn) { return quality::full_pass(conn, now_millis()); });
  const double second_ms = bench::ms_since(t);
  std::printf("full pass, nightly steady state: %.1f s (%lld opened, %lld closed, %lld open)   (goal < 60 s)\n", second_ms / 1000,
              static_cast<long long>(second.opened), static_cast<long long>(second.closed), static_cast<long long>(second.open_total));

  // One customer after an edit, and the baseline of reading its rows.
  std::mt19937_64 rng(7);
  const std::int64_t max_id = db->read([](storage::Connection& conn) { return conn.query_i64("SELECT MAX(id) FROM customers"); });
  std::vector<double> check_ms, read_ms;
  for (int i = 0; i < rechecks; ++i) {
    const std::int64_t id = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(max_id));
    t = Clock::now();
    db->read([&](storage::Connection& conn) {
      conn.query_each("SELECT * FROM customers WHERE id = ?", {id}, [](const storage::Row&) {});
      conn.query_each("SELECT * FROM accounts WHERE customer_id = ?", {id}, [](const storage::Row&) {});
      conn.query_each("SELECT * FROM contacts WHERE customer_id = ?", {id}, [](const storage::Row&) {});
      return 0;
    });
    read_ms.push_back(bench::ms_since(t));
    t = Clock::now();
    db->transaction([&](storage::Connection& conn) { return quality::recheck_customers(conn, {id}, now_millis()).customers; });
    check_ms.push_back(bench::ms_since(t));
  }
  std::printf("re-check one customer: p50 %.2f ms  p99 %.2f ms   (goal < 5 ms)\n", bench::percentile(check_ms, 50), bench::percentile(check_ms, 99));
  std::printf("  baseline: read its customer, account and contact rows p50 %.2f ms\n", bench::percentile(read_ms, 50));
  bench::result("quality_scan_ms", scan_ms);
  bench::result("quality_full_first_s", first_ms / 1000);
  bench::result("quality_full_s", second_ms / 1000);
  bench::result("quality_recheck_p50_ms", bench::percentile(check_ms, 50));
  bench::result("quality_recheck_p99_ms", bench::percentile(check_ms, 99));
  bench::result("quality_read_p50_ms", bench::percentile(read_ms, 50));
  bench::result("quality_customers", static_cast<double>(first.customers));
  return 0;
}
