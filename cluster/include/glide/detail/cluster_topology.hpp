#pragma once
// The cluster's slot map, read from CLUSTER SHARDS or (servers before 7.0) CLUSTER SLOTS.
#include <glide/error.hpp>
#include <glide/value.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace glide::detail {

// "host:port", the name a node goes by in routing, MOVED replies and ClusterValue.
std::string node_name(std::string_view host, std::int64_t port);

struct Shard {
  std::string primary;
  std::vector<std::string> replicas;  // those that can serve reads (not flagged as failed)
};

struct Topology {
  std::vector<Shard> shards;                    // shards that serve slots
  std::array<std::int16_t, 16384> slot_owner;  // index into shards, -1: unassigned
};

// `asked_host` is the host of the node that answered: nodes that announce no endpoint ("" or
// "?") are reached there. `tls`: the client connects over TLS, so a node's "tls-port" is its port.
// An error when the reply has no usable shard (a node that is not in a cluster yet, a reply of
// the wrong shape).
Result<Topology> topology_from_shards(const Value& reply, std::string_view asked_host, bool tls);
Result<Topology> topology_from_slots(const Value& reply, std::string_view asked_host);

}  // namespace glide::detail
