#pragma once
// The org tree: company → city bureau → county bureau → supply station; departments under any.
#include <optional>
#include <string>

namespace lianxin::org {

enum class Kind { company, city, county, station, department };

const char* kind_code(Kind k);
std::optional<Kind> kind_from_code(const std::string& code);
// Whether a unit of `child` kind may sit under a unit of `parent` kind.
bool may_contain(Kind parent, Kind child);
// Materialised path of a child: parent path + id + '/'.
std::string child_path(const std::string& parent_path, long long id);

}  // namespace lianxin::org
