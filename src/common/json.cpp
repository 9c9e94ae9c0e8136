#include "common/json.hpp"

#include "common/clock.hpp"

#include "common/strings.hpp"

namespace lianxin::json {

bj::object parse_object(const std::string& body, std::size_t max_bytes) {
  if (body.size() > max_bytes)
    throw AppError(ErrorCode::payload_too_large, "JSON body exceeds " + std::to_string(max_bytes) + " bytes");
  if (body.empty()) throw AppError(ErrorCode::invalid_json, "request body is empty; a JSON object is expected");
  if (!is_valid_utf8(body)) throw AppError(ErrorCode::invalid_json, "request body is not valid UTF-8");
  boost::system::error_code ec;
  bj::parse_options opts;
  opts.max_depth = 32;
  bj::value v = bj::parse(body, ec, {}, opts);
  if (ec) throw AppError(ErrorCode::invalid_json, "malformed JSON: " + ec.message());
  if (!v.is_object()) throw AppError(ErrorCode::invalid_json, "a JSON object is expected");
  return std::move(v.as_object());
}

std::string serialize(const bj::value& v) { return bj::serialize(v); }

bool has(const bj::object& o, const char* field) { return o.if_contains(field) != nullptr; }

bool is_null(const bj::object& o, const char* field) {
  auto p = o.if_contains(field);
  return p && p->is_null();
}

std::optional<std::string> opt_string(const bj::object& o, const char* field, Validator& v, std::size_t max_len) {
  auto p = o.if_contains(field);
  if (!p || p->is_null()) return std::nullopt;
  if (!p->is_string()) {
    v.add(field, "must be a string");
    return std::nullopt;
  }
  std::string s = trim(std::string(p->as_string()));
  if (s.size() > max_len) {
    v.add(field, "is longer than " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::string req_string(const bj::object& o, const char* field, Validator& v, std::size_t max_len) {
  auto p = o.if_contains(field);
  if (!p || p->is_null()) {
    v.add(field, "is required");
    return {};
  }
  auto s = opt_string(o, field, v, max_len);
  if (s && s->empty()) v.add(field, "must not be empty");
  return s.value_or("");
}

std::optional<std::int64_t> opt_int(const bj::object& o, const char* field, Validator& v) {
  auto p = o.if_contains(field);
  if (!p || p->is_null()) return std::nullopt;
  if (p->is_int64()) return p->as_int64();
  if (p->is_uint64() && p->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(p->as_uint64());
  if (p->is_double()) {
    double d = p->as_double();
    if (d == static_cast<double>(static_cast<std::int64_t>(d))) return static_cast<std::int64_t>(d);
  }
  v.add(field, "must be an integer");
  return std::nullopt;
}

std::int64_t req_int(const bj::object& o, const char* field, Validator& v) {
  if (!o.if_contains(field) || o.at(field).is_null()) {
    v.add(field, "is required");
    return 0;
  }
  return opt_int(o, field, v).value_or(0);
}

std::optional<double> opt_number(const bj::object& o, const char* field, Validator& v) {
  auto p = o.if_contains(field);
  if (!p || p->is_null()) return std::nullopt;
  if (p->is_number()) return p->to_number<double>();
  v.add(field, "must be a number");
  return std::nullopt;
}

std::optional<bool> opt_bool(const bj::object& o, const char* field, Validator& v) {
  auto p = o.if_contains(field);
  if (!p || p->is_null()) return std::nullopt;
  if (p->is_bool()) return p->as_bool();
  v.add(field, "must be true or false");
  return std::nullopt;
}

std::optional<std::vector<std::string>> opt_string_list(const bj::object& o, const char* field, Validator& v) {
  auto p = o.if_contains(field);
  if (!p || p->is_null()) return std::nullopt;
  if (!p->is_array()) {
    v.add(field, "must be a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (auto& item : p->as_array()) {
    if (!item.is_string()) {
      v.add(field, "must be a list of strings");
      return std::nullopt;
    }
    std::string s = trim(std::string(item.as_string()));
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

bj::value nullable(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return bj::value(*s);
}

bj::value instant_or_null(const std::optional<std::int64_t>& at) {
  if (!at) return nullptr;
  return bj::value(format_iso_utc(*at));
}

bj::value nullable(const std::optional<std::int64_t>& n) {
  if (!n) return nullptr;
  return bj::value(*n);
}

bj::value parse_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  auto v = bj::parse(text, ec);
  if (ec) return bj::value(text);
  return v;
}

bj::object list_envelope(bj::array items, std::int64_t total, std::int64_t page, std::int64_t page_size) {
  bj::object o;
  o["items"] = std::move(items);
  o["total"] = total;
  o["page"] = page;
  o["page_size"] = page_size;
  return o;
}

}  // namespace lianxin::json
