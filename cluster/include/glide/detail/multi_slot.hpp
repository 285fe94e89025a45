#pragma once
// A multi-key command whose keys lie in several slots (MGET, MSET, DEL, EXISTS, UNLINK, TOUCH,
// WATCH) is split into one command per slot, sent to the owners in parallel, and its answers put
// back together as GLIDE does: MGET's values in the caller's key order, counts summed, OK when
// every part is OK; the first part that failed fails the whole. Everything else that spans slots
// (MSETNX, which must be atomic, among them) stays refused with CROSSSLOT. No I/O here: the
// engine sends the parts as a pipeline (tests/unit/multi_slot_test.cpp checks both halves).
#include <glide/batch.hpp>
#include <glide/detail/command_table.hpp>
#include <glide/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glide::detail {

struct SlotSplit {
  struct Part {
    int slot;
    std::string wire;                      // the command for this slot's keys, encoded
    std::vector<std::uint32_t> positions;  // which of the caller's keys it carries, in order
  };
  std::vector<Part> parts;  // in the order of each slot's first key
  std::size_t keys = 0;
  bool readonly = false;      // a replica may serve the parts (read_from)
  bool in_key_order = false;  // MGET: the parts' values scattered back to their keys' positions
  ResponsePolicy policy = ResponsePolicy::none;  // otherwise: how the parts' answers combine
};

// The split of argv, or nullopt when it needs none (one slot) or may not have one.
std::optional<SlotSplit> split_by_slot(const std::vector<std::string_view>& argv);

// The command's answer from its parts' answers, given in the order of split.parts.
Value combine_split(const SlotSplit& split, std::vector<Value> answers);

// A pipeline whose entries include commands that may be split: each becomes its parts, one entry
// each, and the answers fold back into one per entry of the caller's batch.
struct ExpandedBatch {
  std::shared_ptr<const BatchData> batch;
  struct Origin {
    std::uint32_t first = 0;  // its first entry in the expanded batch
    std::shared_ptr<const SlotSplit> split;  // null: the entry is carried over as it is
  };
  std::vector<Origin> origins;  // per entry of the caller's batch
};

// nullopt when no entry needs splitting.
std::optional<ExpandedBatch> expand_multi_slot(const BatchData& batch);
// The caller's entries' answers from the expanded batch's.
std::vector<Value> fold_expanded(const ExpandedBatch& expanded, std::vector<Value> answers);

}  // namespace glide::detail
