#include "audit/api.hpp"

#include <algorithm>

#include "common/clock.hpp"
#include "common/json.hpp"
#include "http/params.hpp"

namespace lianxin::audit {
namespace {

namespace bj = boost::json;
using http::Response;
using http::RouteContext;

Response list_audit(auth::Guard& guard, RouteContext& ctx) {
  auth::Principal p = guard.require(ctx.request, auth::Permission::audit_read);
  const auto& req = ctx.request;
  auto paging = http::paging(req, 50, 500);
  // Entries of records in the caller's subtree; company-level entries (users, settings) only for
  // callers at the root of the tree.
  std::string where = " WHERE (org_path LIKE ? ESCAPE '\\'";
  storage::Params params{storage::escape_like(p.org_path) + "%"};
  bool at_root = std::count(p.org_path.begin(), p.org_path.end(), '/') <= 2;
  where += at_root ? " OR org_path IS NULL)" : ")";
  auto add_eq = [&](const char* column, const char* name) {
    if (auto v = http::query_text(req, name)) {
      where += std::string(" AND ") + column + " = ?";
      params.push_back(*v);
    }
  };
  add_eq("entity", "entity");
  add_eq("entity_id", "entity_id");
  add_eq("username", "username");
  add_eq("action", "action");
  if (auto from = http::query_text(req, "from")) {
    where += " AND at >= ?";
    params.push_back(parse_iso_instant(*from, "from"));
  }
  if (auto to = http::query_text(req, "to")) {
    where += " AND at < ?";
    params.push_back(parse_iso_instant(*to, "to"));
  }
  return guard.db().read([&](storage::Connection& conn) {
    std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM audit_log" + where, params);
    auto list_params = params;
    list_params.push_back(paging.page_size);
    list_params.push_back(paging.offset());
    auto rows = conn.query(
        "SELECT id, at, username, ip, request_id, action, entity, entity_id, before_json, after_json FROM audit_log" +
            where + " ORDER BY id DESC LIMIT ? OFFSET ?",
        list_params);
    bj::array items;
    for (auto& r : rows)
      items.push_back(bj::object{{"id", r.i64(0)},
                                 {"at", format_iso_utc(r.i64(1))},
                                 {"username", r.str(2)},
                                 {"ip", json::nullable(r.opt_str(3))},
                                 {"request_id", json::nullable(r.opt_str(4))},
                                 {"action", r.str(5)},
                                 {"entity", r.str(6)},
                                 {"entity_id", json::nullable(r.opt_str(7))},
                                 {"before", json::parse_or_null(r.str(8))},
                                 {"after", json::parse_or_null(r.str(9))}});
    return Response::json(json::serialize(json::list_envelope(std::move(items), total, paging.page, paging.page_size)));
  });
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auth::Guard* g = &guard;
  router.get("/api/v1/audit", [g](RouteContext& c) { return list_audit(*g, c); });
}

}  // namespace lianxin::audit
