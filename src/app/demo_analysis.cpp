// Demo electricity-use analysis: tariff tables in force for every month of the demo bills (copies
// of the Hubei January 2026 table, marked unverified and named as demo copies), contract demands
// for the accounts billed by demand, three months of 15-minute load curves for the key accounts'
// two-part accounts (a working-day shape scaled to each month's bill, through the curve import;
// one stuck meter and one negative reading among them), a few sudden drops in last month's bills
// and the anomaly scan, and the advice of every key account (one accepted into a usage plan).
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <iterator>
#include <map>
#include <tuple>
#include <random>

#include "analysis/store.hpp"
#include "app/demo.hpp"
#include "billing/rules.hpp"
#include "billing/service.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "curves/rules.hpp"
#include "curves/store.hpp"
#include "spdlog/spdlog.h"
#include "tariff/bill.hpp"
#include "tariff/store.hpp"

namespace lianxin::app {

namespace {

// A working-day load shape (share of the day's peak) for a slot, with a weekend factor.
double shape(int slot, bool weekend) {
  const double h = slot / 4.0;
  double v = 0.32;                                            // night base load
  if (h >= 7.5 && h < 11.5) v = 0.85 + 0.15 * std::sin((h - 7.5) / 4.0 * 3.14159);
  else if (h >= 11.5 && h < 13.0) v = 0.62;                   // lunch
  else if (h >= 13.0 && h < 17.5) v = 0.9;
  else if (h >= 17.5 && h < 21.0) v = 0.6;
  else if (h >= 6.0 && h < 7.5) v = 0.32 + (h - 6.0) / 1.5 * 0.5;
  return weekend ? 0.45 + (v - 0.32) * 0.35 : v;
}

int weekday(int y, int m, int d) {  // 0 = Sunday
  static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

}  // namespace

void seed_demo_analysis(storage::Database& db, std::uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0xa11a11u);
  std::normal_distribution<double> noise(0, 0.04);
  const Millis now = now_millis();
  const auto admin = demo_admin(db);
  if (!admin) return;
  const std::string this_month = billing::period_of_date(shanghai_date(now));

  // Tariff tables for every month of the bills: copies of the published January 2026 table.
  db.transaction([&](storage::Connection& conn) {
    auto tables = tariff::load_tables(conn, "hubei");
    const tariff::TableRecord* jan = nullptr;
    for (auto& t : tables)
      if (t.table.valid_from == "2026-01-01") jan = &t;
    if (!jan || tables.size() > 1) return 0;
    for (auto [from, to] : {std::pair<std::string, std::string>{"2024-01-01", "2025-12-31"}, {"2026-02-01", ""}}) {
      tariff::TableRecord copy = *jan;
      copy.table.id = 0;
      copy.table.valid_from = from;
      copy.table.valid_to = to;
      copy.table.name = "（演示）湖北代理购电工商业用户电价表，" + from.substr(0, 7) + " 起沿用 2026 年 1 月表价";
      copy.verification = "U";
      copy.source = "演示数据：复制 rules_cn §8.4 的 2026 年 1 月表价，非真实执行电价";
      tariff::save_table(conn, copy, admin->user_id, now);
    }
    // The generated archive draws capacities apart from consumption: give the two-part accounts with
    // bills a transformer their maximum demand fits (about 70 % loaded; every third one oversized,
    // loaded about 25 %, for the capacity advice), leaving the archive's deliberate defects alone.
    static const double sizes[] = {315,   400,   500,   630,   800,    1000,   1250,   1600,   2000,   2500,   3150,   4000,  5000,
                                   6300,  8000,  10000, 12500, 16000,  20000,  25000,  31500,  40000,  50000,  63000,  80000, 100000,
                                   125000, 160000, 200000, 250000, 315000, 400000};
    for (auto& r : conn.query("SELECT a.id, MAX(b.max_demand_kw), a.basic_charge_mode FROM accounts a JOIN bills b ON b.account_id = a.id "
                              "WHERE a.tariff_category = 'ci_two_part' AND a.id % 997 <> 17 AND b.max_demand_kw IS NOT NULL GROUP BY a.id, a.basic_charge_mode")) {
      const double max_kw = r.f64(1);
      if (max_kw <= 0) continue;
      const double load = r.i64(0) % 3 == 0 ? 0.25 : 0.7;
      double capacity = sizes[std::size(sizes) - 1];
      for (double size : sizes)
        if (size * load >= max_kw) {
          capacity = size;
          break;
        }
      conn.execute("UPDATE accounts SET contract_capacity_kva = ? WHERE id = ?", {static_cast<std::int64_t>(capacity), r.i64(0)});
      // Contract demands for the accounts billed by demand: around the usual maximum demand.
      if (r.str(2) == "contract_demand") {
        tariff::EnergyProfile p;
        p.account_id = r.i64(0);
        p.contract_demand_kw = std::round(max_kw * (0.85 + 0.1 * static_cast<double>(r.i64(0) % 4)));
        tariff::save_profile(conn, p, admin->user_id, now);
      }
    }
    return 0;
  });

  // Some sites without working compensation: a power factor near 0.8 all year (the advice's case).
  db.transaction([&](storage::Connection& conn) {
    return conn.execute("UPDATE bills SET kvarh = ROUND(kwh_total * 0.75) WHERE kvarh IS NOT NULL AND account_id % 7 = 3");
  });

  // The demo's bills were generated at a flat price: price the two-part accounts' bills by the
  // tariff table instead (energy by period, basic charge, power-factor adjustment), the paid share
  // kept, so that the what-if starts from the bill the customer got.
  db.transaction([&](storage::Connection& conn) {
    const auto settings = tariff::load_settings(conn);
    std::vector<std::int64_t> customers;
    std::int64_t repriced = 0;
    for (auto& r : conn.query("SELECT DISTINCT a.id, a.customer_id FROM accounts a JOIN bills b ON b.account_id = a.id WHERE a.tariff_category = 'ci_two_part'")) {
      auto a = tariff::load_account(conn, r.i64(0));
      if (!a) continue;
      customers.push_back(r.i64(1));
      for (auto& b : conn.query("SELECT period, kwh_sharp, kwh_peak, kwh_flat, kwh_valley, kwh_total, kvarh, max_demand_kw, amount_fen, paid_fen FROM bills "
                                "WHERE account_id = ?",
                                {a->account_id})) {
        std::string why;
        auto priced = analysis::price_account(conn, *a, settings, b.str(0), why);
        if (!priced) continue;
        tariff::MonthUsage u;
        u.kwh[tariff::period_index(tariff::TouPeriod::sharp)] = b.f64(1);
        u.kwh[tariff::period_index(tariff::TouPeriod::peak)] = b.f64(2);
        u.kwh[tariff::period_index(tariff::TouPeriod::flat)] = b.f64(3) + std::max(0.0, b.f64(5) - b.f64(1) - b.f64(2) - b.f64(3) - b.f64(4));
        u.kwh[tariff::period_index(tariff::TouPeriod::valley)] = b.f64(4);
        u.kvarh = b.is_null(6) ? 0 : b.f64(6);
        u.max_demand_kw = b.is_null(7) ? 0 : b.f64(7);
        const std::int64_t amount = tariff::reconstruct_bill(priced->rate, u, priced->options).total_fen;
        const std::int64_t old = b.i64(8), paid = b.i64(9);
        const std::int64_t new_paid = old > 0 ? (paid == old ? amount : static_cast<std::int64_t>(static_cast<double>(paid) * amount / old)) : 0;
        conn.execute("UPDATE bills SET amount_fen = ?, paid_fen = ?, arrears_fen = ? WHERE account_id = ? AND period = ?",
                     {amount, new_paid, amount - new_paid, a->account_id, b.str(0)});
        ++repriced;
      }
    }
    std::sort(customers.begin(), customers.end());
    customers.erase(std::unique(customers.begin(), customers.end()), customers.end());
    if (!customers.empty()) billing::rebuild_year_usage(conn, customers);
    spdlog::info("demo bills priced by the tariff table: {}", repriced);
    return 0;
  });

  // Load curves: the last three complete months of the key accounts' two-part accounts.
  struct Target {
    std::string account_no;
    std::map<std::string, double> kwh;  // period → the bill's energy
  };
  std::vector<Target> targets;
  const std::string first = billing::add_months(this_month, -3);
  db.read([&](storage::Connection& conn) {
    std::map<std::string, Target> by;
    for (auto& r : conn.query("SELECT a.account_no, b.period, b.kwh_total FROM bills b JOIN accounts a ON a.id = b.account_id JOIN customers c "
                              "ON c.id = a.customer_id WHERE c.is_key_account = 1 AND a.tariff_category = 'ci_two_part' AND b.period >= ? "
                              "ORDER BY a.id LIMIT 600",
                              {first})) {
      auto& t = by[r.str(0)];
      t.account_no = r.str(0);
      t.kwh[r.str(1)] = r.f64(2);
    }
    for (auto& [_, t] : by) targets.push_back(std::move(t));
    return 0;
  });
  curves::ParseResult parsed;
  parsed.layout = curves::Layout::wide;
  std::size_t index = 0;
  for (auto& t : targets) {
    for (auto& [period, kwh] : t.kwh) {
      const int y = std::stoi(period.substr(0, 4)), m = std::stoi(period.substr(5, 2));
      const int days = curves::days_in_month(y, m);
      curves::MonthCurve c;
      c.account_no = t.account_no;
      c.year = y;
      c.month = m;
      c.first_row = 2;
      c.kw.resize(static_cast<std::size_t>(days) * 96);
      c.day_present.assign(static_cast<std::size_t>(days), 1);
      double sum = 0;
      for (int d = 0; d < days; ++d) {
        const int wd = weekday(y, m, d + 1);
        for (int s = 0; s < 96; ++s) {
          const double v = std::max(0.02, shape(s, wd == 0 || wd == 6) * (1 + noise(rng)));
          c.kw[static_cast<std::size_t>(d * 96 + s)] = static_cast<float>(v);
          sum += v * 0.25;
        }
      }
      const double scale = sum > 0 ? kwh / sum : 0;
      for (auto& v : c.kw) v = static_cast<float>(std::round(v * scale * 100) / 100);
      if (index == 0 && m == std::stoi(first.substr(5, 2)))  // a stuck meter for most of a day
        for (int s = 20; s < 60; ++s) c.kw[static_cast<std::size_t>(3 * 96 + s)] = c.kw[3 * 96 + 20];
      if (index == 1) c.kw[static_cast<std::size_t>(5 * 96 + 40)] = -12.5f;  // a reverse reading
      parsed.curves.push_back(std::move(c));
      parsed.readings += days * 96;
      parsed.rows += days;
    }
    ++index;
  }
  if (!parsed.curves.empty()) {
    std::sort(parsed.curves.begin(), parsed.curves.end(), [](const curves::MonthCurve& a, const curves::MonthCurve& b) {
      return std::tie(a.account_no, a.year, a.month) < std::tie(b.account_no, b.year, b.month);
    });
    const auto summary = db.transaction(
        [&](storage::Connection& conn) { return curves::import_parsed(conn, *admin, "演示负荷曲线.csv", "demo", parsed, now); });
    spdlog::info("demo load curves: {} account-months of {} accounts, {} flagged", summary.months, summary.accounts, summary.flagged_months);
  }

  // Sudden drops in last month's bills of a few key accounts, then the scan (review tasks).
  db.transaction([&](storage::Connection& conn) {
    const std::string last = billing::add_months(this_month, -1);
    std::vector<std::int64_t> customers;
    for (auto& r : conn.query("SELECT a.id, a.customer_id FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE c.is_key_account = 1 "
                              "AND c.id % 23 = 4 AND EXISTS (SELECT 1 FROM bills b WHERE b.account_id = a.id AND b.period = ?) ORDER BY a.id LIMIT 4",
                              {last})) {
      conn.execute("UPDATE bills SET kwh_total = ROUND(kwh_total * 0.3, 2), kwh_sharp = ROUND(kwh_sharp * 0.3, 2), kwh_peak = ROUND(kwh_peak * 0.3, 2), "
                   "kwh_flat = ROUND(kwh_flat * 0.3, 2), kwh_valley = ROUND(kwh_total * 0.3, 2) - ROUND(kwh_sharp * 0.3, 2) - ROUND(kwh_peak * 0.3, 2) "
                   "- ROUND(kwh_flat * 0.3, 2), amount_fen = amount_fen * 3 / 10, paid_fen = paid_fen * 3 / 10, "
                   "arrears_fen = amount_fen * 3 / 10 - paid_fen * 3 / 10 WHERE account_id = ? AND period = ?",
                   {r.i64(0), last});
      customers.push_back(r.i64(1));
    }
    if (!customers.empty()) billing::rebuild_year_usage(conn, customers);
    const auto scan = analysis::scan_anomalies(conn, now);
    spdlog::info("demo anomaly scan: {} accounts, {} review tasks opened", scan.accounts, scan.opened);
    return 0;
  });

  // Advice for every key account; the first proposal of one of am01's customers accepted.
  db.transaction([&](storage::Connection& conn) {
    std::int64_t written = 0;
    for (auto& r : conn.query("SELECT id FROM customers WHERE is_key_account = 1 AND status = 'active' ORDER BY id"))
      written += analysis::refresh_advice(conn, *admin, r.i64(0), now);
    auto pick = conn.query_one(
        "SELECT v.id FROM usage_advice v JOIN customers c ON c.id = v.customer_id JOIN users u ON u.id = c.manager_id "
        "WHERE u.username = 'am01' AND v.status = 'proposed' AND v.kind = 'basic_charge' ORDER BY v.saving_fen DESC LIMIT 1");
    if (pick) {
      try {
        analysis::decide_advice(conn, *admin, pick->i64(0), true, "客户同意调整基本电费计费方式", billing::add_months(this_month, -2), 0, now);
        // The customer made the change: the account is billed the way the latest quarter's advice says.
        auto row = conn.query_one("SELECT account_id, data FROM usage_advice WHERE id = ?", {pick->i64(0)});
        const auto data = boost::json::parse(row->str(1));
        const auto& quarters = data.at("quarters").as_array();
        if (!quarters.empty()) {
          const auto& q = quarters.back().as_object();
          conn.execute("UPDATE accounts SET basic_charge_mode = ? WHERE id = ?", {std::string(q.at("mode").as_string()), row->i64(0)});
          if (q.at("mode").as_string() == "contract_demand") {
            tariff::EnergyProfile p = tariff::load_profile(conn, row->i64(0)).value_or(tariff::EnergyProfile{});
            p.account_id = row->i64(0);
            p.contract_demand_kw = q.at("contract_demand_kw").to_number<double>();
            tariff::save_profile(conn, p, admin->user_id, now);
          }
        }
      } catch (const AppError&) {
        // That year's usage plan was already delivered: the proposal stays open.
      }
    }
    spdlog::info("demo advice: {} proposals", written);
    return 0;
  });
}

}  // namespace lianxin::app
