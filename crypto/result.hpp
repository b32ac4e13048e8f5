#pragma once
// The one error channel of Simpul. It lives in the lowest layer so every layer shares it.
//
//   Result<CaseId> r = store.Insert(c);
//   if (!r) return tl::unexpected(r.error());
//
// Every code maps to exactly one HTTP status in node/http/error_response.cpp.

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace simpul {

enum class ErrorCode {
  kInvalidArgument,   // the input is malformed or breaks a rule (HTTP 400)
  kNotFound,          // the thing named does not exist (404)
  kConflict,          // exists already, or not allowed in the current state (409)
  kUnauthenticated,   // no, wrong or expired credentials (401)
  kPermissionDenied,  // authenticated but not allowed (403)
  kTooLarge,          // a size limit was exceeded (413)
  kRateLimited,       // too many attempts; wait before trying again (429)
  kUnavailable,       // a dependency is down or the node is shutting down; retry later (503)
  kInternal,          // a broken invariant or an unexpected library/disk failure (500)
};

// Stable lower-case name of `code`, used in JSON error bodies ("invalid_argument", ...).
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

template <class T>
using Result = tl::expected<T, Error>;

// Shorthand for returning an error: `return Fail(ErrorCode::kNotFound, "no such case");`
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace simpul
