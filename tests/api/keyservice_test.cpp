// The key-account service through the real server on SQLite and PostgreSQL: hand-overs that move
// open items, cover during leave, the "五个一" programme completed by its records and signed off by
// a leader, visits whose needs become action items, drills whose findings close only with a plan
// revision, the manager's home, the overdue sweep; refusals, scope and bad input on the way.
#include <gtest/gtest.h>

#include <set>

#include "client.hpp"
#include "common/clock.hpp"
#include "fixture.hpp"
#include "jobs/scheduler.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::kPassword;
using lianxin::testing::server_for;
namespace bj = boost::json;

namespace {

std::string day_offset(int days) { return shanghai_date(now_millis() + static_cast<Millis>(days) * 86400000LL); }
std::string this_year() { return day_offset(0).substr(0, 4); }

}  // namespace

class KeyService : public lianxin::testing::ServerTest {
 protected:
  // The id of a demo user by name, from the managers list (account managers) or /me.
  std::int64_t manager_id(Client& c, const std::string& username) {
    auto me = as(username).get("/api/v1/auth/me").json();
    return me.at("user").at("id").as_int64();
  }
  // A key account whose primary manager is `username` (the demo gives each manager some).
  std::int64_t account_of(Client& c, std::int64_t manager) {
    auto list = c.get("/api/v1/key-accounts?page_size=200&manager_id=" + std::to_string(manager)).json();
    for (auto& a : list.at("items").as_array())
      if (a.at("manager").is_object() && a.at("manager").at("id").as_int64() == manager) return a.at("customer_id").as_int64();
    return 0;
  }
};

TEST_P(KeyService, HandOverMovesOpenItemsAndTheAccount) {
  auto marketing = as("marketing01");
  const auto am03 = manager_id(marketing, "am03"), am04 = manager_id(marketing, "am04");
  const auto customer = account_of(marketing, am03);
  ASSERT_GT(customer, 0);
  ASSERT_EQ(marketing.post("/api/v1/programmes/generate", bj::object{}).status, 200);
  const std::string programme = "/api/v1/customers/" + std::to_string(customer) + "/programme";
  auto before = marketing.get(programme).json();
  ASSERT_TRUE(before.at("programme").is_object()) << before;
  EXPECT_EQ(before.at("programme").at("items").as_array().size(), 5u);
  for (auto& i : before.at("programme").at("items").as_array()) EXPECT_EQ(i.at("owner").at("id").as_int64(), am03);

  auto old_manager = as("am03");
  ASSERT_EQ(old_manager.get("/api/v1/key-accounts/" + std::to_string(customer)).status, 200);
  // Account managers cannot hand over; the reason is required; the target must be an account manager.
  EXPECT_EQ(old_manager.post("/api/v1/key-accounts/" + std::to_string(customer) + "/handovers",
                             bj::object{{"role", "primary"}, {"to_user_id", am04}, {"reason", "x"}})
                .status,
            403);
  auto bad = marketing.post("/api/v1/key-accounts/" + std::to_string(customer) + "/handovers",
                            bj::object{{"role", "primary"}, {"to_user_id", manager_id(marketing, "leader01")}, {"reason", ""}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.detail("reason"), "");
  EXPECT_NE(bad.detail("to_user_id"), "");
  // If am04 is the backup, hand the backup to someone else first (the API refuses primary = backup).
  auto card = marketing.get("/api/v1/key-accounts/" + std::to_string(customer)).json();
  if (card.at("backup_manager").is_object() && card.at("backup_manager").at("id").as_int64() == am04)
    ASSERT_EQ(marketing.post("/api/v1/key-accounts/" + std::to_string(customer) + "/handovers",
                             bj::object{{"role", "backup"}, {"to_user_id", manager_id(marketing, "am05")}, {"reason", "调整"}})
                  .status,
              201);
  auto moved = marketing.post("/api/v1/key-accounts/" + std::to_string(customer) + "/handovers",
                              bj::object{{"role", "primary"}, {"to_user_id", am04}, {"reason", "岗位调整"}, {"notes", "客户关注电价"}});
  ASSERT_EQ(moved.status, 201) << moved.body;
  EXPECT_EQ(moved.json().at("items_moved").as_int64(), 5);
  auto after = marketing.get(programme).json();
  for (auto& i : after.at("programme").at("items").as_array()) EXPECT_EQ(i.at("owner").at("id").as_int64(), am04);
  auto handovers = moved.json().at("card").at("handovers").as_array();
  ASSERT_FALSE(handovers.empty());
  EXPECT_EQ(handovers[0].at("notes").as_string(), "客户关注电价");
  // The old manager no longer sees the account (unless still backup); the new one does and is told.
  auto card_after = marketing.get("/api/v1/key-accounts/" + std::to_string(customer)).json();
  if (!card_after.at("backup_manager").is_object() || card_after.at("backup_manager").at("id").as_int64() != am03)
    EXPECT_EQ(old_manager.get("/api/v1/key-accounts/" + std::to_string(customer)).status, 404);
  auto new_manager = as("am04");
  EXPECT_EQ(new_manager.get("/api/v1/key-accounts/" + std::to_string(customer)).status, 200);
  auto inbox = new_manager.get("/api/v1/notifications?page_size=50").json();
  bool told = false;
  for (auto& n : inbox.at("items").as_array())
    if (n.at("kind").as_string() == "key_account_handover") told = true;
  EXPECT_TRUE(told) << inbox;
}

TEST_P(KeyService, CoverDuringLeaveOpensTheAccountsForItsPeriod) {
  auto marketing = as("marketing01");
  const auto am06 = manager_id(marketing, "am06"), am07 = manager_id(marketing, "am07");
  const auto customer = account_of(marketing, am06);
  ASSERT_GT(customer, 0);
  auto cover = as("am07");
  const std::string card = "/api/v1/key-accounts/" + std::to_string(customer);
  auto card_json = marketing.get(card).json();
  const bool already = card_json.at("backup_manager").is_object() && card_json.at("backup_manager").at("id").as_int64() == am07;
  if (!already) EXPECT_EQ(cover.get(card).status, 404);
  // Bad input: end before start, the same person, unknown cover.
  auto bad = marketing.post("/api/v1/managers/" + std::to_string(am06) + "/covers",
                            bj::object{{"cover_id", am06}, {"starts_on", day_offset(3)}, {"ends_on", day_offset(1)}, {"reason", "年假"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.detail("cover_id"), "");
  auto added = marketing.post("/api/v1/managers/" + std::to_string(am06) + "/covers",
                              bj::object{{"cover_id", am07}, {"starts_on", day_offset(0)}, {"ends_on", day_offset(5)}, {"reason", "年假"}});
  ASSERT_EQ(added.status, 201) << added.body;
  // An overlapping second cover is refused.
  EXPECT_EQ(marketing.post("/api/v1/managers/" + std::to_string(am06) + "/covers",
                           bj::object{{"cover_id", am07}, {"starts_on", day_offset(2)}, {"ends_on", day_offset(9)}, {"reason", "x"}})
                .status,
            409);
  auto covering = as("am07");
  EXPECT_EQ(covering.get(card).status, 200);
  auto home = covering.get("/api/v1/key-accounts/home").json();
  EXPECT_EQ(home.at("covering").as_array().size(), 1u);
  auto managers = marketing.get("/api/v1/managers").json();
  for (auto& m : managers.at("items").as_array())
    if (m.at("id").as_int64() == am06) EXPECT_FALSE(m.at("covered_by").is_null());
  ASSERT_EQ(marketing.post("/api/v1/manager-covers/" + std::to_string(added.json().at("id").as_int64()) + "/cancel", bj::object{}).status,
            204);
  if (!already) EXPECT_EQ(as("am07").get(card).status, 404);
}

TEST_P(KeyService, TheFiveItemsAreCompletedByTheirRecordsAndSignedOffByALeader) {
  auto marketing = as("marketing01");
  const auto am08 = manager_id(marketing, "am08");
  const auto customer = account_of(marketing, am08);
  ASSERT_GT(customer, 0);
  ASSERT_EQ(marketing.post("/api/v1/programmes/generate", bj::object{}).status, 200);
  auto am = as("am08");
  const std::string cid = std::to_string(customer);
  auto programme = [&] { return am.get("/api/v1/customers/" + cid + "/programme").json().at("programme"); };
  auto item = [&](const std::string& kind) {
    const bj::value current = programme();
    for (auto& i : current.at("items").as_array())
      if (i.at("kind").as_string() == kind) return i.as_object();
    return bj::object{};
  };
  const std::string today = day_offset(0);

  // A leader visit needs its participants; the needs it records become action items.
  auto no_people = am.post("/api/v1/visits", bj::object{{"customer_id", customer}, {"kind", "leader"}, {"planned_on", today}});
  EXPECT_EQ(no_people.status, 422);
  EXPECT_NE(no_people.detail("participants"), "");
  auto bad_date = am.post("/api/v1/visits", bj::object{{"customer_id", customer}, {"kind", "leader"}, {"planned_on", "2026-13-01"},
                                                      {"participants", "李局长"}});
  EXPECT_EQ(bad_date.status, 422);
  EXPECT_NE(bad_date.detail("planned_on"), "");
  auto visit = am.post("/api/v1/visits", bj::object{{"customer_id", customer}, {"kind", "leader"}, {"planned_on", today},
                                                   {"participants", "李局长、王营销"}, {"purpose", "年度走访"}});
  ASSERT_EQ(visit.status, 201) << visit.body;
  const std::string vid = std::to_string(visit.json().at("id").as_int64());
  // A need with an unknown owner: a row-level error, and the visit stays planned.
  auto bad_need = am.post("/api/v1/visits/" + vid + "/complete",
                          bj::object{{"record", "座谈"}, {"needs", bj::array{bj::object{{"title", "双电源改造"}, {"owner_id", am08}, {"due_date", day_offset(20)}},
                                                                               bj::object{{"title", "x"}, {"owner_id", 999999}, {"due_date", day_offset(20)}}}}});
  EXPECT_EQ(bad_need.status, 422);
  EXPECT_NE(bad_need.detail("needs[1].owner_id"), "");
  EXPECT_EQ(am.get("/api/v1/visits/" + vid).json().at("status").as_string(), "planned");
  EXPECT_EQ(am.get("/api/v1/action-items?customer_id=" + cid + "&source=visit").json().at("total").as_int64(), 0);
  auto done = am.post("/api/v1/visits/" + vid + "/complete",
                      bj::object{{"record", "与客户座谈，客户反映配电房老化"},
                                 {"needs", bj::array{bj::object{{"title", "配电房改造方案"}, {"owner_id", am08}, {"due_date", day_offset(3)}}}}});
  ASSERT_EQ(done.status, 200) << done.body;
  ASSERT_EQ(done.json().at("action_items").as_array().size(), 1u);
  const auto need = done.json().at("action_items").as_array()[0].at("id").as_int64();
  EXPECT_EQ(item("leader_visit").at("status").as_string(), "done");
  // The open action item is on the manager's home until it is closed.
  auto home = am.get("/api/v1/key-accounts/home").json();
  bool shown = false;
  for (auto& d : home.at("due_this_week").as_array())
    if (d.at("type").as_string() == "action_item" && d.at("id").as_int64() == need) shown = true;
  EXPECT_TRUE(shown) << home;
  EXPECT_EQ(am.post("/api/v1/action-items/" + std::to_string(need) + "/close", bj::object{{"note", ""}}).status, 422);
  ASSERT_EQ(am.post("/api/v1/action-items/" + std::to_string(need) + "/close", bj::object{{"note", "方案已交客户"}}).status, 200);
  home = am.get("/api/v1/key-accounts/home").json();
  for (auto& d : home.at("due_this_week").as_array()) EXPECT_NE(d.at("id").as_int64(), need);

  // The drill needs a plan; its finding closes only with a revision of the plan.
  const std::string plans = "/api/v1/customers/" + cid + "/emergency-plans";
  EXPECT_EQ(am.post("/api/v1/customers/" + cid + "/drills",
                    bj::object{{"held_on", today}, {"scenario", "主供电源失电"}, {"participants", "客户电工、运检班"}})
                .status,
            409);
  bj::object plan{{"supply_sources", "10kV 双电源"}, {"emergency_power", "500kW 柴油发电机"}, {"security_load_kw", 320},
                  {"risk_points", "配电房进水"}, {"contacts", "客户电工 13800000000"}, {"switching_steps", "1. 断开主供 2. 合备供"}};
  auto v1 = am.post(plans, plan);
  ASSERT_EQ(v1.status, 201) << v1.body;
  auto drill = am.post("/api/v1/customers/" + cid + "/drills",
                       bj::object{{"held_on", today}, {"scenario", "主供电源失电"}, {"participants", "客户电工、运检班"},
                                  {"findings", bj::array{bj::object{{"title", "发电机启动超时"}, {"owner_id", am08}, {"due_date", day_offset(10)}}}}});
  ASSERT_EQ(drill.status, 201) << drill.body;
  const auto finding = drill.json().at("items").as_array()[0].at("findings").as_array()[0].at("id").as_int64();
  EXPECT_EQ(item("drill").at("status").as_string(), "done");
  EXPECT_EQ(am.post("/api/v1/action-items/" + std::to_string(finding) + "/close", bj::object{{"note", "x"}}).status, 409);
  bj::object revision = plan;
  revision["switching_steps"] = "1. 断开主供 2. 发电机预热 3. 合备供";
  revision["resolves"] = bj::array{finding};
  auto no_note = am.post(plans, revision);
  EXPECT_EQ(no_note.status, 422);
  EXPECT_NE(no_note.detail("change_note"), "");
  revision["change_note"] = "增加发电机预热步骤";
  auto v2 = am.post(plans, revision);
  ASSERT_EQ(v2.status, 201) << v2.body;
  EXPECT_EQ(v2.json().at("versions").as_array()[0].at("version").as_int64(), 2);
  EXPECT_EQ(v2.json().at("versions").as_array()[1].at("status").as_string(), "superseded");
  EXPECT_TRUE(v2.json().at("open_findings").as_array().empty());
  auto drills = am.get("/api/v1/customers/" + cid + "/drills").json();
  EXPECT_EQ(drills.at("items").as_array()[0].at("findings").as_array()[0].at("resolved_by_version").as_int64(), 2);

  // Usage plan: a draft does not complete the item, a delivered plan does and can no longer change.
  const std::string usage = "/api/v1/customers/" + cid + "/usage-plans/" + this_year();
  bj::object draft{{"title", "年度用电策划"}, {"recommendations", bj::array{bj::object{{"text", "峰谷转移"}, {"saving_kwh", 12000}, {"saving_fen", 360000}}}}};
  ASSERT_EQ(am.request("PUT", usage, bj::serialize(draft)).status, 200);
  EXPECT_EQ(item("usage_plan").at("status").as_string(), "pending");
  draft["status"] = "delivered";
  auto delivered = am.request("PUT", usage, bj::serialize(draft));
  ASSERT_EQ(delivered.status, 200) << delivered.body;
  EXPECT_EQ(delivered.json().at("plan").at("total_saving_fen").as_int64(), 360000);
  EXPECT_EQ(item("usage_plan").at("status").as_string(), "done");
  EXPECT_EQ(am.request("PUT", usage, bj::serialize(draft)).status, 409);

  // Diagnosis: completing by hand needs tested, graded equipment of this year.
  const auto diagnosis = item("diagnosis").at("id").as_int64();
  EXPECT_EQ(am.post("/api/v1/programme-items/" + std::to_string(diagnosis) + "/complete", bj::object{}).status, 409);
  auto eq = am.post("/api/v1/customers/" + cid + "/equipment",
                    bj::object{{"kind", "transformer"}, {"name", "1号主变"}, {"rating", "1250kVA"}, {"last_test_on", today},
                               {"test_result", "绝缘电阻偏低"}, {"health_grade", "attention"}});
  ASSERT_EQ(eq.status, 201) << eq.body;
  EXPECT_EQ(am.post("/api/v1/customers/" + cid + "/equipment", bj::object{{"kind", "rocket"}, {"name", "x"}}).detail("kind") != "", true);
  auto rec = am.post("/api/v1/equipment/" + std::to_string(eq.json().at("id").as_int64()) + "/recommendations",
                     bj::object{{"action", "overhaul"}, {"title", "主变大修"}, {"owner_id", am08}, {"due_date", day_offset(60)}});
  ASSERT_EQ(rec.status, 201) << rec.body;
  ASSERT_EQ(am.post("/api/v1/programme-items/" + std::to_string(diagnosis) + "/complete", bj::object{{"note", "试验报告已归档"}}).status, 200);

  // The manager item: an introduction visit completes it.
  auto intro = am.post("/api/v1/visits", bj::object{{"customer_id", customer}, {"kind", "introduction"}, {"planned_on", today}});
  ASSERT_EQ(intro.status, 201);
  ASSERT_EQ(am.post("/api/v1/visits/" + std::to_string(intro.json().at("id").as_int64()) + "/complete", bj::object{{"record", "递交服务卡"}}).status,
            200);
  EXPECT_EQ(item("manager").at("status").as_string(), "done");

  // Sign-off: only a leader, only when all five are done.
  const auto programme_id = programme().at("id").as_int64();
  const std::string sign = "/api/v1/programmes/" + std::to_string(programme_id) + "/sign-off";
  EXPECT_EQ(marketing.post(sign, bj::object{}).status, 403);
  EXPECT_EQ(am.post(sign, bj::object{}).status, 403);
  auto leader = as("leader01");
  auto signed_off = leader.post(sign, bj::object{{"note", "同意"}});
  ASSERT_EQ(signed_off.status, 204) << signed_off.body;
  EXPECT_EQ(leader.post(sign, bj::object{}).status, 409);
  EXPECT_EQ(programme().at("status").as_string(), "signed_off");
  auto board = leader.get("/api/v1/programmes/board?page_size=500").json();
  bool on_board = false;
  for (auto& r : board.at("items").as_array())
    if (r.at("customer_id").as_int64() == customer) {
      on_board = true;
      EXPECT_EQ(r.at("done").as_int64(), 5);
      EXPECT_EQ(r.at("status").as_string(), "signed_off");
    }
  EXPECT_TRUE(on_board);
  auto coverage = leader.get("/api/v1/programmes/coverage?by=manager").json();
  bool counted = false;
  for (auto& r : coverage.at("rows").as_array())
    if (r.at("key").as_int64() == am08) {
      counted = true;
      EXPECT_GE(r.at("complete").as_int64(), 1);
      EXPECT_GE(r.at("signed_off").as_int64(), 1);
    }
  EXPECT_TRUE(counted) << coverage;
  // The 360 timeline has the visit, the drill, the plan revision and the sign-off.
  auto timeline = am.get("/api/v1/customers/" + cid + "/timeline?page_size=100").json();
  std::set<std::string> kinds;
  for (auto& e : timeline.at("items").as_array()) kinds.insert(std::string(e.at("kind").as_string()));
  for (const char* k : {"visit", "drill", "emergency_plan", "usage_plan", "programme"}) EXPECT_TRUE(kinds.count(k)) << k;
}

TEST_P(KeyService, ManagersSeeOnlyTheirAccountsAndOverdueItemsAreNotified) {
  auto marketing = as("marketing01");
  const auto am09 = manager_id(marketing, "am09"), am10 = manager_id(marketing, "am10");
  const auto theirs = account_of(marketing, am10);
  ASSERT_GT(theirs, 0);
  auto am = as("am09");
  auto card = marketing.get("/api/v1/key-accounts/" + std::to_string(theirs)).json();
  const bool backup = card.at("backup_manager").is_object() && card.at("backup_manager").at("id").as_int64() == am09;
  if (!backup) {
    EXPECT_EQ(am.get("/api/v1/key-accounts/" + std::to_string(theirs)).status, 404);
    EXPECT_EQ(am.post("/api/v1/visits", bj::object{{"customer_id", theirs}, {"kind", "regular"}, {"planned_on", day_offset(1)}}).status, 404);
    EXPECT_EQ(am.get("/api/v1/customers/" + std::to_string(theirs) + "/emergency-plans").status, 404);
    auto list = am.get("/api/v1/key-accounts?page_size=200").json();
    for (auto& a : list.at("items").as_array()) EXPECT_NE(a.at("customer_id").as_int64(), theirs);
  }
  // Another manager's home is for marketing (keyaccount.manage) only.
  EXPECT_EQ(am.get("/api/v1/key-accounts/home?manager_id=" + std::to_string(am10)).status, 403);
  EXPECT_EQ(marketing.get("/api/v1/key-accounts/home?manager_id=" + std::to_string(am10)).status, 200);

  // An overdue action item: the sweep notifies its owner and the manager once.
  const auto mine = account_of(marketing, am09);
  ASSERT_GT(mine, 0);
  auto created = am.post("/api/v1/action-items", bj::object{{"customer_id", mine}, {"title", "补充联系人"}, {"owner_id", am09},
                                                            {"due_date", day_offset(-2)}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto bad = am.post("/api/v1/action-items", bj::object{{"customer_id", mine}, {"title", ""}, {"owner_id", am09}, {"due_date", "tomorrow"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.detail("title"), "");
  EXPECT_NE(bad.detail("due_date"), "");
  auto overdue = am.get("/api/v1/action-items?overdue=true&owner_id=" + std::to_string(am09)).json();
  EXPECT_GE(overdue.at("total").as_int64(), 1);
  auto& instance = *server_for(GetParam()).instance;
  instance.scheduler().run_tasks(now_millis());
  instance.scheduler().run_tasks(now_millis());  // twice: still one notice
  auto inbox = am.get("/api/v1/notifications?page_size=100").json();
  int notices = 0;
  for (auto& n : inbox.at("items").as_array())
    if (n.at("kind").as_string() == "action_item_overdue" && n.at("ref_id").as_string() == std::to_string(created.json().at("id").as_int64()))
      ++notices;
  EXPECT_EQ(notices, 1) << inbox;
}

TEST_P(KeyService, SettingsAreCheckedAndOnlyCompanyLevelManagersChangeThem) {
  auto admin = as("admin");
  auto bad = admin.request("PUT", "/api/v1/key-accounts/settings/keyaccounts.visit_interval_days", R"({"value":"A:30,B:x"})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.detail("value"), "");
  EXPECT_EQ(as("marketing01").request("PUT", "/api/v1/key-accounts/settings/keyaccounts.top_n", R"({"value":"25"})").status, 403);
  EXPECT_EQ(as("am01").request("PUT", "/api/v1/key-accounts/settings/keyaccounts.top_n", R"({"value":"25"})").status, 403);
  EXPECT_EQ(admin.request("PUT", "/api/v1/key-accounts/settings/claims.rule_set", R"({"value":"x"})").status, 403);
  auto ok = admin.request("PUT", "/api/v1/key-accounts/settings/keyaccounts.visit_interval_days", R"({"value":"A:20,B:45,C:90"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto listed = admin.get("/api/v1/settings?module=keyaccounts").json();
  bool found = false;
  for (auto& s : listed.at("items").as_array())
    if (s.at("key").as_string() == "keyaccounts.visit_interval_days") {
      found = true;
      EXPECT_EQ(s.at("value").as_string(), "A:20,B:45,C:90");
    }
  EXPECT_TRUE(found) << listed;
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyService, ::testing::ValuesIn(storage::test_backends("keyservice_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
