#pragma once
// Business expansion (业扩报装): pure rules. Which stages an application goes through (by kind and
// supply category), what starts each stage (the supplier at once, or the customer's own action such
// as submitting the design or reporting completion), the time limits of each rule-set in working
// days (rules_cn §4.3 and §1.1 第六条, each with its source and verification), and whether an
// application is on time. No I/O; the working-day arithmetic is the calendar engine's.
#include <optional>
#include <string>
#include <vector>

namespace lianxin::expansion {

// 新装, 增容, 减容, 暂停, 恢复 (暂停恢复), 更名, 改类.
enum class Kind { new_connection, capacity_increase, capacity_reduction, suspension, resumption, change_name, change_tariff };
// 居民, 低压非居民, 高压单电源, 高压双电源, 110 kV 及以上.
enum class Category { residential, low_voltage, hv_single, hv_dual, hv_110kv };
// 受理, 现场勘查, 供电方案答复, 设计审查, 中间检查, 竣工检验, 装表接电.
enum class Stage { acceptance, survey, plan_reply, design_review, mid_inspection, completion_inspection, connection };

const char* kind_code(Kind k);
const char* category_code(Category c);
const char* stage_code(Stage s);
std::optional<Kind> kind_from(const std::string& code);
std::optional<Category> category_from(const std::string& code);
std::optional<Stage> stage_from(const std::string& code);
bool is_high_voltage(Category c);
// The stage's name for people: 受理, 现场勘查 … (zh) or Acceptance, Site survey … (en); the code
// itself when unknown.
std::string stage_label(const std::string& code, bool zh = true);
const std::vector<Stage>& all_stages();  // in process order

// What starts a stage: the supplier starts it as soon as the previous stage is done, or it waits
// for the customer (design documents submitted, construction finished and reported); the time in
// between is the customer's and never counts against a limit.
enum class StartEvent { previous_done, customer_request };

struct StageStep {
  Stage stage;
  StartEvent start;
};

// The stages of an application in order. New connections and capacity increases: low voltage
// 受理 → 勘查 → 方案答复 (→ 竣工检验 for non-residential) → 装表接电; high voltage all seven, with
// 设计审查, 中间检查 and 竣工检验 started by the customer. The other kinds (减容, 暂停, 恢复, 更名,
// 改类): 受理 → 勘查 → 装表接电 (the change carried out on site).
std::vector<StageStep> stages_for(Kind kind, Category category);

// Rule-sets of limits, selectable per application (setting); the verification follows rules_cn:
// V verified, S secondary source, U unverified.
struct RuleSet {
  std::string code, name, source, verification;
};
const std::vector<RuleSet>& rule_sets();  // regulator_2009, sgcc_assessment, sgcc_commitment

// Working-day limit of one stage under a rule-set, when the rule-set has one.
std::optional<int> stage_limit(const std::string& rule_set, Category category, Stage stage);
// Working-day limit of the supplier's time over all stages together (the public commitment's
// cumulative 6 / 22 / 32 working days; residential 5 for the whole process), when there is one.
std::optional<int> total_limit(const std::string& rule_set, Category category);

// On time only if every stage with a limit is within it and the supplier's total is within the
// total limit (rules_cn §4.3(b): "an order counts as on time only if all five stages are on time").
struct StageTime {
  Stage stage;
  double supplier_working_days = 0;  // customer-held time (pauses, waiting for the customer) excluded
};
struct Verdict {
  bool on_time = true;
  std::vector<Stage> late_stages;
  bool total_late = false;
  double supplier_working_days = 0;
};
Verdict judge(const std::string& rule_set, Category category, const std::vector<StageTime>& stages);

// The next stage may be finished only in order, once, and never in the future: returns why not, or
// nullopt when `stage` is the running one. `done` lists the stages finished so far, in order.
std::optional<std::string> finish_problem(const std::vector<StageStep>& plan, const std::vector<Stage>& done, Stage stage,
                                          const std::string& finished_on, const std::string& today);

// Average and 90th percentile of a set of durations (working days). The percentile is the
// nearest-rank one: the smallest value with at least 90 % of the values at or below it. Reorders
// `values`; an empty set gives count 0 and zeros.
struct Summary {
  std::size_t count = 0;
  double avg = 0, p90 = 0;
};
Summary summarize(std::vector<double>& values);

}  // namespace lianxin::expansion
