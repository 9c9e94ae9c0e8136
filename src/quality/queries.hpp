#pragma once
// What people see of data quality: the rules with their counts, the findings (my fix queue, a
// customer's open findings), the scores by bureau, account manager and rule with the weekly trend,
// and the "not a defect" requests with their approval. Every read is scoped like the customer
// archive; every write is audited.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::quality {

boost::json::object list_rules(storage::Connection& conn, const auth::Principal& p);
void set_rule_enabled(storage::Connection& conn, const auth::Principal& p, const std::string& code, bool enabled, Millis now);

struct FindingFilter {
  bool mine = false;  // my fix queue: my key accounts; for whoever may fix the bureau's archive, its other customers too
  std::optional<std::string> rule, status, severity, category;
  std::optional<std::int64_t> customer_id;
};
boost::json::object list_findings(storage::Connection& conn, const auth::Principal& p, const FindingFilter& f, std::int64_t limit,
                                  std::int64_t offset);
// A customer's live findings and score (the 360 view).
boost::json::object customer_quality(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);

// Scores of the caller's scope: the company (or bureau) figure, bureaus, account managers, rules,
// and the weekly trend; the worst first.
boost::json::object scores(storage::Connection& conn, const auth::Principal& p);

// "Not a defect": the owner asks with a reason; someone else with quality.approve approves
// (dismissed, stays so while the record is unchanged) or rejects (open again).
void request_dismissal(storage::Connection& conn, const auth::Principal& p, std::int64_t finding_id, const boost::json::object& body, Millis now);
void decide_dismissal(storage::Connection& conn, const auth::Principal& p, std::int64_t finding_id, const boost::json::object& body, Millis now);

// Bulk fixes where the change needs no judgement, for the given findings of one rule:
//   validity.basic_charge_mode  an account not on the two-part tariff stops paying a basic charge
//                               (mode none; two-part accounts need a person to choose the mode);
//   staleness.key_contacts      the owner confirms the key account's active contacts today (after
//                               checking them with the customer, e.g. in a round of calls).
// Each record changes through the archive (audited, re-checked); findings not live, of another rule
// or not fixable are skipped with the reason. At most 500 at once.
boost::json::object bulk_fix(storage::Connection& conn, const auth::Principal& p, const boost::json::object& body, Millis now);

}  // namespace lianxin::quality
