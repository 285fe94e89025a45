#pragma once
// Strings: GET/SET and their variants, counters, ranges, LCS.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {

struct SetOptions {
  std::optional<ConditionalChange> conditional_set;  // NX / XX
  bool return_old_value = false;                     // GET
  std::optional<ExpirySet> expiry;                   // EX / PX / EXAT / PXAT / KEEPTTL
};

namespace detail {

void add_set_options(Command& c, const SetOptions& o);

template <class Derived>
class StringCommands : public CommandRunner<Derived, StringCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  template <class... Extra>
  decltype(auto) get(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"GET", key}, std::forward<Extra>(extra)...);
  }
  // "OK" when set; nullopt when NX/XX was not met; the old value with return_old_value.
  template <class... Extra>
    requires NoneIs<SetOptions, Extra...>
  decltype(auto) set(Key key, std::string_view value, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"SET", key, value}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) set(Key key, std::string_view value, const SetOptions& options, Extra&&... extra) {
    Command c{"SET", key, value};
    add_set_options(c, options);
    return this->template run<std::optional<std::string>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) mget(Keys keys, Extra&&... extra) {
    return this->template run<std::vector<std::optional<std::string>>>(std::move(Command{"MGET"}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) mset(std::vector<std::pair<std::string, std::string>> pairs, Extra&&... extra) {
    Command c{"MSET"};
    for (const auto& [k, v] : pairs) c.arg(k).arg(v);
    return this->template run<void>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) incr(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"INCR", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) incr_by(Key key, std::int64_t amount, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"INCRBY", key}.arg(amount)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) decr(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"DECR", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) decr_by(Key key, std::int64_t amount, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"DECRBY", key}.arg(amount)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) append(Key key, std::string_view value, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"APPEND", key, value}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) strlen(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"STRLEN", key}, std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
