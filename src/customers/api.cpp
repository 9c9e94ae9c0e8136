#include "customers/api.hpp"

#include "audit/audit.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "customers/export.hpp"
#include "customers/rules.hpp"
#include "customers/service.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"

namespace lianxin::customers {
namespace {

namespace bj = boost::json;
using auth::Permission;
using http::Response;
using http::RouteContext;

Patch<std::string> patch_string(const bj::object& o, const char* field, Validator& v, std::size_t max_len = 500) {
  if (!json::has(o, field)) return std::nullopt;
  auto s = json::opt_string(o, field, v, max_len);
  if (!s || s->empty()) return std::optional<std::string>();
  return s;
}
Patch<std::int64_t> patch_int(const bj::object& o, const char* field, Validator& v) {
  if (!json::has(o, field)) return std::nullopt;
  return json::opt_int(o, field, v);
}
Patch<bool> patch_bool(const bj::object& o, const char* field, Validator& v) {
  if (!json::has(o, field)) return std::nullopt;
  return json::opt_bool(o, field, v);
}
Patch<double> patch_number(const bj::object& o, const char* field, Validator& v) {
  if (!json::has(o, field)) return std::nullopt;
  return json::opt_number(o, field, v);
}
Patch<std::vector<std::string>> patch_list(const bj::object& o, const char* field, Validator& v) {
  if (!json::has(o, field)) return std::nullopt;
  return json::opt_string_list(o, field, v);
}

CustomerFields read_customer(const bj::object& o, Validator& v) {
  CustomerFields f;
  f.name = patch_string(o, "name", v, 200);
  f.credit_code = patch_string(o, "credit_code", v, 18);
  f.industry_code = patch_string(o, "industry_code", v, 10);
  f.address = patch_string(o, "address", v, 500);
  f.importance_class = patch_string(o, "importance_class", v, 20);
  f.outage_sensitivity = patch_string(o, "outage_sensitivity", v, 20);
  f.credit_grade = patch_string(o, "credit_grade", v, 10);
  f.tags = patch_list(o, "tags", v);
  f.org_unit_id = patch_int(o, "org_unit_id", v);
  f.group_id = patch_int(o, "group_id", v);
  f.manager_id = patch_int(o, "manager_id", v);
  f.backup_manager_id = patch_int(o, "backup_manager_id", v);
  f.is_group = patch_bool(o, "is_group", v);
  f.is_key_account = patch_bool(o, "is_key_account", v);
  f.annual_kwh = patch_number(o, "annual_kwh", v);
  if (f.credit_code && *f.credit_code) {
    std::string upper = **f.credit_code;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    f.credit_code = std::optional<std::string>(upper);
  }
  return f;
}

AccountFields read_account(const bj::object& o, Validator& v) {
  AccountFields f;
  f.account_no = patch_string(o, "account_no", v, 20);
  f.name = patch_string(o, "name", v, 200);
  f.voltage_level = patch_string(o, "voltage_level", v, 10);
  f.tariff_category = patch_string(o, "tariff_category", v, 20);
  f.basic_charge_mode = patch_string(o, "basic_charge_mode", v, 20);
  f.address = patch_string(o, "address", v, 500);
  f.status = patch_string(o, "status", v, 10);
  f.contract_capacity_kva = patch_int(o, "contract_capacity_kva", v);
  f.supply_sources = patch_int(o, "supply_sources", v);
  f.line_id = patch_int(o, "line_id", v);
  f.transformer_area_id = patch_int(o, "transformer_area_id", v);
  f.emergency_power = patch_bool(o, "emergency_power", v);
  if (f.account_no && *f.account_no) {
    std::string upper = **f.account_no;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    f.account_no = std::optional<std::string>(upper);
  }
  return f;
}

ContactFields read_contact(const bj::object& o, Validator& v) {
  ContactFields f;
  f.name = patch_string(o, "name", v, 100);
  f.role = patch_string(o, "role", v, 30);
  f.mobile = patch_string(o, "mobile", v, 30);
  f.email = patch_string(o, "email", v, 200);
  f.notice_types = patch_list(o, "notice_types", v);
  f.active = patch_bool(o, "active", v);
  return f;
}

ListFilter read_filter(const http::Request& req) {
  ListFilter f;
  f.q = http::query_text(req, "q", 100);
  f.org_unit_id = http::query_int(req, "org_unit_id");
  f.manager_id = http::query_int(req, "manager_id");
  f.importance_class = http::query_text(req, "importance_class", 20);
  f.industry_code = http::query_text(req, "industry_code", 10);
  f.tag = http::query_text(req, "tag", 60);
  f.status = http::query_text(req, "status", 20);
  f.is_key_account = http::query_bool(req, "is_key_account");
  f.is_group = http::query_bool(req, "is_group");
  if (f.status && !is_code_in(customer_statuses(), *f.status))
    throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"status", "must be one of " + codes_of(customer_statuses())}});
  return f;
}

using http::ok;

Response list(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_read);
  auto f = read_filter(ctx.request);
  auto paging = http::paging(ctx.request);
  f.limit = paging.page_size;
  f.offset = paging.offset();
  return g.db().read([&](storage::Connection& conn) {
    std::int64_t total = 0;
    auto result = list_customers(conn, p, f, &total);
    return ok(json::list_envelope(std::move(result["items"].as_array()), total, paging.page, paging.page_size));
  });
}

Response export_list(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_export);
  auto f = read_filter(ctx.request);
  auto rows = g.db().read([&](storage::Connection& conn) { return list_customers_for_export(conn, p, f, kMaxExportRows); });
  Response r = Response::xlsx(customers_xlsx(rows, http::query_text(ctx.request, "lang", 5).value_or("zh")),
                              "customers-" + shanghai_date(now_millis()) + ".xlsx");
  g.db().transaction([&](storage::Connection& conn) {
    audit::record_export(conn, p.actor(), "customer", static_cast<std::int64_t>(rows.size()), ctx.request.target);
  });
  return r;
}

Response get_one(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_read);
  auto id = http::path_id(ctx);
  return g.db().read([&](storage::Connection& conn) { return ok(customer_360(conn, p, id)); });
}

Response create(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_write);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto f = read_customer(body, v);
  v.throw_if_failed();
  return g.db().transaction([&](storage::Connection& conn) {
    auto id = create_customer(conn, p, f);
    return ok(customer_360(conn, p, id)["customer"], 201);
  });
}

Response update(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_write);
  auto id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto f = read_customer(body, v);
  auto version = json::opt_int(body, "version", v);
  if (!version && v.ok()) v.add("version", "is required (the version you edited, for conflict detection)");
  v.throw_if_failed();
  return g.db().transaction([&](storage::Connection& conn) {
    update_customer(conn, p, id, f, version);
    return ok(customer_360(conn, p, id)["customer"]);
  });
}

Response change_status(auth::Guard& g, RouteContext& ctx, bool active) {
  auto p = g.require(ctx.request, Permission::customer_write);
  auto id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::string reason = json::req_string(body, "reason", v, 500);
  v.throw_if_failed();
  return g.db().transaction([&](storage::Connection& conn) {
    set_customer_status(conn, p, id, active, reason);
    return ok(customer_360(conn, p, id)["customer"]);
  });
}

Response merge(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_merge);
  auto id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto duplicate = json::req_int(body, "duplicate_id", v);
  std::string reason = json::req_string(body, "reason", v, 500);
  v.throw_if_failed();
  return g.db().transaction([&](storage::Connection& conn) {
    merge_customers(conn, p, id, duplicate, reason);
    return ok(customer_360(conn, p, id));
  });
}

Response merges(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_read);
  auto id = http::path_id(ctx);
  return g.db().read([&](storage::Connection& conn) { return ok(list_merges(conn, p, id, now_millis())); });
}

Response undo(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_merge);
  auto id = http::path_id(ctx);
  auto body = ctx.request.body.empty() ? bj::object{} : json::parse_object(ctx.request.body);
  Validator v;
  std::string reason = json::req_string(body, "reason", v, 500);
  v.throw_if_failed();
  return g.db().transaction([&](storage::Connection& conn) {
    const std::int64_t dup = undo_merge(conn, p, id, reason, now_millis());
    return ok(customer_360(conn, p, dup));
  });
}

Response timeline(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_read);
  auto id = http::path_id(ctx);
  auto paging = http::paging(ctx.request, 20, 200);
  auto kind = http::query_text(ctx.request, "kind", 30);
  return g.db().read([&](storage::Connection& conn) {
    auto page = timeline_page(conn, p, id, kind, paging.page_size, paging.offset());
    page["page"] = paging.page;
    return ok(page);
  });
}

Response add_interaction(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::interaction_write);
  auto id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::string kind = json::req_string(body, "kind", v, 20);
  std::string title = json::req_string(body, "title", v, 200);
  std::string text = json::opt_string(body, "body", v, 10000).value_or("");
  auto due = json::opt_string(body, "follow_up_due", v, 10);
  if (due && due->empty()) due.reset();
  Millis at = now_millis();
  if (auto when = json::opt_string(body, "at", v, 40); when && !when->empty()) {
    try {
      at = parse_iso_instant(*when, "at");
    } catch (const AppError& e) {
      v.add("at", e.issues().empty() ? "invalid instant" : e.issues()[0].message);
    }
  }
  v.throw_if_failed();
  return g.db().transaction([&](storage::Connection& conn) {
    auto event_id = log_interaction(conn, p, id, kind, title, text, at, due);
    return ok(bj::object{{"id", event_id}}, 201);
  });
}

Response close_follow(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::interaction_write);
  auto id = http::path_id(ctx);
  return g.db().transaction([&](storage::Connection& conn) {
    close_follow_up(conn, p, id);
    return Response::no_content();
  });
}

Response add_account(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_write);
  auto id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto f = read_account(body, v);
  v.throw_if_failed();
  return g.db().transaction([&](storage::Connection& conn) {
    auto account_id = create_account(conn, p, id, f);
    return ok(bj::object{{"id", account_id}}, 201);
  });
}

Response patch_account(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_write);
  auto id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto f = read_account(body, v);
  v.throw_if_failed();
  return g.db().transaction([&](storage::Connection& conn) {
    update_account(conn, p, id, f);
    return ok(bj::object{{"id", id}});
  });
}

Response add_contact(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_write);
  auto id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto f = read_contact(body, v);
  v.throw_if_failed();
  return g.db().transaction([&](storage::Connection& conn) {
    auto contact_id = create_contact(conn, p, id, f);
    return ok(bj::object{{"id", contact_id}}, 201);
  });
}

Response patch_contact(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_write);
  auto id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto f = read_contact(body, v);
  v.throw_if_failed();
  return g.db().transaction([&](storage::Connection& conn) {
    update_contact(conn, p, id, f);
    return ok(bj::object{{"id", id}});
  });
}

Response delete_contact(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_write);
  auto id = http::path_id(ctx);
  ContactFields f;
  f.active = std::optional<bool>(false);
  return g.db().transaction([&](storage::Connection& conn) {
    update_contact(conn, p, id, f);
    return Response::no_content();
  });
}

Response search_route(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_read);
  auto q = http::query_text(ctx.request, "q", 100);
  if (!q) throw AppError(ErrorCode::validation_failed, "search text is required", {{"q", "is required"}});
  auto limit = http::query_positive(ctx.request, "limit", 10, 50);
  return g.db().read([&](storage::Connection& conn) {
    auto found = search(conn, p, *q, limit);
    // Customers of a large import not yet in the search index (the UI says results may be incomplete).
    found["index_pending"] = search_backlog_size(conn);
    return ok(found);
  });
}

Response lookup_route(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_read);
  auto phone = http::query_text(ctx.request, "phone", 30);
  if (!phone) throw AppError(ErrorCode::validation_failed, "phone is required", {{"phone", "is required"}});
  return g.db().read([&](storage::Connection& conn) { return ok(lookup_phone(conn, p, *phone)); });
}

// Account managers a caller may assign: those working in the caller's subtree and those of the
// units above it (a city bureau's managers also serve the counties' key accounts).
Response account_managers(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::customer_read);
  auto q = http::query_text(ctx.request, "q", 50);
  return g.db().read([&](storage::Connection& conn) {
    std::string sql =
        "SELECT u.id, u.username, u.display_name, o.name, o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id "
        "WHERE u.role = 'account_manager' AND u.active = 1";
    storage::Params params;
    if (q) {
      sql += " AND (u.username LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')";
      params.push_back("%" + storage::escape_like(*q) + "%");
      params.push_back("%" + storage::escape_like(*q) + "%");
    }
    sql += " ORDER BY u.username";
    bj::array items;
    for (auto& r : conn.query(sql, params)) {
      const std::string path = r.str(4);
      bool below = auth::org_in_scope(p, path);
      bool above = p.org_path.compare(0, path.size(), path) == 0;
      if (!below && !above) continue;
      items.push_back(bj::object{{"id", r.i64(0)}, {"username", r.str(1)}, {"display_name", r.str(2)}, {"org_unit_name", r.str(3)}});
      if (items.size() >= 50) break;
    }
    auto n = static_cast<std::int64_t>(items.size());
    return ok(json::list_envelope(std::move(items), n, 1, 50));
  });
}

bj::array labels(const std::vector<CodeLabel>& list) {
  bj::array a;
  for (auto& c : list) a.push_back(bj::object{{"code", c.code}, {"zh", c.zh}, {"en", c.en}});
  return a;
}

Response enums(auth::Guard& g, RouteContext& ctx) {
  g.require(ctx.request, Permission::reference_read);
  return ok(bj::object{{"importance_classes", labels(importance_classes())},
                       {"outage_sensitivities", labels(outage_sensitivities())},
                       {"credit_grades", labels(credit_grades())},
                       {"voltage_levels", labels(voltage_levels())},
                       {"tariff_categories", labels(tariff_categories())},
                       {"basic_charge_modes", labels(basic_charge_modes())},
                       {"contact_roles", labels(contact_roles())},
                       {"notice_types", labels(notice_types())},
                       {"customer_statuses", labels(customer_statuses())}});
}

Response industries(auth::Guard& g, RouteContext& ctx) {
  g.require(ctx.request, Permission::reference_read);
  return g.db().read([&](storage::Connection& conn) {
    bj::array items;
    for (auto& r : conn.query("SELECT code, name, section FROM industries ORDER BY code"))
      items.push_back(bj::object{{"code", r.str(0)}, {"name", r.str(1)}, {"section", r.str(2)}});
    auto n = static_cast<std::int64_t>(items.size());
    return ok(json::list_envelope(std::move(items), n, 1, n));
  });
}

Response lines(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::reference_read);
  auto q = http::query_text(ctx.request, "q", 50);
  return g.db().read([&](storage::Connection& conn) {
    std::string sql =
        "SELECT l.id, l.code, l.name, s.name FROM lines l JOIN substations s ON s.id = l.substation_id "
        "JOIN org_units o ON o.id = s.org_unit_id WHERE o.path LIKE ? ESCAPE '\\'";
    storage::Params params{storage::escape_like(p.org_path) + "%"};
    if (q) {
      sql += " AND (l.name LIKE ? ESCAPE '\\' OR l.code LIKE ? ESCAPE '\\')";
      params.push_back("%" + storage::escape_like(*q) + "%");
      params.push_back("%" + storage::escape_like(*q) + "%");
    }
    sql += " ORDER BY l.code LIMIT 200";
    bj::array items;
    for (auto& r : conn.query(sql, params))
      items.push_back(bj::object{{"id", r.i64(0)}, {"code", r.str(1)}, {"name", r.str(2)}, {"substation_name", r.str(3)}});
    auto n = static_cast<std::int64_t>(items.size());
    return ok(json::list_envelope(std::move(items), n, 1, 200));
  });
}

Response transformer_areas(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::reference_read);
  auto line = http::query_int(ctx.request, "line_id");
  if (!line) throw AppError(ErrorCode::validation_failed, "line_id is required", {{"line_id", "is required"}});
  return g.db().read([&](storage::Connection& conn) {
    bj::array items;
    for (auto& r : conn.query(
             "SELECT t.id, t.code, t.name, t.line_id FROM transformer_areas t JOIN lines l ON l.id = t.line_id "
             "JOIN substations s ON s.id = l.substation_id JOIN org_units o ON o.id = s.org_unit_id "
             "WHERE t.line_id = ? AND o.path LIKE ? ESCAPE '\\' ORDER BY t.code LIMIT 1000",
             {*line, storage::escape_like(p.org_path) + "%"}))
      items.push_back(bj::object{{"id", r.i64(0)}, {"code", r.str(1)}, {"name", r.str(2)}, {"line_id", r.i64(3)}});
    auto n = static_cast<std::int64_t>(items.size());
    return ok(json::list_envelope(std::move(items), n, 1, 1000));
  });
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auth::Guard* g = &guard;
  auto bind = [g](Response (*fn)(auth::Guard&, RouteContext&)) { return [g, fn](RouteContext& c) { return fn(*g, c); }; };
  router.get("/api/v1/customers", bind(list));
  router.get("/api/v1/customers/export", bind(export_list));
  router.post("/api/v1/customers", bind(create));
  router.get("/api/v1/customers/{id}", bind(get_one));
  router.patch("/api/v1/customers/{id}", bind(update));
  router.post("/api/v1/customers/{id}/deactivate", [g](RouteContext& c) { return change_status(*g, c, false); });
  router.post("/api/v1/customers/{id}/reactivate", [g](RouteContext& c) { return change_status(*g, c, true); });
  router.post("/api/v1/customers/{id}/merge", bind(merge));
  router.get("/api/v1/customers/{id}/timeline", bind(timeline));
  router.get("/api/v1/customers/{id}/merges", bind(merges));
  router.post("/api/v1/customer-merges/{id}/undo", bind(undo));
  router.post("/api/v1/customers/{id}/interactions", bind(add_interaction));
  router.post("/api/v1/timeline/{id}/close-follow-up", bind(close_follow));
  router.post("/api/v1/customers/{id}/accounts", bind(add_account));
  router.patch("/api/v1/accounts/{id}", bind(patch_account));
  router.post("/api/v1/customers/{id}/contacts", bind(add_contact));
  router.patch("/api/v1/contacts/{id}", bind(patch_contact));
  router.del("/api/v1/contacts/{id}", bind(delete_contact));
  router.get("/api/v1/search", bind(search_route));
  router.get("/api/v1/lookup", bind(lookup_route));
  router.get("/api/v1/account-managers", bind(account_managers));
  router.get("/api/v1/reference/enums", bind(enums));
  router.get("/api/v1/reference/industries", bind(industries));
  router.get("/api/v1/lines", bind(lines));
  router.get("/api/v1/transformer-areas", bind(transformer_areas));
}

}  // namespace lianxin::customers
