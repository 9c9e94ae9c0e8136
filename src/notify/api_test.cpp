// The notification routes, called through the router with API keys (the server's error mapping
// is the server's: here an AppError is turned into its HTTP status the same way). On SQLite
// always, on PostgreSQL when LIANXIN_TEST_PG_URL is set.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "auth/crypto.hpp"
#include "auth/guard.hpp"
#include "common/errors.hpp"
#include "http/router.hpp"
#include "notify/notify.hpp"
#include "notify/outbox.hpp"
#include "notify/test_support.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using namespace lianxin::notify;
namespace bj = boost::json;

namespace {

struct Answer {
  int status = 0;
  bj::value json;
  std::set<std::string> fields;  // of a validation error
};

class NotifyApi : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = &notify::testing::database(GetParam());
    notify::testing::clear_outbox(*db_);
    guard_ = std::make_unique<auth::Guard>(*db_, auth::GuardOptions{});
    register_routes(router_, *guard_);
    prefix_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    prefix_ = prefix_.substr(0, prefix_.find('/'));
    for (char& c : prefix_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }

  // A user and an API key acting as them; returns the key.
  std::string user(const std::string& name, const std::string& role, const std::string& mobile = "13800000000",
                   const std::string& org_code = "NT-ROOT", std::int64_t* id_out = nullptr) {
    static int serial = 0;
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "lxk_%08d", ++serial);
    std::string key = std::string(prefix) + "_" + auth::random_token(24);
    db_->transaction([&](storage::Connection& conn) {
      std::int64_t id = notify::testing::add_user(conn, prefix_ + "_" + name, role, mobile, "", true, org_code);
      conn.execute(
          "INSERT INTO api_keys(name, prefix, key_hash, user_id, created_by, created_at) VALUES (?,?,?,?,?,0)",
          {std::string("test"), std::string(prefix), auth::token_hash(key), id, id});
      ids_[key] = id;
      if (id_out) *id_out = id;
    });
    return key;
  }

  Answer call(const std::string& method, const std::string& target, const std::string& key, const std::string& body = "") {
    http::Request request;
    request.method = method;
    request.target = target;
    auto q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) {
      for (const auto& pair : split_query(target.substr(q + 1))) request.query.insert(pair);
    }
    request.headers["x-api-key"] = key;
    request.body = body;
    request.remote_ip = "127.0.0.1";
    request.request_id = "test";
    const http::Handler* handler = nullptr;
    std::map<std::string, std::string> params;
    Answer answer;
    if (router_.match(method, request.path, &handler, params) != http::Router::Match::found) {
      answer.status = 404;
      return answer;
    }
    http::RouteContext ctx{request, params};
    try {
      http::Response response = (*handler)(ctx);
      answer.status = response.status;
      if (!response.body.empty()) answer.json = bj::parse(response.body);
    } catch (const AppError& e) {
      answer.status = http_status_for(e.code());
      for (const auto& issue : e.issues()) answer.fields.insert(issue.field);
    }
    return answer;
  }

  static std::vector<std::pair<std::string, std::string>> split_query(const std::string& query) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t start = 0;
    while (start <= query.size()) {
      auto amp = query.find('&', start);
      std::string part = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      auto eq = part.find('=');
      if (!part.empty()) out.emplace_back(part.substr(0, eq), eq == std::string::npos ? "" : part.substr(eq + 1));
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
    return out;
  }

  void notify(std::int64_t user_id, const std::string& kind, const std::string& key, Millis at) {
    Notice n;
    n.user_id = user_id;
    n.kind = kind;
    n.params = {{"claim_no", key}};
    n.ref_entity = "claim";
    n.ref_id = key;
    n.dedupe_key = prefix_ + key;
    db_->transaction([&](storage::Connection& conn) { enqueue(conn, n, at); });
  }

  std::int64_t audit_count(const std::string& entity) {
    return db_->read([&](storage::Connection& conn) {
      return conn.query_i64("SELECT COUNT(*) FROM audit_log WHERE entity = ?", {entity});
    });
  }

  std::int64_t row_id(const std::string& key, const std::string& channel) {
    return db_->read([&](storage::Connection& conn) {
      return conn.query_i64("SELECT id FROM notifications WHERE dedupe_key = ?", {prefix_ + key + ":" + channel});
    });
  }

  storage::Database* db_ = nullptr;
  std::unique_ptr<auth::Guard> guard_;
  http::Router router_;
  std::string prefix_;
  std::map<std::string, std::int64_t> ids_;
};

TEST_P(NotifyApi, InboxShowsOwnNotificationsAndMarksThemRead) {
  std::int64_t a_id = 0, b_id = 0;
  auto a = user("a", "department_handler", "13800000001", "NT-ROOT", &a_id);
  auto b = user("b", "department_handler", "13800000002", "NT-ROOT", &b_id);
  Millis t = notify::testing::shanghai("2026-03-02T10:00");
  notify(a_id, "claim_dispatched", "k1", t);
  notify(a_id, "claim_reminder", "k2", t + 1000);
  notify(a_id, "claim_breach", "k3", t + 2000);
  notify(b_id, "claim_dispatched", "k4", t);

  auto audits_before = audit_count("notification");
  auto inbox = call("GET", "/api/v1/notifications", a);
  ASSERT_EQ(inbox.status, 200);
  EXPECT_EQ(inbox.json.at("total").as_int64(), 3);
  EXPECT_EQ(inbox.json.at("unread").as_int64(), 3);
  const auto& items = inbox.json.at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].at("kind").as_string(), "claim_breach");  // newest first
  EXPECT_EQ(items[2].at("kind").as_string(), "claim_dispatched");
  EXPECT_EQ(items[0].at("ref_entity").as_string(), "claim");
  EXPECT_EQ(items[0].at("read").as_bool(), false);
  EXPECT_EQ(items[0].at("subject").as_string(), "工单k3{clock}已超期");  // missing holes stay visible

  // Someone else's notification does not exist for the caller.
  EXPECT_EQ(call("POST", "/api/v1/notifications/" + std::to_string(row_id("k4", "in_app")) + "/read", a).status, 404);
  // An SMS row is not in the inbox either.
  EXPECT_EQ(call("POST", "/api/v1/notifications/" + std::to_string(row_id("k3", "sms")) + "/read", a).status, 404);
  auto read = call("POST", "/api/v1/notifications/" + std::to_string(row_id("k1", "in_app")) + "/read", a);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json.at("unread").as_int64(), 2);
  auto unread = call("GET", "/api/v1/notifications?unread=true", a);
  EXPECT_EQ(unread.json.at("total").as_int64(), 2);
  EXPECT_EQ(call("GET", "/api/v1/notifications?unread=maybe", a).fields, std::set<std::string>{"unread"});

  auto all = call("POST", "/api/v1/notifications/read-all", a);
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.json.at("marked").as_int64(), 2);
  EXPECT_EQ(all.json.at("unread").as_int64(), 0);
  EXPECT_EQ(call("GET", "/api/v1/notifications", b).json.at("unread").as_int64(), 1);  // b's untouched
  EXPECT_EQ(audit_count("notification"), audits_before);  // reading one's inbox is not audited
  EXPECT_EQ(call("GET", "/api/v1/notifications", "lxk_00000000_nobody-nobody-nobody").status, 401);
}

TEST_P(NotifyApi, PreferencesAreValidatedStoredAndAudited) {
  auto a = user("a", "department_handler");
  auto audits_before = audit_count("notification_preferences");
  auto prefs = call("GET", "/api/v1/notifications/preferences", a);
  ASSERT_EQ(prefs.status, 200);
  EXPECT_TRUE(prefs.json.at("has_mobile").as_bool());
  EXPECT_FALSE(prefs.json.at("has_email").as_bool());
  auto find = [](const bj::value& answer, const std::string& kind) -> bj::object {
    for (const auto& item : answer.at("items").as_array())
      if (item.at("kind").as_string() == kind) return item.as_object();
    return {};
  };
  auto breach = find(prefs.json, "claim_breach");
  EXPECT_TRUE(breach.at("default").as_bool());
  EXPECT_EQ(breach.at("channels"), bj::value(bj::array{"in_app", "sms"}));

  auto bad = call("PUT", "/api/v1/notifications/preferences", a,
                  R"({"items":[{"kind":"Claim","channels":["fax"]},{"kind":"claim_breach"},{"kind":"claim_chased","channels":[]}]})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.fields, (std::set<std::string>{"items[0].kind", "items[0].channels[0]", "items[1].channels", "items[2].channels"}));
  EXPECT_EQ(call("PUT", "/api/v1/notifications/preferences", a, R"({"items":5})").fields, std::set<std::string>{"items"});
  EXPECT_EQ(call("PUT", "/api/v1/notifications/preferences", a, "[]").status, 400);

  auto put = call("PUT", "/api/v1/notifications/preferences", a,
                  R"({"items":[{"kind":"claim_breach","channels":["sms","in_app","sms"]},{"kind":"custom_kind","channels":["email"]}]})");
  ASSERT_EQ(put.status, 200);
  EXPECT_FALSE(find(put.json, "claim_breach").at("default").as_bool());
  EXPECT_EQ(find(put.json, "custom_kind").at("channels"), bj::value(bj::array{"email"}));
  EXPECT_EQ(audit_count("notification_preferences"), audits_before + 1);

  auto reset = call("PUT", "/api/v1/notifications/preferences", a, R"({"items":[{"kind":"claim_breach","channels":null}]})");
  ASSERT_EQ(reset.status, 200);
  EXPECT_TRUE(find(reset.json, "claim_breach").at("default").as_bool());
  EXPECT_EQ(audit_count("notification_preferences"), audits_before + 2);
}

TEST_P(NotifyApi, OutboxIsForAdministratorsAndAuditorsWithinScope) {
  std::int64_t a_id = 0;
  auto a = user("a", "department_handler", "13800000001", "NT-ROOT", &a_id);
  auto admin = user("admin", "administrator");
  auto auditor = user("auditor", "auditor");
  auto city_admin = user("cityadmin", "administrator", "13800000003", "NT-CITY");  // a subtree below the root
  Millis t = notify::testing::shanghai("2026-03-02T10:00");
  notify(a_id, "claim_breach", "o1", t);

  auto audits_before = audit_count("notification");
  EXPECT_EQ(call("GET", "/api/v1/outbox", a).status, 403);
  auto list = call("GET", "/api/v1/outbox?channel=sms", auditor);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json.at("total").as_int64(), 1);
  const auto& sms = list.json.at("items").as_array()[0];
  EXPECT_EQ(sms.at("status").as_string(), "pending");
  EXPECT_EQ(sms.at("attempts").as_int64(), 0);
  EXPECT_EQ(sms.at("params").at("claim_no").as_string(), "o1");
  EXPECT_TRUE(sms.at("next_attempt_at").is_string());
  EXPECT_TRUE(sms.at("sent_at").is_null());
  EXPECT_EQ(call("GET", "/api/v1/outbox?status=sent&ref_entity=claim&ref_id=o1", admin).json.at("total").as_int64(), 1);
  EXPECT_EQ(call("GET", "/api/v1/outbox?status=lost&channel=fax", admin).fields, (std::set<std::string>{"status", "channel"}));
  // Rows of recipients outside the caller's subtree are invisible.
  EXPECT_EQ(call("GET", "/api/v1/outbox", city_admin).json.at("total").as_int64(), 0);

  std::string retry = "/api/v1/outbox/" + std::to_string(row_id("o1", "sms")) + "/retry";
  EXPECT_EQ(call("POST", retry, admin).status, 409);  // pending: nothing to retry
  db_->transaction([&](storage::Connection& conn) {
    conn.execute("UPDATE notifications SET status = 'dead', attempts = 8, last_error = 'HTTP 500' WHERE id = ?",
                 {row_id("o1", "sms")});
  });
  EXPECT_EQ(call("POST", retry, auditor).status, 403);
  EXPECT_EQ(call("POST", retry, city_admin).status, 404);
  auto retried = call("POST", retry, admin);
  ASSERT_EQ(retried.status, 200);
  EXPECT_EQ(retried.json.at("status").as_string(), "pending");
  EXPECT_EQ(retried.json.at("attempts").as_int64(), 8);
  EXPECT_EQ(audit_count("notification"), audits_before + 1);
  EXPECT_EQ(call("POST", "/api/v1/outbox/999999/retry", admin).status, 404);

  // A failed row that a worker holds right now is not released under it.
  db_->transaction([&](storage::Connection& conn) {
    conn.execute("UPDATE notifications SET status = 'failed', lease_until = ? WHERE id = ?",
                 {now_millis() + 600000, row_id("o1", "sms")});
  });
  EXPECT_EQ(call("POST", retry, admin).status, 409);
}

TEST_P(NotifyApi, QuietHoursAreReadByAllAndChangedByAdministrators) {
  auto a = user("a", "department_handler");
  auto admin = user("admin", "administrator");
  auto audits_before = audit_count("notification_quiet_hours");
  auto got = call("GET", "/api/v1/notifications/quiet-hours", a);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json, (bj::value{{"enabled", true}, {"start", "22:00"}, {"end", "08:00"}, {"time_zone", "Asia/Shanghai"}}));

  std::string body = R"({"enabled":true,"start":"21:30","end":"07:00"})";
  EXPECT_EQ(call("PUT", "/api/v1/notifications/quiet-hours", a, body).status, 403);
  EXPECT_EQ(call("PUT", "/api/v1/notifications/quiet-hours", admin, R"({"start":"25:00","end":"7"})").fields,
            (std::set<std::string>{"enabled", "start", "end"}));
  EXPECT_EQ(call("PUT", "/api/v1/notifications/quiet-hours", admin, R"({"enabled":true,"start":"08:00","end":"08:00"})").fields,
            std::set<std::string>{"end"});
  auto put = call("PUT", "/api/v1/notifications/quiet-hours", admin, body);
  ASSERT_EQ(put.status, 200);
  EXPECT_EQ(put.json.at("start").as_string(), "21:30");
  EXPECT_EQ(call("GET", "/api/v1/notifications/quiet-hours", a).json.at("end").as_string(), "07:00");
  EXPECT_EQ(audit_count("notification_quiet_hours"), audits_before + 1);
  db_->read([&](storage::Connection& conn) {
    auto q = load_quiet_hours(conn);
    EXPECT_EQ(q.start_minute, 21 * 60 + 30);
    EXPECT_EQ(q.end_minute, 7 * 60);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, NotifyApi, ::testing::ValuesIn(storage::test_backends("notify_api")),
                         [](const auto& info) { return storage::backend_label(info.param); });

}  // namespace
