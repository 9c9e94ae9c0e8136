#pragma once
// Shared by the outage files (not an interface of the module): an integer setting, one timeline
// entry for many customers, and the audit entry of an outage.
#include <cstdint>
#include <set>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::outages::internal {

// The setting's value as an integer, or `fallback` when missing or not a number.
int int_setting(storage::Connection& conn, const char* key, int fallback);

// The same "outage" timeline entry (linked to the outage) for each customer, written together.
void add_timeline(storage::Connection& conn, const auth::Actor& actor, const std::set<std::int64_t>& customers, std::int64_t outage_id,
                  const std::string& title, Millis now);

void audit_outage(storage::Connection& conn, const auth::Actor& actor, const std::string& action, std::int64_t outage_id,
                  const std::string& org_path, const boost::json::object& after);

}  // namespace lianxin::outages::internal
