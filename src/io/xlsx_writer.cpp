// XLSX writing with libxlsxwriter. It only writes to a file, so the workbook goes to a
// private temporary file that is read back and removed.
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "common/errors.hpp"
#include "io/csv.hpp"
#include "io/xlsx.hpp"

namespace lianxin::io {
namespace {

constexpr std::size_t kMaxRows = 1'048'576;
constexpr std::size_t kMaxColumns = 16'384;
constexpr std::size_t kMaxCellChars = 32'767;           // Excel's limit per cell
constexpr std::int64_t kLargestExactInteger = 999'999'999'999'999;  // 15 digits

// Decodes UTF-8 leniently: invalid bytes become U+FFFD. Calls f(code_point, bytes).
template <class F>
void for_each_code_point(std::string_view s, F&& f) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size() || (len > 1 && !is_clean_utf8(s.substr(i, len)))) {
      f(0xFFFDu, std::string_view("\xEF\xBF\xBD"));
      ++i;
      continue;
    }
    std::uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    f(cp, s.substr(i, len));
    i += len;
  }
}

// Valid UTF-8, at most Excel's cell length; control characters other than tab and line
// breaks are dropped (XML 1.0 cannot hold them).
std::string clean_text(std::string_view s) {
  if (s.size() <= kMaxCellChars && is_clean_utf8(s) &&
      std::none_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
      }))
    return std::string(s);
  std::string out;
  std::size_t chars = 0;
  for_each_code_point(s, [&](std::uint32_t cp, std::string_view bytes) {
    if (chars >= kMaxCellChars) return;
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') return;
    out.append(bytes);
    ++chars;
  });
  return out;
}

// Display width in Excel's character units: East Asian wide characters take two.
double display_width(std::string_view s) {
  double width = 0;
  double line = 0;
  for_each_code_point(s, [&](std::uint32_t cp, std::string_view) {
    if (cp == '\n') {
      width = std::max(width, line);
      line = 0;
      return;
    }
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
    line += wide ? 2.0 : 1.0;
  });
  return std::max(width, line);
}

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// Excel sheet names: no []:*?/\, not starting or ending with ', 1-31 characters, unique
// (case-insensitively).
std::string sheet_name(const std::string& wanted, std::size_t index,
                       std::vector<std::string>& used) {
  std::string cleaned;
  for_each_code_point(wanted, [&](std::uint32_t cp, std::string_view bytes) {
    if (cp < 0x20) return;
    if (cp < 0x80 && std::string_view("[]:*?/\\").find(static_cast<char>(cp)) != std::string_view::npos)
      cleaned.push_back('_');
    else
      cleaned.append(bytes);
  });
  while (!cleaned.empty() && cleaned.front() == '\'') cleaned.erase(0, 1);
  while (!cleaned.empty() && cleaned.back() == '\'') cleaned.pop_back();
  if (cleaned.empty()) cleaned = "Sheet" + std::to_string(index + 1);

  auto truncate = [](const std::string& s, std::size_t max_chars) {
    std::string out;
    std::size_t n = 0;
    for_each_code_point(s, [&](std::uint32_t, std::string_view bytes) {
      if (n++ < max_chars) out.append(bytes);
    });
    return out;
  };
  auto lower = [](std::string s) {
    for (char& c : s)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
  };
  std::string name = truncate(cleaned, LXW_SHEETNAME_MAX);
  for (int n = 2; std::find(used.begin(), used.end(), lower(name)) != used.end(); ++n) {
    std::string suffix = " (" + std::to_string(n) + ")";
    name = truncate(cleaned, LXW_SHEETNAME_MAX - suffix.size()) + suffix;
  }
  used.push_back(lower(name));
  return name;
}

class TempFile {
 public:
  TempFile() {
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string pattern = (dir / "lianxin-xlsx-XXXXXX").string();
    int fd = mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the XLSX export");
    close(fd);
    path_ = pattern;
  }
  ~TempFile() { unlink(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void check(lxw_error error, const char* what) {
  if (error != LXW_NO_ERROR)
    throw std::runtime_error(std::string("XLSX export: ") + what + ": " + lxw_strerror(error));
}

void write_sheet(lxw_worksheet* ws, lxw_format* bold, const Sheet& sheet) {
  const bool has_header = !sheet.header.empty();
  std::size_t columns = sheet.header.size();
  for (const auto& row : sheet.rows) columns = std::max(columns, row.size());
  std::vector<double> widths(columns, 0.0);
  lxw_row_t r = 0;

  if (has_header) {
    for (std::size_t c = 0; c < sheet.header.size(); ++c) {
      std::string text = clean_text(sheet.header[c]);
      widths[c] = std::max(widths[c], display_width(text));
      if (!text.empty())
        check(worksheet_write_string(ws, r, static_cast<lxw_col_t>(c), text.c_str(), bold),
              "header");
    }
    ++r;
  }
  for (const auto& row : sheet.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      auto col = static_cast<lxw_col_t>(c);
      const Cell& cell = row[c];
      if (const auto* s = std::get_if<std::string>(&cell)) {
        if (s->empty()) continue;
        std::string text = clean_text(*s);
        widths[c] = std::max(widths[c], display_width(text));
        check(worksheet_write_string(ws, r, col, text.c_str(), nullptr), "cell");
      } else if (const auto* i = std::get_if<std::int64_t>(&cell)) {
        std::string digits = std::to_string(*i);
        widths[c] = std::max(widths[c], static_cast<double>(digits.size()));
        if (*i >= -kLargestExactInteger && *i <= kLargestExactInteger)
          check(worksheet_write_number(ws, r, col, static_cast<double>(*i), nullptr), "cell");
        else
          check(worksheet_write_string(ws, r, col, digits.c_str(), nullptr), "cell");
      } else if (const auto* d = std::get_if<double>(&cell)) {
        if (!std::isfinite(*d)) continue;
        widths[c] = std::max(widths[c], static_cast<double>(number_text(*d).size()));
        check(worksheet_write_number(ws, r, col, *d, nullptr), "cell");
      }
    }
    ++r;
  }
  for (std::size_t c = 0; c < columns; ++c) {
    double width = std::clamp(widths[c] * 1.1 + 2.0, 8.0, 60.0);
    check(worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                               nullptr),
          "column width");
  }
  if (has_header) {
    worksheet_freeze_panes(ws, 1, 0);
    check(worksheet_autofilter(ws, 0, 0, r > 1 ? r - 1 : 0,
                               static_cast<lxw_col_t>(sheet.header.size() - 1)),
          "autofilter");
  }
}

}  // namespace

std::string write_xlsx(const std::vector<Sheet>& sheets) {
  for (const auto& sheet : sheets) {
    std::size_t rows = sheet.rows.size() + (sheet.header.empty() ? 0 : 1);
    std::size_t columns = sheet.header.size();
    for (const auto& row : sheet.rows) columns = std::max(columns, row.size());
    if (rows > kMaxRows || columns > kMaxColumns) {
      std::string message = "sheet \"" + sheet.name + "\" has more rows or columns than Excel allows";
      throw AppError(ErrorCode::validation_failed, message, {FieldIssue{"rows", message, 0}});
    }
  }

  TempFile file;
  // Constant-memory mode streams rows to disk (we write them in order), so a large export
  // does not hold a second copy of its cells in memory.
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = nullptr;
  options.use_zip64 = LXW_TRUE;
  lxw_workbook* workbook = workbook_new_opt(file.path().c_str(), &options);
  if (!workbook) throw std::runtime_error("XLSX export: cannot create the workbook");

  try {
    lxw_format* bold = workbook_add_format(workbook);
    format_set_bold(bold);
    std::vector<std::string> used;
    std::vector<Sheet> placeholder;
    const std::vector<Sheet>& to_write = sheets.empty() ? placeholder : sheets;
    if (sheets.empty()) placeholder.push_back(Sheet{"Sheet1", {}, {}});
    for (std::size_t i = 0; i < to_write.size(); ++i) {
      std::string name = sheet_name(to_write[i].name, i, used);
      lxw_worksheet* ws = workbook_add_worksheet(workbook, name.c_str());
      if (!ws) throw std::runtime_error("XLSX export: cannot add sheet " + name);
      write_sheet(ws, bold, to_write[i]);
    }
  } catch (...) {
    workbook_close(workbook);
    throw;
  }
  check(workbook_close(workbook), "closing the workbook");

  std::ifstream in(file.path(), std::ios::binary);
  if (!in) throw std::runtime_error("XLSX export: cannot read the temporary file back");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace lianxin::io
