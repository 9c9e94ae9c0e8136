#pragma once
// Pure access rules: role → permissions, data scope, login lockout. No I/O.
#include <optional>
#include <string>
#include <vector>

#include "auth/model.hpp"

namespace lianxin::auth {

const std::vector<Role>& all_roles();
const char* role_code(Role role);
std::optional<Role> role_from_code(const std::string& code);
const char* permission_code(Permission p);
const std::vector<Permission>& permissions_of(Role role);
bool has_permission(Role role, Permission p);
// Throws forbidden naming the permission when the principal's role lacks it (services call this;
// Guard::require does the same for a request).
void require_permission(const Principal& p, Permission permission);

CustomerScope customer_scope(const Principal& p);
// SQL condition "customer managed by one of the scope's managers" on the customers alias `alias`
// (e.g. "c"), with its placeholders; append the ids of managed_by_params in the same order.
std::string managed_by_condition(const CustomerScope& scope, const std::string& alias);
std::vector<std::int64_t> managed_by_params(const CustomerScope& scope);
// True when a customer with this org path and managers is visible to the principal.
bool customer_visible(const Principal& p, const std::string& customer_org_path, std::optional<std::int64_t> manager_id,
                      std::optional<std::int64_t> backup_manager_id);
// True when org unit `path` lies in the principal's subtree.
bool org_in_scope(const Principal& p, const std::string& path);
// True when the principal sits at the root of the org tree (the company): company-wide rules
// (the national calendar, SLA policies and settings without a region) are changed only there.
bool is_company_level(const Principal& p);

// Growing delay after failed logins: after `free_attempts` failures the account is locked for
// base_minutes, doubling with every further failure, capped at max_minutes.
struct LockoutPolicy {
  int free_attempts = 5;
  int base_minutes = 1;
  int max_minutes = 60;
};
// Milliseconds the account stays locked after the given number of consecutive failures (0 = not locked).
long long lockout_millis(const LockoutPolicy& policy, int consecutive_failures);

// Password policy: at least 10 characters with letters and digits; returns an error message or "".
std::string password_problem(const std::string& password);
// Usernames: 3..32 of [a-z0-9._-]
bool valid_username(const std::string& username);

}  // namespace lianxin::auth
