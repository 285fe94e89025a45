// The one request path. Every operation becomes an Exchange (cluster/exchange.hpp), a state
// machine that decides what goes where and what goes again; the engine only carries out its
// actions over Asio: sends on the nodes' connections, slot map refreshes, pauses. Everything
// here runs on one strand, shared with the connections, so nothing needs a lock.
#include <glide/detail/engine.hpp>
#include <glide/detail/exchange.hpp>
#include <glide/detail/log.hpp>
#include <glide/detail/multi_slot.hpp>
#include <glide/detail/node_connection.hpp>
#include <glide/detail/pipeline_plan.hpp>
#include <glide/detail/reply.hpp>
#include <glide/detail/slot_map.hpp>
#include <glide/detail/pubsub_hub.hpp>
#include <glide/detail/sole_runner.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/recycling_allocator.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <variant>

namespace glide::detail {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

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

Clock::time_point deadline_after(milliseconds timeout, Clock::time_point now = Clock::now()) {
  return timeout.count() > 0 ? now + timeout : Clock::time_point::max();
}

// How an operation's answers reach its caller: one value (an error reply is the Result's error),
// one per node, or a batch's shaped results. Not a wrapping handler: that cost an allocation per
// request.
class Finish {
 public:
  static Finish value(Done<Value> d) { return Finish(std::move(d)); }
  static Finish per_node(bool multi, Done<ClusterValue<Value>> d) {
    Finish f(std::move(d));
    f.multi_ = multi;
    return f;
  }
  static Finish batch(std::shared_ptr<const BatchData> b, bool raise_on_error, Done<Engine::Batches> d) {
    Finish f(std::move(d));
    f.batch_ = std::move(b);
    f.raise_on_error_ = raise_on_error;
    return f;
  }
  // A command split by slot: its parts' answers become the command's one answer.
  void combine_parts(std::shared_ptr<const SlotSplit> split) { split_ = std::move(split); }
  // A pipeline that ran with its multi-slot entries split: the answers fold back first.
  void fold(std::shared_ptr<const ExpandedBatch> expanded) { expanded_ = std::move(expanded); }
  explicit operator bool() const noexcept {
    return std::visit([](const auto& d) { return bool(d); }, done_);
  }
  // The entries' answers (a Replies vector as it came, for a single command).
  void operator()(Result<std::vector<Value>>&& r) {
    std::visit([&](auto& d) { deliver(d, std::move(r)); }, done_);
  }

 private:
  template <class D>
  explicit Finish(D d) : done_(std::move(d)) {}

  void deliver(Done<Value>& d, Result<std::vector<Value>>&& r) const {
    if (!r) return std::move(d)(r.error());
    if (split_) return std::move(d)(to_result<Value>(combine_split(*split_, std::move(r).value())));
    std::move(d)(to_result<Value>(std::move(r.value().front())));
  }
  // A multi-node route's answers as they came from each node; any error reply fails it.
  void deliver(Done<ClusterValue<Value>>& d, Result<std::vector<Value>>&& r) const {
    if (!r) return std::move(d)(r.error());
    Value& v = r.value().front();
    if (auto e = v.as_error()) return std::move(d)(std::move(*e));
    if (!multi_) return std::move(d)(ClusterValue<Value>(std::move(v)));
    std::map<std::string, Value> per_node;
    for (auto& [node, answer] : v.entries()) {
      if (auto e = answer.as_error()) return std::move(d)(std::move(*e));
      per_node.emplace(node.str(), std::move(answer));
    }
    std::move(d)(ClusterValue<Value>(std::move(per_node)));
  }
  void deliver(Done<Engine::Batches>& d, Result<std::vector<Value>>&& r) const {
    if (!r) return std::move(d)(r.error());
    std::vector<Value> replies = batch_->atomic ? std::move(r.value().front().items()) : std::move(r).value();
    if (expanded_) replies = fold_expanded(*expanded_, std::move(replies));
    std::move(d)(shape_batch_replies(*batch_, std::move(replies), raise_on_error_));
  }

  std::variant<Done<Value>, Done<ClusterValue<Value>>, Done<Engine::Batches>> done_;
  bool multi_ = false;
  std::shared_ptr<const BatchData> batch_;
  bool raise_on_error_ = false;
  std::shared_ptr<const SlotSplit> split_;
  std::shared_ptr<const ExpandedBatch> expanded_;
};

// One operation in flight: its exchange and whom to tell.
struct Run {
  Run(Entries entries, ExchangeRules rules, Clock::time_point deadline, Finish f)
      : exchange(std::move(entries), rules, deadline), done(std::move(f)) {}
  Exchange exchange;
  Finish done;
};

// What either configuration says about the engine itself.
// (The per-node options, TLS and timeouts among them, are ConnectionOptions.)
struct Settings {
  std::vector<NodeAddress> seeds;
  bool cluster = false;
  bool lazy_connect = false;
  ReadFrom read_from = ReadFrom::PRIMARY;
  milliseconds request_timeout{250};
  std::optional<milliseconds> periodic_checks;
  std::variant<GlideClientConfiguration, GlideClusterClientConfiguration> config;  // for open_session
  ProtocolVersion protocol = ProtocolVersion::RESP3;
  std::optional<PubSubSubscriptions> pubsub;
};

template <class Config>
Settings settings_of(Config config) {
  Settings s{config.addresses, false, config.lazy_connect, config.read_from, config.request_timeout, {}, {}, config.protocol,
             config.pubsub_subscriptions};
  if constexpr (std::is_same_v<Config, GlideClusterClientConfiguration>) {
    s.cluster = true;
    s.periodic_checks = config.periodic_checks;
  }
  s.config = std::move(config);
  return s;
}

class EngineImpl;

// A command for one node, sent as it is before any exchange is built: it takes its replies itself
// (EngineImpl::send_first_round).
struct FirstRound final : ReplyTarget {
  FirstRound(std::shared_ptr<EngineImpl> e, Entries&& en, const std::string& n, int s, ExchangeRules r, milliseconds t,
             Clock::time_point now, Finish&& f)
      : engine(std::move(e)), entries(std::move(en)), node(n), slot(s), rules(r), timeout(t),
        deadline(deadline_after(t, now)), done(std::move(f)) {}
  void on_replies(Result<Replies>&& replies) override;

  std::shared_ptr<EngineImpl> engine;
  Entries entries;
  std::string node;
  int slot;
  ExchangeRules rules;
  milliseconds timeout;
  Clock::time_point deadline;
  Finish done;
};

class EngineImpl final : public Engine, public Routing, public std::enable_shared_from_this<EngineImpl> {
 public:
  EngineImpl(asio::any_io_executor ex, Settings settings, ConnectionOptions base)
      : executor_(ex), loop_(ex),
        strand_(asio::make_strand(ex)),
        settings_(std::move(settings)), base_(std::move(base)),
        map_(settings_.read_from), hub_(settings_.pubsub) {
    base_.fail_queued_when_unreachable = settings_.cluster;
    if (!settings_.cluster) {
      map_ = SlotMap::standalone(node_name(base_.address.host, base_.address.port));
      standalone_plan_ = map_.plan_command(Command{"PING"}, std::nullopt).value();
    }
  }
  ~EngineImpl() { close_all(); }

  template <class Config>
  static void create(asio::any_io_executor ex, Config config, Done<std::shared_ptr<Engine>> done);

  const Settings& settings() const noexcept { return settings_; }
  void close_all();

  // ---- operations, on the strand ----------------------------------------------------------
  // (The hot ones take their arguments by reference: each move showed in the profile.)
  void execute(Command&& command, std::optional<Route>&& route, milliseconds timeout, Done<Value>&& done);
  void execute_per_node(Command&& command, Route&& route, milliseconds timeout, Done<ClusterValue<Value>>&& done);
  void execute_on_side(Command command, std::optional<Route> route, milliseconds timeout, Done<Value> done);
  void exec(std::shared_ptr<const BatchData> batch, bool raise_on_error, ClusterBatchOptions options, milliseconds timeout,
            Done<Batches> done);
  void invoke_script(Script script, ScriptOptions options, milliseconds timeout, Done<Value> done);
  void invoke_script_route(Script script, ScriptArgs args, Route route, milliseconds timeout, Done<ClusterValue<Value>> done);
  void cluster_scan(ClusterScanCursor cursor, ScanOptions options, milliseconds timeout, Done<ScanPage> done);
  void subscribe(PubSubChannelModes mode, std::vector<std::string> channels, bool remove, milliseconds timeout, Done<void> done);
  void get_pubsub_message(Done<PubSubMsg> done) { hub_.get(std::move(done)); }
  std::optional<PubSubMsg> try_get_pubsub_message() { return hub_.try_get(); }
  std::uint64_t pubsub_messages_dropped() const noexcept { return hub_.dropped(); }

  template <class F>
  void on_strand(F&& f) {
    waiting_.fetch_add(1, std::memory_order_relaxed);
    asio::dispatch(strand_, [this, f = std::forward<F>(f)]() mutable {
      waiting_.fetch_sub(1, std::memory_order_release);
      std::move(f)();  // f keeps the engine alive
    });
  }
  // Runs an operation on the strand: callers may be on any thread. A caller already on it (a
  // coroutine resumed by a reply, the common case) calls it here, as dispatch() would, without
  // moving the arguments into a function object first; so does a sync client's caller, who alone
  // runs the loop, and a thread running an io_context promised to one thread at a time
  // (detail/sole_runner.hpp), unless an operation started earlier still waits for the strand:
  // this one must not overtake it.
  template <class... Params, class... Args>
  void call(void (EngineImpl::*op)(Params...), Args&&... args) {
    auto self = shared_from_this();  // a handler run inside may let go of the last client handle
    if (strand_.running_in_this_thread() ||
        (loop_.strand_free_here() && waiting_.load(std::memory_order_acquire) == 0))
      return ((*self).*op)(std::forward<Args>(args)...);
    on_strand([self = std::move(self), op, ... a = std::forward<Args>(args)]() mutable { ((*self).*op)(std::move(a)...); });
  }
  asio::any_io_executor executor() const { return executor_; }

  // ---- Routing ----------------------------------------------------------------------------
  std::string owner(int slot) override { return map_.owner(slot); }
  void moved(int slot, const std::string& node) override {
    map_.moved(slot, node);
    refresh_topology();
  }
  ScriptCache& scripts(const std::string& node) override { return this->node(node).scripts; }
  std::uint64_t links(const std::string& node) override { return this->node(node).connection->links(); }
  std::optional<NodeDown> down(const std::string& name) override { return down(*node(name).connection); }
  std::optional<NodeDown> down(const NodeConnection& c) const {
    if (!settings_.cluster) return std::nullopt;
    const auto since = c.unreachable_since();
    if (since == Clock::time_point::max()) return std::nullopt;
    return NodeDown{c.last_error(), last_refresh_ > since};
  }

 private:
  struct Node {
    std::shared_ptr<NodeConnection> connection;
    std::shared_ptr<NodeConnection> subscriber;  // RESP2: subscriptions on a connection of their own
    ScriptCache scripts;
    bool plain = false;  // opened without READONLY
  };

  Node& node(const std::string& name);
  NodeConnection& pubsub_link(const std::string& name);
  void attach_pubsub(NodeConnection& c, const std::string& name);
  ExchangeRules single_rules() const;
  void start(std::shared_ptr<Run> run);
  void drive(const std::shared_ptr<Run>& run);
  void run_single(Entries&& entries, const RoutePlan& plan, Gather how, ExchangeRules rules, milliseconds timeout, Finish&& done);
  void run_split(SlotSplit&& split, milliseconds timeout, Finish&& done);
  // On `node` or not at all: no redirect, no other node (a SCAN cursor means nothing elsewhere).
  void execute_on_node(Command&& command, const std::string& node, milliseconds timeout, Done<Value>&& done);
  void finish_node_scan(std::shared_ptr<ClusterScanState> state, std::vector<std::string> keys, milliseconds timeout,
                        Done<ScanPage> done);
  template <class MakeFinish>
  void run_command(Command&& command, const std::optional<Route>& route, milliseconds timeout, Gather how, MakeFinish finish);
  void send_first_round(std::shared_ptr<FirstRound> f, NodeConnection& connection, Clock::time_point now);
  friend struct FirstRound;
  void exec_atomic(std::shared_ptr<const BatchData> batch, bool raise_on_error, const ClusterBatchOptions& options,
                   Clock::time_point deadline, Done<Batches> done);
  void exec_pipeline(std::shared_ptr<const BatchData> batch, bool raise_on_error, const ClusterBatchOptions& options,
                     Clock::time_point deadline, Done<Batches> done);
  Result<std::shared_ptr<const PipelinePlan>> pipeline_plan(const BatchData& batch, const std::optional<Route>& route);

  // ---- pub/sub ------------------------------------------------------------------------------
  // add: asked for by the caller; keep: made again by the client itself (kept if it fails).
  enum class Subscribing { add, remove, keep };
  void subscribe_on(PubSubChannelModes mode, std::vector<std::string> channels, Subscribing how, milliseconds timeout,
                    int redirects_left, Done<void> done);
  void subscribed(PubSubChannelModes mode, Subscribing how, const std::string& where, std::vector<std::string> group,
                  milliseconds timeout, int redirects_left, std::optional<Value> error, Done<void> done);
  void subscribe_configured(Done<void> done);
  void watch_subscriptions();
  std::string home_of(const std::string& channel);
  void restore_on(const std::string& node);
  void rehome_subscriptions();

  // ---- topology (cluster) -----------------------------------------------------------------
  void refresh_topology(std::function<void()> done = {});
  void fetch_topology(std::vector<std::string> candidates, std::size_t index, std::function<void(Result<Topology>)> done);
  void read_topology(const std::string& node, bool shards, std::function<void(Result<Topology>, bool reached)> done);
  std::vector<std::string> refresh_candidates();
  void install(Topology t);
  void schedule_periodic_refresh();

  asio::any_io_executor executor_;
  LoopThreads loop_;
  NodeConnection::Strand strand_;
  std::atomic<int> waiting_{0};  // operations handed to the strand that have not started yet
  Settings settings_;
  ConnectionOptions base_;
  SlotMap map_;
  std::optional<RoutePlan> standalone_plan_;  // the one node, for every command of a standalone client
  std::unordered_map<std::string, Node> nodes_;
  std::pair<const std::string, Node>* last_node_ = nullptr;  // the node asked for last
  std::shared_ptr<const PipelinePlan> last_plan_;
  std::unordered_map<std::string, Clock::time_point> unreachable_;  // when a node last failed us
  bool refreshing_ = false;
  Clock::time_point last_refresh_{};
  std::vector<std::function<void()>> refresh_waiters_;
  bool shards_unknown_ = false;  // a node refused CLUSTER SHARDS (a server before 7.0)
  std::shared_ptr<asio::steady_timer> periodic_timer_;
  PubSubHub hub_;
  std::shared_ptr<asio::steady_timer> watch_timer_;  // while a cluster holds subscriptions
  bool closed_ = false;
};

EngineImpl& impl(Engine& e) { return static_cast<EngineImpl&>(e); }
const EngineImpl& impl(const Engine& e) { return static_cast<const EngineImpl&>(e); }

// ---- connections ------------------------------------------------------------------------------

EngineImpl::Node& EngineImpl::node(const std::string& name) {
  // Most requests go where the one before went (a standalone client always does): no hashing.
  if (last_node_ && last_node_->first == name) return last_node_->second;
  if (auto it = nodes_.find(name); it != nodes_.end()) {
    last_node_ = &*it;
    return it->second;
  }
  ConnectionOptions o = base_;
  o.address = parse_node(name);
  o.readonly = map_.is_replica(name);  // a replica answers reads only after READONLY
  Node n;
  n.connection = NodeConnection::make(strand_, std::move(o)).value();  // the options were checked at create
  n.plain = !map_.is_replica(name);
  if (settings_.protocol == ProtocolVersion::RESP3) attach_pubsub(*n.connection, name);
  if (closed_) n.connection->close();
  return nodes_.emplace(name, std::move(n)).first->second;
}

// Where a node's subscriptions live: on the shared connection in RESP3 (pushes come between
// replies), on a connection of their own in RESP2 (a subscribed RESP2 connection takes no other
// command).
NodeConnection& EngineImpl::pubsub_link(const std::string& name) {
  Node& n = node(name);
  if (settings_.protocol == ProtocolVersion::RESP3) return *n.connection;
  if (!n.subscriber) {
    ConnectionOptions o = base_;
    o.address = parse_node(name);
    o.subscriber = true;
    n.subscriber = NodeConnection::make(strand_, std::move(o)).value();  // the options were checked at create
    attach_pubsub(*n.subscriber, name);
    if (closed_) n.subscriber->close();
  }
  return *n.subscriber;
}

void EngineImpl::attach_pubsub(NodeConnection& c, const std::string& name) {
  c.on_push([weak = weak_from_this()](Value push) {
    // An error here is a subscription the node refused to restore: the map says where it goes.
    if (auto self = weak.lock(); self && (push.is_error() || self->hub_.deliver(push))) self->refresh_topology();
  });
  if (auto [wire, owed] = hub_.restore_wire(name); owed > 0) c.set_subscriptions(std::move(wire), owed);
}

void EngineImpl::close_all() {
  closed_ = true;
  hub_.close(Error(errc::closing, "client closed"));
  if (periodic_timer_) periodic_timer_->cancel();
  if (watch_timer_) watch_timer_->cancel();
  for (auto& [name, n] : nodes_) {
    n.connection->close();
    if (n.subscriber) n.subscriber->close();
  }
}

template <class Config>
void EngineImpl::create(asio::any_io_executor ex, Config config, Done<std::shared_ptr<Engine>> done) {
  auto base = connection_options(config);
  if (!base) return std::move(done)(base.error());
  auto engine = std::make_shared<EngineImpl>(ex, settings_of(std::move(config)), std::move(base).value());
  // Checking the options once (e.g. TLS files) makes later per-node connections infallible.
  if (auto probe = NodeConnection::make(engine->strand_, engine->base_); !probe) return std::move(done)(probe.error());
  // Connected: the configured subscriptions are made before the client is handed out.
  auto ready = [engine](Done<std::shared_ptr<Engine>> done) {
    engine->subscribe_configured([engine, done = std::move(done)](Result<void> r) mutable {
      if (!r) {
        engine->close_all();
        return std::move(done)(r.error());
      }
      std::move(done)(std::shared_ptr<Engine>(engine));
    });
  };
  engine->on_strand([engine, ready, done = std::move(done)]() mutable {
    if (!engine->settings_.cluster) {
      auto& n = engine->node(engine->map_.owner(-1));
      if (engine->settings_.lazy_connect) return ready(std::move(done));
      return n.connection->connect([engine, ready, done = std::move(done)](Result<void> r) mutable {
        if (!r) {
          engine->close_all();
          return std::move(done)(r.error());
        }
        ready(std::move(done));
      });
    }
    std::vector<std::string> seeds;
    for (const auto& a : engine->settings_.seeds) seeds.push_back(node_name(a.host, a.port));
    auto shared_done = std::make_shared<Done<std::shared_ptr<Engine>>>(std::move(done));
    engine->fetch_topology(std::move(seeds), 0, [engine, ready, shared_done](Result<Topology> t) {
      if (!t) {
        engine->close_all();
        return std::move(*shared_done)(t.error());
      }
      engine->install(std::move(t).value());
      engine->schedule_periodic_refresh();
      ready(std::move(*shared_done));
    });
  });
}

// ---- driving an exchange ------------------------------------------------------------------------

void EngineImpl::start(std::shared_ptr<Run> run) {
  run->exchange.start(*this, Clock::now());
  drive(run);
}

// Carries out what the exchange asks for. A connection may complete a send at once (closed,
// over its limit), re-entering here: the sends are taken out first, and the run is finished once.
void EngineImpl::drive(const std::shared_ptr<Run>& run) {
  Exchange& ex = run->exchange;
  auto sends = std::move(ex.sends());
  ex.sends().clear();
  auto self = shared_from_this();
  for (auto& s : sends) {
    auto on_replies = [self, run, group = s.group](Result<Replies> replies) {
      run->exchange.replied(group, std::move(replies), *self, Clock::now());
      self->drive(run);
    };
    Node& n = node(s.node);
    if (s.side)
      n.connection->send_side(std::move(s.request), std::move(on_replies));
    else
      n.connection->send(std::move(s.request), std::move(on_replies));
  }
  if (ex.take_refresh()) {
    if (ex.finished()) {
      refresh_topology();  // for the requests after this one, which is answered now
    } else {
      return refresh_topology([self, run] {
        run->exchange.resume(*self, Clock::now());
        self->drive(run);
      });
    }
  }
  if (auto until = ex.take_pause()) {
    auto timer = std::make_shared<asio::steady_timer>(strand_, *until);
    return timer->async_wait([self, run, timer](boost::system::error_code) {
      run->exchange.resume(*self, Clock::now());
      self->drive(run);
    });
  }
  if (ex.finished() && run->done) run->done(ex.take_result());  // once: a Done is empty after its call
}

ExchangeRules EngineImpl::single_rules() const {
  ExchangeRules rules;
  rules.follow_topology = settings_.cluster;
  return rules;
}

void EngineImpl::run_single(Entries&& entries, const RoutePlan& plan, Gather how, ExchangeRules rules, milliseconds timeout,
                            Finish&& done) {
  const Script* script = entries.script(0);
  const std::string& first = plan.nodes.front();
  Node& target = node(first);
  const bool plain = !plan.multi && !rules.side &&
                     (!script || !needs_load(target.scripts, *script, target.connection->links())) && !down(*target.connection);
  if (plain) {
    const auto now = Clock::now();  // read once: the request's deadline, and when the connection got it
    return send_first_round(
        // Asio's per-thread recycling: a reply frees one just before the caller's next request
        // asks for one.
        std::allocate_shared<FirstRound>(asio::recycling_allocator<FirstRound>(), shared_from_this(), std::move(entries), first, plan.slot, rules,
                                         timeout, now, std::move(done)),
        *target.connection, now);
  }
  auto run = std::make_shared<Run>(std::move(entries), rules, deadline_after(timeout), std::move(done));
  for (const auto& n : plan.nodes) run->exchange.add_part(0, n, plan.slot);
  if (plan.multi) run->exchange.gather(0, how, plan.policy);
  start(std::move(run));
}

// A command for one node goes out as it is, with no exchange: most are answered with a value, and
// building an exchange for each of them made a request three times as costly (allocations,
// memory while queued). Any other answer (an error reply, a failure) goes to an exchange, which
// takes over as if it had sent the request, and judges it by the rules.
void EngineImpl::send_first_round(std::shared_ptr<FirstRound> f, NodeConnection& connection, Clock::time_point now) {
  Request r;
  r.borrowed = f->entries.one;  // f, the request's ReplyTarget, keeps it
  r.timeout = f->timeout;       // all of it: it is sent now
  r.made_at = now;
  connection.send(std::move(r), std::shared_ptr<ReplyTarget>(std::move(f)));
}

void FirstRound::on_replies(Result<Replies>&& replies) {
  if (replies && !replies.value().front().is_error()) {
    if (flushed_scripts(entries.one, replies.value().front())) engine->scripts(node).forget_all();
    return done(std::move(replies).value());
  }
  auto run = std::make_shared<Run>(std::move(entries), rules, deadline, std::move(done));
  run->exchange.add_part(0, node, slot);
  run->exchange.adopt(std::move(replies), *engine, Clock::now());
  engine->drive(run);
}

// ---- operations -------------------------------------------------------------------------------

// One command: refused here if it would break reply pairing; a blocking one may wait its own
// server-side timeout too. `finish` makes the caller's completion, knowing whether the command
// went to several nodes.
template <class MakeFinish>
void EngineImpl::run_command(Command&& command, const std::optional<Route>& route, milliseconds timeout, Gather how, MakeFinish finish) {
  if (auto refused = command.unsupported()) return finish(false)(std::move(*refused));
  // A standalone client's plan never changes: planned once, not per command.
  std::optional<Result<RoutePlan>> planned;
  if (map_.is_cluster() || !standalone_plan_) planned = map_.plan_command(command, route);
  if (planned && !*planned) {
    if (planned->error().code() == errc::crossslot && !route)
      if (auto split = split_by_slot(command.arguments())) return run_split(std::move(*split), command.timeout_for(timeout), finish(false));
    return finish(false)(planned->error());
  }
  const RoutePlan& plan = planned ? planned->value() : *standalone_plan_;
  timeout = command.timeout_for(timeout);
  Entries e;
  e.one = std::move(command).encoded();
  run_single(std::move(e), plan, how, single_rules(), timeout, finish(plan.multi));
}

// The parts of a split command run as a pipeline, each where its slot is; each part follows its
// own redirects and retries, as a pipeline's entries do.
void EngineImpl::run_split(SlotSplit&& split, milliseconds timeout, Finish&& done) {
  auto parts = std::make_shared<BatchData>();
  for (const auto& part : split.parts) {
    parts->offsets.push_back(parts->wire.size());
    parts->wire += part.wire;
  }
  auto shared = std::make_shared<const SlotSplit>(std::move(split));
  done.combine_parts(shared);
  auto run = std::make_shared<Run>(Entries{std::move(parts), {}, {}}, single_rules(), deadline_after(timeout), std::move(done));
  for (std::uint32_t i = 0; i < shared->parts.size(); ++i) {
    const int slot = shared->parts[i].slot;
    run->exchange.add_part(i, map_.owner(slot, shared->readonly), slot);
  }
  start(std::move(run));
}

void EngineImpl::execute(Command&& command, std::optional<Route>&& route, milliseconds timeout, Done<Value>&& done) {
  run_command(std::move(command), std::move(route), timeout, Gather::by_policy,
              [&done](bool) { return Finish::value(std::move(done)); });
}

void EngineImpl::execute_per_node(Command&& command, Route&& route, milliseconds timeout, Done<ClusterValue<Value>>&& done) {
  run_command(std::move(command), std::optional<Route>(std::move(route)), timeout, Gather::per_node,
              [&done](bool multi) { return Finish::per_node(multi, std::move(done)); });
}

void EngineImpl::execute_on_side(Command command, std::optional<Route> route, milliseconds timeout, Done<Value> done) {
  auto plan = map_.plan_route(route.value_or(Route(AllPrimaries{})), false);
  if (!plan) return std::move(done)(plan.error());
  // SCRIPT KILL on all primaries: fine when one of them had a script to kill.
  plan.value().policy = ResponsePolicy::one_succeeded;
  auto rules = single_rules();
  rules.side = true;
  Entries e;
  e.one = std::move(command).encoded();
  run_single(std::move(e), plan.value(), Gather::by_policy, rules, timeout, Finish::value(std::move(done)));
}

void EngineImpl::invoke_script(Script script, ScriptOptions options, milliseconds timeout, Done<Value> done) {
  Command c{"EVALSHA", script.get_hash()};
  c.arg(options.keys.size()).args(options.keys).args(options.args);
  std::optional<Route> route;
  if (options.keys.empty()) route = RandomNode{};  // a keyless script runs on any primary
  auto plan = map_.plan_command(c, route);
  if (!plan) return std::move(done)(plan.error());
  Entries e;
  e.one = std::move(c).encoded();
  e.one_script = std::move(script);
  run_single(std::move(e), plan.value(), Gather::by_policy, single_rules(), timeout, Finish::value(std::move(done)));
}

void EngineImpl::invoke_script_route(Script script, ScriptArgs args, Route route, milliseconds timeout,
                                     Done<ClusterValue<Value>> done) {
  Command c{"EVALSHA", script.get_hash(), "0"};
  c.args(args.args);
  auto plan = map_.plan_route(route, false);
  if (!plan) return std::move(done)(plan.error());
  Entries e;
  e.one = std::move(c).encoded();
  e.one_script = std::move(script);
  const bool multi = plan.value().multi;
  run_single(std::move(e), plan.value(), Gather::per_node, single_rules(), timeout, Finish::per_node(multi, std::move(done)));
}

void EngineImpl::execute_on_node(Command&& command, const std::string& node, milliseconds timeout, Done<Value>&& done) {
  auto rules = single_rules();
  rules.follow_topology = false;
  Entries e;
  e.one = std::move(command).encoded();
  run_single(std::move(e), RoutePlan{{node}, -1, false, ResponsePolicy::none}, Gather::by_policy, rules, timeout,
             Finish::value(std::move(done)));
}

// ---- cluster scan -----------------------------------------------------------------------------

namespace {
// The node may be gone (killed, failed over): its slots are scanned again where they live now.
bool node_gone(const Error& e) {
  return e.code() == errc::connection_error || e.code() == errc::unknown_outcome || e.code() == errc::timeout ||
         e.code() == errc::protocol_error;
}
}  // namespace

// One SCAN call on one node: the node serving the first slot not scanned yet, until its cursor
// comes back to 0; then its slots count as scanned where it still serves them (finish_node_scan).
void EngineImpl::cluster_scan(ClusterScanCursor cursor, ScanOptions options, milliseconds timeout, Done<ScanPage> done) {
  if (cursor.is_finished()) return std::move(done)(ScanPage{std::move(cursor), {}});
  auto state = std::make_shared<ClusterScanState>(cursor.state());
  if (state->node.empty()) {
    const int first = first_unscanned(state->scanned);
    state->node = map_.owner(first);
    state->node_cursor = "0";
    state->node_slots.reset();
    for (int s = first; s < slot_count; ++s)
      if (!state->scanned.test(static_cast<std::size_t>(s)) && map_.owner(s) == state->node) state->node_slots.set(static_cast<std::size_t>(s));
  }
  auto self = shared_from_this();
  execute_on_node(scan_command(state->node_cursor, options), state->node, timeout,
                  [self, state, timeout, done = std::move(done)](Result<Value> r) mutable {
                    if (!r && node_gone(r.error())) {
                      state->node.clear();
                      // (refresh_topology keeps a copyable callback: the Done goes in a shared_ptr.)
                      auto waiting = std::make_shared<Done<ScanPage>>(std::move(done));
                      return self->refresh_topology([state, waiting] {
                        std::move(*waiting)(ScanPage{ClusterScanCursor(state), {}});
                      });
                    }
                    if (!r) return std::move(done)(r.error());
                    auto page = to_result<std::pair<std::string, std::vector<std::string>>>(std::move(r).value());
                    if (!page) return std::move(done)(page.error());
                    auto& [next, keys] = page.value();
                    if (next == "0") return self->finish_node_scan(std::move(state), std::move(keys), timeout, std::move(done));
                    state->node_cursor = std::move(next);
                    std::move(done)(ScanPage{ClusterScanCursor(std::move(state)), std::move(keys)});
                  });
}

// The node's own view decides what its SCAN covered: slots it still serves as a primary with no
// migration in or out. The rest (moved away, migrating, or the node became a replica) are
// scanned again on their owner of the moment.
void EngineImpl::finish_node_scan(std::shared_ptr<ClusterScanState> state, std::vector<std::string> keys, milliseconds timeout,
                                  Done<ScanPage> done) {
  const std::string node = state->node;
  execute_on_node(Command{"CLUSTER", "NODES"}, node, timeout,
                  [self = shared_from_this(), state = std::move(state), keys = std::move(keys), done = std::move(done)](Result<Value> r) mutable {
                    SlotSet covered;
                    if (auto text = r ? to_result<std::string>(std::move(r).value()) : Result<std::string>(r.error()))
                      covered = state->node_slots & stable_own_slots(text.value());
                    const bool stale = covered != state->node_slots;
                    state->scanned |= covered;
                    state->node.clear();
                    state->finished = first_unscanned(state->scanned) < 0;
                    auto waiting = std::make_shared<std::pair<Done<ScanPage>, ScanPage>>(
                        std::move(done), ScanPage{ClusterScanCursor(std::move(state)), std::move(keys)});
                    auto deliver = [waiting] { std::move(waiting->first)(std::move(waiting->second)); };
                    // The node no longer serves all it did: the map is stale, else the next call
                    // would pick the same node for the slots left.
                    if (stale) return self->refresh_topology(deliver);
                    deliver();
                  });
}

// ---- batches ----------------------------------------------------------------------------------

void EngineImpl::exec(std::shared_ptr<const BatchData> batch, bool raise_on_error, ClusterBatchOptions options,
                      milliseconds timeout, Done<Batches> done) {
  if (batch->size() == 0) return std::move(done)(Batches(std::vector<Reply>{}));
  if (batch->refused) return std::move(done)(*batch->refused);
  // A batch runs where one node is: AllPrimaries / AllNodes once sent it to the first primary of
  // the list, silently. GLIDE takes single-node routes only here.
  if (options.route && (std::holds_alternative<AllPrimaries>(*options.route) || std::holds_alternative<AllNodes>(*options.route)))
    return std::move(done)(fail(errc::configuration_error, "a batch takes a single-node route (not AllPrimaries or AllNodes)"));
  const auto deadline = deadline_after(batch_timeout(*batch, options.timeout.value_or(timeout)));
  if (batch->atomic) return exec_atomic(std::move(batch), raise_on_error, options, deadline, std::move(done));
  exec_pipeline(std::move(batch), raise_on_error, options, deadline, std::move(done));
}

void EngineImpl::exec_atomic(std::shared_ptr<const BatchData> batch, bool raise_on_error, const ClusterBatchOptions& options,
                             Clock::time_point deadline, Done<Batches> done) {
  int slot = -1;
  if (settings_.cluster) {
    auto slots = entry_slots(*batch);
    if (!slots) return std::move(done)(slots.error());
    for (std::size_t i = 0; i < slots.value().size(); ++i) {
      const int s = slots.value()[i];
      if (s < 0) continue;
      if (slot >= 0 && s != slot)
        return std::move(done)(fail(errc::crossslot, "CROSSSLOT an atomic batch must keep all keys in one slot; entry #" +
                                                         std::to_string(i) + " is in slot " + std::to_string(s) +
                                                         ", an earlier one in slot " + std::to_string(slot)));
      slot = s;
    }
  }
  std::string target = map_.owner(slot);
  if (options.route) {
    auto p = map_.plan_route(*options.route, false);
    if (!p) return std::move(done)(p.error());
    target = p.value().nodes.front();
  }
  auto rules = single_rules();
  rules.atomic = true;
  rules.retry_unsent = false;
  auto run = std::make_shared<Run>(Entries{batch, {}, {}}, rules, deadline, Finish::batch(batch, raise_on_error, std::move(done)));
  run->exchange.add_part(0, target, slot);
  start(std::move(run));
}

void EngineImpl::exec_pipeline(std::shared_ptr<const BatchData> batch, bool raise_on_error, const ClusterBatchOptions& options,
                               Clock::time_point deadline, Done<Batches> done) {
  auto rules = single_rules();
  const auto retry = options.retry_strategy.value_or(BatchRetryStrategy{});
  rules.retry_transient = retry.retry_server_error;
  rules.retry_lost = retry.retry_connection_error;
  auto finish = Finish::batch(batch, raise_on_error, std::move(done));
  if (!settings_.cluster) {
    auto run = std::make_shared<Run>(Entries{batch, {}, {}}, rules, deadline, std::move(finish));
    const std::string server = map_.owner(-1);
    for (std::uint32_t i = 0; i < batch->size(); ++i) run->exchange.add_part(i, server, -1);
    run->exchange.prepare(0, static_cast<std::uint32_t>(batch->size()), batch->wire, batch);
    return start(std::move(run));
  }
  auto planned = pipeline_plan(*batch, options.route);
  // Entries whose keys span slots and may be split (MGET, MSET, DEL, ...) run as their parts; such a
  // batch is planned each time (the cached plan is for batches sent as they are).
  if (!planned && planned.error().code() == errc::crossslot) {
    if (auto expanded = expand_multi_slot(*batch)) {
      batch = expanded->batch;
      planned = plan_pipeline(map_, *batch, options.route);
      finish.fold(std::make_shared<const ExpandedBatch>(std::move(*expanded)));
    }
  }
  if (!planned) return finish(planned.error());
  auto run = std::make_shared<Run>(Entries{batch, {}, {}}, rules, deadline, std::move(finish));
  Exchange& ex = run->exchange;
  const auto& plan = planned.value();
  for (const auto& group : plan->groups) {
    const auto first = static_cast<std::uint32_t>(ex.parts().size());
    for (auto i : group.entries) ex.add_part(i, group.node, plan->slots[i]);
    ex.prepare(first, static_cast<std::uint32_t>(group.entries.size()), group.wire, plan);
  }
  for (const auto& f : plan->fan_outs) ex.gather(f.entry, Gather::by_policy, f.policy);
  start(std::move(run));
}

// The plan of the last batch run here is kept while neither the batch (its revision) nor the
// slot map changes: a batch run again and again is split once.
Result<std::shared_ptr<const PipelinePlan>> EngineImpl::pipeline_plan(const BatchData& batch, const std::optional<Route>& route) {
  if (!route && last_plan_ && last_plan_->revision == batch.revision && last_plan_->epoch == map_.epoch()) return last_plan_;
  auto plan = plan_pipeline(map_, batch, route);
  if (plan && !route) last_plan_ = plan.value();
  return plan;
}

// ---- pub/sub ----------------------------------------------------------------------------------

// Where a subscription belongs: the one server; in a cluster, the primary of the channel's slot
// (a sharded channel must be there; exact channels and patterns, which every node delivers, are
// spread the same way).
std::string EngineImpl::home_of(const std::string& channel) {
  return map_.owner(settings_.cluster ? static_cast<int>(hash_slot(channel)) : -1);
}

void EngineImpl::restore_on(const std::string& name) {
  auto [wire, owed] = hub_.restore_wire(name);
  pubsub_link(name).set_subscriptions(std::move(wire), owed);
}

namespace {
// The error of a (UN)SUBSCRIBE, if any: the connection's, or the server's reply.
std::optional<Value> subscription_error(const Result<Replies>& replies) {
  if (!replies) return Value::error(std::string(replies.error().message()));
  for (const auto& r : replies.value())
    if (r.is_error()) return r;
  return std::nullopt;
}

// A (UN)SUBSCRIBE of `channels`, answered by one confirmation push per channel.
Request subscription_request(PubSubChannelModes mode, bool remove, const std::vector<std::string>& channels, milliseconds timeout) {
  Request r{Command(subscription_command(mode, remove, channels)).encoded(), channels.size(), timeout};
  r.confirmed_by_push = true;
  return r;
}

struct SubscribeTally {
  std::size_t left = 0;
  std::optional<Error> error;
  Done<void> done;
  void one_done(Result<void> r) {
    if (!r && !error) error = r.error();
    if (--left == 0) std::move(done)(error ? Result<void>(*error) : ok());
  }
};
}  // namespace

void EngineImpl::subscribe(PubSubChannelModes mode, std::vector<std::string> channels, bool remove, milliseconds timeout,
                           Done<void> done) {
  if (mode == PubSubChannelModes::Sharded && !settings_.cluster)
    return std::move(done)(fail(errc::configuration_error, "sharded channels (SSUBSCRIBE) exist in cluster mode only"));
  if (remove && channels.empty())
    for (const auto& [c, n] : hub_.placed(mode)) channels.push_back(c);
  subscribe_on(mode, std::move(channels), remove ? Subscribing::remove : Subscribing::add, timeout, max_attempts, std::move(done));
}

// One command per node (per channel for SSUBSCRIBE, whose channels must share a slot), each
// confirmed by the server's pushes. A subscription counts once confirmed: from then on every new
// link to its node restores it in the handshake. An unsubscribed channel is let go at once. A
// subscription that meets MOVED (a slot map behind a migration) follows it; one the client makes
// by itself (`keep`: moved after a slot map change) is kept for the next map if it fails.
void EngineImpl::subscribe_on(PubSubChannelModes mode, std::vector<std::string> channels, Subscribing how, milliseconds timeout,
                              int redirects_left, Done<void> done) {
  const bool remove = how == Subscribing::remove;
  std::map<std::string, std::vector<std::vector<std::string>>> commands;  // per node
  for (const auto& c : channels) {
    std::string where = home_of(c);
    if (remove) {
      auto it = hub_.placed(mode).find(c);
      if (it == hub_.placed(mode).end()) continue;
      where = it->second;
      hub_.forget(mode, c);
    }
    auto& node_commands = commands[where];
    if (node_commands.empty() || mode == PubSubChannelModes::Sharded) node_commands.emplace_back();
    node_commands.back().push_back(c);
  }
  auto tally = std::make_shared<SubscribeTally>();
  tally->done = std::move(done);
  for (const auto& [where, list] : commands) tally->left += list.size();
  if (tally->left == 0) return std::move(tally->done)(ok());
  for (auto& [where, list] : commands) {
    if (remove) restore_on(where);
    for (auto& group : list) {
      pubsub_link(where).send(subscription_request(mode, remove, group, timeout), [self = shared_from_this(), mode, how, where, group, timeout, redirects_left,
                                                   tally](Result<Replies> replies) mutable {
        self->subscribed(mode, how, where, std::move(group), timeout, redirects_left, subscription_error(replies),
                         [tally](Result<void> r) { tally->one_done(std::move(r)); });
      });
    }
  }
}

void EngineImpl::subscribed(PubSubChannelModes mode, Subscribing how, const std::string& where, std::vector<std::string> group,
                            milliseconds timeout, int redirects_left, std::optional<Value> error, Done<void> done) {
  if (!error) {
    if (how != Subscribing::remove) {
      for (const auto& c : group) hub_.place(mode, c, where);
      restore_on(where);
      watch_subscriptions();
    }
    return std::move(done)(ok());
  }
  const auto verdict = classify_reply(*error, where);
  if (how != Subscribing::remove && verdict.kind == ReplyVerdict::moved && redirects_left > 0) {
    moved(verdict.slot, verdict.node);
    return subscribe_on(mode, std::move(group), how, timeout, redirects_left - 1, std::move(done));
  }
  if (how == Subscribing::keep) {
    for (const auto& c : group) hub_.lose(mode, c);
    log::warn("pub/sub: could not subscribe again on {}: {}; retrying with the next slot map", where, error->str());
    watch_subscriptions();
  }
  std::move(done)(Error::from_server(error->str()));
}

void EngineImpl::subscribe_configured(Done<void> done) {
  if (!settings_.pubsub) return std::move(done)(ok());
  auto tally = std::make_shared<SubscribeTally>();
  tally->done = std::move(done);
  tally->left = 1;  // this function's own, so that no mode's answer finishes it early
  const auto timeout = base_.connection_timeout + settings_.request_timeout;
  for (const auto& [mode, channels] : settings_.pubsub->channels_and_patterns) {
    if (channels.empty()) continue;
    ++tally->left;
    subscribe(mode, {channels.begin(), channels.end()}, false, timeout, [tally](Result<void> r) { tally->one_done(std::move(r)); });
  }
  tally->one_done(ok());
}

// After the slot map changed: a sharded channel whose slot moved, and any subscription held by a
// node that is no longer a primary (a failover), is made again where it belongs now, and then the
// old node is told to let go (a message may come twice, none is missed); so are channels the
// server dropped, or that could not be moved before.
void EngineImpl::rehome_subscriptions() {
  std::set<std::string> primaries;
  for (const auto& shard : map_.topology().shards) primaries.insert(shard.primary);
  for (auto mode : {PubSubChannelModes::Exact, PubSubChannelModes::Pattern, PubSubChannelModes::Sharded}) {
    std::map<std::string, std::vector<std::string>> leaving;  // per old node
    for (const auto& [channel, where] : hub_.placed(mode)) {
      const bool moved = mode == PubSubChannelModes::Sharded ? home_of(channel) != where : primaries.count(where) == 0;
      if (moved) leaving[where].push_back(channel);
    }
    for (const auto& [old, channels] : leaving) {
      for (const auto& c : channels) hub_.lose(mode, c);
      restore_on(old);
    }
    auto homeless = hub_.take_homeless(mode);
    if (homeless.empty()) continue;
    subscribe_on(mode, std::move(homeless), Subscribing::keep, settings_.request_timeout, max_attempts,
                 [self = shared_from_this(), mode, leaving = std::move(leaving)](Result<void>) {
                   for (const auto& [old, channels] : leaving) {
                     self->pubsub_link(old).send(subscription_request(mode, true, channels, self->settings_.request_timeout),
                                                 [](Result<Replies>) {});
                   }
                 });
  }
}

// A cluster's subscriptions on a node that cannot be reached wait for a failover to move them: the
// slot map is read every second meanwhile (a subscriber that sends nothing would otherwise hear
// of the failover at the next periodic check only); so it is while some could not be moved.
void EngineImpl::watch_subscriptions() {
  if (!settings_.cluster || closed_ || watch_timer_) return;
  watch_timer_ = std::make_shared<asio::steady_timer>(strand_, std::chrono::seconds(1));
  watch_timer_->async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->closed_) return;
    self->watch_timer_.reset();
    if (!self->hub_.holds_any()) return;
    bool stranded = false;
    for (auto mode : {PubSubChannelModes::Exact, PubSubChannelModes::Pattern, PubSubChannelModes::Sharded}) {
      stranded = stranded || self->hub_.has_homeless(mode);
      for (const auto& [channel, where] : self->hub_.placed(mode))
        stranded = stranded || self->pubsub_link(where).unreachable_since() != Clock::time_point::max();
    }
    if (stranded) self->refresh_topology();
    self->watch_subscriptions();
  });
}

// ---- topology ---------------------------------------------------------------------------------

std::vector<std::string> EngineImpl::refresh_candidates() {
  std::vector<std::string> candidates;
  for (const auto& s : map_.topology().shards) candidates.push_back(s.primary);
  for (const auto& s : map_.topology().shards) candidates.insert(candidates.end(), s.replicas.begin(), s.replicas.end());
  for (const auto& a : settings_.seeds) candidates.push_back(node_name(a.host, a.port));
  // Nodes that just failed us go last: asking a dead primary first cost every refresh
  // connection_timeout + request_timeout, right when a failover needs the new map.
  const auto now = Clock::now();
  std::stable_partition(candidates.begin(), candidates.end(), [&](const std::string& node) {
    auto it = unreachable_.find(node);
    return it == unreachable_.end() || now - it->second > unreachable_memory;
  });
  return candidates;
}

// Reads the slot map again (once for any number of callers waiting at the same time, and not
// more often than min_refresh_interval); `done` runs after, whatever came of it. A standalone
// client has nothing to read.
void EngineImpl::refresh_topology(std::function<void()> done) {
  if (!settings_.cluster || closed_) {
    if (done) asio::post(strand_, std::move(done));
    return;
  }
  if (done) refresh_waiters_.push_back(std::move(done));
  if (refreshing_) return;
  refreshing_ = true;
  const auto wait = std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(last_refresh_ + min_refresh_interval - Clock::now()));
  auto timer = std::make_shared<asio::steady_timer>(strand_, wait);
  timer->async_wait([self = shared_from_this(), timer](boost::system::error_code) {
    self->fetch_topology(self->refresh_candidates(), 0, [self](Result<Topology> t) {
      if (t) self->install(std::move(t).value());
      self->refreshing_ = false;
      auto waiters = std::move(self->refresh_waiters_);
      self->refresh_waiters_.clear();
      for (auto& w : waiters) w();
    });
  });
}

void EngineImpl::fetch_topology(std::vector<std::string> candidates, std::size_t index, std::function<void(Result<Topology>)> done) {
  if (index >= candidates.size())
    return done(fail(errc::connection_error, "no cluster node answered CLUSTER SHARDS or CLUSTER SLOTS (tried " +
                                                 std::to_string(candidates.size()) + " nodes)"));
  const std::string node = candidates[index];
  auto self = shared_from_this();
  read_topology(node, !shards_unknown_, [self, node, candidates = std::move(candidates), index,
                                         done = std::move(done)](Result<Topology> t, bool reached) mutable {
    if (t) return done(std::move(t));
    log::warn("cluster topology from {} unavailable: {}", node, t.error().message());
    if (!reached) self->unreachable_[node] = Clock::now();
    if (index + 1 < candidates.size()) return self->fetch_topology(std::move(candidates), index + 1, std::move(done));
    done(fail(errc::connection_error, "cannot read the cluster topology: " + std::string(t.error().message())));
  });
}

void EngineImpl::read_topology(const std::string& node, bool shards, std::function<void(Result<Topology>, bool reached)> done) {
  Request r{(shards ? Command{"CLUSTER", "SHARDS"} : Command{"CLUSTER", "SLOTS"}).encoded(), 1,
            base_.connection_timeout + settings_.request_timeout};
  auto self = shared_from_this();
  this->node(node).connection->send(std::move(r), [self, node, shards, done = std::move(done)](Result<Replies> replies) mutable {
    if (!replies) return done(fail(replies.error()), false);
    const Value& v = replies.value().front();
    const auto asked_host = parse_node(node).host;
    if (!shards) return done(v.is_error() ? fail(errc::request_error, v.str()) : topology_from_slots(v, asked_host), true);
    if (!v.is_error()) return done(topology_from_shards(v, asked_host, self->base_.use_tls), true);
    // Servers before 7.0 do not know CLUSTER SHARDS: ask them for CLUSTER SLOTS from now on.
    self->read_topology(node, false, [self, node, done = std::move(done)](Result<Topology> t, bool reached) mutable {
      if (t && !std::exchange(self->shards_unknown_, true))
        log::info("cluster node {} does not answer CLUSTER SHARDS; reading CLUSTER SLOTS instead", node);
      done(std::move(t), reached);
    });
  });
}

void EngineImpl::install(Topology t) {
  // A connection opened before we knew its node is a replica (a seed, or a node that used to be
  // hidden) lacks READONLY: reads routed to that replica came back MOVED and were served by the
  // primary. If the node never was a primary, nothing but topology reads went over it: it is
  // dropped and the next use opens one with READONLY. (A primary demoted by a failover keeps its
  // connection: requests may be in flight; its replica reads are redirected, still right.)
  for (const auto& shard : t.shards)
    for (const auto& r : shard.replicas) {
      auto it = nodes_.find(r);
      if (it == nodes_.end() || !it->second.plain) continue;
      bool was_primary = false;
      for (const auto& old : map_.topology().shards) was_primary = was_primary || old.primary == r;
      if (was_primary) continue;
      it->second.connection->close();
      if (it->second.subscriber) it->second.subscriber->close();
      if (last_node_ == &*it) last_node_ = nullptr;
      nodes_.erase(it);
    }
  map_.install(std::move(t));
  last_refresh_ = Clock::now();
  rehome_subscriptions();
}

void EngineImpl::schedule_periodic_refresh() {
  const auto interval = settings_.periodic_checks.value_or(milliseconds(60000));
  if (interval.count() <= 0 || closed_) return;
  periodic_timer_ = std::make_shared<asio::steady_timer>(strand_, interval);
  std::weak_ptr<EngineImpl> weak = shared_from_this();
  periodic_timer_->async_wait([weak, timer = periodic_timer_](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    self->refresh_topology();
    self->schedule_periodic_refresh();
  });
}

}  // namespace

// ---- the public face: every operation moves onto the strand -------------------------------------

void Engine::create(asio::any_io_executor ex, GlideClientConfiguration config, Done<std::shared_ptr<Engine>> done) {
  EngineImpl::create(std::move(ex), std::move(config), std::move(done));
}
void Engine::create(asio::any_io_executor ex, GlideClusterClientConfiguration config, Done<std::shared_ptr<Engine>> done) {
  EngineImpl::create(std::move(ex), std::move(config), std::move(done));
}

void Engine::open_session(Done<std::shared_ptr<Engine>> done) const {
  const auto& e = impl(*this);
  EngineImpl::create(e.executor(), std::get<GlideClientConfiguration>(e.settings().config), std::move(done));
}

void Engine::close() {
  impl(*this).on_strand([self = impl(*this).shared_from_this()] { self->close_all(); });
}

std::chrono::milliseconds Engine::request_timeout() const noexcept { return impl(*this).settings().request_timeout; }

void Engine::execute(Command command, std::optional<Route> route, milliseconds timeout, Done<Value> done) {
  impl(*this).call(&EngineImpl::execute, std::move(command), std::move(route), timeout, std::move(done));
}
void Engine::execute_per_node(Command command, Route route, milliseconds timeout, Done<ClusterValue<Value>> done) {
  impl(*this).call(&EngineImpl::execute_per_node, std::move(command), std::move(route), timeout, std::move(done));
}
void Engine::execute_on_side(Command command, std::optional<Route> route, milliseconds timeout, Done<Value> done) {
  impl(*this).call(&EngineImpl::execute_on_side, std::move(command), std::move(route), timeout, std::move(done));
}
void Engine::exec(std::shared_ptr<const BatchData> batch, bool raise_on_error, ClusterBatchOptions options, milliseconds timeout,
                  Done<Batches> done) {
  impl(*this).call(&EngineImpl::exec, std::move(batch), raise_on_error, std::move(options), timeout, std::move(done));
}
void Engine::cluster_scan(ClusterScanCursor cursor, ScanOptions options, milliseconds timeout, Done<ScanPage> done) {
  impl(*this).call(&EngineImpl::cluster_scan, std::move(cursor), std::move(options), timeout, std::move(done));
}
void Engine::subscribe(PubSubChannelModes mode, std::vector<std::string> channels, bool remove, milliseconds timeout, Done<void> done) {
  impl(*this).call(&EngineImpl::subscribe, mode, std::move(channels), remove, timeout, std::move(done));
}
void Engine::get_pubsub_message(Done<PubSubMsg> done) { impl(*this).call(&EngineImpl::get_pubsub_message, std::move(done)); }
std::optional<PubSubMsg> Engine::try_get_pubsub_message() { return impl(*this).try_get_pubsub_message(); }
std::uint64_t Engine::pubsub_messages_dropped() const noexcept { return impl(*this).pubsub_messages_dropped(); }
void Engine::invoke_script(Script script, ScriptOptions options, milliseconds timeout, Done<Value> done) {
  impl(*this).call(&EngineImpl::invoke_script, std::move(script), std::move(options), timeout, std::move(done));
}
void Engine::invoke_script_route(Script script, ScriptArgs args, Route route, milliseconds timeout,
                                 Done<ClusterValue<Value>> done) {
  impl(*this).call(&EngineImpl::invoke_script_route, std::move(script), std::move(args), std::move(route), timeout,
                   std::move(done));
}

}  // namespace glide::detail
