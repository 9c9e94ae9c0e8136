#include "expansion/rules.hpp"

#include <gtest/gtest.h>

namespace lianxin::expansion {
namespace {

std::vector<Stage> stage_list(const std::vector<StageStep>& steps) {
  std::vector<Stage> out;
  for (auto& s : steps) out.push_back(s.stage);
  return out;
}

}  // namespace

TEST(ExpansionRules, CodesRoundTrip) {
  for (auto code : {"new_connection", "capacity_increase", "capacity_reduction", "suspension", "resumption", "change_name",
                    "change_tariff"})
    EXPECT_STREQ(kind_code(*kind_from(code)), code);
  for (auto code : {"residential", "low_voltage", "hv_single", "hv_dual", "hv_110kv"})
    EXPECT_STREQ(category_code(*category_from(code)), code);
  EXPECT_FALSE(stage_from("handover"));
  EXPECT_FALSE(kind_from(""));
}

TEST(ExpansionRules, StagesFollowKindAndVoltage) {
  using S = Stage;
  EXPECT_EQ(stage_list(stages_for(Kind::new_connection, Category::hv_dual)),
            (std::vector<S>{S::acceptance, S::survey, S::plan_reply, S::design_review, S::mid_inspection, S::completion_inspection,
                            S::connection}));
  EXPECT_EQ(stage_list(stages_for(Kind::new_connection, Category::residential)),
            (std::vector<S>{S::acceptance, S::survey, S::plan_reply, S::connection}));
  EXPECT_EQ(stage_list(stages_for(Kind::capacity_increase, Category::low_voltage)),
            (std::vector<S>{S::acceptance, S::survey, S::plan_reply, S::completion_inspection, S::connection}));
  EXPECT_EQ(stage_list(stages_for(Kind::suspension, Category::hv_single)), (std::vector<S>{S::acceptance, S::survey, S::connection}));
  // The customer starts design review, mid inspection and completion inspection (their documents, their works).
  auto hv = stages_for(Kind::new_connection, Category::hv_single);
  EXPECT_EQ(hv[3].start, StartEvent::customer_request);
  EXPECT_EQ(hv[6].start, StartEvent::previous_done);
}

TEST(ExpansionRules, LimitsComeFromTheRuleSets) {
  EXPECT_EQ(stage_limit("sgcc_assessment", Category::hv_single, Stage::plan_reply), 15);
  EXPECT_EQ(stage_limit("sgcc_assessment", Category::hv_dual, Stage::plan_reply), 30);
  EXPECT_EQ(stage_limit("regulator_2009", Category::hv_dual, Stage::plan_reply), 45);
  EXPECT_EQ(stage_limit("regulator_2009", Category::residential, Stage::connection), 3);
  EXPECT_FALSE(stage_limit("sgcc_assessment", Category::low_voltage, Stage::plan_reply));
  EXPECT_FALSE(stage_limit("sgcc_commitment", Category::hv_single, Stage::plan_reply));
  EXPECT_EQ(total_limit("sgcc_commitment", Category::low_voltage), 6);
  EXPECT_EQ(total_limit("sgcc_commitment", Category::hv_single), 22);
  EXPECT_EQ(total_limit("sgcc_commitment", Category::hv_dual), 32);
  EXPECT_EQ(total_limit("sgcc_commitment", Category::residential), 5);
  EXPECT_FALSE(total_limit("sgcc_commitment", Category::hv_110kv));
  EXPECT_EQ(rule_sets().size(), 3u);
  EXPECT_EQ(rule_sets()[0].verification, "V");
}

TEST(ExpansionRules, OnTimeOnlyIfEveryStageAndTheTotalAre) {
  std::vector<StageTime> times = {{Stage::acceptance, 0.5}, {Stage::survey, 2}, {Stage::plan_reply, 15}, {Stage::design_review, 4},
                                  {Stage::mid_inspection, 2}, {Stage::completion_inspection, 3}, {Stage::connection, 2}};
  auto v = judge("sgcc_assessment", Category::hv_single, times);
  EXPECT_TRUE(v.on_time);
  EXPECT_DOUBLE_EQ(v.supplier_working_days, 28.5);
  times[2].supplier_working_days = 15.5;  // half a day over the 15-day plan reply
  v = judge("sgcc_assessment", Category::hv_single, times);
  EXPECT_FALSE(v.on_time);
  ASSERT_EQ(v.late_stages.size(), 1u);
  EXPECT_EQ(v.late_stages[0], Stage::plan_reply);
  // The public commitment counts the sum: 29 working days is over 22 for single source.
  v = judge("sgcc_commitment", Category::hv_single, times);
  EXPECT_FALSE(v.on_time);
  EXPECT_TRUE(v.total_late);
  EXPECT_TRUE(v.late_stages.empty());
  EXPECT_TRUE(judge("sgcc_commitment", Category::hv_dual, times).on_time);
}

TEST(ExpansionRules, StagesFinishInOrderOnceAndNotInTheFuture) {
  auto plan = stages_for(Kind::new_connection, Category::hv_single);
  EXPECT_FALSE(finish_problem(plan, {}, Stage::acceptance, "2026-09-30", "2026-10-08"));
  EXPECT_TRUE(finish_problem(plan, {}, Stage::survey, "2026-09-30", "2026-10-08"));  // skipping acceptance
  EXPECT_TRUE(finish_problem(plan, {Stage::acceptance}, Stage::acceptance, "2026-09-30", "2026-10-08"));  // twice
  EXPECT_TRUE(finish_problem(plan, {Stage::acceptance}, Stage::survey, "2026-10-09", "2026-10-08"));  // future
  auto residential = stages_for(Kind::new_connection, Category::residential);
  EXPECT_TRUE(finish_problem(residential, {Stage::acceptance, Stage::survey, Stage::plan_reply}, Stage::design_review, "2026-10-08",
                             "2026-10-08"));  // not a stage of this application
}

TEST(ExpansionRules, AverageAndNearestRankNinetiethPercentile) {
  std::vector<double> none;
  EXPECT_EQ(summarize(none).count, 0u);
  std::vector<double> one{3.5};
  EXPECT_DOUBLE_EQ(summarize(one).p90, 3.5);
  // 1..10: the 9th smallest is the smallest with 90 % at or below it.
  std::vector<double> ten{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  auto s = summarize(ten);
  EXPECT_EQ(s.count, 10u);
  EXPECT_DOUBLE_EQ(s.avg, 5.5);
  EXPECT_DOUBLE_EQ(s.p90, 9);
  // 11 values: ceil(9.9) = 10th smallest.
  std::vector<double> eleven{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  EXPECT_DOUBLE_EQ(summarize(eleven).p90, 10);
  EXPECT_EQ(stage_label("plan_reply"), "供电方案答复");
  EXPECT_EQ(stage_label("plan_reply", false), "Supply plan reply");
  EXPECT_EQ(all_stages().size(), 7u);
}

}  // namespace lianxin::expansion
