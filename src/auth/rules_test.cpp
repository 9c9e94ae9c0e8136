#include <gtest/gtest.h>

#include "auth/rules.hpp"

using namespace lianxin::auth;

TEST(Roles, EveryRoleHasACodeAndRoundTrips) {
  EXPECT_EQ(all_roles().size(), 8u);
  for (Role r : all_roles()) EXPECT_EQ(role_from_code(role_code(r)), r);
  EXPECT_FALSE(role_from_code("root").has_value());
}

TEST(Roles, PermissionsFollowTheJob) {
  EXPECT_TRUE(has_permission(Role::administrator, Permission::user_admin));
  EXPECT_FALSE(has_permission(Role::account_manager, Permission::user_admin));
  EXPECT_TRUE(has_permission(Role::auditor, Permission::audit_read));
  EXPECT_FALSE(has_permission(Role::auditor, Permission::customer_write));
  EXPECT_FALSE(has_permission(Role::service_dispatcher, Permission::customer_import));
  EXPECT_FALSE(has_permission(Role::leader, Permission::audit_read));
}

TEST(Scope, SubtreeAndAssignedCustomers) {
  Principal county;
  county.role = Role::marketing_manager;
  county.org_path = "/1/2/5/";
  EXPECT_TRUE(customer_visible(county, "/1/2/5/", std::nullopt, std::nullopt));
  EXPECT_TRUE(customer_visible(county, "/1/2/5/17/", std::nullopt, std::nullopt));
  EXPECT_FALSE(customer_visible(county, "/1/2/", std::nullopt, std::nullopt));
  EXPECT_FALSE(customer_visible(county, "/1/2/50/", std::nullopt, std::nullopt));  // prefix of digits is not a subtree

  Principal manager;
  manager.role = Role::account_manager;
  manager.user_id = 42;
  manager.org_path = "/1/2/";
  EXPECT_FALSE(customer_visible(manager, "/1/2/5/", 7, std::nullopt));
  EXPECT_TRUE(customer_visible(manager, "/1/2/5/", 42, std::nullopt));
  EXPECT_TRUE(customer_visible(manager, "/1/2/5/", 7, 42));
  EXPECT_FALSE(customer_visible(manager, "/1/3/", 42, std::nullopt));  // assigned but outside the subtree
  // Cover during leave: manager 42 covers manager 7 and sees 7's accounts, not 8's.
  manager.covering = {7};
  EXPECT_TRUE(customer_visible(manager, "/1/2/5/", 7, std::nullopt));
  EXPECT_TRUE(customer_visible(manager, "/1/2/5/", 9, 7));
  EXPECT_FALSE(customer_visible(manager, "/1/2/5/", 8, std::nullopt));
  auto scope = customer_scope(manager);
  EXPECT_EQ(managed_by_condition(scope, "c"), "(c.manager_id IN (?,?) OR c.backup_manager_id IN (?,?))");
  EXPECT_EQ(managed_by_params(scope), (std::vector<std::int64_t>{42, 7, 42, 7}));
  manager.covering.clear();
  manager.all_customers_in_scope = true;
  EXPECT_TRUE(customer_visible(manager, "/1/2/5/", 7, std::nullopt));
}

TEST(Lockout, DelayGrowsAndIsCapped) {
  LockoutPolicy p;
  EXPECT_EQ(lockout_millis(p, 4), 0);
  EXPECT_EQ(lockout_millis(p, 5), 60 * 1000);
  EXPECT_EQ(lockout_millis(p, 6), 2 * 60 * 1000);
  EXPECT_EQ(lockout_millis(p, 7), 4 * 60 * 1000);
  EXPECT_EQ(lockout_millis(p, 50), 60 * 60 * 1000);
}

TEST(Passwords, Policy) {
  EXPECT_NE(password_problem("short1"), "");
  EXPECT_NE(password_problem("onlyletterslong"), "");
  EXPECT_EQ(password_problem("Lianxin@2026"), "");
  EXPECT_TRUE(valid_username("am01"));
  EXPECT_FALSE(valid_username("Am01"));
  EXPECT_FALSE(valid_username("a"));
  EXPECT_FALSE(valid_username("x'; drop"));
}
