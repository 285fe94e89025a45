#pragma once
// Sets: members, pops and random picks, the set algebra (and its *STORE forms), SSCAN.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
// Members come back as vectors in the server's order, which for a set means no order at all.
#include <glide/commands/common.hpp>

namespace glide {
namespace detail {

void add_sscan_options(Command& c, const std::optional<std::string_view>& match, std::optional<std::int64_t> count);

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
  decltype(auto) srem(Key key, std::vector<std::string> members, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"SREM", key}.args(members)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) smembers(Key key, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(Command{"SMEMBERS", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) scard(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"SCARD", key}, std::forward<Extra>(extra)...);
  }
  // nullopt when the set is empty (or missing).
  template <class... Extra>
  decltype(auto) spop(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"SPOP", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) spop_count(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"SPOP", key}.arg(count)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) sismember(Key key, std::string_view member, Extra&&... extra) {
    return this->template run<bool>(Command{"SISMEMBER", key, member}, std::forward<Extra>(extra)...);
  }
  // false when `member` was not in `source`.
  template <class... Extra>
  decltype(auto) smove(Key source, Key destination, std::string_view member, Extra&&... extra) {
    return this->template run<bool>(Command{"SMOVE", source, destination, member}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) sunion(Keys keys, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"SUNION"}.args(keys)), std::forward<Extra>(extra)...);
  }
  // The size of the stored result (as for sinterstore and sdiffstore).
  template <class... Extra>
  decltype(auto) sunionstore(Key destination, Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"SUNIONSTORE", destination}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) sinter(Keys keys, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"SINTER"}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) sinterstore(Key destination, Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"SINTERSTORE", destination}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) sintercard(Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"SINTERCARD"}.arg(keys.size()).args(keys)), std::forward<Extra>(extra)...);
  }
  // Counting stops at `limit` (0: no limit).
  template <class... Extra>
  decltype(auto) sintercard(Keys keys, std::int64_t limit, Extra&&... extra) {
    Command c{"SINTERCARD"};
    c.arg(keys.size()).args(keys).arg("LIMIT").arg(limit);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) sdiff(Keys keys, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"SDIFF"}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) sdiffstore(Key destination, Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"SDIFFSTORE", destination}.args(keys)), std::forward<Extra>(extra)...);
  }
  // One bool per member, in the order asked.
  template <class... Extra>
  decltype(auto) smismember(Key key, std::vector<std::string> members, Extra&&... extra) {
    return this->template run<std::vector<bool>>(std::move(Command{"SMISMEMBER", key}.args(members)), std::forward<Extra>(extra)...);
  }
  // nullopt when the set is empty (or missing).
  template <class... Extra>
  decltype(auto) srandmember(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"SRANDMEMBER", key}, std::forward<Extra>(extra)...);
  }
  // A positive count picks distinct members; a negative one may pick a member more than once.
  template <class... Extra>
  decltype(auto) srandmember_count(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"SRANDMEMBER", key}.arg(count)), std::forward<Extra>(extra)...);
  }
  // (next cursor, members): the iteration is over when the next cursor is "0".
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) sscan(Key key, std::string_view cursor, Extra&&... extra) {
    return this->template run<std::pair<std::string, std::vector<std::string>>>(Command{"SSCAN", key, cursor}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) sscan(Key key, std::string_view cursor, std::string_view match, Extra&&... extra) {
    Command c{"SSCAN", key, cursor};
    add_sscan_options(c, match, std::nullopt);
    return this->template run<std::pair<std::string, std::vector<std::string>>>(std::move(c), std::forward<Extra>(extra)...);
  }
  // `match` may be std::nullopt, for a COUNT alone.
  template <class... Extra>
  decltype(auto) sscan(Key key, std::string_view cursor, std::optional<std::string_view> match, std::int64_t count, Extra&&... extra) {
    Command c{"SSCAN", key, cursor};
    add_sscan_options(c, match, count);
    return this->template run<std::pair<std::string, std::vector<std::string>>>(std::move(c), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
