#pragma once
// JSON helpers for route handlers (Boost.JSON). Only api.cpp files include this header.
#include <boost/json.hpp>
#include <optional>
#include <string>

#include "common/errors.hpp"

namespace lianxin::json {

namespace bj = boost::json;

// Parses a request body that must be a JSON object; throws invalid_json naming the problem.
bj::object parse_object(const std::string& body, std::size_t max_bytes = 1024 * 1024);
std::string serialize(const bj::value& v);

// Field readers: each names the field in its error. `required` distinguishes missing from null.
std::optional<std::string> opt_string(const bj::object& o, const char* field, Validator& v, std::size_t max_len = 500);
std::string req_string(const bj::object& o, const char* field, Validator& v, std::size_t max_len = 500);
std::optional<std::int64_t> opt_int(const bj::object& o, const char* field, Validator& v);
std::int64_t req_int(const bj::object& o, const char* field, Validator& v);
std::optional<double> opt_number(const bj::object& o, const char* field, Validator& v);
std::optional<bool> opt_bool(const bj::object& o, const char* field, Validator& v);
std::optional<std::vector<std::string>> opt_string_list(const bj::object& o, const char* field, Validator& v);
bool has(const bj::object& o, const char* field);
// Field present with value null (used by PATCH to clear optional values).
bool is_null(const bj::object& o, const char* field);

bj::value nullable(const std::optional<std::string>& s);
bj::value nullable(const std::optional<std::int64_t>& n);
bj::value parse_or_null(const std::string& text);
// An instant as ISO-8601 UTC, or null.
bj::value instant_or_null(const std::optional<std::int64_t>& at);  // stored JSON text back to a value

// List envelope {"items":[...],"total":N,"page":P,"page_size":S}
bj::object list_envelope(bj::array items, std::int64_t total, std::int64_t page, std::int64_t page_size);

}  // namespace lianxin::json
