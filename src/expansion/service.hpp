#pragma once
// Business-expansion applications (业扩报装) in the database: registration with the stages of its
// kind and voltage, finishing stages in order, the customer starting the stages that wait for it,
// customer-caused pauses with reasons, working-day clocks per stage (reminders and breaches through
// the clocks sweep and the outbox), the supplier's days used, the on-time verdict, the 360 timeline
// and the audit log. Each command runs in the caller's transaction. Bodies are parsed JSON objects;
// errors name the field.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "clocks/store.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::expansion {

namespace bj = boost::json;

std::int64_t create_application(storage::Connection& conn, const auth::Principal& p, const bj::object& body, Millis now);
// Finishes the running stage `stage` (at `at` if given: not in the future, not before it started).
void finish_stage(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& stage,
                  const bj::object& body, Millis now);
// The customer's action that starts a waiting stage (design submitted, works reported finished).
void start_stage(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& stage,
                 const bj::object& body, Millis now);
// Sets who is responsible for a stage not yet done: the department (an org unit of kind department
// in the caller's scope) and the person (an active user).
void assign_stage(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const std::string& stage,
                  const bj::object& body, Millis now);
void pause(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now);
void resume(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now);

bj::object detail(storage::Connection& conn, const auth::Principal& p, std::int64_t id, Millis now);
struct ListFilter {
  std::optional<std::string> status, stage, kind;
  std::optional<std::int64_t> lead_id, customer_id;
  bool mine = false;  // where the caller is the project lead or the current stage's assignee
};
bj::object list_applications(storage::Connection& conn, const auth::Principal& p, const ListFilter& f, std::int64_t limit,
                             std::int64_t offset, Millis now);
// The rule-sets with their sources and verification, and the stage limits of each.
bj::object rule_sets_json();

// The clocks sweep's handler for subject "expansion": reminders and breaches to the project lead
// and the stage's assignee.
void on_clock_fired(storage::Connection& conn, const clocks::Fired& fired);

}  // namespace lianxin::expansion
