#include "app/system_api.hpp"

#include <yaml-cpp/yaml.h>

#include "common/errors.hpp"
#include "common/json.hpp"
#include "storage/migrator.hpp"

namespace lianxin::app {

extern const char* const kOpenApiYaml;  // generated from docs/openapi.yaml

namespace {
namespace bj = boost::json;

bj::value to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      bj::object o;
      for (auto it = node.begin(); it != node.end(); ++it) o[it->first.as<std::string>()] = to_json(it->second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      bj::array a;
      for (auto it = node.begin(); it != node.end(); ++it) a.push_back(to_json(*it));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") return bj::value(s);  // quoted in the YAML: keep it a string
      if (s == "true") return true;
      if (s == "false") return false;
      if (s == "null" || s == "~") return nullptr;
      char* end = nullptr;
      long long n = std::strtoll(s.c_str(), &end, 10);
      if (!s.empty() && *end == '\0') return n;
      double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && *end == '\0' && s.find_first_of("0123456789") != std::string::npos) return d;
      return bj::value(s);
    }
    default:
      return nullptr;
  }
}
}  // namespace

std::string openapi_json() {
  static const std::string cached = json::serialize(to_json(YAML::Load(kOpenApiYaml)));
  return cached;
}

void register_system_routes(http::Router& router, storage::Database& db) {
  router.get("/api/v1/health", [&db](http::RouteContext&) {
    int version = 0;
    try {
      version = storage::current_schema_version(db);
    } catch (const std::exception& e) {
      throw AppError(ErrorCode::service_unavailable, std::string("database unavailable: ") + e.what());
    }
    bj::object o{{"status", "ok"},
                 {"database", db.backend() == storage::Backend::sqlite ? "sqlite" : "postgres"},
                 {"schema_version", version},
                 {"version", LIANXIN_VERSION}};
    return http::Response::json(json::serialize(o));
  });
  router.get("/api/v1/openapi.json", [](http::RouteContext&) { return http::Response::json(openapi_json()); });
}

}  // namespace lianxin::app
