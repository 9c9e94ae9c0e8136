#pragma once
// A JSON answer from a Boost.JSON value, for the route handlers (api.cpp files) that build JSON.
#include "common/json.hpp"
#include "http/types.hpp"

namespace lianxin::http {

inline Response ok(const boost::json::value& value, int status = 200) { return Response::json(json::serialize(value), status); }

}  // namespace lianxin::http
