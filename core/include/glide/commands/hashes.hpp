#pragma once
// Hashes, including hash-field expiry (HEXPIRE, HSETEX, HGETEX, ...).
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {
namespace detail {

template <class Derived>
class HashCommands : public CommandRunner<Derived, HashCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  template <class... Extra>
  decltype(auto) hset(Key key, std::vector<std::pair<std::string, std::string>> field_values, Extra&&... extra) {
    Command c{"HSET", key};
    for (const auto& [f, v] : field_values) c.arg(f).arg(v);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hget(Key key, std::string_view field, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"HGET", key, field}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hgetall(Key key, Extra&&... extra) {
    return this->template run<std::vector<std::pair<std::string, std::string>>>(Command{"HGETALL", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hdel(Key key, std::vector<std::string> fields, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"HDEL", key}.args(fields)), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
