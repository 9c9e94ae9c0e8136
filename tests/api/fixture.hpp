#pragma once
// Shared by the API test programs: a real server per database URL (seeded with a small demo when
// the database is empty), the background worker off so tests drive its steps themselves.
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "app/demo.hpp"
#include "client.hpp"
#include "app/wiring.hpp"
#include "spdlog/spdlog.h"
#include "storage/db.hpp"

namespace lianxin::testing {

inline const std::string kPassword = "Lianxin@2026";

inline std::unique_ptr<app::Instance> make_instance(const std::string& url) {
  spdlog::set_level(spdlog::level::warn);
  app::Config config;
  config.db = url;
  config.port = 0;
  config.static_dir = "";
  config.threads = 4;
  config.jobs = false;
  auto instance = std::make_unique<app::Instance>(config);
  if (app::database_is_empty(instance->db())) {
    app::DemoOptions demo;
    demo.customers = 400;
    demo.key_accounts = 40;
    demo.claims = 0;
    demo.key_service = false;  // the key-account service tests start from generated programmes only
    demo.expansion = 0;        // the business-expansion tests create their own applications
    demo.outages = 0;          // the outage tests build their own topology and outages
    demo.quality_defects = false;  // the data-quality tests write their own defects
    demo.analysis = false;         // the analysis tests make their own tables, curves and anomalies
    app::seed_demo(instance->db(), demo);
  }
  return instance;
}

struct Running {
  std::unique_ptr<app::Instance> instance;
  unsigned short port = 0;
};

// One started server per URL for the whole test program.
inline Running& server_for(const std::string& url) {
  static std::map<std::string, Running> servers;
  auto& s = servers[url];
  if (!s.instance) {
    s.instance = make_instance(url);
    s.port = s.instance->start();
  }
  return s;
}

// A test on one backend (the parameter is the database URL): the shared server and logins.
class ServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { port = server_for(GetParam()).port; }
  Client as(const std::string& user) {
    Client c(port);
    auto r = c.login(user, kPassword);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }
  unsigned short port = 0;
};

// A test on one backend with the running server itself at hand (for looking into the database),
// an administrator's client, logins, and a scalar query helper.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    running = &server_for(GetParam());
    admin = std::make_unique<Client>(as("admin"));
  }
  Client as(const std::string& user) {
    Client c(running->port);
    auto r = c.login(user, kPassword);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }
  std::int64_t value(const std::string& q, const storage::Params& params = {}) {
    return running->instance->db().read([&](storage::Connection& conn) { return conn.query_i64(q, params); });
  }
  HttpResult put(Client& c, const std::string& target, const boost::json::value& body) {
    return c.request("PUT", target, boost::json::serialize(body));
  }
  Running* running = nullptr;
  std::unique_ptr<Client> admin;
};

}  // namespace lianxin::testing
