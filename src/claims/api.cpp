#include "claims/api.hpp"

#include "audit/audit.hpp"
#include "auth/guard.hpp"
#include "auth/rules.hpp"
#include "claims/analysis.hpp"
#include "claims/rules.hpp"
#include "claims/service.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"

namespace lianxin::claims {
namespace {

namespace bj = boost::json;
using auth::Permission;
using http::Response;
using http::RouteContext;
using storage::Connection;

using http::ok;

// An instant, or a date (Asia/Shanghai): a date as the lower bound means its start; as the upper
// bound the end of that day, so "to=2026-11-22" includes the 22nd (as the analysis does).
std::optional<Millis> query_instant(const http::Request& req, const std::string& name, bool end_of_date) {
  auto text = http::query_text(req, name, 40);
  if (!text) return std::nullopt;
  if (is_valid_date(*text)) return shanghai_midnight(*text, name) + (end_of_date ? 86'400'000 : 0);
  return parse_iso_instant(*text, name);
}

Response list(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_read);
  const auto& req = ctx.request;
  ListFilter f;
  f.status = http::query_text(req, "status", 30);
  f.claim_type = http::query_text(req, "claim_type", 30);
  f.channel = http::query_text(req, "channel", 30);
  f.q = http::query_text(req, "q", 100);
  f.urgency = http::query_text(req, "urgency", 20);
  f.customer_id = http::query_int(req, "customer_id");
  f.department_id = http::query_int(req, "department_id");
  f.assignee_id = http::query_int(req, "assignee_id");
  f.org_unit_id = http::query_int(req, "org_unit_id");
  f.open = http::query_bool(req, "open");
  f.mine = http::query_bool(req, "mine");
  f.repeat = http::query_bool(req, "repeat");
  f.escalated = http::query_bool(req, "escalated");
  f.created_from = query_instant(req, "created_from", false);
  f.created_to = query_instant(req, "created_to", true);
  auto sort = http::query_text(req, "sort", 20);
  if (sort && *sort != "urgency" && *sort != "created")
    throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"sort", "must be urgency or created"}});
  if (sort) f.sort = *sort;
  auto paging = http::paging(req);
  f.limit = paging.page_size;
  f.offset = paging.offset();
  return g.db().read([&](Connection& conn) { return ok(list_claims(conn, p, f, now_millis())); });
}

Intake read_intake(const bj::object& o) {
  Validator v;
  Intake in;
  in.channel = json::req_string(o, "channel", v, 30);
  in.claim_type = json::req_string(o, "claim_type", v, 30);
  in.title = json::req_string(o, "title", v, 200);
  in.description = json::req_string(o, "description", v, 4000);
  auto text = [&](const char* field, std::size_t max) {
    auto s = json::opt_string(o, field, v, max);
    if (s && trim(*s).empty()) s.reset();
    return s;
  };
  in.sub_type = text("sub_type", 40);
  in.complaint_class = text("complaint_class", 40);
  in.caller_name = text("caller_name", 100);
  in.caller_phone = text("caller_phone", 30);
  in.upstream_no = text("upstream_no", 60);
  in.area_type = text("area_type", 20);
  in.customer_id = json::opt_int(o, "customer_id", v);
  in.account_id = json::opt_int(o, "account_id", v);
  in.org_unit_id = json::opt_int(o, "org_unit_id", v);
  in.department_id = json::opt_int(o, "department_id", v);
  in.sensitive_marks = json::opt_string_list(o, "sensitive_marks", v).value_or(std::vector<std::string>{});
  if (auto received = text("received_at", 40)) {
    try {
      in.received_at = parse_iso_instant(*received, "received_at");
    } catch (const AppError& e) {
      for (auto& issue : e.issues()) v.add(issue.field, issue.message);
    }
  }
  if (auto it = o.find("upstream_deadlines"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) {
      v.add("upstream_deadlines", "must be an object of clock name → ISO-8601 instant");
    } else {
      for (auto& [name, value] : it->value().as_object()) {
        const std::string field = "upstream_deadlines." + std::string(name);
        if (!value.is_string()) {
          v.add(field, "must be an ISO-8601 instant");
          continue;
        }
        try {
          in.upstream_deadlines.emplace_back(std::string(name), parse_iso_instant(std::string(value.as_string()), field));
        } catch (const AppError& e) {
          for (auto& issue : e.issues()) v.add(issue.field, issue.message);
        }
      }
    }
  }
  v.throw_if_failed();
  return in;
}

Response create(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_intake);
  auto body = json::parse_object(ctx.request.body);
  Intake in = read_intake(body);
  return g.db().transaction([&](Connection& conn) {
    // An upstream order registered twice (a retried integration call) is refused with 409 naming
    // the claim it became, so the caller can link to it instead of creating a second one.
    if (in.upstream_no) {
      auto existing = conn.query_one("SELECT id FROM claims WHERE channel = ? AND upstream_no = ?", {in.channel, *in.upstream_no});
      if (existing)
        throw AppError(ErrorCode::conflict, "this upstream order is already registered",
                       {{"upstream_no", "registered as claim " + std::to_string(existing->i64(0))}});
    }
    const Millis now = now_millis();
    auto id = create_claim(conn, p, in, now);
    return ok(claim_detail(conn, p, id, now), 201);
  });
}

Step read_step(const bj::object& o) {
  Validator v;
  Step s;
  s.expected_version = json::opt_int(o, "version", v);
  s.note = json::opt_string(o, "note", v, 2000).value_or("");
  s.department_id = json::opt_int(o, "department_id", v);
  s.assignee_id = json::opt_int(o, "assignee_id", v);
  s.resolution = json::opt_string(o, "resolution", v, 4000);
  s.root_cause = json::opt_string(o, "root_cause", v, 40);
  s.measures = json::opt_string(o, "measures", v, 4000);
  s.valid_complaint = json::opt_bool(o, "valid_complaint", v);
  s.satisfaction = json::opt_string(o, "satisfaction", v, 40);
  s.unsatisfied_action = json::opt_string(o, "unsatisfied_action", v, 20);
  s.recovery_kinds = json::opt_string_list(o, "recovery_kinds", v).value_or(std::vector<std::string>{});
  s.marks = json::opt_string_list(o, "marks", v).value_or(std::vector<std::string>{});
  if (auto at = json::opt_string(o, "at", v, 40); at && !trim(*at).empty()) {
    try {
      s.at = parse_iso_instant(trim(*at), "at");
    } catch (const AppError& e) {
      for (auto& issue : e.issues()) v.add(issue.field, issue.message);
    }
  }
  if (!s.expected_version && v.ok()) v.add("version", "is required (the version you saw, for conflict detection)");
  v.throw_if_failed();
  return s;
}

Response step(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_read);
  const std::int64_t id = http::path_id(ctx);
  const std::string action = ctx.param("action");
  auto body = json::parse_object(ctx.request.body);
  Step s = read_step(body);
  return g.db().transaction([&](Connection& conn) {
    const Millis now = now_millis();
    apply_step(conn, p, id, action, s, now);
    return ok(claim_detail(conn, p, id, now));
  });
}

Response chase_route(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_intake);
  const std::int64_t id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::string note = json::req_string(body, "note", v, 2000);
  auto channel = json::opt_string(body, "channel", v, 30);
  v.throw_if_failed();
  return g.db().transaction([&](Connection& conn) {
    const Millis now = now_millis();
    auto chase_id = chase(conn, p, id, note, channel, now);
    bj::object out = claim_detail(conn, p, id, now);
    out["chase_id"] = chase_id;
    return ok(out, 201);
  });
}

Response upload(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_read);
  const std::int64_t id = http::path_id(ctx);
  Upload u;
  auto name = http::query_text(ctx.request, "file_name", 255);
  if (!name) throw AppError(ErrorCode::validation_failed, "invalid attachment", {{"file_name", "is required"}});
  u.file_name = *name;
  u.bytes = ctx.request.body;
  return g.db().transaction([&](Connection& conn) {
    const Millis now = now_millis();
    auto attachment = add_attachment(conn, p, id, u, now);
    return ok(bj::object{{"id", attachment}, {"claim", claim_detail(conn, p, id, now)}}, 201);
  });
}

Response download(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_read);
  const std::int64_t id = http::path_id(ctx);
  const std::int64_t attachment = http::path_id(ctx, "attachment_id");
  Upload u = g.db().read([&](Connection& conn) { return read_attachment(conn, p, id, attachment); });
  return http::file_download(std::move(u.bytes), u.content_type, u.file_name, "attachment-" + std::to_string(attachment));
}

Response recovery(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_read);
  const std::int64_t id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::string kind = json::req_string(body, "kind", v, 40);
  auto owner = json::opt_int(body, "owner_id", v);
  auto due = json::opt_string(body, "due_date", v, 10);
  std::string note = json::opt_string(body, "note", v, 2000).value_or("");
  v.throw_if_failed();
  return g.db().transaction([&](Connection& conn) {
    const Millis now = now_millis();
    auto task = add_recovery_task(conn, p, id, kind, owner, due, note, now);
    bj::object out = claim_detail(conn, p, id, now);
    out["recovery_task_id"] = task;
    return ok(out, 201);
  });
}

Response recovery_done(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_read);
  const std::int64_t id = http::path_id(ctx);
  const std::int64_t task = http::path_id(ctx, "task_id");
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  std::string note = json::req_string(body, "note", v, 2000);
  v.throw_if_failed();
  return g.db().transaction([&](Connection& conn) {
    const Millis now = now_millis();
    complete_recovery_task(conn, p, id, task, note, now);
    return ok(claim_detail(conn, p, id, now));
  });
}

Response accountability(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_callback);
  const std::int64_t id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  Validator v;
  auto org = json::req_int(body, "responsible_org_id", v);
  std::string person = json::req_string(body, "responsible_person", v, 100);
  std::string finding = json::req_string(body, "finding", v, 2000);
  v.throw_if_failed();
  return g.db().transaction([&](Connection& conn) {
    const Millis now = now_millis();
    auto record = add_accountability(conn, p, id, org, person, finding, now);
    bj::object out = claim_detail(conn, p, id, now);
    out["accountability_id"] = record;
    return ok(out, 201);
  });
}

AnalysisQuery analysis_query(const http::Request& req) {
  return read_period(http::query_text(req, "from", 10), http::query_text(req, "to", 10), http::query_text(req, "group_by", 20),
                     http::query_int(req, "org_unit_id"), now_millis());
}

// The repair measures take the analysis period and region (no grouping).
AnalysisQuery repair_query(const http::Request& req) {
  return read_period(http::query_text(req, "from", 10), http::query_text(req, "to", 10), std::nullopt,
                     http::query_int(req, "org_unit_id"), now_millis());
}

bj::object codes() {
  auto list = [](const std::vector<std::string>& v) {
    bj::array a;
    for (auto& s : v) a.emplace_back(s);
    return a;
  };
  return {{"claim_types", list(claim_types())},
          {"complaint_classes", list(complaint_classes())},
          {"service_request_types", list(service_request_types())},
          {"channels", list(channels())},
          {"statuses", list(statuses())},
          {"satisfactions", list(satisfactions())},
          {"sensitive_marks", list(sensitive_marks())},
          {"root_causes", list(root_causes())},
          {"recovery_kinds", list(recovery_kinds())},
          {"area_types", list(area_types())},
          {"clocks", list(clock_names())}};
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  router.get("/api/v1/claims", [g](RouteContext& c) { return list(*g, c); });
  router.post("/api/v1/claims", [g](RouteContext& c) { return create(*g, c); });
  router.get("/api/v1/claims/codes", [g](RouteContext& c) {
    g->require(c.request, Permission::claim_read);
    return ok(codes());
  });
  router.get("/api/v1/claims/assignees", [g](RouteContext& c) {
    // Who a claim can be assigned to in a department (dispatch and transfer dialogs): its active
    // users, for dispatchers and handlers.
    auto p = g->require(c.request, Permission::claim_read);
    if (!auth::has_permission(p.role, Permission::claim_dispatch) && !auth::has_permission(p.role, Permission::claim_handle))
      throw AppError(ErrorCode::forbidden, "your role does not allow this");
    auto department = http::query_int(c.request, "department_id");
    if (!department) throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"department_id", "is required"}});
    return g->db().read([&](Connection& conn) {
      // Any department: a handler transfers a claim to departments outside its own subtree.
      auto org = conn.query_one("SELECT path, kind FROM org_units WHERE id = ?", {*department});
      if (!org || org->str(1) != "department")
        throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"department_id", "must be a department"}});
      bj::array items;
      for (auto& r : conn.query("SELECT id, username, display_name, role FROM users WHERE org_unit_id = ? AND active = 1 ORDER BY display_name",
                                {*department}))
        items.push_back(bj::object{{"id", r.i64(0)}, {"username", r.str(1)}, {"display_name", r.str(2)}, {"role", r.str(3)}});
      const std::int64_t n = static_cast<std::int64_t>(items.size());
      return ok(json::list_envelope(std::move(items), n, 1, std::max<std::int64_t>(n, 1)));
    });
  });
  router.get("/api/v1/claims/board", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::claim_read);
    return g->db().read([&](Connection& conn) { return ok(board(conn, p, now_millis())); });
  });
  router.get("/api/v1/claims/analysis", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::claim_read);
    auto q = analysis_query(c.request);
    return g->db().read([&](Connection& conn) { return ok(analysis(conn, p, q, now_millis(), http::lang_of(c.request))); });
  });
  router.get("/api/v1/claims/analysis/export", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::claim_read);
    auto q = analysis_query(c.request);
    const std::string lang = http::lang_of(c.request);
    auto result = g->db().read([&](Connection& conn) { return analysis(conn, p, q, now_millis(), lang); });
    Response r = Response::xlsx(analysis_xlsx(result, lang != "en"), "claims-analysis-" + q.from + "-" + q.to + ".xlsx");
    g->db().transaction([&](Connection& conn) {
      audit::record_export(conn, p.actor(), "claim_analysis", static_cast<std::int64_t>(result.at("groups").as_array().size()),
                           c.request.target);
    });
    return r;
  });
  router.get("/api/v1/claims/repair-measures", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::claim_read);
    auto q = repair_query(c.request);
    return g->db().read([&](Connection& conn) { return ok(repair_measures(conn, p, q, now_millis())); });
  });
  router.get("/api/v1/claims/repair-measures/export", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::claim_read);
    auto q = repair_query(c.request);
    const std::string lang = http::lang_of(c.request);
    auto result = g->db().read([&](Connection& conn) { return repair_measures(conn, p, q, now_millis()); });
    Response r = Response::xlsx(repair_measures_xlsx(result, lang != "en"), "repair-measures-" + q.from + "-" + q.to + ".xlsx");
    g->db().transaction([&](Connection& conn) {
      audit::record_export(conn, p.actor(), "claim_repair_measures",
                           static_cast<std::int64_t>(result.at("rows").as_array().size() + result.at("alarms").as_array().size()),
                           c.request.target);
    });
    return r;
  });
  router.get("/api/v1/claims/{id}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::claim_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(claim_detail(conn, p, id, now_millis())); });
  });
  router.get("/api/v1/claims/{id}/progress", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::claim_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(claim_progress(conn, p, id)); });
  });
  router.post("/api/v1/claims/{id}/actions/{action}", [g](RouteContext& c) { return step(*g, c); });
  router.post("/api/v1/claims/{id}/chase", [g](RouteContext& c) { return chase_route(*g, c); });
  router.post("/api/v1/claims/{id}/attachments", [g](RouteContext& c) { return upload(*g, c); });
  router.get("/api/v1/claims/{id}/attachments/{attachment_id}", [g](RouteContext& c) { return download(*g, c); });
  router.post("/api/v1/claims/{id}/recovery-tasks", [g](RouteContext& c) { return recovery(*g, c); });
  router.post("/api/v1/claims/{id}/recovery-tasks/{task_id}/done", [g](RouteContext& c) { return recovery_done(*g, c); });
  router.post("/api/v1/claims/{id}/accountability", [g](RouteContext& c) { return accountability(*g, c); });
  router.get("/api/v1/customers/{id}/claims", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::claim_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(customer_claims(conn, p, id, now_millis())); });
  });
  register_admin_routes(router, guard);
}

}  // namespace lianxin::claims
