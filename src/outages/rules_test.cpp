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


TEST(OutageRules, LatestNoticeTimeMovesBackToAWorkingDay) {
  constexpr std::int64_t hour = 3'600'000, day = 24 * hour;
  // Day 0 = Thursday 1970-01-01 in Shanghai; weekends (days 2, 3) and day 4 (a holiday) are off.
  auto working = [](std::int32_t d) { return d != 4 && ((d % 7) + 7) % 7 != 2 && ((d % 7) + 7) % 7 != 3; };
  const std::int64_t shanghai = 8 * hour;
  const std::int64_t start = 12 * day - shanghai + 9 * hour;  // day 12 (Tuesday) 09:00
  // 7 days before: day 5 (Tuesday... a working day here) — unchanged.
  EXPECT_EQ(latest_notice_time(start, 7 * day, true, working), start - 7 * day);
  // 8 days before: day 4, the holiday → day 1 (Friday) 17:30, over the weekend.
  EXPECT_EQ(latest_notice_time(start, 8 * day, true, working), 1 * day - shanghai + 17 * hour + 30 * 60'000);
  // Without the working-day rule, or without lead time, nothing moves.
  EXPECT_EQ(latest_notice_time(start, 8 * day, false, working), start - 8 * day);
  EXPECT_EQ(latest_notice_time(start, 0, true, working), start);
  // An early-morning latest time on a working day stays (never later than the rule).
  EXPECT_EQ(latest_notice_time(start - 4 * hour, 7 * day, true, working), start - 4 * hour - 7 * day);
}

TEST(OutageRules, UnconfirmedNoticesBecomeTasksThenEscalate) {
  constexpr std::int64_t hour = 3'600'000;
  const std::int64_t start = 1000 * hour;
  EXPECT_EQ(followup_stage(start - 49 * hour, start, 48, 24, 0), 0);
  EXPECT_EQ(followup_stage(start - 48 * hour, start, 48, 24, 0), 1);
  EXPECT_EQ(followup_stage(start - 24 * hour, start, 48, 24, 1), 2);
  EXPECT_EQ(followup_stage(start - 10 * hour, start, 48, 24, 0), 2);  // a server that was down catches up
  EXPECT_EQ(followup_stage(start + hour, start, 48, 24, 1), 1);        // the outage began: no more follow-up
  EXPECT_EQ(followup_stage(start - 47 * hour, start, 48, 72, 0), 2);   // escalation set before the task: both at once
  EXPECT_EQ(followup_stage(start - 49 * hour, start, 48, 24, 2), 2);   // never goes back
}

TEST(OutageRules, ReliabilityFigures) {
  auto r = reliability(200, 50, 100.0, 8760.0);
  EXPECT_DOUBLE_EQ(r.aihc, 0.5);
  EXPECT_DOUBLE_EQ(r.saifi, 0.25);
  EXPECT_NEAR(r.rs1, 1.0 - 0.5 / 8760.0, 1e-12);
  auto none = reliability(0, 0, 0, 8760);
  EXPECT_DOUBLE_EQ(none.rs1, 1.0);
  EXPECT_DOUBLE_EQ(none.aihc, 0.0);
}

}  // namespace lianxin::outages
