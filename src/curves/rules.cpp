#include "curves/rules.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>

namespace lianxin::curves {

namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
constexpr int kMinYear = 1900, kMaxYear = 2200;
constexpr std::size_t kMaxAccountBytes = 64;

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// ---- cells ---------------------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A cell without the spaces and the pair of double quotes around it (spreadsheets quote account
// numbers so that Excel keeps their leading zeros). Quoted cells holding commas are not supported:
// they show up as a wrong number of cells.
std::string_view clean_cell(std::string_view s) {
  s = trim_view(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = trim_view(s.substr(1, s.size() - 2));
  return s;
}

bool is_blank(std::string_view line) {
  for (char c : line)
    if (!is_space(c) && c != ',') return false;
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Splits one line into cells lazily, with no allocation. A line of k commas has k + 1 cells.
class CellCursor {
 public:
  explicit CellCursor(std::string_view line) : p_(line.data()), end_(line.data() + line.size()) {}
  bool exhausted() const { return exhausted_; }
  // The next cell; "" (and `short_row` set) once the line has no more.
  std::string_view next(bool& short_row) {
    if (exhausted_) {
      short_row = true;
      return {};
    }
    const char* comma = static_cast<const char*>(std::memchr(p_, ',', static_cast<std::size_t>(end_ - p_)));
    const char* stop = comma ? comma : end_;
    std::string_view cell(p_, static_cast<std::size_t>(stop - p_));
    if (comma) {
      p_ = comma + 1;
    } else {
      p_ = end_, exhausted_ = true;
    }
    return cell;
  }
  // True when the cells left (if any) are all blank: a trailing comma is tolerated.
  bool rest_blank() {
    bool unused = false;
    while (!exhausted_)
      if (!clean_cell(next(unused)).empty()) return false;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
  bool exhausted_ = false;
};

std::size_t count_cells(std::string_view line) { return 1 + static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')); }

// A cell's text for a message: quoted, cut at 40 bytes on a UTF-8 boundary.
std::string quote(std::string_view s) {
  if (s.size() > 40) {
    std::size_t cut = 40;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return "“" + std::string(s.substr(0, cut)) + "…”";
  }
  return "“" + std::string(s) + "”";
}

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                              1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// A finite decimal number into the nearest float. std::from_chars accepts "nan" and "inf", which are
// refused here.
//
// The usual cell, [-]digits[.digits] with at most 15 significant digits (3967.259968), takes a fast
// path: the digits as an integer are exact in double and so is 10^k for k ≤ 22, so one division
// gives the correctly rounded double (Clinger); rounding that to float is correct unless the double
// lies exactly halfway between two floats, where the true value may not (then from_chars decides).
// That halves the parse time of a wide file. Everything else (exponents, long digit strings,
// garbage) goes to std::from_chars.
bool parse_kw(std::string_view cell, float& out) {
  const char* p = cell.data();
  const char* e = p + cell.size();
  bool negative = false;
  if (p != e && (*p == '-' || *p == '+')) negative = *p++ == '-';
  std::uint64_t mantissa = 0;
  int digits = 0, fraction = 0;
  bool any = false;
  while (p != e && *p == '0') ++p, any = true;  // leading zeros are not significant
  while (p != e && static_cast<unsigned>(*p - '0') < 10) mantissa = mantissa * 10 + static_cast<unsigned>(*p++ - '0'), ++digits, any = true;
  if (p != e && *p == '.') {
    ++p;
    if (digits == 0)
      while (p != e && *p == '0') ++p, ++fraction, any = true;
    while (p != e && static_cast<unsigned>(*p - '0') < 10) mantissa = mantissa * 10 + static_cast<unsigned>(*p++ - '0'), ++digits, ++fraction, any = true;
  }
  if (p == e && any && digits <= 15 && fraction <= 22) {
    const double d = static_cast<double>(mantissa) / kPow10[fraction];
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(d);
    constexpr std::uint64_t kBelowFloat = (1ull << 29) - 1, kHalfway = 1ull << 28;  // the 29 bits a float drops
    if ((bits & kBelowFloat) != kHalfway) {
      const float f = static_cast<float>(d);
      if (std::isfinite(f)) {
        out = negative ? -f : f;
        return true;
      }
    }
  }
  const char* b = cell.data();
  if (b != e && *b == '+') {
    ++b;
    if (b != e && *b == '-') return false;
  }
  auto [ptr, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && ptr == e && std::isfinite(out);
}

// ---- dates and times -----------------------------------------------------------------------------

enum class Parsed { ok, format, impossible, off_grid };

struct DateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads min_digits–max_digits digits at p.
bool read_number(const char*& p, const char* end, int min_digits, int max_digits, int& out) {
  int n = 0, value = 0;
  while (p != end && n < max_digits && is_digit(*p)) value = value * 10 + (*p++ - '0'), ++n;
  if (n < min_digits) return false;
  out = value;
  return true;
}

// YYYYMMDD, YYYY-M[M]-D[D] or YYYY/M[M]/D[D] at p; checks the format only.
bool read_date(const char*& p, const char* end, DateTime& t) {
  if (!read_number(p, end, 4, 4, t.year)) return false;
  if (p != end && (*p == '-' || *p == '/')) {
    const char sep = *p++;
    if (!read_number(p, end, 1, 2, t.month)) return false;
    if (p == end || *p != sep) return false;
    ++p;
    return read_number(p, end, 1, 2, t.day);
  }
  return read_number(p, end, 2, 2, t.month) && read_number(p, end, 2, 2, t.day);
}

Parsed check_date(const DateTime& t) {
  if (t.year < kMinYear || t.year > kMaxYear || t.month < 1 || t.month > 12) return Parsed::impossible;
  if (t.day < 1 || t.day > days_in_month(t.year, t.month)) return Parsed::impossible;
  return Parsed::ok;
}

Parsed parse_date(std::string_view s, DateTime& t) {
  const char* p = s.data();
  const char* end = p + s.size();
  if (!read_date(p, end, t) || p != end) return Parsed::format;
  return check_date(t);
}

// A date, then a space (or several) or 'T', then H[H]:MM[:SS[.fff]].
Parsed parse_timestamp(std::string_view s, DateTime& t) {
  const char* p = s.data();
  const char* end = p + s.size();
  if (!read_date(p, end, t)) return Parsed::format;
  if (p == end) return Parsed::format;
  if (*p == 'T') {
    ++p;
  } else if (*p == ' ') {
    while (p != end && *p == ' ') ++p;
  } else {
    return Parsed::format;
  }
  if (!read_number(p, end, 1, 2, t.hour)) return Parsed::format;
  if (p == end || *p != ':') return Parsed::format;
  ++p;
  if (!read_number(p, end, 2, 2, t.minute)) return Parsed::format;
  bool fraction = false;
  if (p != end && *p == ':') {
    ++p;
    if (!read_number(p, end, 2, 2, t.second)) return Parsed::format;
    if (p != end && *p == '.') {
      ++p;
      if (p == end || !is_digit(*p)) return Parsed::format;
      while (p != end && is_digit(*p)) fraction = fraction || *p++ != '0';
    }
  }
  if (p != end) return Parsed::format;
  if (check_date(t) != Parsed::ok) return Parsed::impossible;
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return Parsed::impossible;
  if (t.minute % 15 != 0 || t.second != 0 || fraction) return Parsed::off_grid;
  return Parsed::ok;
}

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }
std::string date_text(int y, int m, int d) { return std::to_string(y) + "-" + two(m) + "-" + two(d); }
std::string slot_text(int slot) { return two(slot / 4) + ":" + two(slot % 4 * 15); }

// ---- header --------------------------------------------------------------------------------------

const char* const kExpectedHeader =
    "无法识别表头：应为宽表 YMD,T0000,T0015,…,T2345（每天一行，可在最前加 户号/account_no 列）"
    "或长表 timestamp,kw（时间,负荷，每个 15 分钟一行，可加 户号/account_no 列）";

bool is_account_name(std::string_view s) { return s == "户号" || iequals(s, "account_no"); }
bool is_date_name(std::string_view s) { return iequals(s, "YMD") || iequals(s, "date") || s == "日期"; }
bool is_timestamp_name(std::string_view s) { return iequals(s, "timestamp") || s == "时间"; }
bool is_kw_name(std::string_view s) { return iequals(s, "kw") || s == "负荷"; }

// The slot a wide header's time column names: T0015, t0015, 0015, 00:15 or 0:15 → 1; -1 otherwise.
int slot_of_name(std::string_view s) {
  if (!s.empty() && (s.front() == 'T' || s.front() == 't')) s.remove_prefix(1);
  const char* p = s.data();
  const char* end = p + s.size();
  int hour = 0, minute = 0;
  const char* start = p;
  if (!read_number(p, end, 1, 2, hour)) return -1;
  if (p != end && *p == ':') {
    ++p;
  } else if (p - start != 2) {
    return -1;
  }
  if (!read_number(p, end, 2, 2, minute) || p != end) return -1;
  if (hour > 23 || minute % 15 != 0 || minute > 45) return -1;
  return hour * 4 + minute / 15;
}

std::string slot_name(int slot) { return "T" + two(slot / 4) + two(slot % 4 * 15); }

struct Header {
  Layout layout = Layout::unknown;
  bool valid = false;
  std::vector<std::string> names;  // cleaned header cells, for FieldIssue::field
  std::size_t columns = 0;         // cells a data row must have
  int account_col = -1, date_col = -1, kw_col = -1, first_slot_col = -1;
};

class IssueSink {
 public:
  IssueSink(ParseResult& result, std::size_t max) : result_(result), max_(max) {}
  // Counts an issue; true when it is to be kept (so that messages past the cap are never built).
  bool want() {
    ++result_.issue_count;
    return result_.issues.size() < max_;
  }
  void add(std::string field, std::string message, std::int64_t row) {
    if (want()) result_.issues.push_back({std::move(field), std::move(message), row});
  }

 private:
  ParseResult& result_;
  std::size_t max_;
};

// Reads the header line. `sink` may be null (detect_layout only).
Header read_header(std::string_view line, IssueSink* sink) {
  Header h;
  std::vector<std::string_view> cells;
  CellCursor cursor(line);
  bool unused = false;
  while (!cursor.exhausted()) cells.push_back(clean_cell(cursor.next(unused)));
  while (!cells.empty() && cells.back().empty()) cells.pop_back();  // trailing commas
  h.columns = cells.size();
  for (std::string_view c : cells) h.names.emplace_back(c);
  auto issue = [&](std::string field, std::string message) {
    if (sink) sink->add(std::move(field), std::move(message), 1);
  };

  std::size_t i = 0;
  if (!cells.empty() && is_account_name(cells[0])) h.account_col = 0, i = 1;
  if (i < cells.size() && is_date_name(cells[i])) {
    h.layout = Layout::wide;
    h.date_col = static_cast<int>(i);
    h.first_slot_col = static_cast<int>(i + 1);
    const std::size_t slots = cells.size() - i - 1;
    bool ok = true;
    for (std::size_t s = 0; s < std::min<std::size_t>(slots, kSlotsPerDay); ++s) {
      std::string_view name = cells[i + 1 + s];
      if (slot_of_name(name) != static_cast<int>(s)) {
        ok = false;
        issue(std::string(name), "第 " + std::to_string(i + 2 + s) + " 列应为 " + slot_name(static_cast<int>(s)) + "，表头为 " + quote(name));
      }
    }
    if (slots != kSlotsPerDay) {
      ok = false;
      issue("", "宽表应有 96 个时点列 T0000…T2345，表头有 " + std::to_string(slots) + " 个");
    }
    h.valid = ok;
    return h;
  }

  bool any_long = false;
  for (std::string_view c : cells) any_long = any_long || is_timestamp_name(c) || is_kw_name(c);
  if (!any_long) {
    issue("", kExpectedHeader);
    return h;
  }
  h.layout = Layout::long_form;
  h.account_col = -1;
  bool ok = true;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    int* slot = is_account_name(cells[c]) ? &h.account_col : is_timestamp_name(cells[c]) ? &h.date_col : is_kw_name(cells[c]) ? &h.kw_col : nullptr;
    if (!slot) {
      ok = false;
      issue(std::string(cells[c]), "第 " + std::to_string(c + 1) + " 列 " + quote(cells[c]) + " 不是长表的列（应为 户号/account_no、时间/timestamp、负荷/kw）");
    } else if (*slot >= 0) {
      ok = false;
      issue(std::string(cells[c]), "第 " + std::to_string(c + 1) + " 列 " + quote(cells[c]) + " 与第 " + std::to_string(*slot + 1) + " 列重复");
    } else {
      *slot = static_cast<int>(c);
    }
  }
  if (h.date_col < 0) ok = false, issue("timestamp", "长表缺少 时间/timestamp 列");
  if (h.kw_col < 0) ok = false, issue("kw", "长表缺少 负荷/kw 列");
  h.valid = ok;
  return h;
}

std::string_view first_line(std::string_view text, std::size_t& next) {
  const std::size_t nl = text.find('\n');
  next = nl == std::string_view::npos ? text.size() : nl + 1;
  return text.substr(0, nl == std::string_view::npos ? text.size() : nl);
}

std::string_view strip_bom(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

// ---- curves under construction -------------------------------------------------------------------

class CurveSet {
 public:
  // per_slot: keep the row of every slot (long form) rather than of every day (wide form).
  explicit CurveSet(bool per_slot) : per_slot_(per_slot) {}

  std::size_t curve_for(std::string_view account, int year, int month) {
    const int key = year * 12 + month - 1;
    if (key == last_key_ && account == last_account_) return last_index_;
    auto outer = index_.find(account);
    if (outer == index_.end()) outer = index_.emplace(std::string(account), std::map<int, std::size_t>{}).first;
    auto inner = outer->second.find(key);
    if (inner == outer->second.end()) {
      MonthCurve c;
      c.account_no = std::string(account);
      c.year = year;
      c.month = month;
      const int days = days_in_month(year, month);
      c.kw.assign(static_cast<std::size_t>(days) * kSlotsPerDay, kMissing);
      c.day_present.assign(static_cast<std::size_t>(days), 0);
      curves.push_back(std::move(c));
      rows.emplace_back(static_cast<std::size_t>(per_slot_ ? days * kSlotsPerDay : days), 0);
      inner = outer->second.emplace(key, curves.size() - 1).first;
    }
    last_key_ = key;
    last_account_.assign(account);
    last_index_ = inner->second;
    return last_index_;
  }

  std::vector<MonthCurve> take_sorted() {
    std::vector<MonthCurve> out;
    out.reserve(curves.size());
    for (auto& [account, months] : index_)
      for (auto& [key, index] : months) out.push_back(std::move(curves[index]));
    return out;
  }

  std::vector<MonthCurve> curves;
  std::vector<std::vector<std::uint32_t>> rows;  // the file line that filled a day or a slot (0 = none)

 private:
  bool per_slot_;
  std::map<std::string, std::map<int, std::size_t>, std::less<>> index_;
  std::string last_account_;
  int last_key_ = -1;
  std::size_t last_index_ = 0;
};

std::uint32_t row32(std::int64_t row) { return static_cast<std::uint32_t>(std::min<std::int64_t>(row, 0xFFFFFFFF)); }

class Parser {
 public:
  Parser(const ParseOptions& options, ParseResult& result) : options_(options), result_(result), sink_(result, options.max_issues) {}

  void run(std::string_view text) {
    text = strip_bom(text);
    std::size_t pos = 0;
    std::int64_t line_no = 0;
    bool have_header = false;
    while (pos < text.size()) {
      const std::size_t nl = text.find('\n', pos);
      std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      pos = nl == std::string_view::npos ? text.size() : nl + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!have_header) {
        have_header = true;
        header_ = read_header(line, &sink_);
        result_.layout = header_.layout;
        if (!header_.valid) return;
        if (header_.account_col < 0 && trim_view(options_.default_account).empty()) {
          sink_.add("account_no", "文件没有 户号/account_no 列，也未指定户号", 1);
          return;
        }
        set_default_account();
        set_.emplace(header_.layout == Layout::long_form);
        continue;
      }
      if (is_blank(line)) continue;
      ++result_.rows;
      if (header_.layout == Layout::wide) {
        wide_row(line, line_no);
      } else {
        long_row(line, line_no);
      }
    }
    if (!have_header) {
      sink_.add("", std::string("文件为空。") + kExpectedHeader, 1);
      return;
    }
    if (set_) result_.curves = set_->take_sorted();
  }

 private:
  void set_default_account() {
    std::string_view d = trim_view(options_.default_account);
    default_account_.assign(d);
    for (char& c : default_account_)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }

  // The row's account (upper-cased into account_) or false with an issue.
  bool read_account(std::string_view cell, std::int64_t row) {
    cell = clean_cell(cell);
    if (cell.empty()) {
      if (default_account_.empty()) {
        sink_.add(header_.names[static_cast<std::size_t>(header_.account_col)], "户号为空", row);
        return false;
      }
      account_ = default_account_;
      return true;
    }
    if (cell.size() > kMaxAccountBytes) {
      if (sink_.want()) result_.issues.push_back({header_.names[static_cast<std::size_t>(header_.account_col)], "户号 " + quote(cell) + " 过长（最多 64 字节）", row});
      return false;
    }
    account_.assign(cell);
    for (char& c : account_)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return true;
  }

  // A row whose number of cells differs from the header's: one issue, nothing else looked at.
  void cell_count_issue(std::string_view line, std::int64_t row) {
    if (sink_.want())
      result_.issues.push_back({"", "应有 " + std::to_string(header_.columns) + " 列，实际 " + std::to_string(count_cells(line)) + " 列", row});
  }

  void value_issue(int column, std::string_view cell, std::int64_t row) {
    if (!sink_.want()) return;
    const std::string& name = header_.names[static_cast<std::size_t>(column)];
    result_.issues.push_back({name, "第 " + std::to_string(column + 1) + " 列 " + name + " 的值 " + quote(cell) + " 不是数字", row});
  }

  void date_issue(int column, std::string_view cell, Parsed what, std::int64_t row, bool timestamp) {
    if (!sink_.want()) return;
    const std::string& name = header_.names[static_cast<std::size_t>(column)];
    std::string message;
    if (what == Parsed::format) {
      message = timestamp ? "时间 " + quote(cell) + " 无法识别（应为 YYYY-MM-DD HH:MM）"
                          : "日期 " + quote(cell) + " 无法识别（应为 YYYYMMDD、YYYY-MM-DD 或 YYYY/MM/DD）";
    } else if (what == Parsed::impossible) {
      message = (timestamp ? "时间 " : "日期 ") + quote(cell) + " 不存在";
    } else {
      message = "时间 " + quote(cell) + " 不在 15 分钟整点上（分钟应为 00、15、30 或 45，秒为 0）";
    }
    result_.issues.push_back({name, std::move(message), row});
  }

  // One pass over the cells: the values are parsed as they come and their problems noted; the
  // number of cells is known at the end, and only a row with the right number gets its problems
  // reported (a shifted row would otherwise give 96 misleading ones).
  void wide_row(std::string_view line, std::int64_t row) {
    CellCursor cursor(line);
    bool short_row = false;
    const std::string_view account_cell = header_.account_col >= 0 ? cursor.next(short_row) : std::string_view{};
    const std::string_view date_cell = clean_cell(cursor.next(short_row));
    float values[kSlotsPerDay];
    std::uint8_t bad[kSlotsPerDay];
    std::string_view bad_cells[kSlotsPerDay];
    int bad_count = 0, read = 0;
    for (int s = 0; s < kSlotsPerDay; ++s) {
      const std::string_view cell = clean_cell(cursor.next(short_row));
      if (cell.empty()) {
        values[s] = kMissing;
      } else if (parse_kw(cell, values[s])) {
        ++read;
      } else {
        values[s] = kMissing;
        bad[bad_count] = static_cast<std::uint8_t>(s);
        bad_cells[bad_count++] = cell;
      }
    }
    if (short_row || !cursor.rest_blank()) {
      cell_count_issue(line, row);
      return;
    }
    result_.readings += read;
    bool usable = header_.account_col < 0 ? (account_ = default_account_, true) : read_account(account_cell, row);
    DateTime date;
    const Parsed parsed = parse_date(date_cell, date);
    if (parsed != Parsed::ok) {
      date_issue(header_.date_col, date_cell, parsed, row, false);
      usable = false;
    }
    for (int k = 0; k < bad_count; ++k) value_issue(header_.first_slot_col + bad[k], bad_cells[k], row);
    if (!usable) return;
    const std::size_t index = set_->curve_for(account_, date.year, date.month);
    MonthCurve& curve = set_->curves[index];
    if (curve.first_row == 0) curve.first_row = row;
    const std::size_t day = static_cast<std::size_t>(date.day - 1);
    std::uint32_t& earlier = set_->rows[index][day];
    if (earlier != 0) {
      if (sink_.want())
        result_.issues.push_back({header_.names[static_cast<std::size_t>(header_.date_col)],
                                  "户号 " + account_ + " 的 " + date_text(date.year, date.month, date.day) + " 重复，第 " + std::to_string(earlier) + " 行已有该日数据",
                                  row});
      return;
    }
    earlier = row32(row);
    curve.day_present[day] = 1;
    std::memcpy(curve.kw.data() + day * kSlotsPerDay, values, sizeof values);
  }

  void long_row(std::string_view line, std::int64_t row) {
    std::string_view cells[3];
    CellCursor cursor(line);
    bool short_row = false;
    for (std::size_t c = 0; c < header_.columns; ++c) cells[c] = clean_cell(cursor.next(short_row));
    if (short_row || !cursor.rest_blank()) {
      cell_count_issue(line, row);
      return;
    }
    bool usable = header_.account_col < 0 ? (account_ = default_account_, true) : read_account(cells[header_.account_col], row);
    DateTime t;
    const std::string_view time_cell = cells[header_.date_col];
    const Parsed parsed = parse_timestamp(time_cell, t);
    if (parsed != Parsed::ok) {
      date_issue(header_.date_col, time_cell, parsed, row, true);
      usable = false;
    }
    float value = kMissing;
    const std::string_view kw_cell = cells[header_.kw_col];
    if (!kw_cell.empty()) {
      if (parse_kw(kw_cell, value)) {
        ++result_.readings;
      } else {
        value = kMissing;
        value_issue(header_.kw_col, kw_cell, row);
      }
    }
    if (!usable) return;
    const std::size_t index = set_->curve_for(account_, t.year, t.month);
    MonthCurve& curve = set_->curves[index];
    if (curve.first_row == 0) curve.first_row = row;
    const int slot = t.hour * 4 + t.minute / 15;
    const std::size_t at = static_cast<std::size_t>(t.day - 1) * kSlotsPerDay + static_cast<std::size_t>(slot);
    std::uint32_t& earlier = set_->rows[index][at];
    if (earlier != 0) {
      if (sink_.want())
        result_.issues.push_back({header_.names[static_cast<std::size_t>(header_.date_col)],
                                  "户号 " + account_ + " 的 " + date_text(t.year, t.month, t.day) + " " + slot_text(slot) + " 重复，第 " +
                                      std::to_string(earlier) + " 行已有该时点",
                                  row});
      return;
    }
    earlier = row32(row);
    curve.day_present[static_cast<std::size_t>(t.day - 1)] = 1;
    curve.kw[at] = value;
  }

  const ParseOptions& options_;
  ParseResult& result_;
  IssueSink sink_;
  Header header_;
  std::optional<CurveSet> set_;
  std::string default_account_, account_;
};

}  // namespace

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

const char* layout_code(Layout layout) {
  switch (layout) {
    case Layout::wide: return "wide";
    case Layout::long_form: return "long";
    case Layout::unknown: break;
  }
  return "unknown";
}

Layout detect_layout(std::string_view text) {
  std::size_t next = 0;
  std::string_view line = first_line(strip_bom(text), next);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return read_header(line, nullptr).layout;
}

ParseResult parse_curves(std::string_view text, const ParseOptions& options) {
  ParseResult result;
  Parser(options, result).run(text);
  return result;
}

// ---- quality -------------------------------------------------------------------------------------

bool CurveQuality::has(std::string_view flag) const {
  return std::any_of(flags.begin(), flags.end(), [&](const char* f) { return flag == f; });
}

CurveQuality assess_quality(std::span<const float> kw, std::span<const std::uint8_t> day_present, const QualityParams& params) {
  if (kw.size() % kSlotsPerDay != 0) throw std::invalid_argument("assess_quality: not a whole number of days");
  const int days = static_cast<int>(kw.size() / kSlotsPerDay);
  if (!day_present.empty() && day_present.size() != static_cast<std::size_t>(days))
    throw std::invalid_argument("assess_quality: day_present does not match the readings");
  const int n = static_cast<int>(kw.size());
  CurveQuality q;
  auto mark = [&](const char* code, int index, int points, int other_day = 0) {
    if (q.marks.size() < params.max_marks) q.marks.push_back({code, index / kSlotsPerDay + 1, index % kSlotsPerDay, points, other_day});
  };

  // Covered days: from the first to the last day the upload had.
  int first_day = 0, last_day = days - 1;
  if (!day_present.empty()) {
    first_day = days, last_day = -1;
    for (int d = 0; d < days; ++d)
      if (day_present[static_cast<std::size_t>(d)]) first_day = std::min(first_day, d), last_day = d;
  }
  q.covered_days = last_day >= first_day ? last_day - first_day + 1 : 0;
  q.uncovered_days = days - q.covered_days;

  // gaps
  for (int i = 0; i < n; ++i) {
    if (!std::isnan(kw[static_cast<std::size_t>(i)])) continue;
    int j = i;
    while (j < n && std::isnan(kw[static_cast<std::size_t>(j)])) ++j;
    const int lo = std::max(i, first_day * kSlotsPerDay), hi = std::min(j, (last_day + 1) * kSlotsPerDay);
    if (hi > lo) {
      q.missing += hi - lo;
      mark("gaps", lo, hi - lo);
    }
    i = j - 1;
  }
  if (q.missing > 0) q.flags.push_back("gaps");

  // negatives and zeros
  for (int i = 0; i < n; ++i) {
    const float v = kw[static_cast<std::size_t>(i)];
    if (std::isnan(v)) continue;
    ++q.points;
    if (v == 0) ++q.zeros;
    if (v < 0) {
      ++q.negatives;
      mark("negative", i, 1);
    }
  }
  if (q.negatives > 0) q.flags.push_back("negative");

  // spikes: v > ratio × (upper) median of the present neighbours ⇔ more than half of them are below
  // v / ratio, which is counted without sorting. Only candidates are counted: a spike needs a
  // neighbour below v / ratio, so v must exceed ratio × a lower bound of its neighbours: the
  // minimum of its block of w readings and of the blocks either side, which hold every neighbour.
  // On real curves almost no reading is a candidate.
  const float ratio = static_cast<float>(params.spike_ratio);
  const float min_kw = static_cast<float>(params.spike_min_kw);
  const int w = std::max(1, params.spike_half_window);
  const int blocks = (n + w - 1) / w;
  std::vector<float> block_min(static_cast<std::size_t>(blocks) + 2, std::numeric_limits<float>::infinity());  // [b + 1], padded
  for (int b = 0; b < blocks; ++b) {
    float m = std::numeric_limits<float>::infinity();
    for (int i = b * w; i < std::min(n, (b + 1) * w); ++i) {
      const float x = kw[static_cast<std::size_t>(i)];
      m = x < m ? x : m;  // NaN never smaller
    }
    block_min[static_cast<std::size_t>(b) + 1] = m;
  }
  for (int b = 0; b < blocks; ++b) {
    const float bound = std::min({block_min[static_cast<std::size_t>(b)], block_min[static_cast<std::size_t>(b) + 1], block_min[static_cast<std::size_t>(b) + 2]});
    for (int i = b * w; i < std::min(n, (b + 1) * w); ++i) {
      const float v = kw[static_cast<std::size_t>(i)];
      if (!(v >= min_kw) || !(ratio * bound < v)) continue;  // also skips NaN
      int present = 0, below = 0;
      const int lo = std::max(0, i - w), hi = std::min(n - 1, i + w);
      for (int j = lo; j <= hi; ++j) {
        const float x = kw[static_cast<std::size_t>(j)];
        const int counted = (j != i) & (x == x);
        present += counted;
        below += counted & (ratio * x < v);
      }
      if (present >= params.spike_min_neighbours && below >= present / 2 + 1) {
        ++q.spikes;
        mark("spike", i, 1);
      }
    }
  }
  if (q.spikes > 0) q.flags.push_back("spike");

  // flat runs
  for (int i = 0; i < n;) {
    const float v = kw[static_cast<std::size_t>(i)];
    int j = i + 1;
    if (!std::isnan(v))
      while (j < n && kw[static_cast<std::size_t>(j)] == v) ++j;
    const int run = j - i;
    if (!std::isnan(v) && run >= params.flat_min_run && (v != 0 || params.flat_counts_zero_runs)) {
      q.flat_points += run;
      mark("flat", i, run);
    }
    i = j;
  }
  if (q.flat_points > 0) q.flags.push_back("flat");

  // copied days
  std::vector<std::uint8_t> comparable(static_cast<std::size_t>(days), 0);
  for (int d = 0; d < days; ++d) {
    const float* p = kw.data() + static_cast<std::size_t>(d) * kSlotsPerDay;
    float first = kMissing;
    bool varies = false;
    for (int s = 0; s < kSlotsPerDay; ++s) {
      if (std::isnan(p[s])) continue;
      if (std::isnan(first)) {
        first = p[s];
      } else if (p[s] != first) {
        varies = true;
        break;
      }
    }
    comparable[static_cast<std::size_t>(d)] = varies;
  }
  auto same_day = [&](int a, int b) {
    const float* x = kw.data() + static_cast<std::size_t>(a) * kSlotsPerDay;
    const float* y = kw.data() + static_cast<std::size_t>(b) * kSlotsPerDay;
    for (int s = 0; s < kSlotsPerDay; ++s) {
      if (std::isnan(x[s]) != std::isnan(y[s])) return false;
      if (!std::isnan(x[s]) && x[s] != y[s]) return false;
    }
    return true;
  };
  for (int d = 1; d < days; ++d) {
    if (!comparable[static_cast<std::size_t>(d)]) continue;
    for (int e = 0; e < d; ++e) {
      if (comparable[static_cast<std::size_t>(e)] && same_day(d, e)) {
        ++q.duplicate_days;
        mark("duplicate_day", d * kSlotsPerDay, kSlotsPerDay, e + 1);
        break;
      }
    }
  }
  if (q.duplicate_days > 0) q.flags.push_back("duplicate_day");
  return q;
}

CurveQuality assess_quality(const MonthCurve& curve, const QualityParams& params) {
  return assess_quality(std::span<const float>(curve.kw), std::span<const std::uint8_t>(curve.day_present), params);
}

}  // namespace lianxin::curves
