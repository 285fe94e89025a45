#pragma once
// Cluster routing vocabulary: slots, routes and multi-node values.
#include <glide/error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <map>
#include <string>
#include <string_view>
#include <variant>

namespace glide {

// CRC16/XMODEM of the key (or of its {hash tag}) mod 16384, as the server computes it.
std::uint16_t hash_slot(std::string_view key);

enum class SlotType { PRIMARY, REPLICA };
struct SlotKeyRoute {
  SlotType slot_type;
  std::string slot_key;
};
struct SlotIdRoute {
  SlotType slot_type;
  int slot_id;
};
struct AllPrimaries {};
struct AllNodes {};
struct RandomNode {};
struct ByAddressRoute {
  std::string host;
  std::uint16_t port;
};
using Route = std::variant<SlotKeyRoute, SlotIdRoute, AllPrimaries, AllNodes, RandomNode, ByAddressRoute>;

// One value (a single-node route) or one per node, keyed "host:port" (multi-node routes).
template <class T>
class ClusterValue {
 public:
  ClusterValue(T single) : v_(std::move(single)) {}
  ClusterValue(std::map<std::string, T> per_node) : v_(std::move(per_node)) {}
  bool is_single_value() const noexcept { return v_.index() == 0; }
  const T& single_value() const { return std::get<0>(v_); }
  const std::map<std::string, T>& multi_value() const { return std::get<1>(v_); }

 private:
  std::variant<T, std::map<std::string, T>> v_;
};

// How a cluster pipeline retries, as GLIDE defines it. retry_server_error: entries answered
// TRYAGAIN (and the like) are sent again. retry_connection_error: a node's share of the pipeline
// that failed with a connection error is sent again after the reconnect, at the risk of running
// twice. Redirects (MOVED/ASK) are always followed.
struct BatchRetryStrategy {
  bool retry_server_error = false;
  bool retry_connection_error = false;
};

struct ClusterBatchOptions {
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<Route> route;  // an atomic batch: where to run it (default: its keys' slot)
  std::optional<BatchRetryStrategy> retry_strategy;
};

}  // namespace glide
