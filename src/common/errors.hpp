#pragma once
// One list of error codes for the whole server; HTTP statuses are mapped in one place
// (http_status_for). The list is append-only: clients may depend on the codes.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace lianxin {

enum class ErrorCode {
  bad_request,           // 400 malformed request (query string, headers)
  invalid_json,          // 400 body is not valid JSON / wrong top-level type
  validation_failed,     // 422 one or more fields or rows are invalid (see details)
  unauthenticated,       // 401 no or expired session / API key
  forbidden,             // 403 authenticated but role does not allow it
  csrf_failed,           // 403 missing or wrong X-CSRF-Token on a cookie session write
  not_found,             // 404 unknown route or record (or outside the caller's scope)
  method_not_allowed,    // 405
  conflict,              // 409 duplicate natural key, stale version
  payload_too_large,     // 413
  unsupported_media_type,// 415
  account_locked,        // 429 too many failed logins
  service_unavailable,   // 503 database unreachable
  internal,              // 500
  invalid_transition,    // 409 the record's state does not allow this step (callback before close …)
};

const char* error_code_name(ErrorCode code);
int http_status_for(ErrorCode code);

// A problem with one field, optionally in one row of an import file (row is 1-based, 0 = none).
struct FieldIssue {
  std::string field;
  std::string message;
  std::int64_t row = 0;
};

class AppError : public std::runtime_error {
 public:
  AppError(ErrorCode code, std::string message, std::vector<FieldIssue> issues = {})
      : std::runtime_error(std::move(message)), code_(code), issues_(std::move(issues)) {}
  ErrorCode code() const { return code_; }
  const std::vector<FieldIssue>& issues() const { return issues_; }

 private:
  ErrorCode code_;
  std::vector<FieldIssue> issues_;
};

// Collects field issues and throws one validation_failed error naming all of them.
class Validator {
 public:
  void add(std::string field, std::string message, std::int64_t row = 0) {
    issues_.push_back({std::move(field), std::move(message), row});
  }
  bool ok() const { return issues_.empty(); }
  const std::vector<FieldIssue>& issues() const { return issues_; }
  void throw_if_failed(const std::string& summary = "validation failed") const {
    if (!issues_.empty()) throw AppError(ErrorCode::validation_failed, summary, issues_);
  }

 private:
  std::vector<FieldIssue> issues_;
};

[[noreturn]] inline void throw_not_found(const std::string& what) {
  throw AppError(ErrorCode::not_found, what + " not found");
}

}  // namespace lianxin
