// Demo bills: group trees that span bureaus (a sub-group in a county under three of the city-level
// groups) and monthly bills from January of last year to last month for every account of the key
// accounts and the group members, imported through the bill import itself (so the batches, the
// yearly aggregates and the audit log are what real use leaves behind).
#include <cmath>
#include <cstdio>
#include <random>

#include "app/demo.hpp"
#include "billing/service.hpp"
#include "common/clock.hpp"
#include "customers/rules.hpp"
#include "customers/service.hpp"
#include "spdlog/spdlog.h"

namespace lianxin::app {
namespace {

using storage::Connection;

std::string demo_credit_code(Connection& conn, std::mt19937_64& engine) {
  static const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (;;) {
    std::string code = "91530100G";
    for (int i = 0; i < 8; ++i) code.push_back(alphabet[engine() % alphabet.size()]);
    code.push_back(customers::credit_code_check_char(code));
    if (!conn.query_one("SELECT id FROM customers WHERE credit_code = ?", {code})) return code;
  }
}

// The nearest county (or city) bureau of an org unit.
std::pair<std::int64_t, std::string> bureau_of(Connection& conn, std::int64_t org) {
  for (int guard = 0; guard < 10; ++guard) {
    auto r = conn.query_one("SELECT id, parent_id, kind, path FROM org_units WHERE id = ?", {org});
    if (!r) break;
    if (r->str(2) == "county" || r->str(2) == "city" || r->is_null(1)) return {r->i64(0), r->str(3)};
    org = r->i64(1);
  }
  return {0, ""};
}

void seed_group_trees(storage::Database& db, std::mt19937_64& engine) {
  db.transaction([&](Connection& conn) {
    const Millis now = now_millis();
    auto groups = conn.query("SELECT id, name, manager_id FROM customers WHERE is_group = 1 AND group_id IS NULL AND status = 'active' ORDER BY id");
    int made = 0;
    for (auto& g : groups) {
      if (made == 3) break;
      auto members = conn.query("SELECT id, org_unit_id FROM customers WHERE group_id = ? AND is_group = 0 ORDER BY id", {g.i64(0)});
      if (members.size() < 2) continue;
      // A sub-group in the county of the first member; the members of that county move under it.
      auto [county, county_path] = bureau_of(conn, members.front().i64(1));
      if (!county) continue;
      auto county_name = conn.query_one("SELECT name FROM org_units WHERE id = ?", {county})->str(0);
      std::string base = g.str(1);
      if (auto at = base.find("控股集团有限公司"); at != std::string::npos) base = base.substr(0, at);
      const std::string place = county_name.substr(0, county_name.find("供电局"));
      const std::string name = base + "集团" + place + "分公司";
      const std::int64_t sub = conn.insert_returning_id(
          "INSERT INTO customers(name, credit_code, industry_code, org_unit_id, org_path, address, importance_class, outage_sensitivity, "
          "tags, group_id, is_group, is_key_account, manager_id, annual_kwh, status, version, created_at, updated_at) "
          "VALUES (?,?,'72',?,?,?,'none','normal','集团客户',?,1,0,?,0,'active',1,?,?) RETURNING id",
          {name, demo_credit_code(conn, engine), county, county_path, "滇池市" + place + "人民路1号", g.i64(0),
           storage::opt_value(g.opt_i64(2)), now, now});
      for (auto& m : members)
        if (bureau_of(conn, m.i64(1)).first == county)
          conn.execute("UPDATE customers SET group_id = ? WHERE id = ?", {sub, m.i64(0)});
      customers::refresh_search(conn, sub);
      ++made;
    }
  });
}

}  // namespace

void seed_demo_bills(storage::Database& db, std::uint64_t seed) {
  std::mt19937_64 engine(seed ^ 0xb111b111);
  auto uniform = [&] { return std::uniform_real_distribution<double>(0, 1)(engine); };
  seed_group_trees(db, engine);

  const auto found_admin = demo_admin(db);
  if (!found_admin) return;
  const auth::Principal& admin = *found_admin;

  // Every account of the key accounts and of the group members, with its share of the customer's
  // annual consumption.
  struct Account {
    std::string account_no;
    double annual_kwh = 0;
    bool two_part = false;
  };
  std::vector<Account> accounts = db.read([](Connection& conn) {
    std::vector<Account> out;
    for (auto& r : conn.query(
             "SELECT a.account_no, c.annual_kwh / (SELECT COUNT(*) FROM accounts x WHERE x.customer_id = c.id), a.tariff_category "
             "FROM accounts a JOIN customers c ON c.id = a.customer_id "
             "WHERE c.status = 'active' AND (c.is_key_account = 1 OR c.group_id IS NOT NULL) ORDER BY a.id"))
      out.push_back({r.str(0), r.f64(1), r.str(2) == "ci_two_part"});
    return out;
  });
  if (accounts.empty()) return;

  const std::string this_month = billing::period_of_date(shanghai_date(now_millis()));
  const std::string first = std::to_string(billing::period_year(this_month) - 1) + "-01";
  // A summer and winter peak; the twelve factors average 1, so a year's bills sum to the annual figure.
  const double season[12] = {1.08, 0.92, 0.96, 0.94, 1.00, 1.06, 1.12, 1.14, 1.02, 0.94, 0.90, 0.92};
  billing::RawTable table;
  auto text = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return std::string(buf);
  };
  for (std::string period = first; period < this_month; period = billing::add_months(period, 1)) {
    const int month = std::stoi(period.substr(5, 2));
    const bool recent = billing::add_months(period, 2) >= this_month;
    for (const Account& a : accounts) {
      const double total = std::round(a.annual_kwh / 12.0 * season[month - 1] * (0.97 + 0.06 * uniform()) * 100.0) / 100.0;
      const double sharp = std::round(total * 0.08 * 100.0) / 100.0, peak = std::round(total * 0.32 * 100.0) / 100.0,
                   flat = std::round(total * 0.35 * 100.0) / 100.0;
      const double valley = std::round((total - sharp - peak - flat) * 100.0) / 100.0;
      const double price = a.two_part ? 0.62 : 0.71;  // yuan per kWh, basic charge included
      const auto amount = static_cast<std::int64_t>(std::llround(total * price * 100.0));
      // Most bills are paid; a few older ones and more of the last two months are not (yet).
      std::int64_t paid = amount;
      const double unpaid = uniform();
      if (unpaid < (recent ? 0.2 : 0.03)) paid = unpaid < (recent ? 0.1 : 0.015) ? 0 : amount / 2;
      billing::RawBill raw(billing::kColumnCount);
      auto set = [&](billing::Column c, std::string v) { raw[static_cast<std::size_t>(c)] = std::move(v); };
      set(billing::Column::account_no, a.account_no);
      set(billing::Column::period, period);
      set(billing::Column::kwh_sharp, text(sharp));
      set(billing::Column::kwh_peak, text(peak));
      set(billing::Column::kwh_flat, text(flat));
      set(billing::Column::kwh_valley, text(valley));
      set(billing::Column::kwh_total, text(total));
      if (a.two_part) {
        set(billing::Column::kvarh, text(std::round(total * 0.3)));
        set(billing::Column::max_demand_kw, text(std::round(total / 420.0)));
      }
      set(billing::Column::amount_fen, std::to_string(amount));
      set(billing::Column::paid_fen, std::to_string(paid));
      set(billing::Column::arrears_fen, std::to_string(amount - paid));
      table.rows.push_back(std::move(raw));
      table.row_numbers.push_back(static_cast<std::int64_t>(table.rows.size()));
    }
  }
  auto result = db.transaction([&](Connection& conn) {
    return billing::import_bills(conn, admin, billing::Source::api, "", "demo", table, now_millis());
  });
  spdlog::info("demo bills: {} rows for {} accounts ({} customers)", result.rows, accounts.size(), result.customers);
}

}  // namespace lianxin::app
