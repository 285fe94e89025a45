#pragma once
// Generic key commands: DEL, EXISTS, EXPIRE family, RENAME, TYPE, COPY, DUMP/RESTORE, SORT, OBJECT, ...
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {
namespace detail {

template <class Derived>
class KeyCommands : public CommandRunner<Derived, KeyCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  template <class... Extra>
  decltype(auto) del(Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"DEL"}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) exists(Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"EXISTS"}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) expire(Key key, std::int64_t seconds, Extra&&... extra) {
    return this->template run<bool>(std::move(Command{"EXPIRE", key}.arg(seconds)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) ttl(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"TTL", key}, std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
