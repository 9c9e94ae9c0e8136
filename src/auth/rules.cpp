#include "auth/rules.hpp"

#include <algorithm>
#include <cctype>

#include "common/errors.hpp"

namespace lianxin::auth {

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles = {Role::administrator,      Role::leader,
                                          Role::marketing_manager,  Role::account_manager,
                                          Role::service_dispatcher, Role::department_handler,
                                          Role::outage_planner,     Role::auditor};
  return roles;
}

const char* role_code(Role role) {
  switch (role) {
    case Role::administrator: return "administrator";
    case Role::leader: return "leader";
    case Role::marketing_manager: return "marketing_manager";
    case Role::account_manager: return "account_manager";
    case Role::service_dispatcher: return "service_dispatcher";
    case Role::department_handler: return "department_handler";
    case Role::outage_planner: return "outage_planner";
    case Role::auditor: return "auditor";
  }
  return "auditor";
}

std::optional<Role> role_from_code(const std::string& code) {
  for (Role r : all_roles())
    if (code == role_code(r)) return r;
  return std::nullopt;
}

const char* permission_code(Permission p) {
  switch (p) {
    case Permission::customer_read: return "customer.read";
    case Permission::customer_write: return "customer.write";
    case Permission::customer_import: return "customer.import";
    case Permission::customer_export: return "customer.export";
    case Permission::customer_merge: return "customer.merge";
    case Permission::interaction_write: return "interaction.write";
    case Permission::user_admin: return "user.admin";
    case Permission::org_admin: return "org.admin";
    case Permission::apikey_admin: return "apikey.admin";
    case Permission::audit_read: return "audit.read";
    case Permission::reference_read: return "reference.read";
    case Permission::claim_read: return "claim.read";
    case Permission::claim_intake: return "claim.intake";
    case Permission::claim_dispatch: return "claim.dispatch";
    case Permission::claim_handle: return "claim.handle";
    case Permission::claim_callback: return "claim.callback";
    case Permission::claim_admin: return "claim.admin";
    case Permission::keyaccount_review: return "keyaccount.review";
    case Permission::keyaccount_approve: return "keyaccount.approve";
    case Permission::keyaccount_manage: return "keyaccount.manage";
    case Permission::keyaccount_service: return "keyaccount.service";
    case Permission::programme_signoff: return "programme.signoff";
    case Permission::bill_import: return "bill.import";
    case Permission::expansion_work: return "expansion.work";
    case Permission::outage_plan: return "outage.plan";
    case Permission::outage_approve: return "outage.approve";
    case Permission::quality_approve: return "quality.approve";
    case Permission::quality_admin: return "quality.admin";
    case Permission::tariff_admin: return "tariff.admin";
    case Permission::curve_import: return "curve.import";
    case Permission::analysis_review: return "analysis.review";
    case Permission::analysis_confirm: return "analysis.confirm";
  }
  return "";
}

const std::vector<Permission>& permissions_of(Role role) {
  using P = Permission;
  static const std::vector<P> administrator = {
      P::customer_read, P::customer_write, P::customer_import, P::customer_export, P::customer_merge,
      P::interaction_write, P::user_admin, P::org_admin, P::apikey_admin, P::audit_read, P::reference_read,
      P::claim_read, P::claim_intake, P::claim_dispatch, P::claim_handle, P::claim_callback, P::claim_admin,
      P::keyaccount_review, P::keyaccount_approve, P::keyaccount_manage, P::keyaccount_service, P::programme_signoff,
      P::bill_import, P::expansion_work, P::outage_plan, P::outage_approve, P::quality_approve, P::quality_admin,
      P::tariff_admin, P::curve_import, P::analysis_review, P::analysis_confirm};
  static const std::vector<P> leader = {P::customer_read, P::customer_export, P::interaction_write, P::reference_read,
                                        P::claim_read, P::claim_dispatch, P::keyaccount_approve, P::keyaccount_service,
                                        P::programme_signoff, P::outage_approve, P::quality_approve};
  static const std::vector<P> marketing = {P::customer_read, P::customer_write, P::customer_import, P::customer_export,
                                           P::customer_merge, P::interaction_write, P::reference_read, P::claim_read,
                                           P::claim_intake, P::claim_dispatch, P::claim_callback, P::claim_admin,
                                           P::keyaccount_review, P::keyaccount_manage, P::keyaccount_service,
                                           P::bill_import, P::expansion_work, P::quality_approve, P::tariff_admin,
                                           P::curve_import, P::analysis_review, P::analysis_confirm};
  static const std::vector<P> manager = {P::customer_read, P::customer_write, P::customer_export, P::interaction_write,
                                         P::reference_read, P::claim_read, P::claim_intake, P::claim_handle,
                                         P::keyaccount_service, P::expansion_work, P::analysis_review};
  static const std::vector<P> dispatcher = {P::customer_read, P::interaction_write, P::reference_read, P::claim_read,
                                            P::claim_intake, P::claim_dispatch, P::claim_callback};
  static const std::vector<P> handler = {P::customer_read, P::interaction_write, P::reference_read, P::claim_read,
                                         P::claim_handle, P::expansion_work};
  static const std::vector<P> planner = {P::customer_read, P::customer_export, P::reference_read, P::claim_read, P::outage_plan};
  static const std::vector<P> auditor = {P::customer_read, P::audit_read, P::reference_read, P::claim_read};
  switch (role) {
    case Role::administrator: return administrator;
    case Role::leader: return leader;
    case Role::marketing_manager: return marketing;
    case Role::account_manager: return manager;
    case Role::service_dispatcher: return dispatcher;
    case Role::department_handler: return handler;
    case Role::outage_planner: return planner;
    case Role::auditor: return auditor;
  }
  return auditor;
}

bool has_permission(Role role, Permission p) {
  const auto& list = permissions_of(role);
  return std::find(list.begin(), list.end(), p) != list.end();
}

void require_permission(const Principal& p, Permission permission) {
  if (!has_permission(p.role, permission))
    throw AppError(ErrorCode::forbidden, std::string("your role may not do this (needs ") + permission_code(permission) + ")");
}

CustomerScope customer_scope(const Principal& p) {
  CustomerScope scope{p.org_path, std::nullopt};
  if (p.role == Role::account_manager && !p.all_customers_in_scope) {
    scope.manager_id = p.user_id;
    scope.manager_ids.push_back(p.user_id);
    for (auto id : p.covering)
      if (id != p.user_id) scope.manager_ids.push_back(id);
  }
  return scope;
}

std::string managed_by_condition(const CustomerScope& scope, const std::string& alias) {
  std::string marks;
  for (std::size_t i = 0; i < scope.manager_ids.size(); ++i) marks += i ? ",?" : "?";
  return "(" + alias + ".manager_id IN (" + marks + ") OR " + alias + ".backup_manager_id IN (" + marks + "))";
}

std::vector<std::int64_t> managed_by_params(const CustomerScope& scope) {
  std::vector<std::int64_t> out = scope.manager_ids;
  out.insert(out.end(), scope.manager_ids.begin(), scope.manager_ids.end());
  return out;
}

bool org_in_scope(const Principal& p, const std::string& path) {
  return !p.org_path.empty() && path.compare(0, p.org_path.size(), p.org_path) == 0;
}

bool is_company_level(const Principal& p) {
  return std::count(p.org_path.begin(), p.org_path.end(), '/') == 2;  // '/1/': the root of the tree
}

bool customer_visible(const Principal& p, const std::string& customer_org_path, std::optional<std::int64_t> manager_id,
                      std::optional<std::int64_t> backup_manager_id) {
  if (!org_in_scope(p, customer_org_path)) return false;
  auto scope = customer_scope(p);
  if (!scope.manager_id) return true;
  for (auto id : scope.manager_ids)
    if (manager_id == id || backup_manager_id == id) return true;
  return false;
}

long long lockout_millis(const LockoutPolicy& policy, int failures) {
  if (failures < policy.free_attempts) return 0;
  int extra = failures - policy.free_attempts;
  long long minutes = policy.base_minutes;
  for (int i = 0; i < extra && minutes < policy.max_minutes; ++i) minutes *= 2;
  minutes = std::min<long long>(minutes, policy.max_minutes);
  return minutes * 60 * 1000;
}

std::string password_problem(const std::string& password) {
  if (password.size() < 10) return "must be at least 10 characters";
  if (password.size() > 200) return "must be at most 200 characters";
  bool letter = false, digit = false;
  for (unsigned char c : password) {
    if (std::isalpha(c)) letter = true;
    if (std::isdigit(c)) digit = true;
  }
  if (!letter || !digit) return "must contain letters and digits";
  return {};
}

bool valid_username(const std::string& u) {
  if (u.size() < 3 || u.size() > 32) return false;
  return std::all_of(u.begin(), u.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace lianxin::auth
