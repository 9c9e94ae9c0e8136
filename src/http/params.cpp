#include "http/params.hpp"

#include "common/errors.hpp"
#include "common/strings.hpp"

namespace lianxin::http {
namespace {
std::optional<std::int64_t> parse_int(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::size_t i = text[0] == '-' ? 1 : 0;
  if (i == text.size()) return std::nullopt;
  for (std::size_t k = i; k < text.size(); ++k)
    if (text[k] < '0' || text[k] > '9') return std::nullopt;
  return std::stoll(text);
}
}  // namespace

std::int64_t path_id(const RouteContext& ctx, const std::string& name) {
  auto n = parse_int(ctx.param(name));
  if (!n || *n <= 0) throw AppError(ErrorCode::not_found, "no record with id '" + ctx.param(name) + "'");
  return *n;
}

std::optional<std::int64_t> query_int(const Request& req, const std::string& name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  auto n = parse_int(*v);
  if (!n) throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{name, "must be an integer"}});
  return n;
}

std::int64_t query_positive(const Request& req, const std::string& name, std::int64_t fallback, std::int64_t max) {
  auto n = query_int(req, name);
  if (!n) return fallback;
  if (*n < 1) throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{name, "must be at least 1"}});
  return std::min(*n, max);
}

std::optional<bool> query_bool(const Request& req, const std::string& name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{name, "must be true or false"}});
}

std::optional<std::string> query_text(const Request& req, const std::string& name, std::size_t max_len) {
  auto v = req.query_param(name);
  if (!v) return std::nullopt;
  if (!is_valid_utf8(*v)) throw AppError(ErrorCode::validation_failed, "invalid query parameter", {{name, "is not valid UTF-8"}});
  std::string t = trim(*v);
  if (t.empty()) return std::nullopt;
  if (t.size() > max_len)
    throw AppError(ErrorCode::validation_failed, "invalid query parameter",
                   {{name, "is longer than " + std::to_string(max_len) + " bytes"}});
  return t;
}

Paging paging(const Request& req, std::int64_t default_size, std::int64_t max_size) {
  return {query_positive(req, "page", 1, 100000000), query_positive(req, "page_size", default_size, max_size)};
}

Response file_download(std::string bytes, const std::string& content_type, const std::string& file_name,
                       const std::string& fallback) {
  Response r;
  r.body = std::move(bytes);
  r.content_type = content_type;
  std::string encoded;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char ch : file_name) {
    if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') {
      encoded.push_back(static_cast<char>(ch));
    } else {
      encoded += '%';
      encoded.push_back(hex[ch >> 4]);
      encoded.push_back(hex[ch & 15]);
    }
  }
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded);
  return r;
}

std::string lang_of(const Request& req) {
  if (auto lang = query_text(req, "lang", 5)) return *lang == "en" ? "en" : "zh";
  return to_lower_ascii(req.header("accept-language")).rfind("en", 0) == 0 ? "en" : "zh";
}

}  // namespace lianxin::http
