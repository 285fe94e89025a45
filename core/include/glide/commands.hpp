#pragma once
// The typed commands, each written once. Clients, sync clients and batches inherit this mixin
// and provide `run_command<T>(Command, extra...)`: the async client starts the request (extra is
// an optional completion token), the sync client blocks for it, a batch appends it (T then only
// documents what the entry will hold).
#include <glide/command.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace glide {

enum class ConditionalChange { ONLY_IF_EXISTS, ONLY_IF_DOES_NOT_EXIST };
enum class ExpiryType { SEC, MILLSEC, UNIX_SEC, UNIX_MILLSEC, KEEP_TTL };
struct ExpirySet {
  ExpiryType type = ExpiryType::SEC;
  std::int64_t count = 0;  // ignored for KEEP_TTL
};
struct SetOptions {
  std::optional<ConditionalChange> conditional_set;  // NX / XX
  bool return_old_value = false;                     // GET
  std::optional<ExpirySet> expiry;                   // EX / PX / EXAT / PXAT / KEEPTTL
};
enum class InfoSection { SERVER, CLIENTS, MEMORY, PERSISTENCE, STATS, REPLICATION, CPU, COMMANDSTATS, KEYSPACE, ALL, DEFAULT, EVERYTHING };
enum class FlushMode { SYNC, ASYNC };


namespace detail {

// For overloads that differ by a trailing options argument: the plain overload must not swallow
// the options as if they were a completion token.
template <class Option, class... Extra>
concept NoneIs = (!std::is_same_v<std::remove_cvref_t<Extra>, Option> && ...);

std::string_view to_string(InfoSection) noexcept;
inline std::string_view to_string(FlushMode m) noexcept { return m == FlushMode::SYNC ? "SYNC" : "ASYNC"; }
void add_set_options(Command& c, const SetOptions& o);

template <class Derived>
class Commands {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  // ---- generic
  template <class... Extra>
  decltype(auto) custom_command(std::vector<std::string> args, Extra&&... extra) {
    return run<Value>(Command(args), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) ping(Extra&&... extra) {
    return run<std::string>(Command{"PING"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<std::vector<InfoSection>, Extra...>
  decltype(auto) info(Extra&&... extra) {
    return run<std::string>(Command{"INFO"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) info(std::vector<InfoSection> sections, Extra&&... extra) {
    Command c{"INFO"};
    for (auto s : sections) c.arg(detail::to_string(s));
    return run<std::string>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) time(Extra&&... extra) {
    return run<std::pair<std::int64_t, std::int64_t>>(Command{"TIME"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) dbsize(Extra&&... extra) {
    return run<std::int64_t>(Command{"DBSIZE"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<FlushMode, Extra...>
  decltype(auto) flushall(Extra&&... extra) {
    return run<void>(Command{"FLUSHALL"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) flushall(FlushMode mode, Extra&&... extra) {
    return run<void>(Command{"FLUSHALL", detail::to_string(mode)}, std::forward<Extra>(extra)...);
  }

  // ---- strings
  template <class... Extra>
  decltype(auto) get(Key key, Extra&&... extra) {
    return run<std::optional<std::string>>(Command{"GET", key}, std::forward<Extra>(extra)...);
  }
  // "OK" when set; nullopt when NX/XX was not met; the old value with return_old_value.
  template <class... Extra>
    requires NoneIs<SetOptions, Extra...>
  decltype(auto) set(Key key, std::string_view value, Extra&&... extra) {
    return run<std::optional<std::string>>(Command{"SET", key, value}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) set(Key key, std::string_view value, const SetOptions& options, Extra&&... extra) {
    Command c{"SET", key, value};
    add_set_options(c, options);
    return run<std::optional<std::string>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) mget(Keys keys, Extra&&... extra) {
    return run<std::vector<std::optional<std::string>>>(std::move(Command{"MGET"}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) mset(std::vector<std::pair<std::string, std::string>> pairs, Extra&&... extra) {
    Command c{"MSET"};
    for (const auto& [k, v] : pairs) c.arg(k).arg(v);
    return run<void>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) incr(Key key, Extra&&... extra) {
    return run<std::int64_t>(Command{"INCR", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) incr_by(Key key, std::int64_t amount, Extra&&... extra) {
    return run<std::int64_t>(std::move(Command{"INCRBY", key}.arg(amount)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) decr(Key key, Extra&&... extra) {
    return run<std::int64_t>(Command{"DECR", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) decr_by(Key key, std::int64_t amount, Extra&&... extra) {
    return run<std::int64_t>(std::move(Command{"DECRBY", key}.arg(amount)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) append(Key key, std::string_view value, Extra&&... extra) {
    return run<std::int64_t>(Command{"APPEND", key, value}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) strlen(Key key, Extra&&... extra) {
    return run<std::int64_t>(Command{"STRLEN", key}, std::forward<Extra>(extra)...);
  }

  // ---- keys
  template <class... Extra>
  decltype(auto) del(Keys keys, Extra&&... extra) {
    return run<std::int64_t>(std::move(Command{"DEL"}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) exists(Keys keys, Extra&&... extra) {
    return run<std::int64_t>(std::move(Command{"EXISTS"}.args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) expire(Key key, std::int64_t seconds, Extra&&... extra) {
    return run<bool>(std::move(Command{"EXPIRE", key}.arg(seconds)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) ttl(Key key, Extra&&... extra) {
    return run<std::int64_t>(Command{"TTL", key}, std::forward<Extra>(extra)...);
  }

  // ---- hashes
  template <class... Extra>
  decltype(auto) hset(Key key, std::vector<std::pair<std::string, std::string>> field_values, Extra&&... extra) {
    Command c{"HSET", key};
    for (const auto& [f, v] : field_values) c.arg(f).arg(v);
    return run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hget(Key key, std::string_view field, Extra&&... extra) {
    return run<std::optional<std::string>>(Command{"HGET", key, field}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hgetall(Key key, Extra&&... extra) {
    return run<std::vector<std::pair<std::string, std::string>>>(Command{"HGETALL", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hdel(Key key, std::vector<std::string> fields, Extra&&... extra) {
    return run<std::int64_t>(std::move(Command{"HDEL", key}.args(fields)), std::forward<Extra>(extra)...);
  }

  // ---- lists
  template <class... Extra>
  decltype(auto) lpush(Key key, std::vector<std::string> elements, Extra&&... extra) {
    return run<std::int64_t>(std::move(Command{"LPUSH", key}.args(elements)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) rpush(Key key, std::vector<std::string> elements, Extra&&... extra) {
    return run<std::int64_t>(std::move(Command{"RPUSH", key}.args(elements)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lpop(Key key, Extra&&... extra) {
    return run<std::optional<std::string>>(Command{"LPOP", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) lrange(Key key, std::int64_t start, std::int64_t end, Extra&&... extra) {
    return run<std::vector<std::string>>(std::move(Command{"LRANGE", key}.arg(start).arg(end)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) llen(Key key, Extra&&... extra) {
    return run<std::int64_t>(Command{"LLEN", key}, std::forward<Extra>(extra)...);
  }
  // BLPOP: the request's timeout is the server-side timeout plus the client's request timeout.
  template <class... Extra>
  decltype(auto) blpop(Keys keys, double timeout_seconds, Extra&&... extra) {
    return run<std::optional<std::pair<std::string, std::string>>>(
        std::move(Command{"BLPOP"}.args(keys).arg(timeout_seconds)), std::forward<Extra>(extra)...);
  }

  // ---- sets
  template <class... Extra>
  decltype(auto) sadd(Key key, std::vector<std::string> members, Extra&&... extra) {
    return run<std::int64_t>(std::move(Command{"SADD", key}.args(members)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) smembers(Key key, Extra&&... extra) {
    return run<std::vector<std::string>>(Command{"SMEMBERS", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) scard(Key key, Extra&&... extra) {
    return run<std::int64_t>(Command{"SCARD", key}, std::forward<Extra>(extra)...);
  }

  // ---- sorted sets
  template <class... Extra>
  decltype(auto) zadd(Key key, std::vector<std::pair<std::string, double>> members_scores, Extra&&... extra) {
    Command c{"ZADD", key};
    for (const auto& [member, score] : members_scores) c.arg(score).arg(member);
    return run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  // Members by rank, from start to end inclusive (negative ranks count from the end).
  template <class... Extra>
  decltype(auto) zrange(Key key, std::int64_t start, std::int64_t end, Extra&&... extra) {
    return run<std::vector<std::string>>(std::move(Command{"ZRANGE", key}.arg(start).arg(end)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zscore(Key key, std::string_view member, Extra&&... extra) {
    return run<std::optional<double>>(Command{"ZSCORE", key, member}, std::forward<Extra>(extra)...);
  }

  // ---- functions (the server-side twin of scripts)
  // FUNCTION LOAD [REPLACE] code -> the library name.
  template <class... Extra>
  decltype(auto) function_load(std::string_view library_code, bool replace, Extra&&... extra) {
    Command c{"FUNCTION", "LOAD"};
    if (replace) c.arg("REPLACE");
    return run<std::string>(std::move(c.arg(library_code)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) function_list(Extra&&... extra) {
    return run<Value>(Command{"FUNCTION", "LIST"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) function_delete(std::string_view library_name, Extra&&... extra) {
    return run<void>(Command{"FUNCTION", "DELETE", library_name}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) function_flush(FlushMode mode, Extra&&... extra) {
    return run<void>(Command{"FUNCTION", "FLUSH", detail::to_string(mode)}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) fcall(std::string_view function, std::vector<std::string> keys, std::vector<std::string> args, Extra&&... extra) {
    return run<Value>(std::move(Command{"FCALL", function}.arg(keys.size()).args(keys).args(args)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) fcall_ro(std::string_view function, std::vector<std::string> keys, std::vector<std::string> args, Extra&&... extra) {
    return run<Value>(std::move(Command{"FCALL_RO", function}.arg(keys.size()).args(keys).args(args)), std::forward<Extra>(extra)...);
  }

 private:
  template <class T, class... Extra>
  decltype(auto) run(Command c, Extra&&... extra) {
    return static_cast<Derived&>(*this).template run_command<T>(std::move(c), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
