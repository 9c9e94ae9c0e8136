// Key-account identification through the real server on SQLite and PostgreSQL: a run proposes
// changes to the list, reviewers decide each with a reason, an approver applies them; scope,
// roles and refusals on every endpoint.
#include <gtest/gtest.h>

#include <set>

#include "client.hpp"
#include "fixture.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::kPassword;
using lianxin::testing::server_for;
namespace bj = boost::json;

namespace {

std::string id_text(std::int64_t id) { return std::to_string(id); }

std::vector<std::int64_t> item_ids(Client& c, const std::string& run, const std::string& change) {
  auto items = c.get(run + "/items?page_size=500&change=" + change).json();
  std::vector<std::int64_t> ids;
  for (auto& i : items.at("items").as_array()) ids.push_back(i.at("customer_id").as_int64());
  return ids;
}

bj::array json_ids(const std::vector<std::int64_t>& ids) {
  bj::array a;
  for (auto id : ids) a.push_back(id);
  return a;
}

}  // namespace

class KeyAccounts : public lianxin::testing::ServerTest {};

TEST_P(KeyAccounts, ProposalReviewedDecidedAndApplied) {
  auto marketing = as("marketing01");
  auto leader = as("leader01");
  const std::string base = "/api/v1/key-accounts/identification-runs";
  // Only reviewers start a run.
  EXPECT_EQ(leader.post(base, bj::object{}).status, 403);
  EXPECT_EQ(as("am09").post(base, bj::object{}).status, 403);
  EXPECT_EQ(marketing.post(base, bj::object{{"year", 1800}}).status, 422);
  auto started = marketing.post(base, bj::object{{"year", 2026}});
  ASSERT_EQ(started.status, 201) << started.body;
  auto run = started.json();
  const std::string path = base + "/" + id_text(run.at("id").as_int64());
  EXPECT_GT(run.at("candidates").as_int64(), 300);
  EXPECT_EQ(run.at("status").as_string(), "review");
  EXPECT_EQ(run.at("rules").at("top_n").as_int64(), 20);
  auto added = item_ids(marketing, path, "add");
  auto removed = item_ids(marketing, path, "remove");
  EXPECT_EQ(static_cast<std::int64_t>(added.size()), run.at("added").as_int64());
  EXPECT_EQ(static_cast<std::int64_t>(removed.size()), run.at("removed").as_int64());
  ASSERT_FALSE(added.empty());
  // Every proposed addition says why.
  auto first = marketing.get(path + "/items?change=add&page_size=1").json().at("items").as_array().at(0);
  EXPECT_FALSE(first.at("reasons").as_array().empty());

  // Decisions need a reason; apply needs an approver and every change decided.
  auto no_reason = marketing.post(path + "/decisions", bj::object{{"customer_ids", json_ids(added)}, {"decision", "accepted"}, {"reason", ""}});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_NE(no_reason.detail("reason"), "");
  auto stranger = marketing.post(path + "/decisions", bj::object{{"customer_ids", bj::array{999999}}, {"decision", "accepted"}, {"reason", "x"}});
  EXPECT_EQ(stranger.status, 422);
  EXPECT_NE(stranger.detail("customer_ids[0]"), "");
  ASSERT_EQ(marketing.post(path + "/decisions", bj::object{{"customer_ids", json_ids(added)}, {"decision", "accepted"},
                                                          {"reason", "年度评审：用电量居前，纳入大客户"}})
                .status,
            200);
  EXPECT_EQ(marketing.post(path + "/apply", bj::object{}).status, 403);
  if (!removed.empty()) {
    auto pending = leader.post(path + "/apply", bj::object{});
    EXPECT_EQ(pending.status, 409);
    EXPECT_EQ(pending.error_code(), "invalid_transition");
    ASSERT_EQ(marketing.post(path + "/decisions", bj::object{{"customer_ids", json_ids(removed)}, {"decision", "rejected"},
                                                            {"reason", "客户经理反馈仍需重点服务"}})
                  .status,
              200);
  }
  auto applied = leader.post(path + "/apply", bj::object{});
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(applied.json().at("applied_added").as_int64(), static_cast<std::int64_t>(added.size()));
  EXPECT_EQ(applied.json().at("applied_removed").as_int64(), 0);
  EXPECT_EQ(applied.json().at("status").as_string(), "applied");
  EXPECT_EQ(leader.post(path + "/apply", bj::object{}).error_code(), "invalid_transition");
  EXPECT_EQ(marketing.post(path + "/decisions", bj::object{{"customer_ids", json_ids(added)}, {"decision", "rejected"}, {"reason", "x"}})
                .error_code(),
            "invalid_transition");

  // The customer is a key account now, with its history and a timeline entry.
  auto customer = marketing.get("/api/v1/customers/" + id_text(added.front())).json();
  EXPECT_TRUE(customer.at("customer").at("is_key_account").as_bool());
  auto history = marketing.get("/api/v1/customers/" + id_text(added.front()) + "/key-account-history").json();
  ASSERT_EQ(history.at("items").as_array().size(), 1u);
  EXPECT_EQ(history.at("items").as_array().at(0).at("action").as_string(), "added");
  EXPECT_NE(std::string(history.at("items").as_array().at(0).at("reason").as_string()).find("年度评审"), std::string::npos);
  auto timeline = marketing.get("/api/v1/customers/" + id_text(added.front()) + "/timeline").json();
  bool listed = false;
  for (auto& e : timeline.at("items").as_array()) listed = listed || e.at("title").as_string() == "列入大客户名单";
  EXPECT_TRUE(listed);

  // A re-run now keeps them (the diff against the current list).
  auto again = marketing.post(base, bj::object{{"year", 2026}}).json();
  EXPECT_EQ(again.at("added").as_int64(), 0);
  // Kept customers need no decision.
  auto kept = item_ids(marketing, base + "/" + id_text(again.at("id").as_int64()), "keep");
  ASSERT_FALSE(kept.empty());
  auto keep_decision = marketing.post(base + "/" + id_text(again.at("id").as_int64()) + "/decisions",
                                      bj::object{{"customer_ids", bj::array{kept.front()}}, {"decision", "accepted"}, {"reason", "x"}});
  EXPECT_EQ(keep_decision.status, 422);
  EXPECT_NE(keep_decision.detail("customer_ids[0]"), "");
  // A newer run replaces the one still in review.
  auto newer = marketing.post(base, bj::object{{"year", 2026}}).json();
  EXPECT_EQ(marketing.get(base + "/" + id_text(again.at("id").as_int64())).json().at("status").as_string(), "discarded");
  EXPECT_EQ(newer.at("status").as_string(), "review");
}

TEST_P(KeyAccounts, ScopeOfRunsAndItems) {
  auto county = as("county01");  // marketing manager of DC01
  auto marketing = as("marketing01");
  const std::string base = "/api/v1/key-accounts/identification-runs";
  auto city_run = marketing.post(base, bj::object{}).json();
  auto own = county.post(base, bj::object{});
  ASSERT_EQ(own.status, 201) << own.body;
  EXPECT_LT(own.json().at("candidates").as_int64(), city_run.at("candidates").as_int64());
  EXPECT_EQ(county.get(base + "/" + id_text(city_run.at("id").as_int64())).status, 404);
  auto runs = county.get(base).json();
  for (auto& r : runs.at("items").as_array()) EXPECT_NE(r.at("id"), city_run.at("id"));
  // A county manager cannot run for the whole city.
  auto orgs = as("admin").get("/api/v1/org-units").json();
  std::int64_t city = 0;
  for (auto& u : orgs.at("items").as_array())
    if (u.at("code").as_string() == "DC") city = u.at("id").as_int64();
  EXPECT_EQ(county.post(base, bj::object{{"org_unit_id", city}}).status, 422);
  // Account managers (am09 works in DC01) see their bureau's runs, and in them only their own customers.
  auto am = as("am09");
  EXPECT_EQ(am.get(base + "/" + id_text(city_run.at("id").as_int64())).status, 404);
  auto county_items = county.get(base + "/" + id_text(own.json().at("id").as_int64()) + "/items?page_size=500").json();
  auto items = am.get(base + "/" + id_text(own.json().at("id").as_int64()) + "/items?page_size=500").json();
  EXPECT_LT(items.at("total").as_int64(), county_items.at("total").as_int64());
  auto mine = am.get("/api/v1/customers?page_size=200").json();
  std::set<std::int64_t> own_customers;
  for (auto& c : mine.at("items").as_array()) own_customers.insert(c.at("id").as_int64());
  for (auto& i : items.at("items").as_array()) EXPECT_TRUE(own_customers.count(i.at("customer_id").as_int64()));
}

TEST_P(KeyAccounts, ManualChangesNeedAReasonAndAnotherApprover) {
  auto marketing = as("marketing01");
  auto leader = as("leader01");
  auto admin = as("admin");
  // A customer that is not a key account, and one that is.
  auto plain = marketing.get("/api/v1/customers?is_key_account=false&page_size=1").json().at("items").as_array().at(0);
  auto key = marketing.get("/api/v1/customers?is_key_account=true&page_size=1").json().at("items").as_array().at(0);
  const std::string requests = "/api/v1/key-accounts/requests";
  auto no_reason = marketing.post(requests, bj::object{{"customer_id", plain.at("id")}, {"action", "add"}, {"reason", ""}});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_NE(no_reason.detail("reason"), "");
  EXPECT_EQ(marketing.post(requests, bj::object{{"customer_id", key.at("id")}, {"action", "add"}, {"reason", "x"}}).error_code(),
            "invalid_transition");
  EXPECT_EQ(leader.post(requests, bj::object{{"customer_id", plain.at("id")}, {"action", "add"}, {"reason", "x"}}).status, 403);
  auto made = marketing.post(requests, bj::object{{"customer_id", plain.at("id")}, {"action", "add"}, {"reason", "新建数据中心，负荷快速增长"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string request = requests + "/" + id_text(made.json().at("id").as_int64());
  EXPECT_EQ(marketing.post(requests, bj::object{{"customer_id", plain.at("id")}, {"action", "add"}, {"reason", "again"}}).status, 409);
  EXPECT_EQ(marketing.post(request + "/approve", bj::object{}).status, 403);  // reviewers do not approve
  auto pending = leader.get(requests + "?status=pending").json();
  bool listed = false;
  for (auto& r : pending.at("items").as_array()) listed = listed || r.at("id") == made.json().at("id");
  EXPECT_TRUE(listed);
  EXPECT_EQ(leader.post(request + "/approve", bj::object{{"note", "同意"}}).status, 204);
  EXPECT_EQ(leader.post(request + "/approve", bj::object{}).error_code(), "invalid_transition");
  auto customer = marketing.get("/api/v1/customers/" + id_text(plain.at("id").as_int64())).json();
  EXPECT_TRUE(customer.at("customer").at("is_key_account").as_bool());
  auto history = marketing.get("/api/v1/customers/" + id_text(plain.at("id").as_int64()) + "/key-account-history").json();
  const auto& last = history.at("items").as_array().back();
  EXPECT_EQ(last.at("source").as_string(), "manual");
  EXPECT_EQ(last.at("reason").as_string(), "新建数据中心，负荷快速增长");
  // A removal the approver rejects (a reason is required) leaves the list as it was.
  auto removal = marketing.post(requests, bj::object{{"customer_id", key.at("id")}, {"action", "remove"}, {"reason", "用电量下降"}});
  ASSERT_EQ(removal.status, 201);
  const std::string removal_path = requests + "/" + id_text(removal.json().at("id").as_int64());
  EXPECT_EQ(leader.post(removal_path + "/reject", bj::object{}).status, 422);
  EXPECT_EQ(leader.post(removal_path + "/reject", bj::object{{"note", "仍为重要用户"}}).status, 204);
  EXPECT_TRUE(marketing.get("/api/v1/customers/" + id_text(key.at("id").as_int64())).json().at("customer").at("is_key_account").as_bool());
  // An administrator may request and approve, but not approve their own request.
  auto own = admin.post(requests, bj::object{{"customer_id", key.at("id")}, {"action", "remove"}, {"reason", "测试"}});
  ASSERT_EQ(own.status, 201);
  EXPECT_EQ(admin.post(requests + "/" + id_text(own.json().at("id").as_int64()) + "/approve", bj::object{}).status, 403);
  EXPECT_EQ(leader.post(requests + "/" + id_text(own.json().at("id").as_int64()) + "/reject", bj::object{{"note", "不同意"}}).status, 204);
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyAccounts, ::testing::ValuesIn(storage::test_backends("keyaccounts_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
