#pragma once
// Where a cluster pipeline's entries go: per node, which entries and their bytes, ready to send.
// Working this out means parsing every command for its keys (for a batch of 1000 SETs, most of
// exec()'s time), so a plan is kept while neither its batch nor the slot map changes.
#include <glide/batch.hpp>
#include <glide/detail/slot_map.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace glide::detail {

struct PipelinePlan {
  std::uint64_t revision = 0;  // of the batch
  std::uint64_t epoch = 0;     // of the slot map
  std::vector<int> slots;      // per entry, -1: keyless
  struct Group {
    std::string node;
    std::vector<std::uint32_t> entries;
    std::string wire;
  };
  std::vector<Group> groups;
  // Keyless entries whose command runs on every primary or node (DBSIZE, FLUSHALL, SCRIPT
  // EXISTS, ...): sent to each, the answers combined by the command's response policy, as
  // outside a batch.
  struct FanOut {
    std::uint32_t entry;
    ResponsePolicy policy;
  };
  std::vector<FanOut> fan_outs;
};

// Every entry goes where its keys' slot is (or `route` says); keyless entries go to one node
// picked at random, or to all of them when their command says so.
Result<std::shared_ptr<const PipelinePlan>> plan_pipeline(SlotMap& map, const BatchData& batch, const std::optional<Route>& route);

}  // namespace glide::detail
