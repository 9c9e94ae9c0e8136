#include "keyaccounts/api.hpp"

#include "common/clock.hpp"
#include "common/json.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"
#include "keyaccounts/identification.hpp"

namespace lianxin::keyaccounts {
namespace {

namespace bj = boost::json;
using auth::Permission;
using http::Response;
using http::RouteContext;
using storage::Connection;

using http::ok;

Response start(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::keyaccount_review);
  auto body = ctx.request.body.empty() ? bj::object{} : json::parse_object(ctx.request.body);
  Validator v;
  auto org = json::opt_int(body, "org_unit_id", v);
  auto year = json::opt_int(body, "year", v);
  v.throw_if_failed();
  const Millis now = now_millis();
  const int y = static_cast<int>(year.value_or(std::stoi(shanghai_date(now).substr(0, 4))));
  return g.db().transaction([&](Connection& conn) {
    auto id = run_identification(conn, p, org, y, now);
    return ok(run_json(conn, p, id), 201);
  });
}

Response decisions(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::keyaccount_review);
  const std::int64_t id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::vector<std::int64_t> customers;
  if (auto it = body.find("customer_ids"); it == body.end() || !it->value().is_array()) {
    v.add("customer_ids", "must be an array of customer ids");
  } else {
    const auto& arr = it->value().as_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (!arr[i].is_int64()) v.add("customer_ids[" + std::to_string(i) + "]", "must be an integer");
      else customers.push_back(arr[i].as_int64());
    }
  }
  std::string decision = json::req_string(body, "decision", v, 20);
  std::string reason = json::req_string(body, "reason", v, 500);
  v.throw_if_failed();
  return g.db().transaction([&](Connection& conn) {
    int n = decide(conn, p, id, customers, decision, reason, now_millis());
    bj::object out = run_json(conn, p, id);
    out["decided"] = n;
    return ok(out);
  });
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  const std::string base = "/api/v1/key-accounts/identification-runs";
  router.post(base, [g](RouteContext& c) { return start(*g, c); });
  router.get(base, [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    auto paging = http::paging(c.request);
    return g->db().read([&](Connection& conn) { return ok(list_runs(conn, p, paging.page_size, paging.offset())); });
  });
  router.get(base + "/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(run_json(conn, p, id)); });
  });
  router.get(base + "/{id}/items", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    auto paging = http::paging(c.request, 50, 500);
    auto change = http::query_text(c.request, "change", 10);
    auto decision = http::query_text(c.request, "decision", 10);
    return g->db().read(
        [&](Connection& conn) { return ok(run_items(conn, p, id, change, decision, paging.page_size, paging.offset())); });
  });
  router.post(base + "/{id}/decisions", [g](RouteContext& c) { return decisions(*g, c); });
  router.post(base + "/{id}/apply", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::keyaccount_approve);
    const std::int64_t id = http::path_id(c);
    return g->db().transaction([&](Connection& conn) {
      auto [added, removed] = apply(conn, p, id, now_millis());
      bj::object out = run_json(conn, p, id);
      out["applied_added"] = added;
      out["applied_removed"] = removed;
      return ok(out);
    });
  });
  router.post("/api/v1/key-accounts/requests", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::keyaccount_review);
    auto body = json::parse_object(c.request.body);
    Validator v;
    auto customer = json::req_int(body, "customer_id", v);
    auto action = json::req_string(body, "action", v, 10);
    auto reason = json::req_string(body, "reason", v, 500);
    v.throw_if_failed();
    return g->db().transaction([&](Connection& conn) {
      auto id = request_change(conn, p, customer, action, reason, now_millis());
      return ok(bj::object{{"id", id}}, 201);
    });
  });
  router.get("/api/v1/key-accounts/requests", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    auto paging = http::paging(c.request);
    auto status = http::query_text(c.request, "status", 10);
    return g->db().read([&](Connection& conn) { return ok(list_requests(conn, p, status, paging.page_size, paging.offset())); });
  });
  for (const char* verdict : {"approve", "reject"}) {
    const bool approve = std::string(verdict) == "approve";
    router.post(std::string("/api/v1/key-accounts/requests/{id}/") + verdict, [g, approve](RouteContext& c) {
      auto p = g->require(c.request, Permission::keyaccount_approve);
      const std::int64_t id = http::path_id(c);
      auto body = c.request.body.empty() ? bj::object{} : json::parse_object(c.request.body);
      Validator v;
      auto note = json::opt_string(body, "note", v, 500).value_or("");
      v.throw_if_failed();
      return g->db().transaction([&](Connection& conn) {
        decide_request(conn, p, id, approve, note, now_millis());
        return Response::no_content();
      });
    });
  }
  router.get("/api/v1/customers/{id}/key-account-history", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(history(conn, p, id)); });
  });
  // After the literal /key-accounts/... routes above, so /key-accounts/{id} does not shadow them.
  register_service_routes(router, guard);
}

}  // namespace lianxin::keyaccounts
