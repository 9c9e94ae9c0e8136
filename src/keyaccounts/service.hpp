#pragma once
// Key-account service after identification: the account-manager system (客户经理制: tiers,
// managers and hand-overs, cover during leave, service teams, service packages), the yearly
// "五个一" programme, visits with their action items, emergency plans (一户一预案) and drills,
// electricity-use plans (用电策划), the equipment register (设备诊断), the account manager's home
// and the overdue sweep. Every command runs in the caller's transaction, checks role and data
// scope, writes the audit log and, where a customer is concerned, the 360 timeline.
// Request bodies are parsed JSON objects; errors name the field.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::keyaccounts {

namespace bj = boost::json;

// ---- Portfolio (portfolio.cpp) ----------------------------------------------------------------
struct KeyAccountFilter {
  std::optional<std::string> q, tier;
  std::optional<std::int64_t> manager_id, org_unit_id;
};
// The key-account list: tier, managers, bureau, consumption, last value score, this year's
// programme progress, open and overdue action items.
bj::object list_key_accounts(storage::Connection& conn, const auth::Principal& p, const KeyAccountFilter& f, std::int64_t limit,
                             std::int64_t offset, Millis now);
// One key account's service card: managers, tier, team, packages, hand-overs, covers.
bj::object key_account_card(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);
void set_tier(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body, Millis now);
// Reassigns the primary or backup manager with a hand-over record; for the primary every open
// programme item and action item of the account owned by the old manager moves to the new one.
bj::object hand_over(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body,
                     Millis now);
// All primary accounts of a manager to another (a manager leaves); one hand-over per account.
bj::object hand_over_portfolio(storage::Connection& conn, const auth::Principal& p, std::int64_t manager_id,
                               const bj::object& body, Millis now);
std::int64_t add_cover(storage::Connection& conn, const auth::Principal& p, std::int64_t manager_id, const bj::object& body,
                       Millis now);
void cancel_cover(storage::Connection& conn, const auth::Principal& p, std::int64_t cover_id, Millis now);
bj::object list_covers(storage::Connection& conn, const auth::Principal& p, bool current_only, Millis now);
// Account managers in scope with their workload: accounts, open items, overdue items.
bj::object list_managers(storage::Connection& conn, const auth::Principal& p, Millis now);
std::int64_t add_team_member(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body,
                             Millis now);
void remove_team_member(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, std::int64_t member_id,
                        Millis now);
bj::object list_packages(storage::Connection& conn, const auth::Principal& p);
std::int64_t create_package(storage::Connection& conn, const auth::Principal& p, const bj::object& body, Millis now);
void assign_package(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, std::int64_t package_id,
                    bool assign, Millis now);

// A keyaccounts.* setting (company level only), checked by setting_problem (programme_rules.hpp).
bj::object update_setting(storage::Connection& conn, const auth::Principal& p, const std::string& key, const bj::object& body,
                          Millis now);

// ---- The "五个一" programme (programme.cpp) --------------------------------------------------------
// Creates the year's programme (five items from the template) for a key account if missing.
// Returns the programme id (existing or new).
std::int64_t ensure_programme(storage::Connection& conn, const auth::Actor& actor, std::int64_t customer_id, int year, Millis now);
// For every key account in the org subtree (default: the caller's) without one.
bj::object generate_programmes(storage::Connection& conn, const auth::Principal& p, const bj::object& body, Millis now);
bj::object programme_of(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, int year);
bj::object update_programme_item(storage::Connection& conn, const auth::Principal& p, std::int64_t item_id,
                                 const bj::object& body, Millis now);
// Completes an item by hand (with its evidence already attached); the kind's own record must exist.
bj::object complete_programme_item(storage::Connection& conn, const auth::Principal& p, std::int64_t item_id,
                                   const bj::object& body, Millis now);
void sign_off_programme(storage::Connection& conn, const auth::Principal& p, std::int64_t programme_id, const bj::object& body,
                        Millis now);
struct BoardFilter {
  int year = 0;
  std::optional<std::int64_t> org_unit_id, manager_id;
  std::optional<std::string> q;
};
// Accounts × the five items.
bj::object programme_board(storage::Connection& conn, const auth::Principal& p, const BoardFilter& f, std::int64_t limit,
                           std::int64_t offset, Millis now);
// Completion and coverage by manager or by bureau.
bj::object programme_coverage(storage::Connection& conn, const auth::Principal& p, int year, const std::string& by, Millis now);

// ---- Visits and action items (visits.cpp) -----------------------------------------------------
std::int64_t plan_visit(storage::Connection& conn, const auth::Principal& p, const bj::object& body, Millis now);
// Records the visit: what was found, and every need or problem as an action item.
bj::object complete_visit(storage::Connection& conn, const auth::Principal& p, std::int64_t visit_id, const bj::object& body,
                          Millis now);
void cancel_visit(storage::Connection& conn, const auth::Principal& p, std::int64_t visit_id, const bj::object& body, Millis now);
bj::object visit_detail(storage::Connection& conn, const auth::Principal& p, std::int64_t visit_id);
struct VisitFilter {
  std::optional<std::string> from, to, status, kind;
  std::optional<std::int64_t> customer_id, manager_id;
};
bj::object list_visits(storage::Connection& conn, const auth::Principal& p, const VisitFilter& f, std::int64_t limit,
                       std::int64_t offset);
// Key accounts whose regular visit (by tier frequency) falls due by `until`.
bj::array visits_due(storage::Connection& conn, const auth::Principal& p, std::optional<std::int64_t> manager_id,
                     const std::string& until, Millis now);
std::int64_t create_action_item(storage::Connection& conn, const auth::Principal& p, const bj::object& body, Millis now);
bj::object update_action_item(storage::Connection& conn, const auth::Principal& p, std::int64_t item_id, const bj::object& body,
                              Millis now);
bj::object close_action_item(storage::Connection& conn, const auth::Principal& p, std::int64_t item_id, const bj::object& body,
                             Millis now);
struct ActionItemFilter {
  std::optional<std::int64_t> customer_id, owner_id, source_id;
  std::optional<std::string> status, source;
  bool overdue_only = false;
};
bj::object list_action_items(storage::Connection& conn, const auth::Principal& p, const ActionItemFilter& f, std::int64_t limit,
                             std::int64_t offset, Millis now);

// Evidence and records attached to programme items, visits, drills, action items, equipment.
std::int64_t add_attachment(storage::Connection& conn, const auth::Principal& p, const std::string& entity,
                            std::int64_t entity_id, const std::string& file_name, const std::string& bytes, Millis now);
struct StoredFile {
  std::string file_name, content_type, bytes;
};
StoredFile read_attachment(storage::Connection& conn, const auth::Principal& p, std::int64_t attachment_id);

// ---- Emergency plans, drills, usage plans, equipment (plans.cpp) --------------------------------
bj::object emergency_plans(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);
// A new version; `resolves` lists the drill findings (action items) this revision answers, which
// close with it.
bj::object revise_plan(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body,
                       Millis now);
bj::object record_drill(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body,
                        Millis now);
bj::object drills(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);
bj::object usage_plan(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, int year);
bj::object save_usage_plan(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, int year,
                           const bj::object& body, Millis now);
bj::object equipment_list(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);
std::int64_t add_equipment(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, const bj::object& body,
                           Millis now);
bj::object update_equipment(storage::Connection& conn, const auth::Principal& p, std::int64_t equipment_id, const bj::object& body,
                            Millis now);
std::int64_t recommend(storage::Connection& conn, const auth::Principal& p, std::int64_t equipment_id, const bj::object& body,
                       Millis now);

// ---- The account manager's home and the daily work (home.cpp) --------------------------------
// What is due this week, overdue items, planned visits, regular visits due, recent claims of the
// manager's accounts, covers. `manager_id` other than the caller needs keyaccount.manage.
bj::object manager_home(storage::Connection& conn, const auth::Principal& p, std::optional<std::int64_t> manager_id, Millis now);
// Background: creates the current year's programmes once the year has started, and notifies
// owners and managers of overdue programme and action items (once per item). Returns notices.
int sweep(storage::Connection& conn, Millis now);

}  // namespace lianxin::keyaccounts
