#pragma once
// Key-account identification as a workflow: a run applies the rules (rules.hpp) to the customers of
// an org subtree and stores the proposal against the current list; reviewers accept or reject each
// change with a reason; an approver applies the accepted ones, which changes the list, writes the
// history (who was a key account when and why), the customer 360 timeline and the audit log.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "keyaccounts/rules.hpp"
#include "storage/db.hpp"

namespace lianxin::keyaccounts {

// The rules as configured (settings keyaccounts.*; listed kinds and classes are the defaults).
Rules load_rules(storage::Connection& conn);

// Runs the identification over the active customers of `org_unit_id`'s subtree (default: the
// caller's org unit). Bureau = the customer's nearest county or city bureau. Returns the run id.
std::int64_t run_identification(storage::Connection& conn, const auth::Principal& p, std::optional<std::int64_t> org_unit_id,
                                int year, Millis now);

boost::json::object run_json(storage::Connection& conn, const auth::Principal& p, std::int64_t run_id);
boost::json::object list_runs(storage::Connection& conn, const auth::Principal& p, std::int64_t limit, std::int64_t offset);
// The proposal's items (change add/remove/keep; decision pending/accepted/rejected filters).
boost::json::object run_items(storage::Connection& conn, const auth::Principal& p, std::int64_t run_id,
                              const std::optional<std::string>& change, const std::optional<std::string>& decision,
                              std::int64_t limit, std::int64_t offset);

// Accept or reject items of a run in review, each with the reason (required).
int decide(storage::Connection& conn, const auth::Principal& p, std::int64_t run_id,
           const std::vector<std::int64_t>& customer_ids, const std::string& decision, const std::string& reason, Millis now);

// Applies the accepted changes of a run whose every add/remove item is decided (keep items need
// no decision). Only an approver; returns {added, removed}.
std::pair<int, int> apply(storage::Connection& conn, const auth::Principal& p, std::int64_t run_id, Millis now);

// Manual changes to the list (a customer in or out outside a run): requested with a reason by a
// reviewer, decided by an approver who is not the requester. Approval changes the list and writes
// the history, the timeline and the audit log.
std::int64_t request_change(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id,
                            const std::string& action, const std::string& reason, Millis now);
void decide_request(storage::Connection& conn, const auth::Principal& p, std::int64_t request_id, bool approve,
                    const std::string& note, Millis now);
boost::json::object list_requests(storage::Connection& conn, const auth::Principal& p, const std::optional<std::string>& status,
                                  std::int64_t limit, std::int64_t offset);

// Who was a key account when and why.
boost::json::object history(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);

}  // namespace lianxin::keyaccounts
