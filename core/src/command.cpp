#include <glide/command.hpp>

#include <cctype>
#include <algorithm>
#include <cmath>
#include <iterator>

namespace glide {

Command& Command::arg(double d) {
  if (std::isinf(d)) return arg(d > 0 ? std::string_view("+inf") : std::string_view("-inf"));
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);  // shortest form that reads back exactly
  return arg(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

std::vector<std::string_view> Command::arguments() const { return detail::command_arguments(body_); }

std::optional<Error> Command::unsupported() const {
  // Cheap first: every such command starts with C, M, P, R, S or U.
  const auto name_at = body_.find("\r\n") + 2;
  if (name_at >= body_.size()) return std::nullopt;
  switch (std::toupper(static_cast<unsigned char>(body_[name_at]))) {
    case 'C': case 'M': case 'P': case 'R': case 'S': case 'U': break;
    default: return std::nullopt;
  }
  const std::string n = name();
  static const char* const refused[] = {"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE",
                                        "SUNSUBSCRIBE", "MONITOR", "RESET"};
  bool bad = std::find(std::begin(refused), std::end(refused), n) != std::end(refused);
  if (!bad && n == "CLIENT") {
    auto args = arguments();
    std::string sub(args.size() > 1 ? args[1] : std::string_view());
    for (auto& c : sub) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bad = sub == "REPLY";
  }
  if (!bad) return std::nullopt;
  return Error(errc::configuration_error,
               n + " is not supported: its replies would not match requests on the shared connection "
                   "(pub/sub and MONITOR need a dedicated connection, not available yet)");
}

std::string Command::name() const {
  auto args = arguments();
  std::string n = args.empty() ? std::string() : std::string(args.front());
  for (auto& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return n;
}

}  // namespace glide
