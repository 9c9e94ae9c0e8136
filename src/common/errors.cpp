#include "common/errors.hpp"

namespace lianxin {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::invalid_json: return "invalid_json";
    case ErrorCode::validation_failed: return "validation_failed";
    case ErrorCode::unauthenticated: return "unauthenticated";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::csrf_failed: return "csrf_failed";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::unsupported_media_type: return "unsupported_media_type";
    case ErrorCode::account_locked: return "account_locked";
    case ErrorCode::service_unavailable: return "service_unavailable";
    case ErrorCode::internal: return "internal";
    case ErrorCode::invalid_transition: return "invalid_transition";
  }
  return "internal";
}

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request: return 400;
    case ErrorCode::invalid_json: return 400;
    case ErrorCode::validation_failed: return 422;
    case ErrorCode::unauthenticated: return 401;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::csrf_failed: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::method_not_allowed: return 405;
    case ErrorCode::conflict: return 409;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::unsupported_media_type: return 415;
    case ErrorCode::account_locked: return 429;
    case ErrorCode::service_unavailable: return 503;
    case ErrorCode::internal: return 500;
    case ErrorCode::invalid_transition: return 409;
  }
  return 500;
}

}  // namespace lianxin
