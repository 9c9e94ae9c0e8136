#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/types.hpp"

namespace lianxin::http {

// What a handler receives: the request and the values of {placeholders} in its route pattern.
struct RouteContext {
  const Request& request;
  std::map<std::string, std::string> params;
  const std::string& param(const std::string& name) const { return params.at(name); }
};

using Handler = std::function<Response(RouteContext&)>;

class Router {
 public:
  // pattern like "/api/v1/customers/{id}"; segments in braces match one path segment.
  void add(const std::string& method, const std::string& pattern, Handler handler);
  void get(const std::string& p, Handler h) { add("GET", p, std::move(h)); }
  void post(const std::string& p, Handler h) { add("POST", p, std::move(h)); }
  void put(const std::string& p, Handler h) { add("PUT", p, std::move(h)); }
  void patch(const std::string& p, Handler h) { add("PATCH", p, std::move(h)); }
  void del(const std::string& p, Handler h) { add("DELETE", p, std::move(h)); }

  enum class Match { found, no_route, wrong_method };
  // On found, fills handler and params.
  Match match(const std::string& method, const std::string& path, const Handler** handler,
              std::map<std::string, std::string>& params) const;
  std::vector<std::pair<std::string, std::string>> routes() const;  // (method, pattern) for docs checks

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace lianxin::http
