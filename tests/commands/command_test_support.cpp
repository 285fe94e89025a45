#include "command_test_support.hpp"

#include <atomic>
#include <cctype>

namespace glide_test {

glide::sync::GlideClient& command_client() {
  static glide::sync::GlideClient client = connect_sync(shared_server());
  return client;
}

std::string key_for(std::string_view what, std::string_view tag) {
  std::string prefix = tag.empty() ? std::string("cmd:") : "{" + std::string(tag) + "}:";
  return unique_key(prefix + std::string(what));
}

bool server_knows(std::string_view command) {
  auto info = command_client().custom_command({"COMMAND", "INFO", std::string(command)});
  if (!info) return false;
  auto entries = info.value().as_array();
  return entries && !entries.value().empty() && !entries.value()[0].is_nil();
}

}  // namespace glide_test
