#include "billing/rules.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/strings.hpp"

namespace lianxin::billing {

namespace {

constexpr double kMaxKwh = 1e13;          // far beyond any account's month
constexpr std::int64_t kMaxFen = 1'000'000'000'000'000;  // 10^15 fen = 10 trillion yuan

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A plain decimal number as spreadsheets write it: [+-]digits[.digits][(e|E)[+-]digits].
// Thousands separators, currency signs, "nan" and "inf" are refused.
std::optional<double> parse_decimal(const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  double d = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::string group_thousands(const std::string& digits) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    const std::size_t left = n - i - 1;
    if (left > 0 && left % 3 == 0) out.push_back(',');
  }
  return out;
}

}  // namespace

const std::vector<ColumnInfo>& columns() {
  static const std::vector<ColumnInfo> list = {
      {Column::account_no, "account_no", "户号", true, "0530001234"},
      {Column::period, "period", "账期", true, "2026-05"},
      {Column::kwh_sharp, "kwh_sharp", "尖峰电量", false, "12000"},
      {Column::kwh_peak, "kwh_peak", "峰电量", false, "380000"},
      {Column::kwh_flat, "kwh_flat", "平电量", false, "420000"},
      {Column::kwh_valley, "kwh_valley", "谷电量", false, "288000"},
      {Column::kwh_total, "kwh_total", "总电量", true, "1100000"},
      {Column::kvarh, "kvarh", "无功电量", false, "350000"},
      {Column::max_demand_kw, "max_demand_kw", "最大需量", false, "2150"},
      {Column::amount_fen, "amount_fen", "应收电费(分)", true, "71500000"},
      {Column::paid_fen, "paid_fen", "实收电费(分)", true, "71500000"},
      {Column::arrears_fen, "arrears_fen", "欠费(分)", false, "0"},
  };
  return list;
}

const ColumnInfo& column_info(Column c) { return columns()[static_cast<std::size_t>(c)]; }

std::vector<int> map_header(const std::vector<std::string>& header, std::vector<FieldIssue>& issues) {
  std::vector<int> index(kColumnCount, -1);
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string h = trim(header[i]);
    if (!h.empty() && h.back() == '*') h.pop_back();
    h = trim(h);
    if (h.empty()) continue;
    const std::string lower = to_lower_ascii(h);
    // Also accept the Chinese names with ASCII or full-width parentheses around the unit.
    std::string alt = h;
    for (auto [from, to] : {std::pair<std::string, std::string>{"（", "("}, {"）", ")"}}) {
      for (std::size_t at; (at = alt.find(from)) != std::string::npos;) alt.replace(at, from.size(), to);
    }
    bool found = false;
    for (const ColumnInfo& c : columns()) {
      if (lower == c.code || h == c.zh || alt == c.zh) {
        auto& slot = index[static_cast<std::size_t>(c.column)];
        if (slot >= 0) issues.push_back({c.code, "column given twice (" + std::string(c.zh) + ")", 1});
        else slot = static_cast<int>(i);
        found = true;
      }
    }
    if (!found) issues.push_back({h, "unknown column; see the template for the column names", 1});
  }
  for (const ColumnInfo& c : columns())
    if (c.required && index[static_cast<std::size_t>(c.column)] < 0)
      issues.push_back({c.code, std::string("required column missing (") + c.zh + ")", 1});
  return index;
}

std::optional<std::string> normalize_period(const std::string& raw) {
  const std::string text = trim(raw);
  std::string year, month;
  if (text.size() == 6 && all_digits(text)) {
    year = text.substr(0, 4);
    month = text.substr(4, 2);
  } else if ((text.size() == 7 || text.size() == 6) && (text[4] == '-' || text[4] == '/')) {
    year = text.substr(0, 4);
    month = text.substr(5);
  } else if (text.size() == 10 && text[4] == '-' && text[7] == '-' && all_digits(text.substr(8, 2))) {
    year = text.substr(0, 4);  // a date cell: the month it falls in
    month = text.substr(5, 2);
  } else {
    return std::nullopt;
  }
  if (!all_digits(year) || !all_digits(month)) return std::nullopt;
  const int y = std::stoi(year), m = std::stoi(month);
  if (y < 2000 || y > 2999 || m < 1 || m > 12) return std::nullopt;
  char out[8];
  std::snprintf(out, sizeof out, "%04d-%02d", y, m);
  return std::string(out);
}

int period_year(const std::string& period) { return std::atoi(period.substr(0, 4).c_str()); }

std::string period_of_date(const std::string& date) { return date.substr(0, 7); }

std::string add_months(const std::string& period, int months) {
  int y = period_year(period), m = std::atoi(period.substr(5, 2).c_str());
  int index = y * 12 + (m - 1) + months;
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d", index / 12, index % 12 + 1);
  return std::string(out);
}

std::optional<BillValues> parse_bill(const RawBill& raw, std::int64_t row, const std::string& latest_period,
                                     std::vector<FieldIssue>& issues) {
  const std::size_t before = issues.size();
  auto cell = [&](Column c) -> std::string {
    const auto i = static_cast<std::size_t>(c);
    return i < raw.size() ? trim(raw[i]) : std::string();
  };
  auto add = [&](Column c, std::string message) { issues.push_back({column_info(c).code, std::move(message), row}); };
  BillValues b;

  b.account_no = cell(Column::account_no);
  for (char& ch : b.account_no) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (b.account_no.empty()) add(Column::account_no, "is required");
  else if (b.account_no.size() > 20) add(Column::account_no, "is longer than 20 characters");

  const std::string period_text = cell(Column::period);
  if (period_text.empty()) add(Column::period, "is required");
  else if (auto p = normalize_period(period_text)) {
    b.period = *p;
    if (!latest_period.empty() && b.period > latest_period)
      add(Column::period, "is in the future (the latest period is " + latest_period + ")");
  } else add(Column::period, "must be a month YYYY-MM");

  // kWh: optional parts, required total; non-negative numbers.
  auto kwh = [&](Column c, bool required, double& out) -> bool {  // true when given and valid
    const std::string s = cell(c);
    if (s.empty()) {
      if (required) add(c, "is required");
      return false;
    }
    auto d = parse_decimal(s);
    if (!d) add(c, "must be a number");
    else if (*d < 0) add(c, "must not be negative");
    else if (*d > kMaxKwh) add(c, "is too large");
    else {
      out = *d;
      return true;
    }
    return false;
  };
  bool parts_given = false, parts_valid = true;
  for (auto [c, out] : {std::pair<Column, double*>{Column::kwh_sharp, &b.kwh_sharp}, {Column::kwh_peak, &b.kwh_peak},
                        {Column::kwh_flat, &b.kwh_flat}, {Column::kwh_valley, &b.kwh_valley}}) {
    if (!cell(c).empty()) {
      parts_given = true;
      if (!kwh(c, false, *out)) parts_valid = false;
    }
  }
  const bool total_valid = kwh(Column::kwh_total, true, b.kwh_total);
  if (parts_given && parts_valid && total_valid) {
    const double sum = b.kwh_sharp + b.kwh_peak + b.kwh_flat + b.kwh_valley;
    if (std::fabs(sum - b.kwh_total) > kKwhTolerance) {
      char text[160];
      std::snprintf(text, sizeof text, "is not the sum of the time-of-use parts (%.2f)", sum);
      add(Column::kwh_total, text);
    }
  }
  for (auto [c, out] : {std::pair<Column, std::optional<double>*>{Column::kvarh, &b.kvarh}, {Column::max_demand_kw, &b.max_demand_kw}}) {
    double value = 0;
    if (kwh(c, false, value)) *out = value;
  }

  // Money in whole fen, non-negative; arrears = amount - paid.
  auto fen = [&](Column c, bool required, std::int64_t& out) -> bool {
    const std::string s = cell(c);
    if (s.empty()) {
      if (required) add(c, "is required");
      return false;
    }
    auto d = parse_decimal(s);
    if (!d) {
      add(c, "must be a number");
      return false;
    }
    if (*d < 0) {
      add(c, "must not be negative");
      return false;
    }
    if (*d > static_cast<double>(kMaxFen)) {
      add(c, "is too large");
      return false;
    }
    if (std::floor(*d) != *d) {
      add(c, "must be a whole number of fen (分)");
      return false;
    }
    out = all_digits(s) ? std::stoll(s) : static_cast<std::int64_t>(*d);
    return true;
  };
  const bool amount_ok = fen(Column::amount_fen, true, b.amount_fen);
  const bool paid_ok = fen(Column::paid_fen, true, b.paid_fen);
  const bool arrears_given = !cell(Column::arrears_fen).empty();
  const bool arrears_ok = fen(Column::arrears_fen, false, b.arrears_fen);
  if (amount_ok && paid_ok) {
    if (!arrears_given) {
      b.arrears_fen = b.amount_fen - b.paid_fen;
      if (b.arrears_fen < 0) add(Column::paid_fen, "is more than the amount billed");
    } else if (arrears_ok && b.amount_fen - b.paid_fen != b.arrears_fen) {
      add(Column::arrears_fen, "totals do not add up: amount - paid = " + std::to_string(b.amount_fen - b.paid_fen) +
                                   " fen, arrears given " + std::to_string(b.arrears_fen));
    }
  }
  if (issues.size() != before) return std::nullopt;
  return b;
}

bool same_values(const BillValues& a, const BillValues& b) {
  auto same = [](double x, double y) { return std::fabs(x - y) <= 1e-9 * std::max(1.0, std::fabs(x)); };
  auto same_opt = [&](const std::optional<double>& x, const std::optional<double>& y) {
    return x.has_value() == y.has_value() && (!x || same(*x, *y));
  };
  return a.account_no == b.account_no && a.period == b.period && same(a.kwh_sharp, b.kwh_sharp) &&
         same(a.kwh_peak, b.kwh_peak) && same(a.kwh_flat, b.kwh_flat) && same(a.kwh_valley, b.kwh_valley) &&
         same(a.kwh_total, b.kwh_total) && same_opt(a.kvarh, b.kvarh) && same_opt(a.max_demand_kw, b.max_demand_kw) &&
         a.amount_fen == b.amount_fen && a.paid_fen == b.paid_fen && a.arrears_fen == b.arrears_fen;
}

bool YearUsage::zero() const { return kwh == 0 && amount_fen == 0 && paid_fen == 0 && arrears_fen == 0 && months == 0; }

std::map<YearKey, YearUsage> usage_deltas(const std::vector<BillChange>& changes) {
  std::map<YearKey, YearUsage> out;
  auto apply = [&](std::int64_t customer, const BillValues& b, int sign) {
    YearUsage& u = out[{customer, period_year(b.period)}];
    u.kwh += sign * b.kwh_total;
    u.amount_fen += sign * b.amount_fen;
    u.paid_fen += sign * b.paid_fen;
    u.arrears_fen += sign * b.arrears_fen;
    u.months += sign;
  };
  for (const BillChange& c : changes) {
    if (c.before) apply(c.before->first, c.before->second, -1);
    apply(c.after.first, c.after.second, +1);
  }
  for (auto it = out.begin(); it != out.end();) {
    if (it->second.zero()) it = out.erase(it);
    else ++it;
  }
  return out;
}

void Totals::add(const BillValues& b) {
  ++billed;
  kwh_sharp += b.kwh_sharp;
  kwh_peak += b.kwh_peak;
  kwh_flat += b.kwh_flat;
  kwh_valley += b.kwh_valley;
  kwh_total += b.kwh_total;
  amount_fen += b.amount_fen;
  paid_fen += b.paid_fen;
  arrears_fen += b.arrears_fen;
}

void Totals::add(const Totals& o) {
  accounts += o.accounts;
  billed += o.billed;
  kwh_sharp += o.kwh_sharp;
  kwh_peak += o.kwh_peak;
  kwh_flat += o.kwh_flat;
  kwh_valley += o.kwh_valley;
  kwh_total += o.kwh_total;
  amount_fen += o.amount_fen;
  paid_fen += o.paid_fen;
  arrears_fen += o.arrears_fen;
}

Statement build_statement(std::vector<StatementLine> lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const StatementLine& a, const StatementLine& b) {
    if (a.bureau_name != b.bureau_name) return a.bureau_name < b.bureau_name;
    if (a.bureau_id != b.bureau_id) return a.bureau_id < b.bureau_id;
    if (a.customer_name != b.customer_name) return a.customer_name < b.customer_name;
    return a.account_no < b.account_no;
  });
  Statement s;
  for (StatementLine& line : lines) {
    if (s.regions.empty() || s.regions.back().bureau_id != line.bureau_id) {
      s.regions.emplace_back();
      s.regions.back().bureau_id = line.bureau_id;
      s.regions.back().bureau_name = line.bureau_name;
    }
    StatementRegion& r = s.regions.back();
    ++r.subtotal.accounts;
    if (line.bill) r.subtotal.add(*line.bill);
    r.lines.push_back(std::move(line));
  }
  for (const StatementRegion& r : s.regions) s.total.add(r.subtotal);
  return s;
}

std::vector<Difference> compare_totals(const Totals& a, const Totals& b) {
  std::vector<Difference> out;
  auto kwh = [&](const char* field, double x, double y) {
    if (std::fabs(x - y) > kKwhTolerance) out.push_back({field, x, y});
  };
  auto fen = [&](const char* field, std::int64_t x, std::int64_t y) {
    if (x != y) out.push_back({field, static_cast<double>(x), static_cast<double>(y)});
  };
  fen("bills", a.billed, b.billed);
  kwh("kwh_sharp", a.kwh_sharp, b.kwh_sharp);
  kwh("kwh_peak", a.kwh_peak, b.kwh_peak);
  kwh("kwh_flat", a.kwh_flat, b.kwh_flat);
  kwh("kwh_valley", a.kwh_valley, b.kwh_valley);
  kwh("kwh_total", a.kwh_total, b.kwh_total);
  fen("amount_fen", a.amount_fen, b.amount_fen);
  fen("paid_fen", a.paid_fen, b.paid_fen);
  fen("arrears_fen", a.arrears_fen, b.arrears_fen);
  return out;
}

std::string format_yuan(std::int64_t fen) {
  const bool negative = fen < 0;
  const std::uint64_t v = negative ? static_cast<std::uint64_t>(-(fen + 1)) + 1 : static_cast<std::uint64_t>(fen);
  char cents[4];
  std::snprintf(cents, sizeof cents, "%02u", static_cast<unsigned>(v % 100));
  return (negative ? "-" : "") + group_thousands(std::to_string(v / 100)) + "." + cents;
}

std::string format_kwh(double kwh) {
  const bool negative = kwh < 0;
  const double rounded = std::round(std::fabs(kwh) * 100.0);
  const auto hundredths = static_cast<std::uint64_t>(rounded);
  char frac[4];
  std::snprintf(frac, sizeof frac, "%02u", static_cast<unsigned>(hundredths % 100));
  return (negative && hundredths ? "-" : "") + group_thousands(std::to_string(hundredths / 100)) + "." + frac;
}

}  // namespace lianxin::billing
