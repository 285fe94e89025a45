#include <glide/command.hpp>
#include <glide/detail/command_table.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>

namespace glide {

namespace {
using detail::ascii_upper;
using detail::iequals;

// The command name's first letter, upper case, from an encoded body "$<len>\r\n<name>...", or 0.
// Every request is asked for it twice (unsupported(), blocking_timeout()): most leave after it.
char name_initial(std::string_view body) noexcept {
  std::size_t i = 1;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i;
  return i + 2 < body.size() ? ascii_upper(body[i + 2]) : 0;
}

// The first argument (the command's name) of an encoded body "$<len>\r\n<name>\r\n...", read
// in place: every request asks for it (unsupported(), timeout_for()), so it must not allocate.
std::string_view first_argument(std::string_view body) {
  const auto crlf = body.find("\r\n");
  if (body.empty() || body.front() != '$' || crlf == std::string_view::npos) return {};
  std::size_t len = 0;
  auto [p, ec] = std::from_chars(body.data() + 1, body.data() + crlf, len);
  if (ec != std::errc() || crlf + 2 + len > body.size()) return {};
  return body.substr(crlf + 2, len);
}
}  // namespace

Command& Command::arg(double d) {
  if (std::isinf(d)) return arg(d > 0 ? std::string_view("+inf") : std::string_view("-inf"));
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);  // shortest form that reads back exactly
  return arg(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

std::vector<std::string_view> Command::arguments() const { return detail::command_arguments(body_); }

std::optional<Error> Command::unsupported() const {
  // Cheap first: every such command starts with C, M, P, R, S or U.
  switch (name_initial(body_)) {
    case 'C': case 'M': case 'P': case 'R': case 'S': case 'U': break;
    default: return std::nullopt;
  }
  const std::string_view n = first_argument(body_);
  if (n.size() < 5 || n.size() > 12) return std::nullopt;  // RESET .. PUNSUBSCRIBE: SET leaves here
  static const std::string_view refused[] = {"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE",
                                             "SUNSUBSCRIBE", "MONITOR", "RESET"};
  bool bad = std::any_of(std::begin(refused), std::end(refused), [&](std::string_view r) { return iequals(n, r); });
  if (!bad && iequals(n, "CLIENT")) {
    auto args = arguments();
    bad = args.size() > 1 && iequals(args[1], "REPLY");
  }
  if (!bad) return std::nullopt;
  const bool pubsub = n.size() > 8 && (iequals(n.substr(n.size() - 9), "SUBSCRIBE"));
  return Error(errc::configuration_error,
               ascii_upper(n) + (pubsub ? " is not supported as a custom command: use the client's subscribe(), psubscribe(), "
                                    "ssubscribe() and their unsubscribes, which keep subscriptions across reconnects "
                                    "(docs/pubsub.md)"
                                  : " is not supported: its replies would not match requests on the shared connection"));
}

// Blocking commands wait on the server for their own timeout (where it is and in which unit: the
// command table).
std::optional<std::chrono::milliseconds> Command::blocking_timeout() const {
  // Every blocking command starts with B, W or X: the common case leaves after one byte.
  const char first = name_initial(body_);
  if (first != 'B' && first != 'W' && first != 'X') return std::nullopt;
  const auto args = arguments();
  const detail::CommandInfo* info = detail::find_command(args);
  if (!info || info->blocking.where == detail::BlockingTimeout::not_blocking) return std::nullopt;
  const auto& blocking = info->blocking;
  std::string_view value;
  if (blocking.where == detail::BlockingTimeout::argument) {
    const auto n = static_cast<int>(args.size());
    const int at = blocking.index < 0 ? n + blocking.index : blocking.index;
    if (at > 0 && at < n) value = args[static_cast<std::size_t>(at)];
  } else {
    for (std::size_t i = 1; i + 1 < args.size(); ++i)
      if (iequals(args[i], "BLOCK")) value = args[i + 1];
    if (value.empty()) return std::nullopt;  // XREAD without BLOCK answers at once
  }
  const double scale = blocking.in_seconds ? 1000.0 : 1.0;
  double server = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), server);
  if (ec != std::errc() || server <= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(server * scale));
}

// The request may take the server-side timeout plus the usual request timeout. Zero on the server
// means forever, and so it does here.
std::chrono::milliseconds Command::timeout_for(std::chrono::milliseconds request_timeout) const {
  const auto blocking = blocking_timeout();
  if (!blocking) return request_timeout;
  if (blocking->count() == 0 || request_timeout.count() == 0) return std::chrono::milliseconds(0);
  return *blocking + request_timeout;
}

std::string Command::name() const { return ascii_upper(first_argument(body_)); }

}  // namespace glide
