#pragma once
// Sorted sets: ranges by index, score and lex, the *_withscores forms, pops, set algebra.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {
namespace detail {

template <class Derived>
class SortedSetCommands : public CommandRunner<Derived, SortedSetCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  template <class... Extra>
  decltype(auto) zadd(Key key, std::vector<std::pair<std::string, double>> members_scores, Extra&&... extra) {
    Command c{"ZADD", key};
    for (const auto& [member, score] : members_scores) c.arg(score).arg(member);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  // Members by rank, from start to end inclusive (negative ranks count from the end).
  template <class... Extra>
  decltype(auto) zrange(Key key, std::int64_t start, std::int64_t end, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"ZRANGE", key}.arg(start).arg(end)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zscore(Key key, std::string_view member, Extra&&... extra) {
    return this->template run<std::optional<double>>(Command{"ZSCORE", key, member}, std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
