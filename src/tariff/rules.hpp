#pragma once
// The tariff engine's regulated rules, pure (no I/O): the power-factor adjustment of
// 《功率因数调整电费办法》(83)水电财字第215号 (rules_cn §5 [V]) and the basic charge of two-part
// customers (rules_cn §4.4: 1996 rules [S], 发改办价格〔2016〕1583号 [S/V], 526号 [V]). Money is in
// fen (分) and power factors in hundredths, so that every figure is exact and reproducible.
#include <cstdint>
#include <optional>
#include <string>

namespace lianxin::tariff {

// ---- power factor (rules_cn §5) -----------------------------------------------------------------
enum class PfStandard { pf090, pf085, pf080 };
const char* pf_standard_code(PfStandard s);  // "0.90", "0.85", "0.80"

// The monthly average power factor P / √(P² + Q²), rounded to two decimals, as hundredths (0–100).
// Reactive energy the customer exported counts as consumed (meters with reverse-run protection).
// No active energy: nullopt.
std::optional<int> power_factor(double kwh, double kvarh_consumed, double kvarh_exported = 0);

// The adjustment for a power factor against its standard, in hundredths of a percent: negative is
// a discount (减收), positive a surcharge (增收). Every point of the published table.
int pf_adjustment_bp(int pf_hundredths, PfStandard standard);

// Which standard applies (§5): 0.90 for high-voltage industrial customers over 160 kVA, customers
// with on-load tap changers and high-voltage irrigation of 3,200 kVA or more; 0.85 for other
// industrial, non-industrial and irrigation customers of 100 kVA or more; 0.80 for agricultural and
// wholesale customers of 100 kVA or more; none below 100 kVA.
struct PfCustomer {
  bool high_voltage = false, industrial = false, agricultural = false, irrigation = false, wholesale = false, on_load_tap_changer = false;
  std::int64_t capacity_kva = 0;
};
std::optional<PfStandard> pf_standard_for(const PfCustomer& c);

// The adjustment in fen of (basic charge + energy charge), rounded half away from zero.
std::int64_t pf_adjustment_fen(std::int64_t basic_and_energy_fen, int adjustment_bp);

// ---- basic charge of two-part customers (rules_cn §4.4) ------------------------------------------
enum class BasicMode { capacity, contract_demand, actual_demand };

struct BasicChargeInput {
  BasicMode mode = BasicMode::capacity;
  double capacity_kva = 0;          // transformers in service (contract capacity)
  double motor_kva = 0;             // high-voltage motors not fed by them: counted in the 40 % floor
  double contract_demand_kw = 0;    // 合同最大需量 (contract_demand)
  double max_demand_kw = 0;         // the month's actual maximum demand
  double month_kwh = 0;             // for the ≥ 260 kWh/kVA demand discount
  std::int64_t capacity_price_fen = 0;  // 容量电价, fen per kVA·month
  std::int64_t demand_price_fen = 0;    // 需量电价, fen per kW·month
  int days_used = 30;               // days of supply in a month of connection, change or termination
  bool prorate = false;             // charge days_used / 30 of the month
};

struct BasicChargeRules {
  double over_contract_threshold = 1.05;     // demand above 105 % of the contract is charged double [S]
  double over_contract_multiplier = 2.0;
  double min_contract_ratio = 0.40;          // contract demand at least 40 % of capacity [S]
  double discount_kwh_per_kva = 260;         // 526号 [V]
  double discount_factor = 0.90;
  int proration_denominator = 30;            // 1996 rules: 1/30 of the month a day [S]
};

struct BasicCharge {
  std::int64_t fen = 0;
  double billed_demand_kw = 0;      // the demand charged at the normal price (contract, floored, or actual)
  double excess_demand_kw = 0;      // charged at the multiplier
  bool floor_applied = false, discount_applied = false;
};
BasicCharge basic_charge(const BasicChargeInput& in, const BasicChargeRules& rules = {});

}  // namespace lianxin::tariff
