#pragma once
// HyperLogLog.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {
namespace detail {

template <class Derived>
class HyperLogLogCommands : public CommandRunner<Derived, HyperLogLogCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  // true when the estimate changed (or the key was created).
  template <class... Extra>
  decltype(auto) pfadd(Key key, Keys elements, Extra&&... extra) {
    return this->template run<bool>(std::move(Command{"PFADD", key}.args(elements)), std::forward<Extra>(extra)...);
  }
  // The estimated cardinality of the union of the keys' sets.
  template <class... Extra>
  decltype(auto) pfcount(Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"PFCOUNT"}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) pfmerge(Key destination, Keys source_keys, Extra&&... extra) {
    return this->template run<void>(std::move(Command{"PFMERGE", destination}.args(source_keys)), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
