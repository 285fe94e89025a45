#include <glide/detail/cluster_core.hpp>
#include <glide/detail/command_table.hpp>
#include <glide/detail/log.hpp>
#include <glide/detail/reply.hpp>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <random>
#include <set>

namespace glide::detail {
namespace {

using Clock = ClusterCore::Clock;
using std::chrono::milliseconds;

constexpr int max_redirects = 5;
// A burst of MOVED replies (a slot migrated) triggers one refresh, not one per reply.
constexpr milliseconds min_refresh_interval{100};
// How long a node that failed a request or a topology read is asked last for the topology.
constexpr milliseconds unreachable_memory{30000};

NodeAddress parse_node(const std::string& node) {
  const auto colon = node.rfind(':');
  NodeAddress a;
  a.host = node.substr(0, colon);
  std::from_chars(node.data() + colon + 1, node.data() + node.size(), a.port);
  return a;
}

Clock::time_point deadline_after(milliseconds timeout) {
  return timeout.count() > 0 ? Clock::now() + timeout : Clock::time_point::max();
}

milliseconds remaining(Clock::time_point deadline) {
  if (deadline == Clock::time_point::max()) return milliseconds(0);
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  return std::max(left, milliseconds(1));
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// "MOVED 3999 127.0.0.1:6381" -> {3999, "127.0.0.1:6381"}, as answered by `asked`.
std::optional<std::pair<int, std::string>> parse_redirect(std::string_view text, const std::string& asked) {
  auto first = text.find(' ');
  auto second = text.find(' ', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos || second + 1 >= text.size()) return std::nullopt;
  int slot = 0;
  std::from_chars(text.data() + first + 1, text.data() + second, slot);
  std::string node(text.substr(second + 1));
  // A node may announce an empty host ("MOVED 3999 :6381"): the host we asked is meant. Fixed
  // up here because only the single-request path used to do it; redirected batch entries and
  // transactions went to ":6381".
  if (node.front() == ':') node = asked.substr(0, asked.rfind(':')) + node;
  return std::make_pair(slot, node);
}

std::int64_t int_or_zero(const Value& v) {
  auto i = v.as_int();
  return i ? i.value() : 0;
}

// Several nodes' answers into one, as the command's response policy says.
Value combine(ResponsePolicy policy, std::vector<std::pair<std::string, Result<Value>>> answers) {
  for (auto& [node, r] : answers)
    if (!r) return Value::error(std::string(r.error().message()));
  auto value_at = [&](std::size_t i) -> Value& { return answers[i].second.value(); };
  switch (policy) {
    case ResponsePolicy::all_succeeded:
      for (std::size_t i = 0; i < answers.size(); ++i)
        if (value_at(i).is_error()) return value_at(i);
      return answers.empty() ? Value::simple_string("OK") : value_at(0);
    case ResponsePolicy::one_succeeded:
      for (std::size_t i = 0; i < answers.size(); ++i)
        if (!value_at(i).is_error()) return value_at(i);
      return answers.empty() ? Value() : value_at(0);
    case ResponsePolicy::agg_sum:
    case ResponsePolicy::agg_min:
    case ResponsePolicy::agg_max: {
      std::optional<std::int64_t> acc;
      for (std::size_t i = 0; i < answers.size(); ++i) {
        if (value_at(i).is_error()) return value_at(i);
        const auto x = int_or_zero(value_at(i));
        if (!acc)
          acc = x;
        else if (policy == ResponsePolicy::agg_sum)
          *acc += x;
        else if (policy == ResponsePolicy::agg_min)
          acc = std::min(*acc, x);
        else
          acc = std::max(*acc, x);
      }
      return Value::integer(acc.value_or(0));
    }
    case ResponsePolicy::agg_logical_and:
    case ResponsePolicy::agg_logical_or: {
      // SCRIPT EXISTS: one array of 0/1 per node, combined element by element.
      std::vector<bool> acc;
      for (std::size_t i = 0; i < answers.size(); ++i) {
        if (value_at(i).is_error()) return value_at(i);
        const auto& items = value_at(i).items();
        if (i == 0) acc.assign(items.size(), policy == ResponsePolicy::agg_logical_and);
        for (std::size_t k = 0; k < items.size() && k < acc.size(); ++k) {
          auto flag = items[k].as_bool();
          const bool b = flag && flag.value();
          acc[k] = policy == ResponsePolicy::agg_logical_and ? acc[k] && b : acc[k] || b;
        }
      }
      Value::Array out;
      for (bool b : acc) out.push_back(Value::integer(b ? 1 : 0));
      return Value::array(std::move(out));
    }
    default: break;
  }
  // No policy: arrays are concatenated (KEYS, ...), anything else is kept per node as a map.
  bool all_arrays = !answers.empty();
  for (std::size_t i = 0; i < answers.size(); ++i) all_arrays = all_arrays && value_at(i).kind() == ValueKind::array;
  if (all_arrays) {
    Value::Array out;
    for (std::size_t i = 0; i < answers.size(); ++i)
      for (auto& item : value_at(i).items()) out.push_back(std::move(item));
    return Value::array(std::move(out));
  }
  Value::Map per_node;
  for (auto& [node, r] : answers) per_node.emplace_back(Value::bulk_string(node), std::move(r).value());
  return Value::map(std::move(per_node));
}

}  // namespace

// One single-node request: where it goes, what it sends, and how many redirects it may follow.
struct ClusterCore::Attempt {
  std::string node;
  std::string wire;
  int slot = -1;
  Clock::time_point deadline;
  int redirects = 0;
  bool asking = false;
  bool side = false;
  std::optional<Script> script;  // for NOSCRIPT recovery on the node that answered
  Done<Value> done;
};

ClusterCore::ClusterCore(boost::asio::any_io_executor ex, GlideClusterClientConfiguration config, ConnectionOptions base)
    : executor_(std::move(ex)), config_(std::move(config)), base_options_(std::move(base)) {
  topology_.slot_owner.fill(-1);
}

ClusterCore::~ClusterCore() { close(); }

void ClusterCore::create(boost::asio::any_io_executor ex, GlideClusterClientConfiguration config,
                         Done<std::shared_ptr<ClusterCore>> done) {
  auto base = connection_options(config);
  if (!base) return std::move(done)(base.error());
  // Checking the options once (e.g. TLS files) makes later per-node connections infallible.
  if (auto probe = NodeConnection::make(ex, base.value()); !probe) return std::move(done)(probe.error());
  std::shared_ptr<ClusterCore> core(new ClusterCore(ex, std::move(config), std::move(base).value()));
  std::vector<std::string> seeds;
  for (const auto& a : core->config_.addresses) seeds.push_back(node_name(a.host, a.port));
  auto shared_done = std::make_shared<Done<std::shared_ptr<ClusterCore>>>(std::move(done));
  core->fetch_topology(seeds, 0, [core, shared_done](Result<Topology> t) mutable {
    if (!t) {
      core->close();
      return std::move(*shared_done)(t.error());
    }
    core->install(std::move(t).value());
    core->schedule_periodic_refresh();
    std::move(*shared_done)(core);
  });
}

void ClusterCore::close() {
  std::unordered_map<std::string, std::shared_ptr<NodeConnection>> conns, sides;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    conns.swap(connections_);
    sides.swap(side_connections_);
    if (periodic_timer_) static_cast<boost::asio::steady_timer*>(periodic_timer_.get())->cancel();
  }
  for (auto& [n, c] : conns) c->close();
  for (auto& [n, c] : sides) c->close();
}

std::shared_ptr<NodeConnection> ClusterCore::connection(const std::string& node, bool side) {
  std::lock_guard lock(mutex_);
  auto& map = side ? side_connections_ : connections_;
  if (auto it = map.find(node); it != map.end()) return it->second;
  ConnectionOptions o = base_options_;
  o.address = parse_node(node);
  // A replica answers reads only after READONLY.
  for (const auto& shard : topology_.shards)
    if (std::find(shard.replicas.begin(), shard.replicas.end(), node) != shard.replicas.end()) o.readonly = true;
  if (!side && !o.readonly) plain_connections_.insert(node);
  auto conn = NodeConnection::make(executor_, std::move(o)).value();  // options were checked at create
  if (closed_) conn->close();
  map.emplace(node, conn);
  return conn;
}

// ---- topology ------------------------------------------------------------------------------

void ClusterCore::fetch_topology(std::vector<std::string> candidates, std::size_t index,
                                 std::function<void(Result<Topology>)> done) {
  if (index >= candidates.size())
    return done(fail(errc::connection_error, "no cluster node answered CLUSTER SHARDS or CLUSTER SLOTS (tried " +
                                                 std::to_string(candidates.size()) + " nodes)"));
  const std::string node = candidates[index];
  auto self = shared_from_this();
  read_topology(node, !shards_unknown_, [self, node, candidates = std::move(candidates), index,
                                         done = std::move(done)](Result<Topology> t, bool reached) mutable {
    if (t) return done(std::move(t));
    log::warn("cluster topology from {} unavailable: {}", node, t.error().message());
    if (!reached) self->note_unreachable(node);
    if (index + 1 < candidates.size()) return self->fetch_topology(std::move(candidates), index + 1, std::move(done));
    done(fail(errc::connection_error, "cannot read the cluster topology: " + std::string(t.error().message())));
  });
}

void ClusterCore::read_topology(const std::string& node, bool shards,
                                std::function<void(Result<Topology>, bool reached)> done) {
  Request r{(shards ? Command{"CLUSTER", "SHARDS"} : Command{"CLUSTER", "SLOTS"}).encoded(), 1,
            config_.connection_timeout + config_.request_timeout};
  auto self = shared_from_this();
  connection(node)->send(std::move(r), [self, node, shards, done = std::move(done)](Result<Replies> replies) mutable {
    if (!replies) return done(fail(replies.error()), false);
    const Value& v = replies.value().front();
    const auto asked_host = parse_node(node).host;
    if (!shards) return done(v.is_error() ? fail(errc::request_error, v.str()) : topology_from_slots(v, asked_host), true);
    if (!v.is_error()) return done(topology_from_shards(v, asked_host, self->config_.use_tls), true);
    // Servers before 7.0 do not know CLUSTER SHARDS: ask them for CLUSTER SLOTS from now on.
    self->read_topology(node, false, [self, node, done = std::move(done)](Result<Topology> t, bool reached) mutable {
      if (t && !self->shards_unknown_.exchange(true))
        log::info("cluster node {} does not answer CLUSTER SHARDS; reading CLUSTER SLOTS instead", node);
      done(std::move(t), reached);
    });
  });
}

void ClusterCore::install(Topology t) {
  std::vector<std::shared_ptr<NodeConnection>> stale;
  {
    std::lock_guard lock(mutex_);
    // A connection opened before we knew its node is a replica (a seed, or a node that used to be
    // hidden) lacks READONLY: reads routed to that replica came back MOVED and were served by
    // the primary. If the node never was a primary, nothing but topology reads went over it: it
    // is dropped and the next use opens one with READONLY. (A primary demoted by a failover keeps
    // its connection: requests may be in flight; its replica reads are redirected, still right.)
    for (const auto& shard : t.shards)
      for (const auto& r : shard.replicas) {
        if (!plain_connections_.count(r)) continue;
        bool was_primary = false;
        for (const auto& old : topology_.shards) was_primary = was_primary || old.primary == r;
        if (was_primary) continue;
        if (auto it = connections_.find(r); it != connections_.end()) {
          stale.push_back(std::move(it->second));
          connections_.erase(it);
        }
        plain_connections_.erase(r);
      }
    topology_ = std::move(t);
    ++topology_epoch_;
    last_refresh_ = Clock::now();
  }
  for (auto& c : stale) c->close();
}

void ClusterCore::refresh_topology(std::function<void(Result<void>)> done) {
  std::vector<std::string> candidates;
  milliseconds wait{0};
  bool closed = false;
  {
    std::lock_guard lock(mutex_);
    closed = closed_;
    if (!closed) {
      if (done) refresh_waiters_.push_back(std::move(done));
      if (refreshing_) return;
      refreshing_ = true;
      for (const auto& s : topology_.shards) candidates.push_back(s.primary);
      for (const auto& s : topology_.shards)
        for (const auto& r : s.replicas) candidates.push_back(r);
      for (const auto& a : config_.addresses) candidates.push_back(node_name(a.host, a.port));
      // Nodes that just failed us go last: asking a dead primary first cost every refresh
      // connection_timeout + request_timeout, right when a failover needs the new map.
      const auto now = Clock::now();
      std::stable_partition(candidates.begin(), candidates.end(), [&](const std::string& node) {
        auto it = unreachable_.find(node);
        return it == unreachable_.end() || now - it->second > unreachable_memory;
      });
      wait = std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(last_refresh_ + min_refresh_interval - now));
    }
  }
  // Outside the lock: a waiter may call back into this object (send_single asks owner()).
  if (closed) {
    if (done) done(fail(errc::closing, "client closed"));
    return;
  }
  auto self = shared_from_this();
  auto timer = std::make_shared<boost::asio::steady_timer>(executor_, wait);
  timer->async_wait([self, timer, candidates = std::move(candidates)](boost::system::error_code) mutable {
    self->fetch_topology(std::move(candidates), 0, [self](Result<Topology> t) {
      if (t) self->install(std::move(t).value());
      std::vector<std::function<void(Result<void>)>> waiters;
      {
        std::lock_guard lock(self->mutex_);
        self->refreshing_ = false;
        waiters.swap(self->refresh_waiters_);
      }
      for (auto& w : waiters) w(t ? Result<void>(ok()) : Result<void>(t.error()));
    });
  });
}

void ClusterCore::schedule_periodic_refresh() {
  const auto interval = config_.periodic_checks.value_or(milliseconds(60000));
  if (interval.count() <= 0) return;
  auto timer = std::make_shared<boost::asio::steady_timer>(executor_, interval);
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    periodic_timer_ = timer;
  }
  std::weak_ptr<ClusterCore> weak = shared_from_this();
  timer->async_wait([weak, timer](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    self->refresh_topology();
    self->schedule_periodic_refresh();
  });
}

void ClusterCore::note_unreachable(const std::string& node) {
  std::lock_guard lock(mutex_);
  unreachable_[node] = Clock::now();
}

void ClusterCore::note_moved(int slot, const std::string& node) {
  {
    std::lock_guard lock(mutex_);
    // Point the slot at its new owner now; the refresh fills in the rest of the picture.
    for (std::size_t i = 0; i < topology_.shards.size(); ++i)
      if (topology_.shards[i].primary == node && slot >= 0 && slot < 16384) {
        topology_.slot_owner[static_cast<std::size_t>(slot)] = static_cast<std::int16_t>(i);
        ++topology_epoch_;
      }
  }
  refresh_topology();
}

std::string ClusterCore::owner(int slot, bool read) {
  std::lock_guard lock(mutex_);
  auto idx = topology_.slot_owner[static_cast<std::size_t>(slot)];
  if (idx < 0) idx = 0;  // unassigned: ask anyone, the redirect tells us better
  const Shard& s = topology_.shards[static_cast<std::size_t>(idx)];
  if (read && config_.read_from == ReadFrom::PREFER_REPLICA && !s.replicas.empty())
    return s.replicas[round_robin_++ % s.replicas.size()];
  return s.primary;
}

// ---- routing -------------------------------------------------------------------------------

Result<ClusterCore::Plan> ClusterCore::plan_route(const Route& route, bool readonly) {
  Plan p;
  std::lock_guard lock(mutex_);
  auto owner_of = [&](int slot, SlotType type) {
    auto idx = topology_.slot_owner[static_cast<std::size_t>(slot)];
    const Shard& s = topology_.shards[static_cast<std::size_t>(std::max<std::int16_t>(idx, 0))];
    if (type == SlotType::REPLICA && !s.replicas.empty()) return s.replicas[round_robin_++ % s.replicas.size()];
    return s.primary;
  };
  if (auto* k = std::get_if<SlotKeyRoute>(&route)) {
    p.slot = hash_slot(k->slot_key);
    p.nodes.push_back(owner_of(p.slot, k->slot_type));
  } else if (auto* id = std::get_if<SlotIdRoute>(&route)) {
    if (id->slot_id < 0 || id->slot_id > 16383)
      return fail(errc::configuration_error, "slot id " + std::to_string(id->slot_id) + " outside 0..16383");
    p.slot = id->slot_id;
    p.nodes.push_back(owner_of(p.slot, id->slot_type));
  } else if (std::holds_alternative<AllPrimaries>(route)) {
    p.multi = true;
    for (const auto& s : topology_.shards) p.nodes.push_back(s.primary);
  } else if (std::holds_alternative<AllNodes>(route)) {
    p.multi = true;
    for (const auto& s : topology_.shards) {
      p.nodes.push_back(s.primary);
      for (const auto& r : s.replicas) p.nodes.push_back(r);
    }
  } else if (std::holds_alternative<RandomNode>(route)) {
    const Shard& s = topology_.shards[round_robin_++ % topology_.shards.size()];
    p.nodes.push_back(readonly && !s.replicas.empty() && config_.read_from == ReadFrom::PREFER_REPLICA ? s.replicas.front()
                                                                                                       : s.primary);
  } else {
    const auto& a = std::get<ByAddressRoute>(route);
    p.nodes.push_back(node_name(a.host, a.port));
  }
  return p;
}

Result<ClusterCore::Plan> ClusterCore::plan(const Command& command, const std::optional<Route>& route) {
  const auto argv = command.arguments();
  const CommandInfo* info = find_command(argv);
  const bool readonly = info && info->readonly;
  if (route) return plan_route(*route, readonly);
  const auto keys = command_keys(argv);
  if (!keys.empty()) {
    const int slot = hash_slot(keys.front());
    for (auto k : keys) {
      if (hash_slot(k) != slot) {
        std::string msg = "CROSSSLOT Keys in request don't hash to the same slot:";
        for (auto key : keys) msg += " '" + std::string(key) + "' -> " + std::to_string(hash_slot(key));
        return fail(errc::crossslot, std::move(msg));
      }
    }
    Plan p;
    p.slot = slot;
    p.nodes.push_back(owner(slot, readonly));
    return p;
  }
  if (info && info->request_policy == RequestPolicy::all_nodes) return plan_route(AllNodes{}, readonly);
  if (info && info->request_policy == RequestPolicy::all_shards) return plan_route(AllPrimaries{}, readonly);
  return plan_route(RandomNode{}, readonly);
}

// ---- sending -------------------------------------------------------------------------------

void ClusterCore::send_single(std::shared_ptr<Attempt> a) {
  Request r;
  if (a->asking) Command{"ASKING"}.encode_to(r.wire);
  r.wire += a->wire;
  r.expected = a->asking ? 2 : 1;
  r.timeout = remaining(a->deadline);
  if (a->deadline != Clock::time_point::max() && Clock::now() >= a->deadline)
    return std::move(a->done)(fail(errc::timeout, "request timed out while following cluster redirects"));
  auto self = shared_from_this();
  connection(a->node, a->side)->send(std::move(r), [self, a](Result<Replies> replies) mutable {
    if (!replies) {
      const auto code = replies.error().code();
      if (code == errc::connection_error || code == errc::unknown_outcome) {
        self->note_unreachable(a->node);
        self->refresh_topology();
      }
      // Never sent: safe to try again on whoever owns the slot after the refresh.
      if (code == errc::connection_error && a->slot >= 0 && a->redirects < max_redirects &&
          Clock::now() < a->deadline) {
        ++a->redirects;
        return self->refresh_topology([self, a](Result<void>) {
          a->node = self->owner(a->slot, false);
          self->send_single(a);
        });
      }
      return std::move(a->done)(replies.error());
    }
    Value v = std::move(replies.value().back());
    if (v.is_error() && a->redirects < max_redirects) {
      const std::string_view text = v.str();
      const bool moved = starts_with(text, "MOVED "), ask = starts_with(text, "ASK ");
      if (moved || ask) {
        if (auto target = parse_redirect(text, a->node)) {
          ++a->redirects;
          std::string node = target->second;
          if (moved) self->note_moved(target->first, node);
          a->node = node;
          a->asking = ask;
          return self->send_single(a);
        }
      }
      if (starts_with(text, "TRYAGAIN") || starts_with(text, "CLUSTERDOWN")) {
        // The slot is moving or the cluster is electing: wait a little, within the deadline.
        const auto delay = milliseconds(20 << a->redirects);
        if (Clock::now() + delay < a->deadline) {
          ++a->redirects;
          auto timer = std::make_shared<boost::asio::steady_timer>(self->executor_, delay);
          return timer->async_wait([self, a, timer](boost::system::error_code) {
            if (a->slot >= 0) a->node = self->owner(a->slot, false);
            a->asking = false;
            self->send_single(a);
          });
        }
      }
      if (a->script && v.as_error()->code() == errc::noscript) {
        // This node never saw the script (or flushed it): load it here, then run it again
        // through send_single. The retry used to be SCRIPT LOAD + EVALSHA in one write without
        // the ASKING an ASK-redirected script needs (the target answered MOVED), and it followed
        // no redirect.
        Request load{Command{"SCRIPT", "LOAD", a->script->code()}.encoded(), 1, remaining(a->deadline)};
        a->script.reset();  // once: a second NOSCRIPT is the caller's
        return self->connection(a->node, a->side)->send(std::move(load), [self, a](Result<Replies> loaded) mutable {
          if (!loaded) return std::move(a->done)(loaded.error());
          if (loaded.value()[0].is_error()) return std::move(a->done)(std::move(loaded.value()[0]));
          self->send_single(a);
        });
      }
    }
    std::move(a->done)(std::move(v));
  });
}

void ClusterCore::fan_out(std::vector<std::string> nodes, std::string wire, Clock::time_point deadline,
                          std::function<void(std::vector<std::pair<std::string, Result<Value>>>)> done, bool side) {
  struct Gather {
    std::vector<std::pair<std::string, Result<Value>>> answers;
    std::size_t left;
    std::function<void(std::vector<std::pair<std::string, Result<Value>>>)> done;
    std::mutex m;
  };
  auto g = std::make_shared<Gather>();
  g->left = nodes.size();
  g->done = std::move(done);
  for (const auto& n : nodes) g->answers.emplace_back(n, Value());
  if (nodes.empty()) return g->done({});
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    auto a = std::make_shared<Attempt>();
    a->node = nodes[i];
    a->wire = wire;
    a->deadline = deadline;
    a->side = side;
    a->done = Done<Value>([g, i](Result<Value> r) {
      bool last = false;
      {
        std::lock_guard lock(g->m);
        g->answers[i].second = std::move(r);
        last = --g->left == 0;
      }
      if (last) g->done(std::move(g->answers));
    });
    send_single(std::move(a));
  }
}

void ClusterCore::execute(Command command, std::optional<Route> route, milliseconds timeout, Done<Value> done) {
  if (auto refused = command.unsupported()) return std::move(done)(std::move(*refused));
  auto p = plan(command, route);
  if (!p) return std::move(done)(p.error());
  const auto argv = command.arguments();
  const CommandInfo* info = find_command(argv);
  timeout = command.timeout_for(timeout);
  const auto deadline = deadline_after(timeout);
  if (!p.value().multi) {
    auto a = std::make_shared<Attempt>();
    a->node = p.value().nodes.front();
    a->wire = command.encoded();
    a->slot = p.value().slot;
    a->deadline = deadline;
    a->done = std::move(done);
    return send_single(std::move(a));
  }
  const ResponsePolicy policy = info ? info->response_policy : ResponsePolicy::none;
  auto shared_done = std::make_shared<Done<Value>>(std::move(done));
  fan_out(std::move(p.value().nodes), command.encoded(), deadline, [policy, shared_done](auto answers) {
    std::move(*shared_done)(combine(policy, std::move(answers)));
  });
}

void ClusterCore::execute_per_node(Command command, Route route, milliseconds timeout, Done<ClusterValue<Value>> done) {
  if (auto refused = command.unsupported()) return std::move(done)(std::move(*refused));
  auto p = plan(command, route);
  if (!p) return std::move(done)(p.error());
  // The blocking rule of execute() holds here too: WAIT 1 1000 with an explicit route used to
  // time out after request_timeout (250 ms by default) while the server was still waiting.
  timeout = command.timeout_for(timeout);
  const auto deadline = deadline_after(timeout);
  auto shared_done = std::make_shared<Done<ClusterValue<Value>>>(std::move(done));
  const bool multi = p.value().multi;
  fan_out(std::move(p.value().nodes), command.encoded(), deadline, [multi, shared_done](auto answers) {
    for (auto& [node, r] : answers) {
      if (!r) return std::move(*shared_done)(r.error());
      if (r.value().is_error()) return std::move(*shared_done)(*r.value().as_error());
    }
    if (!multi) return std::move(*shared_done)(ClusterValue<Value>(std::move(answers.front().second).value()));
    std::map<std::string, Value> per_node;
    for (auto& [node, r] : answers) per_node.emplace(node, std::move(r).value());
    std::move(*shared_done)(ClusterValue<Value>(std::move(per_node)));
  });
}

void ClusterCore::execute_on_side(Command command, std::optional<Route> route, milliseconds timeout, Done<Value> done) {
  auto p = plan(command, route.value_or(Route(AllPrimaries{})));
  if (!p) return std::move(done)(p.error());
  auto shared_done = std::make_shared<Done<Value>>(std::move(done));
  fan_out(
      std::move(p.value().nodes), command.encoded(), deadline_after(timeout),
      [shared_done](auto answers) {
        // SCRIPT KILL on all primaries: fine when one of them had a script to kill.
        std::move(*shared_done)(combine(ResponsePolicy::one_succeeded, std::move(answers)));
      },
      /*side=*/true);
}

// ---- scripts -------------------------------------------------------------------------------

void ClusterCore::invoke_script(Script script, ScriptOptions options, milliseconds timeout, Done<Value> done) {
  Command c{"EVALSHA", script.get_hash()};
  c.arg(options.keys.size()).args(options.keys).args(options.args);
  std::optional<Route> route;
  if (options.keys.empty()) route = RandomNode{};  // a keyless script runs on any primary
  auto p = plan(c, route);
  if (!p) return std::move(done)(p.error());
  auto a = std::make_shared<Attempt>();
  a->node = p.value().nodes.front();
  a->wire = c.encoded();
  a->slot = p.value().slot;
  a->deadline = deadline_after(timeout);
  a->script = std::move(script);
  a->done = std::move(done);
  send_single(std::move(a));
}

void ClusterCore::invoke_script_route(Script script, ScriptArgs args, Route route, milliseconds timeout,
                                      Done<ClusterValue<Value>> done) {
  Command c{"EVALSHA", script.get_hash(), "0"};
  c.args(args.args);
  auto p = plan_route(route, false);
  if (!p) return std::move(done)(p.error());
  struct Gather {
    std::map<std::string, Value> values;
    std::optional<Error> error;
    std::size_t left;
    std::mutex m;
  };
  auto g = std::make_shared<Gather>();
  g->left = p.value().nodes.size();
  auto shared_done = std::make_shared<Done<ClusterValue<Value>>>(std::move(done));
  const bool multi = p.value().multi;
  for (const auto& node : p.value().nodes) {
    auto a = std::make_shared<Attempt>();
    a->node = node;
    a->wire = c.encoded();
    a->deadline = deadline_after(timeout);
    a->script = script;
    a->done = Done<Value>([g, node, multi, shared_done](Result<Value> r) {
      bool last = false;
      {
        std::lock_guard lock(g->m);
        if (!r && !g->error) g->error = r.error();
        if (r && r.value().is_error() && !g->error) g->error = *r.value().as_error();
        if (r) g->values.emplace(node, std::move(r).value());
        last = --g->left == 0;
      }
      if (!last) return;
      if (g->error) return std::move(*shared_done)(*g->error);
      if (!multi) return std::move(*shared_done)(ClusterValue<Value>(std::move(g->values.begin()->second)));
      std::move(*shared_done)(ClusterValue<Value>(std::move(g->values)));
    });
    send_single(std::move(a));
  }
}

// ---- batches -------------------------------------------------------------------------------

void ClusterCore::exec(std::shared_ptr<const BatchData> shared, bool raise_on_error, ClusterBatchOptions options,
                       milliseconds timeout, Done<std::optional<std::vector<Reply>>> done) {
  using Out = std::optional<std::vector<Reply>>;
  const std::size_t n = shared->size();
  if (n == 0) return std::move(done)(Out(std::vector<Reply>{}));
  const auto deadline = deadline_after(options.timeout.value_or(timeout));
  // A batch runs where one node is: AllPrimaries / AllNodes used to send it to the first primary
  // of the list, silently. GLIDE takes single-node routes only here.
  if (options.route && (std::holds_alternative<AllPrimaries>(*options.route) || std::holds_alternative<AllNodes>(*options.route)))
    return std::move(done)(fail(errc::configuration_error, "a batch takes a single-node route (not AllPrimaries or AllNodes)"));

  if (shared->atomic) {
    auto computed = entry_slots(*shared);
    if (!computed) return std::move(done)(computed.error());
    const std::vector<int>& slots = computed.value();
    int slot = -1;
    for (std::size_t i = 0; i < n; ++i) {
      if (slots[i] < 0) continue;
      if (slot >= 0 && slots[i] != slot)
        return std::move(done)(fail(errc::crossslot, "CROSSSLOT an atomic batch must keep all keys in one slot; entry #" +
                                                         std::to_string(i) + " is in slot " + std::to_string(slots[i]) +
                                                         ", an earlier one in slot " + std::to_string(slot)));
      slot = slots[i];
    }
    std::string node;
    if (options.route) {
      auto p = plan_route(*options.route, false);
      if (!p) return std::move(done)(p.error());
      node = p.value().nodes.front();
    } else {
      node = slot >= 0 ? owner(slot, false) : plan_route(RandomNode{}, false).value().nodes.front();
    }
    std::string wire;
    Command{"MULTI"}.encode_to(wire);
    wire += shared->wire;
    Command{"EXEC"}.encode_to(wire);
    auto self = shared_from_this();
    auto attempt = std::make_shared<std::function<void(std::string, int, bool)>>();
    auto shared_done = std::make_shared<Done<Out>>(std::move(done));
    *attempt = [self, shared, wire, n, deadline, raise_on_error, shared_done, attempt](std::string target, int tries,
                                                                                       bool asking) {
      // After ASK: ASKING, then MULTI. The server keeps the ASKING flag for the whole
      // transaction (it is cleared only once a command outside MULTI has run).
      Request r{asking ? Command{"ASKING"}.encoded() + wire : wire, n + (asking ? 3 : 2), remaining(deadline)};
      self->connection(target)->send(std::move(r), [=](Result<Replies> replies) {
        if (!replies) {
          *attempt = nullptr;
          return std::move(*shared_done)(replies.error());
        }
        if (asking) replies.value().erase(replies.value().begin());  // ASKING's OK
        // A slot that moved (MOVED) or is moving (ASK) makes the queued commands fail and EXEC
        // abort: nothing ran, so the whole transaction goes where the redirect points. ASK used
        // to be left alone, which failed every transaction on a migrating slot with EXECABORT.
        for (std::size_t i = 1; i <= n && tries < max_redirects; ++i) {
          const Value& q = replies.value()[i];
          if (!q.is_error()) continue;
          const bool moved = starts_with(q.str(), "MOVED "), ask = starts_with(q.str(), "ASK ");
          if (!moved && !ask) continue;
          if (auto t = parse_redirect(q.str(), target)) {
            if (moved) self->note_moved(t->first, t->second);
            return (*attempt)(t->second, tries + 1, ask);
          }
        }
        *attempt = nullptr;  // it held itself, to retry
        std::move(*shared_done)(shape_batch_replies(*shared, std::move(replies).value(), raise_on_error));
      });
    };
    return (*attempt)(node, 0, false);
  }

  // A pipeline: split by node, sent in parallel, merged back in the order added.
  auto planned = pipeline_plan(shared, options.route);
  if (!planned) return std::move(done)(planned.error());
  auto plan = std::move(planned).value();
  struct Merge {
    std::vector<Value> replies;
    std::vector<std::vector<std::pair<std::string, Result<Value>>>> fan_out_answers;  // per plan->fan_outs
    std::size_t left;
    std::optional<Error> failure;
    std::mutex m;
  };
  auto merge = std::make_shared<Merge>();
  merge->replies.resize(n);
  merge->fan_out_answers.resize(plan->fan_outs.size());
  merge->left = plan->groups.size();
  auto self = shared_from_this();
  const auto retry = options.retry_strategy.value_or(BatchRetryStrategy{});
  auto shared_done = std::make_shared<Done<Out>>(std::move(done));

  // After every node answered: entries redirected (MOVED/ASK), NOSCRIPT scripts, and with
  // retry_server_error TRYAGAIN-like failures go again one by one through send_single, which
  // follows redirects; then the results are shaped in order.
  auto finish = [self, shared, merge, plan, deadline, raise_on_error, retry, shared_done]() {
    if (merge->failure) return std::move(*shared_done)(*merge->failure);
    for (std::size_t f = 0; f < plan->fan_outs.size(); ++f)
      merge->replies[plan->fan_outs[f].entry] = combine(plan->fan_outs[f].policy, std::move(merge->fan_out_answers[f]));
    std::vector<std::size_t> again;
    for (std::size_t i = 0; i < merge->replies.size(); ++i) {
      const Value& v = merge->replies[i];
      if (!v.is_error() || plan->group_of[i] == PipelinePlan::fanned_out) continue;
      const std::string_view t = v.str();
      const bool redirect = starts_with(t, "MOVED ") || starts_with(t, "ASK ");
      const bool transient = starts_with(t, "TRYAGAIN") || starts_with(t, "CLUSTERDOWN") || starts_with(t, "LOADING");
      const bool noscript = v.as_error()->code() == errc::noscript;
      if (redirect || noscript || (transient && retry.retry_server_error)) again.push_back(i);
    }
    if (again.empty())
      return std::move(*shared_done)(shape_batch_replies(*shared, std::move(merge->replies), raise_on_error));
    auto left = std::make_shared<std::size_t>(again.size());
    auto m = std::make_shared<std::mutex>();
    for (auto i : again) {
      auto a = std::make_shared<Attempt>();
      const Value& v = merge->replies[i];
      const std::string_view t = v.str();
      a->slot = plan->slots[i];
      a->wire = std::string(shared->command_wire(i));
      a->deadline = deadline;
      a->node = a->slot >= 0 ? self->owner(a->slot, false) : self->plan_route(RandomNode{}, false).value().nodes.front();
      if (starts_with(t, "MOVED ") || starts_with(t, "ASK ")) {
        if (auto target = parse_redirect(t, plan->groups[plan->group_of[i]].node)) {  // a malformed redirect: the owner is asked
          a->node = target->second;
          a->asking = starts_with(t, "ASK ");
          if (!a->asking) self->note_moved(target->first, target->second);
        }
      }
      for (const auto& s : shared->scripts)
        if (s.index == i) a->script = s.script;
      a->done = Done<Value>([self, shared, merge, i, left, m, raise_on_error, shared_done](Result<Value> r) {
        bool last = false;
        {
          std::lock_guard lock(*m);
          merge->replies[i] = r ? std::move(r).value() : Value::error(std::string(r.error().message()));
          last = --*left == 0;
        }
        if (last) std::move(*shared_done)(shape_batch_replies(*shared, std::move(merge->replies), raise_on_error));
      });
      self->send_single(std::move(a));
    }
  };

  for (std::size_t g = 0; g < plan->groups.size(); ++g) {
    auto send_group = std::make_shared<std::function<void(bool)>>();
    *send_group = [self, plan, g, merge, finish, deadline, retry, send_group](bool retried) {
      const auto& group = plan->groups[g];
      Request req;
      req.borrowed = group.wire;  // the plan outlives the request: no copy
      req.owner = plan;
      req.expected = group.entries.size();
      req.timeout = remaining(deadline);
      self->connection(group.node)->send(std::move(req), [=](Result<Replies> replies) {
        if (!replies && retry.retry_connection_error && !retried &&
            (replies.error().code() == errc::unknown_outcome || replies.error().code() == errc::connection_error)) {
          // Resent after the reconnect: this node's entries may run twice.
          return self->refresh_topology([=](Result<void>) { (*send_group)(true); });
        }
        bool last = false;
        {
          std::lock_guard lock(merge->m);
          if (!replies) {
            if (!merge->failure) merge->failure = replies.error();
          } else {
            const auto& group = plan->groups[g];
            for (std::size_t k = 0; k < group.entries.size(); ++k) {
              const auto i = group.entries[k];
              if (plan->group_of[i] == PipelinePlan::fanned_out)
                merge->fan_out_answers[static_cast<std::size_t>(plan->fan_out_of[i])].emplace_back(group.node,
                                                                                                  std::move(replies.value()[k]));
              else
                merge->replies[i] = std::move(replies.value()[k]);
            }
          }
          last = --merge->left == 0;
        }
        if (!replies) self->refresh_topology();
        *send_group = nullptr;  // it held itself, to resend
        if (last) finish();
      });
    };
    (*send_group)(false);
  }
}

Result<std::vector<int>> ClusterCore::entry_slots(const BatchData& batch) {
  // Each entry's slot (-1: keyless), from its keys; one entry's keys must share a slot.
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

// Working out where each entry of a pipeline goes means parsing every command for its keys:
// for a batch of 1000 SETs that was most of exec()'s time, again on every run. The plan of the
// last batch run here is kept while neither the batch (its revision) nor the slot map changes.
Result<std::shared_ptr<const ClusterCore::PipelinePlan>> ClusterCore::pipeline_plan(const std::shared_ptr<const BatchData>& batch,
                                                                                   const std::optional<Route>& route) {
  auto plan = std::make_shared<PipelinePlan>();
  {
    std::lock_guard lock(mutex_);
    if (!route && last_plan_ && last_plan_->revision == batch->revision && last_plan_->epoch == topology_epoch_)
      return last_plan_;
    // Read before the owners below: a slot map changing meanwhile only makes the plan look older.
    plan->epoch = topology_epoch_;
  }
  auto slots = entry_slots(*batch);
  if (!slots) return slots.error();
  plan->revision = batch->revision;
  plan->slots = std::move(slots).value();
  const std::size_t n = batch->size();
  plan->group_of.resize(n);
  std::optional<std::string> routed;
  if (route) {
    auto p = plan_route(*route, false);
    if (!p) return p.error();
    routed = p.value().nodes.front();
  }
  std::optional<std::string> keyless;  // every other keyless entry goes to one node picked at random
  std::unordered_map<std::string, std::uint32_t> index_of;
  auto add_to = [&](const std::string& node, std::size_t i) {
    auto [it, added] = index_of.try_emplace(node, static_cast<std::uint32_t>(plan->groups.size()));
    if (added) plan->groups.push_back({node, {}, {}});
    plan->groups[it->second].entries.push_back(i);
    return it->second;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const int slot = plan->slots[i];
    if (routed) {
      plan->group_of[i] = add_to(*routed, i);
    } else if (slot >= 0) {
      plan->group_of[i] = add_to(owner(slot, false), i);
    } else if (const CommandInfo* info = find_command(command_arguments(batch->command_wire(i)));
               info && (info->request_policy == RequestPolicy::all_shards || info->request_policy == RequestPolicy::all_nodes)) {
      auto nodes = plan_route(info->request_policy == RequestPolicy::all_shards ? Route(AllPrimaries{}) : Route(AllNodes{}),
                              info->readonly);
      if (!nodes) return nodes.error();
      if (plan->fan_out_of.empty()) plan->fan_out_of.assign(n, -1);
      plan->fan_out_of[i] = static_cast<std::int32_t>(plan->fan_outs.size());
      plan->fan_outs.push_back({i, info->response_policy});
      plan->group_of[i] = PipelinePlan::fanned_out;
      for (const auto& node : nodes.value().nodes) add_to(node, i);
    } else {
      if (!keyless) keyless = plan_route(RandomNode{}, false).value().nodes.front();
      plan->group_of[i] = add_to(*keyless, i);
    }
  }
  for (auto& group : plan->groups) {
    std::size_t size = 0;
    for (auto i : group.entries) size += batch->command_wire(i).size();
    group.wire.reserve(size);
    for (auto i : group.entries) group.wire += batch->command_wire(i);
  }
  std::shared_ptr<const PipelinePlan> result = std::move(plan);
  if (!route) {
    std::lock_guard lock(mutex_);
    last_plan_ = result;
  }
  return result;
}

}  // namespace glide::detail
