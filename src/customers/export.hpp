#pragma once
#include <boost/json/fwd.hpp>
#include <string>
#include <vector>

namespace lianxin::customers {

// Exports are bounded so one click cannot take the server down; the UI says so when reached.
inline constexpr std::size_t kMaxExportRows = 200000;

// The customer list as XLSX, columns as the list view shows them, headers in zh or en.
std::string customers_xlsx(const std::vector<boost::json::object>& rows, const std::string& lang);

}  // namespace lianxin::customers
