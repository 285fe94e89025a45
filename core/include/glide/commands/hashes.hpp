#pragma once
// Hashes, including hash-field expiry (HEXPIRE, HSETEX, HGETEX, ...).
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {

// HSETEX: set the fields only if all of them exist (FXX) or none does (FNX).
enum class HashFieldConditionalChange { ONLY_IF_ALL_EXIST, ONLY_IF_NONE_EXIST };

namespace detail {

// NAME key FIELDS n field...: HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST.
Command fields_command(std::string_view name, std::string_view key, const std::vector<std::string>& fields);
// NAME key time [NX|XX|GT|LT] FIELDS n field...: HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT.
Command field_expire_command(std::string_view name, std::string_view key, std::int64_t time, const std::vector<std::string>& fields,
                             std::optional<ExpireOptions> option);
Command hsetex_command(std::string_view key, const std::vector<std::pair<std::string, std::string>>& field_values,
                       std::optional<HashFieldConditionalChange> field_conditional_change, std::optional<ExpirySet> expiry);
Command hgetex_command(std::string_view key, const std::vector<std::string>& fields, std::optional<ExpiryGetEx> expiry);
Command hscan_command(std::string_view key, std::string_view cursor, std::optional<std::string_view> match,
                      std::optional<std::int64_t> count, bool no_values);

template <class Derived>
class HashCommands : public CommandRunner<Derived, HashCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;
  using Fields = std::vector<std::string>;

  // How many fields were added (not counting those only updated).
  template <class... Extra>
  decltype(auto) hset(Key key, std::vector<std::pair<std::string, std::string>> field_values, Extra&&... extra) {
    Command c{"HSET", key};
    for (const auto& [f, v] : field_values) c.arg(f).arg(v);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hget(Key key, std::string_view field, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"HGET", key, field}, std::forward<Extra>(extra)...);
  }
  // false when the field already existed (and kept its value).
  template <class... Extra>
  decltype(auto) hsetnx(Key key, std::string_view field, std::string_view value, Extra&&... extra) {
    return this->template run<bool>(Command{"HSETNX", key, field, value}, std::forward<Extra>(extra)...);
  }
  // The field's value after the increment.
  template <class... Extra>
  decltype(auto) hincrby(Key key, std::string_view field, std::int64_t amount, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"HINCRBY", key, field}.arg(amount)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hincrbyfloat(Key key, std::string_view field, double amount, Extra&&... extra) {
    return this->template run<double>(std::move(Command{"HINCRBYFLOAT", key, field}.arg(amount)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hexists(Key key, std::string_view field, Extra&&... extra) {
    return this->template run<bool>(Command{"HEXISTS", key, field}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hlen(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"HLEN", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hgetall(Key key, Extra&&... extra) {
    return this->template run<std::vector<std::pair<std::string, std::string>>>(Command{"HGETALL", key}, std::forward<Extra>(extra)...);
  }
  // One value per requested field, in their order; nullopt for a field the hash lacks.
  template <class... Extra>
  decltype(auto) hmget(Key key, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::optional<std::string>>>(std::move(Command{"HMGET", key}.args(fields)),
                                                                       std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hdel(Key key, Fields fields, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"HDEL", key}.args(fields)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hvals(Key key, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(Command{"HVALS", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hkeys(Key key, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(Command{"HKEYS", key}, std::forward<Extra>(extra)...);
  }
  // nullopt when the hash is empty or missing.
  template <class... Extra>
  decltype(auto) hrandfield(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"HRANDFIELD", key}, std::forward<Extra>(extra)...);
  }
  // count > 0: distinct fields, up to count; count < 0: |count| fields, repeats allowed.
  template <class... Extra>
  decltype(auto) hrandfield_count(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"HRANDFIELD", key}.arg(count)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hrandfield_withvalues(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<std::vector<std::pair<std::string, std::string>>>(
        std::move(Command{"HRANDFIELD", key}.arg(count).arg("WITHVALUES")), std::forward<Extra>(extra)...);
  }
  // 0 when the field or the key does not exist.
  template <class... Extra>
  decltype(auto) hstrlen(Key key, std::string_view field, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"HSTRLEN", key, field}, std::forward<Extra>(extra)...);
  }

  // ---- hash-field expiry (valkey 9.0) ----
  // Per field: the seconds left; -1 without expiry, -2 when the field (or key) does not exist.
  template <class... Extra>
  decltype(auto) httl(Key key, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(fields_command("HTTL", key, fields), std::forward<Extra>(extra)...);
  }
  // Per field: the milliseconds left; -1 and -2 as for httl.
  template <class... Extra>
  decltype(auto) hpttl(Key key, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(fields_command("HPTTL", key, fields), std::forward<Extra>(extra)...);
  }
  // Per field: the Unix time (seconds) it expires at; -1 and -2 as for httl.
  template <class... Extra>
  decltype(auto) hexpiretime(Key key, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(fields_command("HEXPIRETIME", key, fields), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hpexpiretime(Key key, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(fields_command("HPEXPIRETIME", key, fields), std::forward<Extra>(extra)...);
  }
  // true when every field was set (with its expiry); false when the condition kept them all unset.
  template <class... Extra>
    requires TokenOnly<Extra...> && NoneIs<HashFieldConditionalChange, Extra...> && NoneIs<ExpirySet, Extra...>
  decltype(auto) hsetex(Key key, std::vector<std::pair<std::string, std::string>> field_value_map, Extra&&... extra) {
    return this->template run<bool>(hsetex_command(key, field_value_map, std::nullopt, std::nullopt), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hsetex(Key key, std::vector<std::pair<std::string, std::string>> field_value_map,
                        std::optional<HashFieldConditionalChange> field_conditional_change, std::optional<ExpirySet> expiry,
                        Extra&&... extra) {
    return this->template run<bool>(hsetex_command(key, field_value_map, field_conditional_change, expiry), std::forward<Extra>(extra)...);
  }
  // The values, as hmget's; the expiry (or PERSIST) applies to the fields that exist.
  template <class... Extra>
    requires NoneIs<ExpiryGetEx, Extra...>
  decltype(auto) hgetex(Key key, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::optional<std::string>>>(hgetex_command(key, fields, std::nullopt),
                                                                       std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hgetex(Key key, Fields fields, const ExpiryGetEx& expiry, Extra&&... extra) {
    return this->template run<std::vector<std::optional<std::string>>>(hgetex_command(key, fields, expiry), std::forward<Extra>(extra)...);
  }
  // Per field: 1 set, 0 condition not met, 2 deleted at once (time already past), -2 no such field.
  template <class... Extra>
    requires NoneIs<ExpireOptions, Extra...>
  decltype(auto) hexpire(Key key, std::int64_t seconds, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(field_expire_command("HEXPIRE", key, seconds, fields, std::nullopt),
                                                         std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hexpire(Key key, std::int64_t seconds, Fields fields, ExpireOptions option, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(field_expire_command("HEXPIRE", key, seconds, fields, option),
                                                         std::forward<Extra>(extra)...);
  }
  // Per field: 1 expiry removed, -1 it had none, -2 no such field.
  template <class... Extra>
  decltype(auto) hpersist(Key key, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(fields_command("HPERSIST", key, fields), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<ExpireOptions, Extra...>
  decltype(auto) hpexpire(Key key, std::int64_t milliseconds, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(field_expire_command("HPEXPIRE", key, milliseconds, fields, std::nullopt),
                                                         std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hpexpire(Key key, std::int64_t milliseconds, Fields fields, ExpireOptions option, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(field_expire_command("HPEXPIRE", key, milliseconds, fields, option),
                                                         std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<ExpireOptions, Extra...>
  decltype(auto) hexpireat(Key key, std::int64_t unix_timestamp, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(field_expire_command("HEXPIREAT", key, unix_timestamp, fields, std::nullopt),
                                                         std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hexpireat(Key key, std::int64_t unix_timestamp, Fields fields, ExpireOptions option, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(field_expire_command("HEXPIREAT", key, unix_timestamp, fields, option),
                                                         std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<ExpireOptions, Extra...>
  decltype(auto) hpexpireat(Key key, std::int64_t unix_timestamp_ms, Fields fields, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(field_expire_command("HPEXPIREAT", key, unix_timestamp_ms, fields, std::nullopt),
                                                         std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) hpexpireat(Key key, std::int64_t unix_timestamp_ms, Fields fields, ExpireOptions option, Extra&&... extra) {
    return this->template run<std::vector<std::int64_t>>(field_expire_command("HPEXPIREAT", key, unix_timestamp_ms, fields, option),
                                                         std::forward<Extra>(extra)...);
  }

  // The next cursor ("0": the scan is complete) and this round's fields with their values.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) hscan(Key key, std::string_view cursor, Extra&&... extra) {
    return this->template run<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>(
        hscan_command(key, cursor, std::nullopt, std::nullopt, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) hscan(Key key, std::string_view cursor, std::optional<std::string_view> match, std::optional<std::int64_t> count,
                       Extra&&... extra) {
    return this->template run<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>(
        hscan_command(key, cursor, match, count, false), std::forward<Extra>(extra)...);
  }
  // With no_values the list holds fields only (NOVALUES, valkey 8.0); without, it alternates
  // field, value as the server sends it (GLIDE's flat list).
  template <class... Extra>
  decltype(auto) hscan(Key key, std::string_view cursor, std::optional<std::string_view> match, std::optional<std::int64_t> count,
                       bool no_values, Extra&&... extra) {
    return this->template run<std::pair<std::string, std::vector<std::string>>>(hscan_command(key, cursor, match, count, no_values),
                                                                                std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
