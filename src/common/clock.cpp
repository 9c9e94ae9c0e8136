#include "common/clock.hpp"

#include <chrono>
#include <cstdio>

#include "common/errors.hpp"

namespace lianxin {
namespace {

// Howard Hinnant's civil-from-days / days-from-civil algorithms (public domain formulas).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t yy = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

unsigned days_in_month(int y, unsigned m) {
  static const unsigned table[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return table[m - 1];
}

constexpr Millis kShanghaiOffset = 8LL * 3600 * 1000;

}  // namespace

Millis now_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_iso_utc(Millis at) {
  std::int64_t days = at >= 0 ? at / 86400000 : (at - 86399999) / 86400000;
  Millis rem = at - days * 86400000;
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d,
                static_cast<int>(rem / 3600000), static_cast<int>(rem / 60000 % 60),
                static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
  return buf;
}

std::string shanghai_date(Millis at) {
  Millis local = at + kShanghaiOffset;
  std::int64_t days = local >= 0 ? local / 86400000 : (local - 86399999) / 86400000;
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::string format_shanghai_minute(Millis at) {
  Millis local = at + kShanghaiOffset;
  Millis minute_of_day = ((local % 86400000) + 86400000) % 86400000 / 60000;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(minute_of_day / 60), static_cast<int>(minute_of_day % 60));
  return shanghai_date(at) + " " + buf;
}

bool is_valid_date(const std::string& s) {
  int y;
  unsigned m, d;
  char tail;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) return false;
  return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

Millis parse_iso_instant(const std::string& text, const std::string& field) {
  auto fail = [&]() -> Millis {
    throw AppError(ErrorCode::validation_failed, "invalid instant",
                   {{field, "expected an ISO-8601 instant such as 2026-11-22T09:30:00+08:00"}});
  };
  int y = 0, hh = 0, mm = 0, ss = 0, ms = 0;
  unsigned mo = 0, d = 0;
  if (text.size() < 16) return fail();
  if (std::sscanf(text.c_str(), "%4d-%2u-%2uT%2d:%2d", &y, &mo, &d, &hh, &mm) != 5) return fail();
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':')
    return fail();
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || hh > 23 || mm > 59) return fail();
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (pos + 3 > text.size() || !isdigit(text[pos + 1]) || !isdigit(text[pos + 2])) return fail();
    ss = (text[pos + 1] - '0') * 10 + (text[pos + 2] - '0');
    if (ss > 59) return fail();
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < text.size() && isdigit(static_cast<unsigned char>(text[pos]))) {
        if (digits < 3) ms = ms * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return fail();
      for (int i = digits; i < 3; ++i) ms *= 10;
    }
  }
  Millis offset = 0;
  if (pos == text.size()) return fail();  // a zone is required: never guess
  if (text[pos] == 'Z' && pos + 1 == text.size()) {
    offset = 0;
  } else if ((text[pos] == '+' || text[pos] == '-') && text.size() == pos + 6 && text[pos + 3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2 || oh > 14 || om > 59) return fail();
    offset = (oh * 60 + om) * 60000LL * (text[pos] == '+' ? 1 : -1);
  } else {
    return fail();
  }
  Millis days = days_from_civil(y, mo, d);
  return days * 86400000 + ((hh * 60 + mm) * 60 + ss) * 1000LL + ms - offset;
}

Millis shanghai_midnight(const std::string& yyyy_mm_dd, const std::string& field) {
  return parse_iso_instant(yyyy_mm_dd + "T00:00:00+08:00", field);
}

}  // namespace lianxin
