#include "tariff/bill.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace lianxin::tariff {

namespace {

bool valid_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  const int y = std::stoi(d.substr(0, 4)), m = std::stoi(d.substr(5, 2)), day = std::stoi(d.substr(8, 2));
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || day < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

const char* period_zh(TouPeriod p) {
  switch (p) {
    case TouPeriod::sharp: return "尖峰";
    case TouPeriod::peak: return "高峰";
    case TouPeriod::flat: return "平段";
    case TouPeriod::valley: return "低谷";
    case TouPeriod::deep: return "深谷";
  }
  return "平段";
}

constexpr TouPeriod kPeriods[] = {TouPeriod::sharp, TouPeriod::peak, TouPeriod::flat, TouPeriod::valley, TouPeriod::deep};

std::int64_t round_fen(double fen) { return static_cast<std::int64_t>(std::llround(fen)); }

}  // namespace

bool validity_overlaps(const std::string& from_a, const std::string& to_a, const std::string& from_b, const std::string& to_b) {
  // [from_a, to_a] and [from_b, to_b] share a day unless one ends before the other starts.
  if (!to_a.empty() && to_a < from_b) return false;
  if (!to_b.empty() && to_b < from_a) return false;
  return true;
}

bool table_in_force(const TariffTable& t, const std::string& date) {
  return t.valid_from <= date && (t.valid_to.empty() || date <= t.valid_to);
}

std::array<bool, kPeriodCount> periods_used(const TouSchedule& s) {
  std::array<bool, kPeriodCount> used{};
  for (int month = 1; month <= 12; ++month)
    for (int minute = 0; minute < 1440; minute += 15) used[period_index(period_at(s, month, minute))] = true;
  return used;
}

std::vector<FieldIssue> table_problems(const TariffTable& t, const std::vector<TariffTable>& others) {
  std::vector<FieldIssue> issues;
  auto add = [&](std::string field, std::string message) { issues.push_back({std::move(field), std::move(message), 0}); };
  if (t.province.empty()) add("province", "请填写省份");
  if (t.name.empty()) add("name", "请填写电价表名称");
  const bool from_ok = valid_date(t.valid_from);
  if (!from_ok) add("valid_from", "执行起始日期应为 YYYY-MM-DD");
  const bool to_ok = t.valid_to.empty() || valid_date(t.valid_to);
  if (!to_ok) add("valid_to", "执行截止日期应为 YYYY-MM-DD，或留空表示长期有效");
  if (from_ok && to_ok && !t.valid_to.empty() && t.valid_to < t.valid_from) add("valid_to", "执行截止日期早于起始日期");
  if (from_ok && to_ok) {
    for (const TariffTable& o : others) {
      if (o.id == t.id || o.province != t.province) continue;
      if (validity_overlaps(t.valid_from, t.valid_to, o.valid_from, o.valid_to))
        add("valid_from", "执行期与电价表“" + o.name + "”（" + o.valid_from + " 至 " + (o.valid_to.empty() ? "长期" : o.valid_to) +
                              "）重叠");
    }
  }
  if (t.schedule) {
    for (const std::string& p : schedule_problems(*t.schedule)) add("tou_schedule", "分时时段有误：" + p);
  }
  if (t.rates.empty()) add("rates", "电价表至少需要一行电价");
  const auto used = t.schedule ? periods_used(*t.schedule) : std::array<bool, kPeriodCount>{};
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < t.rates.size(); ++i) {
    const Rate& r = t.rates[i];
    const std::string at = "rates[" + std::to_string(i) + "].";
    if (r.category.empty()) add(at + "category", "请填写用电类别");
    if (r.voltage_levels.empty()) add(at + "voltage_levels", "请填写电压等级");
    for (const std::string& v : r.voltage_levels)
      if (!seen.insert({r.category, v}).second) add(at + "voltage_levels", "用电类别与电压等级 " + v + " 重复");
    if (r.energy_uyuan <= 0) add(at + "energy_price", "不分时电度电价须大于零");
    if (r.funds_uyuan < 0 || r.funds_uyuan > r.energy_uyuan) add(at + "funds_price", "政府性基金及附加应在 0 与电度电价之间");
    if (t.schedule) {
      for (TouPeriod p : kPeriods) {
        const auto& price = r.period_uyuan[period_index(p)];
        if (used[period_index(p)] && !price)
          add(at + tou_period_code(p) + "_price", std::string("分时时段含") + period_zh(p) + "，缺少" + period_zh(p) + "电价");
        if (price && *price <= 0) add(at + tou_period_code(p) + "_price", std::string(period_zh(p)) + "电价须大于零");
      }
    }
    if (r.two_part()) {
      if (!r.demand_fen || *r.demand_fen <= 0) add(at + "demand_price", "两部制电价缺少需量电价");
      if (!r.capacity_fen || *r.capacity_fen <= 0) add(at + "capacity_price", "两部制电价缺少容量电价");
    }
  }
  return issues;
}

const Rate* find_rate(const TariffTable& t, const std::string& category, const std::string& voltage_level) {
  for (const Rate& r : t.rates) {
    if (r.category != category) continue;
    for (const std::string& v : r.voltage_levels)
      if (v == voltage_level) return &r;
  }
  return nullptr;
}

double MonthUsage::total_kwh() const {
  double sum = 0;
  for (double k : kwh) sum += k;
  return sum;
}

std::int64_t energy_fen(double kwh, Uyuan price) {
  // 1 fen = 10,000 micro-yuan.
  return round_fen(kwh * static_cast<double>(price) / 10000.0);
}

const char* line_label_zh(const std::string& code) {
  if (code == "energy_sharp") return "尖峰电度电费";
  if (code == "energy_peak") return "高峰电度电费";
  if (code == "energy_flat") return "平段电度电费";
  if (code == "energy_valley") return "低谷电度电费";
  if (code == "energy_deep") return "深谷电度电费";
  if (code == "energy") return "电度电费";
  if (code == "basic_capacity") return "基本电费（按容量）";
  if (code == "basic_demand") return "基本电费（按需量）";
  if (code == "basic_excess") return "基本电费（超合同需量105%部分加倍）";
  if (code == "pf_adjustment") return "功率因数调整电费";
  return "其他";
}

const char* line_label_en(const std::string& code) {
  if (code == "energy_sharp") return "Energy, sharp peak";
  if (code == "energy_peak") return "Energy, peak";
  if (code == "energy_flat") return "Energy, flat";
  if (code == "energy_valley") return "Energy, valley";
  if (code == "energy_deep") return "Energy, deep valley";
  if (code == "energy") return "Energy";
  if (code == "basic_capacity") return "Basic charge (capacity)";
  if (code == "basic_demand") return "Basic charge (demand)";
  if (code == "basic_excess") return "Basic charge (demand above 105 %, double)";
  if (code == "pf_adjustment") return "Power-factor adjustment";
  return "Other";
}

Bill reconstruct_bill(const Rate& rate, const MonthUsage& u, const BillOptions& o) {
  Bill bill;
  const double total_kwh = u.total_kwh();
  // Energy.
  if (o.time_of_use) {
    for (TouPeriod p : kPeriods) {
      const double kwh = u.kwh[period_index(p)];
      if (kwh == 0) continue;
      Uyuan price = rate.energy_uyuan;
      if (const auto& pp = rate.period_uyuan[period_index(p)]) {
        price = *pp;
      } else {
        bill.notes.push_back(std::string(period_zh(p)) + "无分时电价，按不分时电价计");
      }
      const std::int64_t fen = energy_fen(kwh, price);
      bill.lines.push_back({std::string("energy_") + tou_period_code(p), kwh, "kWh", static_cast<double>(price) / 1e6, fen});
      bill.energy_fen += fen;
    }
  } else if (total_kwh != 0) {
    const std::int64_t fen = energy_fen(total_kwh, rate.energy_uyuan);
    bill.lines.push_back({"energy", total_kwh, "kWh", static_cast<double>(rate.energy_uyuan) / 1e6, fen});
    bill.energy_fen += fen;
  }
  bill.funds_fen = energy_fen(total_kwh, rate.funds_uyuan);

  // Basic charge (two-part only).
  if (rate.two_part()) {
    BasicChargeInput in;
    in.mode = o.basic_mode;
    in.capacity_kva = o.capacity_kva;
    in.motor_kva = o.motor_kva;
    in.contract_demand_kw = o.contract_demand_kw;
    in.max_demand_kw = u.max_demand_kw;
    in.month_kwh = total_kwh;
    in.capacity_price_fen = rate.capacity_fen.value_or(0);
    in.demand_price_fen = rate.demand_fen.value_or(0);
    in.days_used = o.days_used;
    in.prorate = o.prorate;
    bill.basic = basic_charge(in, o.rules);
    const double share = o.prorate ? static_cast<double>(std::clamp(o.days_used, 0, o.rules.proration_denominator)) /
                                         o.rules.proration_denominator
                                   : 1.0;
    if (o.basic_mode == BasicMode::capacity) {
      bill.lines.push_back({"basic_capacity", o.capacity_kva * share, "kVA", static_cast<double>(in.capacity_price_fen) / 100, bill.basic.fen});
    } else {
      double price = static_cast<double>(in.demand_price_fen) / 100;
      if (bill.basic.discount_applied) {
        price *= o.rules.discount_factor;
        bill.notes.push_back("当月用电量达到 " + std::to_string(static_cast<int>(o.rules.discount_kwh_per_kva)) +
                             " 千瓦时/千伏安，需量电价按 90% 计收");
      }
      if (bill.basic.floor_applied) bill.notes.push_back("合同需量低于容量的 40%，按 40% 核定");
      if (bill.basic.excess_demand_kw > 0) {
        // Split the charge into the normal part and the doubled excess, keeping the rounded total.
        const std::int64_t normal = round_fen(bill.basic.billed_demand_kw * share * price * 100);
        bill.lines.push_back({"basic_demand", bill.basic.billed_demand_kw * share, "kW", price, normal});
        bill.lines.push_back({"basic_excess", bill.basic.excess_demand_kw * share, "kW", price * o.rules.over_contract_multiplier,
                              bill.basic.fen - normal});
      } else {
        bill.lines.push_back({"basic_demand", bill.basic.billed_demand_kw * share, "kW", price, bill.basic.fen});
      }
    }
    bill.basic_fen = bill.basic.fen;
  }

  // Power factor.
  if (o.pf_standard) {
    bill.power_factor = power_factor(total_kwh, u.kvarh, u.kvarh_exported);
    if (bill.power_factor) {
      bill.pf_bp = pf_adjustment_bp(*bill.power_factor, *o.pf_standard);
      const std::int64_t base = bill.basic_fen + bill.energy_fen - (o.pf_excludes_funds ? bill.funds_fen : 0);
      bill.pf_fen = pf_adjustment_fen(base, bill.pf_bp);
      bill.lines.push_back({"pf_adjustment", static_cast<double>(base), "fen", bill.pf_bp / 100.0, bill.pf_fen});
    }
  }
  bill.total_fen = bill.energy_fen + bill.basic_fen + bill.pf_fen;
  return bill;
}

}  // namespace lianxin::tariff
