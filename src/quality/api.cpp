#include "quality/api.hpp"

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"
#include "io/xlsx.hpp"
#include "quality/queries.hpp"
#include "quality/store.hpp"

namespace lianxin::quality {
namespace {

namespace bj = boost::json;
using auth::Permission;
using http::ok;
using http::Response;
using http::RouteContext;
using storage::Connection;

bj::object body_of(const RouteContext& c) { return c.request.body.empty() ? bj::object{} : json::parse_object(c.request.body); }

FindingFilter finding_filter(const http::Request& r) {
  FindingFilter f;
  f.mine = http::query_bool(r, "mine").value_or(false);
  f.rule = http::query_text(r, "rule", 60);
  f.status = http::query_text(r, "status", 30);
  f.severity = http::query_text(r, "severity", 10);
  f.category = http::query_text(r, "category", 30);
  f.customer_id = http::query_int(r, "customer_id");
  return f;
}

std::string findings_xlsx(const bj::object& list, bool zh) {
  io::Sheet sheet;
  sheet.name = zh ? "数据质量问题" : "Findings";
  sheet.header = zh ? std::vector<std::string>{"编号", "规则", "严重程度", "客户", "户号", "联系人", "问题", "整改建议", "状态", "首次发现", "最近发现"}
                    : std::vector<std::string>{"Id", "Rule", "Severity", "Customer", "Account", "Contact", "Finding", "Fix", "Status", "First seen", "Last seen"};
  auto text = [](const bj::object& o, const char* k) -> io::Cell {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? io::Cell{std::string(v->as_string())} : io::Cell{};
  };
  for (auto& v : list.at("items").as_array()) {
    const auto& o = v.as_object();
    sheet.rows.push_back({o.at("id").as_int64(), text(o, zh ? "rule_zh" : "rule_en"), text(o, "severity"), text(o, "customer_name"),
                          text(o, "account_no"), text(o, "contact_name"), text(o, "detail"), text(o, zh ? "fix_zh" : "fix_en"), text(o, "status"),
                          text(o, "first_seen"), text(o, "last_seen")});
  }
  return io::write_xlsx({sheet});
}

}  // namespace

void register_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  router.get("/api/v1/quality/rules", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    return g->db().read([&](Connection& conn) { return ok(list_rules(conn, p)); });
  });
  router.put("/api/v1/quality/rules/{code}", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::quality_admin);
    const std::string code = c.param("code");
    auto body = body_of(c);
    Validator v;
    auto enabled = json::opt_bool(body, "enabled", v);
    if (!enabled) v.add("enabled", "is required: true or false");
    v.throw_if_failed();
    return g->db().transaction([&](Connection& conn) {
      set_rule_enabled(conn, p, code, *enabled, now_millis());
      return ok(bj::object{{"code", code}, {"enabled", *enabled}});
    });
  });
  router.get("/api/v1/quality/findings", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    auto f = finding_filter(c.request);
    auto paging = http::paging(c.request);
    return g->db().read([&](Connection& conn) { return ok(list_findings(conn, p, f, paging.page_size, paging.offset())); });
  });
  router.get("/api/v1/quality/findings/export", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_export);
    auto f = finding_filter(c.request);
    auto list = g->db().read([&](Connection& conn) { return list_findings(conn, p, f, 100'000, 0); });
    Response r = Response::xlsx(findings_xlsx(list, http::lang_of(c.request) != "en"), "lianxin-quality-findings.xlsx");
    g->db().transaction([&](Connection& conn) {
      audit::record_export(conn, p.actor(), "quality_findings", static_cast<std::int64_t>(list.at("items").as_array().size()), c.request.target);
    });
    return r;
  });
  router.post("/api/v1/quality/findings/{id}/dismiss", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_write);
    const std::int64_t id = http::path_id(c);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) {
      request_dismissal(conn, p, id, body, now_millis());
      return ok(bj::object{{"id", id}, {"status", "dismiss_requested"}});
    });
  });
  router.post("/api/v1/quality/findings/{id}/dismissal", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::quality_approve);
    const std::int64_t id = http::path_id(c);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) {
      decide_dismissal(conn, p, id, body, now_millis());
      return ok(bj::object{{"id", id}});
    });
  });
  router.post("/api/v1/quality/bulk-fix", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_write);
    auto body = body_of(c);
    return g->db().transaction([&](Connection& conn) { return ok(bulk_fix(conn, p, body, now_millis())); });
  });
  router.get("/api/v1/quality/scores", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    return g->db().read([&](Connection& conn) { return ok(scores(conn, p)); });
  });
  router.post("/api/v1/quality/runs", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::quality_admin);
    return g->db().transaction([&](Connection& conn) {
      const auto r = full_pass(conn, now_millis());
      audit::Entry e;
      e.action = "run";
      e.entity = "quality_run";
      e.entity_id = "full";
      e.after_json = json::serialize(bj::object{{"customers", r.customers}, {"opened", r.opened}, {"closed", r.closed}});
      audit::record(conn, p.actor(), e);
      return ok(bj::object{{"customers", r.customers}, {"opened", r.opened}, {"closed", r.closed}, {"open_total", r.open_total}});
    });
  });
  router.get("/api/v1/customers/{id}/quality", [g](RouteContext& c) {
    auto p = g->require(c.request, Permission::customer_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(customer_quality(conn, p, id)); });
  });
}

}  // namespace lianxin::quality
