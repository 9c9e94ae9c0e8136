#include "billing/groups.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "customers/service.hpp"
#include "org/tree.hpp"

namespace lianxin::billing {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;
using storage::Row;

namespace {

constexpr int kMaxDepth = 20;  // a group tree deeper than this is a data error; cycles stop here too

struct Member {
  std::int64_t id = 0, parent = 0, org_unit_id = 0;
  std::string name, credit_code, org_path, status;
  bool is_group = false, is_key_account = false, visible = false;
  int depth = 0;
  std::int64_t shown_parent = 0;  // the nearest visible ancestor group (the tree as the caller sees it)
};

constexpr const char* kMemberColumns =
    "id, group_id, org_unit_id, name, credit_code, org_path, status, is_group, is_key_account, manager_id, backup_manager_id";

Member member_of(const Row& r, const auth::Principal& p, int depth) {
  Member m;
  m.id = r.i64(0);
  m.parent = r.is_null(1) ? 0 : r.i64(1);
  m.org_unit_id = r.i64(2);
  m.name = r.str(3);
  m.credit_code = r.str(4);
  m.org_path = r.str(5);
  m.status = r.str(6);
  m.is_group = r.boolean(7);
  m.is_key_account = r.boolean(8);
  m.visible = auth::customer_visible(p, m.org_path, r.opt_i64(9), r.opt_i64(10));
  m.depth = depth;
  return m;
}

struct Tree {
  Member root;
  std::vector<Member> members;  // breadth first, the root not included
  std::int64_t omitted = 0;     // members outside the caller's scope
  std::vector<std::int64_t> visible_ids() const {
    std::vector<std::int64_t> ids;
    for (auto& m : members)
      if (m.visible) ids.push_back(m.id);
    return ids;
  }
  std::vector<std::int64_t> group_ids() const {  // the root and every sub-group, visible or not
    std::vector<std::int64_t> ids{root.id};
    for (auto& m : members)
      if (m.is_group) ids.push_back(m.id);
    return ids;
  }
};

// The group and its members, level by level (sub-groups' members too). Not found unless the
// customer is a group the caller may see.
Tree load_tree(Connection& conn, const auth::Principal& p, std::int64_t group_id) {
  auto root = conn.query_one(std::string("SELECT ") + kMemberColumns + " FROM customers WHERE id = ?", {group_id});
  if (!root) throw_not_found("group");
  Tree t;
  t.root = member_of(*root, p, 0);
  if (!t.root.visible || !t.root.is_group || t.root.status == "merged") throw_not_found("group");
  std::unordered_set<std::int64_t> seen{group_id};
  std::unordered_map<std::int64_t, std::int64_t> shown{{group_id, group_id}};  // group -> nearest visible ancestor or itself
  std::vector<std::int64_t> frontier{group_id};
  for (int depth = 1; depth <= kMaxDepth && !frontier.empty(); ++depth) {
    std::vector<std::int64_t> next;
    storage::for_id_chunks(frontier, {}, [&](const std::string& in, const Params& params) {
      for (auto& r : conn.query(std::string("SELECT ") + kMemberColumns + " FROM customers WHERE group_id IN " + in +
                                    " AND status <> 'merged' ORDER BY id",
                                params)) {
        Member m = member_of(r, p, depth);
        if (!seen.insert(m.id).second) continue;
        m.shown_parent = shown.at(m.parent);
        if (m.is_group) {
          shown[m.id] = m.visible ? m.id : m.shown_parent;
          next.push_back(m.id);
        }
        if (!m.visible) ++t.omitted;
        t.members.push_back(std::move(m));
      }
    });
    frontier = std::move(next);
  }
  return t;
}

void check_period(const std::string& period) {
  if (!normalize_period(period) || *normalize_period(period) != period)
    throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"period", "must be a month YYYY-MM"}});
}

bj::object totals_json(const Totals& t) {
  return bj::object{{"accounts", t.accounts},   {"billed", t.billed},         {"kwh_sharp", t.kwh_sharp},
                    {"kwh_peak", t.kwh_peak},   {"kwh_flat", t.kwh_flat},     {"kwh_valley", t.kwh_valley},
                    {"kwh_total", t.kwh_total}, {"amount_fen", t.amount_fen}, {"paid_fen", t.paid_fen},
                    {"arrears_fen", t.arrears_fen}};
}

void read_bill(const Row& r, std::size_t at, BillValues& b) {
  b.kwh_sharp = r.f64(at);
  b.kwh_peak = r.f64(at + 1);
  b.kwh_flat = r.f64(at + 2);
  b.kwh_valley = r.f64(at + 3);
  b.kwh_total = r.f64(at + 4);
  b.amount_fen = r.i64(at + 5);
  b.paid_fen = r.i64(at + 6);
  b.arrears_fen = r.i64(at + 7);
}

// The caller's customer scope on the customers alias `alias` (customers::append_scope is for "c").
std::string scope_condition(const auth::Principal& p, storage::Backend backend, const std::string& alias, Params& params) {
  std::string sql = storage::path_prefix_condition(backend, alias + ".org_path", p.org_path, params);
  const auto scope = auth::customer_scope(p);
  if (scope.manager_id) {
    sql += " AND " + auth::managed_by_condition(scope, alias);
    for (auto id : auth::managed_by_params(scope)) params.push_back(id);
  }
  return sql;
}

bool adds_up(const BillValues& b) {
  const double parts = b.kwh_sharp + b.kwh_peak + b.kwh_flat + b.kwh_valley;
  const bool parts_ok = parts == 0 || std::fabs(parts - b.kwh_total) <= kKwhTolerance;
  return parts_ok && b.amount_fen - b.paid_fen == b.arrears_fen && b.kwh_total >= 0 && b.amount_fen >= 0 && b.paid_fen >= 0;
}

}  // namespace

bj::object list_groups(Connection& conn, const auth::Principal& p, const std::string& q, bool top_level_only, std::int64_t limit,
                       std::int64_t offset) {
  std::string where = " WHERE c.is_group = 1 AND c.status <> 'merged'";
  Params params;
  customers::append_scope(p, conn.backend(), where, params);
  if (top_level_only) where += " AND c.group_id IS NULL";
  if (!q.empty()) {
    where += " AND (c.name LIKE ? ESCAPE '\\' OR c.credit_code = ?)";
    params.push_back("%" + storage::escape_like(q) + "%");
    params.push_back(q);
  }
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM customers c" + where, params);
  // Member counts include only members the caller may see (counts never include records outside
  // the scope); the subqueries' parameters come first in the statement.
  Params all;
  const std::string members_scope = scope_condition(p, conn.backend(), "m", all);
  scope_condition(p, conn.backend(), "m", all);
  all.insert(all.end(), params.begin(), params.end());
  all.push_back(limit);
  all.push_back(offset);
  const org::Tree orgs = org::Tree::load(conn);
  bj::array items;
  for (auto& r : conn.query("SELECT c.id, c.name, c.credit_code, c.org_unit_id, c.is_key_account, c.group_id, g.name, g.org_path, "
                            "(SELECT COUNT(*) FROM customers m WHERE m.group_id = c.id AND m.status <> 'merged' AND " + members_scope + "), "
                            "(SELECT COUNT(*) FROM customers m WHERE m.group_id = c.id AND m.is_group = 1 AND m.status <> 'merged' AND " +
                                members_scope + "), "
                            "mg.display_name FROM customers c LEFT JOIN customers g ON g.id = c.group_id "
                            "LEFT JOIN users mg ON mg.id = c.manager_id" +
                                where + " ORDER BY c.name, c.id LIMIT ? OFFSET ?",
                            all)) {
    const bool parent_visible = !r.is_null(5) && auth::org_in_scope(p, r.str(7));
    const std::int64_t bureau = orgs.bureau_of(r.i64(3));
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"name", r.str(1)},
                               {"credit_code", json::nullable(r.opt_str(2))},
                               {"org_unit_id", r.i64(3)},
                               {"org_unit_name", orgs.name(r.i64(3))},
                               {"bureau_name", orgs.name(bureau)},
                               {"is_key_account", r.boolean(4)},
                               {"parent_group_id", parent_visible ? bj::value(r.i64(5)) : bj::value(nullptr)},
                               {"parent_group_name", parent_visible ? bj::value(r.str(6)) : bj::value(nullptr)},
                               {"direct_members", r.i64(8)},
                               {"sub_groups", r.i64(9)},
                               {"manager_name", json::nullable(r.opt_str(10))}});
  }
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

bj::object group_360(Connection& conn, const auth::Principal& p, std::int64_t group_id, int year) {
  const Tree t = load_tree(conn, p, group_id);
  const org::Tree orgs = org::Tree::load(conn);
  const std::vector<std::int64_t> ids = t.visible_ids();
  std::vector<std::int64_t> with_root = ids;
  with_root.push_back(group_id);
  std::unordered_map<std::int64_t, std::int64_t> accounts, claims;
  struct Programme {
    std::string status;
    std::int64_t done = 0;
  };
  std::unordered_map<std::int64_t, Programme> programmes;
  storage::for_id_chunks(with_root, {}, [&](const std::string& in, const Params& params) {
    for (auto& r : conn.query("SELECT customer_id, COUNT(*) FROM accounts WHERE customer_id IN " + in + " GROUP BY customer_id", params))
      accounts[r.i64(0)] = r.i64(1);
    for (auto& r : conn.query("SELECT customer_id, COUNT(*) FROM claims WHERE customer_id IN " + in +
                                  " AND parent_id IS NULL AND status NOT IN ('closed', 'archived') GROUP BY customer_id",
                              params))
      claims[r.i64(0)] = r.i64(1);
  });
  storage::for_id_chunks(with_root, {std::int64_t{year}}, [&](const std::string& in, const Params& params) {
    for (auto& r : conn.query("SELECT p.customer_id, p.status, (SELECT COUNT(*) FROM programme_items i WHERE i.programme_id = p.id "
                              "AND i.status = 'done') FROM programmes p WHERE p.year = ? AND p.customer_id IN " + in,
                              params))
      programmes[r.i64(0)] = {r.str(1), r.i64(2)};
  });
  auto programme_json = [&](std::int64_t id) -> bj::value {
    auto it = programmes.find(id);
    if (it == programmes.end()) return nullptr;
    return bj::object{{"year", year},
                      {"status", it->second.status},
                      {"items_done", it->second.done},
                      {"items_total", 5},
                      {"signed_off", it->second.status == "signed_off"}};
  };
  auto count_of = [](const std::unordered_map<std::int64_t, std::int64_t>& m, std::int64_t id) {
    auto it = m.find(id);
    return it == m.end() ? std::int64_t{0} : it->second;
  };

  std::map<std::int64_t, std::string> names{{group_id, t.root.name}};
  for (auto& m : t.members)
    if (m.visible) names[m.id] = m.name;
  bj::array members;
  std::set<std::int64_t> bureaus;
  std::int64_t total_accounts = 0, total_claims = 0, key_accounts = 0, signed_off = 0;
  for (const Member& m : t.members) {
    if (!m.visible) continue;
    const std::int64_t bureau = orgs.bureau_of(m.org_unit_id);
    bureaus.insert(bureau);
    total_accounts += count_of(accounts, m.id);
    total_claims += count_of(claims, m.id);
    key_accounts += m.is_key_account ? 1 : 0;
    auto prog = programmes.find(m.id);
    signed_off += prog != programmes.end() && prog->second.status == "signed_off" ? 1 : 0;
    members.push_back(bj::object{{"id", m.id},
                                 {"name", m.name},
                                 {"credit_code", m.credit_code.empty() ? bj::value(nullptr) : bj::value(m.credit_code)},
                                 {"is_group", m.is_group},
                                 {"is_key_account", m.is_key_account},
                                 {"status", m.status},
                                 {"parent_group_id", m.shown_parent},
                                 {"parent_group_name", names[m.shown_parent]},
                                 {"depth", m.depth},
                                 {"org_unit_id", m.org_unit_id},
                                 {"org_unit_name", orgs.name(m.org_unit_id)},
                                 {"bureau_id", bureau},
                                 {"bureau_name", orgs.name(bureau)},
                                 {"account_count", count_of(accounts, m.id)},
                                 {"open_claims", count_of(claims, m.id)},
                                 {"programme", programme_json(m.id)}});
  }
  // The tree of sub-groups as the caller sees it.
  std::map<std::int64_t, std::vector<const Member*>> children;
  for (const Member& m : t.members)
    if (m.visible && m.is_group) children[m.shown_parent].push_back(&m);
  std::function<bj::object(std::int64_t, const std::string&)> node = [&](std::int64_t id, const std::string& name) {
    bj::array kids;
    for (const Member* c : children[id]) kids.push_back(node(c->id, c->name));
    std::int64_t direct = 0;
    for (const Member& m : t.members) direct += m.visible && m.shown_parent == id ? 1 : 0;
    return bj::object{{"id", id}, {"name", name}, {"members", direct}, {"children", std::move(kids)}};
  };
  const std::int64_t root_bureau = orgs.bureau_of(t.root.org_unit_id);
  auto manager = conn.query_one("SELECT m.display_name FROM customers c LEFT JOIN users m ON m.id = c.manager_id WHERE c.id = ?", {group_id});
  return bj::object{
      {"group", bj::object{{"id", group_id},
                           {"name", t.root.name},
                           {"credit_code", t.root.credit_code.empty() ? bj::value(nullptr) : bj::value(t.root.credit_code)},
                           {"is_key_account", t.root.is_key_account},
                           {"org_unit_id", t.root.org_unit_id},
                           {"org_unit_name", orgs.name(t.root.org_unit_id)},
                           {"bureau_name", orgs.name(root_bureau)},
                           {"manager_name", manager ? json::nullable(manager->opt_str(0)) : bj::value(nullptr)},
                           {"account_count", count_of(accounts, group_id)},
                           {"open_claims", count_of(claims, group_id)},
                           {"programme", programme_json(group_id)}}},
      {"year", year},
      {"tree", node(group_id, t.root.name)},
      {"members", std::move(members)},
      {"totals", bj::object{{"members", static_cast<std::int64_t>(ids.size())},
                            {"regions", static_cast<std::int64_t>(bureaus.size())},
                            {"accounts", total_accounts},
                            {"key_accounts", key_accounts},
                            {"open_claims", total_claims},
                            {"programmes_signed_off", signed_off}}},
      {"partial", t.omitted > 0},
      {"omitted_members", t.omitted}};
}

namespace {

struct Loaded {
  Tree tree;
  GroupStatement statement;
  std::unordered_map<std::int64_t, std::int64_t> bureau_of_customer;
  std::unordered_map<std::int64_t, std::string> bureau_names;
};

Loaded load_statement(Connection& conn, const auth::Principal& p, std::int64_t group_id, const std::string& period, Millis now) {
  check_period(period);
  Loaded l{load_tree(conn, p, group_id), {}, {}, {}};
  const org::Tree orgs = org::Tree::load(conn);
  GroupStatement& s = l.statement;
  s.group_id = group_id;
  s.group_name = l.tree.root.name;
  s.credit_code = l.tree.root.credit_code;
  s.org_unit_name = orgs.name(l.tree.root.org_unit_id);
  s.period = period;
  s.generated_at = now;
  s.omitted_members = l.tree.omitted;
  // The group customer itself may hold accounts (a head office): its lines are part of the statement.
  std::vector<std::int64_t> ids = l.tree.visible_ids();
  s.members = static_cast<std::int64_t>(ids.size());
  ids.push_back(group_id);
  std::unordered_map<std::int64_t, const Member*> by_id;
  by_id[group_id] = &l.tree.root;
  for (auto& m : l.tree.members) by_id[m.id] = &m;
  for (auto id : ids) {
    const std::int64_t bureau = orgs.bureau_of(by_id.at(id)->org_unit_id);
    l.bureau_of_customer[id] = bureau;
    l.bureau_names[bureau] = orgs.name(bureau);
  }
  std::vector<StatementLine> lines;
  std::unordered_map<std::int64_t, std::size_t> line_of_account;
  storage::for_id_chunks(ids, {period}, [&](const std::string& in, const Params& params) {
    for (auto& r : conn.query("SELECT a.id, a.account_no, a.name, a.customer_id FROM accounts a WHERE (a.status = 'active' OR EXISTS "
                              "(SELECT 1 FROM bills b WHERE b.account_id = a.id AND b.period = ?)) AND a.customer_id IN " + in,
                              params)) {
      StatementLine line;
      line.account_id = r.i64(0);
      line.account_no = r.str(1);
      line.account_name = r.str(2);
      line.customer_id = r.i64(3);
      line.customer_name = by_id.at(line.customer_id)->name;
      line.bureau_id = l.bureau_of_customer.at(line.customer_id);
      line.bureau_name = l.bureau_names.at(line.bureau_id);
      line_of_account[line.account_id] = lines.size();
      lines.push_back(std::move(line));
    }
  });
  std::vector<std::int64_t> account_ids;
  for (auto& line : lines) account_ids.push_back(line.account_id);
  storage::for_id_chunks(account_ids, {period}, [&](const std::string& in, const Params& params) {
    for (auto& r : conn.query("SELECT account_id, kwh_sharp, kwh_peak, kwh_flat, kwh_valley, kwh_total, amount_fen, paid_fen, "
                              "arrears_fen FROM bills WHERE period = ? AND account_id IN " + in,
                              params)) {
      StatementLine& line = lines[line_of_account.at(r.i64(0))];
      BillValues b;
      b.account_no = line.account_no;
      b.period = period;
      read_bill(r, 1, b);
      line.bill = b;
    }
  });
  s.statement = build_statement(std::move(lines));
  return l;
}

}  // namespace

GroupStatement group_statement(Connection& conn, const auth::Principal& p, std::int64_t group_id, const std::string& period, Millis now) {
  return load_statement(conn, p, group_id, period, now).statement;
}

bj::object statement_json(const GroupStatement& s) {
  bj::array regions;
  for (const StatementRegion& r : s.statement.regions) {
    bj::array lines;
    for (const StatementLine& l : r.lines) {
      bj::object o{{"customer_id", l.customer_id},
                   {"customer_name", l.customer_name},
                   {"account_id", l.account_id},
                   {"account_no", l.account_no},
                   {"account_name", l.account_name.empty() ? bj::value(nullptr) : bj::value(l.account_name)},
                   {"billed", l.bill.has_value()}};
      for (const char* field : {"kwh_sharp", "kwh_peak", "kwh_flat", "kwh_valley", "kwh_total", "amount_fen", "paid_fen", "arrears_fen"})
        o[field] = nullptr;
      if (l.bill) {
        o["kwh_sharp"] = l.bill->kwh_sharp;
        o["kwh_peak"] = l.bill->kwh_peak;
        o["kwh_flat"] = l.bill->kwh_flat;
        o["kwh_valley"] = l.bill->kwh_valley;
        o["kwh_total"] = l.bill->kwh_total;
        o["amount_fen"] = l.bill->amount_fen;
        o["paid_fen"] = l.bill->paid_fen;
        o["arrears_fen"] = l.bill->arrears_fen;
      }
      lines.push_back(std::move(o));
    }
    regions.push_back(bj::object{{"bureau_id", r.bureau_id},
                                 {"bureau_name", r.bureau_name},
                                 {"lines", std::move(lines)},
                                 {"subtotal", totals_json(r.subtotal)}});
  }
  return bj::object{{"group", bj::object{{"id", s.group_id},
                                         {"name", s.group_name},
                                         {"credit_code", s.credit_code.empty() ? bj::value(nullptr) : bj::value(s.credit_code)},
                                         {"org_unit_name", s.org_unit_name}}},
                    {"period", s.period},
                    {"generated_at", format_iso_utc(s.generated_at)},
                    {"members", s.members},
                    {"partial", s.omitted_members > 0},
                    {"omitted_members", s.omitted_members},
                    {"regions", std::move(regions)},
                    {"total", totals_json(s.statement.total)}};
}

bj::object reconciliation(Connection& conn, const auth::Principal& p, std::int64_t group_id, const std::string& period, Millis now) {
  Loaded l = load_statement(conn, p, group_id, period, now);
  const GroupStatement& s = l.statement;
  std::vector<std::int64_t> customers;
  for (auto& [id, bureau] : l.bureau_of_customer) customers.push_back(id);
  std::sort(customers.begin(), customers.end());
  const std::unordered_set<std::int64_t> member_set(customers.begin(), customers.end());

  // The bills of the month summed in SQL per customer they were imported for, then per region.
  std::map<std::int64_t, Totals> imported;
  storage::for_id_chunks(customers, {period}, [&](const std::string& in, const Params& params) {
    for (auto& r : conn.query("SELECT customer_id, COUNT(*), SUM(kwh_sharp), SUM(kwh_peak), SUM(kwh_flat), SUM(kwh_valley), "
                              "SUM(kwh_total), SUM(amount_fen), SUM(paid_fen), SUM(arrears_fen) FROM bills WHERE period = ? "
                              "AND customer_id IN " + in + " GROUP BY customer_id",
                              params)) {
      Totals& t = imported[l.bureau_of_customer.at(r.i64(0))];
      t.billed += r.i64(1);
      t.kwh_sharp += r.f64(2);
      t.kwh_peak += r.f64(3);
      t.kwh_flat += r.f64(4);
      t.kwh_valley += r.f64(5);
      t.kwh_total += r.f64(6);
      t.amount_fen += r.i64(7);
      t.paid_fen += r.i64(8);
      t.arrears_fen += r.i64(9);
    }
  });
  auto differences_json = [](const std::vector<Difference>& d) {
    bj::array a;
    for (auto& x : d)
      a.push_back(bj::object{{"field", x.field}, {"statement", x.statement}, {"imported", x.imported}, {"difference", x.statement - x.imported}});
    return a;
  };
  auto sums_json = [](const Totals& t) {
    return bj::object{{"bills", t.billed},          {"kwh_total", t.kwh_total},   {"amount_fen", t.amount_fen},
                      {"paid_fen", t.paid_fen},     {"arrears_fen", t.arrears_fen}};
  };
  std::map<std::int64_t, Totals> stated;
  std::map<std::int64_t, std::string> region_names;
  for (auto& r : s.statement.regions) {
    stated[r.bureau_id] = r.subtotal;
    region_names[r.bureau_id] = r.bureau_name;
  }
  for (auto& [bureau, t] : imported) region_names.emplace(bureau, l.bureau_names[bureau]);
  bj::array regions;
  Totals imported_total;
  std::int64_t region_differences = 0;
  for (auto& [bureau, name] : region_names) {
    const Totals st = stated[bureau], im = imported[bureau];
    imported_total.add(im);
    auto d = compare_totals(st, im);
    region_differences += static_cast<std::int64_t>(d.size());
    regions.push_back(bj::object{{"bureau_id", bureau},
                                 {"bureau_name", name},
                                 {"statement", sums_json(st)},
                                 {"imported", sums_json(im)},
                                 {"differences", differences_json(d)}});
  }
  const auto total_differences = compare_totals(s.statement.total, imported_total);

  bj::array missing, not_adding_up;
  for (auto& r : s.statement.regions)
    for (auto& line : r.lines) {
      bj::object o{{"customer_id", line.customer_id}, {"customer_name", line.customer_name}, {"account_id", line.account_id},
                   {"account_no", line.account_no},   {"bureau_name", line.bureau_name}};
      if (!line.bill) missing.push_back(std::move(o));
      else if (!adds_up(*line.bill)) not_adding_up.push_back(std::move(o));
    }

  // Bills of the month recorded for another customer than the account's current one.
  bj::array moved;
  auto visible_customer = [&](const Row& r, std::size_t at) { return auth::customer_visible(p, r.str(at), r.opt_i64(at + 1), r.opt_i64(at + 2)); };
  storage::for_id_chunks(customers, {period}, [&](const std::string& in, const Params& params) {
    Params twice = params;  // period, the list, the list again
    twice.insert(twice.end(), params.begin() + 1, params.end());
    for (auto& r : conn.query("SELECT b.account_id, a.account_no, b.customer_id, bc.name, a.customer_id, ac.name, b.amount_fen, "
                              "bc.org_path, bc.manager_id, bc.backup_manager_id, ac.org_path, ac.manager_id, ac.backup_manager_id "
                              "FROM bills b JOIN accounts a ON a.id = b.account_id JOIN customers bc ON bc.id = b.customer_id "
                              "JOIN customers ac ON ac.id = a.customer_id WHERE b.period = ? AND a.customer_id <> b.customer_id "
                              "AND (b.customer_id IN " + in + " OR a.customer_id IN " + storage::placeholders(params.size() - 1) + ")",
                              twice)) {
      if (!visible_customer(r, 7) || !visible_customer(r, 10)) continue;
      moved.push_back(bj::object{{"account_id", r.i64(0)},
                                 {"account_no", r.str(1)},
                                 {"billed_customer_id", r.i64(2)},
                                 {"billed_customer_name", r.str(3)},
                                 {"current_customer_id", r.i64(4)},
                                 {"current_customer_name", r.str(5)},
                                 {"amount_fen", r.i64(6)}});
    }
  });

  // Bills imported while the customer belonged to this group, whose customer has left it since.
  bj::array former;
  std::int64_t former_hidden = 0;
  storage::for_id_chunks(l.tree.group_ids(), {period}, [&](const std::string& in, const Params& params) {
    for (auto& r : conn.query("SELECT b.account_id, a.account_no, b.customer_id, c.name, c.group_id, g.name, b.batch_id, b.amount_fen, "
                              "c.org_path, c.manager_id, c.backup_manager_id FROM bills b JOIN accounts a ON a.id = b.account_id "
                              "JOIN customers c ON c.id = b.customer_id LEFT JOIN customers g ON g.id = c.group_id "
                              "WHERE b.period = ? AND b.group_id IN " + in,
                              params)) {
      if (member_set.count(r.i64(2))) continue;
      if (!visible_customer(r, 8)) {
        ++former_hidden;
        continue;
      }
      former.push_back(bj::object{{"account_id", r.i64(0)},
                                  {"account_no", r.str(1)},
                                  {"customer_id", r.i64(2)},
                                  {"customer_name", r.str(3)},
                                  {"current_group_id", json::nullable(r.opt_i64(4))},
                                  {"current_group_name", json::nullable(r.opt_str(5))},
                                  {"batch_id", r.i64(6)},
                                  {"amount_fen", r.i64(7)}});
    }
  });

  auto check = [](const char* code, std::int64_t count, const char* description) {
    return bj::object{{"code", code}, {"ok", count == 0}, {"count", count}, {"description", description}};
  };
  bj::array checks{
      check("totals_match", region_differences + static_cast<std::int64_t>(total_differences.size()),
            "statement totals per region equal the imported bills of the month summed per region"),
      check("missing_bills", static_cast<std::int64_t>(missing.size()), "every member account has a bill for the month"),
      check("moved_accounts", static_cast<std::int64_t>(moved.size()),
            "every bill of the month is recorded for the account's current customer"),
      check("former_members", static_cast<std::int64_t>(former.size()) + former_hidden,
            "no bill of the month was imported for a customer that has left the group since"),
      check("bill_arithmetic", static_cast<std::int64_t>(not_adding_up.size()),
            "every bill's time-of-use parts add up to its total and amount - paid = arrears")};
  bool ok = true;
  for (auto& c : checks) ok = ok && c.as_object().at("ok").as_bool();
  return bj::object{{"group", bj::object{{"id", s.group_id}, {"name", s.group_name}}},
                    {"period", s.period},
                    {"generated_at", format_iso_utc(now)},
                    {"ok", ok},
                    {"checks", std::move(checks)},
                    {"regions", std::move(regions)},
                    {"total", bj::object{{"statement", sums_json(s.statement.total)},
                                         {"imported", sums_json(imported_total)},
                                         {"differences", differences_json(total_differences)}}},
                    {"missing_bills", std::move(missing)},
                    {"moved_accounts", std::move(moved)},
                    {"former_members", std::move(former)},
                    {"former_members_outside_scope", former_hidden},
                    {"bills_not_adding_up", std::move(not_adding_up)},
                    {"partial", s.omitted_members > 0},
                    {"omitted_members", s.omitted_members}};
}

}  // namespace lianxin::billing
