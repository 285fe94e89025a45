#pragma once
// Errors as values: errc, Error and Result<T>. Nothing on the request path throws; a failed
// Result carries an Error, and only Result::value() on a failure throws (a std::system_error).
#include <boost/outcome/bad_access.hpp>
#include <boost/outcome/basic_result.hpp>
#include <boost/outcome/policy/base.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace glide {

enum class errc {
  request_error = 1,    // any other error reply from the server (message kept verbatim)
  timeout,              // request_timeout / batch timeout elapsed; a late reply is discarded
  exec_abort,           // EXECABORT: a queued command was rejected, nothing ran
  connection_error,     // connection refused or lost before the request was written
  unknown_outcome,      // written, then the connection died before the reply: it may have run
  closing,              // the client was closed
  configuration_error,  // bad configuration / bad argument detected before sending
  crossslot,            // keys of one request (or one atomic batch) map to different slots
  noscript,             // NOSCRIPT from the server that the client could not recover from
  busy,                 // BUSY: a script/function is running on the server
  script_killed,        // the running script was killed (SCRIPT KILL)
  wrong_type,           // WRONGTYPE
  inflight_limit,       // inflight_requests_limit exceeded
  protocol_error,       // malformed reply from the server; the connection is reset
};

const std::error_category& glide_category() noexcept;
std::error_code make_error_code(errc) noexcept;

class Error {
 public:
  Error() = default;
  Error(errc code, std::string message) : code_(code), message_(std::move(message)) {}

  errc code() const noexcept { return code_; }
  std::string_view message() const noexcept { return message_; }
  std::error_code error_code() const noexcept { return make_error_code(code_); }

  // A server error reply ("-WRONGTYPE ...") classified once, by its first word.
  static Error from_server(std::string_view reply_text);

  friend bool operator==(const Error& a, const Error& b) noexcept {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  errc code_ = errc::request_error;
  std::string message_;
};

std::ostream& operator<<(std::ostream&, const Error&);

// Thrown only by Result::value() on a failed Result. RequestError is the base of all glide
// exceptions; TimeoutError and ConnectionError refine it so catch sites can be specific.
class RequestError : public std::system_error {
 public:
  explicit RequestError(const Error& e) : std::system_error(e.error_code(), std::string(e.message())), error_(e) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};
class TimeoutError : public RequestError { using RequestError::RequestError; };
class ConnectionError : public RequestError { using RequestError::RequestError; };
class ConfigurationError : public RequestError { using RequestError::RequestError; };

[[noreturn]] void throw_error(const Error& e);

namespace detail {
// Outcome policy: value() on a failure throws a RequestError (never UB); error() on a success
// throws bad_result_access.
struct ThrowGlideError : boost::outcome_v2::policy::base {
  template <class Impl>
  static constexpr void wide_value_check(Impl&& self) {
    if (!base::_has_value(self)) {
      if (base::_has_error(self)) throw_error(base::_error(self));
      throw boost::outcome_v2::bad_result_access("no value");
    }
  }
  template <class Impl>
  static constexpr void wide_error_check(Impl&& self) {
    if (!base::_has_error(self)) throw boost::outcome_v2::bad_result_access("no error");
  }
  template <class Impl>
  static constexpr void wide_exception_check(Impl&& self) {
    if (!base::_has_exception(self)) throw boost::outcome_v2::bad_result_access("no exception");
  }
};
}  // namespace detail

template <class T>
using Result = boost::outcome_v2::basic_result<T, Error, detail::ThrowGlideError>;

// The failure half of a Result, for `return fail(errc::timeout, "...")`.
inline auto fail(errc code, std::string message) {
  return boost::outcome_v2::failure(Error(code, std::move(message)));
}
inline auto fail(Error e) { return boost::outcome_v2::failure(std::move(e)); }
inline auto ok() { return boost::outcome_v2::success(); }

}  // namespace glide

template <>
struct std::is_error_code_enum<glide::errc> : std::true_type {};
