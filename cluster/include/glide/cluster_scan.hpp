#pragma once
// SCAN over a whole cluster: the cursor remembers which slots have been scanned, so every key that
// exists from the first call to the last is returned at least once, across slot migrations and
// failovers (a key may come more than once). A default-constructed cursor starts a scan;
// `is_finished()` says the last call covered every slot.
#include <bitset>
#include <memory>
#include <string>

namespace glide {
namespace detail {

inline constexpr int slot_count = 16384;
using SlotSet = std::bitset<slot_count>;

struct ClusterScanState {
  SlotSet scanned;
  std::string node;               // the node being scanned; empty: the next call picks one
  std::string node_cursor = "0";  // SCAN's cursor on that node
  SlotSet node_slots;             // what the node served, not scanned yet, when its scan began
  bool finished = false;
};

// The first slot not scanned yet; -1 when all are.
int first_unscanned(const SlotSet& scanned);
// The slots the node that answered `cluster_nodes` (CLUSTER NODES, asked of that node) serves as
// a primary with no migration in or out: only those were fully covered by its SCAN.
SlotSet stable_own_slots(std::string_view cluster_nodes);

}  // namespace detail

class ClusterScanCursor {
 public:
  ClusterScanCursor();
  explicit ClusterScanCursor(std::shared_ptr<const detail::ClusterScanState> state) : state_(std::move(state)) {}
  bool is_finished() const noexcept { return state_->finished; }
  const detail::ClusterScanState& state() const noexcept { return *state_; }

 private:
  std::shared_ptr<const detail::ClusterScanState> state_;
};

}  // namespace glide
