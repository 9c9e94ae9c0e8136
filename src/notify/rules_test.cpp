// Pure rules of the notification outbox, without a database.
#include "notify/rules.hpp"

#include <gtest/gtest.h>

#include "common/messages.hpp"

using namespace lianxin;
using namespace lianxin::notify;

namespace {

Millis shanghai(const std::string& local) { return parse_iso_instant(local + "+08:00", "at"); }

constexpr Millis kSecond = 1000;
constexpr Millis kMinute = 60 * kSecond;

}  // namespace

TEST(NotifyTemplates, FillsHoles) {
  std::map<std::string, std::string> params{{"claim_no", "GD2026-0001"}, {"title", "停电"}, {"share", "80%"}};
  EXPECT_EQ(render_template("工单{claim_no}「{title}」已用{share}", params), "工单GD2026-0001「停电」已用80%");
  EXPECT_EQ(render_template("{claim_no}{claim_no}", params), "GD2026-0001GD2026-0001");
  EXPECT_EQ(render_template("", params), "");
}

TEST(NotifyTemplates, MissingHoleStaysVisible) {
  EXPECT_EQ(render_template("原因：{reason}。", {}), "原因：{reason}。");
}

TEST(NotifyTemplates, OtherBracesAndValuesAreLiteral) {
  std::map<std::string, std::string> params{{"a", "{b}"}, {"b", "x"}};
  // A value is never expanded again; braces that are not a hole are copied.
  EXPECT_EQ(render_template("{a}", params), "{b}");
  EXPECT_EQ(render_template("{} {A} {a b} {", params), "{} {A} {a b} {");
  EXPECT_EQ(render_template("{{b}}", params), "{x}");
}

TEST(NotifyTemplates, GenericFallbackListsParameters) {
  EXPECT_EQ(generic_body("claim_odd", {{"claim_no", "7"}, {"title", "t"}}), "【连心】claim_odd：claim_no=7；title=t");
  EXPECT_EQ(generic_body("claim_odd", {}), "【连心】claim_odd");
}

TEST(NotifyQuietHours, SpanningMidnightDefersToMorning) {
  QuietHours quiet;  // 22:00-08:00, enabled
  EXPECT_EQ(quiet_hours_release(quiet, shanghai("2026-03-02T23:30")), shanghai("2026-03-03T08:00"));
  EXPECT_EQ(quiet_hours_release(quiet, shanghai("2026-03-02T22:00")), shanghai("2026-03-03T08:00"));
  EXPECT_EQ(quiet_hours_release(quiet, shanghai("2026-03-03T00:00")), shanghai("2026-03-03T08:00"));
  EXPECT_EQ(quiet_hours_release(quiet, shanghai("2026-03-03T07:59")), shanghai("2026-03-03T08:00"));
  EXPECT_EQ(quiet_hours_release(quiet, shanghai("2026-03-03T07:59:59")), shanghai("2026-03-03T08:00"));
  // Outside the window nothing moves, to the millisecond.
  Millis eight = shanghai("2026-03-03T08:00");
  EXPECT_EQ(quiet_hours_release(quiet, eight), eight);
  Millis noon = shanghai("2026-03-03T12:00:00.123");
  EXPECT_EQ(quiet_hours_release(quiet, noon), noon);
  Millis late = shanghai("2026-03-03T21:59:59.999");
  EXPECT_EQ(quiet_hours_release(quiet, late), late);
}

TEST(NotifyQuietHours, AcrossMonthAndYearEnds) {
  QuietHours quiet;
  EXPECT_EQ(quiet_hours_release(quiet, shanghai("2026-12-31T23:00")), shanghai("2027-01-01T08:00"));
  EXPECT_EQ(quiet_hours_release(quiet, shanghai("2028-02-28T22:30")), shanghai("2028-02-29T08:00"));
}

TEST(NotifyQuietHours, DisabledOrEmptyWindowNeverDefers) {
  QuietHours off{22 * 60, 8 * 60, false};
  Millis at = shanghai("2026-03-02T23:30");
  EXPECT_EQ(quiet_hours_release(off, at), at);
  QuietHours empty{9 * 60, 9 * 60, true};
  EXPECT_EQ(quiet_hours_release(empty, at), at);
}

TEST(NotifyQuietHours, WindowWithinOneDay) {
  QuietHours lunch{12 * 60, 13 * 60 + 30, true};
  EXPECT_EQ(quiet_hours_release(lunch, shanghai("2026-03-02T12:10")), shanghai("2026-03-02T13:30"));
  Millis before = shanghai("2026-03-02T11:59");
  EXPECT_EQ(quiet_hours_release(lunch, before), before);
  Millis after = shanghai("2026-03-02T13:30");
  EXPECT_EQ(quiet_hours_release(lunch, after), after);
  Millis night = shanghai("2026-03-02T23:30");
  EXPECT_EQ(quiet_hours_release(lunch, night), night);
}

TEST(NotifyQuietHours, WhoIsDeferred) {
  EXPECT_TRUE(subject_to_quiet_hours(Channel::sms, Recipient::staff, Urgency::normal));
  EXPECT_TRUE(subject_to_quiet_hours(Channel::email, Recipient::staff, Urgency::normal));
  EXPECT_FALSE(subject_to_quiet_hours(Channel::in_app, Recipient::staff, Urgency::normal));
  EXPECT_FALSE(subject_to_quiet_hours(Channel::sms, Recipient::staff, Urgency::urgent));
  EXPECT_FALSE(subject_to_quiet_hours(Channel::sms, Recipient::external, Urgency::normal));
}

TEST(NotifyQuietHours, MinuteOfDayText) {
  EXPECT_EQ(parse_minute_of_day("22:00"), 1320);
  EXPECT_EQ(parse_minute_of_day("00:00"), 0);
  EXPECT_EQ(parse_minute_of_day("23:59"), 1439);
  EXPECT_FALSE(parse_minute_of_day("24:00"));
  EXPECT_FALSE(parse_minute_of_day("8:00"));
  EXPECT_FALSE(parse_minute_of_day("08:60"));
  EXPECT_FALSE(parse_minute_of_day("08-00"));
  EXPECT_EQ(format_minute_of_day(480), "08:00");
  EXPECT_EQ(format_minute_of_day(1439), "23:59");
  EXPECT_EQ(shanghai_minute_of_day(shanghai("2026-03-02T00:01")), 1);
}

TEST(NotifyBackoff, GrowsFourfoldAndCapsAtAnHour) {
  EXPECT_EQ(backoff_delay(1), 30 * kSecond);
  EXPECT_EQ(backoff_delay(2), 2 * kMinute);
  EXPECT_EQ(backoff_delay(3), 8 * kMinute);
  EXPECT_EQ(backoff_delay(4), 32 * kMinute);
  EXPECT_EQ(backoff_delay(5), 60 * kMinute);
  EXPECT_EQ(backoff_delay(50), 60 * kMinute);
  EXPECT_EQ(backoff_delay(0), 30 * kSecond);
}

TEST(NotifyBackoff, DeadAfterMaxAttempts) {
  Millis now = shanghai("2026-03-02T10:00");
  auto retry = after_failure(1, 3, now);
  EXPECT_EQ(retry.outcome, FailureOutcome::retry);
  EXPECT_EQ(retry.next_attempt_at, now + 30 * kSecond);
  EXPECT_EQ(after_failure(2, 3, now).next_attempt_at, now + 2 * kMinute);
  EXPECT_EQ(after_failure(3, 3, now).outcome, FailureOutcome::dead);
  EXPECT_EQ(after_failure(9, 3, now).outcome, FailureOutcome::dead);
}

TEST(NotifyChannels, CodesRoundTrip) {
  for (Channel c : all_channels()) EXPECT_EQ(channel_from_code(channel_code(c)), c);
  EXPECT_FALSE(channel_from_code("fax"));
  EXPECT_FALSE(channel_from_code(""));
}

TEST(NotifyChannels, ListParsing) {
  EXPECT_EQ(parse_channel_list("sms,in_app"), (std::vector<Channel>{Channel::in_app, Channel::sms}));
  EXPECT_EQ(parse_channel_list(" email , fax,sms,sms"), (std::vector<Channel>{Channel::email, Channel::sms}));
  EXPECT_TRUE(parse_channel_list("").empty());
  EXPECT_EQ(format_channel_list({Channel::sms, Channel::in_app}), "in_app,sms");
  EXPECT_EQ(format_channel_list({}), "");
}

TEST(NotifyChannels, Defaults) {
  EXPECT_EQ(default_channels("claim_reminder"), (std::vector<Channel>{Channel::in_app}));
  EXPECT_EQ(default_channels("claim_breach"), (std::vector<Channel>{Channel::in_app, Channel::sms}));
  EXPECT_EQ(default_channels("claim_escalated"), (std::vector<Channel>{Channel::in_app, Channel::sms}));
  EXPECT_EQ(default_channels("claim_dispatched"), (std::vector<Channel>{Channel::in_app}));
}

TEST(NotifyChannels, PreferenceAndReachability) {
  Reachability both{true, true}, none{false, false}, mobile_only{true, false};
  // No preference: the default, minus what cannot reach the user.
  EXPECT_EQ(choose_channels(std::nullopt, "claim_breach", both), (std::vector<Channel>{Channel::in_app, Channel::sms}));
  EXPECT_EQ(choose_channels(std::nullopt, "claim_breach", none), (std::vector<Channel>{Channel::in_app}));
  // A preference is taken as it is.
  EXPECT_EQ(choose_channels(std::string("email,sms"), "claim_reminder", both),
            (std::vector<Channel>{Channel::email, Channel::sms}));
  EXPECT_EQ(choose_channels(std::string("in_app,email"), "claim_breach", mobile_only),
            (std::vector<Channel>{Channel::in_app}));
  // Nothing left (or an empty preference): the inbox, never nothing.
  EXPECT_EQ(choose_channels(std::string("email"), "claim_breach", mobile_only), (std::vector<Channel>{Channel::in_app}));
  EXPECT_EQ(choose_channels(std::string(""), "claim_breach", both), (std::vector<Channel>{Channel::in_app}));
}

TEST(NotifyKinds, Validity) {
  EXPECT_TRUE(valid_kind("claim_reminder"));
  EXPECT_FALSE(valid_kind(""));
  EXPECT_FALSE(valid_kind("Claim"));
  EXPECT_FALSE(valid_kind("claim-1"));
  EXPECT_FALSE(valid_kind(std::string(61, 'a')));
}

TEST(NotifyEmail, Base64) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("连心"), "6L+e5b+D");
}

TEST(NotifyEmail, HeaderEncoding) {
  EXPECT_EQ(encode_header_word("Claim reminder"), "Claim reminder");
  EXPECT_EQ(encode_header_word("连心"), "=?UTF-8?B?6L+e5b+D?=");
  EXPECT_EQ(encode_header_word("a\r\nBcc: x"), "=?UTF-8?B?" + base64_encode("a\r\nBcc: x") + "?=");
  // 40 Han characters = 120 bytes: split into words of whole characters, each within 75 bytes.
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += "工";
  std::string encoded = encode_header_word(long_text);
  std::size_t words = 0, start = 0;
  while (start < encoded.size()) {
    std::size_t end = encoded.find("\r\n ", start);
    std::string word = encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u);
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u);
    ++words;
    start = end == std::string::npos ? encoded.size() : end + 3;
  }
  EXPECT_EQ(words, 3u);  // 45 bytes = 15 characters per word
  EXPECT_EQ(encoded.substr(0, 10 + 60), "=?UTF-8?B?" + base64_encode(long_text.substr(0, 45)));
}

TEST(NotifyEmail, DateIsShanghai) {
  EXPECT_EQ(rfc5322_date(parse_iso_instant("2026-03-02T04:05:06Z", "at")), "Mon, 02 Mar 2026 12:05:06 +0800");
  EXPECT_EQ(rfc5322_date(parse_iso_instant("2026-12-31T16:00:00Z", "at")), "Fri, 01 Jan 2027 00:00:00 +0800");
}

TEST(NotifyEmail, MessageFormat) {
  EmailMessage m{"lianxin@example.com", "zhang@example.com", "【连心】工单到期", "第一行\n第二行",
                 "lianxin-notification-7@lianxin", parse_iso_instant("2026-03-02T04:05:06Z", "at")};
  std::string text = format_email(m);
  EXPECT_NE(text.find("From: <lianxin@example.com>\r\n"), std::string::npos);
  EXPECT_NE(text.find("To: <zhang@example.com>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Subject: =?UTF-8?B?" + base64_encode("【连心】工单到期") + "?=\r\n"), std::string::npos);
  EXPECT_NE(text.find("Message-ID: <lianxin-notification-7@lianxin>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Date: Mon, 02 Mar 2026 12:05:06 +0800\r\n"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  auto blank = text.find("\r\n\r\n");
  ASSERT_NE(blank, std::string::npos);
  EXPECT_EQ(text.substr(blank + 4), base64_encode("第一行\r\n第二行") + "\r\n");
}

TEST(NotifyEmail, PlausibleAddresses) {
  EXPECT_TRUE(plausible_email("a@b.cn"));
  EXPECT_FALSE(plausible_email("a@b@c"));
  EXPECT_FALSE(plausible_email("@b.cn"));
  EXPECT_FALSE(plausible_email("a@"));
  EXPECT_FALSE(plausible_email("a b@c.cn"));
  EXPECT_FALSE(plausible_email("a@c.cn>\r\nRCPT TO:<x@y"));
  EXPECT_FALSE(plausible_email(""));
}

TEST(NotifyErrors, SafeUtf8Prefix) {
  EXPECT_EQ(safe_utf8_prefix("hello", 3), "hel");
  EXPECT_EQ(safe_utf8_prefix("连心", 4), "连");  // never half a character
  EXPECT_EQ(safe_utf8_prefix("\xc1\xfa ok", 10), "?? ok");  // GBK bytes
  EXPECT_EQ(safe_utf8_prefix("\xe8\xbf", 10), "??");  // truncated sequence
  EXPECT_EQ(safe_utf8_prefix("\xed\xa0\x80", 10), "???");  // UTF-16 surrogate
}


// Every message the notify routes can answer with has its Chinese wording (common/messages.cpp).
TEST(NotifyMessages, AreTranslated) {
  for (const char* message :
       {"notification not found", "invalid notice", "only failed or dead notifications can be retried",
        "this notification is being delivered right now; try again in a minute", "must be a list", "must be an object",
        "listed twice", "use lower-case letters and '_' only (at most 60)", "is required (null returns to the default)",
        "must name at least one channel", "must be a time HH:MM", "must differ from start",
        "your role may not do this (needs user.admin or audit.read)", "must be one of in_app, email, sms"}) {
    EXPECT_NE(localize(message, Lang::zh), message) << message;
  }
}
