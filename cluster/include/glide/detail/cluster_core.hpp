#pragma once
// ClusterCore: what a cluster client handle shares with its copies: the slot table, one
// multiplexed connection per node, and the request paths of a cluster: routing by keys, policies
// or explicit routes; MOVED/ASK/TRYAGAIN; batches split per node and merged in order.
#include <glide/batch.hpp>
#include <glide/config.hpp>
#include <glide/detail/async.hpp>
#include <glide/detail/cluster_topology.hpp>
#include <glide/detail/command_table.hpp>
#include <glide/detail/node_connection.hpp>
#include <glide/route.hpp>
#include <glide/script.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace glide::detail {

class ClusterCore : public std::enable_shared_from_this<ClusterCore> {
 public:
  using Clock = std::chrono::steady_clock;

  static void create(boost::asio::any_io_executor ex, GlideClusterClientConfiguration config,
                     Done<std::shared_ptr<ClusterCore>> done);
  ~ClusterCore();

  std::chrono::milliseconds request_timeout() const noexcept { return config_.request_timeout; }

  // One command where its keys, its route or its policy send it; the answers of several nodes
  // combined into one Value by the command's response policy.
  void execute(Command command, std::optional<Route> route, std::chrono::milliseconds timeout, Done<Value> done);
  // The same, with the answers of a multi-node route kept per node ("host:port" -> value).
  void execute_per_node(Command command, Route route, std::chrono::milliseconds timeout, Done<ClusterValue<Value>> done);
  // SCRIPT KILL / FUNCTION KILL, over side connections (the main ones wait behind the script).
  void execute_on_side(Command command, std::optional<Route> route, std::chrono::milliseconds timeout, Done<Value> done);
  void exec(std::shared_ptr<const BatchData> batch, bool raise_on_error, ClusterBatchOptions options, std::chrono::milliseconds timeout,
            Done<std::optional<std::vector<Reply>>> done);
  void invoke_script(Script script, ScriptOptions options, std::chrono::milliseconds timeout, Done<Value> done);
  void invoke_script_route(Script script, ScriptArgs args, Route route, std::chrono::milliseconds timeout,
                           Done<ClusterValue<Value>> done);
  void close();

  // Where a request goes: one node (with the slot it was routed by, for MOVED bookkeeping), or
  // several whose answers are combined.
  struct Plan {
    std::vector<std::string> nodes;
    int slot = -1;
    bool multi = false;
  };

 private:
  struct Attempt;  // one single-node request in flight, with its redirect budget
  // Where a pipeline's entries go: per node, which entries and their bytes, ready to send.
  struct PipelinePlan {
    std::uint64_t revision = 0;  // of the batch
    std::uint64_t epoch = 0;     // of the slot map
    std::vector<int> slots;      // per entry, -1: keyless
    struct Group {
      std::string node;
      std::vector<std::size_t> entries;
      std::string wire;
    };
    std::vector<Group> groups;
    std::vector<std::uint32_t> group_of;  // per entry; fanned_out for the entries below
    // Keyless entries whose command runs on every primary or node (DBSIZE, FLUSHALL, SCRIPT
    // EXISTS, ...): sent to each, the answers combined by the command's response policy, as
    // outside a batch.
    static constexpr std::uint32_t fanned_out = ~std::uint32_t{0};
    struct FanOut {
      std::size_t entry;
      ResponsePolicy policy;
    };
    std::vector<FanOut> fan_outs;
    std::vector<std::int32_t> fan_out_of;  // per entry, index into fan_outs or -1; empty if none
  };

  ClusterCore(boost::asio::any_io_executor ex, GlideClusterClientConfiguration config, ConnectionOptions base);

  Result<Plan> plan(const Command& command, const std::optional<Route>& route);
  Result<Plan> plan_route(const Route& route, bool readonly);
  std::string owner(int slot, bool read);
  static Result<std::vector<int>> entry_slots(const BatchData& batch);
  Result<std::shared_ptr<const PipelinePlan>> pipeline_plan(const std::shared_ptr<const BatchData>& batch,
                                                            const std::optional<Route>& route);
  std::shared_ptr<NodeConnection> connection(const std::string& node, bool side = false);

  void send_single(std::shared_ptr<Attempt> attempt);
  void fan_out(std::vector<std::string> nodes, std::string wire, Clock::time_point deadline,
               std::function<void(std::vector<std::pair<std::string, Result<Value>>>)> done, bool side = false);

  void refresh_topology(std::function<void(Result<void>)> done = {});
  void fetch_topology(std::vector<std::string> candidates, std::size_t index, std::function<void(Result<Topology>)> done);
  // One node's view of the slot map: CLUSTER SHARDS, or CLUSTER SLOTS where SHARDS is unknown.
  void read_topology(const std::string& node, bool shards, std::function<void(Result<Topology>, bool reached)> done);
  void install(Topology t);
  void note_moved(int slot, const std::string& node);
  void note_unreachable(const std::string& node);
  void schedule_periodic_refresh();

  boost::asio::any_io_executor executor_;
  GlideClusterClientConfiguration config_;
  ConnectionOptions base_options_;

  mutable std::mutex mutex_;
  Topology topology_;
  std::uint64_t topology_epoch_ = 0;  // bumped whenever the slot map changes
  std::shared_ptr<const PipelinePlan> last_plan_;
  std::unordered_map<std::string, std::shared_ptr<NodeConnection>> connections_;
  std::unordered_map<std::string, std::shared_ptr<NodeConnection>> side_connections_;
  std::unordered_set<std::string> plain_connections_;  // main connections opened without READONLY
  std::unordered_map<std::string, Clock::time_point> unreachable_;  // when a node last failed us
  bool refreshing_ = false;
  Clock::time_point last_refresh_{};
  std::vector<std::function<void(Result<void>)>> refresh_waiters_;
  std::uint64_t round_robin_ = 0;
  bool closed_ = false;
  std::atomic<bool> shards_unknown_{false};  // a node refused CLUSTER SHARDS (a server before 7.0)
  std::shared_ptr<void> periodic_timer_;
};

}  // namespace glide::detail
