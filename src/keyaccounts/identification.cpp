#include "keyaccounts/identification.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "org/tree.hpp"
#include "common/memory.hpp"
#include "common/strings.hpp"
#include "customers/service.hpp"
#include "keyaccounts/service.hpp"
#include "timeline/timeline.hpp"

namespace lianxin::keyaccounts {

namespace bj = boost::json;
using storage::Connection;
using storage::Params;
using storage::Value;

namespace {

void require(const auth::Principal& p, auth::Permission permission) { auth::require_permission(p, permission); }

std::string reasons_text(const Reasons& reasons) {
  std::string out;
  for (Reason r : reasons.list()) {
    if (!out.empty()) out += ',';
    out += reason_code(r);
  }
  return out;
}

bj::array codes(const std::string& text) {
  bj::array out;
  for (auto& s : split(text, ','))
    if (!s.empty()) out.emplace_back(s);
  return out;
}

// The reasons as people read them on the timeline and in the history.
std::string reason_labels(const std::string& codes_text) {
  static const std::map<std::string, std::string> labels = {{"top_consumption", "用电量居本单位前列"},
                                                            {"important_class", "重要电力用户"},
                                                            {"listed_kind", "重点行业"},
                                                            {"value_score", "价值评分居前"}};
  std::string out;
  for (auto& code : split(codes_text, ',')) {
    if (code.empty()) continue;
    auto it = labels.find(code);
    if (!out.empty()) out += "、";
    out += it == labels.end() ? code : it->second;
  }
  return out;
}

// Puts a customer on the list or takes it off, with its history, timeline entry and audit entry.
void change_list(Connection& conn, const auth::Principal& p, std::int64_t customer, const std::string& org_path, bool add,
                 const std::string& reason, const std::string& source, std::int64_t ref_id,
                 std::optional<std::int64_t> decided_by, Millis now) {
  conn.execute("UPDATE customers SET is_key_account = ?, version = version + 1, updated_at = ? WHERE id = ?",
               {std::int64_t{add}, now, customer});
  const bool by_run = source == "identification";
  conn.execute(
      "INSERT INTO key_account_history(customer_id, action, reason, source, run_id, decided_by, approved_by, at) VALUES (?,?,?,?,?,?,?,?)",
      {customer, std::string(add ? "added" : "removed"), reason, source, by_run ? Value(ref_id) : storage::null_value(),
       decided_by ? Value(*decided_by) : storage::null_value(), p.user_id, now});
  timeline::Event ev;
  ev.customer_id = customer;
  ev.at = now;
  ev.kind = "record_change";
  ev.source = "keyaccounts";
  ev.title = add ? "列入大客户名单" : "移出大客户名单";
  ev.body = reason;
  ev.ref_entity = by_run ? "key_account_identification" : "key_account_request";
  ev.ref_id = std::to_string(ref_id);
  timeline::add(conn, p.actor(), ev);
  audit::Entry e;
  e.action = add ? "key_account_add" : "key_account_remove";
  e.entity = "customer";
  e.entity_id = std::to_string(customer);
  e.org_path = org_path;
  e.before_json = json::serialize(bj::object{{"is_key_account", !add}});
  e.after_json = json::serialize(bj::object{{"is_key_account", add}, {by_run ? "run_id" : "request_id", ref_id}, {"reason", reason}});
  audit::record(conn, p.actor(), e);
  customers::refresh_search(conn, customer);  // the search document carries the key-account marker
  // A new key account gets this year's 五个一 programme at once (items due no sooner than the
  // configured lead time), owned by its manager.
  if (add) ensure_programme(conn, p.actor(), customer, std::stoi(shanghai_date(now).substr(0, 4)), now);
}

struct RunRow {
  std::int64_t id = 0;
  std::string org_path, status;
};

RunRow require_run(Connection& conn, const auth::Principal& p, std::int64_t id) {
  auto r = conn.query_one("SELECT id, org_path, status FROM key_account_runs WHERE id = ?", {id});
  if (!r || !auth::org_in_scope(p, r->str(1))) throw_not_found("identification run");
  return {r->i64(0), r->str(1), r->str(2)};
}

}  // namespace

Rules load_rules(Connection& conn) {
  Rules rules;
  for (auto& r : conn.query("SELECT key, value FROM settings WHERE module = 'keyaccounts'")) {
    const std::string key = r.str(0), value = r.str(1);
    try {
      if (key == "keyaccounts.top_n") rules.top_n = std::stoi(value);
      else if (key == "keyaccounts.score_threshold") rules.score_threshold = std::stod(value);
      else if (key == "keyaccounts.score_top_n") rules.score_top_n = std::stoi(value);
      else if (key == "keyaccounts.listed_min_kva") rules.listed_min_kva = std::stod(value);
      else if (key == "keyaccounts.weights") {
        auto parts = split(value, ',');
        if (parts.size() == 4)
          rules.weights = {std::stod(parts[0]), std::stod(parts[1]), std::stod(parts[2]), std::stod(parts[3])};
      }
    } catch (const std::exception&) {
      // a malformed value keeps the default; validate() below refuses impossible ones
    }
  }
  validate(rules);
  return rules;
}

std::int64_t run_identification(Connection& conn, const auth::Principal& p, std::optional<std::int64_t> org_unit_id, int year,
                                Millis now) {
  require(p, auth::Permission::keyaccount_review);
  const std::int64_t org = org_unit_id.value_or(p.org_unit_id);
  auto org_row = conn.query_one("SELECT path, kind FROM org_units WHERE id = ?", {org});
  if (!org_row || org_row->str(1) == "department" || !auth::org_in_scope(p, org_row->str(0)))
    throw AppError(ErrorCode::validation_failed, "invalid identification run",
                   {{"org_unit_id", "must be a company or bureau in your scope"}});
  if (year < 2000 || year > 2999) throw AppError(ErrorCode::validation_failed, "invalid identification run", {{"year", "is not a year"}});
  const std::string path = org_row->str(0);
  const Rules rules = load_rules(conn);

  // The bureau of every org unit: its nearest county or city ancestor (or the company itself).
  const org::Tree tree = org::Tree::load(conn);
  auto bureau_of = [&](std::int64_t id) { return tree.bureau_of(id); };

  // Facts. Consumption, billed and paid come from the bills (customer_year_usage, kept by the bill
  // import): annual = year-1, previous = year-2, billed and paid of year-1; a customer without
  // usage of year-1 keeps the archive's annual figure (previous unknown, credit neutral). Contract
  // capacity is summed over the accounts. Every source is read in customer-id order and merged
  // with the customer scan (read in id order too): no hash map and no allocation per row. A run
  // over the whole tree reads the customers table in order; the org-path index would only add a
  // random lookup per row.
  Params params;
  std::string where = " WHERE c.status = 'active' AND c.is_group = 0";
  if (std::count(path.begin(), path.end(), '/') > 2)
    where += " AND " + storage::path_prefix_condition(conn.backend(), "c.org_path", path, params);
  struct Keyed {
    std::int64_t id;
    double a, b, c;
  };
  // Capacity: a plain scan of the accounts summed into an array by customer id (ids are dense:
  // the customer index would add a random lookup per account, a hash map a cache miss per
  // account); sorted pairs when the ids are too sparse for an array.
  const std::int64_t max_customer = conn.query_i64("SELECT MAX(id) FROM customers");
  const std::int64_t account_rows = conn.query_i64("SELECT MAX(id) FROM accounts");
  std::vector<double> capacity_by_id;
  std::vector<Keyed> capacity;
  const bool dense = max_customer >= 0 && max_customer <= 4 * account_rows + 1'000'000;
  if (dense) {
    capacity_by_id.reserve(static_cast<std::size_t>(max_customer) + 1);
    advise_huge_pages(capacity_by_id.data(), capacity_by_id.capacity() * sizeof(double));
    capacity_by_id.assign(static_cast<std::size_t>(max_customer) + 1, 0.0);
    conn.query_each("SELECT customer_id, contract_capacity_kva FROM accounts", {}, [&](const storage::Row& r) {
      const std::int64_t id = r.i64(0);
      if (id >= 0 && id <= max_customer) capacity_by_id[static_cast<std::size_t>(id)] += r.f64(1);
    });
  } else {
    conn.query_each("SELECT customer_id, SUM(contract_capacity_kva) FROM accounts GROUP BY customer_id ORDER BY customer_id", {},
                    [&](const storage::Row& r) { capacity.push_back({r.i64(0), r.f64(1), 0, 0}); });
  }
  // Usage of the two years, from the covering index (year, customer_id, kwh, amount_fen, paid_fen).
  std::vector<Keyed> last_year, year_before;
  last_year.reserve(static_cast<std::size_t>(std::clamp<std::int64_t>(max_customer, 0, 4'000'000)) + 1);
  advise_huge_pages(last_year.data(), last_year.capacity() * sizeof(Keyed));
  conn.query_each("SELECT customer_id, kwh, amount_fen, paid_fen FROM customer_year_usage WHERE year = ? ORDER BY customer_id",
                  {std::int64_t{year - 1}}, [&](const storage::Row& r) { last_year.push_back({r.i64(0), r.f64(1), r.f64(2), r.f64(3)}); });
  conn.query_each("SELECT customer_id, kwh FROM customer_year_usage WHERE year = ? ORDER BY customer_id", {std::int64_t{year - 2}},
                  [&](const storage::Row& r) { year_before.push_back({r.i64(0), r.f64(1), 0, 0}); });
  // Merge cursors: the entry of `id` in a sorted list, or nullptr (ids only grow).
  struct Cursor {
    const std::vector<Keyed>& list;
    std::size_t at = 0;
    const Keyed* find(std::int64_t id) {
      while (at < list.size() && list[at].id < id) ++at;
      return at < list.size() && list[at].id == id ? &list[at] : nullptr;
    }
  };
  Cursor cap_cursor{capacity}, last_cursor{last_year}, before_cursor{year_before};
  std::vector<std::int64_t> bureau_by_org;  // bureau_of per org unit id (small ids), 0 = not yet known
  auto bureau = [&](std::int64_t org_unit) {
    if (org_unit <= 0 || org_unit >= 1'000'000) return bureau_of(org_unit);
    if (bureau_by_org.size() <= static_cast<std::size_t>(org_unit)) bureau_by_org.resize(static_cast<std::size_t>(org_unit) + 1, 0);
    auto& b = bureau_by_org[static_cast<std::size_t>(org_unit)];
    if (!b) b = bureau_of(org_unit);
    return b;
  };
  std::vector<Facts> facts;
  facts.reserve(static_cast<std::size_t>(std::clamp<std::int64_t>(max_customer, 0, 4'000'000)) + 1);  // address space only until used
  advise_huge_pages(facts.data(), facts.capacity() * sizeof(Facts));
  conn.query_each(
      "SELECT c.id, c.org_unit_id, c.annual_kwh, c.importance_class, c.industry_code, c.tags, c.is_key_account FROM customers c" +
          where + " ORDER BY c.id",
      params, [&](const storage::Row& r) {
        Facts& f = facts.emplace_back();
        f.customer_id = r.i64(0);
        f.bureau_id = bureau(r.i64(1));
        if (const Keyed* u = last_cursor.find(f.customer_id)) {
          f.annual_kwh = u->a;
          f.billed_fen = u->b;
          f.paid_fen = u->c;
          if (const Keyed* before = before_cursor.find(f.customer_id)) f.previous_kwh = before->a;
        } else {
          f.annual_kwh = r.f64(2);
        }
        f.importance_class = r.str(3);
        f.industry_code = r.str(4);
        if (!r.is_null(5)) {
          const std::string tags = r.str(5);
          if (!tags.empty())
            for (auto& t : split(tags, ','))
              if (!t.empty()) f.tags.push_back(std::move(t));
        }
        f.key_account = r.boolean(6);
        if (dense) {
          if (f.customer_id >= 0 && f.customer_id <= max_customer) f.contract_kva = capacity_by_id[static_cast<std::size_t>(f.customer_id)];
        } else if (const Keyed* cap = cap_cursor.find(f.customer_id)) {
          f.contract_kva = cap->a;
        }
      });
  const std::vector<Proposal> proposals = propose(facts, rules);
  const Diff d = diff(proposals);

  const std::string rules_json = json::serialize(bj::object{
      {"top_n", rules.top_n},
      {"score_top_n", rules.score_top_n},
      {"listed_min_kva", rules.listed_min_kva},
      {"score_threshold", rules.score_threshold},
      {"weights", bj::array{rules.weights.consumption, rules.weights.growth, rules.weights.credit, rules.weights.capacity}}});
  // A new run replaces the runs of the same org unit still in review: their proposals are out of date.
  conn.execute("UPDATE key_account_runs SET status = 'discarded' WHERE org_unit_id = ? AND status = 'review'", {org});
  const std::int64_t run = conn.insert_returning_id(
      "INSERT INTO key_account_runs(org_unit_id, org_path, year, rules_json, status, candidates, added, removed, kept, created_by, "
      "created_at) VALUES (?,?,?,?,'review',?,?,?,?,?,?) RETURNING id",
      {org, path, std::int64_t{year}, rules_json, static_cast<std::int64_t>(facts.size()), static_cast<std::int64_t>(d.added.size()),
       static_cast<std::int64_t>(d.removed.size()), static_cast<std::int64_t>(d.kept.size()), p.user_id, now});
  for (const Proposal& pr : proposals) {
    const bool proposed = !pr.reasons.empty();
    if (!proposed && !pr.currently_key) continue;  // only changes and the kept list are stored
    const char* change = proposed ? (pr.currently_key ? "keep" : "add") : "remove";
    conn.execute(
        "INSERT INTO key_account_proposals(run_id, customer_id, change, reasons, rank_in_bureau, score, listed_kind) "
        "VALUES (?,?,?,?,?,?,?)",
        {run, pr.customer_id, std::string(change), reasons_text(pr.reasons), std::int64_t{pr.rank_in_bureau}, pr.score,
         storage::text_or_null(listed_kind_name(pr, rules))});
  }
  audit::Entry e;
  e.action = "run";
  e.entity = "key_account_identification";
  e.entity_id = std::to_string(run);
  e.org_path = path;
  e.after_json = json::serialize(bj::object{{"year", year},
                                            {"candidates", facts.size()},
                                            {"added", d.added.size()},
                                            {"removed", d.removed.size()},
                                            {"kept", d.kept.size()}});
  audit::record(conn, p.actor(), e);
  return run;
}

bj::object run_json(Connection& conn, const auth::Principal& p, std::int64_t run_id) {
  require(p, auth::Permission::customer_read);
  require_run(conn, p, run_id);
  auto r = conn.query_one(
      "SELECT r.id, r.org_unit_id, o.name, r.year, r.rules_json, r.status, r.candidates, r.added, r.removed, r.kept, u.display_name, "
      "r.created_at, a.display_name, r.applied_at FROM key_account_runs r JOIN org_units o ON o.id = r.org_unit_id "
      "JOIN users u ON u.id = r.created_by LEFT JOIN users a ON a.id = r.applied_by WHERE r.id = ?",
      {run_id});
  bj::object decisions;
  for (auto& d : conn.query("SELECT decision, COUNT(*) FROM key_account_proposals WHERE run_id = ? AND change <> 'keep' GROUP BY decision",
                            {run_id}))
    decisions[d.str(0)] = d.i64(1);
  return {{"id", r->i64(0)},
          {"org_unit_id", r->i64(1)},
          {"org_unit_name", r->str(2)},
          {"year", r->i64(3)},
          {"rules", json::parse_or_null(r->str(4))},
          {"status", r->str(5)},
          {"candidates", r->i64(6)},
          {"added", r->i64(7)},
          {"removed", r->i64(8)},
          {"kept", r->i64(9)},
          {"created_by", r->str(10)},
          {"created_at", format_iso_utc(r->i64(11))},
          {"applied_by", json::nullable(r->opt_str(12))},
          {"applied_at", json::instant_or_null(r->opt_i64(13))},
          {"decisions", std::move(decisions)}};
}

bj::object list_runs(Connection& conn, const auth::Principal& p, std::int64_t limit, std::int64_t offset) {
  require(p, auth::Permission::customer_read);
  Params params;
  const std::string where = " WHERE " + storage::path_prefix_condition(conn.backend(), "org_path", p.org_path, params);
  const std::int64_t total = conn.query_i64("SELECT COUNT(*) FROM key_account_runs" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT id FROM key_account_runs" + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", params))
    items.push_back(run_json(conn, p, r.i64(0)));
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

bj::object run_items(Connection& conn, const auth::Principal& p, std::int64_t run_id, const std::optional<std::string>& change,
                     const std::optional<std::string>& decision, std::int64_t limit, std::int64_t offset) {
  require(p, auth::Permission::customer_read);
  require_run(conn, p, run_id);
  std::string where = " WHERE k.run_id = ?";
  Params params{run_id};
  Validator v;
  if (change) {
    if (*change != "add" && *change != "remove" && *change != "keep") v.add("change", "must be one of add, remove, keep");
    where += " AND k.change = ?";
    params.push_back(*change);
  }
  if (decision) {
    if (*decision != "pending" && *decision != "accepted" && *decision != "rejected")
      v.add("decision", "must be one of pending, accepted, rejected");
    where += " AND k.decision = ?";
    params.push_back(*decision);
  }
  if (!v.ok()) throw AppError(ErrorCode::validation_failed, "invalid query parameter", v.issues());
  // Account managers see only their own customers' items, as everywhere else.
  customers::append_scope(p, conn.backend(), where, params);
  const std::int64_t total =
      conn.query_i64("SELECT COUNT(*) FROM key_account_proposals k JOIN customers c ON c.id = k.customer_id" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query(
           "SELECT k.customer_id, c.name, o.name, c.annual_kwh, c.importance_class, k.change, k.reasons, k.rank_in_bureau, k.score, "
           "k.listed_kind, k.decision, k.decision_reason, u.display_name, k.decided_at FROM key_account_proposals k "
           "JOIN customers c ON c.id = k.customer_id JOIN org_units o ON o.id = c.org_unit_id "
           "LEFT JOIN users u ON u.id = k.decided_by" +
               where + " ORDER BY k.change, k.score DESC, k.customer_id LIMIT ? OFFSET ?",
           params))
    items.push_back(bj::object{{"customer_id", r.i64(0)},
                               {"customer_name", r.str(1)},
                               {"org_unit_name", r.str(2)},
                               {"annual_kwh", r.f64(3)},
                               {"importance_class", r.str(4)},
                               {"change", r.str(5)},
                               {"reasons", codes(r.str(6))},
                               {"rank_in_bureau", r.i64(7)},
                               {"score", r.f64(8)},
                               {"listed_kind", json::nullable(r.opt_str(9))},
                               {"decision", r.str(10)},
                               {"decision_reason", json::nullable(r.opt_str(11))},
                               {"decided_by", json::nullable(r.opt_str(12))},
                               {"decided_at", json::instant_or_null(r.opt_i64(13))}});
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

int decide(Connection& conn, const auth::Principal& p, std::int64_t run_id, const std::vector<std::int64_t>& customer_ids,
           const std::string& decision, const std::string& reason, Millis now) {
  require(p, auth::Permission::keyaccount_review);
  RunRow run = require_run(conn, p, run_id);
  if (run.status != "review") throw AppError(ErrorCode::invalid_transition, "the run is no longer in review (it is " + run.status + ")");
  Validator v;
  if (decision != "accepted" && decision != "rejected") v.add("decision", "must be accepted or rejected");
  if (trim(reason).empty()) v.add("reason", "is required");
  if (customer_ids.empty()) v.add("customer_ids", "name at least one customer");
  v.throw_if_failed();
  int changed = 0;
  for (std::size_t i = 0; i < customer_ids.size(); ++i) {
    auto item = conn.query_one("SELECT change, decision FROM key_account_proposals WHERE run_id = ? AND customer_id = ?",
                               {run_id, customer_ids[i]});
    if (!item) throw AppError(ErrorCode::validation_failed, "invalid decision", {{"customer_ids[" + std::to_string(i) + "]", "is not in this proposal"}});
    if (item->str(0) == "keep")
      throw AppError(ErrorCode::validation_failed, "invalid decision",
                     {{"customer_ids[" + std::to_string(i) + "]", "stays a key account; only proposed changes need a decision"}});
    customers::require_visible(conn, p, customer_ids[i]);
    conn.execute(
        "UPDATE key_account_proposals SET decision = ?, decision_reason = ?, decided_by = ?, decided_at = ? WHERE run_id = ? AND customer_id = ?",
        {decision, trim(reason), p.user_id, now, run_id, customer_ids[i]});
    audit::Entry e;
    e.action = "decide";
    e.entity = "key_account_proposal";
    e.entity_id = std::to_string(run_id) + "/" + std::to_string(customer_ids[i]);
    e.org_path = run.org_path;
    e.before_json = json::serialize(bj::object{{"decision", item->str(1)}});
    e.after_json = json::serialize(bj::object{{"change", item->str(0)}, {"decision", decision}, {"reason", trim(reason)}});
    audit::record(conn, p.actor(), e);
    ++changed;
  }
  return changed;
}

std::pair<int, int> apply(Connection& conn, const auth::Principal& p, std::int64_t run_id, Millis now) {
  require(p, auth::Permission::keyaccount_approve);
  RunRow run = require_run(conn, p, run_id);
  if (run.status != "review") throw AppError(ErrorCode::invalid_transition, "the run is no longer in review (it is " + run.status + ")");
  const std::int64_t pending = conn.query_i64(
      "SELECT COUNT(*) FROM key_account_proposals WHERE run_id = ? AND change <> 'keep' AND decision = 'pending'", {run_id});
  if (pending > 0)
    throw AppError(ErrorCode::invalid_transition,
                   "every proposed change needs a decision before the list is changed (" + std::to_string(pending) + " pending)");
  int added = 0, removed = 0;
  for (auto& r : conn.query("SELECT k.customer_id, k.change, k.decision_reason, k.decided_by, c.org_path, c.is_key_account, k.reasons "
                            "FROM key_account_proposals k JOIN customers c ON c.id = k.customer_id "
                            "WHERE k.run_id = ? AND k.change <> 'keep' AND k.decision = 'accepted'",
                            {run_id})) {
    const std::int64_t customer = r.i64(0);
    const bool add = r.str(1) == "add";
    if (r.boolean(5) == add) continue;  // changed by hand meanwhile: nothing to do
    const std::string reason = r.str(2) + (add ? "（" + reason_labels(r.str(6)) + "）" : "");
    change_list(conn, p, customer, r.str(4), add, reason, "identification", run_id, r.opt_i64(3), now);
    (add ? added : removed)++;
  }
  conn.execute("UPDATE key_account_runs SET status = 'applied', applied_by = ?, applied_at = ? WHERE id = ?", {p.user_id, now, run_id});
  return {added, removed};
}

std::int64_t request_change(Connection& conn, const auth::Principal& p, std::int64_t customer_id, const std::string& action,
                            const std::string& reason, Millis now) {
  require(p, auth::Permission::keyaccount_review);
  Validator v;
  if (action != "add" && action != "remove") v.add("action", "must be add or remove");
  if (trim(reason).empty()) v.add("reason", "is required");
  v.throw_if_failed();
  auto visible = customers::require_visible(conn, p, customer_id);
  const bool key = conn.query_i64("SELECT is_key_account FROM customers WHERE id = ?", {customer_id}) != 0;
  if (key == (action == "add"))
    throw AppError(ErrorCode::invalid_transition, key ? "the customer is already a key account" : "the customer is not a key account");
  if (conn.query_one("SELECT 1 FROM key_account_requests WHERE customer_id = ? AND status = 'pending'", {customer_id}))
    throw AppError(ErrorCode::conflict, "a request for this customer is already waiting for approval");
  const std::int64_t id = conn.insert_returning_id(
      "INSERT INTO key_account_requests(customer_id, org_path, action, reason, status, requested_by, requested_at) "
      "VALUES (?,?,?,?,'pending',?,?) RETURNING id",
      {customer_id, visible.org_path, action, trim(reason), p.user_id, now});
  audit::Entry e;
  e.action = "request";
  e.entity = "key_account_request";
  e.entity_id = std::to_string(id);
  e.org_path = visible.org_path;
  e.after_json = json::serialize(bj::object{{"customer_id", customer_id}, {"action", action}, {"reason", trim(reason)}});
  audit::record(conn, p.actor(), e);
  return id;
}

void decide_request(Connection& conn, const auth::Principal& p, std::int64_t request_id, bool approve, const std::string& note,
                    Millis now) {
  require(p, auth::Permission::keyaccount_approve);
  auto r = conn.query_one("SELECT customer_id, org_path, action, reason, status, requested_by FROM key_account_requests WHERE id = ?",
                          {request_id});
  if (!r || !auth::org_in_scope(p, r->str(1))) throw_not_found("key-account request");
  if (r->str(4) != "pending") throw AppError(ErrorCode::invalid_transition, "the request was already decided (" + r->str(4) + ")");
  if (r->i64(5) == p.user_id) throw AppError(ErrorCode::forbidden, "the approver must be someone other than the requester");
  if (!approve && trim(note).empty())
    throw AppError(ErrorCode::validation_failed, "invalid decision", {{"note", "say why the request is rejected"}});
  conn.execute("UPDATE key_account_requests SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?",
               {std::string(approve ? "approved" : "rejected"), p.user_id, now, storage::text_or_null(trim(note)), request_id});
  audit::Entry e;
  e.action = approve ? "approve" : "reject";
  e.entity = "key_account_request";
  e.entity_id = std::to_string(request_id);
  e.org_path = r->str(1);
  e.before_json = json::serialize(bj::object{{"status", "pending"}});
  e.after_json = json::serialize(bj::object{{"status", approve ? "approved" : "rejected"}, {"note", trim(note)}});
  audit::record(conn, p.actor(), e);
  if (!approve) return;
  const std::int64_t customer = r->i64(0);
  const bool add = r->str(2) == "add";
  const bool key = conn.query_i64("SELECT is_key_account FROM customers WHERE id = ?", {customer}) != 0;
  if (key == add) return;  // changed meanwhile (a run was applied): nothing left to do
  change_list(conn, p, customer, r->str(1), add, r->str(3), "manual", request_id, r->i64(5), now);
}

bj::object list_requests(Connection& conn, const auth::Principal& p, const std::optional<std::string>& status, std::int64_t limit,
                         std::int64_t offset) {
  require(p, auth::Permission::customer_read);
  std::string where = " WHERE 1=1";
  Params params;
  if (status) {
    if (*status != "pending" && *status != "approved" && *status != "rejected")
      throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{"status", "must be one of pending, approved, rejected"}});
    where += " AND k.status = ?";
    params.push_back(*status);
  }
  customers::append_scope(p, conn.backend(), where, params);
  const std::int64_t total =
      conn.query_i64("SELECT COUNT(*) FROM key_account_requests k JOIN customers c ON c.id = k.customer_id" + where, params);
  params.push_back(limit);
  params.push_back(offset);
  bj::array items;
  for (auto& r : conn.query("SELECT k.id, k.customer_id, c.name, k.action, k.reason, k.status, u.display_name, k.requested_at, "
                            "d.display_name, k.decided_at, k.decision_note FROM key_account_requests k "
                            "JOIN customers c ON c.id = k.customer_id JOIN users u ON u.id = k.requested_by "
                            "LEFT JOIN users d ON d.id = k.decided_by" +
                                where + " ORDER BY k.requested_at DESC, k.id DESC LIMIT ? OFFSET ?",
                            params))
    items.push_back(bj::object{{"id", r.i64(0)},
                               {"customer_id", r.i64(1)},
                               {"customer_name", r.str(2)},
                               {"action", r.str(3)},
                               {"reason", r.str(4)},
                               {"status", r.str(5)},
                               {"requested_by", r.str(6)},
                               {"requested_at", format_iso_utc(r.i64(7))},
                               {"decided_by", json::nullable(r.opt_str(8))},
                               {"decided_at", json::instant_or_null(r.opt_i64(9))},
                               {"decision_note", json::nullable(r.opt_str(10))}});
  return json::list_envelope(std::move(items), total, offset / std::max<std::int64_t>(limit, 1) + 1, limit);
}

bj::object history(Connection& conn, const auth::Principal& p, std::int64_t customer_id) {
  require(p, auth::Permission::customer_read);
  customers::require_visible(conn, p, customer_id);
  bj::array items;
  for (auto& r : conn.query("SELECT h.action, h.reason, h.source, h.run_id, d.display_name, a.display_name, h.at "
                            "FROM key_account_history h LEFT JOIN users d ON d.id = h.decided_by "
                            "LEFT JOIN users a ON a.id = h.approved_by WHERE h.customer_id = ? ORDER BY h.at, h.id",
                            {customer_id}))
    items.push_back(bj::object{{"action", r.str(0)},
                               {"reason", r.str(1)},
                               {"source", r.str(2)},
                               {"run_id", json::nullable(r.opt_i64(3))},
                               {"decided_by", json::nullable(r.opt_str(4))},
                               {"approved_by", json::nullable(r.opt_str(5))},
                               {"at", format_iso_utc(r.i64(6))}});
  const std::int64_t n = static_cast<std::int64_t>(items.size());
  return json::list_envelope(std::move(items), n, 1, std::max<std::int64_t>(n, 1));
}

}  // namespace lianxin::keyaccounts
