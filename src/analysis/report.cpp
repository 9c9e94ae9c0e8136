#include "analysis/report.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <limits>

#include "analysis/queries.hpp"
#include "analysis/store.hpp"
#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "billing/rules.hpp"
#include "common/json.hpp"
#include "curves/stats.hpp"
#include "customers/rules.hpp"
#include "curves/store.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"
#include "io/pdf.hpp"
#include "io/pdf_report.hpp"
#include "io/xlsx.hpp"

namespace lianxin::analysis {

namespace {

namespace bj = boost::json;
using auth::Permission;
using http::ok;
using http::Response;
using http::RouteContext;
using storage::Connection;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double num(const bj::value& v) {
  if (v.is_double()) return v.as_double();
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  return kNaN;
}
double num(const bj::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v ? num(*v) : kNaN;
}
std::string str(const bj::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "—";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
std::string pct(double v) { return std::isnan(v) ? "—" : fixed(v * 100, 1) + "%"; }
std::string yuan(double fen) { return std::isnan(fen) ? "—" : billing::format_yuan(static_cast<std::int64_t>(std::llround(fen))); }

std::string code_label(const std::vector<customers::CodeLabel>& list, const std::string& code) {
  for (const auto& c : list)
    if (code == c.code) return c.zh;
  return code;
}

const char* mode_zh(const std::string& code) {
  if (code == "capacity") return "按变压器容量";
  if (code == "contract_demand") return "按合同最大需量";
  if (code == "actual_demand") return "按实际最大需量";
  return "不执行基本电费";
}
const char* status_zh(const std::string& s) {
  if (s == "proposed") return "待决定";
  if (s == "accepted") return "已采纳";
  if (s == "rejected") return "未采纳";
  if (s == "open") return "待核查";
  if (s == "normal") return "核查正常";
  if (s == "theft_suspected") return "疑似窃电";
  if (s == "theft_confirmed") return "已认定窃电";
  if (s == "theft_rejected") return "已排除";
  return "";
}
const char* anomaly_zh(const std::string& k) {
  if (k == "sudden_drop") return "电量突降";
  if (k == "zero_reading") return "电量为零";
  if (k == "flat_curve") return "负荷曲线冻结";
  if (k == "pf_anomaly") return "功率因数异常";
  if (k == "reverse_energy") return "反向电量";
  return "";
}

struct CurveMonth {
  std::string account_no, period;
  std::vector<float> kw;
};

// The latest month with a curve among the customer's accounts.
std::optional<CurveMonth> latest_curve(Connection& conn, std::int64_t customer_id, const std::string& to) {
  std::string sql =
      "SELECT a.account_no, l.account_id, l.period FROM load_curves l JOIN accounts a ON a.id = l.account_id WHERE a.customer_id = ?";
  storage::Params params{customer_id};
  if (!to.empty()) {
    sql += " AND l.period <= ?";
    params.push_back(to);
  }
  auto r = conn.query_one(sql + " ORDER BY l.period DESC, a.account_no LIMIT 1", params);
  if (!r) return std::nullopt;
  auto kw = curves::load_month(conn, r->i64(1), r->str(2));
  if (!kw) return std::nullopt;
  return CurveMonth{r->str(0), r->str(2), std::move(*kw)};
}

std::string slot_label(int slot) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", slot / 4, (slot % 4) * 15);
  return buf;
}

}  // namespace

ReportFiles customer_report(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const std::string& to, Millis now) {
  const bj::object analysis = customer_analysis(conn, p, customer_id, to);
  const bj::object advice = advice_list(conn, p, customer_id);
  AnomalyFilter af;
  af.customer_id = customer_id;
  af.page_size = 200;
  const bj::object anomalies = anomaly_list(conn, p, af);
  const std::string name = str(analysis, "customer_name");
  const auto curve = latest_curve(conn, customer_id, to);

  io::PdfReport pdf("用电分析报告");
  pdf.subtitle("客户：" + name);
  pdf.subtitle("编制日期：" + shanghai_date(now) + "    数据来源：电费账单、用电信息采集负荷曲线");
  std::vector<io::Sheet> sheets;
  io::Sheet overview{"概况", {"户号", "用电类别", "电压等级", "合同容量(kVA)", "基本电费方式", "统计期", "用电量(kWh)", "最大需量(kW)",
                              "平均负荷率", "峰段占比", "功率因数", "同比", "同行业kWh/kVA中位数", "本户kWh/kVA"}, {}};
  io::Sheet monthly{"月度用电", {"户号", "月份", "用电量(kWh)", "尖峰", "高峰", "平段", "低谷", "深谷", "无功(kvarh)", "功率因数", "最大需量(kW)",
                                 "负荷率", "电费(元)"}, {}};

  pdf.heading("一、用电概况");
  for (auto& av : analysis.at("accounts").as_array()) {
    const auto& a = av.as_object();
    const std::string no = str(a, "account_no");
    const auto* chv = a.if_contains("characteristics");
    if (!chv || !chv->is_object()) {
      pdf.paragraph("户号 " + no + "：暂无电费与负荷数据。");
      continue;
    }
    const auto& ch = chv->as_object();
    std::string peer_text = "—", mine_text = fixed(num(ch, "kwh_per_kva"), 1);
    double peer_median = kNaN;
    if (auto* peers = ch.if_contains("peers"); peers && peers->is_object()) {
      peer_median = num(peers->as_object(), "median_kwh_per_kva");
      peer_text = fixed(peer_median, 1) + "（" + std::to_string(static_cast<long long>(num(peers->as_object(), "accounts"))) + " 户，本户高于 " +
                  pct(num(peers->as_object(), "percentile")) + "）";
    }
    pdf.key_values({{"户号", no},
                    {"用电类别 / 电压", code_label(customers::tariff_categories(), str(a, "tariff_category")) + " / " +
                                              code_label(customers::voltage_levels(), str(a, "voltage_level"))},
                    {"合同容量", fixed(num(a, "capacity_kva"), 0) + " kVA"},
                    {"基本电费", mode_zh(str(a, "basic_charge_mode"))},
                    {"统计期", str(ch, "from") + " 至 " + str(ch, "to")},
                    {"用电量", fixed(num(ch, "kwh"), 0) + " kWh"},
                    {"最大需量", fixed(num(ch, "max_demand_kw"), 1) + " kW（" + str(ch, "max_demand_period") + "）"},
                    {"平均负荷率", pct(num(ch, "avg_load_factor"))},
                    {"峰段电量占比", pct(num(ch, "peak_share"))},
                    {"功率因数", fixed(num(ch, "power_factor"), 2)},
                    {"同比", pct(num(ch, "yoy_change"))},
                    {"同行业 kWh/kVA 中位数", peer_text}});
    overview.rows.push_back({no, code_label(customers::tariff_categories(), str(a, "tariff_category")),
                             code_label(customers::voltage_levels(), str(a, "voltage_level")), num(a, "capacity_kva"), std::string(mode_zh(str(a, "basic_charge_mode"))),
                             str(ch, "from") + "~" + str(ch, "to"), num(ch, "kwh"), num(ch, "max_demand_kw"), num(ch, "avg_load_factor"),
                             num(ch, "peak_share"), num(ch, "power_factor"), num(ch, "yoy_change"), peer_median, num(ch, "kwh_per_kva")});

    io::BarChart energy;
    energy.title = "户号 " + no + " 月度分时电量";
    energy.y_unit = "kWh";
    energy.stacked = true;
    io::LineChart demand;
    demand.title = "户号 " + no + " 月最大需量";
    demand.y_unit = "kW";
    const char* periods[] = {"sharp", "peak", "flat", "valley", "deep"};
    const char* periods_zh[] = {"尖峰", "高峰", "平段", "低谷", "深谷"};
    std::vector<io::ChartSeries> parts(5);
    for (int i = 0; i < 5; ++i) parts[static_cast<std::size_t>(i)].name = periods_zh[i];
    io::ChartSeries max_kw{"最大需量", {}};
    std::vector<io::PdfRow> rows;
    for (auto& mv : a.at("months").as_array()) {
      const auto& m = mv.as_object();
      const std::string period = str(m, "period");
      energy.x_labels.push_back(period.substr(2));
      demand.x_labels.push_back(period.substr(2));
      const auto& by = m.at("kwh_by_period").as_object();
      for (int i = 0; i < 5; ++i) parts[static_cast<std::size_t>(i)].values.push_back(num(by, periods[i]));
      max_kw.values.push_back(num(m, "max_demand_kw") > 0 ? num(m, "max_demand_kw") : kNaN);
      rows.push_back({{period, fixed(num(m, "kwh"), 0), fixed(num(by, "sharp") + num(by, "peak"), 0), fixed(num(by, "valley") + num(by, "deep"), 0),
                       fixed(num(m, "max_demand_kw"), 1), fixed(num(m, "power_factor"), 2), pct(num(m, "load_factor")), yuan(num(m, "amount_fen"))}});
      monthly.rows.push_back({no, period, num(m, "kwh"), num(by, "sharp"), num(by, "peak"), num(by, "flat"), num(by, "valley"), num(by, "deep"),
                              num(m, "kvarh"), num(m, "power_factor"), num(m, "max_demand_kw"), num(m, "load_factor"), num(m, "amount_fen") / 100.0});
    }
    for (auto& s : parts) {
      bool any = false;
      for (double v : s.values) any = any || (!std::isnan(v) && v != 0);
      if (any) energy.series.push_back(std::move(s));
    }
    demand.series.push_back(std::move(max_kw));
    pdf.bar_chart(energy);
    pdf.line_chart(demand);
    pdf.table({{"月份", 0.9}, {"用电量(kWh)", 1.3, io::Align::right}, {"峰段(kWh)", 1.2, io::Align::right}, {"谷段(kWh)", 1.2, io::Align::right},
               {"最大需量(kW)", 1.2, io::Align::right}, {"功率因数", 0.8, io::Align::right}, {"负荷率", 0.8, io::Align::right},
               {"电费(元)", 1.9, io::Align::right}},
              rows);
  }

  io::Sheet curve_sheet{"负荷曲线", {"日"}, {}};
  pdf.heading("二、负荷特性");
  if (curve) {
    const int year = std::stoi(curve->period.substr(0, 4)), month = std::stoi(curve->period.substr(5, 2));
    const auto st = curves::month_stats(curve->kw, year, month);
    pdf.paragraph("户号 " + curve->account_no + " " + curve->period + " 的 15 分钟负荷曲线：最大负荷 " + fixed(st.max_kw, 1) + " kW（" +
                  std::to_string(st.max_day) + " 日 " + (st.max_slot >= 0 ? slot_label(st.max_slot) : std::string("—")) + "），平均负荷 " +
                  fixed(st.avg_kw, 1) + " kW，月负荷率 " + pct(st.load_factor) + "，月平均日峰谷差率 " + pct(st.avg_daily_peak_valley_rate) + "。");
    io::LineChart typical;
    typical.title = "典型日负荷曲线（" + curve->period + "）";
    typical.y_unit = "kW";
    io::ChartSeries t{"平均负荷", {}};
    for (int s = 0; s < 96; ++s) {
      typical.x_labels.push_back(slot_label(s));
      t.values.push_back(curves::typical_day(curve->kw)[static_cast<std::size_t>(s)]);
    }
    typical.series.push_back(std::move(t));
    typical.label_every = 8;
    pdf.line_chart(typical);
    io::HeatMap heat;
    heat.title = "日负荷热力图（" + curve->period + "，kW）";
    heat.unit = "kW";
    const int days = static_cast<int>(curve->kw.size()) / 96;
    for (int s = 0; s < 96; ++s) {
      heat.column_labels.push_back(slot_label(s));
      curve_sheet.header.push_back(slot_label(s));
    }
    for (int d = 0; d < days; ++d) {
      heat.row_labels.push_back(std::to_string(d + 1) + "日");
      std::vector<double> row;
      std::vector<io::Cell> cells{std::int64_t{d + 1}};
      for (int s = 0; s < 96; ++s) {
        const float v = curve->kw[static_cast<std::size_t>(d * 96 + s)];
        row.push_back(std::isnan(v) ? kNaN : static_cast<double>(v));
        cells.push_back(std::isnan(v) ? io::Cell{} : io::Cell{static_cast<double>(v)});
      }
      heat.values.push_back(std::move(row));
      curve_sheet.rows.push_back(std::move(cells));
    }
    pdf.heat_map(heat);
    curve_sheet.name = "负荷曲线 " + curve->period;
  } else {
    pdf.paragraph("暂无用电信息采集负荷曲线。导入负荷曲线后可分析典型日负荷、峰谷差与负荷热力图。");
  }

  pdf.heading("三、用电建议（用电策划）");
  io::Sheet advice_sheet{"用电建议", {"户号", "建议", "说明", "年节约(元)", "状态", "依据与假设", "已实现节约(元)"}, {}};
  std::vector<io::PdfRow> advice_rows;
  for (auto& v : advice.at("items").as_array()) {
    const auto& o = v.as_object();
    std::string assumptions;
    if (auto* as = o.if_contains("assumptions"); as && as->is_array())
      for (auto& x : as->as_array())
        if (x.is_string()) assumptions += (assumptions.empty() ? "" : "；") + std::string(x.as_string());
    double realised = kNaN;
    if (auto* s = o.if_contains("savings"); s && s->is_object()) realised = num(s->as_object(), "realised_fen");
    advice_rows.push_back({{str(o, "account_no"), str(o, "title"), yuan(num(o, "saving_fen")), status_zh(str(o, "status"))}});
    pdf.paragraph(str(o, "title") + "（户号 " + str(o, "account_no") + "，" + status_zh(str(o, "status")) + "）：" + str(o, "detail") +
                  (assumptions.empty() ? "" : "依据与假设：" + assumptions + "。"));
    advice_sheet.rows.push_back({str(o, "account_no"), str(o, "title"), str(o, "detail"), num(o, "saving_fen") / 100.0, std::string(status_zh(str(o, "status"))),
                                 assumptions, std::isnan(realised) ? io::Cell{} : io::Cell{realised / 100.0}});
  }
  if (advice_rows.empty()) {
    pdf.paragraph("暂无建议：计算建议需要至少三个月的电费数据，或该户现行方式已是最优。");
  } else {
    pdf.table({{"户号", 1.2}, {"建议", 2.6}, {"年节约(元)", 1.2, io::Align::right}, {"状态", 0.8}}, advice_rows);
    pdf.paragraph("建议合计年节约 " + yuan(num(advice, "proposed_saving_fen") + num(advice, "accepted_saving_fen")) + " 元；已采纳 " +
                  yuan(num(advice, "accepted_saving_fen")) + " 元，已实现 " + yuan(num(advice, "realised_saving_fen")) + " 元。");
  }

  pdf.heading("四、用电异常");
  io::Sheet anomaly_sheet{"用电异常", {"户号", "月份", "类型", "依据", "状态", "核查情况"}, {}};
  std::vector<io::PdfRow> anomaly_rows;
  for (auto& v : anomalies.at("items").as_array()) {
    const auto& o = v.as_object();
    anomaly_rows.push_back({{str(o, "account_no"), str(o, "period"), anomaly_zh(str(o, "kind")), str(o, "evidence"), status_zh(str(o, "status"))}});
    anomaly_sheet.rows.push_back({str(o, "account_no"), str(o, "period"), std::string(anomaly_zh(str(o, "kind"))), str(o, "evidence"),
                                  std::string(status_zh(str(o, "status"))), str(o, "review_note")});
  }
  if (anomaly_rows.empty()) pdf.paragraph("统计期内未发现用电异常。");
  else pdf.table({{"户号", 1.2}, {"月份", 0.9}, {"类型", 1.1}, {"依据", 4.0}, {"状态", 0.9}}, anomaly_rows);

  sheets.push_back(std::move(overview));
  sheets.push_back(std::move(monthly));
  if (curve) sheets.push_back(std::move(curve_sheet));
  sheets.push_back(std::move(advice_sheet));
  sheets.push_back(std::move(anomaly_sheet));
  return {pdf.bytes(), io::write_xlsx(sheets), name};
}

int run_report_batches(Connection& conn, Millis now, int chunk) {
  auto b = conn.query_one("SELECT id, scope_path, period_to, total, done, failed, created_by, status FROM report_batches "
                          "WHERE status IN ('queued','running') ORDER BY id LIMIT 1");
  if (!b) return 0;
  const std::int64_t id = b->i64(0);
  if (b->str(7) == "queued") conn.execute("UPDATE report_batches SET status = 'running', started_at = ? WHERE id = ?", {now, id});
  const auth::Principal p = auth::load_principal(conn, b->i64(6));
  std::int64_t done = b->i64(4), failed = b->i64(5);
  const std::int64_t total = b->i64(3);
  int wrote = 0;
  // The key accounts of the batch, in a stable order; the progress is the offset.
  auto list = conn.query("SELECT id, org_path, manager_id, backup_manager_id FROM customers WHERE is_key_account = 1 AND status = 'active' "
                         "AND org_path LIKE ? ORDER BY id",
                         {storage::escape_like(b->str(1)) + "%"});
  std::vector<std::int64_t> ids;
  for (auto& r : list)
    if (auth::customer_visible(p, r.str(1), r.opt_i64(2), r.opt_i64(3))) ids.push_back(r.i64(0));
  for (std::size_t i = static_cast<std::size_t>(done + failed); i < ids.size() && wrote < chunk; ++i) {
    try {
      const auto files = customer_report(conn, p, ids[i], b->str(2) == "latest" ? "" : b->str(2), now);
      conn.execute("INSERT INTO analysis_reports(batch_id, customer_id, period_to, pdf, xlsx, created_by, created_at) VALUES (?,?,?,?,?,?,?)",
                   {id, ids[i], b->str(2), storage::Blob{files.pdf}, storage::Blob{files.xlsx}, b->i64(6), now});
      ++done;
    } catch (const std::exception&) {
      ++failed;
    }
    ++wrote;
  }
  const bool finished = done + failed >= static_cast<std::int64_t>(ids.size()) || done + failed >= total;
  conn.execute("UPDATE report_batches SET done = ?, failed = ?, status = ?, finished_at = ? WHERE id = ?",
               {done, failed, std::string(finished ? "done" : "running"), finished ? storage::Value{now} : storage::Value{}, id});
  return wrote;
}

namespace {

bj::object batch_json(const storage::Row& r) {
  // period_to: the last month the reports cover, null when each account's latest month.
  return {{"id", r.i64(0)},         {"status", r.str(1)},     {"period_to", r.str(2) == "latest" ? boost::json::value(nullptr) : boost::json::value(r.str(2))},
          {"total", r.i64(3)},
          {"done", r.i64(4)},       {"failed", r.i64(5)},     {"created_by", r.str(6)}, {"created_at", format_iso_utc(r.i64(7))},
          {"finished_at", json::instant_or_null(r.opt_i64(8))}};
}
constexpr const char* kBatchSelect =
    "SELECT b.id, b.status, b.period_to, b.total, b.done, b.failed, u.display_name, b.created_at, b.finished_at FROM report_batches b "
    "JOIN users u ON u.id = b.created_by";

Response download(const std::string& format, const std::string& pdf, const std::string& xlsx, const std::string& base) {
  if (format == "xlsx") return Response::attachment(xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", base + ".xlsx");
  return Response::attachment(pdf, "application/pdf", base + ".pdf");
}

std::string format_param(const http::Request& r) {
  const auto f = http::query_text(r, "format", 10).value_or("pdf");
  if (f != "pdf" && f != "xlsx") throw AppError(ErrorCode::validation_failed, "invalid format", {{"format", "格式应为 pdf 或 xlsx"}});
  return f;
}

}  // namespace

void register_report_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  router.get("/api/v1/customers/{id}/analysis/report", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    const std::string format = format_param(c.request);
    std::string to;
    if (auto t = http::query_text(c.request, "to", 10)) {
      auto normal = billing::normalize_period(*t);
      if (!normal) throw AppError(ErrorCode::validation_failed, "invalid period", {{"to", "月份应为 YYYY-MM"}});
      to = *normal;
    }
    return g->db().transaction([&](Connection& conn) {
      const auto files = customer_report(conn, p, id, to, now_millis());
      audit::record_export(conn, p.actor(), "analysis_report", 1, c.request.target);
      return download(format, files.pdf, files.xlsx, "analysis-report-" + std::to_string(id));
    });
  });
  router.post("/api/v1/analysis/report-batches", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::analysis_review);
    auto body = c.request.body.empty() ? bj::object{} : json::parse_object(c.request.body);
    Validator v;
    std::string to = json::opt_string(body, "to", v, 10).value_or("");
    if (!to.empty()) {
      auto normal = billing::normalize_period(to);
      if (!normal) v.add("to", "月份应为 YYYY-MM");
      else to = *normal;
    }
    v.throw_if_failed("invalid batch");
    return g->db().transaction([&](Connection& conn) {
      std::int64_t total = 0;
      for (auto& r : conn.query("SELECT org_path, manager_id, backup_manager_id FROM customers WHERE is_key_account = 1 AND status = 'active' "
                                "AND org_path LIKE ?",
                                {storage::escape_like(p.org_path) + "%"}))
        if (auth::customer_visible(p, r.str(0), r.opt_i64(1), r.opt_i64(2))) ++total;
      if (total == 0) throw AppError(ErrorCode::validation_failed, "no key accounts", {{"scope", "您的管辖范围内没有重点客户"}});
      const Millis now = now_millis();
      const auto id = conn.insert_returning_id(
          "INSERT INTO report_batches(status, scope_path, period_to, total, created_by, created_at) VALUES ('queued',?,?,?,?,?) RETURNING id",
          {p.org_path, to.empty() ? std::string("latest") : to, total, p.user_id, now});
      audit::record(conn, p.actor(), {"create", "report_batch", std::to_string(id), p.org_path, "",
                                      json::serialize(bj::object{{"total", total}, {"period_to", to.empty() ? "latest" : to}})});
      auto r = conn.query_one(std::string(kBatchSelect) + " WHERE b.id = ?", {id});
      return ok(batch_json(*r), 201);
    });
  });
  router.get("/api/v1/analysis/report-batches", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::analysis_review);
    return g->db().read([&](Connection& conn) {
      bj::array items;
      for (auto& r : conn.query(std::string(kBatchSelect) + " WHERE b.created_by = ? ORDER BY b.id DESC LIMIT 20", {p.user_id}))
        items.push_back(batch_json(r));
      const auto n = static_cast<std::int64_t>(items.size());
      return ok(json::list_envelope(std::move(items), n, 1, n));
    });
  });
  router.get("/api/v1/analysis/report-batches/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::analysis_review);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) {
      auto r = conn.query_one(std::string(kBatchSelect) + " WHERE b.id = ? AND b.created_by = ?", {id, p.user_id});
      if (!r) throw_not_found("report batch");
      auto out = batch_json(*r);
      bj::array reports;
      for (auto& x : conn.query("SELECT r.id, r.customer_id, c.name, r.created_at FROM analysis_reports r JOIN customers c ON c.id = r.customer_id "
                                "WHERE r.batch_id = ? ORDER BY r.id",
                                {id}))
        reports.push_back(bj::object{{"id", x.i64(0)}, {"customer_id", x.i64(1)}, {"customer_name", x.str(2)}, {"created_at", format_iso_utc(x.i64(3))}});
      out["reports"] = std::move(reports);
      return ok(out);
    });
  });
  router.get("/api/v1/analysis/reports/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    const std::string format = format_param(c.request);
    return g->db().transaction([&](Connection& conn) {
      auto r = conn.query_one("SELECT r.pdf, r.xlsx, r.customer_id, c.org_path, c.manager_id, c.backup_manager_id FROM analysis_reports r "
                              "JOIN customers c ON c.id = r.customer_id WHERE r.id = ?",
                              {id});
      if (!r || !auth::customer_visible(p, r->str(3), r->opt_i64(4), r->opt_i64(5))) throw_not_found("report");
      audit::record_export(conn, p.actor(), "analysis_report", 1, c.request.target);
      return download(format, r->bytes(0), r->bytes(1), "analysis-report-" + std::to_string(r->i64(2)));
    });
  });
}

}  // namespace lianxin::analysis
