#include "analysis/advice.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace lianxin::analysis {

using tariff::BasicMode;
using tariff::TouPeriod;

namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// Fen as yuan with two decimals and thousands separators: 2479910303 -> "24,799,103.03".
std::string yuan(std::int64_t fen) {
  const bool negative = fen < 0;
  const std::uint64_t v = static_cast<std::uint64_t>(negative ? -fen : fen);
  std::string whole = std::to_string(v / 100);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(static_cast<std::size_t>(i), ",");
  char cents[4];
  std::snprintf(cents, sizeof cents, "%02d", static_cast<int>(v % 100));
  return (negative ? "-" : "") + whole + "." + cents;
}

const char* mode_zh(BasicMode m) {
  switch (m) {
    case BasicMode::capacity: return "按变压器容量";
    case BasicMode::contract_demand: return "按合同最大需量";
    case BasicMode::actual_demand: return "按实际最大需量";
  }
  return "";
}

int quarter_of(const std::string& period) { return (std::stoi(period.substr(5, 2)) - 1) / 3 + 1; }

double tan_of_pf(double pf) { return pf >= 1.0 ? 0.0 : std::sqrt(1.0 - pf * pf) / pf; }

// A whole number with thousands separators.
std::string group(double v) {
  std::string s = fmt("%.0f", v);
  const std::size_t start = s[0] == '-' ? 1 : 0;
  for (int i = static_cast<int>(s.size()) - 3; i > static_cast<int>(start); i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

}  // namespace

double MonthFacts::total_kwh() const {
  double s = 0;
  for (double k : kwh) s += k;
  return s;
}

tariff::MonthUsage MonthFacts::usage() const {
  tariff::MonthUsage u;
  u.kwh = kwh;
  u.kvarh = kvarh;
  u.max_demand_kw = max_demand_kw;
  return u;
}

const std::vector<double>& standard_transformer_sizes() {
  static const std::vector<double> sizes = {30,   50,   63,   80,   100,  125,  160,  200,   250,   315,   400,   500,   630,  800,
                                            1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000};
  return sizes;
}

double standard_size_at_least(double kva) {
  for (double s : standard_transformer_sizes())
    if (s >= kva) return s;
  return 0;
}

std::int64_t basic_cost(const DemandMonth* months, int n, BasicMode mode, double contract_kw, const BasicCase& c) {
  std::int64_t fen = 0;
  tariff::BasicChargeInput in;
  in.mode = mode;
  in.capacity_kva = c.capacity_kva;
  in.motor_kva = c.motor_kva;
  in.contract_demand_kw = contract_kw;
  in.capacity_price_fen = c.capacity_price_fen;
  in.demand_price_fen = c.demand_price_fen;
  for (int i = 0; i < n; ++i) {
    in.max_demand_kw = months[i].max_demand_kw;
    in.month_kwh = months[i].kwh;
    fen += tariff::basic_charge(in, c.rules).fen;
  }
  return fen;
}

BasicChoice best_basic_charge(const DemandMonth* months, int n, const BasicCase& c) {
  BasicChoice best{BasicMode::capacity, 0, basic_cost(months, n, BasicMode::capacity, 0, c)};
  // Contract demand: the cost falls while a month exceeds 105 % and rises after, so the optimum is
  // at a month's break point or at the floor.
  const double floor = std::ceil(c.rules.min_contract_ratio * (c.capacity_kva + c.motor_kva) - 1e-9);
  auto try_contract = [&](double level) {
    level = std::max(level, floor);
    if (level <= 0) return;
    const std::int64_t fen = basic_cost(months, n, BasicMode::contract_demand, level, c);
    if (fen < best.fen || (fen == best.fen && best.mode == BasicMode::contract_demand && level < best.contract_demand_kw))
      best = {BasicMode::contract_demand, level, fen};
  };
  try_contract(floor);
  for (int i = 0; i < n; ++i) try_contract(std::ceil(months[i].max_demand_kw / c.rules.over_contract_threshold - 1e-9));
  if (c.actual_demand_allowed) {
    const std::int64_t fen = basic_cost(months, n, BasicMode::actual_demand, 0, c);
    if (fen < best.fen) best = {BasicMode::actual_demand, 0, fen};
  }
  return best;
}

std::vector<Recommendation> advise(const AccountInput& in, const AdviceParams& params) {
  std::vector<Recommendation> out;
  std::vector<MonthFacts> months = in.months;
  if (months.size() > 12) months.erase(months.begin(), months.end() - 12);
  if (months.size() < 3) return out;
  const double n = static_cast<double>(months.size());
  const double to_year = 12.0 / n;
  const std::string basis = months.size() == 12 ? "以近 12 个月（" + months.front().period + " 至 " + months.back().period + "）的实际用电估算"
                                                : "以近 " + std::to_string(months.size()) + " 个月的实际用电按全年折算";
  const tariff::Rate& rate = in.rate;
  const tariff::BillOptions& cur = in.current;

  // ---- basic charge per quarter ----
  if (rate.two_part() && rate.capacity_fen && rate.demand_fen) {
    BasicCase c;
    c.capacity_kva = cur.capacity_kva;
    c.motor_kva = cur.motor_kva;
    c.capacity_price_fen = *rate.capacity_fen;
    c.demand_price_fen = *rate.demand_fen;
    c.rules = cur.rules;
    c.actual_demand_allowed = params.actual_demand_allowed;
    std::map<int, std::vector<std::size_t>> by_quarter;
    for (std::size_t i = 0; i < months.size(); ++i) by_quarter[quarter_of(months[i].period)].push_back(i);
    Recommendation r;
    r.kind = "basic_charge";
    r.title_zh = "基本电费计费方式与合同需量优化";
    r.title_en = "Basic-charge mode and contract demand";
    std::int64_t current = 0, best = 0;
    bool changes = false;
    for (auto& [q, idx] : by_quarter) {
      std::vector<DemandMonth> dm;
      QuarterChoice qc;
      qc.quarter = q;
      for (std::size_t i : idx) {
        dm.push_back({months[i].max_demand_kw, months[i].total_kwh()});
        qc.periods.push_back(months[i].period);
      }
      const int count = static_cast<int>(dm.size());
      qc.current_fen = basic_cost(dm.data(), count, cur.basic_mode, cur.contract_demand_kw, c);
      qc.best = best_basic_charge(dm.data(), count, c);
      if (qc.best.fen >= qc.current_fen) {  // keep what the account has when nothing is cheaper
        qc.best = {cur.basic_mode, cur.contract_demand_kw, qc.current_fen};
      } else {
        changes = true;
      }
      current += qc.current_fen;
      best += qc.best.fen;
      r.quarters.push_back(std::move(qc));
    }
    r.saving_fen = static_cast<std::int64_t>(std::llround(static_cast<double>(current - best) * to_year));
    if (changes && r.saving_fen > 0) {
      std::string detail = "现行" + std::string(mode_zh(cur.basic_mode));
      if (cur.basic_mode == BasicMode::contract_demand)
        detail += cur.contract_demand_kw > 0 ? fmt("（合同需量 %.0f 千瓦）", cur.contract_demand_kw) : std::string("（未登记合同需量，按容量的 40% 核定）");
      detail += "。建议：";
      for (auto& q : r.quarters) {
        detail += "第" + std::to_string(q.quarter) + "季度" + mode_zh(q.best.mode);
        if (q.best.mode == BasicMode::contract_demand) detail += fmt(" %.0f 千瓦", q.best.contract_demand_kw);
        detail += "；";
      }
      r.detail_zh = detail + "预计每年节约基本电费 " + yuan(r.saving_fen) + " 元。";
      r.assumptions = {basis + "，各季度最大需量与去年同期相同",
                       "计费方式按季变更，须在下季度开始前 15 个工作日申请；合同最大需量按月变更，须提前 5 个工作日申请（发改办价格〔2016〕1583号）",
                       "超过合同需量 105% 的部分按两倍计收，合同需量不低于容量的 40%"};
      out.push_back(std::move(r));
    }
  }

  // ---- time-of-use shifting ----
  const auto& pp = rate.period_uyuan;
  const auto valley = pp[tariff::period_index(TouPeriod::valley)];
  if (cur.time_of_use && valley && params.tou_shift_pct > 0) {
    double shift_sharp = 0, shift_peak = 0;
    for (auto& m : months) {
      shift_sharp += m.kwh[tariff::period_index(TouPeriod::sharp)] * params.tou_shift_pct / 100.0;
      shift_peak += m.kwh[tariff::period_index(TouPeriod::peak)] * params.tou_shift_pct / 100.0;
    }
    std::int64_t fen = 0;
    if (auto s = pp[tariff::period_index(TouPeriod::sharp)]) fen += tariff::energy_fen(shift_sharp, *s - *valley);
    if (auto p = pp[tariff::period_index(TouPeriod::peak)]) fen += tariff::energy_fen(shift_peak, *p - *valley);
    Recommendation r;
    r.kind = "tou_shift";
    r.title_zh = "错峰用电（峰段负荷移至低谷）";
    r.title_en = "Shift peak load to valley hours";
    r.shift_kwh = (shift_sharp + shift_peak) * to_year;
    r.saving_kwh = 0;  // the energy moves, it is not saved
    r.saving_fen = static_cast<std::int64_t>(std::llround(static_cast<double>(fen) * to_year));
    r.detail_zh = "将尖峰、高峰时段 " + std::to_string(params.tou_shift_pct) + "% 的用电量（每年约 " + group(r.shift_kwh) +
                  " 千瓦时）调整到低谷时段，预计每年节约电费 " + yuan(r.saving_fen) + " 元。";
    r.assumptions = {basis, "可调整比例为尖峰、高峰电量的 " + std::to_string(params.tou_shift_pct) + "%（本公司假设，可在电价参数中修改）",
                     "按现行分时电价的峰谷价差计算，不含生产组织调整的成本"};
    if (r.saving_fen > 0) out.push_back(std::move(r));
  }

  // ---- power-factor correction ----
  if (cur.pf_standard) {
    const double target = params.pf_target_hundredths / 100.0;
    double kwh_sum = 0, kvarh_sum = 0, max_kw = 0;
    std::int64_t now_fen = 0, after_fen = 0;
    for (auto& m : months) {
      tariff::MonthUsage u = m.usage();
      now_fen += tariff::reconstruct_bill(rate, u, cur).pf_fen;
      u.kvarh = std::min(m.kvarh, m.total_kwh() * tan_of_pf(target));
      after_fen += tariff::reconstruct_bill(rate, u, cur).pf_fen;
      kwh_sum += m.total_kwh();
      kvarh_sum += m.kvarh;
      max_kw = std::max(max_kw, m.max_demand_kw);
    }
    const auto pf_now = tariff::power_factor(kwh_sum, kvarh_sum);
    if (pf_now && *pf_now < params.pf_target_hundredths && now_fen > after_fen) {
      Recommendation r;
      r.kind = "pf_correction";
      r.title_zh = "无功补偿（提高功率因数）";
      r.title_en = "Reactive power compensation";
      if (max_kw <= 0) max_kw = kwh_sum / (n * 720.0);
      r.capacitor_kvar = std::ceil(max_kw * (tan_of_pf(*pf_now / 100.0) - tan_of_pf(target)) / 10.0) * 10.0;
      r.pf_before = *pf_now;
      r.pf_after = params.pf_target_hundredths;
      r.saving_fen = static_cast<std::int64_t>(std::llround(static_cast<double>(now_fen - after_fen) * to_year));
      r.detail_zh = "全年平均功率因数 " + fmt("%.2f", *pf_now / 100.0) + "，加装约 " + group(r.capacitor_kvar) +
                    " 千乏无功补偿装置使功率因数达到 " + fmt("%.2f", target) + "，预计每年减少力调电费 " + yuan(r.saving_fen) + " 元。";
      r.assumptions = {basis, std::string("考核标准 ") + tariff::pf_standard_code(*cur.pf_standard) + "，按《功率因数调整电费办法》计算",
                       "补偿容量 = 最大需量 × (tanφ1 − tanφ2)，取整到 10 千乏；设备投资未计入"};
      out.push_back(std::move(r));
    }
  }

  // ---- capacity reduction and suspension (capacity billing) ----
  if (rate.two_part() && rate.capacity_fen && cur.basic_mode == BasicMode::capacity && cur.capacity_kva > 0) {
    double max_kw = 0, kwh_sum = 0;
    for (auto& m : months) {
      max_kw = std::max(max_kw, m.max_demand_kw);
      kwh_sum += m.total_kwh();
    }
    if (max_kw > 0 && max_kw < cur.capacity_kva * params.capacity_use_pct / 100.0) {
      const double needed = max_kw / (params.pf_target_hundredths / 100.0) / 0.8;
      const double size = standard_size_at_least(needed);
      if (size > 0 && size < cur.capacity_kva) {
        Recommendation r;
        r.kind = "capacity_reduction";
        r.title_zh = "减容（变压器容量长期利用率低）";
        r.title_en = "Reduce the contracted capacity";
        r.new_capacity_kva = size;
        r.saving_fen = static_cast<std::int64_t>(std::llround((cur.capacity_kva - size) * static_cast<double>(*rate.capacity_fen) * 12));
        r.detail_zh = "近一年最大需量 " + fmt("%.0f", max_kw) + " 千瓦，仅为合同容量 " + fmt("%.0f", cur.capacity_kva) +
                      " 千伏安的 " + fmt("%.0f", max_kw / cur.capacity_kva * 100) + "%。可减容至 " + fmt("%.0f", size) +
                      " 千伏安，每年节约基本电费 " + yuan(r.saving_fen) + " 元。";
        r.assumptions = {basis, "减容后变压器在最大需量时负载率不超过 80%，功率因数按 " + fmt("%.2f", params.pf_target_hundredths / 100.0),
                         "减容须整台或整组变压器，提前 5 个工作日申请；两年内恢复按减容恢复办理", "与基本电费方式优化不叠加计算"};
        out.push_back(std::move(r));
      }
    }
    const double avg = kwh_sum / n;
    std::vector<std::string> idle;
    for (auto& m : months)
      if (avg > 0 && m.total_kwh() < avg * 0.1 && static_cast<int>(idle.size()) < params.suspension_max_months) idle.push_back(m.period);
    if (!idle.empty()) {
      Recommendation r;
      r.kind = "suspension";
      r.title_zh = "暂停（季节性停产月份）";
      r.title_en = "Suspend transformers in idle months";
      r.suspend_periods = idle;
      r.saving_fen = static_cast<std::int64_t>(
          std::llround(cur.capacity_kva * static_cast<double>(*rate.capacity_fen) * static_cast<double>(idle.size()) * to_year));
      std::string list;
      for (auto& p : idle) list += (list.empty() ? "" : "、") + p;
      r.detail_zh = list + " 用电量不足月均的 10%，停产期间办理暂停可免收基本电费，每年约 " + yuan(r.saving_fen) + " 元。";
      r.assumptions = {basis, "每次暂停不少于 15 天，每年累计不超过 " + std::to_string(params.suspension_max_months) + " 个月，提前 5 个工作日申请",
                       "自设备加封之日起免收基本电费；须整台或整组变压器"};
      out.push_back(std::move(r));
    }
  }

  std::stable_sort(out.begin(), out.end(), [](const Recommendation& a, const Recommendation& b) { return a.saving_fen > b.saving_fen; });
  return out;
}

}  // namespace lianxin::analysis
