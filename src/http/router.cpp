#include "http/router.hpp"

namespace lianxin::http {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

void Router::add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back({method, pattern, split_path(pattern), std::move(handler)});
}

Router::Match Router::match(const std::string& method, const std::string& path, const Handler** handler,
                            std::map<std::string, std::string>& params) const {
  auto segments = split_path(path);
  bool path_matched = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> found;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& pat = route.segments[i];
      if (pat.size() > 2 && pat.front() == '{' && pat.back() == '}') {
        found[pat.substr(1, pat.size() - 2)] = segments[i];
      } else if (pat != segments[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    path_matched = true;
    if (route.method != method && !(method == "HEAD" && route.method == "GET")) continue;
    *handler = &route.handler;
    params = std::move(found);
    return Match::found;
  }
  return path_matched ? Match::wrong_method : Match::no_route;
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

std::string Request::cookie(const std::string& name) const {
  std::string all = header("cookie");
  std::size_t pos = 0;
  while (pos < all.size()) {
    std::size_t end = all.find(';', pos);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(pos, end - pos);
    std::size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    std::size_t eq = part.find('=');
    if (eq != std::string::npos && part.substr(0, eq) == name) return part.substr(eq + 1);
    pos = end + 1;
  }
  return {};
}

}  // namespace lianxin::http
