#include <glide/commands/functions.hpp>

namespace glide::detail {

std::string_view to_string(FunctionRestorePolicy p) noexcept {
  switch (p) {
    case FunctionRestorePolicy::APPEND: return "APPEND";
    case FunctionRestorePolicy::FLUSH: return "FLUSH";
    case FunctionRestorePolicy::REPLACE: return "REPLACE";
  }
  return "APPEND";
}

Command fcall_command(std::string_view name, std::string_view function, const std::vector<std::string>& keys,
                      const std::vector<std::string>& arguments) {
  Command c{name, function};
  c.arg(keys.size()).args(keys).args(arguments);
  return c;
}

Command function_list_command(std::optional<std::string_view> library_name_pattern, bool with_code) {
  Command c{"FUNCTION", "LIST"};
  if (library_name_pattern) c.arg("LIBRARYNAME").arg(*library_name_pattern);
  if (with_code) c.arg("WITHCODE");
  return c;
}

}  // namespace glide::detail
