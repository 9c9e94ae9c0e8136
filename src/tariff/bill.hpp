#pragma once
// Tariff tables as data and the reconstruction of an account-month's bill, pure (no I/O).
// A table (电价表) belongs to a province and a period of validity and holds one rate per tariff
// category and group of voltage levels: the energy price without time of use and per period
// (尖峰/高峰/平/低谷/深谷), the part that floats with time of use, the T&D part, government funds,
// and the demand and capacity prices of two-part customers (rules_cn §8.4 is the sample). The bill
// is itemised line by line: energy by period, basic charge (rules.hpp), power-factor adjustment
// (rules_cn §5) on basic + energy charges without funds (provincial practice [S], a setting).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "tariff/rules.hpp"
#include "tariff/tou.hpp"

namespace lianxin::tariff {

inline constexpr int kPeriodCount = 5;  // indexed by TouPeriod
inline int period_index(TouPeriod p) { return static_cast<int>(p); }

// Micro-yuan (1e-6 元) per kWh: published tables carry six decimals.
using Uyuan = std::int64_t;

struct Rate {
  std::string category;                     // accounts.tariff_category: ci_single, ci_two_part, …
  std::vector<std::string> voltage_levels;  // accounts.voltage_level codes
  Uyuan energy_uyuan = 0;                   // without time of use
  std::array<std::optional<Uyuan>, kPeriodCount> period_uyuan;  // by TouPeriod
  std::optional<Uyuan> floating_uyuan, td_uyuan;
  Uyuan funds_uyuan = 0;
  std::optional<std::int64_t> demand_fen, capacity_fen;  // per kW / kVA and month
  bool two_part() const { return category == "ci_two_part"; }
};

struct TariffTable {
  std::int64_t id = 0;
  std::string province, name;
  std::string valid_from, valid_to;  // YYYY-MM-DD; valid_to empty: until replaced
  std::optional<TouSchedule> schedule;
  std::vector<Rate> rates;
};

// True when two validity periods share a day (empty `to` = open-ended).
bool validity_overlaps(const std::string& from_a, const std::string& to_a, const std::string& from_b, const std::string& to_b);
// Whether `date` (YYYY-MM-DD) lies in the table's validity.
bool table_in_force(const TariffTable& t, const std::string& date);

// The periods a schedule gives some minute of some month (flat included when any minute is flat).
std::array<bool, kPeriodCount> periods_used(const TouSchedule& s);

// Every problem of a table, as field issues naming the field ("valid_to", "rates[2].peak_uyuan",
// …): dates, a validity overlapping another table of the province in `others` (same id skipped),
// a time-of-use rate missing a period its schedule uses, a two-part rate without demand or capacity
// price, the same category and voltage level twice, unknown codes. Messages in Chinese.
std::vector<FieldIssue> table_problems(const TariffTable& t, const std::vector<TariffTable>& others);

// The rate of a category and voltage level, or nullptr.
const Rate* find_rate(const TariffTable& t, const std::string& category, const std::string& voltage_level);

// ---- bill ----------------------------------------------------------------------------------------

struct MonthUsage {
  std::array<double, kPeriodCount> kwh{};  // by TouPeriod
  double kvarh = 0, kvarh_exported = 0;
  double max_demand_kw = 0;
  double total_kwh() const;
};

struct BillOptions {
  bool time_of_use = true;                 // 执行分时电价
  BasicMode basic_mode = BasicMode::capacity;  // two-part rates only
  double capacity_kva = 0, motor_kva = 0, contract_demand_kw = 0;
  std::optional<PfStandard> pf_standard;   // none: no adjustment
  bool pf_excludes_funds = true;
  int days_used = 30;
  bool prorate = false;
  BasicChargeRules rules;
};

struct BillLine {
  std::string code;        // energy_sharp … energy_deep, energy, basic_capacity, basic_demand, basic_excess, pf_adjustment
  double quantity = 0;     // kWh, kVA, kW; for pf_adjustment the base in fen
  std::string unit;        // kWh, kVA, kW, fen
  double unit_price = 0;   // 元 per unit (for pf_adjustment: the rate in %)
  std::int64_t fen = 0;
};

struct Bill {
  std::vector<BillLine> lines;
  std::int64_t energy_fen = 0, basic_fen = 0, pf_fen = 0, total_fen = 0;
  std::int64_t funds_fen = 0;  // of the energy charge: government funds (information)
  std::optional<int> power_factor;  // hundredths
  int pf_bp = 0;
  BasicCharge basic;
  std::vector<std::string> notes;  // e.g. the demand discount applied, a period priced flat
};

// The Chinese name of a bill line code.
const char* line_label_zh(const std::string& code);
const char* line_label_en(const std::string& code);

// Energy by period at the rate's period prices (without time of use: all at energy_uyuan), the
// basic charge for two-part rates, the power-factor adjustment. Each line rounded to the fen half
// away from zero; the total is the sum of the lines.
Bill reconstruct_bill(const Rate& rate, const MonthUsage& usage, const BillOptions& options);

// kWh × micro-yuan per kWh in fen, half away from zero.
std::int64_t energy_fen(double kwh, Uyuan price);

}  // namespace lianxin::tariff
