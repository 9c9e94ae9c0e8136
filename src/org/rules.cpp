#include "org/rules.hpp"

namespace lianxin::org {

const char* kind_code(Kind k) {
  switch (k) {
    case Kind::company: return "company";
    case Kind::city: return "city";
    case Kind::county: return "county";
    case Kind::station: return "station";
    case Kind::department: return "department";
  }
  return "department";
}

std::optional<Kind> kind_from_code(const std::string& code) {
  for (Kind k : {Kind::company, Kind::city, Kind::county, Kind::station, Kind::department})
    if (code == kind_code(k)) return k;
  return std::nullopt;
}

bool may_contain(Kind parent, Kind child) {
  if (parent == Kind::department) return false;  // departments are leaves
  if (child == Kind::department) return true;
  if (child == Kind::company) return false;
  return static_cast<int>(child) == static_cast<int>(parent) + 1 ||
         (parent == Kind::city && child == Kind::station);  // city-direct supply stations exist
}

std::string child_path(const std::string& parent_path, long long id) {
  return (parent_path.empty() ? std::string("/") : parent_path) + std::to_string(id) + "/";
}

}  // namespace lianxin::org
