#include "jobs/scheduler.hpp"

#include "spdlog/spdlog.h"

namespace lianxin::jobs {

Scheduler::Scheduler(storage::Database& db, clocks::Handlers handlers, SchedulerOptions options)
    : db_(db), handlers_(std::move(handlers)), options_(std::move(options)), last_run_(options_.tasks.size(), 0) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

StepReport Scheduler::run_once(Millis now) {
  StepReport report;
  // At most 50 batches per step, so a backlog (a server that was down for a day) never starves
  // the outbox; the next step continues where this one stopped.
  for (int i = 0; i < 50; ++i) {
    auto result = clocks::sweep(db_, now, handlers_, options_.sweep_batch);
    report.clocks += result.clocks;
    report.fired += result.fired;
    if (result.clocks < options_.sweep_batch) break;
  }
  // Periodic tasks before delivery, so the notices they enqueue go out in the same step.
  for (std::size_t i = 0; i < options_.tasks.size(); ++i) {
    if (last_run_[i] != 0 && now - last_run_[i] < options_.tasks[i].period_ms) continue;
    last_run_[i] = now;
    try {
      const int done = db_.transaction([&](storage::Connection& conn) { return options_.tasks[i].run(conn, now); });
      if (done > 0) spdlog::info("scheduler: task {} did {}", options_.tasks[i].name, done);
    } catch (const std::exception& error) {
      spdlog::error("scheduler task {} failed: {}", options_.tasks[i].name, error.what());
    }
  }
  auto delivered = notify::deliver_due(db_, options_.delivery, now);
  report.sent = delivered.sent;
  report.failed = delivered.failed;
  report.dead = delivered.dead;
  return report;
}

int Scheduler::run_tasks(Millis now) {
  int total = 0;
  for (std::size_t i = 0; i < options_.tasks.size(); ++i) {
    last_run_[i] = now;
    total += db_.transaction([&](storage::Connection& conn) { return options_.tasks[i].run(conn, now); });
  }
  return total;
}

void Scheduler::loop() {
  for (;;) {
    bool busy = false;
    try {
      auto report = run_once(now_millis());
      busy = report.clocks > 0 || report.sent + report.failed + report.dead > 0;
      if (report.fired > 0) spdlog::info("scheduler: {} clock points fired, {} notices sent", report.fired, report.sent);
    } catch (const std::exception& error) {
      // A database outage must not end the worker: log and try again after the interval.
      spdlog::error("scheduler step failed: {}", error.what());
    }
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    wake_.wait_for(lock, std::chrono::milliseconds(busy ? 50 : options_.interval_ms), [this] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace lianxin::jobs
