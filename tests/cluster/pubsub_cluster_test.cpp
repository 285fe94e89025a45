// Pub/sub subscriptions on a real 6-node cluster while the cluster changes under them: a sharded
// channel whose slot migrates to another primary, and sharded and exact channels across a
// CLUSTER FAILOVER. The subscriber sends no commands: it must follow by itself.
#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using namespace glide;
using glide_test::ValkeyCluster;

namespace {

using Clock = std::chrono::steady_clock;

std::optional<PubSubMsg> next_message(sync::GlideClusterClient& client, std::chrono::milliseconds limit = 10s) {
  const auto until = Clock::now() + limit;
  while (Clock::now() < until) {
    if (auto m = client.try_get_pubsub_message()) return m;
    std::this_thread::sleep_for(1ms);
  }
  return std::nullopt;
}

std::uint16_t owner_port(ValkeyCluster& cluster, const std::string& key) {
  auto client = sync::GlideClusterClient::create(glide_test::cluster_config_for(cluster)).value();
  const auto where = client.custom_command({"CLUSTER", "MYID"}, SlotKeyRoute{SlotType::PRIMARY, key}).value().single_value().str();
  for (auto p : cluster.primary_ports())
    if (cluster.cli(p, {"CLUSTER", "MYID"}) == where) return p;
  FAIL("no primary serves " << key);
  return 0;
}

// Publishes numbered messages until the subscriber gets one, then 100 more, and returns how many
// of them never arrived: those published while no node held the subscription (the server drops a
// sharded subscription when its slot leaves the node; the client makes it again on the new owner
// after reading the slot map). The last 50 must all arrive: by then it is back. A duplicate is
// allowed (the client subscribes on the new node before the old one lets go). PUBLISH's receiver
// count is no help: in a cluster it counts the subscribers of the node that took it only.
int check_delivery(sync::GlideClusterClient& publisher, sync::GlideClusterClient& subscriber, const std::string& channel,
                   bool sharded) {
  std::set<int> got;
  int n = 0;
  const auto until = Clock::now() + 30s;
  while (got.empty()) {
    REQUIRE(Clock::now() < until);
    (void)publisher.publish(std::to_string(n++), channel, sharded);  // fails while no node serves the slot
    std::this_thread::sleep_for(10ms);
    while (auto m = subscriber.try_get_pubsub_message())
      if (m->channel == channel) got.insert(std::stoi(m->message));
  }
  const int last = n + 99;
  for (; n <= last; ++n) REQUIRE(publisher.publish(std::to_string(n), channel, sharded).has_value());
  // Two connections may deliver for a moment (the old node's and the new one's): read until the
  // last has come and nothing more comes for half a second.
  while (auto m = next_message(subscriber, *got.rbegin() < last ? 10s : 500ms))
    if (m->channel == channel) got.insert(std::stoi(m->message));
  std::string missing;
  for (int i = *got.begin(); i <= last; ++i)
    if (!got.count(i)) missing += std::to_string(i) + " ";
  INFO(channel << ": from " << *got.begin() << " to " << last << ", missing: " << missing);
  for (int i = last - 49; i <= last; ++i) CHECK(got.count(i) == 1);
  return static_cast<int>(static_cast<std::size_t>(last - *got.begin() + 1) - got.size()) + *got.begin();
}

// A client subscribed from its creation to one sharded and one exact channel.
sync::GlideClusterClient subscriber_of(ValkeyCluster& cluster, const std::string& sharded, const std::string& exact) {
  auto config = glide_test::cluster_config_for(cluster);
  PubSubSubscriptions subs;
  subs.channels_and_patterns[PubSubChannelModes::Sharded] = {sharded};
  subs.channels_and_patterns[PubSubChannelModes::Exact] = {exact};
  config.pubsub_subscriptions = subs;
  return sync::GlideClusterClient::create(config).value();
}

}  // namespace

TEST_CASE("cluster pubsub: a sharded channel follows its slot to another primary", "[cluster][pubsub][slow]") {
  ValkeyCluster cluster;
  const std::string channel = "{moving}news";
  auto config = glide_test::cluster_config_for(cluster);
  PubSubSubscriptions subs;
  subs.channels_and_patterns[PubSubChannelModes::Sharded] = {channel};
  config.pubsub_subscriptions = subs;
  auto subscriber = sync::GlideClusterClient::create(config).value();
  auto publisher = sync::GlideClusterClient::create(glide_test::cluster_config_for(cluster)).value();
  INFO("before the migration");
  CHECK(check_delivery(publisher, subscriber, channel, true) == 0);  // nothing lost on a quiet cluster

  const auto from = owner_port(cluster, channel);
  std::uint16_t to = 0;
  for (auto p : cluster.primary_ports())
    if (p != from) to = p;
  const auto slot = std::to_string(hash_slot(channel));
  const auto from_id = cluster.cli(from, {"CLUSTER", "MYID"}), to_id = cluster.cli(to, {"CLUSTER", "MYID"});
  REQUIRE(cluster.cli(to, {"CLUSTER", "SETSLOT", slot, "IMPORTING", from_id}) == "OK");
  REQUIRE(cluster.cli(from, {"CLUSTER", "SETSLOT", slot, "MIGRATING", to_id}) == "OK");
  for (auto p : cluster.primary_ports()) REQUIRE(cluster.cli(p, {"CLUSTER", "SETSLOT", slot, "NODE", to_id}) == "OK");
  // The old owner drops the subscription (an unasked SUNSUBSCRIBE); the client re-subscribes
  // on the new one by itself.
  INFO("after the migration");
  const int lost = check_delivery(publisher, subscriber, channel, true);
  WARN("messages lost while the subscription moved: " << lost);
  CHECK(owner_port(cluster, channel) == to);
}

TEST_CASE("cluster pubsub: sharded and exact channels after a CLUSTER FAILOVER", "[cluster][pubsub][slow]") {
  ValkeyCluster cluster;
  const std::string sharded = "{fo}s", exact = "{fo}e";
  auto subscriber = subscriber_of(cluster, sharded, exact);  // the map is read every 60 s (the default) besides
  auto publisher = sync::GlideClusterClient::create(glide_test::cluster_config_for(cluster)).value();
  CHECK(check_delivery(publisher, subscriber, sharded, true) == 0);
  CHECK(check_delivery(publisher, subscriber, exact, false) == 0);

  const auto primary = owner_port(cluster, sharded);
  std::uint16_t replica = 0;
  for (auto p : cluster.replica_ports())
    if (cluster.cli(p, {"ROLE"}).find(std::to_string(primary)) != std::string::npos) replica = p;
  REQUIRE(replica != 0);
  REQUIRE(cluster.cli(replica, {"CLUSTER", "FAILOVER"}) == "OK");
  for (int i = 0; i < 100 && cluster.cli(replica, {"ROLE"}).rfind("master", 0) != 0; ++i) std::this_thread::sleep_for(100ms);
  REQUIRE(cluster.cli(replica, {"ROLE"}).rfind("master", 0) == 0);

  const int lost_sharded = check_delivery(publisher, subscriber, sharded, true);
  const int lost_exact = check_delivery(publisher, subscriber, exact, false);
  WARN("messages lost while the subscriptions moved: sharded " << lost_sharded << ", exact " << lost_exact);
}

TEST_CASE("cluster pubsub: a subscriber that sends nothing follows a kill -9 failover", "[cluster][pubsub][slow]") {
  ValkeyCluster cluster;  // cluster-node-timeout 2000: the replica takes over within seconds
  const std::string sharded = "{k9}s", exact = "{k9}e";
  auto subscriber = subscriber_of(cluster, sharded, exact);
  auto publisher = sync::GlideClusterClient::create(glide_test::cluster_config_for(cluster)).value();
  CHECK(check_delivery(publisher, subscriber, sharded, true) == 0);

  const auto primary = owner_port(cluster, sharded);
  cluster.node_by_port(primary).kill9();
  // The publisher retries until the promoted replica serves the slot; the subscriber, which sends
  // nothing, reads the slot map every second while its node is down and moves its subscriptions.
  const int lost_sharded = check_delivery(publisher, subscriber, sharded, true);
  const int lost_exact = check_delivery(publisher, subscriber, exact, false);
  WARN("messages lost while the subscriptions moved: sharded " << lost_sharded << ", exact " << lost_exact);
}
