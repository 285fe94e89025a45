#include <glide/detail/exchange.hpp>
#include <glide/command.hpp>
#include <glide/detail/slot_map.hpp>

#include <algorithm>

namespace glide::detail {

const Script* Entries::script(std::size_t i) const {
  if (!batch) return one_script ? &*one_script : nullptr;
  if (batch->atomic) return nullptr;  // a transaction sends its scripts as EVAL
  const auto& scripts = batch->scripts;  // in entry order
  auto it = std::lower_bound(scripts.begin(), scripts.end(), i, [](const auto& s, std::size_t at) { return s.index < at; });
  return it != scripts.end() && it->index == i ? &it->script : nullptr;
}

Exchange::Exchange(Entries entries, ExchangeRules rules, TimePoint deadline)
    : entries_(std::move(entries)), rules_(rules), deadline_(deadline) {
  if (rules_.atomic) transaction_ = wrap_transaction(*entries_.batch);
}

std::uint16_t Exchange::node_index(const std::string& node) {
  if (!parts_.empty() && nodes_[parts_.back().node] == node) return parts_.back().node;  // a pipeline's parts come per node
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i] == node) return static_cast<std::uint16_t>(i);
  nodes_.push_back(node);
  return static_cast<std::uint16_t>(nodes_.size() - 1);
}

void Exchange::add_part(std::uint32_t entry, const std::string& node, int slot) {
  Part p;
  p.entry = entry;
  p.node = node_index(node);
  p.slot = slot;
  parts_.push_back(p);
  answers_.emplace_back();
}

void Exchange::gather(std::uint32_t entry, Gather how, ResponsePolicy policy) { gathers_.push_back({entry, how, policy}); }

void Exchange::prepare(std::uint32_t first_part, std::uint32_t count, std::string_view wire, std::shared_ptr<const void> owner) {
  prepared_.push_back({first_part, count, wire});
  prepared_owner_ = std::move(owner);
}

std::chrono::milliseconds time_left(Exchange::TimePoint deadline, Exchange::TimePoint now) {
  if (deadline == Exchange::TimePoint::max()) return std::chrono::milliseconds(0);
  return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now), std::chrono::milliseconds(1));
}

// ---- sending ----------------------------------------------------------------------------------

void Exchange::start(Routing& routing, TimePoint now) { send_round(routing, now); }

void Exchange::adopt(Result<Replies> first, Routing& routing, TimePoint now) {
  groups_.clear();
  groups_.push_back(Group{parts_.front().node, {0}, {}, {}, routing.links(nodes_[parts_.front().node])});
  groups_left_ = 1;
  replied(0, std::move(first), routing, now);
}

void Exchange::send_round(Routing& routing, TimePoint now) {
  groups_.clear();
  sends_.clear();
  std::vector<std::string_view> borrowed;  // per group: the prepared bytes, if still good
  for (const auto& pre : prepared_) {
    Group g{parts_[pre.first_part].node, {}, {}, {}, 0};
    for (std::uint32_t i = 0; i < pre.count; ++i) g.parts.push_back(pre.first_part + i);
    groups_.push_back(std::move(g));
    borrowed.push_back(pre.wire);
  }
  prepared_.clear();
  if (groups_.empty()) {
    for (std::uint32_t i = 0; i < parts_.size(); ++i) {
      if (parts_[i].settled) continue;
      auto it = std::find_if(groups_.begin(), groups_.end(), [&](const Group& g) { return g.node == parts_[i].node; });
      if (it == groups_.end()) it = groups_.insert(groups_.end(), Group{parts_[i].node, {}, {}, {}, 0});
      it->parts.push_back(i);
    }
  }
  groups_left_ = groups_.size();
  if (groups_.empty()) return void(finished_ = true);
  std::size_t refused = 0;
  for (std::size_t k = 0; k < groups_.size(); ++k) {
    Group& g = groups_[k];
    if (auto down = rules_.side ? std::nullopt : routing.down(nodes_[g.node])) {
      refuse(g, *down);
      ++refused;
      continue;
    }
    Request r;
    if (k < borrowed.size() && !needs_building(g, routing)) {
      r.borrowed = borrowed[k];
      r.owner = prepared_owner_;
      r.expected = g.parts.size();
    } else {
      r = build(g, routing);
    }
    r.timeout = time_left(deadline_, now);
    sends_.push_back(Send{k, nodes_[g.node], rules_.side, std::move(r)});
  }
  prepared_owner_.reset();
  if (refused > 0 && (groups_left_ -= refused) == 0) settle_round(routing, now);
}

// A node known down: its parts fail now, not after waiting in its queue for their timeout. Once
// the slot map, read since it went down, still sends them there, no other node serves their
// slots until a failover promotes one: that failure is their answer (docs/cluster.md). Before,
// they go again after the map is read.
void Exchange::refuse(const Group& g, const NodeDown& down) {
  const std::string& node = nodes_[g.node];
  std::string why = "cannot connect to " + node + " (" + down.why + ")";
  if (down.confirmed) {
    const int slot = parts_[g.parts.front()].slot;
    why += slot >= 0 ? ", and the cluster still gives it slot " + std::to_string(slot) + ": no other node serves it until a failover"
                     : ", the node the request is for";
  }
  const Error e(errc::connection_error, std::move(why));
  for (auto pi : g.parts) {
    fail_part(pi, e);
    parts_[pi].settled = down.confirmed;
  }
  if (rules_.follow_topology) want_refresh_ = true;  // to learn of the failover
}

// A prepared group can go as it is unless a script in it is not known on its node.
bool Exchange::needs_building(const Group& g, Routing& routing) const {
  if (!entries_.batch || entries_.batch->scripts.empty() || rules_.atomic) return false;
  const std::string& node = nodes_[g.node];
  const auto link = routing.links(node);
  const ScriptCache& cache = routing.scripts(node);
  for (auto pi : g.parts)
    if (const Script* s = entries_.script(parts_[pi].entry); s && needs_load(cache, *s, link)) return true;
  return false;
}

bool Exchange::loads_ahead(const Group& g, const Script& s) {
  return std::any_of(g.loads.begin(), g.loads.end(), [&](const Script* l) { return l->get_hash() == s.get_hash(); });
}

// The group's bytes: each part's command, after ASKING where a slot is being migrated, and after
// SCRIPT LOAD where its script is not known on the node (once per script and write).
Request Exchange::build(Group& g, Routing& routing) {
  const std::string& node = nodes_[g.node];
  g.link = routing.links(node);
  const ScriptCache& cache = routing.scripts(node);
  Request r;
  for (auto pi : g.parts) {
    const Part& p = parts_[pi];
    const Script* s = entries_.script(p.entry);
    if (s && needs_load(cache, *s, g.link) && !loads_ahead(g, *s)) {
      append_script_load(r.wire, *s);
      g.layout.push_back(load_reply - static_cast<std::int64_t>(g.loads.size()));
      g.loads.push_back(s);
    }
    if (p.asking) {
      Command{"ASKING"}.encode_to(r.wire);
      g.layout.push_back(asking_reply);
    }
    if (rules_.atomic) {
      r.wire += transaction_;
      g.layout.insert(g.layout.end(), entries_.size() + 2, pi);
    } else {
      r.wire += entries_.wire(p.entry);
      g.layout.push_back(pi);
    }
  }
  r.expected = g.layout.size();
  return r;
}

// ---- answers ----------------------------------------------------------------------------------

void Exchange::replied(std::size_t group, Result<Replies> replies, Routing& routing, TimePoint now) {
  Group& g = groups_[group];
  if (replies) {
    take_replies(g, std::move(replies).value(), routing);
  } else {
    for (auto pi : g.parts) fail_part(pi, replies.error());
  }
  if (--groups_left_ == 0) settle_round(routing, now);
}

void Exchange::take_replies(Group& g, Replies replies, Routing& routing) {
  if (g.layout.empty()) {
    for (std::size_t k = 0; k < g.parts.size() && k < replies.size(); ++k) {
      answers_[g.parts[k]] = std::move(replies[k]);
    }
    return;
  }
  std::vector<std::optional<Value>> load_errors(g.loads.size());
  Value::Array transaction;
  for (std::size_t k = 0; k < g.layout.size() && k < replies.size(); ++k) {
    const auto at = g.layout[k];
    if (at == asking_reply) continue;
    if (at <= load_reply) {
      const auto load = static_cast<std::size_t>(load_reply - at);
      if (replies[k].is_error())
        load_errors[load] = std::move(replies[k]);
      else
        routing.scripts(nodes_[g.node]).learned(g.loads[load]->get_hash(), g.link);
      continue;
    }
    Value& answer = answers_[static_cast<std::size_t>(at)];
    if (rules_.atomic) {
      transaction.push_back(std::move(replies[k]));
      if (transaction.size() == entries_.size() + 2) answer = Value::array(std::move(transaction));
    } else {
      answer = std::move(replies[k]);
    }
  }
  // A script that does not compile fails its SCRIPT LOAD, and its EVALSHA then says NOSCRIPT:
  // the load's error ("ERR Error compiling script ...") is the useful answer.
  for (std::size_t load = 0; load < load_errors.size(); ++load) {
    if (!load_errors[load]) continue;
    for (auto pi : g.parts)
      if (const Script* s = entries_.script(parts_[pi].entry); s && s->get_hash() == g.loads[load]->get_hash()) {
        answers_[pi] = *load_errors[load];
        parts_[pi].reloaded = true;
      }
  }
}

void Exchange::settle_round(Routing& routing, TimePoint now) {
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    if (parts_[i].settled) continue;
    if (!failures_.empty() && failures_[i])
      judge_failure(i, now);
    else
      judge_reply(i, routing, now);
  }
  const bool again = std::any_of(parts_.begin(), parts_.end(), [](const Part& p) { return !p.settled; });
  if (!again) return void(finished_ = true);
  if (want_refresh_ || pause_until_) return;  // resume() comes after them
  send_round(routing, now);
}

void Exchange::resume(Routing& routing, TimePoint now) {
  for (auto& p : parts_) {
    if (p.settled || !p.reroute) continue;
    p.reroute = false;
    if (p.slot != pinned_slot) p.node = node_index(routing.owner(p.slot));
  }
  send_round(routing, now);
}

void Exchange::fail_part(std::size_t i, const Error& e) {
  if (failures_.empty()) failures_.resize(parts_.size());
  failures_[i] = e;
}

// A part that got no reply: it goes again only where that cannot run it twice, unless the
// caller allowed it (retry_connection_error), and in a cluster, after the slot map is read again.
void Exchange::judge_failure(std::size_t i, TimePoint now) {
  Part& p = parts_[i];
  const auto code = failures_[i]->code();
  const bool unsent = code == errc::connection_error;
  const bool lost = unsent || code == errc::unknown_outcome;
  const bool may = rules_.follow_topology && p.attempts < max_attempts && now < deadline_;
  if (lost && rules_.follow_topology) want_refresh_ = true;  // the node may be gone: learn who serves its slots
  if (may && ((unsent && rules_.retry_unsent) || (lost && rules_.retry_lost))) {
    ++p.attempts;
    failures_[i].reset();
    p.asking = false;
    p.reroute = true;
    if (rules_.retry_lost) rules_.retry_lost = false;  // once: it may run twice already
    return;
  }
  p.settled = true;
}

// The transaction's verdict is that of its first queued command that was refused for where it
// was sent: nothing of it ran (EXEC aborted), so it all goes again.
namespace {
ReplyVerdict transaction_verdict(const Value& all, std::string_view node) {
  const auto& replies = all.items();
  for (std::size_t i = 1; i + 1 < replies.size(); ++i) {
    auto v = classify_reply(replies[i], node);
    if (v.kind != ReplyVerdict::final && v.kind != ReplyVerdict::noscript) return v;
  }
  return {};
}
}  // namespace

void Exchange::judge_reply(std::size_t i, Routing& routing, TimePoint now) {
  Part& p = parts_[i];
  const Value& answer = answers_[i];
  const std::string& node = nodes_[p.node];
  if (!answer.is_error() && !rules_.atomic) {
    if (flushed_scripts(entries_.wire(p.entry), answer)) routing.scripts(node).forget_all();
    return void(p.settled = true);
  }
  const ReplyVerdict v = rules_.atomic ? transaction_verdict(answer, node) : classify_reply(answer, node);
  const bool may = p.attempts < max_attempts;
  const bool topology = may && rules_.follow_topology;
  switch (v.kind) {
    case ReplyVerdict::moved:
    case ReplyVerdict::ask:
      if (!topology) break;
      if (v.kind == ReplyVerdict::moved) routing.moved(v.slot, v.node);
      p.node = node_index(v.node);
      p.asking = v.kind == ReplyVerdict::ask;
      ++p.attempts;
      return;
    case ReplyVerdict::readonly:
      if (!topology) break;
      want_refresh_ = true;
      p.reroute = true;
      p.asking = false;
      ++p.attempts;
      return;
    case ReplyVerdict::retry_later: {
      // Until the deadline (a server loading its data may take a while); without one, as many
      // times as a redirect.
      const auto at = now + transient_pause(p.attempts);
      const bool in_time = deadline_ == TimePoint::max() ? may : at < deadline_;
      if (!rules_.retry_transient || !in_time) break;
      pause_until_ = std::max(pause_until_.value_or(at), at);
      p.reroute = rules_.follow_topology && p.slot >= 0;
      p.asking = false;
      ++p.attempts;
      return;
    }
    case ReplyVerdict::noscript:
      // Entries after it in a pipeline have run already: docs/scripts.md.
      if (const Script* s = entries_.script(p.entry); s && recover_noscript(routing.scripts(node), *s, p.reloaded)) return;
      break;
    case ReplyVerdict::final: break;
  }
  p.settled = true;
}

// ---- the result -------------------------------------------------------------------------------

Result<std::vector<Value>> Exchange::take_result() {
  for (const auto& f : failures_)
    if (f) return *f;
  // A pipeline of one node, as built: the answers are the result, in order.
  const bool in_order = gathers_.empty() && parts_.size() == entries_.size() &&
                        std::all_of(parts_.begin(), parts_.end(), [i = std::uint32_t{0}](const Part& p) mutable { return p.entry == i++; });
  if (in_order) return std::move(answers_);
  std::vector<Value> out(entries_.size());
  std::vector<bool> is_gathered(entries_.size(), false);
  for (const auto& g : gathers_) is_gathered[g.entry] = true;
  for (std::size_t i = 0; i < parts_.size(); ++i)
    if (!is_gathered[parts_[i].entry]) out[parts_[i].entry] = std::move(answers_[i]);
  for (const auto& g : gathers_) out[g.entry] = gathered(g);
  return out;
}

Value Exchange::gathered(const EntryGather& g) {
  std::vector<std::pair<std::string, Value>> answers;
  for (std::size_t i = 0; i < parts_.size(); ++i)
    if (parts_[i].entry == g.entry) answers.emplace_back(nodes_[parts_[i].node], std::move(answers_[i]));
  if (g.how == Gather::by_policy) return combine(g.policy, std::move(answers));
  Value::Map per_node;
  for (auto& [node, v] : answers) per_node.emplace_back(Value::bulk_string(node), std::move(v));
  return Value::map(std::move(per_node));
}

// ---- combining several nodes' answers -----------------------------------------------------------

namespace {
std::int64_t int_or_zero(const Value& v) {
  auto i = v.as_int();
  return i ? i.value() : 0;
}

Value aggregate_ints(ResponsePolicy policy, std::vector<std::pair<std::string, Value>>& answers) {
  std::optional<std::int64_t> acc;
  for (auto& [node, v] : answers) {
    if (v.is_error()) return v;
    const auto x = int_or_zero(v);
    if (!acc) acc = x;
    else if (policy == ResponsePolicy::agg_sum) *acc += x;
    else if (policy == ResponsePolicy::agg_min) acc = std::min(*acc, x);
    else acc = std::max(*acc, x);
  }
  return Value::integer(acc.value_or(0));
}

// SCRIPT EXISTS: one array of 0/1 per node, combined element by element.
Value aggregate_flags(bool all, std::vector<std::pair<std::string, Value>>& answers) {
  std::vector<bool> acc;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const Value& v = answers[i].second;
    if (v.is_error()) return v;
    const auto& items = v.items();
    if (i == 0) acc.assign(items.size(), all);
    for (std::size_t k = 0; k < items.size() && k < acc.size(); ++k) {
      auto flag = items[k].as_bool();
      const bool b = flag && flag.value();
      acc[k] = all ? acc[k] && b : acc[k] || b;
    }
  }
  Value::Array out;
  for (bool b : acc) out.push_back(Value::integer(b ? 1 : 0));
  return Value::array(std::move(out));
}
}  // namespace

Value combine(ResponsePolicy policy, std::vector<std::pair<std::string, Value>> answers) {
  switch (policy) {
    case ResponsePolicy::all_succeeded:
      for (auto& [node, v] : answers)
        if (v.is_error()) return v;
      return answers.empty() ? Value::simple_string("OK") : answers.front().second;
    case ResponsePolicy::one_succeeded:
      for (auto& [node, v] : answers)
        if (!v.is_error()) return v;
      return answers.empty() ? Value() : answers.front().second;
    case ResponsePolicy::agg_sum:
    case ResponsePolicy::agg_min:
    case ResponsePolicy::agg_max: return aggregate_ints(policy, answers);
    case ResponsePolicy::agg_logical_and:
    case ResponsePolicy::agg_logical_or: return aggregate_flags(policy == ResponsePolicy::agg_logical_and, answers);
    default: break;
  }
  // No policy: arrays are concatenated (KEYS, ...), anything else is kept per node as a map.
  const bool all_arrays = !answers.empty() && std::all_of(answers.begin(), answers.end(), [](const auto& a) {
    return a.second.kind() == ValueKind::array;
  });
  if (all_arrays) {
    Value::Array out;
    for (auto& [node, v] : answers)
      for (auto& item : v.items()) out.push_back(std::move(item));
    return Value::array(std::move(out));
  }
  Value::Map per_node;
  for (auto& [node, v] : answers) per_node.emplace_back(Value::bulk_string(node), std::move(v));
  return Value::map(std::move(per_node));
}

}  // namespace glide::detail
