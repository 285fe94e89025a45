#pragma once
// Engine: what a client handle and its copies share, standalone or cluster: the connections, the
// slot map (for a standalone client, one node that owns every slot) and the one request path
// every operation takes (client/src/engine.cpp). The machinery stays in the .cpp: this header
// declares the operations and nothing of the state behind them.
#include <glide/batch.hpp>
#include <glide/cluster_scan.hpp>
#include <glide/command.hpp>
#include <glide/config.hpp>
#include <glide/detail/async.hpp>
#include <glide/route.hpp>
#include <glide/script.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace glide::detail {

class Engine {
 public:
  using Batches = std::optional<std::vector<Reply>>;

  // Connects (unless lazy_connect; a cluster reads its slot map first) and completes with the
  // engine, or with why it cannot work.
  static void create(boost::asio::any_io_executor ex, GlideClientConfiguration config, Done<std::shared_ptr<Engine>> done);
  static void create(boost::asio::any_io_executor ex, GlideClusterClientConfiguration config,
                     Done<std::shared_ptr<Engine>> done);
  // Another standalone engine with the same configuration and connections of its own.
  void open_session(Done<std::shared_ptr<Engine>> done) const;
  void close();

  std::chrono::milliseconds request_timeout() const noexcept;

  // One command where its keys, its route or its policy send it; several nodes' answers
  // combined into one Value by the command's response policy.
  void execute(Command command, std::optional<Route> route, std::chrono::milliseconds timeout, Done<Value> done);
  // The same, with a multi-node route's answers kept per node ("host:port" -> value).
  void execute_per_node(Command command, Route route, std::chrono::milliseconds timeout, Done<ClusterValue<Value>> done);
  // Over the nodes' side connections (SCRIPT KILL, FUNCTION KILL: the main ones wait behind the
  // script); all primaries unless routed.
  void execute_on_side(Command command, std::optional<Route> route, std::chrono::milliseconds timeout, Done<Value> done);
  void exec(std::shared_ptr<const BatchData> batch, bool raise_on_error, ClusterBatchOptions options,
            std::chrono::milliseconds timeout, Done<Batches> done);
  void invoke_script(Script script, ScriptOptions options, std::chrono::milliseconds timeout, Done<Value> done);
  void invoke_script_route(Script script, ScriptArgs args, Route route, std::chrono::milliseconds timeout,
                           Done<ClusterValue<Value>> done);
  // One step of a cluster-wide SCAN: the next cursor and the keys this call found.
  using ScanPage = std::pair<ClusterScanCursor, std::vector<std::string>>;
  void cluster_scan(ClusterScanCursor cursor, ScanOptions options, std::chrono::milliseconds timeout, Done<ScanPage> done);
  // Pub/sub (docs/pubsub.md). Subscribes to `channels`, or unsubscribes (`remove`; none: all of
  // the mode); done once every node concerned confirmed.
  void subscribe(PubSubChannelModes mode, std::vector<std::string> channels, bool remove, std::chrono::milliseconds timeout,
                 Done<void> done);
  void get_pubsub_message(Done<PubSubMsg> done);
  // From any thread.
  std::optional<PubSubMsg> try_get_pubsub_message();
  std::uint64_t pubsub_messages_dropped() const noexcept;

 protected:
  Engine() = default;
  ~Engine() = default;
};

}  // namespace glide::detail
