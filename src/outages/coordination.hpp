#pragma once
// Control of repeated outages (重复停电) and coordination of works: other departments' works on the
// same accounts within a window (a proposal to merge them), the yearly limit of planned
// interruptions per account, and guaranteed-supply periods (保供电) for a customer or an event.
// The limit and the guarantees block approval unless a leader overrides them with a reason.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::outages {

// Other departments' planned or temporary works (not cancelled) whose accounts overlap this
// outage's and whose time lies within `outages.coordination_window_days` of it, before or after:
// [{outage_id, number, title, kind, status, requester, department, planned_start, planned_end,
//   shared_accounts, shared_customers, days_apart, proposal}]. Empty before the outage is checked.
boost::json::array conflicts(storage::Connection& conn, std::int64_t outage_id, int window_days);
int coordination_window_days(storage::Connection& conn);

// What stops approval without a leader's override: {yearly_limit: {limit, year, accounts: [{account_id,
// account_no, customer_id, customer_name, planned_this_year}], total}, guarantees: [{id, name, kind,
// customer_id, customer_name, org_unit_name, starts_at, ends_at, reason}], blocked}.
boost::json::object blockers(storage::Connection& conn, std::int64_t outage_id);

// Guaranteed-supply periods. Body fields: name, kind (customer|event), customer_id (customer),
// org_unit_id (event; a customer's period takes the customer's unit), starts_at, ends_at, reason.
std::int64_t create_guarantee(storage::Connection& conn, const auth::Principal& p, const boost::json::object& body, Millis now);
void update_guarantee(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const boost::json::object& body, Millis now);
void deactivate_guarantee(storage::Connection& conn, const auth::Principal& p, std::int64_t id, Millis now);
struct GuaranteeFilter {
  std::optional<std::string> from, to;  // YYYY-MM-DD: periods overlapping these days
  bool include_inactive = false;
};
boost::json::object list_guarantees(storage::Connection& conn, const auth::Principal& p, const GuaranteeFilter& f, std::int64_t limit,
                                    std::int64_t offset);

}  // namespace lianxin::outages
