#include "keyaccounts/internal.hpp"

#include "common/strings.hpp"
#include "keyaccounts/programme_rules.hpp"

namespace lianxin::keyaccounts::detail {

using storage::Connection;
using storage::Value;

CustomerRef require_customer(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  auto r = conn.query_one("SELECT id, name, org_path, is_key_account, manager_id, backup_manager_id FROM customers WHERE id = ?",
                          {customer_id});
  if (!r || !auth::customer_visible(p, r->str(2), r->opt_i64(4), r->opt_i64(5))) throw_not_found("customer");
  return {r->i64(0), r->str(1), r->str(2), r->boolean(3), r->opt_i64(4), r->opt_i64(5)};
}

CustomerRef require_key_account(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  auto c = require_customer(conn, p, customer_id);
  if (!c.key) throw AppError(ErrorCode::invalid_transition, "the customer is not a key account");
  return c;
}

std::string visible_customers(Connection& conn, const auth::Principal& p, storage::Params& params) {
  std::string sql = storage::path_prefix_condition(conn.backend(), "c.org_path", p.org_path, params);
  auto scope = auth::customer_scope(p);
  if (scope.manager_id) {
    sql += " AND " + auth::managed_by_condition(scope, "c");
    for (auto id : auth::managed_by_params(scope)) params.push_back(id);
  }
  return "(" + sql + ")";
}

void check_user(Connection& conn, std::int64_t user_id, const char* field, Validator& v) {
  auto r = conn.query_one("SELECT active FROM users WHERE id = ?", {user_id});
  if (!r) v.add(field, "user not found");
  else if (!r->boolean(0)) v.add(field, "user is deactivated");
}

std::string req_date(const bj::object& o, const char* field, Validator& v) {
  std::string d = json::req_string(o, field, v, 10);
  if (!d.empty() && !is_valid_date(d)) v.add(field, "must be a date YYYY-MM-DD");
  return d;
}

std::optional<std::string> opt_date(const bj::object& o, const char* field, Validator& v) {
  auto d = json::opt_string(o, field, v, 10);
  if (d && !d->empty() && !is_valid_date(*d)) v.add(field, "must be a date YYYY-MM-DD");
  if (d && d->empty()) return std::nullopt;
  return d;
}

void audit_write(Connection& conn, const auth::Principal& p, const std::string& action, const std::string& entity,
                 std::int64_t id, const std::string& org_path, const bj::object& before, const bj::object& after) {
  audit::Entry e;
  e.action = action;
  e.entity = entity;
  e.entity_id = std::to_string(id);
  e.org_path = org_path;
  if (!before.empty()) e.before_json = json::serialize(before);
  if (!after.empty()) e.after_json = json::serialize(after);
  audit::record(conn, p.actor(), e);
}

void timeline_add(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const std::string& kind,
                  const std::string& title, const std::string& body, const std::string& ref_entity, std::int64_t ref_id,
                  Millis now) {
  timeline::Event ev;
  ev.customer_id = customer_id;
  ev.at = now;
  ev.kind = kind;
  ev.source = "keyaccounts";
  ev.title = title;
  ev.body = body;
  ev.ref_entity = ref_entity;
  ev.ref_id = std::to_string(ref_id);
  timeline::add(conn, p.actor(), ev);
}

std::string today(Millis now) { return shanghai_date(now); }

std::map<std::string, int> visit_intervals(Connection& conn) {
  if (auto r = conn.query_one("SELECT value FROM settings WHERE key = 'keyaccounts.visit_interval_days'"))
    if (auto parsed = parse_tier_intervals(r->str(0))) return *parsed;
  return {{"A", 30}, {"B", 60}, {"C", 90}};
}

int interval_of(const std::map<std::string, int>& intervals, const std::string& tier) {
  if (auto it = intervals.find(tier); it != intervals.end()) return it->second;
  if (auto it = intervals.find("C"); it != intervals.end()) return it->second;
  return 90;
}

int year_of(const std::string& date) { return std::stoi(date.substr(0, 4)); }

bj::value user_ref(const std::optional<std::int64_t>& id, const std::optional<std::string>& name) {
  if (!id) return nullptr;
  return bj::object{{"id", *id}, {"name", name.value_or("")}};
}

void complete_programme_item(Connection& conn, const auth::Principal& p, std::int64_t customer_id, int year,
                             const std::string& kind, const std::string& ref_entity, std::int64_t ref_id, Millis now) {
  auto item = conn.query_one(
      "SELECT i.id, i.status, g.org_path FROM programme_items i JOIN programmes g ON g.id = i.programme_id "
      "WHERE g.customer_id = ? AND g.year = ? AND i.kind = ?",
      {customer_id, std::int64_t{year}, kind});
  if (!item || item->str(1) == "done") return;
  conn.execute("UPDATE programme_items SET status = 'done', done_at = ?, done_by = ?, ref_entity = ?, ref_id = ? WHERE id = ?",
               {now, p.user_id, ref_entity, ref_id, item->i64(0)});
  audit_write(conn, p, "complete", "programme_item", item->i64(0), item->str(2), bj::object{{"status", "pending"}},
              bj::object{{"status", "done"}, {"ref_entity", ref_entity}, {"ref_id", ref_id}});
}

std::vector<NewItem> parse_items(Connection& conn, const bj::object& o, const char* field, Validator& v, bool with_action) {
  std::vector<NewItem> out;
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return out;
  if (!it->value().is_array()) {
    v.add(field, "must be an array");
    return out;
  }
  const auto& arr = it->value().as_array();
  if (arr.size() > 100) v.add(field, "at most 100 items");
  for (std::size_t i = 0; i < arr.size() && i < 100; ++i) {
    const std::string prefix = std::string(field) + "[" + std::to_string(i) + "].";
    if (!arr[i].is_object()) {
      v.add(std::string(field) + "[" + std::to_string(i) + "]", "must be an object");
      continue;
    }
    const auto& obj = arr[i].as_object();
    Validator local;
    NewItem n;
    n.title = trim(json::req_string(obj, "title", local, 500));
    n.owner_id = json::req_int(obj, "owner_id", local);
    n.due_date = req_date(obj, "due_date", local);
    if (with_action) {
      n.action = json::req_string(obj, "action", local, 20);
      if (!n.action->empty() && *n.action != "replace" && *n.action != "overhaul" && *n.action != "retrofit")
        local.add("action", "must be replace, overhaul or retrofit");
    }
    if (local.ok()) check_user(conn, n.owner_id, "owner_id", local);
    for (auto& issue : local.issues()) v.add(prefix + issue.field, issue.message);
    out.push_back(std::move(n));
  }
  return out;
}

NewItem parse_item(Connection& conn, const bj::object& body, bool with_action) {
  Validator v;
  bj::object wrapped{{"items", bj::array{body}}};
  auto items = parse_items(conn, wrapped, "items", v, with_action);
  Validator named;  // "items[0].title" → "title"
  for (auto& issue : v.issues()) {
    auto dot = issue.field.find("].");
    named.add(dot == std::string::npos ? issue.field : issue.field.substr(dot + 2), issue.message);
  }
  named.throw_if_failed();
  return items.at(0);
}

std::int64_t add_action_item(Connection& conn, const auth::Principal& p, const CustomerRef& c, const std::string& source,
                             std::optional<std::int64_t> source_id, const NewItem& item, Millis now) {
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO action_items(customer_id, org_path, source, source_id, action, title, owner_id, due_date, status, "
      "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,'open',?,?) RETURNING id",
      {c.id, c.org_path, source, source_id ? Value(*source_id) : storage::null_value(),
       item.action ? Value(*item.action) : storage::null_value(), item.title, item.owner_id, item.due_date, p.user_id, now});
  audit_write(conn, p, "create", "action_item", id, c.org_path, {},
              bj::object{{"customer_id", c.id}, {"source", source}, {"title", item.title}, {"owner_id", item.owner_id},
                         {"due_date", item.due_date}});
  return id;
}

}  // namespace lianxin::keyaccounts::detail
