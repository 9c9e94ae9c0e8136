#pragma once
// Electricity-use advice (用电策划), pure: from an account's last twelve months (kWh by time-of-use
// period, kvarh, maximum demand) and its tariff, what it could change and what each change saves a
// year, with the assumptions stated:
//   basic_charge        the basic-charge mode (容量/合同需量/实际需量) and contract demand per quarter
//                       (the mode changes quarterly, the contract demand monthly: rules_cn §4.4);
//   tou_shift           moving a share of peak and sharp energy to valley hours;
//   pf_correction       capacitors (kvar) that lift the power factor to the target (0.95);
//   capacity_reduction  减容 of transformers the maximum demand never comes near;
//   suspension          暂停 in months the site stands still.
// Money in fen. No I/O.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tariff/bill.hpp"

namespace lianxin::analysis {

struct MonthFacts {
  std::string period;                      // YYYY-MM
  std::array<double, tariff::kPeriodCount> kwh{};  // by tariff::TouPeriod
  double kvarh = 0;
  double max_demand_kw = 0;                // from the curve when there is one, else the bill
  double total_kwh() const;
  tariff::MonthUsage usage() const;        // as the bill engine takes it
};

struct AccountInput {
  tariff::Rate rate;
  tariff::BillOptions current;  // as the account is billed now (mode, capacity, contract, pf standard, rules)
  std::vector<MonthFacts> months;  // oldest first, at most 12 used
};

struct AdviceParams {
  bool actual_demand_allowed = true;
  int pf_target_hundredths = 95;
  int tou_shift_pct = 10;
  int capacity_use_pct = 40;
  int suspension_max_months = 6;
};

// ---- the basic-charge optimisation (also the core of the benchmark) ------------------------------

struct DemandMonth {
  double max_demand_kw = 0;
  double kwh = 0;
};

struct BasicCase {
  double capacity_kva = 0, motor_kva = 0;
  std::int64_t capacity_price_fen = 0, demand_price_fen = 0;
  tariff::BasicChargeRules rules;
  bool actual_demand_allowed = true;
};

struct BasicChoice {
  tariff::BasicMode mode = tariff::BasicMode::capacity;
  double contract_demand_kw = 0;  // for contract_demand
  std::int64_t fen = 0;           // the months' basic charge under this choice
};

// The basic charge of `n` months under one mode and contract demand.
std::int64_t basic_cost(const DemandMonth* months, int n, tariff::BasicMode mode, double contract_kw, const BasicCase& c);
// The cheapest mode, and for contract demand the cheapest whole-kW level, for `n` months billed
// alike (a quarter). The contract cost is convex and piecewise linear in the level, so only the
// levels where a month reaches 105 % (and the 40 % floor) are tried.
BasicChoice best_basic_charge(const DemandMonth* months, int n, const BasicCase& c);

// ---- recommendations -----------------------------------------------------------------------------

struct QuarterChoice {
  int quarter = 0;                  // 1–4 (calendar quarter of the months used)
  std::vector<std::string> periods;  // the months it is based on
  BasicChoice best;
  std::int64_t current_fen = 0;
};

struct Recommendation {
  std::string kind;
  std::string title_zh, title_en, detail_zh;
  std::int64_t saving_fen = 0;  // a year
  double saving_kwh = 0;
  std::vector<std::string> assumptions;  // Chinese
  std::vector<QuarterChoice> quarters;    // basic_charge
  double capacitor_kvar = 0;              // pf_correction
  int pf_before = 0, pf_after = 0;        // hundredths
  double shift_kwh = 0;                   // tou_shift, a year
  double new_capacity_kva = 0;            // capacity_reduction
  std::vector<std::string> suspend_periods;  // suspension
};

// Recommendations with a positive yearly saving, largest first. Fewer than three months: none.
std::vector<Recommendation> advise(const AccountInput& in, const AdviceParams& params = {});

// Standard distribution-transformer sizes (kVA, GB/T 6451 series) and the smallest one of at
// least `kva`, or 0 beyond the series.
const std::vector<double>& standard_transformer_sizes();
double standard_size_at_least(double kva);

}  // namespace lianxin::analysis
