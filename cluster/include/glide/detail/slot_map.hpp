#pragma once
// SlotMap: where requests go. A cluster's slot map (read with CLUSTER SHARDS), or for a
// standalone client a map of one node that owns every slot: both clients route through it, and
// only the cluster checks that a request's keys share a slot or fans a command out to all nodes.
#include <glide/batch.hpp>
#include <glide/command.hpp>
#include <glide/config.hpp>
#include <glide/detail/cluster_topology.hpp>
#include <glide/detail/command_table.hpp>
#include <glide/route.hpp>

#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace glide::detail {

// The slot of a request sent to a node by name (ByAddressRoute, or one node of an AllPrimaries /
// AllNodes fan-out): it has no slot, and if it must go again it goes to that node, never to
// another one picked for it (slot -1: keyless, any node will do).
inline constexpr int pinned_slot = -2;

// Where one command goes: one node, or several whose answers are combined by `policy`.
struct RoutePlan {
  boost::container::small_vector<std::string, 1> nodes;  // one node, the common case, without a heap allocation
  int slot = -1;       // the slot it was routed by (-1: none; pinned_slot: the nodes named)
  bool multi = false;  // a multi-node route: answers combined, or kept per node
  ResponsePolicy policy = ResponsePolicy::none;
};

class SlotMap {
 public:
  // A standalone server: `node` owns every slot.
  static SlotMap standalone(std::string node);
  explicit SlotMap(ReadFrom read_from = ReadFrom::PRIMARY);

  bool is_cluster() const noexcept { return cluster_; }
  void install(Topology t);
  const Topology& topology() const noexcept { return topology_; }
  // Bumped whenever the map changes: plans made from an older map are stale.
  std::uint64_t epoch() const noexcept { return epoch_; }

  // The node serving `slot` (-1: any primary); `read`: a replica may serve it (PREFER_REPLICA).
  std::string owner(int slot, bool read = false);
  // A MOVED reply: the slot lives at `node` now (the refresh fills in the rest).
  void moved(int slot, const std::string& node);
  bool is_replica(const std::string& node) const;

  Result<RoutePlan> plan_route(const Route& route, bool readonly);
  // By the command's keys (all in one slot, else errc::crossslot), its request policy (all
  // primaries, all nodes) or to any node; or where `route` says.
  Result<RoutePlan> plan_command(const Command& command, const std::optional<Route>& route);

 private:
  std::string pick(const Shard& s, bool replica);

  bool cluster_ = true;
  ReadFrom read_from_;
  Topology topology_;
  std::uint64_t epoch_ = 0;
  std::uint64_t round_robin_ = 0;
};

// Each entry's slot (-1: keyless), from its keys; one entry's keys must share a slot.
Result<std::vector<int>> entry_slots(const BatchData& batch);

}  // namespace glide::detail
