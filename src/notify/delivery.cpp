// The delivery worker step: lease due rows, send them with libcurl outside any transaction
// (SMTP e-mail, SMS through an HTTP gateway), record each outcome in its own short transaction.
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "common/strings.hpp"
#include "notify/outbox.hpp"

namespace lianxin::notify {
namespace {

// curl_global_init is not thread-safe; a function-local static runs it exactly once.
void ensure_curl_initialised() {
  static const bool initialised = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
    return true;
  }();
  (void)initialised;
}

class Easy {
 public:
  Easy() : handle_(curl_easy_init()) {
    if (!handle_) throw std::runtime_error("curl_easy_init failed");
    error_[0] = '\0';
    curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, error_);
    curl_easy_setopt(handle_, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for DNS timeouts
  }
  ~Easy() {
    curl_easy_cleanup(handle_);
    if (recipients_) curl_slist_free_all(recipients_);
    if (headers_) curl_slist_free_all(headers_);
  }
  Easy(const Easy&) = delete;
  Easy& operator=(const Easy&) = delete;
  CURL* get() { return handle_; }
  void add_recipient(const std::string& address) { recipients_ = curl_slist_append(recipients_, address.c_str()); }
  void add_header(const std::string& header) { headers_ = curl_slist_append(headers_, header.c_str()); }
  curl_slist* recipients() { return recipients_; }
  curl_slist* headers() { return headers_; }
  // The library's own description of the last error, with the more precise error buffer if set.
  std::string describe(CURLcode code) const {
    std::string out = curl_easy_strerror(code);
    if (error_[0]) out += std::string(": ") + error_;
    return out;
  }

 private:
  CURL* handle_;
  curl_slist* recipients_ = nullptr;
  curl_slist* headers_ = nullptr;
  char error_[CURL_ERROR_SIZE];
};

struct Upload {
  const std::string* data;
  std::size_t position = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->data->size() - upload->position);
  std::copy_n(upload->data->data() + upload->position, n, buffer);
  upload->position += n;
  return n;
}

// Keeps the first 4 KiB of a response (only its start goes into last_error).
std::size_t collect_response(char* data, std::size_t size, std::size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  std::size_t n = size * count;
  if (out->size() < 4096) out->append(data, std::min(n, 4096 - out->size()));
  return n;
}

// A leased row, as much as sending needs.
struct Leased {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;
  std::string address;
  Channel channel = Channel::in_app;
  std::string subject, body, template_code, params_json;
  int attempts = 0;
  bool urgent = false;
};

enum class Permanence { transient, permanent };
struct SendResult {
  bool sent = false;
  std::string error;
  Permanence permanence = Permanence::transient;
};
SendResult ok() { return {true, {}, Permanence::transient}; }
SendResult transient(std::string error) { return {false, std::move(error), Permanence::transient}; }
SendResult permanent(std::string error) { return {false, std::move(error), Permanence::permanent}; }

SendResult send_email(const DeliveryOptions& options, const Leased& row, Millis now) {
  if (options.smtp_url.empty()) return transient("SMTP server not configured (smtp_url)");
  if (options.smtp_from.empty()) return transient("SMTP sender not configured (smtp_from)");
  if (!plausible_email(options.smtp_from)) return transient("smtp_from is not a valid e-mail address");
  // A malformed address never gets better by retrying; it must be corrected in the user record.
  if (!plausible_email(row.address)) return permanent("invalid e-mail address '" + safe_utf8_prefix(row.address, 100) + "'");

  std::string message = format_email({options.smtp_from, row.address, row.subject, row.body,
                                      "lianxin-notification-" + std::to_string(row.id) + "@lianxin", now});
  Upload upload{&message};
  Easy easy;
  CURL* h = easy.get();
  std::string from = "<" + options.smtp_from + ">";
  easy.add_recipient("<" + row.address + ">");
  curl_easy_setopt(h, CURLOPT_URL, options.smtp_url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, easy.recipients());
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options.timeout_ms);
  if (!options.smtp_user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, options.smtp_user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, options.smtp_password.c_str());
    // Never send a password in clear: with credentials, smtp:// must upgrade with STARTTLS.
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  } else {
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  }
  CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) return transient("SMTP: " + easy.describe(code));
  return ok();
}

SendResult send_sms(const DeliveryOptions& options, const Leased& row) {
  if (options.sms_gateway_url.empty()) return transient("SMS gateway not configured (sms_gateway_url)");
  if (row.address.empty()) return permanent("no mobile number");
  // params_json was written by enqueue from a string map, so it is a JSON object already.
  std::string body = "{\"id\":" + std::to_string(row.id) + ",\"to\":\"" + json_escape(row.address) + "\",\"template\":" +
                     (row.template_code.empty() ? std::string("null") : "\"" + json_escape(row.template_code) + "\"") +
                     ",\"params\":" + (row.params_json.empty() ? std::string("{}") : row.params_json) + ",\"text\":\"" +
                     json_escape(row.body) + "\"}";
  std::string response;
  Easy easy;
  CURL* h = easy.get();
  easy.add_header("Content-Type: application/json; charset=utf-8");
  easy.add_header("Accept: application/json");
  if (!options.sms_api_key.empty()) easy.add_header("Authorization: Bearer " + options.sms_api_key);
  // The gateway de-duplicates on this key: a row re-sent after a lost lease is one SMS.
  easy.add_header("Idempotency-Key: lianxin-notification-" + std::to_string(row.id));
  easy.add_header("Expect:");  // no 100-continue round trip
  curl_easy_setopt(h, CURLOPT_URL, options.sms_gateway_url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, easy.headers());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_response);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) return transient("SMS gateway: " + easy.describe(code));
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return ok();
  return transient("SMS gateway answered HTTP " + std::to_string(status) + ": " + safe_utf8_prefix(response, 200));
}

SendResult send(const DeliveryOptions& options, const Leased& row, Millis now) {
  try {
    switch (row.channel) {
      case Channel::email: return send_email(options, row, now);
      case Channel::sms: return send_sms(options, row);
      case Channel::in_app: return ok();  // never pending; harmless if an old row is
    }
  } catch (const std::exception& e) {
    return transient(std::string("sending failed: ") + e.what());
  }
  return ok();
}

// Leases up to `batch` due rows in one short transaction. PostgreSQL: rows locked by another
// server's lease transaction are skipped, and a row it leased meanwhile fails the re-checked
// lease condition; SQLite: BEGIN IMMEDIATE serialises the whole step.
std::vector<Leased> lease_due(storage::Database& db, const DeliveryOptions& options, Millis now, Millis lease_until,
                              QuietHours& quiet) {
  return db.transaction([&](storage::Connection& conn) {
    std::string sql =
        "SELECT id, user_id, address, channel, subject, body, template_code, params_json, attempts, urgent "
        "FROM notifications WHERE status IN ('pending','failed') AND next_attempt_at <= ? "
        "AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at, id LIMIT ?";
    if (conn.backend() == storage::Backend::postgres) sql += " FOR UPDATE SKIP LOCKED";
    auto rows = conn.query(sql, {now, now, std::int64_t{std::max(1, options.batch)}});
    std::vector<Leased> out;
    if (rows.empty()) return out;
    std::string ids;
    storage::Params params{lease_until};
    for (auto& r : rows) {
      Leased l;
      l.id = r.i64(0);
      l.user_id = r.opt_i64(1);
      l.address = r.str(2);
      l.channel = channel_from_code(r.str(3)).value_or(Channel::in_app);
      l.subject = r.str(4);
      l.body = r.str(5);
      l.template_code = r.str(6);
      l.params_json = r.str(7);
      l.attempts = static_cast<int>(r.i64(8));
      l.urgent = r.boolean(9);
      out.push_back(std::move(l));
      ids += ids.empty() ? "?" : ",?";
      params.push_back(r.i64(0));
    }
    conn.execute("UPDATE notifications SET lease_until = ? WHERE id IN (" + ids + ")", params);
    quiet = load_quiet_hours(conn);
    return out;
  });
}

}  // namespace

DeliveryReport deliver_due(storage::Database& db, const DeliveryOptions& options, Millis now) {
  ensure_curl_initialised();
  // The lease covers sending the whole batch one by one at the worst case timeout, plus a margin.
  const Millis lease_until = now + static_cast<Millis>(std::max(1, options.batch)) * std::max(1000L, options.timeout_ms) + 60000;
  QuietHours quiet;
  std::vector<Leased> rows = lease_due(db, options, now, lease_until, quiet);
  DeliveryReport report;
  for (const Leased& row : rows) {
    SendResult result = send(options, row, now);
    const int attempts = row.attempts + 1;
    db.transaction([&](storage::Connection& conn) {
      // Guarded by our lease: if it ran out and another server re-leased the row, its outcome wins.
      if (result.sent) {
        if (conn.execute("UPDATE notifications SET status = 'sent', attempts = ?, sent_at = ?, lease_until = NULL, "
                         "last_error = NULL WHERE id = ? AND lease_until = ?",
                         {std::int64_t{attempts}, now, row.id, lease_until}) > 0)
          ++report.sent;
        return;
      }
      FailureDecision decision = after_failure(attempts, options.max_attempts, now);
      if (result.permanence == Permanence::permanent) decision.outcome = FailureOutcome::dead;
      Millis next = decision.next_attempt_at;
      Recipient recipient = row.user_id ? Recipient::staff : Recipient::external;
      Urgency urgency = row.urgent ? Urgency::urgent : Urgency::normal;
      if (decision.outcome == FailureOutcome::retry && subject_to_quiet_hours(row.channel, recipient, urgency))
        next = quiet_hours_release(quiet, next);  // a retry must not wake anyone either
      bool dead = decision.outcome == FailureOutcome::dead;
      storage::Params params{std::string(dead ? "dead" : "failed"), std::int64_t{attempts}, safe_utf8_prefix(result.error, 1000)};
      std::string set = "UPDATE notifications SET status = ?, attempts = ?, last_error = ?, lease_until = NULL";
      if (!dead) {
        set += ", next_attempt_at = ?";
        params.push_back(next);
      }
      params.push_back(row.id);
      params.push_back(lease_until);
      if (conn.execute(set + " WHERE id = ? AND lease_until = ?", params) > 0) ++(dead ? report.dead : report.failed);
    });
    if (!result.sent) {
      // A transport that is not configured (a demo, a site without SMS) is said once per channel,
      // not once per notice; the outbox shows every row's last_error anyway.
      static std::atomic<bool> told_unconfigured[3] = {false, false, false};
      const bool unconfigured = result.error.find("not configured") != std::string::npos;
      auto& told = told_unconfigured[static_cast<int>(row.channel) % 3];
      const auto level = unconfigured && told.exchange(true) ? spdlog::level::debug : spdlog::level::warn;
      spdlog::log(level, "notification {} ({}) {}: {}", row.id, channel_code(row.channel),
                  attempts >= options.max_attempts || result.permanence == Permanence::permanent ? "given up" : "failed",
                  result.error);
    }
  }
  return report;
}

}  // namespace lianxin::notify
