// The account manager's home (what is due this week, what is overdue, the visits to make, the
// recent claims of my accounts) and the background sweep (programmes for the new year, overdue
// notices through the outbox).
#include <map>

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

std::string kind_label(const std::string& kind) {
  static const std::map<std::string, std::string> labels = {{"manager", "一名客户经理"},
                                                            {"leader_visit", "一次领导走访"},
                                                            {"drill", "一次应急演练"},
                                                            {"usage_plan", "一份用电策划"},
                                                            {"diagnosis", "一次设备诊断"}};
  auto it = labels.find(kind);
  return it == labels.end() ? kind : it->second;
}

std::string source_label(const std::string& source) {
  static const std::map<std::string, std::string> labels = {
      {"visit", "走访"}, {"drill", "应急演练"}, {"equipment", "设备诊断"}, {"manual", "手工登记"}};
  auto it = labels.find(source);
  return it == labels.end() ? source : it->second;
}

}  // namespace

bj::object manager_home(Connection& conn, const auth::Principal& p, std::optional<std::int64_t> manager_id, Millis now) {
  require(p, auth::Permission::customer_read);
  const std::int64_t target = manager_id.value_or(p.user_id);
  std::vector<std::int64_t> managers{target};
  if (target != p.user_id) {
    require(p, auth::Permission::keyaccount_manage);
    auto u = conn.query_one("SELECT o.path FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = ?", {target});
    if (!u || !auth::org_in_scope(p, u->str(0))) throw_not_found("user");
  } else {
    for (auto id : p.covering) managers.push_back(id);  // the accounts I cover during a colleague's leave
  }
  const std::string day = today(now), week_end = add_days(day, 7);
  // "My accounts": primary or backup, and those covered; one condition reused by every query.
  std::string marks;
  Params mine;
  for (std::size_t i = 0; i < managers.size(); ++i) marks += i ? ",?" : "?";
  for (auto id : managers) mine.push_back(id);
  for (auto id : managers) mine.push_back(id);
  const std::string my_accounts = "(SELECT id FROM customers WHERE (manager_id IN (" + marks + ") OR backup_manager_id IN (" + marks +
                                  ")) AND is_key_account = 1)";
  auto with = [&](std::initializer_list<Value> before, std::initializer_list<Value> after = {}) {
    Params out(before);
    out.insert(out.end(), mine.begin(), mine.end());
    out.insert(out.end(), after);
    return out;
  };

  auto counts = conn.query_one(
      "SELECT COUNT(*), SUM(CASE WHEN manager_id = ? THEN 1 ELSE 0 END) FROM customers WHERE id IN " + my_accounts,
      with({target}));
  bj::array due, overdue;
  // Programme items of my accounts (whoever owns them) and those I own elsewhere.
  for (auto& r : conn.query(
           "SELECT i.id, i.kind, i.due_date, c.id, c.name, u.display_name, g.year FROM programme_items i "
           "JOIN programmes g ON g.id = i.programme_id JOIN customers c ON c.id = i.customer_id "
           "LEFT JOIN users u ON u.id = i.owner_id WHERE i.status = 'pending' AND i.due_date <= ? AND i.id IN "
           "(SELECT id FROM programme_items WHERE owner_id = ? UNION SELECT id FROM programme_items WHERE customer_id IN " +
               my_accounts + ") ORDER BY i.due_date, i.id LIMIT 200",
           with({week_end, target}))) {
    bj::object item{{"type", "programme_item"},
                    {"id", r.i64(0)},
                    {"kind", r.str(1)},
                    {"title", kind_label(r.str(1))},
                    {"due_date", r.str(2)},
                    {"customer_id", r.i64(3)},
                    {"customer_name", r.str(4)},
                    {"owner_name", json::nullable(r.opt_str(5))},
                    {"year", r.i64(6)}};
    (r.str(2) < day ? overdue : due).push_back(std::move(item));
  }
  for (auto& r : conn.query(
           "SELECT a.id, a.source, a.title, a.due_date, c.id, c.name, u.display_name, a.action FROM action_items a "
           "JOIN customers c ON c.id = a.customer_id LEFT JOIN users u ON u.id = a.owner_id "
           "WHERE a.status = 'open' AND a.due_date <= ? AND a.id IN (SELECT id FROM action_items WHERE owner_id = ? AND status = 'open' "
           "UNION SELECT id FROM action_items WHERE customer_id IN " + my_accounts + " AND status = 'open') "
           "ORDER BY a.due_date, a.id LIMIT 200",
           with({week_end, target}))) {
    bj::object item{{"type", "action_item"},
                    {"id", r.i64(0)},
                    {"source", r.str(1)},
                    {"title", r.str(2)},
                    {"due_date", r.str(3)},
                    {"customer_id", r.i64(4)},
                    {"customer_name", r.str(5)},
                    {"owner_name", json::nullable(r.opt_str(6))},
                    {"action", json::nullable(r.opt_str(7))}};
    (r.str(3) < day ? overdue : due).push_back(std::move(item));
  }
  const std::int64_t open_items =
      conn.query_i64("SELECT COUNT(*) FROM (SELECT id FROM action_items WHERE owner_id = ? AND status = 'open' UNION "
                     "SELECT id FROM action_items WHERE customer_id IN " + my_accounts + " AND status = 'open') t",
                     with({target})) +
      conn.query_i64("SELECT COUNT(*) FROM (SELECT id FROM programme_items WHERE owner_id = ? AND status = 'pending' UNION "
                     "SELECT id FROM programme_items WHERE customer_id IN " + my_accounts + " AND status = 'pending') t",
                     with({target}));
  bj::array visits;
  for (auto& r : conn.query("SELECT v.id, v.kind, v.planned_on, c.id, c.name, v.participants FROM visits v "
                            "JOIN customers c ON c.id = v.customer_id WHERE v.status = 'planned' AND v.planned_on <= ? "
                            "AND v.customer_id IN " + my_accounts + " ORDER BY v.planned_on, v.id LIMIT 100",
                            with({week_end})))
    visits.push_back(bj::object{{"id", r.i64(0)},
                                {"kind", r.str(1)},
                                {"planned_on", r.str(2)},
                                {"customer_id", r.i64(3)},
                                {"customer_name", r.str(4)},
                                {"participants", r.str(5)},
                                {"overdue", r.str(2) < day}});
  // Regular visits falling due, by tier frequency (the caller's own view of their portfolio).
  bj::array regular;
  {
    const auto intervals = visit_intervals(conn);
    for (auto& r : conn.query(
             "SELECT c.id, c.name, c.key_tier, "
             "(SELECT MAX(v.done_on) FROM visits v WHERE v.customer_id = c.id AND v.status = 'done' AND v.kind <> 'introduction'), "
             "(SELECT MIN(v.planned_on) FROM visits v WHERE v.customer_id = c.id AND v.status = 'planned') "
             "FROM customers c WHERE c.id IN " + my_accounts + " ORDER BY c.id",
             with({}))) {
      const std::string tier = r.opt_str(2).value_or("C");
      const int interval = interval_of(intervals, tier);
      const std::string next = next_visit_due(r.opt_str(3), interval, day);
      if (next > week_end || !r.is_null(4)) continue;  // not due, or a visit is already planned
      regular.push_back(bj::object{{"customer_id", r.i64(0)},
                                   {"name", r.str(1)},
                                   {"tier", tier},
                                   {"last_visit_on", json::nullable(r.opt_str(3))},
                                   {"due_on", next},
                                   {"overdue", next < day}});
    }
  }
  bj::array claims;
  for (auto& r : conn.query("SELECT k.id, k.number, k.title, k.status, k.claim_type, k.created_at, k.next_due_at, c.name "
                            "FROM claims k JOIN customers c ON c.id = k.customer_id WHERE k.customer_id IN " + my_accounts +
                                " ORDER BY k.created_at DESC, k.id DESC LIMIT 10",
                            with({})))
    claims.push_back(bj::object{{"id", r.i64(0)},
                                {"number", r.str(1)},
                                {"title", r.str(2)},
                                {"status", r.str(3)},
                                {"claim_type", r.str(4)},
                                {"created_at", json::instant_or_null(r.i64(5))},
                                {"next_due_at", json::instant_or_null(r.opt_i64(6))},
                                {"customer_name", r.str(7)}});
  bj::array covering;
  for (auto& r : conn.query("SELECT c.id, m.display_name, c.starts_on, c.ends_on FROM manager_covers c JOIN users m ON m.id = c.manager_id "
                            "WHERE c.cover_id = ? AND c.cancelled_at IS NULL AND c.ends_on >= ? ORDER BY c.starts_on",
                            {target, day}))
    covering.push_back(bj::object{{"id", r.i64(0)}, {"manager_name", r.str(1)}, {"starts_on", r.str(2)}, {"ends_on", r.str(3)}});
  auto name = conn.query_one("SELECT display_name FROM users WHERE id = ?", {target});
  return bj::object{{"manager", user_ref(target, name ? name->opt_str(0) : std::nullopt)},
                    {"today", day},
                    {"accounts", counts->i64(0)},
                    {"primary_accounts", counts->is_null(1) ? 0 : counts->i64(1)},
                    {"open_items", open_items},
                    {"overdue_count", overdue.size()},
                    {"due_this_week", std::move(due)},
                    {"overdue", std::move(overdue)},
                    {"visits_planned", std::move(visits)},
                    {"regular_visits_due", std::move(regular)},
                    {"recent_claims", std::move(claims)},
                    {"covering", std::move(covering)}};
}

int sweep(Connection& conn, Millis now) {
  const std::string day = today(now);
  const int year = year_of(day);
  const auth::Actor system{0, "system", "", ""};
  int notices = 0;
  // The year's programmes, once per year for every key account (and any account added since).
  std::vector<std::int64_t> missing;
  for (auto& r : conn.query("SELECT c.id FROM customers c WHERE c.is_key_account = 1 AND c.status = 'active' AND NOT EXISTS "
                            "(SELECT 1 FROM programmes g WHERE g.customer_id = c.id AND g.year = ?) LIMIT 500",
                            {std::int64_t{year}}))
    missing.push_back(r.i64(0));
  for (auto id : missing) ensure_programme(conn, system, id, year, now);

  auto notify_both = [&](std::int64_t owner, std::optional<std::int64_t> manager, const std::string& kind,
                         const std::map<std::string, std::string>& params, const std::string& ref_entity, std::int64_t ref_id) {
    std::vector<std::int64_t> to{owner};
    if (manager && *manager != owner) to.push_back(*manager);
    for (auto user : to) {
      notify::Notice n;
      n.user_id = user;
      n.kind = kind;
      n.params = params;
      n.ref_entity = ref_entity;
      n.ref_id = std::to_string(ref_id);
      n.dedupe_key = kind + ":" + std::to_string(ref_id) + ":u" + std::to_string(user);
      notices += notify::enqueue(conn, n, now) > 0 ? 1 : 0;
    }
  };
  std::vector<std::int64_t> items;
  for (auto& r : conn.query(
           "SELECT i.id, i.kind, i.due_date, i.owner_id, c.manager_id, c.name, g.year, u.display_name FROM programme_items i "
           "JOIN programmes g ON g.id = i.programme_id JOIN customers c ON c.id = i.customer_id "
           "LEFT JOIN users u ON u.id = i.owner_id WHERE i.status = 'pending' AND i.due_date < ? "
           "AND i.overdue_notified_at IS NULL ORDER BY i.id LIMIT 500",
           {day})) {
    items.push_back(r.i64(0));
    auto owner = r.opt_i64(3) ? r.opt_i64(3) : r.opt_i64(4);
    if (!owner) continue;
    notify_both(*owner, r.opt_i64(4), "programme_item_overdue",
                {{"customer", r.str(5)}, {"year", std::to_string(r.i64(6))}, {"item", kind_label(r.str(1))},
                 {"due", r.str(2)}, {"owner", r.opt_str(7).value_or("未指定")}},
                "programme_item", r.i64(0));
  }
  for (auto id : items) conn.execute("UPDATE programme_items SET overdue_notified_at = ? WHERE id = ?", {now, id});
  items.clear();
  for (auto& r : conn.query(
           "SELECT a.id, a.title, a.source, a.due_date, a.owner_id, c.manager_id, c.name, u.display_name FROM action_items a "
           "JOIN customers c ON c.id = a.customer_id LEFT JOIN users u ON u.id = a.owner_id "
           "WHERE a.status = 'open' AND a.due_date < ? AND a.overdue_notified_at IS NULL ORDER BY a.id LIMIT 500",
           {day})) {
    items.push_back(r.i64(0));
    notify_both(r.i64(4), r.opt_i64(5), "action_item_overdue",
                {{"customer", r.str(6)}, {"title", r.str(1)}, {"source", source_label(r.str(2))}, {"due", r.str(3)},
                 {"owner", r.opt_str(7).value_or("")}},
                "action_item", r.i64(0));
  }
  for (auto id : items) conn.execute("UPDATE action_items SET overdue_notified_at = ? WHERE id = ?", {now, id});
  return notices;
}

}  // namespace lianxin::keyaccounts
