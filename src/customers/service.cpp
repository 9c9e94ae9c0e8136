#include "customers/service.hpp"
#include "quality/store.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "common/strings.hpp"
#include "customers/rules.hpp"
#include "text/text.hpp"
#include "timeline/timeline.hpp"

namespace lianxin::customers {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;
using storage::Row;
using storage::Value;

namespace {

Value bool_value(bool b) { return std::int64_t{b ? 1 : 0}; }

template <class T>
Value patch_value(const Patch<T>& p) {
  if (!p || !*p) return storage::null_value();
  if constexpr (std::is_same_v<T, bool>) return bool_value(**p);
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) return join(**p, ",");
  else return Value(**p);
}

template <class T>
bool given(const Patch<T>& p) {
  return p.has_value();
}

template <class T, class U>
T get_or(const Patch<T>& p, U fallback) {
  if (p && *p) return **p;
  return T(fallback);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (auto& s : split(text, ',')) {
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

bj::array string_array(const std::vector<std::string>& list) {
  bj::array a;
  for (auto& s : list) a.emplace_back(s);
  return a;
}

constexpr const char* kCustomerSelect =
    "SELECT c.id, c.name, c.credit_code, c.industry_code, i.name, c.org_unit_id, o.name, c.address, "
    "c.importance_class, c.outage_sensitivity, c.credit_grade, c.tags, c.is_key_account, c.is_group, c.group_id, "
    "g.name, g.org_path, c.manager_id, m.display_name, c.backup_manager_id, b.display_name, c.status, "
    "(SELECT COUNT(*) FROM accounts a WHERE a.customer_id = c.id), c.version, c.updated_at, c.annual_kwh, c.org_path, "
    "c.merged_into "
    "FROM customers c JOIN org_units o ON o.id = c.org_unit_id LEFT JOIN industries i ON i.code = c.industry_code "
    "LEFT JOIN customers g ON g.id = c.group_id LEFT JOIN users m ON m.id = c.manager_id "
    "LEFT JOIN users b ON b.id = c.backup_manager_id";

bj::object customer_json(const Row& r, const auth::Principal& p) {
  bool group_visible = !r.is_null(14) && auth::org_in_scope(p, r.str(16));
  return bj::object{{"id", r.i64(0)},
                    {"name", r.str(1)},
                    {"credit_code", json::nullable(r.opt_str(2))},
                    {"industry_code", json::nullable(r.opt_str(3))},
                    {"industry_name", json::nullable(r.opt_str(4))},
                    {"org_unit_id", r.i64(5)},
                    {"org_unit_name", r.str(6)},
                    {"address", json::nullable(r.opt_str(7))},
                    {"importance_class", r.str(8)},
                    {"outage_sensitivity", r.str(9)},
                    {"credit_grade", json::nullable(r.opt_str(10))},
                    {"tags", string_array(split_list(r.str(11)))},
                    {"is_key_account", r.boolean(12)},
                    {"is_group", r.boolean(13)},
                    {"group_id", group_visible ? json::nullable(r.opt_i64(14)) : bj::value(nullptr)},
                    {"group_name", group_visible ? json::nullable(r.opt_str(15)) : bj::value(nullptr)},
                    {"manager_id", json::nullable(r.opt_i64(17))},
                    {"manager_name", json::nullable(r.opt_str(18))},
                    {"backup_manager_id", json::nullable(r.opt_i64(19))},
                    {"backup_manager_name", json::nullable(r.opt_str(20))},
                    {"status", r.str(21)},
                    {"account_count", r.i64(22)},
                    {"version", r.i64(23)},
                    {"updated_at", format_iso_utc(r.i64(24))},
                    {"annual_kwh", r.f64(25)},
                    {"merged_into", json::nullable(r.opt_i64(27))}};
}

// The raw record, as stored, for the audit log's before/after.
std::string customer_snapshot(Connection& conn, std::int64_t id) {
  auto r = conn.query_one(
      "SELECT id, name, credit_code, industry_code, org_unit_id, address, importance_class, outage_sensitivity, "
      "credit_grade, tags, group_id, is_group, is_key_account, manager_id, backup_manager_id, annual_kwh, status, "
      "merged_into, version FROM customers WHERE id = ?",
      {id});
  if (!r) return {};
  bj::object o{{"id", r->i64(0)},
               {"name", r->str(1)},
               {"credit_code", json::nullable(r->opt_str(2))},
               {"industry_code", json::nullable(r->opt_str(3))},
               {"org_unit_id", r->i64(4)},
               {"address", json::nullable(r->opt_str(5))},
               {"importance_class", r->str(6)},
               {"outage_sensitivity", r->str(7)},
               {"credit_grade", json::nullable(r->opt_str(8))},
               {"tags", r->str(9)},
               {"group_id", json::nullable(r->opt_i64(10))},
               {"is_group", r->boolean(11)},
               {"is_key_account", r->boolean(12)},
               {"manager_id", json::nullable(r->opt_i64(13))},
               {"backup_manager_id", json::nullable(r->opt_i64(14))},
               {"annual_kwh", r->f64(15)},
               {"status", r->str(16)},
               {"merged_into", json::nullable(r->opt_i64(17))},
               {"version", r->i64(18)}};
  return json::serialize(o);
}

std::string row_snapshot(Connection& conn, const std::string& sql, std::int64_t id, const std::vector<const char*>& names) {
  auto r = conn.query_one(sql, {id});
  if (!r) return {};
  bj::object o;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (r->is_null(i)) o[names[i]] = nullptr;
    else o[names[i]] = r->str(i);
  }
  return json::serialize(o);
}

const std::vector<const char*> kAccountColumns = {"id", "customer_id", "account_no", "name", "voltage_level",
                                                  "contract_capacity_kva", "tariff_category", "basic_charge_mode",
                                                  "supply_sources", "emergency_power", "line_id", "transformer_area_id",
                                                  "address", "status"};
const std::vector<const char*> kContactColumns = {"id", "customer_id", "name", "role", "mobile", "email", "notice_types", "active"};

std::string account_snapshot(Connection& conn, std::int64_t id) {
  return row_snapshot(conn,
                      "SELECT id, customer_id, account_no, name, voltage_level, contract_capacity_kva, tariff_category, "
                      "basic_charge_mode, supply_sources, emergency_power, line_id, transformer_area_id, address, status "
                      "FROM accounts WHERE id = ?",
                      id, kAccountColumns);
}

std::string contact_snapshot(Connection& conn, std::int64_t id) {
  return row_snapshot(conn,
                      "SELECT id, customer_id, name, role, mobile, email, notice_types, active FROM contacts WHERE id = ?",
                      id, kContactColumns);
}

// Names of the top-level keys whose values differ between two snapshots.
std::vector<std::string> changed_keys(const std::string& before, const std::string& after) {
  std::vector<std::string> out;
  auto b = json::parse_or_null(before), a = json::parse_or_null(after);
  if (!b.is_object() || !a.is_object()) return out;
  for (auto& kv : a.as_object()) {
    if (kv.key() == "version") continue;
    auto* old = b.as_object().if_contains(kv.key());
    if (!old || *old != kv.value()) out.emplace_back(kv.key());
  }
  return out;
}

void record_change(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const std::string& org_path,
                   const std::string& action, const std::string& entity, std::int64_t entity_id,
                   const std::string& before, const std::string& after, const std::string& title) {
  audit::record(conn, p.actor(), {action, entity, std::to_string(entity_id), org_path, before, after});
  // Every edit of the archive re-checks the customer's data quality at once.
  quality::recheck_customers(conn, {customer_id}, now_millis());
  auto keys = changed_keys(before, after);
  timeline::Event e;
  e.customer_id = customer_id;
  e.kind = "record_change";
  e.source = "archive";
  e.title = title;
  e.body = keys.empty() ? "" : join(keys, ", ");
  e.ref_entity = entity;
  e.ref_id = std::to_string(entity_id);
  timeline::add(conn, p.actor(), e);
}

void require_write_scope(const auth::Principal& p, const Visibility& v) {
  if (v.status == "merged") throw AppError(ErrorCode::conflict, "this customer was merged into another record");
}

// --- validation shared by create and update ---------------------------------------------------

struct CustomerState {
  std::string name, importance_class = "none", outage_sensitivity = "normal";
  std::optional<std::int64_t> org_unit_id, group_id, manager_id, backup_manager_id;
  bool is_group = false;
};

void check_manager(Connection& conn, const char* field, std::int64_t user_id, Validator& v) {
  auto r = conn.query_one("SELECT role, active FROM users WHERE id = ?", {user_id});
  if (!r || !r->boolean(1)) v.add(field, "unknown or inactive user");
  else if (r->str(0) != "account_manager") v.add(field, "user is not an account manager");
}

std::string validate_customer(Connection& conn, const auth::Principal& p, const CustomerFields& f, bool creating,
                              std::optional<std::int64_t> self_id, Validator& v) {
  std::string org_path;
  if (given(f.name)) {
    if (!*f.name || (*f.name)->empty()) v.add("name", "is required");
    else if ((*f.name)->size() > 200) v.add("name", "is longer than 200 bytes");
  } else if (creating) {
    v.add("name", "is required");
  }
  if (given(f.credit_code) && *f.credit_code) {
    std::string problem = credit_code_problem(**f.credit_code);
    if (!problem.empty()) v.add("credit_code", problem);
    else {
      auto other = conn.query_one("SELECT id FROM customers WHERE credit_code = ?", {**f.credit_code});
      if (other && other->i64(0) != self_id.value_or(0))
        v.add("credit_code", "another customer already has this credit code");
    }
  }
  if (given(f.industry_code) && *f.industry_code &&
      !conn.query_one("SELECT code FROM industries WHERE code = ?", {**f.industry_code}))
    v.add("industry_code", "unknown industry code (GB/T 4754-2017)");
  if (given(f.org_unit_id)) {
    if (!*f.org_unit_id) v.add("org_unit_id", "is required");
    else {
      auto r = conn.query_one("SELECT path, kind FROM org_units WHERE id = ?", {**f.org_unit_id});
      if (!r || !auth::org_in_scope(p, r->str(0))) v.add("org_unit_id", "unknown org unit");
      else if (r->str(1) == "department") v.add("org_unit_id", "customers belong to a bureau or station, not a department");
      else org_path = r->str(0);
    }
  } else if (creating) {
    v.add("org_unit_id", "is required");
  }
  auto check_code = [&](const Patch<std::string>& field, const char* name, const std::vector<CodeLabel>& list, bool nullable) {
    if (!given(field)) return;
    if (!*field) {
      if (!nullable) v.add(name, "is required");
      return;
    }
    if (!is_code_in(list, **field)) v.add(name, "must be one of " + codes_of(list));
  };
  check_code(f.importance_class, "importance_class", importance_classes(), false);
  check_code(f.outage_sensitivity, "outage_sensitivity", outage_sensitivities(), false);
  check_code(f.credit_grade, "credit_grade", credit_grades(), true);
  if (given(f.address) && *f.address && (*f.address)->size() > 500) v.add("address", "is longer than 500 bytes");
  if (given(f.tags) && *f.tags) {
    for (auto& t : **f.tags)
      if (t.size() > 60) v.add("tags", "each tag must be at most 60 bytes");
  }
  if (given(f.group_id) && *f.group_id) {
    auto g = conn.query_one("SELECT is_group, org_path, status FROM customers WHERE id = ?", {**f.group_id});
    if (!g || !auth::org_in_scope(p, g->str(1)))
      v.add("group_id", "unknown group customer");
    else if (!g->boolean(0)) v.add("group_id", "that customer is not a group (集团) customer");
    else if (self_id && **f.group_id == *self_id) v.add("group_id", "a customer cannot be its own group");
  }
  if (given(f.manager_id) && *f.manager_id) check_manager(conn, "manager_id", **f.manager_id, v);
  if (given(f.backup_manager_id) && *f.backup_manager_id) check_manager(conn, "backup_manager_id", **f.backup_manager_id, v);
  if (given(f.manager_id) && given(f.backup_manager_id) && *f.manager_id && *f.backup_manager_id &&
      **f.manager_id == **f.backup_manager_id)
    v.add("backup_manager_id", "must differ from the primary account manager");
  if (given(f.annual_kwh) && *f.annual_kwh && **f.annual_kwh < 0) v.add("annual_kwh", "must not be negative");
  return org_path;
}

void refresh_search_impl(Connection& conn, std::int64_t customer_id);

}  // namespace

void append_scope(const auth::Principal& p, storage::Backend backend, std::string& where, Params& params) {
  where += " AND " + storage::path_prefix_condition(backend, "c.org_path", p.org_path, params);
  auto scope = auth::customer_scope(p);
  if (scope.manager_id) {
    where += " AND " + auth::managed_by_condition(scope, "c");
    for (auto id : auth::managed_by_params(scope)) params.push_back(id);
  }
}

Visibility require_visible(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  auto r = conn.query_one("SELECT org_path, manager_id, backup_manager_id, status FROM customers WHERE id = ?", {customer_id});
  if (!r) throw_not_found("customer");
  Visibility v{r->str(0), r->opt_i64(1), r->opt_i64(2), r->str(3)};
  if (!auth::customer_visible(p, v.org_path, v.manager_id, v.backup_manager_id)) throw_not_found("customer");
  return v;
}

namespace {

std::string search_condition(storage::Backend backend) {
  return backend == storage::Backend::sqlite
             ? " AND c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)"
             : " AND c.id IN (SELECT customer_id FROM customer_search WHERE tsv @@ to_tsquery('simple', ?))";
}

// Builds WHERE + params of the customer list; returns false when the search text can match nothing.
bool build_list_where(Connection& conn, const auth::Principal& p, const ListFilter& f, std::string& where, Params& params) {
  where = " WHERE 1=1";
  append_scope(p, conn.backend(), where, params);
  if (f.q) {
    auto query = text::build_search_query(*f.q);
    if (query.kind == text::QueryKind::empty) return false;
    where += search_condition(conn.backend());
    params.push_back(conn.backend() == storage::Backend::sqlite ? query.fts5 : query.tsquery);
  }
  if (f.org_unit_id) {
    auto r = conn.query_one("SELECT path FROM org_units WHERE id = ?", {*f.org_unit_id});
    if (!r) return false;
    where += " AND " + storage::path_prefix_condition(conn.backend(), "c.org_path", r->str(0), params);
  }
  if (f.manager_id) {
    where += " AND (c.manager_id = ? OR c.backup_manager_id = ?)";
    params.push_back(*f.manager_id);
    params.push_back(*f.manager_id);
  }
  if (f.importance_class) {
    where += " AND c.importance_class = ?";
    params.push_back(*f.importance_class);
  }
  if (f.industry_code) {
    where += " AND c.industry_code = ?";
    params.push_back(*f.industry_code);
  }
  if (f.tag) {
    where += " AND (',' || c.tags || ',') LIKE ? ESCAPE '\\'";
    params.push_back("%," + storage::escape_like(*f.tag) + ",%");
  }
  if (f.is_key_account) {
    // A literal, so that the partial index of key accounts (WHERE is_key_account = 1) applies.
    where += *f.is_key_account ? " AND c.is_key_account = 1" : " AND c.is_key_account = 0";
  }
  if (f.is_group) {
    where += " AND c.is_group = ?";
    params.push_back(bool_value(*f.is_group));
  }
  where += " AND c.status = ?";
  params.push_back(f.status.value_or("active"));
  return true;
}

}  // namespace

bj::object list_customers(Connection& conn, const auth::Principal& p, const ListFilter& f, std::int64_t* total) {
  std::string where;
  Params params;
  bj::array items;
  if (!build_list_where(conn, p, f, where, params)) {
    *total = 0;
    return bj::object{{"items", std::move(items)}};
  }
  *total = conn.query_i64("SELECT COUNT(*) FROM customers c" + where, params);
  params.push_back(f.limit);
  params.push_back(f.offset);
  auto rows = conn.query(std::string(kCustomerSelect) + where +
                             " ORDER BY c.is_key_account DESC, c.annual_kwh DESC, c.id LIMIT ? OFFSET ?",
                         params);
  for (auto& r : rows) items.push_back(customer_json(r, p));
  return bj::object{{"items", std::move(items)}};
}

std::vector<bj::object> list_customers_for_export(Connection& conn, const auth::Principal& p, ListFilter f,
                                                 std::size_t max_rows) {
  std::vector<bj::object> out;
  std::string where;
  Params params;
  if (!build_list_where(conn, p, f, where, params)) return out;
  params.push_back(static_cast<std::int64_t>(max_rows));
  auto rows = conn.query(std::string(kCustomerSelect) + where +
                             " ORDER BY c.is_key_account DESC, c.annual_kwh DESC, c.id LIMIT ?",
                         params);
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(customer_json(r, p));
  return out;
}

bj::object customer_360(Connection& conn, const auth::Principal& p, std::int64_t id) {
  require_visible(conn, p, id);
  auto row = conn.query_one(std::string(kCustomerSelect) + " WHERE c.id = ?", {id});
  bj::object customer = customer_json(*row, p);
  bj::array accounts;
  for (auto& r : conn.query(
           "SELECT a.id, a.account_no, a.name, a.voltage_level, a.contract_capacity_kva, a.tariff_category, "
           "a.basic_charge_mode, a.supply_sources, a.emergency_power, a.line_id, l.name, a.transformer_area_id, t.name, "
           "a.address, a.status FROM accounts a LEFT JOIN lines l ON l.id = a.line_id "
           "LEFT JOIN transformer_areas t ON t.id = a.transformer_area_id WHERE a.customer_id = ? ORDER BY a.account_no",
           {id}))
    accounts.push_back(bj::object{{"id", r.i64(0)},
                                  {"account_no", r.str(1)},
                                  {"name", json::nullable(r.opt_str(2))},
                                  {"voltage_level", r.str(3)},
                                  {"contract_capacity_kva", r.i64(4)},
                                  {"tariff_category", r.str(5)},
                                  {"basic_charge_mode", r.str(6)},
                                  {"supply_sources", r.i64(7)},
                                  {"emergency_power", r.boolean(8)},
                                  {"line_id", json::nullable(r.opt_i64(9))},
                                  {"line_name", json::nullable(r.opt_str(10))},
                                  {"transformer_area_id", json::nullable(r.opt_i64(11))},
                                  {"transformer_area_name", json::nullable(r.opt_str(12))},
                                  {"address", json::nullable(r.opt_str(13))},
                                  {"status", r.str(14)}});
  bj::array contacts;
  for (auto& r : conn.query(
           "SELECT id, name, role, mobile, email, notice_types, active, confirmed_at FROM contacts WHERE customer_id = ? "
           "ORDER BY active DESC, id",
           {id})) {
    auto confirmed = r.opt_i64(7);
    contacts.push_back(bj::object{{"id", r.i64(0)},
                                  {"name", r.str(1)},
                                  {"role", r.str(2)},
                                  {"mobile", json::nullable(r.opt_str(3))},
                                  {"email", json::nullable(r.opt_str(4))},
                                  {"notice_types", string_array(split_list(r.str(5)))},
                                  {"active", r.boolean(6)},
                                  {"confirmed_at", confirmed ? bj::value(format_iso_utc(*confirmed)) : bj::value(nullptr)}});
  }
  bj::value group = nullptr;
  if (!customer["group_id"].is_null())
    group = bj::object{{"id", customer["group_id"]}, {"name", customer["group_name"]}};
  // Members of this group that the caller may see.
  bj::array members;
  if (customer["is_group"].as_bool()) {
    std::string where = " WHERE c.group_id = ? AND c.status = 'active'";
    Params params{id};
    append_scope(p, conn.backend(), where, params);
    for (auto& r : conn.query("SELECT c.id, c.name, o.name, c.is_key_account FROM customers c JOIN org_units o ON o.id = c.org_unit_id" +
                                  where + " ORDER BY c.name LIMIT 500",
                              params))
      members.push_back(bj::object{{"id", r.i64(0)}, {"name", r.str(1)}, {"org_unit_name", r.str(2)}, {"is_key_account", r.boolean(3)}});
  }
  return bj::object{{"customer", std::move(customer)},
                    {"accounts", std::move(accounts)},
                    {"contacts", std::move(contacts)},
                    {"group", std::move(group)},
                    {"group_members", std::move(members)},
                    {"open_items", timeline::open_follow_ups(conn, id)}};
}

bj::object timeline_page(Connection& conn, const auth::Principal& p, std::int64_t id, std::optional<std::string> kind,
                         std::int64_t limit, std::int64_t offset) {
  require_visible(conn, p, id);
  std::string where = " WHERE customer_id = ?";
  Params params{id};
  if (kind) {
    where += " AND kind = ?";
    params.push_back(*kind);
  }
  std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM timeline_events" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT id, at, kind, source, actor_name, title, body, ref_entity, ref_id, follow_up_due, "
                            "follow_up_closed_at FROM timeline_events" +
                                where + " ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
                            params)) {
    auto closed = r.opt_i64(10);
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"at", format_iso_utc(r.i64(1))},
                               {"kind", r.str(2)},
                               {"source", r.str(3)},
                               {"actor_name", json::nullable(r.opt_str(4))},
                               {"title", r.str(5)},
                               {"body", json::nullable(r.opt_str(6))},
                               {"ref_entity", json::nullable(r.opt_str(7))},
                               {"ref_id", json::nullable(r.opt_str(8))},
                               {"follow_up_due", json::nullable(r.opt_str(9))},
                               {"follow_up_closed_at", closed ? bj::value(format_iso_utc(*closed)) : bj::value(nullptr)}});
  }
  return json::list_envelope(std::move(items), total, limit ? offset / limit + 1 : 1, limit);
}

namespace {

constexpr const char* kSearchHitSelect =
    "SELECT c.id, c.name, c.credit_code, c.is_key_account, c.importance_class, o.name, m.display_name, c.status "
    "FROM customers c JOIN org_units o ON o.id = c.org_unit_id LEFT JOIN users m ON m.id = c.manager_id";

bj::object search_hit(const Row& r) {
  return bj::object{{"id", r.i64(0)},
                    {"name", r.str(1)},
                    {"credit_code", json::nullable(r.opt_str(2))},
                    {"is_key_account", r.boolean(3)},
                    {"importance_class", r.str(4)},
                    {"org_unit_name", r.str(5)},
                    {"manager_name", json::nullable(r.opt_str(6))},
                    {"status", r.str(7)}};
}

// Of the given customer ids, those the principal may see (active), in the given order.
std::vector<Row> visible_hits(Connection& conn, const auth::Principal& p, const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return {};
  std::string where = " WHERE c.status = 'active' AND c.id IN (";
  Params params;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    where += i ? ",?" : "?";
    params.push_back(ids[i]);
  }
  where += ")";
  append_scope(p, conn.backend(), where, params);
  auto rows = conn.query(std::string(kSearchHitSelect) + where, params);
  std::unordered_map<std::int64_t, std::size_t> position;
  for (std::size_t i = 0; i < ids.size(); ++i) position.emplace(ids[i], i);
  std::sort(rows.begin(), rows.end(), [&](const Row& x, const Row& y) { return position[x.i64(0)] < position[y.i64(0)]; });
  return rows;
}

// SQLite: staged lookups that never enumerate every match of a common fragment (a 2-character
// fragment can match a twentieth of a million customers): exact name first, then key accounts
// (their documents carry a marker token, so the full-text index intersects a short list), then
// the rest in index order, fetched in batches and filtered by scope.
std::vector<Row> sqlite_search(Connection& conn, const auth::Principal& p, const std::string& text,
                               const std::string& fts, std::size_t limit) {
  std::vector<Row> hits;
  std::unordered_set<std::int64_t> seen;
  auto take = [&](std::vector<Row> rows) {
    for (auto& r : rows) {
      if (hits.size() >= limit) return;
      if (seen.insert(r.i64(0)).second) hits.push_back(std::move(r));
    }
  };
  // 1. exact name
  {
    std::vector<std::int64_t> ids;
    for (auto& r : conn.query("SELECT id FROM customers WHERE name = ? LIMIT 20", {text})) ids.push_back(r.i64(0));
    take(visible_hits(conn, p, ids));
  }
  auto scope = auth::customer_scope(p);
  if (scope.manager_id) {
    // A restricted account manager's portfolio is small: search only inside it.
    std::vector<std::int64_t> ids;
    Params params;
    params.push_back(fts);
    for (auto id : auth::managed_by_params(scope)) params.push_back(id);
    params.push_back(static_cast<std::int64_t>(limit * 4));
    for (auto& r : conn.query("SELECT rowid FROM customer_search WHERE customer_search MATCH ? AND rowid IN "
                              "(SELECT id FROM customers c WHERE " + auth::managed_by_condition(scope, "c") + ") LIMIT ?",
                              params))
      ids.push_back(r.i64(0));
    std::vector<Row> rows = visible_hits(conn, p, ids);
    std::stable_sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) { return x.boolean(3) > y.boolean(3); });
    take(std::move(rows));
    return hits;
  }
  // 2. key accounts
  if (hits.size() < limit) {
    std::vector<std::int64_t> ids;
    for (auto& r : conn.query("SELECT rowid FROM customer_search WHERE customer_search MATCH ? LIMIT 200",
                              {"(" + fts + ") AND " + std::string(kKeyAccountToken)}))
      ids.push_back(r.i64(0));
    take(visible_hits(conn, p, ids));
  }
  // 3. everything else: a sample of visible matches in index order, fetched in batches (bounded
  // so a hopeless scan cannot run away), ranked names-starting-with-the-text first, then shorter.
  if (hits.size() < limit) {
    std::vector<Row> sample;
    const std::size_t wanted = (limit - hits.size()) * 8;
    std::int64_t after = 0;
    constexpr std::int64_t kBatch = 256, kMaxScanned = 50000;
    for (std::int64_t scanned = 0; sample.size() < wanted && scanned < kMaxScanned; scanned += kBatch) {
      std::vector<std::int64_t> ids;
      for (auto& r : conn.query(
               "SELECT rowid FROM customer_search WHERE customer_search MATCH ? AND rowid > ? ORDER BY rowid LIMIT ?",
               {fts, after, kBatch}))
        ids.push_back(r.i64(0));
      if (ids.empty()) break;
      after = ids.back();
      for (auto& r : visible_hits(conn, p, ids))
        if (!seen.count(r.i64(0))) sample.push_back(std::move(r));
      if (static_cast<std::int64_t>(ids.size()) < kBatch) break;
    }
    std::string simplified = text::to_simplified(text);
    std::stable_sort(sample.begin(), sample.end(), [&](const Row& x, const Row& y) {
      bool xs = starts_with(x.str(1), simplified), ys = starts_with(y.str(1), simplified);
      if (xs != ys) return xs;
      return x.str(1).size() < y.str(1).size();
    });
    take(std::move(sample));
  }
  return hits;
}

}  // namespace

bj::object search(Connection& conn, const auth::Principal& p, const std::string& q, std::int64_t limit) {
  bj::array items;
  auto query = text::build_search_query(q);
  if (query.kind == text::QueryKind::empty) return json::list_envelope(std::move(items), 0, 1, limit);
  std::vector<Row> rows;
  if (conn.backend() == storage::Backend::sqlite) {
    rows = sqlite_search(conn, p, trim(q), query.fts5, static_cast<std::size_t>(limit));
  } else {
    std::string where = " WHERE c.status = 'active'";
    Params params;
    append_scope(p, conn.backend(), where, params);
    params.push_back(query.tsquery);
    params.push_back(trim(q));
    params.push_back(limit);
    rows = conn.query(std::string(kSearchHitSelect) + " JOIN customer_search s ON s.customer_id = c.id" + where +
                          " AND s.tsv @@ to_tsquery('simple', ?) ORDER BY (c.name = ?) DESC, c.is_key_account DESC, "
                          "length(c.name), c.id LIMIT ?",
                      params);
  }
  for (auto& r : rows) items.push_back(search_hit(r));
  auto n = static_cast<std::int64_t>(items.size());
  return json::list_envelope(std::move(items), n, 1, limit);
}

bj::object lookup_phone(Connection& conn, const auth::Principal& p, const std::string& phone) {
  bj::array items;
  auto normalized = normalize_mobile(phone);
  if (!normalized) {
    // Landlines and partial numbers: digits only, exact match.
    std::string digits;
    for (char c : phone)
      if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    if (digits.size() < 5)
      throw AppError(ErrorCode::validation_failed, "invalid phone number", {{"phone", "give at least 5 digits"}});
    normalized = digits;
  }
  std::string where = " WHERE k.mobile = ? AND k.active = 1 AND c.status = 'active'";
  Params params{*normalized};
  append_scope(p, conn.backend(), where, params);
  auto rows = conn.query(
      "SELECT c.id, c.name, c.is_key_account, c.importance_class, o.name, k.name, m.id, m.display_name, m.mobile, "
      "(SELECT COUNT(*) FROM timeline_events t WHERE t.customer_id = c.id AND t.follow_up_due IS NOT NULL AND "
      "t.follow_up_closed_at IS NULL) "
      "FROM contacts k JOIN customers c ON c.id = k.customer_id JOIN org_units o ON o.id = c.org_unit_id "
      "LEFT JOIN users m ON m.id = c.manager_id" +
          where + " ORDER BY c.is_key_account DESC, c.id LIMIT 20",
      params);
  for (auto& r : rows) {
    bj::value manager = nullptr;
    if (!r.is_null(6))
      manager = bj::object{{"id", r.i64(6)}, {"name", r.str(7)}, {"mobile", json::nullable(r.opt_str(8))}};
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"name", r.str(1)},
                               {"is_key_account", r.boolean(2)},
                               {"importance_class", r.str(3)},
                               {"org_unit_name", r.str(4)},
                               {"contact_name", r.str(5)},
                               {"manager", std::move(manager)},
                               {"open_items", r.i64(9)}});
  }
  auto n = static_cast<std::int64_t>(items.size());
  return json::list_envelope(std::move(items), n, 1, 20);
}

std::int64_t create_customer(Connection& conn, const auth::Principal& p, const CustomerFields& in) {
  CustomerFields f = in;
  auto scope = auth::customer_scope(p);
  if (scope.manager_id) {
    // A restricted account manager creates customers for their own portfolio.
    if (!given(f.manager_id) || !*f.manager_id) f.manager_id = std::optional<std::int64_t>(*scope.manager_id);
    else if (**f.manager_id != *scope.manager_id &&
             (!given(f.backup_manager_id) || !*f.backup_manager_id || **f.backup_manager_id != *scope.manager_id))
      throw AppError(ErrorCode::validation_failed, "invalid manager",
                     {{"manager_id", "you can only create customers you manage"}});
  }
  Validator v;
  std::string org_path = validate_customer(conn, p, f, true, std::nullopt, v);
  v.throw_if_failed();
  Millis now = now_millis();
  std::vector<std::string> tags = given(f.tags) && *f.tags ? normalize_tags(**f.tags) : std::vector<std::string>{};
  std::int64_t id = conn.insert_returning_id(
      "INSERT INTO customers(name, credit_code, industry_code, org_unit_id, org_path, address, importance_class, "
      "outage_sensitivity, credit_grade, tags, group_id, is_group, is_key_account, manager_id, backup_manager_id, "
      "annual_kwh, status, version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'active',1,?,?) "
      "RETURNING id",
      {**f.name, patch_value(f.credit_code), patch_value(f.industry_code), **f.org_unit_id, org_path,
       patch_value(f.address), get_or(f.importance_class, "none"),
       get_or(f.outage_sensitivity, "normal"), patch_value(f.credit_grade),
       join(tags, ","), patch_value(f.group_id), bool_value(get_or(f.is_group, false)),
       bool_value(get_or(f.is_key_account, false)), patch_value(f.manager_id),
       patch_value(f.backup_manager_id), get_or(f.annual_kwh, 0.0), now, now});
  refresh_search_impl(conn, id);
  record_change(conn, p, id, org_path, "create", "customer", id, "", customer_snapshot(conn, id), "customer_created");
  return id;
}

void update_customer(Connection& conn, const auth::Principal& p, std::int64_t id, const CustomerFields& f,
                     std::optional<std::int64_t> expected_version) {
  Visibility vis = require_visible(conn, p, id);
  require_write_scope(p, vis);
  auto version = conn.query_i64("SELECT version FROM customers WHERE id = ?", {id});
  if (expected_version && *expected_version != version)
    throw AppError(ErrorCode::conflict, "someone else changed this customer meanwhile (version " + std::to_string(version) +
                                            "); reload and try again",
                   {{"version", "is stale"}});
  auto scope = auth::customer_scope(p);
  if (scope.manager_id && (given(f.manager_id) || given(f.backup_manager_id) || given(f.org_unit_id)))
    throw AppError(ErrorCode::forbidden, "account managers cannot reassign managers or org units; ask a marketing manager");
  Validator v;
  std::string new_path = validate_customer(conn, p, f, false, id, v);
  if (given(f.is_group) && *f.is_group && !**f.is_group &&
      conn.query_i64("SELECT COUNT(*) FROM customers WHERE group_id = ? AND status = 'active'", {id}) > 0)
    v.add("is_group", "this group still has members; move them first");
  v.throw_if_failed();
  std::string before = customer_snapshot(conn, id);
  std::string sets;
  Params params;
  auto set = [&](const char* column, Value value) {
    sets += std::string(sets.empty() ? "" : ", ") + column + " = ?";
    params.push_back(std::move(value));
  };
  if (given(f.name)) set("name", patch_value(f.name));
  if (given(f.credit_code)) set("credit_code", patch_value(f.credit_code));
  if (given(f.industry_code)) set("industry_code", patch_value(f.industry_code));
  if (given(f.org_unit_id)) {
    set("org_unit_id", patch_value(f.org_unit_id));
    set("org_path", new_path);
  }
  if (given(f.address)) set("address", patch_value(f.address));
  if (given(f.importance_class)) set("importance_class", patch_value(f.importance_class));
  if (given(f.outage_sensitivity)) set("outage_sensitivity", patch_value(f.outage_sensitivity));
  if (given(f.credit_grade)) set("credit_grade", patch_value(f.credit_grade));
  if (given(f.tags)) set("tags", *f.tags ? join(normalize_tags(**f.tags), ",") : std::string());
  if (given(f.group_id)) set("group_id", patch_value(f.group_id));
  if (given(f.is_group)) set("is_group", bool_value(f.is_group->value_or(false)));
  if (given(f.is_key_account)) set("is_key_account", bool_value(f.is_key_account->value_or(false)));
  if (given(f.manager_id)) set("manager_id", patch_value(f.manager_id));
  if (given(f.backup_manager_id)) set("backup_manager_id", patch_value(f.backup_manager_id));
  if (given(f.annual_kwh)) set("annual_kwh", f.annual_kwh->value_or(0.0));
  if (sets.empty()) return;
  sets += ", version = version + 1, updated_at = ?";
  params.push_back(now_millis());
  params.push_back(id);
  params.push_back(version);
  if (conn.execute("UPDATE customers SET " + sets + " WHERE id = ? AND version = ?", params) != 1)
    throw AppError(ErrorCode::conflict, "someone else changed this customer meanwhile; reload and try again");
  if (given(f.name) || given(f.credit_code) || given(f.is_key_account)) refresh_search_impl(conn, id);
  std::string after = customer_snapshot(conn, id);
  auto path = conn.query_one("SELECT org_path FROM customers WHERE id = ?", {id})->str(0);
  record_change(conn, p, id, path, "update", "customer", id, before, after, "customer_updated");
}

void set_customer_status(Connection& conn, const auth::Principal& p, std::int64_t id, bool active, const std::string& reason) {
  Visibility vis = require_visible(conn, p, id);
  require_write_scope(p, vis);
  if (reason.empty()) throw AppError(ErrorCode::validation_failed, "a reason is required", {{"reason", "is required"}});
  std::string target = active ? "active" : "inactive";
  if (vis.status == target) return;
  if (!active && conn.query_i64("SELECT COUNT(*) FROM customers WHERE group_id = ? AND status = 'active'", {id}) > 0)
    throw AppError(ErrorCode::validation_failed, "this group still has active members",
                   {{"id", "deactivate or move the group's members first"}});
  std::string before = customer_snapshot(conn, id);
  conn.execute("UPDATE customers SET status = ?, version = version + 1, updated_at = ? WHERE id = ?", {target, now_millis(), id});
  std::string after = customer_snapshot(conn, id);
  audit::record(conn, p.actor(), {active ? "reactivate" : "deactivate", "customer", std::to_string(id), vis.org_path, before,
                                  after.substr(0, after.size() - 1) + ",\"reason\":\"" + json_escape(reason) + "\"}"});
  quality::recheck_customers(conn, {id}, now_millis());
  timeline::Event e;
  e.customer_id = id;
  e.kind = "record_change";
  e.source = "archive";
  e.title = active ? "customer_reactivated" : "customer_deactivated";
  e.body = reason;
  e.ref_entity = "customer";
  e.ref_id = std::to_string(id);
  timeline::add(conn, p.actor(), e);
}

namespace {

// Tables whose rows follow a customer by their id. Rows that would collide with the kept customer's
// own (one programme or usage plan a year, plan version numbers, a package once) stay with the
// merged record; derived tables (yearly usage, identification runs, data-quality findings, the
// confirmation follow-ups of outages) are not moved: they are recomputed or closed.
struct MovedTable {
  const char* table;
  const char* conflict;  // "" or the condition (on alias x, the kept customer's row) that blocks a move
  const char* touch;     // "" or an extra SET clause
};
const MovedTable kMovedTables[] = {
    {"accounts", "", ", updated_at = ?"},
    {"contacts", "", ", updated_at = ?"},
    {"timeline_events", "", ""},
    {"claims", "", ""},
    {"key_account_history", "", ""},
    {"key_account_requests", "", ""},
    {"manager_handovers", "", ""},
    {"service_team_members", "", ""},
    {"programmes", "x.year = programmes.year", ""},
    {"emergency_plans", "x.version = emergency_plans.version", ""},
    {"usage_plans", "x.year = usage_plans.year", ""},
    {"visits", "", ""},
    {"action_items", "", ""},
    {"drills", "", ""},
    {"equipment", "", ""},
    {"service_attachments", "", ""},
    {"expansion_applications", "", ""},
    {"outage_notices", "", ""},
    {"supply_guarantees", "", ""},
};

bj::object move_references(Connection& conn, std::int64_t keep, std::int64_t dup, Millis now) {
  bj::object moved;
  bj::object tables;
  for (const MovedTable& t : kMovedTables) {
    const std::string table = t.table;
    std::vector<std::int64_t> ids;
    Params select{dup};
    std::string where = " WHERE customer_id = ?";
    if (*t.conflict) {
      where += " AND NOT EXISTS (SELECT 1 FROM " + table + " x WHERE x.customer_id = ? AND " + t.conflict + ")";
      select.push_back(keep);
    }
    conn.query_each("SELECT id FROM " + table + where, select, [&](const storage::Row& r) { ids.push_back(r.i64(0)); });
    if (ids.empty()) continue;
    const Params before = *t.touch ? Params{keep, now} : Params{keep};
    storage::for_id_chunks(ids, before, [&](const std::string& in, const Params& params) {
      conn.execute("UPDATE " + table + " SET customer_id = ?" + t.touch + " WHERE id IN " + in, params);
    });
    bj::array a;
    for (auto id : ids) a.push_back(id);
    tables[table] = std::move(a);
  }
  // The items of the programmes that moved follow them.
  std::vector<std::int64_t> items;
  conn.query_each("SELECT i.id FROM programme_items i JOIN programmes g ON g.id = i.programme_id WHERE i.customer_id = ? AND g.customer_id = ?",
                  {dup, keep}, [&](const storage::Row& r) { items.push_back(r.i64(0)); });
  if (!items.empty()) {
    storage::for_id_chunks(items, {keep}, [&](const std::string& in, const Params& params) {
      conn.execute("UPDATE programme_items SET customer_id = ? WHERE id IN " + in, params);
    });
    bj::array a;
    for (auto id : items) a.push_back(id);
    tables["programme_items"] = std::move(a);
  }
  moved["tables"] = std::move(tables);
  // Rows keyed by account follow the accounts (bills, the accounts an outage cut); packages once.
  conn.execute("UPDATE bills SET customer_id = ? WHERE customer_id = ?", {keep, dup});
  conn.execute("UPDATE outage_affected SET customer_id = ? WHERE customer_id = ?", {keep, dup});
  bj::array packages;
  conn.query_each("SELECT package_id FROM customer_service_packages p WHERE customer_id = ? AND NOT EXISTS "
                  "(SELECT 1 FROM customer_service_packages x WHERE x.customer_id = ? AND x.package_id = p.package_id)",
                  {dup, keep}, [&](const storage::Row& r) { packages.push_back(r.i64(0)); });
  for (auto& pk : packages)
    conn.execute("UPDATE customer_service_packages SET customer_id = ? WHERE customer_id = ? AND package_id = ?", {keep, dup, pk.as_int64()});
  moved["service_packages"] = std::move(packages);
  return moved;
}

}  // namespace

void merge_customers(Connection& conn, const auth::Principal& p, std::int64_t keep_id, std::int64_t duplicate_id,
                     const std::string& reason) {
  Validator v;
  if (reason.empty()) v.add("reason", "is required");
  if (keep_id == duplicate_id) v.add("duplicate_id", "cannot merge a customer into itself");
  v.throw_if_failed();
  Visibility keep = require_visible(conn, p, keep_id);
  Visibility dup;
  try {
    dup = require_visible(conn, p, duplicate_id);
  } catch (const AppError&) {
    throw AppError(ErrorCode::validation_failed, "unknown duplicate", {{"duplicate_id", "unknown customer"}});
  }
  if (keep.status != "active" || dup.status != "active")
    throw AppError(ErrorCode::validation_failed, "only active customers can be merged",
                   {{"duplicate_id", "both customers must be active"}});
  std::string before_keep = customer_snapshot(conn, keep_id), before_dup = customer_snapshot(conn, duplicate_id);
  Millis now = now_millis();
  // The kept record inherits the credit code when it has none.
  auto codes = conn.query_one("SELECT k.credit_code, d.credit_code FROM customers k, customers d WHERE k.id = ? AND d.id = ?",
                              {keep_id, duplicate_id});
  if (codes->is_null(0) && !codes->is_null(1)) {
    conn.execute("UPDATE customers SET credit_code = NULL WHERE id = ?", {duplicate_id});
    conn.execute("UPDATE customers SET credit_code = ? WHERE id = ?", {codes->str(1), keep_id});
  }
  // Every record that refers to the duplicate moves to the kept customer, and the moved rows are
  // kept with the merge so it can be undone.
  bj::object moved = move_references(conn, keep_id, duplicate_id, now);
  if (codes->is_null(0) && !codes->is_null(1)) moved["credit_code"] = codes->str(1);
  // Group membership: the kept record takes over the duplicate's members (and so becomes a group),
  // and never ends up as a member of itself.
  auto keep_group = conn.query_one("SELECT group_id, is_group FROM customers WHERE id = ?", {keep_id});
  moved["keep_group_id"] = keep_group->is_null(0) ? bj::value(nullptr) : bj::value(keep_group->i64(0));
  moved["keep_is_group"] = keep_group->boolean(1);
  conn.execute("UPDATE customers SET group_id = (SELECT group_id FROM customers WHERE id = ?) WHERE id = ? AND group_id = ?",
               {duplicate_id, keep_id, duplicate_id});
  bj::array members;
  conn.query_each("SELECT id FROM customers WHERE group_id = ? AND id <> ?", {duplicate_id, keep_id},
                  [&](const storage::Row& r) { members.push_back(r.i64(0)); });
  moved["group_members"] = members;
  if (conn.execute("UPDATE customers SET group_id = ? WHERE group_id = ? AND id <> ?", {keep_id, duplicate_id, keep_id}) > 0)
    conn.execute("UPDATE customers SET is_group = 1 WHERE id = ?", {keep_id});
  conn.insert_returning_id("INSERT INTO customer_merges(keep_id, duplicate_id, reason, moved_json, created_by, created_at) VALUES (?,?,?,?,?,?) RETURNING id",
                           {keep_id, duplicate_id, reason, json::serialize(moved), p.user_id, now});
  conn.execute("UPDATE customers SET status = 'merged', merged_into = ?, version = version + 1, updated_at = ? WHERE id = ?",
               {keep_id, now, duplicate_id});
  conn.execute("UPDATE customers SET version = version + 1, updated_at = ? WHERE id = ?", {now, keep_id});
  if (conn.backend() == storage::Backend::sqlite)
    conn.execute("DELETE FROM customer_search WHERE rowid = ?", {duplicate_id});
  else
    conn.execute("DELETE FROM customer_search WHERE customer_id = ?", {duplicate_id});
  refresh_search_impl(conn, keep_id);
  std::string reason_json = ",\"reason\":\"" + json_escape(reason) + "\"}";
  quality::recheck_customers(conn, {keep_id, duplicate_id}, now_millis());
  std::string after_keep = customer_snapshot(conn, keep_id), after_dup = customer_snapshot(conn, duplicate_id);
  audit::record(conn, p.actor(), {"merge", "customer", std::to_string(keep_id), keep.org_path, before_keep,
                                  after_keep.substr(0, after_keep.size() - 1) + reason_json});
  audit::record(conn, p.actor(), {"merged_into", "customer", std::to_string(duplicate_id), dup.org_path, before_dup,
                                  after_dup.substr(0, after_dup.size() - 1) + reason_json});
  timeline::Event e;
  e.customer_id = keep_id;
  e.kind = "record_change";
  e.source = "archive";
  e.title = "customer_merged";
  e.body = "#" + std::to_string(duplicate_id) + ": " + reason;
  e.ref_entity = "customer";
  e.ref_id = std::to_string(duplicate_id);
  timeline::add(conn, p.actor(), e);
}

namespace {

std::int64_t merge_undo_days(Connection& conn) {
  if (auto v = storage::setting(conn, "customers.merge_undo_days")) {
    try {
      return std::stoll(*v);
    } catch (const std::exception&) {
    }
  }
  return 30;
}

}  // namespace

bj::object list_merges(Connection& conn, const auth::Principal& p, std::int64_t customer_id, Millis now) {
  require_visible(conn, p, customer_id);
  const std::int64_t days = merge_undo_days(conn);
  bj::array items;
  for (auto& r : conn.query("SELECT m.id, m.keep_id, k.name, m.duplicate_id, d.name, m.reason, m.moved_json, u.display_name, m.created_at, "
                            "m.undone_at, v.display_name, m.undo_reason FROM customer_merges m JOIN customers k ON k.id = m.keep_id "
                            "JOIN customers d ON d.id = m.duplicate_id JOIN users u ON u.id = m.created_by LEFT JOIN users v ON v.id = m.undone_by "
                            "WHERE m.keep_id = ? OR m.duplicate_id = ? ORDER BY m.id DESC",
                            {customer_id, customer_id})) {
    bj::object moved_counts;
    const bj::object moved = json::parse_object(r.str(6));
    if (const auto* t = moved.if_contains("tables"); t && t->is_object())
      for (auto& [table, ids] : t->as_object()) moved_counts[table] = static_cast<std::int64_t>(ids.as_array().size());
    const Millis until = r.i64(8) + days * 86'400'000;
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"keep_id", r.i64(1)},
                               {"keep_name", r.str(2)},
                               {"duplicate_id", r.i64(3)},
                               {"duplicate_name", r.str(4)},
                               {"reason", r.str(5)},
                               {"moved", std::move(moved_counts)},
                               {"created_by", r.str(7)},
                               {"created_at", format_iso_utc(r.i64(8))},
                               {"undo_until", format_iso_utc(until)},
                               {"undone_at", json::instant_or_null(r.opt_i64(9))},
                               {"undone_by", json::nullable(r.opt_str(10))},
                               {"undo_reason", json::nullable(r.opt_str(11))},
                               {"can_undo", r.is_null(9) && now <= until}});
  }
  return bj::object{{"items", std::move(items)}, {"undo_days", days}};
}

std::int64_t undo_merge(Connection& conn, const auth::Principal& p, std::int64_t merge_id, const std::string& reason, Millis now) {
  auth::require_permission(p, auth::Permission::customer_merge);
  if (trim(reason).empty()) throw AppError(ErrorCode::validation_failed, "invalid undo", {{"reason", "is required"}});
  auto m = conn.query_one("SELECT keep_id, duplicate_id, moved_json, created_at, undone_at FROM customer_merges WHERE id = ?", {merge_id});
  if (!m) throw_not_found("merge");
  const std::int64_t keep = m->i64(0), dup = m->i64(1);
  Visibility kv = require_visible(conn, p, keep);
  if (!m->is_null(4)) throw AppError(ErrorCode::invalid_transition, "the merge was already undone");
  if (now > m->i64(3) + merge_undo_days(conn) * 86'400'000)
    throw AppError(ErrorCode::invalid_transition, "a merge can be undone within " + std::to_string(merge_undo_days(conn)) + " days");
  auto d = conn.query_one("SELECT status, merged_into, org_path FROM customers WHERE id = ?", {dup});
  if (!d || d->str(0) != "merged" || d->opt_i64(1) != keep) throw AppError(ErrorCode::invalid_transition, "the duplicate is no longer merged into this customer");
  std::string before_keep = customer_snapshot(conn, keep), before_dup = customer_snapshot(conn, dup);
  const bj::object moved = json::parse_object(m->str(2));
  std::vector<std::int64_t> accounts;
  if (const auto* t = moved.if_contains("tables"); t && t->is_object())
    for (auto& [table, ids] : t->as_object()) {
      std::vector<std::int64_t> list;
      for (auto& id : ids.as_array()) list.push_back(id.as_int64());
      if (table == "accounts") accounts = list;
      const std::string name(table);
      storage::for_id_chunks(list, {dup, keep}, [&](const std::string& in, const Params& params) {
        conn.execute("UPDATE " + name + " SET customer_id = ? WHERE customer_id = ? AND id IN " + in, params);
      });
    }
  // Rows keyed by account go back with the accounts; the packages that moved.
  storage::for_id_chunks(accounts, {dup, keep}, [&](const std::string& in, const Params& params) {
    conn.execute("UPDATE bills SET customer_id = ? WHERE customer_id = ? AND account_id IN " + in, params);
    conn.execute("UPDATE outage_affected SET customer_id = ? WHERE customer_id = ? AND account_id IN " + in, params);
  });
  if (const auto* pk = moved.if_contains("service_packages"))
    for (auto& id : pk->as_array())
      conn.execute("UPDATE customer_service_packages SET customer_id = ? WHERE customer_id = ? AND package_id = ?", {dup, keep, id.as_int64()});
  // Group membership and the credit code as they were.
  if (const auto* members = moved.if_contains("group_members"))
    for (auto& id : members->as_array()) conn.execute("UPDATE customers SET group_id = ? WHERE id = ? AND group_id = ?", {dup, id.as_int64(), keep});
  if (const auto* g = moved.if_contains("keep_group_id"))
    conn.execute("UPDATE customers SET group_id = ? WHERE id = ?", {g->is_int64() ? Value(g->as_int64()) : storage::null_value(), keep});
  if (const auto* g = moved.if_contains("keep_is_group"))
    conn.execute("UPDATE customers SET is_group = ? WHERE id = ?", {std::int64_t{g->as_bool()}, keep});
  if (const auto* code = moved.if_contains("credit_code"); code && code->is_string()) {
    conn.execute("UPDATE customers SET credit_code = NULL WHERE id = ?", {keep});
    conn.execute("UPDATE customers SET credit_code = ? WHERE id = ?", {std::string(code->as_string()), dup});
  }
  conn.execute("UPDATE customers SET status = 'active', merged_into = NULL, version = version + 1, updated_at = ? WHERE id = ?", {now, dup});
  conn.execute("UPDATE customers SET version = version + 1, updated_at = ? WHERE id = ?", {now, keep});
  conn.execute("UPDATE customer_merges SET undone_by = ?, undone_at = ?, undo_reason = ? WHERE id = ?", {p.user_id, now, trim(reason), merge_id});
  refresh_search_impl(conn, keep);
  refresh_search_impl(conn, dup);
  quality::recheck_customers(conn, {keep, dup}, now);
  const std::string reason_json = ",\"reason\":\"" + json_escape(reason) + "\"}";
  std::string after_keep = customer_snapshot(conn, keep), after_dup = customer_snapshot(conn, dup);
  audit::record(conn, p.actor(), {"unmerge", "customer", std::to_string(keep), kv.org_path, before_keep,
                                  after_keep.substr(0, after_keep.size() - 1) + reason_json});
  audit::record(conn, p.actor(), {"unmerged_from", "customer", std::to_string(dup), d->str(2), before_dup,
                                  after_dup.substr(0, after_dup.size() - 1) + reason_json});
  for (auto [id, other] : {std::pair{keep, dup}, std::pair{dup, keep}}) {
    timeline::Event e;
    e.customer_id = id;
    e.kind = "record_change";
    e.source = "archive";
    e.title = "customer_unmerged";
    e.body = "#" + std::to_string(other) + ": " + trim(reason);
    e.ref_entity = "customer";
    e.ref_id = std::to_string(other);
    timeline::add(conn, p.actor(), e);
  }
  return dup;
}

namespace {

// The substation feeding a line must belong to the caller's subtree (topology is scoped like customers).
bool line_in_scope(Connection& conn, const auth::Principal& p, std::int64_t line_id) {
  auto r = conn.query_one(
      "SELECT o.path FROM lines l JOIN substations s ON s.id = l.substation_id JOIN org_units o ON o.id = s.org_unit_id "
      "WHERE l.id = ?",
      {line_id});
  return r && auth::org_in_scope(p, r->str(0));
}

void check_account(Connection& conn, const auth::Principal& p, const AccountFields& f, bool creating,
                           std::optional<std::int64_t> self_id, Validator& v) {
  if (given(f.account_no)) {
    if (!*f.account_no || (*f.account_no)->empty()) v.add("account_no", "is required");
    else if (!valid_account_no(**f.account_no)) v.add("account_no", "must be 6 to 20 digits or capital letters");
    else {
      auto other = conn.query_one("SELECT id FROM accounts WHERE account_no = ?", {**f.account_no});
      if (other && other->i64(0) != self_id.value_or(0)) v.add("account_no", "this 户号 already exists");
    }
  } else if (creating) {
    v.add("account_no", "is required");
  }
  auto code = [&](const Patch<std::string>& field, const char* name, const std::vector<CodeLabel>& list, bool required) {
    if (!given(field)) {
      if (creating && required) v.add(name, "is required");
      return;
    }
    if (!*field) {
      if (required) v.add(name, "is required");
      return;
    }
    if (!is_code_in(list, **field)) v.add(name, "must be one of " + codes_of(list));
  };
  code(f.voltage_level, "voltage_level", voltage_levels(), true);
  code(f.tariff_category, "tariff_category", tariff_categories(), true);
  code(f.basic_charge_mode, "basic_charge_mode", basic_charge_modes(), false);
  if (given(f.status) && *f.status && **f.status != "active" && **f.status != "inactive")
    v.add("status", "must be active or inactive");
  if (given(f.contract_capacity_kva) && *f.contract_capacity_kva &&
      (**f.contract_capacity_kva < 0 || **f.contract_capacity_kva > 10000000))
    v.add("contract_capacity_kva", "must be between 0 and 10,000,000 kVA");
  if (given(f.supply_sources) && *f.supply_sources && (**f.supply_sources < 1 || **f.supply_sources > 4))
    v.add("supply_sources", "must be between 1 and 4");
  std::optional<std::int64_t> line_id;
  if (given(f.line_id) && *f.line_id) {
    if (!line_in_scope(conn, p, **f.line_id)) v.add("line_id", "unknown line");
    else line_id = **f.line_id;
  }
  if (given(f.transformer_area_id) && *f.transformer_area_id) {
    auto t = conn.query_one("SELECT line_id FROM transformer_areas WHERE id = ?", {**f.transformer_area_id});
    if (!t || !line_in_scope(conn, p, t->i64(0))) v.add("transformer_area_id", "unknown transformer area");
    else if (line_id && t->i64(0) != *line_id) v.add("transformer_area_id", "this transformer area is not on the given line");
  }
  if (given(f.name) && *f.name && (*f.name)->size() > 200) v.add("name", "is longer than 200 bytes");
}

void check_contact(const ContactFields& f, bool creating, Validator& v, ContactFields& normalized) {
  normalized = f;
  if (given(f.name)) {
    if (!*f.name || (*f.name)->empty()) v.add("name", "is required");
    else if ((*f.name)->size() > 100) v.add("name", "is longer than 100 bytes");
  } else if (creating) {
    v.add("name", "is required");
  }
  if (given(f.role)) {
    if (!*f.role || !is_code_in(contact_roles(), **f.role)) v.add("role", "must be one of " + codes_of(contact_roles()));
  } else if (creating) {
    v.add("role", "is required");
  }
  if (given(f.mobile) && *f.mobile) {
    auto m = normalize_mobile(**f.mobile);
    if (!m) v.add("mobile", "must be an 11-digit mainland mobile number such as 13812345678");
    else normalized.mobile = std::optional<std::string>(*m);
  }
  if (given(f.email) && *f.email && !valid_email(**f.email)) v.add("email", "is not a valid e-mail address");
  if (given(f.notice_types) && *f.notice_types) {
    for (auto& t : **f.notice_types)
      if (!is_code_in(notice_types(), t)) v.add("notice_types", "unknown notice type '" + t + "'; use " + codes_of(notice_types()));
  }
}

std::int64_t customer_of(Connection& conn, const char* table, std::int64_t id, const char* what) {
  auto r = conn.query_one(std::string("SELECT customer_id FROM ") + table + " WHERE id = ?", {id});
  if (!r) throw_not_found(what);
  return r->i64(0);
}

}  // namespace

std::int64_t create_account(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const AccountFields& f) {
  Visibility vis = require_visible(conn, p, customer_id);
  require_write_scope(p, vis);
  Validator v;
  check_account(conn, p, f, true, std::nullopt, v);
  v.throw_if_failed();
  Millis now = now_millis();
  std::int64_t id = conn.insert_returning_id(
      "INSERT INTO accounts(customer_id, account_no, name, voltage_level, contract_capacity_kva, tariff_category, "
      "basic_charge_mode, supply_sources, emergency_power, line_id, transformer_area_id, address, status, created_at, "
      "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'active',?,?) RETURNING id",
      {customer_id, **f.account_no, patch_value(f.name), **f.voltage_level,
       get_or(f.contract_capacity_kva, 0), **f.tariff_category,
       get_or(f.basic_charge_mode, "none"), get_or(f.supply_sources, 1),
       bool_value(get_or(f.emergency_power, false)), patch_value(f.line_id),
       patch_value(f.transformer_area_id), patch_value(f.address), now, now});
  refresh_search_impl(conn, customer_id);
  record_change(conn, p, customer_id, vis.org_path, "create", "account", id, "", account_snapshot(conn, id), "account_created");
  return id;
}

void update_account(Connection& conn, const auth::Principal& p, std::int64_t account_id, const AccountFields& f) {
  std::int64_t customer_id = customer_of(conn, "accounts", account_id, "account");
  Visibility vis;
  try {
    vis = require_visible(conn, p, customer_id);
  } catch (const AppError&) {
    throw_not_found("account");
  }
  require_write_scope(p, vis);
  Validator v;
  AccountFields checked = f;
  // Validate the transformer area against the line the account will have.
  if (given(f.transformer_area_id) && !given(f.line_id)) {
    auto line = conn.query_one("SELECT line_id FROM accounts WHERE id = ?", {account_id});
    if (line && !line->is_null(0)) checked.line_id = std::optional<std::int64_t>(line->i64(0));
  }
  check_account(conn, p, checked, false, account_id, v);
  v.throw_if_failed();
  std::string before = account_snapshot(conn, account_id);
  std::string sets;
  Params params;
  auto set = [&](const char* column, Value value) {
    sets += std::string(sets.empty() ? "" : ", ") + column + " = ?";
    params.push_back(std::move(value));
  };
  if (given(f.account_no)) set("account_no", patch_value(f.account_no));
  if (given(f.name)) set("name", patch_value(f.name));
  if (given(f.voltage_level)) set("voltage_level", patch_value(f.voltage_level));
  if (given(f.contract_capacity_kva)) set("contract_capacity_kva", f.contract_capacity_kva->value_or(0));
  if (given(f.tariff_category)) set("tariff_category", patch_value(f.tariff_category));
  if (given(f.basic_charge_mode)) set("basic_charge_mode", f.basic_charge_mode->value_or("none"));
  if (given(f.supply_sources)) set("supply_sources", f.supply_sources->value_or(1));
  if (given(f.emergency_power)) set("emergency_power", bool_value(f.emergency_power->value_or(false)));
  if (given(f.line_id)) set("line_id", patch_value(f.line_id));
  if (given(f.transformer_area_id)) set("transformer_area_id", patch_value(f.transformer_area_id));
  if (given(f.address)) set("address", patch_value(f.address));
  if (given(f.status)) set("status", f.status->value_or("active"));
  if (sets.empty()) return;
  sets += ", updated_at = ?";
  params.push_back(now_millis());
  params.push_back(account_id);
  conn.execute("UPDATE accounts SET " + sets + " WHERE id = ?", params);
  if (given(f.account_no)) refresh_search_impl(conn, customer_id);
  record_change(conn, p, customer_id, vis.org_path, "update", "account", account_id, before, account_snapshot(conn, account_id),
                "account_updated");
}

std::int64_t create_contact(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const ContactFields& f) {
  Visibility vis = require_visible(conn, p, customer_id);
  require_write_scope(p, vis);
  Validator v;
  ContactFields n;
  check_contact(f, true, v, n);
  v.throw_if_failed();
  Millis now = now_millis();
  std::int64_t id = conn.insert_returning_id(
      "INSERT INTO contacts(customer_id, name, role, mobile, email, notice_types, active, confirmed_at, created_at, "
      "updated_at) VALUES (?,?,?,?,?,?,1,?,?,?) RETURNING id",
      {customer_id, **n.name, **n.role, patch_value(n.mobile), patch_value(n.email),
       join(get_or(n.notice_types, std::vector<std::string>{}), ","), now, now, now});
  refresh_search_impl(conn, customer_id);
  record_change(conn, p, customer_id, vis.org_path, "create", "contact", id, "", contact_snapshot(conn, id), "contact_created");
  return id;
}

void update_contact(Connection& conn, const auth::Principal& p, std::int64_t contact_id, const ContactFields& f) {
  std::int64_t customer_id = customer_of(conn, "contacts", contact_id, "contact");
  Visibility vis;
  try {
    vis = require_visible(conn, p, customer_id);
  } catch (const AppError&) {
    throw_not_found("contact");
  }
  require_write_scope(p, vis);
  Validator v;
  ContactFields n;
  check_contact(f, false, v, n);
  v.throw_if_failed();
  std::string before = contact_snapshot(conn, contact_id);
  std::string sets;
  Params params;
  auto set = [&](const char* column, Value value) {
    sets += std::string(sets.empty() ? "" : ", ") + column + " = ?";
    params.push_back(std::move(value));
  };
  if (given(n.name)) set("name", patch_value(n.name));
  if (given(n.role)) set("role", patch_value(n.role));
  if (given(n.mobile)) set("mobile", patch_value(n.mobile));
  if (given(n.email)) set("email", patch_value(n.email));
  if (given(n.notice_types)) set("notice_types", n.notice_types->has_value() ? join(**n.notice_types, ",") : std::string());
  if (given(n.active)) set("active", bool_value(n.active->value_or(true)));
  if (sets.empty()) return;
  // Editing a contact counts as confirming it with the customer.
  sets += ", confirmed_at = ?, updated_at = ?";
  Millis now = now_millis();
  params.push_back(now);
  params.push_back(now);
  params.push_back(contact_id);
  conn.execute("UPDATE contacts SET " + sets + " WHERE id = ?", params);
  refresh_search_impl(conn, customer_id);
  record_change(conn, p, customer_id, vis.org_path, "update", "contact", contact_id, before, contact_snapshot(conn, contact_id),
                given(n.active) && !n.active->value_or(true) ? "contact_deactivated" : "contact_updated");
}

std::int64_t log_interaction(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const std::string& kind,
                             const std::string& title, const std::string& body, std::int64_t at,
                             std::optional<std::string> follow_up_due) {
  Visibility vis = require_visible(conn, p, customer_id);
  require_write_scope(p, vis);
  Validator v;
  if (kind != "call" && kind != "visit" && kind != "message") v.add("kind", "must be call, visit or message");
  if (title.empty()) v.add("title", "is required");
  if (title.size() > 200) v.add("title", "is longer than 200 bytes");
  if (body.size() > 10000) v.add("body", "is longer than 10000 bytes");
  if (follow_up_due && !is_valid_date(*follow_up_due)) v.add("follow_up_due", "must be a date YYYY-MM-DD");
  if (at > now_millis() + 5 * 60 * 1000) v.add("at", "must not be in the future");
  v.throw_if_failed();
  timeline::Event e;
  e.customer_id = customer_id;
  e.at = at;
  e.kind = kind;
  e.source = "interactions";
  e.title = title;
  e.body = body;
  e.follow_up_due = follow_up_due;
  std::int64_t id = timeline::add(conn, p.actor(), e);
  bj::object after{{"customer_id", customer_id}, {"kind", kind}, {"title", title}, {"body", body},
                   {"at", format_iso_utc(at)}, {"follow_up_due", json::nullable(follow_up_due)}};
  audit::record(conn, p.actor(), {"create", "interaction", std::to_string(id), vis.org_path, "", json::serialize(after)});
  return id;
}

void close_follow_up(Connection& conn, const auth::Principal& p, std::int64_t event_id) {
  auto r = conn.query_one("SELECT customer_id, follow_up_due, follow_up_closed_at FROM timeline_events WHERE id = ?", {event_id});
  if (!r) throw_not_found("timeline event");
  Visibility vis;
  try {
    vis = require_visible(conn, p, r->i64(0));
  } catch (const AppError&) {
    throw_not_found("timeline event");
  }
  if (r->is_null(1)) throw AppError(ErrorCode::validation_failed, "this entry has no follow-up", {{"event_id", "has no follow-up"}});
  if (!r->is_null(2)) return;
  Millis now = now_millis();
  conn.execute("UPDATE timeline_events SET follow_up_closed_at = ? WHERE id = ?", {now, event_id});
  audit::record(conn, p.actor(), {"close_follow_up", "interaction", std::to_string(event_id), vis.org_path, "",
                                  "{\"follow_up_closed_at\":\"" + format_iso_utc(now) + "\"}"});
}

void write_search_document(Connection& conn, std::int64_t customer_id, const std::string& doc, SearchWrite mode) {
  if (conn.backend() == storage::Backend::sqlite) {
    if (mode == SearchWrite::replace) conn.execute("DELETE FROM customer_search WHERE rowid = ?", {customer_id});
    conn.execute("INSERT INTO customer_search(rowid, doc) VALUES (?, ?)", {customer_id, doc});
  } else {
    conn.execute(
        "INSERT INTO customer_search(customer_id, doc) VALUES (?, ?) ON CONFLICT (customer_id) DO UPDATE SET doc = "
        "EXCLUDED.doc",
        {customer_id, doc});
  }
}

namespace {
void refresh_search_impl(Connection& conn, std::int64_t customer_id) {
  auto c = conn.query_one("SELECT name, credit_code, is_key_account FROM customers WHERE id = ?", {customer_id});
  if (!c) return;
  text::SearchFields f;
  f.name = c->str(0);
  f.credit_code = c->str(1);
  for (auto& r : conn.query("SELECT account_no FROM accounts WHERE customer_id = ?", {customer_id}))
    f.account_numbers.push_back(r.str(0));
  for (auto& r : conn.query("SELECT mobile FROM contacts WHERE customer_id = ? AND active = 1 AND mobile IS NOT NULL", {customer_id}))
    f.phones.push_back(r.str(0));
  write_search_document(conn, customer_id, search_document(f, c->boolean(2)));
}
}  // namespace

std::string search_document(const text::SearchFields& fields, bool key_account) {
  std::string doc = text::build_search_document(fields);
  if (key_account) doc += std::string(" ") + kKeyAccountToken;
  return doc;
}

void refresh_search(Connection& conn, std::int64_t customer_id) { refresh_search_impl(conn, customer_id); }

namespace {
// Builds and writes the documents of the customers with ids first..last, at most `limit` of them,
// in id order; returns how many, with `last_done` the id up to which the range is now indexed.
// Each batch reads its accounts and phones with one query each.
std::int64_t index_range(Connection& conn, std::int64_t first, std::int64_t last, std::int64_t limit, std::int64_t& last_done) {
  auto customers = conn.query("SELECT id, name, credit_code, is_key_account FROM customers WHERE id BETWEEN ? AND ? ORDER BY id LIMIT ?",
                              {first, last, limit});
  last_done = static_cast<std::int64_t>(customers.size()) < limit || customers.empty() ? last : customers.back().i64(0);
  if (customers.empty()) return 0;
  const std::int64_t low = customers.front().i64(0), high = customers.back().i64(0);
  std::unordered_map<std::int64_t, text::SearchFields> fields;
  fields.reserve(customers.size());
  for (auto& c : customers) {
    auto& f = fields[c.i64(0)];
    f.name = c.str(1);
    f.credit_code = c.str(2);
  }
  for (auto& r : conn.query("SELECT customer_id, account_no FROM accounts WHERE customer_id BETWEEN ? AND ?", {low, high}))
    if (auto it = fields.find(r.i64(0)); it != fields.end()) it->second.account_numbers.push_back(r.str(1));
  for (auto& r : conn.query("SELECT customer_id, mobile FROM contacts WHERE customer_id BETWEEN ? AND ? AND active = 1 "
                            "AND mobile IS NOT NULL",
                            {low, high}))
    if (auto it = fields.find(r.i64(0)); it != fields.end()) it->second.phones.push_back(r.str(1));
  for (auto& c : customers) write_search_document(conn, c.i64(0), search_document(fields[c.i64(0)], c.boolean(3)));
  return static_cast<std::int64_t>(customers.size());
}
}  // namespace

std::int64_t ensure_search_index(storage::Database& db) {
  const std::string wanted = std::to_string(kSearchDocumentVersion);
  auto stored = db.read([](Connection& conn) {
    auto r = conn.query_one("SELECT value FROM app_state WHERE key = 'search_document_version'");
    return r ? r->str(0) : std::string();
  });
  if (stored == wanted) return 0;
  bool empty = stored.empty() && db.read([](Connection& conn) { return !conn.query_one("SELECT id FROM customers LIMIT 1"); });
  if (empty) {  // nothing to index: just record the format
    db.transaction([&](Connection& conn) {
      conn.execute("INSERT INTO app_state(key, value) VALUES ('search_document_version', ?)", {wanted});
    });
    return 0;
  }
  constexpr std::int64_t kBatch = 5000;
  std::int64_t done = 0, after = 0;
  for (;;) {
    std::int64_t n = db.transaction([&](Connection& conn) {
      std::int64_t last_done = 0;
      std::int64_t k = index_range(conn, after + 1, std::numeric_limits<std::int64_t>::max(), kBatch, last_done);
      after = last_done;
      return k;
    });
    if (n == 0) break;
    done += n;
  }
  db.transaction([&](Connection& conn) {
    conn.execute("DELETE FROM app_state WHERE key = 'search_document_version'");
    conn.execute("INSERT INTO app_state(key, value) VALUES ('search_document_version', ?)", {wanted});
  });
  return done;
}

void queue_search(Connection& conn, std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  const Millis now = now_millis();
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i + 1;
    while (j < ids.size() && ids[j] <= ids[j - 1] + 1) ++j;  // a run of consecutive ids (or repeats)
    conn.execute("INSERT INTO search_backlog(first_id, last_id, created_at) VALUES (?, ?, ?)", {ids[i], ids[j - 1], now});
    i = j;
  }
}

std::int64_t index_search_backlog(Connection& conn, std::int64_t limit) {
  std::int64_t done = 0;
  while (done < limit) {
    // The oldest range; on PostgreSQL locked, so that two servers draining at once take different ones.
    auto r = conn.query_one(conn.backend() == storage::Backend::postgres
                                ? "SELECT id, first_id, last_id FROM search_backlog ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
                                : "SELECT id, first_id, last_id FROM search_backlog ORDER BY id LIMIT 1");
    if (!r) break;
    std::int64_t last_done = 0;
    done += index_range(conn, r->i64(1), r->i64(2), limit - done, last_done);
    if (last_done >= r->i64(2)) conn.execute("DELETE FROM search_backlog WHERE id = ?", {r->i64(0)});
    else conn.execute("UPDATE search_backlog SET first_id = ? WHERE id = ?", {last_done + 1, r->i64(0)});
  }
  return done;
}

std::int64_t drain_search_backlog(storage::Database& db, const std::function<void(std::int64_t)>& progress) {
  constexpr std::int64_t kBatch = 20000;
  std::int64_t total = 0;
  for (;;) {
    auto [n, left] = db.transaction([&](Connection& conn) {
      const std::int64_t k = index_search_backlog(conn, kBatch);
      return std::pair{k, k > 0 ? search_backlog_size(conn) : std::int64_t{0}};
    });
    if (n == 0) break;  // empty, or what is left is being indexed by another server
    total += n;
    if (progress) progress(left);
    if (left == 0) break;
  }
  return total;
}

std::int64_t search_backlog_size(Connection& conn) {
  return conn.query_i64("SELECT COALESCE(SUM(last_id - first_id + 1), 0) FROM search_backlog");
}

}  // namespace lianxin::customers
