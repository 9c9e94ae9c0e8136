#include "notify/rules.hpp"

#include <algorithm>
#include <cstdio>

namespace lianxin::notify {
namespace {

constexpr Millis kMinute = 60 * 1000;
constexpr Millis kDay = 24 * 60 * kMinute;
constexpr Millis kShanghaiOffset = 8 * 60 * kMinute;

bool is_hole_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Days since 1970-01-01 (floor) of an instant shifted to local time.
std::int64_t floor_days(Millis local) { return local >= 0 ? local / kDay : (local - kDay + 1) / kDay; }

// Length of the UTF-8 sequence starting with byte `lead` (1 for stray continuation bytes).
std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

const std::vector<Channel>& all_channels() {
  static const std::vector<Channel> list{Channel::in_app, Channel::email, Channel::sms};
  return list;
}

const char* channel_code(Channel channel) {
  switch (channel) {
    case Channel::in_app: return "in_app";
    case Channel::email: return "email";
    case Channel::sms: return "sms";
  }
  return "in_app";
}

std::optional<Channel> channel_from_code(std::string_view code) {
  for (Channel c : all_channels())
    if (code == channel_code(c)) return c;
  return std::nullopt;
}

bool valid_kind(std::string_view kind) {
  if (kind.empty() || kind.size() > 60) return false;
  return std::all_of(kind.begin(), kind.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

// ---- templates -----------------------------------------------------------------------------

std::string render_template(std::string_view text, const std::map<std::string, std::string>& params) {
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      std::size_t j = i + 1;
      while (j < text.size() && is_hole_char(text[j])) ++j;
      if (j < text.size() && text[j] == '}' && j > i + 1) {
        auto it = params.find(std::string(text.substr(i + 1, j - i - 1)));
        if (it != params.end()) {
          out += it->second;
        } else {
          out.append(text.substr(i, j - i + 1));  // left visible: see the header
        }
        i = j + 1;
        continue;
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

std::string generic_subject(std::string_view kind) { return "【连心】通知：" + std::string(kind); }

std::string generic_body(std::string_view kind, const std::map<std::string, std::string>& params) {
  std::string out = "【连心】" + std::string(kind);
  bool first = true;
  for (const auto& [name, value] : params) {
    out += first ? "：" : "；";
    out += name + "=" + value;
    first = false;
  }
  return out;
}

// ---- quiet hours ---------------------------------------------------------------------------

int shanghai_minute_of_day(Millis at) {
  Millis local = at + kShanghaiOffset;
  Millis into_day = local - floor_days(local) * kDay;
  return static_cast<int>(into_day / kMinute);
}

bool in_quiet_hours(const QuietHours& quiet, Millis at) {
  if (!quiet.enabled || quiet.start_minute == quiet.end_minute) return false;
  int minute = shanghai_minute_of_day(at);
  if (quiet.start_minute < quiet.end_minute) return minute >= quiet.start_minute && minute < quiet.end_minute;
  return minute >= quiet.start_minute || minute < quiet.end_minute;  // spans midnight
}

Millis quiet_hours_release(const QuietHours& quiet, Millis at) {
  if (!in_quiet_hours(quiet, at)) return at;
  Millis local = at + kShanghaiOffset;
  Millis local_midnight = floor_days(local) * kDay;
  Millis end_today = local_midnight + quiet.end_minute * kMinute;
  // In a window spanning midnight, the evening part ends tomorrow morning.
  Millis end_local = shanghai_minute_of_day(at) >= quiet.end_minute ? end_today + kDay : end_today;
  return end_local - kShanghaiOffset;
}

bool subject_to_quiet_hours(Channel channel, Recipient recipient, Urgency urgency) {
  return channel != Channel::in_app && recipient == Recipient::staff && urgency == Urgency::normal;
}

std::optional<int> parse_minute_of_day(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  int hours = (text[0] - '0') * 10 + (text[1] - '0');
  int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

std::string format_minute_of_day(int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minute / 60) % 24, minute % 60);
  return buf;
}

// ---- retries -------------------------------------------------------------------------------

Millis backoff_delay(int failed_attempts) {
  constexpr Millis kFirst = 30 * 1000;
  constexpr Millis kCap = 60 * kMinute;
  Millis delay = kFirst;
  for (int i = 1; i < failed_attempts && delay < kCap; ++i) delay *= 4;
  return std::min(delay, kCap);
}

FailureDecision after_failure(int attempts_after, int max_attempts, Millis now) {
  if (attempts_after >= max_attempts) return {FailureOutcome::dead, 0};
  return {FailureOutcome::retry, now + backoff_delay(attempts_after)};
}

// ---- channel choice ------------------------------------------------------------------------

std::vector<Channel> parse_channel_list(std::string_view text) {
  std::vector<bool> wanted(all_channels().size(), false);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (auto c = channel_from_code(item)) wanted[static_cast<std::size_t>(*c)] = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::vector<Channel> out;
  for (Channel c : all_channels())
    if (wanted[static_cast<std::size_t>(c)]) out.push_back(c);
  return out;
}

std::string format_channel_list(const std::vector<Channel>& channels) {
  std::string out;
  for (Channel c : all_channels()) {
    if (std::find(channels.begin(), channels.end(), c) == channels.end()) continue;
    if (!out.empty()) out += ',';
    out += channel_code(c);
  }
  return out;
}

std::vector<Channel> default_channels(std::string_view kind) {
  if (ends_with(kind, "_breach") || ends_with(kind, "_escalated")) return {Channel::in_app, Channel::sms};
  return {Channel::in_app};
}

std::vector<Channel> choose_channels(const std::optional<std::string>& preference, std::string_view kind,
                                     const Reachability& reach) {
  std::vector<Channel> wanted = preference ? parse_channel_list(*preference) : default_channels(kind);
  std::vector<Channel> out;
  for (Channel c : wanted) {
    if (c == Channel::sms && !reach.has_mobile) continue;
    if (c == Channel::email && !reach.has_email) continue;
    out.push_back(c);
  }
  if (out.empty()) out.push_back(Channel::in_app);
  return out;
}

std::string safe_utf8_prefix(std::string_view bytes, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < bytes.size()) {
    auto lead = static_cast<unsigned char>(bytes[i]);
    std::size_t len = lead < 0x80 ? 1 : (lead >= 0xC2 && lead <= 0xF4) ? utf8_length(lead) : 0;
    bool valid = len > 0 && i + len <= bytes.size();
    for (std::size_t k = 1; valid && k < len; ++k)
      valid = (static_cast<unsigned char>(bytes[i + k]) & 0xC0) == 0x80;
    if (valid && len == 3) {  // no overlong forms or UTF-16 surrogates
      auto second = static_cast<unsigned char>(bytes[i + 1]);
      valid = !(lead == 0xE0 && second < 0xA0) && !(lead == 0xED && second >= 0xA0);
    }
    if (valid && len == 4) {
      auto second = static_cast<unsigned char>(bytes[i + 1]);
      valid = !(lead == 0xF0 && second < 0x90) && !(lead == 0xF4 && second >= 0x90);
    }
    std::string_view piece = valid ? bytes.substr(i, len) : std::string_view("?");
    if (out.size() + piece.size() > max_bytes) break;
    out += piece;
    i += valid ? len : 1;
  }
  return out;
}

// ---- e-mail --------------------------------------------------------------------------------

bool plausible_email(std::string_view address) {
  if (address.size() < 3 || address.size() > 254) return false;
  auto at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size() || address.find('@', at + 1) != std::string_view::npos)
    return false;
  return std::all_of(address.begin(), address.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && c != 0x7f && c != '<' && c != '>' && c != ',' && c != '"';
  });
}

std::string base64_encode(std::string_view bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string encode_header_word(std::string_view utf8) {
  bool plain = std::all_of(utf8.begin(), utf8.end(), [](char c) { return c >= 0x20 && c < 0x7f; }) &&
               utf8.find("=?") == std::string_view::npos;
  if (plain) return std::string(utf8);
  // "=?UTF-8?B?" + base64 + "?=" is at most 75 bytes when a word carries at most 45 raw bytes.
  constexpr std::size_t kMaxRaw = 45;
  std::string out;
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::size_t end = i;
    while (end < utf8.size()) {
      std::size_t len = utf8_length(static_cast<unsigned char>(utf8[end]));
      if (end + len - i > kMaxRaw) break;
      end += len;
    }
    if (end == i) end = std::min(utf8.size(), i + kMaxRaw);  // malformed input: cut anyway
    end = std::min(end, utf8.size());
    if (!out.empty()) out += "\r\n ";  // folded; whitespace between encoded-words is dropped on decoding
    out += "=?UTF-8?B?" + base64_encode(utf8.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string rfc5322_date(Millis at) {
  static const char* weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Millis local = at + kShanghaiOffset;
  std::int64_t days = floor_days(local);
  Millis into_day = local - days * kDay;
  const std::string date = shanghai_date(at);  // YYYY-MM-DD
  const int y = std::stoi(date.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(date.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(date.substr(8, 2)));
  int weekday = static_cast<int>(((days % 7) + 7) % 7);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0800", weekdays[weekday], d, months[m - 1], y,
                static_cast<int>(into_day / 3600000), static_cast<int>(into_day / 60000 % 60),
                static_cast<int>(into_day / 1000 % 60));
  return buf;
}

std::string format_email(const EmailMessage& message) {
  // Canonical text has CRLF line ends; a lone LF from a template becomes CRLF.
  std::string body;
  body.reserve(message.body.size() + 16);
  for (std::size_t i = 0; i < message.body.size(); ++i) {
    char c = message.body[i];
    if (c == '\n' && (i == 0 || message.body[i - 1] != '\r')) body += '\r';
    body += c;
  }
  std::string out;
  out += "From: <" + message.from + ">\r\n";
  out += "To: <" + message.to + ">\r\n";
  out += "Subject: " + encode_header_word(message.subject) + "\r\n";
  out += "Date: " + rfc5322_date(message.date) + "\r\n";
  out += "Message-ID: <" + message.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no auto-replies to notifications
  out += "\r\n";
  std::string encoded = base64_encode(body);
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

}  // namespace lianxin::notify
