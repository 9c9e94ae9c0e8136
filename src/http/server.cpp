// The only translation unit that includes Beast. Limits, timeouts and shutdown follow Beast's
// advanced server example: bounded body, per-read timeout, keep-alive, clean stop on SIGTERM.
#include "http/server.hpp"

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sodium.h>
#include <thread>

#include "common/errors.hpp"
#include "common/strings.hpp"
#include "spdlog/spdlog.h"

namespace lianxin::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string new_request_id() {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

std::string error_body(ErrorCode code, const std::string& message, const std::vector<FieldIssue>& issues,
                       const std::string& request_id, Lang lang) {
  std::string out = "{\"error\":{\"code\":\"";
  out += error_code_name(code);
  out += "\",\"message\":\"" + json_escape(localize(message, lang)) + "\"";
  if (!issues.empty()) {
    out += ",\"details\":[";
    for (std::size_t i = 0; i < issues.size(); ++i) {
      if (i) out += ",";
      out += "{\"field\":\"" + json_escape(issues[i].field) + "\",\"message\":\"" + json_escape(localize(issues[i].message, lang)) +
             "\"";
      if (issues[i].row > 0) out += ",\"row\":" + std::to_string(issues[i].row);
      out += "}";
    }
    out += "]";
  }
  out += ",\"request_id\":\"" + request_id + "\"}}";
  return out;
}

std::string mime_type(const std::string& path) {
  auto ext = std::filesystem::path(path).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".ttf") return "font/ttf";
  if (ext == ".xlsx") return Response::kXlsxType;
  if (ext == ".csv") return "text/csv; charset=utf-8";
  if (ext == ".yaml") return "application/yaml; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

Response error_response(const std::exception& error, const std::string& request_id, Lang lang) {
  Response r;
  if (auto app = dynamic_cast<const AppError*>(&error)) {
    r.status = http_status_for(app->code());
    std::string message = app->what();
    if (app->code() == ErrorCode::internal) {
      spdlog::error("request {} internal error: {}", request_id, message);
      message = "internal error; quote request id " + request_id;
    }
    r.body = error_body(app->code(), message, app->issues(), request_id, lang);
  } else {
    spdlog::error("request {} unexpected exception: {}", request_id, error.what());
    r.status = 500;
    r.body = error_body(ErrorCode::internal, "internal error; quote request id " + request_id, {}, request_id, lang);
  }
  return r;
}

struct Server::Impl {
  ServerOptions options;
  std::shared_ptr<Router> router;
  AccessLogger logger;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<int> connections{0};
  std::atomic<bool> stopping{false};
  std::filesystem::path static_root;

  Impl(ServerOptions o, std::shared_ptr<Router> r, AccessLogger l)
      : options(std::move(o)), router(std::move(r)), logger(std::move(l)) {
    if (!options.static_dir.empty()) {
      std::error_code ec;
      static_root = std::filesystem::weakly_canonical(options.static_dir, ec);
    }
  }

  Response serve_static(const Request& req) {
    if (static_root.empty()) throw AppError(ErrorCode::not_found, "no route for " + req.path);
    std::filesystem::path rel = req.path == "/" ? "index.html" : req.path.substr(1);
    std::error_code ec;
    auto full = std::filesystem::weakly_canonical(static_root / rel, ec);
    auto root = static_root.string();
    bool inside = !ec && full.string().rfind(root, 0) == 0;
    bool asset = inside && std::filesystem::is_regular_file(full, ec);
    if (!asset) {
      // SPA fallback: client-side routes load index.html; missing assets stay 404.
      if (req.path.rfind("/assets/", 0) == 0 || !inside)
        throw AppError(ErrorCode::not_found, "no such file " + req.path);
      full = static_root / "index.html";
      if (!std::filesystem::is_regular_file(full, ec))
        throw AppError(ErrorCode::not_found, "web UI not built (run make web)");
    }
    std::ifstream in(full, std::ios::binary);
    Response r;
    r.body.assign(std::istreambuf_iterator<char>(in), {});
    r.content_type = mime_type(full.string());
    bool hashed = req.path.rfind("/assets/", 0) == 0;
    r.headers.emplace_back("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    return r;
  }

  Response dispatch(Request& req) {
    const Handler* handler = nullptr;
    std::map<std::string, std::string> params;
    bool is_api = req.path.rfind("/api/", 0) == 0;
    auto m = router->match(req.method, req.path, &handler, params);
    if (m == Router::Match::found) {
      RouteContext ctx{req, std::move(params)};
      return (*handler)(ctx);
    }
    if (m == Router::Match::wrong_method)
      throw AppError(ErrorCode::method_not_allowed, req.method + " is not allowed on " + req.path);
    if (is_api || (req.method != "GET" && req.method != "HEAD"))
      throw AppError(ErrorCode::not_found, "no route for " + req.method + " " + req.path);
    return serve_static(req);
  }

  struct Session : std::enable_shared_from_this<Session> {
    Impl* impl;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    std::string remote;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser;
    bhttp::response<bhttp::string_body> response;

    Session(Impl* i, beast::tcp_stream s, std::string r) : impl(i), stream(std::move(s)), remote(std::move(r)) {
      ++impl->connections;
    }
    ~Session() { --impl->connections; }

    void read() {
      parser.emplace();
      parser->body_limit(impl->options.body_limit);
      parser->header_limit(16 * 1024);
      stream.expires_after(std::chrono::seconds(impl->options.read_timeout_seconds));
      bhttp::async_read(stream, buffer, *parser,
                        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
      if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
        close();
        return;
      }
      auto started = std::chrono::steady_clock::now();
      Request req;
      req.request_id = new_request_id();
      req.remote_ip = remote;
      Response res;
      bool keep_alive = false;
      if (ec == bhttp::error::body_limit) {
        res = error_response(AppError(ErrorCode::payload_too_large,
                                      "request body exceeds " + std::to_string(impl->options.body_limit) + " bytes"),
                             req.request_id, lang_from_header(std::string(parser->get()[bhttp::field::accept_language])));
        req.method = std::string(parser->get().method_string());
        req.path = std::string(parser->get().target());
      } else if (ec) {
        res = error_response(AppError(ErrorCode::bad_request, "malformed HTTP request: " + ec.message()),
                             req.request_id);
      } else {
        auto& msg = parser->get();
        keep_alive = msg.keep_alive() && !impl->stopping;
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        for (auto const& field : msg) req.headers[to_lower_ascii(field.name_string())] = std::string(field.value());
        req.body = std::move(msg.body());
        res = handle(req);
      }
      response = {};
      response.version(11);
      response.result(static_cast<unsigned>(res.status));
      if (!res.content_type.empty()) response.set(bhttp::field::content_type, res.content_type);
      response.set(bhttp::field::server, "lianxin");
      response.set("X-Request-Id", req.request_id);
      response.set("X-Content-Type-Options", "nosniff");
      for (auto& [k, v] : res.headers) response.insert(k, v);
      std::size_t bytes = res.body.size();
      if (req.method != "HEAD") response.body() = std::move(res.body);
      response.keep_alive(keep_alive);
      response.prepare_payload();
      if (req.method == "HEAD") response.content_length(bytes);
      double millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      if (impl->logger) impl->logger(req, res.status, millis, bytes);
      bhttp::async_write(stream, response, [self = shared_from_this(), keep_alive](beast::error_code wec, std::size_t) {
        if (wec || !keep_alive) {
          self->close();
          return;
        }
        self->read();
      });
    }

    Response handle(Request& req) {
      try {
        auto parsed = boost::urls::parse_origin_form(req.target);
        if (!parsed) throw AppError(ErrorCode::bad_request, "malformed request target");
        req.path = parsed->path();
        for (auto param : parsed->params()) req.query.emplace(param.key, param.value);
        if (!is_valid_utf8(req.path)) throw AppError(ErrorCode::bad_request, "path is not valid UTF-8");
        return impl->dispatch(req);
      } catch (const std::exception& e) {
        return error_response(e, req.request_id, lang_from_header(req.header("accept-language")));
      }
    }

    // Half-close, then read and discard what the client still sends (e.g. the rest of an
    // oversized body) so it receives our response instead of a connection reset.
    void close() {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream.expires_after(std::chrono::seconds(5));
      drain();
    }

    void drain() {
      stream.async_read_some(asio::buffer(scratch), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) {
          beast::error_code ignored;
          self->stream.socket().close(ignored);
          return;
        }
        self->drain();
      });
    }
    std::array<char, 16384> scratch;
  };


  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (stopping) return;
        spdlog::warn("accept failed: {}", ec.message());
      } else {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::string remote;
        auto ep = socket.remote_endpoint(ignored);
        if (!ignored) remote = ep.address().to_string();
        std::make_shared<Session>(this, beast::tcp_stream(std::move(socket)), std::move(remote))->read();
      }
      if (!stopping) accept();
    });
  }
};

Server::Server(ServerOptions options, std::shared_ptr<Router> router, AccessLogger logger)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), std::move(logger))) {}

Server::~Server() {
  stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
}

unsigned short Server::start() {
  auto& i = *impl_;
  auto address = asio::ip::make_address(i.options.address);
  tcp::endpoint endpoint{address, i.options.port};
  i.acceptor.open(endpoint.protocol());
  i.acceptor.set_option(asio::socket_base::reuse_address(true));
  i.acceptor.bind(endpoint);
  i.acceptor.listen(asio::socket_base::max_listen_connections);
  i.accept();
  int n = std::max(1, i.options.threads);
  for (int t = 0; t < n; ++t) i.threads.emplace_back([&i] { i.ioc.run(); });
  return i.acceptor.local_endpoint().port();
}

void Server::wait(bool handle_signals) {
  auto& i = *impl_;
  if (handle_signals) {
    asio::signal_set signals(i.ioc, SIGINT, SIGTERM);
    signals.async_wait([this](beast::error_code ec, int sig) {
      if (!ec) spdlog::info("signal {} received, shutting down", sig);
      stop();
    });
    for (auto& t : i.threads)
      if (t.joinable()) t.join();
    return;
  }
  for (auto& t : i.threads)
    if (t.joinable()) t.join();
}

void Server::stop() {
  auto& i = *impl_;
  if (i.stopping.exchange(true)) return;
  if (i.threads.empty()) return;
  // Close the acceptor, let requests in flight finish (at most 5 s), then stop the loop.
  asio::post(i.ioc, [&i] {
    beast::error_code ignored;
    i.acceptor.close(ignored);
    auto timer = std::make_shared<asio::steady_timer>(i.ioc);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [&i, timer, deadline, poll] {
      if (i.connections == 0 || std::chrono::steady_clock::now() > deadline) {
        i.ioc.stop();
        return;
      }
      timer->expires_after(std::chrono::milliseconds(50));
      timer->async_wait([poll](beast::error_code) { (*poll)(); });
    };
    (*poll)();
  });
}

}  // namespace lianxin::http
