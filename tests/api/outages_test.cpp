// Outages through the real server on SQLite and PostgreSQL: a topology imported from CSV (a line
// with sections behind switches, transformer areas, a dual-supply account), files with a cycle or
// a dangling reference refused with their rows, the accounts an outage cuts or leaves on one
// source, bad outages refused (end before start, unknown line, outside the planner's bureau), the
// approval flow and the lead-time check that needs a justification.
#include <gtest/gtest.h>

#include "client.hpp"
#include "fixture.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::HttpResult;
namespace bj = boost::json;

class Outages : public lianxin::testing::ServerTest {};

namespace {

std::vector<std::int64_t> rows_naming(const HttpResult& r, const std::string& field) {
  std::vector<std::int64_t> rows;
  const auto body = r.json();
  for (auto& d : body.at("error").at("details").as_array())
    if (d.at("field").as_string() == field) rows.push_back(d.at("row").as_int64());
  return rows;
}

std::string iso_in_days(double days) {
  const auto now = std::chrono::system_clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(days * 86'400'000));
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

TEST_P(Outages, TopologyAffectedAccountsAndApproval) {
  auto admin = as("admin");
  auto planner = as("planner01");
  // Four accounts of four customers.
  std::vector<std::string> account_nos;
  std::vector<std::int64_t> account_ids;
  const auto customers = admin.get("/api/v1/customers?page_size=4").json();
  for (auto& c : customers.at("items").as_array()) {
    const auto view = admin.get("/api/v1/customers/" + std::to_string(c.at("id").as_int64())).json();
    const auto& account = view.at("accounts").as_array().at(0);
    account_nos.emplace_back(account.at("account_no").as_string());
    account_ids.push_back(account.at("id").as_int64());
  }
  ASSERT_EQ(account_nos.size(), 4u);

  const std::string header = "类型,编码,名称,上级编码,电压等级kV,开关编号,容量kVA,电源序号\n";
  auto upload = [&](Client& c, const std::string& body) {
    return c.request("POST", "/api/v1/topology/imports?file_name=gis.csv", body, "text/csv");
  };
  // A cycle, a dangling reference and an unknown account: refused with their rows, nothing written.
  auto refused = upload(planner, header +
                                     "变电站,T-SUB,测试变,DC01,110,,,\n"
                                     "线路,T-L1,测试一线,T-SUB,10,,,\n"
                                     "分段,T-X1,环一,T-X2,,K1,,\n"
                                     "分段,T-X2,环二,T-X1,,K2,,\n"
                                     "台区,T-AX,悬空台区,T-NOPE,,,400,\n"
                                     "户号,0000000000,,T-L1,,,,1\n");
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(rows_naming(refused, "parent"), (std::vector<std::int64_t>{4, 5, 6}));
  EXPECT_EQ(rows_naming(refused, "code"), std::vector<std::int64_t>{7});
  EXPECT_EQ(admin.get("/api/v1/topology/substations").body.find("T-SUB"), std::string::npos);
  EXPECT_EQ(as("dispatcher01").request("POST", "/api/v1/topology/imports", header, "text/csv").status, 403);

  // Line T-L1: S1 (behind the breaker) → S2 → S3; area A1 on S2, A2 on S3. Line T-L2 is the second
  // source of account 2. Account 3 hangs on S1, upstream of the switch of S2.
  const std::string topology = header +
                               "变电站,T-SUB,测试变,DC01,110,,,\n"
                               "线路,T-L1,测试一线,T-SUB,10,,,\n"
                               "线路,T-L2,测试二线,T-SUB,10,,,\n"
                               "分段,T-S1,一线1段,T-L1,,K-1,,\n"
                               "分段,T-S3,一线3段,T-S2,,K-3,,\n"  // before its parent: the order of the file does not matter
                               "分段,T-S2,一线2段,T-S1,,K-2,,\n"
                               "台区,T-A1,一号台区,T-S2,,,630,\n"
                               "台区,T-A2,二号台区,T-S3,,,400,\n"
                               "户号," + account_nos[0] + ",,T-A1,,,,1\n"
                               "户号," + account_nos[1] + ",,T-S3,,,,1\n"
                               "户号," + account_nos[1] + ",,T-L2,,,,2\n"
                               "户号," + account_nos[2] + ",,T-S1,,,,1\n"
                               "户号," + account_nos[3] + ",,T-A2,,,,1\n";
  auto imported = upload(planner, topology);
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(imported.json().at("inserted").as_int64(), 9);  // 8 nodes and the second source
  EXPECT_EQ(imported.json().at("updated").as_int64(), 4);   // the first sources of the four accounts
  auto again = upload(planner, topology);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("unchanged").as_int64(), 13);

  std::int64_t l1 = 0, l2 = 0;
  const auto subs = planner.get("/api/v1/topology/substations").json();
  for (auto& s : subs.at("items").as_array())
    for (auto& l : s.at("lines").as_array()) {
      if (l.at("code").as_string() == "T-L1") l1 = l.at("id").as_int64();
      if (l.at("code").as_string() == "T-L2") l2 = l.at("id").as_int64();
    }
  ASSERT_NE(l1, 0);
  const auto tree = planner.get("/api/v1/topology/lines/" + std::to_string(l1)).json();
  ASSERT_EQ(tree.at("sections").as_array().size(), 3u);
  std::int64_t s2 = 0;
  for (auto& s : tree.at("sections").as_array())
    if (s.at("code").as_string() == "T-S2") s2 = s.at("id").as_int64();

  // Bad outages.
  bj::object good{{"kind", "planned"}, {"title", "测试一线2段检修"}, {"requester", "maintenance"}, {"work", "更换K-2开关"},
                  {"planned_start", iso_in_days(3)}, {"planned_end", iso_in_days(3.3)},
                  {"scope", bj::object{{"sections", bj::array{s2}}}}};
  auto bad = good;
  bad["planned_end"] = iso_in_days(2);
  bad["scope"] = bj::object{{"lines", bj::array{999999}}};
  auto refused_outage = planner.post("/api/v1/outages", bad);
  EXPECT_EQ(refused_outage.status, 422);
  EXPECT_NE(refused_outage.detail("planned_end"), "");
  EXPECT_NE(refused_outage.detail("scope.lines"), "");
  // A planner of another county may not plan on this line.
  ASSERT_EQ(admin.post("/api/v1/users", bj::object{{"username", "planner_dc02"}, {"display_name", "西山计划"}, {"password", "Planner@2026"},
                                                  {"role", "outage_planner"}, {"org_unit_id", [&] {
                                                     const auto units = admin.get("/api/v1/org-units").json();
                                                     for (auto& u : units.at("items").as_array())
                                                       if (u.at("code").as_string() == "DC02") return u.at("id").as_int64();
                                                     return std::int64_t{0};
                                                   }()}})
                .status,
            201);
  Client other(port);
  ASSERT_EQ(other.login("planner_dc02", "Planner@2026").status, 200);
  auto outside = good;
  outside["scope"] = bj::object{{"lines", bj::array{l1}}};
  auto refused_scope = other.post("/api/v1/outages", outside);
  EXPECT_EQ(refused_scope.status, 422);
  EXPECT_NE(refused_scope.detail("scope.lines"), "");

  // Section 2 out: account 1 (area on S2) and 4 (area on S3, downstream) are cut, account 2 runs on
  // its second source, account 3 upstream keeps its supply.
  auto created = planner.post("/api/v1/outages", good);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string outage = "/api/v1/outages/" + std::to_string(created.json().at("id").as_int64());
  EXPECT_EQ(created.json().at("status").as_string(), "draft");
  EXPECT_EQ(as("leader01").post(outage + "/approve", bj::object{}).status, 409);  // not checked yet
  auto checked = planner.post(outage + "/check", bj::object{});
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_EQ(checked.json().at("accounts_out").as_int64(), 2);
  EXPECT_EQ(checked.json().at("accounts_on_one_source").as_int64(), 1);
  auto affected = planner.get(outage + "/affected").json();
  std::map<std::int64_t, std::string> effect;
  for (auto& a : affected.at("items").as_array()) effect[a.at("account_id").as_int64()] = std::string(a.at("effect").as_string());
  EXPECT_EQ(effect[account_ids[0]], "out");
  EXPECT_EQ(effect[account_ids[1]], "one_source");
  EXPECT_EQ(effect.count(account_ids[2]), 0u);
  EXPECT_EQ(effect[account_ids[3]], "out");

  // Three days' notice for a planned outage (seven are due): the approval needs a justification.
  EXPECT_TRUE(checked.json().at("lead_check").at("short").as_bool());
  EXPECT_EQ(planner.post(outage + "/approve", bj::object{}).status, 403);  // planners do not approve
  auto leader = as("leader01");
  auto unjustified = leader.post(outage + "/approve", bj::object{});
  EXPECT_EQ(unjustified.status, 422);
  EXPECT_NE(unjustified.detail("justification"), "");
  auto approved = leader.post(outage + "/approve", bj::object{{"justification", "开关缺陷危及安全，须尽快更换"}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json().at("status").as_string(), "approved");
  EXPECT_EQ(approved.json().at("lead_justification").as_string(), "开关缺陷危及安全，须尽快更换");
  EXPECT_EQ(planner.post(outage + "/restore", bj::object{}).status, 409);  // not started
  ASSERT_EQ(planner.post(outage + "/start", bj::object{}).status, 200);
  auto restored = planner.post(outage + "/restore", bj::object{});
  ASSERT_EQ(restored.status, 200);
  EXPECT_EQ(restored.json().at("status").as_string(), "restored");

  // Both lines out: the dual-supply account is cut too. Ten days ahead: no justification needed.
  auto both = good;
  both["planned_start"] = iso_in_days(10);
  both["planned_end"] = iso_in_days(10.2);
  both["scope"] = bj::object{{"lines", bj::array{l2}}, {"sections", bj::array{s2}}};
  auto second = planner.post("/api/v1/outages", both);
  ASSERT_EQ(second.status, 201);
  const std::string outage2 = "/api/v1/outages/" + std::to_string(second.json().at("id").as_int64());
  auto checked2 = planner.post(outage2 + "/check", bj::object{});
  EXPECT_EQ(checked2.json().at("accounts_out").as_int64(), 3);
  EXPECT_FALSE(checked2.json().at("lead_check").at("short").as_bool());
  EXPECT_EQ(leader.post(outage2 + "/approve", bj::object{}).status, 200);
  auto list = planner.get("/api/v1/outages?status=approved").json();
  EXPECT_EQ(list.at("total").as_int64(), 1);

  // The notice plan: an SMS to every contact who takes outage notices of the three customers cut.
  const auto plan = planner.get(outage2 + "/notices?page_size=200").json();
  ASSERT_TRUE(plan.at("board").as_object().contains("sms")) << bj::serialize(plan);
  EXPECT_GE(plan.at("board").at("sms").at("planned").as_int64(), 3);
  for (auto& n : plan.at("items").as_array()) {
    const std::string text(n.at("text").as_string());
    EXPECT_NE(text.find("停电"), std::string::npos);
    EXPECT_NE(text.find("联系"), std::string::npos);  // whom to call
  }
  auto notified = planner.post(outage2 + "/notify", bj::object{});
  ASSERT_EQ(notified.status, 200) << notified.body;
  EXPECT_EQ(notified.json().at("status").as_string(), "notified");
  EXPECT_EQ(planner.post(outage2 + "/notify", bj::object{}).status, 409);
  // Each SMS in the outbox carries its own confirmation link; the customer confirms without logging in.
  const std::string id2 = std::to_string(second.json().at("id").as_int64());
  const auto outbox = admin.get("/api/v1/outbox?kind=outage_notice&ref_id=" + id2).json();
  ASSERT_GE(outbox.at("items").as_array().size(), 3u);
  const std::string url(outbox.at("items").at(0).at("params").at("url").as_string());
  const std::string token = url.substr(url.rfind('/') + 1);
  Client customer(port);
  auto seen = customer.get("/api/v1/public/outage-ack/" + token);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_TRUE(seen.json().at("acknowledged_at").is_null());
  auto confirmed = customer.post("/api/v1/public/outage-ack/" + token, bj::object{});
  ASSERT_EQ(confirmed.status, 200);
  const std::string first(confirmed.json().at("acknowledged_at").as_string());
  EXPECT_EQ(std::string(customer.post("/api/v1/public/outage-ack/" + token, bj::object{}).json().at("acknowledged_at").as_string()), first);
  EXPECT_EQ(customer.get("/api/v1/public/outage-ack/not-a-token").status, 404);
  EXPECT_EQ(planner.get(outage2 + "/notices?status=acknowledged").json().at("total").as_int64(), 1);
  // A call logged by staff confirms another; a posting is for posting notices only.
  const auto sent = planner.get(outage2 + "/notices?status=sent&channel=sms").json();
  const std::int64_t other_notice = sent.at("items").at(0).at("id").as_int64();
  const std::string ack = "/api/v1/outage-notices/" + std::to_string(other_notice);
  EXPECT_EQ(admin.post(ack + "/ack", bj::object{{"via", "pigeon"}}).status, 422);
  EXPECT_EQ(planner.post(ack + "/ack", bj::object{{"via", "call"}}).status, 403);  // planners do not log calls
  EXPECT_EQ(admin.post(ack + "/ack", bj::object{{"via", "call"}}).status, 200);
  EXPECT_EQ(admin.post(ack + "/ack", bj::object{{"via", "call"}}).status, 200);  // twice is harmless
  EXPECT_EQ(admin.post(ack + "/posting", bj::object{{"place", "厂区大门"}}).status, 409);
  EXPECT_EQ(planner.get(outage2 + "/notices?status=acknowledged").json().at("total").as_int64(), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, Outages, ::testing::ValuesIn(storage::test_backends("outages_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
