#pragma once
// Generic key commands: DEL, EXISTS, EXPIRE family, RENAME, TYPE, COPY, DUMP/RESTORE, SORT, OBJECT, ...
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

#include <optional>

namespace glide {

// SORT's (and SORT_RO's, and sort_store's) arguments after the key, GLIDE's standalone ones.
// Patterns hold `*` where each element goes (`weight_*`); a GET pattern of `#` is the element.
// In a cluster, BY and GET patterns work from Valkey 8.0 and must hash to the key's slot.
struct SortOptions {
  std::optional<std::string> by_pattern;  // BY
  std::optional<Limit> limit;             // LIMIT offset count
  std::vector<std::string> get_patterns;  // GET, one per pattern
  std::optional<OrderBy> order;           // ASC / DESC
  bool alpha = false;                     // ALPHA: compare as strings, not as numbers
};

// MIGRATE's trailing options. `username` needs `password` (AUTH2); a username alone goes to the
// server as it is, which refuses it.
struct MigrateOptions {
  bool copy = false;     // COPY: the source keeps the key
  bool replace = false;  // REPLACE: overwrite the key on the destination
  std::optional<std::string> password;
  std::optional<std::string> username;
};

namespace detail {

// EXPIRE, EXPIREAT, PEXPIRE, PEXPIREAT: the key, the time, and NX / XX / GT / LT if any.
Command expiry_command(std::string_view name, std::string_view key, std::int64_t time, std::optional<ExpireOptions> option);
Command copy_command(std::string_view source, std::string_view destination, std::optional<std::int64_t> destination_db,
                     bool replace);
Command restore_command(std::string_view key, std::int64_t ttl, std::string_view value, bool replace, bool absttl,
                        std::optional<std::int64_t> idletime, std::optional<std::int64_t> frequency);
// SORT / SORT_RO key [options] [STORE destination].
Command sort_command(std::string_view name, std::string_view key, const SortOptions& options,
                     std::optional<std::string_view> destination = std::nullopt);
// MIGRATE of one key, or (keys given) of several: then the key slot is "" and KEYS ends it.
Command migrate_command(std::string_view host, std::int64_t port, std::string_view key, const std::vector<std::string>* keys,
                        std::int64_t destination_db, std::int64_t timeout, const MigrateOptions& options);

template <class Derived>
class KeyCommands : public CommandRunner<Derived, KeyCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  // How many of the keys existed (and are gone).
  template <class... Extra>
  decltype(auto) del(Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"DEL"}.args(keys)), std::forward<Extra>(extra)...);
  }
  // DEL whose memory the server frees in the background.
  template <class... Extra>
  decltype(auto) unlink(Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"UNLINK"}.args(keys)), std::forward<Extra>(extra)...);
  }
  // A key named twice counts twice.
  template <class... Extra>
  decltype(auto) exists(Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"EXISTS"}.args(keys)), std::forward<Extra>(extra)...);
  }
  // How many of the keys exist (their last access is now).
  template <class... Extra>
  decltype(auto) touch(Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"TOUCH"}.args(keys)), std::forward<Extra>(extra)...);
  }
  // A missing key is an error; an existing new_key is overwritten.
  template <class... Extra>
  decltype(auto) rename(Key key, Key new_key, Extra&&... extra) {
    return this->template run<void>(Command{"RENAME", key, new_key}, std::forward<Extra>(extra)...);
  }
  // false when new_key exists (nothing renamed).
  template <class... Extra>
  decltype(auto) renamenx(Key key, Key new_key, Extra&&... extra) {
    return this->template run<bool>(Command{"RENAMENX", key, new_key}, std::forward<Extra>(extra)...);
  }
  // false when the key is missing here or already exists in db_index.
  template <class... Extra>
  decltype(auto) move(Key key, std::int64_t db_index, Extra&&... extra) {
    return this->template run<bool>(std::move(Command{"MOVE", key}.arg(db_index)), std::forward<Extra>(extra)...);
  }

  // Expiry: true when the timeout was set; false for a missing key or an unmet condition.
  template <class... Extra>
    requires NoneIs<ExpireOptions, Extra...>
  decltype(auto) expire(Key key, std::int64_t seconds, Extra&&... extra) {
    return this->template run<bool>(expiry_command("EXPIRE", key, seconds, std::nullopt), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) expire(Key key, std::int64_t seconds, ExpireOptions option, Extra&&... extra) {
    return this->template run<bool>(expiry_command("EXPIRE", key, seconds, option), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<ExpireOptions, Extra...>
  decltype(auto) expireat(Key key, std::int64_t unix_seconds, Extra&&... extra) {
    return this->template run<bool>(expiry_command("EXPIREAT", key, unix_seconds, std::nullopt), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) expireat(Key key, std::int64_t unix_seconds, ExpireOptions option, Extra&&... extra) {
    return this->template run<bool>(expiry_command("EXPIREAT", key, unix_seconds, option), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<ExpireOptions, Extra...>
  decltype(auto) pexpire(Key key, std::int64_t milliseconds, Extra&&... extra) {
    return this->template run<bool>(expiry_command("PEXPIRE", key, milliseconds, std::nullopt), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) pexpire(Key key, std::int64_t milliseconds, ExpireOptions option, Extra&&... extra) {
    return this->template run<bool>(expiry_command("PEXPIRE", key, milliseconds, option), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<ExpireOptions, Extra...>
  decltype(auto) pexpireat(Key key, std::int64_t unix_milliseconds, Extra&&... extra) {
    return this->template run<bool>(expiry_command("PEXPIREAT", key, unix_milliseconds, std::nullopt), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) pexpireat(Key key, std::int64_t unix_milliseconds, ExpireOptions option, Extra&&... extra) {
    return this->template run<bool>(expiry_command("PEXPIREAT", key, unix_milliseconds, option), std::forward<Extra>(extra)...);
  }
  // Reading expiry: the absolute time or the time left; -2 for a missing key, -1 for none set.
  template <class... Extra>
  decltype(auto) expiretime(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"EXPIRETIME", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) pexpiretime(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"PEXPIRETIME", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) ttl(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"TTL", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) pttl(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"PTTL", key}, std::forward<Extra>(extra)...);
  }
  // true when a timeout was removed.
  template <class... Extra>
  decltype(auto) persist(Key key, Extra&&... extra) {
    return this->template run<bool>(Command{"PERSIST", key}, std::forward<Extra>(extra)...);
  }
  // "string", "list", "set", "zset", "hash", "stream"; "none" for a missing key.
  template <class... Extra>
  decltype(auto) type(Key key, Extra&&... extra) {
    return this->template run<std::string>(Command{"TYPE", key}, std::forward<Extra>(extra)...);
  }

  // The value serialised for restore(); nullopt for a missing key.
  template <class... Extra>
  decltype(auto) dump(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"DUMP", key}, std::forward<Extra>(extra)...);
  }
  // ttl in milliseconds (0: none; absttl: a Unix time in ms). idletime and frequency exclude each
  // other; the server refuses both.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) restore(Key key, std::int64_t ttl, std::string_view value, Extra&&... extra) {
    return this->template run<void>(restore_command(key, ttl, value, false, false, std::nullopt, std::nullopt), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) restore(Key key, std::int64_t ttl, std::string_view value, bool replace, Extra&&... extra) {
    return this->template run<void>(restore_command(key, ttl, value, replace, false, std::nullopt, std::nullopt), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) restore(Key key, std::int64_t ttl, std::string_view value, bool replace, bool absttl, Extra&&... extra) {
    return this->template run<void>(restore_command(key, ttl, value, replace, absttl, std::nullopt, std::nullopt), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) restore(Key key, std::int64_t ttl, std::string_view value, bool replace, bool absttl,
                         std::optional<std::int64_t> idletime, std::optional<std::int64_t> frequency, Extra&&... extra) {
    return this->template run<void>(restore_command(key, ttl, value, replace, absttl, idletime, frequency), std::forward<Extra>(extra)...);
  }
  // false when destination exists and replace is not set (standalone argument order: GLIDE's
  // ClusterBatch takes replace before destination_db). Pass std::nullopt to keep the database.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) copy(Key source, Key destination, Extra&&... extra) {
    return this->template run<bool>(copy_command(source, destination, std::nullopt, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) copy(Key source, Key destination, std::optional<std::int64_t> destination_db, Extra&&... extra) {
    return this->template run<bool>(copy_command(source, destination, destination_db, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) copy(Key source, Key destination, std::optional<std::int64_t> destination_db, bool replace, Extra&&... extra) {
    return this->template run<bool>(copy_command(source, destination, destination_db, replace), std::forward<Extra>(extra)...);
  }

  // The sorted elements (or GET patterns' values: nullopt where a pattern's key is missing).
  template <class... Extra>
    requires NoneIs<SortOptions, Extra...>
  decltype(auto) sort(Key key, Extra&&... extra) {
    return this->template run<std::vector<std::optional<std::string>>>(sort_command("SORT", key, {}), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) sort(Key key, const SortOptions& options, Extra&&... extra) {
    return this->template run<std::vector<std::optional<std::string>>>(sort_command("SORT", key, options), std::forward<Extra>(extra)...);
  }
  // SORT without STORE, so replicas may serve it.
  template <class... Extra>
    requires NoneIs<SortOptions, Extra...>
  decltype(auto) sort_ro(Key key, Extra&&... extra) {
    return this->template run<std::vector<std::optional<std::string>>>(sort_command("SORT_RO", key, {}), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) sort_ro(Key key, const SortOptions& options, Extra&&... extra) {
    return this->template run<std::vector<std::optional<std::string>>>(sort_command("SORT_RO", key, options), std::forward<Extra>(extra)...);
  }
  // How many elements destination (a list) now holds.
  template <class... Extra>
    requires NoneIs<SortOptions, Extra...>
  decltype(auto) sort_store(Key key, Key destination, Extra&&... extra) {
    return this->template run<std::int64_t>(sort_command("SORT", key, {}, destination), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) sort_store(Key key, Key destination, const SortOptions& options, Extra&&... extra) {
    return this->template run<std::int64_t>(sort_command("SORT", key, options, destination), std::forward<Extra>(extra)...);
  }

  // OBJECT: nullopt for a missing key. object_freq needs an LFU maxmemory-policy and
  // object_idletime one that is not LFU; otherwise the server refuses.
  template <class... Extra>
  decltype(auto) object_encoding(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"OBJECT", "ENCODING", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) object_freq(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::int64_t>>(Command{"OBJECT", "FREQ", key}, std::forward<Extra>(extra)...);
  }
  // Seconds since the key was last read or written.
  template <class... Extra>
  decltype(auto) object_idletime(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::int64_t>>(Command{"OBJECT", "IDLETIME", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) object_refcount(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::int64_t>>(Command{"OBJECT", "REFCOUNT", key}, std::forward<Extra>(extra)...);
  }
  // nullopt when the database is empty.
  template <class... Extra>
  decltype(auto) random_key(Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"RANDOMKEY"}, std::forward<Extra>(extra)...);
  }

  // Moves the key to another server (timeout: its idle limit in ms): "OK", or "NOKEY" when the
  // key is missing here.
  template <class... Extra>
    requires NoneIs<MigrateOptions, Extra...>
  decltype(auto) migrate(std::string_view host, std::int64_t port, Key key, std::int64_t destination_db, std::int64_t timeout,
                         Extra&&... extra) {
    return this->template run<std::string>(migrate_command(host, port, key, nullptr, destination_db, timeout, {}), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) migrate(std::string_view host, std::int64_t port, Key key, std::int64_t destination_db, std::int64_t timeout,
                         const MigrateOptions& options, Extra&&... extra) {
    return this->template run<std::string>(migrate_command(host, port, key, nullptr, destination_db, timeout, options), std::forward<Extra>(extra)...);
  }
  // Several keys in one MIGRATE (GLIDE's Batch takes a list in the key's place); "NOKEY" when
  // none of them exists.
  template <class... Extra>
    requires NoneIs<MigrateOptions, Extra...>
  decltype(auto) migrate(std::string_view host, std::int64_t port, const Keys& keys, std::int64_t destination_db, std::int64_t timeout,
                         Extra&&... extra) {
    return this->template run<std::string>(migrate_command(host, port, "", &keys, destination_db, timeout, {}), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) migrate(std::string_view host, std::int64_t port, const Keys& keys, std::int64_t destination_db, std::int64_t timeout,
                         const MigrateOptions& options, Extra&&... extra) {
    return this->template run<std::string>(migrate_command(host, port, "", &keys, destination_db, timeout, options), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
