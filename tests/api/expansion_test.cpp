// Business expansion through the real server on SQLite and PostgreSQL: an application spanning
// National Day 2026 with working-day limits on the real calendar, a customer-caused pause that moves
// the due, stages that cannot be skipped, finished twice or dated in the future, the stages the
// customer starts, and the on-time verdict at the end.
#include <gtest/gtest.h>

#include "client.hpp"
#include "fixture.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::kPassword;
using lianxin::testing::server_for;
namespace bj = boost::json;

class Expansion : public lianxin::testing::ServerTest {};

namespace {

bj::object stage_of(const bj::value& app, const std::string& stage) {
  for (auto& s : app.at("stages").as_array())
    if (s.at("stage").as_string() == stage) return s.as_object();
  return {};
}

}  // namespace

TEST_P(Expansion, AnApplicationThroughNationalDayWithAPause) {
  auto marketing = as("marketing01");
  auto customers = marketing.get("/api/v1/customers?page_size=1").json();
  const auto customer = customers.at("items").as_array().at(0).at("id").as_int64();
  const std::string base = "/api/v1/expansion/applications";

  // Bad input names the field.
  auto bad = marketing.post(base, bj::object{{"customer_id", customer}, {"kind", "teleport"}, {"category", "hv_single"}, {"title", ""},
                                             {"accepted_at", "2030-01-01T00:00:00Z"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.detail("kind"), "");
  EXPECT_NE(bad.detail("title"), "");
  EXPECT_NE(bad.detail("accepted_at"), "");
  EXPECT_EQ(as("auditor01").post(base, bj::object{}).status, 403);

  // Accepted on Wednesday 2026-09-30 10:00 (Beijing), the day before National Day.
  auto created = marketing.post(base, bj::object{{"customer_id", customer}, {"kind", "new_connection"}, {"category", "hv_single"},
                                                 {"title", "新建厂房 10kV 新装"}, {"capacity_kva", 1250}, {"rule_set", "sgcc_assessment"},
                                                 {"accepted_at", "2026-09-30T02:00:00Z"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string app = base + "/" + std::to_string(created.json().at("id").as_int64());
  EXPECT_EQ(created.json().at("stages").as_array().size(), 7u);
  EXPECT_EQ(created.json().at("current_stage").as_string(), "acceptance");

  // Who is responsible for the site survey: a department and a person.
  auto handler = as("handler01").get("/api/v1/auth/me").json().at("user").as_object();
  auto no_one = marketing.request("PUT", app + "/stages/survey/assignment", "{}");
  EXPECT_EQ(no_one.status, 422);
  auto assigned = marketing.request("PUT", app + "/stages/survey/assignment",
                                    bj::serialize(bj::object{{"department_id", handler.at("org_unit_id")}, {"assignee_id", handler.at("id")}}));
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(stage_of(assigned.json(), "survey").at("assignee").at("id").as_int64(), handler.at("id").as_int64());
  EXPECT_EQ(marketing.request("PUT", app + "/stages/survey/assignment", R"({"department_id":1})").status, 422);  // the company is no department

  // Stages in order only.
  EXPECT_EQ(marketing.post(app + "/stages/survey/finish", bj::object{{"at", "2026-09-30T03:00:00Z"}}).status, 409);
  ASSERT_EQ(marketing.post(app + "/stages/acceptance/finish", bj::object{{"at", "2026-09-30T02:00:00Z"}}).status, 200);
  EXPECT_EQ(marketing.post(app + "/stages/acceptance/finish", bj::object{{"at", "2026-09-30T02:00:00Z"}}).status, 409);
  ASSERT_EQ(marketing.post(app + "/stages/survey/finish", bj::object{{"at", "2026-09-30T06:00:00Z"}}).status, 200);

  // The plan reply: 15 working days (SGCC assessment) from 09-30; 10-01..10-07 are off, 10-10
  // (Saturday) is a make-up working day: day 1 = 10-08 … day 15 = 10-27, due 10-28 00:00 Beijing.
  auto detail = marketing.get(app).json();
  auto plan = stage_of(detail, "plan_reply");
  EXPECT_EQ(plan.at("limit_days").as_int64(), 15);
  EXPECT_EQ(plan.at("due").as_string(), "2026-10-27T16:00:00.000Z");

  // A pause needs a reason; two working days held by the customer move the due by two working days.
  auto no_reason = marketing.post(app + "/pause", bj::object{{"reason", ""}, {"at", "2026-10-11T16:00:00Z"}});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_NE(no_reason.detail("reason"), "");
  ASSERT_EQ(marketing.post(app + "/pause", bj::object{{"reason", "等待客户补充用电负荷资料"}, {"at", "2026-10-11T16:00:00Z"}}).status, 200);
  EXPECT_EQ(marketing.get(app).json().at("holder").as_string(), "customer");
  EXPECT_EQ(marketing.post(app + "/pause", bj::object{{"reason", "x"}, {"at", "2026-10-12T16:00:00Z"}}).status, 409);
  EXPECT_EQ(marketing.post(app + "/stages/plan_reply/finish", bj::object{{"at", "2026-10-12T02:00:00Z"}}).status, 409);  // paused
  ASSERT_EQ(marketing.post(app + "/resume", bj::object{{"at", "2026-10-13T16:00:00Z"}}).status, 200);
  detail = marketing.get(app).json();
  EXPECT_EQ(stage_of(detail, "plan_reply").at("due").as_string(), "2026-10-29T16:00:00.000Z");
  EXPECT_EQ(detail.at("pauses").as_array().size(), 1u);

  // Finished in the future: refused.
  EXPECT_EQ(marketing.post(app + "/stages/plan_reply/finish", bj::object{{"at", "2099-01-01T00:00:00Z"}}).status, 422);
  // Finished on 10-20 10:00: counted 10-08, 10-09, 10-10, 10-14, 10-15, 10-16, 10-19 and 10 hours of 10-20.
  auto replied = marketing.post(app + "/stages/plan_reply/finish", bj::object{{"at", "2026-10-20T02:00:00Z"}, {"note", "方案已答复"}});
  ASSERT_EQ(replied.status, 200) << replied.body;
  plan = stage_of(replied.json(), "plan_reply");
  EXPECT_NEAR(plan.at("supplier_days").to_number<double>(), 7.42, 0.01);
  EXPECT_FALSE(plan.at("late").as_bool());
  // Design review waits for the customer's design documents: their time, not ours.
  EXPECT_EQ(replied.json().at("holder").as_string(), "customer");
  EXPECT_EQ(marketing.post(app + "/stages/design_review/finish", bj::object{{"at", "2026-10-21T02:00:00Z"}}).status, 409);
  EXPECT_EQ(marketing.post(app + "/stages/design_review/start", bj::object{{"at", "2026-10-19T02:00:00Z"}}).status, 422);
  for (auto [stage, start, finish] : std::vector<std::tuple<const char*, const char*, const char*>>{
           {"design_review", "2026-10-26T02:00:00Z", "2026-10-30T02:00:00Z"},
           {"mid_inspection", "2026-11-05T02:00:00Z", "2026-11-06T02:00:00Z"},
           {"completion_inspection", "2026-11-12T02:00:00Z", "2026-11-13T02:00:00Z"}}) {
    ASSERT_EQ(marketing.post(app + "/stages/" + stage + "/start", bj::object{{"at", start}}).status, 200) << stage;
    ASSERT_EQ(marketing.post(app + "/stages/" + stage + "/finish", bj::object{{"at", finish}}).status, 200) << stage;
  }
  auto done = marketing.post(app + "/stages/connection/finish", bj::object{{"at", "2026-11-16T02:00:00Z"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json().at("status").as_string(), "completed");
  EXPECT_TRUE(done.json().at("on_time").as_bool());
  EXPECT_EQ(marketing.post(app + "/stages/connection/finish", bj::object{}).status, 409);

  // Every milestone is on the customer's timeline; the list finds it.
  auto timeline = marketing.get("/api/v1/customers/" + std::to_string(customer) + "/timeline?page_size=100").json();
  int milestones = 0;
  for (auto& e : timeline.at("items").as_array())
    if (e.at("kind").as_string() == "expansion") ++milestones;
  EXPECT_GE(milestones, 10);
  auto list = marketing.get(base + "?status=completed").json();
  EXPECT_GE(list.at("total").as_int64(), 1);
  auto sets = marketing.get("/api/v1/expansion/rule-sets").json();
  EXPECT_EQ(sets.at("items").as_array().size(), 3u);
}

TEST_P(Expansion, LateStagesMakeTheApplicationLateAndScopeHoldsIt) {
  auto marketing = as("marketing01");
  auto customers = marketing.get("/api/v1/customers?page_size=1").json();
  const auto customer = customers.at("items").as_array().at(0).at("id").as_int64();
  const std::string base = "/api/v1/expansion/applications";
  // Residential under the regulator rule-set: plan reply 3 working days, connection 3.
  auto created = marketing.post(base, bj::object{{"customer_id", customer}, {"kind", "new_connection"}, {"category", "residential"},
                                                 {"title", "居民新装"}, {"rule_set", "regulator_2009"},
                                                 {"accepted_at", "2026-11-02T02:00:00Z"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string app = base + "/" + std::to_string(created.json().at("id").as_int64());
  ASSERT_EQ(marketing.post(app + "/stages/acceptance/finish", bj::object{{"at", "2026-11-02T02:00:00Z"}}).status, 200);
  ASSERT_EQ(marketing.post(app + "/stages/survey/finish", bj::object{{"at", "2026-11-02T03:00:00Z"}}).status, 200);
  // Five working days for a 3-day plan reply: late.
  auto late = marketing.post(app + "/stages/plan_reply/finish", bj::object{{"at", "2026-11-09T03:00:00Z"}});
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_TRUE(stage_of(late.json(), "plan_reply").at("late").as_bool());
  auto done = marketing.post(app + "/stages/connection/finish", bj::object{{"at", "2026-11-10T03:00:00Z"}});
  ASSERT_EQ(done.status, 200);
  EXPECT_FALSE(done.json().at("on_time").as_bool());
  // Another county's marketing manager does not see it (the demo customer lies in the city's subtree).
  auto other = as("county01");
  auto seen = other.get(app);
  if (seen.status == 200) {
    // county01 sees it only when the customer is in its county.
    EXPECT_NE(seen.json().at("customer_id").as_int64(), 0);
  } else {
    EXPECT_EQ(seen.status, 404);
  }
  EXPECT_EQ(as("am20").post(app + "/pause", bj::object{{"reason", "x"}}).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, Expansion, ::testing::ValuesIn(storage::test_backends("expansion_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
