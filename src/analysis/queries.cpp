#include "analysis/queries.hpp"

#include <boost/json.hpp>
#include <algorithm>
#include <cmath>

#include "analysis/store.hpp"
#include "auth/rules.hpp"
#include "billing/rules.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "curves/rules.hpp"
#include "storage/db.hpp"

namespace lianxin::analysis {

namespace bj = boost::json;
using storage::Connection;
using tariff::TouPeriod;

namespace {

double round2(double v) { return std::round(v * 100) / 100; }
double round4(double v) { return std::round(v * 10000) / 10000; }

bj::value opt_num(std::optional<double> v) { return v ? bj::value(*v) : bj::value(nullptr); }

bj::object month_json(const AccountMonth& m) {
  const double total = m.facts.total_kwh();
  const auto pf = tariff::power_factor(total, m.facts.kvarh);
  std::optional<double> load_factor;
  if (m.facts.max_demand_kw > 0) load_factor = round4(total / (m.facts.max_demand_kw * 24.0 * curves::days_in_month(std::stoi(m.facts.period.substr(0, 4)), std::stoi(m.facts.period.substr(5, 2)))));
  bj::object by;
  for (int i = 0; i < tariff::kPeriodCount; ++i) by[tariff::tou_period_code(static_cast<TouPeriod>(i))] = round2(m.facts.kwh[static_cast<std::size_t>(i)]);
  return {{"period", m.facts.period},
          {"kwh", round2(total)},
          {"kwh_by_period", std::move(by)},
          {"kvarh", round2(m.facts.kvarh)},
          {"power_factor", pf ? bj::value(*pf / 100.0) : bj::value(nullptr)},
          {"max_demand_kw", round2(m.facts.max_demand_kw)},
          {"load_factor", opt_num(load_factor)},
          {"amount_fen", json::nullable(m.amount_fen)},
          {"has_bill", m.has_bill},
          {"has_curve", m.has_curve},
          {"curve_negatives", m.curve_negatives},
          {"curve_flat_points", m.curve_flat_points}};
}

}  // namespace

bj::object customer_analysis(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const std::string& to) {
  const auto customer = visible_customer(conn, p, customer_id);
  const std::string& name = customer.name;
  const std::string& industry = customer.industry_code;
  bj::array accounts;
  for (auto& r : conn.query("SELECT id FROM accounts WHERE customer_id = ? AND status = 'active' ORDER BY account_no", {customer_id})) {
    auto a = tariff::load_account(conn, r.i64(0));
    if (!a) continue;
    const std::string end = to.empty() ? latest_month(conn, a->account_id) : to;
    bj::object acc{{"account_id", a->account_id},
                   {"account_no", a->account_no},
                   {"tariff_category", a->tariff_category},
                   {"voltage_level", a->voltage_level},
                   {"capacity_kva", a->capacity_kva},
                   {"basic_charge_mode", a->basic_charge_mode},
                   {"contract_demand_kw", a->profile.contract_demand_kw ? bj::value(*a->profile.contract_demand_kw) : bj::value(nullptr)}};
    if (end.empty()) {
      acc["months"] = bj::array{};
      acc["characteristics"] = nullptr;
      accounts.push_back(std::move(acc));
      continue;
    }
    const std::string from = billing::add_months(end, -11);
    const auto all = account_months(conn, a->account_id, billing::add_months(end, -23), end);
    bj::array months;
    double kwh = 0, prev_kwh = 0, kvarh = 0, peak = 0, valley = 0, max_kw = 0;
    std::string max_period;
    int prev_count = 0, lf_count = 0, curve_months = 0;
    double lf_sum = 0;
    for (const AccountMonth& m : all) {
      const double total = m.facts.total_kwh();
      if (m.facts.period < from) {
        prev_kwh += total;
        ++prev_count;
        continue;
      }
      auto j = month_json(m);
      if (auto* lf = j.if_contains("load_factor"); lf && lf->is_double()) {
        lf_sum += lf->as_double();
        ++lf_count;
      }
      months.push_back(std::move(j));
      kwh += total;
      kvarh += m.facts.kvarh;
      peak += m.facts.kwh[tariff::period_index(TouPeriod::sharp)] + m.facts.kwh[tariff::period_index(TouPeriod::peak)];
      valley += m.facts.kwh[tariff::period_index(TouPeriod::valley)] + m.facts.kwh[tariff::period_index(TouPeriod::deep)];
      if (m.facts.max_demand_kw > max_kw) {
        max_kw = m.facts.max_demand_kw;
        max_period = m.facts.period;
      }
      if (m.has_curve) ++curve_months;
    }
    const auto pf = tariff::power_factor(kwh, kvarh);
    bj::object ch{{"months", static_cast<std::int64_t>(months.size())},
                  {"from", from},
                  {"to", end},
                  {"kwh", round2(kwh)},
                  {"max_demand_kw", round2(max_kw)},
                  {"max_demand_period", max_period.empty() ? bj::value(nullptr) : bj::value(max_period)},
                  {"avg_load_factor", lf_count ? bj::value(round4(lf_sum / lf_count)) : bj::value(nullptr)},
                  {"peak_share", kwh > 0 ? bj::value(round4(peak / kwh)) : bj::value(nullptr)},
                  {"valley_share", kwh > 0 ? bj::value(round4(valley / kwh)) : bj::value(nullptr)},
                  {"power_factor", pf ? bj::value(*pf / 100.0) : bj::value(nullptr)},
                  {"utilisation", a->capacity_kva > 0 && max_kw > 0 ? bj::value(round4(max_kw / a->capacity_kva)) : bj::value(nullptr)},
                  {"kwh_per_kva", a->capacity_kva > 0 ? bj::value(round2(kwh / a->capacity_kva)) : bj::value(nullptr)},
                  {"previous_kwh", prev_count == 12 ? bj::value(round2(prev_kwh)) : bj::value(nullptr)},
                  {"yoy_change", prev_count == 12 && prev_kwh > 0 ? bj::value(round4(kwh / prev_kwh - 1)) : bj::value(nullptr)},
                  {"curve_months", curve_months}};
    // Peers: accounts of the same industry with bills over the same twelve months, by kWh per kVA.
    if (!industry.empty() && a->capacity_kva > 0) {
      std::vector<double> values;
      for (auto& row : conn.query("SELECT a.contract_capacity_kva, SUM(b.kwh_total) FROM bills b JOIN accounts a ON a.id = b.account_id "
                                  "JOIN customers c ON c.id = a.customer_id WHERE c.industry_code = ? AND b.period >= ? AND b.period <= ? "
                                  "AND a.contract_capacity_kva > 0 AND a.id <> ? GROUP BY a.id, a.contract_capacity_kva",
                                  {industry, from, end, a->account_id}))
        values.push_back(row.f64(1) / static_cast<double>(row.i64(0)));
      if (!values.empty()) {
        const double mine = kwh / a->capacity_kva;
        const auto below = std::count_if(values.begin(), values.end(), [&](double v) { return v < mine; });
        ch["peers"] = bj::object{{"industry_code", industry},
                                 {"accounts", static_cast<std::int64_t>(values.size())},
                                 {"median_kwh_per_kva", round2(median(values))},
                                 {"percentile", round4(static_cast<double>(below) / static_cast<double>(values.size()))}};
      }
    }
    acc["months"] = std::move(months);
    acc["characteristics"] = std::move(ch);
    accounts.push_back(std::move(acc));
  }
  return {{"customer_id", customer_id}, {"customer_name", name}, {"industry_code", industry}, {"accounts", std::move(accounts)}};
}

bj::object advice_list(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  visible_customer(conn, p, customer_id);
  bj::array items;
  std::int64_t proposed_total = 0, accepted_total = 0, realised_total = 0;
  for (auto& r : conn.query(
           "SELECT v.id, v.account_id, a.account_no, v.kind, v.title, v.detail, v.assumptions, v.data, v.saving_fen, v.saving_kwh, v.basis_from, "
           "v.basis_to, v.status, v.plan_id, v.effective_from, COALESCE(u.display_name, ''), v.decided_at, v.decision_note, v.created_at "
           "FROM usage_advice v JOIN accounts a ON a.id = v.account_id LEFT JOIN users u ON u.id = v.decided_by "
           "WHERE v.customer_id = ? AND v.status <> 'superseded' ORDER BY CASE v.status WHEN 'proposed' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END, "
           "v.saving_fen DESC, v.id",
           {customer_id})) {
    const std::string status = r.str(12);
    bj::object o{{"id", r.i64(0)},
                 {"account_id", r.i64(1)},
                 {"account_no", r.str(2)},
                 {"kind", r.str(3)},
                 {"title", r.str(4)},
                 {"detail", r.str(5)},
                 {"assumptions", json::parse_or_null(r.str(6))},
                 {"data", json::parse_or_null(r.str(7))},
                 {"saving_fen", r.i64(8)},
                 {"saving_kwh", r.f64(9)},
                 {"basis_from", r.str(10)},
                 {"basis_to", r.str(11)},
                 {"status", status},
                 {"plan_id", json::nullable(r.opt_i64(13))},
                 {"effective_from", json::nullable(r.opt_str(14))},
                 {"decided_by", r.str(15)},
                 {"decided_at", json::instant_or_null(r.opt_i64(16))},
                 {"decision_note", json::nullable(r.opt_str(17))},
                 {"created_at", format_iso_utc(r.i64(18))}};
    if (status == "proposed") proposed_total += r.i64(8);
    if (status == "accepted") {
      accepted_total += r.i64(8);
      bj::array months;
      std::int64_t realised = 0, expected = 0;
      for (auto& s : realised_savings(conn, r.i64(0))) {
        months.push_back(bj::object{{"period", s.period}, {"expected_fen", s.expected_fen}, {"realised_fen", s.realised_fen}});
        realised += s.realised_fen;
        expected += s.expected_fen;
      }
      o["savings"] = bj::object{{"months", std::move(months)}, {"expected_fen", expected}, {"realised_fen", realised}};
      realised_total += realised;
    }
    items.push_back(std::move(o));
  }
  return {{"customer_id", customer_id},
          {"items", std::move(items)},
          {"proposed_saving_fen", proposed_total},
          {"accepted_saving_fen", accepted_total},
          {"realised_saving_fen", realised_total}};
}

bj::object anomaly_list(Connection& conn, const auth::Principal& p, const AnomalyFilter& f) {
  std::string where = " WHERE 1 = 1";
  storage::Params params;
  const auto scope = auth::customer_scope(p);
  where += " AND x.org_path LIKE ?";
  params.push_back(storage::escape_like(scope.org_path_prefix) + "%");
  if (f.status) {
    if (*f.status == "live") where += " AND x.status IN ('open','theft_suspected')";
    else {
      where += " AND x.status = ?";
      params.push_back(*f.status);
    }
  }
  if (f.customer_id) {
    where += " AND x.customer_id = ?";
    params.push_back(*f.customer_id);
  }
  if (f.mine) {
    where += " AND x.owner_id = ?";
    params.push_back(p.user_id);
  }
  bj::array items;
  std::int64_t shown = 0;
  // Managers restricted to their own customers see only those (the scope's manager rule).
  for (auto& r : conn.query(
           "SELECT x.id, x.customer_id, c.name, x.account_id, a.account_no, x.kind, x.period, x.evidence, x.expected_kwh, x.actual_kwh, x.severity, "
           "COALESCE(o.display_name, ''), x.due_date, x.status, x.review_note, x.back_kwh, x.back_billing_fen, x.penalty_fen, x.confirm_note, "
           "x.created_at, c.org_path, c.manager_id, c.backup_manager_id, "
           "(SELECT CASE WHEN SUM(b.kwh_total) > 0 THEN SUM(b.amount_fen) / SUM(b.kwh_total) END FROM bills b WHERE b.account_id = x.account_id), "
           "x.owner_id "
           "FROM usage_anomalies x JOIN customers c ON c.id = x.customer_id JOIN accounts a ON a.id = x.account_id "
           "LEFT JOIN users o ON o.id = x.owner_id" +
               where + " ORDER BY CASE x.status WHEN 'open' THEN 0 WHEN 'theft_suspected' THEN 1 ELSE 2 END, x.severity DESC, x.period DESC, x.id",
           params)) {
    if (!auth::customer_visible(p, r.str(20), r.opt_i64(21), r.opt_i64(22))) continue;
    ++shown;
    if (shown <= (f.page - 1) * f.page_size || shown > f.page * f.page_size) continue;
    // An estimate for the inspection: the missing energy at the account's average price so far.
    bj::value estimate = nullptr;
    // (Only for the kinds where energy went unmetered.)
    const std::string kind = r.str(5);
    const bool energy_missing = kind == "sudden_drop" || kind == "zero_reading" || kind == "flat_curve";
    if (energy_missing && !r.is_null(23) && r.f64(8) > r.f64(9))
      estimate = static_cast<std::int64_t>(std::llround((r.f64(8) - r.f64(9)) * r.f64(23)));
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"customer_id", r.i64(1)},
                               {"customer_name", r.str(2)},
                               {"account_id", r.i64(3)},
                               {"account_no", r.str(4)},
                               {"kind", r.str(5)},
                               {"period", r.str(6)},
                               {"evidence", r.str(7)},
                               {"expected_kwh", round2(r.f64(8))},
                               {"actual_kwh", round2(r.f64(9))},
                               {"severity", r.i64(10)},
                               {"owner", r.str(11)},
                               {"owner_id", json::nullable(r.opt_i64(24))},
                               {"due_date", r.str(12)},
                               {"status", r.str(13)},
                               {"review_note", json::nullable(r.opt_str(14))},
                               {"back_kwh", r.is_null(15) ? bj::value(nullptr) : bj::value(r.f64(15))},
                               {"back_billing_fen", json::nullable(r.opt_i64(16))},
                               {"penalty_fen", json::nullable(r.opt_i64(17))},
                               {"confirm_note", json::nullable(r.opt_str(18))},
                               {"created_at", format_iso_utc(r.i64(19))},
                               {"estimated_back_fen", estimate}});
  }
  return json::list_envelope(std::move(items), shown, f.page, f.page_size);
}

}  // namespace lianxin::analysis
