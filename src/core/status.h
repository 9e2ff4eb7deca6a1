#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace lifeline {

// What went wrong, in terms a caller can act on. The HTTP face maps each code to one status.
enum class ErrorCode {
  kOk,
  kInvalidArgument,     // the request or file is malformed: 400
  kUnauthenticated,     // no valid session: 401
  kPermissionDenied,    // valid session, wrong role: 403
  kNotFound,            // 404
  kAlreadyExists,       // 409
  kFailedPrecondition,  // the record is in a state that forbids this: 409
  kPayloadTooLarge,     // 413
  kResourceExhausted,   // rate limit hit: 429
  kInternal,            // a bug or a broken store: 500
  kUnavailable,         // a dependency is down: 503
};

const char* ErrorCodeName(ErrorCode code);

// Named values substituted into a catalogue message, e.g. {"field", "username"}.
using MessageArgs = std::vector<std::pair<std::string, std::string>>;

// The outcome of an operation that can fail in expected ways (bad input, missing record).
// A failed Status carries a catalogue message id rather than text, so the face can render
// it in the caller's language; `detail` is English for the log only and never shown.
// Immutable value type; cheap to copy when ok.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message_id, MessageArgs args = {}, std::string field = {},
         std::string detail = {})
      : code_(code),
        message_id_(std::move(message_id)),
        args_(std::move(args)),
        field_(std::move(field)),
        detail_(std::move(detail)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message_id, MessageArgs args = {},
                                std::string field = {}) {
    return Status(ErrorCode::kInvalidArgument, std::move(message_id), std::move(args),
                  std::move(field));
  }
  static Status NotFound(std::string message_id, MessageArgs args = {}) {
    return Status(ErrorCode::kNotFound, std::move(message_id), std::move(args));
  }
  // A failure nobody can fix by changing the request; `detail` goes to the log.
  static Status Internal(std::string detail) {
    return Status(ErrorCode::kInternal, "error.internal", {}, {}, std::move(detail));
  }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message_id() const { return message_id_; }
  const MessageArgs& args() const { return args_; }
  const std::string& field() const { return field_; }
  const std::string& detail() const { return detail_; }

  // For logs and test failures: code, message id, field and detail in English.
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_id_;
  MessageArgs args_;
  std::string field_;
  std::string detail_;
};

// Either a value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}         // NOLINT: implicit by design, like StatusOr
  Result(Status status) : data_(std::move(status)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace lifeline

#define LIFELINE_CONCAT_INNER(a, b) a##b
#define LIFELINE_CONCAT(a, b) LIFELINE_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` failed.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::lifeline::Status lifeline_status_ = (expr);        \
    if (!lifeline_status_.ok()) return lifeline_status_; \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, ComputeResult())`: binds the value or returns the Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(LIFELINE_CONCAT(lifeline_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
