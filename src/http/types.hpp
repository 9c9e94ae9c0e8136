#pragma once
// Request/response types of our own, so route handlers never see Beast (compile time on 2 cores).
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lianxin::http {

struct Request {
  std::string method;      // "GET", "POST", ...
  std::string target;      // raw target with query
  std::string path;        // decoded path without query
  std::multimap<std::string, std::string> query;  // decoded
  std::map<std::string, std::string> headers;     // lower-case names
  std::string body;
  std::string remote_ip;
  std::string request_id;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::optional<std::string> query_param(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
  std::string cookie(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(std::string body, int status = 200) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  // A file download: the body with its type and the name the browser saves it as.
  static Response attachment(std::string body, std::string content_type, const std::string& file_name) {
    Response r;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
    return r;
  }
  static Response xlsx(std::string body, const std::string& file_name) {
    return attachment(std::move(body), kXlsxType, file_name);
  }
  static constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  static Response no_content() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
};

}  // namespace lianxin::http
