// Claims benchmarks (issue: claims and service dispatch).
//
//   bench_claims --workdir DIR [--open-claims 1000000] [--creations 5000]
//
// 1. Sweep: a SQLite database with N open claims (default 1,000,000), each with its two running
//    clocks (first contact 24 h, reply 4 working days) whose next fire points are spread over the
//    coming days, and ~200 of them due now. Measured: the sweep's query that finds the due clocks
//    (clocks::find_due, the partial index on next_fire_at), p50/p99 over many instants; and one
//    whole scheduler step that fires the due points (reminders into the outbox, breaches,
//    escalations) through the claims handler. Baseline: the same query forced to scan the table
//    (`next_fire_at + 0 … ORDER BY +next_fire_at`, so no index can serve it), as a naive implementation would.
//    The database is cached in DIR (it takes a minute to build).
// 2. Creation: claims::create_claim (validation, SLA policy, clocks, repeat check, routing,
//    history, timeline, audit, outbox) in its own transaction per claim, claims/s on SQLite.
//    Baseline: plain INSERTs of the same claim rows, one transaction each, same journal settings.
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "app/demo.hpp"
#include "bench_util.hpp"
#include "calendar/store.hpp"
#include "claims/service.hpp"
#include "clocks/store.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"
#include "storage/migrator.hpp"
#include "spdlog/spdlog.h"

using namespace lianxin;
using bench::Clock;
namespace fs = std::filesystem;

namespace {

constexpr Millis kMinute = 60'000;
constexpr int kGeneratorVersion = 2;  // bump when the schema the cached database needs changes

auth::Principal dispatcher(storage::Database& db) {
  auto row = db.read([](storage::Connection& conn) {
    return conn.query_one(
        "SELECT u.id, u.org_unit_id, o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.username = 'dispatcher01'");
  });
  auth::Principal p;
  p.user_id = row->i64(0);
  p.username = "dispatcher01";
  p.role = auth::Role::service_dispatcher;
  p.org_unit_id = row->i64(1);
  p.org_path = row->str(2);
  return p;
}

// N open claims with two running clocks each; `due_now` of the clocks fire at `now`.
void build_sweep_db(const std::string& url, int open_claims, Millis now) {
  auto db = storage::Database::open(url, 2);
  storage::migrate(*db);
  calendar::ensure_shipped(*db);
  app::DemoOptions demo;
  demo.customers = 2000;
  demo.key_accounts = 50;
  demo.claims = 0;
  app::seed_demo(*db, demo);
  std::mt19937_64 rng(42);
  auto customers = db->read([](storage::Connection& conn) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (auto& r : conn.query("SELECT id, org_path FROM customers")) out.emplace_back(r.i64(0), r.str(1));
    return out;
  });
  const std::int64_t org = db->read([](storage::Connection& conn) { return conn.query_i64("SELECT id FROM org_units WHERE code = 'DC'"); });
  const int batch = 50'000;
  for (int start = 0; start < open_claims; start += batch) {
    db->transaction([&](storage::Connection& conn) {
      for (int i = start; i < std::min(open_claims, start + batch); ++i) {
        const auto& [customer, path] = customers[static_cast<std::size_t>(i) % customers.size()];
        const Millis created = now - static_cast<Millis>(rng() % (3 * 24 * 60)) * kMinute;
        char number[32];
        std::snprintf(number, sizeof number, "GDBENCH%08d", i);
        const std::int64_t id = conn.insert_returning_id(
            "INSERT INTO claims(number, channel, claim_type, complaint_class, status, customer_id, title, description, area_type, "
            "org_unit_id, org_path, key_account, importance_class, sensitive_marks, policy_id, rule_set, created_at, updated_at, version) "
            "VALUES (?, 'web', 'complaint', 'service', 'accepted', ?, '基准工单', '基准', 'urban', ?, ?, 0, 'none', '', 1, "
            "'sgcc_95598_internal', ?, ?, 1) RETURNING id",
            {std::string(number), customer, org, path, created, created});
        // Fire points spread over the next five days; about 200 of the 2N clocks due at `now`.
        for (const char* name : {"first_contact", "reply"}) {
          const bool due = rng() % static_cast<std::uint64_t>(std::max(1, open_claims * 2 / 200)) == 0;
          const Millis next = due ? now - static_cast<Millis>(rng() % 60) * 1000 : now + static_cast<Millis>(1 + rng() % (5 * 24 * 60)) * kMinute;
          conn.execute(
              "INSERT INTO clocks(subject, subject_id, name, org_path, started_at, amount, unit, due_at, reminder_permille, "
              "escalate_on_breach, stage, next_fire_at, state, policy_code) VALUES ('claim', ?, ?, ?, ?, ?, ?, ?, '500,750', 1, 0, ?, "
              "'running', 'complaint')",
              {id, std::string(name), path, created, std::int64_t{name[0] == 'f' ? 24 : 4},
               std::string(name[0] == 'f' ? "hours" : "working_days"), next + 12 * 60 * kMinute, next});
        }
      }
    });
    std::fprintf(stderr, "  %d open claims written\n", std::min(open_claims, start + batch));
  }
  db->read([](storage::Connection& conn) { conn.query("ANALYZE"); });
}

void sweep_benchmark(const std::string& workdir, int open_claims) {
  const std::string path = workdir + "/sweep-" + std::to_string(open_claims) + "-v" + std::to_string(kGeneratorVersion) + ".db";
  // A fixed "now" keeps the cached database meaningful across runs.
  const Millis now = parse_iso_instant("2026-06-10T10:00:00+08:00", "now");
  if (!fs::exists(path)) {
    std::fprintf(stderr, "building the %d-open-claim database (cached in %s)...\n", open_claims, path.c_str());
    const std::string tmp = path + ".tmp";
    for (const char* s : {"", "-wal", "-shm"}) fs::remove(tmp + s);
    build_sweep_db("sqlite:" + tmp, open_claims, now);
    fs::rename(tmp, path);
  }
  // Work on a copy: a sweep step changes the clocks it fires.
  const std::string copy = workdir + "/sweep-run.db";
  for (const char* s : {"", "-wal", "-shm"}) fs::remove(copy + s);
  fs::copy_file(path, copy);
  auto db = storage::Database::open("sqlite:" + copy, 2);
  storage::migrate(*db);
  const std::int64_t open_clocks = db->read([](storage::Connection& conn) {
    return conn.query_i64("SELECT COUNT(*) FROM clocks WHERE state IN ('running','paused')");
  });
  const std::int64_t open = db->read([](storage::Connection& conn) {
    return conn.query_i64("SELECT COUNT(*) FROM claims WHERE status IN ('registered','dispatched','accepted','waiting_customer','returned')");
  });
  std::printf("open claims: %lld, open clocks: %lld\n", static_cast<long long>(open), static_cast<long long>(open_clocks));

  // The query, at instants across the next hours (each finds up to 200 due clocks).
  std::vector<double> find_ms, scan_ms;
  std::size_t found = 0;
  for (int i = 0; i < 200; ++i) {
    const Millis at = now + static_cast<Millis>(i) * kMinute;
    auto t = Clock::now();
    auto ids = db->read([&](storage::Connection& conn) { return clocks::find_due(conn, at, 200); });
    find_ms.push_back(bench::ms_since(t));
    found += ids.size();
  }
  for (int i = 0; i < 10; ++i) {
    const Millis at = now + static_cast<Millis>(i) * kMinute;
    auto t = Clock::now();
    db->read([&](storage::Connection& conn) {
      return conn.query("SELECT id FROM clocks WHERE next_fire_at + 0 <= ? ORDER BY +next_fire_at LIMIT 200", {at});
    });
    scan_ms.push_back(bench::ms_since(t));
  }
  std::printf("find due clocks: p50 %.2f ms, p99 %.2f ms (%.0f due per query on average)\n", bench::percentile(find_ms, 50),
              bench::percentile(find_ms, 99), static_cast<double>(found) / 200.0);
  std::printf("baseline, same query without the index: p50 %.1f ms\n", bench::percentile(scan_ms, 50));
  bench::result("sweep_find_p50_ms", bench::percentile(find_ms, 50));
  bench::result("sweep_find_p99_ms", bench::percentile(find_ms, 99));
  bench::result("sweep_scan_p50_ms", bench::percentile(scan_ms, 50));
  bench::result("sweep_open_claims", static_cast<double>(open));

  // One whole step at `now`: find and fire (reminders, breaches, escalations, outbox rows).
  clocks::Handlers handlers{{"claim", claims::on_clock_fired}};
  auto t = Clock::now();
  auto step = clocks::sweep(*db, now + 12 * 60 * kMinute, handlers, 200);
  const double step_ms = bench::ms_since(t);
  std::printf("one sweep step: %d clocks, %d points fired in %.1f ms\n", step.clocks, step.fired, step_ms);
  bench::result("sweep_step_ms", step_ms);
  bench::result("sweep_step_fired", step.fired);
  db.reset();
  for (const char* s : {"", "-wal", "-shm"}) fs::remove(copy + s);
}

void creation_benchmark(const std::string& workdir, int creations) {
  const std::string path = workdir + "/create.db";
  for (const char* s : {"", "-wal", "-shm"}) fs::remove(path + s);
  auto db = storage::Database::open("sqlite:" + path, 2);
  storage::migrate(*db);
  calendar::ensure_shipped(*db);
  app::DemoOptions demo;
  demo.customers = 5000;
  demo.key_accounts = 100;
  demo.claims = 0;
  app::seed_demo(*db, demo);
  auth::Principal p = dispatcher(*db);
  auto customers = db->read([](storage::Connection& conn) {
    std::vector<std::int64_t> out;
    for (auto& r : conn.query("SELECT id FROM customers WHERE is_group = 0")) out.push_back(r.i64(0));
    return out;
  });
  const std::vector<std::string> classes = {"service", "business", "outage", "quality", "grid_construction"};
  Millis now = now_millis();
  auto t = Clock::now();
  for (int i = 0; i < creations; ++i) {
    claims::Intake in;
    in.channel = "95598";
    in.upstream_no = "95598-BENCH-" + std::to_string(i);
    in.claim_type = "complaint";
    in.complaint_class = classes[static_cast<std::size_t>(i) % classes.size()];
    in.title = "营业厅服务态度差";
    in.description = "客户反映营业厅工作人员态度生硬，未一次性告知所需资料。";
    in.customer_id = customers[static_cast<std::size_t>(i * 7919) % customers.size()];
    db->transaction([&](storage::Connection& conn) { claims::create_claim(conn, p, in, now + i); });
  }
  const double create_s = bench::ms_since(t) / 1000.0;
  const std::int64_t outbox = db->read([](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM notifications"); });
  const std::int64_t audit = db->read([](storage::Connection& conn) {
    return conn.query_i64("SELECT COUNT(*) FROM audit_log WHERE entity = 'claim'");
  });

  // Baseline: the same claim rows, plain INSERTs, one transaction each.
  db->transaction([](storage::Connection& conn) {
    conn.exec_script("CREATE TABLE plain_claims AS SELECT * FROM claims WHERE 0");
  });
  auto rows = db->read([](storage::Connection& conn) {
    return conn.query("SELECT number, channel, claim_type, complaint_class, status, customer_id, title, description, org_unit_id, "
                      "org_path, created_at FROM claims");
  });
  t = Clock::now();
  for (auto& r : rows) {
    db->transaction([&](storage::Connection& conn) {
      conn.execute("INSERT INTO plain_claims(number, channel, claim_type, complaint_class, status, customer_id, title, description, "
                   "org_unit_id, org_path, created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)",
                   {r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.i64(5), r.str(6), r.str(7), r.i64(8), r.str(9), r.i64(10),
                    r.i64(10)});
    });
  }
  const double plain_s = bench::ms_since(t) / 1000.0;
  std::printf("claim creation: %d claims in %.2f s = %.0f claims/s (audit rows %lld, outbox rows %lld)\n", creations, create_s,
              creations / create_s, static_cast<long long>(audit), static_cast<long long>(outbox));
  std::printf("baseline, plain inserts of the same rows: %.0f rows/s\n", static_cast<double>(rows.size()) / plain_s);
  bench::result("create_per_s", creations / create_s);
  bench::result("create_plain_per_s", static_cast<double>(rows.size()) / plain_s);
  db.reset();
  for (const char* s : {"", "-wal", "-shm"}) fs::remove(path + s);
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::string workdir = bench::option(argc, argv, "--workdir", "bench/results/work");
  const int open_claims = std::stoi(bench::option(argc, argv, "--open-claims", "1000000"));
  const int creations = std::stoi(bench::option(argc, argv, "--creations", "5000"));
  fs::create_directories(workdir);
  sweep_benchmark(workdir, open_claims);
  creation_benchmark(workdir, creations);
  return 0;
}
