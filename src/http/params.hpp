#pragma once
// Reading path and query parameters with errors that name the parameter.
#include <cstdint>
#include <optional>
#include <string>

#include "http/router.hpp"

namespace lianxin::http {

// A numeric path id; anything else is "not found" (ids are never guessed from text).
std::int64_t path_id(const RouteContext& ctx, const std::string& name = "id");
// Positive integer query parameter with a default and an upper bound.
std::int64_t query_positive(const Request& req, const std::string& name, std::int64_t fallback, std::int64_t max);
std::optional<std::int64_t> query_int(const Request& req, const std::string& name);
// "true"/"false"/"1"/"0"; absent or empty = nullopt.
std::optional<bool> query_bool(const Request& req, const std::string& name);
std::optional<std::string> query_text(const Request& req, const std::string& name, std::size_t max_len = 200);

// The language of a document for people (an export, a printable notice): "en" when ?lang=en or
// the browser prefers English, otherwise "zh".
std::string lang_of(const Request& req);

struct Paging {
  std::int64_t page = 1;
  std::int64_t page_size = 20;
  std::int64_t offset() const { return (page - 1) * page_size; }
};
Paging paging(const Request& req, std::int64_t default_size = 20, std::int64_t max_size = 200);

// A file to download: the stored name goes out only as an ASCII fallback ("<fallback>") plus the
// RFC 5987 form (filename*), never raw in the header.
Response file_download(std::string bytes, const std::string& content_type, const std::string& file_name,
                       const std::string& fallback);

}  // namespace lianxin::http
