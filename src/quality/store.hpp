#pragma once
// Findings in the database: the facts of customers loaded in bulk, the per-record rules and the
// set-based ones (duplicate credit codes, mobiles and near-identical names, figures far from their
// peers), and the reconciliation that opens new findings, refreshes the ones still true and closes
// the fixed ones. Runs in the caller's transaction.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::quality {

// The rules switched on: every rule of the library unless the company switched it off.
std::set<std::string> enabled_rules(storage::Connection& conn);

struct RunResult {
  std::int64_t customers = 0, opened = 0, closed = 0, open_total = 0;
};

// After an edit or an import: the per-record rules and the duplicates of these customers' credit
// codes, mobile numbers and names (against the bureau's stored name keys). Outliers among peers
// wait for the full pass; a customer no longer active keeps no live finding.
RunResult recheck_customers(storage::Connection& conn, const std::vector<std::int64_t>& customer_ids, Millis now);

// Every active customer with every rule, then this week's score snapshot.
RunResult full_pass(storage::Connection& conn, Millis now);

// The weekly digest through the outbox, once a week after that week's first full pass: each account
// manager hears of the findings on their key accounts, each leader and marketing manager of their
// bureau's (or the company's) score against last week's. Returns the messages written.
int weekly_digest(storage::Connection& conn, Millis now);

// The periodic task: the full pass once a day, after setting quality.full_pass_hour (Shanghai), or
// at once when none ran yet, then the weekly digest when due. Safe on several servers (the day's
// run and the week's digest are claimed first).
int nightly(storage::Connection& conn, Millis now);

}  // namespace lianxin::quality
