#pragma once
// A small blocking HTTP client for API tests (keeps Beast out of the test file itself).
#include <boost/json.hpp>
#include <map>
#include <string>

namespace lianxin::testing {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  boost::json::value json() const;
  std::string error_code() const;
  // The first detail naming `field`, or "".
  std::string detail(const std::string& field) const;
};

class Client {
 public:
  explicit Client(unsigned short port) : port_(port) {}
  HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::string& content_type = "application/json",
                     const std::map<std::string, std::string>& headers = {});
  HttpResult get(const std::string& target) { return request("GET", target); }
  HttpResult post(const std::string& target, const boost::json::value& body) {
    return request("POST", target, boost::json::serialize(body));
  }
  HttpResult patch(const std::string& target, const boost::json::value& body) {
    return request("PATCH", target, boost::json::serialize(body));
  }
  // Logs in and keeps the session cookie and CSRF token for later requests.
  HttpResult login(const std::string& username, const std::string& password);
  void set_api_key(const std::string& key) { api_key_ = key; }
  void forget_csrf() { csrf_.clear(); }

 private:
  unsigned short port_;
  std::string cookie_, csrf_, api_key_;
};

}  // namespace lianxin::testing
