#pragma once
// Server and connection commands: PING, INFO, CONFIG, CLIENT, DBSIZE, FLUSH*, SELECT, ...
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>
#include <glide/value.hpp>

#include <optional>

namespace glide {

enum class InfoSection { SERVER, CLIENTS, MEMORY, PERSISTENCE, STATS, REPLICATION, CPU, COMMANDSTATS, KEYSPACE, ALL, DEFAULT, EVERYTHING };

namespace detail {

std::string_view to_string(InfoSection) noexcept;
Command config_set_command(const std::vector<std::pair<std::string, std::string>>& parameters);
Command lolwut_command(std::optional<std::int64_t> version, const std::vector<std::int64_t>& parameters);

template <class Derived>
class ServerCommands : public CommandRunner<Derived, ServerCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  template <class... Extra>
  decltype(auto) custom_command(std::vector<std::string> args, Extra&&... extra) {
    return this->template run<Value>(Command(args), std::forward<Extra>(extra)...);
  }
  // "PONG", or the message given.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) ping(Extra&&... extra) {
    return this->template run<std::string>(Command{"PING"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) ping(std::string_view message, Extra&&... extra) {
    return this->template run<std::string>(Command{"PING", message}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) echo(std::string_view message, Extra&&... extra) {
    return this->template run<std::string>(Command{"ECHO", message}, std::forward<Extra>(extra)...);
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
  // Only the connection's current database.
  template <class... Extra>
    requires NoneIs<FlushMode, Extra...>
  decltype(auto) flushdb(Extra&&... extra) {
    return this->template run<void>(Command{"FLUSHDB"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) flushdb(FlushMode mode, Extra&&... extra) {
    return this->template run<void>(Command{"FLUSHDB", detail::to_string(mode)}, std::forward<Extra>(extra)...);
  }

  // Each parameter matching the names (globs allowed) with its value.
  template <class... Extra>
  decltype(auto) config_get(Keys parameters, Extra&&... extra) {
    return this->template run<std::vector<std::pair<std::string, std::string>>>(std::move(Command{"CONFIG", "GET"}.args(parameters)),
                                                                                 std::forward<Extra>(extra)...);
  }
  // All or nothing: one bad name or value and none is set.
  template <class... Extra>
  decltype(auto) config_set(std::vector<std::pair<std::string, std::string>> parameters_map, Extra&&... extra) {
    return this->template run<void>(config_set_command(parameters_map), std::forward<Extra>(extra)...);
  }
  // Zeroes INFO's counters (stats, commandstats, errorstats, latency).
  template <class... Extra>
  decltype(auto) config_resetstat(Extra&&... extra) {
    return this->template run<void>(Command{"CONFIG", "RESETSTAT"}, std::forward<Extra>(extra)...);
  }
  // Fails on a server started without a configuration file.
  template <class... Extra>
  decltype(auto) config_rewrite(Extra&&... extra) {
    return this->template run<void>(Command{"CONFIG", "REWRITE"}, std::forward<Extra>(extra)...);
  }
  // The id of the connection the command went over (a client's one shared connection).
  template <class... Extra>
  decltype(auto) client_id(Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"CLIENT", "ID"}, std::forward<Extra>(extra)...);
  }
  // nullopt when the connection has no name.
  template <class... Extra>
  decltype(auto) client_getname(Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"CLIENT", "GETNAME"}, std::forward<Extra>(extra)...);
  }
  // Unix seconds of the last successful save (the server's start when none).
  template <class... Extra>
  decltype(auto) lastsave(Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"LASTSAVE"}, std::forward<Extra>(extra)...);
  }
  // Generative art and the server's version. parameters depend on the version (5: line length,
  // squares per row and column; 6: columns and lines).
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) lolwut(Extra&&... extra) {
    return this->template run<std::string>(Command{"LOLWUT"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<std::vector<std::int64_t>, Extra...>
  decltype(auto) lolwut(std::optional<std::int64_t> version, Extra&&... extra) {
    return this->template run<std::string>(lolwut_command(version, {}), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lolwut(std::optional<std::int64_t> version, const std::vector<std::int64_t>& parameters, Extra&&... extra) {
    return this->template run<std::string>(lolwut_command(version, parameters), std::forward<Extra>(extra)...);
  }
  // Standalone: switches the client's connection, which all its callers share, to database
  // `index`; a reconnect goes back to the configured database_id. A cluster refuses any index but
  // 0 ("SELECT is not allowed in cluster mode") before Valkey 9.0.
  template <class... Extra>
  decltype(auto) select(std::int64_t index, Extra&&... extra) {
    return this->template run<void>(std::move(Command{"SELECT"}.arg(index)), std::forward<Extra>(extra)...);
  }
  // How many replicas acknowledged this connection's writes, once numreplicas did or timeout (ms,
  // 0: forever) passed. Blocking: the request's timeout grows by timeout.
  template <class... Extra>
  decltype(auto) wait(std::int64_t numreplicas, std::int64_t timeout, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"WAIT"}.arg(numreplicas).arg(timeout)), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
