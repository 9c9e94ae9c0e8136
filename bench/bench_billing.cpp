// Bill import benchmark: rows/s of the bill import (billing::read_upload + billing::import_bills in
// one transaction, as POST /api/v1/bill-imports does it) for an N-row CSV (default 100,000), beside a
// plain sqlite3 bulk insert of the same rows measured in the same run.
//
//   bench_billing --workdir DIR [--rows 100000] [--months 5]
//
// The database is fresh: migrated, seeded with app::seed_demo (rows / months customers with one
// account each, no key accounts, so the demo imports no bills of its own). The CSV has the
// template's Chinese headers, one row per account and month (2025-01 …), time-of-use parts that add
// up, and about 3 % unpaid bills. Measured: the first import (every row inserted, the yearly
// aggregates built by deltas), the same file again (every row unchanged) and a correction file in
// which every tenth row changed (updated). Baseline: the same CSV bytes parsed with io::CsvReader
// and inserted into a plain 12-column table with one prepared statement in one transaction, same
// journal settings (WAL, synchronous=NORMAL). The databases are deleted afterwards.
#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "app/demo.hpp"
#include "auth/guard.hpp"
#include "bench_util.hpp"
#include "billing/service.hpp"
#include "common/clock.hpp"
#include "io/csv.hpp"
#include "spdlog/spdlog.h"
#include "storage/db.hpp"
#include "storage/migrator.hpp"

using namespace lianxin;
using bench::Clock;
namespace fs = std::filesystem;

namespace {

void remove_db(const fs::path& p) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(p.string() + suffix);
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

// One CSV of `months` bills for every account; `changed_every` > 0 changes every n-th row's figures.
std::string make_csv(const std::vector<std::string>& accounts, int months, int changed_every) {
  std::string csv(io::kUtf8Bom);
  std::vector<std::string> header;
  for (const auto& c : billing::columns()) header.push_back(c.zh);
  csv += io::csv_escape_row(header);
  csv.reserve(accounts.size() * static_cast<std::size_t>(months) * 110);
  char line[256];
  std::size_t n = 0;
  for (int m = 1; m <= months; ++m) {
    for (std::size_t a = 0; a < accounts.size(); ++a, ++n) {
      double total = 1000.0 + static_cast<double>((a * 37 + static_cast<std::size_t>(m) * 11) % 5000);
      if (changed_every > 0 && n % static_cast<std::size_t>(changed_every) == 0) total += 1;
      const double sharp = std::round(total * 8) / 100, peak = std::round(total * 32) / 100, flat = std::round(total * 35) / 100;
      const double valley = std::round((total - sharp - peak - flat) * 100) / 100;
      const auto amount = static_cast<long long>(std::llround(total * 65));
      const long long paid = (a + static_cast<std::size_t>(m)) % 33 == 0 ? 0 : amount;
      std::snprintf(line, sizeof line, "%s,2025-%02d,%.2f,%.2f,%.2f,%.2f,%.2f,%.0f,%.0f,%lld,%lld,%lld\r\n", accounts[a].c_str(), m, sharp,
                    peak, flat, valley, total, total * 0.3, total / 400, amount, paid, amount - paid);
      csv += line;
    }
  }
  return csv;
}

// Plain sqlite3: parse the CSV, insert every row into a 12-column table, one transaction.
std::int64_t plain_insert(const fs::path& path, const std::string& csv) {
  sqlite3* db = nullptr;
  check(sqlite3_open(path.c_str(), &db), db, "open");
  check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr), db, "pragma");
  check(sqlite3_exec(db,
                     "CREATE TABLE plain(account_no TEXT, period TEXT, kwh_sharp REAL, kwh_peak REAL, kwh_flat REAL, "
                     "kwh_valley REAL, kwh_total REAL, kvarh REAL, max_demand_kw REAL, amount_fen INTEGER, paid_fen INTEGER, "
                     "arrears_fen INTEGER)",
                     nullptr, nullptr, nullptr),
        db, "create");
  check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v2(db, "INSERT INTO plain VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", -1, &stmt, nullptr), db, "prepare");
  io::CsvReader reader(csv);
  std::vector<std::string> fields;
  std::int64_t n = 0;
  bool header = true;
  while (reader.next(fields)) {
    if (header) {
      header = false;
      continue;
    }
    for (int c = 0; c < 12; ++c) {
      const std::string& f = fields[static_cast<std::size_t>(c)];
      if (c < 2) sqlite3_bind_text(stmt, c + 1, f.data(), static_cast<int>(f.size()), SQLITE_STATIC);
      else if (c < 9) sqlite3_bind_double(stmt, c + 1, std::stod(f));
      else sqlite3_bind_int64(stmt, c + 1, std::stoll(f));
    }
    check(sqlite3_step(stmt), db, "insert");
    sqlite3_reset(stmt);
    ++n;
  }
  sqlite3_finalize(stmt);
  check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  sqlite3_close(db);
  return n;
}

billing::ImportResult run(storage::Database& db, const auth::Principal& p, const std::string& csv, const std::string& name) {
  billing::Source source = billing::Source::csv;
  auto table = billing::read_upload(csv, name, source);
  return db.transaction([&](storage::Connection& conn) { return billing::import_bills(conn, p, source, name, "bench", table, now_millis()); });
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  spdlog::set_level(spdlog::level::warn);
  const fs::path workdir = bench::option(argc, argv, "--workdir", "");
  const int rows = std::stoi(bench::option(argc, argv, "--rows", "100000"));
  const int months = std::stoi(bench::option(argc, argv, "--months", "5"));
  if (workdir.empty() || months < 1 || months > 12 || rows < months) {
    std::fprintf(stderr, "usage: bench_billing --workdir DIR [--rows 100000] [--months 5 (1-12)]\n");
    return 2;
  }
  try {
    fs::create_directories(workdir);
    const fs::path db_path = workdir / "billing.db";
    remove_db(db_path);
    auto db = storage::Database::open("sqlite:" + db_path.string(), 2);
    storage::migrate(*db);
    app::DemoOptions demo;
    demo.customers = rows / months;
    demo.key_accounts = 0;
    demo.claims = 0;
    auto t = Clock::now();
    app::seed_demo(*db, demo);
    std::printf("fresh database seeded with app::seed_demo(customers = %d, key_accounts = 0): %.1f s\n", demo.customers,
                bench::ms_since(t) / 1000);
    auto accounts = db->read([](storage::Connection& conn) {
      std::vector<std::string> out;
      for (auto& r : conn.query("SELECT account_no FROM accounts ORDER BY id")) out.push_back(r.str(0));
      return out;
    });
    accounts.resize(static_cast<std::size_t>(rows / months));
    const std::string csv = make_csv(accounts, months, 0), corrected = make_csv(accounts, months, 10);
    const auto n = static_cast<double>(accounts.size() * static_cast<std::size_t>(months));
    std::printf("a %.0f-row bill CSV (%zu accounts x %d months): %.1f MB\n", n, accounts.size(), months,
                static_cast<double>(csv.size()) / 1e6);

    const fs::path plain_path = workdir / "plain-bills.db";
    remove_db(plain_path);
    t = Clock::now();
    const std::int64_t plain_rows = plain_insert(plain_path, csv);
    const double plain_ms = bench::ms_since(t);
    remove_db(plain_path);
    std::printf("baseline: plain sqlite3 insert (CSV parse + one prepared INSERT, one transaction): %lld rows in %.2f s = %.0f rows/s\n",
                static_cast<long long>(plain_rows), plain_ms / 1000, static_cast<double>(plain_rows) / (plain_ms / 1000));

    auth::Principal admin = db->read([](storage::Connection& conn) {
      return auth::load_principal(conn, conn.query_i64("SELECT id FROM users WHERE username = 'admin'"));
    });
    t = Clock::now();
    const auto first = run(*db, admin, csv, "bench-bills.csv");
    const double first_ms = bench::ms_since(t);
    std::printf("bill import, first time: %lld inserted, %lld customers in %.2f s = %.0f rows/s\n", static_cast<long long>(first.inserted),
                static_cast<long long>(first.customers), first_ms / 1000, n / (first_ms / 1000));
    t = Clock::now();
    const auto again = run(*db, admin, csv, "bench-bills.csv");
    const double again_ms = bench::ms_since(t);
    std::printf("the same file again: %lld unchanged in %.2f s = %.0f rows/s\n", static_cast<long long>(again.unchanged), again_ms / 1000,
                n / (again_ms / 1000));
    t = Clock::now();
    const auto fixed = run(*db, admin, corrected, "bench-bills-corrected.csv");
    const double fixed_ms = bench::ms_since(t);
    std::printf("a correction file (every tenth row changed): %lld updated, %lld unchanged in %.2f s = %.0f rows/s\n",
                static_cast<long long>(fixed.updated), static_cast<long long>(fixed.unchanged), fixed_ms / 1000, n / (fixed_ms / 1000));
    // The yearly aggregates kept by deltas equal the aggregate of the bills.
    const std::int64_t mismatches = db->read([](storage::Connection& conn) {
      return conn.query_i64(
          "SELECT COUNT(*) FROM customer_year_usage u JOIN (SELECT customer_id, SUM(kwh_total) AS k, SUM(amount_fen) AS a, COUNT(*) AS m "
          "FROM bills GROUP BY customer_id) b ON b.customer_id = u.customer_id AND u.year = 2025 "
          "WHERE ABS(b.k - u.kwh) > 0.001 OR b.a <> u.amount_fen OR b.m <> u.months");
    });
    const bool ok = first.inserted == static_cast<std::int64_t>(n) && again.unchanged == static_cast<std::int64_t>(n) &&
                    fixed.updated == static_cast<std::int64_t>(std::ceil(n / 10)) && mismatches == 0;
    if (!ok) std::printf("  ERROR: unexpected counts or aggregates (%lld mismatching customers)\n", static_cast<long long>(mismatches));
    db.reset();
    remove_db(db_path);
    bench::result("bill_import_rows", n);
    bench::result("bill_import_ok", ok ? 1 : 0);
    bench::result("bill_import_rows_per_s", n / (first_ms / 1000));
    bench::result("bill_import_seconds", first_ms / 1000);
    bench::result("bill_reimport_rows_per_s", n / (again_ms / 1000));
    bench::result("bill_correction_rows_per_s", n / (fixed_ms / 1000));
    bench::result("bill_import_plain_rows_per_s", static_cast<double>(plain_rows) / (plain_ms / 1000));
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_billing: %s\n", e.what());
    return 1;
  }
}
