// API tests against a real server on port 0, on SQLite and (when configured) PostgreSQL.
// Each backend gets one server with a small reproducible demo dataset.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <memory>
#include <thread>

#include "app/demo.hpp"
#include "app/wiring.hpp"
#include "client.hpp"
#include "auth/guard.hpp"
#include "common/errors.hpp"
#include "customers/import.hpp"
#include "customers/rules.hpp"
#include "customers/service.hpp"
#include "spdlog/spdlog.h"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
using lianxin::testing::HttpResult;
namespace bj = boost::json;

namespace {

const std::string kPassword = "Lianxin@2026";

struct Running {
  std::unique_ptr<app::Instance> instance;
  unsigned short port = 0;
};

std::map<std::string, Running>& servers() {
  static std::map<std::string, Running> map;
  return map;
}

unsigned short server_for(const std::string& url) {
  auto& s = servers()[url];
  if (!s.instance) {
    spdlog::set_level(spdlog::level::warn);  // keep test output readable
    app::Config config;
    config.db = url;
    config.port = 0;
    config.static_dir = "";
    config.threads = 4;
    s.instance = std::make_unique<app::Instance>(config);
    app::DemoOptions demo;
    demo.customers = 400;
    demo.key_accounts = 40;
    demo.claims = 0;  // claim tests make their own
    app::seed_demo(s.instance->db(), demo);
    s.port = s.instance->start();
  }
  return s.port;
}

std::string valid_credit_code(int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "91530100T%08d", n);
  std::string base(buf);
  return base + customers::credit_code_check_char(base);
}

std::int64_t org_id(Client& admin, const std::string& code) {
  auto r = admin.get("/api/v1/org-units").json();
  for (auto& u : r.at("items").as_array())
    if (u.at("code").as_string() == code) return u.at("id").as_int64();
  throw std::runtime_error("no org unit " + code);
}

std::int64_t user_id(Client& admin, const std::string& username) {
  auto r = admin.get("/api/v1/users?q=" + username).json();
  for (auto& u : r.at("items").as_array())
    if (u.at("username").as_string() == username) return u.at("id").as_int64();
  throw std::runtime_error("no user " + username);
}

// Waits for an import job to finish and returns its final state.
bj::value wait_import(Client& c, std::int64_t id) {
  for (int i = 0; i < 600; ++i) {
    auto r = c.get("/api/v1/imports/" + std::to_string(id));
    auto v = r.json();
    std::string status(v.at("status").as_string());
    if (status != "validating" && status != "importing" && status != "queued") return v;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("import did not finish");
}

}  // namespace

class Api : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    port = server_for(GetParam());
    admin = std::make_unique<Client>(port);
    ASSERT_EQ(admin->login("admin", kPassword).status, 200);
  }
  Client fresh() { return Client(port); }
  Client as(const std::string& user) {
    Client c(port);
    auto r = c.login(user, kPassword);
    EXPECT_EQ(r.status, 200) << r.body;
    return c;
  }
  std::int64_t create_customer(Client& c, const std::string& name, const std::string& org_code, int code_n,
                               bj::object extra = {}) {
    bj::object body{{"name", name}, {"credit_code", valid_credit_code(code_n)}, {"org_unit_id", org_id(*admin, org_code)},
                    {"industry_code", "32"}};
    for (auto& kv : extra) body[kv.key()] = kv.value();
    auto r = c.post("/api/v1/customers", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }
  unsigned short port = 0;
  std::unique_ptr<Client> admin;
};

TEST_P(Api, HealthAndOpenApi) {
  auto c = fresh();
  auto h = c.get("/api/v1/health");
  ASSERT_EQ(h.status, 200);
  EXPECT_EQ(h.json().at("status").as_string(), "ok");
  EXPECT_EQ(h.json().at("database").as_string(), storage::backend_label(GetParam()));
  auto spec = c.get("/api/v1/openapi.json");
  ASSERT_EQ(spec.status, 200);
  EXPECT_TRUE(spec.json().at("paths").as_object().contains("/api/v1/customers"));
}

TEST_P(Api, EveryRouteIsInTheOpenApiDocument) {
  auto spec = fresh().get("/api/v1/openapi.json").json();
  auto& paths = spec.at("paths").as_object();
  auto& instance = *servers()[GetParam()].instance;
  for (auto& [method, pattern] : instance.routes()) {
    ASSERT_TRUE(paths.contains(pattern)) << pattern << " missing from docs/openapi.yaml";
    std::string lower = method;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_TRUE(paths.at(pattern).as_object().contains(lower)) << method << " " << pattern << " missing from docs/openapi.yaml";
  }
}

TEST_P(Api, LoginLogoutAndSessionCookie) {
  auto c = fresh();
  auto bad = c.login("admin", "wrong-password-1");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.error_code(), "unauthenticated");
  auto unknown = c.login("nobody", "whatever123");
  EXPECT_EQ(unknown.status, 401);
  auto ok = c.login("dispatcher01", kPassword);
  ASSERT_EQ(ok.status, 200);
  EXPECT_NE(ok.headers["set-cookie"].find("HttpOnly"), std::string::npos);
  EXPECT_NE(ok.headers["set-cookie"].find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(ok.json().at("user").at("role").as_string(), "service_dispatcher");
  EXPECT_EQ(c.get("/api/v1/auth/me").status, 200);
  EXPECT_EQ(c.request("POST", "/api/v1/auth/logout").status, 204);
  EXPECT_EQ(c.get("/api/v1/auth/me").status, 401);
  EXPECT_EQ(fresh().get("/api/v1/customers").status, 401);
}

TEST_P(Api, LockoutAfterRepeatedFailuresAndAdminUnlock) {
  auto c = fresh();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.login("planner01", "bad-password-" + std::to_string(i)).status, 401);
  auto locked = c.login("planner01", kPassword);  // even the right password is refused while locked
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.error_code(), "account_locked");
  auto id = user_id(*admin, "planner01");
  EXPECT_EQ(admin->request("POST", "/api/v1/users/" + std::to_string(id) + "/unlock").status, 200);
  EXPECT_EQ(c.login("planner01", kPassword).status, 200);
}

TEST_P(Api, CsrfHeaderIsRequiredForCookieWrites) {
  auto c = as("marketing01");
  c.forget_csrf();
  auto r = c.post("/api/v1/customers", bj::object{{"name", "x"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "csrf_failed");
}

TEST_P(Api, BadInputGetsClearErrors) {
  auto& c = *admin;
  auto unknown = c.get("/api/v1/no-such-thing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.error_code(), "not_found");
  EXPECT_FALSE(unknown.json().at("error").at("request_id").as_string().empty());
  auto malformed = c.request("POST", "/api/v1/customers", "{\"name\": ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.error_code(), "invalid_json");
  auto not_object = c.request("POST", "/api/v1/customers", "[1,2]");
  EXPECT_EQ(not_object.error_code(), "invalid_json");
  auto wrong_type = c.post("/api/v1/customers", bj::object{{"name", 12}, {"org_unit_id", "abc"}});
  EXPECT_EQ(wrong_type.status, 422);
  EXPECT_EQ(wrong_type.detail("name"), "must be a string");
  EXPECT_EQ(wrong_type.detail("org_unit_id"), "must be an integer");
  auto missing = c.post("/api/v1/customers", bj::object{});
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.detail("name"), "is required");
  EXPECT_EQ(missing.detail("org_unit_id"), "is required");
  auto bad_code = c.post("/api/v1/customers", bj::object{{"name", "某公司"}, {"credit_code", "91530100MA6K8L3X20"},
                                                         {"org_unit_id", org_id(c, "DC01")}});
  EXPECT_EQ(bad_code.status, 422);
  EXPECT_NE(bad_code.detail("credit_code"), "");
  auto huge = c.request("POST", "/api/v1/customers", std::string(17 * 1024 * 1024, 'x'));
  EXPECT_EQ(huge.status, 413);
  auto bad_page = c.get("/api/v1/customers?page=0");
  EXPECT_EQ(bad_page.status, 422);
  EXPECT_NE(bad_page.detail("page"), "");
  EXPECT_EQ(c.get("/api/v1/customers/abc").status, 404);
  EXPECT_EQ(c.request("DELETE", "/api/v1/customers").status, 405);
  auto bad_utf8 = c.request("POST", "/api/v1/customers", std::string("{\"name\":\"\xC3\x28\"}"));
  EXPECT_EQ(bad_utf8.error_code(), "invalid_json");
}

TEST_P(Api, CustomerLifecycleIsValidatedAndAudited) {
  auto c = as("marketing01");
  std::string hostile = "'; drop table customers; -- <script>alert(1)</script>";
  auto id = create_customer(c, hostile, "DC01", 1001, {{"tags", bj::array{"冶金", "冶金", " 高耗能 "}}});
  ASSERT_GT(id, 0);
  auto got = c.get("/api/v1/customers/" + std::to_string(id));
  ASSERT_EQ(got.status, 200);
  auto customer = got.json().at("customer");
  EXPECT_EQ(customer.at("name").as_string(), hostile);  // stored and returned as text, not interpreted
  EXPECT_EQ(customer.at("tags").as_array().size(), 2u);
  auto duplicate = c.post("/api/v1/customers", bj::object{{"name", "重复"}, {"credit_code", valid_credit_code(1001)},
                                                          {"org_unit_id", org_id(*admin, "DC01")}});
  EXPECT_EQ(duplicate.status, 422);
  EXPECT_NE(duplicate.detail("credit_code"), "");
  // Optimistic locking.
  auto version = customer.at("version").as_int64();
  auto updated = c.patch("/api/v1/customers/" + std::to_string(id), bj::object{{"address", "滇池市人民路1号"}, {"version", version}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  auto stale = c.patch("/api/v1/customers/" + std::to_string(id), bj::object{{"address", "别处"}, {"version", version}});
  EXPECT_EQ(stale.status, 409);
  auto no_version = c.patch("/api/v1/customers/" + std::to_string(id), bj::object{{"address", "别处"}});
  EXPECT_EQ(no_version.status, 422);
  // Account and contact with validation.
  auto bad_account = c.post("/api/v1/customers/" + std::to_string(id) + "/accounts",
                            bj::object{{"account_no", "12"}, {"voltage_level", "9kV"}, {"tariff_category", "ci_two_part"}});
  EXPECT_EQ(bad_account.status, 422);
  EXPECT_NE(bad_account.detail("account_no"), "");
  EXPECT_NE(bad_account.detail("voltage_level"), "");
  auto account = c.post("/api/v1/customers/" + std::to_string(id) + "/accounts",
                        bj::object{{"account_no", "9900001001"}, {"voltage_level", "10kV"}, {"tariff_category", "ci_two_part"},
                                   {"contract_capacity_kva", 2000}, {"basic_charge_mode", "capacity"}});
  ASSERT_EQ(account.status, 201) << account.body;
  auto dup_account = c.post("/api/v1/customers/" + std::to_string(id) + "/accounts",
                            bj::object{{"account_no", "9900001001"}, {"voltage_level", "10kV"}, {"tariff_category", "ci_two_part"}});
  EXPECT_EQ(dup_account.status, 422);
  EXPECT_NE(dup_account.detail("account_no"), "");
  auto bad_contact = c.post("/api/v1/customers/" + std::to_string(id) + "/contacts",
                            bj::object{{"name", "张三"}, {"role", "electrical_officer"}, {"mobile", "12345"}});
  EXPECT_EQ(bad_contact.status, 422);
  EXPECT_NE(bad_contact.detail("mobile"), "");
  auto contact = c.post("/api/v1/customers/" + std::to_string(id) + "/contacts",
                        bj::object{{"name", "张三"}, {"role", "electrical_officer"}, {"mobile", "+86 139-0000-1001"},
                                   {"notice_types", bj::array{"outage"}}});
  ASSERT_EQ(contact.status, 201) << contact.body;
  // 360 shows it all; the timeline has every change.
  auto view = c.get("/api/v1/customers/" + std::to_string(id)).json();
  EXPECT_EQ(view.at("accounts").as_array().size(), 1u);
  EXPECT_EQ(view.at("contacts").as_array().at(0).at("mobile").as_string(), "13900001001");
  auto timeline = c.get("/api/v1/customers/" + std::to_string(id) + "/timeline").json();
  EXPECT_GE(timeline.at("total").as_int64(), 4);
  // Audit: who, before -> after.
  auto audit = as("auditor01").get("/api/v1/audit?entity=customer&entity_id=" + std::to_string(id) + "&action=update");
  ASSERT_EQ(audit.status, 200);
  auto audit_json = audit.json();
  auto& entries = audit_json.at("items").as_array();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].at("username").as_string(), "marketing01");
  EXPECT_TRUE(entries[0].at("before").at("address").is_null());
  EXPECT_EQ(entries[0].at("after").at("address").as_string(), "滇池市人民路1号");
  EXPECT_EQ(as("am01").get("/api/v1/audit").status, 403);
}

TEST_P(Api, ScopeHidesEverythingOutsideIt) {
  // A customer in county DC02, and a county DC01 user: no trace of it anywhere.
  auto id = create_customer(*admin, "西山隐秘测试化工有限公司", "DC02", 2001);
  auto contact = admin->post("/api/v1/customers/" + std::to_string(id) + "/contacts",
                             bj::object{{"name", "刘五"}, {"role", "duty_room"}, {"mobile", "13700002001"}});
  ASSERT_EQ(contact.status, 201);
  auto county = as("county01");
  EXPECT_EQ(county.get("/api/v1/customers/" + std::to_string(id)).status, 404);
  EXPECT_EQ(county.get("/api/v1/customers/" + std::to_string(id) + "/timeline").status, 404);
  EXPECT_EQ(county.get("/api/v1/search?q=xsymcs").json().at("items").as_array().size(), 0u);
  EXPECT_EQ(county.get("/api/v1/search?q=" "%E9%9A%90%E7%A7%98").json().at("items").as_array().size(), 0u);  // 隐秘
  EXPECT_EQ(county.get("/api/v1/lookup?phone=13700002001").json().at("items").as_array().size(), 0u);
  auto list = county.get("/api/v1/customers?q=%E9%9A%90%E7%A7%98");
  EXPECT_EQ(list.json().at("total").as_int64(), 0);
  auto patch = county.patch("/api/v1/customers/" + std::to_string(id), bj::object{{"address", "x"}, {"version", 1}});
  EXPECT_EQ(patch.status, 404);
  // The admin sees it by every route.
  EXPECT_EQ(admin->get("/api/v1/customers/" + std::to_string(id)).status, 200);
  EXPECT_EQ(admin->get("/api/v1/search?q=xsymcs").json().at("items").as_array().size(), 1u);
  EXPECT_EQ(admin->get("/api/v1/lookup?phone=13700002001").json().at("items").as_array().size(), 1u);
}

TEST_P(Api, AccountManagersSeeOnlyAssignedCustomers) {
  auto am = as("am02");
  auto mine = am.get("/api/v1/customers?page_size=200").json();
  auto am_id = user_id(*admin, "am02");
  ASSERT_GT(mine.at("total").as_int64(), 0);
  for (auto& c : mine.at("items").as_array()) {
    bool assigned = (c.at("manager_id").is_int64() && c.at("manager_id").as_int64() == am_id) ||
                    (c.at("backup_manager_id").is_int64() && c.at("backup_manager_id").as_int64() == am_id);
    EXPECT_TRUE(assigned) << c.at("name").as_string();
  }
  auto all = admin->get("/api/v1/customers?page_size=1").json().at("total").as_int64();
  EXPECT_LT(mine.at("total").as_int64(), all);
  // An unassigned customer is invisible to the manager.
  auto other = create_customer(*admin, "未分配测试商贸有限公司", "DC01", 3001);
  EXPECT_EQ(am.get("/api/v1/customers/" + std::to_string(other)).status, 404);
  // The export holds exactly what the list shows.
  auto xlsx = am.get("/api/v1/customers/export");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.compare(0, 2, "PK"), 0);
}

TEST_P(Api, SearchFindsByNamePinyinTraditionalNumbers) {
  auto id = create_customer(*admin, "云南锡业股份有限公司", "DC01", 4001);
  auto acc = admin->post("/api/v1/customers/" + std::to_string(id) + "/accounts",
                         bj::object{{"account_no", "5300012345"}, {"voltage_level", "110kV"}, {"tariff_category", "ci_two_part"}});
  ASSERT_EQ(acc.status, 201);
  auto found = [&](const std::string& q) {
    auto r = admin->get("/api/v1/search?limit=50&q=" + q);
    EXPECT_EQ(r.status, 200) << r.body;
    auto v = r.json();
    for (auto& item : v.at("items").as_array())
      if (item.at("id").as_int64() == id) return true;
    return false;
  };
  EXPECT_TRUE(found("%E9%94%A1%E4%B8%9A"));                    // 锡业 (a common fragment: among the first 50)
  // A name starting with the text comes before other matches.
  auto first = admin->get("/api/v1/search?q=%E4%BA%91%E5%8D%97%E9%94%A1").json();  // 云南锡
  ASSERT_FALSE(first.at("items").as_array().empty());
  EXPECT_EQ(first.at("items").at(0).at("id").as_int64(), id);
  EXPECT_TRUE(found("ynxy"));
  EXPECT_TRUE(found("yunnanxiye"));
  EXPECT_TRUE(found("%E9%9B%B2%E5%8D%97%E9%8C%AB%E6%A5%AD"));  // 雲南錫業
  EXPECT_TRUE(found("5300012345"));
  EXPECT_TRUE(found(valid_credit_code(4001)));
  EXPECT_FALSE(found("zzzz"));
  // Hostile search text never breaks the query.
  auto hostile = admin->get("/api/v1/search?q=%22%3B%20drop%20table%20customers%3B%20--");
  EXPECT_EQ(hostile.status, 200);
  EXPECT_EQ(admin->get("/api/v1/search?q=").status, 422);
}

TEST_P(Api, ScreenPopLookupByPhone) {
  auto id = create_customer(*admin, "金马来电测试钢铁有限公司", "DC05", 5001, {{"is_key_account", true}});
  admin->post("/api/v1/customers/" + std::to_string(id) + "/contacts",
              bj::object{{"name", "周六"}, {"role", "duty_room"}, {"mobile", "13600005001"}});
  auto interaction = admin->post("/api/v1/customers/" + std::to_string(id) + "/interactions",
                                 bj::object{{"kind", "call"}, {"title", "来电咨询"}, {"follow_up_due", "2030-01-01"}});
  ASSERT_EQ(interaction.status, 201) << interaction.body;
  auto dispatcher = as("dispatcher01");
  auto r = dispatcher.get("/api/v1/lookup?phone=136-0000-5001");
  ASSERT_EQ(r.status, 200);
  auto r_json = r.json();
  auto& items = r_json.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(items[0].at("is_key_account").as_bool());
  EXPECT_EQ(items[0].at("open_items").as_int64(), 1);
  EXPECT_EQ(items[0].at("contact_name").as_string(), "周六");
  EXPECT_EQ(dispatcher.get("/api/v1/lookup?phone=12").status, 422);
  // Closing the follow-up clears the open item.
  auto event = interaction.json().at("id").as_int64();
  EXPECT_EQ(dispatcher.request("POST", "/api/v1/timeline/" + std::to_string(event) + "/close-follow-up").status, 204);
  EXPECT_EQ(dispatcher.get("/api/v1/lookup?phone=13600005001").json().at("items").at(0).at("open_items").as_int64(), 0);
}

TEST_P(Api, ApiKeysForIntegrations) {
  auto created = admin->post("/api/v1/api-keys", bj::object{{"name", "call centre"}, {"user_id", user_id(*admin, "dispatcher01")}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string key(created.json().at("key").as_string());
  Client integration(port);
  integration.set_api_key(key);
  EXPECT_EQ(integration.get("/api/v1/lookup?phone=13800000000").status, 200);
  EXPECT_EQ(integration.get("/api/v1/users").status, 403);  // a dispatcher's key is not an admin
  Client wrong(port);
  wrong.set_api_key(key.substr(0, key.size() - 2) + "xx");
  EXPECT_EQ(wrong.get("/api/v1/lookup?phone=13800000000").status, 401);
  auto id = created.json().at("id").as_int64();
  EXPECT_EQ(admin->request("DELETE", "/api/v1/api-keys/" + std::to_string(id)).status, 204);
  EXPECT_EQ(integration.get("/api/v1/lookup?phone=13800000000").status, 401);
}

TEST_P(Api, MergeDuplicatesAndDeactivate) {
  auto keep = create_customer(*admin, "南湖合并测试水泥有限公司", "DC03", 6001);
  auto dup_body = bj::object{{"name", "南湖合并测试水泥公司"}, {"org_unit_id", org_id(*admin, "DC03")}};
  auto dup = admin->post("/api/v1/customers", dup_body).json().at("id").as_int64();
  admin->post("/api/v1/customers/" + std::to_string(dup) + "/accounts",
              bj::object{{"account_no", "9900006002"}, {"voltage_level", "10kV"}, {"tariff_category", "ci_single"}});
  auto bad = admin->post("/api/v1/customers/" + std::to_string(keep) + "/merge", bj::object{{"duplicate_id", keep}, {"reason", "x"}});
  EXPECT_EQ(bad.status, 422);
  auto merged = admin->post("/api/v1/customers/" + std::to_string(keep) + "/merge",
                            bj::object{{"duplicate_id", dup}, {"reason", "同一法人重复建档"}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(merged.json().at("accounts").as_array().size(), 1u);
  EXPECT_EQ(admin->get("/api/v1/customers/" + std::to_string(dup)).json().at("customer").at("status").as_string(), "merged");
  auto no_reason = admin->post("/api/v1/customers/" + std::to_string(keep) + "/deactivate", bj::object{});
  EXPECT_EQ(no_reason.status, 422);
  auto off = admin->post("/api/v1/customers/" + std::to_string(keep) + "/deactivate", bj::object{{"reason", "销户"}});
  ASSERT_EQ(off.status, 200);
  EXPECT_EQ(off.json().at("status").as_string(), "inactive");
}

TEST_P(Api, ImportIsAllOrNothingAndIdempotent) {
  auto c = as("marketing01");
  std::string header = "客户名称*,统一社会信用代码*,行业代码,所属单位编码*,是否大客户,客户经理账号\n";
  std::string good1 = "导入测试一号有限公司," + valid_credit_code(7001) + ",32,DC01,是,am01\n";
  std::string bad = "导入测试二号有限公司,BADCODE,32,DC01,否,\n";
  std::string good3 = "导入测试三号有限公司," + valid_credit_code(7003) + ",99,DC01,否,\n";  // 99 is no industry
  auto start = [&](const std::string& body, const std::string& mode) {
    auto r = c.request("POST", "/api/v1/imports?kind=customers&mode=" + mode + "&file_name=t.csv", body, "text/csv");
    EXPECT_EQ(r.status, 202) << r.body;
    return wait_import(c, r.json().at("id").as_int64());
  };
  auto failed = start(header + good1 + bad + good3, "all_or_nothing");
  EXPECT_EQ(failed.at("status").as_string(), "failed");
  auto& errors = failed.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("row").as_int64(), 3);
  EXPECT_EQ(errors[0].at("field").as_string(), "credit_code");
  EXPECT_EQ(errors[1].at("row").as_int64(), 4);
  EXPECT_EQ(errors[1].at("field").as_string(), "industry_code");
  EXPECT_EQ(admin->get("/api/v1/search?q=drcsyh").json().at("items").as_array().size(), 0u);  // nothing half-written
  // valid_rows imports only the good row.
  auto partial = start(header + good1 + bad, "valid_rows");
  EXPECT_EQ(partial.at("status").as_string(), "succeeded");
  EXPECT_EQ(partial.at("inserted").as_int64(), 1);
  // Re-import updates by credit code, no duplicates.
  std::string fixed = header + good1 + "导入测试三号有限公司," + valid_credit_code(7003) + ",30,DC01,否,\n";
  auto ok = start(fixed, "all_or_nothing");
  EXPECT_EQ(ok.at("status").as_string(), "succeeded");
  EXPECT_EQ(ok.at("inserted").as_int64(), 1);
  EXPECT_EQ(ok.at("updated").as_int64(), 1);
  auto again = start(fixed, "all_or_nothing");
  EXPECT_EQ(again.at("inserted").as_int64(), 0);
  EXPECT_EQ(again.at("updated").as_int64(), 2);
  EXPECT_EQ(admin->get("/api/v1/customers?q=%E5%AF%BC%E5%85%A5%E6%B5%8B%E8%AF%95").json().at("total").as_int64(), 2);  // 导入测试
  // Broken files.
  auto not_utf8 = start(header + "\xB5\xBC\xC8\xEB," + valid_credit_code(7009) + ",32,DC01,否,\n", "all_or_nothing");
  EXPECT_EQ(not_utf8.at("status").as_string(), "failed");
  auto template_xlsx = c.get("/api/v1/imports/template?kind=customers&format=xlsx");
  ASSERT_EQ(template_xlsx.status, 200);
  auto truncated = c.request("POST", "/api/v1/imports?kind=customers&file_name=t.xlsx",
                             template_xlsx.body.substr(0, template_xlsx.body.size() / 2),
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  auto t = wait_import(c, truncated.json().at("id").as_int64());
  EXPECT_EQ(t.at("status").as_string(), "failed");
  EXPECT_EQ(t.at("errors").at(0).at("field").as_string(), "file");
  EXPECT_EQ(c.request("POST", "/api/v1/imports?kind=bills", "x", "text/csv").status, 422);
  EXPECT_EQ(as("dispatcher01").request("POST", "/api/v1/imports?kind=customers", "x", "text/csv").status, 403);
}

TEST_P(Api, UsersRolesAndOrgTreeAdministration) {
  auto roles_json = admin->get("/api/v1/roles").json();
  auto& roles = roles_json.at("items").as_array();
  EXPECT_EQ(roles.size(), 8u);
  auto weak = admin->post("/api/v1/users", bj::object{{"username", "newuser"}, {"display_name", "新用户"}, {"password", "short"},
                                                      {"role", "leader"}, {"org_unit_id", org_id(*admin, "DC")}});
  EXPECT_EQ(weak.status, 422);
  EXPECT_NE(weak.detail("password"), "");
  auto made = admin->post("/api/v1/users", bj::object{{"username", "newuser"}, {"display_name", "新用户"}, {"password", "Newuser@2026"},
                                                      {"role", "leader"}, {"org_unit_id", org_id(*admin, "DC")}});
  ASSERT_EQ(made.status, 201) << made.body;
  auto again = admin->post("/api/v1/users", bj::object{{"username", "newuser"}, {"display_name", "x"}, {"password", "Newuser@2026"},
                                                       {"role", "leader"}, {"org_unit_id", org_id(*admin, "DC")}});
  EXPECT_EQ(again.status, 409);
  Client newuser(port);
  ASSERT_EQ(newuser.login("newuser", "Newuser@2026").status, 200);
  EXPECT_EQ(newuser.get("/api/v1/users").status, 403);
  auto unit = admin->post("/api/v1/org-units", bj::object{{"parent_id", org_id(*admin, "DC01")}, {"kind", "station"},
                                                          {"code", "DC01-S9"}, {"name", "东城第九供电所"}});
  ASSERT_EQ(unit.status, 201) << unit.body;
  auto wrong_kind = admin->post("/api/v1/org-units", bj::object{{"parent_id", org_id(*admin, "DC01")}, {"kind", "company"},
                                                                {"code", "X1"}, {"name", "x"}});
  EXPECT_EQ(wrong_kind.status, 422);
  EXPECT_NE(wrong_kind.detail("kind"), "");
}

TEST_P(Api, AccountManagerPickerAndGroupFilter) {
  // A county marketing manager may assign the county's managers and the city bureau's, not another county's.
  auto county = as("county01");
  auto list = county.get("/api/v1/account-managers").json();
  std::set<std::string> names;
  for (auto& m : list.at("items").as_array()) names.insert(std::string(m.at("username").as_string()));
  EXPECT_TRUE(names.count("am01"));   // city bureau
  EXPECT_TRUE(names.count("am09"));   // DC01 (am09 → first county)
  EXPECT_FALSE(names.count("am10"));  // DC02
  auto groups = admin->get("/api/v1/customers?is_group=true&page_size=100").json();
  ASSERT_GT(groups.at("total").as_int64(), 0);
  for (auto& g : groups.at("items").as_array()) EXPECT_TRUE(g.at("is_group").as_bool());
  EXPECT_EQ(admin->get("/api/v1/customers?is_group=maybe").status, 422);
}

TEST_P(Api, ListExportsAreScopedAndAudited) {
  auto auditor = as("auditor01");
  auto audit_xlsx = auditor.get("/api/v1/audit/export?action=login");
  ASSERT_EQ(audit_xlsx.status, 200);
  EXPECT_EQ(audit_xlsx.body.compare(0, 2, "PK"), 0);
  EXPECT_EQ(as("am01").get("/api/v1/audit/export").status, 403);
  auto users_xlsx = admin->get("/api/v1/users/export?role=account_manager");
  ASSERT_EQ(users_xlsx.status, 200);
  EXPECT_EQ(users_xlsx.body.compare(0, 2, "PK"), 0);
  EXPECT_EQ(as("leader01").get("/api/v1/users/export").status, 403);
  auto exports = auditor.get("/api/v1/audit?action=export&entity=audit_log").json();
  EXPECT_GE(exports.at("total").as_int64(), 1);
}

TEST_P(Api, MergingAGroupMovesItsMembersWithoutSelfReference) {
  auto group = create_customer(*admin, "合并测试控股集团有限公司", "DC", 8001, {{"is_group", true}});
  auto member = create_customer(*admin, "合并测试成员甲有限公司", "DC01", 8002, {{"group_id", group}});
  auto other = create_customer(*admin, "合并测试成员乙有限公司", "DC02", 8003, {{"group_id", group}});
  // Merge the group record into one of its own members.
  auto r = admin->post("/api/v1/customers/" + std::to_string(member) + "/merge",
                       bj::object{{"duplicate_id", group}, {"reason", "集团重复建档"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto kept = admin->get("/api/v1/customers/" + std::to_string(member)).json().at("customer");
  EXPECT_TRUE(kept.at("group_id").is_null());
  EXPECT_TRUE(kept.at("is_group").as_bool());
  auto moved = admin->get("/api/v1/customers/" + std::to_string(other)).json().at("customer");
  EXPECT_EQ(moved.at("group_id").as_int64(), member);
}

TEST_P(Api, AccountImportNeverMovesAnAccountNumber) {
  auto a = create_customer(*admin, "户号归属测试甲有限公司", "DC01", 9001);
  create_customer(*admin, "户号归属测试乙有限公司", "DC01", 9002);
  ASSERT_EQ(admin->post("/api/v1/customers/" + std::to_string(a) + "/accounts",
                        bj::object{{"account_no", "9900009001"}, {"voltage_level", "10kV"}, {"tariff_category", "ci_single"}})
                .status,
            201);
  std::string csv = "客户统一社会信用代码*,户号*,电压等级*,电价类别*\n" + valid_credit_code(9002) + ",9900009001,10kV,ci_single\n";
  auto r = admin->request("POST", "/api/v1/imports?kind=accounts", csv, "text/csv");
  ASSERT_EQ(r.status, 202);
  auto job = wait_import(*admin, r.json().at("id").as_int64());
  EXPECT_EQ(job.at("status").as_string(), "failed");
  EXPECT_EQ(job.at("errors").at(0).at("field").as_string(), "account_no");
  auto view = admin->get("/api/v1/customers/" + std::to_string(a)).json();
  EXPECT_EQ(view.at("accounts").as_array().size(), 1u);
}

TEST_P(Api, MessagesInChineseWhenAsked) {
  auto r = admin->request("POST", "/api/v1/customers", "{}", "application/json", {{"Accept-Language", "zh-CN,zh;q=0.9"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.json().at("error").at("message").as_string(), "输入有误");
  EXPECT_EQ(r.detail("name"), "必填");
  EXPECT_EQ(r.detail("org_unit_id"), "必填");
  auto nf = admin->request("GET", "/api/v1/customers/999999", "", "application/json", {{"Accept-Language", "zh-CN"}});
  EXPECT_EQ(nf.json().at("error").at("message").as_string(), "客户不存在");
}

TEST_P(Api, DeadlineCalculatorOnTheOfficialCalendar) {
  auto c = as("dispatcher01");
  // A complaint on Friday 2025-09-26 20:00 with 5 working days: Sun 09-28 is a make-up working day,
  // 10-01..10-08 are National Day; day 5 is Fri 10-10, due at its end.
  auto r = c.get("/api/v1/calendar/deadline?from=2025-09-26T20:00:00%2B08:00&amount=5&unit=working_days");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.at("due").as_string(), "2025-10-10T16:00:00.000Z");
  EXPECT_EQ(v.at("due_local_date").as_string(), "2025-10-10");
  EXPECT_EQ(v.at("counted_days").at(0).at("date").as_string(), "2025-09-28");
  EXPECT_EQ(v.at("counted_days").at(0).at("kind").as_string(), "makeup_working_day");
  bool national_day_skipped = false;
  for (auto& d : v.at("skipped_days").as_array())
    if (d.at("date").as_string() == "2025-10-01" && d.at("kind").as_string() == "off_day") national_day_skipped = true;
  EXPECT_TRUE(national_day_skipped);
  auto hours = c.get("/api/v1/calendar/deadline?from=2026-02-16T10:00:00Z&amount=24&unit=hours").json();
  EXPECT_EQ(hours.at("due").as_string(), "2026-02-17T10:00:00.000Z");
  auto bad = c.get("/api/v1/calendar/deadline?from=yesterday&amount=0&unit=weeks");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.detail("from"), "");
  auto missing_year = c.get("/api/v1/calendar/deadline?from=2030-01-02T09:00:00%2B08:00&amount=3&unit=working_days");
  EXPECT_EQ(missing_year.status, 422);
  auto missing_zh = c.request("GET", "/api/v1/calendar/deadline?from=2030-01-02T09:00:00%2B08:00&amount=3&unit=working_days", "",
                              "application/json", {{"Accept-Language", "zh-CN"}});
  EXPECT_EQ(missing_zh.detail("from"), "工作日历未包含 2030 年，请管理员导入该年的节假日安排");
  EXPECT_EQ(fresh().get("/api/v1/calendar/deadline?from=2025-09-26T20:00:00Z&amount=5&unit=hours").status, 401);
}

TEST_P(Api, CancellingAnImportWritesNothing) {
  std::string csv = "客户名称*,统一社会信用代码*,所属单位编码*\n";
  for (int i = 0; i < 30000; ++i) csv += "取消测试" + std::to_string(i) + "号有限公司," + valid_credit_code(100000 + i) + ",DC01\n";
  auto started = admin->request("POST", "/api/v1/imports?kind=customers&file_name=big.csv", csv, "text/csv");
  ASSERT_EQ(started.status, 202);
  auto id = started.json().at("id").as_int64();
  auto cancel = admin->request("POST", "/api/v1/imports/" + std::to_string(id) + "/cancel");
  auto job = wait_import(*admin, id);
  auto& db = servers()[GetParam()].instance->db();
  auto imported = [&] {  // counted in the table: the search index of a large import follows it
    return db.read([](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM customers WHERE name LIKE '取消测试%'"); });
  };
  const bool first_cancelled = cancel.status == 202;
  if (first_cancelled) {
    EXPECT_EQ(job.at("status").as_string(), "cancelled");
    EXPECT_EQ(imported(), 0);
  } else {
    EXPECT_EQ(cancel.status, 409);  // it had already finished
  }
  auto again = admin->request("POST", "/api/v1/imports/" + std::to_string(id) + "/cancel");
  EXPECT_EQ(again.status, 409);
  // A cancel received by another server sharing the database only sets the durable flag. Several
  // servers share a PostgreSQL database; on SQLite the import holds the write lock, so nothing
  // else could set the flag before it ends.
  if (storage::backend_label(GetParam()) != "postgres") return;
  auto second = admin->request("POST", "/api/v1/imports?kind=customers&file_name=big2.csv", csv, "text/csv");
  ASSERT_EQ(second.status, 202);
  auto second_id = second.json().at("id").as_int64();
  db.transaction([&](storage::Connection& conn) {
    conn.execute("UPDATE import_jobs SET cancel_requested = 1 WHERE id = ?", {second_id});
  });
  auto second_job = wait_import(*admin, second_id);
  EXPECT_EQ(second_job.at("status").as_string(), "cancelled");
  EXPECT_EQ(imported(), first_cancelled ? 0 : 30000);
}

// A large file commits its customers first and queues their search documents, built afterwards
// in batches (what the import job and `lianxin import` do after the commit). The threshold is
// lowered here so that a small file takes that path.
TEST_P(Api, LargeImportQueuesSearchDocumentsBuiltAfterItsRows) {
  auto& db = servers()[GetParam()].instance->db();
  auto admin_principal = db.read([](storage::Connection& conn) {
    return auth::load_principal(conn, conn.query_i64("SELECT id FROM users WHERE username = 'admin'"));
  });
  customers::ImportOptions small;
  small.search_inline_rows = 10;
  auto backlog = [&] { return db.read([](storage::Connection& conn) { return customers::search_backlog_size(conn); }); };
  // Import jobs drain the backlog after they succeed, whoever queued it: a job of an earlier test
  // may be indexing a range at the same time (and return later than its status). Drained, then,
  // means that the backlog is empty, whoever built the documents.
  auto drained = [&](const std::function<void(std::int64_t)>& progress = {}) {
    const auto n = customers::drain_search_backlog(db, progress);
    for (int i = 0; i < 600 && backlog() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return n;
  };
  drained();
  ASSERT_EQ(backlog(), 0);
  auto search = [&](const std::string& q) { return admin->get("/api/v1/search?q=" + q + "&limit=50").json(); };
  const std::string kOld = "%E5%BB%B6%E8%BF%9F%E7%B4%A2%E5%BC%95";  // 延迟索引
  const std::string kNew = "%E5%BB%B6%E8%BF%9F%E6%94%B9%E5%90%8D";  // 延迟改名
  std::string csv = "客户名称*,统一社会信用代码*,所属单位编码*\n";
  for (int i = 0; i < 40; ++i) csv += "延迟索引" + std::to_string(i) + "号有限公司," + valid_credit_code(300000 + i) + ",DC01\n";
  auto r = customers::run_import_now(db, admin_principal, "customers", "all_or_nothing", "late.csv", csv, 0, small);
  ASSERT_EQ(r.status, "succeeded") << r.message;
  EXPECT_EQ(r.inserted, 40);
  EXPECT_EQ(r.search_queued, 40);
  EXPECT_EQ(backlog(), 40);
  // In the archive (the list filters by search text only through the index, so by org here) but not yet found.
  auto pending = search(kOld);
  EXPECT_EQ(pending.at("items").as_array().size(), 0u);
  EXPECT_EQ(pending.at("index_pending").as_int64(), 40);
  std::vector<std::int64_t> left;
  drained([&](std::int64_t n) { left.push_back(n); });
  EXPECT_TRUE(std::is_sorted(left.rbegin(), left.rend()));  // customers left, falling
  EXPECT_EQ(backlog(), 0);
  auto found = search(kOld);
  EXPECT_EQ(found.at("items").as_array().size(), 40u);
  EXPECT_EQ(found.at("index_pending").as_int64(), 0);

  // Renamed by a second large file: the updated customers are queued again, their old names go.
  std::string renamed = "客户名称*,统一社会信用代码*,所属单位编码*\n";
  for (int i = 0; i < 15; ++i) renamed += "延迟改名" + std::to_string(i) + "号有限公司," + valid_credit_code(300000 + i) + ",DC01\n";
  r = customers::run_import_now(db, admin_principal, "customers", "all_or_nothing", "renamed.csv", renamed, 0, small);
  ASSERT_EQ(r.status, "succeeded") << r.message;
  EXPECT_EQ(r.updated, 15);
  EXPECT_EQ(backlog(), 15);
  EXPECT_EQ(search(kNew).at("items").as_array().size(), 0u);
  drained();
  EXPECT_EQ(backlog(), 0);
  EXPECT_EQ(search(kNew).at("items").as_array().size(), 15u);
  EXPECT_EQ(search(kOld).at("items").as_array().size(), 25u);

  // Accounts of a large file: their customers are found by 户号 once the backlog is drained.
  std::string accounts = "客户统一社会信用代码*,户号*,电压等级*,电价类别*\n";
  for (int i = 0; i < 12; ++i)
    accounts += valid_credit_code(300000 + i) + ",77" + std::to_string(10000000 + i) + ",10kV,ci_single\n";
  r = customers::run_import_now(db, admin_principal, "accounts", "all_or_nothing", "accounts.csv", accounts, 0, small);
  ASSERT_EQ(r.status, "succeeded") << r.message;
  EXPECT_EQ(backlog(), 12);
  EXPECT_EQ(search("7710000003").at("items").as_array().size(), 0u);
  drained();
  EXPECT_EQ(backlog(), 0);
  auto by_account = search("7710000003").at("items").as_array();
  ASSERT_EQ(by_account.size(), 1u);
  EXPECT_EQ(by_account.at(0).at("name").as_string(), "延迟改名3号有限公司");
}

// On SQLite a load at least as large as the table drops the customers' secondary indexes and
// builds them again after the rows, in the import's transaction: a file that fails in its write
// phase leaves them (and the table) as they were.
TEST_P(Api, LargeImportFailingInItsWritePhaseKeepsTheIndexes) {
  auto& db = servers()[GetParam()].instance->db();
  auto county = db.read([](storage::Connection& conn) {
    return auth::load_principal(conn, conn.query_i64("SELECT id FROM users WHERE username = 'county01'"));
  });
  const std::string index_sql = storage::backend_label(GetParam()) == "postgres"
                                    ? "SELECT indexname || indexdef FROM pg_indexes WHERE tablename = 'customers' ORDER BY 1"
                                    : "SELECT name || sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' "
                                      "AND sql IS NOT NULL ORDER BY 1";
  auto indexes = [&] {
    return db.read([&](storage::Connection& conn) {
      std::vector<std::string> v;
      for (auto& row : conn.query(index_sql)) v.push_back(row.str(0));
      return v;
    });
  };
  const auto before = indexes();
  ASSERT_GE(before.size(), 6u);
  const std::int64_t customers_before = db.read([](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM customers"); });
  // The last row names a customer of another county: found only when it is written.
  const std::string outside = db.read([](storage::Connection& conn) {
    return conn.query_one("SELECT credit_code FROM customers WHERE org_path NOT LIKE '/1/2/9/%' AND credit_code IS NOT NULL LIMIT 1")->str(0);
  });
  std::string csv = "客户名称*,统一社会信用代码*,所属单位编码*\n";
  for (int i = 0; i < 20000; ++i) csv += "整批回滚" + std::to_string(i) + "号有限公司," + valid_credit_code(400000 + i) + ",DC01\n";
  csv += "越界客户有限公司," + outside + ",DC01\n";
  try {
    auto r = customers::run_import_now(db, county, "customers", "all_or_nothing", "outside.csv", csv);
    ADD_FAILURE() << "the import should have been refused: " << r.status << " " << r.message;
  } catch (const AppError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].field, "credit_code");
    EXPECT_EQ(e.issues()[0].row, 20002);
  }
  EXPECT_EQ(indexes(), before);
  EXPECT_EQ(db.read([](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM customers"); }), customers_before);
  EXPECT_EQ(db.read([](storage::Connection& conn) { return customers::search_backlog_size(conn); }), 0);
}

// Large all-or-nothing customer files are read, checked and written at once (streamed); the same
// files through the two-pass path must get the same verdict and the same problems, row for row.
TEST_P(Api, StreamedCustomerImportReportsWhatTheTwoPassImportReports) {
  auto& db = servers()[GetParam()].instance->db();
  auto admin_principal = db.read([](storage::Connection& conn) {
    return auth::load_principal(conn, conn.query_i64("SELECT id FROM users WHERE username = 'admin'"));
  });
  struct Outcome {
    std::string status, message, errors;
    std::int64_t total_rows = 0, inserted = 0, error_count = 0;
  };
  auto run = [&](const std::string& csv, bool streamed) {
    const std::int64_t job = db.transaction([&](storage::Connection& conn) {
      return conn.insert_returning_id(
          "INSERT INTO import_jobs(kind, format, file_name, mode, status, created_by, created_at) "
          "VALUES ('customers', 'csv', 'cmp.csv', 'all_or_nothing', 'validating', ?, 0) RETURNING id",
          {admin_principal.user_id});
    });
    customers::ImportOptions options;
    if (streamed) options.search_inline_rows = 1;  // every file here has more lines
    auto r = customers::run_import_now(db, admin_principal, "customers", "all_or_nothing", "cmp.csv", csv, job, options);
    Outcome o{r.status, r.message, "", r.total_rows, r.inserted, r.error_count};
    o.errors = db.read([&](storage::Connection& conn) {
      return conn.query_one("SELECT errors_json FROM import_jobs WHERE id = ?", {job})->opt_str(0).value_or("");
    });
    return o;
  };
  auto customers_count = [&] { return db.read([](storage::Connection& conn) { return conn.query_i64("SELECT COUNT(*) FROM customers"); }); };
  const std::string header = "客户名称*,统一社会信用代码*,所属单位编码*,行业代码,所属集团信用代码,是否集团\n";
  auto row = [](const std::string& name, const std::string& code, const std::string& rest = "DC01,,,") {
    return name + "," + code + "," + rest + "\n";
  };
  const std::string g1 = valid_credit_code(500001), g2 = valid_credit_code(500002), m = valid_credit_code(500003),
                    x = valid_credit_code(500004), y = valid_credit_code(500005), z = valid_credit_code(500006);
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"bad rows in the middle", header + row("甲对照有限公司", x) + row("乙对照有限公司", "91530000709709470X", "NOPE,99,,") +
                                     row("丙对照有限公司", y, "DC01,32,,maybe") + row("丁对照有限公司", z)},
      {"duplicate credit codes", header + row("甲对照有限公司", x) + row("乙对照有限公司", y) + row("丙对照有限公司", x) +
                                     row("丁对照有限公司", y) + row("戊对照有限公司", x)},
      {"groups", header + row("成员甲有限公司", m, "DC01,," + g1 + ",否") + row("集团甲有限公司", g1, "DC01,,,是") +
                     row("成员乙有限公司", x, "DC01,," + y + ",否") + row("非集团有限公司", y, "DC01,,,否") +
                     row("成员丙有限公司", z, "DC01,," + g2 + ",否")},
      {"an empty row in the middle", header + row("甲对照有限公司", x) + ",,,,,\n" + row("乙对照有限公司", y) + ",,,,,\n\n"},
      {"a quote not closed", header + row("甲对照有限公司", x) + "\"乙对照有限公司," + y + ",DC01,,,\n" + row("丙对照有限公司", z)},
      {"an unknown column", "客户名称*,统一社会信用代码*,所属单位编码*,颜色\n" + row("甲对照有限公司", x, "DC01,红")},
      {"no credit code column", "客户名称*,所属单位编码*\n甲对照有限公司,DC01\n乙对照有限公司,DC01\n"},
  };
  const auto before = customers_count();
  for (auto& [what, csv] : refused) {
    const Outcome two_pass = run(csv, false), streamed = run(csv, true);
    EXPECT_EQ(two_pass.status, "failed") << what;
    EXPECT_EQ(streamed.status, two_pass.status) << what;
    EXPECT_EQ(streamed.message, two_pass.message) << what;
    EXPECT_EQ(streamed.error_count, two_pass.error_count) << what;
    EXPECT_EQ(streamed.total_rows, two_pass.total_rows) << what;
    EXPECT_EQ(streamed.errors, two_pass.errors) << what;
    EXPECT_NE(two_pass.errors, "") << what;
  }
  EXPECT_EQ(customers_count(), before);

  // A good file with trailing empty rows: the same rows counted and written.
  auto good = [&](int base) {
    return header + row("好对照" + std::to_string(base) + "甲有限公司", valid_credit_code(base)) +
           row("好对照" + std::to_string(base) + "乙有限公司", valid_credit_code(base + 1), "DC01,,,是") +
           row("好对照" + std::to_string(base) + "丙有限公司", valid_credit_code(base + 2), "DC01,," + valid_credit_code(base + 1) + ",否") +
           ",,,,,\n,,,,,\n";
  };
  const Outcome two_pass = run(good(510000), false), streamed = run(good(520000), true);
  EXPECT_EQ(two_pass.status, "succeeded") << two_pass.errors;
  EXPECT_EQ(streamed.status, "succeeded") << streamed.errors;
  EXPECT_EQ(streamed.total_rows, 3);
  EXPECT_EQ(two_pass.total_rows, 3);
  EXPECT_EQ(streamed.inserted, 3);
  EXPECT_EQ(customers_count(), before + 6);
  // The group link of the streamed file is set like the two-pass one's.
  EXPECT_EQ(db.read([&](storage::Connection& conn) {
              return conn.query_i64("SELECT COUNT(*) FROM customers c JOIN customers g ON g.id = c.group_id WHERE c.credit_code IN (?, ?)",
                                    {valid_credit_code(510002), valid_credit_code(520002)});
            }),
            2);
}

TEST_P(Api, ImportAcceptsGbkCsvFromChineseExcel) {
  // "客户名称*,统一社会信用代码*,所属单位编码*" and "编码测试有限公司" encoded in GBK, as Excel saves CSV.
  std::string csv = std::string("\xBF\xCD\xBB\xA7\xC3\xFB\xB3\xC6*,\xCD\xB3\xD2\xBB\xC9\xE7\xBB\xE1\xD0\xC5\xD3\xC3\xB4\xFA\xC2\xEB*,"
                                "\xCB\xF9\xCA\xF4\xB5\xA5\xCE\xBB\xB1\xE0\xC2\xEB*\n\xB1\xE0\xC2\xEB\xB2\xE2\xCA\xD4\xD3\xD0\xCF\xDE\xB9\xAB\xCB\xBE,") +
                    valid_credit_code(11001) + ",DC01\n";
  auto r = admin->request("POST", "/api/v1/imports?kind=customers&file_name=gbk.csv", csv, "text/csv");
  ASSERT_EQ(r.status, 202);
  auto job = wait_import(*admin, r.json().at("id").as_int64());
  EXPECT_EQ(job.at("status").as_string(), "succeeded") << boost::json::serialize(job);
  auto found = admin->get("/api/v1/search?q=" + std::string("%E7%BC%96%E7%A0%81%E6%B5%8B%E8%AF%95")).json();  // 编码测试
  ASSERT_EQ(found.at("items").as_array().size(), 1u);
  EXPECT_EQ(found.at("items").at(0).at("name").as_string(), "编码测试有限公司");
}

INSTANTIATE_TEST_SUITE_P(Backends, Api, ::testing::ValuesIn(storage::test_backends("api_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
