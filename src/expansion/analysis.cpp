// Bottleneck analysis: one scan of the period's applications and one of the finished stages,
// aggregated here with exact percentiles; the oldest open ones kept while scanning.
#include "expansion/analysis.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <unordered_map>

#include <boost/json.hpp>

#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "expansion/internal.hpp"
#include "expansion/rules.hpp"
#include "io/xlsx.hpp"
#include "org/tree.hpp"

namespace lianxin::expansion {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;

namespace {

constexpr Millis kDay = 86'400'000;
constexpr std::size_t kStages = 7;
constexpr std::size_t kOldest = 10;

double round2(double v) { return std::round(v * 100) / 100; }

bj::value rate(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return nullptr;
  return std::round(static_cast<double>(part) / static_cast<double>(whole) * 10000) / 10000;
}

std::size_t stage_index(const std::string& code) {
  const auto& all = all_stages();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (code == stage_code(all[i])) return i;
  return kStages;
}

// Finished stages of one group: the supplier's days of each, and how many had a limit and missed it.
struct StageGroup {
  std::vector<double> days;
  std::int64_t with_limit = 0, late = 0;
  void add(double d, bool limited, bool was_late) {
    days.push_back(d);
    with_limit += limited ? 1 : 0;
    late += was_late ? 1 : 0;
  }
};

struct BureauGroup {
  std::int64_t applications = 0, completed = 0, on_time = 0;
  std::vector<double> days;  // supplier's days of the completed applications
};

// The period's filter on alias a (and c when the caller's scope reads the customer).
struct Filter {
  std::string from_sql;
  std::string where;
  Params params;
};

Filter period_filter(Connection& conn, const auth::Principal& p, const AnalysisQuery& q) {
  Filter f;
  f.where = " WHERE a.accepted_at >= ? AND a.accepted_at < ?";
  f.params = {shanghai_midnight(q.from), shanghai_midnight(q.to) + kDay};
  bool needs_customer = false;
  f.where += " AND " + internal::visible_condition(conn, p, f.params, needs_customer);
  if (q.kind) {
    f.where += " AND a.kind = ?";
    f.params.push_back(*q.kind);
  }
  if (q.category) {
    f.where += " AND a.category = ?";
    f.params.push_back(*q.category);
  }
  f.from_sql = needs_customer ? " JOIN customers c ON c.id = a.customer_id" : "";
  return f;
}


}  // namespace

AnalysisQuery read_analysis_query(const std::optional<std::string>& from, const std::optional<std::string>& to,
                                  const std::optional<std::string>& kind, const std::optional<std::string>& category, Millis now) {
  AnalysisQuery q;
  Validator v;
  q.to = to.value_or(shanghai_date(now));
  q.from = from.value_or(shanghai_date(now - 364 * kDay));
  if (!is_valid_date(q.from)) v.add("from", "must be a date YYYY-MM-DD");
  if (!is_valid_date(q.to)) v.add("to", "must be a date YYYY-MM-DD");
  if (v.ok() && q.from > q.to) v.add("to", "must not be before from");
  if (kind && !kind->empty()) {
    if (!kind_from(*kind)) v.add("kind", "unknown application kind");
    q.kind = kind;
  }
  if (category && !category->empty()) {
    if (!category_from(*category)) v.add("category", "unknown supply category");
    q.category = category;
  }
  v.throw_if_failed();
  if (shanghai_midnight(q.to) - shanghai_midnight(q.from) > 5 * 366 * kDay)
    throw AppError(ErrorCode::validation_failed, "invalid period", {{"to", "the period is at most five years"}});
  return q;
}

bj::object analysis(Connection& conn, const auth::Principal& p, const AnalysisQuery& q, Millis now) {
  auth::require_permission(p, auth::Permission::customer_read);
  const org::Tree tree = org::Tree::load(conn);

  // 1. The applications: totals, per bureau, open ones per current stage, the oldest open; and
  //    which applications the stages below belong to.
  std::map<std::int64_t, BureauGroup> by_bureau;
  std::array<std::int64_t, kStages> open_at{};
  std::int64_t applications = 0, completed = 0, open = 0, on_time = 0;
  std::vector<double> completed_days;
  std::vector<std::pair<Millis, std::int64_t>> oldest;  // (accepted, id) of open applications, kept to kOldest
  std::vector<bool> member;                             // by application id
  // A table scan reads every application and stage once in storage order: for the wide periods of
  // a bottleneck analysis far cheaper than an index walk with a lookup per row (on SQLite the
  // planner would otherwise take the org or status index).
  const std::string scan = conn.backend() == storage::Backend::sqlite ? " NOT INDEXED" : "";
  {
    Filter f = period_filter(conn, p, q);
    conn.query_each("SELECT a.id, a.org_unit_id, a.status, a.on_time, a.supplier_days, a.current_stage, a.accepted_at "
                    "FROM expansion_applications a" + scan + f.from_sql + f.where,
                    f.params, [&](const storage::Row& r) {
                      const std::string status = r.str(2);
                      if (status == "cancelled") return;
                      const auto id = static_cast<std::size_t>(r.i64(0));
                      if (id >= member.size()) member.resize(std::max(id + 1, member.size() * 2));
                      member[id] = true;
                      ++applications;
                      BureauGroup& b = by_bureau[tree.bureau_of(r.i64(1))];
                      ++b.applications;
                      if (status == "completed") {
                        const bool ok = !r.is_null(3) && r.i64(3) != 0;
                        ++completed;
                        ++b.completed;
                        on_time += ok;
                        b.on_time += ok;
                        completed_days.push_back(r.f64(4));
                        b.days.push_back(r.f64(4));
                      } else {
                        ++open;
                        if (!r.is_null(5))
                          if (std::size_t i = stage_index(r.str(5)); i < kStages) ++open_at[i];
                        oldest.emplace_back(r.i64(6), r.i64(0));
                        if (oldest.size() > 4 * kOldest) {  // keep the buffer small: the kOldest earliest survive
                          std::nth_element(oldest.begin(), oldest.begin() + kOldest, oldest.end());
                          oldest.resize(kOldest);
                        }
                      }
                    });
  }

  // 2. Their finished stages: per stage and per responsible department.
  std::array<StageGroup, kStages> by_stage;
  std::unordered_map<std::int64_t, StageGroup> by_department;  // 0 = not assigned
  if (applications > 0)
    conn.query_each("SELECT application_id, stage, department_id, supplier_days, limit_days, late FROM expansion_stages" + scan +
                        " WHERE status = 'done' AND supplier_days IS NOT NULL",
                    {}, [&](const storage::Row& r) {
                      const auto app = static_cast<std::size_t>(r.i64(0));
                      if (app >= member.size() || !member[app]) return;
                      const std::size_t i = stage_index(r.str(1));
                      if (i >= kStages) return;
                      const double d = r.f64(3);
                      const bool limited = !r.is_null(4);
                      const bool late = !r.is_null(5) && r.i64(5) != 0;
                      by_stage[i].add(d, limited, late);
                      by_department[r.is_null(2) ? 0 : r.i64(2)].add(d, limited, late);
                    });
  std::sort(oldest.begin(), oldest.end());
  if (oldest.size() > kOldest) oldest.resize(kOldest);

  bj::array stages;
  for (std::size_t i = 0; i < kStages; ++i) {
    StageGroup& g = by_stage[i];
    const Summary s = summarize(g.days);
    stages.push_back(bj::object{{"stage", stage_code(all_stages()[i])},
                                {"done", s.count},
                                {"avg_days", round2(s.avg)},
                                {"p90_days", round2(s.p90)},
                                {"with_limit", g.with_limit},
                                {"late", g.late},
                                {"on_time_rate", rate(g.with_limit - g.late, g.with_limit)},
                                {"open", open_at[i]}});
  }
  bj::array departments;
  {
    std::vector<std::int64_t> ids;
    for (auto& [id, g] : by_department) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    for (auto id : ids) {
      StageGroup& g = by_department[id];
      const Summary s = summarize(g.days);
      std::string name = id == 0 ? std::string() : tree.name(id);
      if (id != 0 && tree.parent(id)) name += " · " + tree.name(tree.parent(id));  // every bureau has its own 营销部
      departments.push_back(bj::object{{"id", id == 0 ? bj::value(nullptr) : bj::value(id)},
                                       {"name", name},
                                       {"stages_done", s.count},
                                       {"avg_days", round2(s.avg)},
                                       {"p90_days", round2(s.p90)},
                                       {"with_limit", g.with_limit},
                                       {"late", g.late},
                                       {"on_time_rate", rate(g.with_limit - g.late, g.with_limit)}});
    }
  }
  bj::array bureaus;
  for (auto& [id, b] : by_bureau) {
    const Summary s = summarize(b.days);
    bureaus.push_back(bj::object{{"id", id},
                                 {"name", tree.name(id)},
                                 {"applications", b.applications},
                                 {"completed", b.completed},
                                 {"on_time", b.on_time},
                                 {"on_time_rate", rate(b.on_time, b.completed)},
                                 {"avg_supplier_days", round2(s.avg)},
                                 {"p90_supplier_days", round2(s.p90)}});
  }
  bj::array oldest_open;
  for (auto& [accepted, id] : oldest) {
    auto r = conn.query_one("SELECT a.number, c.name, a.title, a.current_stage, a.holder, a.kind, a.category FROM expansion_applications a "
                            "JOIN customers c ON c.id = a.customer_id WHERE a.id = ?",
                            {id});
    if (!r) continue;
    oldest_open.push_back(bj::object{{"id", id},
                                     {"number", r->str(0)},
                                     {"customer_name", r->str(1)},
                                     {"title", r->str(2)},
                                     {"current_stage", json::nullable(r->opt_str(3))},
                                     {"holder", r->str(4)},
                                     {"kind", r->str(5)},
                                     {"category", r->str(6)},
                                     {"accepted_at", format_iso_utc(accepted)},
                                     {"age_days", (now - accepted) / kDay}});
  }
  const Summary total = summarize(completed_days);
  return bj::object{{"from", q.from},
                    {"to", q.to},
                    {"kind", json::nullable(q.kind)},
                    {"category", json::nullable(q.category)},
                    {"totals", bj::object{{"applications", applications},
                                          {"completed", completed},
                                          {"open", open},
                                          {"on_time", on_time},
                                          {"on_time_rate", rate(on_time, completed)},
                                          {"avg_supplier_days", round2(total.avg)},
                                          {"p90_supplier_days", round2(total.p90)}}},
                    {"stages", std::move(stages)},
                    {"departments", std::move(departments)},
                    {"bureaus", std::move(bureaus)},
                    {"oldest_open", std::move(oldest_open)}};
}

std::string analysis_xlsx(const bj::object& result, bool zh) {
  auto num = [](const bj::value& v) -> io::Cell {
    if (v.is_double()) return v.as_double();
    if (v.is_int64()) return v.as_int64();
    if (v.is_uint64()) return static_cast<std::int64_t>(v.as_uint64());
    return std::monostate{};
  };
  auto text = [](const bj::value& v) -> io::Cell {
    if (v.is_string()) return std::string(v.as_string());
    return std::monostate{};
  };
  auto percent = [](const bj::value& v) -> io::Cell {
    if (v.is_double()) return std::round(v.as_double() * 10000) / 100;
    return std::monostate{};
  };
  auto headers = [zh](std::vector<std::string> cn, std::vector<std::string> en) { return zh ? cn : en; };

  const auto& t = result.at("totals").as_object();
  io::Sheet overview;
  overview.name = zh ? "概览" : "Overview";
  overview.header = headers({"指标", "数值"}, {"Measure", "Value"});
  overview.rows = {
      {std::string(zh ? "统计期（受理日期）" : "Period (accepted)"),
       std::string(result.at("from").as_string()) + " ~ " + std::string(result.at("to").as_string())},
      {std::string(zh ? "申请数" : "Applications"), num(t.at("applications"))},
      {std::string(zh ? "已办结" : "Completed"), num(t.at("completed"))},
      {std::string(zh ? "在途" : "Open"), num(t.at("open"))},
      {std::string(zh ? "按时办结" : "Completed on time"), num(t.at("on_time"))},
      {std::string(zh ? "按时率(%)" : "On-time rate (%)"), percent(t.at("on_time_rate"))},
      {std::string(zh ? "供电方平均用时（工作日）" : "Supplier's days, average (working days)"), num(t.at("avg_supplier_days"))},
      {std::string(zh ? "供电方用时90分位（工作日）" : "Supplier's days, 90th percentile"), num(t.at("p90_supplier_days"))},
  };
  io::Sheet stages;
  stages.name = zh ? "环节" : "Stages";
  stages.header = headers({"环节", "已完成", "平均工作日", "90分位工作日", "有时限", "超时", "按时率(%)", "在途"},
                          {"Stage", "Done", "Avg working days", "P90 working days", "With limit", "Late", "On-time (%)", "Open"});
  for (auto& v : result.at("stages").as_array()) {
    auto& s = v.as_object();
    stages.rows.push_back({stage_label(std::string(s.at("stage").as_string()), zh), num(s.at("done")), num(s.at("avg_days")),
                           num(s.at("p90_days")), num(s.at("with_limit")), num(s.at("late")), percent(s.at("on_time_rate")),
                           num(s.at("open"))});
  }
  io::Sheet departments;
  departments.name = zh ? "责任部门" : "Departments";
  departments.header = headers({"部门", "完成环节数", "平均工作日", "90分位工作日", "有时限", "超时", "按时率(%)"},
                               {"Department", "Stages done", "Avg working days", "P90 working days", "With limit", "Late", "On-time (%)"});
  for (auto& v : result.at("departments").as_array()) {
    auto& d = v.as_object();
    io::Cell name = d.at("id").is_null() ? io::Cell(std::string(zh ? "未指定" : "not assigned")) : text(d.at("name"));
    departments.rows.push_back({name, num(d.at("stages_done")), num(d.at("avg_days")), num(d.at("p90_days")), num(d.at("with_limit")),
                                num(d.at("late")), percent(d.at("on_time_rate"))});
  }
  io::Sheet bureaus;
  bureaus.name = zh ? "单位" : "Bureaus";
  bureaus.header = headers({"单位", "申请数", "已办结", "按时办结", "按时率(%)", "平均工作日", "90分位工作日"},
                           {"Bureau", "Applications", "Completed", "On time", "On-time (%)", "Avg working days", "P90 working days"});
  for (auto& v : result.at("bureaus").as_array()) {
    auto& b = v.as_object();
    bureaus.rows.push_back({text(b.at("name")), num(b.at("applications")), num(b.at("completed")), num(b.at("on_time")),
                            percent(b.at("on_time_rate")), num(b.at("avg_supplier_days")), num(b.at("p90_supplier_days"))});
  }
  io::Sheet oldest;
  oldest.name = zh ? "最久未办结" : "Oldest open";
  oldest.header = headers({"申请编号", "客户", "项目", "当前环节", "受理时间", "已历时（天）"},
                          {"Number", "Customer", "Project", "Current stage", "Accepted", "Age (days)"});
  for (auto& v : result.at("oldest_open").as_array()) {
    auto& o = v.as_object();
    io::Cell stage = o.at("current_stage").is_string() ? io::Cell(stage_label(std::string(o.at("current_stage").as_string()), zh))
                                                       : io::Cell(std::monostate{});
    oldest.rows.push_back({text(o.at("number")), text(o.at("customer_name")), text(o.at("title")), stage, text(o.at("accepted_at")),
                           num(o.at("age_days"))});
  }
  return io::write_xlsx({overview, stages, departments, bureaus, oldest});
}

}  // namespace lianxin::expansion
