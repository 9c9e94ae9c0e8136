#pragma once
// The background worker of a server: sweeps due deadline clocks (reminders, breaches,
// escalations) and delivers the notification outbox. Everything it acts on is a row in the
// database, so any number of servers can run one: on PostgreSQL each step takes its rows with
// FOR UPDATE SKIP LOCKED, and a server that stops mid-step leaves nothing half-done.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <string>
#include <vector>
#include <mutex>
#include <thread>

#include "clocks/store.hpp"
#include "notify/notify.hpp"
#include "storage/db.hpp"

namespace lianxin::jobs {

// Periodic work of a module (e.g. the key-account overdue sweep): runs in its own transaction at
// most once per period on each server; it must be safe to run on several servers at once.
struct PeriodicTask {
  std::string name;
  int period_ms = 60000;
  std::function<int(storage::Connection&, Millis)> run;  // returns how much it did (for the log)
};

struct SchedulerOptions {
  int interval_ms = 1000;  // pause between steps when there was nothing to do
  int sweep_batch = 200;
  notify::DeliveryOptions delivery;
  std::vector<PeriodicTask> tasks;
};

struct StepReport {
  int clocks = 0, fired = 0, sent = 0, failed = 0, dead = 0;
};

class Scheduler {
 public:
  Scheduler(storage::Database& db, clocks::Handlers handlers, SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void start();
  void stop();  // finishes the current step, then returns
  // One step at `now` (tests call this with a chosen instant): sweeps until no due clock is left
  // (bounded), then delivers one outbox batch.
  StepReport run_once(Millis now);
  // Runs every periodic task now, whatever their period (tests; run_once runs those that are due).
  int run_tasks(Millis now);

 private:
  void loop();
  storage::Database& db_;
  clocks::Handlers handlers_;
  SchedulerOptions options_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Millis> last_run_;  // per task, guarded by being used from one thread at a time
  bool stopping_ = false;
};

}  // namespace lianxin::jobs
