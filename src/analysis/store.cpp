#include "analysis/store.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <set>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "billing/rules.hpp"
#include "curves/codec.hpp"
#include "curves/stats.hpp"
#include "notify/notify.hpp"
#include "timeline/timeline.hpp"

namespace lianxin::analysis {

namespace bj = boost::json;
using storage::Connection;
using tariff::BasicMode;
using tariff::TouPeriod;

namespace {

int year_of(const std::string& period) { return std::stoi(period.substr(0, 4)); }

std::string add_days(const std::string& date, int days) {
  return shanghai_date(shanghai_midnight(date) + static_cast<Millis>(days) * 86'400'000 + 3'600'000);
}

const char* kind_zh(const std::string& kind) {
  if (kind == "sudden_drop") return "电量突降";
  if (kind == "zero_reading") return "电量为零";
  if (kind == "flat_curve") return "负荷曲线冻结";
  if (kind == "pf_anomaly") return "功率因数异常";
  if (kind == "reverse_energy") return "反向电量";
  return "用电异常";
}

void audit_json(Connection& conn, const auth::Principal& p, const char* action, const char* entity, std::int64_t id, const std::string& org_path,
                const bj::object& before, const bj::object& after) {
  audit::record(conn, p.actor(),
                {action, entity, std::to_string(id), org_path, before.empty() ? "" : bj::serialize(before), after.empty() ? "" : bj::serialize(after)});
}

bj::object options_json(const tariff::BillOptions& o) {
  return {{"basic_mode", tariff::basic_mode_code(o.basic_mode)},
          {"capacity_kva", o.capacity_kva},
          {"motor_kva", o.motor_kva},
          {"contract_demand_kw", o.contract_demand_kw},
          {"time_of_use", o.time_of_use}};
}

double num(const bj::object& o, const char* k, double fallback = 0) {
  auto* v = o.if_contains(k);
  if (!v) return fallback;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  return fallback;
}

}  // namespace

VisibleCustomer visible_customer(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  auto r = conn.query_one("SELECT name, org_path, COALESCE(industry_code, ''), manager_id, backup_manager_id, is_key_account FROM customers WHERE id = ?",
                          {customer_id});
  if (!r || !auth::customer_visible(p, r->str(1), r->opt_i64(3), r->opt_i64(4))) throw_not_found("customer");
  return {r->str(0), r->str(1), r->str(2), r->opt_i64(3), r->opt_i64(4), r->i64(5) != 0};
}

std::vector<AccountMonth> account_months(Connection& conn, std::int64_t account_id, const std::string& from, const std::string& to) {
  std::map<std::string, AccountMonth> by;
  for (auto& r : conn.query("SELECT period, kwh_sharp, kwh_peak, kwh_flat, kwh_valley, kwh_total, kvarh, max_demand_kw, amount_fen FROM bills "
                            "WHERE account_id = ? AND period >= ? AND period <= ?",
                            {account_id, from, to})) {
    AccountMonth& m = by[r.str(0)];
    m.facts.period = r.str(0);
    m.facts.kwh[tariff::period_index(TouPeriod::sharp)] = r.f64(1);
    m.facts.kwh[tariff::period_index(TouPeriod::peak)] = r.f64(2);
    m.facts.kwh[tariff::period_index(TouPeriod::flat)] = r.f64(3);
    m.facts.kwh[tariff::period_index(TouPeriod::valley)] = r.f64(4);
    const double rest = r.f64(5) - m.facts.total_kwh();
    if (rest > billing::kKwhTolerance) m.facts.kwh[tariff::period_index(TouPeriod::flat)] += rest;
    m.facts.kvarh = r.is_null(6) ? 0 : r.f64(6);
    m.facts.max_demand_kw = r.is_null(7) ? 0 : r.f64(7);
    m.amount_fen = r.i64(8);
    m.has_bill = true;
  }
  for (auto& r : conn.query("SELECT period, points, negatives, flat_points, kwh, max_kw FROM load_curves WHERE account_id = ? AND period >= ? "
                            "AND period <= ?",
                            {account_id, from, to})) {
    AccountMonth& m = by[r.str(0)];
    m.facts.period = r.str(0);
    m.has_curve = true;
    m.curve_points = static_cast<int>(r.i64(1));
    m.curve_negatives = static_cast<int>(r.i64(2));
    m.curve_flat_points = static_cast<int>(r.i64(3));
    m.curve_kwh = r.f64(4);
    // The curve's maximum 15-minute demand is the billing meter's maximum demand.
    if (m.curve_points > 0) m.facts.max_demand_kw = r.f64(5);
    if (!m.has_bill) m.facts.kwh[tariff::period_index(TouPeriod::flat)] = m.curve_kwh;
  }
  std::vector<AccountMonth> out;
  for (auto& [_, m] : by) out.push_back(std::move(m));
  return out;
}

std::string latest_month(Connection& conn, std::int64_t account_id) {
  auto r = conn.query_one(
      "SELECT MAX(p) FROM (SELECT MAX(period) AS p FROM bills WHERE account_id = ? UNION ALL SELECT MAX(period) AS p FROM load_curves "
      "WHERE account_id = ?) x",
      {account_id, account_id});
  return r && !r->is_null(0) ? r->str(0) : std::string();
}

std::optional<Priced> price_account(Connection& conn, const tariff::AccountFacts& a, const tariff::Settings& settings, const std::string& period,
                                    std::string& why) {
  auto table = tariff::table_on(conn, settings.province, period + "-01");
  if (!table) {
    auto all = tariff::load_tables(conn, settings.province);
    if (all.empty()) {
      why = "没有 " + settings.province + " 的电价表";
      return std::nullopt;
    }
    table = all.front();
  }
  const tariff::Rate* rate = tariff::find_rate(table->table, a.tariff_category, a.voltage_level);
  if (!rate) {
    why = "电价表“" + table->table.name + "”没有该户用电类别与电压等级的电价";
    return std::nullopt;
  }
  Priced out{*table, *rate, {}};
  auto& o = out.options;
  o.basic_mode = tariff::basic_mode_of(a.basic_charge_mode);
  o.capacity_kva = a.capacity_kva;
  o.motor_kva = a.profile.motor_kva;
  o.contract_demand_kw = a.profile.contract_demand_kw.value_or(0);
  // By contract demand without a recorded contract: bill at the 40 % floor, as the rules would.
  if (o.basic_mode == BasicMode::contract_demand && o.contract_demand_kw <= 0) o.contract_demand_kw = 0;
  o.pf_standard = tariff::account_pf_standard(a);
  o.pf_excludes_funds = settings.pf_excludes_funds;
  o.rules = settings.rules;
  o.time_of_use = rate->period_uyuan[tariff::period_index(TouPeriod::peak)].has_value();
  return out;
}

AdviceParams advice_params(const tariff::Settings& s) {
  AdviceParams a;
  a.actual_demand_allowed = s.actual_demand_allowed;
  a.pf_target_hundredths = s.pf_target_hundredths;
  a.tou_shift_pct = s.tou_shift_pct;
  a.capacity_use_pct = s.capacity_use_pct;
  a.suspension_max_months = s.suspension_max_months;
  return a;
}

std::int64_t refresh_advice(Connection& conn, const auth::Principal& p, std::int64_t customer_id, Millis now) {
  const auto c = visible_customer(conn, p, customer_id);
  const auto settings = tariff::load_settings(conn);
  const auto params = advice_params(settings);
  const std::string this_month = billing::period_of_date(shanghai_date(now));
  std::int64_t written = 0;
  for (auto& r : conn.query("SELECT id FROM accounts WHERE customer_id = ? AND status = 'active' ORDER BY id", {customer_id})) {
    const std::int64_t account_id = r.i64(0);
    auto a = tariff::load_account(conn, account_id);
    if (!a) continue;
    const std::string to = latest_month(conn, account_id);
    std::set<std::string> accepted;
    for (auto& k : conn.query("SELECT kind FROM usage_advice WHERE account_id = ? AND status = 'accepted' AND decided_at >= ?",
                              {account_id, now - 365LL * 86'400'000}))
      accepted.insert(k.str(0));
    conn.execute("UPDATE usage_advice SET status = 'superseded' WHERE account_id = ? AND status = 'proposed'", {account_id});
    if (to.empty()) continue;
    std::string why;
    auto priced = price_account(conn, *a, settings, to, why);
    if (!priced) continue;
    AccountInput in;
    in.rate = priced->rate;
    in.current = priced->options;
    for (auto& m : account_months(conn, account_id, billing::add_months(to, -11), to))
      if (m.has_bill || m.has_curve) in.months.push_back(m.facts);
    if (in.months.empty()) continue;
    for (const Recommendation& rec : advise(in, params)) {
      if (accepted.count(rec.kind)) continue;
      bj::array assumptions;
      for (auto& s : rec.assumptions) assumptions.push_back(bj::value(s));
      bj::array quarters;
      for (auto& q : rec.quarters) {
        bj::array periods;
        for (auto& x : q.periods) periods.push_back(bj::value(x));
        quarters.push_back(bj::object{{"quarter", q.quarter},
                                      {"periods", std::move(periods)},
                                      {"mode", tariff::basic_mode_code(q.best.mode)},
                                      {"contract_demand_kw", q.best.contract_demand_kw},
                                      {"fen", q.best.fen},
                                      {"current_fen", q.current_fen}});
      }
      bj::array suspend;
      for (auto& x : rec.suspend_periods) suspend.push_back(bj::value(x));
      // The peak share the time-of-use advice starts from (for its realised saving later).
      double peak = 0, total = 0;
      for (auto& m : in.months) {
        peak += m.kwh[tariff::period_index(TouPeriod::sharp)] + m.kwh[tariff::period_index(TouPeriod::peak)];
        total += m.total_kwh();
      }
      bj::object data{{"title_en", rec.title_en},
                      {"quarters", std::move(quarters)},
                      {"capacitor_kvar", rec.capacitor_kvar},
                      {"pf_before", rec.pf_before},
                      {"pf_after", rec.pf_after},
                      {"shift_kwh", rec.shift_kwh},
                      {"new_capacity_kva", rec.new_capacity_kva},
                      {"suspend_periods", std::move(suspend)},
                      {"peak_share", total > 0 ? peak / total : 0.0},
                      {"baseline", options_json(in.current)},
                      {"table_id", priced->table.table.id}};
      conn.execute(
          "INSERT INTO usage_advice(customer_id, account_id, kind, title, detail, assumptions, data, saving_fen, saving_kwh, basis_from, basis_to, "
          "status, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,'proposed',?)",
          {customer_id, account_id, rec.kind, rec.title_zh, rec.detail_zh, bj::serialize(assumptions), bj::serialize(data), rec.saving_fen,
           rec.saving_kwh, in.months.front().period, in.months.back().period, now});
      ++written;
    }
  }
  audit_json(conn, p, "refresh", "usage_advice", customer_id, c.org_path, {}, {{"proposals", written}, {"as_of", this_month}});
  return written;
}

void decide_advice(Connection& conn, const auth::Principal& p, std::int64_t advice_id, bool accept, const std::string& note,
                   const std::string& effective_from, int year, Millis now) {
  auto r = conn.query_one("SELECT customer_id, status, title, detail, saving_fen, saving_kwh, kind, account_id FROM usage_advice WHERE id = ?",
                          {advice_id});
  if (!r) throw_not_found("advice");
  const std::int64_t customer_id = r->i64(0);
  const auto c = visible_customer(conn, p, customer_id);
  if (r->str(1) != "proposed") throw AppError(ErrorCode::invalid_transition, "this advice was already decided or superseded");
  const std::string from = effective_from.empty() ? billing::add_months(billing::period_of_date(shanghai_date(now)), 1) : effective_from;
  const int plan_year = year > 0 ? year : year_of(from);
  std::optional<std::int64_t> plan_id;
  if (accept) {
    auto plan = conn.query_one("SELECT id, status, recommendations, total_saving_fen FROM usage_plans WHERE customer_id = ? AND year = ?",
                               {customer_id, std::int64_t{plan_year}});
    if (plan && plan->str(1) == "delivered")
      throw AppError(ErrorCode::invalid_transition, std::to_string(plan_year) + " 年用电策划已交付客户，不能再加入建议");
    bj::array recs;
    std::int64_t total = 0;
    if (plan) {
      auto parsed = bj::parse(plan->str(2));
      if (parsed.is_array()) recs = parsed.as_array();
      total = plan->i64(3);
    }
    recs.push_back(bj::object{{"text", r->str(2) + "：" + r->str(3)}, {"saving_kwh", r->f64(5)}, {"saving_fen", r->i64(4)}, {"advice_id", advice_id}});
    total += r->i64(4);
    if (plan) {
      plan_id = plan->i64(0);
      conn.execute("UPDATE usage_plans SET recommendations = ?, total_saving_fen = ?, updated_at = ? WHERE id = ?",
                   {bj::serialize(recs), total, now, *plan_id});
    } else {
      plan_id = conn.insert_returning_id(
          "INSERT INTO usage_plans(customer_id, year, title, summary, recommendations, total_saving_fen, status, created_by, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,'draft',?,?,?) RETURNING id",
          {customer_id, std::int64_t{plan_year}, std::to_string(plan_year) + " 年用电策划", std::string("由用电分析建议生成"), bj::serialize(recs), total,
           p.user_id, now, now});
    }
  }
  conn.execute("UPDATE usage_advice SET status = ?, plan_id = ?, effective_from = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?",
               {std::string(accept ? "accepted" : "rejected"), storage::opt_value(plan_id), accept ? storage::Value{from} : storage::Value{},
                p.user_id, now, storage::text_or_null(note), advice_id});
  timeline::Event e;
  e.customer_id = customer_id;
  e.kind = "usage_advice";
  e.source = "analysis";
  e.title = std::string(accept ? "采纳用电建议：" : "不采纳用电建议：") + r->str(2);
  e.body = r->str(3) + (note.empty() ? "" : "（" + note + "）");
  e.ref_entity = "usage_advice";
  e.ref_id = std::to_string(advice_id);
  timeline::add(conn, p.actor(), e);
  audit_json(conn, p, accept ? "accept" : "reject", "usage_advice", advice_id, c.org_path, {{"status", "proposed"}},
             {{"status", accept ? "accepted" : "rejected"}, {"plan_id", plan_id ? bj::value(*plan_id) : bj::value(nullptr)}, {"effective_from", from}});
}

std::vector<SavingMonth> realised_savings(Connection& conn, std::int64_t advice_id) {
  std::vector<SavingMonth> out;
  auto r = conn.query_one("SELECT account_id, kind, data, effective_from, saving_fen, status FROM usage_advice WHERE id = ?", {advice_id});
  if (!r || r->str(5) != "accepted" || r->is_null(3)) return out;
  const std::int64_t account_id = r->i64(0);
  const std::string kind = r->str(1), from = r->str(3);
  const std::int64_t expected = r->i64(4) / 12;
  auto parsed = bj::parse(r->str(2));
  if (!parsed.is_object()) return out;
  const auto& data = parsed.as_object();
  auto a = tariff::load_account(conn, account_id);
  if (!a) return out;
  const auto settings = tariff::load_settings(conn);
  for (auto& m : account_months(conn, account_id, from, billing::add_months(from, 11))) {
    if (!m.has_bill) continue;
    std::string why;
    auto priced = price_account(conn, *a, settings, m.facts.period, why);
    if (!priced) continue;
    const tariff::MonthUsage u = m.facts.usage();
    const tariff::Bill now_bill = tariff::reconstruct_bill(priced->rate, u, priced->options);
    std::int64_t realised = 0;
    if (kind == "basic_charge" || kind == "capacity_reduction" || kind == "suspension") {
      tariff::BillOptions before = priced->options;
      if (auto* b = data.if_contains("baseline"); b && b->is_object()) {
        const auto& bo = b->as_object();
        if (auto* mode = bo.if_contains("basic_mode"); mode && mode->is_string()) before.basic_mode = tariff::basic_mode_of(std::string(mode->as_string()));
        before.capacity_kva = num(bo, "capacity_kva", before.capacity_kva);
        before.contract_demand_kw = num(bo, "contract_demand_kw", before.contract_demand_kw);
      }
      realised = tariff::reconstruct_bill(priced->rate, u, before).basic_fen - now_bill.basic_fen;
    } else if (kind == "pf_correction") {
      const double pf = num(data, "pf_before") / 100.0;
      tariff::MonthUsage before = u;
      before.kvarh = pf > 0 && pf < 1 ? m.facts.total_kwh() * std::sqrt(1 - pf * pf) / pf : u.kvarh;
      realised = tariff::reconstruct_bill(priced->rate, before, priced->options).pf_fen - now_bill.pf_fen;
    } else if (kind == "tou_shift") {
      // The month's energy split as it was before: the peak share of the basis, the rest as now.
      const double share = num(data, "peak_share");
      const double total = m.facts.total_kwh();
      const double peak_now = u.kwh[tariff::period_index(TouPeriod::sharp)] + u.kwh[tariff::period_index(TouPeriod::peak)];
      const double moved = total * share - peak_now;  // positive: less peak energy than before
      tariff::MonthUsage before = u;
      if (peak_now > 0) {
        const double scale = (peak_now + moved) / peak_now;
        before.kwh[tariff::period_index(TouPeriod::sharp)] *= scale;
        before.kwh[tariff::period_index(TouPeriod::peak)] *= scale;
      }
      before.kwh[tariff::period_index(TouPeriod::valley)] = std::max(0.0, before.kwh[tariff::period_index(TouPeriod::valley)] - moved);
      realised = tariff::reconstruct_bill(priced->rate, before, priced->options).energy_fen - now_bill.energy_fen;
    }
    out.push_back({m.facts.period, expected, realised});
  }
  return out;
}

ScanResult scan_anomalies(Connection& conn, Millis now, const std::vector<std::int64_t>& customer_ids, int recent_months) {
  ScanResult out;
  const std::string this_month = billing::period_of_date(shanghai_date(now));
  const std::string from = billing::add_months(this_month, -15);
  const std::string recent_from = billing::add_months(this_month, -recent_months);
  const auto settings = tariff::load_settings(conn);
  const int review_days = settings.anomaly_review_days;
  AnomalyParams params;
  params.drop_ratio = settings.anomaly_drop_pct / 100.0;

  struct Acc {
    std::int64_t customer_id = 0;
    std::string account_no, customer_name, org_path, industry;
    std::optional<std::int64_t> manager_id;
    std::vector<MonthPoint> months;
  };
  std::map<std::int64_t, Acc> accounts;
  std::string filter;
  if (!customer_ids.empty()) {
    filter = " AND a.customer_id IN (";
    for (std::size_t i = 0; i < customer_ids.size(); ++i) filter += (i ? "," : "") + std::to_string(customer_ids[i]);
    filter += ")";
  }
  conn.query_each(
      "SELECT b.account_id, b.period, b.kwh_total, b.kvarh, a.customer_id, a.account_no, c.name, c.org_path, COALESCE(c.industry_code, ''), "
      "c.manager_id FROM bills b JOIN accounts a ON a.id = b.account_id JOIN customers c ON c.id = a.customer_id "
      "WHERE b.period >= ? AND c.status = 'active'" + filter + " ORDER BY b.account_id, b.period",
      {from}, [&](const storage::Row& r) {
        Acc& a = accounts[r.i64(0)];
        if (a.months.empty()) {
          a.customer_id = r.i64(4);
          a.account_no = r.str(5);
          a.customer_name = r.str(6);
          a.org_path = r.str(7);
          a.industry = r.str(8);
          a.manager_id = r.opt_i64(9);
        }
        MonthPoint m;
        m.period = r.str(1);
        m.kwh = r.f64(2);
        if (!r.is_null(3)) m.kvarh = r.f64(3);
        a.months.push_back(std::move(m));
      });
  // Curve summaries onto the months.
  for (auto& r : conn.query("SELECT account_id, period, points, negatives, flat_points FROM load_curves WHERE period >= ?", {from})) {
    auto it = accounts.find(r.i64(0));
    if (it == accounts.end()) continue;
    for (auto& m : it->second.months)
      if (m.period == r.str(1)) {
        m.has_curve = true;
        m.points = static_cast<int>(r.i64(2));
        m.negatives = static_cast<int>(r.i64(3));
        m.flat_points = static_cast<int>(r.i64(4));
      }
  }
  // How each industry moved each month: the median over its accounts of month / usual.
  std::map<std::string, std::map<std::string, std::vector<double>>> ratios;  // industry → period → ratios
  for (auto& [_, a] : accounts) {
    if (a.industry.empty()) continue;
    for (std::size_t i = 3; i < a.months.size(); ++i) {
      std::vector<double> h;
      for (std::size_t j = i > 6 ? i - 6 : 0; j < i; ++j) h.push_back(a.months[j].kwh);
      const double usual = median(h);
      if (usual > 0) ratios[a.industry][a.months[i].period].push_back(a.months[i].kwh / usual);
    }
  }
  std::map<std::string, std::map<std::string, PeerMove>> peers;
  for (auto& [industry, by] : ratios)
    for (auto& [period, list] : by) peers[industry][period] = {median(list), static_cast<int>(list.size()) - 1};

  const std::string due = add_days(shanghai_date(now), review_days);
  static const std::map<std::string, PeerMove> none;
  for (auto& [account_id, a] : accounts) {
    ++out.accounts;
    const auto found = detect_anomalies(a.months, a.industry.empty() ? none : peers[a.industry], params);
    for (const Anomaly& f : found) {
      ++out.found;
      if (f.period < recent_from) continue;
      const auto inserted = conn.execute(
          "INSERT INTO usage_anomalies(customer_id, account_id, org_path, kind, period, evidence, expected_kwh, actual_kwh, severity, owner_id, "
          "due_date, status, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,'open',?) ON CONFLICT (account_id, kind, period) DO NOTHING",
          {a.customer_id, account_id, a.org_path, f.kind, f.period, f.evidence_zh, f.expected_kwh, f.actual_kwh, std::int64_t{f.severity},
           storage::opt_value(a.manager_id), due, now});
      if (inserted == 0) continue;
      ++out.opened;
      if (a.manager_id) {
        notify::Notice n;
        n.user_id = *a.manager_id;
        n.kind = "usage_anomaly";
        n.params = {{"customer", a.customer_name}, {"account_no", a.account_no}, {"period", f.period}, {"kind", kind_zh(f.kind)},
                    {"evidence", f.evidence_zh}, {"due", due}, {"url", "/analysis/anomalies"}};
        n.ref_entity = "usage_anomaly";
        n.ref_id = std::to_string(account_id) + ":" + f.kind + ":" + f.period;
        n.dedupe_key = "usage_anomaly:" + n.ref_id;
        notify::enqueue(conn, n, now);
      }
    }
  }
  return out;
}

std::int64_t visible_anomaly_customer(Connection& conn, const auth::Principal& p, std::int64_t id) {
  auto r = conn.query_one("SELECT a.customer_id FROM usage_anomalies a WHERE a.id = ?", {id});
  if (!r) throw_not_found("anomaly");
  visible_customer(conn, p, r->i64(0));
  return r->i64(0);
}

std::int64_t review_anomaly(Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& result, const std::string& note, Millis now) {
  const std::int64_t customer_id = visible_anomaly_customer(conn, p, id);
  auto r = conn.query_one("SELECT status, org_path, kind, period FROM usage_anomalies WHERE id = ?", {id});
  if (r->str(0) != "open") throw AppError(ErrorCode::invalid_transition, "this anomaly was already reviewed");
  Validator v;
  if (result != "normal" && result != "theft_suspected") v.add("result", "核查结论应为 normal（正常）或 theft_suspected（疑似窃电）");
  if (note.empty()) v.add("note", "请填写现场核查情况");
  v.throw_if_failed("invalid review");
  conn.execute("UPDATE usage_anomalies SET status = ?, review_note = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?", {result, note, p.user_id, now, id});
  timeline::Event e;
  e.customer_id = customer_id;
  e.kind = "usage_anomaly";
  e.source = "analysis";
  e.title = std::string("用电异常核查（") + kind_zh(r->str(2)) + " " + r->str(3) + "）：" + (result == "normal" ? "正常" : "疑似窃电");
  e.body = note;
  e.ref_entity = "usage_anomaly";
  e.ref_id = std::to_string(id);
  timeline::add(conn, p.actor(), e);
  audit_json(conn, p, "review", "usage_anomaly", id, r->str(1), {{"status", "open"}}, {{"status", result}, {"note", note}});
  return customer_id;
}

std::int64_t confirm_theft(Connection& conn, const auth::Principal& p, std::int64_t id, const TheftConfirmation& c, Millis now) {
  const std::int64_t customer_id = visible_anomaly_customer(conn, p, id);
  auto r = conn.query_one("SELECT status, org_path, kind, period FROM usage_anomalies WHERE id = ?", {id});
  if (r->str(0) != "theft_suspected") throw AppError(ErrorCode::invalid_transition, "only a suspected theft can be confirmed or rejected");
  Validator v;
  if (c.note.empty()) v.add("note", "请填写用电检查结论");
  if (c.confirmed) {
    if (c.back_kwh <= 0) v.add("back_kwh", "请填写追补电量（千瓦时）");
    if (c.back_billing_fen <= 0) v.add("back_billing_fen", "请填写追补电费");
    if (c.penalty_fen < 0) v.add("penalty_fen", "违约使用电费不能为负");
  }
  v.throw_if_failed("invalid confirmation");
  const std::string status = c.confirmed ? "theft_confirmed" : "theft_rejected";
  conn.execute("UPDATE usage_anomalies SET status = ?, back_kwh = ?, back_billing_fen = ?, penalty_fen = ?, confirm_note = ?, confirmed_by = ?, "
               "confirmed_at = ? WHERE id = ?",
               {status, c.confirmed ? storage::Value{c.back_kwh} : storage::Value{}, c.confirmed ? storage::Value{c.back_billing_fen} : storage::Value{},
                c.confirmed ? storage::Value{c.penalty_fen} : storage::Value{}, c.note, p.user_id, now, id});
  timeline::Event e;
  e.customer_id = customer_id;
  e.kind = "usage_anomaly";
  e.source = "analysis";
  char amounts[160];
  std::snprintf(amounts, sizeof amounts, "追补电量 %.0f 千瓦时，追补电费 %.2f 元，违约使用电费 %.2f 元", c.back_kwh,
                static_cast<double>(c.back_billing_fen) / 100, static_cast<double>(c.penalty_fen) / 100);
  e.title = c.confirmed ? "窃电认定：" + std::string(amounts) : "经用电检查，排除窃电嫌疑";
  e.body = c.note;
  e.ref_entity = "usage_anomaly";
  e.ref_id = std::to_string(id);
  timeline::add(conn, p.actor(), e);
  audit_json(conn, p, c.confirmed ? "confirm" : "reject", "usage_anomaly", id, r->str(1), {{"status", "theft_suspected"}},
             {{"status", status}, {"back_kwh", c.back_kwh}, {"back_billing_fen", c.back_billing_fen}, {"penalty_fen", c.penalty_fen}});
  return customer_id;
}

}  // namespace lianxin::analysis
