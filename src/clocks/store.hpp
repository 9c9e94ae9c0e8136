#pragma once
// Deadline clocks kept as rows (table `clocks`), so that a restart loses no timer and several
// servers on one PostgreSQL fire each point exactly once: the sweep takes due rows with
// FOR UPDATE SKIP LOCKED and advances them in the same transaction as the handler's work
// (notifications into the outbox, escalations), so a point is either fired and recorded or not
// at all. On SQLite the write transaction (BEGIN IMMEDIATE) gives the same guarantee.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calendar/rules.hpp"
#include "storage/db.hpp"

namespace lianxin::clocks {


struct StartClock {
  std::string subject;  // "claim"
  std::int64_t subject_id = 0;
  std::string name;     // first_contact, on_site, reply, callback
  std::string org_path;  // the subject's region; its working-day calendar is looked up from it
  Millis started_at = 0;
  calendar::Duration duration;
  std::optional<Millis> inherited_due;
  std::vector<int> reminder_permille;
  bool escalate_on_breach = true;
  std::string policy_code, source, verification;
};

// Starts a clock (replacing a finished one of the same name). When the calendar lacks a year the
// deadline needs, the clock still starts, without a due, and is retried hourly until the year is
// imported (a claim taken on 28 December must never be refused for that).
std::int64_t start(storage::Connection& conn, const StartClock& clock);
// Pauses the named running clocks of a subject (a status that pauses them); resume closes every
// open pause of the subject. Both recompute due and next fire point.
void pause(storage::Connection& conn, const std::string& subject, std::int64_t subject_id,
           const std::vector<std::string>& names, Millis at, const std::string& reason);
void resume(storage::Connection& conn, const std::string& subject, std::int64_t subject_id, Millis at);
// Marks a clock met (fulfilled). Returns whether it was running or paused.
bool meet(storage::Connection& conn, const std::string& subject, std::int64_t subject_id, const std::string& name, Millis at);
void cancel_all(storage::Connection& conn, const std::string& subject, std::int64_t subject_id);

struct ClockView {
  std::int64_t id = 0;
  std::string name, state, unit, policy_code, source, verification;
  std::int64_t amount = 0;
  Millis started_at = 0;
  std::optional<Millis> due, met_at, breached_at;
  bool inherited = false;
  bool paused = false;
  bool overdue = false;
  bool calendar_missing = false;  // the calendar lacks a year this deadline needs
  int elapsed_permille = 0;
  std::string urgency;  // normal, amber, red
};
std::vector<ClockView> for_subject(storage::Connection& conn, const std::string& subject, std::int64_t subject_id,
                                   Millis now);

struct Recomputed {
  std::int64_t clock_id = 0;
  std::string subject;
  std::int64_t subject_id = 0;
  std::string name;
  std::optional<Millis> before, after;
};
// After a calendar changed: recomputes every open working-day clock that uses it (for a regional
// calendar, the clocks of its region; for the national one, all of them); returns those whose due moved.
std::vector<Recomputed> recompute_for_calendar(storage::Connection& conn, std::int64_t calendar_id);

// What the sweep hands to a subject's handler, inside the sweep's transaction.
struct Fired {
  std::int64_t clock_id = 0;
  std::string subject;
  std::int64_t subject_id = 0;
  std::string name;
  int permille = 0;
  bool breach = false;
  bool escalate_on_breach = true;
  Millis fire_at = 0;
  std::optional<Millis> due;
};
using Handler = std::function<void(storage::Connection&, const Fired&)>;
using Handlers = std::map<std::string, Handler>;  // by subject

// The due clocks' ids (the sweep's query, also measured alone by the benchmark).
std::vector<std::int64_t> find_due(storage::Connection& conn, Millis now, int limit);

struct SweepResult {
  int clocks = 0;  // rows taken
  int fired = 0;   // points fired
};
// One sweep step: takes up to `limit` due clocks, fires their due points through the handlers and
// advances them, all in one transaction.
SweepResult sweep(storage::Database& db, Millis now, const Handlers& handlers, int limit = 200);

}  // namespace lianxin::clocks
