// Pure rules of claims: the status machine, policy and route choice, repeats, escalation, KPIs.
#include <gtest/gtest.h>

#include "claims/rules.hpp"

using namespace lianxin::claims;

TEST(ClaimStatus, EveryStepAndItsRefusals) {
  EXPECT_EQ(next_status("registered", Action::dispatch), "dispatched");
  EXPECT_EQ(next_status("returned", Action::dispatch), "dispatched");
  EXPECT_FALSE(next_status("dispatched", Action::dispatch));
  EXPECT_EQ(next_status("dispatched", Action::accept), "accepted");
  EXPECT_FALSE(next_status("registered", Action::accept));
  EXPECT_EQ(next_status("accepted", Action::give_back), "returned");
  EXPECT_EQ(next_status("dispatched", Action::transfer), "dispatched");
  EXPECT_EQ(next_status("accepted", Action::wait_customer), "waiting_customer");
  EXPECT_EQ(next_status("waiting_customer", Action::resume), "accepted");
  EXPECT_FALSE(next_status("accepted", Action::resume));
  EXPECT_EQ(next_status("waiting_customer", Action::close), "closed");
  EXPECT_FALSE(next_status("dispatched", Action::close));  // accept first
  EXPECT_FALSE(next_status("registered", Action::close));
  // A callback before close is refused; after it the claim is archived.
  EXPECT_FALSE(next_status("accepted", Action::callback));
  EXPECT_EQ(next_status("closed", Action::callback), "archived");
  EXPECT_FALSE(next_status("archived", Action::callback));
  EXPECT_EQ(next_status("archived", Action::reopen), "dispatched");
  EXPECT_FALSE(next_status("accepted", Action::reopen));
  // Chases and escalations only while open; notes always.
  EXPECT_EQ(next_status("accepted", Action::chase), "accepted");
  EXPECT_FALSE(next_status("closed", Action::chase));
  EXPECT_FALSE(next_status("archived", Action::escalate));
  EXPECT_EQ(next_status("archived", Action::note), "archived");
  // Restoration is recorded while the claim is open and keeps its status.
  EXPECT_EQ(next_status("accepted", Action::restore), "accepted");
  EXPECT_EQ(next_status("waiting_customer", Action::restore), "waiting_customer");
  EXPECT_FALSE(next_status("closed", Action::restore));
  EXPECT_STREQ(action_name(Action::restore), "restore");
  EXPECT_NE(refusal("accepted", Action::callback).find("closed"), std::string::npos);
}

TEST(ClaimPolicy, MostSpecificOfTheActiveRuleSetWins) {
  std::vector<PolicyCandidate> policies;
  PolicyCandidate complaint;
  complaint.id = 1;
  complaint.rule_set = "internal";
  complaint.claim_type = "complaint";
  PolicyCandidate channel;
  channel.id = 15;
  channel.rule_set = "internal";
  channel.channel = "12398";
  channel.priority = 10;
  PolicyCandidate public_set = complaint;
  public_set.id = 17;
  public_set.rule_set = "public";
  PolicyCandidate regional = complaint;
  regional.id = 30;
  regional.org_path = "/1/2/";
  PolicyCandidate expired = complaint;
  expired.id = 31;
  expired.area_type = "urban";
  expired.valid_to = "2025-12-31";
  policies = {complaint, channel, public_set, regional, expired};

  ClaimFacts facts{"complaint", "", "95598", "none", "urban", false, "/1/2/5/", "2026-03-01"};
  EXPECT_EQ(choose_policy(facts, "internal", policies), 30);  // regional: one more condition
  facts.org_path = "/1/3/";
  EXPECT_EQ(choose_policy(facts, "internal", policies), 1);   // expired one no longer applies
  facts.date = "2025-06-01";
  EXPECT_EQ(choose_policy(facts, "internal", policies), 31);
  facts.channel = "12398";
  EXPECT_EQ(choose_policy(facts, "internal", policies), 15);  // priority beats specificity
  EXPECT_EQ(choose_policy(facts, "public", policies), 17);
  facts.claim_type = "praise";
  facts.channel = "web";
  EXPECT_FALSE(choose_policy(facts, "internal", policies));
  policies[0].enabled = false;
  facts = {"complaint", "", "web", "none", "urban", false, "/1/3/", "2026-03-01"};
  EXPECT_FALSE(choose_policy(facts, "internal", policies));
}

TEST(ClaimRouting, DeepestRegionThenConditions) {
  RouteCandidate city{1, std::nullopt, std::nullopt, std::nullopt, std::string("/1/2/"), std::nullopt, 100, 0, true};
  RouteCandidate county{2, std::nullopt, std::nullopt, std::nullopt, std::string("/1/2/7/"), std::nullopt, 200, 0, true};
  RouteCandidate county_repair{3, std::string("fault_repair"), std::nullopt, std::nullopt, std::string("/1/2/7/"), std::nullopt, 300, 0, true};
  RouteCandidate key{4, std::nullopt, std::nullopt, std::nullopt, std::nullopt, true, 400, 5, true};
  std::vector<RouteCandidate> rules{city, county, county_repair, key};
  EXPECT_EQ(choose_route({"complaint", "", "service", "/1/2/7/9/", false}, rules), 200);
  EXPECT_EQ(choose_route({"fault_repair", "", "", "/1/2/7/9/", false}, rules), 300);
  EXPECT_EQ(choose_route({"complaint", "", "service", "/1/2/8/", false}, rules), 100);
  EXPECT_EQ(choose_route({"complaint", "", "service", "/1/2/7/", true}, rules), 400);  // priority
  EXPECT_FALSE(choose_route({"complaint", "", "service", "/1/9/", false}, rules));
}

TEST(ClaimRepeat, SameCategory) {
  EXPECT_EQ(category_of("complaint", "", "outage"), "complaint/outage");
  EXPECT_NE(category_of("complaint", "", "outage"), category_of("complaint", "", "service"));
  EXPECT_EQ(category_of("service_request", "meter_abnormal", ""), "service_request/meter_abnormal");
  EXPECT_EQ(category_of("fault_repair", "", ""), "fault_repair");
  EXPECT_FALSE(repeat_applies("chase"));
  EXPECT_FALSE(repeat_applies("praise"));
  EXPECT_TRUE(repeat_applies("consultation"));
}

TEST(ClaimEscalation, LadderUpTheOrgTree) {
  EXPECT_EQ(next_level(0, 3, false), 1);
  EXPECT_EQ(next_level(3, 3, false), 3);
  EXPECT_EQ(next_level(0, 3, true), 3);
  EXPECT_EQ(next_level(1, 3, true), 3);
  const std::vector<std::int64_t> chain{9, 7, 2, 1};  // department, county, city, company
  EXPECT_EQ(escalation_target(chain, 0), 9);
  EXPECT_EQ(escalation_target(chain, 1), 7);
  EXPECT_EQ(escalation_target(chain, 3), 1);
  EXPECT_EQ(escalation_target(chain, 8), 1);  // never beyond the root
  EXPECT_EQ(escalation_target({}, 1), 0);
}

TEST(ClaimKpis, Arithmetic) {
  EXPECT_EQ(change_percent(160, 120), 33.3);  // seed 004
  EXPECT_EQ(change_percent(90, 120), -25.0);
  EXPECT_FALSE(change_percent(5, 0));
  EXPECT_EQ(percent(2, 3), 66.7);
  EXPECT_FALSE(percent(0, 0));
  EXPECT_EQ(per_ten_thousand(3, 50000), 0.6);
  EXPECT_EQ(per_ten_thousand(1, 3), 3333.33);
  EXPECT_FALSE(per_ten_thousand(1, 0));
}

namespace {

constexpr std::int64_t kMin = 60'000;
constexpr std::int64_t kHour = 60 * kMin;
constexpr std::int64_t kT0 = 1'780'000'000'000;  // an instant in 2026

RepairOrder order(std::int64_t arrival_ms, std::optional<std::int64_t> restore_ms, bool open = false) {
  RepairOrder o;
  o.received_at = kT0;
  o.arrived_at = kT0 + arrival_ms;
  if (restore_ms) o.restored_at = *o.arrived_at + *restore_ms;
  o.open = open;
  return o;
}

}  // namespace

TEST(RepairMeasures, CommitmentsOfRulesCnArticleThree) {
  EXPECT_EQ(default_repair_commitment("urban").arrival_minutes, 45);
  EXPECT_EQ(default_repair_commitment("urban").restore_hours, 3);
  EXPECT_EQ(default_repair_commitment("rural").arrival_minutes, 90);
  EXPECT_EQ(default_repair_commitment("rural").restore_hours, 4);
  EXPECT_EQ(default_repair_commitment("remote").arrival_minutes, 120);
  EXPECT_EQ(default_repair_commitment("remote").restore_hours, 4);  // no figure: the rural one
}

TEST(RepairMeasures, AveragesCountOnlyOrdersThatReachedThePoint) {
  const RepairCommitment urban{45, 3};
  // Arrivals 30, 50 and 61 minutes: average 47 minutes > 45, although two of three were on time.
  std::vector<RepairOrder> orders{order(30 * kMin, 2 * kHour), order(50 * kMin, 3 * kHour + 30 * kMin), order(61 * kMin, std::nullopt, true)};
  RepairOrder waiting;  // not yet on site: counted as an order, not in the averages
  waiting.received_at = kT0;
  waiting.open = true;
  orders.push_back(waiting);
  auto a = repair_averages(orders, urban);
  EXPECT_EQ(a.orders, 4);
  EXPECT_EQ(a.arrived, 3);
  EXPECT_EQ(a.restored, 2);
  EXPECT_EQ(a.avg_arrival_minutes, 47.0);
  EXPECT_EQ(a.arrival_met, false);
  EXPECT_EQ(a.avg_restore_hours, 2.75);  // (2 h + 3.5 h) / 2
  EXPECT_EQ(a.restore_met, true);
  // Exactly the commitment is met; the flag compares the exact average, not the rounded one.
  auto exact = repair_averages({order(45 * kMin, 3 * kHour)}, urban);
  EXPECT_EQ(exact.arrival_met, true);
  EXPECT_EQ(exact.restore_met, true);
  auto just_over = repair_averages({order(45 * kMin + 1, 3 * kHour + 1)}, urban);
  EXPECT_EQ(just_over.avg_arrival_minutes, 45.0);  // rounds to 45.0 …
  EXPECT_EQ(just_over.arrival_met, false);         // … but is over
  EXPECT_EQ(just_over.restore_met, false);
  // Nothing arrived or restored: no average and no verdict.
  auto none = repair_averages({waiting}, urban);
  EXPECT_EQ(none.orders, 1);
  EXPECT_FALSE(none.avg_arrival_minutes);
  EXPECT_FALSE(none.arrival_met);
  EXPECT_FALSE(none.avg_restore_hours);
  EXPECT_FALSE(none.restore_met);
  EXPECT_FALSE(repair_averages({}, urban).arrival_met);
}

TEST(RepairMeasures, PerOrderTimes) {
  EXPECT_EQ(arrival_minutes(order(50 * kMin + 30'000, std::nullopt)), 50.5);
  EXPECT_EQ(restore_hours(order(10 * kMin, 3 * kHour + 20 * kMin)), 3.33);
  EXPECT_FALSE(restore_hours(order(10 * kMin, std::nullopt)));
  RepairOrder waiting;
  waiting.received_at = kT0;
  EXPECT_FALSE(arrival_minutes(waiting));
  EXPECT_EQ(arrival_minutes(order(-30'000, std::nullopt)), 0.0);  // an intake time a little ahead never gives a negative time
}

TEST(RepairMeasures, AlarmPerOrder) {
  const RepairCommitment rural{90, 4};
  const std::int64_t late = kT0 + 10 * kHour;
  EXPECT_FALSE(repair_alarm(order(90 * kMin, 4 * kHour), rural, late).any());  // exactly the commitment
  auto slow = repair_alarm(order(91 * kMin, 4 * kHour), rural, late);
  EXPECT_TRUE(slow.arrival);
  EXPECT_FALSE(slow.restoration);
  auto long_restore = repair_alarm(order(20 * kMin, 4 * kHour + kMin), rural, late);
  EXPECT_FALSE(long_restore.arrival);
  EXPECT_TRUE(long_restore.restoration);
  // Open and not yet restored: measured at now.
  EXPECT_FALSE(repair_alarm(order(20 * kMin, std::nullopt, true), rural, kT0 + 2 * kHour).any());
  EXPECT_TRUE(repair_alarm(order(20 * kMin, std::nullopt, true), rural, kT0 + 5 * kHour).restoration);
  // Closed without a recorded restoration: nothing to measure.
  EXPECT_FALSE(repair_alarm(order(20 * kMin, std::nullopt, false), rural, kT0 + 50 * kHour).restoration);
  // Open and nobody on site yet: the arrival is late once the commitment has passed.
  RepairOrder waiting;
  waiting.received_at = kT0;
  waiting.open = true;
  EXPECT_FALSE(repair_alarm(waiting, rural, kT0 + 80 * kMin).any());
  auto overdue = repair_alarm(waiting, rural, kT0 + 100 * kMin);
  EXPECT_TRUE(overdue.arrival);
  EXPECT_FALSE(overdue.restoration);
}
