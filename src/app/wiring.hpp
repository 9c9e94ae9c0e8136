#pragma once
// Builds a running Lianxin instance from a config: database, migrations, routes, server.
#include <memory>

#include "app/config.hpp"
#include "http/server.hpp"
#include "storage/db.hpp"

namespace lianxin::app {

class Instance {
 public:
  // Opens the database and applies pending migrations; does not listen yet.
  explicit Instance(const Config& config);
  ~Instance();
  unsigned short start();  // returns the bound port
  void wait(bool handle_signals);
  void stop();
  storage::Database& db();
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lianxin::app
