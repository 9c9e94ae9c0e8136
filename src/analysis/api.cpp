#include "analysis/api.hpp"

#include <boost/json.hpp>

#include "analysis/queries.hpp"
#include "analysis/report.hpp"
#include "analysis/store.hpp"
#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "billing/rules.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"

namespace lianxin::analysis {

namespace {

namespace bj = boost::json;
using auth::Permission;
using http::ok;
using http::Response;
using http::RouteContext;
using storage::Connection;

bj::object body_of(const RouteContext& c) { return c.request.body.empty() ? bj::object{} : json::parse_object(c.request.body); }

std::string period_param(const http::Request& r, const char* name) {
  auto text = http::query_text(r, name, 10);
  if (!text) return "";
  auto p = billing::normalize_period(*text);
  if (!p) throw AppError(ErrorCode::validation_failed, "invalid period", {{name, "月份应为 YYYY-MM"}});
  return *p;
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  router.get("/api/v1/customers/{id}/analysis", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    const std::string to = period_param(c.request, "to");
    return g->db().read([&](Connection& conn) { return ok(customer_analysis(conn, p, id, to)); });
  });
  router.get("/api/v1/customers/{id}/advice", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(advice_list(conn, p, id)); });
  });
  router.post("/api/v1/customers/{id}/advice/refresh", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::analysis_review);
    const std::int64_t id = http::path_id(c);
    return g->db().transaction([&](Connection& conn) {
      const auto written = refresh_advice(conn, p, id, now_millis());
      auto out = advice_list(conn, p, id);
      out["written"] = written;
      return ok(out);
    });
  });
  router.post("/api/v1/advice/{id}/decision", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::analysis_review);
    const std::int64_t id = http::path_id(c);
    auto body = body_of(c);
    Validator v;
    auto accept = json::opt_bool(body, "accept", v);
    if (!accept) v.add("accept", "请选择采纳（true）或不采纳（false）");
    const auto note = json::opt_string(body, "note", v, 1000).value_or("");
    auto from = json::opt_string(body, "effective_from", v, 10).value_or("");
    if (!from.empty()) {
      auto normal = billing::normalize_period(from);
      if (!normal) v.add("effective_from", "月份应为 YYYY-MM");
      else from = *normal;
    }
    const auto year = json::opt_int(body, "year", v).value_or(0);
    if (accept && !*accept && note.empty()) v.add("note", "不采纳时请说明原因");
    v.throw_if_failed("invalid decision");
    return g->db().transaction([&](Connection& conn) {
      decide_advice(conn, p, id, *accept, note, from, static_cast<int>(year), now_millis());
      auto customer = conn.query_i64("SELECT customer_id FROM usage_advice WHERE id = ?", {id});
      return ok(advice_list(conn, p, customer));
    });
  });
  router.get("/api/v1/analysis/anomalies", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    AnomalyFilter f;
    f.status = http::query_text(c.request, "status", 20);
    f.customer_id = http::query_int(c.request, "customer_id");
    f.mine = http::query_bool(c.request, "mine").value_or(false);
    f.page = http::query_positive(c.request, "page", 1, 100000);
    f.page_size = http::query_positive(c.request, "page_size", 20, 200);
    if (f.status && *f.status != "live" && *f.status != "open" && *f.status != "normal" && *f.status != "theft_suspected" &&
        *f.status != "theft_confirmed" && *f.status != "theft_rejected")
      throw AppError(ErrorCode::validation_failed, "invalid status", {{"status", "状态应为 live、open、normal、theft_suspected、theft_confirmed 或 theft_rejected"}});
    return g->db().read([&](Connection& conn) { return ok(anomaly_list(conn, p, f)); });
  });
  router.post("/api/v1/analysis/anomalies/scan", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::analysis_confirm);
    return g->db().transaction([&](Connection& conn) {
      const auto r = scan_anomalies(conn, now_millis());
      audit::record(conn, p.actor(), {"scan", "usage_anomaly", "", "", "",
                                      json::serialize(bj::object{{"accounts", r.accounts}, {"found", r.found}, {"opened", r.opened}})});
      return ok(bj::object{{"accounts", r.accounts}, {"found", r.found}, {"opened", r.opened}});
    });
  });
  router.post("/api/v1/analysis/anomalies/{id}/review", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::analysis_review);
    const std::int64_t id = http::path_id(c);
    auto body = body_of(c);
    Validator v;
    const auto result = json::opt_string(body, "result", v, 30).value_or("");
    const auto note = json::opt_string(body, "note", v, 2000).value_or("");
    v.throw_if_failed("invalid review");
    return g->db().transaction([&](Connection& conn) {
      AnomalyFilter f;
      f.customer_id = review_anomaly(conn, p, id, result, note, now_millis());
      f.page_size = 200;
      return ok(anomaly_list(conn, p, f));
    });
  });
  router.post("/api/v1/analysis/anomalies/{id}/confirm", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::analysis_confirm);
    const std::int64_t id = http::path_id(c);
    auto body = body_of(c);
    Validator v;
    TheftConfirmation t;
    auto confirmed = json::opt_bool(body, "confirmed", v);
    if (!confirmed) v.add("confirmed", "请选择认定窃电（true）或排除（false）");
    t.confirmed = confirmed.value_or(false);
    t.back_kwh = json::opt_number(body, "back_kwh", v).value_or(0);
    t.back_billing_fen = json::opt_int(body, "back_billing_fen", v).value_or(0);
    t.penalty_fen = json::opt_int(body, "penalty_fen", v).value_or(0);
    t.note = json::opt_string(body, "note", v, 2000).value_or("");
    v.throw_if_failed("invalid confirmation");
    return g->db().transaction([&](Connection& conn) {
      AnomalyFilter f;
      f.customer_id = confirm_theft(conn, p, id, t, now_millis());
      f.page_size = 200;
      return ok(anomaly_list(conn, p, f));
    });
  });
  register_report_routes(router, guard);
}

}  // namespace lianxin::analysis
