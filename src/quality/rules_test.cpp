#include "quality/rules.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "customers/rules.hpp"

namespace lianxin::quality {
namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kNow = 20'000 * kDay;

std::set<std::string> all_rules() {
  std::set<std::string> s;
  for (auto& r : rule_library()) s.insert(r.code);
  return s;
}

std::string valid_code() {
  const std::string first17 = "91530100MA6K12345";
  return first17 + customers::credit_code_check_char(first17);
}

// A customer that breaks no rule: the base every test changes one thing of.
CustomerFacts clean() {
  CustomerFacts c;
  c.id = 1;
  c.name = "昆明测试有限公司";
  c.credit_code = valid_code();
  c.industry_code = "C31";
  c.address = "昆明市盘龙区";
  c.importance_class = "first";
  c.key_account = true;
  c.manager_id = 7;
  AccountFacts a;
  a.id = 10;
  a.account_no = "5300000001";
  a.voltage_level = "10kV";
  a.tariff_category = "ci_two_part";
  a.basic_charge_mode = "capacity";
  a.capacity_kva = 2000;
  a.declared_sources = 2;
  a.topology_sources = 2;
  a.emergency_power = true;
  a.has_line = true;
  c.accounts.push_back(a);
  ContactFacts k;
  k.id = 20;
  k.name = "张三";
  k.mobile = "13812345678";
  k.email = "zhang@example.com";
  k.notice_types = "outage,limitation";
  k.confirmed_at = kNow - 30 * kDay;
  c.contacts.push_back(k);
  return c;
}

std::set<std::string> rules_hit(const CustomerFacts& c) {
  std::set<std::string> hit;
  for (auto& f : check_customer(c, all_rules(), CheckParams{kNow, 365})) hit.insert(f.rule);
  return hit;
}

}  // namespace

TEST(QualityRules, EveryRuleHasItsTexts) {
  std::set<std::string> codes;
  for (auto& r : rule_library()) {
    EXPECT_TRUE(codes.insert(r.code).second) << r.code;
    EXPECT_FALSE(r.zh.empty() || r.en.empty() || r.fix_zh.empty() || r.fields.empty() || r.source.empty()) << r.code;
  }
  EXPECT_GE(codes.size(), 20u);
}

TEST(QualityRules, ACleanRecordHasNoFinding) { EXPECT_TRUE(rules_hit(clean()).empty()); }

TEST(QualityRules, Completeness) {
  auto c = clean();
  c.credit_code.clear();
  c.industry_code.clear();
  c.address.clear();
  c.accounts[0].voltage_level.clear();
  c.accounts[0].capacity_kva = 0;
  c.accounts[0].has_line = false;
  c.manager_id.reset();
  c.contacts[0].mobile.clear();
  const auto hit = rules_hit(c);
  for (const char* rule : {"completeness.credit_code", "completeness.industry", "completeness.address", "completeness.voltage_level",
                           "completeness.capacity", "completeness.supply_line", "completeness.key_manager", "completeness.key_outage_contact",
                           "completeness.contact_mobile"})
    EXPECT_TRUE(hit.count(rule)) << rule;
  // A residential account needs no capacity; a low-voltage one needs its transformer area.
  auto r = clean();
  r.accounts[0].tariff_category = "residential";
  r.accounts[0].basic_charge_mode = "none";
  r.accounts[0].capacity_kva = 0;
  r.accounts[0].voltage_level = "0.38kV";
  EXPECT_EQ(rules_hit(r), (std::set<std::string>{"completeness.transformer_area"}));
  r.accounts[0].has_area = true;
  EXPECT_TRUE(rules_hit(r).empty());
  // A group (the parent record) has no credit code of its own to check.
  auto g = clean();
  g.is_group = true;
  g.credit_code.clear();
  EXPECT_FALSE(rules_hit(g).count("completeness.credit_code"));
  // A key account whose only outage contact has no mobile, and one who does not take outage notices.
  auto k = clean();
  k.contacts[0].notice_types = "bill";
  EXPECT_TRUE(rules_hit(k).count("completeness.key_outage_contact"));
  k.key_account = false;
  EXPECT_FALSE(rules_hit(k).count("completeness.key_outage_contact"));
}

TEST(QualityRules, Validity) {
  auto c = clean();
  c.credit_code[17] = c.credit_code[17] == '0' ? '1' : '0';
  c.industry_known = false;
  c.contacts[0].mobile = "2381234567";
  c.contacts[0].email = "not-an-email";
  const auto hit = rules_hit(c);
  for (const char* rule : {"validity.credit_code", "validity.industry", "validity.mobile", "validity.email"}) EXPECT_TRUE(hit.count(rule)) << rule;
  EXPECT_FALSE(hit.count("completeness.credit_code"));
  // Mobile numbers written with +86 and spaces are fine.
  auto ok = clean();
  ok.contacts[0].mobile = "+86 138-1234-5678";
  EXPECT_TRUE(rules_hit(ok).empty());
  // Two-part tariff on 100 kVA or less; basic-charge mode not matching the tariff.
  auto t = clean();
  t.accounts[0].capacity_kva = 100;
  EXPECT_TRUE(rules_hit(t).count("validity.tariff_capacity"));
  t.accounts[0].capacity_kva = 101;
  EXPECT_FALSE(rules_hit(t).count("validity.tariff_capacity"));
  t.accounts[0].basic_charge_mode = "none";
  EXPECT_TRUE(rules_hit(t).count("validity.basic_charge_mode"));
  t.accounts[0].basic_charge_mode = "contract_demand";
  t.accounts[0].tariff_category = "ci_single";
  EXPECT_TRUE(rules_hit(t).count("validity.basic_charge_mode"));
  t.accounts[0].basic_charge_mode = "none";
  EXPECT_TRUE(rules_hit(t).empty());
}

TEST(QualityRules, GridRulesOfImportantCustomers) {
  auto c = clean();
  c.accounts[0].declared_sources = 1;
  c.accounts[0].topology_sources = 1;
  c.accounts[0].emergency_power = false;
  auto hit = rules_hit(c);
  EXPECT_TRUE(hit.count("grid.sources"));
  EXPECT_TRUE(hit.count("grid.emergency_power"));
  c.importance_class = "special";  // three sources
  c.accounts[0].declared_sources = 2;
  c.accounts[0].emergency_power = true;
  EXPECT_TRUE(rules_hit(c).count("grid.sources"));
  c.accounts[0].topology_sources = 3;  // the topology knows a third
  EXPECT_FALSE(rules_hit(c).count("grid.sources"));
  c.importance_class = "none";
  c.accounts[0].emergency_power = false;
  c.accounts[0].declared_sources = c.accounts[0].topology_sources = 1;
  EXPECT_TRUE(rules_hit(c).empty());
  auto u = clean();
  u.accounts[0].line_unknown = true;
  EXPECT_EQ(rules_hit(u), (std::set<std::string>{"grid.unknown_reference"}));
  EXPECT_EQ(sources_required("second"), 2);
  EXPECT_EQ(sources_required("temporary"), 0);
}

TEST(QualityRules, StaleKeyContacts) {
  auto c = clean();
  c.contacts[0].confirmed_at = kNow - 366 * kDay;
  EXPECT_TRUE(rules_hit(c).count("staleness.key_contacts"));
  c.contacts[0].confirmed_at.reset();
  EXPECT_TRUE(rules_hit(c).count("staleness.key_contacts"));
  c.key_account = false;
  EXPECT_FALSE(rules_hit(c).count("staleness.key_contacts"));
}

TEST(QualityRules, SwitchedOffRulesFindNothing) {
  auto c = clean();
  c.credit_code.clear();
  EXPECT_TRUE(check_customer(c, {"completeness.industry"}, CheckParams{kNow, 365}).empty());
}

TEST(QualityRules, NameKeysAndOutliers) {
  EXPECT_EQ(name_key("云南锡业股份有限公司"), name_key("云南 锡业股份有限公司（本部）"));
  EXPECT_EQ(name_key("Kunming Steel Co., Ltd."), "kunmingsteelcoltd");
  EXPECT_EQ(name_key("昆明钢铁有限公司(原档案)"), "昆明钢铁有限公司");
  EXPECT_NE(name_key("昆明钢铁有限公司"), name_key("昆明钢铁股份有限公司"));
  EXPECT_NE(name_key("昆明钢铁有限公司"), name_key("昆明钢材有限公司"));
  std::vector<double> logs;
  for (int i = 0; i < 40; ++i) logs.push_back(std::log(1000.0 + 10 * i));
  const auto st = peer_stats(logs);
  EXPECT_FALSE(is_outlier(1100, st));
  EXPECT_TRUE(is_outlier(100000, st));
  EXPECT_TRUE(is_outlier(5, st));
  EXPECT_FALSE(is_outlier(100000, peer_stats({std::log(1000.0), std::log(1100.0)})));  // too few peers
  EXPECT_EQ(score({Severity::high, Severity::low}), 75);
  EXPECT_EQ(score(std::vector<Severity>(8, Severity::high)), 0);
}

}  // namespace lianxin::quality
