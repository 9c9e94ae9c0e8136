// Key-account identification rules (pure).
#include <gtest/gtest.h>

#include "common/errors.hpp"
#include "keyaccounts/rules.hpp"

using namespace lianxin;
using namespace lianxin::keyaccounts;

namespace {

Facts customer(std::int64_t id, std::int64_t bureau, double kwh) {
  Facts f;
  f.customer_id = id;
  f.bureau_id = bureau;
  f.annual_kwh = kwh;
  f.importance_class = "none";
  return f;
}

bool has(const Proposal& p, Reason r) { return p.reasons.has(r); }

}  // namespace

TEST(Identification, TopNOfEachBureau) {
  std::vector<Facts> facts;
  for (int i = 1; i <= 30; ++i) facts.push_back(customer(i, 1, 1000.0 * i));        // bureau 1: 30 customers
  for (int i = 31; i <= 35; ++i) facts.push_back(customer(i, 2, 10.0 * i));         // bureau 2: 5 small ones
  Rules rules;
  rules.score_threshold = 100;  // only the top-N reason here
  auto p = propose(facts, rules);
  EXPECT_EQ(p[29].rank_in_bureau, 1);  // 30,000 kWh is the largest of bureau 1
  EXPECT_TRUE(has(p[29], Reason::top_consumption));
  EXPECT_TRUE(has(p[10], Reason::top_consumption));   // rank 20
  EXPECT_FALSE(has(p[9], Reason::top_consumption));   // rank 21
  for (int i = 30; i < 35; ++i) EXPECT_TRUE(has(p[i], Reason::top_consumption));  // small bureaus keep their top N
  rules.top_n = 3;
  p = propose(facts, rules);
  EXPECT_FALSE(has(p[30], Reason::top_consumption));
  EXPECT_TRUE(has(p[34], Reason::top_consumption));
}

TEST(Identification, ClassesKindsAndScore) {
  std::vector<Facts> facts;
  for (int i = 1; i <= 100; ++i) facts.push_back(customer(i, 1, i));
  facts[0].importance_class = "first";
  facts[1].industry_code = "8411";      // a hospital (division 84)
  facts[1].contract_kva = 800;
  facts[2].tags = {"应急指挥"};
  facts[2].contract_kva = 400;
  facts[4].industry_code = "84";        // a clinic: too small to be listed
  facts[4].contract_kva = 50;
  facts[3].importance_class = "temporary";  // not an important class for the list
  // Customer 100 is the largest, grows fastest, pays everything and has the largest capacity.
  facts[99].previous_kwh = 10;
  facts[99].billed_fen = 1000;
  facts[99].paid_fen = 1000;
  facts[99].contract_kva = 5000;
  Rules rules;
  rules.top_n = 0;
  rules.score_top_n = 1;  // only the best-scored customer of the bureau
  auto p = propose(facts, rules);
  EXPECT_TRUE(has(p[0], Reason::important_class));
  EXPECT_TRUE(has(p[1], Reason::listed_kind));
  EXPECT_EQ(listed_kind_name(p[1], rules), "hospital");
  EXPECT_EQ(listed_kind_name(p[2], rules), "emergency_command");
  EXPECT_TRUE(p[3].reasons.empty());
  EXPECT_TRUE(p[4].reasons.empty());
  EXPECT_TRUE(has(p[99], Reason::value_score));
  EXPECT_EQ(p[99].score_rank_in_bureau, 1);
  EXPECT_GE(p[99].score, 90);
  EXPECT_FALSE(has(p[98], Reason::value_score));  // second best: beyond score_top_n
  // A threshold above every score proposes nobody by score, whatever the rank.
  rules.score_threshold = 100.1;
  EXPECT_THROW(propose(facts, rules), AppError);  // out of range
  rules.score_threshold = 100;
  rules.score_top_n = 100;
  p = propose(facts, rules);
  int by_score = 0;
  for (auto& x : p) by_score += has(x, Reason::value_score) ? 1 : 0;
  EXPECT_EQ(by_score, 1);  // only the perfect 100
  EXPECT_TRUE(p[50].reasons.empty());
  // Unknown growth and no bills score neutral (50), not zero.
  EXPECT_GT(p[50].score, 30);
}

TEST(Identification, DiffAgainstTheCurrentList) {
  std::vector<Facts> facts{customer(1, 1, 100), customer(2, 1, 50), customer(3, 1, 10)};
  facts[1].key_account = true;
  facts[2].key_account = true;
  Rules rules;
  rules.top_n = 1;
  rules.score_threshold = 100;
  auto d = diff(propose(facts, rules));
  EXPECT_EQ(d.added, std::vector<std::int64_t>{1});
  EXPECT_EQ(d.removed, (std::vector<std::int64_t>{2, 3}));
  EXPECT_TRUE(d.kept.empty());
}

TEST(Identification, RulesAreValidated) {
  Rules rules;
  rules.weights = {0, 0, 0, 0};
  try {
    propose({}, rules);
    ADD_FAILURE();
  } catch (const AppError& e) {
    EXPECT_EQ(e.issues().at(0).field, "weights");
  }
  rules = Rules{};
  rules.score_threshold = 120;
  EXPECT_THROW(validate(rules), AppError);
}

// ---- programme rules -------------------------------------------------------------------------
#include "keyaccounts/programme_rules.hpp"

namespace lianxin::keyaccounts {

TEST(ProgrammeRules, DueTemplateParsesAndRefusesNonsense) {
  auto t = parse_due_template("manager:01-31, leader_visit:06-30,drill:09-30");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->at("manager"), "01-31");
  EXPECT_EQ(t->at("leader_visit"), "06-30");
  EXPECT_EQ(t->at("diagnosis"), "12-31");  // not listed: the fallback
  EXPECT_FALSE(parse_due_template("visit:01-31"));
  EXPECT_FALSE(parse_due_template("manager:13-01"));
  EXPECT_FALSE(parse_due_template("manager"));
  EXPECT_TRUE(parse_due_template("manager:02-29"));
}

TEST(ProgrammeRules, LateAccountsGetTimeButNotPastTheYear) {
  EXPECT_EQ(programme_due_date(2026, "06-30", "2026-01-01", 90), "2026-06-30");
  EXPECT_EQ(programme_due_date(2026, "01-31", "2026-03-01", 90), "2026-05-30");
  EXPECT_EQ(programme_due_date(2026, "06-30", "2026-11-22", 90), "2026-12-31");
  EXPECT_EQ(programme_due_date(2025, "02-29", "2025-01-01", 0), "2025-02-28");
}

TEST(ProgrammeRules, SettingsAreCheckedBeforeTheyAreStored) {
  EXPECT_FALSE(setting_problem("keyaccounts.top_n", "20"));
  EXPECT_TRUE(setting_problem("keyaccounts.top_n", "-1"));
  EXPECT_TRUE(setting_problem("keyaccounts.score_threshold", "101"));
  EXPECT_FALSE(setting_problem("keyaccounts.weights", "40,20,20,20"));
  EXPECT_TRUE(setting_problem("keyaccounts.weights", "40,20,20"));
  EXPECT_TRUE(setting_problem("keyaccounts.weights", "0,0,0,0"));
  EXPECT_FALSE(setting_problem("keyaccounts.programme_due", "manager:02-28,drill:09-30"));
  EXPECT_TRUE(setting_problem("keyaccounts.programme_due", "visit:02-28"));
  EXPECT_FALSE(setting_problem("keyaccounts.visit_interval_days", "A:14,B:30,C:60"));
  EXPECT_TRUE(setting_problem("keyaccounts.visit_interval_days", "A:14,B:30"));
  EXPECT_TRUE(setting_problem("keyaccounts.other", "1"));
}

TEST(ProgrammeRules, VisitFrequencyByTier) {
  auto t = parse_tier_intervals("A:30,B:60,C:90");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->at("B"), 60);
  EXPECT_FALSE(parse_tier_intervals("A:x"));
  EXPECT_FALSE(parse_tier_intervals("A:0"));
  EXPECT_FALSE(parse_tier_intervals(""));
  EXPECT_EQ(next_visit_due(std::string("2026-10-31"), 30, "2026-11-22"), "2026-11-30");
  EXPECT_EQ(next_visit_due(std::nullopt, 30, "2026-11-22"), "2026-11-22");
  EXPECT_EQ(add_days("2024-02-28", 1), "2024-02-29");
  EXPECT_EQ(add_days("2026-01-01", -1), "2025-12-31");
}

}  // namespace lianxin::keyaccounts
