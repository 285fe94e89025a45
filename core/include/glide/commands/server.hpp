#pragma once
// Server and connection commands: PING, INFO, CONFIG, CLIENT, DBSIZE, FLUSH*, SELECT, ...
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>
#include <glide/value.hpp>

namespace glide {

enum class InfoSection { SERVER, CLIENTS, MEMORY, PERSISTENCE, STATS, REPLICATION, CPU, COMMANDSTATS, KEYSPACE, ALL, DEFAULT, EVERYTHING };

namespace detail {

std::string_view to_string(InfoSection) noexcept;

template <class Derived>
class ServerCommands : public CommandRunner<Derived, ServerCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  template <class... Extra>
  decltype(auto) custom_command(std::vector<std::string> args, Extra&&... extra) {
    return this->template run<Value>(Command(args), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) ping(Extra&&... extra) {
    return this->template run<std::string>(Command{"PING"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<std::vector<InfoSection>, Extra...>
  decltype(auto) info(Extra&&... extra) {
    return this->template run<std::string>(Command{"INFO"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) info(std::vector<InfoSection> sections, Extra&&... extra) {
    Command c{"INFO"};
    for (auto s : sections) c.arg(detail::to_string(s));
    return this->template run<std::string>(std::move(c), std::forward<Extra>(extra)...);
  }
  // (seconds, microseconds) since the epoch, by the server's clock.
  template <class... Extra>
  decltype(auto) time(Extra&&... extra) {
    return this->template run<std::pair<std::int64_t, std::int64_t>>(Command{"TIME"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) dbsize(Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"DBSIZE"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<FlushMode, Extra...>
  decltype(auto) flushall(Extra&&... extra) {
    return this->template run<void>(Command{"FLUSHALL"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) flushall(FlushMode mode, Extra&&... extra) {
    return this->template run<void>(Command{"FLUSHALL", detail::to_string(mode)}, std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
