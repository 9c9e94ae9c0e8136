#pragma once
// Settings: defaults < config file (key = value lines) < environment (LIANXIN_*) < command line.
#include <map>
#include <string>

namespace lianxin::app {

struct Config {
  std::string db = "sqlite:lianxin.db";
  std::string address = "127.0.0.1";
  int port = 8080;
  int threads = 4;
  int db_pool = 8;
  std::string static_dir = "web/dist";
  std::string log_level = "info";
  bool secure_cookie = false;
  int session_hours = 12;
};

// Reads the file (missing file is fine when `required` is false), then the environment.
Config load_config(const std::string& path, bool required);
// Applies one key (file or environment) to the config; throws on an unknown key or bad value.
void apply_setting(Config& config, const std::string& key, const std::string& value, const std::string& origin);

}  // namespace lianxin::app
