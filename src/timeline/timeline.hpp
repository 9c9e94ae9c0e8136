#pragma once
// The customer 360 timeline: one mechanism through which every module records what happened
// with a customer (record changes, calls, visits, messages now; claims, outages ... later).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/model.hpp"
#include "storage/db.hpp"

namespace lianxin::timeline {

struct Event {
  std::int64_t customer_id = 0;
  std::int64_t at = 0;                 // 0 = now
  std::string kind;                    // record_change, call, visit, message, merge, import ...
  std::string source;                  // module: archive, interactions, import ...
  std::string title;
  std::string body;
  std::string ref_entity;
  std::string ref_id;
  std::optional<std::string> follow_up_due;  // YYYY-MM-DD
};

std::int64_t add(storage::Connection& conn, const auth::Actor& actor, const Event& event);
// Many events at once (an outage notice to thousands of customers), in multi-row INSERTs.
void add_many(storage::Connection& conn, const auth::Actor& actor, const std::vector<Event>& events);
// Open follow-ups of a customer (counted as open items in the 360 view and the screen pop).
std::int64_t open_follow_ups(storage::Connection& conn, std::int64_t customer_id);

}  // namespace lianxin::timeline
