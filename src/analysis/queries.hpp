#pragma once
// The reads of the electricity-use analysis as JSON: a customer's analysis (per account its months,
// load characteristics, peer comparison), its advice with the realised saving of accepted advice,
// and the anomaly review queue. Scope is checked here (the customer must be visible).
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "storage/db.hpp"

namespace lianxin::analysis {

// `to` (YYYY-MM, empty = each account's latest month) is the last of the twelve months shown.
boost::json::object customer_analysis(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, const std::string& to);

boost::json::object advice_list(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);

struct AnomalyFilter {
  std::optional<std::string> status;  // open, normal, theft_suspected, theft_confirmed, theft_rejected; "live" = open + theft_suspected
  std::optional<std::int64_t> customer_id;
  bool mine = false;
  std::int64_t page = 1, page_size = 20;
};
boost::json::object anomaly_list(storage::Connection& conn, const auth::Principal& p, const AnomalyFilter& f);

}  // namespace lianxin::analysis
