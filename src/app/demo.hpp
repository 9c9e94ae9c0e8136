#pragma once
#include <cstdint>
#include <string>

#include "storage/db.hpp"

namespace lianxin::app {

struct DemoOptions {
  std::uint64_t seed = 20261122;
  int customers = 50000;
  int key_accounts = 500;
  std::string password = "Lianxin@2026";
};

// True when the database holds no org units yet.
bool database_is_empty(storage::Database& db);
// Generates a fictional city bureau reproducibly (fixed seed) in one transaction.
void seed_demo(storage::Database& db, const DemoOptions& options);

}  // namespace lianxin::app
