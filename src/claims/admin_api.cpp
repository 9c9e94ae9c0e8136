// Administration of the claims module: SLA policies, routing rules and settings. Every write is
// audited; policies are never deleted (claims refer to them), only disabled.
#include <regex>

#include "audit/audit.hpp"
#include "auth/guard.hpp"
#include "auth/rules.hpp"
#include "calendar/rules.hpp"
#include "claims/api.hpp"
#include "claims/internal.hpp"
#include "claims/rules.hpp"
#include "clocks/rules.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "customers/rules.hpp"
#include "http/json_response.hpp"
#include "http/params.hpp"

namespace lianxin::claims {
namespace {

namespace bj = boost::json;
using auth::Permission;
using http::Response;
using http::RouteContext;
using storage::Connection;
using storage::Value;

using http::ok;

std::optional<std::int64_t> org_of(const bj::value& record) {
  const auto& org = record.at("org_unit_id");
  if (org.is_int64()) return org.as_int64();
  return std::nullopt;
}

// A rule without a region applies company-wide and is changed only at company level; a regional
// one only within the caller's subtree.
void require_rule_scope(Connection& conn, const auth::Principal& p, const std::optional<std::int64_t>& org_unit_id) {
  if (!org_unit_id) {
    if (!auth::is_company_level(p)) throw AppError(ErrorCode::forbidden, "company-wide rules are changed at company level");
    return;
  }
  auto row = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*org_unit_id});
  if (!row || !auth::org_in_scope(p, row->str(0)))
    throw AppError(ErrorCode::validation_failed, "invalid rule", {{"org_unit_id", "is outside your scope"}});
}

bj::value opt_text(const storage::Row& r, std::size_t i) { return json::nullable(r.opt_str(i)); }

void audit_write(Connection& conn, const auth::Principal& p, const std::string& action, const std::string& entity,
                 const std::string& id, const bj::value& before, const bj::value& after) {
  audit::Entry e;
  e.action = action;
  e.entity = entity;
  e.entity_id = id;
  e.before_json = before.is_null() ? "" : json::serialize(before);
  e.after_json = after.is_null() ? "" : json::serialize(after);
  audit::record(conn, p.actor(), e);
}

// ---- SLA policies -----------------------------------------------------------------------------

bj::object policy_json(Connection& conn, const storage::Row& r) {
  const std::int64_t id = r.i64(0);
  bj::array clocks;
  for (auto& k : conn.query("SELECT clock, amount, unit, pause_on, reminder_permille, escalate_on_breach, source, verification "
                            "FROM sla_policy_clocks WHERE policy_id = ? ORDER BY clock",
                            {id})) {
    bj::array pause_on;
    for (auto& s : split_codes(k.str(3))) pause_on.emplace_back(s);
    clocks.push_back(bj::object{{"clock", k.str(0)},
                                {"amount", k.i64(1)},
                                {"unit", k.str(2)},
                                {"pause_on", std::move(pause_on)},
                                {"reminder_permille", k.str(4)},
                                {"escalate_on_breach", k.boolean(5)},
                                {"source", k.str(6)},
                                {"verification", k.str(7)}});
  }
  return {{"id", id},
          {"code", r.str(1)},
          {"name", r.str(2)},
          {"rule_set", r.str(3)},
          {"claim_type", opt_text(r, 4)},
          {"sub_type", opt_text(r, 5)},
          {"channel", opt_text(r, 6)},
          {"key_account", r.is_null(7) ? bj::value(nullptr) : bj::value(r.boolean(7))},
          {"importance_class", opt_text(r, 8)},
          {"area_type", opt_text(r, 9)},
          {"org_unit_id", json::nullable(r.opt_i64(10))},
          {"priority", r.i64(11)},
          {"valid_from", opt_text(r, 12)},
          {"valid_to", opt_text(r, 13)},
          {"enabled", r.boolean(14)},
          {"source", r.str(15)},
          {"verification", r.str(16)},
          {"version", r.i64(17)},
          {"clocks", std::move(clocks)}};
}

constexpr const char* kPolicySelect =
    "SELECT id, code, name, rule_set, claim_type, sub_type, channel, key_account, importance_class, area_type, org_unit_id, "
    "priority, valid_from, valid_to, enabled, source, verification, version FROM sla_policies";

bj::object load_policy(Connection& conn, std::int64_t id) {
  auto r = conn.query_one(std::string(kPolicySelect) + " WHERE id = ?", {id});
  if (!r) throw_not_found("SLA policy");
  return policy_json(conn, *r);
}

struct PolicyInput {
  std::string code, name, rule_set, source, verification;
  std::optional<std::string> claim_type, sub_type, channel, importance_class, area_type, valid_from, valid_to;
  std::optional<bool> key_account;
  std::optional<std::int64_t> org_unit_id;
  std::int64_t priority = 0;
  bool enabled = true;
  struct Clock {
    std::string clock, unit, reminder_permille, source, verification;
    std::int64_t amount = 0;
    std::vector<std::string> pause_on;
    bool escalate_on_breach = true;
  };
  std::vector<Clock> clocks;
};

const std::vector<std::string>& verifications() {
  static const std::vector<std::string> v = {"V", "S", "U", "P"};
  return v;
}

std::optional<std::string> code_field(const bj::object& o, const char* field, const std::vector<std::string>& allowed, Validator& v) {
  auto s = json::opt_string(o, field, v, 60);
  if (s && s->empty()) s.reset();
  if (s && !allowed.empty() && !in_list(allowed, *s)) v.add(field, "must be one of " + joined(allowed));
  return s;
}

PolicyInput read_policy(Connection& conn, const bj::object& o) {
  Validator v;
  PolicyInput in;
  static const std::regex code_re("^[a-z0-9_]{1,40}$");
  in.code = json::req_string(o, "code", v, 40);
  if (!in.code.empty() && !std::regex_match(in.code, code_re)) v.add("code", "use 1-40 of a-z, 0-9 and _");
  in.name = json::req_string(o, "name", v, 100);
  in.rule_set = json::req_string(o, "rule_set", v, 40);
  if (!in.rule_set.empty() && !std::regex_match(in.rule_set, code_re)) v.add("rule_set", "use 1-40 of a-z, 0-9 and _");
  in.claim_type = code_field(o, "claim_type", claim_types(), v);
  in.sub_type = code_field(o, "sub_type", service_request_types(), v);
  in.channel = code_field(o, "channel", channels(), v);
  std::vector<std::string> importance;
  for (auto& c : customers::importance_classes()) importance.emplace_back(c.code);
  in.importance_class = code_field(o, "importance_class", importance, v);
  in.area_type = code_field(o, "area_type", area_types(), v);
  in.valid_from = code_field(o, "valid_from", {}, v);
  in.valid_to = code_field(o, "valid_to", {}, v);
  if (in.valid_from && !is_valid_date(*in.valid_from)) v.add("valid_from", "must be a date YYYY-MM-DD");
  if (in.valid_to && !is_valid_date(*in.valid_to)) v.add("valid_to", "must be a date YYYY-MM-DD");
  if (in.valid_from && in.valid_to && *in.valid_from > *in.valid_to) v.add("valid_to", "must not be before valid_from");
  in.key_account = json::opt_bool(o, "key_account", v);
  in.org_unit_id = json::opt_int(o, "org_unit_id", v);
  if (in.org_unit_id && !conn.query_one("SELECT 1 FROM org_units WHERE id = ?", {*in.org_unit_id})) v.add("org_unit_id", "unknown org unit");
  in.priority = json::opt_int(o, "priority", v).value_or(0);
  in.enabled = json::opt_bool(o, "enabled", v).value_or(true);
  in.source = json::req_string(o, "source", v, 500);
  in.verification = json::req_string(o, "verification", v, 1);
  if (!in.verification.empty() && !in_list(verifications(), in.verification)) v.add("verification", "must be one of V, S, U, P");
  auto clocks_it = o.find("clocks");
  if (clocks_it == o.end() || !clocks_it->value().is_array() || clocks_it->value().as_array().empty()) {
    v.add("clocks", "give at least one clock");
  } else {
    const auto& arr = clocks_it->value().as_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const std::string prefix = "clocks[" + std::to_string(i) + "]";
      if (!arr[i].is_object()) {
        v.add(prefix, "must be an object");
        continue;
      }
      const auto& k = arr[i].as_object();
      Validator kv;
      PolicyInput::Clock c;
      c.clock = json::req_string(k, "clock", kv, 20);
      c.amount = json::req_int(k, "amount", kv);
      c.unit = json::req_string(k, "unit", kv, 20);
      c.reminder_permille = json::opt_string(k, "reminder_permille", kv, 100).value_or("500,750");
      c.escalate_on_breach = json::opt_bool(k, "escalate_on_breach", kv).value_or(true);
      c.pause_on = json::opt_string_list(k, "pause_on", kv).value_or(std::vector<std::string>{});
      c.source = json::opt_string(k, "source", kv, 500).value_or(in.source);
      c.verification = json::opt_string(k, "verification", kv, 1).value_or(in.verification);
      for (auto& issue : kv.issues()) v.add(prefix + "." + issue.field, issue.message);
      if (!kv.ok()) continue;
      if (!in_list(clock_names(), c.clock)) v.add(prefix + ".clock", "must be one of " + joined(clock_names()));
      for (std::size_t j = 0; j < i; ++j)
        if (arr[j].is_object() && json::has(arr[j].as_object(), "clock") && arr[j].as_object().at("clock") == bj::value(c.clock))
          v.add(prefix + ".clock", "appears twice");
      try {
        calendar::validate_duration({c.amount, calendar::parse_unit(c.unit, prefix + ".unit")}, prefix + ".amount");
      } catch (const AppError& e) {
        for (auto& issue : e.issues()) v.add(issue.field, issue.message);
      }
      try {
        clocks::parse_permille(c.reminder_permille, prefix + ".reminder_permille");
      } catch (const AppError& e) {
        for (auto& issue : e.issues()) v.add(issue.field, issue.message);
      }
      for (std::size_t j = 0; j < c.pause_on.size(); ++j)
        if (!in_list(statuses(), c.pause_on[j])) v.add(prefix + ".pause_on[" + std::to_string(j) + "]", "must be a claim status");
      if (!in_list(verifications(), c.verification)) v.add(prefix + ".verification", "must be one of V, S, U, P");
      in.clocks.push_back(std::move(c));
    }
  }
  v.throw_if_failed();
  return in;
}

Value opt(const std::optional<std::string>& s) { return storage::opt_value(s); }

void write_clocks(Connection& conn, std::int64_t id, const PolicyInput& in) {
  conn.execute("DELETE FROM sla_policy_clocks WHERE policy_id = ?", {id});
  for (auto& c : in.clocks)
    conn.execute(
        "INSERT INTO sla_policy_clocks(policy_id, clock, amount, unit, pause_on, reminder_permille, escalate_on_breach, source, "
        "verification) VALUES (?,?,?,?,?,?,?,?,?)",
        {id, c.clock, c.amount, c.unit, join(c.pause_on, ","), c.reminder_permille, std::int64_t{c.escalate_on_breach}, c.source,
         c.verification});
}

Response list_policies(auth::Guard& g, RouteContext& ctx) {
  g.require(ctx.request, Permission::claim_read);
  return g.db().read([&](Connection& conn) {
    bj::array items;
    for (auto& r : conn.query(std::string(kPolicySelect) + " ORDER BY rule_set, priority DESC, id")) items.push_back(policy_json(conn, r));
    const std::int64_t n = static_cast<std::int64_t>(items.size());
    bj::object out = json::list_envelope(std::move(items), n, 1, n);
    out["active_rule_set"] = load_settings(conn).rule_set;
    return ok(out);
  });
}

Response create_policy(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_admin);
  auto body = json::parse_object(ctx.request.body);
  return g.db().transaction([&](Connection& conn) {
    PolicyInput in = read_policy(conn, body);
    require_rule_scope(conn, p, in.org_unit_id);
    const std::int64_t id = conn.insert_returning_id(
        "INSERT INTO sla_policies(code, name, rule_set, claim_type, sub_type, channel, key_account, importance_class, area_type, "
        "org_unit_id, priority, valid_from, valid_to, enabled, source, verification, version, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?) RETURNING id",
        {in.code, in.name, in.rule_set, opt(in.claim_type), opt(in.sub_type), opt(in.channel),
         in.key_account ? Value(std::int64_t{*in.key_account}) : storage::null_value(), opt(in.importance_class), opt(in.area_type),
         storage::opt_value(in.org_unit_id), in.priority, opt(in.valid_from), opt(in.valid_to), std::int64_t{in.enabled}, in.source,
         in.verification, now_millis()});
    bump_rules_version(conn);
    write_clocks(conn, id, in);
    auto after = load_policy(conn, id);
    audit_write(conn, p, "create", "sla_policy", std::to_string(id), nullptr, after);
    return ok(after, 201);
  });
}

Response update_policy(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_admin);
  const std::int64_t id = http::path_id(ctx);
  auto body = json::parse_object(ctx.request.body);
  return g.db().transaction([&](Connection& conn) {
    auto before = load_policy(conn, id);
    Validator v;
    auto version = json::opt_int(body, "version", v);
    if (!version) v.add("version", "is required (the version you edited, for conflict detection)");
    v.throw_if_failed();
    PolicyInput in = read_policy(conn, body);
    require_rule_scope(conn, p, org_of(before));
    require_rule_scope(conn, p, in.org_unit_id);
    const std::int64_t n = conn.execute(
        "UPDATE sla_policies SET code = ?, name = ?, rule_set = ?, claim_type = ?, sub_type = ?, channel = ?, key_account = ?, "
        "importance_class = ?, area_type = ?, org_unit_id = ?, priority = ?, valid_from = ?, valid_to = ?, enabled = ?, source = ?, "
        "verification = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
        {in.code, in.name, in.rule_set, opt(in.claim_type), opt(in.sub_type), opt(in.channel),
         in.key_account ? Value(std::int64_t{*in.key_account}) : storage::null_value(), opt(in.importance_class), opt(in.area_type),
         storage::opt_value(in.org_unit_id), in.priority, opt(in.valid_from), opt(in.valid_to), std::int64_t{in.enabled}, in.source,
         in.verification, now_millis(), id, *version});
    if (n == 0)
      throw AppError(ErrorCode::conflict, "the policy was changed by someone else; reload it",
                     {{"version", "current version is " + std::to_string(before.at("version").as_int64())}});
    bump_rules_version(conn);
    write_clocks(conn, id, in);
    auto after = load_policy(conn, id);
    audit_write(conn, p, "update", "sla_policy", std::to_string(id), before, after);
    return ok(after);
  });
}

// ---- Routing rules ----------------------------------------------------------------------------

constexpr const char* kRouteSelect =
    "SELECT r.id, r.claim_type, r.sub_type, r.complaint_class, r.org_unit_id, o.name, r.key_account, r.department_id, d.name, "
    "r.priority, r.enabled FROM claim_routing_rules r LEFT JOIN org_units o ON o.id = r.org_unit_id "
    "JOIN org_units d ON d.id = r.department_id";

bj::object route_json(const storage::Row& r) {
  return {{"id", r.i64(0)},
          {"claim_type", opt_text(r, 1)},
          {"sub_type", opt_text(r, 2)},
          {"complaint_class", opt_text(r, 3)},
          {"org_unit_id", json::nullable(r.opt_i64(4))},
          {"org_unit_name", opt_text(r, 5)},
          {"key_account", r.is_null(6) ? bj::value(nullptr) : bj::value(r.boolean(6))},
          {"department_id", r.i64(7)},
          {"department_name", r.str(8)},
          {"priority", r.i64(9)},
          {"enabled", r.boolean(10)}};
}

bj::object load_route(Connection& conn, std::int64_t id) {
  auto r = conn.query_one(std::string(kRouteSelect) + " WHERE r.id = ?", {id});
  if (!r) throw_not_found("routing rule");
  return route_json(*r);
}

struct RouteInput {
  std::optional<std::string> claim_type, sub_type, complaint_class;
  std::optional<std::int64_t> org_unit_id;
  std::optional<bool> key_account;
  std::int64_t department_id = 0, priority = 0;
  bool enabled = true;
};

RouteInput read_route(Connection& conn, const bj::object& o) {
  Validator v;
  RouteInput in;
  in.claim_type = code_field(o, "claim_type", claim_types(), v);
  in.sub_type = code_field(o, "sub_type", service_request_types(), v);
  in.complaint_class = code_field(o, "complaint_class", complaint_classes(), v);
  in.org_unit_id = json::opt_int(o, "org_unit_id", v);
  in.key_account = json::opt_bool(o, "key_account", v);
  in.department_id = json::req_int(o, "department_id", v);
  in.priority = json::opt_int(o, "priority", v).value_or(0);
  in.enabled = json::opt_bool(o, "enabled", v).value_or(true);
  if (in.org_unit_id && !conn.query_one("SELECT 1 FROM org_units WHERE id = ? AND kind <> 'department'", {*in.org_unit_id}))
    v.add("org_unit_id", "must be a company, bureau or station");
  if (in.department_id && !conn.query_one("SELECT 1 FROM org_units WHERE id = ? AND kind = 'department'", {in.department_id}))
    v.add("department_id", "must be a department");
  v.throw_if_failed();
  return in;
}

Response list_routes(auth::Guard& g, RouteContext& ctx) {
  g.require(ctx.request, Permission::claim_read);
  return g.db().read([&](Connection& conn) {
    bj::array items;
    for (auto& r : conn.query(std::string(kRouteSelect) + " ORDER BY r.priority DESC, r.id")) items.push_back(route_json(r));
    const std::int64_t n = static_cast<std::int64_t>(items.size());
    return ok(json::list_envelope(std::move(items), n, 1, n));
  });
}

Response save_route(auth::Guard& g, RouteContext& ctx, bool create) {
  auto p = g.require(ctx.request, Permission::claim_admin);
  auto body = json::parse_object(ctx.request.body);
  return g.db().transaction([&](Connection& conn) {
    std::int64_t id = 0;
    bj::value before = nullptr;
    if (!create) {
      id = http::path_id(ctx);
      before = load_route(conn, id);  // 404 before judging the body
      require_rule_scope(conn, p, org_of(before));
    }
    RouteInput in = read_route(conn, body);
    require_rule_scope(conn, p, in.org_unit_id);
    auto department = conn.query_one("SELECT path FROM org_units WHERE id = ?", {in.department_id});
    if (!department || !auth::org_in_scope(p, department->str(0)))
      throw AppError(ErrorCode::validation_failed, "invalid rule", {{"department_id", "is outside your scope"}});
    Value key_account = in.key_account ? Value(std::int64_t{*in.key_account}) : storage::null_value();
    if (create) {
      id = conn.insert_returning_id(
          "INSERT INTO claim_routing_rules(claim_type, sub_type, complaint_class, org_unit_id, key_account, department_id, priority, "
          "enabled, updated_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
          {opt(in.claim_type), opt(in.sub_type), opt(in.complaint_class), storage::opt_value(in.org_unit_id), key_account,
           in.department_id, in.priority, std::int64_t{in.enabled}, now_millis()});
    } else {
      conn.execute(
          "UPDATE claim_routing_rules SET claim_type = ?, sub_type = ?, complaint_class = ?, org_unit_id = ?, key_account = ?, "
          "department_id = ?, priority = ?, enabled = ?, updated_at = ? WHERE id = ?",
          {opt(in.claim_type), opt(in.sub_type), opt(in.complaint_class), storage::opt_value(in.org_unit_id), key_account,
           in.department_id, in.priority, std::int64_t{in.enabled}, now_millis(), id});
    }
    bump_rules_version(conn);
    auto after = load_route(conn, id);
    audit_write(conn, p, create ? "create" : "update", "routing_rule", std::to_string(id), before, after);
    return ok(after, create ? 201 : 200);
  });
}

Response delete_route(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::claim_admin);
  const std::int64_t id = http::path_id(ctx);
  return g.db().transaction([&](Connection& conn) {
    auto before = load_route(conn, id);
    require_rule_scope(conn, p, org_of(before));
    bump_rules_version(conn);
    conn.execute("DELETE FROM claim_routing_rules WHERE id = ?", {id});
    audit_write(conn, p, "delete", "routing_rule", std::to_string(id), before, nullptr);
    return Response::no_content();
  });
}

// ---- Settings ---------------------------------------------------------------------------------

bj::object setting_json(const storage::Row& r) {
  return {{"key", r.str(0)},     {"value", r.str(1)},        {"value_type", r.str(2)},
          {"module", r.str(3)},  {"source", r.str(4)},       {"verification", r.str(5)},
          {"updated_at", r.i64(6) ? bj::value(format_iso_utc(r.i64(6))) : bj::value(nullptr)}};
}

Response list_settings(auth::Guard& g, RouteContext& ctx) {
  g.require(ctx.request, Permission::reference_read);
  auto module = http::query_text(ctx.request, "module", 40);
  return g.db().read([&](Connection& conn) {
    bj::array items;
    std::string sql = "SELECT key, value, value_type, module, source, verification, updated_at FROM settings";
    storage::Params params;
    if (module) {
      sql += " WHERE module = ?";
      params.push_back(*module);
    }
    for (auto& r : conn.query(sql + " ORDER BY key", params)) items.push_back(setting_json(r));
    const std::int64_t n = static_cast<std::int64_t>(items.size());
    return ok(json::list_envelope(std::move(items), n, 1, n));
  });
}

Response update_setting(auth::Guard& g, RouteContext& ctx) {
  auto p = g.require(ctx.request, Permission::reference_read);
  const std::string key = ctx.param("key");
  auto body = json::parse_object(ctx.request.body);
  return g.db().transaction([&](Connection& conn) {
    auto row = conn.query_one("SELECT key, value, value_type, module, source, verification, updated_at FROM settings WHERE key = ?", {key});
    if (!row) throw_not_found("setting");
    // Claims, outage, data-quality and tariff settings are edited here; key-account settings have their own route.
    const std::string module = row->str(3);
    if (module != "claims" && module != "outages" && module != "quality" && module != "tariff")
      throw AppError(ErrorCode::forbidden, "this setting belongs to another module");
    auth::require_permission(p, module == "tariff" ? Permission::tariff_admin : Permission::claim_admin);
    require_rule_scope(conn, p, std::nullopt);  // settings apply company-wide
    Validator v;
    std::string value = json::opt_string(body, "value", v, 500).value_or("");
    if (!json::has(body, "value")) v.add("value", "is required");
    v.throw_if_failed();
    const std::string type = row->str(2);
    if (type != "list" && trim(value).empty()) v.add("value", "is required");
    value = trim(value);
    if (type == "int") {
      bool digits = !value.empty() && value.size() <= 12;
      for (char c : value) digits = digits && c >= '0' && c <= '9';
      if (!digits || std::stoll(value) <= 0) v.add("value", "must be a positive whole number");
    } else if (type == "bool") {
      if (value != "true" && value != "false") v.add("value", "must be true or false");
    } else if (type == "list") {
      const auto& allowed = key == "claims.callback_types" ? claim_types() : sensitive_marks();
      for (auto& code : split_codes(value))
        if (!in_list(allowed, code)) v.add("value", code + " is not one of " + joined(allowed));
    }
    if (key == "claims.rule_set" && !conn.query_one("SELECT 1 FROM sla_policies WHERE rule_set = ? AND enabled = 1", {value}))
      v.add("value", "no enabled SLA policy has this rule-set");
    if (key == "tariff.province" && !conn.query_one("SELECT 1 FROM tariff_tables WHERE province = ?", {value}))
      v.add("value", "no tariff table is stored for this province");
    if (key == "claims.escalation_max_level" && v.ok() && std::stoll(value) > 10) v.add("value", "at most 10 levels");
    v.throw_if_failed();
    auto before = setting_json(*row);
    bump_rules_version(conn);
    conn.execute("UPDATE settings SET value = ?, updated_at = ?, updated_by = ? WHERE key = ?", {value, now_millis(), p.user_id, key});
    auto after = setting_json(*conn.query_one(
        "SELECT key, value, value_type, module, source, verification, updated_at FROM settings WHERE key = ?", {key}));
    audit_write(conn, p, "update", "setting", key, before, after);
    return ok(after);
  });
}

}  // namespace

void register_admin_routes(http::Router& router, auth::Guard& guard) {
  auto* g = &guard;
  router.get("/api/v1/sla-policies", [g](RouteContext& c) { return list_policies(*g, c); });
  router.post("/api/v1/sla-policies", [g](RouteContext& c) { return create_policy(*g, c); });
  router.get("/api/v1/sla-policies/{id}", [g](RouteContext& c) {
    g->require(c.request, Permission::claim_read);
    const std::int64_t id = http::path_id(c);
    return g->db().read([&](Connection& conn) { return ok(load_policy(conn, id)); });
  });
  router.put("/api/v1/sla-policies/{id}", [g](RouteContext& c) { return update_policy(*g, c); });
  router.get("/api/v1/routing-rules", [g](RouteContext& c) { return list_routes(*g, c); });
  router.post("/api/v1/routing-rules", [g](RouteContext& c) { return save_route(*g, c, true); });
  router.put("/api/v1/routing-rules/{id}", [g](RouteContext& c) { return save_route(*g, c, false); });
  router.del("/api/v1/routing-rules/{id}", [g](RouteContext& c) { return delete_route(*g, c); });
  router.get("/api/v1/settings", [g](RouteContext& c) { return list_settings(*g, c); });
  router.put("/api/v1/settings/{key}", [g](RouteContext& c) { return update_setting(*g, c); });
}

}  // namespace lianxin::claims
