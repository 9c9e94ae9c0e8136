#pragma once
// Monthly bills (月度电费账单) as pure rules: the import columns, parsing and checking one row,
// whether a re-imported row changes anything, the yearly aggregates' deltas, and the arithmetic of
// a group's unified statement (统一结算) and its reconciliation. No I/O, no JSON.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.hpp"

namespace lianxin::billing {

// ---- import columns ----------------------------------------------------------------------------

enum class Column {
  account_no,
  period,
  kwh_sharp,
  kwh_peak,
  kwh_flat,
  kwh_valley,
  kwh_total,
  kvarh,
  max_demand_kw,
  amount_fen,
  paid_fen,
  arrears_fen,
};
inline constexpr std::size_t kColumnCount = 12;

struct ColumnInfo {
  Column column;
  const char* code;
  const char* zh;
  bool required;
  const char* example;
};
const std::vector<ColumnInfo>& columns();
const ColumnInfo& column_info(Column c);

// Maps header cells (codes case-insensitively, or the Chinese names; a trailing * as the template
// marks required columns is ignored) to column indexes (-1 = absent). Problems (unknown column,
// the same column twice, required column missing) are added to `issues` at row 1.
std::vector<int> map_header(const std::vector<std::string>& header, std::vector<FieldIssue>& issues);

// ---- one row -----------------------------------------------------------------------------------

// The cells of one row by column, as text (empty = not given).
using RawBill = std::vector<std::string>;  // kColumnCount cells, indexed by Column

struct BillValues {
  std::string account_no;  // upper-cased
  std::string period;      // YYYY-MM
  double kwh_sharp = 0, kwh_peak = 0, kwh_flat = 0, kwh_valley = 0, kwh_total = 0;
  std::optional<double> kvarh, max_demand_kw;
  std::int64_t amount_fen = 0, paid_fen = 0, arrears_fen = 0;
};

// Tolerance of the kWh checks (time-of-use parts against the total).
inline constexpr double kKwhTolerance = 0.01;

// "2026-05", "2026/05", "202605" and a date "2026-05-01" (Excel turns a typed month into a date)
// give "2026-05"; anything else nullopt.
std::optional<std::string> normalize_period(const std::string& text);
// Year of a YYYY-MM period.
int period_year(const std::string& period);
// The period of an instant's Shanghai date ("2026-11-22" -> "2026-11").
std::string period_of_date(const std::string& yyyy_mm_dd);
// The period `months` after (negative: before) `period`.
std::string add_months(const std::string& period, int months);

// Parses and checks one row; every problem is added to `issues` with `row` and the column code
// as the field. `latest_period` (YYYY-MM) is the last period a bill may have (the current month).
// Returns nullopt when the row has a problem.
std::optional<BillValues> parse_bill(const RawBill& raw, std::int64_t row, const std::string& latest_period,
                                     std::vector<FieldIssue>& issues);

// True when two bills carry the same values (re-importing it changes nothing).
bool same_values(const BillValues& a, const BillValues& b);

// ---- yearly aggregates -------------------------------------------------------------------------

struct YearUsage {
  double kwh = 0;
  std::int64_t amount_fen = 0, paid_fen = 0, arrears_fen = 0, months = 0;
  bool zero() const;
};

// What an insert or an update does to the yearly aggregates of its customer(s): an update takes the
// old values off the customer the bill was recorded on and adds the new ones to the customer it is
// recorded on now (the same customer unless the account moved). Deltas are summed per
// (customer, year); entries that cancel out are dropped.
struct BillChange {
  std::optional<std::pair<std::int64_t, BillValues>> before;  // customer and values, absent for an insert
  std::pair<std::int64_t, BillValues> after;
};
using YearKey = std::pair<std::int64_t, int>;  // customer, year
std::map<YearKey, YearUsage> usage_deltas(const std::vector<BillChange>& changes);

// ---- statement and reconciliation --------------------------------------------------------------

struct Totals {
  std::int64_t accounts = 0;   // member accounts listed
  std::int64_t billed = 0;     // of them with a bill for the period
  double kwh_sharp = 0, kwh_peak = 0, kwh_flat = 0, kwh_valley = 0, kwh_total = 0;
  std::int64_t amount_fen = 0, paid_fen = 0, arrears_fen = 0;
  void add(const BillValues& bill);
  void add(const Totals& other);
};

struct StatementLine {
  std::int64_t bureau_id = 0;
  std::string bureau_name;
  std::int64_t customer_id = 0;
  std::string customer_name;
  std::int64_t account_id = 0;
  std::string account_no, account_name;
  std::optional<BillValues> bill;  // absent: no bill imported for the period
};

struct StatementRegion {
  std::int64_t bureau_id = 0;
  std::string bureau_name;
  std::vector<StatementLine> lines;
  Totals subtotal;
};

struct Statement {
  std::vector<StatementRegion> regions;  // ordered by bureau name, then id
  Totals total;
};

// Groups the lines by region (bureau), sorts lines by customer name and 户号, and sums.
Statement build_statement(std::vector<StatementLine> lines);

struct Difference {
  std::string field;  // kwh_total, amount_fen, ...
  double statement = 0, imported = 0;
};
// The fields where two totals differ (kWh beyond kKwhTolerance, fen exactly).
std::vector<Difference> compare_totals(const Totals& statement, const Totals& imported);

// Fen as yuan text with two decimals and thousands separators: 123456789 -> "1,234,567.89".
std::string format_yuan(std::int64_t fen);
// kWh with two decimals and thousands separators.
std::string format_kwh(double kwh);

}  // namespace lianxin::billing
