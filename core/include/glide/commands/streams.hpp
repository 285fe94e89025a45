#pragma once
// Streams: XADD, XREAD, consumer groups, XPENDING, XCLAIM, XINFO, ...
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
// Option types carry GLIDE's names (glide_shared/commands/stream.py); entry IDs are strings.
#include <glide/commands/common.hpp>
#include <glide/value.hpp>

#include <variant>

namespace glide {

// ---- options -----------------------------------------------------------------------------------

// Trimming: `exact` (=) or near-exact (~, cheaper; only then may `limit` cap the evictions).
struct TrimByMaxLen {
  bool exact = false;
  std::int64_t threshold = 0;
  std::optional<std::int64_t> limit{};
};
struct TrimByMinId {
  bool exact = false;
  std::string threshold{};  // the lowest ID kept
  std::optional<std::int64_t> limit{};
};
using StreamTrimOptions = std::variant<TrimByMaxLen, TrimByMinId>;

struct StreamAddOptions {
  std::optional<std::string> id{};  // none: "*", the server picks it
  bool make_stream = true;          // false: NOMKSTREAM
  std::optional<StreamTrimOptions> trim{};
};

// A bound of XRANGE, XREVRANGE and XPENDING: MinId{}, MaxId{}, IdBound{"5-0"}, ExclusiveIdBound{"5-0"}.
class StreamRangeBound {
 public:
  std::string_view to_arg() const noexcept { return arg_; }

 protected:
  explicit StreamRangeBound(std::string arg) : arg_(std::move(arg)) {}

 private:
  std::string arg_;
};
struct MinId : StreamRangeBound {
  MinId() : StreamRangeBound("-") {}
};
struct MaxId : StreamRangeBound {
  MaxId() : StreamRangeBound("+") {}
};
struct IdBound : StreamRangeBound {
  explicit IdBound(std::string_view stream_id) : StreamRangeBound(std::string(stream_id)) {}
  // A timestamp alone: every sequence number of that millisecond.
  static IdBound from_timestamp(std::int64_t timestamp) { return IdBound(std::to_string(timestamp)); }
};
struct ExclusiveIdBound : StreamRangeBound {
  explicit ExclusiveIdBound(std::string_view stream_id) : StreamRangeBound("(" + std::string(stream_id)) {}
  static ExclusiveIdBound from_timestamp(std::int64_t timestamp) { return ExclusiveIdBound(std::to_string(timestamp)); }
};

struct StreamReadOptions {
  std::optional<std::int64_t> block_ms{};  // BLOCK: wait this long for entries (0: forever)
  std::optional<std::int64_t> count{};
};
struct StreamReadGroupOptions {
  bool no_ack = false;  // NOACK: the entries skip the pending entries list
  std::optional<std::int64_t> block_ms{};
  std::optional<std::int64_t> count{};
};
struct StreamGroupOptions {
  bool make_stream = false;  // MKSTREAM
  std::optional<std::int64_t> entries_read{};
};
struct StreamPendingOptions {
  std::optional<std::int64_t> min_idle_time_ms{};
  std::optional<std::string> consumer_name{};
};
struct StreamClaimOptions {
  std::optional<std::int64_t> idle{};            // ms; the claim resets it to 0 otherwise
  std::optional<std::int64_t> idle_unix_time{};  // the same as a Unix time in ms
  std::optional<std::int64_t> retry_count{};
  bool is_force = false;  // FORCE: claim IDs no consumer has pending yet
};

// ---- results -----------------------------------------------------------------------------------

struct StreamEntry {
  std::string id{};
  // Field/value pairs in the order they were added; nullopt for an entry deleted while pending
  // (XREADGROUP reading a consumer's own history, ID "0").
  std::optional<std::vector<std::pair<std::string, std::string>>> fields{};
  bool operator==(const StreamEntry&) const = default;
};
// XREAD and XREADGROUP: each stream key with its entries, streams in the server's order.
using StreamReadResult = std::vector<std::pair<std::string, std::vector<StreamEntry>>>;

// XPENDING's summary; start_id and end_id are nullopt (and consumers empty) when nothing is pending.
struct StreamPendingSummary {
  std::int64_t num_group_messages = 0;
  std::optional<std::string> start_id{};
  std::optional<std::string> end_id{};
  std::vector<std::pair<std::string, std::int64_t>> consumers{};  // (consumer name, its pending count)
  bool operator==(const StreamPendingSummary&) const = default;
};
// One row of XPENDING's extended form.
struct StreamPendingEntry {
  std::string id{};
  std::string consumer_name{};
  std::int64_t time_elapsed = 0;  // ms since its last delivery
  std::int64_t num_delivered = 0;
  bool operator==(const StreamPendingEntry&) const = default;
};
// XAUTOCLAIM: Claimed is StreamEntry, or std::string for xautoclaim_just_id.
template <class Claimed>
struct StreamAutoClaimResult {
  std::string next_id{};  // where the next call starts; "0-0" once the whole stream was scanned
  std::vector<Claimed> claimed{};
  std::vector<std::string> deleted_ids{};  // pending but gone from the stream (now off the PEL too)
  bool operator==(const StreamAutoClaimResult&) const = default;
};

// XINFO GROUPS, XINFO CONSUMERS and XINFO STREAM as structs; optional members are the ones
// older servers lack (Valkey 7.0+, inactive 7.2+) or that the server may leave nil.
struct StreamGroupInfo {
  std::string name{};
  std::int64_t consumers = 0;
  std::int64_t pending = 0;
  std::string last_delivered_id{};
  std::optional<std::int64_t> entries_read{};
  std::optional<std::int64_t> lag{};
  bool operator==(const StreamGroupInfo&) const = default;
};
struct StreamConsumerInfo {
  std::string name{};
  std::int64_t pending = 0;
  std::int64_t idle = 0;  // ms since its last attempted interaction
  std::optional<std::int64_t> inactive{};  // ms since its last successful one (-1: never)
  bool operator==(const StreamConsumerInfo&) const = default;
};
struct StreamInfo {
  std::int64_t length = 0;
  std::int64_t radix_tree_keys = 0;
  std::int64_t radix_tree_nodes = 0;
  std::string last_generated_id{};
  std::optional<std::string> max_deleted_entry_id{};
  std::optional<std::int64_t> entries_added{};
  std::optional<std::string> recorded_first_entry_id{};
  std::int64_t groups = 0;
  std::optional<StreamEntry> first_entry{};  // nullopt for an empty stream
  std::optional<StreamEntry> last_entry{};
  bool operator==(const StreamInfo&) const = default;
};

template <>
struct FromValue<StreamEntry> {
  static Result<StreamEntry> convert(const Value& v);
};
template <>
struct FromValue<StreamPendingSummary> {
  static Result<StreamPendingSummary> convert(const Value& v);
};
template <>
struct FromValue<StreamPendingEntry> {
  static Result<StreamPendingEntry> convert(const Value& v);
};
template <>
struct FromValue<StreamGroupInfo> {
  static Result<StreamGroupInfo> convert(const Value& v);
};
template <>
struct FromValue<StreamConsumerInfo> {
  static Result<StreamConsumerInfo> convert(const Value& v);
};
template <>
struct FromValue<StreamInfo> {
  static Result<StreamInfo> convert(const Value& v);
};
template <class Claimed>
struct FromValue<StreamAutoClaimResult<Claimed>> {
  // Valkey 6.2 sends two elements (no deleted IDs), later ones three.
  static Result<StreamAutoClaimResult<Claimed>> convert(const Value& v) {
    auto arr = v.as_array();
    if (!arr) return arr.error();
    const auto items = arr.value();
    if (items.size() != 2 && items.size() != 3) return v.mismatch("XAUTOCLAIM's reply (an array of 2 or 3)");
    auto next = items[0].as<std::string>();
    if (!next) return next.error();
    auto claimed = items[1].as<std::vector<Claimed>>();
    if (!claimed) return claimed.error();
    auto deleted = items.size() == 3 ? items[2].as<std::vector<std::string>>() : Result<std::vector<std::string>>(std::vector<std::string>{});
    if (!deleted) return deleted.error();
    return StreamAutoClaimResult<Claimed>{std::move(next).value(), std::move(claimed).value(), std::move(deleted).value()};
  }
};

namespace detail {

void add_stream_trim(Command& c, const StreamTrimOptions& trim);
void add_stream_add_options(Command& c, const StreamAddOptions& o);
void add_stream_read_options(Command& c, std::optional<std::int64_t> block_ms, std::optional<std::int64_t> count);
// "STREAMS", the keys, then their IDs.
void add_streams(Command& c, const std::vector<std::pair<std::string, std::string>>& keys_and_ids);
void add_stream_claim_options(Command& c, const StreamClaimOptions& o);
Command xpending_range_command(std::string_view key, std::string_view group_name, const StreamRangeBound& start,
                               const StreamRangeBound& end, std::int64_t count, const StreamPendingOptions& options);
Command xautoclaim_command(std::string_view key, std::string_view group_name, std::string_view consumer_name,
                           std::int64_t min_idle_time_ms, std::string_view start, std::optional<std::int64_t> count,
                           bool just_id);
Command xclaim_command(std::string_view key, std::string_view group, std::string_view consumer,
                       std::int64_t min_idle_time_ms, const std::vector<std::string>& ids, bool just_id,
                       const StreamClaimOptions& options);

template <class Derived>
class StreamCommands : public CommandRunner<Derived, StreamCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;
  using FieldValues = std::vector<std::pair<std::string, std::string>>;
  using KeysAndIds = std::vector<std::pair<std::string, std::string>>;  // stream key -> ID to read after

  // The new entry's ID; nullopt when make_stream is false and the stream does not exist.
  template <class... Extra>
    requires NoneIs<StreamAddOptions, Extra...>
  decltype(auto) xadd(Key key, FieldValues values, Extra&&... extra) {
    return xadd(key, std::move(values), StreamAddOptions{}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xadd(Key key, FieldValues values, const StreamAddOptions& options, Extra&&... extra) {
    Command c{"XADD", key};
    add_stream_add_options(c, options);
    for (const auto& [field, value] : values) c.arg(field).arg(value);
    return this->template run<std::optional<std::string>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xdel(Key key, std::vector<std::string> ids, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"XDEL", key}.args(ids)), std::forward<Extra>(extra)...);
  }
  // How many entries were evicted.
  template <class... Extra>
  decltype(auto) xtrim(Key key, const StreamTrimOptions& options, Extra&&... extra) {
    Command c{"XTRIM", key};
    add_stream_trim(c, options);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xlen(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"XLEN", key}, std::forward<Extra>(extra)...);
  }
  // nullopt when count is not positive (the server answers nil).
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) xrange(Key key, const StreamRangeBound& start, const StreamRangeBound& end, Extra&&... extra) {
    return this->template run<std::optional<std::vector<StreamEntry>>>(Command{"XRANGE", key, start.to_arg(), end.to_arg()}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xrange(Key key, const StreamRangeBound& start, const StreamRangeBound& end, std::int64_t count, Extra&&... extra) {
    return this->template run<std::optional<std::vector<StreamEntry>>>(std::move(Command{"XRANGE", key, start.to_arg(), end.to_arg()}.arg("COUNT").arg(count)), std::forward<Extra>(extra)...);
  }
  // XRANGE from end down to start (GLIDE's order of arguments: end first).
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) xrevrange(Key key, const StreamRangeBound& end, const StreamRangeBound& start, Extra&&... extra) {
    return this->template run<std::optional<std::vector<StreamEntry>>>(Command{"XREVRANGE", key, end.to_arg(), start.to_arg()}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xrevrange(Key key, const StreamRangeBound& end, const StreamRangeBound& start, std::int64_t count, Extra&&... extra) {
    return this->template run<std::optional<std::vector<StreamEntry>>>(std::move(Command{"XREVRANGE", key, end.to_arg(), start.to_arg()}.arg("COUNT").arg(count)), std::forward<Extra>(extra)...);
  }
  // nullopt when no stream has entries after its ID (or BLOCK ran out).
  template <class... Extra>
    requires NoneIs<StreamReadOptions, Extra...>
  decltype(auto) xread(KeysAndIds keys_and_ids, Extra&&... extra) {
    return xread(std::move(keys_and_ids), StreamReadOptions{}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xread(KeysAndIds keys_and_ids, const StreamReadOptions& options, Extra&&... extra) {
    Command c{"XREAD"};
    add_stream_read_options(c, options.block_ms, options.count);
    add_streams(c, keys_and_ids);
    return this->template run<std::optional<StreamReadResult>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<StreamGroupOptions, Extra...>
  decltype(auto) xgroup_create(Key key, std::string_view group_name, std::string_view group_id, Extra&&... extra) {
    return xgroup_create(key, group_name, group_id, StreamGroupOptions{}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xgroup_create(Key key, std::string_view group_name, std::string_view group_id, const StreamGroupOptions& options, Extra&&... extra) {
    Command c{"XGROUP", "CREATE", key, group_name, group_id};
    if (options.make_stream) c.arg("MKSTREAM");
    if (options.entries_read) c.arg("ENTRIESREAD").arg(*options.entries_read);
    return this->template run<void>(std::move(c), std::forward<Extra>(extra)...);
  }
  // false when there was no such group.
  template <class... Extra>
  decltype(auto) xgroup_destroy(Key key, std::string_view group_name, Extra&&... extra) {
    return this->template run<bool>(Command{"XGROUP", "DESTROY", key, group_name}, std::forward<Extra>(extra)...);
  }
  // false when the consumer existed already.
  template <class... Extra>
  decltype(auto) xgroup_create_consumer(Key key, std::string_view group_name, std::string_view consumer_name, Extra&&... extra) {
    return this->template run<bool>(Command{"XGROUP", "CREATECONSUMER", key, group_name, consumer_name}, std::forward<Extra>(extra)...);
  }
  // How many entries the consumer still had pending.
  template <class... Extra>
  decltype(auto) xgroup_del_consumer(Key key, std::string_view group_name, std::string_view consumer_name, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"XGROUP", "DELCONSUMER", key, group_name, consumer_name}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) xgroup_set_id(Key key, std::string_view group_name, std::string_view stream_id, Extra&&... extra) {
    return this->template run<void>(Command{"XGROUP", "SETID", key, group_name, stream_id}, std::forward<Extra>(extra)...);
  }
  // entries_read_id is ENTRIESREAD: how many entries the group has read (the server wants a number).
  template <class... Extra>
  decltype(auto) xgroup_set_id(Key key, std::string_view group_name, std::string_view stream_id, std::int64_t entries_read_id, Extra&&... extra) {
    return this->template run<void>(std::move(Command{"XGROUP", "SETID", key, group_name, stream_id}.arg("ENTRIESREAD").arg(entries_read_id)), std::forward<Extra>(extra)...);
  }
  // nullopt when nothing could be served (or BLOCK ran out). ID ">" reads new entries; any other
  // ID reads the consumer's pending ones, where deleted entries have no fields.
  template <class... Extra>
    requires NoneIs<StreamReadGroupOptions, Extra...>
  decltype(auto) xreadgroup(KeysAndIds keys_and_ids, std::string_view group_name, std::string_view consumer_name, Extra&&... extra) {
    return xreadgroup(std::move(keys_and_ids), group_name, consumer_name, StreamReadGroupOptions{}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xreadgroup(KeysAndIds keys_and_ids, std::string_view group_name, std::string_view consumer_name, const StreamReadGroupOptions& options, Extra&&... extra) {
    Command c{"XREADGROUP", "GROUP", group_name, consumer_name};
    add_stream_read_options(c, options.block_ms, options.count);
    if (options.no_ack) c.arg("NOACK");
    add_streams(c, keys_and_ids);
    return this->template run<std::optional<StreamReadResult>>(std::move(c), std::forward<Extra>(extra)...);
  }
  // How many of the IDs were pending and are acknowledged now.
  template <class... Extra>
  decltype(auto) xack(Key key, std::string_view group_name, std::vector<std::string> ids, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"XACK", key, group_name}.args(ids)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xpending(Key key, std::string_view group_name, Extra&&... extra) {
    return this->template run<StreamPendingSummary>(Command{"XPENDING", key, group_name}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<StreamPendingOptions, Extra...>
  decltype(auto) xpending_range(Key key, std::string_view group_name, const StreamRangeBound& start, const StreamRangeBound& end, std::int64_t count, Extra&&... extra) {
    return xpending_range(key, group_name, start, end, count, StreamPendingOptions{}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xpending_range(Key key, std::string_view group_name, const StreamRangeBound& start, const StreamRangeBound& end, std::int64_t count, const StreamPendingOptions& options, Extra&&... extra) {
    return this->template run<std::vector<StreamPendingEntry>>(xpending_range_command(key, group_name, start, end, count, options), std::forward<Extra>(extra)...);
  }
  // The entries idle for at least min_idle_time_ms from `start` on, now owned by consumer_name.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) xautoclaim(Key key, std::string_view group_name, std::string_view consumer_name, std::int64_t min_idle_time_ms, std::string_view start, Extra&&... extra) {
    return this->template run<StreamAutoClaimResult<StreamEntry>>(xautoclaim_command(key, group_name, consumer_name, min_idle_time_ms, start, std::nullopt, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xautoclaim(Key key, std::string_view group_name, std::string_view consumer_name, std::int64_t min_idle_time_ms, std::string_view start, std::int64_t count, Extra&&... extra) {
    return this->template run<StreamAutoClaimResult<StreamEntry>>(xautoclaim_command(key, group_name, consumer_name, min_idle_time_ms, start, count, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) xautoclaim_just_id(Key key, std::string_view group_name, std::string_view consumer_name, std::int64_t min_idle_time_ms, std::string_view start, Extra&&... extra) {
    return this->template run<StreamAutoClaimResult<std::string>>(xautoclaim_command(key, group_name, consumer_name, min_idle_time_ms, start, std::nullopt, true), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xautoclaim_just_id(Key key, std::string_view group_name, std::string_view consumer_name, std::int64_t min_idle_time_ms, std::string_view start, std::int64_t count, Extra&&... extra) {
    return this->template run<StreamAutoClaimResult<std::string>>(xautoclaim_command(key, group_name, consumer_name, min_idle_time_ms, start, count, true), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xinfo_groups(Key key, Extra&&... extra) {
    return this->template run<std::vector<StreamGroupInfo>>(Command{"XINFO", "GROUPS", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xinfo_consumers(Key key, std::string_view group_name, Extra&&... extra) {
    return this->template run<std::vector<StreamConsumerInfo>>(Command{"XINFO", "CONSUMERS", key, group_name}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xinfo_stream(Key key, Extra&&... extra) {
    return this->template run<StreamInfo>(Command{"XINFO", "STREAM", key}, std::forward<Extra>(extra)...);
  }
  // XINFO STREAM FULL's fields by name, as the server nests them (entries, groups with their
  // consumers and pending entries): count caps the entries and PEL rows (0: all; default 10).
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) xinfo_stream_full(Key key, Extra&&... extra) {
    return this->template run<std::vector<std::pair<std::string, Value>>>(Command{"XINFO", "STREAM", key, "FULL"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xinfo_stream_full(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<std::vector<std::pair<std::string, Value>>>(std::move(Command{"XINFO", "STREAM", key, "FULL"}.arg("COUNT").arg(count)), std::forward<Extra>(extra)...);
  }
  // The claimed entries (those still in the stream).
  template <class... Extra>
    requires NoneIs<StreamClaimOptions, Extra...>
  decltype(auto) xclaim(Key key, std::string_view group, std::string_view consumer, std::int64_t min_idle_time_ms, std::vector<std::string> ids, Extra&&... extra) {
    return xclaim(key, group, consumer, min_idle_time_ms, std::move(ids), StreamClaimOptions{}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xclaim(Key key, std::string_view group, std::string_view consumer, std::int64_t min_idle_time_ms, std::vector<std::string> ids, const StreamClaimOptions& options, Extra&&... extra) {
    return this->template run<std::vector<StreamEntry>>(xclaim_command(key, group, consumer, min_idle_time_ms, ids, false, options), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<StreamClaimOptions, Extra...>
  decltype(auto) xclaim_just_id(Key key, std::string_view group, std::string_view consumer, std::int64_t min_idle_time_ms, std::vector<std::string> ids, Extra&&... extra) {
    return xclaim_just_id(key, group, consumer, min_idle_time_ms, std::move(ids), StreamClaimOptions{}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) xclaim_just_id(Key key, std::string_view group, std::string_view consumer, std::int64_t min_idle_time_ms, std::vector<std::string> ids, const StreamClaimOptions& options, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(xclaim_command(key, group, consumer, min_idle_time_ms, ids, true, options), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
