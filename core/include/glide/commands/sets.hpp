#pragma once
// Sets.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {
namespace detail {

template <class Derived>
class SetCommands : public CommandRunner<Derived, SetCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  template <class... Extra>
  decltype(auto) sadd(Key key, std::vector<std::string> members, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"SADD", key}.args(members)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) smembers(Key key, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(Command{"SMEMBERS", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) scard(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"SCARD", key}, std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
