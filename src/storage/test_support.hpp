#pragma once
// For tests: the backends to run on. SQLite always (a fresh temporary file); PostgreSQL when
// LIANXIN_TEST_PG_URL points at a server (make test starts a throwaway cluster), using a fresh
// database named after the test binary so suites never share state.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/db.hpp"

namespace lianxin::storage {

inline std::string fresh_sqlite_url(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / ("lx_" + name + "_" + std::to_string(::getpid()) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return "sqlite:" + path.string();
}

inline std::string fresh_postgres_url(const std::string& admin_url, const std::string& name) {
  auto admin = Database::open(admin_url, 1);
  {
    auto conn = admin->acquire();
    conn->exec_script("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    conn->exec_script("CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
  }
  auto slash = admin_url.rfind('/');
  return admin_url.substr(0, slash + 1) + name;
}

inline std::vector<std::string> test_backends(const std::string& name) {
  std::vector<std::string> urls{fresh_sqlite_url(name)};
  if (const char* pg = std::getenv("LIANXIN_TEST_PG_URL"); pg && *pg) urls.push_back(fresh_postgres_url(pg, "lx_" + name));
  return urls;
}

inline std::string backend_label(const std::string& url) { return url.rfind("sqlite:", 0) == 0 ? "sqlite" : "postgres"; }

}  // namespace lianxin::storage
