#include "outages/api.hpp"

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"
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
    OutageFilter f;
    f.status = http::query_text(c.request, "status", 20);
    f.kind = http::query_text(c.request, "kind", 20);
    f.from = http::query_text(c.request, "from", 10);
    f.to = http::query_text(c.request, "to", 10);
    auto paging = http::paging(c.request);
    return g->db().read([&](Connection& conn) { return ok(list_outages(conn, p, f, paging.page_size, paging.offset())); });
  });
  router.get(base + "/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(outage_detail(conn, p, id, now_millis())); });
  });
  router.get(base + "/{id}/affected", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    AffectedFilter f;
    f.effect = http::query_text(c.request, "effect", 20);
    f.key_only = http::query_bool(c.request, "key_only").value_or(false);
    f.important_only = http::query_bool(c.request, "important_only").value_or(false);
    auto paging = http::paging(c.request, 50, 500);
    return g->db().read([&](Connection& conn) { return ok(list_affected(conn, p, id, f, paging.page_size, paging.offset(), now_millis())); });
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
    auto paging = http::paging(c.request, 50, 500);
    return g->db().read([&](Connection& conn) { return ok(list_notices(conn, p, id, status, channel, paging.page_size, paging.offset())); });
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
