#include "clocks/store.hpp"

#include "calendar/store.hpp"
#include "clocks/rules.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "spdlog/spdlog.h"

namespace lianxin::clocks {
namespace {

using storage::Connection;
using storage::Row;
using storage::Value;

constexpr Millis kRetryMissingCalendarMs = 3'600'000;

constexpr const char* kColumns =
    "id, subject, subject_id, name, org_path, started_at, amount, unit, end_of_day_minute, inherited_due, due_at, "
    "reminder_permille, escalate_on_breach, stage, next_fire_at, state, paused_since, met_at, breached_at, policy_code, "
    "source, verification";

struct ClockRow {
  std::int64_t id = 0;
  std::string subject;
  std::int64_t subject_id = 0;
  std::string name;
  std::string org_path;
  Millis started_at = 0;
  std::int64_t amount = 0;
  std::string unit;
  int end_of_day_minute = 1440;
  std::optional<Millis> inherited_due, due_at;
  std::string reminder_permille;
  bool escalate_on_breach = true;
  int stage = 0;
  std::optional<Millis> next_fire_at;
  std::string state;
  std::optional<Millis> paused_since, met_at, breached_at;
  std::string policy_code, source, verification;
};

ClockRow read_row(const Row& r) {
  ClockRow c;
  c.id = r.i64(0);
  c.subject = r.str(1);
  c.subject_id = r.i64(2);
  c.name = r.str(3);
  c.org_path = r.str(4);
  c.started_at = r.i64(5);
  c.amount = r.i64(6);
  c.unit = r.str(7);
  c.end_of_day_minute = static_cast<int>(r.i64(8));
  c.inherited_due = r.opt_i64(9);
  c.due_at = r.opt_i64(10);
  c.reminder_permille = r.str(11);
  c.escalate_on_breach = r.boolean(12);
  c.stage = static_cast<int>(r.i64(13));
  c.next_fire_at = r.opt_i64(14);
  c.state = r.str(15);
  c.paused_since = r.opt_i64(16);
  c.met_at = r.opt_i64(17);
  c.breached_at = r.opt_i64(18);
  c.policy_code = r.str(19);
  c.source = r.str(20);
  c.verification = r.str(21);
  return c;
}

std::vector<ClockRow> rows_where(Connection& conn, const std::string& where, const storage::Params& params) {
  std::vector<ClockRow> out;
  for (auto& r : conn.query(std::string("SELECT ") + kColumns + " FROM clocks WHERE " + where, params))
    out.push_back(read_row(r));
  return out;
}

std::vector<calendar::Pause> pauses_of(Connection& conn, std::int64_t clock_id) {
  std::vector<calendar::Pause> out;
  if (clock_id == 0) return out;  // not written yet
  for (auto& r : conn.query("SELECT paused_from, paused_to FROM clock_pauses WHERE clock_id = ? ORDER BY paused_from", {clock_id}))
    out.push_back({r.i64(0), r.opt_i64(1)});
  return out;
}

struct Computed {
  Schedule schedule;
  bool calendar_missing = false;
};

Computed compute(Connection& conn, const ClockRow& c) {
  ClockSpec spec;
  spec.started_at = c.started_at;
  spec.duration = {c.amount, calendar::parse_unit(c.unit)};
  spec.end_of_day_minute = c.end_of_day_minute;
  spec.inherited_due = c.inherited_due;
  spec.reminder_permille = parse_permille(c.reminder_permille);
  spec.pauses = pauses_of(conn, c.id);
  Computed out;
  try {
    // The calendar is looked up at every computation, so a regional calendar created later, or
    // any change to one, applies to the clocks already running in its region.
    std::int64_t calendar_id = c.org_path.empty() ? calendar::national_calendar_id(conn) : calendar::calendar_for_org(conn, c.org_path);
    out.schedule = schedule_of(*calendar::load(conn, calendar_id), spec);
  } catch (const calendar::CalendarYearMissing& missing) {
    out.calendar_missing = true;
    out.schedule.permille = spec.reminder_permille;
    out.schedule.permille.push_back(1000);
    out.schedule.points.assign(out.schedule.permille.size(), std::nullopt);
  }
  return out;
}

// Writes the due and the next fire point of an open clock after any change.
void refresh(Connection& conn, const ClockRow& c, Millis now) {
  if (c.state != "running" && c.state != "paused") {
    conn.execute("UPDATE clocks SET next_fire_at = NULL WHERE id = ?", {c.id});
    return;
  }
  Computed computed = compute(conn, c);
  std::optional<Millis> next = computed.calendar_missing ? std::optional<Millis>(now + kRetryMissingCalendarMs)
                                                         : next_fire_at(computed.schedule, c.stage);
  conn.execute("UPDATE clocks SET due_at = ?, next_fire_at = ? WHERE id = ?",
               {storage::opt_value(computed.schedule.due), storage::opt_value(next), c.id});
}

}  // namespace

std::int64_t start(Connection& conn, const StartClock& clock) {
  calendar::validate_duration(clock.duration);
  conn.execute("DELETE FROM clock_pauses WHERE clock_id IN (SELECT id FROM clocks WHERE subject = ? AND subject_id = ? AND name = ?)",
               {clock.subject, clock.subject_id, clock.name});
  conn.execute("DELETE FROM clocks WHERE subject = ? AND subject_id = ? AND name = ?", {clock.subject, clock.subject_id, clock.name});
  // The schedule is computed before the row is written, so the row (and its indexes) is written once.
  ClockRow c;
  c.subject = clock.subject;
  c.subject_id = clock.subject_id;
  c.name = clock.name;
  c.org_path = clock.org_path;
  c.started_at = clock.started_at;
  c.amount = clock.duration.amount;
  c.unit = calendar::unit_name(clock.duration.unit);
  c.inherited_due = clock.inherited_due;
  c.reminder_permille = format_permille(clock.reminder_permille);
  Computed computed = compute(conn, c);  // a new clock has no pauses
  std::optional<Millis> next = computed.calendar_missing ? std::optional<Millis>(now_millis() + kRetryMissingCalendarMs)
                                                         : next_fire_at(computed.schedule, 0);
  return conn.insert_returning_id(
      "INSERT INTO clocks(subject, subject_id, name, org_path, started_at, amount, unit, inherited_due, due_at, reminder_permille, "
      "escalate_on_breach, stage, next_fire_at, state, policy_code, source, verification) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,0,?,'running',?,?,?) RETURNING id",
      {clock.subject, clock.subject_id, clock.name, clock.org_path, clock.started_at, clock.duration.amount, c.unit,
       storage::opt_value(clock.inherited_due), storage::opt_value(computed.schedule.due), c.reminder_permille,
       std::int64_t{clock.escalate_on_breach}, storage::opt_value(next), clock.policy_code, clock.source, clock.verification});
}

void pause(Connection& conn, const std::string& subject, std::int64_t subject_id, const std::vector<std::string>& names,
           Millis at, const std::string& reason) {
  for (auto& c : rows_where(conn, "subject = ? AND subject_id = ? AND state = 'running'", {subject, subject_id})) {
    if (std::find(names.begin(), names.end(), c.name) == names.end()) continue;
    conn.execute("INSERT INTO clock_pauses(clock_id, paused_from, reason) VALUES (?,?,?)", {c.id, at, reason});
    conn.execute("UPDATE clocks SET state = 'paused', paused_since = ? WHERE id = ?", {at, c.id});
    c.state = "paused";
    refresh(conn, c, at);
  }
}

void resume(Connection& conn, const std::string& subject, std::int64_t subject_id, Millis at) {
  for (auto& c : rows_where(conn, "subject = ? AND subject_id = ? AND state = 'paused'", {subject, subject_id})) {
    conn.execute("UPDATE clock_pauses SET paused_to = ? WHERE clock_id = ? AND paused_to IS NULL", {at, c.id});
    conn.execute("UPDATE clocks SET state = 'running', paused_since = NULL WHERE id = ?", {c.id});
    c.state = "running";
    refresh(conn, c, at);
  }
}

bool meet(Connection& conn, const std::string& subject, std::int64_t subject_id, const std::string& name, Millis at) {
  auto rows = rows_where(conn, "subject = ? AND subject_id = ? AND name = ? AND state IN ('running','paused')",
                         {subject, subject_id, name});
  if (rows.empty()) return false;
  auto& c = rows.front();
  // A pause still open when the clock is met ends with it (paused time never counts).
  conn.execute("UPDATE clock_pauses SET paused_to = ? WHERE clock_id = ? AND paused_to IS NULL", {at, c.id});
  conn.execute("UPDATE clocks SET state = 'met', met_at = ?, paused_since = NULL, next_fire_at = NULL WHERE id = ?", {at, c.id});
  // The due is final now: recompute with the closed pause so reports compare met_at with it.
  c.state = "running";
  Computed computed = compute(conn, c);
  if (!computed.calendar_missing)
    conn.execute("UPDATE clocks SET due_at = ? WHERE id = ?", {storage::opt_value(computed.schedule.due), c.id});
  return true;
}

void cancel_all(Connection& conn, const std::string& subject, std::int64_t subject_id) {
  conn.execute("UPDATE clocks SET state = 'cancelled', next_fire_at = NULL WHERE subject = ? AND subject_id = ? AND state IN ('running','paused')",
               {subject, subject_id});
}

std::vector<ClockView> for_subject(Connection& conn, const std::string& subject, std::int64_t subject_id, Millis now) {
  std::vector<ClockView> out;
  for (auto& c : rows_where(conn, "subject = ? AND subject_id = ? ORDER BY id", {subject, subject_id})) {
    ClockView v;
    v.id = c.id;
    v.name = c.name;
    v.state = c.state;
    v.unit = c.unit;
    v.amount = c.amount;
    v.policy_code = c.policy_code;
    v.source = c.source;
    v.verification = c.verification;
    v.started_at = c.started_at;
    v.due = c.due_at;
    v.met_at = c.met_at;
    v.breached_at = c.breached_at;
    v.inherited = c.inherited_due.has_value();
    v.paused = c.state == "paused";
    const Millis at = c.met_at ? *c.met_at : now;
    // Overdue once the due passed, or once the sweep recorded the breach (the same moment in
    // production; a test may run the sweep at a chosen instant).
    v.overdue = (c.due_at && at >= *c.due_at) || (c.breached_at && (!c.met_at || *c.met_at >= *c.breached_at));
    v.urgency = "normal";
    if (c.state == "running" || c.state == "paused" || c.state == "met") {
      if (!c.due_at && c.state != "paused") {
        v.calendar_missing = c.inherited_due ? false : compute(conn, c).calendar_missing;
      } else if (c.due_at) {
        // Elapsed share of the allowed time on the wall clock between start and due (a display
        // figure; the reminders themselves follow counted time).
        const Millis span = std::max<Millis>(1, *c.due_at - c.started_at);
        const Millis used = std::clamp<Millis>(at - c.started_at, 0, span);
        v.elapsed_permille = static_cast<int>(used * 1000 / span);
      }
      if (v.overdue) v.urgency = "red";
      else if (c.state != "met" && c.stage > 0) v.urgency = "amber";  // a reminder has fired
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<Recomputed> recompute_for_calendar(Connection& conn, std::int64_t calendar_id) {
  std::vector<Recomputed> out;
  const Millis now = now_millis();
  auto info = calendar::calendar_info(conn, calendar_id);
  std::string where = "state IN ('running','paused') AND unit = 'working_days' AND inherited_due IS NULL";
  storage::Params params;
  if (!info.org_path.empty()) where += " AND " + storage::path_prefix_condition(conn.backend(), "org_path", info.org_path, params);
  for (auto& c : rows_where(conn, where, params)) {
    refresh(conn, c, now);
    auto after = conn.query_one("SELECT due_at FROM clocks WHERE id = ?", {c.id});
    std::optional<Millis> due = after ? after->opt_i64(0) : std::nullopt;
    if (due != c.due_at) out.push_back({c.id, c.subject, c.subject_id, c.name, c.due_at, due});
  }
  return out;
}

std::vector<std::int64_t> find_due(Connection& conn, Millis now, int limit) {
  const bool pg = conn.backend() == storage::Backend::postgres;
  std::vector<std::int64_t> ids;
  for (auto& r : conn.query(std::string("SELECT id FROM clocks WHERE next_fire_at <= ? ORDER BY next_fire_at LIMIT ?") +
                                (pg ? " FOR UPDATE SKIP LOCKED" : ""),
                            {now, std::int64_t{limit}}))
    ids.push_back(r.i64(0));
  return ids;
}

SweepResult sweep(storage::Database& db, Millis now, const Handlers& handlers, int limit) {
  return db.transaction([&](Connection& conn) {
    SweepResult result;
    for (std::int64_t id : find_due(conn, now, limit)) {
      auto rows = rows_where(conn, "id = ?", {id});
      if (rows.empty()) continue;
      ClockRow& c = rows.front();
      ++result.clocks;
      if (c.state != "running" && c.state != "paused") {
        conn.execute("UPDATE clocks SET next_fire_at = NULL WHERE id = ?", {c.id});
        continue;
      }
      Computed computed = compute(conn, c);
      if (computed.calendar_missing) {
        spdlog::warn("clock {} ({} {} {}): the calendar lacks a year its deadline needs; retrying in an hour", c.id,
                     c.subject, c.subject_id, c.name);
        conn.execute("UPDATE clocks SET due_at = NULL, next_fire_at = ? WHERE id = ?", {now + kRetryMissingCalendarMs, c.id});
        continue;
      }
      int stage = c.stage;
      std::optional<Millis> breached_at = c.breached_at;
      auto handler = handlers.find(c.subject);
      // A handler that fails must not block the clocks behind this one: its writes are undone to
      // the savepoint and the clock is retried in five minutes.
      conn.exec_script("SAVEPOINT clock_fire");
      try {
        for (const Firing& firing : due_firings(computed.schedule, c.stage, now)) {
          Fired fired{c.id, c.subject, c.subject_id, c.name, firing.permille, firing.breach, c.escalate_on_breach,
                      firing.at, computed.schedule.due};
          if (handler != handlers.end()) handler->second(conn, fired);
          if (firing.breach) breached_at = firing.at;
          stage = firing.stage + 1;
          ++result.fired;
        }
        conn.exec_script("RELEASE SAVEPOINT clock_fire");
      } catch (const std::exception& error) {
        conn.exec_script("ROLLBACK TO SAVEPOINT clock_fire");
        conn.exec_script("RELEASE SAVEPOINT clock_fire");
        spdlog::error("clock {} ({} {} {}): handler failed: {}; retrying in five minutes", c.id, c.subject, c.subject_id,
                      c.name, error.what());
        conn.execute("UPDATE clocks SET next_fire_at = ? WHERE id = ?", {now + 5 * 60'000, c.id});
        continue;
      }
      conn.execute("UPDATE clocks SET stage = ?, due_at = ?, next_fire_at = ?, breached_at = ? WHERE id = ?",
                   {std::int64_t{stage}, storage::opt_value(computed.schedule.due),
                    storage::opt_value(next_fire_at(computed.schedule, stage)), storage::opt_value(breached_at), c.id});
    }
    return result;
  });
}

}  // namespace lianxin::clocks
