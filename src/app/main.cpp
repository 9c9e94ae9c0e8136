// lianxin — one binary: serve, demo, migrate, import, user.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/config.hpp"
#include "app/demo.hpp"
#include "app/wiring.hpp"
#include "auth/crypto.hpp"
#include "auth/guard.hpp"
#include "auth/rules.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "curves/store.hpp"
#include "customers/import.hpp"
#include "customers/service.hpp"
#include "spdlog/spdlog.h"
#include "storage/migrator.hpp"

using namespace lianxin;

namespace {

struct CommonOptions {
  std::string config_file = "lianxin.conf";
  std::string db, address, static_dir;
  int port = -1;
};

void add_common(CLI::App* cmd, CommonOptions& o, bool server) {
  cmd->add_option("--config", o.config_file, "config file (key = value lines); LIANXIN_* environment variables override it");
  cmd->add_option("--db", o.db, "database: sqlite:PATH or postgresql://user:pass@host:port/db");
  if (server) {
    cmd->add_option("--port", o.port, "TCP port (0 = any free port)");
    cmd->add_option("--address", o.address, "listen address");
    cmd->add_option("--static", o.static_dir, "directory of the built web UI");
  }
}

app::Config resolve(const CommonOptions& o, bool config_given) {
  app::Config c = app::load_config(o.config_file, config_given);
  if (!o.db.empty()) c.db = o.db;
  if (o.port >= 0) c.port = o.port;
  if (!o.address.empty()) c.address = o.address;
  if (!o.static_dir.empty()) c.static_dir = o.static_dir;
  spdlog::set_level(spdlog::level::from_str(c.log_level));
  return c;
}

int serve(const app::Config& config, bool seed, const app::DemoOptions& demo) {
  app::Instance instance(config);
  if (seed) {
    if (app::database_is_empty(instance.db())) {
      spdlog::info("seeding demo data ({} customers, seed {})...", demo.customers, demo.seed);
      app::seed_demo(instance.db(), demo);
      spdlog::info("demo data ready");
    } else {
      spdlog::info("database already has data; not seeding again");
    }
  }
  unsigned short port = instance.start();
  std::cout << "Lianxin (连心) is serving on http://" << config.address << ":" << port << "/" << std::endl;
  if (seed)
    std::cout << "Log in as admin / " << demo.password << "  (other demo users: see README, same password)" << std::endl;
  instance.wait(true);
  std::cout << "stopped" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Lianxin (连心) — key-account service management for power supply companies"};
  cli.require_subcommand(1);
  CommonOptions common;
  app::DemoOptions demo;

  auto* serve_cmd = cli.add_subcommand("serve", "run the HTTP server (applies pending migrations first)");
  add_common(serve_cmd, common, true);

  auto* demo_cmd = cli.add_subcommand("demo", "seed an empty database with reproducible demo data, then serve");
  add_common(demo_cmd, common, true);
  demo_cmd->add_option("--customers", demo.customers, "number of customers to generate");
  demo_cmd->add_option("--claims", demo.claims, "number of demo claims to generate");
  demo_cmd->add_option("--seed", demo.seed, "random seed");
  bool seed_only = false;
  demo_cmd->add_flag("--seed-only", seed_only, "seed and exit without serving");

  auto* migrate_cmd = cli.add_subcommand("migrate", "apply pending schema migrations and exit");
  add_common(migrate_cmd, common, false);

  auto* import_cmd = cli.add_subcommand("import", "import a CSV or XLSX file of customers, accounts or contacts, or load-curve CSV files");
  add_common(import_cmd, common, false);
  std::string kind = "customers", mode = "all_or_nothing", file, as_user = "admin", account_no;
  import_cmd->add_option("--kind", kind, "customers | accounts | contacts | curves")
      ->check(CLI::IsMember({"customers", "accounts", "contacts", "curves"}));
  import_cmd->add_option("--account", account_no, "curves: the 户号 of files without a 户号 column");
  import_cmd->add_option("--mode", mode, "all_or_nothing | valid_rows")->check(CLI::IsMember({"all_or_nothing", "valid_rows"}));
  import_cmd->add_option("--file", file, "the file (curves: a CSV file or a directory of them)")->required();
  import_cmd->add_option("--as", as_user, "import with this user's scope (audited as this user)");

  auto* user_cmd = cli.add_subcommand("user", "create a user or reset a password");
  add_common(user_cmd, common, false);
  std::string username, password, role = "administrator", org_code;
  user_cmd->add_option("--username", username)->required();
  user_cmd->add_option("--password", password, "new password (or LIANXIN_NEW_PASSWORD)");
  user_cmd->add_option("--role", role, "role when creating");
  user_cmd->add_option("--org", org_code, "org unit code when creating (default: the root)");

  CLI11_PARSE(cli, argc, argv);
  bool config_given = false;
  for (auto* cmd : {serve_cmd, demo_cmd, migrate_cmd, import_cmd, user_cmd})
    if (cmd->parsed() && cmd->count("--config")) config_given = true;

  try {
    app::Config config = resolve(common, config_given);
    if (serve_cmd->parsed()) return serve(config, false, demo);
    if (demo_cmd->parsed()) {
      if (seed_only) {
        auto db = storage::Database::open(config.db, 2);
        storage::migrate(*db);
        customers::ensure_search_index(*db);  // records the document format on an empty database
        if (app::database_is_empty(*db)) app::seed_demo(*db, demo);
        std::cout << "demo data ready in " << config.db << std::endl;
        return 0;
      }
      return serve(config, true, demo);
    }
    auto db = storage::Database::open(config.db, 2);
    if (migrate_cmd->parsed()) {
      auto report = storage::migrate(*db);
      std::cout << "schema version " << report.from_version << " -> " << report.to_version << std::endl;
      for (auto& name : report.applied) std::cout << "  applied " << name << std::endl;
      return 0;
    }
    storage::migrate(*db);
    if (import_cmd->parsed() && kind == "curves") {
      // Load curves: a file or every .csv of a directory, each all or nothing, the next parsed while
      // the current one is written.
      std::vector<std::string> paths;
      if (std::filesystem::is_directory(file)) {
        for (auto& e : std::filesystem::directory_iterator(file))
          if (e.is_regular_file() && e.path().extension() == ".csv") paths.push_back(e.path().string());
        std::sort(paths.begin(), paths.end());
      } else {
        paths.push_back(file);
      }
      auto principal = db->read([&](storage::Connection& conn) {
        auto row = conn.query_one("SELECT id FROM users WHERE username = ?", {as_user});
        if (!row) throw std::runtime_error("unknown user " + as_user);
        return auth::load_principal(conn, row->i64(0));
      });
      principal.ip = "cli";
      std::size_t next = 0;
      const auto outcomes = curves::import_files(
          *db, principal,
          [&]() -> std::optional<std::pair<std::string, std::string>> {
            if (next == paths.size()) return std::nullopt;
            const std::string path = paths[next++];
            std::ifstream in(path, std::ios::binary);
            std::stringstream buffer;
            buffer << in.rdbuf();
            return std::pair{std::filesystem::path(path).filename().string(), buffer.str()};
          },
          account_no, now_millis());
      int refused = 0;
      for (const auto& o : outcomes) {
        if (o.summary) {
          std::cout << o.file_name << ": imported " << o.summary->months << " account-months of " << o.summary->accounts << " accounts ("
                    << o.summary->readings << " readings, " << o.summary->flagged_months << " flagged)" << std::endl;
          continue;
        }
        ++refused;
        std::cout << o.file_name << ": refused, nothing imported: " << o.error << std::endl;
        for (const auto& issue : o.issues)
          std::cout << "  row " << issue.row << (issue.field.empty() ? "" : " column " + issue.field) << ": " << issue.message << std::endl;
      }
      return refused == 0 ? 0 : 1;
    }
    if (import_cmd->parsed()) {
      std::ifstream in(file, std::ios::binary);
      if (!in) throw std::runtime_error("cannot read " + file);
      std::stringstream buffer;
      buffer << in.rdbuf();
      auto user_id = db->read([&](storage::Connection& conn) {
        auto row = conn.query_one("SELECT id FROM users WHERE username = ?", {as_user});
        if (!row) throw std::runtime_error("unknown user " + as_user);
        return row->i64(0);
      });
      auto principal = db->read([&](storage::Connection& conn) { return auth::load_principal(conn, user_id); });
      principal.ip = "cli";
      auto result = customers::run_import_now(*db, principal, kind, mode, file, buffer.str());
      std::cout << result.status << ": " << result.message << " (" << result.total_rows << " rows)" << std::endl;
      if (result.search_queued > 0) {
        // A large file queued its customers' search documents: build them before returning.
        const auto indexed = customers::drain_search_backlog(*db, [](std::int64_t left) {
          std::cout << "search index: " << left << " customers left" << std::endl;
        });
        if (indexed > 0) std::cout << "search index: " << indexed << " customers indexed" << std::endl;
      }
      return result.status == "succeeded" ? 0 : 1;
    }
    if (user_cmd->parsed()) {
      if (password.empty())
        if (const char* env = std::getenv("LIANXIN_NEW_PASSWORD")) password = env;
      if (auto problem = auth::password_problem(password); !problem.empty())
        throw std::runtime_error("password " + problem);
      if (!auth::role_from_code(role)) throw std::runtime_error("unknown role " + role);
      std::string hash = auth::hash_password(password);
      db->transaction([&](storage::Connection& conn) {
        Millis now = now_millis();
        auto existing = conn.query_one("SELECT id FROM users WHERE username = ?", {username});
        if (existing) {
          conn.execute("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0, updated_at = ? WHERE id = ?",
                       {hash, now, existing->i64(0)});
          conn.execute("DELETE FROM sessions WHERE user_id = ?", {existing->i64(0)});
          std::cout << "password of " << username << " reset" << std::endl;
        } else {
          auto org = org_code.empty() ? conn.query_one("SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1")
                                      : conn.query_one("SELECT id FROM org_units WHERE code = ?", {org_code});
          if (!org) {
            // A brand-new database: create the root company so an administrator can log in.
            conn.execute("INSERT INTO org_units(parent_id, kind, code, name, path, created_at) VALUES (NULL, 'company', 'ROOT', '供电公司', '/1/', ?)", {now});
            org = conn.query_one("SELECT id FROM org_units WHERE code = 'ROOT'");
          }
          conn.execute(
              "INSERT INTO users(username, display_name, password_hash, role, org_unit_id, active, created_at, updated_at) "
              "VALUES (?,?,?,?,?,1,?,?)",
              {username, username, hash, role, org->i64(0), now, now});
          std::cout << "user " << username << " created with role " << role << std::endl;
        }
      });
      return 0;
    }
  } catch (const AppError& e) {
    std::cerr << "error: " << e.what() << std::endl;
    for (auto& i : e.issues()) std::cerr << "  " << (i.row ? "row " + std::to_string(i.row) + " " : "") << i.field << ": " << i.message << std::endl;
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
