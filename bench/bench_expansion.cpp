// Bottleneck analysis of business expansion (issue: business expansion — "over 200,000
// applications with all their stages: under 1 second").
//
//   bench_expansion --workdir DIR [--applications 200000] [--runs 5]
//
// A SQLite database (built once in DIR) with the demo org tree and `applications` applications
// accepted over the last year in every station of the demo company, 30 % high voltage (seven
// stages), 70 % low voltage (four), about 85 % completed; each finished stage has its supplier's
// working days, limit and lateness and a responsible department of its bureau — about a million
// stage rows. Measured: expansion::analysis for the company's administrator over the whole year —
// what GET /api/v1/expansion/analysis runs inside its read transaction — median of `runs` calls
// after one warm-up. Baseline, same run: the straightforward SQL join of the period's applications
// with their finished stages, only summing the days (what a plain report query would run first).
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include <boost/json.hpp>

#include "app/demo.hpp"
#include "bench_util.hpp"
#include "common/clock.hpp"
#include "expansion/analysis.hpp"
#include "storage/db.hpp"
#include "storage/migrator.hpp"
#include "spdlog/spdlog.h"

using namespace lianxin;
using bench::Clock;
namespace fs = std::filesystem;

namespace {

constexpr int kGeneratorVersion = 1;  // bump when the schema the cached database needs changes
constexpr Millis kDay = 86'400'000;

void build(const std::string& url, int applications, Millis now) {
  auto db = storage::Database::open(url, 2);
  storage::migrate(*db);
  app::DemoOptions demo;
  demo.customers = 2000;
  demo.key_accounts = 50;
  demo.claims = 0;
  demo.key_service = false;
  demo.expansion = 0;
  app::seed_demo(*db, demo);
  std::mt19937 rng(11);
  db->transaction([&](storage::Connection& conn) {
    struct Customer {
      std::int64_t id, org;
      std::string path;
    };
    std::vector<Customer> customers;
    for (auto& r : conn.query("SELECT id, org_unit_id, org_path FROM customers WHERE status = 'active'"))
      customers.push_back({r.i64(0), r.i64(1), r.str(2)});
    // The departments of each bureau (a customer's org path names its bureau).
    std::vector<std::pair<std::string, std::int64_t>> departments;
    for (auto& r : conn.query("SELECT d.id, p.path FROM org_units d JOIN org_units p ON p.id = d.parent_id WHERE d.kind = 'department'"))
      departments.emplace_back(r.str(1), r.i64(0));
    auto department_for = [&](const std::string& path, unsigned pick) -> std::int64_t {
      std::vector<std::int64_t> fits;
      for (auto& [prefix, id] : departments)
        if (path.rfind(prefix, 0) == 0) fits.push_back(id);
      return fits.empty() ? 0 : fits[pick % fits.size()];
    };
    const auto creator = conn.query_i64("SELECT id FROM users WHERE username = 'admin'");
    const char* hv[] = {"acceptance", "survey", "plan_reply", "design_review", "mid_inspection", "completion_inspection", "connection"};
    const char* lv[] = {"acceptance", "survey", "plan_reply", "connection"};
    const int hv_limits[] = {1, 2, 15, 5, 3, 5, 5};
    const int lv_limits[] = {1, 2, 3, 3};
    for (int i = 0; i < applications; ++i) {
      const Customer& c = customers[rng() % customers.size()];
      const bool high = rng() % 10 < 3;
      const bool completed = rng() % 100 < 85;
      const Millis accepted = now - static_cast<Millis>(rng() % 360) * kDay - static_cast<Millis>(rng() % 36000) * 1000;
      const int n = high ? 7 : 4;
      const int done = completed ? n : static_cast<int>(rng() % n);
      bool on_time = true;
      double total = 0;
      struct S {
        double days;
        bool late;
      };
      std::vector<S> stage_days;
      for (int s = 0; s < done; ++s) {
        const int limit = high ? hv_limits[s] : lv_limits[s];
        const double d = static_cast<double>(rng() % (limit * 150)) / 100.0;  // up to 1.5 x the limit
        stage_days.push_back({d, d > limit});
        on_time = on_time && d <= limit;
        total += d;
      }
      const std::int64_t app = conn.insert_returning_id(
          "INSERT INTO expansion_applications(number, customer_id, org_unit_id, org_path, kind, category, capacity_kva, rule_set, title, "
          "status, current_stage, holder, lead_id, on_time, supplier_days, created_by, created_at, accepted_at, completed_at) "
          "VALUES (?,?,?,?,'new_connection',?,?,'sgcc_assessment','基准申请',?,?,?,NULL,?,?,?,?,?,?) RETURNING id",
          {"BX" + std::to_string(i), c.id, c.org, c.path, std::string(high ? "hv_single" : "low_voltage"),
           std::int64_t{high ? 800 : 100}, std::string(completed ? "completed" : "open"),
           completed ? storage::null_value() : storage::Value(std::string(high ? hv[done] : lv[done])),
           std::string(completed ? "none" : "supplier"), completed ? storage::Value(std::int64_t{on_time}) : storage::null_value(), total,
           creator, accepted, accepted, completed ? storage::Value(accepted + 60 * kDay) : storage::null_value()});
      Millis at = accepted;
      for (int s = 0; s < n; ++s) {
        const bool finished = s < done;
        const int limit = high ? hv_limits[s] : lv_limits[s];
        const Millis end = at + static_cast<Millis>((finished ? stage_days[static_cast<std::size_t>(s)].days : 1) * kDay);
        conn.execute(
            "INSERT INTO expansion_stages(application_id, seq, stage, start_event, status, department_id, limit_days, started_at, finished_at, "
            "supplier_days, late) VALUES (?,?,?,'previous_done',?,?,?,?,?,?,?)",
            {app, std::int64_t{s + 1}, std::string(high ? hv[s] : lv[s]),
             std::string(finished ? "done" : s == done ? "running" : "pending"), department_for(c.path, static_cast<unsigned>(rng())),
             std::int64_t{limit}, s <= done ? storage::Value(at) : storage::null_value(), finished ? storage::Value(end) : storage::null_value(),
             finished ? storage::Value(stage_days[static_cast<std::size_t>(s)].days) : storage::null_value(),
             finished ? storage::Value(std::int64_t{stage_days[static_cast<std::size_t>(s)].late}) : storage::null_value()});
        at = end;
      }
    }
    return 0;
  });
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::string workdir = bench::option(argc, argv, "--workdir", "bench/results/expansion");
  const int applications = std::stoi(bench::option(argc, argv, "--applications", "200000"));
  const int runs = std::stoi(bench::option(argc, argv, "--runs", "5"));
  fs::create_directories(workdir);
  const Millis now = now_millis();
  const std::string file = workdir + "/expansion-g" + std::to_string(kGeneratorVersion) + "-" + std::to_string(applications) + "-" +
                           shanghai_date(now) + ".db";
  const std::string url = "sqlite:" + file;
  if (!fs::exists(file)) {
    for (auto& old : fs::directory_iterator(workdir))
      if (old.path().filename().string().rfind("expansion-", 0) == 0) fs::remove(old.path());
    auto start = Clock::now();
    build(url + ".tmp", applications, now);
    fs::rename(file + ".tmp", file);
    std::printf("built %s in %.1f s\n", file.c_str(), bench::ms_since(start) / 1000);
  }
  auto db = storage::Database::open(url, 2);
  const auth::Principal p = bench::admin_principal(*db);
  const auto q = expansion::read_analysis_query(std::nullopt, std::nullopt, std::nullopt, std::nullopt, now);

  std::vector<double> analysis_ms, floor_ms;
  boost::json::object last;
  std::int64_t stage_rows = 0;
  for (int i = 0; i < runs + 1; ++i) {
    auto start = Clock::now();
    last = db->read([&](storage::Connection& conn) { return expansion::analysis(conn, p, q, now); });
    const double ms = bench::ms_since(start);
    start = Clock::now();
    stage_rows = db->read([&](storage::Connection& conn) {
      std::int64_t n = 0;
      double sum = 0;
      conn.query_each("SELECT s.supplier_days FROM expansion_applications a JOIN expansion_stages s ON s.application_id = a.id "
                      "WHERE a.accepted_at >= ? AND a.accepted_at < ? AND s.status = 'done'",
                      {now - 366 * kDay, now + kDay}, [&](const storage::Row& r) {
                        ++n;
                        sum += r.f64(0);
                      });
      return sum >= 0 ? n : 0;
    });
    const double base = bench::ms_since(start);
    if (i == 0) continue;  // warm-up
    analysis_ms.push_back(ms);
    floor_ms.push_back(base);
  }
  const auto& totals = last.at("totals").as_object();
  std::printf("analysis of %lld applications (%lld finished stages): %lld completed, on time %.1f %%, %zu departments, %zu bureaus\n",
              static_cast<long long>(totals.at("applications").as_int64()), static_cast<long long>(stage_rows),
              static_cast<long long>(totals.at("completed").as_int64()),
              totals.at("on_time_rate").is_double() ? totals.at("on_time_rate").as_double() * 100 : 0.0,
              last.at("departments").as_array().size(), last.at("bureaus").as_array().size());
  std::printf("  expansion::analysis          median %.0f ms  max %.0f ms   (goal < 1000 ms)\n", bench::percentile(analysis_ms, 50),
              bench::percentile(analysis_ms, 100));
  std::printf("  baseline: plain stage scan   median %.0f ms\n", bench::percentile(floor_ms, 50));
  bench::result("expansion_analysis_ms", bench::percentile(analysis_ms, 50));
  bench::result("expansion_analysis_max_ms", bench::percentile(analysis_ms, 100));
  bench::result("expansion_scan_ms", bench::percentile(floor_ms, 50));
  bench::result("expansion_applications", static_cast<double>(totals.at("applications").as_int64()));
  bench::result("expansion_stage_rows", static_cast<double>(stage_rows));
  return 0;
}
