#include "outages/rules.hpp"

#include <gtest/gtest.h>

namespace lianxin::outages {

TEST(OutageRules, AnAccountIsOutOnlyWhenEverySourceIs) {
  // Line 1: section 10 (head) → 11 → 12; area 100 on section 11. Line 2 feeds the second source.
  SectionChildren children{{10, {11}}, {11, {12}}};
  Scope scope;
  scope.sections = {11};
  const auto out = sections_out(scope, children);
  EXPECT_EQ(out, (std::unordered_set<std::int64_t>{11, 12}));
  EXPECT_EQ(effect_of(1, {{1, 11, 100}}, scope, out), Effect::out);                      // via its area's section
  EXPECT_EQ(effect_of(2, {{1, 10, 0}}, scope, out), Effect::none);                       // upstream of the switch
  EXPECT_EQ(effect_of(3, {{1, 12, 0}, {2, 0, 0}}, scope, out), Effect::one_source);      // dual supply, one left
  EXPECT_EQ(effect_of(4, {{1, 12, 0}, {2, 0, 0}, {1, 11, 0}}, scope, out), Effect::one_source);
  scope.lines = {2};
  EXPECT_EQ(effect_of(3, {{1, 12, 0}, {2, 0, 0}}, scope, out), Effect::out);             // both sources cut
  Scope arrears;
  arrears.accounts = {9};
  EXPECT_EQ(effect_of(9, {{1, 10, 0}}, arrears, {}), Effect::out);
  EXPECT_EQ(effect_of(8, {}, scope, out), Effect::none);                                  // no topology known
  Scope area;
  area.areas = {100};
  EXPECT_EQ(effect_of(1, {{1, 11, 100}}, area, {}), Effect::out);
}

TEST(OutageRules, LeadTimes) {
  LeadRules r;
  const std::int64_t day = 86'400'000;
  EXPECT_EQ(required_lead_ms(Kind::planned, false, r), 7 * day);
  EXPECT_EQ(required_lead_ms(Kind::temporary, false, r), 0);
  EXPECT_EQ(required_lead_ms(Kind::temporary, true, r), day);
  EXPECT_EQ(required_lead_ms(Kind::fault, true, r), 0);
  EXPECT_EQ(lead_shortfall_ms(Kind::planned, false, 10 * day, 4 * day, r), day);  // 6 days' notice for 7
  EXPECT_EQ(lead_shortfall_ms(Kind::planned, false, 10 * day, 3 * day, r), 0);
  EXPECT_EQ(lead_shortfall_ms(Kind::arrears, false, 10 * day, 8 * day, r), day);
}

TEST(OutageRules, StatesMoveInOrder) {
  EXPECT_FALSE(transition_problem(Status::draft, Status::checked));
  EXPECT_FALSE(transition_problem(Status::checked, Status::approved));
  EXPECT_TRUE(transition_problem(Status::draft, Status::approved));
  EXPECT_TRUE(transition_problem(Status::restored, Status::cancelled));
  EXPECT_FALSE(transition_problem(Status::notified, Status::cancelled));
  EXPECT_TRUE(transition_problem(Status::in_progress, Status::cancelled));
}

TEST(OutageRules, TopologyFilesWithCyclesOrDanglingReferencesAreRefused) {
  std::unordered_map<std::string, std::string> known{{"SUB1", "substation"}, {"L1", "line"}, {"S-DB", "section"}};
  std::vector<TopologyRow> ok{{2, "line", "L2", "二号线", "SUB1"}, {3, "section", "S1", "一段", "L2"}, {4, "section", "S2", "二段", "S1"},
                              {5, "area", "A1", "台区一", "S2"}};
  EXPECT_TRUE(check_topology(ok, known).empty());
  std::vector<TopologyRow> bad{{2, "section", "S1", "一段", "S2"}, {3, "section", "S2", "二段", "S1"},  // cycle
                               {4, "area", "A1", "台区", "NOPE"},                                      // dangling
                               {5, "line", "L9", "九号线", "L1"},                                        // a line below a line
                               {6, "switch", "K1", "开关", "L1"},                                         // unknown kind
                               {7, "area", "A1", "台区", "L1"}};                                          // duplicate code
  auto problems = check_topology(bad, known);
  auto rows_of = [&](const std::string& field) {
    std::vector<std::int64_t> rows;
    for (auto& p : problems)
      if (p.field == field) rows.push_back(p.row);
    return rows;
  };
  EXPECT_EQ(rows_of("parent"), (std::vector<std::int64_t>{4, 5, 2, 3}));
  EXPECT_EQ(rows_of("kind"), std::vector<std::int64_t>{6});
  EXPECT_EQ(rows_of("code"), std::vector<std::int64_t>{7});
  // A cycle through a section already in the database.
  std::vector<TopologyRow> through_db{{2, "section", "S9", "九段", "S-DB"}};
  EXPECT_FALSE(check_topology(through_db, known, {{"S-DB", "S9"}}).empty());
}

}  // namespace lianxin::outages
