// Routes of the key-account service (service.hpp): the list and managers, hand-overs and covers,
// teams and packages, the "五个一" programme, visits and action items, emergency plans and drills,
// usage plans, the equipment register, attachments and the manager's home.
#include "common/clock.hpp"
#include "common/json.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"
#include "keyaccounts/api.hpp"
#include "keyaccounts/service.hpp"

namespace lianxin::keyaccounts {
namespace {

using auth::Permission;
using http::ok;
using http::Response;
using http::RouteContext;
using storage::Connection;

bj::object body_of(const RouteContext& c) { return c.request.body.empty() ? bj::object{} : json::parse_object(c.request.body); }

int year_param(const RouteContext& c) {
  auto y = http::query_int(c.request, "year");
  const int now_year = std::stoi(shanghai_date(now_millis()).substr(0, 4));
  if (!y) return now_year;
  if (*y < 2000 || *y > 2100) throw AppError(ErrorCode::validation_failed, "invalid query", {{"year", "must be a year such as 2026"}});
  return static_cast<int>(*y);
}

std::optional<std::string> date_param(const RouteContext& c, const char* name) {
  auto d = http::query_text(c.request, name, 10);
  if (d && !is_valid_date(*d)) throw AppError(ErrorCode::validation_failed, "invalid query", {{name, "must be a date YYYY-MM-DD"}});
  return d;
}

// A command: permission checked by the service; one transaction; JSON answer.
template <typename F>
Response command(auth::Guard& g, RouteContext& c, Permission first, int status, F&& f) {
  auto p = g.require(c.request, first);
  auto body = body_of(c);
  return g.db().transaction([&](Connection& conn) { return ok(f(conn, p, body, now_millis()), status); });
}

template <typename F>
Response query(auth::Guard& g, RouteContext& c, F&& f) {
  auto p = g.require(c.request, Permission::customer_read);
  return g.db().read([&](Connection& conn) { return ok(f(conn, p)); });
}

}  // namespace

void register_service_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  using P = auth::Principal;
  const Permission service = Permission::keyaccount_service, manage = Permission::keyaccount_manage;

  // ---- settings of the module (identification, programme template, visit frequency) ----
  router.put("/api/v1/key-accounts/settings/{key}", [g, manage](RouteContext& c) {
    const std::string key = c.param("key");
    return command(*g, c, manage, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return update_setting(conn, p, key, b, now);
    });
  });

  // ---- the list, the card, managers ----
  router.get("/api/v1/key-accounts", [g](RouteContext& c) {
    KeyAccountFilter f;
    f.q = http::query_text(c.request, "q", 100);
    f.tier = http::query_text(c.request, "tier", 1);
    f.manager_id = http::query_int(c.request, "manager_id");
    f.org_unit_id = http::query_int(c.request, "org_unit_id");
    auto paging = http::paging(c.request, 20, 200);
    return query(*g, c, [&](Connection& conn, const P& p) {
      return list_key_accounts(conn, p, f, paging.page_size, paging.offset(), now_millis());
    });
  });
  router.get("/api/v1/key-accounts/home", [g](RouteContext& c) {
    auto manager = http::query_int(c.request, "manager_id");
    return query(*g, c, [&](Connection& conn, const P& p) { return manager_home(conn, p, manager, now_millis()); });
  });
  router.get("/api/v1/key-accounts/{id}", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    return query(*g, c, [&](Connection& conn, const P& p) { return key_account_card(conn, p, id); });
  });
  router.put("/api/v1/key-accounts/{id}/tier", [g, manage](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, manage, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      set_tier(conn, p, id, b, now);
      return key_account_card(conn, p, id);
    });
  });
  router.post("/api/v1/key-accounts/{id}/handovers", [g, manage](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, manage, 201, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      auto r = hand_over(conn, p, id, b, now);
      r["card"] = key_account_card(conn, p, id);
      return r;
    });
  });
  router.get("/api/v1/managers", [g](RouteContext& c) {
    return query(*g, c, [&](Connection& conn, const P& p) { return list_managers(conn, p, now_millis()); });
  });
  router.post("/api/v1/managers/{id}/handover", [g, manage](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, manage, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return hand_over_portfolio(conn, p, id, b, now);
    });
  });
  router.post("/api/v1/managers/{id}/covers", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, Permission::customer_read, 201, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return bj::object{{"id", add_cover(conn, p, id, b, now)}};
    });
  });
  router.get("/api/v1/manager-covers", [g](RouteContext& c) {
    const bool current = http::query_bool(c.request, "current").value_or(true);
    return query(*g, c, [&](Connection& conn, const P& p) { return list_covers(conn, p, current, now_millis()); });
  });
  router.post("/api/v1/manager-covers/{id}/cancel", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    auto p = g->require(c.request, Permission::customer_read);
    return g->db().transaction([&](Connection& conn) {
      cancel_cover(conn, p, id, now_millis());
      return Response::no_content();
    });
  });

  // ---- service teams and packages ----
  router.post("/api/v1/key-accounts/{id}/team", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 201, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      add_team_member(conn, p, id, b, now);
      return key_account_card(conn, p, id);
    });
  });
  router.del("/api/v1/key-accounts/{id}/team/{member_id}", [g, service](RouteContext& c) {
    const auto id = http::path_id(c), member = http::path_id(c, "member_id");
    auto p = g->require(c.request, service);
    return g->db().transaction([&](Connection& conn) {
      remove_team_member(conn, p, id, member, now_millis());
      return Response::no_content();
    });
  });
  router.get("/api/v1/service-packages", [g](RouteContext& c) {
    return query(*g, c, [&](Connection& conn, const P& p) { return list_packages(conn, p); });
  });
  router.post("/api/v1/service-packages", [g, manage](RouteContext& c) {
    return command(*g, c, manage, 201, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return bj::object{{"id", create_package(conn, p, b, now)}};
    });
  });
  for (const bool assign : {true, false}) {
    auto handler = [g, manage, assign](RouteContext& c) {
      const auto id = http::path_id(c), package = http::path_id(c, "package_id");
      return command(*g, c, manage, 200, [&](Connection& conn, const P& p, const bj::object&, Millis now) {
        assign_package(conn, p, id, package, assign, now);
        return key_account_card(conn, p, id);
      });
    };
    if (assign) router.put("/api/v1/key-accounts/{id}/packages/{package_id}", handler);
    else router.del("/api/v1/key-accounts/{id}/packages/{package_id}", handler);
  }

  // ---- the "五个一" programme ----
  router.post("/api/v1/programmes/generate", [g, manage](RouteContext& c) {
    return command(*g, c, manage, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return generate_programmes(conn, p, b, now);
    });
  });
  router.get("/api/v1/programmes/board", [g](RouteContext& c) {
    BoardFilter f;
    f.year = year_param(c);
    f.org_unit_id = http::query_int(c.request, "org_unit_id");
    f.manager_id = http::query_int(c.request, "manager_id");
    f.q = http::query_text(c.request, "q", 100);
    auto paging = http::paging(c.request, 50, 500);
    return query(*g, c, [&](Connection& conn, const P& p) {
      return programme_board(conn, p, f, paging.page_size, paging.offset(), now_millis());
    });
  });
  router.get("/api/v1/programmes/coverage", [g](RouteContext& c) {
    const int year = year_param(c);
    const std::string by = http::query_text(c.request, "by", 20).value_or("org_unit");
    return query(*g, c, [&](Connection& conn, const P& p) { return programme_coverage(conn, p, year, by, now_millis()); });
  });
  router.post("/api/v1/programmes/{id}/sign-off", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    auto p = g->require(c.request, Permission::programme_signoff);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) {
      sign_off_programme(conn, p, id, body, now_millis());
      return Response::no_content();
    });
  });
  router.get("/api/v1/customers/{id}/programme", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    const int year = year_param(c);
    return query(*g, c, [&](Connection& conn, const P& p) { return programme_of(conn, p, id, year); });
  });
  router.patch("/api/v1/programme-items/{id}", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return update_programme_item(conn, p, id, b, now);
    });
  });
  router.post("/api/v1/programme-items/{id}/complete", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return complete_programme_item(conn, p, id, b, now);
    });
  });

  // ---- visits and action items ----
  router.get("/api/v1/visits", [g](RouteContext& c) {
    VisitFilter f;
    f.from = date_param(c, "from");
    f.to = date_param(c, "to");
    f.status = http::query_text(c.request, "status", 20);
    f.kind = http::query_text(c.request, "kind", 20);
    f.customer_id = http::query_int(c.request, "customer_id");
    f.manager_id = http::query_int(c.request, "manager_id");
    auto paging = http::paging(c.request, 50, 500);
    return query(*g, c, [&](Connection& conn, const P& p) { return list_visits(conn, p, f, paging.page_size, paging.offset()); });
  });
  router.get("/api/v1/visits/due", [g](RouteContext& c) {
    auto manager = http::query_int(c.request, "manager_id");
    auto until = date_param(c, "until");
    return query(*g, c, [&](Connection& conn, const P& p) {
      const Millis now = now_millis();
      return bj::object{{"items", visits_due(conn, p, manager, until.value_or(shanghai_date(now)), now)}};
    });
  });
  router.post("/api/v1/visits", [g, service](RouteContext& c) {
    return command(*g, c, service, 201, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return visit_detail(conn, p, plan_visit(conn, p, b, now));
    });
  });
  router.get("/api/v1/visits/{id}", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    return query(*g, c, [&](Connection& conn, const P& p) { return visit_detail(conn, p, id); });
  });
  router.post("/api/v1/visits/{id}/complete", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return complete_visit(conn, p, id, b, now);
    });
  });
  router.post("/api/v1/visits/{id}/cancel", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      cancel_visit(conn, p, id, b, now);
      return visit_detail(conn, p, id);
    });
  });
  router.get("/api/v1/action-items", [g](RouteContext& c) {
    ActionItemFilter f;
    f.customer_id = http::query_int(c.request, "customer_id");
    f.owner_id = http::query_int(c.request, "owner_id");
    f.source_id = http::query_int(c.request, "source_id");
    f.status = http::query_text(c.request, "status", 10);
    f.source = http::query_text(c.request, "source", 20);
    f.overdue_only = http::query_bool(c.request, "overdue").value_or(false);
    auto paging = http::paging(c.request, 50, 500);
    return query(*g, c, [&](Connection& conn, const P& p) {
      return list_action_items(conn, p, f, paging.page_size, paging.offset(), now_millis());
    });
  });
  router.post("/api/v1/action-items", [g, service](RouteContext& c) {
    return command(*g, c, service, 201, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return bj::object{{"id", create_action_item(conn, p, b, now)}};
    });
  });
  router.patch("/api/v1/action-items/{id}", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return update_action_item(conn, p, id, b, now);
    });
  });
  router.post("/api/v1/action-items/{id}/close", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    // The owner may close an item without the service right (e.g. an O&M colleague): checked inside.
    return command(*g, c, Permission::customer_read, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return close_action_item(conn, p, id, b, now);
    });
  });

  // ---- attachments (evidence) ----
  router.post("/api/v1/service-attachments", [g, service](RouteContext& c) {
    auto p = g->require(c.request, service);
    auto entity = http::query_text(c.request, "entity", 20);
    auto entity_id = http::query_int(c.request, "entity_id");
    auto name = http::query_text(c.request, "file_name", 255);
    Validator v;
    if (!entity) v.add("entity", "is required: programme_item, visit, drill, action_item or equipment");
    if (!entity_id) v.add("entity_id", "is required");
    if (!name) v.add("file_name", "is required");
    v.throw_if_failed("invalid attachment");
    return g->db().transaction([&](Connection& conn) {
      return ok(bj::object{{"id", add_attachment(conn, p, *entity, *entity_id, *name, c.request.body, now_millis())}}, 201);
    });
  });
  router.get("/api/v1/service-attachments/{id}", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    auto p = g->require(c.request, Permission::customer_read);
    auto f = g->db().read([&](Connection& conn) { return read_attachment(conn, p, id); });
    return http::file_download(std::move(f.bytes), f.content_type, f.file_name, "attachment-" + std::to_string(id));
  });

  // ---- emergency plans, drills, usage plans, equipment ----
  router.get("/api/v1/customers/{id}/emergency-plans", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    return query(*g, c, [&](Connection& conn, const P& p) { return emergency_plans(conn, p, id); });
  });
  router.post("/api/v1/customers/{id}/emergency-plans", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 201, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return revise_plan(conn, p, id, b, now);
    });
  });
  router.get("/api/v1/customers/{id}/drills", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    return query(*g, c, [&](Connection& conn, const P& p) { return drills(conn, p, id); });
  });
  router.post("/api/v1/customers/{id}/drills", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 201, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return record_drill(conn, p, id, b, now);
    });
  });
  router.get("/api/v1/customers/{id}/usage-plans/{year}", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    const auto year = static_cast<int>(http::path_id(c, "year"));
    return query(*g, c, [&](Connection& conn, const P& p) { return usage_plan(conn, p, id, year); });
  });
  router.put("/api/v1/customers/{id}/usage-plans/{year}", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    const auto year = static_cast<int>(http::path_id(c, "year"));
    return command(*g, c, service, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return save_usage_plan(conn, p, id, year, b, now);
    });
  });
  router.get("/api/v1/customers/{id}/equipment", [g](RouteContext& c) {
    const auto id = http::path_id(c);
    return query(*g, c, [&](Connection& conn, const P& p) { return equipment_list(conn, p, id); });
  });
  router.post("/api/v1/customers/{id}/equipment", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 201, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return bj::object{{"id", add_equipment(conn, p, id, b, now)}};
    });
  });
  router.patch("/api/v1/equipment/{id}", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 200, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return update_equipment(conn, p, id, b, now);
    });
  });
  router.post("/api/v1/equipment/{id}/recommendations", [g, service](RouteContext& c) {
    const auto id = http::path_id(c);
    return command(*g, c, service, 201, [&](Connection& conn, const P& p, const bj::object& b, Millis now) {
      return bj::object{{"id", recommend(conn, p, id, b, now)}};
    });
  });
}

}  // namespace lianxin::keyaccounts
