#pragma once
// Identity and access model: roles, permissions, the authenticated principal. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lianxin::auth {

enum class Role {
  administrator,
  leader,
  marketing_manager,
  account_manager,
  service_dispatcher,
  department_handler,
  outage_planner,
  auditor,
};

enum class Permission {
  customer_read,
  customer_write,
  customer_import,
  customer_export,
  customer_merge,
  interaction_write,
  user_admin,
  org_admin,
  apikey_admin,
  audit_read,
  reference_read,
  claim_read,       // see claims in scope, their clocks and the analysis
  claim_intake,     // register claims, chase, add notes and attachments
  claim_dispatch,   // dispatch, transfer, reopen, escalate by hand
  claim_handle,     // accept, return, contact, arrive, wait, close (the handling department)
  claim_callback,   // callback (回访), service recovery, accountability
  claim_admin,      // SLA policies, routing rules, calendars, claim settings
  keyaccount_review,   // run the key-account identification and decide on its proposals
  keyaccount_approve,  // apply a reviewed proposal to the key-account list (the approver)
  keyaccount_manage,   // assign managers and tiers, hand-overs, cover, service teams and packages, programmes
  keyaccount_service,  // visits, action items, emergency plans and drills, usage plans, equipment register
  programme_signoff,   // sign off a key account's yearly "五个一" programme (a leader)
  bill_import,         // import monthly bills and payments from the billing system
  expansion_work,      // register business-expansion applications, finish stages, record pauses
  outage_plan,         // import the supply topology, plan outages and their notices (the outage planner)
  outage_approve,      // approve outages, also over lead-time shortfalls with a justification (a leader)
  quality_approve,     // approve that a data-quality finding is not a defect (not the one who asked)
  quality_admin,       // switch data-quality rules on and off, run the full pass now
  tariff_admin,        // tariff tables, time-of-use schedules and the tariff settings
  curve_import,        // import 15-minute load curves from the metering system (用电信息采集)
  analysis_review,     // review electricity-use anomalies and decide on usage advice (the account manager)
  analysis_confirm,    // confirm theft (窃电) and record the back-billing (用电检查, marketing)
};

// Who is acting, for the audit log and the timeline.
struct Actor {
  std::int64_t user_id = 0;
  std::string username;
  std::string ip;
  std::string request_id;
};

struct Principal {
  std::int64_t user_id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::auditor;
  std::int64_t org_unit_id = 0;
  std::string org_path;          // '/1/4/' — the subtree this user sees
  std::string org_unit_name;
  bool all_customers_in_scope = false;  // account managers: see the whole subtree, not only assigned
  std::vector<std::int64_t> covering;   // managers on leave whose accounts this manager covers today
  bool via_api_key = false;
  std::string csrf_token;        // empty for API keys
  std::string ip;
  std::string request_id;

  Actor actor() const { return {user_id, username, ip, request_id}; }
};

// Which customers a principal may see: the org subtree, and for account managers (unless
// granted more) only the customers they manage as primary or backup.
struct CustomerScope {
  std::string org_path_prefix;
  std::optional<std::int64_t> manager_id;
  std::vector<std::int64_t> manager_ids;  // manager_id and the managers covered (cover during leave)
};

}  // namespace lianxin::auth
