#include <glide/detail/pipeline_plan.hpp>

#include <unordered_map>

namespace glide::detail {

Result<std::shared_ptr<const PipelinePlan>> plan_pipeline(SlotMap& map, const BatchData& batch, const std::optional<Route>& route) {
  auto plan = std::make_shared<PipelinePlan>();
  plan->epoch = map.epoch();
  plan->revision = batch.revision;
  auto slots = entry_slots(batch);
  if (!slots) return slots.error();
  plan->slots = std::move(slots).value();
  std::optional<std::string> routed;
  if (route) {
    auto p = map.plan_route(*route, false);
    if (!p) return p.error();
    routed = p.value().nodes.front();
  }
  std::optional<std::string> keyless;  // every other keyless entry goes to one node picked at random
  std::unordered_map<std::string, std::size_t> index_of;
  auto add_to = [&](const std::string& node, std::uint32_t i) {
    auto [it, added] = index_of.try_emplace(node, plan->groups.size());
    if (added) plan->groups.push_back({node, {}, {}});
    plan->groups[it->second].entries.push_back(i);
  };
  for (std::uint32_t i = 0; i < batch.size(); ++i) {
    const int slot = plan->slots[i];
    if (routed) {
      add_to(*routed, i);
    } else if (slot >= 0) {
      add_to(map.owner(slot), i);
    } else if (const CommandInfo* info = find_command(command_arguments(batch.command_wire(i)));
               info && (info->request_policy == RequestPolicy::all_shards || info->request_policy == RequestPolicy::all_nodes)) {
      auto nodes = map.plan_route(info->request_policy == RequestPolicy::all_shards ? Route(AllPrimaries{}) : Route(AllNodes{}),
                                  info->readonly);
      if (!nodes) return nodes.error();
      plan->fan_outs.push_back({i, info->response_policy});
      for (const auto& node : nodes.value().nodes) add_to(node, i);
    } else {
      if (!keyless) keyless = map.owner(-1);
      add_to(*keyless, i);
    }
  }
  for (auto& group : plan->groups) {
    std::size_t size = 0;
    for (auto i : group.entries) size += batch.command_wire(i).size();
    group.wire.reserve(size);
    for (auto i : group.entries) group.wire += batch.command_wire(i);
  }
  return std::shared_ptr<const PipelinePlan>(std::move(plan));
}

}  // namespace glide::detail
