#include "client.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

namespace lianxin::testing {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

boost::json::value HttpResult::json() const { return boost::json::parse(body); }

std::string HttpResult::error_code() const {
  auto v = json();
  if (!v.is_object() || !v.as_object().contains("error")) return {};
  return std::string(v.at("error").at("code").as_string());
}

std::string HttpResult::detail(const std::string& field) const {
  auto v = json();
  auto* details = v.at("error").as_object().if_contains("details");
  if (!details || !details->is_array()) return {};
  for (auto& d : details->as_array())
    if (d.at("field").as_string() == field) return std::string(d.at("message").as_string());
  return {};
}

HttpResult Client::request(const std::string& method, const std::string& target, const std::string& body,
                           const std::string& content_type, const std::map<std::string, std::string>& headers) {
  boost::asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!body.empty()) req.set(http::field::content_type, content_type);
  if (!cookie_.empty()) req.set(http::field::cookie, cookie_);
  if (!csrf_.empty()) req.set("X-CSRF-Token", csrf_);
  if (!api_key_.empty()) req.set("X-API-Key", api_key_);
  for (auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(socket, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  http::read(socket, buffer, parser);
  auto& res = parser.get();
  HttpResult out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  beast::error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

HttpResult Client::login(const std::string& username, const std::string& password) {
  cookie_.clear();
  csrf_.clear();
  auto r = request("POST", "/api/v1/auth/login",
                   boost::json::serialize(boost::json::object{{"username", username}, {"password", password}}));
  if (r.status == 200) {
    std::string set_cookie = r.headers["set-cookie"];
    cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    csrf_ = std::string(r.json().at("csrf_token").as_string());
  }
  return r;
}

}  // namespace lianxin::testing
