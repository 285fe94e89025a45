#include <glide/detail/slot_map.hpp>

#include <algorithm>

namespace glide::detail {

SlotMap SlotMap::standalone(std::string node) {
  SlotMap m;
  m.cluster_ = false;
  m.topology_.shards.push_back(Shard{std::move(node), {}});
  m.topology_.slot_owner.fill(0);
  return m;
}

SlotMap::SlotMap(ReadFrom read_from) : read_from_(read_from) { topology_.slot_owner.fill(-1); }

void SlotMap::install(Topology t) {
  topology_ = std::move(t);
  ++epoch_;
}

std::string SlotMap::pick(const Shard& s, bool replica) {
  if (replica && !s.replicas.empty()) return s.replicas[round_robin_++ % s.replicas.size()];
  return s.primary;
}

std::string SlotMap::owner(int slot, bool read) {
  if (topology_.shards.empty()) return {};
  const bool replica = read && read_from_ == ReadFrom::PREFER_REPLICA;
  if (slot < 0) return pick(topology_.shards[round_robin_++ % topology_.shards.size()], replica);
  auto idx = topology_.slot_owner[static_cast<std::size_t>(slot)];
  if (idx < 0) idx = 0;  // unassigned: ask anyone, the redirect tells us better
  return pick(topology_.shards[static_cast<std::size_t>(idx)], replica);
}

void SlotMap::moved(int slot, const std::string& node) {
  if (slot < 0 || slot > 16383) return;
  for (std::size_t i = 0; i < topology_.shards.size(); ++i)
    if (topology_.shards[i].primary == node) {
      topology_.slot_owner[static_cast<std::size_t>(slot)] = static_cast<std::int16_t>(i);
      ++epoch_;
    }
}

bool SlotMap::is_replica(const std::string& node) const {
  for (const auto& shard : topology_.shards)
    if (std::find(shard.replicas.begin(), shard.replicas.end(), node) != shard.replicas.end()) return true;
  return false;
}

Result<RoutePlan> SlotMap::plan_route(const Route& route, bool readonly) {
  RoutePlan p;
  auto by_slot = [&](int slot, SlotType type) {
    p.slot = slot;
    const auto idx = std::max<std::int16_t>(topology_.slot_owner[static_cast<std::size_t>(slot)], 0);
    p.nodes.push_back(pick(topology_.shards[static_cast<std::size_t>(idx)], type == SlotType::REPLICA));
  };
  if (topology_.shards.empty()) return fail(errc::connection_error, "no node is known to serve requests");
  if (auto* k = std::get_if<SlotKeyRoute>(&route)) {
    by_slot(hash_slot(k->slot_key), k->slot_type);
  } else if (auto* id = std::get_if<SlotIdRoute>(&route)) {
    if (id->slot_id < 0 || id->slot_id > 16383)
      return fail(errc::configuration_error, "slot id " + std::to_string(id->slot_id) + " outside 0..16383");
    by_slot(id->slot_id, id->slot_type);
  } else if (std::holds_alternative<AllPrimaries>(route) || std::holds_alternative<AllNodes>(route)) {
    p.multi = cluster_;
    p.slot = pinned_slot;
    for (const auto& s : topology_.shards) {
      p.nodes.push_back(s.primary);
      if (std::holds_alternative<AllNodes>(route)) p.nodes.insert(p.nodes.end(), s.replicas.begin(), s.replicas.end());
    }
  } else if (std::holds_alternative<RandomNode>(route)) {
    p.nodes.push_back(owner(-1, readonly));
  } else {
    const auto& a = std::get<ByAddressRoute>(route);
    p.nodes.push_back(node_name(a.host, a.port));
    p.slot = pinned_slot;
  }
  return p;
}

Result<RoutePlan> SlotMap::plan_command(const Command& command, const std::optional<Route>& route) {
  if (!cluster_) return RoutePlan{{topology_.shards.front().primary}, -1, false, ResponsePolicy::none};
  const auto argv = command.arguments();
  const CommandInfo* info = find_command(argv);
  const bool readonly = info && info->readonly;
  auto with_policy = [&](Result<RoutePlan> p) {
    if (p && info) p.value().policy = info->response_policy;
    return p;
  };
  if (route) return with_policy(plan_route(*route, readonly));
  const auto keys = command_keys(argv);
  if (!keys.empty()) {
    const int slot = hash_slot(keys.front());
    for (auto k : keys) {
      if (hash_slot(k) == slot) continue;
      std::string msg = "CROSSSLOT Keys in request don't hash to the same slot:";
      for (auto key : keys) msg += " '" + std::string(key) + "' -> " + std::to_string(hash_slot(key));
      return fail(errc::crossslot, std::move(msg));
    }
    RoutePlan p;
    p.slot = slot;
    p.nodes.push_back(owner(slot, readonly));
    return p;
  }
  if (info && info->request_policy == RequestPolicy::all_nodes) return with_policy(plan_route(AllNodes{}, readonly));
  if (info && info->request_policy == RequestPolicy::all_shards) return with_policy(plan_route(AllPrimaries{}, readonly));
  return with_policy(plan_route(RandomNode{}, readonly));
}

Result<std::vector<int>> entry_slots(const BatchData& batch) {
  std::vector<int> slots(batch.size(), -1);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto argv = command_arguments(batch.command_wire(i));
    for (auto k : command_keys(argv)) {
      const int s = hash_slot(k);
      if (slots[i] >= 0 && slots[i] != s)
        return fail(errc::crossslot, "CROSSSLOT batch entry #" + std::to_string(i) + " has keys in slots " +
                                         std::to_string(slots[i]) + " and " + std::to_string(s));
      slots[i] = s;
    }
  }
  return slots;
}

}  // namespace glide::detail
