#pragma once
// Group customers (集团客户) across regions: the list of groups, the group 360 (the tree of
// sub-groups, every member with its bureau, accounts, key-account flag, open claims and programme),
// the unified statement (统一结算) of a month and its reconciliation against the imported bills.
//
// Membership is the group tree: customers whose group_id leads (through sub-groups) to the group;
// merged customers are left out. Region = the member's bureau (its nearest county or city bureau).
// Scope: the group itself must be visible to the caller; members outside the caller's scope are
// left out of every list and total, and the answers say how many were left out.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "billing/rules.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::billing {

boost::json::object list_groups(storage::Connection& conn, const auth::Principal& p, const std::string& q,
                                bool top_level_only, std::int64_t limit, std::int64_t offset);

// The group 360; the programme status is the one of `year` (the current year by default).
boost::json::object group_360(storage::Connection& conn, const auth::Principal& p, std::int64_t group_id, int year);

struct GroupStatement {
  std::int64_t group_id = 0;
  std::string group_name, credit_code, org_unit_name;
  std::string period;
  Statement statement;
  std::int64_t members = 0;          // member customers shown (sub-groups included)
  std::int64_t omitted_members = 0;  // members outside the caller's scope, left out
  Millis generated_at = 0;
};

// The statement of one month: every account of every visible member (active accounts, and
// inactive ones with a bill of the month), with its bill when one was imported.
GroupStatement group_statement(storage::Connection& conn, const auth::Principal& p, std::int64_t group_id,
                               const std::string& period, Millis now);
boost::json::object statement_json(const GroupStatement& s);

// The reconciliation of a month (what it checks is documented in docs/architecture.md):
// - per region, the statement's totals against the bills of the month summed independently in SQL
//   over the customers the bills were imported for;
// - member accounts without a bill of the month;
// - bills of the month recorded for a customer other than the account's current one (moved accounts);
// - bills imported while the customer belonged to this group whose customer has left it since;
// - bills whose figures do not add up (time-of-use parts against the total, amount - paid = arrears).
boost::json::object reconciliation(storage::Connection& conn, const auth::Principal& p, std::int64_t group_id,
                                   const std::string& period, Millis now);

// The statement as a workbook and as a PDF, labelled in Chinese (lang "zh") or English.
std::string statement_xlsx(const GroupStatement& s, const std::string& lang);
std::string statement_pdf(const GroupStatement& s, const std::string& lang);

}  // namespace lianxin::billing
