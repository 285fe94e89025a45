#include <glide/commands/streams.hpp>

#include <tuple>

namespace glide {
namespace {

// XINFO's replies name their fields: a map in RESP3, a flat key/value array in RESP2. A field the
// server does not send reads as nil, so optional members of older servers' replies stay empty.
class NamedFields {
 public:
  static Result<NamedFields> of(const Value& v) {
    auto fields = v.as<std::vector<std::pair<std::string, Value>>>();
    if (!fields) return fields.error();
    return NamedFields(std::move(fields).value());
  }
  template <class T>
  void read(std::string_view name, T& out) {
    if (failed_) return;
    static const Value missing;
    const Value* found = &missing;
    for (const auto& [key, value] : fields_)
      if (key == name) found = &value;
    auto converted = found->as<T>();
    if (!converted) {
      failed_ = Error(converted.error().code(), std::string(name).append(": ").append(converted.error().message()));
      return;
    }
    out = std::move(converted).value();
  }
  // The struct read, or the first field that did not convert.
  template <class T>
  Result<T> finish(T&& out) {
    if (failed_) return *failed_;
    return std::forward<T>(out);
  }

 private:
  explicit NamedFields(std::vector<std::pair<std::string, Value>> fields) : fields_(std::move(fields)) {}
  std::vector<std::pair<std::string, Value>> fields_;
  std::optional<Error> failed_;
};

}  // namespace

Result<StreamEntry> FromValue<StreamEntry>::convert(const Value& v) {
  using Fields = std::optional<std::vector<std::pair<std::string, std::string>>>;
  auto entry = v.as<std::pair<std::string, Fields>>();
  if (!entry) return entry.error();
  return StreamEntry{std::move(entry.value().first), std::move(entry.value().second)};
}

Result<StreamPendingSummary> FromValue<StreamPendingSummary>::convert(const Value& v) {
  using Consumers = std::vector<std::pair<std::string, std::int64_t>>;
  using Shape = std::tuple<std::int64_t, std::optional<std::string>, std::optional<std::string>, std::optional<Consumers>>;
  auto s = v.as<Shape>();
  if (!s) return s.error();
  auto& [count, start_id, end_id, consumers] = s.value();
  return StreamPendingSummary{count, std::move(start_id), std::move(end_id), consumers ? std::move(*consumers) : Consumers{}};
}

Result<StreamPendingEntry> FromValue<StreamPendingEntry>::convert(const Value& v) {
  auto row = v.as<std::tuple<std::string, std::string, std::int64_t, std::int64_t>>();
  if (!row) return row.error();
  auto& [id, consumer, elapsed, delivered] = row.value();
  return StreamPendingEntry{std::move(id), std::move(consumer), elapsed, delivered};
}

Result<StreamGroupInfo> FromValue<StreamGroupInfo>::convert(const Value& v) {
  auto fields = NamedFields::of(v);
  if (!fields) return fields.error();
  auto& f = fields.value();
  StreamGroupInfo g;
  f.read("name", g.name);
  f.read("consumers", g.consumers);
  f.read("pending", g.pending);
  f.read("last-delivered-id", g.last_delivered_id);
  f.read("entries-read", g.entries_read);
  f.read("lag", g.lag);
  return f.finish(std::move(g));
}

Result<StreamConsumerInfo> FromValue<StreamConsumerInfo>::convert(const Value& v) {
  auto fields = NamedFields::of(v);
  if (!fields) return fields.error();
  auto& f = fields.value();
  StreamConsumerInfo c;
  f.read("name", c.name);
  f.read("pending", c.pending);
  f.read("idle", c.idle);
  f.read("inactive", c.inactive);
  return f.finish(std::move(c));
}

Result<StreamInfo> FromValue<StreamInfo>::convert(const Value& v) {
  auto fields = NamedFields::of(v);
  if (!fields) return fields.error();
  auto& f = fields.value();
  StreamInfo s;
  f.read("length", s.length);
  f.read("radix-tree-keys", s.radix_tree_keys);
  f.read("radix-tree-nodes", s.radix_tree_nodes);
  f.read("last-generated-id", s.last_generated_id);
  f.read("max-deleted-entry-id", s.max_deleted_entry_id);
  f.read("entries-added", s.entries_added);
  f.read("recorded-first-entry-id", s.recorded_first_entry_id);
  f.read("groups", s.groups);
  f.read("first-entry", s.first_entry);
  f.read("last-entry", s.last_entry);
  return f.finish(std::move(s));
}

namespace detail {

void add_stream_trim(Command& c, const StreamTrimOptions& trim) {
  std::visit(
      [&c](const auto& t) {
        c.arg(std::is_same_v<std::decay_t<decltype(t)>, TrimByMaxLen> ? "MAXLEN" : "MINID");
        c.arg(t.exact ? "=" : "~").arg(t.threshold);
        if (t.limit) c.arg("LIMIT").arg(*t.limit);
      },
      trim);
}

void add_stream_add_options(Command& c, const StreamAddOptions& o) {
  if (!o.make_stream) c.arg("NOMKSTREAM");
  if (o.trim) add_stream_trim(c, *o.trim);
  c.arg(o.id ? std::string_view(*o.id) : std::string_view("*"));
}

void add_stream_read_options(Command& c, std::optional<std::int64_t> block_ms, std::optional<std::int64_t> count) {
  if (block_ms) c.arg("BLOCK").arg(*block_ms);
  if (count) c.arg("COUNT").arg(*count);
}

void add_streams(Command& c, const std::vector<std::pair<std::string, std::string>>& keys_and_ids) {
  c.arg("STREAMS");
  for (const auto& [key, id] : keys_and_ids) c.arg(key);
  for (const auto& [key, id] : keys_and_ids) c.arg(id);
}

void add_stream_claim_options(Command& c, const StreamClaimOptions& o) {
  if (o.idle) c.arg("IDLE").arg(*o.idle);
  if (o.idle_unix_time) c.arg("TIME").arg(*o.idle_unix_time);
  if (o.retry_count) c.arg("RETRYCOUNT").arg(*o.retry_count);
  if (o.is_force) c.arg("FORCE");
}

Command xpending_range_command(std::string_view key, std::string_view group_name, const StreamRangeBound& start,
                               const StreamRangeBound& end, std::int64_t count, const StreamPendingOptions& options) {
  Command c{"XPENDING", key, group_name};
  if (options.min_idle_time_ms) c.arg("IDLE").arg(*options.min_idle_time_ms);
  c.arg(start.to_arg()).arg(end.to_arg()).arg(count);
  if (options.consumer_name) c.arg(*options.consumer_name);
  return c;
}

Command xautoclaim_command(std::string_view key, std::string_view group_name, std::string_view consumer_name,
                           std::int64_t min_idle_time_ms, std::string_view start, std::optional<std::int64_t> count,
                           bool just_id) {
  Command c{"XAUTOCLAIM", key, group_name, consumer_name};
  c.arg(min_idle_time_ms).arg(start);
  if (count) c.arg("COUNT").arg(*count);
  if (just_id) c.arg("JUSTID");
  return c;
}

Command xclaim_command(std::string_view key, std::string_view group, std::string_view consumer,
                       std::int64_t min_idle_time_ms, const std::vector<std::string>& ids, bool just_id,
                       const StreamClaimOptions& options) {
  Command c{"XCLAIM", key, group, consumer};
  c.arg(min_idle_time_ms).args(ids);
  if (just_id) c.arg("JUSTID");
  add_stream_claim_options(c, options);
  return c;
}

}  // namespace detail
}  // namespace glide
