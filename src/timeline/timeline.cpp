#include "timeline/timeline.hpp"

#include "common/clock.hpp"

namespace lianxin::timeline {

std::int64_t add(storage::Connection& conn, const auth::Actor& actor, const Event& e) {
  using storage::text_or_null;
  return conn.insert_returning_id(
      "INSERT INTO timeline_events(customer_id, at, kind, source, actor_id, actor_name, title, body, ref_entity, "
      "ref_id, follow_up_due) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
      {e.customer_id, e.at ? e.at : now_millis(), e.kind, e.source,
       actor.user_id ? storage::Value(actor.user_id) : storage::null_value(),
       actor.username.empty() ? std::string("system") : actor.username, e.title, text_or_null(e.body),
       text_or_null(e.ref_entity), text_or_null(e.ref_id), storage::opt_value(e.follow_up_due)});
}

void add_many(storage::Connection& conn, const auth::Actor& actor, const std::vector<Event>& events) {
  using storage::text_or_null;
  const Millis now = now_millis();
  storage::Params values;
  values.reserve(events.size() * 11);
  for (const Event& e : events)
    values.insert(values.end(), {e.customer_id, e.at ? e.at : now, e.kind, e.source, actor.user_id ? storage::Value(actor.user_id) : storage::null_value(),
                                 actor.username.empty() ? std::string("system") : actor.username, e.title, text_or_null(e.body),
                                 text_or_null(e.ref_entity), text_or_null(e.ref_id), storage::opt_value(e.follow_up_due)});
  storage::insert_many(conn,
                       "INSERT INTO timeline_events(customer_id, at, kind, source, actor_id, actor_name, title, body, ref_entity, ref_id, "
                       "follow_up_due) VALUES ",
                       "(?,?,?,?,?,?,?,?,?,?,?)", 11, values);
}

std::int64_t open_follow_ups(storage::Connection& conn, std::int64_t customer_id) {
  return conn.query_i64(
      "SELECT COUNT(*) FROM timeline_events WHERE customer_id = ? AND follow_up_due IS NOT NULL AND "
      "follow_up_closed_at IS NULL",
      {customer_id});
}

}  // namespace lianxin::timeline
