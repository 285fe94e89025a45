#pragma once
// Lists, including the blocking pops and moves.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {
namespace detail {

template <class Derived>
class ListCommands : public CommandRunner<Derived, ListCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  template <class... Extra>
  decltype(auto) lpush(Key key, std::vector<std::string> elements, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"LPUSH", key}.args(elements)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) rpush(Key key, std::vector<std::string> elements, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"RPUSH", key}.args(elements)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lpop(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"LPOP", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lrange(Key key, std::int64_t start, std::int64_t end, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"LRANGE", key}.arg(start).arg(end)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) llen(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"LLEN", key}, std::forward<Extra>(extra)...);
  }
  // BLPOP: the request's timeout is the server-side timeout plus the client's request timeout.
  template <class... Extra>
  decltype(auto) blpop(Keys keys, double timeout_seconds, Extra&&... extra) {
    return this->template run<std::optional<std::pair<std::string, std::string>>>(
        std::move(Command{"BLPOP"}.args(keys).arg(timeout_seconds)), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
