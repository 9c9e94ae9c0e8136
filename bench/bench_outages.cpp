// Outages (issue: outages and notices — "affected customers for an outage on a line feeding 20,000
// accounts, in a topology of 1,000,000 accounts: under 20 ms; notice plans and outbox messages for
// those 20,000 customers: under 1 second").
//
//   bench_outages --workdir DIR [--accounts 1000000] [--line-accounts 20000] [--queries 20]
//
// A SQLite database (built once in DIR): the demo org tree, 200 lines in 20 substations, each line
// with three sections behind switches and transformer areas on them; `accounts` accounts of
// customers with one contact each taking outage notices. One line feeds `line-accounts` accounts of
// as many customers, 5 % of them with a second source on another line. Measured:
//   1. outages::affected_accounts for the whole line (what checking an outage computes), p50/p99 of
//      `queries` calls; baseline: the plain indexed query listing the accounts of the line's areas.
//   2. checking the outage (affected accounts stored, the notice plan written) and notifying it (an
//      SMS per contact into the outbox, tasks, timeline, audit), in a transaction rolled back.
#include <cstdio>
#include <filesystem>
#include <string>

#include <boost/json.hpp>

#include "app/demo.hpp"
#include "bench_util.hpp"
#include "common/clock.hpp"
#include "outages/notices.hpp"
#include "outages/service.hpp"
#include "outages/topology.hpp"
#include "storage/db.hpp"
#include "storage/migrator.hpp"
#include "spdlog/spdlog.h"

using namespace lianxin;
using bench::Clock;
namespace fs = std::filesystem;

namespace {

constexpr int kGeneratorVersion = 1;

void build(const std::string& url, int accounts, int line_accounts) {
  auto db = storage::Database::open(url, 2);
  storage::migrate(*db);
  app::DemoOptions demo;
  demo.customers = 10;
  demo.key_accounts = 0;
  demo.claims = 0;
  demo.key_service = false;
  demo.expansion = 0;
  demo.outages = 0;
  app::seed_demo(*db, demo);
  const Millis now = now_millis();
  db->transaction([&](storage::Connection& conn) {
    auto org = conn.query_one("SELECT id, path FROM org_units WHERE kind = 'county' ORDER BY id LIMIT 1");
    const std::int64_t org_id = org->i64(0);
    const std::string path = org->str(1);
    for (int s = 0; s < 20; ++s)
      conn.execute("INSERT INTO substations(code, name, voltage_kv, org_unit_id) VALUES (?,?,110,?)",
                   {"B-SUB" + std::to_string(s), "基准变" + std::to_string(s), org_id});
    // Lines 1..200; line 1 is the one measured. Three sections each, areas of 40 accounts on them.
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
        "INSERT INTO lines(code, name, substation_id, voltage_kv) SELECT 'B-L' || i, '基准线' || i, "
        "(SELECT id FROM substations WHERE code = 'B-SUB' || (i % 20)), 10 FROM n");
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) "
        "INSERT INTO line_sections(code, name, line_id, parent_id, switch_code) SELECT l.code || '-S' || n.i, l.name || n.i || '段', l.id, NULL, "
        "l.code || '-K' || n.i FROM lines l, n");
    conn.execute("UPDATE line_sections SET parent_id = (SELECT p.id FROM line_sections p WHERE p.code = substr(line_sections.code, 1, "
                 "length(line_sections.code) - 1) || '1') WHERE code LIKE '%-S2' OR code LIKE '%-S3'");
    // Customers with one contact each, one account each (the accounts of the measured line) and
    // five each elsewhere.
    const int other = accounts - line_accounts;
    const int customers = line_accounts + other / 5;
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO customers(name, org_unit_id, org_path, importance_class, status, created_at, updated_at) "
        "SELECT '基准客户' || i, ?, ?, CASE WHEN i % 50 = 0 THEN 'second' ELSE 'none' END, 'active', ?, ? FROM n",
        {std::int64_t{customers}, org_id, path, now, now});
    conn.execute("INSERT INTO contacts(customer_id, name, role, mobile, notice_types, active, created_at, updated_at) "
                 "SELECT id, '联系人', 'electrical_officer', '139' || printf('%08d', id), 'outage,limitation', 1, ?, ? FROM customers",
                 {now, now});
    // Areas: 40 accounts each. The measured line gets line_accounts / 40 areas over its 3 sections.
    const int line_areas = line_accounts / 40;
    const int all_areas = accounts / 40;
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1) "
        "INSERT INTO transformer_areas(code, name, line_id, section_id, capacity_kva) "
        "SELECT 'B-T' || i, '台区' || i, l.id, (SELECT s.id FROM line_sections s WHERE s.code = l.code || '-S' || (1 + i % 3)), 400 "
        "FROM n JOIN lines l ON l.code = 'B-L' || CASE WHEN i < ? THEN 1 ELSE 2 + (i % 199) END",
        {std::int64_t{all_areas}, std::int64_t{line_areas}});
    // Accounts: the first line_accounts (one per customer) on the measured line's areas, the rest on the others.
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1) "
        "INSERT INTO accounts(customer_id, account_no, voltage_level, tariff_category, transformer_area_id, status, created_at, updated_at) "
        "SELECT CASE WHEN i < ? THEN i + 1 ELSE ? + 1 + (i - ?) / 5 END, printf('B%010d', i), '0.38kV', 'ci_single', "
        "(SELECT id FROM transformer_areas WHERE code = 'B-T' || (i / 40)), 'active', ?, ? FROM n",
        {std::int64_t{accounts}, std::int64_t{line_accounts}, std::int64_t{line_accounts}, std::int64_t{line_accounts}, now, now});
    // 5 % of the measured line's accounts have a second source on line 2.
    conn.execute("INSERT INTO account_sources(account_id, seq, line_id) SELECT a.id, 2, (SELECT id FROM lines WHERE code = 'B-L2') "
                 "FROM accounts a WHERE a.customer_id <= ? AND a.customer_id % 20 = 0",
                 {std::int64_t{line_accounts}});
    conn.execute("UPDATE accounts SET supply_sources = 2 WHERE id IN (SELECT account_id FROM account_sources)");
    return 0;
  });
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::string workdir = bench::option(argc, argv, "--workdir", "bench/results/outages");
  const int accounts = std::stoi(bench::option(argc, argv, "--accounts", "1000000"));
  const int line_accounts = std::stoi(bench::option(argc, argv, "--line-accounts", "20000"));
  const int queries = std::stoi(bench::option(argc, argv, "--queries", "20"));
  fs::create_directories(workdir);
  const std::string file = workdir + "/outages-g" + std::to_string(kGeneratorVersion) + "-" + std::to_string(accounts) + "-" +
                           std::to_string(line_accounts) + ".db";
  if (!fs::exists(file)) {
    auto start = Clock::now();
    build("sqlite:" + file + ".tmp", accounts, line_accounts);
    fs::rename(file + ".tmp", file);
    std::printf("built %s in %.1f s\n", file.c_str(), bench::ms_since(start) / 1000);
  }
  auto db = storage::Database::open("sqlite:" + file, 2);
  storage::migrate(*db);
  const auth::Principal admin = bench::admin_principal(*db);
  const std::int64_t line = db->read([](storage::Connection& conn) { return conn.query_i64("SELECT id FROM lines WHERE code = 'B-L1'"); });
  outages::Scope scope;
  scope.lines = {line};

  std::vector<double> affected_ms, floor_ms;
  std::size_t affected = 0, one_source = 0;
  std::int64_t listed = 0;
  for (int i = 0; i < queries + 2; ++i) {
    auto start = Clock::now();
    auto result = db->read([&](storage::Connection& conn) { return outages::affected_accounts(conn, scope); });
    const double ms = bench::ms_since(start);
    start = Clock::now();
    listed = db->read([&](storage::Connection& conn) {
      std::int64_t n = 0;
      conn.query_each("SELECT a.id, a.customer_id FROM accounts a WHERE a.transformer_area_id IN (SELECT id FROM transformer_areas WHERE line_id = ?)",
                      {line}, [&](const storage::Row& r) { n += r.i64(0) > 0; });
      return n;
    });
    const double base = bench::ms_since(start);
    if (i < 2) continue;
    affected_ms.push_back(ms);
    floor_ms.push_back(base);
    affected = result.size();
    one_source = 0;
    for (auto& a : result) one_source += a.effect == outages::Effect::one_source;
  }

  // Check (affected stored + notice plan) and notify (outbox) one outage on the line, rolled back.
  double check_ms = 0, notify_ms = 0;
  std::int64_t notices = 0, outbox = 0;
  {
    auto conn = db->acquire();
    conn->begin(true);
    const Millis now = now_millis();
    const std::string start = format_iso_utc(now + 10 * 86'400'000LL), end = format_iso_utc(now + 10 * 86'400'000LL + 8 * 3'600'000LL);
    const std::int64_t id = outages::create_outage(
        *conn, admin,
        boost::json::object{{"kind", "planned"}, {"title", "基准线全线检修"}, {"requester", "maintenance"}, {"work", "线路检修"},
                            {"planned_start", start}, {"planned_end", end}, {"scope", boost::json::object{{"lines", boost::json::array{line}}}}},
        now);
    auto t0 = Clock::now();
    outages::check_outage(*conn, admin, id, now);
    check_ms = bench::ms_since(t0);
    notices = conn->query_i64("SELECT COUNT(*) FROM outage_notices WHERE outage_id = ?", {id});
    outages::approve_outage(*conn, admin, id, boost::json::object{}, now);
    t0 = Clock::now();
    outages::notify_outage(*conn, admin, id, now);
    notify_ms = bench::ms_since(t0);
    outbox = conn->query_i64("SELECT COUNT(*) FROM notifications WHERE kind = 'outage_notice' AND ref_id = ?", {std::to_string(id)});
    conn->rollback();
  }
  std::printf("line feeding %lld accounts in a topology of %d accounts: %zu affected (%zu on one source)\n", static_cast<long long>(listed),
              accounts, affected, one_source);
  std::printf("  affected_accounts          p50 %.1f ms  p99 %.1f ms   (goal < 20 ms)\n", bench::percentile(affected_ms, 50),
              bench::percentile(affected_ms, 99));
  std::printf("  baseline: list the line's accounts p50 %.1f ms\n", bench::percentile(floor_ms, 50));
  std::printf("  check (store affected + notice plan of %lld notices) %.0f ms; notify (%lld SMS into the outbox) %.0f ms; together %.0f ms "
              "(goal < 1000 ms)\n",
              static_cast<long long>(notices), check_ms, static_cast<long long>(outbox), notify_ms, check_ms + notify_ms);
  bench::result("outage_affected_p50_ms", bench::percentile(affected_ms, 50));
  bench::result("outage_affected_p99_ms", bench::percentile(affected_ms, 99));
  bench::result("outage_affected_baseline_ms", bench::percentile(floor_ms, 50));
  bench::result("outage_plan_notify_ms", check_ms + notify_ms);
  bench::result("outage_notices", static_cast<double>(notices));
  return 0;
}
