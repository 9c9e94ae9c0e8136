#pragma once
// Bottleneck analysis of business expansion (业扩报装): for the applications accepted in a period,
// the supplier's working days per stage (average and 90th percentile), per responsible department
// and per bureau, the on-time rates per stage and overall, and the oldest open applications.
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::expansion {

struct AnalysisQuery {
  std::string from, to;  // YYYY-MM-DD, inclusive, Asia/Shanghai; applications by their acceptance
  std::optional<std::string> kind, category;
};
// Defaults: the last 365 days up to today. Validates and names the bad parameter.
AnalysisQuery read_analysis_query(const std::optional<std::string>& from, const std::optional<std::string>& to,
                                  const std::optional<std::string>& kind, const std::optional<std::string>& category, Millis now);
boost::json::object analysis(storage::Connection& conn, const auth::Principal& p, const AnalysisQuery& q, Millis now);
std::string analysis_xlsx(const boost::json::object& result, bool zh);

}  // namespace lianxin::expansion
