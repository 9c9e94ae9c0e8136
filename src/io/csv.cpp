#include "io/csv.hpp"

#include <cstring>

#include "common/errors.hpp"

namespace lianxin::io {
namespace {

constexpr const char* kNotUtf8 = "file is not UTF-8; save it as CSV UTF-8";

bool is_number_text(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

std::int64_t count_newlines(const char* begin, const char* end) {
  std::int64_t n = 0;
  for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, '\n', end - p)));
       ++p)
    ++n;
  return n;
}

}  // namespace

bool is_clean_utf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes without NUL at a time.
    if (i + 8 <= n) {
      std::uint64_t chunk;
      std::memcpy(&chunk, s + i, 8);
      constexpr std::uint64_t high = 0x8080808080808080ull;
      constexpr std::uint64_t ones = 0x0101010101010101ull;
      bool has_zero = ((chunk - ones) & ~chunk & high) != 0;
      if ((chunk & high) == 0 && !has_zero) {
        i += 8;
        continue;
      }
    }
    unsigned char c = s[i];
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    i += len;
  }
  return true;
}

CsvReader::CsvReader(std::string_view data, char delimiter)
    : data_(data.data()), size_(data.size()), delimiter_(delimiter) {
  if (data.substr(0, kUtf8Bom.size()) == kUtf8Bom) pos_ = kUtf8Bom.size();
}

void CsvReader::fail(const std::string& message) const {
  throw AppError(ErrorCode::validation_failed, "row " + std::to_string(row_) + ": " + message,
                 {FieldIssue{"file", message, row_}});
}

bool CsvReader::next(std::vector<std::string>& fields) {
  if (row_ == 0 && size_ >= 2) {
    auto b0 = static_cast<unsigned char>(data_[0]), b1 = static_cast<unsigned char>(data_[1]);
    if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
      row_ = 1;
      fail("file is UTF-16 (Unicode text); save it as CSV UTF-8");
    }
  }
  // Skip empty lines; each still counts as a row.
  for (;;) {
    if (pos_ >= size_) return false;
    char c = data_[pos_];
    if (c == '\n') {
      ++pos_;
    } else if (c == '\r') {
      pos_ += (pos_ + 1 < size_ && data_[pos_ + 1] == '\n') ? 2 : 1;
    } else {
      break;
    }
    ++row_;
    ++next_line_;
  }
  ++row_;
  record_line_ = next_line_;
  const std::size_t record_begin = pos_;
  const char delimiter = delimiter_;
  std::size_t count = 0;

  for (;;) {
    if (count == fields.size()) fields.emplace_back();
    std::string& field = fields[count++];
    field.clear();

    if (pos_ < size_ && data_[pos_] == '"') {
      ++pos_;
      for (;;) {
        const void* q = std::memchr(data_ + pos_, '"', size_ - pos_);
        if (q == nullptr) fail("a quoted field is not closed (a \" is missing)");
        const auto quote = static_cast<std::size_t>(static_cast<const char*>(q) - data_);
        next_line_ += count_newlines(data_ + pos_, data_ + quote);
        field.append(data_ + pos_, quote - pos_);
        pos_ = quote + 1;
        if (pos_ < size_ && data_[pos_] == '"') {
          field.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
    }
    // Unquoted text (or text after a closing quote) up to the delimiter or line end.
    std::size_t start = pos_;
    while (pos_ < size_) {
      char c = data_[pos_];
      if (c == delimiter || c == '\n' || c == '\r') break;
      ++pos_;
    }
    if (pos_ > start) field.append(data_ + start, pos_ - start);

    if (pos_ >= size_) break;
    char c = data_[pos_++];
    if (c == delimiter) continue;  // at the end of input this still adds an empty field
    if (c == '\r' && pos_ < size_ && data_[pos_] == '\n') ++pos_;
    ++next_line_;
    break;
  }
  fields.resize(count);
  if (!is_clean_utf8(std::string_view(data_ + record_begin, pos_ - record_begin))) fail(kNotUtf8);
  return true;
}

std::vector<std::vector<std::string>> read_csv(std::string_view data, char delimiter) {
  std::vector<std::vector<std::string>> rows;
  CsvReader reader(data, delimiter);
  std::vector<std::string> fields;
  while (reader.next(fields)) {
    // Keep the spreadsheet row numbering: skipped empty lines become empty rows.
    while (static_cast<std::int64_t>(rows.size()) + 1 < reader.row()) rows.emplace_back();
    rows.push_back(fields);
  }
  return rows;
}

std::string csv_escape_row(const std::vector<std::string>& cells, char delimiter) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out.push_back(delimiter);
    const std::string& cell = cells[i];
    bool guard = !cell.empty() && std::strchr("=+-@\t\r", cell.front()) != nullptr &&
                 !is_number_text(cell);
    bool quote = guard || cell.find_first_of(std::string{'"', '\n', '\r', delimiter}) !=
                              std::string::npos ||
                 (!cell.empty() && (cell.front() == ' ' || cell.back() == ' ')) ||
                 cell.starts_with(kUtf8Bom);  // a reader would drop it at the file start
    if (!quote) {
      out += cell;
      continue;
    }
    out.push_back('"');
    if (guard) out.push_back('\'');
    for (char c : cell) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += "\r\n";
  return out;
}

}  // namespace lianxin::io
