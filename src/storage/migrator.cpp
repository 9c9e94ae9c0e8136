#include "storage/migrator.hpp"

#include "common/clock.hpp"
#include "common/errors.hpp"

namespace lianxin::storage {
namespace {

const std::vector<Migration>& migrations_for(Backend backend) {
  return backend == Backend::sqlite ? sqlite_migrations() : postgres_migrations();
}

void ensure_version_table(Connection& conn) {
  conn.exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at BIGINT NOT NULL)");
}

int read_version(Connection& conn) {
  return static_cast<int>(conn.query_i64("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
}

}  // namespace

int latest_known_version(Backend backend) {
  const auto& list = migrations_for(backend);
  return list.empty() ? 0 : list.back().version;
}

int current_schema_version(Database& db) {
  auto conn = db.acquire();
  ensure_version_table(*conn);
  return read_version(*conn);
}

MigrationReport migrate(Database& db) {
  MigrationReport report;
  const int latest = latest_known_version(db.backend());
  report.from_version = current_schema_version(db);
  if (report.from_version > latest) {
    throw AppError(ErrorCode::service_unavailable,
                   "database schema version " + std::to_string(report.from_version) +
                       " is newer than this server understands (" + std::to_string(latest) +
                       "); upgrade the server before using this database");
  }
  for (const Migration& m : migrations_for(db.backend())) {
    db.transaction([&](Connection& conn) {
      if (conn.backend() == Backend::postgres) {
        // Several servers may start at once: the first takes the lock, the others wait and skip.
        conn.execute("SELECT pg_advisory_xact_lock(7242019)");
      }
      if (read_version(conn) >= m.version) return;
      conn.exec_script(m.sql);
      conn.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                   {std::int64_t{m.version}, std::string(m.name), now_millis()});
      report.applied.emplace_back(m.name);
    });
  }
  report.to_version = current_schema_version(db);
  return report;
}

}  // namespace lianxin::storage
