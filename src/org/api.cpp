#include "org/api.hpp"

#include "audit/audit.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "http/params.hpp"
#include "org/rules.hpp"

namespace lianxin::org {
namespace {

namespace bj = boost::json;
using http::Response;
using http::RouteContext;

bj::object unit_json(const storage::Row& r) {
  return bj::object{{"id", r.i64(0)},   {"parent_id", json::nullable(r.opt_i64(1))},
                    {"kind", r.str(2)}, {"code", r.str(3)},
                    {"name", r.str(4)}, {"path", r.str(5)}};
}

constexpr const char* kUnitColumns = "SELECT id, parent_id, kind, code, name, path FROM org_units";

Response list_units(auth::Guard& guard, RouteContext& ctx) {
  auth::Principal p = guard.authenticate(ctx.request);
  return guard.db().read([&](storage::Connection& conn) {
    auto rows = conn.query(std::string(kUnitColumns) + " WHERE path LIKE ? ESCAPE '\\' ORDER BY path",
                           {storage::escape_like(p.org_path) + "%"});
    bj::array items;
    for (auto& r : rows) items.push_back(unit_json(r));
    auto n = static_cast<std::int64_t>(items.size());
    return Response::json(json::serialize(json::list_envelope(std::move(items), n, 1, std::max<std::int64_t>(n, 1))));
  });
}

Response create_unit(auth::Guard& guard, RouteContext& ctx) {
  auth::Principal p = guard.require(ctx.request, auth::Permission::org_admin);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::int64_t parent_id = json::req_int(body, "parent_id", v);
  std::string kind_text = json::req_string(body, "kind", v, 20);
  std::string code = json::req_string(body, "code", v, 40);
  std::string name = json::req_string(body, "name", v, 100);
  auto kind = kind_from_code(kind_text);
  if (!kind_text.empty() && !kind) v.add("kind", "must be one of company, city, county, station, department");
  v.throw_if_failed();
  return guard.db().transaction([&](storage::Connection& conn) {
    auto parent = conn.query_one("SELECT kind, path FROM org_units WHERE id = ?", {parent_id});
    if (!parent || !auth::org_in_scope(p, parent->str(1)))
      throw AppError(ErrorCode::validation_failed, "invalid parent", {{"parent_id", "unknown org unit"}});
    if (!may_contain(*kind_from_code(parent->str(0)), *kind))
      throw AppError(ErrorCode::validation_failed, "invalid kind",
                     {{"kind", "a " + kind_text + " cannot be placed under a " + parent->str(0)}});
    if (conn.query_one("SELECT id FROM org_units WHERE code = ?", {code}))
      throw AppError(ErrorCode::conflict, "org unit code already exists", {{"code", "already exists"}});
    std::int64_t id = conn.insert_returning_id(
        "INSERT INTO org_units(parent_id, kind, code, name, path, created_at) VALUES (?,?,?,?,?,?) RETURNING id",
        {parent_id, kind_text, code, name, std::string("pending"), now_millis()});
    std::string path = child_path(parent->str(1), id);
    conn.execute("UPDATE org_units SET path = ? WHERE id = ?", {path, id});
    auto row = conn.query_one(std::string(kUnitColumns) + " WHERE id = ?", {id});
    std::string after = json::serialize(unit_json(*row));
    audit::record(conn, p.actor(), {"create", "org_unit", std::to_string(id), path, "", after});
    return Response::json(after, 201);
  });
}

Response update_unit(auth::Guard& guard, RouteContext& ctx) {
  auth::Principal p = guard.require(ctx.request, auth::Permission::org_admin);
  std::int64_t id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::string name = json::req_string(body, "name", v, 100);
  v.throw_if_failed();
  return guard.db().transaction([&](storage::Connection& conn) {
    auto row = conn.query_one(std::string(kUnitColumns) + " WHERE id = ?", {id});
    if (!row || !auth::org_in_scope(p, row->str(5))) throw_not_found("org unit");
    std::string before = json::serialize(unit_json(*row));
    conn.execute("UPDATE org_units SET name = ? WHERE id = ?", {name, id});
    row = conn.query_one(std::string(kUnitColumns) + " WHERE id = ?", {id});
    std::string after = json::serialize(unit_json(*row));
    audit::record(conn, p.actor(), {"update", "org_unit", std::to_string(id), row->str(5), before, after});
    return Response::json(after);
  });
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auth::Guard* g = &guard;
  router.get("/api/v1/org-units", [g](RouteContext& c) { return list_units(*g, c); });
  router.post("/api/v1/org-units", [g](RouteContext& c) { return create_unit(*g, c); });
  router.patch("/api/v1/org-units/{id}", [g](RouteContext& c) { return update_unit(*g, c); });
}

}  // namespace lianxin::org
