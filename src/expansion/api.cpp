#include "expansion/api.hpp"

#include "audit/audit.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "expansion/analysis.hpp"
#include "expansion/import.hpp"
#include "expansion/progress.hpp"
#include "expansion/service.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"

namespace lianxin::expansion {
namespace {

using auth::Permission;
using http::ok;
using http::Response;
using http::RouteContext;
using storage::Connection;

bj::object body_of(const RouteContext& c) { return c.request.body.empty() ? bj::object{} : json::parse_object(c.request.body); }

// A command on one application, answered with its detail.
template <typename F>
Response command(auth::Guard& g, RouteContext& c, int status, F&& f) {
  auto p = g.require(c.request, Permission::expansion_work);
  const std::int64_t id = http::path_id(c);
  auto body = body_of(c);
  return g.db().transaction([&](Connection& conn) {
    const Millis now = now_millis();
    f(conn, p, id, body, now);
    return ok(detail(conn, p, id, now), status);
  });
}

AnalysisQuery analysis_query(const http::Request& req) {
  return read_analysis_query(http::query_text(req, "from", 10), http::query_text(req, "to", 10), http::query_text(req, "kind", 30),
                             http::query_text(req, "category", 30), now_millis());
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  const std::string base = "/api/v1/expansion/applications";
  router.get("/api/v1/expansion/rule-sets", [g](RouteContext& c) {
    g->require(c.request, Permission::customer_read);
    return ok(rule_sets_json());
  });
  router.get("/api/v1/expansion/analysis", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    auto q = analysis_query(c.request);
    return g->db().read([&](Connection& conn) { return ok(analysis(conn, p, q, now_millis())); });
  });
  router.get("/api/v1/expansion/analysis/export", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_export);
    auto q = analysis_query(c.request);
    auto result = g->db().read([&](Connection& conn) { return analysis(conn, p, q, now_millis()); });
    Response r = Response::xlsx(analysis_xlsx(result, http::lang_of(c.request) != "en"),
                                "expansion-analysis-" + q.from + "-" + q.to + ".xlsx");
    g->db().transaction([&](Connection& conn) {
      audit::record_export(conn, p.actor(), "expansion_analysis", result.at("totals").as_object().at("applications").as_int64(),
                           c.request.target);
    });
    return r;
  });
  router.get("/api/v1/expansion/imports/template", [g](RouteContext& c) {
    g->require(c.request, Permission::expansion_work);
    const std::string format = http::query_text(c.request, "format", 10).value_or("xlsx");
    if (format == "csv")
      return Response::attachment(import_template_csv(), "text/csv; charset=utf-8", "lianxin-expansion-template.csv");
    if (format != "xlsx") throw AppError(ErrorCode::validation_failed, "invalid format", {{"format", "must be csv or xlsx"}});
    return Response::xlsx(import_template_xlsx(), "lianxin-expansion-template.xlsx");
  });
  router.post("/api/v1/expansion/imports", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::expansion_work);
    const std::string file_name = http::query_text(c.request, "file_name", 200).value_or("");
    return g->db().transaction(
        [&](Connection& conn) { return ok(import_applications(conn, p, c.request.body, file_name, now_millis())); });
  });
  router.post(base, [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::expansion_work);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) {
      const Millis now = now_millis();
      return ok(detail(conn, p, create_application(conn, p, body, now), now), 201);
    });
  });
  router.get(base, [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    ListFilter f;
    f.status = http::query_text(c.request, "status", 20);
    f.stage = http::query_text(c.request, "stage", 30);
    f.kind = http::query_text(c.request, "kind", 30);
    f.lead_id = http::query_int(c.request, "lead_id");
    f.customer_id = http::query_int(c.request, "customer_id");
    f.mine = http::query_bool(c.request, "mine").value_or(false);
    auto paging = http::paging(c.request);
    return g->db().read([&](Connection& conn) { return ok(list_applications(conn, p, f, paging.page_size, paging.offset(), now_millis())); });
  });
  router.get(base + "/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(detail(conn, p, id, now_millis())); });
  });
  router.get(base + "/{id}/progress", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(progress(conn, p, id, now_millis())); });
  });
  router.get(base + "/{id}/progress.pdf", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    auto pr = g->db().read([&](Connection& conn) { return progress(conn, p, id, now_millis()); });
    return Response::attachment(progress_pdf(pr, http::lang_of(c.request) != "en"), "application/pdf",
                                "progress-" + std::string(pr.at("number").as_string()) + ".pdf");
  });
  router.post(base + "/{id}/progress/sms", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::expansion_work);
    const std::int64_t id = http::path_id(c);
    return g->db().transaction([&](Connection& conn) { return ok(send_progress_sms(conn, p, id, now_millis())); });
  });
  router.post(base + "/{id}/stages/{stage}/finish", [g](RouteContext& c) {
    const std::string stage = c.param("stage");
    return command(*g, c, 200, [&](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      finish_stage(conn, p, id, stage, b, now);
    });
  });
  router.post(base + "/{id}/stages/{stage}/start", [g](RouteContext& c) {
    const std::string stage = c.param("stage");
    return command(*g, c, 200, [&](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      start_stage(conn, p, id, stage, b, now);
    });
  });
  router.put(base + "/{id}/stages/{stage}/assignment", [g](RouteContext& c) {
    const std::string stage = c.param("stage");
    return command(*g, c, 200, [&](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      assign_stage(conn, p, id, stage, b, now);
    });
  });
  router.post(base + "/{id}/pause", [g](RouteContext& c) {
    return command(*g, c, 200, [&](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      pause(conn, p, id, b, now);
    });
  });
  router.post(base + "/{id}/resume", [g](RouteContext& c) {
    return command(*g, c, 200, [&](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      resume(conn, p, id, b, now);
    });
  });
}

}  // namespace lianxin::expansion
