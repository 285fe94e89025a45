#pragma once
// Lists, including the blocking pops and moves.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {

// Which end of a list: LMOVE/BLMOVE's wherefrom/whereto, LMPOP/BLMPOP's direction.
enum class ListDirection { LEFT, RIGHT };
// LINSERT: before or after the pivot.
enum class InsertPosition { BEFORE, AFTER };

namespace detail {

inline std::string_view to_string(ListDirection d) noexcept { return d == ListDirection::LEFT ? "LEFT" : "RIGHT"; }
inline std::string_view to_string(InsertPosition p) noexcept { return p == InsertPosition::BEFORE ? "BEFORE" : "AFTER"; }

// LMPOP / BLMPOP after their timeout: numkeys, the keys, the direction and COUNT when given.
Command mpop_command(Command c, const std::vector<std::string>& keys, ListDirection direction, std::optional<std::int64_t> count);
// LPOS's options in GLIDE's order: RANK, COUNT, MAXLEN, each when given.
Command lpos_command(std::string_view key, std::string_view element, std::optional<std::int64_t> rank, std::optional<std::int64_t> count,
                     std::optional<std::int64_t> max_len);

template <class Derived>
class ListCommands : public CommandRunner<Derived, ListCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  template <class... Extra>
  decltype(auto) lpush(Key key, std::vector<std::string> elements, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"LPUSH", key}.args(elements)), std::forward<Extra>(extra)...);
  }
  // 0 when the key does not exist (nothing is pushed then).
  template <class... Extra>
  decltype(auto) lpushx(Key key, std::vector<std::string> elements, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"LPUSHX", key}.args(elements)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) rpush(Key key, std::vector<std::string> elements, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"RPUSH", key}.args(elements)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) rpushx(Key key, std::vector<std::string> elements, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"RPUSHX", key}.args(elements)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lpop(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"LPOP", key}, std::forward<Extra>(extra)...);
  }
  // nullopt when the key does not exist.
  template <class... Extra>
  decltype(auto) lpop_count(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<std::optional<std::vector<std::string>>>(std::move(Command{"LPOP", key}.arg(count)),
                                                                       std::forward<Extra>(extra)...);
  }
  // GLIDE's rpop takes an optional count it never sends; rpop_count is the one that pops several.
  template <class... Extra>
  decltype(auto) rpop(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"RPOP", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) rpop_count(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<std::optional<std::vector<std::string>>>(std::move(Command{"RPOP", key}.arg(count)),
                                                                       std::forward<Extra>(extra)...);
  }
  // BLPOP: the request's timeout is the server-side timeout plus the client's request timeout.
  // The key popped from and the element; nullopt when the timeout expired.
  template <class... Extra>
  decltype(auto) blpop(Keys keys, double timeout_seconds, Extra&&... extra) {
    return this->template run<std::optional<std::pair<std::string, std::string>>>(
        std::move(Command{"BLPOP"}.args(keys).arg(timeout_seconds)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) brpop(Keys keys, double timeout_seconds, Extra&&... extra) {
    return this->template run<std::optional<std::pair<std::string, std::string>>>(
        std::move(Command{"BRPOP"}.args(keys).arg(timeout_seconds)), std::forward<Extra>(extra)...);
  }
  // The list popped from and its popped elements; nullopt when all were empty.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) lmpop(Keys keys, ListDirection direction, Extra&&... extra) {
    return this->template run<std::optional<std::pair<std::string, std::vector<std::string>>>>(
        mpop_command(Command{"LMPOP"}, keys, direction, std::nullopt), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lmpop(Keys keys, ListDirection direction, std::int64_t count, Extra&&... extra) {
    return this->template run<std::optional<std::pair<std::string, std::vector<std::string>>>>(
        mpop_command(Command{"LMPOP"}, keys, direction, count), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) blmpop(Keys keys, ListDirection direction, double timeout, Extra&&... extra) {
    return this->template run<std::optional<std::pair<std::string, std::vector<std::string>>>>(
        mpop_command(std::move(Command{"BLMPOP"}.arg(timeout)), keys, direction, std::nullopt), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) blmpop(Keys keys, ListDirection direction, double timeout, std::int64_t count, Extra&&... extra) {
    return this->template run<std::optional<std::pair<std::string, std::vector<std::string>>>>(
        mpop_command(std::move(Command{"BLMPOP"}.arg(timeout)), keys, direction, count), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lrange(Key key, std::int64_t start, std::int64_t end, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"LRANGE", key}.arg(start).arg(end)),
                                                        std::forward<Extra>(extra)...);
  }
  // nullopt when the index is out of range.
  template <class... Extra>
  decltype(auto) lindex(Key key, std::int64_t index, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(std::move(Command{"LINDEX", key}.arg(index)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lset(Key key, std::int64_t index, std::string_view element, Extra&&... extra) {
    return this->template run<void>(std::move(Command{"LSET", key}.arg(index).arg(element)), std::forward<Extra>(extra)...);
  }
  // The new length; -1 when the pivot is not in the list, 0 when the key does not exist.
  template <class... Extra>
  decltype(auto) linsert(Key key, InsertPosition position, std::string_view pivot, std::string_view element, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"LINSERT", key, to_string(position), pivot, element}, std::forward<Extra>(extra)...);
  }
  // The element moved; nullopt when the source is empty.
  template <class... Extra>
  decltype(auto) lmove(Key source, Key destination, ListDirection where_from, ListDirection where_to, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"LMOVE", source, destination, to_string(where_from), to_string(where_to)},
                                                          std::forward<Extra>(extra)...);
  }
  // Also nullopt when the timeout expired.
  template <class... Extra>
  decltype(auto) blmove(Key source, Key destination, ListDirection where_from, ListDirection where_to, double timeout, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(
        std::move(Command{"BLMOVE", source, destination, to_string(where_from), to_string(where_to)}.arg(timeout)),
        std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) ltrim(Key key, std::int64_t start, std::int64_t end, Extra&&... extra) {
    return this->template run<void>(std::move(Command{"LTRIM", key}.arg(start).arg(end)), std::forward<Extra>(extra)...);
  }
  // How many were removed (count > 0 from the head, < 0 from the tail, 0 all).
  template <class... Extra>
  decltype(auto) lrem(Key key, std::int64_t count, std::string_view element, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"LREM", key}.arg(count).arg(element)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) llen(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"LLEN", key}, std::forward<Extra>(extra)...);
  }
  // The first match's index; nullopt when the element is not in the list.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) lpos(Key key, std::string_view element, Extra&&... extra) {
    return this->template run<std::optional<std::int64_t>>(lpos_command(key, element, std::nullopt, std::nullopt, std::nullopt),
                                                           std::forward<Extra>(extra)...);
  }
  // GLIDE's (rank, count, max_len) in its order. Without a count (std::nullopt in its place) the
  // reply is one index or nil, as above...
  template <class... Extra>
  decltype(auto) lpos(Key key, std::string_view element, std::optional<std::int64_t> rank, std::nullopt_t count,
                      std::optional<std::int64_t> max_len, Extra&&... extra) {
    return this->template run<std::optional<std::int64_t>>(lpos_command(key, element, rank, count, max_len), std::forward<Extra>(extra)...);
  }
  // ...with one it is every match's index, up to count (0: all).
  template <class... Extra>
  decltype(auto) lpos(Key key, std::string_view element, std::optional<std::int64_t> rank, std::int64_t count,
                      std::optional<std::int64_t> max_len, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(lpos_command(key, element, rank, count, max_len), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
