#include "app/wiring.hpp"

#include "app/system_api.hpp"
#include "audit/api.hpp"
#include "billing/api.hpp"
#include "calendar/api.hpp"
#include "calendar/store.hpp"
#include "claims/api.hpp"
#include "claims/service.hpp"
#include "expansion/api.hpp"
#include "expansion/service.hpp"
#include "outages/api.hpp"
#include "outages/notices.hpp"
#include "quality/api.hpp"
#include "quality/store.hpp"
#include "analysis/api.hpp"
#include "analysis/report.hpp"
#include "analysis/store.hpp"
#include "curves/api.hpp"
#include "tariff/api.hpp"
#include "jobs/scheduler.hpp"
#include "keyaccounts/service.hpp"
#include "keyaccounts/api.hpp"
#include "notify/notify.hpp"
#include "auth/api.hpp"
#include "customers/api.hpp"
#include "customers/import.hpp"
#include "customers/service.hpp"
#include "org/api.hpp"
#include "spdlog/spdlog.h"
#include "storage/migrator.hpp"

namespace lianxin::app {

struct Instance::Impl {
  Config config;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<auth::Guard> guard;
  std::shared_ptr<http::Router> router = std::make_shared<http::Router>();
  std::shared_ptr<customers::ImportRunner> imports;
  std::unique_ptr<jobs::Scheduler> scheduler;
  std::unique_ptr<http::Server> server;
};

Instance::Instance(const Config& config) : impl_(std::make_unique<Impl>()) {
  impl_->config = config;
  impl_->db = storage::Database::open(config.db, config.db_pool);
  auto report = storage::migrate(*impl_->db);
  for (auto& name : report.applied) spdlog::info("applied migration {}", name);
  customers::fail_interrupted_imports(*impl_->db);
  if (auto years = calendar::ensure_shipped(*impl_->db); !years.empty())
    spdlog::info("loaded {} shipped holiday schedules into the national calendar", years.size());
  if (auto n = customers::ensure_search_index(*impl_->db); n > 0) spdlog::info("rebuilt the search index of {} customers", n);
  auth::GuardOptions options;
  options.session_ttl_millis = static_cast<long long>(config.session_hours) * 3600 * 1000;
  options.secure_cookie = config.secure_cookie;
  impl_->guard = std::make_unique<auth::Guard>(*impl_->db, options);
  auto& router = *impl_->router;
  register_system_routes(router, *impl_->db);
  auth::register_routes(router, *impl_->guard);
  org::register_routes(router, *impl_->guard);
  audit::register_routes(router, *impl_->guard);
  customers::register_routes(router, *impl_->guard);
  calendar::register_routes(router, *impl_->guard);
  claims::register_routes(router, *impl_->guard);
  notify::register_routes(router, *impl_->guard);
  keyaccounts::register_routes(router, *impl_->guard);
  billing::register_routes(router, *impl_->guard);
  expansion::register_routes(router, *impl_->guard);
  outages::register_routes(router, *impl_->guard);
  quality::register_routes(router, *impl_->guard);
  tariff::register_routes(router, *impl_->guard);
  curves::register_routes(router, *impl_->guard);
  analysis::register_routes(router, *impl_->guard);
  impl_->imports = customers::register_import_routes(router, *impl_->guard);
  notify::set_link_base(config.public_url);
  jobs::SchedulerOptions job_options;
  job_options.interval_ms = config.jobs_interval_ms;
  job_options.delivery = {config.smtp_url,       config.smtp_from,   config.smtp_user,
                          config.smtp_password,  config.sms_gateway_url, config.sms_api_key};
  // Key accounts: the year's programmes and the overdue notices, every five minutes.
  job_options.tasks.push_back({"keyaccounts", 5 * 60 * 1000, keyaccounts::sweep});
  // Outages: key accounts that have not confirmed a notice become tasks, then escalate; every minute.
  job_options.tasks.push_back({"outage_confirmations", 60 * 1000, outages::sweep_ack_followups});
  // Data quality: the nightly full pass (checked every ten minutes, runs once a day).
  job_options.tasks.push_back({"quality_nightly", 10 * 60 * 1000, quality::nightly});
  // Search documents queued by large imports (normally built by the import job right after its
  // commit; this picks up what a stopped server left), a batch every two seconds.
  job_options.tasks.push_back({"search_backlog", 2 * 1000, [](storage::Connection& conn, Millis) {
                                 return static_cast<int>(customers::index_search_backlog(conn, 20000));
                               }});
  // Electricity-use analysis: queued report batches, a chunk every five seconds; the anomaly scan
  // once a day (idempotent: a finding is opened once, its notice sent once).
  job_options.tasks.push_back({"analysis_reports", 5 * 1000, [](storage::Connection& conn, Millis now) { return analysis::run_report_batches(conn, now); }});
  job_options.tasks.push_back({"analysis_anomalies", 24 * 60 * 60 * 1000,
                               [](storage::Connection& conn, Millis now) { return static_cast<int>(analysis::scan_anomalies(conn, now).opened); }});
  impl_->scheduler = std::make_unique<jobs::Scheduler>(*impl_->db, clocks::Handlers{{"claim", claims::on_clock_fired}, {"expansion", expansion::on_clock_fired}},
                                                       job_options);
  http::ServerOptions server_options;
  server_options.address = config.address;
  server_options.port = static_cast<unsigned short>(config.port);
  server_options.threads = config.threads;
  server_options.static_dir = config.static_dir;
  impl_->server = std::make_unique<http::Server>(server_options, impl_->router,
                                                 [](const http::Request& req, int status, double ms, std::size_t bytes) {
                                                   spdlog::info("{} {} {} {} {} {:.1f}ms {}B", req.request_id, req.remote_ip,
                                                                req.method, req.path, status, ms, bytes);
                                                 });
}

Instance::~Instance() {
  if (impl_->server) impl_->server.reset();
  // The routes keep the import runner alive until the router goes: stop its jobs now.
  if (impl_->imports) customers::stop_import_jobs(*impl_->imports);
  if (impl_->scheduler) impl_->scheduler->stop();
  impl_->imports.reset();
}

unsigned short Instance::start() {
  if (impl_->config.jobs) impl_->scheduler->start();
  return impl_->server->start();
}
jobs::Scheduler& Instance::scheduler() { return *impl_->scheduler; }
void Instance::wait(bool handle_signals) { impl_->server->wait(handle_signals); }
void Instance::stop() { impl_->server->stop(); }
storage::Database& Instance::db() { return *impl_->db; }
std::vector<std::pair<std::string, std::string>> Instance::routes() const { return impl_->router->routes(); }

}  // namespace lianxin::app
