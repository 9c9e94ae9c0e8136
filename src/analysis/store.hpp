#pragma once
// Electricity-use analysis against the database: an account's last twelve months from its bills
// and load curves, the advice computed for it (proposed, accepted into the "五个一" usage plan,
// rejected, superseded) with the realised saving of accepted advice month by month, and the
// anomaly scan that opens review tasks for account managers. JSON stays in api.cpp and report.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/advice.hpp"
#include "analysis/anomalies.hpp"
#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"
#include "tariff/store.hpp"

namespace lianxin::analysis {

// A month of an account as the analysis sees it.
struct AccountMonth {
  MonthFacts facts;                // kWh by period, kvarh, maximum demand (curve, else bill)
  std::optional<std::int64_t> amount_fen;  // the imported bill
  bool has_bill = false, has_curve = false;
  int curve_points = 0, curve_negatives = 0, curve_flat_points = 0;
  double curve_kwh = 0;
};

// A customer the principal may see (throws not_found otherwise).
struct VisibleCustomer {
  std::string name, org_path, industry_code;
  std::optional<std::int64_t> manager_id, backup_manager_id;
  bool key_account = false;
};
VisibleCustomer visible_customer(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);

// The months of an account from `from` to `to` (YYYY-MM, inclusive), oldest first; a month with
// neither bill nor curve is left out.
std::vector<AccountMonth> account_months(storage::Connection& conn, std::int64_t account_id, const std::string& from, const std::string& to);
// The last month with a bill or a curve (empty when none).
std::string latest_month(storage::Connection& conn, std::int64_t account_id);

// The rate and the billing options of an account for a month (the tariff table in force then, else
// the newest of the province). nullopt with `why` when there is no rate.
struct Priced {
  tariff::TableRecord table;
  tariff::Rate rate;
  tariff::BillOptions options;
};
std::optional<Priced> price_account(storage::Connection& conn, const tariff::AccountFacts& account, const tariff::Settings& settings,
                                    const std::string& period, std::string& why);

AdviceParams advice_params(const tariff::Settings& s);

// Recomputes the proposed advice of each account of a customer from its last twelve months:
// earlier proposals are superseded; kinds accepted within the last year are not proposed again.
// Returns the number of proposals written. Audited.
std::int64_t refresh_advice(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, Millis now);

// Accepts (into the usage plan of `year`, tracking from `effective_from`) or rejects a proposal.
// Throws invalid_transition when it is not proposed or the plan was delivered. Audited; a timeline
// entry on the customer.
void decide_advice(storage::Connection& conn, const auth::Principal& p, std::int64_t advice_id, bool accept, const std::string& note,
                   const std::string& effective_from, int year, Millis now);

struct SavingMonth {
  std::string period;
  std::int64_t expected_fen = 0, realised_fen = 0;
};
// The realised saving of an accepted advice for each billed month from its effective month on: the
// month under the options the advice started from minus the month as it is now (same consumption).
std::vector<SavingMonth> realised_savings(storage::Connection& conn, std::int64_t advice_id);

struct ScanResult {
  std::int64_t accounts = 0, found = 0, opened = 0;
};
// Scans the accounts with bills in the last fifteen months (all, or the listed customers') and opens
// a review task (usage_anomalies, owner = the customer's manager, notified in-app) for each new
// finding of the last `recent_months` months.
ScanResult scan_anomalies(storage::Connection& conn, Millis now, const std::vector<std::int64_t>& customer_ids = {}, int recent_months = 3);

// The account manager's review: normal (closed) or theft_suspected (for 用电检查 to confirm).
// Returns the anomaly's customer.
std::int64_t review_anomaly(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& result, const std::string& note,
                    Millis now);
// Confirms (with the energy and amounts billed back) or rejects a suspected theft.
struct TheftConfirmation {
  bool confirmed = true;
  double back_kwh = 0;
  std::int64_t back_billing_fen = 0, penalty_fen = 0;
  std::string note;
};
// Returns the anomaly's customer.
std::int64_t confirm_theft(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const TheftConfirmation& c, Millis now);

// The anomaly's customer, if the principal may see it (else throws not_found).
std::int64_t visible_anomaly_customer(storage::Connection& conn, const auth::Principal& p, std::int64_t id);

}  // namespace lianxin::analysis
