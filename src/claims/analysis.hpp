#pragma once
// Claim analysis and KPIs (counts and rates by type, class, channel, region, department, month).
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::claims {

struct AnalysisQuery {
  std::string from, to;  // YYYY-MM-DD, inclusive, Asia/Shanghai
  std::string group_by = "type";
  std::optional<std::int64_t> org_unit_id;
};
// Defaults: from the first of this month to today; validates and names the bad parameter.
AnalysisQuery read_period(const std::optional<std::string>& from, const std::optional<std::string>& to,
                          const std::optional<std::string>& group_by, std::optional<std::int64_t> org_unit_id, Millis now);
boost::json::object analysis(storage::Connection& conn, const auth::Principal& p, const AnalysisQuery& q, Millis now,
                             const std::string& lang);
std::string analysis_xlsx(const boost::json::object& result, bool zh);

// Fault repair against rules_cn §1.1 第三条, for the repairs registered in the period (same period,
// region and scope rules as the analysis): per area type the average arrival (intake → on site) and
// restoration (on site → supply restored) against the commitment in the settings, the totals, and
// the orders over the commitment on their own (alarms, newest first, at most 1,000 listed).
boost::json::object repair_measures(storage::Connection& conn, const auth::Principal& p, const AnalysisQuery& q, Millis now);
std::string repair_measures_xlsx(const boost::json::object& result, bool zh);

}  // namespace lianxin::claims
