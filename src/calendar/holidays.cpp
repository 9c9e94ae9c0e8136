#include "calendar/holidays.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "common/strings.hpp"

namespace lianxin::calendar {
namespace {

constexpr const char* kInvalidFile = "invalid holiday file";

[[noreturn]] void fail(const std::string& field, const std::string& message, int line) {
  throw AppError(ErrorCode::validation_failed, kInvalidFile, {{field, message, line}});
}

// Valid UTF-8 never contains the byte 0x0A inside a character, so checking line by line is exact
// and tells the administrator where the bad bytes are. A leading byte-order mark is skipped.
std::string_view checked_utf8(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int line = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (!is_valid_utf8(text.substr(start, end - start))) fail("file", "is not valid UTF-8", line);
    start = end + 1;
    ++line;
  }
  return text;
}

// A schedule may reach into the neighbouring years at its edges (元旦 2023 began on 2022-12-31).
bool within_schedule_year(Date date, int year) {
  const int date_year = date.year();
  return date_year == year || (date_year == year - 1 && date.month() == 12) ||
         (date_year == year + 1 && date.month() == 1);
}

// ---------------------------------------------------------------------------------------------
// A small strict JSON reader (RFC 8259) building a tree that remembers each value's line.

constexpr int kMaxDepth = 32;

struct JsonMember;

struct JsonValue {
  enum class Type { null, boolean, number, string, array, object };
  Type type = Type::null;
  bool boolean = false;
  std::string text;  // string contents, or the literal of a number
  std::vector<JsonValue> items;
  // A vector of an incomplete type is allowed (C++17); a std::pair of one is not (clang/libc++
  // reject it), hence a member struct completed below.
  std::vector<JsonMember> members;
  int line = 0;

  const JsonValue* member(std::string_view key) const;
};

struct JsonMember {
  std::string name;
  JsonValue value;
};

const JsonValue* JsonValue::member(std::string_view key) const {
  for (const auto& [name, value] : members) {
    if (name == key) return &value;
  }
  return nullptr;
}

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  JsonValue read_document() {
    skip_space();
    JsonValue value = read_value(0);
    skip_space();
    if (pos_ != text_.size()) fail_here("unexpected text after the end of the JSON document");
    return value;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;

  [[noreturn]] void fail_here(const std::string& message) { fail("file", message, line_); }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  void skip_space() {
    while (!at_end()) {
      const char c = peek();
      if (c == '\n') {
        ++line_;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        break;
      }
      ++pos_;
    }
  }

  void expect(char wanted, const char* message) {
    if (at_end() || peek() != wanted) fail_here(message);
    ++pos_;
  }

  std::string describe_here() const {
    if (at_end()) return "end of file";
    const unsigned char c = static_cast<unsigned char>(peek());
    if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
    return "a non-ASCII character";
  }

  JsonValue read_value(int depth) {
    if (depth > kMaxDepth) fail_here("nesting is too deep");
    if (at_end()) fail_here("unexpected end of file");
    JsonValue value;
    value.line = line_;
    const char c = peek();
    if (c == '{') {
      read_object(value, depth);
    } else if (c == '[') {
      read_array(value, depth);
    } else if (c == '"') {
      value.type = JsonValue::Type::string;
      value.text = read_string();
    } else if (c == 't' || c == 'f' || c == 'n') {
      read_literal(value);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      read_number(value);
    } else {
      fail_here("unexpected " + describe_here());
    }
    return value;
  }

  void read_object(JsonValue& value, int depth) {
    value.type = JsonValue::Type::object;
    ++pos_;  // '{'
    skip_space();
    if (!at_end() && peek() == '}') {
      ++pos_;
      return;
    }
    while (true) {
      skip_space();
      if (at_end() || peek() != '"') fail_here("expected a key in double quotes, found " + describe_here());
      const int key_line = line_;
      std::string key = read_string();
      if (value.member(key)) fail("file", "duplicate key \"" + key + "\"", key_line);
      skip_space();
      expect(':', "expected ':' after a key");
      skip_space();
      JsonValue member = read_value(depth + 1);
      value.members.push_back(JsonMember{std::move(key), std::move(member)});
      skip_space();
      if (at_end()) fail_here("unexpected end of file inside an object");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return;
      }
      fail_here("expected ',' or '}' in an object, found " + describe_here());
    }
  }

  void read_array(JsonValue& value, int depth) {
    value.type = JsonValue::Type::array;
    ++pos_;  // '['
    skip_space();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return;
    }
    while (true) {
      skip_space();
      if (!at_end() && peek() == ']') fail_here("trailing ',' before ']'");
      value.items.push_back(read_value(depth + 1));
      skip_space();
      if (at_end()) fail_here("unexpected end of file inside an array");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return;
      }
      fail_here("expected ',' or ']' in an array, found " + describe_here());
    }
  }

  unsigned read_hex4() {
    if (pos_ + 4 > text_.size()) fail_here("truncated \\u escape");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      code <<= 4;
      if (c >= '0' && c <= '9') code |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') code |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') code |= static_cast<unsigned>(c - 'A' + 10);
      else fail_here("bad \\u escape");
    }
    return code;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string read_string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (at_end()) fail_here("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail_here("control character or line break inside a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) fail_here("unterminated string");
      const char escape = text_[pos_++];
      switch (escape) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = read_hex4();
          if (code >= 0xDC00 && code <= 0xDFFF) fail_here("lone low surrogate in a \\u escape");
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (pos_ + 2 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u')
              fail_here("high surrogate without its low surrogate in a \\u escape");
            pos_ += 2;
            const unsigned low = read_hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail_here("high surrogate without its low surrogate in a \\u escape");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, code);
          break;
        }
        default: fail_here("unknown escape in a string");
      }
    }
  }

  void read_literal(JsonValue& value) {
    for (const auto& [word, type, flag] : {std::tuple{"true", JsonValue::Type::boolean, true},
                                           std::tuple{"false", JsonValue::Type::boolean, false},
                                           std::tuple{"null", JsonValue::Type::null, false}}) {
      const std::string_view literal = word;
      if (text_.substr(pos_, literal.size()) == literal) {
        pos_ += literal.size();
        value.type = type;
        value.boolean = flag;
        return;
      }
    }
    fail_here("unexpected " + describe_here());
  }

  void read_number(JsonValue& value) {
    const std::size_t start = pos_;
    auto digits = [&] {
      const std::size_t from = pos_;
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
      return pos_ - from;
    };
    if (peek() == '-') ++pos_;
    if (!at_end() && peek() == '0') {
      ++pos_;
    } else if (digits() == 0) {
      fail_here("malformed number");
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      if (digits() == 0) fail_here("malformed number");
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (digits() == 0) fail_here("malformed number");
    }
    if (!at_end() && peek() >= '0' && peek() <= '9') fail_here("malformed number (leading zero)");
    value.type = JsonValue::Type::number;
    value.text = std::string(text_.substr(start, pos_ - start));
  }
};

// Integer year literal in 1900-2999, or 0.
int year_from_literal(const JsonValue& value) {
  if (value.type != JsonValue::Type::number || value.text.size() != 4) return 0;
  int year = 0;
  for (char c : value.text) {
    if (c < '0' || c > '9') return 0;
    year = year * 10 + (c - '0');
  }
  return year >= 1900 && year <= 2999 ? year : 0;
}

// Remembers where each date was first listed, to report duplicates with both places.
struct SeenDay {
  DayAdjustment adjustment;
  int line;
};

void note_day(std::map<Date, SeenDay>& seen, const AdjustedDay& day, int line, const std::string& field,
              Validator& validator, std::vector<AdjustedDay>& out) {
  auto [it, inserted] = seen.emplace(day.date, SeenDay{day.adjustment, line});
  if (inserted) {
    out.push_back(day);
    return;
  }
  if (it->second.adjustment != day.adjustment) {
    validator.add(field, day.date.iso() + " is listed again with the opposite isOffDay (first on line " +
                             std::to_string(it->second.line) + ")",
                  line);
  } else {
    validator.add(field, day.date.iso() + " is listed twice (first on line " + std::to_string(it->second.line) + ")",
                  line);
  }
}

void sort_days(std::vector<AdjustedDay>& days) {
  std::sort(days.begin(), days.end(), [](const AdjustedDay& a, const AdjustedDay& b) { return a.date < b.date; });
}

// ---------------------------------------------------------------------------------------------
// iCalendar content lines.

struct ContentLine {
  std::string name;  // upper case
  std::vector<std::pair<std::string, std::string>> params;  // names upper case
  std::string value;
  int line = 0;

  const std::string* param(std::string_view key) const {
    for (const auto& [name, value] : params) {
      if (name == key) return &value;
    }
    return nullptr;
  }
};

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Unfolds (RFC 5545 §3.1: a line starting with a space or tab continues the previous one) and
// splits "NAME;PARAM=value:VALUE". Blank lines are ignored.
std::vector<ContentLine> read_content_lines(std::string_view text) {
  struct Raw {
    std::string text;
    int line;
  };
  std::vector<Raw> unfolded;
  int line = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    if (!raw.empty() && (raw[0] == ' ' || raw[0] == '\t')) {
      if (unfolded.empty()) fail("file", "continuation line without a line to continue", line);
      unfolded.back().text.append(raw.substr(1));
      continue;
    }
    if (raw.empty()) continue;
    unfolded.push_back({std::string(raw), line});
  }

  std::vector<ContentLine> lines;
  for (const Raw& raw : unfolded) {
    ContentLine content;
    content.line = raw.line;
    const std::string& s = raw.text;
    std::size_t pos = s.find_first_of(";:");
    if (pos == std::string::npos || pos == 0) fail("file", "not an iCalendar content line (NAME:value)", raw.line);
    content.name = upper_ascii(s.substr(0, pos));
    while (s[pos] == ';') {
      const std::size_t equals = s.find('=', pos + 1);
      if (equals == std::string::npos) fail("file", "malformed parameter (NAME=value)", raw.line);
      std::string name = upper_ascii(s.substr(pos + 1, equals - pos - 1));
      std::size_t value_end;
      std::string value;
      if (equals + 1 < s.size() && s[equals + 1] == '"') {
        const std::size_t close = s.find('"', equals + 2);
        if (close == std::string::npos) fail("file", "unterminated quoted parameter value", raw.line);
        value = s.substr(equals + 2, close - equals - 2);
        value_end = close + 1;
      } else {
        value_end = s.find_first_of(";:", equals + 1);
        if (value_end == std::string::npos) fail("file", "not an iCalendar content line (NAME:value)", raw.line);
        value = s.substr(equals + 1, value_end - equals - 1);
      }
      content.params.emplace_back(std::move(name), std::move(value));
      pos = value_end;
      if (pos >= s.size() || (s[pos] != ';' && s[pos] != ':'))
        fail("file", "not an iCalendar content line (NAME:value)", raw.line);
    }
    content.value = s.substr(pos + 1);
    lines.push_back(std::move(content));
  }
  return lines;
}

// RFC 5545 TEXT unescaping: \\ \; \, \n \N.
std::string unescape_text(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      const char next = value[++i];
      out += next == 'n' || next == 'N' ? '\n' : next;
    } else {
      out += value[i];
    }
  }
  return out;
}

std::optional<Date> parse_basic_date(std::string_view value) {
  if (value.size() != 8) return std::nullopt;
  const std::string dashed = std::string(value.substr(0, 4)) + "-" + std::string(value.substr(4, 2)) + "-" +
                             std::string(value.substr(6, 2));
  return Date::parse(dashed);
}

void strip_suffix(std::string& text, std::string_view suffix) {
  if (text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0)
    text.erase(text.size() - suffix.size());
}

// "春节假期" -> off day 春节; "上班(补春节假期)" / "上班（补春节假期）" -> make-up working day 春节.
void classify_summary(const std::string& summary, DayAdjustment& adjustment, std::string& name) {
  static constexpr std::string_view kWork = "上班";
  static constexpr std::string_view kMakeUpFor = "补";
  if (summary.compare(0, kWork.size(), kWork) == 0) {
    adjustment = DayAdjustment::makeup_working_day;
    name = summary;
    const std::size_t at = summary.find(kMakeUpFor);
    if (at != std::string::npos) {
      std::string inner = summary.substr(at + kMakeUpFor.size());
      strip_suffix(inner, "）");
      strip_suffix(inner, ")");
      strip_suffix(inner, "假期");
      if (!inner.empty()) name = inner;
    }
    return;
  }
  adjustment = DayAdjustment::off_day;
  name = summary;
  strip_suffix(name, "假期");
}

struct Event {
  int index = 0;
  int line = 0;
  std::optional<std::string> summary;
  std::optional<Date> start;
  std::optional<Date> end;
  int start_line = 0;
};

}  // namespace

HolidaySchedule parse_holiday_json(std::string_view text) {
  text = checked_utf8(text);
  const JsonValue root = JsonReader(text).read_document();
  if (root.type != JsonValue::Type::object) fail("file", "a JSON object is expected at the top", root.line);

  Validator validator;
  HolidaySchedule schedule;
  const JsonValue* year = root.member("year");
  if (!year) {
    validator.add("year", "is required", root.line);
  } else if ((schedule.year = year_from_literal(*year)) == 0) {
    validator.add("year", "must be a whole year between 1900 and 2999", year->line);
  }

  if (const JsonValue* papers = root.member("papers")) {
    if (papers->type != JsonValue::Type::array) {
      validator.add("papers", "must be an array of strings", papers->line);
    } else {
      for (std::size_t i = 0; i < papers->items.size(); ++i) {
        const JsonValue& paper = papers->items[i];
        if (paper.type != JsonValue::Type::string) {
          validator.add("papers[" + std::to_string(i) + "]", "must be a string", paper.line);
        } else {
          schedule.papers.push_back(paper.text);
        }
      }
    }
  }

  const JsonValue* days = root.member("days");
  if (!days) {
    validator.add("days", "is required", root.line);
  } else if (days->type != JsonValue::Type::array) {
    validator.add("days", "must be an array", days->line);
  } else if (days->items.empty()) {
    validator.add("days", "lists no days: the year's schedule is probably not published yet", days->line);
  } else {
    std::map<Date, SeenDay> seen;
    for (std::size_t i = 0; i < days->items.size(); ++i) {
      const JsonValue& entry = days->items[i];
      const std::string prefix = "days[" + std::to_string(i) + "]";
      if (entry.type != JsonValue::Type::object) {
        validator.add(prefix, "must be an object with name, date and isOffDay", entry.line);
        continue;
      }
      AdjustedDay day;
      bool complete = true;

      const JsonValue* name = entry.member("name");
      if (!name) {
        validator.add(prefix + ".name", "is required", entry.line);
        complete = false;
      } else if (name->type != JsonValue::Type::string || trim(name->text).empty()) {
        validator.add(prefix + ".name", "must be a non-empty string", name->line);
        complete = false;
      } else {
        day.name = trim(name->text);
      }

      const JsonValue* date = entry.member("date");
      int date_line = entry.line;
      if (!date) {
        validator.add(prefix + ".date", "is required", entry.line);
        complete = false;
      } else {
        date_line = date->line;
        std::optional<Date> parsed;
        if (date->type == JsonValue::Type::string) parsed = Date::parse(date->text);
        if (!parsed) {
          validator.add(prefix + ".date", "is not a valid date (YYYY-MM-DD)", date->line);
          complete = false;
        } else if (schedule.year != 0 && !within_schedule_year(*parsed, schedule.year)) {
          validator.add(prefix + ".date", parsed->iso() + " lies outside the schedule's year", date->line);
          complete = false;
        } else {
          day.date = *parsed;
        }
      }

      const JsonValue* off = entry.member("isOffDay");
      if (!off) {
        validator.add(prefix + ".isOffDay", "is required", entry.line);
        complete = false;
      } else if (off->type != JsonValue::Type::boolean) {
        validator.add(prefix + ".isOffDay", "must be true or false", off->line);
        complete = false;
      } else {
        day.adjustment = off->boolean ? DayAdjustment::off_day : DayAdjustment::makeup_working_day;
      }

      if (complete) note_day(seen, day, date_line, prefix + ".date", validator, schedule.days);
    }
  }
  validator.throw_if_failed(kInvalidFile);
  sort_days(schedule.days);
  return schedule;
}

HolidaySchedule parse_holiday_ical(std::string_view text, std::optional<int> year) {
  text = checked_utf8(text);
  const std::vector<ContentLine> lines = read_content_lines(text);
  if (lines.empty() || lines.front().name != "BEGIN" || upper_ascii(lines.front().value) != "VCALENDAR")
    fail("file", "an iCalendar file must begin with BEGIN:VCALENDAR", lines.empty() ? 1 : lines.front().line);

  Validator validator;
  std::vector<Event> events;
  std::vector<std::pair<std::string, int>> open;  // component names with their BEGIN lines
  bool finished = false;
  for (const ContentLine& content : lines) {
    if (finished) fail("file", "text after END:VCALENDAR", content.line);
    if (content.name == "BEGIN") {
      const std::string component = upper_ascii(content.value);
      if (component == "VEVENT") {
        if (open.size() != 1) fail("file", "VEVENT must be directly inside VCALENDAR", content.line);
        Event event;
        event.index = static_cast<int>(events.size());
        event.line = content.line;
        events.push_back(std::move(event));
      }
      open.emplace_back(component, content.line);
      continue;
    }
    if (content.name == "END") {
      const std::string component = upper_ascii(content.value);
      if (open.empty() || open.back().first != component)
        fail("file", "END:" + component + " does not close the open component", content.line);
      open.pop_back();
      if (open.empty()) finished = true;
      continue;
    }
    if (open.size() != 2 || open.back().first != "VEVENT") continue;  // calendar or time-zone property

    Event& event = events.back();
    const std::string field = "events[" + std::to_string(event.index) + "]." + content.name;
    if (content.name == "SUMMARY") {
      if (event.summary) fail(field, "given twice in one event", content.line);
      event.summary = trim(unescape_text(content.value));
    } else if (content.name == "DTSTART" || content.name == "DTEND") {
      std::optional<Date>& slot = content.name == "DTSTART" ? event.start : event.end;
      if (slot) fail(field, "given twice in one event", content.line);
      if (content.name == "DTSTART") event.start_line = content.line;
      const std::string* value_type = content.param("VALUE");
      if ((value_type && upper_ascii(*value_type) != "DATE") || content.value.find('T') != std::string::npos) {
        validator.add(field, "must be an all-day date (VALUE=DATE), not a date-time", content.line);
        continue;
      }
      slot = parse_basic_date(content.value);
      if (!slot) validator.add(field, "is not a valid date (YYYYMMDD)", content.line);
    } else if (content.name == "RRULE" || content.name == "RDATE" || content.name == "EXDATE" ||
               content.name == "DURATION") {
      validator.add(field, "is not supported: list each holiday as its own event with DTSTART and DTEND",
                    content.line);
    }
  }
  if (!finished) fail("file", "BEGIN:" + open.back().first + " is never closed", open.back().second);
  if (events.empty()) fail("file", "lists no events: the year's schedule is probably not published yet", 1);

  // Expand events to days.
  struct Expanded {
    AdjustedDay day;
    int line;
    int event;
  };
  std::vector<Expanded> expanded;
  for (const Event& event : events) {
    const std::string prefix = "events[" + std::to_string(event.index) + "]";
    if (!event.summary || event.summary->empty()) {
      validator.add(prefix + ".SUMMARY", "is required", event.line);
      continue;
    }
    if (!event.start) {
      // A malformed DTSTART was reported above; report only a missing one here.
      if (event.start_line == 0) validator.add(prefix + ".DTSTART", "is required", event.line);
      continue;
    }
    const Date last_exclusive = event.end ? *event.end : event.start->next();
    if (last_exclusive <= *event.start) {
      validator.add(prefix + ".DTEND", "must be after DTSTART (the end date is exclusive)", event.start_line);
      continue;
    }
    if (last_exclusive.days - event.start->days > 31) {
      validator.add(prefix + ".DTEND", "an event may cover at most 31 days", event.start_line);
      continue;
    }
    AdjustedDay day;
    classify_summary(*event.summary, day.adjustment, day.name);
    for (Date date = *event.start; date < last_exclusive; date = date.next()) {
      day.date = date;
      expanded.push_back({day, event.start_line, event.index});
    }
  }
  validator.throw_if_failed(kInvalidFile);

  HolidaySchedule schedule;
  if (year) {
    if (*year < 1900 || *year > 2999) fail("year", "must be a whole year between 1900 and 2999", 0);
    schedule.year = *year;
  } else {
    std::map<int, int> per_year;
    for (const Expanded& item : expanded) ++per_year[item.day.date.year()];
    int best = 0, best_count = 0;
    bool tie = false;
    for (const auto& [candidate, count] : per_year) {
      if (count > best_count) {
        best = candidate;
        best_count = count;
        tie = false;
      } else if (count == best_count) {
        tie = true;
      }
    }
    if (tie) fail("year", "cannot tell which year this schedule is for; give the year explicitly", 1);
    schedule.year = best;
  }

  std::map<Date, SeenDay> seen;
  for (const Expanded& item : expanded) {
    const std::string field = "events[" + std::to_string(item.event) + "].DTSTART";
    if (!within_schedule_year(item.day.date, schedule.year)) {
      validator.add(field, item.day.date.iso() + " lies outside the schedule's year", item.line);
      continue;
    }
    note_day(seen, item.day, item.line, field, validator, schedule.days);
  }
  validator.throw_if_failed(kInvalidFile);
  sort_days(schedule.days);
  return schedule;
}

Calendar build_calendar(std::string code, std::int64_t version, const std::vector<HolidaySchedule>& schedules) {
  Validator validator;
  std::vector<int> years;
  std::map<Date, std::pair<AdjustedDay, int>> merged;  // date -> (day, schedule year)
  for (const HolidaySchedule& schedule : schedules) {
    if (std::find(years.begin(), years.end(), schedule.year) != years.end()) {
      validator.add("years", "year given twice: " + std::to_string(schedule.year));
      continue;
    }
    years.push_back(schedule.year);
    for (const AdjustedDay& day : schedule.days) {
      auto [it, inserted] = merged.emplace(day.date, std::pair{day, schedule.year});
      if (!inserted && it->second.first.adjustment != day.adjustment) {
        validator.add("days", day.date.iso() + " is adjusted differently by the " +
                                  std::to_string(it->second.second) + " and " + std::to_string(schedule.year) +
                                  " schedules");
      }
    }
  }
  validator.throw_if_failed("invalid working-day calendar");
  std::vector<AdjustedDay> days;
  days.reserve(merged.size());
  for (auto& [date, entry] : merged) days.push_back(std::move(entry.first));
  return Calendar(std::move(code), version, std::move(years), std::move(days));
}

}  // namespace lianxin::calendar
