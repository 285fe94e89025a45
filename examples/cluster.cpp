// Cluster mode (docs/cluster.md): the scripts guide's "Cluster Mode Considerations" and
// "Cluster-Specific Errors" in C++ with the asynchronous client in a coroutine, then routes,
// multi-node commands, cluster batches, WATCH and reads from replicas with the blocking client.
// It needs a cluster: GLIDE_CLUSTER_HOST / GLIDE_CLUSTER_PORT name one node (default
// localhost:7000); scripts/examples.sh starts a 6-node cluster of its own.
// Each result is printed next to what the guide says; the program fails if one differs.
#include "example_config.hpp"
#include "example_print.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <set>
#include <string>

namespace asio = boost::asio;
using example::print;
using namespace std::chrono_literals;

// ---- the scripts guide, cluster sections (asynchronous client) -------------------------------

asio::awaitable<void> default_behavior(glide::GlideClusterClient& cluster_client) {
  std::cout << "Default behavior\n";
  // [snippet:default-behavior]
  // This works the same in cluster mode: the script runs on the primary that owns the slot of
  // its key, hash_slot("user:1000") (CRC16 of the key, mod 16384)
  glide::Script script("return redis.call('SET', KEYS[1], ARGV[1])");
  glide::ScriptOptions options{.keys = {"user:1000"},  // Routed based on key hash
                               .args = {"John"}};
  auto result = co_await cluster_client.invoke_script(script, options);
  print(result, R"("OK")");
  print(std::int64_t{glide::hash_slot("user:1000")}, "1649");

  // Typed commands are routed the same way
  print(co_await cluster_client.get("user:1000"), R"("John")");
  // [/snippet]
}

asio::awaitable<void> explicit_routing(glide::GlideClusterClient& cluster_client) {
  std::cout << "Explicit routing\n";
  // [snippet:explicit-routing]
  // invoke_script_route takes arguments only: the route, not keys, says where the script runs
  glide::Script script("return ARGV[1] .. ' from port ' .. string.match(redis.call('INFO', 'server'), 'tcp_port:(%d+)')");
  glide::ScriptArgs args{.args = {"John"}};

  // Route to a specific slot: the primary that owns the slot of "user:1000"
  glide::Route route = glide::SlotKeyRoute{glide::SlotType::PRIMARY, "user:1000"};
  auto one = co_await cluster_client.invoke_script_route(script, args, route);
  if (one) print(one.value().single_value(), R"("John from port ...)");

  // Route to all primary nodes: one value per node, keyed "host:port"
  route = glide::AllPrimaries{};
  auto all = co_await cluster_client.invoke_script_route(script, args, route);
  if (all) {
    for (const auto& [node, value] : all.value().multi_value()) std::cout << "  " << node << " -> " << value << "\n";
    print(static_cast<std::int64_t>(all.value().multi_value().size()), "3");
  }
  // [/snippet]
}

asio::awaitable<void> multi_slot_scripts(glide::GlideClusterClient& cluster_client) {
  std::cout << "Multi-slot scripts\n";
  // [snippet:multi-slot]
  // This WILL ALWAYS FAIL in cluster mode if keys are in different slots: the client refuses
  // it with errc::crossslot before anything is sent (the server would answer CROSSSLOT)
  glide::Script script(R"(
    redis.call('SET', KEYS[1], ARGV[1])
    redis.call('SET', KEYS[2], ARGV[2])
    return 'OK'
  )");

  // This will be rejected before execution
  glide::ScriptOptions different_slots{.keys = {"key1", "key2"},  // Different slots - ALWAYS fails
                                       .args = {"value1", "value2"}};
  auto rejected = co_await cluster_client.invoke_script(script, different_slots);
  if (!rejected && rejected.error().code() == glide::errc::crossslot)
    std::cout << "Keys are in different slots - script rejected\n";
  print(rejected, "error: keys map to different slots (CROSSSLOT): CROSSSLOT Keys in request don't hash to the same "
                  "slot: 'key1' -> 9189 'key2' -> 4998");

  // Keys must be in the same slot using hash tags
  glide::ScriptOptions same_slot{.keys = {"user:{1000}:name", "user:{1000}:email"},  // Same slot due to {1000}
                                 .args = {"John", "john@example.com"}};
  print(co_await cluster_client.invoke_script(script, same_slot), R"("OK")");
  print(glide::hash_slot("user:{1000}:name") == glide::hash_slot("1000"), "true");
  // [/snippet]
}

asio::awaitable<void> cluster_errors(glide::GlideClusterClient& cluster_client) {
  std::cout << "Cluster-specific errors\n";
  glide::Script script("return {KEYS[1], KEYS[2]}");
  // [snippet:cluster-errors]
  // Handle cluster routing errors
  glide::ScriptOptions options{.keys = {"key1", "key2"}};  // Might be in different slots
  auto result = co_await cluster_client.invoke_script(script, options);
  if (!result) {
    if (result.error().code() == glide::errc::crossslot) {  // message(): "CROSSSLOT ..."
      std::cout << "Keys are in different slots\n";
      // Use hash tags or route explicitly
    }
  }
  print(result.has_value(), "false");
  // [/snippet]
}

// [snippet:setup]
asio::awaitable<void> guide(asio::io_context& io) {
  // Cluster client configuration: any node of the cluster will do as a seed.
  // cluster_example_config() is {"localhost", 7000} unless GLIDE_CLUSTER_HOST / GLIDE_CLUSTER_PORT
  // say otherwise.
  glide::GlideClusterClientConfiguration config = cluster_example_config();

  // Create cluster client: it reads the slot map (CLUSTER SHARDS) from the first seed that answers
  auto created = co_await glide::GlideClusterClient::create(io.get_executor(), config);
  if (!created) {
    std::cerr << "cannot connect: " << created.error() << "\n";
    co_return;
  }
  glide::GlideClusterClient cluster_client = std::move(created).value();

  co_await default_behavior(cluster_client);
  co_await explicit_routing(cluster_client);
  co_await multi_slot_scripts(cluster_client);
  co_await cluster_errors(cluster_client);

  // Always close when done
  cluster_client.close();
}
// [/snippet]

// ---- beyond the guide (blocking client) --------------------------------------------------------

void routes(glide::sync::GlideClusterClient& client) {
  std::cout << "Routes\n";
  // [snippet:routes]
  // Without a route: keys decide (GET, SET, ...); keyless commands follow the command's cluster
  // policy (DBSIZE: all primaries, summed); anything else goes to one node
  print(client.custom_command({"SET", "{user1000}.name", "Ann"}), R"("OK")");

  // An explicit route: custom_command then returns a ClusterValue, one value or one per node
  using glide::SlotType;
  auto primary = client.custom_command({"ROLE"}, glide::SlotKeyRoute{SlotType::PRIMARY, "{user1000}.name"});
  print(primary.value().single_value().items().at(0), R"("master")");
  auto by_slot = client.custom_command({"GET", "{user1000}.name"}, glide::SlotIdRoute{SlotType::PRIMARY, glide::hash_slot("user1000")});
  print(by_slot.value().single_value(), R"("Ann")");
  // SlotType::REPLICA: one of the slot's replicas answers (the primary when it has none)
  auto replica = client.custom_command({"GET", "{user1000}.name"}, glide::SlotKeyRoute{SlotType::REPLICA, "{user1000}.name"});
  print(replica.has_value(), "true");

  auto ids = client.custom_command({"CLUSTER", "MYID"}, glide::AllPrimaries{});
  for (const auto& [node, id] : ids.value().multi_value()) std::cout << "  " << node << " is " << id << "\n";
  print(static_cast<std::int64_t>(ids.value().multi_value().size()), "3");
  print(client.custom_command({"PING"}, glide::AllNodes{}).value().is_single_value(), "false");
  print(client.custom_command({"PING"}, glide::RandomNode{}).value().single_value(), R"("PONG")");

  // One node by its address, e.g. one that CLUSTER SHARDS or a multi-node answer named
  const std::string first = ids.value().multi_value().begin()->first;  // "host:port"
  const glide::ByAddressRoute address{first.substr(0, first.rfind(':')),
                                      static_cast<std::uint16_t>(std::stoi(first.substr(first.rfind(':') + 1)))};
  auto same_node = client.custom_command({"CLUSTER", "MYID"}, address);
  print(same_node.value().single_value() == ids.value().multi_value().begin()->second, "true");
  // [/snippet]
}

void multi_node(glide::sync::GlideClusterClient& client) {
  std::cout << "Multi-node commands\n";
  // [snippet:multi-node]
  // DBSIZE runs on every primary; the answers are summed
  auto keys = client.dbsize();
  print(keys.has_value() && keys.value() >= 1, "true");

  // SCRIPT EXISTS runs on every primary: true only where all of them have the script
  glide::Script script("return 'cached'");
  const glide::Route first_primary = glide::SlotIdRoute{glide::SlotType::PRIMARY, 0};
  print(client.script_flush(), "ok");
  print(client.invoke_script_route(script, {}, first_primary).value().single_value(), R"("cached")");
  print(client.script_exists({script.get_hash()}), "[false]");  // loaded on one primary of three
  print(client.script_exists({script.get_hash()}, first_primary), "[true]");

  // MGET, MSET, DEL, EXISTS, UNLINK, TOUCH and WATCH over several slots are split by slot, sent
  // to the owners in parallel and answered as one command (MGET in the caller's key order)
  print(client.mget({"{user1000}.name", "{user1000}.email"}), R"(["Ann", nil])");
  print(client.mset({{"key1", "a"}, {"key2", "b"}}), "ok");
  print(client.mget({"key2", "{user1000}.name", "key1"}), R"(["b", "Ann", "a"])");
  print(client.del({"key1", "key2"}), "2");
  // Other multi-key commands need one slot, as in the server (MSETNX must be atomic)
  auto refused = client.msetnx({{"key1", "a"}, {"key2", "b"}});
  print(refused.error().code() == glide::errc::crossslot, "true");
  // [/snippet]
}

void batches(glide::sync::GlideClusterClient& client) {
  std::cout << "Cluster batches\n";
  // [snippet:pipeline]
  // A pipeline may touch every slot: it is split per node, sent in parallel, and the results
  // come back in the order the commands were added
  glide::ClusterBatch pipeline(/*is_atomic=*/false);
  for (int i = 0; i < 100; ++i) pipeline.set("pipeline:" + std::to_string(i), std::to_string(i));
  for (int i = 0; i < 100; ++i) pipeline.get("pipeline:" + std::to_string(i));
  auto results = client.exec(pipeline, /*raise_on_error=*/true).value().value();
  print(results[100 + 42], R"("42")");

  // Options: a timeout for the whole batch; what to retry (BatchRetryStrategy)
  glide::ClusterBatchOptions options;
  options.timeout = 2s;
  options.retry_strategy = glide::BatchRetryStrategy{.retry_server_error = true, .retry_connection_error = false};
  print(client.exec(pipeline, true, options).value()->size() == 200, "true");
  // [/snippet]

  // [snippet:transaction]
  // A transaction (atomic batch) runs on one node: all its keys must share a slot
  glide::ClusterBatch tx(/*is_atomic=*/true);
  tx.set("{account:7}:balance", "100").decr_by("{account:7}:balance", 30).set("{account:7}:last", "-30");
  auto committed = client.exec(tx, true);
  print(glide::as<std::int64_t>(committed.value()->at(1)), "70");

  // Keys of two slots: refused before anything is sent
  glide::ClusterBatch split(true);
  split.set("{account:7}:balance", "0").set("{account:8}:balance", "0");
  auto refused = client.exec(split, true);
  print(refused.error().code() == glide::errc::crossslot, "true");
  print(client.get("{account:7}:balance"), R"("70")");

  // A keyless transaction runs where ClusterBatchOptions::route says
  glide::ClusterBatch keyless(true);
  keyless.custom_command({"ROLE"});
  glide::ClusterBatchOptions on_slot_0;
  on_slot_0.route = glide::SlotIdRoute{glide::SlotType::PRIMARY, 0};
  print(client.exec(keyless, true, on_slot_0).value()->at(0).value().items().at(0), R"("master")");
  // [/snippet]
}

void watch(glide::sync::GlideClusterClient& client) {
  std::cout << "WATCH\n";
  // [snippet:watch]
  // WATCH goes to the node of its keys; the transaction must run there too (same slot)
  auto other = glide::sync::GlideClusterClient::create(cluster_example_config()).value();
  glide::ClusterBatch tx(true);
  tx.incr_by("{account:7}:balance", 5);

  print(client.watch({"{account:7}:balance"}), "ok");
  print(client.exec(tx, true).value().has_value(), "true");  // nobody interfered: it ran

  print(client.watch({"{account:7}:balance"}), "ok");
  print(other.set("{account:7}:balance", "0"), R"("OK")");   // another client changes the key
  print(client.exec(tx, true).value().has_value(), "false");  // EXEC answered nil: nothing ran
  other.close();
  // [/snippet]
}

void scan(glide::sync::GlideClusterClient& client) {
  std::cout << "SCAN over the cluster\n";
  // [snippet:scan]
  // A ClusterScanCursor walks every primary; each call returns the next cursor and some keys
  // (maybe none), until the cursor is_finished()
  for (int i = 0; i < 20; ++i) print(client.set("scan:example:" + std::to_string(i), "v"), R"("OK")");
  std::set<std::string> found;
  glide::ClusterScanCursor cursor;
  while (!cursor.is_finished()) {
    auto page = client.scan(cursor, glide::ScanOptions{.match = "scan:example:*", .count = 100, .type = "string"});
    if (!page) {
      std::cerr << "scan failed: " << page.error() << "\n";
      break;
    }
    cursor = page.value().first;
    found.insert(page.value().second.begin(), page.value().second.end());  // a key may come twice
  }
  print(static_cast<std::int64_t>(found.size()), "20");
  // [/snippet]
}

void read_from_replicas() {
  std::cout << "Reading from replicas\n";
  // [snippet:read-from]
  // Reads (read-only commands) go to a replica of the key's shard when it has one; writes, and
  // everything in batches, go to primaries
  glide::GlideClusterClientConfiguration config = cluster_example_config();
  config.read_from = glide::ReadFrom::PREFER_REPLICA;
  auto client = glide::sync::GlideClusterClient::create(config).value();
  print(client.set("{user1000}.city", "Oslo"), R"("OK")");
  // The replica may lag: WAIT until one replica has every write so far (for this example only)
  auto replicated = client.custom_command({"WAIT", "1", "1000"}, glide::SlotKeyRoute{glide::SlotType::PRIMARY, "{user1000}.city"});
  print(replicated.has_value(), "true");
  print(client.get("{user1000}.city"), R"("Oslo")");
  client.close();
  // [/snippet]
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, guide(io), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();

  auto client = glide::sync::GlideClusterClient::create(cluster_example_config());
  if (!client) {
    std::cerr << "cannot connect: " << client.error() << "\n";
    return 1;
  }
  routes(client.value());
  multi_node(client.value());
  batches(client.value());
  watch(client.value());
  scan(client.value());
  read_from_replicas();
  client.value().close();
  return example::exit_status();
}
