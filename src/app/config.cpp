#include "app/config.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "common/strings.hpp"

namespace lianxin::app {
namespace {
int to_int(const std::string& value, const std::string& key, const std::string& origin, int min, int max) {
  try {
    std::size_t used = 0;
    int n = std::stoi(value, &used);
    if (used == value.size() && n >= min && n <= max) return n;
  } catch (const std::exception&) {
  }
  throw std::runtime_error(origin + ": " + key + " must be an integer between " + std::to_string(min) + " and " +
                           std::to_string(max));
}
}  // namespace

void apply_setting(Config& c, const std::string& key, const std::string& value, const std::string& origin) {
  if (key == "db") c.db = value;
  else if (key == "address") c.address = value;
  else if (key == "port") c.port = to_int(value, key, origin, 0, 65535);
  else if (key == "threads") c.threads = to_int(value, key, origin, 1, 256);
  else if (key == "db_pool") c.db_pool = to_int(value, key, origin, 1, 256);
  else if (key == "static_dir") c.static_dir = value;
  else if (key == "log_level") c.log_level = value;
  else if (key == "secure_cookie") c.secure_cookie = value == "true" || value == "1";
  else if (key == "session_hours") c.session_hours = to_int(value, key, origin, 1, 24 * 30);
  else if (key == "jobs") c.jobs = value == "true" || value == "1";
  else if (key == "public_url") {
    if (!value.empty() && value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
      throw std::runtime_error(origin + ": public_url must start with http:// or https://");
    c.public_url = value;
  }
  else if (key == "jobs_interval_ms") c.jobs_interval_ms = to_int(value, key, origin, 50, 60'000);
  else if (key == "smtp_url") c.smtp_url = value;
  else if (key == "smtp_from") c.smtp_from = value;
  else if (key == "smtp_user") c.smtp_user = value;
  else if (key == "smtp_password") c.smtp_password = value;
  else if (key == "sms_gateway_url") c.sms_gateway_url = value;
  else if (key == "sms_api_key") c.sms_api_key = value;
  else throw std::runtime_error(origin + ": unknown setting '" + key + "'");
}

Config load_config(const std::string& path, bool required) {
  Config c;
  std::ifstream in(path);
  if (!in && required) throw std::runtime_error("cannot read config file " + path);
  std::string line;
  int number = 0;
  while (in && std::getline(in, line)) {
    ++number;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    auto eq = t.find('=');
    if (eq == std::string::npos) throw std::runtime_error(path + ":" + std::to_string(number) + ": expected key = value");
    apply_setting(c, trim(t.substr(0, eq)), trim(t.substr(eq + 1)), path + ":" + std::to_string(number));
  }
  static const char* keys[] = {"db", "address", "port", "threads", "db_pool", "static_dir", "log_level", "secure_cookie",
                               "session_hours", "jobs", "jobs_interval_ms", "public_url", "smtp_url", "smtp_from", "smtp_user", "smtp_password",
                               "sms_gateway_url", "sms_api_key"};
  for (const char* key : keys) {
    std::string env = "LIANXIN_" + std::string(key);
    for (char& ch : env) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (const char* v = std::getenv(env.c_str()); v && *v) apply_setting(c, key, v, "environment " + env);
  }
  return c;
}

}  // namespace lianxin::app
