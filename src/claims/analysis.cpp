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

namespace lianxin::claims {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;

namespace {

constexpr Millis kDay = 86'400'000;

struct Fact {
  std::string claim_type, complaint_class, channel, org, department, month, satisfaction;
  bool repeat = false;
  bool chase = false;
  Millis created_at = 0;
  std::optional<Millis> callback_at;
};

struct ClockFact {
  std::string name;
  bool met_on_time = false;
  bool counted = false;  // met, or overdue while open
};

struct Period {
  Millis from = 0, to = 0;  // [from, to)
};

Millis shanghai_midnight_of(const std::string& date) { return parse_iso_instant(date + "T00:00:00+08:00", "date"); }

std::vector<Fact> load_facts(Connection& conn, const auth::Principal& p, const Period& period, std::optional<std::int64_t> org) {
  std::string where = " WHERE c.created_at >= ? AND c.created_at < ?";
  Params params{period.from, period.to};
  append_scope(p, conn.backend(), where, params);
  if (org) {
    auto r = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*org});
    if (!r) throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"org_unit_id", "unknown org unit"}});
    where += " AND " + storage::path_prefix_condition(conn.backend(), "c.org_path", r->str(0), params);
  }
  std::vector<Fact> out;
  for (auto& r : conn.query("SELECT c.claim_type, c.complaint_class, c.channel, o.name, d.name, c.created_at, c.repeat_of, "
                            "c.satisfaction, c.callback_at FROM claims c JOIN org_units o ON o.id = c.org_unit_id "
                            "LEFT JOIN org_units d ON d.id = c.department_id" +
                                where,
                            params)) {
    Fact f;
    f.claim_type = r.str(0);
    f.complaint_class = r.str(1);
    f.channel = r.str(2);
    f.org = r.str(3);
    f.department = r.is_null(4) ? "-" : r.str(4);
    f.created_at = r.i64(5);
    f.month = shanghai_date(f.created_at).substr(0, 7);
    f.repeat = !r.is_null(6);
    f.satisfaction = r.str(7);
    f.callback_at = r.opt_i64(8);
    f.chase = f.claim_type == "chase";
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<ClockFact> load_clocks(Connection& conn, const auth::Principal& p, const Period& period, std::optional<std::int64_t> org,
                                   Millis now) {
  std::string where = " WHERE c.created_at >= ? AND c.created_at < ?";
  Params params{period.from, period.to};
  append_scope(p, conn.backend(), where, params);
  if (org) {
    auto r = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*org});
    if (r) where += " AND " + storage::path_prefix_condition(conn.backend(), "c.org_path", r->str(0), params);
  }
  std::vector<ClockFact> out;
  for (auto& r : conn.query("SELECT k.name, k.state, k.due_at, k.met_at FROM clocks k JOIN claims c ON c.id = k.subject_id AND "
                            "k.subject = 'claim'" +
                                where,
                            params)) {
    ClockFact f;
    f.name = r.str(0);
    const std::string state = r.str(1);
    auto due = r.opt_i64(2);
    auto met = r.opt_i64(3);
    if (state == "met") {
      f.counted = true;
      f.met_on_time = due && met && *met <= *due;
    } else if ((state == "running" || state == "paused") && due && *due <= now) {
      f.counted = true;
    }
    out.push_back(f);
  }
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

std::vector<Kpi> kpis_of(const std::vector<Fact>& facts, const std::vector<ClockFact>& clock_facts, std::int64_t customers) {
  std::int64_t claims = 0, complaints = 0, repeats = 0, chases = 0, callbacks = 0, satisfied = 0;
  for (auto& f : facts) {
    if (f.chase) {
      ++chases;
      continue;
    }
    ++claims;
    if (f.claim_type == "complaint") ++complaints;
    if (f.repeat) ++repeats;
    if (f.callback_at) {
      ++callbacks;
      if (f.satisfaction == "satisfied" || f.satisfaction == "basically_satisfied") ++satisfied;
    }
  }
  std::vector<Kpi> out;
  out.push_back({"claims", claims, 0, static_cast<double>(claims), true});
  out.push_back({"complaints", complaints, 0, static_cast<double>(complaints), true});
  out.push_back({"complaints_per_10k", complaints, customers, per_ten_thousand(complaints, customers)});
  for (const std::string& name : clock_names()) {
    std::int64_t counted = 0, on_time = 0;
    for (auto& k : clock_facts)
      if (k.name == name && k.counted) {
        ++counted;
        if (k.met_on_time) ++on_time;
      }
    out.push_back({"on_time_" + name, on_time, counted, percent(on_time, counted)});
  }
  // Resolution: replies met on time over replies due (met or overdue), as rules_cn §9 (按时办结 / 应办结).
  Kpi reply;
  for (const auto& k : out)
    if (k.code == "on_time_reply") reply = k;
  out.push_back({"resolution_rate", reply.numerator, reply.denominator, percent(reply.numerator, reply.denominator)});
  out.push_back({"repeat_rate", repeats, claims, percent(repeats, claims)});
  out.push_back({"callback_satisfaction", satisfied, callbacks, percent(satisfied, callbacks)});
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

std::string group_key(const Fact& f, const std::string& by) {
  if (by == "type") return f.claim_type;
  if (by == "class") return f.complaint_class.empty() ? "-" : f.complaint_class;
  if (by == "channel") return f.channel;
  if (by == "region") return f.org;
  if (by == "department") return f.department;
  return f.month;
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
  if (shanghai_midnight_of(q.to) - shanghai_midnight_of(q.from) > 3 * 366 * kDay)
    throw AppError(ErrorCode::validation_failed, "invalid period", {{"to", "the period is at most three years"}});
  q.org_unit_id = org_unit_id;
  return q;
}

bj::object analysis(Connection& conn, const auth::Principal& p, const AnalysisQuery& q, Millis now, const std::string& lang) {
  require_permission(p, auth::Permission::claim_read);
  const bool zh = lang != "en";
  const Period current{shanghai_midnight_of(q.from), shanghai_midnight_of(q.to) + kDay};
  const Period previous{current.from - (current.to - current.from), current.from};
  const auto facts = load_facts(conn, p, current, q.org_unit_id);
  const auto previous_facts = load_facts(conn, p, previous, q.org_unit_id);
  const std::int64_t customers = customers_in_scope(conn, p, q.org_unit_id);
  const auto kpis = kpis_of(facts, load_clocks(conn, p, current, q.org_unit_id, now), customers);
  const auto previous_kpis = kpis_of(previous_facts, load_clocks(conn, p, previous, q.org_unit_id, now), customers);
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
  // Groups: count, complaints, repeats, callbacks satisfied, and the previous period's count.
  struct Group {
    std::int64_t count = 0, complaints = 0, repeats = 0, callbacks = 0, satisfied = 0, previous = 0;
  };
  std::map<std::string, Group> groups;
  for (auto& f : facts) {
    if (f.chase) continue;
    auto& g = groups[group_key(f, q.group_by)];
    ++g.count;
    if (f.claim_type == "complaint") ++g.complaints;
    if (f.repeat) ++g.repeats;
    if (f.callback_at) {
      ++g.callbacks;
      if (f.satisfaction == "satisfied" || f.satisfaction == "basically_satisfied") ++g.satisfied;
    }
  }
  // Months do not line up with the previous period's months; every other key compares like for like.
  if (q.group_by != "month")
    for (auto& f : previous_facts)
      if (!f.chase) ++groups[group_key(f, q.group_by)].previous;
  bj::array group_array;
  for (auto& [key, g] : groups) {
    auto change = change_percent(static_cast<double>(g.count), static_cast<double>(g.previous));
    auto repeat_rate = percent(g.repeats, g.count);
    auto satisfaction = percent(g.satisfied, g.callbacks);
    group_array.push_back(bj::object{{"key", key},
                                     {"count", g.count},
                                     {"complaints", g.complaints},
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
