// Electricity-use analysis benchmarks (issue 6):
//  1. the basic-charge optimisation over N accounts × 12 months of 15-minute data held in memory
//     (each month reduced to its maximum demand and energy, then the cheapest mode and contract
//     level per quarter against the account's current billing), beside a plain single pass over
//     the same data (the memory-bandwidth floor); the first accounts' data are written for the
//     pandas version (bench/basic_charge_pandas.py) to compute the same on;
//  2. the import of a year of 15-minute curves for M accounts through the curve import (metering
//     export layout with a 户号 column, 100 accounts a file, one transaction a file) on SQLite,
//     beside parsing the same text alone.
// Usage: bench_analysis --dir DIR [--accounts 50000] [--import-accounts 10000] [--pandas-accounts 500]
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analysis/advice.hpp"
#include "app/demo.hpp"
#include "bench_util.hpp"
#include "common/clock.hpp"
#include "curves/rules.hpp"
#include "curves/stats.hpp"
#include "curves/store.hpp"
#include "spdlog/spdlog.h"
#include "storage/db.hpp"
#include "storage/migrator.hpp"

using namespace lianxin;
using bench::Clock;
namespace fs = std::filesystem;

namespace {

constexpr int kYear = 2025;
constexpr int kSlotsYear = 365 * 96;

// A cheap reproducible generator (xorshift) and a daily shape: the data are the same every run.
struct Rng {
  std::uint64_t s;
  std::uint32_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<std::uint32_t>(s >> 32);
  }
  float unit() { return static_cast<float>(next() & 0xFFFFFF) / 16777216.0f; }
};

float shape(int slot) {
  const int h = slot / 4;
  if (h < 7) return 0.35f;
  if (h < 12) return 0.9f;
  if (h < 13) return 0.6f;
  if (h < 18) return 0.95f;
  if (h < 22) return 0.6f;
  return 0.4f;
}

// One account's year: a peak between 200 and 3,000 kW, a weekly rhythm and noise.
void fill_account(float* out, std::uint64_t account) {
  Rng rng{account * 0x9E3779B97F4A7C15ull + 1};
  const float peak = 200.0f + 2800.0f * rng.unit();
  for (int d = 0; d < 365; ++d) {
    const float day = (d % 7 == 5 || d % 7 == 6) ? 0.55f : 1.0f;
    for (int s = 0; s < 96; ++s) out[d * 96 + s] = peak * shape(s) * day * (0.9f + 0.2f * rng.unit());
  }
}

int month_days(int m) { return curves::days_in_month(kYear, m); }

// The basic-charge optimisation of one account's year: the saving of the best choice per quarter.
std::int64_t optimise(const float* year, const analysis::BasicCase& c, double capacity_price_current_kva) {
  analysis::DemandMonth months[12];
  const float* p = year;
  for (int m = 1; m <= 12; ++m) {
    const std::size_t n = static_cast<std::size_t>(month_days(m)) * 96;
    const auto ms = curves::max_sum(p, n);
    months[m - 1] = {ms.max_kw, ms.sum_kw * 0.25};
    p += n;
  }
  std::int64_t saving = 0;
  for (int q = 0; q < 4; ++q) {
    const auto best = analysis::best_basic_charge(months + q * 3, 3, c);
    const std::int64_t current = analysis::basic_cost(months + q * 3, 3, tariff::BasicMode::capacity, 0, c);
    saving += current - best.fen;
  }
  (void)capacity_price_current_kva;
  return saving;
}

// Appends a non-negative value with two decimals (fast: no printf).
void put_value(std::string& out, float v) {
  auto cents = static_cast<std::uint64_t>(std::llround(static_cast<double>(v) * 100.0));
  char buf[24];
  int i = 0;
  const int frac = static_cast<int>(cents % 100);
  cents /= 100;
  do {
    buf[i++] = static_cast<char>('0' + cents % 10);
    cents /= 10;
  } while (cents);
  while (i) out.push_back(buf[--i]);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + frac / 10));
  out.push_back(static_cast<char>('0' + frac % 10));
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const std::string dir = bench::option(argc, argv, "--dir", "bench/results/work/analysis");
  const int accounts = std::stoi(bench::option(argc, argv, "--accounts", "50000"));
  const int import_accounts = std::stoi(bench::option(argc, argv, "--import-accounts", "10000"));
  const int pandas_accounts = std::stoi(bench::option(argc, argv, "--pandas-accounts", "500"));
  fs::create_directories(dir);

  // ---- 1. basic-charge optimisation ----
  analysis::BasicCase c;
  c.capacity_price_fen = 2630;  // rules_cn §8.4 Hubei two-part 1–10 kV
  c.demand_price_fen = 4200;
  const int chunk = 2000;
  std::vector<float> data(static_cast<std::size_t>(chunk) * kSlotsYear);
  double scan_ms = 0, opt_ms = 0, sink = 0;
  std::int64_t saving = 0;
  for (int first = 0; first < accounts; first += chunk) {
    const int n = std::min(chunk, accounts - first);
    for (int a = 0; a < n; ++a) fill_account(data.data() + static_cast<std::size_t>(a) * kSlotsYear, static_cast<std::uint64_t>(first + a));
    if (first == 0) {
      std::ofstream out(dir + "/curves.f32", std::ios::binary);
      out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(sizeof(float) * kSlotsYear * std::min(n, pandas_accounts)));
    }
    auto t0 = Clock::now();
    sink += curves::plain_sum(data.data(), static_cast<std::size_t>(n) * kSlotsYear);
    scan_ms += bench::ms_since(t0);
    t0 = Clock::now();
    for (int a = 0; a < n; ++a) {
      const float* year = data.data() + static_cast<std::size_t>(a) * kSlotsYear;
      // The account's transformer: 1.25 × its peak rounded up to 100 kVA.
      float peak = 0;
      for (int s = 0; s < 96 * 7; ++s) peak = std::max(peak, year[s]);
      c.capacity_kva = std::ceil(peak * 1.25 / 100.0) * 100.0;
      saving += optimise(year, c, 0);
    }
    opt_ms += bench::ms_since(t0);
  }
  const double gb = static_cast<double>(accounts) * kSlotsYear * sizeof(float) / 1e9;
  std::printf("basic-charge optimisation: %d accounts × 12 months (%.2f GB of 15-minute floats)\n", accounts, gb);
  std::printf("  optimisation %.0f ms (%.2f µs an account), plain scan %.0f ms (%.1f GB/s), ratio %.2f; yearly saving found %.0f 元 (sink %.0f)\n", opt_ms,
              opt_ms * 1000 / accounts, scan_ms, gb / (scan_ms / 1000), opt_ms / scan_ms, static_cast<double>(saving) / 100, sink);
  bench::result("opt_ms", opt_ms);
  bench::result("scan_ms", scan_ms);
  bench::result("opt_us_per_account", opt_ms * 1000 / accounts);
  bench::result("opt_accounts", accounts);
  bench::result("opt_saving_yuan", static_cast<double>(saving) / 100);
  {
    // The first pandas_accounts' result, for the pandas script to compare its answer with.
    std::int64_t check = 0;
    std::vector<float> one(kSlotsYear);
    for (int a = 0; a < std::min(pandas_accounts, accounts); ++a) {
      fill_account(one.data(), static_cast<std::uint64_t>(a));
      float peak = 0;
      for (int s = 0; s < 96 * 7; ++s) peak = std::max(peak, one[s]);
      c.capacity_kva = std::ceil(peak * 1.25 / 100.0) * 100.0;
      check += optimise(one.data(), c, 0);
    }
    bench::result("pandas_subset_saving_yuan", static_cast<double>(check) / 100);
  }
  data.clear();
  data.shrink_to_fit();

  // ---- 2. import of a year of curves for import_accounts accounts ----
  const std::string url = "sqlite:" + dir + "/import.db";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(dir + "/import.db" + suffix);
  auto db = storage::Database::open(url, 2);
  storage::migrate(*db);
  app::DemoOptions demo;
  demo.customers = 10;
  demo.key_accounts = 0;
  demo.claims = 0;
  demo.key_service = false;
  demo.expansion = 0;
  demo.outages = 0;
  demo.quality_defects = false;
  demo.analysis = false;
  app::seed_demo(*db, demo);
  const auto admin = bench::admin_principal(*db);
  const Millis now = now_millis();
  db->transaction([&](storage::Connection& conn) {
    const auto customer = conn.query_i64("SELECT MIN(id) FROM customers");
    for (int a = 0; a < import_accounts; ++a) {
      char no[24];
      std::snprintf(no, sizeof no, "BENCH%07d", a);
      conn.execute("INSERT INTO accounts(customer_id, account_no, voltage_level, contract_capacity_kva, tariff_category, basic_charge_mode, created_at, "
                   "updated_at) VALUES (?,?,'10kV',2000,'ci_two_part','capacity',?,?)",
                   {customer, std::string(no), now, now});
    }
    return 0;
  });
  const int per_file = 100;
  double import_ms = 0, parse_ms = 0;
  std::int64_t months = 0, readings = 0;
  std::vector<float> year(kSlotsYear);
  std::string header = "户号,YMD";
  for (int s = 0; s < 96; ++s) {
    char b[8];
    std::snprintf(b, sizeof b, ",T%02d%02d", s / 4, (s % 4) * 15);
    header += b;
  }
  // The files are made first (not timed), then imported the way the CLI does a directory of
  // metering exports: each file all or nothing, the next parsed while the current is written.
  std::vector<std::pair<std::string, std::string>> files;
  for (int first = 0; first < import_accounts; first += per_file) {
    std::string text = header + "\n";
    text.reserve(static_cast<std::size_t>(per_file) * 365 * 800);
    for (int a = first; a < std::min(first + per_file, import_accounts); ++a) {
      fill_account(year.data(), static_cast<std::uint64_t>(a));
      char no[24];
      std::snprintf(no, sizeof no, "BENCH%07d", a);
      int day = 0;
      for (int m = 1; m <= 12; ++m)
        for (int d = 1; d <= month_days(m); ++d, ++day) {
          char date[16];
          std::snprintf(date, sizeof date, ",%04d%02d%02d", kYear, m, d);
          text += no;
          text += date;
          for (int s = 0; s < 96; ++s) {
            text.push_back(',');
            put_value(text, year[static_cast<std::size_t>(day * 96 + s)]);
          }
          text.push_back('\n');
        }
    }
    files.emplace_back("bench-" + std::to_string(first) + ".csv", std::move(text));
  }
  // The parse alone, on the first file, scaled: the floor of the text work.
  {
    auto t0 = Clock::now();
    const auto parsed = curves::parse_curves(files.front().second);
    parse_ms = bench::ms_since(t0) * static_cast<double>(files.size());
    if (!parsed.ok()) std::printf("  parse problems in the first file\n");
  }
  std::size_t next_file = 0;
  auto t0 = Clock::now();
  const auto outcomes = curves::import_files(
      *db, admin,
      [&]() -> std::optional<std::pair<std::string, std::string>> {
        if (next_file == files.size()) return std::nullopt;
        return std::move(files[next_file++]);
      },
      "", now);
  import_ms = bench::ms_since(t0);
  for (auto& o : outcomes) {
    if (!o.summary) {
      std::printf("  file %s refused: %s\n", o.file_name.c_str(), o.error.c_str());
      continue;
    }
    months += o.summary->months;
    readings += o.summary->readings;
  }
  const auto bytes = fs::file_size(dir + "/import.db");
  std::printf("curve import: %d accounts × a year (%lld account-months, %lld readings) in %.1f s on SQLite; parsing the same text alone %.1f s (first file × files); "
              "database %.0f MB\n",
              import_accounts, static_cast<long long>(months), static_cast<long long>(readings), import_ms / 1000, parse_ms / 1000,
              static_cast<double>(bytes) / 1e6);
  bench::result("import_s", import_ms / 1000);
  bench::result("import_parse_s", parse_ms / 1000);
  bench::result("import_months", static_cast<double>(months));
  bench::result("import_accounts", import_accounts);
  bench::result("import_db_mb", static_cast<double>(bytes) / 1e6);
  return 0;
}
