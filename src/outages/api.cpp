#include "outages/api.hpp"

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"
#include "audit/audit.hpp"
#include "outages/coordination.hpp"
#include "outages/history.hpp"
#include "outages/notices.hpp"
#include "outages/service.hpp"
#include "outages/topology.hpp"

namespace lianxin::outages {
namespace {

using auth::Permission;
using http::ok;
using http::Response;
using http::RouteContext;
using storage::Connection;

OutageFilter outage_filter(const http::Request& r) {
  OutageFilter f;
  f.status = http::query_text(r, "status", 20);
  f.kind = http::query_text(r, "kind", 20);
  f.from = http::query_text(r, "from", 10);
  f.to = http::query_text(r, "to", 10);
  return f;
}

AffectedFilter affected_filter(const http::Request& r) {
  AffectedFilter f;
  f.effect = http::query_text(r, "effect", 20);
  f.key_only = http::query_bool(r, "key_only").value_or(false);
  f.important_only = http::query_bool(r, "important_only").value_or(false);
  return f;
}

ReliabilityQuery reliability_params(const http::Request& r) {
  return reliability_query(http::query_text(r, "from", 10), http::query_text(r, "to", 10), http::query_text(r, "group_by", 10), now_millis());
}

// An export: the file, and the export in the audit log.
Response export_file(auth::Guard& g, const auth::Principal& p, const http::Request& req, const std::string& what, std::int64_t rows,
                     std::string bytes, const std::string& file_name) {
  Response r = Response::xlsx(std::move(bytes), file_name);
  g.db().transaction([&](Connection& conn) { audit::record_export(conn, p.actor(), what, rows, req.target); });
  return r;
}

bj::object body_of(const RouteContext& c) { return c.request.body.empty() ? bj::object{} : json::parse_object(c.request.body); }

// A command on one outage, answered with its detail.
template <typename F>
Response command(auth::Guard& g, RouteContext& c, Permission permission, F&& f) {
  auto p = g.require(c.request, permission);
  const std::int64_t id = http::path_id(c);
  auto body = body_of(c);
  return g.db().transaction([&](Connection& conn) {
    const Millis now = now_millis();
    f(conn, p, id, body, now);
    return ok(outage_detail(conn, p, id, now));
  });
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  router.get("/api/v1/topology/substations", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    return g->db().read([&](Connection& conn) { return ok(list_substations(conn, p)); });
  });
  router.get("/api/v1/topology/lines/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(line_tree(conn, p, id)); });
  });
  router.get("/api/v1/topology/imports/template", [g](RouteContext& c) {
    g->require(c.request, Permission::outage_plan);
    return Response::attachment(topology_template_csv(), "text/csv; charset=utf-8", "lianxin-topology-template.csv");
  });
  router.post("/api/v1/topology/imports", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::outage_plan);
    const std::string file_name = http::query_text(c.request, "file_name", 200).value_or("");
    return g->db().transaction([&](Connection& conn) { return ok(import_topology(conn, p, c.request.body, file_name, now_millis())); });
  });

  const std::string base = "/api/v1/outages";
  router.post(base, [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::outage_plan);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) {
      const Millis now = now_millis();
      return ok(outage_detail(conn, p, create_outage(conn, p, body, now), now), 201);
    });
  });
  router.get(base, [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    auto f = outage_filter(c.request);
    auto paging = http::paging(c.request);
    return g->db().read([&](Connection& conn) { return ok(list_outages(conn, p, f, paging.page_size, paging.offset())); });
  });
  router.get(base + "/export", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_export);
    auto f = outage_filter(c.request);
    auto list = g->db().read([&](Connection& conn) { return list_outages(conn, p, f, 10000, 0); });
    const auto rows = static_cast<std::int64_t>(list.at("items").as_array().size());
    return export_file(*g, p, c.request, "outages", rows, outages_xlsx(list, http::lang_of(c.request) != "en"), "lianxin-outages.xlsx");
  });
  router.get(base + "/reliability", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    auto q = reliability_params(c.request);
    return g->db().read([&](Connection& conn) { return ok(reliability_report(conn, p, q, now_millis())); });
  });
  router.get(base + "/reliability/export", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_export);
    auto q = reliability_params(c.request);
    auto report = g->db().read([&](Connection& conn) { return reliability_report(conn, p, q, now_millis()); });
    const auto rows = static_cast<std::int64_t>(report.at("rows").as_array().size());
    return export_file(*g, p, c.request, "reliability", rows, reliability_xlsx(report, http::lang_of(c.request) != "en"),
                       "reliability-" + q.group_by + "-" + q.from + "-" + q.to + ".xlsx");
  });
  router.get(base + "/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(outage_detail(conn, p, id, now_millis())); });
  });
  router.get(base + "/{id}/affected", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    auto f = affected_filter(c.request);
    auto paging = http::paging(c.request, 50, 500);
    return g->db().read([&](Connection& conn) { return ok(list_affected(conn, p, id, f, paging.page_size, paging.offset(), now_millis())); });
  });
  router.get(base + "/{id}/affected/export", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_export);
    const std::int64_t id = http::path_id(c);
    auto f = affected_filter(c.request);
    bj::object detail, list;
    g->db().read([&](Connection& conn) {
      const Millis now = now_millis();
      detail = outage_detail(conn, p, id, now);
      list = list_affected(conn, p, id, f, 1'000'000, 0, now);
      return 0;
    });
    const auto rows = static_cast<std::int64_t>(list.at("items").as_array().size());
    return export_file(*g, p, c.request, "outage_affected", rows, affected_xlsx(detail, list, http::lang_of(c.request) != "en"),
                       std::string(detail.at("number").as_string()) + "-affected.xlsx");
  });
  router.post(base + "/{id}/delay", [g](RouteContext& c) {
    return command(*g, c, Permission::outage_plan, [](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      delay_outage(conn, p, id, b, now);
    });
  });
  router.put(base + "/{id}", [g](RouteContext& c) {
    return command(*g, c, Permission::outage_plan, [](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      update_outage(conn, p, id, b, now);
    });
  });
  router.post(base + "/{id}/check", [g](RouteContext& c) {
    return command(*g, c, Permission::outage_plan, [](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object&, Millis now) {
      check_outage(conn, p, id, now);
    });
  });
  router.post(base + "/{id}/reopen", [g](RouteContext& c) {
    return command(*g, c, Permission::outage_plan, [](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object&, Millis now) {
      reopen_outage(conn, p, id, now);
    });
  });
  router.post(base + "/{id}/approve", [g](RouteContext& c) {
    return command(*g, c, Permission::outage_approve, [](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      approve_outage(conn, p, id, b, now);
    });
  });
  router.post(base + "/{id}/start", [g](RouteContext& c) {
    return command(*g, c, Permission::outage_plan, [](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      start_outage(conn, p, id, b, now);
    });
  });
  router.post(base + "/{id}/restore", [g](RouteContext& c) {
    return command(*g, c, Permission::outage_plan, [](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      restore_outage(conn, p, id, b, now);
    });
  });
  router.post(base + "/{id}/notify", [g](RouteContext& c) {
    return command(*g, c, Permission::outage_plan, [](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object&, Millis now) {
      notify_outage(conn, p, id, now);
    });
  });
  router.get(base + "/{id}/notices", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    auto status = http::query_text(c.request, "status", 20);
    auto channel = http::query_text(c.request, "channel", 20);
    auto purpose = http::query_text(c.request, "purpose", 20);
    auto paging = http::paging(c.request, 50, 500);
    return g->db().read([&](Connection& conn) { return ok(list_notices(conn, p, id, status, channel, purpose, paging.page_size, paging.offset())); });
  });
  router.post("/api/v1/outage-notices/{id}/ack", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::interaction_write);
    const std::int64_t id = http::path_id(c);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) {
      acknowledge_notice(conn, p, id, body, now_millis());
      return ok(bj::object{{"id", id}, {"acknowledged", true}});
    });
  });
  router.post("/api/v1/outage-notices/{id}/posting", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::interaction_write);
    const std::int64_t id = http::path_id(c);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) {
      record_posting(conn, p, id, body, now_millis());
      return ok(bj::object{{"id", id}, {"posted", true}});
    });
  });
  router.post("/api/v1/outage-notices/{id}/photo", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::interaction_write);
    const std::int64_t id = http::path_id(c);
    const std::string name = http::query_text(c.request, "file_name", 255).value_or("");
    if (name.empty()) throw AppError(ErrorCode::validation_failed, "invalid photo", {{"file_name", "is required"}});
    return g->db().transaction([&](Connection& conn) {
      store_posting_photo(conn, p, id, name, c.request.body, now_millis());
      return ok(bj::object{{"id", id}, {"has_photo", true}}, 201);
    });
  });
  router.get("/api/v1/outage-notices/{id}/photo", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    auto photo = g->db().read([&](Connection& conn) { return read_posting_photo(conn, p, id); });
    return http::file_download(std::move(photo.bytes), photo.content_type, photo.file_name, "posting-" + std::to_string(id));
  });

  // Guaranteed-supply periods (保供电).
  router.get("/api/v1/supply-guarantees", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    GuaranteeFilter f;
    f.from = http::query_text(c.request, "from", 10);
    f.to = http::query_text(c.request, "to", 10);
    f.include_inactive = http::query_bool(c.request, "include_inactive").value_or(false);
    auto paging = http::paging(c.request);
    return g->db().read([&](Connection& conn) { return ok(list_guarantees(conn, p, f, paging.page_size, paging.offset())); });
  });
  router.post("/api/v1/supply-guarantees", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) { return ok(bj::object{{"id", create_guarantee(conn, p, body, now_millis())}}, 201); });
  });
  router.put("/api/v1/supply-guarantees/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) {
      update_guarantee(conn, p, id, body, now_millis());
      return ok(bj::object{{"id", id}});
    });
  });
  router.del("/api/v1/supply-guarantees/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().transaction([&](Connection& conn) {
      deactivate_guarantee(conn, p, id, now_millis());
      return ok(bj::object{{"id", id}, {"active", false}});
    });
  });

  // A customer's interruptions (the 360 view's outage history).
  router.get("/api/v1/customers/{id}/interruptions", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    auto from = http::query_text(c.request, "from", 10), to = http::query_text(c.request, "to", 10);
    return g->db().read([&](Connection& conn) { return ok(customer_interruptions(conn, p, id, from, to, now_millis())); });
  });

  // The customer's confirmation link from the SMS: no login, the token is the key.
  router.get("/api/v1/public/outage-ack/{token}", [g](RouteContext& c) {
    const std::string token = c.param("token");
    return g->db().read([&](Connection& conn) { return ok(acknowledge_by_link(conn, token, false, now_millis())); });
  });
  router.post("/api/v1/public/outage-ack/{token}", [g](RouteContext& c) {
    const std::string token = c.param("token");
    return g->db().transaction([&](Connection& conn) { return ok(acknowledge_by_link(conn, token, true, now_millis())); });
  });
  router.post(base + "/{id}/cancel", [g](RouteContext& c) {
    return command(*g, c, Permission::outage_plan, [](Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& b, Millis now) {
      cancel_outage(conn, p, id, b, now);
    });
  });
}

}  // namespace lianxin::outages
