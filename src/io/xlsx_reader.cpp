// XLSX reading: libzip opens the container from memory, expat streams each XML part.
#include <expat.h>
#include <zip.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <unordered_map>

#include "common/errors.hpp"
#include "io/csv.hpp"
#include "io/xlsx.hpp"

namespace lianxin::io {
namespace {

constexpr std::uint64_t kMaxPartBytes = 200ull << 20;  // uncompressed, per ZIP entry
constexpr std::int64_t kMaxRows = 1'048'576;           // Excel's limits
constexpr std::int64_t kMaxColumns = 16'384;
constexpr std::uint64_t kMaxCellSlots = 25'000'000;    // output cells, gap fillers included

[[noreturn]] void invalid(const std::string& detail) {
  std::string message = "not a valid XLSX file: " + detail;
  throw AppError(ErrorCode::validation_failed, message, {FieldIssue{"file", message, 0}});
}

// ---------------------------------------------------------------- ZIP

class ZipReader {
 public:
  explicit ZipReader(std::string_view bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      zip_error_fini(&error);
      invalid("cannot read the ZIP container");
    }
    archive_ = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (archive_ == nullptr) {
      zip_source_free(source);
      std::string reason = zip_error_strerror(&error);
      zip_error_fini(&error);
      invalid("not a readable ZIP archive (" + reason + "); the file may be truncated");
    }
    zip_error_fini(&error);
  }
  ~ZipReader() {
    if (archive_) zip_discard(archive_);
  }
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  bool has(const std::string& name) { return locate(name) >= 0; }

  // Streams the entry's uncompressed bytes to sink(const char*, size_t); false if absent.
  template <class Sink>
  bool read(const std::string& name, Sink&& sink) {
    zip_int64_t index = locate(name);
    if (index < 0) return false;
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive_, static_cast<zip_uint64_t>(index), 0, &stat) == 0 &&
        (stat.valid & ZIP_STAT_SIZE) && stat.size > kMaxPartBytes)
      invalid(name + " is larger than 200 MB uncompressed");
    zip_file_t* file = zip_fopen_index(archive_, static_cast<zip_uint64_t>(index), 0);
    if (file == nullptr)
      invalid("cannot open " + name + " (" + zip_strerror(archive_) +
              "); encrypted workbooks are not supported");
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> guard(file, zip_fclose);
    std::array<char, 1 << 16> buffer;
    std::uint64_t total = 0;
    for (;;) {
      zip_int64_t n = zip_fread(file, buffer.data(), buffer.size());
      if (n < 0) invalid(name + " is damaged (" + zip_file_strerror(file) + ")");
      if (n == 0) break;
      total += static_cast<std::uint64_t>(n);
      if (total > kMaxPartBytes) invalid(name + " is larger than 200 MB uncompressed");
      sink(buffer.data(), static_cast<std::size_t>(n));
    }
    return true;
  }

 private:
  zip_int64_t locate(const std::string& name) {
    zip_int64_t index = zip_name_locate(archive_, name.c_str(), 0);
    if (index < 0) index = zip_name_locate(archive_, name.c_str(), ZIP_FL_NOCASE);
    return index;
  }

  zip_t* archive_ = nullptr;
};

// ---------------------------------------------------------------- XML

std::string_view local_name(const char* qualified) {
  const char* colon = std::strrchr(qualified, ':');
  return colon ? colon + 1 : qualified;
}

// The value of the attribute with this local name (any prefix), or nullptr. With
// `prefixed`, only a prefixed attribute matches (r:id, not a plain id).
const char* attribute(const char** attrs, std::string_view name, bool prefixed = false) {
  for (; attrs && attrs[0]; attrs += 2) {
    if (prefixed && std::strchr(attrs[0], ':') == nullptr) continue;
    if (local_name(attrs[0]) == name) return attrs[1];
  }
  return nullptr;
}

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const char** attrs) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(const char*, int) {}
};

struct ParseContext {
  XML_Parser parser;
  XmlHandler* handler;
  std::exception_ptr error;
  bool doctype = false;
};

// Expat is C: exceptions must not cross it. Callbacks catch, stop the parser, and the
// exception is rethrown once XML_Parse returns.
void XMLCALL on_start(void* data, const XML_Char* name, const XML_Char** attrs) {
  auto* ctx = static_cast<ParseContext*>(data);
  try {
    ctx->handler->start(local_name(name), attrs);
  } catch (...) {
    ctx->error = std::current_exception();
    XML_StopParser(ctx->parser, XML_FALSE);
  }
}

void XMLCALL on_end(void* data, const XML_Char* name) {
  auto* ctx = static_cast<ParseContext*>(data);
  try {
    ctx->handler->end(local_name(name));
  } catch (...) {
    ctx->error = std::current_exception();
    XML_StopParser(ctx->parser, XML_FALSE);
  }
}

void XMLCALL on_text(void* data, const XML_Char* s, int len) {
  auto* ctx = static_cast<ParseContext*>(data);
  try {
    ctx->handler->text(s, len);
  } catch (...) {
    ctx->error = std::current_exception();
    XML_StopParser(ctx->parser, XML_FALSE);
  }
}

// OOXML parts never have a DTD; refusing them rules out entity expansion attacks.
void XMLCALL on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* ctx = static_cast<ParseContext*>(data);
  ctx->doctype = true;
  XML_StopParser(ctx->parser, XML_FALSE);
}

// Parses one part with `handler`; false if the part does not exist.
bool parse_part(ZipReader& zip, const std::string& name, XmlHandler& handler) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> parser(
      XML_ParserCreate("UTF-8"), XML_ParserFree);
  if (!parser) throw std::bad_alloc();
  ParseContext ctx{parser.get(), &handler, nullptr, false};
  XML_SetUserData(parser.get(), &ctx);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);

  auto check = [&](XML_Status status) {
    if (status == XML_STATUS_OK) return;
    if (ctx.error) std::rethrow_exception(ctx.error);
    if (ctx.doctype) invalid(name + " contains a DTD");
    invalid("malformed XML in " + name + ": " + XML_ErrorString(XML_GetErrorCode(parser.get())) +
            " at line " + std::to_string(XML_GetCurrentLineNumber(parser.get())));
  };
  bool found = zip.read(name, [&](const char* data, std::size_t size) {
    check(XML_Parse(parser.get(), data, static_cast<int>(size), XML_FALSE));
  });
  if (!found) return false;
  check(XML_Parse(parser.get(), nullptr, 0, XML_TRUE));
  return true;
}

// ---------------------------------------------------------------- parts

struct Relationship {
  std::string id, type, target;
};

class RelsHandler : public XmlHandler {
 public:
  std::vector<Relationship> rels;
  void start(std::string_view name, const char** attrs) override {
    if (name != "Relationship") return;
    const char* mode = attribute(attrs, "TargetMode");
    if (mode && std::string_view(mode) == "External") return;
    const char* id = attribute(attrs, "Id");
    const char* type = attribute(attrs, "Type");
    const char* target = attribute(attrs, "Target");
    if (id && target) rels.push_back({id, type ? type : "", target});
  }
  void end(std::string_view) override {}

  const Relationship* by_type(std::string_view suffix) const {
    for (const auto& r : rels)
      if (r.type.size() >= suffix.size() &&
          std::string_view(r.type).substr(r.type.size() - suffix.size()) == suffix)
        return &r;
    return nullptr;
  }
  const Relationship* by_id(std::string_view id) const {
    for (const auto& r : rels)
      if (r.id == id) return &r;
    return nullptr;
  }
};

struct SheetEntry {
  std::string name, rel_id;
  bool visible = true;
};

class WorkbookHandler : public XmlHandler {
 public:
  std::vector<SheetEntry> sheets;
  bool date1904 = false;
  void start(std::string_view name, const char** attrs) override {
    if (name == "sheet") {
      const char* id = attribute(attrs, "id", true);
      const char* sheet_name = attribute(attrs, "name");
      const char* state = attribute(attrs, "state");
      if (id) sheets.push_back({sheet_name ? sheet_name : "", id,
                                !state || std::string_view(state) == "visible"});
    } else if (name == "workbookPr") {
      const char* v = attribute(attrs, "date1904");
      date1904 = v && (std::string_view(v) == "1" || std::string_view(v) == "true");
    }
  }
  void end(std::string_view) override {}
};

bool is_builtin_date_format(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

// A format shows a date or time if it has y, d, h or s outside quoted text, escapes and
// [...] blocks (colours, locales, elapsed-time [h] which is a duration, not a date).
bool is_date_format_code(std::string_view code) {
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') {
      std::size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      std::size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else {
      char lower = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      if (lower == 'y' || lower == 'd' || lower == 'h' || lower == 's') return true;
    }
  }
  return false;
}

int parse_int(const char* s, int fallback) {
  if (!s) return fallback;
  int v = fallback;
  auto [p, ec] = std::from_chars(s, s + std::strlen(s), v);
  return ec == std::errc() ? v : fallback;
}

class StylesHandler : public XmlHandler {
 public:
  std::vector<bool> xf_is_date;  // by cell style index (the c element's s attribute)
  void start(std::string_view name, const char** attrs) override {
    if (name == "numFmt") {
      const char* code = attribute(attrs, "formatCode");
      custom_[parse_int(attribute(attrs, "numFmtId"), -1)] = code ? code : "";
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "xf" && in_cell_xfs_) {
      int id = parse_int(attribute(attrs, "numFmtId"), 0);
      auto it = custom_.find(id);
      xf_is_date.push_back(it != custom_.end() ? is_date_format_code(it->second)
                                               : is_builtin_date_format(id));
    }
  }
  void end(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs_ = false;
  }

 private:
  std::unordered_map<int, std::string> custom_;
  bool in_cell_xfs_ = false;
};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// OOXML escapes characters XML cannot hold as _xHHHH_ (and a literal "_x" as _x005F_x).
std::string decode_escapes(std::string s) {
  if (s.find("_x") == std::string::npos) return s;
  auto hex4 = [&](std::size_t at, std::uint32_t& value) {
    if (at + 7 > s.size() || s[at] != '_' || s[at + 1] != 'x' || s[at + 6] != '_') return false;
    value = 0;
    for (std::size_t k = at + 2; k < at + 6; ++k) {
      char c = s[k];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0) return false;
      value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    return true;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp;
    if (s[i] == '_' && hex4(i, cp)) {
      i += 7;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        std::uint32_t low;
        if (hex4(i, low) && low >= 0xDC00 && low <= 0xDFFF) {
          i += 7;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else {
          cp = 0xFFFD;
        }
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        cp = 0xFFFD;
      }
      append_utf8(out, cp);
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

class SharedStringsHandler : public XmlHandler {
 public:
  std::vector<std::string> strings;
  void start(std::string_view name, const char**) override {
    if (name == "si") {
      in_si_ = true;
      current_.clear();
    } else if (name == "rPh") {
      ++in_phonetic_;
    } else if (name == "t" && in_si_ && in_phonetic_ == 0) {
      capturing_ = true;
    }
  }
  void end(std::string_view name) override {
    if (name == "t") {
      capturing_ = false;
    } else if (name == "rPh") {
      --in_phonetic_;
    } else if (name == "si") {
      in_si_ = false;
      strings.push_back(decode_escapes(std::move(current_)));
      current_.clear();
    }
  }
  void text(const char* s, int len) override {
    if (capturing_) current_.append(s, static_cast<std::size_t>(len));
  }

 private:
  std::string current_;
  bool in_si_ = false, capturing_ = false;
  int in_phonetic_ = 0;
};

std::string two(int v) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

// An Excel serial date as text; empty if it is out of range.
std::string format_serial_date(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < 0 || serial > 2958466) return {};
  auto total_seconds = static_cast<std::int64_t>(std::llround(serial * 86400.0));
  std::int64_t days = total_seconds / 86400;
  std::int64_t seconds = total_seconds % 86400;
  std::string time = two(static_cast<int>(seconds / 3600)) + ":" +
                     two(static_cast<int>(seconds / 60 % 60)) + ":" +
                     two(static_cast<int>(seconds % 60));
  if (!date1904 && days == 0) return time;  // a time of day without a date
  // Day 0 is 1899-12-30 in the 1900 system, which wrongly counts 1900-02-29 (serial 60);
  // serials before it are one day later than the formula gives.
  using namespace std::chrono;
  sys_days epoch = date1904 ? sys_days(year(1904) / January / 1)
                            : sys_days(year(1899) / December / 30);
  if (!date1904 && days < 60) ++days;
  year_month_day ymd{epoch + std::chrono::days(days)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return seconds == 0 ? std::string(buf) : std::string(buf) + " " + time;
}

std::string format_number(std::string_view raw) {
  while (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
  while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
  std::size_t i = raw.empty() || raw[0] != '-' ? 0 : 1;
  bool all_digits = i < raw.size();
  for (std::size_t k = i; k < raw.size(); ++k)
    if (raw[k] < '0' || raw[k] > '9') all_digits = false;
  if (all_digits) return std::string(raw);

  double value = 0;
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (ec != std::errc() || end != raw.data() + raw.size() || !std::isfinite(value))
    return std::string(raw);
  if (value == std::trunc(value) && std::fabs(value) < 1e17) {
    if (value == 0) return "0";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  if (raw.find_first_of("eE") == std::string_view::npos) return std::string(raw);
  std::array<char, 512> buf;
  auto [p, ec2] = std::to_chars(buf.data(), buf.data() + buf.size(), value,
                                std::chars_format::fixed);
  return ec2 == std::errc() ? std::string(buf.data(), p) : std::string(raw);
}

class SheetHandler : public XmlHandler {
 public:
  SheetHandler(const std::vector<std::string>& shared, const std::vector<bool>& xf_is_date,
               bool date1904)
      : shared_(shared), xf_is_date_(xf_is_date), date1904_(date1904) {}

  std::vector<std::vector<std::string>> rows;

  void start(std::string_view name, const char** attrs) override {
    if (name == "row") {
      const char* r = attribute(attrs, "r");
      std::int64_t row = r ? parse_int(r, -1) : row_ + 1;
      if (row < 1 || row > kMaxRows) invalid("row number out of range in the worksheet");
      row_ = row;
      column_ = -1;
    } else if (name == "c") {
      start_cell(attrs);
    } else if (!in_cell_) {
      return;
    } else if (name == "v") {
      capturing_ = true;
    } else if (name == "is") {
      in_inline_ = true;
    } else if (name == "rPh") {
      ++in_phonetic_;
    } else if (name == "t" && in_inline_ && in_phonetic_ == 0) {
      capturing_ = true;
    }
  }

  void end(std::string_view name) override {
    if (name == "c") {
      finish_cell();
    } else if (name == "v" || name == "t") {
      capturing_ = false;
    } else if (name == "is") {
      in_inline_ = false;
    } else if (name == "rPh") {
      --in_phonetic_;
    }
  }

  void text(const char* s, int len) override {
    if (capturing_) value_.append(s, static_cast<std::size_t>(len));
  }

 private:
  void start_cell(const char** attrs) {
    in_cell_ = true;
    value_.clear();
    in_inline_ = false;
    in_phonetic_ = 0;
    const char* ref = attribute(attrs, "r");
    std::int64_t column = column_ + 1;
    if (ref) {
      std::int64_t letters_value = 0;
      std::size_t letters = 0;
      for (const char* p = ref; *p; ++p) {
        char c = *p;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c < 'A' || c > 'Z') break;
        letters_value = letters_value * 26 + (c - 'A' + 1);
        if (++letters > 3) invalid(std::string("bad cell reference ") + ref);
      }
      if (letters > 0) column = letters_value - 1;
    }
    if (row_ == 0) row_ = 1;  // a cell outside any row element
    if (column < 0 || column >= kMaxColumns) invalid("column out of range in the worksheet");
    column_ = column;
    const char* type = attribute(attrs, "t");
    type_ = type ? type : "n";
    style_ = parse_int(attribute(attrs, "s"), 0);
  }

  void finish_cell() {
    in_cell_ = false;
    capturing_ = false;
    std::string value;
    if (type_ == "s") {
      if (value_.empty()) return;
      int index = parse_int(value_.c_str(), -1);
      if (index < 0 || static_cast<std::size_t>(index) >= shared_.size())
        invalid("a cell refers to a shared string that does not exist");
      value = shared_[static_cast<std::size_t>(index)];
    } else if (type_ == "inlineStr" || type_ == "str") {
      value = decode_escapes(std::move(value_));
    } else if (type_ == "b") {
      value = value_ == "1" ? "TRUE" : value_ == "0" ? "FALSE" : value_;
    } else if (type_ == "e" || type_ == "d") {
      value = std::move(value_);
    } else {
      if (value_.empty()) return;
      if (style_ >= 0 && static_cast<std::size_t>(style_) < xf_is_date_.size() &&
          xf_is_date_[static_cast<std::size_t>(style_)]) {
        double serial = 0;
        auto [p, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), serial);
        if (ec == std::errc()) value = format_serial_date(serial, date1904_);
      }
      if (value.empty()) value = format_number(value_);
    }
    value_.clear();
    if (!value.empty()) place(std::move(value));
  }

  void place(std::string value) {
    auto row_index = static_cast<std::size_t>(row_ - 1);
    auto column = static_cast<std::size_t>(column_);
    if (rows.size() <= row_index) {
      slots_ += row_index + 1 - rows.size();
      check_slots();
      rows.resize(row_index + 1);
    }
    auto& cells = rows[row_index];
    if (cells.size() <= column) {
      slots_ += column + 1 - cells.size();
      check_slots();
      cells.resize(column + 1);
    }
    cells[column] = std::move(value);
  }

  void check_slots() const {
    if (slots_ > kMaxCellSlots) invalid("the worksheet has too many cells to import at once");
  }

  const std::vector<std::string>& shared_;
  const std::vector<bool>& xf_is_date_;
  bool date1904_;
  std::int64_t row_ = 0, column_ = -1;
  std::string type_, value_;
  int style_ = 0;
  bool in_cell_ = false, capturing_ = false, in_inline_ = false;
  int in_phonetic_ = 0;
  std::uint64_t slots_ = 0;
};

// Resolves a relationship target against the directory of the part that refers to it.
std::string resolve(std::string_view base_dir, std::string_view target) {
  std::string joined =
      !target.empty() && target[0] == '/' ? std::string(target.substr(1))
                                          : std::string(base_dir) + std::string(target);
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= joined.size()) {
    std::size_t slash = joined.find('/', pos);
    if (slash == std::string::npos) slash = joined.size();
    std::string part = joined.substr(pos, slash - pos);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    pos = slash + 1;
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out.push_back('/');
    out += parts[i];
  }
  return out;
}

std::string directory_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::string file_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::vector<std::vector<std::string>> read_xlsx_first_sheet(std::string_view bytes) {
  static constexpr unsigned char kOle[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  if (bytes.size() >= sizeof kOle && std::memcmp(bytes.data(), kOle, sizeof kOle) == 0)
    invalid("this is an old .xls or a password-protected workbook; save it as .xlsx without a "
            "password");
  if (bytes.size() < 4 || bytes.substr(0, 2) != "PK") invalid("not a ZIP archive");

  ZipReader zip(bytes);

  std::string workbook_path = "xl/workbook.xml";
  RelsHandler package_rels;
  if (parse_part(zip, "_rels/.rels", package_rels))
    if (const auto* r = package_rels.by_type("/officeDocument")) workbook_path = resolve("", r->target);

  WorkbookHandler workbook;
  if (!parse_part(zip, workbook_path, workbook)) invalid("the part " + workbook_path + " is missing");
  if (workbook.sheets.empty()) invalid("the workbook has no sheets");

  const std::string base = directory_of(workbook_path);
  const std::string rels_path = base + "_rels/" + file_of(workbook_path) + ".rels";
  RelsHandler rels;
  if (!parse_part(zip, rels_path, rels)) invalid("the part " + rels_path + " is missing");

  // The first worksheet a user sees: visible ones first, chart sheets never.
  const Relationship* sheet_rel = nullptr;
  for (int pass = 0; pass < 2 && !sheet_rel; ++pass) {
    for (const auto& sheet : workbook.sheets) {
      if (pass == 0 && !sheet.visible) continue;
      const auto* r = rels.by_id(sheet.rel_id);
      if (r && r->type.size() >= 10 && r->type.ends_with("/worksheet")) {
        sheet_rel = r;
        break;
      }
    }
  }
  if (!sheet_rel) invalid("the workbook has no worksheet");

  StylesHandler styles;
  if (const auto* r = rels.by_type("/styles")) parse_part(zip, resolve(base, r->target), styles);

  SharedStringsHandler shared;
  if (const auto* r = rels.by_type("/sharedStrings")) {
    if (!parse_part(zip, resolve(base, r->target), shared))
      invalid("the shared strings part is missing");
  }

  SheetHandler sheet(shared.strings, styles.xf_is_date, workbook.date1904);
  std::string sheet_path = resolve(base, sheet_rel->target);
  if (!parse_part(zip, sheet_path, sheet)) invalid("the part " + sheet_path + " is missing");
  return std::move(sheet.rows);
}

std::vector<std::vector<std::string>> read_table(std::string_view bytes) {
  if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4) ||
      (bytes.size() >= 8 && static_cast<unsigned char>(bytes[0]) == 0xD0 &&
       static_cast<unsigned char>(bytes[1]) == 0xCF))
    return read_xlsx_first_sheet(bytes);
  return read_csv(bytes);
}

}  // namespace lianxin::io
