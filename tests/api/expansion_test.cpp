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

namespace {

// The row numbers an import error names for a column.
std::vector<std::int64_t> rows_naming(const lianxin::testing::HttpResult& r, const std::string& field) {
  std::vector<std::int64_t> rows;
  const auto body = r.json();
  for (auto& d : body.at("error").at("details").as_array())
    if (d.at("field").as_string() == field) rows.push_back(d.at("row").as_int64());
  return rows;
}

}  // namespace

// Historical applications from the marketing system's export (2025, on the shipped 2025 holiday
// calendar), every row validated and the file all or nothing; then the bottleneck analysis over
// exactly those, its XLSX, and the customer's progress notice (JSON, PDF, SMS).
TEST_P(Expansion, ImportAnalysisAndTheCustomersProgressNotice) {
  auto marketing = as("marketing01");
  const auto customer = marketing.get("/api/v1/customers?page_size=1").json().at("items").as_array().at(0).at("id").as_int64();
  const std::string customer_path = "/api/v1/customers/" + std::to_string(customer);
  const std::string account_no(marketing.get(customer_path).json().at("accounts").as_array().at(0).at("account_no").as_string());

  const std::string header =
      "申请编号*,户号*,业务类型*,供电类别*,项目名称*,申请容量,受理时间*,受理完成,现场勘查完成,供电方案答复,设计文件提交,设计审查完成,"
      "中间检查申请,中间检查完成,竣工报验,竣工检验完成,装表接电完成,客户原因暂停\n";
  // A high-voltage new connection through every stage with a two-day customer pause in the plan
  // reply, and a low-voltage one still open at the plan reply.
  const std::string good =
      "T-IMP-1," + account_no + ",新装,高压单电源,历史导入 10kV 新装,800,2025-03-03 09:00,2025-03-03 10:00,2025-03-04 10:00,"
      "2025-03-10 10:00,2025-03-20 09:00,2025-03-24 09:00,2025-04-01 09:00,2025-04-02 09:00,2025-04-10 09:00,2025-04-11 09:00,"
      "2025-04-15 09:00,2025-03-05 09:00~2025-03-07 09:00 等待客户补充资料\n"
      "T-IMP-2," + account_no + ",增容,低压非居民,历史导入 低压增容,100,2025-03-05 09:00,2025-03-05 10:00,2025-03-06 10:00,,,,,,,,,\n";
  const std::string bad =
      "T-IMP-3,0000000000,新装,高压单电源,户号不存在,,2025-03-03 09:00,,,,,,,,,,,\n"
      "T-IMP-4," + account_no + ",新装,高压单电源,跳过勘查,,2025-03-03 09:00,2025-03-03 10:00,,2025-03-10 10:00,,,,,,,,\n"
      "T-IMP-5," + account_no + ",新装,居民,暂停没有原因,,2025-03-03 09:00,2025-03-03 10:00,,,,,,,,,,2025-03-03 11:00~2025-03-03 12:00\n"
      "T-IMP-1," + account_no + ",改类,外星,,,昨天,,,,,,,,,,,\n";
  auto upload = [&](const std::string& body) {
    return marketing.request("POST", "/api/v1/expansion/imports?file_name=history.csv", body, "text/csv");
  };
  auto refused = upload(header + good + bad);
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(rows_naming(refused, "account_no"), std::vector<std::int64_t>{4});
  EXPECT_EQ(rows_naming(refused, "plan_reply_done"), std::vector<std::int64_t>{5});  // the survey was skipped
  EXPECT_EQ(rows_naming(refused, "pauses"), std::vector<std::int64_t>{6});
  for (const char* field : {"number", "category", "title", "accepted_at"}) EXPECT_EQ(rows_naming(refused, field), std::vector<std::int64_t>{7}) << field;
  EXPECT_EQ(marketing.get("/api/v1/expansion/analysis?from=2025-03-01&to=2025-03-31").json().at("totals").at("applications").as_int64(), 0);
  EXPECT_EQ(upload("编号,户号\n1,2\n").status, 422);  // unknown and missing columns
  EXPECT_EQ(as("auditor01").request("POST", "/api/v1/expansion/imports", header + good, "text/csv").status, 403);

  auto imported = upload(header + good);
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(imported.json().at("inserted").as_int64(), 2);
  EXPECT_EQ(imported.json().at("completed").as_int64(), 1);
  auto again = upload(header + good);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("inserted").as_int64(), 0);
  EXPECT_EQ(again.json().at("unchanged").as_int64(), 2);
  auto tpl = marketing.get("/api/v1/expansion/imports/template?format=csv");
  EXPECT_EQ(tpl.status, 200);
  EXPECT_NE(tpl.body.find("装表接电完成"), std::string::npos);

  // The analysis of March 2025: the two imported applications only.
  auto a = marketing.get("/api/v1/expansion/analysis?from=2025-03-01&to=2025-03-31");
  ASSERT_EQ(a.status, 200) << a.body;
  const auto result = a.json();
  auto totals = result.at("totals");
  EXPECT_EQ(totals.at("applications").as_int64(), 2);
  EXPECT_EQ(totals.at("completed").as_int64(), 1);
  EXPECT_EQ(totals.at("open").as_int64(), 1);
  EXPECT_EQ(totals.at("on_time").as_int64(), 1);
  EXPECT_DOUBLE_EQ(totals.at("on_time_rate").to_number<double>(), 1.0);
  for (auto& s : result.at("stages").as_array()) {
    const std::string stage(s.at("stage").as_string());
    // The working-day convention: a stage's own start date never counts. Plan reply 03-04 10:00 →
    // 03-10 10:00 less the pause 03-05 09:00 → 03-07 09:00, weekend off: 9 + 15 + 10 hours = 1.42
    // working days. Survey 03-03 10:00 → 03-04 10:00 (and 03-05 → 03-06): 10 hours = 0.42.
    if (stage == "plan_reply") {
      EXPECT_EQ(s.at("done").as_int64(), 1);
      EXPECT_DOUBLE_EQ(s.at("avg_days").to_number<double>(), 1.42);
      EXPECT_EQ(s.at("open").as_int64(), 1);  // the low-voltage one waits here
      EXPECT_DOUBLE_EQ(s.at("on_time_rate").to_number<double>(), 1.0);
    }
    if (stage == "survey") {
      EXPECT_EQ(s.at("done").as_int64(), 2);
      EXPECT_DOUBLE_EQ(s.at("p90_days").to_number<double>(), 0.42);
    }
  }
  ASSERT_EQ(result.at("oldest_open").as_array().size(), 1u);
  EXPECT_EQ(result.at("oldest_open").at(0).at("number").as_string(), "T-IMP-2");
  EXPECT_EQ(result.at("bureaus").as_array().size(), 1u);
  EXPECT_EQ(marketing.get("/api/v1/expansion/analysis?from=2025-03-31&to=2025-03-01").status, 422);
  EXPECT_EQ(marketing.get("/api/v1/expansion/analysis?kind=teleport").status, 422);
  auto xlsx = marketing.get("/api/v1/expansion/analysis/export?from=2025-03-01&to=2025-03-31");
  EXPECT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");

  // The customer's progress: the completed one, and the open one with what happens next.
  auto list = marketing.get("/api/v1/expansion/applications?customer_id=" + std::to_string(customer) + "&status=open&page_size=100").json();
  std::int64_t open_id = 0;
  for (auto& i : list.at("items").as_array())
    if (i.at("number").as_string() == "T-IMP-2") open_id = i.at("id").as_int64();
  ASSERT_NE(open_id, 0);
  const std::string app = "/api/v1/expansion/applications/" + std::to_string(open_id);
  auto progress = marketing.get(app + "/progress");
  ASSERT_EQ(progress.status, 200) << progress.body;
  const std::string next(progress.json().at("next_step").as_string());
  EXPECT_NE(next.find("供电方案答复"), std::string::npos) << next;
  EXPECT_NE(std::string(progress.json().at("sms_text").as_string()).find("T-IMP-2"), std::string::npos);
  auto pdf = marketing.get(app + "/progress.pdf");
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
  EXPECT_EQ(pdf.headers["content-type"], "application/pdf");

  auto sms = marketing.post(app + "/progress/sms", bj::object{});
  ASSERT_EQ(sms.status, 200) << sms.body;
  EXPECT_GE(sms.json().at("queued").as_int64(), 1);
  EXPECT_EQ(marketing.post(app + "/progress/sms", bj::object{}).json().at("queued").as_int64(), 0);  // nothing changed since
  EXPECT_EQ(as("auditor01").post(app + "/progress/sms", bj::object{}).status, 403);
  // Without a contact who takes expansion notices: refused, saying why.
  const auto view = marketing.get(customer_path).json();
  for (auto& contact : view.at("contacts").as_array())
    ASSERT_EQ(marketing.patch("/api/v1/contacts/" + std::to_string(contact.at("id").as_int64()),
                              bj::object{{"notice_types", bj::array{"outage"}}})
                  .status,
              200);
  EXPECT_EQ(marketing.post(app + "/progress/sms", bj::object{}).status, 409);
}

INSTANTIATE_TEST_SUITE_P(Backends, Expansion, ::testing::ValuesIn(storage::test_backends("expansion_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
