#pragma once
// Shared helpers of the key-account service files (portfolio, programme, visits, plans, home).
// Not part of the module's interface.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "auth/model.hpp"
#include "auth/rules.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "storage/db.hpp"
#include "timeline/timeline.hpp"

namespace lianxin::keyaccounts::detail {

namespace bj = boost::json;

inline void require(const auth::Principal& p, auth::Permission permission) { auth::require_permission(p, permission); }

// A visible customer (data scope and, for account managers, the portfolio incl. cover).
struct CustomerRef {
  std::int64_t id = 0;
  std::string name, org_path;
  bool key = false;
  std::optional<std::int64_t> manager_id, backup_manager_id;
};
CustomerRef require_customer(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);
// The same, and the customer must be a key account.
CustomerRef require_key_account(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);

// "Customer visible to the principal" on the customers alias c (org subtree; for account managers
// their own and covered accounts), with its placeholders appended to params.
std::string visible_customers(storage::Connection& conn, const auth::Principal& p, storage::Params& params);

// An active user who may own work (any role), named in `field` on error.
void check_user(storage::Connection& conn, std::int64_t user_id, const char* field, Validator& v);
// YYYY-MM-DD or an error on `field`.
std::string req_date(const bj::object& o, const char* field, Validator& v);
std::optional<std::string> opt_date(const bj::object& o, const char* field, Validator& v);

void audit_write(storage::Connection& conn, const auth::Principal& p, const std::string& action, const std::string& entity,
                 std::int64_t id, const std::string& org_path, const bj::object& before, const bj::object& after);
void timeline_add(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, const std::string& kind,
                  const std::string& title, const std::string& body, const std::string& ref_entity, std::int64_t ref_id,
                  Millis now);

std::string today(Millis now);
// Regular-visit interval in days per tier (setting keyaccounts.visit_interval_days; A:30,B:60,C:90
// when unset or malformed), and the interval of a tier (untiered accounts as C).
std::map<std::string, int> visit_intervals(storage::Connection& conn);
int interval_of(const std::map<std::string, int>& intervals, const std::string& tier);
int year_of(const std::string& date);
bj::value user_ref(const std::optional<std::int64_t>& id, const std::optional<std::string>& name);

// Marks the programme item of `kind` of the customer's programme of `year` done, with the record
// that completed it (a leader visit, a drill, a delivered usage plan …). No programme: nothing.
void complete_programme_item(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, int year,
                             const std::string& kind, const std::string& ref_entity, std::int64_t ref_id, Millis now);

// An action item to create: a visit's need, a drill finding, an equipment recommendation.
struct NewItem {
  std::string title;
  std::int64_t owner_id = 0;
  std::string due_date;
  std::optional<std::string> action;  // equipment: replace, overhaul, retrofit
};
// Reads and validates an array of {title, owner_id, due_date[, action]} from `field` (errors name
// e.g. "needs[1].owner_id"), before anything is written.
std::vector<NewItem> parse_items(storage::Connection& conn, const bj::object& o, const char* field, Validator& v,
                                 bool with_action);
// One item given as the whole body; errors name the fields directly ("owner_id").
NewItem parse_item(storage::Connection& conn, const bj::object& body, bool with_action);
std::int64_t add_action_item(storage::Connection& conn, const auth::Principal& p, const CustomerRef& c,
                             const std::string& source, std::optional<std::int64_t> source_id, const NewItem& item, Millis now);

}  // namespace lianxin::keyaccounts::detail
