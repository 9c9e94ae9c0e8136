#include "expansion/api.hpp"

#include "common/clock.hpp"
#include "common/json.hpp"
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

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  const std::string base = "/api/v1/expansion/applications";
  router.get("/api/v1/expansion/rule-sets", [g](RouteContext& c) {
    g->require(c.request, Permission::customer_read);
    return ok(rule_sets_json());
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
