// The account-manager system (客户经理制): the key-account list, tiers, hand-overs, cover during
// leave, managers' workload, service teams and service packages.
#include <set>

#include "common/strings.hpp"
#include "keyaccounts/internal.hpp"
#include "keyaccounts/programme_rules.hpp"
#include "keyaccounts/service.hpp"
#include "notify/notify.hpp"

namespace lianxin::keyaccounts {

using namespace detail;
using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

const std::set<std::string>& tiers() {
  static const std::set<std::string> t = {"A", "B", "C"};
  return t;
}

// Only account managers hold portfolios.
void check_manager(Connection& conn, std::int64_t user_id, const char* field, Validator& v) {
  auto r = conn.query_one("SELECT role, active FROM users WHERE id = ?", {user_id});
  if (!r) v.add(field, "user not found");
  else if (r->str(0) != "account_manager") v.add(field, "user is not an account manager");
  else if (!r->boolean(1)) v.add(field, "user is deactivated");
}

std::string user_name(Connection& conn, std::optional<std::int64_t> id) {
  if (!id) return "";
  auto r = conn.query_one("SELECT display_name FROM users WHERE id = ?", {*id});
  return r ? r->str(0) : "";
}

void scope_where(Connection& conn, const auth::Principal& p, std::string& where, Params& params) {
  where += " AND " + visible_customers(conn, p, params);
}

}  // namespace

bj::object list_key_accounts(Connection& conn, const auth::Principal& p, const KeyAccountFilter& f, std::int64_t limit,
                             std::int64_t offset, Millis now) {
  require(p, auth::Permission::customer_read);
  std::string where = " WHERE c.is_key_account = 1 AND c.status = 'active'";
  Params params;
  scope_where(conn, p, where, params);
  if (f.q && !trim(*f.q).empty()) {
    where += " AND c.name LIKE ?";
    params.push_back("%" + trim(*f.q) + "%");
  }
  if (f.tier) {
    where += " AND c.key_tier = ?";
    params.push_back(*f.tier);
  }
  if (f.manager_id) {
    where += " AND (c.manager_id = ? OR c.backup_manager_id = ?)";
    params.push_back(*f.manager_id);
    params.push_back(*f.manager_id);
  }
  if (f.org_unit_id) {
    auto r = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*f.org_unit_id});
    if (!r) throw_not_found("org unit");
    where += " AND " + storage::path_prefix_condition(conn.backend(), "c.org_path", r->str(0), params);
  }
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM customers c" + where, params);
  const std::string day = today(now);
  Params all;
  all.push_back(std::int64_t{year_of(day)});
  all.push_back(day);
  for (auto& v : params) all.push_back(v);
  all.push_back(limit);
  all.push_back(offset);
  bj::array items;
  for (auto& r : conn.query(
           "SELECT c.id, c.name, o.name, c.key_tier, c.manager_id, m.display_name, c.backup_manager_id, b.display_name, "
           "c.annual_kwh, c.importance_class, "
           "(SELECT k.score FROM key_account_proposals k WHERE k.customer_id = c.id ORDER BY k.run_id DESC LIMIT 1), "
           "(SELECT COUNT(*) FROM programme_items i JOIN programmes g ON g.id = i.programme_id "
           "  WHERE g.customer_id = c.id AND g.year = ? AND i.status = 'done'), "
           "(SELECT COUNT(*) FROM action_items a WHERE a.customer_id = c.id AND a.status = 'open'), "
           "(SELECT COUNT(*) FROM action_items a WHERE a.customer_id = c.id AND a.status = 'open' AND a.due_date < ?) "
           "FROM customers c JOIN org_units o ON o.id = c.org_unit_id LEFT JOIN users m ON m.id = c.manager_id "
           "LEFT JOIN users b ON b.id = c.backup_manager_id" +
               where + " ORDER BY c.annual_kwh DESC, c.id LIMIT ? OFFSET ?",
           all)) {
    items.push_back(bj::object{{"customer_id", r.i64(0)},
                               {"name", r.str(1)},
                               {"org_unit_name", r.str(2)},
                               {"tier", json::nullable(r.opt_str(3))},
                               {"manager", user_ref(r.opt_i64(4), r.opt_str(5))},
                               {"backup_manager", user_ref(r.opt_i64(6), r.opt_str(7))},
                               {"annual_kwh", r.f64(8)},
                               {"importance_class", r.str(9)},
                               {"score", r.is_null(10) ? bj::value(nullptr) : bj::value(r.f64(10))},
                               {"programme_done", r.i64(11)},
                               {"open_items", r.i64(12)},
                               {"overdue_items", r.i64(13)}});
  }
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

bj::object key_account_card(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  require(p, auth::Permission::customer_read);
  auto c = require_customer(conn, p, customer_id);
  auto r = conn.query_one(
      "SELECT c.key_tier, m.display_name, b.display_name, o.name FROM customers c JOIN org_units o ON o.id = c.org_unit_id "
      "LEFT JOIN users m ON m.id = c.manager_id LEFT JOIN users b ON b.id = c.backup_manager_id WHERE c.id = ?",
      {customer_id});
  bj::array team;
  for (auto& t : conn.query("SELECT id, function, user_id, name, mobile FROM service_team_members WHERE customer_id = ? "
                            "ORDER BY function, id",
                            {customer_id}))
    team.push_back(bj::object{{"id", t.i64(0)},
                              {"function", t.str(1)},
                              {"user_id", json::nullable(t.opt_i64(2))},
                              {"name", t.str(3)},
                              {"mobile", json::nullable(t.opt_str(4))}});
  bj::array packages;
  for (auto& k : conn.query("SELECT p.id, p.code, p.name, a.assigned_at FROM customer_service_packages a "
                            "JOIN service_packages p ON p.id = a.package_id WHERE a.customer_id = ? ORDER BY p.code",
                            {customer_id})) {
    bj::array services;
    for (auto& s : conn.query("SELECT service, times_per_year FROM service_package_items WHERE package_id = ? ORDER BY id",
                              {k.i64(0)}))
      services.push_back(bj::object{{"service", s.str(0)}, {"times_per_year", s.i64(1)}});
    packages.push_back(bj::object{{"id", k.i64(0)},
                                  {"code", k.str(1)},
                                  {"name", k.str(2)},
                                  {"assigned_at", json::instant_or_null(k.i64(3))},
                                  {"services", std::move(services)}});
  }
  bj::array handovers;
  for (auto& h : conn.query(
           "SELECT h.id, h.role, f.display_name, t.display_name, h.reason, h.notes, h.items_moved, u.display_name, h.created_at "
           "FROM manager_handovers h LEFT JOIN users f ON f.id = h.from_user_id LEFT JOIN users t ON t.id = h.to_user_id "
           "JOIN users u ON u.id = h.created_by WHERE h.customer_id = ? ORDER BY h.created_at DESC, h.id DESC LIMIT 20",
           {customer_id}))
    handovers.push_back(bj::object{{"id", h.i64(0)},
                                   {"role", h.str(1)},
                                   {"from", json::nullable(h.opt_str(2))},
                                   {"to", json::nullable(h.opt_str(3))},
                                   {"reason", h.str(4)},
                                   {"notes", json::nullable(h.opt_str(5))},
                                   {"items_moved", h.i64(6)},
                                   {"by", h.str(7)},
                                   {"at", json::instant_or_null(h.i64(8))}});
  return bj::object{{"customer_id", c.id},
                    {"name", c.name},
                    {"is_key_account", c.key},
                    {"org_unit_name", r->str(3)},
                    {"tier", json::nullable(r->opt_str(0))},
                    {"manager", user_ref(c.manager_id, r->opt_str(1))},
                    {"backup_manager", user_ref(c.backup_manager_id, r->opt_str(2))},
                    {"team", std::move(team)},
                    {"packages", std::move(packages)},
                    {"handovers", std::move(handovers)}};
}

void set_tier(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_manage);
  Validator v;
  auto tier = json::req_string(body, "tier", v, 1);
  if (!tier.empty() && !tiers().count(tier)) v.add("tier", "must be A, B or C");
  v.throw_if_failed();
  auto c = require_key_account(conn, p, customer_id);
  auto before = conn.query_one("SELECT key_tier FROM customers WHERE id = ?", {customer_id})->opt_str(0);
  conn.execute("UPDATE customers SET key_tier = ?, version = version + 1, updated_at = ? WHERE id = ?", {tier, now, customer_id});
  audit_write(conn, p, "update", "customer", customer_id, c.org_path, bj::object{{"key_tier", json::nullable(before)}},
              bj::object{{"key_tier", tier}});
}

bj::object hand_over(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_manage);
  Validator v;
  std::string role = json::req_string(body, "role", v, 10);
  if (!role.empty() && role != "primary" && role != "backup") v.add("role", "must be primary or backup");
  auto to = json::opt_int(body, "to_user_id", v);
  std::string reason = trim(json::req_string(body, "reason", v, 500));
  auto notes = json::opt_string(body, "notes", v, 4000);
  if (!to && role == "primary") v.add("to_user_id", "is required for the primary manager");
  if (to) check_manager(conn, *to, "to_user_id", v);
  v.throw_if_failed();
  auto c = require_key_account(conn, p, customer_id);
  const bool primary = role == "primary";
  const std::optional<std::int64_t> from = primary ? c.manager_id : c.backup_manager_id;
  const std::optional<std::int64_t> other = primary ? c.backup_manager_id : c.manager_id;
  if (from == to) throw AppError(ErrorCode::validation_failed, "invalid hand-over", {{"to_user_id", "is already this manager"}});
  if (to && other == to)
    throw AppError(ErrorCode::validation_failed, "invalid hand-over",
                   {{"to_user_id", primary ? "is the backup manager; hand over the backup first"
                                           : "must differ from the primary account manager"}});
  int moved = 0;
  if (primary) {
    // Every open item of the account owned by the old manager (or by nobody) moves to the new one.
    moved += conn.execute(
        "UPDATE programme_items SET owner_id = ? WHERE customer_id = ? AND status = 'pending' AND (owner_id IS NULL OR owner_id = ?)",
        {*to, customer_id, from ? Value(*from) : Value(std::int64_t{0})});
    if (from)
      moved += conn.execute("UPDATE action_items SET owner_id = ? WHERE customer_id = ? AND status = 'open' AND owner_id = ?",
                            {*to, customer_id, *from});
  }
  conn.execute(std::string("UPDATE customers SET ") + (primary ? "manager_id" : "backup_manager_id") +
                   " = ?, version = version + 1, updated_at = ? WHERE id = ?",
               {to ? Value(*to) : storage::null_value(), now, customer_id});
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO manager_handovers(customer_id, role, from_user_id, to_user_id, reason, notes, items_moved, created_by, "
      "created_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
      {customer_id, role, from ? Value(*from) : storage::null_value(), to ? Value(*to) : storage::null_value(), reason,
       notes ? Value(*notes) : storage::null_value(), std::int64_t{moved}, p.user_id, now});
  const std::string from_name = user_name(conn, from), to_name = user_name(conn, to);
  timeline_add(conn, p, customer_id, "record_change", primary ? "客户经理交接" : "后备客户经理变更",
               (from_name.empty() ? "（无）" : from_name) + " → " + (to_name.empty() ? "（无）" : to_name) + "：" + reason,
               "manager_handover", id, now);
  audit_write(conn, p, "hand_over", "customer", customer_id, c.org_path,
              bj::object{{primary ? "manager_id" : "backup_manager_id", json::nullable(from)}},
              bj::object{{primary ? "manager_id" : "backup_manager_id", json::nullable(to)},
                         {"handover_id", id},
                         {"items_moved", moved},
                         {"reason", reason}});
  if (to) {
    notify::Notice n;
    n.user_id = *to;
    n.kind = "key_account_handover";
    n.params = {{"customer", c.name}, {"from", from_name.empty() ? "—" : from_name}, {"reason", reason},
                {"items", std::to_string(moved)}};
    n.ref_entity = "customer";
    n.ref_id = std::to_string(customer_id);
    n.dedupe_key = "handover:" + std::to_string(id);
    notify::enqueue(conn, n, now);
  }
  return bj::object{{"id", id}, {"items_moved", moved}};
}

bj::object hand_over_portfolio(Connection& conn, const auth::Principal& p, std::int64_t manager_id, const bj::object& body,
                               Millis now) {
  require(p, auth::Permission::keyaccount_manage);
  Validator v;
  auto to = json::req_int(body, "to_user_id", v);
  std::string reason = trim(json::req_string(body, "reason", v, 500));
  auto notes = json::opt_string(body, "notes", v, 4000);
  if (to) check_manager(conn, to, "to_user_id", v);
  if (to == manager_id) v.add("to_user_id", "must differ from the manager who hands over");
  v.throw_if_failed();
  Params params{manager_id};
  std::string where = " WHERE c.manager_id = ? AND c.is_key_account = 1";
  scope_where(conn, p, where, params);
  std::vector<std::int64_t> ids;
  for (auto& r : conn.query("SELECT c.id FROM customers c" + where + " ORDER BY c.id", params)) ids.push_back(r.i64(0));
  bj::object one{{"role", "primary"}, {"to_user_id", to}, {"reason", reason}};
  if (notes) one["notes"] = *notes;
  int accounts = 0, moved = 0;
  for (auto id : ids) {
    // The new manager may be the backup of some accounts: the backup slot is freed first.
    auto c = require_customer(conn, p, id);
    if (c.backup_manager_id == to)
      hand_over(conn, p, id, bj::object{{"role", "backup"}, {"reason", reason}}, now);
    auto r = hand_over(conn, p, id, one, now);
    ++accounts;
    moved += static_cast<int>(r["items_moved"].as_int64());
  }
  return bj::object{{"accounts", accounts}, {"items_moved", moved}};
}

std::int64_t add_cover(Connection& conn, const auth::Principal& p, std::int64_t manager_id, const bj::object& body, Millis now) {
  if (p.user_id != manager_id) require(p, auth::Permission::keyaccount_manage);
  Validator v;
  auto cover = json::req_int(body, "cover_id", v);
  auto starts = req_date(body, "starts_on", v);
  auto ends = req_date(body, "ends_on", v);
  auto reason = trim(json::req_string(body, "reason", v, 500));
  check_manager(conn, manager_id, "manager_id", v);
  if (cover) check_manager(conn, cover, "cover_id", v);
  if (cover == manager_id) v.add("cover_id", "must be another account manager");
  if (v.ok() && ends < starts) v.add("ends_on", "must not be before starts_on");
  v.throw_if_failed();
  auto path = conn.query_one("SELECT o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = ?", {manager_id});
  if (!path || !auth::org_in_scope(p, path->str(0))) throw_not_found("user");
  if (conn.query_one("SELECT 1 FROM manager_covers WHERE manager_id = ? AND cancelled_at IS NULL AND starts_on <= ? AND ends_on >= ?",
                     {manager_id, ends, starts}))
    throw AppError(ErrorCode::conflict, "this manager already has a cover in that period");
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO manager_covers(manager_id, cover_id, starts_on, ends_on, reason, created_by, created_at) "
      "VALUES (?,?,?,?,?,?,?) RETURNING id",
      {manager_id, cover, starts, ends, reason, p.user_id, now});
  audit_write(conn, p, "create", "manager_cover", id, path->str(0), {},
              bj::object{{"manager_id", manager_id}, {"cover_id", cover}, {"starts_on", starts}, {"ends_on", ends}, {"reason", reason}});
  notify::Notice n;
  n.user_id = cover;
  n.kind = "manager_cover";
  n.params = {{"manager", user_name(conn, manager_id)}, {"from", starts}, {"to", ends}, {"reason", reason}};
  n.ref_entity = "manager_cover";
  n.ref_id = std::to_string(id);
  n.dedupe_key = "cover:" + std::to_string(id);
  notify::enqueue(conn, n, now);
  return id;
}

void cancel_cover(Connection& conn, const auth::Principal& p, std::int64_t cover_id, Millis now) {
  auto r = conn.query_one("SELECT c.manager_id, o.path, c.cancelled_at FROM manager_covers c JOIN users u ON u.id = c.manager_id "
                          "JOIN org_units o ON o.id = u.org_unit_id WHERE c.id = ?",
                          {cover_id});
  if (!r || !auth::org_in_scope(p, r->str(1))) throw_not_found("cover");
  if (p.user_id != r->i64(0)) require(p, auth::Permission::keyaccount_manage);
  if (!r->is_null(2)) throw AppError(ErrorCode::invalid_transition, "the cover was already cancelled");
  conn.execute("UPDATE manager_covers SET cancelled_at = ? WHERE id = ?", {now, cover_id});
  audit_write(conn, p, "cancel", "manager_cover", cover_id, r->str(1), {}, bj::object{{"cancelled", true}});
}

bj::object list_covers(Connection& conn, const auth::Principal& p, bool current_only, Millis now) {
  require(p, auth::Permission::customer_read);
  Params params;
  std::string where =
      " WHERE c.cancelled_at IS NULL AND " + storage::path_prefix_condition(conn.backend(), "o.path", p.org_path, params);
  if (current_only) {
    where += " AND c.ends_on >= ?";
    params.push_back(today(now));
  }
  bj::array items;
  for (auto& r : conn.query("SELECT c.id, c.manager_id, m.display_name, c.cover_id, v.display_name, c.starts_on, c.ends_on, c.reason "
                            "FROM manager_covers c JOIN users m ON m.id = c.manager_id JOIN users v ON v.id = c.cover_id "
                            "JOIN org_units o ON o.id = m.org_unit_id" +
                                where + " ORDER BY c.starts_on, c.id",
                            params))
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"manager", user_ref(r.i64(1), r.str(2))},
                               {"cover", user_ref(r.i64(3), r.str(4))},
                               {"starts_on", r.str(5)},
                               {"ends_on", r.str(6)},
                               {"reason", r.str(7)}});
  return bj::object{{"items", std::move(items)}};
}

bj::object list_managers(Connection& conn, const auth::Principal& p, Millis now) {
  require(p, auth::Permission::customer_read);
  const std::string day = today(now);
  Params params{day, day, day, day};
  std::string where = " WHERE u.role = 'account_manager' AND u.active = 1 AND " +
                      storage::path_prefix_condition(conn.backend(), "o.path", p.org_path, params);
  bj::array items;
  for (auto& r : conn.query(
           "SELECT u.id, u.display_name, o.name, "
           "(SELECT COUNT(*) FROM customers c WHERE c.manager_id = u.id AND c.is_key_account = 1), "
           "(SELECT COUNT(*) FROM customers c WHERE c.backup_manager_id = u.id AND c.is_key_account = 1), "
           "(SELECT COUNT(*) FROM programme_items i WHERE i.owner_id = u.id AND i.status = 'pending') + "
           "(SELECT COUNT(*) FROM action_items a WHERE a.owner_id = u.id AND a.status = 'open'), "
           "(SELECT COUNT(*) FROM programme_items i WHERE i.owner_id = u.id AND i.status = 'pending' AND i.due_date < ?) + "
           "(SELECT COUNT(*) FROM action_items a WHERE a.owner_id = u.id AND a.status = 'open' AND a.due_date < ?), "
           "(SELECT MAX(v.display_name) FROM manager_covers c JOIN users v ON v.id = c.cover_id WHERE c.manager_id = u.id "
           "  AND c.cancelled_at IS NULL AND c.starts_on <= ? AND c.ends_on >= ?) "
           "FROM users u JOIN org_units o ON o.id = u.org_unit_id" +
               where + " ORDER BY o.path, u.display_name",
           params))
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"name", r.str(1)},
                               {"org_unit_name", r.str(2)},
                               {"accounts", r.i64(3)},
                               {"backup_accounts", r.i64(4)},
                               {"open_items", r.i64(5)},
                               {"overdue_items", r.i64(6)},
                               {"covered_by", json::nullable(r.opt_str(7))}});
  return bj::object{{"items", std::move(items)}};
}

std::int64_t add_team_member(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body,
                             Millis now) {
  require(p, auth::Permission::keyaccount_service);
  Validator v;
  auto function = json::req_string(body, "function", v, 20);
  static const std::set<std::string> functions = {"service", "operation", "safety", "energy"};
  if (!function.empty() && !functions.count(function)) v.add("function", "must be service, operation, safety or energy");
  auto user = json::opt_int(body, "user_id", v);
  auto name = json::opt_string(body, "name", v, 100);
  auto mobile = json::opt_string(body, "mobile", v, 20);
  if (user) check_user(conn, *user, "user_id", v);
  if (!user && (!name || trim(*name).empty())) v.add("name", "is required without user_id");
  v.throw_if_failed();
  auto c = require_key_account(conn, p, customer_id);
  std::string shown = name ? trim(*name) : "";
  if (user && shown.empty()) shown = user_name(conn, user);
  if (user && !mobile) {
    auto m = conn.query_one("SELECT mobile FROM users WHERE id = ?", {*user});
    if (m && !m->is_null(0)) mobile = m->str(0);
  }
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO service_team_members(customer_id, function, user_id, name, mobile, created_at) VALUES (?,?,?,?,?,?) RETURNING id",
      {customer_id, function, user ? Value(*user) : storage::null_value(), shown,
       mobile ? Value(*mobile) : storage::null_value(), now});
  audit_write(conn, p, "create", "service_team_member", id, c.org_path, {},
              bj::object{{"customer_id", customer_id}, {"function", function}, {"name", shown}});
  return id;
}

void remove_team_member(Connection& conn, const auth::Principal& p, std::int64_t customer_id, std::int64_t member_id, Millis) {
  require(p, auth::Permission::keyaccount_service);
  auto c = require_customer(conn, p, customer_id);
  auto r = conn.query_one("SELECT function, name FROM service_team_members WHERE id = ? AND customer_id = ?", {member_id, customer_id});
  if (!r) throw_not_found("team member");
  conn.execute("DELETE FROM service_team_members WHERE id = ?", {member_id});
  audit_write(conn, p, "delete", "service_team_member", member_id, c.org_path,
              bj::object{{"function", r->str(0)}, {"name", r->str(1)}}, {});
}

bj::object list_packages(Connection& conn, const auth::Principal& p) {
  require(p, auth::Permission::customer_read);
  bj::array items;
  for (auto& k : conn.query("SELECT id, code, name, description, active FROM service_packages ORDER BY code")) {
    bj::array services;
    for (auto& s : conn.query("SELECT service, times_per_year FROM service_package_items WHERE package_id = ? ORDER BY id", {k.i64(0)}))
      services.push_back(bj::object{{"service", s.str(0)}, {"times_per_year", s.i64(1)}});
    items.push_back(bj::object{{"id", k.i64(0)},
                               {"code", k.str(1)},
                               {"name", k.str(2)},
                               {"description", json::nullable(k.opt_str(3))},
                               {"active", k.boolean(4)},
                               {"services", std::move(services)}});
  }
  return bj::object{{"items", std::move(items)}};
}

std::int64_t create_package(Connection& conn, const auth::Principal& p, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_manage);
  Validator v;
  auto code = trim(json::req_string(body, "code", v, 40));
  auto name = trim(json::req_string(body, "name", v, 100));
  auto description = json::opt_string(body, "description", v, 1000);
  std::vector<std::pair<std::string, std::int64_t>> services;
  auto it = body.find("services");
  if (it == body.end() || !it->value().is_array() || it->value().as_array().empty()) {
    v.add("services", "list at least one service with its times per year");
  } else {
    const auto& arr = it->value().as_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const std::string prefix = "services[" + std::to_string(i) + "].";
      if (!arr[i].is_object()) {
        v.add("services[" + std::to_string(i) + "]", "must be an object");
        continue;
      }
      Validator local;
      auto service = trim(json::req_string(arr[i].as_object(), "service", local, 200));
      auto times = json::req_int(arr[i].as_object(), "times_per_year", local);
      if (local.ok() && (times < 1 || times > 366)) local.add("times_per_year", "must be between 1 and 366");
      for (auto& issue : local.issues()) v.add(prefix + issue.field, issue.message);
      services.emplace_back(service, times);
    }
  }
  v.throw_if_failed();
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO service_packages(code, name, description, active, created_at) VALUES (?,?,?,1,?) RETURNING id",
      {code, name, description ? Value(*description) : storage::null_value(), now});
  for (auto& [service, times] : services)
    conn.execute("INSERT INTO service_package_items(package_id, service, times_per_year) VALUES (?,?,?)", {id, service, times});
  audit_write(conn, p, "create", "service_package", id, "", {}, bj::object{{"code", code}, {"name", name}});
  return id;
}

void assign_package(Connection& conn, const auth::Principal& p, std::int64_t customer_id, std::int64_t package_id, bool assign,
                    Millis now) {
  require(p, auth::Permission::keyaccount_manage);
  auto c = require_key_account(conn, p, customer_id);
  auto k = conn.query_one("SELECT active FROM service_packages WHERE id = ?", {package_id});
  if (!k) throw_not_found("service package");
  const bool has =
      conn.query_one("SELECT 1 FROM customer_service_packages WHERE customer_id = ? AND package_id = ?", {customer_id, package_id})
          .has_value();
  if (assign) {
    if (has) return;
    if (!k->boolean(0)) throw AppError(ErrorCode::invalid_transition, "the service package is no longer offered");
    conn.execute("INSERT INTO customer_service_packages(customer_id, package_id, assigned_by, assigned_at) VALUES (?,?,?,?)",
                 {customer_id, package_id, p.user_id, now});
  } else {
    if (!has) throw_not_found("service package");
    conn.execute("DELETE FROM customer_service_packages WHERE customer_id = ? AND package_id = ?", {customer_id, package_id});
  }
  audit_write(conn, p, assign ? "assign" : "unassign", "service_package", package_id, c.org_path, {},
              bj::object{{"customer_id", customer_id}});
}

bj::object update_setting(Connection& conn, const auth::Principal& p, const std::string& key, const bj::object& body, Millis now) {
  require(p, auth::Permission::keyaccount_manage);
  auto row = conn.query_one("SELECT value, module, source, verification FROM settings WHERE key = ?", {key});
  if (!row) throw_not_found("setting");
  if (row->str(1) != "keyaccounts") throw AppError(ErrorCode::forbidden, "this setting belongs to another module");
  if (!auth::is_company_level(p)) throw AppError(ErrorCode::forbidden, "key-account settings apply company-wide; change them at company level");
  Validator v;
  auto value = trim(json::req_string(body, "value", v, 500));
  if (v.ok())
    if (auto problem = setting_problem(key, value)) v.add("value", *problem);
  v.throw_if_failed();
  conn.execute("UPDATE settings SET value = ?, updated_at = ?, updated_by = ? WHERE key = ?", {value, now, p.user_id, key});
  audit_write(conn, p, "update", "setting", 0, "", bj::object{{"key", key}, {"value", row->str(0)}}, bj::object{{"key", key}, {"value", value}});
  return bj::object{{"key", key}, {"value", value}, {"module", "keyaccounts"}, {"source", row->str(2)}, {"verification", row->str(3)}};
}

}  // namespace lianxin::keyaccounts
