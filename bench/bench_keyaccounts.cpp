// Key-account identification over the benchmark's 1,000,000-customer database with 12 months of
// bills.
//
//   bench_keyaccounts --db PATH [--year 2026]
//
// Setup (once; cached beside PATH as PATH.bills12-v1.db, about a minute): a copy of the database,
// migrated, with a bill for every account and every month of year-1 (INSERT … SELECT over a
// recursive CTE of the months: 12 bills per account, consumption around the customer's annual
// figure, about 3 % of the bills unpaid) and customer_year_usage built from the bills by
// billing::rebuild_year_usage (the aggregate of the bills, as the import keeps it by deltas).
//
// Measured: keyaccounts::run_identification for the whole company (facts of every active customer:
// consumption, billed and paid of year-1 from customer_year_usage, contract capacity summed over the
// accounts, the rules, the stored proposal) in a transaction that is rolled back, so the cached
// database stays as it is. Baseline: reading the customer rows of the facts plainly (SELECT of the
// fact columns, no rules), in the same run.
#include <cstdio>
#include <filesystem>

#include "bench_util.hpp"
#include "billing/service.hpp"
#include "common/clock.hpp"
#include "keyaccounts/identification.hpp"
#include "spdlog/spdlog.h"
#include "storage/db.hpp"
#include "storage/migrator.hpp"

using namespace lianxin;
using bench::Clock;
namespace fs = std::filesystem;

namespace {

constexpr int kGeneratorVersion = 1;  // bump when the seeded bills change

void seed_bills(const std::string& url, int bill_year) {
  auto db = storage::Database::open(url, 1);
  storage::migrate(*db);
  auto t = Clock::now();
  db->transaction([&](storage::Connection& conn) {
    const std::int64_t admin = conn.query_i64("SELECT id FROM users WHERE username = 'admin'");
    const Millis now = now_millis();
    const std::int64_t batch = conn.insert_returning_id(
        "INSERT INTO bill_batches(source, file_name, sha256, rows_total, inserted, updated, unchanged, created_by, created_at) "
        "VALUES ('api', 'bench', 'bench', 0, 0, 0, 0, ?, ?) RETURNING id",
        {admin, now});
    // Secondary indexes are built after the load (one sorted pass instead of 12M random inserts).
    conn.exec_script("DROP INDEX bills_customer; DROP INDEX bills_period; DROP INDEX bills_group;");
    const std::int64_t rows = conn.execute(
        "WITH RECURSIVE months(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM months WHERE m < 12), "
        "base AS (SELECT a.id AS account_id, a.customer_id, m, "
        "ROUND(c.annual_kwh / 12.0 * (0.9 + 0.02 * ((a.id * 7 + m * 13) % 11)), 2) AS k "
        "FROM accounts a JOIN customers c ON c.id = a.customer_id CROSS JOIN months) "
        "INSERT INTO bills(account_id, period, customer_id, kwh_sharp, kwh_peak, kwh_flat, kwh_valley, kwh_total, amount_fen, "
        "paid_fen, arrears_fen, batch_id, updated_at) "
        "SELECT account_id, printf('%04d-%02d', ?, m), customer_id, ROUND(k * 0.08, 2), ROUND(k * 0.32, 2), ROUND(k * 0.35, 2), "
        "k - ROUND(k * 0.08, 2) - ROUND(k * 0.32, 2) - ROUND(k * 0.35, 2), k, CAST(k * 65 AS INTEGER), "
        "CASE WHEN (account_id + m) % 37 = 0 THEN 0 ELSE CAST(k * 65 AS INTEGER) END, "
        "CASE WHEN (account_id + m) % 37 = 0 THEN CAST(k * 65 AS INTEGER) ELSE 0 END, ?, ? FROM base WHERE true "
        "ON CONFLICT (account_id, period) DO NOTHING",
        {std::int64_t{bill_year}, batch, now});
    conn.execute("UPDATE bill_batches SET rows_total = ?, inserted = ? WHERE id = ?", {rows, rows, batch});
    std::fprintf(stderr, "  %lld bills inserted in %.0f s\n", static_cast<long long>(rows), bench::ms_since(t) / 1000);
    t = Clock::now();
    billing::rebuild_year_usage(conn);
    std::fprintf(stderr, "  customer_year_usage rebuilt from the bills in %.0f s\n", bench::ms_since(t) / 1000);
    t = Clock::now();
    conn.exec_script(
        "CREATE INDEX bills_customer ON bills(customer_id, period); CREATE INDEX bills_period ON bills(period); "
        "CREATE INDEX bills_group ON bills(group_id, period) WHERE group_id IS NOT NULL;");
    std::fprintf(stderr, "  bill indexes built in %.0f s\n", bench::ms_since(t) / 1000);
  });
  db->read([](storage::Connection& conn) { conn.query("ANALYZE"); });
  auto conn = db->acquire();
  conn->exec_script("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::string source = bench::option(argc, argv, "--db", "");
  const int year = std::stoi(bench::option(argc, argv, "--year", "2026"));
  if (source.empty()) {
    std::fprintf(stderr, "usage: bench_keyaccounts --db PATH [--year 2026]\n");
    return 2;
  }
  const std::string cached = source + ".bills12-v" + std::to_string(kGeneratorVersion) + ".db";
  if (!fs::exists(cached)) {
    std::fprintf(stderr, "seeding 12 months of bills (%d) into a copy of the database, cached as %s...\n", year - 1,
                 cached.c_str());
    const std::string tmp = cached + ".tmp";
    for (const char* s : {"", "-wal", "-shm"}) fs::remove(tmp + s);
    fs::copy_file(source, tmp);
    seed_bills("sqlite:" + tmp, year - 1);
    for (const char* s : {"-wal", "-shm"}) fs::remove(tmp + s);
    fs::rename(tmp, cached);
  }
  auto db = storage::Database::open("sqlite:" + cached, 2);
  storage::migrate(*db);
  const auth::Principal p = bench::admin_principal(*db);

  auto counts = db->read([&](storage::Connection& conn) {
    return conn.query_one("SELECT (SELECT COUNT(*) FROM bills), (SELECT COUNT(*) FROM customer_year_usage WHERE year = ?)",
                          {std::int64_t{year - 1}});
  });
  auto t = Clock::now();
  std::size_t plain_rows = 0;
  db->read([&](storage::Connection& conn) {
    conn.query_each("SELECT id, org_unit_id, annual_kwh, importance_class, industry_code, tags, is_key_account FROM customers "
                    "WHERE status = 'active' AND is_group = 0",
                    {}, [&](const storage::Row&) { ++plain_rows; });
  });
  const double plain_ms = bench::ms_since(t);
  std::vector<double> runs;
  std::int64_t candidates = 0, added = 0, removed = 0, kept = 0;
  for (int i = 0; i < 3; ++i) {
    auto conn = db->acquire();
    conn->begin(true);
    t = Clock::now();
    const std::int64_t run = keyaccounts::run_identification(*conn, p, std::nullopt, year, now_millis());
    runs.push_back(bench::ms_since(t));
    auto r = conn->query_one("SELECT candidates, added, removed, kept FROM key_account_runs WHERE id = ?", {run});
    candidates = r->i64(0), added = r->i64(1), removed = r->i64(2), kept = r->i64(3);
    conn->rollback();  // the cached database stays as it is
  }
  std::printf("identification over %lld customers with %lld bills (%lld customers with %d usage): best %.0f ms, median %.0f ms "
              "(added %lld, removed %lld, kept %lld)\n",
              static_cast<long long>(candidates), static_cast<long long>(counts->i64(0)), static_cast<long long>(counts->i64(1)),
              year - 1, bench::percentile(runs, 0), bench::percentile(runs, 50), static_cast<long long>(added),
              static_cast<long long>(removed), static_cast<long long>(kept));
  std::printf("baseline, scanning the same %zu customer rows plainly: %.0f ms\n", plain_rows, plain_ms);
  bench::result("identification_ms", bench::percentile(runs, 50));
  bench::result("identification_read_ms", plain_ms);
  bench::result("identification_customers", static_cast<double>(candidates));
  bench::result("identification_bills", static_cast<double>(counts->i64(0)));
  return 0;
}
