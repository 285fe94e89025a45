#include <glide/detail/cluster_topology.hpp>

#include <map>

namespace glide::detail {
namespace {

std::int64_t int_or(const Value* v, std::int64_t otherwise) {
  if (!v) return otherwise;
  auto i = v->as_int();
  return i ? i.value() : otherwise;
}

std::string_view text_or_empty(const Value* v) {
  if (!v) return {};
  auto s = v->as_string();
  return s ? s.value() : std::string_view();
}

// A field of CLUSTER SHARDS' records: RESP3 sends maps, RESP2 flat key/value arrays.
const Value* field(const Value& record, std::string_view key) {
  if (record.kind() == ValueKind::map) {
    for (const auto& [k, v] : record.entries())
      if (k == key) return &v;
  } else if (record.kind() == ValueKind::array) {
    const auto& items = record.items();
    for (std::size_t i = 0; i + 1 < items.size(); i += 2)
      if (items[i] == key) return &items[i + 1];
  }
  return nullptr;
}

// An empty or "?" endpoint means "the node you asked" (the node does not know its own address).
std::string host_or_asked(std::string_view host, std::string_view asked_host) {
  return std::string(host.empty() || host == "?" ? asked_host : host);
}

// Builds the slot map from (slot range, primary, replicas) triples, one shard per primary.
class TopologyBuilder {
 public:
  TopologyBuilder() { t_.slot_owner.fill(-1); }

  void add(std::int64_t from, std::int64_t to, const std::string& primary, const std::vector<std::string>& replicas) {
    if (from < 0 || to > 16383 || from > to) return;
    auto [it, fresh] = shard_of_primary_.emplace(primary, static_cast<std::int16_t>(t_.shards.size()));
    if (fresh) t_.shards.push_back(Shard{primary, replicas});
    for (auto slot = from; slot <= to; ++slot) t_.slot_owner[static_cast<std::size_t>(slot)] = it->second;
  }

  Result<Topology> take(std::string_view command) && {
    if (t_.shards.empty()) return fail(errc::request_error, std::string(command) + " reports no slots");
    return std::move(t_);
  }

 private:
  Topology t_;
  std::map<std::string, std::int16_t> shard_of_primary_;
};

}  // namespace

std::string node_name(std::string_view host, std::int64_t port) { return std::string(host) + ":" + std::to_string(port); }

Result<Topology> topology_from_shards(const Value& reply, std::string_view asked_host, bool tls) {
  if (reply.kind() != ValueKind::array) return fail(errc::request_error, "CLUSTER SHARDS: not an array");
  TopologyBuilder builder;
  for (const auto& shard : reply.items()) {
    const Value* slots = field(shard, "slots");
    const Value* nodes = field(shard, "nodes");
    if (!slots || !nodes || !slots->is_aggregate() || !nodes->is_aggregate()) continue;
    std::string primary;
    bool primary_failed = false;
    std::vector<std::string> replicas;
    for (const auto& node : nodes->items()) {
      // A node has "port", "tls-port" or both, as it listens; over TLS the TLS one is the way in.
      const auto plain_port = int_or(field(node, "port"), 0), tls_port = int_or(field(node, "tls-port"), 0);
      const auto port = tls ? (tls_port ? tls_port : plain_port) : (plain_port ? plain_port : tls_port);
      if (port <= 0) continue;
      auto name = node_name(host_or_asked(text_or_empty(field(node, "endpoint")), asked_host), port);
      const auto role = text_or_empty(field(node, "role"));
      const auto health = text_or_empty(field(node, "health"));
      if (role == "master" || role == "primary") {
        // Right after a failover the shard lists its new primary and, until it comes back as a
        // replica, the failed old one: the one that did not fail owns the slots.
        if (primary.empty() || (primary_failed && health != "fail")) {
          primary = std::move(name);
          primary_failed = health == "fail";
        }
      } else if (health == "online") {
        // Replicas flagged as failed, or "loading" (no replication offset yet: its data may be
        // missing), serve no reads; CLUSTER SLOTS leaves the same replicas out.
        replicas.push_back(std::move(name));
      }
    }
    if (primary.empty()) continue;  // a shard between primaries (failover under way): no owner to route to
    const auto& ranges = slots->items();
    for (std::size_t i = 0; i + 1 < ranges.size(); i += 2)
      builder.add(int_or(&ranges[i], -1), int_or(&ranges[i + 1], -1), primary, replicas);
  }
  return std::move(builder).take("CLUSTER SHARDS");
}

Result<Topology> topology_from_slots(const Value& reply, std::string_view asked_host) {
  if (reply.kind() != ValueKind::array) return fail(errc::request_error, "CLUSTER SLOTS: not an array");
  // [host, port, id, ...] per node.
  auto name_of = [&](const Value& entry) -> std::string {
    if (entry.kind() != ValueKind::array || entry.items().size() < 2) return {};
    const auto port = int_or(&entry.items()[1], 0);
    return port > 0 ? node_name(host_or_asked(text_or_empty(&entry.items()[0]), asked_host), port) : std::string();
  };
  TopologyBuilder builder;
  for (const auto& range : reply.items()) {
    if (range.kind() != ValueKind::array || range.items().size() < 3) continue;
    const auto& f = range.items();
    const auto primary = name_of(f[2]);
    if (primary.empty()) continue;
    std::vector<std::string> replicas;
    for (std::size_t k = 3; k < f.size(); ++k)
      if (auto replica = name_of(f[k]); !replica.empty()) replicas.push_back(std::move(replica));
    builder.add(int_or(&f[0], -1), int_or(&f[1], -1), primary, replicas);
  }
  return std::move(builder).take("CLUSTER SLOTS");
}

}  // namespace glide::detail
