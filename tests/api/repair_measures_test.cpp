// Fault repair against rules_cn §1.1 第三条 through the real server on SQLite and PostgreSQL: the
// restore step (复电) and its refusals, and the report of average arrival and restoration times per
// area type with the per-order alarms, its scope, settings and XLSX export. The on-site and
// restoration times of the orders are chosen by the test: intake times through the API
// (received_at), arrival times written to the database (the arrive step records "now"), restoration
// times through the restore step's `at`. Nothing depends on timing.
#include <gtest/gtest.h>

#include <memory>

#include "client.hpp"
#include "common/clock.hpp"
#include "fixture.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::HttpResult;
namespace bj = boost::json;

namespace {

constexpr Millis kMinute = 60'000;
constexpr Millis kHour = 60 * kMinute;
using lianxin::testing::kPassword;
using lianxin::testing::Running;
using lianxin::testing::server_for;

std::string id_text(std::int64_t id) { return std::to_string(id); }

}  // namespace

class RepairMeasures : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    running = &server_for(GetParam());
    admin = std::make_unique<Client>(as("admin"));
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
  std::int64_t customer_in(const std::string& org_code, int nth = 0) {
    auto r = admin->get("/api/v1/customers?org_unit_id=" + id_text(org(org_code)) + "&page_size=50");
    auto v = r.json();
    auto& items = v.at("items").as_array();
    EXPECT_GT(items.size(), static_cast<std::size_t>(nth)) << r.body;
    return items.at(static_cast<std::size_t>(nth)).at("id").as_int64();
  }
  // A fault repair registered by the dispatcher for the nth customer of an org unit, received at the
  // given instant (the intake the clocks and the arrival time count from).
  bj::object repair(const std::string& org_code, int nth, const std::string& area, Millis received_at) {
    bj::object body{{"channel", "app"},      {"claim_type", "fault_repair"}, {"title", "故障停电"},
                    {"description", "抢修"}, {"area_type", area},            {"customer_id", customer_in(org_code, nth)},
                    {"received_at", format_iso_utc(received_at)}};
    auto r = dispatcher->post("/api/v1/claims", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : bj::object{};
  }
  HttpResult step(Client& c, const bj::object& claim, const std::string& action, bj::object body = {}) {
    auto fresh = get(claim.at("id").as_int64());
    if (!body.contains("version")) body["version"] = fresh.at("version");
    return c.post("/api/v1/claims/" + id_text(claim.at("id").as_int64()) + "/actions/" + action, body);
  }
  bj::object get(std::int64_t id) { return admin->get("/api/v1/claims/" + id_text(id)).json().as_object(); }
  static bool allows(const bj::object& claim, const std::string& action) {
    for (auto& a : claim.at("allowed_actions").as_array())
      if (a.as_string() == action) return true;
    return false;
  }
  // Arrival through the step, then moved to the chosen instant (the step records the moment it is taken).
  void arrive_at(const bj::object& claim, Millis at) {
    ASSERT_EQ(step(*dispatcher, claim, "arrive").status, 200);
    running->instance->db().transaction([&](storage::Connection& conn) {
      conn.execute("UPDATE claims SET arrived_at = ? WHERE id = ?", {at, claim.at("id").as_int64()});
    });
  }
  void restore_at(const bj::object& claim, Millis at) {
    auto r = step(*dispatcher, claim, "restore", {{"at", format_iso_utc(at)}, {"note", "已恢复供电"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // The report over a period that certainly holds today (Asia/Shanghai), optionally for one region.
  HttpResult report(Client& c, const std::string& org_code = "", const std::string& path = "/api/v1/claims/repair-measures") {
    const Millis now = now_millis();
    std::string target = path + "?from=" + shanghai_date(now - 24 * kHour) + "&to=" + shanghai_date(now + 24 * kHour);
    if (!org_code.empty()) target += "&org_unit_id=" + id_text(org(org_code));
    return c.get(target);
  }
  static const bj::object& row(const bj::value& result, const std::string& area) {
    for (auto& r : result.at("rows").as_array())
      if (r.at("area_type").as_string() == area) return r.as_object();
    static const bj::object none;
    ADD_FAILURE() << "no row for " << area;
    return none;
  }
  static const bj::object* alarm(const bj::value& result, std::int64_t claim_id) {
    for (auto& a : result.at("alarms").as_array())
      if (a.at("claim_id").as_int64() == claim_id) return &a.as_object();
    return nullptr;
  }
  Running* running = nullptr;
  std::unique_ptr<Client> admin, dispatcher;
};

TEST_P(RepairMeasures, RestoreOnlyForARepairAfterArrivalOnce) {
  const Millis now = now_millis();
  auto c = repair("DC01-S1", 0, "urban", now - 20 * kMinute);
  ASSERT_FALSE(c.empty());
  const std::int64_t id = c.at("id").as_int64();
  EXPECT_TRUE(c.at("restored_at").is_null());
  EXPECT_FALSE(allows(c, "restore"));  // not before the arrival
  auto early = step(*dispatcher, c, "restore");
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.error_code(), "invalid_transition");
  ASSERT_EQ(step(*dispatcher, c, "arrive", {{"note", "抢修人员已到达"}}).status, 200);
  auto arrived = get(id);
  EXPECT_TRUE(allows(arrived, "restore"));
  const Millis arrived_at = parse_iso_instant(std::string(arrived.at("arrived_at").as_string()), "t");
  // The time: not before the arrival, not in the future, an instant; the error names the field.
  auto before = step(*dispatcher, c, "restore", {{"at", format_iso_utc(arrived_at - kMinute)}});
  EXPECT_EQ(before.status, 422);
  EXPECT_NE(before.detail("at"), "") << before.body;
  auto future = step(*dispatcher, c, "restore", {{"at", format_iso_utc(now_millis() + kHour)}});
  EXPECT_EQ(future.status, 422);
  EXPECT_NE(future.detail("at"), "");
  auto garbled = step(*dispatcher, c, "restore", {{"at", "yesterday"}});
  EXPECT_EQ(garbled.status, 422);
  EXPECT_NE(garbled.detail("at"), "");
  EXPECT_TRUE(get(id).at("restored_at").is_null());  // nothing half-written
  // Without a time: now.
  auto done = step(*dispatcher, c, "restore", {{"note", "线路抢修完毕，已恢复供电"}});
  ASSERT_EQ(done.status, 200) << done.body;
  auto restored = done.json().as_object();
  ASSERT_TRUE(restored.at("restored_at").is_string());
  EXPECT_GE(parse_iso_instant(std::string(restored.at("restored_at").as_string()), "t"), arrived_at);
  EXPECT_EQ(restored.at("status"), arrived.at("status"));  // the status is unchanged
  EXPECT_FALSE(allows(restored, "restore"));
  bool in_history = false;
  for (auto& e : restored.at("events").as_array())
    in_history = in_history || (e.at("kind").as_string() == "restored" && e.at("note").as_string() == "线路抢修完毕，已恢复供电");
  EXPECT_TRUE(in_history);
  auto timeline = admin->get("/api/v1/customers/" + id_text(c.at("customer_id").as_int64()) + "/timeline?kind=claim").json();
  bool on_timeline = false;
  for (auto& e : timeline.at("items").as_array())
    on_timeline = on_timeline || e.at("title").as_string().find("恢复供电") != std::string::npos;
  EXPECT_TRUE(on_timeline) << bj::serialize(timeline);
  auto audit = admin->get("/api/v1/audit?entity=claim&action=restore&entity_id=" + id_text(id)).json();
  EXPECT_EQ(audit.at("total").as_int64(), 1);
  // The customer's view shows it.
  bool in_progress = false;
  auto progress = dispatcher->get("/api/v1/claims/" + id_text(id) + "/progress").json();
  for (auto& s : progress.at("steps").as_array())
    in_progress = in_progress || s.at("kind").as_string() == "restored";
  EXPECT_TRUE(in_progress);
  // Once.
  auto twice = step(*dispatcher, c, "restore");
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.error_code(), "invalid_transition");
  // Only fault repairs: a complaint on which someone was on site has no restoration.
  auto complaint = dispatcher->post("/api/v1/claims", bj::object{{"channel", "web"},
                                                                 {"claim_type", "complaint"},
                                                                 {"complaint_class", "outage"},
                                                                 {"title", "停电时间过长"},
                                                                 {"description", "x"},
                                                                 {"customer_id", customer_in("DC01-S1", 1)}});
  ASSERT_EQ(complaint.status, 201) << complaint.body;
  auto other = complaint.json().as_object();
  ASSERT_EQ(step(*dispatcher, other, "arrive").status, 200);
  EXPECT_FALSE(allows(get(other.at("id").as_int64()), "restore"));
  auto not_repair = step(*dispatcher, other, "restore");
  EXPECT_EQ(not_repair.status, 409);
  EXPECT_EQ(not_repair.error_code(), "invalid_transition");
}

TEST_P(RepairMeasures, AveragesPerAreaTypeAgainstTheCommitmentAndAlarms) {
  const Millis base = now_millis() / 1000 * 1000;
  // Urban (45 min / 3 h): arrivals 20, 40 and 80 minutes — an average of 46.7, over 45 although two
  // of the three were on time; restorations 2 h and 3.5 h — an average of 2.75 h, met although the
  // second order on its own took too long.
  auto u1 = repair("DC05-S1", 0, "urban", base - 200 * kMinute);
  auto u2 = repair("DC05-S1", 1, "urban", base - 5 * kHour);
  auto u3 = repair("DC05-S2", 0, "urban", base - 6 * kHour);     // on site after 80 min, still not restored
  auto u4 = repair("DC05-S2", 1, "urban", base - 10 * kMinute);  // nobody on site yet, within 45 min
  auto r1 = repair("DC05-S3", 0, "rural", base - 3 * kHour);     // rural (90 min / 4 h): on site after 100 min
  ASSERT_FALSE(u1.empty() || u2.empty() || u3.empty() || u4.empty() || r1.empty());
  arrive_at(u1, base - 200 * kMinute + 20 * kMinute);
  restore_at(u1, base - 200 * kMinute + 20 * kMinute + 2 * kHour);
  arrive_at(u2, base - 5 * kHour + 40 * kMinute);
  restore_at(u2, base - 5 * kHour + 40 * kMinute + 3 * kHour + 30 * kMinute);
  arrive_at(u3, base - 6 * kHour + 80 * kMinute);
  arrive_at(r1, base - 3 * kHour + 100 * kMinute);
  restore_at(r1, base - 3 * kHour + 100 * kMinute + kHour);

  auto r = report(*dispatcher, "DC05");
  ASSERT_EQ(r.status, 200) << r.body;
  auto result = r.json();
  const auto& urban = row(result, "urban");
  EXPECT_EQ(urban.at("orders").as_int64(), 4);
  EXPECT_EQ(urban.at("arrived").as_int64(), 3);
  EXPECT_EQ(urban.at("avg_arrival_minutes").as_double(), 46.7);
  EXPECT_EQ(urban.at("arrival_commitment_minutes").as_int64(), 45);
  EXPECT_FALSE(urban.at("arrival_met").as_bool());
  EXPECT_EQ(urban.at("restored").as_int64(), 2);
  EXPECT_EQ(urban.at("avg_restore_hours").as_double(), 2.75);
  EXPECT_EQ(urban.at("restore_commitment_hours").as_int64(), 3);
  EXPECT_TRUE(urban.at("restore_met").as_bool());
  EXPECT_EQ(urban.at("arrival_commitment_verification").as_string(), "V");
  EXPECT_NE(urban.at("arrival_commitment_source").as_string().find("第三条"), std::string::npos);
  const auto& rural = row(result, "rural");
  EXPECT_EQ(rural.at("orders").as_int64(), 1);
  EXPECT_EQ(rural.at("avg_arrival_minutes").as_double(), 100.0);
  EXPECT_EQ(rural.at("arrival_commitment_minutes").as_int64(), 90);
  EXPECT_FALSE(rural.at("arrival_met").as_bool());
  EXPECT_EQ(rural.at("avg_restore_hours").as_double(), 1.0);
  EXPECT_TRUE(rural.at("restore_met").as_bool());
  // Remote: nothing yet, so no average and no verdict; its restoration figure is our choice (U).
  const auto& remote = row(result, "remote");
  EXPECT_EQ(remote.at("orders").as_int64(), 0);
  EXPECT_TRUE(remote.at("avg_arrival_minutes").is_null());
  EXPECT_TRUE(remote.at("arrival_met").is_null());
  EXPECT_TRUE(remote.at("restore_met").is_null());
  EXPECT_EQ(remote.at("arrival_commitment_minutes").as_int64(), 120);
  EXPECT_EQ(remote.at("restore_commitment_hours").as_int64(), 4);
  EXPECT_EQ(remote.at("restore_commitment_verification").as_string(), "U");
  // Totals over every area type: (20 + 40 + 80 + 100) / 4 minutes, (2 + 3.5 + 1) / 3 hours.
  const auto& totals = result.at("totals");
  EXPECT_EQ(totals.at("orders").as_int64(), 5);
  EXPECT_EQ(totals.at("arrived").as_int64(), 4);
  EXPECT_EQ(totals.at("avg_arrival_minutes").as_double(), 60.0);
  EXPECT_EQ(totals.at("restored").as_int64(), 3);
  EXPECT_EQ(totals.at("avg_restore_hours").as_double(), 2.17);
  // Alarms, each order on its own: the urban order restored 3.5 h after arrival; the urban order on
  // site after 80 minutes and still without power 4 h 40 min later; the rural one on site after 100
  // minutes. The orders within the commitment are not listed.
  EXPECT_EQ(result.at("alarms_total").as_int64(), 3);
  EXPECT_EQ(result.at("totals").at("late_arrivals").as_int64(), 2);
  EXPECT_EQ(result.at("totals").at("late_restorations").as_int64(), 2);
  const auto* long_restore = alarm(result, u2.at("id").as_int64());
  ASSERT_TRUE(long_restore);
  EXPECT_EQ(long_restore->at("reasons"), (bj::array{"restoration"}));
  EXPECT_EQ(long_restore->at("arrival_minutes").as_double(), 40.0);
  EXPECT_EQ(long_restore->at("restore_hours").as_double(), 3.5);
  const auto* late = alarm(result, u3.at("id").as_int64());
  ASSERT_TRUE(late);
  EXPECT_EQ(late->at("number"), u3.at("number"));
  EXPECT_EQ(late->at("area_type").as_string(), "urban");
  EXPECT_EQ(late->at("arrival_minutes").as_double(), 80.0);
  EXPECT_TRUE(late->at("restored_at").is_null());
  EXPECT_TRUE(late->at("restore_hours").is_null());
  EXPECT_EQ(late->at("reasons"), (bj::array{"arrival", "restoration"}));
  EXPECT_EQ(late->at("received_at").as_string(), format_iso_utc(base - 6 * kHour));
  const auto* slow = alarm(result, r1.at("id").as_int64());
  ASSERT_TRUE(slow);
  EXPECT_EQ(slow->at("reasons"), (bj::array{"arrival"}));
  EXPECT_EQ(slow->at("restore_hours").as_double(), 1.0);
  for (auto* ok : {&u1, &u4}) EXPECT_FALSE(alarm(result, ok->at("id").as_int64()));

  // The commitments are settings: a rural 120 minutes takes the rural order off the alarms.
  ASSERT_EQ(admin->request("PUT", "/api/v1/settings/claims.repair_arrival_avg_minutes_rural", "{\"value\":\"120\"}").status, 200);
  auto relaxed = report(*dispatcher, "DC05").json();
  EXPECT_TRUE(row(relaxed, "rural").at("arrival_met").as_bool());
  EXPECT_FALSE(alarm(relaxed, r1.at("id").as_int64()));
  ASSERT_EQ(admin->request("PUT", "/api/v1/settings/claims.repair_arrival_avg_minutes_rural", "{\"value\":\"90\"}").status, 200);
  EXPECT_EQ(admin->request("PUT", "/api/v1/settings/claims.repair_restore_avg_hours_remote", "{\"value\":\"0\"}").status, 422);

  // The XLSX export, audited.
  auto x = report(*dispatcher, "DC05", "/api/v1/claims/repair-measures/export");
  ASSERT_EQ(x.status, 200);
  EXPECT_EQ(x.body.substr(0, 2), "PK");
  auto exports = admin->get("/api/v1/audit?entity=claim_repair_measures&action=export").json();
  EXPECT_GE(exports.at("total").as_int64(), 1);

  // Another bureau's marketing manager sees nothing of these orders; the city's leader sees them.
  auto county = as("county01");  // 东城区 DC01
  auto foreign = report(county, "DC05");
  ASSERT_EQ(foreign.status, 200) << foreign.body;
  EXPECT_EQ(foreign.json().at("totals").at("orders").as_int64(), 0);
  EXPECT_TRUE(foreign.json().at("alarms").as_array().empty());
  auto own = report(county).json();
  for (auto* c : {&u1, &u2, &u3, &u4, &r1}) EXPECT_FALSE(alarm(own, c->at("id").as_int64()));
  EXPECT_EQ(report(county, "DC05", "/api/v1/claims/repair-measures/export").status, 200);
  auto leader = as("leader01");
  EXPECT_EQ(report(leader, "DC05").json().at("totals").at("orders").as_int64(), 5);
}

TEST_P(RepairMeasures, BadPeriodOrRegionNamesTheParameter) {
  auto bad_date = dispatcher->get("/api/v1/claims/repair-measures?from=2026-02-30");
  EXPECT_EQ(bad_date.status, 422);
  EXPECT_NE(bad_date.detail("from"), "");
  auto reversed = dispatcher->get("/api/v1/claims/repair-measures?from=2026-03-02&to=2026-03-01");
  EXPECT_EQ(reversed.status, 422);
  EXPECT_NE(reversed.detail("to"), "");
  auto unknown = dispatcher->get("/api/v1/claims/repair-measures?org_unit_id=99999999");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_NE(unknown.detail("org_unit_id"), "");
  // Defaults: this month to today, every area type listed.
  auto month = dispatcher->get("/api/v1/claims/repair-measures");
  ASSERT_EQ(month.status, 200);
  EXPECT_EQ(month.json().at("rows").as_array().size(), 3u);
  EXPECT_EQ(month.json().at("to").as_string(), shanghai_date(now_millis()));
}

INSTANTIATE_TEST_SUITE_P(Backends, RepairMeasures, ::testing::ValuesIn(storage::test_backends("repair_measures_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
