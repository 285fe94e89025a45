#include <glide/commands/server.hpp>

namespace glide::detail {

std::string_view to_string(InfoSection s) noexcept {
  switch (s) {
    case InfoSection::SERVER: return "server";
    case InfoSection::CLIENTS: return "clients";
    case InfoSection::MEMORY: return "memory";
    case InfoSection::PERSISTENCE: return "persistence";
    case InfoSection::STATS: return "stats";
    case InfoSection::REPLICATION: return "replication";
    case InfoSection::CPU: return "cpu";
    case InfoSection::COMMANDSTATS: return "commandstats";
    case InfoSection::KEYSPACE: return "keyspace";
    case InfoSection::ALL: return "all";
    case InfoSection::DEFAULT: return "default";
    case InfoSection::EVERYTHING: return "everything";
  }
  return "default";
}

Command config_set_command(const std::vector<std::pair<std::string, std::string>>& parameters) {
  Command c{"CONFIG", "SET"};
  for (const auto& [name, value] : parameters) c.arg(name).arg(value);
  return c;
}

Command lolwut_command(std::optional<std::int64_t> version, const std::vector<std::int64_t>& parameters) {
  Command c{"LOLWUT"};
  if (version) c.arg("VERSION").arg(*version);
  for (auto p : parameters) c.arg(p);
  return c;
}

}  // namespace glide::detail
