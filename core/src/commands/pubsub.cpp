#include <glide/commands/pubsub.hpp>

namespace glide::detail {

Command publish_command(std::string_view message, std::string_view channel, bool sharded) {
  return Command{sharded ? "SPUBLISH" : "PUBLISH", channel, message};
}

Command pubsub_listing(std::string_view subcommand, const std::optional<std::string>& pattern) {
  Command c{"PUBSUB", subcommand};
  if (pattern) c.arg(*pattern);
  return c;
}

}  // namespace glide::detail
