#pragma once
#include <string>
#include <vector>

#include "storage/db.hpp"

namespace lianxin::storage {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& sqlite_migrations();
const std::vector<Migration>& postgres_migrations();

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<std::string> applied;
};

// Applies every pending migration, each in its own transaction that also records its version.
// Refuses (throws) when the database is newer than this binary.
MigrationReport migrate(Database& db);
int current_schema_version(Database& db);
int latest_known_version(Backend backend);

}  // namespace lianxin::storage
