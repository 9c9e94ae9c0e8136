#include "audit/api.hpp"

#include <algorithm>

#include "audit/audit.hpp"
#include "common/clock.hpp"
#include "io/xlsx.hpp"
#include "common/json.hpp"
#include "http/params.hpp"

namespace lianxin::audit {
namespace {

namespace bj = boost::json;
using http::Response;
using http::RouteContext;

// WHERE clause of the audit queries: the caller's subtree plus the query filters.
std::string audit_where(const auth::Principal& p, const http::Request& req, storage::Params& params) {
  // Entries of records in the caller's subtree; company-level entries (users, settings) only for
  // callers at the root of the tree.
  std::string where = " WHERE (org_path LIKE ? ESCAPE '\\'";
  params.push_back(storage::escape_like(p.org_path) + "%");
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
  return where;
}

constexpr const char* kAuditColumns =
    "SELECT id, at, username, ip, request_id, action, entity, entity_id, before_json, after_json FROM audit_log";

Response list_audit(auth::Guard& guard, RouteContext& ctx) {
  auth::Principal p = guard.require(ctx.request, auth::Permission::audit_read);
  auto paging = http::paging(ctx.request, 50, 500);
  storage::Params params;
  std::string where = audit_where(p, ctx.request, params);
  return guard.db().read([&](storage::Connection& conn) {
    std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM audit_log" + where, params);
    auto list_params = params;
    list_params.push_back(paging.page_size);
    list_params.push_back(paging.offset());
    auto rows = conn.query(kAuditColumns + where + " ORDER BY id DESC LIMIT ? OFFSET ?", list_params);
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

// The same filtered entries as the list, as XLSX (at most 100,000, newest first).
Response export_audit(auth::Guard& guard, RouteContext& ctx) {
  auth::Principal p = guard.require(ctx.request, auth::Permission::audit_read);
  storage::Params params;
  std::string where = audit_where(p, ctx.request, params);
  bool zh = http::query_text(ctx.request, "lang", 5).value_or("zh") != "en";
  io::Sheet sheet;
  sheet.name = zh ? "审计日志" : "Audit log";
  sheet.header = zh ? std::vector<std::string>{"编号", "时间(UTC)", "用户", "IP", "请求编号", "操作", "对象", "对象编号", "修改前", "修改后"}
                    : std::vector<std::string>{"ID", "At (UTC)", "User", "IP", "Request", "Action", "Entity", "Entity ID", "Before", "After"};
  guard.db().read([&](storage::Connection& conn) {
    params.push_back(std::int64_t{100000});
    for (auto& r : conn.query(kAuditColumns + where + " ORDER BY id DESC LIMIT ?", params))
      sheet.rows.push_back({r.i64(0), format_iso_utc(r.i64(1)), r.str(2), r.str(3), r.str(4), r.str(5), r.str(6), r.str(7),
                            r.str(8), r.str(9)});
  });
  Response out = Response::xlsx(io::write_xlsx({sheet}), "audit-" + shanghai_date(now_millis()) + ".xlsx");
  guard.db().transaction([&](storage::Connection& conn) {
    record_export(conn, p.actor(), "audit_log", static_cast<std::int64_t>(sheet.rows.size()), ctx.request.target);
  });
  return out;
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auth::Guard* g = &guard;
  router.get("/api/v1/audit", [g](RouteContext& c) { return list_audit(*g, c); });
  router.get("/api/v1/audit/export", [g](RouteContext& c) { return export_audit(*g, c); });
}

}  // namespace lianxin::audit
