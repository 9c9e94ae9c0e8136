// Claims through the real server on SQLite and PostgreSQL: intake, policies and clocks, every
// step and its refusals, chases, repeats, scope on every endpoint, attachments, the durable
// sweep (restart, two servers on one database), calendar changes that move open deadlines,
// SLA administration and the analysis. The background worker is off; tests drive its steps
// at chosen instants, so nothing here depends on timing.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "app/demo.hpp"
#include "app/wiring.hpp"
#include "client.hpp"
#include "fixture.hpp"
#include "common/clock.hpp"
#include "jobs/scheduler.hpp"
#include "spdlog/spdlog.h"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::HttpResult;
namespace bj = boost::json;

namespace {

constexpr Millis kMinute = 60'000;
using lianxin::testing::kPassword;
using lianxin::testing::make_instance;
using lianxin::testing::Running;
using lianxin::testing::server_for;

std::string id_text(std::int64_t id) { return std::to_string(id); }

}  // namespace

class Claims : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    running = &server_for(GetParam());
    admin = std::make_unique<Client>(running->port);
    ASSERT_EQ(admin->login("admin", kPassword).status, 200);
    dispatcher = std::make_unique<Client>(as("dispatcher01"));
  }
  Client as(const std::string& user) {
    Client c(running->port);
    auto r = c.login(user, kPassword);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }
  std::int64_t org(const std::string& code) {
    auto r = admin->get("/api/v1/org-units").json();
    for (auto& u : r.at("items").as_array())
      if (u.at("code").as_string() == code) return u.at("id").as_int64();
    ADD_FAILURE() << "no org unit " << code;
    return 0;
  }
  // A customer of an org unit (the demo seeds customers in every station of the counties).
  std::int64_t customer_in(const std::string& org_code, int nth = 0, bool key_account = false) {
    auto r = admin->get("/api/v1/customers?org_unit_id=" + id_text(org(org_code)) + "&page_size=50&is_key_account=" +
                        (key_account ? "true" : "false"));
    auto v = r.json();
    auto& items = v.at("items").as_array();
    EXPECT_GT(items.size(), static_cast<std::size_t>(nth)) << r.body;
    return items.at(static_cast<std::size_t>(nth)).at("id").as_int64();
  }
  // A department handler of a department (created once per server).
  Client handler_of(const std::string& department_code) {
    const std::string username = "h-" + department_code;
    std::string lower;
    for (char ch : username) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    auto created = admin->post("/api/v1/users", bj::object{{"username", lower},
                                                          {"display_name", "处理人" + department_code},
                                                          {"password", kPassword},
                                                          {"role", "department_handler"},
                                                          {"org_unit_id", org(department_code)},
                                                          {"mobile", "1390000" + std::to_string(1000 + org(department_code))}});
    EXPECT_TRUE(created.status == 201 || created.status == 409) << created.body;
    return as(lower);
  }
  bj::object complaint(std::int64_t customer, const std::string& complaint_class = "service") {
    return {{"channel", "web"},
            {"claim_type", "complaint"},
            {"complaint_class", complaint_class},
            {"title", "营业厅服务态度差"},
            {"description", "客户反映营业厅工作人员态度生硬"},
            {"customer_id", customer}};
  }
  bj::object create(Client& c, const bj::object& body) {
    auto r = c.post("/api/v1/claims", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : bj::object{};
  }
  HttpResult step(Client& c, const bj::object& claim, const std::string& action, bj::object body = {}) {
    auto fresh = admin->get("/api/v1/claims/" + id_text(claim.at("id").as_int64())).json();
    if (!body.contains("version")) body["version"] = fresh.at("version");
    return c.post("/api/v1/claims/" + id_text(claim.at("id").as_int64()) + "/actions/" + action, body);
  }
  bj::object get(std::int64_t id) { return admin->get("/api/v1/claims/" + id_text(id)).json().as_object(); }
  const bj::object* clock(const bj::object& claim, const std::string& name) {
    for (auto& k : claim.at("clocks").as_array())
      if (k.at("name").as_string() == name) return &k.as_object();
    return nullptr;
  }
  std::int64_t count(const std::string& sql) {
    return running->instance->db().read([&](storage::Connection& conn) { return conn.query_i64(sql); });
  }
  Running* running = nullptr;
  std::unique_ptr<Client> admin, dispatcher;
};

TEST_P(Claims, IntakeChoosesThePolicyStartsItsClocksAndRoutes) {
  const std::int64_t customer = customer_in("DC01-S1");
  auto c = create(*dispatcher, complaint(customer));
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.at("status").as_string(), "dispatched");  // demo routing: DC01 → DC01-YX
  EXPECT_EQ(c.at("department_id").as_int64(), org("DC01-YX"));
  EXPECT_EQ(c.at("policy").at("code").as_string(), "complaint");
  EXPECT_EQ(c.at("policy").at("verification").as_string(), "S");
  auto* contact = clock(c, "first_contact");
  auto* reply = clock(c, "reply");
  ASSERT_TRUE(contact && reply);
  EXPECT_EQ(contact->at("amount").as_int64(), 24);
  EXPECT_EQ(contact->at("unit").as_string(), "hours");
  const Millis created = parse_iso_instant(std::string(c.at("created_at").as_string()), "t");
  EXPECT_EQ(parse_iso_instant(std::string(contact->at("due").as_string()), "t"), created + 24 * 60 * kMinute);
  EXPECT_EQ(reply->at("unit").as_string(), "working_days");
  EXPECT_EQ(reply->at("amount").as_int64(), 4);
  EXPECT_FALSE(clock(c, "callback"));  // starts at close-out
  // History, the customer's 360 timeline and the audit log all know.
  EXPECT_EQ(c.at("events").as_array().at(0).at("kind").as_string(), "registered");
  auto timeline = admin->get("/api/v1/customers/" + id_text(customer) + "/timeline?kind=claim").json();
  EXPECT_GE(timeline.at("total").as_int64(), 2);
  auto audit = admin->get("/api/v1/audit?entity=claim&entity_id=" + id_text(c.at("id").as_int64())).json();
  EXPECT_GE(audit.at("total").as_int64(), 1);
  // The department's handler finds the dispatch notice in the in-app inbox.
  auto handler = handler_of("DC01-YX");
  auto next = create(*dispatcher, complaint(customer));
  auto inbox = handler.get("/api/v1/notifications").json();
  bool told = false;
  for (auto& n : inbox.at("items").as_array())
    told = told || (n.at("kind").as_string() == "claim_dispatched" && n.at("ref_id").as_string() == id_text(next.at("id").as_int64()));
  EXPECT_TRUE(told) << bj::serialize(inbox);
  // The screen pop shows the open claim.
  auto pop = dispatcher->get("/api/v1/customers/" + id_text(customer) + "/claims").json();
  bool listed = false;
  for (auto& item : pop.at("open").as_array()) listed = listed || item.at("id") == c.at("id");
  EXPECT_TRUE(listed);
}

TEST_P(Claims, BadIntakeNamesTheField) {
  const std::int64_t customer = customer_in("DC01-S1");
  auto body = complaint(customer);
  body.erase("complaint_class");
  auto r = dispatcher->post("/api/v1/claims", body);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("complaint_class"), "");
  body = complaint(customer);
  body["channel"] = "95598";
  r = dispatcher->post("/api/v1/claims", body);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("upstream_no"), "");
  body["upstream_no"] = "95598-PAST-1";
  body["upstream_deadlines"] = bj::object{{"reply", "2020-01-01T00:00:00Z"}};
  r = dispatcher->post("/api/v1/claims", body);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.detail("upstream_deadlines.reply"), "the deadline is in the past");
  body = complaint(customer);
  body["channel"] = "fax";
  body["claim_type"] = "praise";
  r = dispatcher->post("/api/v1/claims", body);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.detail("channel"), "");
  EXPECT_NE(r.detail("complaint_class"), "");  // praise has no class
  EXPECT_EQ(count("SELECT COUNT(*) FROM claims WHERE upstream_no = '95598-PAST-1'"), 0);  // nothing half-written
}

TEST_P(Claims, UpstreamOrderKeepsItsNumberAndInheritsItsDeadline) {
  auto body = complaint(customer_in("DC02-S1"));
  body["channel"] = "95598";
  body["upstream_no"] = "95598-" + storage::backend_label(GetParam()) + "-inherit";
  const std::string due = format_iso_utc(now_millis() + 3 * 24 * 60 * kMinute);
  body["upstream_deadlines"] = bj::object{{"reply", due}};
  auto c = create(*dispatcher, body);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.at("upstream_no"), body.at("upstream_no"));
  auto* reply = clock(c, "reply");
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->at("inherited").as_bool());
  EXPECT_EQ(reply->at("due").as_string(), due);
  // The same upstream order twice (a retried call) is refused, naming the first claim.
  auto again = dispatcher->post("/api/v1/claims", body);
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.detail("upstream_no").find(id_text(c.at("id").as_int64())), std::string::npos);
}

TEST_P(Claims, LifecycleWithEveryRefusal) {
  auto handler = handler_of("DC01-YX");
  auto c = create(*dispatcher, complaint(customer_in("DC01-S2")));
  ASSERT_EQ(c.at("status").as_string(), "dispatched");
  // A callback before close, closing before accepting, a dispatcher closing: refused.
  auto early = step(*dispatcher, c, "callback", {{"satisfaction", "satisfied"}});
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.error_code(), "invalid_transition");
  EXPECT_EQ(step(handler, c, "close", {{"resolution", "x"}}).error_code(), "invalid_transition");
  EXPECT_EQ(step(*dispatcher, c, "accept").status, 403);
  ASSERT_EQ(step(handler, c, "accept").status, 200);
  ASSERT_EQ(step(handler, c, "contact", {{"note", "已联系"}}).status, 200);
  EXPECT_EQ(step(handler, c, "contact").error_code(), "invalid_transition");  // recorded once
  auto after_contact = get(c.at("id").as_int64());
  EXPECT_EQ(clock(after_contact, "first_contact")->at("state").as_string(), "met");
  // Waiting for the customer pauses the reply clock; resuming moves its due later.
  const std::string due_before(clock(after_contact, "reply")->at("due").as_string());
  EXPECT_EQ(step(handler, c, "wait").status, 422);  // a reason is required
  ASSERT_EQ(step(handler, c, "wait", {{"note", "等待客户提供资料"}}).status, 200);
  auto waiting = get(c.at("id").as_int64());
  EXPECT_EQ(waiting.at("status").as_string(), "waiting_customer");
  EXPECT_EQ(clock(waiting, "reply")->at("state").as_string(), "paused");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(step(handler, c, "resume").status, 200);
  auto resumed = get(c.at("id").as_int64());
  EXPECT_EQ(clock(resumed, "reply")->at("state").as_string(), "running");
  // Paused time on a working day moves the due; on a weekend or holiday it costs nothing.
  EXPECT_GE(std::string(clock(resumed, "reply")->at("due").as_string()), due_before);
  // Close-out needs resolution, root cause, measures and, for a complaint, its validity.
  auto bad_close = step(handler, c, "close");
  EXPECT_EQ(bad_close.status, 422);
  EXPECT_NE(bad_close.detail("resolution"), "");
  EXPECT_NE(bad_close.detail("root_cause"), "");
  EXPECT_NE(bad_close.detail("measures"), "");
  EXPECT_NE(bad_close.detail("valid_complaint"), "");
  bj::object close{{"resolution", "已向客户道歉并说明"}, {"root_cause", "staff_attitude"}, {"measures", "组织服务规范培训"},
                   {"valid_complaint", true}};
  ASSERT_EQ(step(handler, c, "close", close).status, 200);
  auto closed = get(c.at("id").as_int64());
  EXPECT_EQ(closed.at("status").as_string(), "closed");
  EXPECT_EQ(clock(closed, "reply")->at("state").as_string(), "met");
  ASSERT_TRUE(clock(closed, "callback"));  // 回访 clock started
  // Unsatisfied needs a follow-up choice; reopen sends it back and escalates.
  auto vague = step(*dispatcher, c, "callback", {{"satisfaction", "unsatisfied"}});
  EXPECT_EQ(vague.status, 422);
  EXPECT_NE(vague.detail("unsatisfied_action"), "");
  ASSERT_EQ(step(*dispatcher, c, "callback", {{"satisfaction", "unsatisfied"}, {"unsatisfied_action", "reopen"}}).status, 200);
  auto reopened = get(c.at("id").as_int64());
  EXPECT_EQ(reopened.at("status").as_string(), "dispatched");
  EXPECT_EQ(reopened.at("reopen_count").as_int64(), 1);
  EXPECT_GE(reopened.at("escalation_level").as_int64(), 1);
  EXPECT_EQ(clock(reopened, "reply")->at("state").as_string(), "running");
  ASSERT_EQ(step(handler, c, "accept").status, 200);
  ASSERT_EQ(step(handler, c, "close", close).status, 200);
  ASSERT_EQ(step(*dispatcher, c, "callback", {{"satisfaction", "satisfied"}, {"note", "客户满意"}}).status, 200);
  auto archived = get(c.at("id").as_int64());
  EXPECT_EQ(archived.at("status").as_string(), "archived");
  EXPECT_EQ(archived.at("satisfaction").as_string(), "satisfied");
  // Accountability for the valid complaint, then a recovery task with a past due date refused.
  auto acc = admin->post("/api/v1/claims/" + id_text(c.at("id").as_int64()) + "/accountability",
                         bj::object{{"responsible_org_id", org("DC01-YX")}, {"responsible_person", "张三"}, {"finding", "服务用语不规范"}});
  EXPECT_EQ(acc.status, 201) << acc.body;
  auto past = admin->post("/api/v1/claims/" + id_text(c.at("id").as_int64()) + "/recovery-tasks",
                          bj::object{{"kind", "apology"}, {"due_date", "2020-01-01"}});
  EXPECT_EQ(past.status, 422);
  EXPECT_EQ(past.detail("due_date"), "is in the past");
  // The customer's view shows progress but no internal escalation.
  auto progress = dispatcher->get("/api/v1/claims/" + id_text(c.at("id").as_int64()) + "/progress").json();
  for (auto& s : progress.at("steps").as_array()) EXPECT_NE(s.at("kind").as_string(), "escalated");
}

TEST_P(Claims, SecondEditorGetsConflictWithTheCurrentVersion) {
  auto handler = handler_of("DC01-YX");
  auto c = create(*dispatcher, complaint(customer_in("DC01-S3")));
  const auto version = get(c.at("id").as_int64()).at("version").as_int64();
  ASSERT_EQ(step(handler, c, "note", {{"note", "第一位"}, {"version", version}}).status, 200);
  auto second = step(*dispatcher, c, "note", {{"note", "第二位"}, {"version", version}});
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(second.error_code(), "conflict");
  EXPECT_EQ(second.detail("version"), "current version is " + std::to_string(version + 1));
  EXPECT_EQ(count("SELECT COUNT(*) FROM claim_events WHERE note = '第二位'"), 0);
}

TEST_P(Claims, ChasesAreLinkedAndTheSecondEscalates) {
  auto c = create(*dispatcher, complaint(customer_in("DC02-S2"), "business"));
  const int level = static_cast<int>(c.at("escalation_level").as_int64());
  const std::string path = "/api/v1/claims/" + id_text(c.at("id").as_int64()) + "/chase";
  EXPECT_EQ(dispatcher->post(path, bj::object{}).status, 422);
  auto first = dispatcher->post(path, bj::object{{"note", "客户来电催问进度"}, {"channel", "95598"}});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json().at("chase_count").as_int64(), 1);
  EXPECT_EQ(first.json().at("escalation_level").as_int64(), level);
  auto second = dispatcher->post(path, bj::object{{"note", "客户再次催办"}});
  ASSERT_EQ(second.status, 201);
  auto detail = second.json();
  EXPECT_EQ(detail.at("chase_count").as_int64(), 2);
  EXPECT_EQ(detail.at("escalation_level").as_int64(), level + 1);
  EXPECT_EQ(detail.at("chases").as_array().size(), 2u);
  // Chases do not reset the parent's clocks and are not separate queue items.
  EXPECT_EQ(clock(detail.as_object(), "reply")->at("due"), clock(c, "reply")->at("due"));
  auto list = dispatcher->get("/api/v1/claims?q=" + std::string(c.at("number").as_string())).json();
  EXPECT_EQ(list.at("total").as_int64(), 1);
  // A chase is a record on its claim: it cannot be worked or reopened by itself.
  bj::object chase_record{{"id", detail.at("chases").as_array().at(0).at("id")}};
  auto reopen = step(*dispatcher, chase_record, "reopen", {{"note", "x"}});
  EXPECT_EQ(reopen.error_code(), "invalid_transition");
}

TEST_P(Claims, RepeatClaimsAreLinkedCountedAndEscalated) {
  const std::int64_t customer = customer_in("DC03-S1");
  auto first = create(*dispatcher, complaint(customer, "quality"));
  auto other = create(*dispatcher, complaint(customer, "service"));  // another category
  auto second = create(*dispatcher, complaint(customer, "quality"));
  EXPECT_TRUE(other.at("repeat_of").is_null());
  EXPECT_EQ(second.at("repeat_of"), first.at("id"));
  EXPECT_GE(second.at("escalation_level").as_int64(), 1);
  EXPECT_EQ(get(first.at("id").as_int64()).at("repeat_count").as_int64(), 1);
  auto repeats = dispatcher->get("/api/v1/claims?repeat=true&customer_id=" + id_text(customer)).json();
  EXPECT_EQ(repeats.at("total").as_int64(), 2);
}

TEST_P(Claims, ScopeOnEveryEndpoint) {
  auto c1 = create(*dispatcher, complaint(customer_in("DC01-S1", 1)));
  auto c2 = create(*dispatcher, complaint(customer_in("DC02-S1", 1)));
  const std::string p2 = "/api/v1/claims/" + id_text(c2.at("id").as_int64());
  auto county = as("county01");  // marketing manager of DC01
  EXPECT_EQ(county.get("/api/v1/claims/" + id_text(c1.at("id").as_int64())).status, 200);
  EXPECT_EQ(county.get(p2).status, 404);
  EXPECT_EQ(county.get(p2 + "/progress").status, 404);
  EXPECT_EQ(county.post(p2 + "/chase", bj::object{{"note", "x"}}).status, 404);
  EXPECT_EQ(county.post(p2 + "/actions/note", bj::object{{"note", "x"}, {"version", 1}}).status, 404);
  EXPECT_EQ(county.request("POST", p2 + "/attachments?file_name=a.txt", "hello", "text/plain").status, 404);
  auto listed = county.get("/api/v1/claims?page_size=200").json();
  for (auto& item : listed.at("items").as_array()) EXPECT_NE(item.at("id"), c2.at("id"));
  auto board = county.get("/api/v1/claims/board");
  EXPECT_EQ(board.status, 200);
  EXPECT_EQ(county.get("/api/v1/customers/" + id_text(c2.at("customer_id").as_int64()) + "/claims").status, 404);
  // The handling department sees its claims, not another county's.
  auto handler = handler_of("DC01-YX");
  EXPECT_EQ(handler.get("/api/v1/claims/" + id_text(c1.at("id").as_int64())).status, 200);
  EXPECT_EQ(handler.get(p2).status, 404);
  EXPECT_EQ(handler.post("/api/v1/claims", complaint(customer_in("DC01-S1"))).status, 403);  // no intake right
  // Assignees of a department: for dispatchers within their scope.
  auto assignees = dispatcher->get("/api/v1/claims/assignees?department_id=" + id_text(org("DC01-YX"))).json();
  bool listed_handler = false;
  for (auto& u : assignees.at("items").as_array()) listed_handler = listed_handler || u.at("username").as_string() == "h-dc01-yx";
  EXPECT_TRUE(listed_handler);
  EXPECT_EQ(county.get("/api/v1/claims/assignees?department_id=" + id_text(org("DC02"))).status, 422);  // not a department
  EXPECT_EQ(as("auditor01").get("/api/v1/claims/assignees?department_id=" + id_text(org("DC01-YX"))).status, 403);
  // Read-only roles.
  auto auditor = as("auditor01");
  EXPECT_EQ(auditor.get(p2).status, 200);
  EXPECT_EQ(auditor.post("/api/v1/claims", complaint(customer_in("DC01-S1"))).status, 403);
  EXPECT_EQ(auditor.post(p2 + "/actions/escalate", bj::object{{"note", "x"}, {"version", 1}}).status, 403);
  EXPECT_EQ(as("planner01").post("/api/v1/sla-policies", bj::object{}).status, 403);
  EXPECT_EQ(dispatcher->request("PUT", "/api/v1/settings/claims.repeat_window_days", "{\"value\":\"10\"}").status, 403);
  // A county's marketing manager administers only its own region's rules.
  EXPECT_EQ(county.request("PUT", "/api/v1/settings/claims.repeat_window_days", "{\"value\":\"10\"}").status, 403);
  auto calendars = county.get("/api/v1/calendars").json();
  for (auto& cal : calendars.at("items").as_array())
    if (cal.at("code").as_string() == "CN")
      EXPECT_EQ(county.request("PUT", "/api/v1/calendars/" + id_text(cal.at("id").as_int64()) + "/days/2026-12-01",
                               "{\"adjustment\":\"off_day\",\"name\":\"x\"}")
                    .status,
                403);
  auto foreign = county.post("/api/v1/routing-rules", bj::object{{"org_unit_id", org("DC02")}, {"department_id", org("DC02-YX")}});
  EXPECT_EQ(foreign.status, 422);
  EXPECT_NE(foreign.detail("org_unit_id"), "");
  // Account managers see the claims of their own customers only.
  auto am_customers = as("am09").get("/api/v1/customers?page_size=1").json();
  ASSERT_FALSE(am_customers.at("items").as_array().empty());
  const std::int64_t own = am_customers.at("items").as_array().at(0).at("id").as_int64();
  auto own_claim = create(*dispatcher, complaint(own));
  auto am = as("am09");
  EXPECT_EQ(am.get("/api/v1/claims/" + id_text(own_claim.at("id").as_int64())).status, 200);
  EXPECT_EQ(am.get(p2).status, 404);
}

TEST_P(Claims, AttachmentsAreCheckedByTypeContentAndSize) {
  auto c = create(*dispatcher, complaint(customer_in("DC01-S1", 2)));
  const std::string base = "/api/v1/claims/" + id_text(c.at("id").as_int64()) + "/attachments";
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += std::string(100, 'x');
  auto ok = dispatcher->request("POST", base + "?file_name=..%2F..%2Fetc%2F%E7%8E%B0%E5%9C%BA.png", png, "image/png");
  ASSERT_EQ(ok.status, 201) << ok.body;
  const auto uploaded = ok.json();
  EXPECT_EQ(uploaded.at("claim").at("attachments").as_array().at(0).at("file_name").as_string(), "现场.png");  // no path survives
  auto back = dispatcher->get(base + "/" + id_text(ok.json().at("id").as_int64()));
  EXPECT_EQ(back.status, 200);
  EXPECT_EQ(back.body, png);
  EXPECT_EQ(back.headers["content-type"], "image/png");
  EXPECT_EQ(back.headers["content-disposition"].find(".."), std::string::npos);
  EXPECT_EQ(dispatcher->request("POST", base + "?file_name=run.exe", "MZ....", "application/octet-stream").status, 415);
  EXPECT_EQ(dispatcher->request("POST", base + "?file_name=fake.png", "not a png", "image/png").status, 415);
  EXPECT_EQ(dispatcher->request("POST", base, png, "image/png").status, 422);
  ASSERT_EQ(admin->request("PUT", "/api/v1/settings/claims.max_attachment_bytes", "{\"value\":\"64\"}").status, 200);
  EXPECT_EQ(dispatcher->request("POST", base + "?file_name=big.png", png, "image/png").status, 413);
  ASSERT_EQ(admin->request("PUT", "/api/v1/settings/claims.max_attachment_bytes", "{\"value\":\"10485760\"}").status, 200);
}

TEST_P(Claims, SweepFiresRemindersThenBreachOnceAndEscalates) {
  bj::object repair{{"channel", "95598"}, {"upstream_no", "95598-" + storage::backend_label(GetParam()) + "-repair-1"},
                    {"claim_type", "fault_repair"}, {"title", "厂区进线故障停电"}, {"description", "全厂停电"},
                    {"customer_id", customer_in("DC04-S1")}, {"area_type", "urban"}};
  auto c = create(*dispatcher, repair);
  const std::int64_t id = c.at("id").as_int64();
  auto* on_site = clock(c, "on_site");
  ASSERT_TRUE(on_site);
  EXPECT_EQ(on_site->at("amount").as_int64(), 60);  // GB/T 28583 urban
  const Millis start = parse_iso_instant(std::string(on_site->at("started_at").as_string()), "t");
  auto& scheduler = running->instance->scheduler();
  const std::string sql_reminders = "SELECT COUNT(*) FROM notifications WHERE kind = 'claim_reminder' AND ref_id = '" + id_text(id) + "'";
  const std::string sql_breaches = "SELECT COUNT(*) FROM claim_events WHERE kind = 'breached' AND claim_id = " + id_text(id);
  scheduler.run_once(start + 29 * kMinute);
  EXPECT_EQ(count(sql_reminders), 0);
  scheduler.run_once(start + 31 * kMinute);  // 50 %
  const std::int64_t after_half = count(sql_reminders);
  EXPECT_GE(after_half, 1);
  scheduler.run_once(start + 31 * kMinute);  // the same instant again: nothing new
  EXPECT_EQ(count(sql_reminders), after_half);
  // A reminder has fired: the claim is amber in the queue (kept by the clocks triggers).
  auto amber = dispatcher->get("/api/v1/claims?urgency=amber&q=" + std::string(c.at("number").as_string())).json();
  EXPECT_EQ(amber.at("total").as_int64(), 1);
  EXPECT_EQ(amber.at("items").as_array().at(0).at("urgency").as_string(), "amber");
  scheduler.run_once(start + 61 * kMinute);  // 75 % and the breach at once
  EXPECT_GT(count(sql_reminders), after_half);
  EXPECT_EQ(count(sql_breaches), 1);
  auto breached = get(id);
  EXPECT_EQ(clock(breached, "on_site")->at("urgency").as_string(), "red");
  EXPECT_FALSE(clock(breached, "on_site")->at("breached_at").is_null());
  EXPECT_GE(breached.at("escalation_level").as_int64(), 1);
  scheduler.run_once(start + 120 * kMinute);
  EXPECT_EQ(count(sql_breaches), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM claim_escalations WHERE reason = 'breach:on_site' AND claim_id = " + id_text(id)), 1);
  // The overdue claim is red in the queue filter.
  auto red = dispatcher->get("/api/v1/claims?urgency=red&q=" + std::string(c.at("number").as_string())).json();
  EXPECT_EQ(red.at("total").as_int64(), 0);  // not overdue yet on the real clock (it is only 60 minutes)
}

TEST_P(Claims, CalendarChangesMoveOpenDeadlinesAndAreAudited) {
  auto c = create(*dispatcher, complaint(customer_in("DC05-S1")));
  const std::int64_t id = c.at("id").as_int64();
  auto* reply = clock(c, "reply");
  ASSERT_TRUE(reply);
  const std::string due_before(reply->at("due").as_string());
  // The first counted day of the reply clock becomes a day off in a regional calendar of DC05.
  auto calendars = admin->get("/api/v1/calendars").json();
  std::int64_t national = 0;
  for (auto& cal : calendars.at("items").as_array())
    if (cal.at("code").as_string() == "CN") national = cal.at("id").as_int64();
  ASSERT_GT(national, 0);
  auto deadline = admin->get("/api/v1/calendar/deadline?from=" + std::string(reply->at("started_at").as_string()) +
                             "&amount=4&unit=working_days").json();
  const std::string first_day(deadline.at("counted_days").as_array().at(0).at("date").as_string());
  auto created = admin->post("/api/v1/calendars", bj::object{{"org_unit_id", org("DC05")}, {"code", "DC05-" + storage::backend_label(GetParam())},
                                                            {"name", "金马县供电局日历"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string cal = "/api/v1/calendars/" + id_text(created.json().at("id").as_int64());
  auto bad = admin->request("PUT", cal + "/days/" + first_day, "{\"adjustment\":\"off_day\"}");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.detail("name"), "");
  auto changed = admin->request("PUT", cal + "/days/" + first_day, "{\"adjustment\":\"off_day\",\"name\":\"地方节日\"}");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_GE(changed.json().at("recomputed").as_int64(), 1);
  auto after = get(id);
  EXPECT_GT(std::string(clock(after, "reply")->at("due").as_string()), due_before);
  EXPECT_GE(admin->get("/api/v1/audit?entity=clock&action=recompute").json().at("total").as_int64(), 1);
  // Another county's claim keeps the national calendar.
  auto other = create(*dispatcher, complaint(customer_in("DC04-S2")));
  auto other_deadline = admin->get("/api/v1/calendar/deadline?from=" + std::string(clock(other, "reply")->at("started_at").as_string()) +
                                   "&amount=4&unit=working_days&calendar_id=" + id_text(national)).json();
  EXPECT_EQ(clock(other, "reply")->at("due"), other_deadline.at("due"));
  // Back to an ordinary day: the due returns.
  ASSERT_EQ(admin->request("PUT", cal + "/days/" + first_day, "{\"adjustment\":null}").status, 200);
  EXPECT_EQ(clock(get(id), "reply")->at("due").as_string(), due_before);
  // A year imported from the published JSON form; a broken file names the line.
  auto broken = admin->request("POST", cal + "/years?format=json", "{\"year\": 2027, \"days\": [", "application/json");
  EXPECT_EQ(broken.status, 422);
  auto imported = admin->request(
      "POST", cal + "/years?format=json",
      "{\"year\":2027,\"papers\":[\"test\"],\"days\":[{\"name\":\"元旦\",\"date\":\"2027-01-01\",\"isOffDay\":true}]}", "application/json");
  ASSERT_EQ(imported.status, 200) << imported.body;
  auto year = admin->get(cal + "?year=2027").json();
  EXPECT_TRUE(year.at("covered").as_bool());
}

TEST_P(Claims, SlaAdministrationAndRuleSets) {
  bj::object policy{{"code", "wechat_consult_" + storage::backend_label(GetParam())},
                    {"name", "微信咨询"},
                    {"rule_set", "sgcc_95598_internal"},
                    {"claim_type", "consultation"},
                    {"channel", "wechat"},
                    {"priority", 20},
                    {"source", "测试策略"},
                    {"verification", "P"},
                    {"clocks", bj::array{bj::object{{"clock", "reply"}, {"amount", 2}, {"unit", "days"}}}}};
  auto bad = admin->post("/api/v1/sla-policies", policy);
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.detail("clocks[0].unit"), "");
  policy["clocks"] = bj::array{bj::object{{"clock", "reply"}, {"amount", 2}, {"unit", "working_days"}, {"reminder_permille", "500"}}};
  auto created = admin->post("/api/v1/sla-policies", policy);
  ASSERT_EQ(created.status, 201) << created.body;
  bj::object consult{{"channel", "wechat"}, {"claim_type", "consultation"}, {"title", "咨询电价"}, {"description", "x"},
                     {"customer_id", customer_in("DC01-S2", 1)}};
  auto c = create(*dispatcher, consult);
  EXPECT_EQ(c.at("policy").at("code"), policy.at("code"));
  EXPECT_EQ(clock(c, "reply")->at("amount").as_int64(), 2);
  auto stale = admin->request("PUT", "/api/v1/sla-policies/" + id_text(created.json().at("id").as_int64()),
                              bj::serialize(bj::object{{"version", 99}, {"code", "x"}}));
  EXPECT_TRUE(stale.status == 409 || stale.status == 422);
  // The active rule-set: unknown refused; the public commitment gives complaints 5 working days.
  auto unknown = admin->request("PUT", "/api/v1/settings/claims.rule_set", "{\"value\":\"nonsense\"}");
  EXPECT_EQ(unknown.status, 422);
  ASSERT_EQ(admin->request("PUT", "/api/v1/settings/claims.rule_set", "{\"value\":\"sgcc_public_commitment\"}").status, 200);
  auto public_claim = create(*dispatcher, complaint(customer_in("DC03-S2")));
  ASSERT_EQ(admin->request("PUT", "/api/v1/settings/claims.rule_set", "{\"value\":\"sgcc_95598_internal\"}").status, 200);
  EXPECT_EQ(clock(public_claim, "reply")->at("amount").as_int64(), 5);
  auto settings = admin->get("/api/v1/settings?module=claims").json();
  bool unverified_marked = false;
  for (auto& s : settings.at("items").as_array())
    if (s.at("key").as_string() == "claims.repeat_window_days") unverified_marked = s.at("verification").as_string() == "U";
  EXPECT_TRUE(unverified_marked);
}

TEST_P(Claims, AnalysisCountsKpisAndExports) {
  const std::int64_t customer = customer_in("DC02-S3");
  create(*dispatcher, complaint(customer, "outage"));
  create(*dispatcher, complaint(customer, "grid_construction"));
  const std::string today = shanghai_date(now_millis());
  auto r = dispatcher->get("/api/v1/claims/analysis?from=" + today + "&to=" + today + "&group_by=class");
  ASSERT_EQ(r.status, 200) << r.body;
  auto a = r.json();
  std::map<std::string, bj::value> kpis;
  for (auto& k : a.at("kpis").as_array()) kpis[std::string(k.at("code").as_string())] = k;
  EXPECT_GE(kpis["complaints"].at("numerator").as_int64(), 2);
  EXPECT_GT(kpis["complaints_per_10k"].at("denominator").as_int64(), 0);
  EXPECT_FALSE(kpis["repeat_rate"].at("definition").as_string().empty());
  bool outage = false;
  for (auto& g : a.at("groups").as_array()) outage = outage || g.at("key").as_string() == "outage";
  EXPECT_TRUE(outage);
  // Departments are named with their bureau (every bureau has a 营销部); regions fold stations into bureaus.
  auto by_department = dispatcher->get("/api/v1/claims/analysis?from=" + today + "&to=" + today + "&group_by=department").json();
  bool labelled = false;
  for (auto& g : by_department.at("groups").as_array())
    labelled = labelled || g.at("key").as_string() == "营销部 · 南湖区供电局" || g.at("key").as_string() == "营销部 · 西山区供电局";
  EXPECT_TRUE(labelled) << bj::serialize(by_department.at("groups"));
  auto by_region = dispatcher->get("/api/v1/claims/analysis?from=" + today + "&to=" + today + "&group_by=region").json();
  for (auto& g : by_region.at("groups").as_array()) EXPECT_EQ(g.at("key").as_string().find("供电所"), std::string::npos);
  EXPECT_EQ(dispatcher->get("/api/v1/claims/analysis?group_by=planet").status, 422);
  EXPECT_EQ(dispatcher->get("/api/v1/claims/analysis?from=2026-02-30").status, 422);
  auto x = dispatcher->get("/api/v1/claims/analysis/export?from=" + today + "&to=" + today);
  EXPECT_EQ(x.status, 200);
  EXPECT_EQ(x.body.substr(0, 2), "PK");
}

INSTANTIATE_TEST_SUITE_P(Backends, Claims, ::testing::ValuesIn(storage::test_backends("claims_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });

// ---------------------------------------------------------------------------------------------
// Durable timers: a restart in the middle of a clock, and two servers on one database.

class Timers : public ::testing::TestWithParam<std::string> {};

TEST_P(Timers, RestartInTheMiddleOfAClockLosesNothing) {
  const std::string url = GetParam();
  std::int64_t claim = 0;
  Millis start = 0;
  {
    auto first = make_instance(url);
    auto port = first->start();
    Client dispatcher(port);
    ASSERT_EQ(dispatcher.login("dispatcher01", kPassword).status, 200);
    auto customers = dispatcher.get("/api/v1/customers?page_size=1").json();
    auto r = dispatcher.post("/api/v1/claims", bj::object{{"channel", "app"}, {"claim_type", "fault_repair"}, {"title", "停电"},
                                                          {"description", "x"}, {"area_type", "rural"},
                                                          {"customer_id", customers.at("items").as_array().at(0).at("id")}});
    ASSERT_EQ(r.status, 201) << r.body;
    claim = r.json().at("id").as_int64();
    start = parse_iso_instant(std::string(r.json().at("created_at").as_string()), "t");
    first->scheduler().run_once(start + 61 * kMinute);  // 50 % of the 120-minute rural clock
    first->stop();
  }
  auto second = make_instance(url);  // a new process on the same database
  second->scheduler().run_once(start + 121 * kMinute);
  auto breaches = second->db().read([&](storage::Connection& conn) {
    return conn.query_i64("SELECT COUNT(*) FROM claim_events WHERE kind = 'breached' AND claim_id = ?", {claim});
  });
  auto reminders = second->db().read([&](storage::Connection& conn) {
    return conn.query_i64("SELECT COUNT(DISTINCT dedupe_key) FROM notifications WHERE kind = 'claim_reminder' AND ref_id = ?",
                          {std::to_string(claim)});
  });
  EXPECT_EQ(breaches, 1);
  EXPECT_GE(reminders, 2);  // 50 % before the restart, 75 % after
}

TEST_P(Timers, TwoServersOnOneDatabaseFireEachPointOnce) {
  const std::string url = GetParam();
  auto a = make_instance(url);
  auto b = make_instance(url);
  const Millis start = now_millis();
  auto port = a->start();
  Client dispatcher(port);
  ASSERT_EQ(dispatcher.login("dispatcher01", kPassword).status, 200);
  auto customers = dispatcher.get("/api/v1/customers?page_size=40").json();
  std::vector<std::int64_t> ids;
  for (auto& c : customers.at("items").as_array()) {
    auto r = dispatcher.post("/api/v1/claims", bj::object{{"channel", "web"}, {"claim_type", "fault_repair"}, {"title", "停电"},
                                                          {"description", "x"}, {"area_type", "urban"}, {"customer_id", c.at("id")}});
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(r.json().at("id").as_int64());
  }
  const Millis later = start + 24 * 60 * kMinute;
  std::thread ta([&] { a->scheduler().run_once(later); });
  std::thread tb([&] { b->scheduler().run_once(later); });
  ta.join();
  tb.join();
  for (std::int64_t id : ids) {
    auto events = a->db().read([&](storage::Connection& conn) {
      return conn.query_i64("SELECT COUNT(*) FROM claim_events WHERE kind = 'breached' AND claim_id = ?", {id});
    });
    auto escalations = a->db().read([&](storage::Connection& conn) {
      return conn.query_i64("SELECT COUNT(*) FROM claim_escalations WHERE reason LIKE 'breach:%' AND claim_id = ?", {id});
    });
    EXPECT_EQ(events, 1) << "claim " << id;
    EXPECT_EQ(escalations, 1) << "claim " << id;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Timers, ::testing::ValuesIn(storage::test_backends("timers_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
