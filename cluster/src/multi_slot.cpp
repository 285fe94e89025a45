#include <glide/detail/multi_slot.hpp>
#include <glide/detail/exchange.hpp>
#include <glide/detail/resp.hpp>
#include <glide/route.hpp>

#include <algorithm>
#include <unordered_map>

namespace glide::detail {
namespace {

// The commands GLIDE splits, with how their parts' answers combine. WATCH is not multi_shard in
// the server's table, but watching keys on several nodes is what a multi-node check-and-set needs.
const CommandInfo* splittable(const std::vector<std::string_view>& argv, ResponsePolicy& policy, bool& in_key_order) {
  const CommandInfo* info = find_command(argv);
  if (!info || info->keys.size() != 1 || info->keys.front().find != KeySpec::range) return nullptr;
  if (info->name == "WATCH") {
    policy = ResponsePolicy::all_succeeded;
  } else if (info->request_policy == RequestPolicy::multi_shard) {
    policy = info->response_policy;
  } else {
    return nullptr;
  }
  in_key_order = info->name == "MGET";
  return info;
}

}  // namespace

std::optional<SlotSplit> split_by_slot(const std::vector<std::string_view>& argv) {
  SlotSplit split;
  const CommandInfo* info = splittable(argv, split.policy, split.in_key_order);
  if (!info) return std::nullopt;
  split.readonly = info->readonly;
  const KeySpec& spec = info->keys.front();
  const auto first = static_cast<std::size_t>(spec.begin_index);
  const auto step = static_cast<std::size_t>(std::max(spec.b, 1));
  if (argv.size() <= first || (argv.size() - first) % step != 0) return std::nullopt;  // the server's error to give

  struct Group {
    std::vector<std::string_view> args;
    std::vector<std::uint32_t> positions;
  };
  std::vector<Group> groups;
  std::vector<int> slots;
  std::unordered_map<int, std::size_t> group_of;
  for (std::size_t at = first; at < argv.size(); at += step) {
    const int slot = hash_slot(argv[at]);
    auto [it, added] = group_of.try_emplace(slot, groups.size());
    if (added) {
      groups.push_back({{argv.begin(), argv.begin() + static_cast<std::ptrdiff_t>(first)}, {}});
      slots.push_back(slot);
    }
    auto& g = groups[it->second];
    g.args.insert(g.args.end(), argv.begin() + static_cast<std::ptrdiff_t>(at), argv.begin() + static_cast<std::ptrdiff_t>(at + step));
    g.positions.push_back(static_cast<std::uint32_t>(split.keys++));
  }
  if (groups.size() < 2) return std::nullopt;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    std::string wire;
    append_header(wire, '*', groups[i].args.size());
    for (auto arg : groups[i].args) append_bulk(wire, arg);
    split.parts.push_back({slots[i], std::move(wire), std::move(groups[i].positions)});
  }
  return split;
}

Value combine_split(const SlotSplit& split, std::vector<Value> answers) {
  for (auto& a : answers)
    if (a.is_error()) return std::move(a);
  if (!split.in_key_order) {
    std::vector<std::pair<std::string, Value>> per_part;
    for (auto& a : answers) per_part.emplace_back(std::string(), std::move(a));
    return combine(split.policy, std::move(per_part));
  }
  Value::Array values(split.keys);
  for (std::size_t p = 0; p < split.parts.size(); ++p) {
    auto& items = answers[p].items();
    const auto& positions = split.parts[p].positions;
    if (answers[p].kind() != ValueKind::array || items.size() != positions.size())
      return Value::error("ERR a part of a split MGET answered with " + std::to_string(items.size()) + " values for " +
                          std::to_string(positions.size()) + " keys");
    for (std::size_t k = 0; k < positions.size(); ++k) values[positions[k]] = std::move(items[k]);
  }
  return Value::array(std::move(values));
}

std::optional<ExpandedBatch> expand_multi_slot(const BatchData& batch) {
  std::vector<std::shared_ptr<const SlotSplit>> splits(batch.size());
  bool any = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (auto s = split_by_slot(command_arguments(batch.command_wire(i)))) {
      splits[i] = std::make_shared<const SlotSplit>(std::move(*s));
      any = true;
    }
  }
  if (!any) return std::nullopt;
  auto out = std::make_shared<BatchData>();
  out->atomic = batch.atomic;
  out->revision = next_batch_revision();
  out->blocking = batch.blocking;
  out->blocks_forever = batch.blocks_forever;
  ExpandedBatch expanded;
  auto script = batch.scripts.begin();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    expanded.origins.push_back({static_cast<std::uint32_t>(out->size()), splits[i]});
    if (splits[i]) {
      for (const auto& part : splits[i]->parts) {
        out->offsets.push_back(out->wire.size());
        out->wire += part.wire;
      }
      continue;
    }
    if (script != batch.scripts.end() && script->index == i) out->scripts.push_back({out->size(), (script++)->script});
    out->offsets.push_back(out->wire.size());
    out->wire += batch.command_wire(i);
  }
  expanded.batch = std::move(out);
  return expanded;
}

std::vector<Value> fold_expanded(const ExpandedBatch& expanded, std::vector<Value> answers) {
  std::vector<Value> folded;
  folded.reserve(expanded.origins.size());
  for (const auto& origin : expanded.origins) {
    if (!origin.split) {
      folded.push_back(std::move(answers[origin.first]));
      continue;
    }
    const auto begin = answers.begin() + origin.first;
    std::vector<Value> parts(std::make_move_iterator(begin),
                             std::make_move_iterator(begin + static_cast<std::ptrdiff_t>(origin.split->parts.size())));
    folded.push_back(combine_split(*origin.split, std::move(parts)));
  }
  return folded;
}

}  // namespace glide::detail
