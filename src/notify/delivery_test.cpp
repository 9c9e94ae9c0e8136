// Delivery of the notification outbox against real local servers: an SMTP server (Debian's
// python3-aiosmtpd, tests/notify/smtp_sink.py) and an HTTP sink standing in for the SMS gateway
// (tests/notify/http_sink.py). On SQLite always, on PostgreSQL when LIANXIN_TEST_PG_URL is set.
// No timing assertions: every instant handed to the worker is chosen by the test.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "common/errors.hpp"
#include "notify/notify.hpp"
#include "notify/outbox.hpp"
#include "notify/test_support.hpp"
#include "storage/test_support.hpp"

extern char** environ;

using namespace lianxin;
using namespace lianxin::notify;
using notify::testing::shanghai;
namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr Millis kSecond = 1000;

// The first interpreter that can import `module` (Debian's /usr/bin/python3 has the packages
// scripts/install-deps.sh installs, even where another python3 comes first on PATH).
std::string python_with(const std::string& module) {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("LIANXIN_PYTHON"); env && *env) candidates.emplace_back(env);
  candidates.insert(candidates.end(), {"/usr/bin/python3", "python3"});
  for (const auto& python : candidates)
    if (std::system((python + " -c 'import " + module + "' >/dev/null 2>&1").c_str()) == 0) return python;
  return {};
}

// A helper server process: started with an output file and a ready file it writes its port to;
// SIGTERM and reaped when the test binary is done.
class Sink {
 public:
  Sink(const std::string& python, const std::string& script, const std::string& name) {
    dir_ = fs::temp_directory_path() / ("lx_notify_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    out_ = (dir_ / "records.jsonl").string();
    std::string ready = (dir_ / "port").string();
    std::string path = std::string(LIANXIN_NOTIFY_TEST_DIR) + "/" + script;
    std::vector<std::string> args{python, path, out_, ready};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, python.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start " + script);
    // Bounded wait for the port file (not a timing assertion: it fails only if the helper dies
    // or never starts).
    for (int i = 0; i < 1500; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        throw std::runtime_error(script + " exited before listening");
      }
      std::ifstream in(ready);
      if (in >> port_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error(script + " did not start listening");
  }
  ~Sink() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  int port() const { return port_; }
  void clear() { std::ofstream(out_, std::ios::trunc); }
  std::vector<bj::object> records() const {
    std::vector<bj::object> out;
    std::ifstream in(out_);
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) out.push_back(bj::parse(line).as_object());
    return out;
  }

 private:
  fs::path dir_;
  std::string out_;
  pid_t pid_ = 0;
  int port_ = 0;
};

// Tells the HTTP sink to answer 500 to the next n requests.
void fail_next(const Sink& sink, int n) {
  std::string cmd = "curl -sf -o /dev/null -X POST --noproxy '*' -d '{\"fail_next\":" + std::to_string(n) +
                    "}' http://127.0.0.1:" + std::to_string(sink.port()) + "/__control";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

struct Sinks {
  std::unique_ptr<Sink> smtp, http;
};

Sinks& sinks() {
  static Sinks s;
  return s;
}

class NotifyDelivery : public ::testing::TestWithParam<std::string> {
 public:
  static void SetUpTestSuite() {
    // The sinks are on loopback: no proxy from the environment may stand in between.
    ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    ::setenv("no_proxy", "127.0.0.1,localhost", 1);
    std::string smtp_python = python_with("aiosmtpd");
    ASSERT_FALSE(smtp_python.empty()) << "python3-aiosmtpd is missing: run scripts/install-deps.sh";
    std::string http_python = python_with("http.server");
    sinks().smtp = std::make_unique<Sink>(smtp_python, "smtp_sink.py", "smtp");
    sinks().http = std::make_unique<Sink>(http_python, "http_sink.py", "http");
  }
  static void TearDownTestSuite() {
    sinks().smtp.reset();
    sinks().http.reset();
  }

 protected:
  void SetUp() override {
    ASSERT_TRUE(sinks().smtp && sinks().http);
    db_ = &notify::testing::database(GetParam());
    notify::testing::clear_outbox(*db_);
    sinks().smtp->clear();
    sinks().http->clear();
    fail_next(*sinks().http, 0);
    prefix_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    prefix_ = prefix_.substr(0, prefix_.find('/'));
    for (char& c : prefix_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    options_.smtp_url = "smtp://127.0.0.1:" + std::to_string(sinks().smtp->port());
    options_.smtp_from = "lianxin@example.com";
    options_.sms_gateway_url = "http://127.0.0.1:" + std::to_string(sinks().http->port()) + "/sms";
    options_.sms_api_key = "test-key-123";
    options_.max_attempts = 3;
  }

  std::int64_t user(const std::string& name, const std::string& mobile, const std::string& email = "", bool active = true) {
    return db_->transaction([&](storage::Connection& conn) {
      return notify::testing::add_user(conn, prefix_ + "_" + name, "department_handler", mobile, email, active);
    });
  }

  int enqueue_now(const Notice& notice, Millis now) {
    return db_->transaction([&](storage::Connection& conn) { return enqueue(conn, notice, now); });
  }

  Notice breach(std::int64_t user_id, const std::string& key) {
    Notice n;
    n.user_id = user_id;
    n.kind = "claim_breach";
    n.params = {{"claim_no", "GD-7"}, {"title", "停电未恢复"}, {"customer", "云南锡业"}, {"clock", "处理"},
                {"due", "3月2日 18:00"}, {"url", "https://lianxin.example/claims/7"}};
    n.ref_entity = "claim";
    n.ref_id = "7";
    n.dedupe_key = key;
    return n;
  }

  struct RowState {
    std::int64_t id = 0;
    std::string status, address, body;
    std::int64_t attempts = 0;
    Millis next_attempt_at = 0;
    std::optional<Millis> sent_at;
    std::string last_error;
  };
  RowState row(const std::string& dedupe_key) {
    return db_->read([&](storage::Connection& conn) {
      auto r = conn.query_one(
          "SELECT id, status, attempts, next_attempt_at, sent_at, last_error, address, body FROM notifications WHERE dedupe_key = ?",
          {dedupe_key});
      if (!r) throw std::runtime_error("no row " + dedupe_key);
      return RowState{r->i64(0), r->str(1), r->str(6), r->str(7), r->i64(2), r->i64(3), r->opt_i64(4), r->str(5)};
    });
  }
  std::int64_t count(const std::string& where) {
    return db_->read([&](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM notifications WHERE " + where); });
  }

  storage::Database* db_ = nullptr;
  std::string prefix_;
  DeliveryOptions options_;
};

TEST_P(NotifyDelivery, EnqueueFollowsDefaultsAndDedupes) {
  auto handler = user("handler", "13800000001");
  auto no_mobile = user("nomobile", "");
  auto gone = user("gone", "13800000002", "", false);
  Millis now = shanghai("2026-03-02T10:00");

  EXPECT_EQ(enqueue_now(breach(handler, "breach-1"), now), 2);  // in-app + SMS for a breach
  EXPECT_EQ(enqueue_now(breach(handler, "breach-1"), now), 0);  // same key: nothing new
  EXPECT_EQ(count("dedupe_key LIKE 'breach-1:%'"), 2);
  auto inbox_row = row("breach-1:in_app");
  EXPECT_EQ(inbox_row.status, "sent");  // in the inbox at once
  EXPECT_EQ(inbox_row.sent_at, now);
  EXPECT_EQ(inbox_row.body, "工单GD-7「停电未恢复」（云南锡业）处理时限已于3月2日 18:00到期，现已超期，请立即处理。");
  auto sms = row("breach-1:sms");
  EXPECT_EQ(sms.status, "pending");
  EXPECT_EQ(sms.address, "13800000001");
  EXPECT_EQ(sms.next_attempt_at, now);

  // No mobile: the inbox only. A reminder: the inbox only by default.
  EXPECT_EQ(enqueue_now(breach(no_mobile, "breach-2"), now), 1);
  EXPECT_EQ(row("breach-2:in_app").status, "sent");
  Notice reminder = breach(handler, "reminder-1");
  reminder.kind = "claim_reminder";
  EXPECT_EQ(enqueue_now(reminder, now), 1);
  // A kind without templates gets the generic text.
  Notice odd = breach(no_mobile, "odd-1");
  odd.kind = "claim_unusual";
  odd.params = {{"claim_no", "GD-8"}};
  EXPECT_EQ(enqueue_now(odd, now), 1);
  EXPECT_EQ(row("odd-1:in_app").body, "【连心】claim_unusual：claim_no=GD-8");
  // A deactivated user gets nothing.
  EXPECT_EQ(enqueue_now(breach(gone, "breach-3"), now), 0);

  // A malformed notice names the field; an unknown user is not found.
  Notice bad = breach(handler, "");
  bad.kind = "Claim-Breach";
  try {
    enqueue_now(bad, now);
    FAIL() << "expected a validation error";
  } catch (const AppError& e) {
    EXPECT_EQ(e.code(), ErrorCode::validation_failed);
    std::set<std::string> fields;
    for (const auto& issue : e.issues()) fields.insert(issue.field);
    EXPECT_EQ(fields, (std::set<std::string>{"kind", "dedupe_key"}));
  }
  try {
    enqueue_now(breach(987654321, "nobody"), now);
    FAIL() << "expected not found";
  } catch (const AppError& e) {
    EXPECT_EQ(e.code(), ErrorCode::not_found);
  }
}

TEST_P(NotifyDelivery, SmsCarriesTemplateParamsKeyAndBearer) {
  auto handler = user("handler", "13800000011");
  Millis now = shanghai("2026-03-02T10:00");
  ASSERT_EQ(enqueue_now(breach(handler, "sms-1"), now), 2);
  auto report = deliver_due(*db_, options_, now);
  EXPECT_EQ(report.sent, 1);
  EXPECT_EQ(report.failed + report.dead, 0);

  auto sms = row("sms-1:sms");
  EXPECT_EQ(sms.status, "sent");
  EXPECT_EQ(sms.attempts, 1);
  EXPECT_EQ(sms.sent_at, now);
  auto records = sinks().http->records();
  ASSERT_EQ(records.size(), 1u);
  const auto& r = records[0];
  EXPECT_EQ(r.at("method").as_string(), "POST");
  EXPECT_EQ(r.at("path").as_string(), "/sms");
  const auto& headers = r.at("headers").as_object();
  EXPECT_EQ(headers.at("authorization").as_string(), "Bearer test-key-123");
  EXPECT_EQ(headers.at("idempotency-key").as_string(), "lianxin-notification-" + std::to_string(sms.id));
  EXPECT_EQ(std::string(headers.at("content-type").as_string()).rfind("application/json", 0), 0u);
  const auto& body = r.at("json").as_object();
  EXPECT_EQ(body.at("id").as_int64(), sms.id);
  EXPECT_EQ(body.at("to").as_string(), "13800000011");
  EXPECT_EQ(body.at("template").as_string(), "LX_CLAIM_BREACH");
  EXPECT_EQ(body.at("params").as_object().at("claim_no").as_string(), "GD-7");
  EXPECT_EQ(body.at("params").as_object().at("title").as_string(), "停电未恢复");
  EXPECT_EQ(body.at("params").as_object().size(), 6u);
  EXPECT_EQ(body.at("text").as_string(), "【连心】工单GD-7「停电未恢复」处理时限已于3月2日 18:00超期，请立即处理。");
  EXPECT_EQ(body.at("text").as_string(), sms.body);

  // Nothing is due any more.
  auto again = deliver_due(*db_, options_, now + 3600 * kSecond);
  EXPECT_EQ(again.sent + again.failed + again.dead, 0);
  EXPECT_EQ(sinks().http->records().size(), 1u);
}

TEST_P(NotifyDelivery, RelativeLinksBecomeAbsoluteOutsideTheApp) {
  auto handler = user("linker", "13800000071");
  Millis now = shanghai("2026-03-02T10:00");
  Notice n = breach(handler, "link-1");
  n.params["url"] = "/claims/7";
  set_link_base("https://lianxin.example/");
  ASSERT_EQ(enqueue_now(n, now), 2);
  set_link_base("");
  auto sms_params = db_->read([&](storage::Connection& conn) {
    return conn.query_one("SELECT params_json FROM notifications WHERE dedupe_key = 'link-1:sms'")->str(0);
  });
  auto app_params = db_->read([&](storage::Connection& conn) {
    return conn.query_one("SELECT params_json FROM notifications WHERE dedupe_key = 'link-1:in_app'")->str(0);
  });
  EXPECT_NE(sms_params.find("https://lianxin.example/claims/7"), std::string::npos) << sms_params;
  EXPECT_NE(app_params.find("\"/claims/7\""), std::string::npos) << app_params;
}

TEST_P(NotifyDelivery, EmailArrivesWithSubjectAndBody) {
  auto handler = user("handler", "13800000021", "zhang.wei@example.com");
  Millis now = shanghai("2026-03-02T10:00");
  db_->transaction([&](storage::Connection& conn) {
    set_preference(conn, handler, "claim_reminder", std::vector<Channel>{Channel::in_app, Channel::email}, now);
  });
  Notice reminder = breach(handler, "mail-1");
  reminder.kind = "claim_reminder";
  reminder.params["share"] = "80%";
  ASSERT_EQ(enqueue_now(reminder, now), 2);
  auto report = deliver_due(*db_, options_, now);
  EXPECT_EQ(report.sent, 1);

  auto mail_row = row("mail-1:email");
  EXPECT_EQ(mail_row.status, "sent");
  auto records = sinks().smtp->records();
  ASSERT_EQ(records.size(), 1u);
  const auto& m = records[0];
  EXPECT_EQ(m.at("mail_from").as_string(), "lianxin@example.com");
  ASSERT_EQ(m.at("rcpt_tos").as_array().size(), 1u);
  EXPECT_EQ(m.at("rcpt_tos").as_array()[0].as_string(), "zhang.wei@example.com");
  EXPECT_EQ(m.at("subject").as_string(), "【连心】工单GD-7处理时限即将到期");
  EXPECT_EQ(m.at("message_id").as_string(), "<lianxin-notification-" + std::to_string(mail_row.id) + "@lianxin>");
  EXPECT_EQ(m.at("content_type").as_string(), "text/plain");
  std::string body(m.at("body").as_string());
  EXPECT_NE(body.find("工单GD-7「停电未恢复」（云南锡业）处理时限将于3月2日 18:00到期，已用80%，请及时处理。"), std::string::npos) << body;
  EXPECT_NE(body.find("查看工单：https://lianxin.example/claims/7"), std::string::npos) << body;
  EXPECT_EQ(sinks().http->records().size(), 0u);
}

TEST_P(NotifyDelivery, GatewayErrorIsRetriedWithBackoff) {
  auto handler = user("handler", "13800000031");
  Millis now = shanghai("2026-03-02T10:00");
  ASSERT_EQ(enqueue_now(breach(handler, "retry-1"), now), 2);
  fail_next(*sinks().http, 1);

  auto first = deliver_due(*db_, options_, now);
  EXPECT_EQ(first.failed, 1);
  EXPECT_EQ(first.sent, 0);
  auto failed = row("retry-1:sms");
  EXPECT_EQ(failed.status, "failed");
  EXPECT_EQ(failed.attempts, 1);
  EXPECT_EQ(failed.next_attempt_at, now + 30 * kSecond);
  EXPECT_NE(failed.last_error.find("HTTP 500"), std::string::npos) << failed.last_error;
  EXPECT_NE(failed.last_error.find("gateway temporarily unavailable"), std::string::npos) << failed.last_error;

  auto early = deliver_due(*db_, options_, now + 10 * kSecond);  // not due yet
  EXPECT_EQ(early.sent + early.failed + early.dead, 0);

  auto second = deliver_due(*db_, options_, failed.next_attempt_at);
  EXPECT_EQ(second.sent, 1);
  auto sent = row("retry-1:sms");
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.attempts, 2);
  EXPECT_EQ(sent.last_error, "");
  auto records = sinks().http->records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].at("status").as_int64(), 500);
  EXPECT_EQ(records[1].at("status").as_int64(), 200);
  // The same idempotency key both times: the gateway can tell a retry from a new message.
  EXPECT_EQ(records[0].at("headers").at("idempotency-key"), records[1].at("headers").at("idempotency-key"));
}

TEST_P(NotifyDelivery, DeadAfterMaxAttemptsAndRetryRevives) {
  auto handler = user("handler", "13800000041");
  Millis now = shanghai("2026-03-02T10:00");
  ASSERT_EQ(enqueue_now(breach(handler, "dead-1"), now), 2);
  fail_next(*sinks().http, 100);

  Millis at = now;
  DeliveryReport last;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    last = deliver_due(*db_, options_, at);
    auto state = row("dead-1:sms");
    EXPECT_EQ(state.attempts, attempt);
    at = state.next_attempt_at;
  }
  EXPECT_EQ(last.dead, 1);
  auto dead = row("dead-1:sms");
  EXPECT_EQ(dead.status, "dead");
  EXPECT_EQ(sinks().http->records().size(), static_cast<std::size_t>(options_.max_attempts));
  auto later = deliver_due(*db_, options_, at + 24 * 3600 * kSecond);  // dead rows are left alone
  EXPECT_EQ(later.sent + later.failed + later.dead, 0);

  // An administrator puts it back; the gateway works again; it goes out.
  fail_next(*sinks().http, 0);
  Millis retry_at = at + 25 * 3600 * kSecond;
  db_->transaction([&](storage::Connection& conn) { retry_now(conn, dead.id, retry_at); });
  EXPECT_EQ(row("dead-1:sms").status, "pending");
  EXPECT_EQ(deliver_due(*db_, options_, retry_at).sent, 1);
  EXPECT_EQ(row("dead-1:sms").status, "sent");
}

TEST_P(NotifyDelivery, MissingTransportFailsClearly) {
  auto handler = user("handler", "13800000051", "li.na@example.com");
  Millis now = shanghai("2026-03-02T10:00");
  db_->transaction([&](storage::Connection& conn) {
    set_preference(conn, handler, "claim_breach", std::vector<Channel>{Channel::email, Channel::sms}, now);
  });
  ASSERT_EQ(enqueue_now(breach(handler, "noconf-1"), now), 2);
  DeliveryOptions none;  // nothing configured
  none.max_attempts = 3;
  auto report = deliver_due(*db_, none, now);
  EXPECT_EQ(report.failed, 2);
  auto sms = row("noconf-1:sms");
  EXPECT_EQ(sms.status, "failed");
  EXPECT_EQ(sms.last_error, "SMS gateway not configured (sms_gateway_url)");
  auto mail = row("noconf-1:email");
  EXPECT_EQ(mail.status, "failed");
  EXPECT_EQ(mail.last_error, "SMTP server not configured (smtp_url)");
  // Configured later, the retries go out.
  auto later = deliver_due(*db_, options_, now + 60 * kSecond);
  EXPECT_EQ(later.sent, 2);
  EXPECT_EQ(sinks().http->records().size(), 1u);
  EXPECT_EQ(sinks().smtp->records().size(), 1u);
}

TEST_P(NotifyDelivery, QuietHoursDeferStaffSmsButNotInAppUrgentOrExternal) {
  auto handler = user("handler", "13800000061");
  Millis late = shanghai("2026-03-02T23:30");
  ASSERT_EQ(enqueue_now(breach(handler, "night-1"), late), 2);
  EXPECT_EQ(row("night-1:in_app").status, "sent");  // the inbox is never deferred
  EXPECT_EQ(row("night-1:sms").next_attempt_at, shanghai("2026-03-03T08:00"));

  Notice urgent = breach(handler, "night-urgent");
  urgent.urgent = true;
  ASSERT_EQ(enqueue_now(urgent, late), 2);
  EXPECT_EQ(row("night-urgent:sms").next_attempt_at, late);

  ExternalNotice external;
  external.channel = Channel::sms;
  external.address = "13900000000";
  external.kind = "claim_dispatched";
  external.params = {{"claim_no", "GD-9"}};
  external.dedupe_key = "night-external";
  ASSERT_EQ(db_->transaction([&](storage::Connection& conn) { return enqueue_external(conn, external, late); }), 1);
  EXPECT_EQ(row("night-external:sms").next_attempt_at, late);

  EXPECT_EQ(deliver_due(*db_, options_, late).sent, 2);  // urgent + external
  EXPECT_EQ(deliver_due(*db_, options_, shanghai("2026-03-03T07:59")).sent, 0);
  EXPECT_EQ(row("night-1:sms").status, "pending");
  EXPECT_EQ(deliver_due(*db_, options_, shanghai("2026-03-03T08:00")).sent, 1);
  EXPECT_EQ(row("night-1:sms").status, "sent");
  std::set<std::string> to;
  for (const auto& r : sinks().http->records()) to.insert(std::string(r.at("json").at("to").as_string()));
  EXPECT_EQ(to, (std::set<std::string>{"13800000061", "13900000000"}));

  // A retry that would fall into the quiet hours waits for the morning too.
  ASSERT_EQ(enqueue_now(breach(handler, "evening-1"), shanghai("2026-03-03T21:59:45")), 2);
  fail_next(*sinks().http, 1);
  EXPECT_EQ(deliver_due(*db_, options_, shanghai("2026-03-03T21:59:45")).failed, 1);
  EXPECT_EQ(row("evening-1:sms").next_attempt_at, shanghai("2026-03-04T08:00"));

  // Disabled quiet hours defer nothing.
  db_->transaction([&](storage::Connection& conn) { save_quiet_hours(conn, {22 * 60, 8 * 60, false}, late); });
  ASSERT_EQ(enqueue_now(breach(handler, "night-2"), late), 2);
  EXPECT_EQ(row("night-2:sms").next_attempt_at, late);
}

// Two workers on two Database objects over the same database: every row goes out exactly once
// (PostgreSQL: FOR UPDATE SKIP LOCKED + lease; SQLite: BEGIN IMMEDIATE + lease).
TEST_P(NotifyDelivery, ConcurrentWorkersSendEachRowOnce) {
  auto handler = user("handler", "13800000071");
  Millis now = shanghai("2026-03-02T10:00");
  constexpr int kRows = 60;
  db_->transaction([&](storage::Connection& conn) {
    for (int i = 0; i < kRows; ++i) enqueue(conn, breach(handler, "many-" + std::to_string(i)), now);
  });
  auto second_db = storage::Database::open(GetParam(), 2);
  DeliveryOptions small = options_;
  small.batch = 7;
  auto worker = [&](storage::Database& db, int& sent) {
    for (int step = 0; step < 100; ++step) {
      auto r = deliver_due(db, small, now);
      sent += r.sent;
      if (r.sent + r.failed + r.dead == 0) break;
    }
  };
  int sent_a = 0, sent_b = 0;
  std::thread a([&] { worker(*db_, sent_a); });
  std::thread b([&] { worker(*second_db, sent_b); });
  a.join();
  b.join();
  // Whatever one worker skipped because the other held it is done by now; sweep once more.
  sent_a += deliver_due(*db_, small, now).sent;

  EXPECT_EQ(sent_a + sent_b, kRows);
  EXPECT_EQ(count("channel = 'sms' AND status = 'sent' AND attempts = 1"), kRows);
  auto records = sinks().http->records();
  EXPECT_EQ(records.size(), static_cast<std::size_t>(kRows));
  std::set<std::string> keys;
  for (const auto& r : records) keys.insert(std::string(r.at("headers").at("idempotency-key").as_string()));
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(kRows));
}

// Deterministic halves of the above: a row under another server's live lease is skipped and sent
// after the lease runs out (that server died); on PostgreSQL a row locked by another server's
// lease transaction is skipped without waiting.
TEST_P(NotifyDelivery, LeasedAndLockedRowsAreSkipped) {
  auto handler = user("handler", "13800000081");
  Millis now = shanghai("2026-03-02T10:00");
  for (const char* key : {"lease-a", "lease-b", "lease-c"}) ASSERT_EQ(enqueue_now(breach(handler, key), now), 2);
  auto leased = row("lease-a:sms");
  db_->transaction([&](storage::Connection& conn) {
    conn.execute("UPDATE notifications SET lease_until = ? WHERE id = ?", {now + 60 * kSecond, leased.id});
  });

  auto other = storage::Database::open(GetParam(), 1);
  if (other->backend() == storage::Backend::postgres) {
    auto conn = other->acquire();
    conn->begin(true);
    conn->query("SELECT id FROM notifications WHERE dedupe_key = 'lease-b:sms' FOR UPDATE");
    EXPECT_EQ(deliver_due(*db_, options_, now).sent, 1);  // only lease-c: a is leased, b is locked
    EXPECT_EQ(row("lease-c:sms").status, "sent");
    EXPECT_EQ(row("lease-b:sms").status, "pending");
    conn->rollback();
  }
  EXPECT_EQ(deliver_due(*db_, options_, now).sent, other->backend() == storage::Backend::postgres ? 1 : 2);
  EXPECT_EQ(row("lease-a:sms").status, "pending");
  EXPECT_EQ(deliver_due(*db_, options_, now + 61 * kSecond).sent, 1);  // the lease ran out
  EXPECT_EQ(row("lease-a:sms").status, "sent");
  EXPECT_EQ(sinks().http->records().size(), 3u);
}

TEST_P(NotifyDelivery, InvalidEmailAddressIsDeadAtOnce) {
  Millis now = shanghai("2026-03-02T10:00");
  // enqueue_external refuses a malformed address, so break one after the fact.
  ExternalNotice mail;
  mail.channel = Channel::email;
  mail.address = "ok@example.com";
  mail.kind = "claim_dispatched";
  mail.dedupe_key = "badmail";
  db_->transaction([&](storage::Connection& conn) {
    ASSERT_EQ(enqueue_external(conn, mail, now), 1);
    conn.execute("UPDATE notifications SET address = 'broken address' WHERE dedupe_key = 'badmail:email'");
  });
  auto report = deliver_due(*db_, options_, now);
  EXPECT_EQ(report.dead, 1);
  EXPECT_EQ(row("badmail:email").status, "dead");
  EXPECT_EQ(sinks().smtp->records().size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, NotifyDelivery, ::testing::ValuesIn(storage::test_backends("notify_delivery")),
                         [](const auto& info) { return storage::backend_label(info.param); });

}  // namespace
