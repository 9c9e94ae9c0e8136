#include "outages/coordination.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "outages/internal.hpp"

namespace lianxin::outages {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;
using storage::Value;
using internal::int_setting;

namespace {

constexpr Millis kDay = 86'400'000;

}  // namespace

int coordination_window_days(Connection& conn) { return int_setting(conn, "outages.coordination_window_days", 60); }

bj::array conflicts(Connection& conn, std::int64_t outage_id, int window_days) {
  auto o = conn.query_one("SELECT kind, requester, COALESCE(department_id, 0), planned_start, planned_end FROM outages WHERE id = ?", {outage_id});
  bj::array out;
  if (!o) return out;
  const std::string kind = o->str(0);
  if (kind != "planned" && kind != "temporary") return out;  // works are coordinated; faults and arrears are not works
  const Millis window = static_cast<Millis>(window_days) * kDay, start = o->i64(3), end = o->i64(4);
  // Works of another requester or department on the same accounts, within the window before or after.
  for (auto& r : conn.query(
           "SELECT x.id, x.number, x.title, x.kind, x.status, x.requester, x.department_id, d.name, x.planned_start, x.planned_end, "
           "COUNT(*), COUNT(DISTINCT b.customer_id) FROM outage_affected a "
           "JOIN outage_affected b ON b.account_id = a.account_id AND b.outage_id <> a.outage_id "
           "JOIN outages x ON x.id = b.outage_id LEFT JOIN org_units d ON d.id = x.department_id "
           "WHERE a.outage_id = ? AND x.kind IN ('planned','temporary') AND x.status <> 'cancelled' "
           "AND x.planned_start < ? AND x.planned_end > ? AND (x.requester <> ? OR COALESCE(x.department_id, 0) <> ?) "
           "GROUP BY x.id, x.number, x.title, x.kind, x.status, x.requester, x.department_id, d.name, x.planned_start, x.planned_end "
           "ORDER BY x.planned_start, x.id",
           {outage_id, end + window, start - window, o->str(1), o->i64(2)})) {
    const Millis other_start = r.i64(8), other_end = r.i64(9);
    const Millis gap = std::max<Millis>(0, std::max(other_start - end, start - other_end));
    const std::int64_t days_apart = (gap + kDay - 1) / kDay;
    out.push_back(bj::object{
        {"outage_id", r.i64(0)},
        {"number", r.str(1)},
        {"title", r.str(2)},
        {"kind", r.str(3)},
        {"status", r.str(4)},
        {"requester", r.str(5)},
        {"department", r.is_null(6) ? bj::value(nullptr) : bj::value(bj::object{{"id", r.i64(6)}, {"name", r.opt_str(7).value_or("")}})},
        {"planned_start", format_iso_utc(other_start)},
        {"planned_end", format_iso_utc(other_end)},
        {"shared_accounts", r.i64(10)},
        {"shared_customers", r.i64(11)},
        {"days_apart", days_apart},
        {"overlapping", gap == 0},
        {"proposal", "建议与" + r.str(1) + "（" + r.str(2) + "）合并停电，同一时段完成两项工作，避免客户重复停电"}});
  }
  return out;
}

bj::object blockers(Connection& conn, std::int64_t outage_id) {
  auto o = conn.query_one("SELECT kind, planned_start, planned_end, org_path FROM outages WHERE id = ?", {outage_id});
  bj::object out{{"yearly_limit", nullptr}, {"guarantees", bj::array{}}, {"blocked", false}};
  if (!o) return out;
  const std::string kind = o->str(0);
  const Millis start = o->i64(1), end = o->i64(2);
  bool blocked = false;
  // The yearly limit counts planned and temporary interruptions (this one included) per account.
  if (kind == "planned" || kind == "temporary") {
    const int limit = int_setting(conn, "outages.yearly_planned_limit", 3);
    const std::string year = shanghai_date(start).substr(0, 4);
    const Millis from = shanghai_midnight(year + "-01-01"), to = shanghai_midnight(std::to_string(std::stoi(year) + 1) + "-01-01");
    const std::string from_part =
        " FROM outage_affected a JOIN outage_affected b ON b.account_id = a.account_id AND b.outage_id <> a.outage_id AND b.effect = 'out' "
        "JOIN outages x ON x.id = b.outage_id";
    const std::string where_part =
        " WHERE a.outage_id = ? AND a.effect = 'out' AND x.kind IN ('planned','temporary') AND x.status NOT IN ('draft','cancelled') "
        "AND x.planned_start >= ? AND x.planned_start < ?";
    const Params params{outage_id, from, to, std::int64_t{limit}};
    const std::int64_t total = conn.query_i64(
        "SELECT COUNT(*) FROM (SELECT a.account_id" + from_part + where_part + " GROUP BY a.account_id HAVING COUNT(*) + 1 > ?) t", params);
    bj::array accounts;
    if (total > 0)
      for (auto& r : conn.query("SELECT a.account_id, s.account_no, a.customer_id, c.name, COUNT(*)" + from_part +
                                    " JOIN accounts s ON s.id = a.account_id JOIN customers c ON c.id = a.customer_id" + where_part +
                                    " GROUP BY a.account_id, s.account_no, a.customer_id, c.name HAVING COUNT(*) + 1 > ? "
                                    "ORDER BY COUNT(*) DESC, s.account_no LIMIT 100",
                                params))
        accounts.push_back(bj::object{{"account_id", r.i64(0)},
                                      {"account_no", r.str(1)},
                                      {"customer_id", r.i64(2)},
                                      {"customer_name", r.str(3)},
                                      {"planned_this_year", r.i64(4) + 1}});
    out["yearly_limit"] = bj::object{{"limit", limit}, {"year", std::stoi(year)}, {"accounts", std::move(accounts)}, {"total", total}};
    blocked = blocked || total > 0;
  }
  // Guaranteed-supply periods overlapping the outage: a customer's own, or an event over an org
  // subtree holding an affected customer.
  if (kind != "fault") {
    bj::array guarantees;
    for (auto& g : conn.query(
             "SELECT g.id, g.name, g.kind, g.customer_id, c.name, u.name, g.starts_at, g.ends_at, g.reason, g.org_path FROM supply_guarantees g "
             "LEFT JOIN customers c ON c.id = g.customer_id JOIN org_units u ON u.id = g.org_unit_id "
             "WHERE g.active = 1 AND g.starts_at < ? AND g.ends_at > ? ORDER BY g.starts_at, g.id",
             {end, start})) {
      bool hit = false;
      if (g.str(2) == "customer")
        hit = conn.query_one("SELECT 1 FROM outage_affected WHERE outage_id = ? AND customer_id = ? AND effect = 'out'", {outage_id, g.i64(3)})
                  .has_value();
      else {
        Params params{outage_id};
        const std::string in_path = storage::path_prefix_condition(conn.backend(), "c.org_path", g.str(9), params);
        hit = conn.query_one("SELECT 1 FROM outage_affected f JOIN customers c ON c.id = f.customer_id WHERE f.outage_id = ? AND f.effect = 'out' AND " +
                                 in_path + " LIMIT 1",
                             params)
                  .has_value();
      }
      if (!hit) continue;
      guarantees.push_back(bj::object{{"id", g.i64(0)},
                                      {"name", g.str(1)},
                                      {"kind", g.str(2)},
                                      {"customer_id", g.is_null(3) ? bj::value(nullptr) : bj::value(g.i64(3))},
                                      {"customer_name", json::nullable(g.opt_str(4))},
                                      {"org_unit_name", g.str(5)},
                                      {"starts_at", format_iso_utc(g.i64(6))},
                                      {"ends_at", format_iso_utc(g.i64(7))},
                                      {"reason", g.str(8)}});
    }
    blocked = blocked || !guarantees.empty();
    out["guarantees"] = std::move(guarantees);
  }
  out["blocked"] = blocked;
  return out;
}

// ---- guaranteed-supply periods ------------------------------------------------------------------

namespace {

void require_guarantee_writer(const auth::Principal& p) {
  if (!auth::has_permission(p.role, auth::Permission::outage_plan) && !auth::has_permission(p.role, auth::Permission::outage_approve))
    auth::require_permission(p, auth::Permission::outage_plan);
}

struct GuaranteeFields {
  std::string name, kind, reason, org_path;
  std::optional<std::int64_t> customer_id;
  std::int64_t org_unit_id = 0;
  Millis starts_at = 0, ends_at = 0;
};

Millis read_instant(const bj::object& body, const char* field, Validator& v) {
  const std::string text = json::req_string(body, field, v, 40);
  if (text.empty()) return 0;
  try {
    return parse_iso_instant(text, field);
  } catch (const AppError&) {
    v.add(field, "must be an ISO-8601 instant");
    return 0;
  }
}

GuaranteeFields read_guarantee(Connection& conn, const auth::Principal& p, const bj::object& body) {
  Validator v;
  GuaranteeFields f;
  f.name = trim(json::req_string(body, "name", v, 200));
  f.kind = json::req_string(body, "kind", v, 20);
  if (!f.kind.empty() && f.kind != "customer" && f.kind != "event") v.add("kind", "must be customer or event");
  f.reason = trim(json::opt_string(body, "reason", v, 1000).value_or(""));
  f.customer_id = json::opt_int(body, "customer_id", v);
  auto org = json::opt_int(body, "org_unit_id", v);
  f.starts_at = read_instant(body, "starts_at", v);
  f.ends_at = read_instant(body, "ends_at", v);
  if (f.starts_at && f.ends_at && f.ends_at <= f.starts_at) v.add("ends_at", "must be after the start");
  if (f.kind == "customer") {
    if (!f.customer_id) v.add("customer_id", "a customer's guaranteed supply names the customer");
    else if (auto c = conn.query_one("SELECT org_unit_id, org_path FROM customers WHERE id = ?", {*f.customer_id}); !c || !auth::org_in_scope(p, c->str(1)))
      v.add("customer_id", "unknown customer or outside your scope");
    else {
      f.org_unit_id = c->i64(0);
      f.org_path = c->str(1);
    }
  } else if (f.kind == "event") {
    if (f.customer_id) v.add("customer_id", "an event covers an org unit, not a customer");
    if (!org) v.add("org_unit_id", "an event's guaranteed supply names the org unit it covers");
    else if (auto u = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*org}); !u || !auth::org_in_scope(p, u->str(0)))
      v.add("org_unit_id", "unknown org unit or outside your scope");
    else {
      f.org_unit_id = *org;
      f.org_path = u->str(0);
    }
  }
  v.throw_if_failed();
  return f;
}

void audit_guarantee(Connection& conn, const auth::Principal& p, const std::string& action, std::int64_t id, const std::string& org_path,
                     const bj::object& after) {
  audit::Entry e;
  e.action = action;
  e.entity = "supply_guarantee";
  e.entity_id = std::to_string(id);
  e.org_path = org_path;
  e.after_json = json::serialize(after);
  audit::record(conn, p.actor(), e);
}

bj::object guarantee_json(const GuaranteeFields& f) {
  return bj::object{{"name", f.name},
                    {"kind", f.kind},
                    {"customer_id", f.customer_id ? bj::value(*f.customer_id) : bj::value(nullptr)},
                    {"org_unit_id", f.org_unit_id},
                    {"starts_at", format_iso_utc(f.starts_at)},
                    {"ends_at", format_iso_utc(f.ends_at)},
                    {"reason", f.reason}};
}

std::string load_guarantee_path(Connection& conn, const auth::Principal& p, std::int64_t id) {
  auto r = conn.query_one("SELECT org_path FROM supply_guarantees WHERE id = ?", {id});
  if (!r || !auth::org_in_scope(p, r->str(0))) throw_not_found("guaranteed-supply period");
  return r->str(0);
}

}  // namespace

std::int64_t create_guarantee(Connection& conn, const auth::Principal& p, const bj::object& body, Millis now) {
  require_guarantee_writer(p);
  const GuaranteeFields f = read_guarantee(conn, p, body);
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO supply_guarantees(name, kind, customer_id, org_unit_id, org_path, starts_at, ends_at, reason, created_by, created_at, updated_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
      {f.name, f.kind, storage::opt_value(f.customer_id), f.org_unit_id, f.org_path, f.starts_at, f.ends_at, f.reason, p.user_id, now, now});
  audit_guarantee(conn, p, "create", id, f.org_path, guarantee_json(f));
  return id;
}

void update_guarantee(Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now) {
  require_guarantee_writer(p);
  load_guarantee_path(conn, p, id);
  const GuaranteeFields f = read_guarantee(conn, p, body);
  conn.execute("UPDATE supply_guarantees SET name = ?, kind = ?, customer_id = ?, org_unit_id = ?, org_path = ?, starts_at = ?, ends_at = ?, "
               "reason = ?, updated_at = ?, version = version + 1 WHERE id = ?",
               {f.name, f.kind, storage::opt_value(f.customer_id), f.org_unit_id, f.org_path, f.starts_at, f.ends_at, f.reason, now, id});
  audit_guarantee(conn, p, "update", id, f.org_path, guarantee_json(f));
}

void deactivate_guarantee(Connection& conn, const auth::Principal& p, std::int64_t id, Millis now) {
  require_guarantee_writer(p);
  const std::string path = load_guarantee_path(conn, p, id);
  conn.execute("UPDATE supply_guarantees SET active = 0, updated_at = ?, version = version + 1 WHERE id = ?", {now, id});
  audit_guarantee(conn, p, "deactivate", id, path, bj::object{{"active", false}});
}

bj::object list_guarantees(Connection& conn, const auth::Principal& p, const GuaranteeFilter& f, std::int64_t limit, std::int64_t offset) {
  auth::require_permission(p, auth::Permission::customer_read);
  Params params;
  std::string where = " WHERE " + storage::path_prefix_condition(conn.backend(), "g.org_path", p.org_path, params);
  if (!f.include_inactive) where += " AND g.active = 1";
  Validator v;
  if (f.from) {
    if (!is_valid_date(*f.from)) v.add("from", "must be a date YYYY-MM-DD");
    else {
      where += " AND g.ends_at > ?";
      params.push_back(shanghai_midnight(*f.from));
    }
  }
  if (f.to) {
    if (!is_valid_date(*f.to)) v.add("to", "must be a date YYYY-MM-DD");
    else {
      where += " AND g.starts_at < ?";
      params.push_back(shanghai_midnight(*f.to) + kDay);
    }
  }
  v.throw_if_failed("invalid query parameter");
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM supply_guarantees g" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT g.id, g.name, g.kind, g.customer_id, c.name, g.org_unit_id, u.name, g.starts_at, g.ends_at, g.reason, g.active, "
                            "x.display_name, g.version FROM supply_guarantees g LEFT JOIN customers c ON c.id = g.customer_id "
                            "JOIN org_units u ON u.id = g.org_unit_id JOIN users x ON x.id = g.created_by" +
                                where + " ORDER BY g.starts_at DESC, g.id DESC LIMIT ? OFFSET ?",
                            params))
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"name", r.str(1)},
                               {"kind", r.str(2)},
                               {"customer_id", r.is_null(3) ? bj::value(nullptr) : bj::value(r.i64(3))},
                               {"customer_name", json::nullable(r.opt_str(4))},
                               {"org_unit_id", r.i64(5)},
                               {"org_unit_name", r.str(6)},
                               {"starts_at", format_iso_utc(r.i64(7))},
                               {"ends_at", format_iso_utc(r.i64(8))},
                               {"reason", r.str(9)},
                               {"active", r.boolean(10)},
                               {"created_by", r.str(11)},
                               {"version", r.i64(12)}});
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

}  // namespace lianxin::outages
