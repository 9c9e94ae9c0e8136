#include "expansion/rules.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace lianxin::expansion {

namespace {

template <typename E>
struct Codes {
  std::vector<std::pair<E, const char*>> list;
  const char* code(E e) const {
    for (auto& [v, c] : list)
      if (v == e) return c;
    return "";
  }
  std::optional<E> from(const std::string& s) const {
    for (auto& [v, c] : list)
      if (s == c) return v;
    return std::nullopt;
  }
};

const Codes<Kind>& kinds() {
  static const Codes<Kind> c{{{Kind::new_connection, "new_connection"},
                              {Kind::capacity_increase, "capacity_increase"},
                              {Kind::capacity_reduction, "capacity_reduction"},
                              {Kind::suspension, "suspension"},
                              {Kind::resumption, "resumption"},
                              {Kind::change_name, "change_name"},
                              {Kind::change_tariff, "change_tariff"}}};
  return c;
}
const Codes<Category>& categories() {
  static const Codes<Category> c{{{Category::residential, "residential"},
                                  {Category::low_voltage, "low_voltage"},
                                  {Category::hv_single, "hv_single"},
                                  {Category::hv_dual, "hv_dual"},
                                  {Category::hv_110kv, "hv_110kv"}}};
  return c;
}
const Codes<Stage>& stages() {
  static const Codes<Stage> c{{{Stage::acceptance, "acceptance"},
                               {Stage::survey, "survey"},
                               {Stage::plan_reply, "plan_reply"},
                               {Stage::design_review, "design_review"},
                               {Stage::mid_inspection, "mid_inspection"},
                               {Stage::completion_inspection, "completion_inspection"},
                               {Stage::connection, "connection"}}};
  return c;
}

using Key = std::tuple<std::string, Category, Stage>;

// Stage limits in working days, from rules_cn §4.3.
// (a) regulator_2009: 《供电监管办法》(电监会令第27号) [S]. It gives high voltage as single 20 / dual 45
//     for the plan reply; 110 kV and above is taken as dual source here (our reading).
// (b) sgcc_assessment: 《客户业扩报装服务时限考核办法》(SGCC internal) [S]; high voltage only — low
//     voltage is measured there as one span without a figure, so it has no limit here.
const std::map<Key, int>& stage_limits() {
  using C = Category;
  using S = Stage;
  static const std::map<Key, int> m = {
      {{"regulator_2009", C::residential, S::plan_reply}, 3},
      {{"regulator_2009", C::low_voltage, S::plan_reply}, 8},
      {{"regulator_2009", C::hv_single, S::plan_reply}, 20},
      {{"regulator_2009", C::hv_dual, S::plan_reply}, 45},
      {{"regulator_2009", C::hv_110kv, S::plan_reply}, 45},
      {{"regulator_2009", C::low_voltage, S::design_review}, 8},
      {{"regulator_2009", C::hv_single, S::design_review}, 20},
      {{"regulator_2009", C::hv_dual, S::design_review}, 20},
      {{"regulator_2009", C::hv_110kv, S::design_review}, 20},
      {{"regulator_2009", C::low_voltage, S::mid_inspection}, 3},
      {{"regulator_2009", C::hv_single, S::mid_inspection}, 5},
      {{"regulator_2009", C::hv_dual, S::mid_inspection}, 5},
      {{"regulator_2009", C::hv_110kv, S::mid_inspection}, 5},
      {{"regulator_2009", C::low_voltage, S::completion_inspection}, 5},
      {{"regulator_2009", C::hv_single, S::completion_inspection}, 7},
      {{"regulator_2009", C::hv_dual, S::completion_inspection}, 7},
      {{"regulator_2009", C::hv_110kv, S::completion_inspection}, 7},
      {{"regulator_2009", C::residential, S::connection}, 3},
      {{"regulator_2009", C::low_voltage, S::connection}, 5},
      {{"regulator_2009", C::hv_single, S::connection}, 7},
      {{"regulator_2009", C::hv_dual, S::connection}, 7},
      {{"regulator_2009", C::hv_110kv, S::connection}, 7},
      {{"sgcc_assessment", C::hv_single, S::plan_reply}, 15},
      {{"sgcc_assessment", C::hv_dual, S::plan_reply}, 30},
      {{"sgcc_assessment", C::hv_110kv, S::plan_reply}, 30},
      {{"sgcc_assessment", C::hv_single, S::design_review}, 10},
      {{"sgcc_assessment", C::hv_dual, S::design_review}, 10},
      {{"sgcc_assessment", C::hv_110kv, S::design_review}, 10},
      {{"sgcc_assessment", C::hv_single, S::mid_inspection}, 5},
      {{"sgcc_assessment", C::hv_dual, S::mid_inspection}, 5},
      {{"sgcc_assessment", C::hv_110kv, S::mid_inspection}, 5},
      {{"sgcc_assessment", C::hv_single, S::completion_inspection}, 5},
      {{"sgcc_assessment", C::hv_dual, S::completion_inspection}, 5},
      {{"sgcc_assessment", C::hv_110kv, S::completion_inspection}, 5},
      {{"sgcc_assessment", C::hv_single, S::connection}, 5},
      {{"sgcc_assessment", C::hv_dual, S::connection}, 5},
      {{"sgcc_assessment", C::hv_110kv, S::connection}, 5},
  };
  return m;
}

// (c) sgcc_commitment: 供电服务"十项承诺" 第六条 [V] — the supplier's cumulative time: low-voltage
//     non-residential 6, high-voltage single source 22, dual source 32 working days; residential 5 for
//     the whole process. Nothing is promised for 110 kV and above.
const std::map<std::pair<std::string, Category>, int>& total_limits() {
  static const std::map<std::pair<std::string, Category>, int> m = {
      {{"sgcc_commitment", Category::residential}, 5},
      {{"sgcc_commitment", Category::low_voltage}, 6},
      {{"sgcc_commitment", Category::hv_single}, 22},
      {{"sgcc_commitment", Category::hv_dual}, 32},
  };
  return m;
}

}  // namespace

const char* kind_code(Kind k) { return kinds().code(k); }
const char* category_code(Category c) { return categories().code(c); }
const char* stage_code(Stage s) { return stages().code(s); }
std::optional<Kind> kind_from(const std::string& code) { return kinds().from(code); }
std::optional<Category> category_from(const std::string& code) { return categories().from(code); }
std::optional<Stage> stage_from(const std::string& code) { return stages().from(code); }

bool is_high_voltage(Category c) { return c == Category::hv_single || c == Category::hv_dual || c == Category::hv_110kv; }

std::vector<StageStep> stages_for(Kind kind, Category category) {
  using S = Stage;
  const auto now = StartEvent::previous_done;
  const auto customer = StartEvent::customer_request;
  if (kind != Kind::new_connection && kind != Kind::capacity_increase)
    return {{S::acceptance, now}, {S::survey, now}, {S::connection, now}};
  if (category == Category::residential) return {{S::acceptance, now}, {S::survey, now}, {S::plan_reply, now}, {S::connection, now}};
  if (category == Category::low_voltage)
    return {{S::acceptance, now}, {S::survey, now}, {S::plan_reply, now}, {S::completion_inspection, customer}, {S::connection, now}};
  return {{S::acceptance, now},
          {S::survey, now},
          {S::plan_reply, now},
          {S::design_review, customer},
          {S::mid_inspection, customer},
          {S::completion_inspection, customer},
          {S::connection, now}};
}

const std::vector<RuleSet>& rule_sets() {
  static const std::vector<RuleSet> sets = {
      {"sgcc_commitment", "国家电网供电服务“十项承诺”第六条（各环节合计）", "rules_cn §1.1 第六条", "V"},
      {"sgcc_assessment", "国家电网客户业扩报装服务时限考核办法（分环节）", "rules_cn §4.3(b)", "S"},
      {"regulator_2009", "供电监管办法（电监会令第27号，分环节）", "rules_cn §4.3(a)", "S"},
  };
  return sets;
}

std::optional<int> stage_limit(const std::string& rule_set, Category category, Stage stage) {
  auto it = stage_limits().find({rule_set, category, stage});
  if (it == stage_limits().end()) return std::nullopt;
  return it->second;
}

std::optional<int> total_limit(const std::string& rule_set, Category category) {
  auto it = total_limits().find({rule_set, category});
  if (it == total_limits().end()) return std::nullopt;
  return it->second;
}

Verdict judge(const std::string& rule_set, Category category, const std::vector<StageTime>& times) {
  Verdict v;
  for (const auto& t : times) {
    v.supplier_working_days += t.supplier_working_days;
    if (auto limit = stage_limit(rule_set, category, t.stage); limit && t.supplier_working_days > *limit) {
      v.late_stages.push_back(t.stage);
      v.on_time = false;
    }
  }
  if (auto total = total_limit(rule_set, category); total && v.supplier_working_days > *total) {
    v.total_late = true;
    v.on_time = false;
  }
  return v;
}

std::optional<std::string> finish_problem(const std::vector<StageStep>& plan, const std::vector<Stage>& done, Stage stage,
                                          const std::string& finished_on, const std::string& today) {
  const auto in_plan = std::find_if(plan.begin(), plan.end(), [&](const StageStep& s) { return s.stage == stage; });
  if (in_plan == plan.end()) return std::string("this application has no ") + stage_code(stage) + " stage";
  if (std::find(done.begin(), done.end(), stage) != done.end()) return std::string("the ") + stage_code(stage) + " stage is finished already";
  if (done.size() >= plan.size()) return std::string("every stage is finished already");
  if (plan[done.size()].stage != stage)
    return std::string("finish the ") + stage_code(plan[done.size()].stage) + " stage first; stages cannot be skipped";
  if (finished_on > today) return std::string("a finished stage cannot be dated in the future");
  return std::nullopt;
}

std::string stage_label(const std::string& code, bool zh) {
  struct Label {
    const char *code, *zh, *en;
  };
  static const Label labels[] = {{"acceptance", "受理", "Acceptance"},
                                 {"survey", "现场勘查", "Site survey"},
                                 {"plan_reply", "供电方案答复", "Supply plan reply"},
                                 {"design_review", "设计审查", "Design review"},
                                 {"mid_inspection", "中间检查", "Mid-construction inspection"},
                                 {"completion_inspection", "竣工检验", "Completion inspection"},
                                 {"connection", "装表接电", "Metering and connection"}};
  for (auto& l : labels)
    if (code == l.code) return zh ? l.zh : l.en;
  return code;
}

const std::vector<Stage>& all_stages() {
  static const std::vector<Stage> all = {Stage::acceptance,     Stage::survey,
                                         Stage::plan_reply,     Stage::design_review,
                                         Stage::mid_inspection, Stage::completion_inspection,
                                         Stage::connection};
  return all;
}

Summary summarize(std::vector<double>& values) {
  Summary s;
  s.count = values.size();
  if (values.empty()) return s;
  double sum = 0;
  for (double v : values) sum += v;
  s.avg = sum / static_cast<double>(values.size());
  // nearest rank: ceil(0.9 n), 1-based
  const std::size_t rank = (values.size() * 9 + 9) / 10;
  auto nth = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(values.begin(), nth, values.end());
  s.p90 = *nth;
  return s;
}

}  // namespace lianxin::expansion
