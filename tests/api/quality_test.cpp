// Archive data quality through the real server on SQLite and PostgreSQL: an edit re-checks the
// customer at once (the finding appears, and closes when fixed); the full pass finds what needs
// all records (duplicates across simplified and traditional characters, a mobile on unrelated
// customers, capacities far from their peers) and legacy defects written straight into the
// database; findings keep their first-seen date; "not a defect" needs someone else's approval; a
// rule switched off closes its findings; scores, the fix queue, the scope and the export.
#include <gtest/gtest.h>

#include "client.hpp"
#include "common/clock.hpp"
#include "fixture.hpp"
#include "quality/store.hpp"
#include "storage/test_support.hpp"

using namespace lianxin;
using lianxin::testing::Client;
namespace bj = boost::json;

class Quality : public lianxin::testing::ServerTest {
 protected:
  storage::Database& db() { return lianxin::testing::server_for(GetParam()).instance->db(); }
  void sql(const std::string& statement, const storage::Params& params = {}) {
    db().transaction([&](storage::Connection& conn) {
      conn.execute(statement, params);
      return 0;
    });
  }
  std::int64_t value(const std::string& q, const storage::Params& params = {}) {
    return db().read([&](storage::Connection& conn) { return conn.query_i64(q, params); });
  }
  static std::set<std::string> rules_of(const bj::value& list) {
    std::set<std::string> s;
    for (auto& f : list.at("items").as_array()) s.insert(std::string(f.at("rule").as_string()));
    return s;
  }
  void patch(Client& c, const std::string& path, const std::string& body) {
    auto r = c.request("PATCH", path, body);
    ASSERT_EQ(r.status, 200) << path << " " << body << ": " << r.body;
  }
  // A customer's PATCH carries the version it edits.
  void patch_customer(Client& c, std::int64_t id, const std::string& body) {
    const std::int64_t version = value("SELECT version FROM customers WHERE id = ?", {id});
    patch(c, "/api/v1/customers/" + std::to_string(id), "{\"version\":" + std::to_string(version) + "," + body.substr(1));
  }
  std::int64_t finding(Client& c, std::int64_t customer, const std::string& rule) {
    const auto q = c.get("/api/v1/customers/" + std::to_string(customer) + "/quality").json();
    for (auto& f : q.at("items").as_array())
      if (f.at("rule").as_string() == rule) return f.at("id").as_int64();
    return 0;
  }
};

TEST_P(Quality, EditsAreCheckedAtOnceAndFindingsCloseWhenFixed) {
  auto admin = as("admin");
  // A key account of am01's with one contact taking outage notices.
  const std::int64_t customer = value(
      "SELECT MIN(c.id) FROM customers c JOIN users u ON u.id = c.manager_id WHERE u.username = 'am01' AND c.is_key_account = 1");
  ASSERT_GT(customer, 0);
  // Every contact who takes outage notices stops taking them: nobody would hear of an outage.
  std::vector<std::int64_t> contacts;
  db().read([&](storage::Connection& conn) {
    for (auto& r : conn.query("SELECT id FROM contacts WHERE customer_id = ? AND active = 1 AND notice_types LIKE '%outage%' ORDER BY id", {customer}))
      contacts.push_back(r.i64(0));
    return 0;
  });
  ASSERT_FALSE(contacts.empty());
  auto manager = as("am01");
  for (auto k : contacts) patch(manager, "/api/v1/contacts/" + std::to_string(k), "{\"notice_types\":[\"bill\"]}");
  const std::int64_t id = finding(manager, customer, "completeness.key_outage_contact");
  ASSERT_GT(id, 0) << manager.get("/api/v1/customers/" + std::to_string(customer) + "/quality").body;
  const auto mine = manager.get("/api/v1/quality/findings?mine=true&rule=completeness.key_outage_contact").json();
  bool listed = false;
  for (auto& f : mine.at("items").as_array()) listed = listed || f.at("id").as_int64() == id;
  EXPECT_TRUE(listed);
  const auto before = manager.get("/api/v1/customers/" + std::to_string(customer) + "/quality").json();
  EXPECT_LT(before.at("score").as_int64(), 100);
  // Fixed: the finding closes, the score is back.
  patch(manager, "/api/v1/contacts/" + std::to_string(contacts[0]), "{\"notice_types\":[\"outage\",\"limitation\"]}");
  EXPECT_EQ(finding(manager, customer, "completeness.key_outage_contact"), 0);
  EXPECT_EQ(value("SELECT COUNT(*) FROM quality_findings WHERE id = ? AND status = 'closed' AND closed_at IS NOT NULL", {id}), 1);
  // Another bureau's marketing manager does not see this customer's findings.
  EXPECT_EQ(as("county01").get("/api/v1/customers/" + std::to_string(customer) + "/quality").status == 200,
            value("SELECT COUNT(*) FROM customers c JOIN org_units o ON o.code = 'DC01' WHERE c.id = ? AND c.org_path LIKE o.path || '%'",
                  {customer}) == 1);
}

TEST_P(Quality, TheFullPassFindsLegacyDefectsDuplicatesAndOutliers) {
  auto admin = as("admin");
  // Legacy records from the marketing system, written past the archive's own validation.
  const std::int64_t a = value("SELECT MIN(id) FROM customers WHERE is_group = 0 AND is_key_account = 0 AND status = 'active'");
  const std::int64_t b = value("SELECT MIN(id) FROM customers WHERE is_group = 0 AND is_key_account = 0 AND status = 'active' AND id > ? "
                               "AND org_unit_id = (SELECT org_unit_id FROM customers WHERE id = ?)",
                               {a, a});
  ASSERT_GT(b, 0);
  sql("UPDATE customers SET credit_code = NULL, address = NULL, name = '雲南測試錫業股份有限公司' WHERE id = ?", {a});
  sql("UPDATE customers SET name = '云南测试锡业股份有限公司（老户）' WHERE id = ?", {b});
  const std::int64_t important = value("SELECT MIN(id) FROM customers WHERE importance_class <> 'none' AND status = 'active'");
  ASSERT_GT(important, 0);
  sql("UPDATE accounts SET supply_sources = 1, emergency_power = 0 WHERE customer_id = ?", {important});
  sql("DELETE FROM account_sources WHERE account_id IN (SELECT id FROM accounts WHERE customer_id = ?)", {important});
  // One mobile number on two unrelated customers.
  const std::int64_t c1 = value("SELECT MIN(id) FROM contacts WHERE customer_id = ?", {a});
  const std::int64_t c2 = value("SELECT MIN(id) FROM contacts WHERE customer_id = (SELECT MAX(id) FROM customers WHERE is_group = 0 AND group_id IS NULL "
                                "AND status = 'active')");
  sql("UPDATE contacts SET mobile = '13900001111', active = 1 WHERE id IN (?, ?)", {c1, c2});
  // A capacity a thousand times its peers'.
  const std::int64_t big = value("SELECT MIN(a.id) FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.tariff_category <> 'residential' "
                                 "AND a.contract_capacity_kva > 0 AND c.industry_code IS NOT NULL AND c.status = 'active' AND a.status = 'active'");
  sql("UPDATE accounts SET contract_capacity_kva = contract_capacity_kva * 1000 WHERE id = ?", {big});

  EXPECT_EQ(as("marketing01").post("/api/v1/quality/runs", bj::object{}).status, 403);
  auto run = admin.post("/api/v1/quality/runs", bj::object{});
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_GT(run.json().at("customers").as_int64(), 300);
  EXPECT_GT(run.json().at("opened").as_int64(), 0);
  const auto fa = admin.get("/api/v1/quality/findings?customer_id=" + std::to_string(a) + "&page_size=100").json();
  const auto rules_a = rules_of(fa);
  EXPECT_TRUE(rules_a.count("completeness.credit_code"));
  EXPECT_TRUE(rules_a.count("completeness.address"));
  EXPECT_TRUE(rules_a.count("duplicates.name")) << bj::serialize(fa);  // 雲南測試錫業股份有限公司 ~ 云南测试锡业股份有限公司（老户）
  EXPECT_TRUE(rules_a.count("duplicates.mobile"));
  EXPECT_TRUE(rules_of(admin.get("/api/v1/quality/findings?customer_id=" + std::to_string(b)).json()).count("duplicates.name"));
  const auto fi = rules_of(admin.get("/api/v1/quality/findings?customer_id=" + std::to_string(important)).json());
  EXPECT_TRUE(fi.count("grid.sources"));
  EXPECT_TRUE(fi.count("grid.emergency_power"));
  const std::int64_t big_customer = value("SELECT customer_id FROM accounts WHERE id = ?", {big});
  EXPECT_TRUE(rules_of(admin.get("/api/v1/quality/findings?customer_id=" + std::to_string(big_customer) + "&page_size=100").json())
                  .count("anomalies.capacity"));

  // A second pass keeps the first-seen dates and opens nothing new.
  const std::int64_t dup = finding(admin, a, "duplicates.name");
  const std::int64_t first_seen = value("SELECT first_seen FROM quality_findings WHERE id = ?", {dup});
  auto again = admin.post("/api/v1/quality/runs", bj::object{});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("opened").as_int64(), 0);
  EXPECT_EQ(value("SELECT first_seen FROM quality_findings WHERE id = ?", {dup}), first_seen);

  // Fixing the name through the archive closes the duplicate at the next pass (names need all records).
  patch_customer(admin, b, "{\"name\":\"云南另一家锡业有限公司\"}");
  ASSERT_EQ(admin.post("/api/v1/quality/runs", bj::object{}).status, 200);
  EXPECT_EQ(finding(admin, a, "duplicates.name"), 0);

  // Scores: overall, bureaus, rules and this week's trend point.
  const auto sc = admin.get("/api/v1/quality/scores").json();
  EXPECT_LT(sc.at("overall").at("score").as_double(), 100.0);
  EXPECT_FALSE(sc.at("bureaus").as_array().empty());
  EXPECT_FALSE(sc.at("rules").as_array().empty());
  ASSERT_FALSE(sc.at("trend").as_array().empty());
  EXPECT_EQ(sc.at("trend").as_array().back().at("week").as_string().size(), 10u);
  // The weekly digest after the week's pass: managers and bureau leaders, once.
  const int digests = db().transaction([](storage::Connection& conn) { return quality::weekly_digest(conn, now_millis()); });
  EXPECT_GT(digests, 0);
  EXPECT_EQ(db().transaction([](storage::Connection& conn) { return quality::weekly_digest(conn, now_millis()); }), 0);
  EXPECT_GE(value("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'quality_digest' AND u.username = 'leader01'"), 1);
  auto xlsx = admin.get("/api/v1/quality/findings/export?rule=grid.sources");
  EXPECT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
}

TEST_P(Quality, NotADefectNeedsAnotherPersonsApprovalAndRulesCanBeSwitchedOff) {
  auto admin = as("admin");
  auto marketing = as("marketing01");
  const std::int64_t customer = value("SELECT MIN(id) FROM customers WHERE is_group = 0 AND status = 'active' AND org_path LIKE '/%' AND id > 5");
  sql("UPDATE customers SET address = NULL WHERE id = ?", {customer});
  patch_customer(admin, customer, "{\"tags\":[\"核实中\"]}");  // an edit re-checks
  const std::int64_t id = finding(admin, customer, "completeness.address");
  ASSERT_GT(id, 0);
  const std::string f = "/api/v1/quality/findings/" + std::to_string(id);
  EXPECT_NE(marketing.post(f + "/dismiss", bj::object{}).detail("reason"), "");
  ASSERT_EQ(marketing.post(f + "/dismiss", bj::object{{"reason", "该户为临时用电，无固定地址"}}).status, 200);
  EXPECT_EQ(marketing.post(f + "/dismissal", bj::object{{"approve", true}}).status, 403);  // not one's own request
  EXPECT_EQ(as("am01").post(f + "/dismissal", bj::object{{"approve", true}}).status, 403);  // no approval right
  ASSERT_EQ(as("leader01").post(f + "/dismissal", bj::object{{"approve", true}}).status, 200);
  EXPECT_EQ(value("SELECT COUNT(*) FROM quality_findings WHERE id = ? AND status = 'dismissed'", {id}), 1);
  // Still true at the next check: stays dismissed, not reopened.
  patch_customer(admin, customer, "{\"tags\":[]}");
  EXPECT_EQ(value("SELECT COUNT(*) FROM quality_findings WHERE rule = 'completeness.address' AND customer_id = ? AND status = 'open'", {customer}), 0);
  EXPECT_GE(value("SELECT COUNT(*) FROM audit_log WHERE entity = 'quality_finding'"), 2);

  // Switched off: its findings close and no edit brings them back; on again, the next check finds it.
  sql("UPDATE customers SET industry_code = NULL WHERE id = ?", {customer});
  patch_customer(admin, customer, "{\"tags\":[\"a\"]}");
  ASSERT_GT(finding(admin, customer, "completeness.industry"), 0);
  EXPECT_EQ(marketing.request("PUT", "/api/v1/quality/rules/completeness.industry", "{\"enabled\":false}").status, 403);
  EXPECT_EQ(admin.request("PUT", "/api/v1/quality/rules/no.such.rule", "{\"enabled\":false}").status, 404);
  ASSERT_EQ(admin.request("PUT", "/api/v1/quality/rules/completeness.industry", "{\"enabled\":false}").status, 200);
  EXPECT_EQ(finding(admin, customer, "completeness.industry"), 0);
  patch_customer(admin, customer, "{\"tags\":[\"b\"]}");
  EXPECT_EQ(finding(admin, customer, "completeness.industry"), 0);
  const auto rules = admin.get("/api/v1/quality/rules").json();
  for (auto& r : rules.at("items").as_array())
    if (r.at("code").as_string() == "completeness.industry") EXPECT_FALSE(r.at("enabled").as_bool());
  ASSERT_EQ(admin.request("PUT", "/api/v1/quality/rules/completeness.industry", "{\"enabled\":true}").status, 200);
  patch_customer(admin, customer, "{\"tags\":[]}");
  EXPECT_GT(finding(admin, customer, "completeness.industry"), 0);
}

TEST_P(Quality, DuplicatesAreMergedWithEveryReferenceAndTheMergeCanBeUndone) {
  auto admin = as("admin");
  auto marketing = as("marketing01");
  // Two records of one customer in one bureau, the second in traditional characters.
  const std::int64_t keep = value("SELECT MIN(id) FROM customers WHERE is_group = 0 AND is_key_account = 0 AND status = 'active' AND id > 50 "
                                  "AND group_id IS NULL");
  const std::int64_t dup = value("SELECT MIN(id) FROM customers WHERE is_group = 0 AND is_key_account = 0 AND status = 'active' AND id > ? "
                                 "AND group_id IS NULL AND org_unit_id = (SELECT org_unit_id FROM customers WHERE id = ?)",
                                 {keep, keep});
  ASSERT_GT(dup, 0);
  sql("UPDATE customers SET name = '滇池合併測試化工有限公司' WHERE id = ?", {dup});
  sql("UPDATE customers SET name = '滇池合并测试化工有限公司' WHERE id = ?", {keep});
  ASSERT_EQ(admin.post("/api/v1/quality/runs", bj::object{}).status, 200);
  ASSERT_GT(finding(admin, dup, "duplicates.name"), 0);
  // The duplicate has a claim and accounts of its own.
  auto claim = as("dispatcher01").post("/api/v1/claims", bj::object{{"channel", "app"}, {"claim_type", "consultation"}, {"title", "电价咨询"},
                                                                   {"description", "x"}, {"customer_id", dup}});
  ASSERT_EQ(claim.status, 201) << claim.body;
  const std::int64_t claim_id = claim.json().at("id").as_int64();
  const std::int64_t dup_accounts = value("SELECT COUNT(*) FROM accounts WHERE customer_id = ?", {dup});
  ASSERT_GT(dup_accounts, 0);
  auto merged = marketing.post("/api/v1/customers/" + std::to_string(keep) + "/merge", bj::object{{"duplicate_id", dup}, {"reason", "同一客户重复建档"}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(value("SELECT customer_id FROM claims WHERE id = ?", {claim_id}), keep);
  EXPECT_EQ(value("SELECT COUNT(*) FROM accounts WHERE customer_id = ?", {dup}), 0);
  EXPECT_EQ(finding(admin, keep, "duplicates.name"), 0);  // the duplicate is gone: its findings close
  EXPECT_EQ(value("SELECT COUNT(*) FROM quality_findings WHERE customer_id = ? AND status <> 'closed'", {dup}), 0);
  const auto merges = marketing.get("/api/v1/customers/" + std::to_string(keep) + "/merges").json();
  ASSERT_EQ(merges.at("items").as_array().size(), 1u);
  const auto& m = merges.at("items").at(0).as_object();
  EXPECT_TRUE(m.at("can_undo").as_bool());
  EXPECT_EQ(m.at("moved").at("accounts").as_int64(), dup_accounts);
  EXPECT_EQ(m.at("moved").at("claims").as_int64(), 1);
  const std::string undo = "/api/v1/customer-merges/" + std::to_string(m.at("id").as_int64()) + "/undo";
  EXPECT_EQ(as("am01").post(undo, bj::object{{"reason", "x"}}).status, 403);
  EXPECT_EQ(marketing.post(undo, bj::object{}).status, 422);
  auto undone = marketing.post(undo, bj::object{{"reason", "经核实为两家不同企业"}});
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(value("SELECT COUNT(*) FROM customers WHERE id = ? AND status = 'active' AND merged_into IS NULL", {dup}), 1);
  EXPECT_EQ(value("SELECT customer_id FROM claims WHERE id = ?", {claim_id}), dup);
  EXPECT_EQ(value("SELECT COUNT(*) FROM accounts WHERE customer_id = ?", {dup}), dup_accounts);
  EXPECT_EQ(marketing.post(undo, bj::object{{"reason", "again"}}).status, 409);
  EXPECT_EQ(value("SELECT COUNT(*) FROM audit_log WHERE action IN ('unmerge','unmerged_from')"), 2);
  // Searchable again under its own name.
  const auto found = admin.get("/api/v1/search?q=" + std::string("%E6%BB%87%E6%B1%A0%E5%90%88%E4%BD%B5")).json();
  bool again = false;
  for (auto& c : found.at("items").as_array()) again = again || c.at("id").as_int64() == dup;
  EXPECT_TRUE(again) << bj::serialize(found);
}

TEST_P(Quality, SafeBulkFixes) {
  auto marketing = as("marketing01");
  // Two single-part accounts charged a basic charge, and a two-part one without: only the first two are safe.
  const std::int64_t a1 = value("SELECT MIN(id) FROM accounts WHERE tariff_category = 'ci_single' AND status = 'active'");
  const std::int64_t a2 = value("SELECT MIN(id) FROM accounts WHERE tariff_category = 'ci_single' AND status = 'active' AND id > ?", {a1});
  const std::int64_t a3 = value("SELECT MIN(id) FROM accounts WHERE tariff_category = 'ci_two_part' AND status = 'active'");
  ASSERT_GT(a2, 0);
  ASSERT_GT(a3, 0);
  sql("UPDATE accounts SET basic_charge_mode = 'capacity' WHERE id IN (?, ?)", {a1, a2});
  sql("UPDATE accounts SET basic_charge_mode = 'none' WHERE id = ?", {a3});
  auto admin = as("admin");
  ASSERT_EQ(admin.post("/api/v1/quality/runs", bj::object{}).status, 200);
  bj::array ids;
  for (auto a : {a1, a2, a3})
    ids.push_back(value("SELECT id FROM quality_findings WHERE rule = 'validity.basic_charge_mode' AND account_id = ? AND status = 'open'", {a}));
  ASSERT_GT(ids.at(2).as_int64(), 0);
  EXPECT_NE(marketing.post("/api/v1/quality/bulk-fix", bj::object{{"rule", "completeness.address"}, {"finding_ids", ids}}).detail("rule"), "");
  EXPECT_EQ(as("leader01").post("/api/v1/quality/bulk-fix", bj::object{{"rule", "validity.basic_charge_mode"}, {"finding_ids", ids}}).status, 403);
  auto fixed = marketing.post("/api/v1/quality/bulk-fix", bj::object{{"rule", "validity.basic_charge_mode"}, {"finding_ids", ids}});
  ASSERT_EQ(fixed.status, 200) << fixed.body;
  EXPECT_EQ(fixed.json().at("fixed").as_int64(), 2);
  EXPECT_EQ(fixed.json().at("skipped").as_array().size(), 1u);
  EXPECT_EQ(value("SELECT COUNT(*) FROM accounts WHERE id IN (?, ?) AND basic_charge_mode = 'none'", {a1, a2}), 2);
  EXPECT_EQ(value("SELECT COUNT(*) FROM quality_findings WHERE id IN (?, ?) AND status = 'closed'", {ids.at(0).as_int64(), ids.at(1).as_int64()}), 2);
  EXPECT_EQ(value("SELECT COUNT(*) FROM quality_findings WHERE id = ? AND status = 'open'", {ids.at(2).as_int64()}), 1);
}

// Every rule the database can hold a breach of (foreign keys rule out unknown industries, lines and
// transformer areas: those are covered by the pure tests), one customer each, against a clean one.
TEST_P(Quality, EveryRuleFindsItsBreachAndNothingElse) {
  auto admin = as("admin");
  std::vector<std::int64_t> plain, key;
  db().read([&](storage::Connection& conn) {
    for (auto& r : conn.query("SELECT c.id FROM customers c WHERE c.is_key_account = 0 AND c.is_group = 0 AND c.status = 'active' AND c.group_id IS NULL "
                              "AND c.credit_code IS NOT NULL AND c.industry_code IS NOT NULL AND c.id > 100 "
                              "AND (SELECT COUNT(*) FROM accounts a WHERE a.customer_id = c.id) = 1 "
                              "AND (SELECT COUNT(*) FROM contacts k WHERE k.customer_id = c.id AND k.active = 1) >= 1 ORDER BY c.id LIMIT 16"))
      plain.push_back(r.i64(0));
    for (auto& r : conn.query("SELECT id FROM customers WHERE is_key_account = 1 AND status = 'active' AND manager_id IS NOT NULL AND id > 100 "
                              "ORDER BY id LIMIT 4"))
      key.push_back(r.i64(0));
    return 0;
  });
  ASSERT_EQ(plain.size(), 16u);
  ASSERT_EQ(key.size(), 4u);
  const std::string acct = "(SELECT id FROM accounts WHERE customer_id = ?)";
  const std::string contact = "(SELECT MIN(id) FROM contacts WHERE customer_id = ? AND active = 1)";
  // Plain customers 0..9 each break one rule; 15 stays as it is (its findings are compared below).
  sql("UPDATE customers SET credit_code = NULL WHERE id = ?", {plain[0]});
  sql("UPDATE customers SET industry_code = NULL WHERE id = ?", {plain[1]});
  sql("UPDATE customers SET address = '' WHERE id = ?", {plain[2]});
  sql("UPDATE accounts SET voltage_level = '' WHERE id = " + acct, {plain[3]});
  sql("UPDATE accounts SET contract_capacity_kva = 0, tariff_category = 'ci_single', basic_charge_mode = 'none' WHERE id = " + acct, {plain[4]});
  sql("UPDATE accounts SET line_id = NULL, transformer_area_id = NULL, section_id = NULL WHERE id = " + acct, {plain[5]});
  sql("UPDATE accounts SET voltage_level = '0.38kV', transformer_area_id = NULL, line_id = (SELECT MIN(id) FROM lines) WHERE id = " + acct, {plain[6]});
  sql("UPDATE contacts SET mobile = NULL WHERE id = " + contact, {plain[7]});
  sql("UPDATE contacts SET mobile = '12345' WHERE id = " + contact, {plain[8]});
  sql("UPDATE contacts SET email = 'not-an-email' WHERE id = " + contact, {plain[9]});
  sql("UPDATE customers SET credit_code = substr(credit_code, 1, 17) || CASE substr(credit_code, 18, 1) WHEN '0' THEN '1' ELSE '0' END WHERE id = ?",
      {plain[10]});
  sql("UPDATE accounts SET tariff_category = 'ci_two_part', basic_charge_mode = 'capacity', contract_capacity_kva = 80 WHERE id = " + acct, {plain[11]});
  // A credit code written in lower case on another record: the same code twice.
  sql("UPDATE customers SET credit_code = lower((SELECT credit_code FROM customers WHERE id = ?)) WHERE id = ?", {plain[13], plain[12]});
  sql("UPDATE customers SET annual_kwh = 1e13 WHERE id = ?", {plain[14]});
  sql("UPDATE customers SET manager_id = NULL WHERE id = ?", {key[0]});
  sql("UPDATE contacts SET notice_types = 'bill' WHERE customer_id = ?", {key[1]});
  sql("UPDATE contacts SET confirmed_at = 1000 WHERE customer_id = ?", {key[2]});
  sql("UPDATE customers SET importance_class = 'first' WHERE id = ?", {key[3]});
  sql("UPDATE accounts SET supply_sources = 1, emergency_power = 0 WHERE customer_id = ?", {key[3]});
  sql("DELETE FROM account_sources WHERE account_id IN (SELECT id FROM accounts WHERE customer_id = ?)", {key[3]});
  ASSERT_EQ(admin.post("/api/v1/quality/runs", bj::object{}).status, 200);
  auto rules = [&](std::int64_t customer) { return rules_of(admin.get("/api/v1/quality/findings?page_size=100&customer_id=" + std::to_string(customer)).json()); };
  const std::vector<std::pair<std::int64_t, std::string>> expected{
      {plain[0], "completeness.credit_code"},   {plain[1], "completeness.industry"},      {plain[2], "completeness.address"},
      {plain[3], "completeness.voltage_level"}, {plain[4], "completeness.capacity"},      {plain[5], "completeness.supply_line"},
      {plain[6], "completeness.transformer_area"}, {plain[7], "completeness.contact_mobile"}, {plain[8], "validity.mobile"},
      {plain[9], "validity.email"},             {plain[10], "validity.credit_code"},      {plain[11], "validity.tariff_capacity"},
      {plain[12], "duplicates.credit_code"},    {plain[13], "duplicates.credit_code"},    {plain[14], "anomalies.consumption"},
      {key[0], "completeness.key_manager"},     {key[1], "completeness.key_outage_contact"}, {key[2], "staleness.key_contacts"},
      {key[3], "grid.sources"},                 {key[3], "grid.emergency_power"}};
  const auto control = rules(plain[15]);
  for (auto& [customer, rule] : expected) {
    EXPECT_TRUE(rules(customer).count(rule)) << rule << " on customer " << customer;
    EXPECT_FALSE(control.count(rule)) << rule << " on the clean customer";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Quality, ::testing::ValuesIn(storage::test_backends("quality_test")),
                         [](const auto& info) { return storage::backend_label(info.param); });
