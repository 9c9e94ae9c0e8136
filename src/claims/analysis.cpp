// Claim analysis: counts and rates by type, class, channel, region, department and month, and the
// KPIs with their definitions and the change against the previous period of the same length.
#include "claims/analysis.hpp"

#include <map>

#include "auth/rules.hpp"
#include "claims/internal.hpp"
#include "claims/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "customers/service.hpp"
#include "io/xlsx.hpp"
#include "org/tree.hpp"

namespace lianxin::claims {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;

namespace {

constexpr Millis kDay = 86'400'000;

struct Period {
  Millis from = 0, to = 0;  // [from, to)
};

// Counts of one group (or of the whole period), aggregated by the database.
struct Tally {
  std::int64_t claims = 0, complaints = 0, repeats = 0, callbacks = 0, satisfied = 0;
};

struct ClockTally {
  std::int64_t on_time = 0, counted = 0;  // counted = met, or overdue while open
};

// WHERE for the claims of a period in the caller's scope (and optional region), on alias c.
std::string period_where(Connection& conn, const auth::Principal& p, const Period& period, std::optional<std::int64_t> org,
                         Params& params) {
  std::string where = " WHERE c.created_at >= ? AND c.created_at < ?";
  params.push_back(period.from);
  params.push_back(period.to);
  append_scope(p, conn.backend(), where, params);
  if (org) {
    auto r = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*org});
    if (!r) throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"org_unit_id", "unknown org unit"}});
    where += " AND " + storage::path_prefix_condition(conn.backend(), "c.org_path", r->str(0), params);
  }
  return where;
}

std::string group_expression(storage::Backend backend, const std::string& by) {
  if (by == "type") return "c.claim_type";
  if (by == "class") return "COALESCE(c.complaint_class, '-')";
  if (by == "channel") return "c.channel";
  if (by == "region") return "c.org_unit_id";            // labelled with its bureau below
  if (by == "department") return "COALESCE(c.department_id, 0)";  // labelled "部门 · 单位" below
  // month in Asia/Shanghai (UTC+8, no daylight saving)
  return backend == storage::Backend::sqlite ? "strftime('%Y-%m', (c.created_at + 28800000) / 1000, 'unixepoch')"
                                             : "to_char(to_timestamp((c.created_at + 28800000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM')";
}

// Claims of the period grouped by `by` (chases are not claims of their own; they are counted apart).
// Labels for org-unit keys: a department as "营销部 · 东城区供电局" (every bureau has one of each
// department), a region as its bureau (county or city) rather than the station a claim sits in.
std::map<std::string, std::string> org_labels(Connection& conn, const std::string& by) {
  const org::Tree tree = org::Tree::load(conn);
  std::map<std::string, std::string> out{{"0", "-"}};
  for (auto& r : conn.query("SELECT id FROM org_units")) {
    const std::int64_t id = r.i64(0);
    if (by == "department") {
      const std::int64_t parent = tree.parent(id);
      out[std::to_string(id)] = tree.name(id) + (parent ? " · " + tree.name(parent) : "");
    } else {
      out[std::to_string(id)] = tree.name(tree.bureau_of(id));
    }
  }
  return out;
}

std::map<std::string, Tally> tally_groups(Connection& conn, const auth::Principal& p, const Period& period,
                                          std::optional<std::int64_t> org, const std::string& by) {
  Params params;
  const std::string where = period_where(conn, p, period, org, params);
  const std::string key = group_expression(conn.backend(), by);
  std::map<std::string, Tally> out;
  for (auto& r : conn.query(
           "SELECT " + key + ", COUNT(*), "
           "SUM(CASE WHEN c.claim_type = 'complaint' THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN c.repeat_of IS NOT NULL THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN c.callback_at IS NOT NULL THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN c.satisfaction IN ('satisfied','basically_satisfied') THEN 1 ELSE 0 END) "
           "FROM claims c JOIN org_units o ON o.id = c.org_unit_id LEFT JOIN org_units d ON d.id = c.department_id" +
               where + " AND c.parent_id IS NULL GROUP BY " + key,
           params))
    out[r.str(0)] = {r.i64(1), r.i64(2), r.i64(3), r.i64(4), r.i64(5)};
  if (by != "region" && by != "department") return out;
  // Org-unit ids to labels; stations of one bureau fold into one region.
  const auto labels = org_labels(conn, by);
  std::map<std::string, Tally> labelled;
  for (const auto& [id, t] : out) {
    auto it = labels.find(id);
    Tally& into = labelled[it == labels.end() ? id : it->second];
    into.claims += t.claims;
    into.complaints += t.complaints;
    into.repeats += t.repeats;
    into.callbacks += t.callbacks;
    into.satisfied += t.satisfied;
  }
  return labelled;
}

std::int64_t count_chases(Connection& conn, const auth::Principal& p, const Period& period, std::optional<std::int64_t> org) {
  Params params;
  const std::string where = period_where(conn, p, period, org, params);
  return conn.query_i64("SELECT COUNT(*) FROM claims c" + where + " AND c.claim_type = 'chase'", params);
}

std::map<std::string, ClockTally> tally_clocks(Connection& conn, const auth::Principal& p, const Period& period,
                                               std::optional<std::int64_t> org, Millis now) {
  Params params{now};
  Params scoped;
  const std::string where = period_where(conn, p, period, org, scoped);
  params.insert(params.end(), scoped.begin(), scoped.end());
  std::map<std::string, ClockTally> out;
  for (auto& r : conn.query(
           "SELECT k.name, SUM(CASE WHEN k.state = 'met' AND k.met_at <= k.due_at THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN k.state = 'met' OR (k.state IN ('running','paused') AND k.due_at <= ?) THEN 1 ELSE 0 END) "
           "FROM clocks k JOIN claims c ON k.subject = 'claim' AND k.subject_id = c.id" +
               where + " GROUP BY k.name",
           params))
    out[r.str(0)] = {r.i64(1), r.i64(2)};
  return out;
}

// Active customers the caller may see (the account-manager restriction included). The same
// count serves both periods: the archive keeps no history of past customer counts.
std::int64_t customers_in_scope(Connection& conn, const auth::Principal& p, std::optional<std::int64_t> org) {
  std::string where = " WHERE c.status = 'active'";
  Params params;
  customers::append_scope(p, conn.backend(), where, params);
  if (org) {
    auto r = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*org});
    if (r) where += " AND " + storage::path_prefix_condition(conn.backend(), "c.org_path", r->str(0), params);
  }
  return conn.query_i64("SELECT COUNT(*) FROM customers c" + where, params);
}

struct Kpi {
  std::string code;
  std::int64_t numerator = 0, denominator = 0;
  std::optional<double> value;
  bool count = false;  // a plain count (written as an integer), not a rate
};

std::vector<Kpi> kpis_of(const std::map<std::string, Tally>& groups, std::int64_t chases,
                         const std::map<std::string, ClockTally>& clock_tallies, std::int64_t customers) {
  Tally all;
  for (const auto& [key, t] : groups) {
    all.claims += t.claims;
    all.complaints += t.complaints;
    all.repeats += t.repeats;
    all.callbacks += t.callbacks;
    all.satisfied += t.satisfied;
  }
  std::vector<Kpi> out;
  out.push_back({"claims", all.claims, 0, static_cast<double>(all.claims), true});
  out.push_back({"complaints", all.complaints, 0, static_cast<double>(all.complaints), true});
  out.push_back({"complaints_per_10k", all.complaints, customers, per_ten_thousand(all.complaints, customers)});
  Kpi reply;
  for (const std::string& name : clock_names()) {
    auto it = clock_tallies.find(name);
    const ClockTally t = it == clock_tallies.end() ? ClockTally{} : it->second;
    out.push_back({"on_time_" + name, t.on_time, t.counted, percent(t.on_time, t.counted)});
    if (name == "reply") reply = out.back();
  }
  // Resolution: replies met on time over replies due (met or overdue), as rules_cn §9 (按时办结 / 应办结).
  out.push_back({"resolution_rate", reply.numerator, reply.denominator, percent(reply.numerator, reply.denominator)});
  out.push_back({"repeat_rate", all.repeats, all.claims, percent(all.repeats, all.claims)});
  out.push_back({"callback_satisfaction", all.satisfied, all.callbacks, percent(all.satisfied, all.callbacks)});
  out.push_back({"chases", chases, 0, static_cast<double>(chases), true});
  return out;
}

const char* definition(const std::string& code, bool zh) {
  struct D {
    const char* code;
    const char* zh;
    const char* en;
  };
  static const D defs[] = {
      {"claims", "统计期内受理的诉求工单数（不含催办子单）", "Claims registered in the period (chases not counted)"},
      {"complaints", "统计期内受理的投诉工单数", "Complaints registered in the period"},
      {"complaints_per_10k", "每万户投诉量 = 投诉工单数 ÷ 当前在册客户数（万户）；两期均用当前客户数；口径 [U]，见 rules_cn §9",
       "Complaints per 10,000 customers = complaints ÷ active customers today × 10,000 (today's count for both periods); "
       "definition [U], rules_cn §9"},
      {"on_time_first_contact", "首次联系及时率 = 按时联系的时限数 ÷ 已完成或已超时的时限数",
       "First-contact on-time rate = clocks met on time ÷ clocks met or overdue"},
      {"on_time_on_site", "到达现场及时率 = 按时到达的时限数 ÷ 已完成或已超时的时限数",
       "On-site on-time rate = clocks met on time ÷ clocks met or overdue"},
      {"on_time_reply", "处理答复及时率 = 按时答复的时限数 ÷ 已完成或已超时的时限数",
       "Reply on-time rate = clocks met on time ÷ clocks met or overdue"},
      {"on_time_callback", "回访及时率 = 按时回访的时限数 ÷ 已完成或已超时的时限数",
       "Callback on-time rate = clocks met on time ÷ clocks met or overdue"},
      {"resolution_rate", "诉求办结率 = 按时办结工单数 ÷ 应办结工单数（答复时限已到或已办结）；口径 [U]",
       "Resolution rate = claims closed within the reply limit ÷ claims due (limit passed or closed); definition [U]"},
      {"repeat_rate", "重复诉求率 = 重复诉求工单数 ÷ 工单数（窗口见设置 claims.repeat_window_days）",
       "Repeat rate = repeat claims ÷ claims (window: setting claims.repeat_window_days)"},
      {"callback_satisfaction", "回访满意率 = （满意 + 基本满意）÷ 回访数", "Callback satisfaction = (satisfied + basically satisfied) ÷ callbacks"},
      {"chases", "统计期内的催办次数", "Chases registered in the period"},
  };
  for (auto& d : defs)
    if (code == d.code) return zh ? d.zh : d.en;
  return "";
}


}  // namespace

AnalysisQuery read_period(const std::optional<std::string>& from, const std::optional<std::string>& to,
                          const std::optional<std::string>& group_by, std::optional<std::int64_t> org_unit_id, Millis now) {
  AnalysisQuery q;
  Validator v;
  q.to = to.value_or(shanghai_date(now));
  q.from = from.value_or(q.to.substr(0, 8) + "01");
  if (!is_valid_date(q.from)) v.add("from", "must be a date YYYY-MM-DD");
  if (!is_valid_date(q.to)) v.add("to", "must be a date YYYY-MM-DD");
  if (v.ok() && q.from > q.to) v.add("to", "must not be before from");
  q.group_by = group_by.value_or("type");
  static const std::vector<std::string> groups = {"type", "class", "channel", "region", "department", "month"};
  if (!in_list(groups, q.group_by)) v.add("group_by", "must be one of " + joined(groups));
  v.throw_if_failed();
  if (shanghai_midnight(q.to) - shanghai_midnight(q.from) > 3 * 366 * kDay)
    throw AppError(ErrorCode::validation_failed, "invalid period", {{"to", "the period is at most three years"}});
  q.org_unit_id = org_unit_id;
  return q;
}

bj::object analysis(Connection& conn, const auth::Principal& p, const AnalysisQuery& q, Millis now, const std::string& lang) {
  require_permission(p, auth::Permission::claim_read);
  const bool zh = lang != "en";
  const Period current{shanghai_midnight(q.from), shanghai_midnight(q.to) + kDay};
  const Period previous{current.from - (current.to - current.from), current.from};
  const auto groups_now = tally_groups(conn, p, current, q.org_unit_id, q.group_by);
  const auto groups_before = tally_groups(conn, p, previous, q.org_unit_id, q.group_by);
  const std::int64_t customers = customers_in_scope(conn, p, q.org_unit_id);
  const auto kpis = kpis_of(groups_now, count_chases(conn, p, current, q.org_unit_id),
                            tally_clocks(conn, p, current, q.org_unit_id, now), customers);
  const auto previous_kpis = kpis_of(groups_before, count_chases(conn, p, previous, q.org_unit_id),
                                     tally_clocks(conn, p, previous, q.org_unit_id, now), customers);
  bj::array kpi_array;
  for (std::size_t i = 0; i < kpis.size(); ++i) {
    const auto& k = kpis[i];
    const auto& before = previous_kpis[i];
    auto number = [&](const Kpi& x) -> bj::value {
      if (!x.value) return nullptr;
      if (x.count) return x.numerator;
      return *x.value;
    };
    bj::object o{{"code", k.code},
                 {"value", number(k)},
                 {"numerator", k.numerator},
                 {"denominator", k.denominator},
                 {"previous", number(before)},
                 {"definition", definition(k.code, zh)}};
    auto change = k.value && before.value ? change_percent(*k.value, *before.value) : std::nullopt;
    o["change_percent"] = change ? bj::value(*change) : bj::value(nullptr);
    kpi_array.push_back(std::move(o));
  }
  // Groups: this period's tallies beside the previous period's count. Months do not line up with
  // the previous period's months; every other key compares like for like.
  struct Group {
    Tally now;
    std::int64_t previous = 0;
  };
  std::map<std::string, Group> groups;
  for (const auto& [key, t] : groups_now) groups[key].now = t;
  if (q.group_by != "month")
    for (const auto& [key, t] : groups_before) groups[key].previous = t.claims;
  bj::array group_array;
  for (auto& [key, g] : groups) {
    auto change = change_percent(static_cast<double>(g.now.claims), static_cast<double>(g.previous));
    auto repeat_rate = percent(g.now.repeats, g.now.claims);
    auto satisfaction = percent(g.now.satisfied, g.now.callbacks);
    group_array.push_back(bj::object{{"key", key},
                                     {"count", g.now.claims},
                                     {"complaints", g.now.complaints},
                                     {"repeat_rate", repeat_rate ? bj::value(*repeat_rate) : bj::value(nullptr)},
                                     {"callback_satisfaction", satisfaction ? bj::value(*satisfaction) : bj::value(nullptr)},
                                     {"previous", g.previous},
                                     {"change_percent", change ? bj::value(*change) : bj::value(nullptr)}});
  }
  return {{"from", q.from},
          {"to", q.to},
          {"previous_from", shanghai_date(previous.from)},
          {"previous_to", shanghai_date(previous.to - kDay)},
          {"group_by", q.group_by},
          {"customers", customers},
          {"kpis", std::move(kpi_array)},
          {"groups", std::move(group_array)}};
}

std::string analysis_xlsx(const bj::object& result, bool zh) {
  auto num = [](const bj::value& v) -> io::Cell {
    if (v.is_double()) return v.as_double();
    if (v.is_int64()) return v.as_int64();
    return std::monostate{};
  };
  io::Sheet kpis;
  kpis.name = zh ? "指标" : "KPIs";
  kpis.header = zh ? std::vector<std::string>{"指标", "本期", "分子", "分母", "上期", "变化(%)", "口径"}
                   : std::vector<std::string>{"KPI", "Value", "Numerator", "Denominator", "Previous", "Change (%)", "Definition"};
  for (auto& v : result.at("kpis").as_array()) {
    auto& k = v.as_object();
    kpis.rows.push_back({std::string(k.at("code").as_string()), num(k.at("value")), num(k.at("numerator")),
                         num(k.at("denominator")), num(k.at("previous")), num(k.at("change_percent")),
                         std::string(k.at("definition").as_string())});
  }
  io::Sheet groups;
  groups.name = zh ? "分组" : "Groups";
  groups.header = zh ? std::vector<std::string>{"分组", "工单数", "投诉数", "重复率(%)", "回访满意率(%)", "上期", "变化(%)"}
                     : std::vector<std::string>{"Group", "Claims", "Complaints", "Repeat rate (%)", "Satisfaction (%)",
                                                "Previous", "Change (%)"};
  for (auto& v : result.at("groups").as_array()) {
    auto& g = v.as_object();
    groups.rows.push_back({std::string(g.at("key").as_string()), num(g.at("count")), num(g.at("complaints")),
                           num(g.at("repeat_rate")), num(g.at("callback_satisfaction")), num(g.at("previous")),
                           num(g.at("change_percent"))});
  }
  return io::write_xlsx({kpis, groups});
}

}  // namespace lianxin::claims
