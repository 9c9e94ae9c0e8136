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
  // The background worker (deadline sweeps, outbox delivery). Every server may run it; turn it
  // off only for a server that must never send (e.g. a read-only reporting replica).
  bool jobs = true;
  // The address users reach the server at, for links in SMS and e-mail (empty = relative links).
  std::string public_url;
  int jobs_interval_ms = 1000;
  // Outbound notifications (src/notify): SMTP for e-mail, an HTTP gateway for SMS. Empty = not
  // configured; rows for that channel then fail with a clear last_error and are retried later.
  std::string smtp_url;        // smtp://host:25 or smtps://host:465
  std::string smtp_from;       // envelope and From: address
  std::string smtp_user;
  std::string smtp_password;
  std::string sms_gateway_url; // POST JSON {id,to,template,params,text}
  std::string sms_api_key;     // sent as Authorization: Bearer
};

// Reads the file (missing file is fine when `required` is false), then the environment.
Config load_config(const std::string& path, bool required);
// Applies one key (file or environment) to the config; throws on an unknown key or bad value.
void apply_setting(Config& config, const std::string& key, const std::string& value, const std::string& origin);

}  // namespace lianxin::app
