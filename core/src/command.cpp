#include <glide/command.hpp>

#include <cctype>
#include <cmath>

namespace glide {

Command& Command::arg(double d) {
  if (std::isinf(d)) return arg(d > 0 ? std::string_view("+inf") : std::string_view("-inf"));
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);  // shortest form that reads back exactly
  return arg(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

std::vector<std::string_view> Command::arguments() const { return detail::command_arguments(body_); }

std::string Command::name() const {
  auto args = arguments();
  std::string n = args.empty() ? std::string() : std::string(args.front());
  for (auto& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return n;
}

}  // namespace glide
