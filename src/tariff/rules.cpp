#include "tariff/rules.hpp"

#include <algorithm>
#include <cmath>

namespace lianxin::tariff {

const char* pf_standard_code(PfStandard s) {
  switch (s) {
    case PfStandard::pf090: return "0.90";
    case PfStandard::pf085: return "0.85";
    case PfStandard::pf080: return "0.80";
  }
  return "0.90";
}

std::optional<int> power_factor(double kwh, double kvarh_consumed, double kvarh_exported) {
  if (!(kwh > 0)) return std::nullopt;
  const double q = std::fabs(kvarh_consumed) + std::fabs(kvarh_exported);
  const double pf = kwh / std::sqrt(kwh * kwh + q * q);
  // Two decimals, half up; a tiny epsilon keeps exact halves (0.905) from falling below by binary error.
  return static_cast<int>(std::floor(pf * 100.0 + 0.5 + 1e-9));
}

int pf_adjustment_bp(int pf, PfStandard standard) {
  pf = std::clamp(pf, 0, 100);
  switch (standard) {
    case PfStandard::pf090:
      if (pf >= 95) return -75;
      if (pf > 90) return -15 * (pf - 90);
      if (pf >= 70) return 50 * (90 - pf);
      if (pf >= 65) return 1000 + 100 * (70 - pf);
      return 1500 + 200 * (65 - pf);
    case PfStandard::pf085:
      if (pf >= 94) return -110;
      if (pf > 90) return -50 - 15 * (pf - 90);
      if (pf > 85) return -10 * (pf - 85);
      if (pf >= 65) return 50 * (85 - pf);
      if (pf >= 60) return 1000 + 100 * (65 - pf);
      return 1500 + 200 * (60 - pf);
    case PfStandard::pf080:
      if (pf >= 92) return -130;
      if (pf > 90) return -100 - 15 * (pf - 90);
      if (pf > 80) return -10 * (pf - 80);
      if (pf >= 60) return 50 * (80 - pf);
      if (pf >= 55) return 1000 + 100 * (60 - pf);
      return 1500 + 200 * (55 - pf);
  }
  return 0;
}

std::optional<PfStandard> pf_standard_for(const PfCustomer& c) {
  if ((c.high_voltage && c.industrial && c.capacity_kva > 160) || (c.high_voltage && c.on_load_tap_changer) ||
      (c.high_voltage && c.irrigation && c.capacity_kva >= 3200))
    return PfStandard::pf090;
  if (c.capacity_kva < 100) return std::nullopt;
  if (c.agricultural || c.wholesale) return PfStandard::pf080;
  return PfStandard::pf085;
}

std::int64_t pf_adjustment_fen(std::int64_t base_fen, int bp) {
  // base × bp / 10,000, rounded half away from zero, in integers.
  const std::int64_t product = base_fen * static_cast<std::int64_t>(bp);
  const std::int64_t q = product / 10'000, r = product % 10'000;
  if (2 * std::llabs(r) >= 10'000) return q + (product >= 0 ? 1 : -1);
  return q;
}

BasicCharge basic_charge(const BasicChargeInput& in, const BasicChargeRules& rules) {
  BasicCharge out;
  double fen = 0;
  if (in.mode == BasicMode::capacity) {
    out.billed_demand_kw = 0;
    fen = in.capacity_kva * static_cast<double>(in.capacity_price_fen);
  } else {
    double price = static_cast<double>(in.demand_price_fen);
    // 526号: a demand-billed month of at least 260 kWh per kVA pays 90 % of the demand price.
    if (in.capacity_kva > 0 && in.month_kwh / in.capacity_kva >= rules.discount_kwh_per_kva) {
      price *= rules.discount_factor;
      out.discount_applied = true;
    }
    if (in.mode == BasicMode::actual_demand) {
      out.billed_demand_kw = in.max_demand_kw;
      fen = in.max_demand_kw * price;
    } else {
      double contract = in.contract_demand_kw;
      const double floor = rules.min_contract_ratio * (in.capacity_kva + in.motor_kva);
      if (contract < floor) {
        contract = floor;
        out.floor_applied = true;
      }
      const double limit = rules.over_contract_threshold * contract;
      if (in.max_demand_kw > limit) {
        out.billed_demand_kw = limit;
        out.excess_demand_kw = in.max_demand_kw - limit;
        fen = limit * price + out.excess_demand_kw * price * rules.over_contract_multiplier;
      } else {
        out.billed_demand_kw = contract;
        fen = contract * price;
      }
    }
  }
  if (in.prorate) fen = fen * std::clamp(in.days_used, 0, rules.proration_denominator) / rules.proration_denominator;
  out.fen = static_cast<std::int64_t>(std::llround(fen));
  return out;
}

}  // namespace lianxin::tariff
