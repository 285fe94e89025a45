#pragma once
// Strings: GET/SET and their variants, counters, ranges, LCS.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>
#include <glide/value.hpp>

namespace glide {

// GLIDE's SET arguments after the value, in GLIDE's order.
struct SetOptions {
  std::optional<ConditionalChange> conditional_set;  // NX / XX
  std::optional<ExpirySet> expiry;                   // EX / PX / EXAT / PXAT / KEEPTTL
  bool return_old_value = false;                     // GET
};

// One common run of LCS IDX: inclusive [start, end] ranges in key1's and key2's strings, and the
// run's length when WITHMATCHLEN asked for it.
struct LcsMatch {
  std::pair<std::int64_t, std::int64_t> key1;
  std::pair<std::int64_t, std::int64_t> key2;
  std::optional<std::int64_t> match_len;
  bool operator==(const LcsMatch&) const = default;
};
// LCS IDX's reply: the matches (last in the strings first, as the server lists them) and the
// length of the whole common subsequence.
struct LcsIdx {
  std::vector<LcsMatch> matches;
  std::int64_t len = 0;
  bool operator==(const LcsIdx&) const = default;
};

template <>
struct FromValue<LcsMatch> {
  static Result<LcsMatch> convert(const Value& v);
};
template <>
struct FromValue<LcsIdx> {
  static Result<LcsIdx> convert(const Value& v);
};

namespace detail {

void add_set_options(Command& c, const SetOptions& o);
void add_lcs_idx_options(Command& c, std::optional<std::int64_t> min_match_len, bool with_match_len);
// MSET / MSETNX: the name, then each key and its value.
Command pairs_command(std::string_view name, const std::vector<std::pair<std::string, std::string>>& pairs);

template <class Derived>
class StringCommands : public CommandRunner<Derived, StringCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  template <class... Extra>
  decltype(auto) get(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"GET", key}, std::forward<Extra>(extra)...);
  }
  // The value, and the key is gone; nullopt when there was none.
  template <class... Extra>
  decltype(auto) getdel(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"GETDEL", key}, std::forward<Extra>(extra)...);
  }
  // Inclusive byte range, negative counts from the end; "" for a missing key.
  template <class... Extra>
  decltype(auto) getrange(Key key, std::int64_t start, std::int64_t end, Extra&&... extra) {
    return this->template run<std::string>(std::move(Command{"GETRANGE", key}.arg(start).arg(end)), std::forward<Extra>(extra)...);
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
  decltype(auto) strlen(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"STRLEN", key}, std::forward<Extra>(extra)...);
  }
  // The length after appending.
  template <class... Extra>
  decltype(auto) append(Key key, std::string_view value, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"APPEND", key, value}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) mset(std::vector<std::pair<std::string, std::string>> key_value_map, Extra&&... extra) {
    return this->template run<void>(pairs_command("MSET", key_value_map), std::forward<Extra>(extra)...);
  }
  // true when every key was set; false (and none set) when any of them existed.
  template <class... Extra>
  decltype(auto) msetnx(std::vector<std::pair<std::string, std::string>> key_value_map, Extra&&... extra) {
    return this->template run<bool>(pairs_command("MSETNX", key_value_map), std::forward<Extra>(extra)...);
  }
  // One entry per key, nullopt where the key is missing or not a string.
  template <class... Extra>
  decltype(auto) mget(Keys keys, Extra&&... extra) {
    return this->template run<std::vector<std::optional<std::string>>>(std::move(Command{"MGET"}.args(keys)), std::forward<Extra>(extra)...);
  }
  // Counters: the value after the change.
  template <class... Extra>
  decltype(auto) incr(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"INCR", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) incr_by(Key key, std::int64_t amount, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"INCRBY", key}.arg(amount)), std::forward<Extra>(extra)...);
  }
  // GLIDE's name for incr_by.
  template <class... Extra>
  decltype(auto) incrby(Key key, std::int64_t amount, Extra&&... extra) {
    return incr_by(key, amount, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) incrbyfloat(Key key, double amount, Extra&&... extra) {
    return this->template run<double>(std::move(Command{"INCRBYFLOAT", key}.arg(amount)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) decr(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"DECR", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) decr_by(Key key, std::int64_t amount, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"DECRBY", key}.arg(amount)), std::forward<Extra>(extra)...);
  }
  // GLIDE's name for decr_by.
  template <class... Extra>
  decltype(auto) decrby(Key key, std::int64_t amount, Extra&&... extra) {
    return decr_by(key, amount, std::forward<Extra>(extra)...);
  }
  // The string's length after the overwrite (zero-padded when offset is past the end).
  template <class... Extra>
  decltype(auto) setrange(Key key, std::int64_t offset, std::string_view value, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"SETRANGE", key}.arg(offset).arg(value)), std::forward<Extra>(extra)...);
  }
  // GET that also sets or removes (PERSIST) the key's expiry; nullopt for a missing key.
  template <class... Extra>
    requires NoneIs<ExpiryGetEx, Extra...>
  decltype(auto) getex(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"GETEX", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) getex(Key key, const ExpiryGetEx& expiry, Extra&&... extra) {
    Command c{"GETEX", key};
    add_getex_expiry(c, expiry);
    return this->template run<std::optional<std::string>>(std::move(c), std::forward<Extra>(extra)...);
  }
  // The longest common subsequence itself ("" when there is none, or a key is missing).
  template <class... Extra>
  decltype(auto) lcs(Key key1, Key key2, Extra&&... extra) {
    return this->template run<std::string>(Command{"LCS", key1, key2}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lcs_len(Key key1, Key key2, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"LCS", key1, key2, "LEN"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) lcs_idx(Key key1, Key key2, Extra&&... extra) {
    return this->template run<LcsIdx>(Command{"LCS", key1, key2, "IDX"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) lcs_idx(Key key1, Key key2, std::int64_t min_match_len, Extra&&... extra) {
    Command c{"LCS", key1, key2, "IDX"};
    add_lcs_idx_options(c, min_match_len, false);
    return this->template run<LcsIdx>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lcs_idx(Key key1, Key key2, std::optional<std::int64_t> min_match_len, bool with_match_len, Extra&&... extra) {
    Command c{"LCS", key1, key2, "IDX"};
    add_lcs_idx_options(c, min_match_len, with_match_len);
    return this->template run<LcsIdx>(std::move(c), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
