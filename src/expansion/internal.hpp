#pragma once
// Shared by the expansion store's files (service, analysis, progress, import): not an interface
// for other modules.
#include <string>

#include "auth/model.hpp"
#include "storage/db.hpp"

namespace lianxin::expansion::internal {

// The SQL condition (no WHERE) for the applications the caller may see, on alias `a` for
// expansion_applications and `c` for their customers: the caller's org subtree, and for a
// restricted account manager the applications they lead and those of their (or covered)
// customers. `needs_customer` tells whether the condition reads `c`.
std::string visible_condition(storage::Connection& conn, const auth::Principal& p, storage::Params& params, bool& needs_customer);

}  // namespace lianxin::expansion::internal
