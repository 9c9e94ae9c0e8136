#pragma once
// Builds a running Lianxin instance from a config: database, migrations, routes, server.
#include <memory>

#include "app/config.hpp"
#include "http/server.hpp"
#include "storage/db.hpp"

namespace lianxin::jobs {
class Scheduler;
}

namespace lianxin::app {

class Instance {
 public:
  // Opens the database and applies pending migrations; does not listen yet.
  explicit Instance(const Config& config);
  ~Instance();
  unsigned short start();  // returns the bound port; starts the background worker unless config.jobs is off
  void wait(bool handle_signals);
  void stop();
  storage::Database& db();
  jobs::Scheduler& scheduler();  // tests drive steps at chosen instants
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lianxin::app
