// Status and Result<T>: how every fallible call at a component boundary reports failure.
// A Status is ok or carries a code and a one-line human-readable message. Both are
// [[nodiscard]]: a failure is handled or passed on, never dropped by accident. ok() is the
// predicate on both; Status::success() makes the ok Status.
//
//   RETURN_IF_ERROR(txn.commit());                     // passes a failed Status on
//   ASSIGN_OR_RETURN(auto store, Store::open(path));   // the value, or passes the failure on
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace pkgstats {

enum class ErrorCode {
  kOk = 0,
  kInvalidInput,  // the caller's data is malformed (bad JSON, bad query, bad file)
  kNotFound,      // the thing asked for does not exist
  kTooLarge,      // a size limit from core/limits.h was exceeded
  kIoError,       // the file system or the network failed
  kStorageError,  // the database refused (corrupt, read-only, full)
  kUnavailable,   // an upstream is down or timed out; retrying may help
  kInternal,      // a bug: an invariant did not hold
};

const char* error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status success() { return {}; }
  static Status invalid(std::string m) { return {ErrorCode::kInvalidInput, std::move(m)}; }
  static Status not_found(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Status too_large(std::string m) { return {ErrorCode::kTooLarge, std::move(m)}; }
  static Status io_error(std::string m) { return {ErrorCode::kIoError, std::move(m)}; }
  static Status storage(std::string m) { return {ErrorCode::kStorageError, std::move(m)}; }
  static Status unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
  static Status internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<code name>: <message>", or "ok".
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Either a value or a non-ok Status. REQUIRES: value() only when ok(), status() any time.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}
  Result(Status status) : data_(std::move(status)) { assert(!std::get<Status>(data_).ok()); }

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  Status status() const { return ok() ? Status::success() : std::get<Status>(data_); }

 private:
  std::variant<T, Status> data_;
};

// The Status of either kind of result, for the macros below.
inline const Status& status_of(const Status& status) { return status; }
template <typename T>
Status status_of(const Result<T>& result) {
  return result.status();
}

}  // namespace pkgstats

#define PKGSTATS_CONCAT_INNER(a, b) a##b
#define PKGSTATS_CONCAT(a, b) PKGSTATS_CONCAT_INNER(a, b)

// Evaluates `expr` (a Status or a Result) once; returns its Status from the enclosing
// function when it failed.
#define RETURN_IF_ERROR(expr)                                            \
  do {                                                                   \
    if (const auto& pkgstats_checked_ = (expr); !pkgstats_checked_.ok()) \
      return ::pkgstats::status_of(pkgstats_checked_);                   \
  } while (false)

// Evaluates `expr` (a Result<T>) once; returns its Status from the enclosing function when it
// failed, otherwise moves its value into `lhs` (a declaration such as `auto x` or an lvalue).
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(PKGSTATS_CONCAT(pkgstats_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                           \
  if (!result.ok()) return result.status();       \
  lhs = std::move(result).value()
