#pragma once
#include "http/router.hpp"
#include "storage/db.hpp"

namespace lianxin::app {
// /api/v1/health and /api/v1/openapi.json (the spec the binary was built with, from docs/openapi.yaml).
void register_system_routes(http::Router& router, storage::Database& db);
// The embedded docs/openapi.yaml converted to JSON (throws if the YAML is malformed).
std::string openapi_json();
}  // namespace lianxin::app
