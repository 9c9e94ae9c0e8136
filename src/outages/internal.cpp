#include "outages/internal.hpp"

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "common/json.hpp"
#include "timeline/timeline.hpp"

namespace lianxin::outages::internal {

int int_setting(storage::Connection& conn, const char* key, int fallback) {
  if (auto v = storage::setting(conn, key)) {
    try {
      return std::stoi(*v);
    } catch (const std::exception&) {
    }
  }
  return fallback;
}

void add_timeline(storage::Connection& conn, const auth::Actor& actor, const std::set<std::int64_t>& customers, std::int64_t outage_id,
                  const std::string& title, Millis now) {
  std::vector<timeline::Event> events;
  events.reserve(customers.size());
  for (auto customer : customers) {
    timeline::Event ev;
    ev.customer_id = customer;
    ev.at = now;
    ev.kind = "outage";
    ev.source = "outages";
    ev.title = title;
    ev.ref_entity = "outage";
    ev.ref_id = std::to_string(outage_id);
    events.push_back(std::move(ev));
  }
  timeline::add_many(conn, actor, events);
}

void audit_outage(storage::Connection& conn, const auth::Actor& actor, const std::string& action, std::int64_t outage_id,
                  const std::string& org_path, const boost::json::object& after) {
  audit::Entry e;
  e.action = action;
  e.entity = "outage";
  e.entity_id = std::to_string(outage_id);
  e.org_path = org_path;
  e.after_json = json::serialize(after);
  audit::record(conn, actor, e);
}

}  // namespace lianxin::outages::internal
