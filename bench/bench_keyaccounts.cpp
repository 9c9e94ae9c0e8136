// Key-account identification over the benchmark's 1,000,000-customer database.
//
//   bench_keyaccounts --db PATH
//
// Measured: keyaccounts::run_identification for the whole company (facts of every active
// customer, contract capacity summed over their accounts, the rules, the stored proposal), in
// its transaction, on a copy of the database. Baseline: reading the same customer rows plainly
// (SELECT of the fact columns, no rules). Bills do not exist yet: consumption comes from the
// archive's annual figure; the billing import will add 12 months of bills to the facts.
#include <cstdio>
#include <filesystem>

#include "bench_util.hpp"
#include "calendar/store.hpp"
#include "common/clock.hpp"
#include "keyaccounts/identification.hpp"
#include "spdlog/spdlog.h"
#include "storage/db.hpp"
#include "storage/migrator.hpp"

using namespace lianxin;
using bench::Clock;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::string source = bench::option(argc, argv, "--db", "");
  if (source.empty()) {
    std::fprintf(stderr, "usage: bench_keyaccounts --db PATH\n");
    return 2;
  }
  const std::string copy = source + ".keyaccounts.db";
  for (const char* s : {"", "-wal", "-shm"}) fs::remove(copy + s);
  fs::copy_file(source, copy);
  {
    auto db = storage::Database::open("sqlite:" + copy, 2);
    storage::migrate(*db);
    auto admin = db->read([](storage::Connection& conn) {
      return conn.query_one("SELECT u.id, u.org_unit_id, o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.username = 'admin'");
    });
    auth::Principal p;
    p.user_id = admin->i64(0);
    p.username = "admin";
    p.role = auth::Role::administrator;
    p.org_unit_id = admin->i64(1);
    p.org_path = admin->str(2);
    p.all_customers_in_scope = true;

    auto t = Clock::now();
    auto rows = db->read([](storage::Connection& conn) {
      return conn.query("SELECT id, org_unit_id, annual_kwh, importance_class, industry_code, tags, is_key_account FROM customers "
                        "WHERE status = 'active' AND is_group = 0");
    });
    const double plain_ms = bench::ms_since(t);
    std::vector<double> runs;
    std::int64_t run = 0;
    for (int i = 0; i < 3; ++i) {
      t = Clock::now();
      run = db->transaction([&](storage::Connection& conn) {
        return keyaccounts::run_identification(conn, p, std::nullopt, 2026, now_millis());
      });
      runs.push_back(bench::ms_since(t));
    }
    auto counts = db->read([&](storage::Connection& conn) {
      return conn.query_one("SELECT candidates, added, removed, kept FROM key_account_runs WHERE id = ?", {run});
    });
    std::printf("identification over %lld customers: best %.0f ms, median %.0f ms (added %lld, removed %lld, kept %lld)\n",
                static_cast<long long>(counts->i64(0)), bench::percentile(runs, 0), bench::percentile(runs, 50),
                static_cast<long long>(counts->i64(1)), static_cast<long long>(counts->i64(2)), static_cast<long long>(counts->i64(3)));
    std::printf("baseline, reading the same %zu customer rows plainly: %.0f ms\n", rows.size(), plain_ms);
    bench::result("identification_ms", bench::percentile(runs, 50));
    bench::result("identification_read_ms", plain_ms);
    bench::result("identification_customers", static_cast<double>(counts->i64(0)));
  }
  for (const char* s : {"", "-wal", "-shm"}) fs::remove(copy + s);
  return 0;
}
