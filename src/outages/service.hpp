#pragma once
// Outage events in the database: planned and temporary maintenance, faults, arrears
// disconnections, orderly power use and short transfer outages, with their scope in the topology,
// the approval flow (draft → checked → approved → notified → in progress → restored), the
// accounts they cut, and the lead-time check against the notice rules. Commands run in the
// caller's transaction; bodies are parsed JSON objects and errors name the field.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::outages {

namespace bj = boost::json;

std::int64_t create_outage(storage::Connection& conn, const auth::Principal& p, const bj::object& body, Millis now);
// Changes a draft (title, work, times, scope …).
void update_outage(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now);
// draft → checked: computes the affected accounts from the topology and stores them.
void check_outage(storage::Connection& conn, const auth::Principal& p, std::int64_t id, Millis now);
// checked → draft, to change it again.
void reopen_outage(storage::Connection& conn, const auth::Principal& p, std::int64_t id, Millis now);
// checked → approved (outage.approve). Notices that would come later than the rules ask need a
// justification (body.justification), recorded with the approval.
void approve_outage(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now);
// → in_progress (actual start), → restored (actual end), → cancelled (reason).
void start_outage(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now);
void restore_outage(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now);
void cancel_outage(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const bj::object& body, Millis now);

bj::object outage_detail(storage::Connection& conn, const auth::Principal& p, std::int64_t id, Millis now);
struct OutageFilter {
  std::optional<std::string> status, kind, from, to;  // from/to: dates YYYY-MM-DD of the planned start
};
bj::object list_outages(storage::Connection& conn, const auth::Principal& p, const OutageFilter& f, std::int64_t limit,
                        std::int64_t offset);
struct AffectedFilter {
  std::optional<std::string> effect;  // out, one_source
  bool key_only = false, important_only = false;
};
bj::object list_affected(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const AffectedFilter& f,
                         std::int64_t limit, std::int64_t offset, Millis now);

}  // namespace lianxin::outages
