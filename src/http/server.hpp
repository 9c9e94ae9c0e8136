#pragma once
#include <functional>
#include <memory>
#include <string>

#include "common/messages.hpp"
#include "http/router.hpp"

namespace lianxin::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0 = pick a free port (tests)
  int threads = 4;             // handlers block on the database, so more threads than cores
  std::size_t body_limit = 16 * 1024 * 1024;  // import uploads; JSON routes are checked smaller
  int read_timeout_seconds = 30;
  std::string static_dir;      // built web UI; served with SPA fallback to index.html
};

// Called once per finished request: for the access log (one line each, with the request id).
using AccessLogger = std::function<void(const Request&, int status, double millis, std::size_t bytes)>;

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<Router> router, AccessLogger logger);
  ~Server();
  // Binds and starts the worker threads; returns the bound port.
  unsigned short start();
  // Blocks until stop() or SIGTERM/SIGINT (when handle_signals), then drains connections.
  void wait(bool handle_signals);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Converts an exception escaping a handler into the JSON error response (one place).
Response error_response(const std::exception& error, const std::string& request_id, Lang lang = Lang::en);

}  // namespace lianxin::http
