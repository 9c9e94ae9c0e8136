#include "outages/history.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "customers/service.hpp"
#include "io/xlsx.hpp"
#include "org/tree.hpp"
#include "outages/internal.hpp"
#include "outages/rules.hpp"

namespace lianxin::outages {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;

namespace {

constexpr Millis kMinute = 60'000, kHour = 3'600'000, kDay = 86'400'000;

std::string duration_text(Millis ms) {
  const std::int64_t minutes = (ms + kMinute / 2) / kMinute;
  if (minutes < 60) return std::to_string(minutes) + "分钟";
  return std::to_string(minutes / 60) + "小时" + (minutes % 60 ? std::to_string(minutes % 60) + "分钟" : "");
}

bool planned_kind(const std::string& kind) { return kind == "planned" || kind == "temporary"; }

}  // namespace

void record_restoration(Connection& conn, const auth::Actor& actor, std::int64_t outage_id, Millis now) {
  auto o = conn.query_one("SELECT title, actual_start, actual_end FROM outages WHERE id = ?", {outage_id});
  if (!o || o->is_null(1) || o->is_null(2)) return;
  const Millis start = o->i64(1), end = o->i64(2);
  const std::string title = "停电恢复：" + o->str(0) + "（" + format_shanghai_minute(start) + "至" + format_shanghai_minute(end) + "，停电" +
                            duration_text(end - start) + "）";
  std::set<std::int64_t> customers;
  conn.query_each("SELECT DISTINCT customer_id FROM outage_affected WHERE outage_id = ? AND effect = 'out'", {outage_id},
                  [&](const storage::Row& r) { customers.insert(r.i64(0)); });
  internal::add_timeline(conn, actor, customers, outage_id, title, now);
}

bj::object customer_interruptions(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const std::optional<std::string>& from,
                                  const std::optional<std::string>& to, Millis now) {
  auth::require_permission(p, auth::Permission::customer_read);
  customers::require_visible(conn, p, customer_id);
  Validator v;
  if (from && !is_valid_date(*from)) v.add("from", "must be a date YYYY-MM-DD");
  if (to && !is_valid_date(*to)) v.add("to", "must be a date YYYY-MM-DD");
  v.throw_if_failed("invalid query parameter");
  const std::string to_day = to.value_or(shanghai_date(now));
  const std::string from_day = from.value_or(shanghai_date(shanghai_midnight(to_day) - 364 * kDay));
  const Millis begin = shanghai_midnight(from_day), end = shanghai_midnight(to_day) + kDay;
  bj::array items;
  std::map<std::int64_t, std::tuple<std::string, std::int64_t, Millis>> accounts;  // account → number, interruptions, duration
  std::int64_t count = 0, planned = 0, unplanned = 0;
  Millis total = 0;
  for (auto& r : conn.query("SELECT o.id, o.number, o.kind, o.title, f.account_id, a.account_no, o.actual_start, o.actual_end, o.status "
                            "FROM outage_affected f JOIN outages o ON o.id = f.outage_id JOIN accounts a ON a.id = f.account_id "
                            "WHERE f.customer_id = ? AND f.effect = 'out' AND o.actual_start IS NOT NULL AND o.actual_start >= ? "
                            "AND o.actual_start < ? ORDER BY o.actual_start DESC, a.account_no LIMIT 1000",
                            {customer_id, begin, end})) {
    const Millis start = r.i64(6);
    const std::optional<Millis> stop = r.opt_i64(7);
    const Millis lasted = std::max<Millis>(0, stop.value_or(now) - start);
    items.push_back(bj::object{{"outage_id", r.i64(0)},
                               {"number", r.str(1)},
                               {"kind", r.str(2)},
                               {"title", r.str(3)},
                               {"account_id", r.i64(4)},
                               {"account_no", r.str(5)},
                               {"start", format_iso_utc(start)},
                               {"end", json::instant_or_null(stop)},
                               {"minutes", lasted / kMinute},
                               {"ongoing", !stop.has_value()}});
    auto& acc = accounts[r.i64(4)];
    std::get<0>(acc) = r.str(5);
    std::get<1>(acc) += 1;
    std::get<2>(acc) += lasted;
    ++count;
    (planned_kind(r.str(2)) ? planned : unplanned) += 1;
    total += lasted;
  }
  bj::array per_account;
  for (auto& [id, acc] : accounts)
    per_account.push_back(bj::object{{"account_id", id},
                                     {"account_no", std::get<0>(acc)},
                                     {"interruptions", std::get<1>(acc)},
                                     {"minutes", std::get<2>(acc) / kMinute}});
  bj::array upcoming;
  for (auto& r : conn.query("SELECT DISTINCT o.id, o.number, o.kind, o.title, o.status, o.planned_start, o.planned_end FROM outage_affected f "
                            "JOIN outages o ON o.id = f.outage_id WHERE f.customer_id = ? AND o.status IN ('checked','approved','notified') "
                            "AND o.planned_end > ? ORDER BY o.planned_start LIMIT 50",
                            {customer_id, now}))
    upcoming.push_back(bj::object{{"outage_id", r.i64(0)},
                                  {"number", r.str(1)},
                                  {"kind", r.str(2)},
                                  {"title", r.str(3)},
                                  {"status", r.str(4)},
                                  {"planned_start", format_iso_utc(r.i64(5))},
                                  {"planned_end", format_iso_utc(r.i64(6))}});
  return bj::object{{"from", from_day},
                    {"to", to_day},
                    {"totals", bj::object{{"interruptions", count}, {"minutes", total / kMinute}, {"planned", planned}, {"unplanned", unplanned}}},
                    {"accounts", std::move(per_account)},
                    {"items", std::move(items)},
                    {"upcoming", std::move(upcoming)}};
}

ReliabilityQuery reliability_query(const std::optional<std::string>& from, const std::optional<std::string>& to,
                                   const std::optional<std::string>& group_by, Millis now) {
  Validator v;
  ReliabilityQuery q;
  q.to = to.value_or(shanghai_date(now));
  q.from = from.value_or(q.to.substr(0, 4) + "-01-01");
  if (!is_valid_date(q.from)) v.add("from", "must be a date YYYY-MM-DD");
  if (!is_valid_date(q.to)) v.add("to", "must be a date YYYY-MM-DD");
  if (v.ok() && q.to < q.from) v.add("to", "must not be before from");
  if (v.ok() && shanghai_midnight(q.to) - shanghai_midnight(q.from) > 3 * 366 * kDay) v.add("to", "the period is at most three years");
  q.group_by = group_by.value_or("bureau");
  if (q.group_by != "bureau" && q.group_by != "line") v.add("group_by", "must be bureau or line");
  v.throw_if_failed("invalid query parameter");
  return q;
}

bj::object reliability_report(Connection& conn, const auth::Principal& p, const ReliabilityQuery& q, Millis now) {
  auth::require_permission(p, auth::Permission::customer_read);
  const Millis begin = shanghai_midnight(q.from), end = std::min(now, shanghai_midnight(q.to) + kDay);
  const Millis period_end = shanghai_midnight(q.to) + kDay;
  const double period_hours = static_cast<double>(period_end - begin) / kHour;
  const bool by_line = q.group_by == "line";
  struct Group {
    std::string name, bureau;
    std::int64_t accounts = 0, interruptions = 0, limitation_interruptions = 0;
    double hours = 0, limitation_hours = 0;
  };
  std::map<std::int64_t, Group> groups;
  org::Tree tree = org::Tree::load(conn);
  // The key of an account: its line (directly, or through its transformer area or section), or the
  // bureau of its customer.
  const std::string key_sql = by_line ? "COALESCE(a.line_id, t.line_id, s.line_id)" : "c.org_unit_id";
  const std::string joins = " JOIN customers c ON c.id = a.customer_id LEFT JOIN transformer_areas t ON t.id = a.transformer_area_id "
                            "LEFT JOIN line_sections s ON s.id = a.section_id";
  Params scope_params;
  const std::string in_scope = storage::path_prefix_condition(conn.backend(), "c.org_path", p.org_path, scope_params);
  auto key_of = [&](std::int64_t raw) { return by_line ? raw : tree.bureau_of(raw); };
  if (by_line) {
    Params params;
    const std::string line_scope = storage::path_prefix_condition(conn.backend(), "o.path", p.org_path, params);
    for (auto& r : conn.query("SELECT l.id, l.name, b.org_unit_id FROM lines l JOIN substations b ON b.id = l.substation_id "
                              "JOIN org_units o ON o.id = b.org_unit_id WHERE " + line_scope,
                              params)) {
      Group& g = groups[r.i64(0)];
      g.name = r.str(1);
      g.bureau = tree.name(tree.bureau_of(r.i64(2)));
    }
  }
  conn.query_each("SELECT " + key_sql + ", COUNT(*) FROM accounts a" + joins + " WHERE a.status = 'active' AND " + in_scope + " GROUP BY " + key_sql,
                  scope_params, [&](const storage::Row& r) {
                    if (r.is_null(0)) return;
                    const std::int64_t key = key_of(r.i64(0));
                    if (by_line && !groups.count(key)) return;
                    groups[key].accounts += r.i64(1);
                  });
  // Outages under way in the period, each with its duration clipped to it.
  std::map<std::int64_t, std::pair<double, bool>> outages;  // id → hours in the period, limitation
  for (auto& r : conn.query("SELECT id, actual_start, actual_end, kind FROM outages WHERE actual_start IS NOT NULL AND actual_start < ? "
                            "AND (actual_end IS NULL OR actual_end > ?) AND status IN ('in_progress','restored')",
                            {end, begin})) {
    const Millis from = std::max(r.i64(1), begin), to = std::min(r.opt_i64(2).value_or(now), end);
    outages[r.i64(0)] = {static_cast<double>(std::max<Millis>(0, to - from)) / kHour, r.str(3) == "limitation"};
  }
  std::vector<std::int64_t> ids;
  for (auto& [id, o] : outages) ids.push_back(id);
  storage::for_id_chunks(ids, scope_params, [&](const std::string& in, const Params& params) {
    conn.query_each("SELECT f.outage_id, " + key_sql + ", COUNT(*) FROM outage_affected f JOIN accounts a ON a.id = f.account_id" + joins +
                        " WHERE " + in_scope + " AND f.effect = 'out' AND f.outage_id IN " + in + " GROUP BY f.outage_id, " + key_sql,
                    params, [&](const storage::Row& r) {
                      if (r.is_null(1)) return;
                      const std::int64_t key = key_of(r.i64(1));
                      if (by_line && !groups.count(key)) return;
                      const auto& [hours, limitation] = outages[r.i64(0)];
                      Group& g = groups[key];
                      g.interruptions += r.i64(2);
                      g.hours += hours * static_cast<double>(r.i64(2));
                      if (limitation) {
                        g.limitation_interruptions += r.i64(2);
                        g.limitation_hours += hours * static_cast<double>(r.i64(2));
                      }
                    });
  });
  auto figures = [&](bj::object& row, std::int64_t accounts, std::int64_t interruptions, double hours, double limitation_hours) {
    const Reliability all = reliability(accounts, interruptions, hours, period_hours);
    const Reliability rs3 = reliability(accounts, interruptions, hours - limitation_hours, period_hours);
    row["accounts"] = accounts;
    row["interruptions"] = interruptions;
    row["customer_hours"] = std::round(hours * 100) / 100;
    row["aihc"] = all.aihc;
    row["saifi"] = all.saifi;
    row["rs1"] = all.rs1;
    row["rs3"] = rs3.rs1;
  };
  bj::array rows;
  std::int64_t accounts = 0, interruptions = 0;
  double hours = 0, limitation_hours = 0;
  std::vector<std::pair<std::int64_t, Group*>> ordered;
  for (auto& [key, g] : groups) {
    if (!by_line) {
      g.name = tree.name(key);
      if (g.name.empty()) continue;
    }
    ordered.emplace_back(key, &g);
  }
  std::sort(ordered.begin(), ordered.end(), [](auto& a, auto& b) {
    return a.second->hours != b.second->hours ? a.second->hours > b.second->hours : a.first < b.first;
  });
  for (auto& [key, g] : ordered) {
    bj::object row{{"id", key}, {"name", g->name}};
    if (by_line) row["bureau"] = g->bureau;
    figures(row, g->accounts, g->interruptions, g->hours, g->limitation_hours);
    rows.push_back(std::move(row));
    accounts += g->accounts;
    interruptions += g->interruptions;
    hours += g->hours;
    limitation_hours += g->limitation_hours;
  }
  bj::object totals;
  figures(totals, accounts, interruptions, hours, limitation_hours);
  return bj::object{{"from", q.from},         {"to", q.to},   {"group_by", q.group_by}, {"period_hours", period_hours},
                    {"rows", std::move(rows)}, {"totals", std::move(totals)}};
}

namespace {

io::Cell num(const bj::value& v) {
  if (v.is_double()) return v.as_double();
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64()) return static_cast<std::int64_t>(v.as_uint64());
  return std::monostate{};
}
io::Cell text(const bj::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return std::string(v.as_bool() ? "是" : "否");
  return std::monostate{};
}
io::Cell local_time(const bj::value& v) {
  if (!v.is_string()) return std::monostate{};
  return format_shanghai_minute(parse_iso_instant(std::string(v.as_string()), "time"));
}

}  // namespace

std::string reliability_xlsx(const bj::object& report, bool zh) {
  const bool by_line = report.at("group_by").as_string() == "line";
  io::Sheet sheet;
  sheet.name = zh ? "供电可靠性" : "Reliability";
  sheet.header = zh ? std::vector<std::string>{by_line ? "线路" : "单位", "所属单位", "用户数", "停电户次", "停电时户数", "户均停电时间(h)",
                                               "户均停电次数", "RS-1", "RS-3"}
                    : std::vector<std::string>{by_line ? "Line" : "Bureau", "Bureau", "Accounts", "Customer interruptions",
                                               "Customer hours", "AIHC-1 (h)", "SAIFI", "RS-1", "RS-3"};
  auto add = [&](const bj::object& r, const std::string& name) {
    sheet.rows.push_back({name, r.contains("bureau") ? text(r.at("bureau")) : io::Cell{}, num(r.at("accounts")), num(r.at("interruptions")),
                          num(r.at("customer_hours")), num(r.at("aihc")), num(r.at("saifi")), num(r.at("rs1")), num(r.at("rs3"))});
  };
  for (const auto& r : report.at("rows").as_array()) add(r.as_object(), std::string(r.as_object().at("name").as_string()));
  add(report.at("totals").as_object(), zh ? "合计" : "Total");
  return io::write_xlsx({sheet});
}

std::string outages_xlsx(const bj::object& list, bool zh) {
  io::Sheet sheet;
  sheet.name = zh ? "停电计划" : "Outages";
  sheet.header = zh ? std::vector<std::string>{"编号", "类型", "状态", "标题", "申请部门", "计划开始", "计划结束", "实际开始", "实际结束", "停电户数", "客户数"}
                    : std::vector<std::string>{"Number", "Kind", "Status", "Title", "Requester", "Planned start", "Planned end", "Actual start",
                                               "Actual end", "Accounts", "Customers"};
  for (const auto& v : list.at("items").as_array()) {
    const auto& r = v.as_object();
    sheet.rows.push_back({text(r.at("number")), text(r.at("kind")), text(r.at("status")), text(r.at("title")), text(r.at("requester")),
                          local_time(r.at("planned_start")), local_time(r.at("planned_end")), local_time(r.at("actual_start")),
                          local_time(r.at("actual_end")), num(r.at("affected_accounts")), num(r.at("affected_customers"))});
  }
  return io::write_xlsx({sheet});
}

std::string affected_xlsx(const bj::object& detail, const bj::object& list, bool zh) {
  io::Sheet sheet;
  sheet.name = std::string(detail.at("number").as_string());
  sheet.header = zh ? std::vector<std::string>{"户号", "客户", "影响", "重要等级", "重点客户", "客户经理", "停电敏感度", "电源数", "自备应急电源",
                                               "应急预案", "告知不足"}
                    : std::vector<std::string>{"Account", "Customer", "Effect", "Importance", "Key account", "Account manager", "Sensitivity",
                                               "Sources", "Emergency power", "Emergency plan", "Lead short"};
  for (const auto& v : list.at("items").as_array()) {
    const auto& r = v.as_object();
    const std::string effect(r.at("effect").as_string());
    sheet.rows.push_back({text(r.at("account_no")), text(r.at("customer_name")),
                          zh ? std::string(effect == "out" ? "停电" : "单电源运行") : effect, text(r.at("importance_class")),
                          text(r.at("key_account")), text(r.at("manager_name")), text(r.at("outage_sensitivity")), num(r.at("supply_sources")),
                          text(r.at("emergency_power")), text(r.at("emergency_plan")), text(r.at("lead_short"))});
  }
  return io::write_xlsx({sheet});
}

}  // namespace lianxin::outages
