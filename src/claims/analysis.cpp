// Claim analysis: counts and rates by type, class, channel, region, department and month, and the
// KPIs with their definitions and the change against the previous period of the same length; and
// the fault-repair arrival and restoration measures (rules_cn §1.1 第三条).
#include "claims/analysis.hpp"

#include <map>

#include "auth/rules.hpp"
#include "claims/internal.hpp"
#include "claims/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
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

// ---------------------------------------------------------------------------------------------
// Fault repair: arrival and restoration against rules_cn §1.1 第三条

namespace {

constexpr std::size_t kMaxAlarms = 1000;

bj::value optional_number(const std::optional<double>& v) { return v ? bj::value(*v) : bj::value(nullptr); }
bj::value optional_flag(const std::optional<bool>& v) { return v ? bj::value(*v) : bj::value(nullptr); }

// Source and verification of each commitment setting, for the page to show beside the figure.
std::map<std::string, std::pair<std::string, std::string>> commitment_sources(Connection& conn) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (auto& r : conn.query("SELECT key, source, verification FROM settings WHERE module = 'claims' AND key LIKE 'claims.repair_%'"))
    out[r.str(0)] = {r.str(1), r.str(2)};
  return out;
}

}  // namespace

bj::object repair_measures(Connection& conn, const auth::Principal& p, const AnalysisQuery& q, Millis now) {
  require_permission(p, auth::Permission::claim_read);
  const Period period{shanghai_midnight(q.from), shanghai_midnight(q.to) + kDay};
  Params params;
  const std::string where = period_where(conn, p, period, q.org_unit_id, params);
  const Settings settings = load_settings(conn);

  struct Order {
    std::int64_t id = 0;
    std::string number, area_type, status;
    RepairOrder times;
  };
  std::vector<Order> orders;
  for (auto& r : conn.query("SELECT c.id, c.number, c.area_type, c.status, COALESCE(c.received_at, c.created_at), c.arrived_at, "
                            "c.restored_at FROM claims c" +
                                where + " AND c.claim_type = 'fault_repair' AND c.parent_id IS NULL ORDER BY c.created_at, c.id",
                            params)) {
    Order o;
    o.id = r.i64(0);
    o.number = r.str(1);
    o.area_type = r.str(2);
    o.status = r.str(3);
    o.times.received_at = r.i64(4);
    o.times.arrived_at = r.opt_i64(5);
    o.times.restored_at = r.opt_i64(6);
    o.times.open = is_open(o.status);
    orders.push_back(std::move(o));
  }

  // Rows: the three area types in their order, then any other code found in the data.
  std::vector<std::string> areas = area_types();
  std::map<std::string, std::vector<RepairOrder>> by_area;
  for (auto& o : orders) {
    if (!in_list(areas, o.area_type)) areas.push_back(o.area_type);
    by_area[o.area_type].push_back(o.times);
  }
  const auto sources = commitment_sources(conn);
  auto source_of = [&](const std::string& key) {
    auto it = sources.find(key);
    return it == sources.end() ? std::pair<std::string, std::string>{"", ""} : it->second;
  };
  bj::array rows;
  for (auto& area : areas) {
    const RepairCommitment k = settings.repair_commitment(area);
    const RepairAverages a = repair_averages(by_area[area], k);
    const auto arrival_source = source_of("claims.repair_arrival_avg_minutes_" + area);
    const auto restore_source = source_of("claims.repair_restore_avg_hours_" + area);
    rows.push_back(bj::object{{"area_type", area},
                              {"orders", a.orders},
                              {"arrived", a.arrived},
                              {"avg_arrival_minutes", optional_number(a.avg_arrival_minutes)},
                              {"arrival_commitment_minutes", k.arrival_minutes},
                              {"arrival_met", optional_flag(a.arrival_met)},
                              {"arrival_commitment_source", arrival_source.first},
                              {"arrival_commitment_verification", arrival_source.second},
                              {"restored", a.restored},
                              {"avg_restore_hours", optional_number(a.avg_restore_hours)},
                              {"restore_commitment_hours", k.restore_hours},
                              {"restore_met", optional_flag(a.restore_met)},
                              {"restore_commitment_source", restore_source.first},
                              {"restore_commitment_verification", restore_source.second}});
  }

  // Alarms: each order over the commitment of its own area type, newest first.
  bj::array alarms;
  std::int64_t alarm_count = 0, late_arrivals = 0, late_restorations = 0;
  for (auto it = orders.rbegin(); it != orders.rend(); ++it) {
    const Order& o = *it;
    const RepairAlarm alarm = repair_alarm(o.times, settings.repair_commitment(o.area_type), now);
    if (!alarm.any()) continue;
    ++alarm_count;
    late_arrivals += alarm.arrival ? 1 : 0;
    late_restorations += alarm.restoration ? 1 : 0;
    if (alarms.size() >= kMaxAlarms) continue;
    bj::array reasons;
    if (alarm.arrival) reasons.emplace_back("arrival");
    if (alarm.restoration) reasons.emplace_back("restoration");
    alarms.push_back(bj::object{{"claim_id", o.id},
                                {"number", o.number},
                                {"area_type", o.area_type},
                                {"status", o.status},
                                {"received_at", format_iso_utc(o.times.received_at)},
                                {"arrived_at", json::instant_or_null(o.times.arrived_at)},
                                {"restored_at", json::instant_or_null(o.times.restored_at)},
                                {"arrival_minutes", optional_number(arrival_minutes(o.times))},
                                {"restore_hours", optional_number(restore_hours(o.times))},
                                {"reasons", std::move(reasons)}});
  }
  // Totals: the averages over every area type (the commitments differ, so no verdict).
  std::vector<RepairOrder> all;
  for (auto& o : orders) all.push_back(o.times);
  const RepairAverages total = repair_averages(all, {});
  return {{"from", q.from},
          {"to", q.to},
          {"org_unit_id", json::nullable(q.org_unit_id)},
          {"rows", std::move(rows)},
          {"totals", bj::object{{"orders", total.orders},
                                {"arrived", total.arrived},
                                {"avg_arrival_minutes", optional_number(total.avg_arrival_minutes)},
                                {"restored", total.restored},
                                {"avg_restore_hours", optional_number(total.avg_restore_hours)},
                                {"alarms", alarm_count},
                                {"late_arrivals", late_arrivals},
                                {"late_restorations", late_restorations}}},
          {"alarms", std::move(alarms)},
          {"alarms_total", alarm_count}};
}

std::string repair_measures_xlsx(const bj::object& result, bool zh) {
  auto num = [](const bj::value& v) -> io::Cell {
    if (v.is_double()) return v.as_double();
    if (v.is_int64()) return v.as_int64();
    return std::monostate{};
  };
  auto area_label = [&](const std::string& code) -> std::string {
    if (!zh) return code;
    if (code == "urban") return "城区";
    if (code == "rural") return "农村";
    if (code == "remote") return "特殊边远地区";
    return code;
  };
  auto verdict = [&](const bj::value& v) -> io::Cell {
    if (!v.is_bool()) return std::monostate{};
    return std::string(v.as_bool() ? (zh ? "达标" : "met") : (zh ? "未达标" : "not met"));
  };
  auto minute = [](const bj::value& v) -> io::Cell {
    if (!v.is_string()) return std::monostate{};
    return format_shanghai_minute(parse_iso_instant(std::string(v.as_string()), "at"));
  };
  io::Sheet areas;
  areas.name = zh ? "按地域" : "By area";
  areas.header = zh ? std::vector<std::string>{"地域类型", "工单数", "已到达", "平均到达(分钟)", "承诺(分钟)", "到达是否达标",
                                               "已复电", "平均复电(小时)", "承诺(小时)", "复电是否达标"}
                    : std::vector<std::string>{"Area type", "Orders", "Arrived", "Avg arrival (min)", "Commitment (min)",
                                               "Arrival", "Restored", "Avg restoration (h)", "Commitment (h)", "Restoration"};
  for (auto& v : result.at("rows").as_array()) {
    auto& r = v.as_object();
    areas.rows.push_back({area_label(std::string(r.at("area_type").as_string())), num(r.at("orders")), num(r.at("arrived")),
                          num(r.at("avg_arrival_minutes")), num(r.at("arrival_commitment_minutes")), verdict(r.at("arrival_met")),
                          num(r.at("restored")), num(r.at("avg_restore_hours")), num(r.at("restore_commitment_hours")),
                          verdict(r.at("restore_met"))});
  }
  auto& totals = result.at("totals").as_object();
  areas.rows.push_back({std::string(zh ? "合计" : "Total"), num(totals.at("orders")), num(totals.at("arrived")),
                        num(totals.at("avg_arrival_minutes")), std::monostate{}, std::monostate{}, num(totals.at("restored")),
                        num(totals.at("avg_restore_hours")), std::monostate{}, std::monostate{}});
  io::Sheet alarms;
  alarms.name = zh ? "超时工单" : "Alarms";
  alarms.header = zh ? std::vector<std::string>{"工单编号", "地域类型", "受理时间", "到达现场时间", "复电时间", "到达用时(分钟)",
                                                "复电用时(小时)", "超时原因"}
                     : std::vector<std::string>{"Claim", "Area type", "Received", "Arrived", "Restored", "Arrival (min)",
                                                "Restoration (h)", "Reasons"};
  for (auto& v : result.at("alarms").as_array()) {
    auto& a = v.as_object();
    std::vector<std::string> reasons;
    for (auto& reason : a.at("reasons").as_array()) {
      const std::string code(reason.as_string());
      reasons.push_back(!zh ? code : code == "arrival" ? "到达超时" : "复电超时");
    }
    alarms.rows.push_back({std::string(a.at("number").as_string()), area_label(std::string(a.at("area_type").as_string())),
                           minute(a.at("received_at")), minute(a.at("arrived_at")), minute(a.at("restored_at")),
                           num(a.at("arrival_minutes")), num(a.at("restore_hours")), join(reasons, zh ? "、" : ", ")});
  }
  return io::write_xlsx({areas, alarms});
}

}  // namespace lianxin::claims
