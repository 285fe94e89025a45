// The cluster client against real 6-node clusters (3 primaries, 3 replicas): routing by key and
// by hash tag, CROSSSLOT refusals that send nothing, every Route type, multi-node aggregation,
// scripts in cluster mode, a slot migrated under traffic (ASK, then MOVED), a primary killed and
// replaced by its replica, big pipelines over all shards, atomic batches (WATCH, routes) and
// reads from replicas. Tests that leave the topology as they found it share shared_cluster();
// the migration and failover tests start a cluster of their own.
#include "fixtures.hpp"

#include <catch2/catch_get_random_seed.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace glide;
using namespace std::chrono_literals;
using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using glide_test::cluster_config_for;
using glide_test::run_coroutine;
using glide_test::shared_cluster;
using glide_test::unique_key;
using glide_test::ValkeyCluster;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// One line of CLUSTER NODES.
struct NodeInfo {
  std::string id;
  std::uint16_t port = 0;
  bool primary = false;
  std::string primary_id;                // a replica's primary
  std::vector<std::pair<int, int>> slots;  // a primary's slot ranges
};

std::vector<NodeInfo> cluster_nodes(const ValkeyCluster& cluster, std::uint16_t asked) {
  std::vector<NodeInfo> out;
  for (const auto& line : lines_of(cluster.cli(asked, {"CLUSTER", "NODES"}))) {
    const auto f = words_of(line);
    if (f.size() < 8) continue;
    NodeInfo n;
    n.id = f[0];
    const auto colon = f[1].find(':'), at = f[1].find('@');
    n.port = static_cast<std::uint16_t>(std::stoi(f[1].substr(colon + 1, at - colon - 1)));
    n.primary = f[2].find("master") != std::string::npos;
    n.primary_id = f[3];
    for (std::size_t i = 8; i < f.size(); ++i) {
      if (f[i].front() == '[') continue;  // a migrating/importing marker
      const auto dash = f[i].find('-');
      const int from = std::stoi(f[i].substr(0, dash));
      const int to = dash == std::string::npos ? from : std::stoi(f[i].substr(dash + 1));
      n.slots.emplace_back(from, to);
    }
    out.push_back(std::move(n));
  }
  return out;
}

// slot -> port of the primary that owns it, as `asked` sees the cluster.
std::vector<std::uint16_t> slot_owners(const ValkeyCluster& cluster, std::uint16_t asked) {
  std::vector<std::uint16_t> owner(16384, 0);
  for (const auto& n : cluster_nodes(cluster, asked))
    for (auto [from, to] : n.slots)
      for (int s = from; s <= to; ++s) owner[static_cast<std::size_t>(s)] = n.port;
  return owner;
}

std::uint16_t owner_of(const ValkeyCluster& cluster, std::string_view key) {
  return slot_owners(cluster, cluster.primary_ports().front())[hash_slot(key)];
}

std::string id_of(const ValkeyCluster& cluster, std::uint16_t port) { return cluster.cli(port, {"CLUSTER", "MYID"}); }

// The replica of the primary listening on `primary_port`.
std::uint16_t replica_of(const ValkeyCluster& cluster, std::uint16_t primary_port) {
  const auto nodes = cluster_nodes(cluster, primary_port);
  std::string pid;
  for (const auto& n : nodes)
    if (n.port == primary_port) pid = n.id;
  for (const auto& n : nodes)
    if (!n.primary && n.primary_id == pid) return n.port;
  FAIL("no replica of " << primary_port);
  return 0;
}

// A field of one line of INFO `section`, e.g. stat(c, p, "commandstats", "cmdstat_get", "calls").
std::int64_t stat(const ValkeyCluster& cluster, std::uint16_t port, const std::string& section, const std::string& line_name,
                  const std::string& field) {
  for (const auto& line : lines_of(cluster.cli(port, {"INFO", section}))) {
    if (line.rfind(line_name + ":", 0) != 0) continue;
    const auto at = line.find(field + "=");
    if (at == std::string::npos) return 0;
    return std::stoll(line.substr(at + field.size() + 1));
  }
  return 0;  // the command never ran there
}

std::int64_t calls(const ValkeyCluster& cluster, std::uint16_t port, const std::string& command) {
  return stat(cluster, port, "commandstats", "cmdstat_" + command, "calls");
}

std::string text(const Value& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string node(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// Two keys whose slots differ.
std::pair<std::string, std::string> keys_in_two_slots(const std::string& prefix) {
  std::string a = unique_key(prefix), b = unique_key(prefix);
  while (hash_slot(a) == hash_slot(b)) b = unique_key(prefix);
  return {a, b};
}

// Waits for the replicas of the node owning `key` to have everything written so far.
void wait_for_replica(sync::GlideClusterClient& client, const std::string& key) {
  auto acked = client.custom_command({"WAIT", "1", "2000"}, Route(SlotKeyRoute{SlotType::PRIMARY, key}));
  REQUIRE(acked.value().single_value() == 1);
}

ClusterBatchOptions routed_to(Route route) {
  ClusterBatchOptions o;
  o.route = std::move(route);
  return o;
}

// Valkey reports a replica as "loading" in CLUSTER SHARDS (and leaves it out of CLUSTER SLOTS)
// until it has a replication offset, so a client of a brand-new cluster may not read from its
// replicas (until its next topology refresh). The shared cluster is used once every replica is
// listed: a write on every primary gives them an offset.
ValkeyCluster& cluster_with_replicas_listed() {
  static ValkeyCluster& cluster = [] () -> ValkeyCluster& {
    ValkeyCluster& c = shared_cluster();
    const auto deadline = Clock::now() + 30s;
    while (true) {
      std::set<std::string> listed;
      for (const auto& line : lines_of(c.cli(c.seed_port(), {"CLUSTER", "SLOTS"})))
        if (line.size() == 40 && line.find_first_not_of("0123456789abcdef") == std::string::npos) listed.insert(line);
      if (listed.size() == c.size()) return c;
      if (Clock::now() > deadline) throw std::runtime_error("CLUSTER SLOTS still lists only " + std::to_string(listed.size()) + " nodes");
      const auto owners = slot_owners(c, c.seed_port());
      for (auto port : c.primary_ports())
        for (int i = 0;; ++i)
          if (const std::string key = "settle:" + std::to_string(i); owners[hash_slot(key)] == port) {
            c.cli(port, {"SET", key, "1"});
            break;
          }
      std::this_thread::sleep_for(200ms);
    }
  }();
  return cluster;
}

sync::GlideClusterClient connect(const ValkeyCluster& cluster) {
  return sync::GlideClusterClient::create(cluster_config_for(cluster)).value();
}

}  // namespace

// ---- routing by key --------------------------------------------------------------------------

TEST_CASE("cluster: 1000 random keys live on the primary that owns their slot", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  auto client = connect(cluster);
  std::mt19937 rng(Catch::getSeed());
  const std::string prefix = unique_key("rnd") + ":";
  // Braces included: some keys get a {hash tag}, some an empty or unclosed one.
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789{}{}:_-.";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), length(1, 24);
  std::set<std::string> seen;
  std::vector<std::string> keys;
  while (keys.size() < 1000) {
    std::string key = prefix;
    for (auto n = length(rng); n > 0; --n) key += alphabet[pick(rng)];
    if (seen.insert(key).second) keys.push_back(key);
  }
  // The server would redirect a SET sent to the wrong node (and the client would follow): the
  // primaries' rejected SETs show whether the client sent each to the right node first.
  auto rejected_sets = [&] {
    std::int64_t n = 0;
    for (auto port : cluster.primary_ports()) n += stat(cluster, port, "commandstats", "cmdstat_set", "rejected_calls");
    return n;
  };
  const auto rejected_before = rejected_sets();
  for (std::size_t i = 0; i < keys.size(); ++i) REQUIRE(client.set(keys[i], "v" + std::to_string(i)).value() == "OK");
  CHECK(rejected_sets() == rejected_before);

  // The client's slot is the server's slot.
  ClusterBatch keyslots(false);
  for (const auto& key : keys) keyslots.custom_command({"CLUSTER", "KEYSLOT", key});
  auto slots = client.exec(keyslots, true).value().value();
  REQUIRE(slots.size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    INFO(keys[i]);
    CHECK(as<std::int64_t>(slots[i]).value() == hash_slot(keys[i]));
  }

  // Where each key is stored: KEYS on every primary, compared with who owns its slot.
  const auto owners = slot_owners(cluster, cluster.seed_port());
  std::map<std::string, std::uint16_t> stored;
  for (auto port : cluster.primary_ports())
    for (const auto& key : lines_of(cluster.cli(port, {"KEYS", prefix + "*"}))) {
      INFO(key);
      CHECK(stored.emplace(key, port).second);
    }
  CHECK(stored.size() == keys.size());
  std::set<std::uint16_t> used;
  for (const auto& key : keys) {
    INFO(key);
    CHECK(stored[key] == owners[hash_slot(key)]);
    used.insert(stored[key]);
  }
  CHECK(used.size() == 3);  // all three shards got keys

  // Values, read on the owner itself (no redirect possible), and through the client.
  for (std::size_t i = 0; i < keys.size(); i += 10) {
    INFO(keys[i]);
    CHECK(cluster.cli(owners[hash_slot(keys[i])], {"GET", keys[i]}) == "v" + std::to_string(i));
    CHECK(client.get(keys[i]).value() == "v" + std::to_string(i));
  }
}

TEST_CASE("cluster: the slot map is read with CLUSTER SHARDS", "[cluster]") {
  auto& cluster = shared_cluster();
  auto asked = [&](const std::string& subcommand) {
    std::int64_t n = 0;
    for (auto port : cluster.ports()) n += calls(cluster, port, "cluster|" + subcommand);
    return n;
  };
  const auto shards = asked("shards"), slots = asked("slots");
  auto client = connect(cluster);
  const auto key = unique_key("shards");
  REQUIRE(client.set(key, "v").value() == "OK");
  CHECK(cluster.cli(owner_of(cluster, key), {"GET", key}) == "v");
  CHECK(asked("shards") > shards);
  CHECK(asked("slots") == slots);
}

TEST_CASE("cluster: over TLS, every node is reached on its TLS port", "[cluster][tls]") {
  glide_test::ClusterOptions options;
  options.server.tls = true;  // the nodes listen on TLS ports only, and talk to each other over TLS
  ValkeyCluster cluster(options);
  auto config = cluster_config_for(cluster);
  config.use_tls = true;
  config.tls_config.root_cert_file = cluster.node(0).tls_files().ca_cert;
  auto client = sync::GlideClusterClient::create(config).value();

  ClusterBatch pipe(false);
  std::vector<std::string> keys;
  for (int i = 0; i < 60; ++i) {
    keys.push_back(unique_key("tls"));
    pipe.set(keys.back(), "v" + std::to_string(i));
  }
  REQUIRE(client.exec(pipe, true).value()->size() == 60);
  std::set<std::uint16_t> owners;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    owners.insert(owner_of(cluster, keys[i]));
    CHECK(cluster.cli(owner_of(cluster, keys[i]), {"GET", keys[i]}) == "v" + std::to_string(i));
    CHECK(client.get(keys[i]).value() == "v" + std::to_string(i));
  }
  CHECK(owners.size() == 3);
  CHECK(client.dbsize().value() == 60);  // summed over the three primaries
}

TEST_CASE("cluster: hash tags keep related keys in one slot", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  auto client = connect(cluster);
  // The client's hash_slot agrees with the server on the tricky forms.
  for (std::string key : {"{user1000}.following", "{user1000}.followers", "user1000", "foo{}{bar}", "foo{{bar}}zap",
                          "foo{bar}{zap}", "{}", "{", "}", "a{b", "a}b{c}", "", "user:{1000}:name"}) {
    INFO("key '" << key << "'");
    auto server = client.custom_command({"CLUSTER", "KEYSLOT", key});
    CHECK(server.value() == static_cast<std::int64_t>(hash_slot(key)));
  }
  CHECK(hash_slot("{user1000}.following") == hash_slot("user1000"));

  // Multi-key commands on keys that share a tag work, and the keys live on the tag's owner.
  const std::string tag = unique_key("tag");
  const std::string a = "{" + tag + "}:a", b = "{" + tag + "}:b", c = "{" + tag + "}:c";
  REQUIRE(client.mset({{a, "1"}, {b, "2"}, {c, "3"}}).has_value());
  CHECK(client.mget({a, b, c}).value() == std::vector<std::optional<std::string>>{"1", "2", "3"});
  CHECK(client.exists({a, b, c}).value() == 3);
  const auto owner = owner_of(cluster, tag);
  for (const auto& key : {a, b, c}) CHECK_FALSE(cluster.cli(owner, {"GET", key}).empty());
  CHECK(client.del({a, b, c}).value() == 3);
  CHECK(cluster.cli(owner, {"EXISTS", a, b, c}) == "0");
}

TEST_CASE("cluster: cross-slot requests are refused and nothing is sent", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  auto client = connect(cluster);
  const auto [a, b] = keys_in_two_slots("xs");
  const auto slot_a = std::to_string(hash_slot(a)), slot_b = std::to_string(hash_slot(b));
  auto absent = [&] {
    for (const auto& key : {a, b}) {
      INFO(key);
      CHECK(cluster.cli(owner_of(cluster, key), {"EXISTS", key}) == "0");
    }
  };
  auto refused = [&](const auto& r) {
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::crossslot);
    CHECK_THAT(std::string(r.error().message()), StartsWith("CROSSSLOT") && ContainsSubstring(slot_a) && ContainsSubstring(slot_b));
  };

  // MSETNX must be atomic, so it is never split (MSET, MGET, DEL, ... are: multi_slot_test.cpp).
  refused(client.msetnx({{a, "1"}, {b, "2"}}));
  absent();
  refused(client.rename(a, b));
  refused(client.sinterstore(a, {b}));

  // A script with keys in two slots: refused by the client, not even loaded anywhere.
  Script two_keys(R"(
    redis.call('SET', KEYS[1], ARGV[1])
    redis.call('SET', KEYS[2], ARGV[2])
    return 'OK'
  )");
  refused(client.invoke_script(two_keys, {.keys = {a, b}, .args = {"1", "2"}}));
  absent();
  for (auto port : cluster.primary_ports()) CHECK(cluster.cli(port, {"SCRIPT", "EXISTS", two_keys.get_hash()}) == "0");

  // An atomic batch whose keys span two slots: refused as a whole before anything is sent.
  ClusterBatch tx(true);
  tx.set(a, "1").set(b, "2");
  refused(client.exec(tx, true));
  absent();
  // One pipeline entry with keys in two slots refuses the whole pipeline the same way.
  ClusterBatch pipe(false);
  pipe.set(a, "1").msetnx({{a, "1"}, {b, "2"}});
  refused(client.exec(pipe, false));
  absent();

  // The hash-tag fix: the same script and batch on keys of one slot.
  const std::string tag = unique_key("fix");
  const std::string ta = "{" + tag + "}:a", tb = "{" + tag + "}:b";
  CHECK(client.invoke_script(two_keys, {.keys = {ta, tb}, .args = {"1", "2"}}).value() == "OK");
  ClusterBatch tagged(true);
  tagged.set(ta, "3").set(tb, "4").mget({ta, tb});
  auto results = client.exec(tagged, true).value().value();
  CHECK(text(results[2].value()) == R"(["3", "4"])");
}

// ---- explicit routes -------------------------------------------------------------------------

TEST_CASE("cluster: every route type reaches the nodes it names", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  auto client = connect(cluster);
  std::map<std::uint16_t, std::string> ids;
  for (auto port : cluster.ports()) ids[port] = id_of(cluster, port);
  const auto primaries = cluster.primary_ports(), replicas = cluster.replica_ports();
  REQUIRE(primaries.size() == 3);
  REQUIRE(replicas.size() == 3);

  const std::string key = unique_key("route");
  const int slot = hash_slot(key);
  const auto primary = owner_of(cluster, key), replica = replica_of(cluster, primary);
  REQUIRE(client.set(key, "v").value() == "OK");
  wait_for_replica(client, key);

  auto one = [&](std::vector<std::string> args, Route route) {
    auto r = client.custom_command(std::move(args), std::move(route));
    REQUIRE(r.has_value());
    REQUIRE(r.value().is_single_value());
    return r.value().single_value();
  };
  auto role = [&](Route route) { return one({"ROLE"}, std::move(route)).items().at(0); };

  SECTION("SlotKeyRoute") {
    CHECK(one({"CLUSTER", "MYID"}, SlotKeyRoute{SlotType::PRIMARY, key}) == ids[primary]);
    CHECK(role(SlotKeyRoute{SlotType::PRIMARY, key}) == "master");
    // REPLICA: the shard's replica answers, a read included.
    CHECK(one({"CLUSTER", "MYID"}, SlotKeyRoute{SlotType::REPLICA, key}) == ids[replica]);
    const Value replica_role = one({"ROLE"}, SlotKeyRoute{SlotType::REPLICA, key});
    CHECK(replica_role.items().at(0) == "slave");
    CHECK(replica_role.items().at(2) == primary);
    CHECK(one({"GET", key}, SlotKeyRoute{SlotType::REPLICA, key}) == "v");
    CHECK_THAT(one({"INFO", "replication"}, SlotKeyRoute{SlotType::REPLICA, key}).str(), ContainsSubstring("role:slave"));
  }
  SECTION("SlotIdRoute") {
    CHECK(one({"CLUSTER", "MYID"}, SlotIdRoute{SlotType::PRIMARY, slot}) == ids[primary]);
    CHECK(one({"CLUSTER", "MYID"}, SlotIdRoute{SlotType::REPLICA, slot}) == ids[replica]);
    CHECK(one({"GET", key}, SlotIdRoute{SlotType::REPLICA, slot}) == "v");
    for (int bad : {-1, 16384}) {
      auto r = client.custom_command({"PING"}, Route(SlotIdRoute{SlotType::PRIMARY, bad}));
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code() == errc::configuration_error);
    }
  }
  SECTION("AllPrimaries") {
    auto r = client.custom_command({"CLUSTER", "MYID"}, Route(AllPrimaries{})).value();
    REQUIRE_FALSE(r.is_single_value());
    REQUIRE(r.multi_value().size() == 3);
    for (auto port : primaries) CHECK(r.multi_value().at(node(port)) == ids[port]);
    auto roles = client.custom_command({"ROLE"}, Route(AllPrimaries{})).value();
    for (const auto& [where, v] : roles.multi_value()) CHECK(v.items().at(0) == "master");
  }
  SECTION("AllNodes") {
    auto r = client.custom_command({"CLUSTER", "MYID"}, Route(AllNodes{})).value();
    REQUIRE(r.multi_value().size() == 6);
    for (auto port : cluster.ports()) CHECK(r.multi_value().at(node(port)) == ids[port]);
    auto roles = client.custom_command({"ROLE"}, Route(AllNodes{})).value();
    int masters = 0, slaves = 0;
    for (const auto& [where, v] : roles.multi_value()) (v.items().at(0) == "master" ? masters : slaves)++;
    CHECK(masters == 3);
    CHECK(slaves == 3);
  }
  SECTION("RandomNode") {
    std::set<std::string> answered;
    for (int i = 0; i < 6; ++i) {
      const Value id = one({"CLUSTER", "MYID"}, RandomNode{});
      answered.insert(id.str());
      bool known = false;
      for (const auto& [port, node_id] : ids) known = known || id == node_id;
      CHECK(known);
    }
    CHECK(one({"PING"}, RandomNode{}) == "PONG");
    CHECK(answered.size() >= 2);  // not always the same node
  }
  SECTION("ByAddressRoute") {
    for (auto port : cluster.ports()) {
      INFO(port);
      CHECK(one({"CLUSTER", "MYID"}, ByAddressRoute{"127.0.0.1", port}) == ids[port]);
    }
    // A replica reached by address serves reads too.
    CHECK(one({"GET", key}, ByAddressRoute{"127.0.0.1", replica}) == "v");
  }
}

// ---- multi-node commands ---------------------------------------------------------------------

TEST_CASE("cluster: multi-node commands are aggregated by their response policy", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  auto client = connect(cluster);
  const auto primaries = cluster.primary_ports();
  for (int i = 0; i < 30; ++i) REQUIRE(client.set(unique_key("agg"), "x").value() == "OK");

  // DBSIZE: the sum over the primaries.
  std::int64_t sum = 0;
  for (auto port : primaries) sum += std::stoll(cluster.cli(port, {"DBSIZE"}));
  CHECK(client.dbsize().value() == sum);
  CHECK(client.ping().value() == "PONG");
  auto info = client.info({InfoSection::SERVER});
  INFO((info ? std::string(info.value()) : std::string(info.error().message())));
  REQUIRE(info.has_value());
  // INFO goes to every primary: one text per node, each introduced by its address.
  for (auto port : primaries) {
    CHECK_THAT(info.value(), ContainsSubstring("# Node " + node(port) + "\r\n# Server"));
    CHECK_THAT(info.value(), ContainsSubstring("tcp_port:" + std::to_string(port)));
  }
  CHECK(client.time().has_value());

  // SCRIPT EXISTS: true only where every primary has the script.
  const Script script("return '" + unique_key("agg-script") + "'");
  const Script never("return 'never loaded " + unique_key("x") + "'");
  auto loaded = client.custom_command({"SCRIPT", "LOAD", std::string(script.code())}, Route(ByAddressRoute{"127.0.0.1", primaries[0]}));
  CHECK(loaded.value().single_value() == script.get_hash());
  CHECK(client.script_exists({script.get_hash()}).value() == std::vector<bool>{false});
  CHECK(client.script_exists({script.get_hash()}, ByAddressRoute{"127.0.0.1", primaries[0]}).value() == std::vector<bool>{true});
  CHECK(client.script_exists({script.get_hash()}, ByAddressRoute{"127.0.0.1", primaries[1]}).value() == std::vector<bool>{false});
  auto everywhere = client.custom_command({"SCRIPT", "LOAD", std::string(script.code())}, Route(AllPrimaries{})).value();
  CHECK(everywhere.multi_value().size() == 3);
  CHECK(client.script_exists({script.get_hash(), never.get_hash()}).value() == std::vector<bool>{true, false});
  // Without a route, SCRIPT LOAD follows its policy: every node, replicas too.
  CHECK(client.custom_command({"SCRIPT", "LOAD", std::string(never.code())}).value() == never.get_hash());
  for (auto port : cluster.ports()) CHECK(cluster.cli(port, {"SCRIPT", "EXISTS", never.get_hash()}) == "1");

  // FLUSHALL: OK once every primary flushed.
  CHECK(client.flushall().has_value());
  CHECK(client.dbsize().value() == 0);
  for (auto port : primaries) CHECK(cluster.cli(port, {"DBSIZE"}) == "0");
}

// ---- scripts ---------------------------------------------------------------------------------

TEST_CASE("cluster: scripts are routed by their keys and recovered from NOSCRIPT where they ran", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  auto client = connect(cluster);
  const auto primaries = cluster.primary_ports();
  // Which node ran the script: its own port, from INFO.
  const Script keyed(R"(
    redis.call('SET', KEYS[1], ARGV[1])
    return string.match(redis.call('INFO', 'server'), 'tcp_port:(%d+)')
  )");
  const Script keyless("return string.match(redis.call('INFO', 'server'), 'tcp_port:(%d+)')");

  SECTION("keys decide the node; keyless scripts go to a primary") {
    for (int i = 0; i < 20; ++i) {
      const std::string key = unique_key("script");
      auto ran_on = client.invoke_script(keyed, {.keys = {key}, .args = {"v"}});
      CHECK(ran_on.value() == std::to_string(owner_of(cluster, key)));
      CHECK(cluster.cli(owner_of(cluster, key), {"GET", key}) == "v");
    }
    std::set<std::string> ran_on;
    for (int i = 0; i < 6; ++i) {
      const auto port = client.invoke_script(keyless).value();
      ran_on.insert(port.str());
      CHECK(std::find(primaries.begin(), primaries.end(), std::stoi(port.str())) != primaries.end());
    }
    CHECK(ran_on.size() >= 2);
  }

  SECTION("invoke_script_route") {
    auto all = client.invoke_script_route(keyless, {}, AllPrimaries{}).value();
    REQUIRE_FALSE(all.is_single_value());
    REQUIRE(all.multi_value().size() == 3);
    for (auto port : primaries) CHECK(all.multi_value().at(node(port)) == std::to_string(port));
    const std::string key = unique_key("script-route");
    auto one = client.invoke_script_route(keyless, {}, SlotKeyRoute{SlotType::PRIMARY, key}).value();
    REQUIRE(one.is_single_value());
    CHECK(one.single_value() == std::to_string(owner_of(cluster, key)));
    Script echo("return ARGV[1] .. ARGV[2]");
    auto args = client.invoke_script_route(echo, {.args = {"a", "b"}}, ByAddressRoute{"127.0.0.1", primaries[2]}).value();
    CHECK(args.single_value() == "ab");
  }

  SECTION("NOSCRIPT after a flush is recovered on the node that answered") {
    const std::string key = unique_key("noscript");
    const auto owner = owner_of(cluster, key);
    REQUIRE(client.invoke_script(keyed, {.keys = {key}, .args = {"1"}}).has_value());
    REQUIRE(client.script_flush().has_value());
    CHECK(client.script_exists({keyed.get_hash()}, ByAddressRoute{"127.0.0.1", owner}).value() == std::vector<bool>{false});
    CHECK(client.invoke_script(keyed, {.keys = {key}, .args = {"2"}}).value() == std::to_string(owner));
    CHECK(client.script_exists({keyed.get_hash()}, ByAddressRoute{"127.0.0.1", owner}).value() == std::vector<bool>{true});
    // Loaded where it ran, nowhere else: the cluster-wide answer is false.
    CHECK(client.script_exists({keyed.get_hash()}).value() == std::vector<bool>{false});

    // script_show finds it on the node that has it, with or without a route.
    CHECK(client.script_show(keyed.get_hash(), SlotKeyRoute{SlotType::PRIMARY, key}).value() == keyed.code());
    CHECK(client.script_show(keyed.get_hash()).value() == keyed.code());
    auto missing = client.script_show(Script("return 'not loaded " + key + "'").get_hash());
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code() == errc::noscript);

    // Flushing one node by route leaves the others; invoke_script_route reloads where needed.
    REQUIRE(client.invoke_script_route(keyless, {}, AllPrimaries{}).has_value());
    REQUIRE(client.script_flush(FlushMode::ASYNC, SlotKeyRoute{SlotType::PRIMARY, key}).has_value());
    auto after = client.script_exists({keyless.get_hash()}, ByAddressRoute{"127.0.0.1", owner}).value();
    CHECK(after == std::vector<bool>{false});
    CHECK(client.script_exists({keyless.get_hash()}, AllPrimaries{}).value() == std::vector<bool>{false});
    CHECK(client.invoke_script_route(keyless, {}, AllPrimaries{}).value().multi_value().size() == 3);
    CHECK(client.script_exists({keyless.get_hash()}).value() == std::vector<bool>{true});
  }
}

// ---- slot migration under traffic ------------------------------------------------------------

namespace {

// GET/SET on a few keys of one slot, round after round, from a coroutine on its own thread.
// Everything is recorded and checked after the thread is joined.
struct Traffic {
  std::atomic<bool> stop{false};
  std::atomic<bool> started{false};
  std::atomic<int> rounds{0};
  std::vector<std::string> failures;
  std::map<std::string, std::string> last_written;
  int requests = 0;

  void wait_rounds(int n) {
    const int target = rounds.load() + n;
    const auto deadline = Clock::now() + 20s;
    while (rounds.load() < target && !stop.load() && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  }
};

asio::awaitable<void> keep_busy(GlideClusterClient client, std::vector<std::string> keys, Traffic& t) {
  for (int round = 0; !t.stop.load(); ++round) {
    for (const auto& key : keys) {
      const std::string value = std::to_string(round);
      auto set = co_await client.set(key, value);
      ++t.requests;
      if (!set) {
        t.failures.push_back("SET " + key + ": " + std::string(set.error().message()));
        continue;
      }
      t.last_written[key] = value;
      auto got = co_await client.get(key);
      ++t.requests;
      if (!got)
        t.failures.push_back("GET " + key + ": " + std::string(got.error().message()));
      else if (got.value() != value)
        t.failures.push_back("GET " + key + " returned " + got.value().value_or("nil") + ", not " + value);
    }
    // A transaction on one key, and a pipeline over all of them.
    const std::string& key = keys[static_cast<std::size_t>(round) % keys.size()];
    const std::string tx_value = "tx" + std::to_string(round);
    ClusterBatch tx(true);
    tx.set(key, tx_value).get(key);
    auto committed = co_await client.exec(tx, true);
    ++t.requests;
    if (!committed)
      t.failures.push_back("MULTI on " + key + ": " + std::string(committed.error().message()));
    else if (!committed.value() || committed.value()->at(1).value() != tx_value)
      t.failures.push_back("MULTI on " + key + " returned the wrong value");
    else
      t.last_written[key] = tx_value;
    // MSET and MGET over three slots, the moving one among them: split by slot, and the moving
    // slot's part follows ASK and MOVED as a single command does. (One key of that slot per
    // call: two, half moved, would get TRYAGAIN until the migration ends, as on the server.)
    const std::string multi_value = "multi" + std::to_string(round);
    const std::vector<std::pair<std::string, std::string>> pairs{{"{elsewhere-a}", multi_value}, {key, multi_value},
                                                                 {"{elsewhere-b}", multi_value}};
    auto mset = co_await client.mset(pairs);
    ++t.requests;
    if (!mset) {
      t.failures.push_back("MSET with " + key + ": " + std::string(mset.error().message()));
    } else {
      t.last_written[key] = multi_value;
      const std::vector<std::string> asked{"{elsewhere-b}", key, "{elsewhere-a}"};
      auto mget = co_await client.mget(asked);
      ++t.requests;
      if (!mget)
        t.failures.push_back("MGET with " + key + ": " + std::string(mget.error().message()));
      else if (mget.value() != std::vector<std::optional<std::string>>(3, multi_value))
        t.failures.push_back("MGET with " + key + " returned values not all " + multi_value);
    }
    ClusterBatch pipe(false);
    const std::string pipe_value = "pipe" + std::to_string(round);
    for (const auto& k : keys) pipe.set(k, pipe_value);
    for (const auto& k : keys) pipe.get(k);
    auto piped = co_await client.exec(pipe, false);
    ++t.requests;
    if (!piped) {
      t.failures.push_back("pipeline: " + std::string(piped.error().message()));
    } else {
      for (std::size_t i = 0; i < piped.value()->size(); ++i) {
        const Reply& r = piped.value()->at(i);
        if (!r)
          t.failures.push_back("pipeline entry " + std::to_string(i) + ": " + std::string(r.error().message()));
        else if (i >= keys.size() && r.value() != pipe_value)
          t.failures.push_back("pipeline entry " + std::to_string(i) + " returned " + text(r.value()));
      }
      for (const auto& k : keys) t.last_written[k] = pipe_value;
    }
    ++t.rounds;
  }
}

}  // namespace

TEST_CASE("cluster: a slot migrated during traffic: ASK while migrating, MOVED after, nothing lost", "[cluster][slow]") {
  ValkeyCluster cluster;
  const auto config = cluster_config_for(cluster);
  const std::string tag = "{migrating}";
  const int slot = hash_slot("migrating");
  const auto source = owner_of(cluster, tag);
  std::uint16_t target = 0;
  for (auto p : cluster.primary_ports())
    if (p != source) target = p;
  const std::string source_id = id_of(cluster, source), target_id = id_of(cluster, target);
  const std::string slot_text = std::to_string(slot);

  // A client whose slot map stays as it is now: it only follows redirects, so what it gets
  // shows which path a request took.
  auto stale = connect(cluster);
  // Another, which never reads the map again and sends nothing until the end: its transaction
  // meets MOVED (see the end).
  auto no_refresh = cluster_config_for(cluster);
  no_refresh.periodic_checks = std::chrono::milliseconds(0);
  auto stale_tx = sync::GlideClusterClient::create(no_refresh).value();
  const std::string probe = tag + ":probe";
  REQUIRE(stale.set(probe, "p").value() == "OK");
  // A pipeline the stale client runs now and again after the move (see the end).
  ClusterBatch reused(false);
  reused.get(probe).set(unique_key("elsewhere"), "e");
  REQUIRE(stale.exec(reused, true).value()->at(0).value() == "p");

  std::vector<std::string> keys;
  for (int i = 0; i < 16; ++i) keys.push_back(tag + ":" + std::to_string(i));
  Traffic traffic;
  std::thread io_thread([&] {
    try {
      run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
        auto client = co_await GlideClusterClient::create(io.get_executor(), config);
        if (!client) {
          traffic.failures.push_back("create: " + std::string(client.error().message()));
          traffic.stop = true;
          co_return;
        }
        traffic.started = true;
        co_await keep_busy(client.value(), keys, traffic);
        client.value().close();
      });
    } catch (const std::exception& e) {
      traffic.failures.push_back(std::string("exception: ") + e.what());
    }
    traffic.stop = true;
  });
  struct Joiner {
    Traffic& t;
    std::thread& th;
    ~Joiner() {
      t.stop = true;
      if (th.joinable()) th.join();
    }
  } joiner{traffic, io_thread};
  traffic.wait_rounds(3);

  // MIGRATING / IMPORTING, then the probe moves first.
  CHECK(cluster.cli(target, {"CLUSTER", "SETSLOT", slot_text, "IMPORTING", source_id}) == "OK");
  CHECK(cluster.cli(source, {"CLUSTER", "SETSLOT", slot_text, "MIGRATING", target_id}) == "OK");
  auto migrate = [&](const std::string& key) {
    return cluster.cli(source, {"MIGRATE", "127.0.0.1", std::to_string(target), "", "0", "5000", "KEYS", key});
  };
  CHECK(migrate(probe) == "OK");
  CHECK_THAT(cluster.cli(source, {"GET", probe}), StartsWith("ASK " + slot_text));
  // The stale client asks the source, which answers ASK: the value comes from the target.
  const auto asking_before = calls(cluster, target, "asking");
  CHECK(stale.get(probe).value() == "p");
  CHECK(calls(cluster, target, "asking") > asking_before);
  // The same for a transaction (ASKING, then MULTI ... EXEC on the target) and for a script the
  // target has never seen (NOSCRIPT there, loaded, run again with ASKING).
  ClusterBatch tx(true);
  tx.get(probe).set(probe, "p2").get(probe);
  auto tx_result = stale.exec(tx, true);
  REQUIRE(tx_result.has_value());
  CHECK(text(tx_result.value()->at(0).value()) == R"("p")");
  CHECK(text(tx_result.value()->at(2).value()) == R"("p2")");
  const Script fresh("return redis.call('GET', KEYS[1]) .. ' " + unique_key("fresh") + "'");
  auto script_result = stale.invoke_script(fresh, {.keys = {probe}});
  CHECK_THAT(script_result.value().str(), StartsWith("p2 "));
  traffic.wait_rounds(2);

  // The traffic's keys move one by one while the traffic goes on.
  for (int moved = 0; moved < 100; ++moved) {
    const auto left = lines_of(cluster.cli(source, {"CLUSTER", "GETKEYSINSLOT", slot_text, "1"}));
    if (left.empty()) break;
    CHECK(migrate(left.front()) == "OK");
    std::this_thread::sleep_for(20ms);
  }
  CHECK(cluster.cli(source, {"CLUSTER", "COUNTKEYSINSLOT", slot_text}) == "0");
  traffic.wait_rounds(2);

  // The slot now belongs to the target: every primary is told.
  CHECK(cluster.cli(target, {"CLUSTER", "SETSLOT", slot_text, "NODE", target_id}) == "OK");
  CHECK(cluster.cli(source, {"CLUSTER", "SETSLOT", slot_text, "NODE", target_id}) == "OK");
  for (auto p : cluster.primary_ports())
    if (p != source && p != target) CHECK(cluster.cli(p, {"CLUSTER", "SETSLOT", slot_text, "NODE", target_id}) == "OK");
  CHECK_THAT(cluster.cli(source, {"GET", probe}), StartsWith("MOVED " + slot_text));
  // The stale client still sends to the source: MOVED, followed, and its map updated.
  const auto rejected_before = stat(cluster, source, "commandstats", "cmdstat_get", "rejected_calls");
  CHECK(stale.get(probe).value() == "p2");
  const auto rejected_after = stat(cluster, source, "commandstats", "cmdstat_get", "rejected_calls");
  CHECK(rejected_after == rejected_before + 1);
  CHECK(stale.get(probe).value() == "p2");
  CHECK(stat(cluster, source, "commandstats", "cmdstat_get", "rejected_calls") == rejected_after);
  // The pipeline's split from before the move is not reused: its GET goes to the target.
  CHECK(stale.exec(reused, true).value()->at(0).value() == "p2");
  CHECK(stat(cluster, source, "commandstats", "cmdstat_get", "rejected_calls") == rejected_after);
  traffic.wait_rounds(3);

  traffic.stop = true;
  io_thread.join();
  INFO("first failures: " << (traffic.failures.empty() ? std::string() : traffic.failures.front()));
  CHECK(traffic.failures.empty());
  CHECK(traffic.rounds.load() >= 10);
  CHECK(traffic.requests >= 10 * 2 * static_cast<int>(keys.size()));
  // Nothing lost: each key holds, on the target, the last value written.
  for (const auto& key : keys) {
    INFO(key);
    CHECK(cluster.cli(target, {"GET", key}) == traffic.last_written[key]);
  }
  CHECK(calls(cluster, target, "asking") > 1);  // the traffic followed ASK too

  // A transaction sent where the slot was: MOVED before anything ran (the queued SET rejected,
  // EXEC aborted), so it is sent again, whole, to the new owner, and runs once
  // (GLIDE: test_transaction_with_moved_error_with_retries).
  const auto set_rejected_before = stat(cluster, source, "commandstats", "cmdstat_set", "rejected_calls");
  const auto incr_calls_before = calls(cluster, target, "incr");
  ClusterBatch moved_tx(true);
  moved_tx.set(probe, "10").incr(probe).get(probe);
  auto moved = stale_tx.exec(moved_tx, true);
  REQUIRE(moved.has_value());
  REQUIRE(moved.value().has_value());
  CHECK(as<std::int64_t>(moved.value()->at(1)).value() == 11);
  CHECK(as<std::optional<std::string>>(moved.value()->at(2)).value() == "11");
  CHECK(stat(cluster, source, "commandstats", "cmdstat_set", "rejected_calls") == set_rejected_before + 1);
  CHECK(calls(cluster, target, "incr") == incr_calls_before + 1);
  CHECK(cluster.cli(target, {"GET", probe}) == "11");
}

// ---- failover --------------------------------------------------------------------------------

TEST_CASE("cluster: a primary killed and its replica promoted: traffic resumes", "[cluster][slow]") {
  ValkeyCluster cluster;  // cluster-node-timeout 2000: automatic failover within a few seconds
  auto config = cluster_config_for(cluster);
  config.request_timeout = 1000ms;
  auto client = sync::GlideClusterClient::create(config).value();

  const std::string key = "{failover}:k";
  const auto primary = owner_of(cluster, key), replica = replica_of(cluster, primary);
  std::string other_key;
  for (int i = 0; other_key.empty(); ++i)
    if (owner_of(cluster, "other:" + std::to_string(i)) != primary) other_key = "other:" + std::to_string(i);
  REQUIRE(client.set(key, "before").value() == "OK");
  REQUIRE(client.set(other_key, "x").value() == "OK");
  wait_for_replica(client, key);

  cluster.node_by_port(primary).kill9();
  const auto killed = Clock::now();
  // The other shards do not notice.
  CHECK(client.get(other_key).value() == "x");

  // The failed shard: requests issued after the failure are served within the budget, from the
  // promoted replica (the client refreshes its map on connection errors).
  std::vector<std::string> errors;
  bool served = false;
  while (!served && Clock::now() - killed < 15s) {
    auto r = client.get(key);
    if (r && r.value() == "before")
      served = true;
    else {
      errors.push_back(r ? "got " + r.value().value_or("nil") : std::string(r.error().message()));
      std::this_thread::sleep_for(100ms);
    }
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed);
  INFO("served after " << took.count() << " ms, " << errors.size() << " failed attempts; last: "
                       << (errors.empty() ? std::string() : errors.back()));
  CHECK(served);
  CHECK(took < 15s);
  CHECK_THAT(cluster.cli(replica, {"ROLE"}), StartsWith("master"));
  CHECK(client.set(key, "after").value() == "OK");
  CHECK(cluster.cli(replica, {"GET", key}) == "after");
  CHECK(client.custom_command({"CLUSTER", "MYID"}, SlotKeyRoute{SlotType::PRIMARY, key}).value().single_value() ==
        id_of(cluster, replica));
  CHECK(client.get(other_key).value() == "x");
}

TEST_CASE("cluster: requests for a killed primary's slots fail at once, not at request_timeout, until its replica takes over",
          "[cluster][slow]") {
  ValkeyCluster cluster;  // cluster-node-timeout 2000
  auto config = cluster_config_for(cluster);
  config.request_timeout = 10s;  // far longer than the failover: a request that waited for it would succeed
  auto client = sync::GlideClusterClient::create(config).value();

  const std::string key = "{fast}:k";
  const auto primary = owner_of(cluster, key), replica = replica_of(cluster, primary);
  REQUIRE(client.set(key, "before").value() == "OK");
  wait_for_replica(client, key);

  cluster.node_by_port(primary).kill9();
  const auto killed = Clock::now();
  // Until the replica is promoted no node serves the slot: each request says so at once. The
  // client reads the slot map again after each, and the first after the promotion is served.
  std::vector<std::string> failures;
  Clock::duration slowest_failure{};
  bool served = false;
  while (!served && Clock::now() - killed < 30s) {
    const auto sent = Clock::now();
    auto r = client.get(key);
    if (r) {
      served = r.value() == "before";
      continue;
    }
    slowest_failure = std::max(slowest_failure, Clock::now() - sent);
    // The first may have been written before the client saw the link close: it may have run.
    if (!failures.empty() || r.error().code() != errc::unknown_outcome) CHECK(r.error().code() == errc::connection_error);
    failures.emplace_back(r.error().message());
    std::this_thread::sleep_for(50ms);
  }
  INFO("failures: " << failures.size() << ", the first: " << (failures.empty() ? "" : failures.front()));
  CHECK(served);
  REQUIRE_FALSE(failures.empty());  // the failover takes seconds (node timeout 2 s, then an election)
  CHECK_THAT(failures.back(), ContainsSubstring("no other node serves it until a failover"));
  // Each failure came far sooner than the 10 s request_timeout it would once have waited out.
  CHECK(slowest_failure < 5s);
  CHECK_THAT(cluster.cli(replica, {"ROLE"}), StartsWith("master"));
}

TEST_CASE("cluster: a transaction sent to a primary that a CLUSTER FAILOVER made a replica runs once, on the new primary",
          "[cluster][slow]") {
  ValkeyCluster cluster;
  auto no_refresh = cluster_config_for(cluster);
  no_refresh.periodic_checks = std::chrono::milliseconds(0);  // the map stays as it was before the failover
  auto client = sync::GlideClusterClient::create(no_refresh).value();
  const std::string key = "{failover-tx}:k";
  const auto primary = owner_of(cluster, key), replica = replica_of(cluster, primary);
  REQUIRE(client.set(key, "1").value() == "OK");
  wait_for_replica(client, key);

  REQUIRE(cluster.cli(replica, {"CLUSTER", "FAILOVER"}) == "OK");
  const auto deadline = Clock::now() + 20s;
  while (Clock::now() < deadline && !(cluster.cli(replica, {"ROLE"}).starts_with("master") &&
                                      cluster.cli(primary, {"ROLE"}).starts_with("slave")))
    std::this_thread::sleep_for(50ms);
  REQUIRE(cluster.cli(replica, {"ROLE"}).starts_with("master"));
  REQUIRE(cluster.cli(primary, {"ROLE"}).starts_with("slave"));

  // The old primary refuses the queued INCRs (a redirect, or READONLY), EXEC aborts: nothing ran
  // there, so the transaction goes again, whole, to the new primary.
  // (The old primary runs the INCRs too, later, as the new one's replica: its `calls` count them;
  // what it refused counts in `rejected_calls`.)
  const auto old_rejected = stat(cluster, primary, "commandstats", "cmdstat_incr", "rejected_calls");
  const auto new_calls = calls(cluster, replica, "incr");
  ClusterBatch tx(true);
  tx.incr(key).incr(key);
  auto r = client.exec(tx, true);
  REQUIRE(r.has_value());
  REQUIRE(r.value().has_value());
  CHECK(as<std::int64_t>(r.value()->at(1)).value() == 3);
  CHECK(stat(cluster, primary, "commandstats", "cmdstat_incr", "rejected_calls") > old_rejected);
  CHECK(calls(cluster, replica, "incr") == new_calls + 2);
  CHECK(cluster.cli(replica, {"GET", key}) == "3");
}

// ---- batches ---------------------------------------------------------------------------------

TEST_CASE("cluster: a 10 000-command pipeline keeps errors in place", "[cluster]") {
  auto client = connect(cluster_with_replicas_listed());
  const auto prefix = unique_key("pipe-err");
  const std::string list = prefix + ":list";
  ClusterBatch batch(false);
  for (int i = 0; i < 5000; ++i) batch.set(prefix + ":" + std::to_string(i), std::to_string(i));
  batch.rpush(list, {"x"});
  const std::size_t wrong = batch.size();
  batch.incr(list);  // WRONGTYPE
  for (int i = 0; i < 4998; ++i) batch.get(prefix + ":" + std::to_string(i));
  REQUIRE(batch.size() == 10000);

  auto results = client.exec(batch, false).value().value();
  REQUIRE(results.size() == 10000);
  for (std::size_t i = 0; i < 5000; ++i) REQUIRE(results[i].value() == "OK");
  CHECK(results[5000].value() == 1);
  REQUIRE_FALSE(results[wrong].has_value());
  CHECK(results[wrong].error().code() == errc::wrong_type);
  CHECK_THAT(std::string(results[wrong].error().message()), StartsWith("WRONGTYPE"));
  for (std::size_t i = 0; i < 4998; ++i) REQUIRE(results[wrong + 1 + i].value() == std::to_string(i));

  // raise_on_error: the same batch fails with its first error.
  auto raised = client.exec(batch, true);
  REQUIRE_FALSE(raised.has_value());
  CHECK(raised.error().code() == errc::wrong_type);
}

TEST_CASE("cluster: a pipeline's all-shards commands run on every primary, answers combined as outside a batch",
          "[cluster]") {
  auto& cluster = shared_cluster();
  auto client = connect(cluster);
  const Script script("return 'fan-out " + unique_key("s") + "'");
  const auto primaries = cluster.primary_ports();
  // Loaded on one primary only: SCRIPT EXISTS is true only where every primary has it.
  REQUIRE(client.custom_command({"SCRIPT", "LOAD", std::string(script.code())}, Route(ByAddressRoute{"127.0.0.1", primaries[0]}))
              .value()
              .single_value() == script.get_hash());

  const auto before = client.dbsize().value();
  std::map<std::uint16_t, std::int64_t> dbsize_calls;
  for (auto port : cluster.ports()) dbsize_calls[port] = calls(cluster, port, "dbsize");
  const std::string key = unique_key("fan-out");
  ClusterBatch pipe(false);
  pipe.custom_command({"DBSIZE"})
      .set(key, "v")
      .custom_command({"DBSIZE"})
      .custom_command({"SCRIPT", "EXISTS", script.get_hash()})
      .custom_command({"SCRIPT", "LOAD", std::string(script.code())})
      .custom_command({"SCRIPT", "EXISTS", script.get_hash()});
  auto replies = client.exec(pipe, false).value().value();
  REQUIRE(replies.size() == 6);
  CHECK(replies[0].value() == before);  // the sum over the primaries, as client.dbsize()
  CHECK(replies[2].value() == before + 1);
  CHECK(text(replies[3].value()) == text(Value::array({Value::integer(0)})));
  CHECK(replies[4].value() == script.get_hash());  // SCRIPT LOAD: every node, all answered the hash
  CHECK(text(replies[5].value()) == text(Value::array({Value::integer(1)})));
  for (auto port : cluster.ports()) {
    const bool primary = std::find(primaries.begin(), primaries.end(), port) != primaries.end();
    CHECK(calls(cluster, port, "dbsize") == dbsize_calls[port] + (primary ? 2 : 0));
  }
  // The plan is kept for the next run of the same batch: the fan-out too.
  auto again = client.exec(pipe, true).value().value();
  CHECK(again[0].value() == before + 1);
}

TEST_CASE("cluster: a pipeline run again after it grew goes where its new keys live", "[cluster]") {
  // The client keeps the split of the last pipeline it ran; a batch that changed must be split
  // again, a copy of an unchanged one need not be.
  auto client = connect(cluster_with_replicas_listed());
  const auto prefix = unique_key("regrow");
  ClusterBatch batch(false);
  for (int i = 0; i < 30; ++i) batch.set(prefix + ":" + std::to_string(i), std::to_string(i));
  REQUIRE(client.exec(batch, true).value()->size() == 30);
  for (int i = 0; i < 30; ++i) batch.get(prefix + ":" + std::to_string(i));
  const ClusterBatch copy = batch;
  for (const ClusterBatch* b : std::initializer_list<const ClusterBatch*>{&batch, &copy, &batch}) {
    auto results = client.exec(*b, true).value().value();
    REQUIRE(results.size() == 60);
    for (int i = 0; i < 30; ++i) CHECK(results[30 + static_cast<std::size_t>(i)].value() == std::to_string(i));
  }
  batch.clear();
  batch.get(prefix + ":7").incr(prefix + ":8");
  auto results = client.exec(batch, true).value().value();
  REQUIRE(results.size() == 2);
  CHECK(results[0].value() == "7");
  CHECK(results[1].value() == 9);
}

TEST_CASE("cluster: atomic batches with hash tags, with and without WATCH", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  auto client = connect(cluster);
  const std::string tag = "{" + unique_key("tx") + "}";
  const std::string a = tag + ":a", b = tag + ":b";

  ClusterBatch tx(true);
  tx.set(a, "1").incr(a).set(b, "x").get(b).mget({a, b});
  auto results = client.exec(tx, true).value();
  REQUIRE(results.has_value());
  REQUIRE(results->size() == 5);
  CHECK((*results)[1].value() == 2);
  CHECK((*results)[3].value() == "x");
  CHECK(text((*results)[4].value()) == R"(["2", "x"])");
  CHECK(cluster.cli(owner_of(cluster, tag), {"GET", a}) == "2");

  ClusterBatch bump(true);
  bump.incr(a).get(b);
  SECTION("WATCH, no conflict") {
    REQUIRE(client.watch({a, b}).has_value());
    auto r = client.exec(bump, true).value();
    REQUIRE(r.has_value());
    CHECK((*r)[0].value() == 3);
  }
  SECTION("WATCH, a second client changes the key: nil") {
    auto other = connect(cluster);
    REQUIRE(client.watch({a}).has_value());
    REQUIRE(other.set(a, "100").value() == "OK");
    auto r = client.exec(bump, true);
    REQUIRE(r.has_value());
    CHECK_FALSE(r.value().has_value());
    CHECK(client.get(a).value() == "100");
    // The next transaction is no longer watched.
    CHECK(client.exec(bump, true).value().has_value());
  }
  SECTION("WATCH of keys in two slots watches each on its own node") {
    const auto [x, y] = keys_in_two_slots("watch");
    CHECK(client.watch({x, y}).has_value());
    CHECK(client.unwatch().has_value());
  }
  SECTION("raise_on_error=false keeps a failed entry in place") {
    ClusterBatch mixed(true);
    mixed.set(b, "text").incr(b).get(a);
    auto r = client.exec(mixed, false).value().value();
    REQUIRE(r.size() == 3);
    CHECK(r[0].value() == "OK");
    CHECK(r[1].error().code() == errc::request_error);
    CHECK(r[2].value() == "2");
  }
}

TEST_CASE("cluster: ClusterBatchOptions route and timeout", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  auto client = connect(cluster);
  const auto primaries = cluster.primary_ports();

  // A keyless transaction runs where the route says.
  for (auto port : cluster.ports()) {
    ClusterBatch tx(true);
    tx.custom_command({"CLUSTER", "MYID"}).ping();
    auto r = client.exec(tx, true, routed_to(ByAddressRoute{"127.0.0.1", port})).value().value();
    INFO(port);
    CHECK(r[0].value() == id_of(cluster, port));
    CHECK(r[1].value() == "PONG");
  }
  const std::string tag = "{" + unique_key("routed") + "}";
  const auto owner = owner_of(cluster, tag);
  ClusterBatch by_slot(true);
  by_slot.custom_command({"CLUSTER", "MYID"});
  auto r = client.exec(by_slot, true, routed_to(SlotKeyRoute{SlotType::PRIMARY, tag})).value().value();
  CHECK(r[0].value() == id_of(cluster, owner));

  // A route to a node that does not own the keys: MOVED, and the whole transaction goes again to
  // the owner (nothing ran on the first node).
  std::uint16_t elsewhere = 0;
  for (auto p : primaries)
    if (p != owner) elsewhere = p;
  ClusterBatch tx(true);
  tx.set(tag + ":k", "v").get(tag + ":k");
  auto moved = client.exec(tx, true, routed_to(ByAddressRoute{"127.0.0.1", elsewhere})).value().value();
  CHECK(moved[1].value() == "v");
  CHECK(cluster.cli(owner, {"GET", tag + ":k"}) == "v");

  // A batch runs on one node: multi-node routes are refused.
  for (Route multi : {Route(AllPrimaries{}), Route(AllNodes{})}) {
    auto refused = client.exec(tx, true, routed_to(multi));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code() == errc::configuration_error);
  }

  // The batch's own timeout.
  ClusterBatch slow(true);
  slow.custom_command({"DEBUG", "SLEEP", "0.3"});
  auto slow_options = routed_to(ByAddressRoute{"127.0.0.1", owner});
  slow_options.timeout = 50ms;
  auto timed_out = client.exec(slow, true, slow_options);
  REQUIRE_FALSE(timed_out.has_value());
  CHECK(timed_out.error().code() == errc::timeout);
  CHECK(client.get(tag + ":k").value() == "v");  // the connection stays in step

  // Retry strategy: a pipeline is unaffected when nothing fails.
  ClusterBatch pipe(false);
  for (int i = 0; i < 100; ++i) pipe.set(unique_key("retry"), "1");
  ClusterBatchOptions retry;
  retry.retry_strategy = BatchRetryStrategy{true, true};
  auto retried = client.exec(pipe, true, retry);
  CHECK(retried.value().value().size() == 100);
}

// ---- reads from replicas ---------------------------------------------------------------------

TEST_CASE("cluster: ReadFrom::PREFER_REPLICA reads from replicas, writes to primaries", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  auto config = cluster_config_for(cluster);
  config.read_from = ReadFrom::PREFER_REPLICA;
  auto client = sync::GlideClusterClient::create(config).value();
  const std::string key = unique_key("replica-read");
  const auto primary = owner_of(cluster, key), replica = replica_of(cluster, primary);

  const auto sets_before = calls(cluster, primary, "set");
  REQUIRE(client.set(key, "v").value() == "OK");
  CHECK(calls(cluster, primary, "set") == sets_before + 1);
  wait_for_replica(client, key);

  const auto primary_gets = calls(cluster, primary, "get"), replica_gets = calls(cluster, replica, "get");
  for (int i = 0; i < 20; ++i) REQUIRE(client.get(key).value() == "v");
  REQUIRE(client.custom_command({"GET", key}).value() == "v");
  CHECK(calls(cluster, replica, "get") == replica_gets + 21);
  CHECK(calls(cluster, primary, "get") == primary_gets);

  // A read in a pipeline goes to the replica too; the write in it to the primary.
  ClusterBatch pipe(false);
  pipe.set(key, "w").get(key);
  CHECK(client.exec(pipe, true).value()->at(0).value() == "OK");

  // The default client reads from the primary.
  auto primary_only = connect(cluster);
  const auto before = calls(cluster, primary, "get");
  CHECK(primary_only.get(key).value() == "w");
  CHECK(calls(cluster, primary, "get") == before + 1);
}

TEST_CASE("cluster: a replica as the only seed", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  const auto replica = cluster.replica_ports().front();
  auto config = cluster_config_for(cluster);
  config.addresses = {{"127.0.0.1", replica}};
  auto client = sync::GlideClusterClient::create(config).value();
  // The whole cluster is learnt from the replica: writes go to the primaries.
  std::string key = unique_key("seed");
  while (replica_of(cluster, owner_of(cluster, key)) != replica) key = unique_key("seed");
  REQUIRE(client.set(key, "v").value() == "OK");
  CHECK(client.dbsize().value() >= 1);
  wait_for_replica(client, key);
  // A read routed to the seed replica is served there (the connection is READONLY), not
  // redirected to the primary.
  const auto served = calls(cluster, replica, "get");
  const auto rejected = stat(cluster, replica, "commandstats", "cmdstat_get", "rejected_calls");
  CHECK(client.custom_command({"GET", key}, SlotKeyRoute{SlotType::REPLICA, key}).value().single_value() == "v");
  CHECK(calls(cluster, replica, "get") == served + 1);
  CHECK(stat(cluster, replica, "commandstats", "cmdstat_get", "rejected_calls") == rejected);
}

TEST_CASE("cluster: a blocking command with a route waits its own timeout", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  auto config = cluster_config_for(cluster);
  config.request_timeout = 250ms;
  auto client = sync::GlideClusterClient::create(config).value();
  const std::string key = unique_key("blocking");
  REQUIRE(client.set(key, "v").value() == "OK");
  // Two replicas asked for, one exists: WAIT blocks its full 600 ms, past request_timeout.
  const auto start = Clock::now();
  auto acked = client.custom_command({"WAIT", "2", "600"}, SlotKeyRoute{SlotType::PRIMARY, key});
  REQUIRE(acked.has_value());
  CHECK(acked.value().single_value() == 1);
  CHECK(Clock::now() - start >= 550ms);
  auto everywhere = client.custom_command({"WAIT", "2", "300"});  // all primaries, the minimum
  REQUIRE(everywhere.has_value());
  CHECK(everywhere.value().as_int().value() <= 1);
}

TEST_CASE("cluster: the asynchronous client takes route alternatives directly", "[cluster]") {
  auto& cluster = cluster_with_replicas_listed();
  const auto config = cluster_config_for(cluster);
  const auto port = cluster.primary_ports().front();
  const std::string id = id_of(cluster, port);
  std::optional<Value> my_id, where;
  std::optional<std::vector<bool>> exists;
  std::optional<std::string> shown;
  bool flushed = false;
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto client = (co_await GlideClusterClient::create(io.get_executor(), config)).value();
    const ByAddressRoute address{"127.0.0.1", port};
    const SlotIdRoute slot_zero{SlotType::PRIMARY, 0};
    const std::vector<std::string> args{"CLUSTER", "MYID"};
    const Script script("return 'async route'");
    const std::vector<std::string> hashes{script.get_hash()};
    const ScriptArgs no_args{};
    auto id_reply = co_await client.custom_command(args, address);
    if (id_reply) my_id = id_reply.value().single_value();
    auto ran = co_await client.invoke_script_route(script, no_args, address);
    if (ran) where = ran.value().single_value();
    auto e = co_await client.script_exists(hashes, address);
    if (e) exists = e.value();
    auto s = co_await client.script_show(script.get_hash(), address);
    if (s) shown = s.value();
    flushed = (co_await client.script_flush(FlushMode::SYNC, slot_zero)).has_value();
    client.close();
  });
  REQUIRE(my_id.has_value());
  CHECK(*my_id == id);
  CHECK(where == std::optional<Value>(Value::bulk_string("async route")));
  CHECK(exists == std::optional<std::vector<bool>>(std::vector<bool>{true}));
  CHECK(shown == std::optional<std::string>("return 'async route'"));
  CHECK(flushed);
}
