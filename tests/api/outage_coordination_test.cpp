// Outages, part 3, through the real server on SQLite and PostgreSQL: another department's work on
// the same accounts flagged with a proposal to merge; the yearly limit of planned interruptions and
// guaranteed-supply periods blocking approval unless a leader overrides with a reason; delays told
// to key accounts; restoration on the customer's timeline and interruption history; reliability;
// cancellation told to the customers who had the notice; the working-day lead check; the
// follow-up of missing confirmations, escalated after a restart; photos of postings.
#include <gtest/gtest.h>

#include "client.hpp"
#include "common/clock.hpp"
#include "fixture.hpp"
#include "jobs/scheduler.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::HttpResult;
namespace bj = boost::json;

class OutageCoordination : public lianxin::testing::ServerTest {
 protected:
  storage::Database& db() { return lianxin::testing::server_for(GetParam()).instance->db(); }

  // Key accounts in the planner's bureau: (account no, customer id), `n` of them from `skip`.
  std::vector<std::pair<std::string, std::int64_t>> key_accounts(int skip, int n) {
    return db().read([&](storage::Connection& conn) {
      std::vector<std::pair<std::string, std::int64_t>> out;
      for (auto& r : conn.query("SELECT a.account_no, c.id FROM accounts a JOIN customers c ON c.id = a.customer_id "
                                "JOIN users u ON u.username = 'planner01' JOIN org_units o ON o.id = u.org_unit_id "
                                "WHERE c.is_key_account = 1 AND c.status = 'active' AND c.manager_id IS NOT NULL "
                                "AND substr(c.org_path, 1, length(o.path)) = o.path "
                                "AND EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND k.active = 1 AND k.mobile IS NOT NULL "
                                "AND k.notice_types LIKE '%outage%') "
                                "AND a.id = (SELECT MIN(b.id) FROM accounts b WHERE b.customer_id = c.id) ORDER BY c.id LIMIT ? OFFSET ?",
                                {std::int64_t{n}, std::int64_t{skip}}))
        out.emplace_back(r.str(0), r.i64(1));
      return out;
    });
  }

  // A line of its own under a test substation, feeding the given accounts; returns its id.
  std::int64_t line_with(Client& planner, const std::string& code, const std::vector<std::pair<std::string, std::int64_t>>& accounts) {
    std::string csv = "类型,编码,名称,上级编码,电压等级kV,开关编号,容量kVA,电源序号\n变电站,C-SUB,协调测试变,DC01,110,,,\n线路," + code + "," + code +
                      "线,C-SUB,10,,,\n";
    for (auto& [no, customer] : accounts) csv += "户号," + no + ",," + code + ",,,,1\n";
    auto r = planner.request("POST", "/api/v1/topology/imports?file_name=" + code + ".csv", csv, "text/csv");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto subs = planner.get("/api/v1/topology/substations").json();
    for (auto& s : subs.at("items").as_array())
      for (auto& l : s.at("lines").as_array())
        if (l.at("code").as_string() == code) return l.at("id").as_int64();
    ADD_FAILURE() << "line " << code << " not found";
    return 0;
  }

  static std::string iso(Millis at) { return format_iso_utc(at); }

  bj::object outage(const std::string& kind, const std::string& requester, const std::string& title, Millis start, Millis hours,
                    std::int64_t line) {
    return bj::object{{"kind", kind},
                      {"title", title},
                      {"requester", requester},
                      {"work", title},
                      {"planned_start", iso(start)},
                      {"planned_end", iso(start + hours * 3'600'000)},
                      {"scope", bj::object{{"lines", bj::array{line}}}}};
  }

  // Create and check; returns the outage path.
  std::string planned(Client& planner, const bj::object& body) {
    auto r = planner.post("/api/v1/outages", body);
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string path = "/api/v1/outages/" + std::to_string(r.json().at("id").as_int64());
    auto checked = planner.post(path + "/check", bj::object{});
    EXPECT_EQ(checked.status, 200) << checked.body;
    return path;
  }

  std::int64_t count(const std::string& sql, const storage::Params& params = {}) {
    return db().read([&](storage::Connection& conn) { return conn.query_i64(sql, params); });
  }
};

namespace {
constexpr Millis kHour = 3'600'000, kDay = 24 * kHour;
}

TEST_P(OutageCoordination, ConflictsLimitsAndGuaranteedSupplyNeedALeader) {
  auto admin = as("admin");
  auto planner = as("planner01");
  auto leader = as("leader01");
  const auto accounts = key_accounts(0, 3);
  ASSERT_EQ(accounts.size(), 3u);
  const std::int64_t line = line_with(planner, "C-L1", accounts);
  ASSERT_EQ(admin.request("PUT", "/api/v1/settings/outages.yearly_planned_limit", "{\"value\":\"1\"}").status, 200);
  EXPECT_EQ(admin.request("PUT", "/api/v1/settings/outages.yearly_planned_limit", "{\"value\":\"-1\"}").status, 422);
  // The same year for all three works: mid-January of next year.
  const std::string next_year = std::to_string(std::stoi(shanghai_date(now_millis()).substr(0, 4)) + 1);
  const Millis jan10 = shanghai_midnight(next_year + "-01-10") + 9 * kHour;

  // Construction's work on the line, approved.
  const std::string a = planned(planner, outage("planned", "construction", "C-L1线路迁改", jan10, 6, line));
  auto first = leader.post(a + "/approve", bj::object{});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(first.json().at("conflicts").as_array().empty());

  // Maintenance on the same line 20 days later: flagged with construction's work and a proposal.
  const std::string b = planned(planner, outage("planned", "maintenance", "C-L1开关检修", jan10 + 20 * kDay, 4, line));
  auto detail = planner.get(b).json();
  ASSERT_EQ(detail.at("conflicts").as_array().size(), 1u) << bj::serialize(detail);
  const auto& conflict = detail.at("conflicts").at(0).as_object();
  EXPECT_EQ(conflict.at("number").as_string(), first.json().at("number").as_string());
  EXPECT_EQ(conflict.at("shared_accounts").as_int64(), 3);
  EXPECT_EQ(conflict.at("days_apart").as_int64(), 20);
  EXPECT_NE(std::string(conflict.at("proposal").as_string()).find("合并"), std::string::npos);
  EXPECT_EQ(detail.at("coordination_window_days").as_int64(), 60);
  // The yearly limit (set to 1): the second planned interruption of these accounts is blocked.
  EXPECT_TRUE(detail.at("blockers").at("blocked").as_bool());
  EXPECT_EQ(detail.at("blockers").at("yearly_limit").at("total").as_int64(), 3);
  EXPECT_EQ(detail.at("blockers").at("yearly_limit").at("accounts").at(0).at("planned_this_year").as_int64(), 2);
  auto blocked = leader.post(b + "/approve", bj::object{});
  EXPECT_EQ(blocked.status, 422);
  EXPECT_NE(blocked.detail("override_reason"), "");
  auto overridden = leader.post(b + "/approve", bj::object{{"override_reason", "开关缺陷须在春节前消除，已与客户协商"}});
  ASSERT_EQ(overridden.status, 200) << overridden.body;
  EXPECT_EQ(overridden.json().at("override_reason").as_string(), "开关缺陷须在春节前消除，已与客户协商");
  EXPECT_EQ(overridden.json().at("override_by").as_string(), leader.get("/api/v1/auth/me").json().at("user").at("display_name").as_string());

  // The same department's own later work is no conflict; outside the window neither.
  const std::string c = planned(planner, outage("planned", "maintenance", "C-L1消缺", jan10 + 100 * kDay, 4, line));
  EXPECT_TRUE(planner.get(c).json().at("conflicts").as_array().empty());

  // A guaranteed-supply period of one of the customers over the work: blocked too.
  ASSERT_EQ(admin.request("PUT", "/api/v1/settings/outages.yearly_planned_limit", "{\"value\":\"10\"}").status, 200);
  bj::object guarantee{{"name", "年度安全检查保供电"}, {"kind", "customer"}, {"customer_id", accounts[1].second},
                       {"starts_at", iso(jan10 + 99 * kDay)}, {"ends_at", iso(jan10 + 102 * kDay)}, {"reason", "客户迎检"}};
  auto bad = guarantee;
  bad["ends_at"] = iso(jan10 + 98 * kDay);
  bad.erase("customer_id");
  auto refused = planner.post("/api/v1/supply-guarantees", bad);
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.detail("ends_at"), "");
  EXPECT_NE(refused.detail("customer_id"), "");
  EXPECT_EQ(as("dispatcher01").post("/api/v1/supply-guarantees", guarantee).status, 403);
  auto g = planner.post("/api/v1/supply-guarantees", guarantee);
  ASSERT_EQ(g.status, 201) << g.body;
  const auto listed = planner.get("/api/v1/supply-guarantees").json();
  ASSERT_EQ(listed.at("total").as_int64(), 1);
  EXPECT_EQ(listed.at("items").at(0).at("kind").as_string(), "customer");
  const auto blockers = planner.get(c).json().at("blockers");
  ASSERT_EQ(blockers.at("guarantees").as_array().size(), 1u) << bj::serialize(blockers);
  EXPECT_EQ(blockers.at("yearly_limit").at("total").as_int64(), 0);
  auto refused_c = leader.post(c + "/approve", bj::object{});
  EXPECT_EQ(refused_c.status, 422);
  EXPECT_NE(refused_c.detail("override_reason").find("年度安全检查保供电"), std::string::npos);
  // Lifted: approval goes through without a reason.
  const std::string gid = std::to_string(g.json().at("id").as_int64());
  EXPECT_EQ(planner.request("DELETE", "/api/v1/supply-guarantees/" + gid, "").status, 200);
  auto approved_c = leader.post(c + "/approve", bj::object{});
  ASSERT_EQ(approved_c.status, 200) << approved_c.body;
  EXPECT_TRUE(approved_c.json().at("override_reason").is_null());
  EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE entity = 'supply_guarantee'"), 2);
}

TEST_P(OutageCoordination, DelaysRestorationHistoryAndCancellation) {
  auto admin = as("admin");
  auto planner = as("planner01");
  auto leader = as("leader01");
  const auto accounts = key_accounts(3, 2);
  ASSERT_EQ(accounts.size(), 2u);
  const std::int64_t line = line_with(planner, "C-L2", accounts);
  const Millis now = now_millis();
  // A temporary repair starting now (important customers get 24 h: the leader records why).
  const std::string o = planned(planner, outage("temporary", "maintenance", "C-L2抢修消缺", now + 60'000, 2, line));
  ASSERT_EQ(leader.post(o + "/approve", bj::object{{"justification", "缺陷危及安全"}, {"override_reason", "紧急消缺"}}).status, 200);
  ASSERT_EQ(planner.post(o + "/notify", bj::object{}).status, 200);
  // The outage belongs to the county whose line it cuts: that county's staff see it too.
  EXPECT_EQ(as("county01").get(o).status, 200);
  EXPECT_EQ(planner.post(o + "/delay", bj::object{{"expected_end", iso(now + 5 * kHour)}, {"reason", "x"}}).status, 409);  // not started
  ASSERT_EQ(planner.post(o + "/start", bj::object{}).status, 200);
  auto early = planner.post(o + "/delay", bj::object{{"expected_end", iso(now + kHour)}, {"reason", "电缆头故障"}});
  EXPECT_EQ(early.status, 422);
  EXPECT_NE(early.detail("expected_end"), "");
  EXPECT_NE(planner.post(o + "/delay", bj::object{{"expected_end", iso(now + 5 * kHour)}}).detail("reason"), "");
  auto delayed = planner.post(o + "/delay", bj::object{{"expected_end", iso(now + 5 * kHour)}, {"reason", "电缆头故障需更换"}});
  ASSERT_EQ(delayed.status, 200) << delayed.body;
  EXPECT_EQ(delayed.json().at("delays").as_array().size(), 1u);
  EXPECT_EQ(delayed.json().at("delays").at(0).at("customers_told").as_int64(), 2);
  EXPECT_EQ(delayed.json().at("expected_end").as_string(), iso(now + 5 * kHour));
  const std::string id = o.substr(o.rfind('/') + 1);
  const auto delay_sms = admin.get("/api/v1/outbox?kind=outage_delay&ref_id=" + id).json();
  ASSERT_GE(delay_sms.at("items").as_array().size(), 2u);
  const std::string text(delay_sms.at("items").at(0).at("params").at("text").as_string());
  EXPECT_NE(text.find("延至"), std::string::npos);
  EXPECT_NE(text.find("电缆头故障需更换"), std::string::npos);
  EXPECT_GE(planner.get(o + "/notices?purpose=delay").json().at("total").as_int64(), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE kind = 'outage_delay_task' AND ref_id = ?", {id}), 2);

  // Restored: the customers' timelines and interruption histories show it.
  auto restored = planner.post(o + "/restore", bj::object{});
  ASSERT_EQ(restored.status, 200) << restored.body;
  const std::string customer = "/api/v1/customers/" + std::to_string(accounts[0].second);
  const auto view = admin.get(customer + "/timeline?page_size=50").json();
  bool on_timeline = false;
  for (auto& e : view.at("items").as_array())
    on_timeline = on_timeline || std::string(e.at("title").as_string()).find("停电恢复") != std::string::npos;
  EXPECT_TRUE(on_timeline) << bj::serialize(view);
  const auto history = admin.get(customer + "/interruptions").json();
  EXPECT_EQ(history.at("totals").at("interruptions").as_int64(), 1);
  EXPECT_EQ(history.at("totals").at("planned").as_int64(), 1);
  EXPECT_EQ(history.at("items").at(0).at("account_no").as_string(), accounts[0].first);
  EXPECT_FALSE(history.at("items").at(0).at("ongoing").as_bool());
  EXPECT_EQ(admin.get(customer + "/interruptions?from=2026-13-01").status, 422);

  // Reliability of the line: two customers, two customer interruptions.
  const auto by_line = admin.get("/api/v1/outages/reliability?group_by=line").json();
  bool found = false;
  for (auto& r : by_line.at("rows").as_array())
    if (r.at("id").as_int64() == line) {
      found = true;
      EXPECT_EQ(r.at("accounts").as_int64(), 2);
      EXPECT_EQ(r.at("interruptions").as_int64(), 2);
      EXPECT_GT(r.at("aihc").as_double(), 0.0);
      EXPECT_LT(r.at("rs1").as_double(), 1.0);
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(admin.get("/api/v1/outages/reliability?group_by=feeder").status, 422);
  const auto by_bureau = admin.get("/api/v1/outages/reliability").json();
  EXPECT_GE(by_bureau.at("totals").at("interruptions").as_int64(), 2);
  auto xlsx = admin.get("/api/v1/outages/reliability/export?group_by=line");
  EXPECT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");

  // A notified outage cancelled: the contacts told get a cancellation, the managers too.
  const std::string later = planned(planner, outage("planned", "expansion", "C-L2新用户接入", now + 20 * kDay, 3, line));
  ASSERT_EQ(leader.post(later + "/approve", bj::object{{"override_reason", "业扩接入"}}).status, 200);
  ASSERT_EQ(planner.post(later + "/notify", bj::object{}).status, 200);
  const std::string later_id = later.substr(later.rfind('/') + 1);
  const std::int64_t told = admin.get("/api/v1/outbox?kind=outage_notice&ref_id=" + later_id).json().at("items").as_array().size();
  EXPECT_NE(planner.post(later + "/cancel", bj::object{}).detail("reason"), "");
  auto cancelled = planner.post(later + "/cancel", bj::object{{"reason", "客户工程延期"}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json().at("cancel_reason").as_string(), "客户工程延期");
  EXPECT_EQ(static_cast<std::int64_t>(admin.get("/api/v1/outbox?kind=outage_cancel&ref_id=" + later_id).json().at("items").as_array().size()),
            told);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE kind = 'outage_cancel_task' AND ref_id = ?", {later_id}), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outage_notices WHERE outage_id = ? AND status = 'planned'", {std::stoll(later_id)}), 0);

  // The affected list exports as XLSX.
  auto affected = admin.get(o + "/affected/export?key_only=true");
  EXPECT_EQ(affected.status, 200);
  EXPECT_EQ(affected.body.substr(0, 2), "PK");
  EXPECT_EQ(as("dispatcher01").get(o + "/affected/export").status == 200, false);
}

TEST_P(OutageCoordination, LeadTimeFollowsTheWorkingDayCalendar) {
  auto planner = as("planner01");
  const auto accounts = key_accounts(5, 1);
  ASSERT_EQ(accounts.size(), 1u);
  const std::int64_t line = line_with(planner, "C-L3", accounts);
  // 8 October 2026 09:00: seven days before is the National Day holiday (1–7 October), so the
  // notice is due by 17:30 on 30 September, the last working day before it.
  const Millis start = shanghai_midnight("2026-10-08") + 9 * kHour;
  const std::string o = planned(planner, outage("planned", "maintenance", "国庆后检修", start, 4, line));
  EXPECT_EQ(planner.get(o).json().at("lead_check").at("notify_by").as_string(), "2026-09-30T09:30:00.000Z");
  // 15 October: seven days before is Thursday 8 October, a working day: unchanged.
  const Millis start2 = shanghai_midnight("2026-10-15") + 9 * kHour;
  const std::string o2 = planned(planner, outage("planned", "construction", "常规检修", start2, 4, line));
  EXPECT_EQ(planner.get(o2).json().at("lead_check").at("notify_by").as_string(), "2026-10-08T01:00:00.000Z");
}

TEST_P(OutageCoordination, PostingPhotos) {
  auto admin = as("admin");
  auto planner = as("planner01");
  const auto accounts = key_accounts(6, 1);
  ASSERT_EQ(accounts.size(), 1u);
  const std::int64_t line = line_with(planner, "C-L4", accounts);
  const std::string o = planned(planner, outage("planned", "maintenance", "张贴测试", now_millis() + 10 * kDay, 4, line));
  const auto postings = planner.get(o + "/notices?channel=posting").json();
  ASSERT_EQ(postings.at("total").as_int64(), 1);
  const std::string notice = "/api/v1/outage-notices/" + std::to_string(postings.at("items").at(0).at("id").as_int64());
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  EXPECT_EQ(admin.request("POST", notice + "/photo?file_name=a.exe", png, "application/octet-stream").status == 201, false);
  EXPECT_EQ(admin.request("POST", notice + "/photo?file_name=a.png", "MZ not a png", "image/png").status == 201, false);
  EXPECT_EQ(admin.request("POST", notice + "/photo", png, "image/png").status, 422);
  auto stored = admin.request("POST", notice + "/photo?file_name=posting.png", png, "image/png");
  ASSERT_EQ(stored.status, 201) << stored.body;
  auto photo = admin.get(notice + "/photo");
  EXPECT_EQ(photo.status, 200);
  EXPECT_EQ(photo.body, png);
  EXPECT_TRUE(planner.get(o + "/notices?channel=posting").json().at("items").at(0).at("has_photo").as_bool());
}

TEST_P(OutageCoordination, ShortTransferOutagesAreToldToThoseForWhomSecondsMatter) {
  auto planner = as("planner01");
  auto accounts = key_accounts(7, 1);
  ASSERT_EQ(accounts.size(), 1u);
  // An ordinary customer of the same bureau: not important, not sensitive, no key account.
  auto plain = db().read([&](storage::Connection& conn) {
    return conn.query_one("SELECT a.account_no, c.id FROM accounts a JOIN customers c ON c.id = a.customer_id "
                          "JOIN users u ON u.username = 'planner01' JOIN org_units o ON o.id = u.org_unit_id "
                          "WHERE c.is_key_account = 0 AND c.importance_class = 'none' AND c.outage_sensitivity <> 'high' "
                          "AND c.tags NOT LIKE '%高层%' AND c.status = 'active' AND substr(c.org_path, 1, length(o.path)) = o.path "
                          "AND EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND k.active = 1 AND k.mobile IS NOT NULL "
                          "AND k.notice_types LIKE '%outage%') ORDER BY c.id LIMIT 1");
  });
  ASSERT_TRUE(plain.has_value());
  accounts.emplace_back(plain->str(0), plain->i64(1));
  const std::int64_t line = line_with(planner, "C-L5", accounts);
  const std::string o = planned(planner, outage("transfer", "dispatch", "C-L5负荷转供", now_millis() + 3 * kDay, 1, line));
  const auto notices = planner.get(o + "/notices?page_size=100").json();
  ASSERT_GT(notices.at("total").as_int64(), 0);
  bool call = false;
  for (auto& n : notices.at("items").as_array()) {
    EXPECT_EQ(n.at("customer_id").as_int64(), accounts[0].second) << "only the key account is told";
    EXPECT_NE(n.at("channel").as_string(), "posting");
    call = call || n.at("channel").as_string() == "call";
    EXPECT_NE(std::string(n.at("text").as_string()).find("数秒"), std::string::npos);
  }
  EXPECT_TRUE(call);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutageCoordination, ::testing::ValuesIn(storage::test_backends("outage_coordination_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });

// The follow-up of missing confirmations survives a restart: a second server on the same database
// carries on from the state the first left, and does each step once.
class OutageFollowUp : public ::testing::TestWithParam<std::string> {};

TEST_P(OutageFollowUp, UnconfirmedKeyAccountsBecomeTasksThenEscalateAcrossARestart) {
  const std::string url = GetParam();
  using lianxin::testing::kPassword;
  using lianxin::testing::make_instance;
  Millis start = 0;
  std::string id;
  std::int64_t customers = 0;
  {
    auto first = make_instance(url);
    auto port = first->start();
    Client planner(port), leader(port), admin(port);
    ASSERT_EQ(planner.login("planner01", kPassword).status, 200);
    ASSERT_EQ(leader.login("leader01", kPassword).status, 200);
    ASSERT_EQ(admin.login("admin", kPassword).status, 200);
    // Three key accounts on a line of their own.
    std::vector<std::string> nos;
    first->db().read([&](storage::Connection& conn) {
      for (auto& r : conn.query("SELECT a.account_no FROM accounts a JOIN customers c ON c.id = a.customer_id "
                                "JOIN users u ON u.username = 'planner01' JOIN org_units o ON o.id = u.org_unit_id "
                                "WHERE c.is_key_account = 1 AND c.manager_id IS NOT NULL AND substr(c.org_path, 1, length(o.path)) = o.path "
                                "AND a.id = (SELECT MIN(b.id) FROM accounts b WHERE b.customer_id = c.id) ORDER BY c.id DESC LIMIT 3"))
        nos.push_back(r.str(0));
      return 0;
    });
    ASSERT_EQ(nos.size(), 3u);
    std::string csv = "类型,编码,名称,上级编码,电压等级kV,开关编号,容量kVA,电源序号\n变电站,F-SUB,跟踪测试变,DC01,110,,,\n线路,F-L1,跟踪线,F-SUB,10,,,\n";
    for (auto& no : nos) csv += "户号," + no + ",,F-L1,,,,1\n";
    ASSERT_EQ(planner.request("POST", "/api/v1/topology/imports?file_name=f.csv", csv, "text/csv").status, 200);
    std::int64_t line = 0;
    const auto subs = planner.get("/api/v1/topology/substations").json();
    for (auto& s : subs.at("items").as_array())
      for (auto& l : s.at("lines").as_array())
        if (l.at("code").as_string() == "F-L1") line = l.at("id").as_int64();
    start = now_millis() + 60 * kHour;
    auto created = planner.post("/api/v1/outages", bj::object{{"kind", "temporary"}, {"title", "F-L1消缺"}, {"requester", "maintenance"},
                                                               {"planned_start", format_iso_utc(start)}, {"planned_end", format_iso_utc(start + 2 * kHour)},
                                                               {"scope", bj::object{{"lines", bj::array{line}}}}});
    ASSERT_EQ(created.status, 201) << created.body;
    id = std::to_string(created.json().at("id").as_int64());
    ASSERT_EQ(planner.post("/api/v1/outages/" + id + "/check", bj::object{}).status, 200);
    auto approved = leader.post("/api/v1/outages/" + id + "/approve", bj::object{{"override_reason", "test"}, {"justification", "test"}});
    ASSERT_EQ(approved.status, 200) << approved.body;
    ASSERT_EQ(planner.post("/api/v1/outages/" + id + "/notify", bj::object{}).status, 200);
    customers = approved.json().at("key_accounts").as_int64();
    ASSERT_EQ(customers, 3);
    // One customer confirms through its link.
    const auto outbox = admin.get("/api/v1/outbox?kind=outage_notice&ref_id=" + id).json();
    const std::string link(outbox.at("items").at(0).at("params").at("url").as_string());
    Client customer(port);
    ASSERT_EQ(customer.post("/api/v1/public/outage-ack/" + link.substr(link.rfind('/') + 1), bj::object{}).status, 200);
    first->scheduler().run_tasks(start - 49 * kHour);  // too early: nothing
    first->scheduler().run_tasks(start - 47 * kHour);  // 48 h before: tasks for the managers of the two others
    first->stop();
  }
  auto tasks = [&](storage::Database& db, const char* kind) {
    return db.read([&](storage::Connection& conn) {
      return conn.query_i64("SELECT COUNT(*) FROM notifications WHERE kind = ? AND ref_id = ?", {std::string(kind), id});
    });
  };
  auto second = make_instance(url);  // a new process on the same database
  EXPECT_EQ(tasks(second->db(), "outage_ack_task"), 2);
  EXPECT_EQ(tasks(second->db(), "outage_ack_escalation"), 0);
  second->scheduler().run_tasks(start - 46 * kHour);  // nothing new
  EXPECT_EQ(tasks(second->db(), "outage_ack_task"), 2);
  second->scheduler().run_tasks(start - 23 * kHour);  // 24 h before: escalated to the leaders over them
  const std::int64_t escalations = tasks(second->db(), "outage_ack_escalation");
  EXPECT_GE(escalations, 2);
  second->scheduler().run_tasks(start - 22 * kHour);
  EXPECT_EQ(tasks(second->db(), "outage_ack_escalation"), escalations);
  EXPECT_EQ(tasks(second->db(), "outage_ack_task"), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutageFollowUp, ::testing::ValuesIn(storage::test_backends("outage_followup_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
