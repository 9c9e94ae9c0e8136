// Fuzzes what every JSON route does with a request body and query string: parse the object,
// read typed fields, parse an ISO instant, and read paging parameters. Any exception other
// than AppError (or a crash) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "http/params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  using namespace lianxin;
  try {
    auto object = json::parse_object(input, 64 * 1024);
    Validator v;
    json::opt_string(object, "name", v, 200);
    json::req_string(object, "username", v, 32);
    json::opt_int(object, "org_unit_id", v);
    json::opt_number(object, "annual_kwh", v);
    json::opt_bool(object, "is_key_account", v);
    json::opt_string_list(object, "tags", v);
    if (auto at = json::opt_string(object, "at", v, 40)) parse_iso_instant(*at, "at");
  } catch (const AppError&) {
  }
  try {
    http::Request req;
    auto split = input.find('&');
    req.query.emplace("page", input.substr(0, split));
    if (split != std::string::npos) req.query.emplace("q", input.substr(split + 1));
    http::paging(req);
    http::query_text(req, "q", 100);
    http::query_bool(req, "page");
  } catch (const AppError&) {
  }
  return 0;
}
