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

}  // namespace glide::detail
