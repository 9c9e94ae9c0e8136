#pragma once
// Instants are UTC epoch milliseconds; the business calendar is Asia/Shanghai (UTC+8, no DST).
#include <cstdint>
#include <string>

namespace lianxin {

using Millis = std::int64_t;

Millis now_millis();
// ISO-8601 in UTC with milliseconds, e.g. 2026-11-22T04:05:06.789Z
std::string format_iso_utc(Millis at);
// Parses YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM); throws AppError(validation_failed) naming `field`.
Millis parse_iso_instant(const std::string& text, const std::string& field);
// Calendar date YYYY-MM-DD of an instant in Asia/Shanghai.
std::string shanghai_date(Millis at);
bool is_valid_date(const std::string& yyyy_mm_dd);
// The instant a calendar date YYYY-MM-DD begins in Asia/Shanghai; throws AppError(validation_failed)
// naming `field` for a bad date.
Millis shanghai_midnight(const std::string& yyyy_mm_dd, const std::string& field = "date");
// Local time in Asia/Shanghai for messages to people: "2026-11-23 16:00".
std::string format_shanghai_minute(Millis at);

}  // namespace lianxin
