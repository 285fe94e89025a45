// SCAN over a whole cluster with ClusterScanCursor: every key that exists throughout the scan is
// returned at least once, on a quiet cluster, while a slot migrates, and across a failover.
#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>

#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace glide;
using glide_test::ValkeyCluster;
using glide_test::unique_key;

namespace {

std::vector<std::string> make_keys(sync::GlideClusterClient& client, const std::string& prefix, int count) {
  std::vector<std::string> keys;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < count; ++i) {
    keys.push_back(prefix + ":" + std::to_string(i));
    pairs.emplace_back(keys.back(), "v");
  }
  REQUIRE(client.mset(pairs).has_value());  // split by slot
  return keys;
}

// Scans until `before_step` says stop or the scan ends; returns the keys seen.
template <class Step>
std::multiset<std::string> scan_all(sync::GlideClusterClient& client, ClusterScanCursor& cursor, const ScanOptions& options,
                                    Step before_step) {
  std::multiset<std::string> seen;
  for (int calls = 0; !cursor.is_finished(); ++calls) {
    REQUIRE(calls < 100'000);
    if (!before_step(cursor)) break;
    auto page = client.scan(cursor, options);
    REQUIRE(page.has_value());
    cursor = page.value().first;
    seen.insert(page.value().second.begin(), page.value().second.end());
  }
  return seen;
}

void require_all(const std::vector<std::string>& keys, const std::multiset<std::string>& seen) {
  std::size_t missing = 0;
  for (const auto& k : keys) missing += seen.count(k) == 0;
  CHECK(missing == 0);
}

std::string id_of(ValkeyCluster& cluster, std::uint16_t port) { return cluster.cli(port, {"CLUSTER", "MYID"}); }

std::uint16_t port_of(const std::string& node) { return static_cast<std::uint16_t>(std::stoi(node.substr(node.rfind(':') + 1))); }

}  // namespace

TEST_CASE("cluster scan: every key once at least, with MATCH, COUNT and TYPE", "[cluster][scan]") {
  auto client = sync::GlideClusterClient::create(glide_test::cluster_config_for(glide_test::shared_cluster())).value();
  const auto prefix = unique_key("scan");
  const auto keys = make_keys(client, prefix, 300);
  const auto hash = prefix + ":hash";
  REQUIRE(client.hset(hash, {{"f", "v"}}).has_value());

  ClusterScanCursor cursor;
  const auto seen = scan_all(client, cursor, ScanOptions{prefix + ":*", 50, std::nullopt}, [](auto&) { return true; });
  CHECK(cursor.is_finished());
  require_all(keys, seen);
  CHECK(seen.count(hash) == 1);
  for (const auto& k : seen) CHECK(k.rfind(prefix, 0) == 0);  // MATCH applied on every node

  ClusterScanCursor typed;
  const auto hashes = scan_all(client, typed, ScanOptions{prefix + ":*", 1000, "hash"}, [](auto&) { return true; });
  CHECK(hashes == std::multiset<std::string>{hash});

  // A finished cursor stays finished and finds nothing more.
  auto after = client.scan(cursor).value();
  CHECK(after.first.is_finished());
  CHECK(after.second.empty());
}

TEST_CASE("cluster scan: a slot migrated while its node is being scanned loses no key", "[cluster][scan][slow]") {
  ValkeyCluster cluster;
  auto client = sync::GlideClusterClient::create(glide_test::cluster_config_for(cluster)).value();
  const auto keys = make_keys(client, "k", 600);
  // Many keys in the slot that moves, so that some move before and some after the source's scan.
  const std::string tag = "{moving}";
  const int slot = hash_slot(tag);
  std::vector<std::string> moving;
  for (int i = 0; i < 60; ++i) moving.push_back(tag + std::to_string(i));
  for (const auto& k : moving) REQUIRE(client.set(k, "m").has_value());

  const auto source = static_cast<std::uint16_t>(cluster.primary_ports()[0]);
  std::uint16_t target = 0;
  for (auto p : cluster.primary_ports()) {
    if (cluster.cli(p, {"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}) != "0") target = p;
  }
  // `target` holds the slot now; it migrates to another primary.
  const std::uint16_t from = target;
  std::uint16_t to = source == from ? cluster.primary_ports()[1] : source;
  const auto slot_text = std::to_string(slot), from_id = id_of(cluster, from), to_id = id_of(cluster, to);
  auto migrate_some = [&](int n) {
    for (int i = 0; i < n; ++i) {
      std::istringstream left(cluster.cli(from, {"CLUSTER", "GETKEYSINSLOT", slot_text, "1"}));
      std::string key;
      if (!(left >> key)) return;
      REQUIRE(cluster.cli(from, {"MIGRATE", "127.0.0.1", std::to_string(to), "", "0", "5000", "KEYS", key}) == "OK");
    }
  };

  ClusterScanCursor cursor;
  const ScanOptions small{std::nullopt, 10, std::nullopt};
  bool started = false;
  // Scan until the old owner is half scanned, then start the migration and move half the keys.
  auto seen = scan_all(client, cursor, small, [&](const ClusterScanCursor& c) {
    if (c.state().node.empty() || port_of(c.state().node) != from || c.state().node_cursor == "0") return true;
    return false;
  });
  REQUIRE_FALSE(cursor.is_finished());
  REQUIRE(cluster.cli(to, {"CLUSTER", "SETSLOT", slot_text, "IMPORTING", from_id}) == "OK");
  REQUIRE(cluster.cli(from, {"CLUSTER", "SETSLOT", slot_text, "MIGRATING", to_id}) == "OK");
  started = true;
  migrate_some(30);
  // Go on while the slot is migrating, until the scan has left the old owner.
  auto more = scan_all(client, cursor, small, [&](const ClusterScanCursor& c) {
    return !(c.state().node.empty() && started);
  });
  seen.insert(more.begin(), more.end());
  // Finish the migration and the scan.
  migrate_some(100);
  REQUIRE(cluster.cli(from, {"CLUSTER", "COUNTKEYSINSLOT", slot_text}) == "0");
  for (auto p : cluster.primary_ports()) REQUIRE(cluster.cli(p, {"CLUSTER", "SETSLOT", slot_text, "NODE", to_id}) == "OK");
  auto rest = scan_all(client, cursor, small, [](auto&) { return true; });
  seen.insert(rest.begin(), rest.end());
  CHECK(cursor.is_finished());
  require_all(keys, seen);
  require_all(moving, seen);
}

TEST_CASE("cluster scan: a CLUSTER FAILOVER while a primary is being scanned loses no key", "[cluster][scan][slow]") {
  ValkeyCluster cluster;
  auto config = glide_test::cluster_config_for(cluster);
  config.request_timeout = std::chrono::milliseconds(2000);
  auto client = sync::GlideClusterClient::create(config).value();
  const auto keys = make_keys(client, "f", 600);
  REQUIRE(client.custom_command({"WAIT", "1", "2000"}, AllPrimaries{}).has_value());

  ClusterScanCursor cursor;
  const ScanOptions small{std::nullopt, 10, std::nullopt};
  std::uint16_t scanned_primary = 0;
  auto seen = scan_all(client, cursor, small, [&](const ClusterScanCursor& c) {
    if (c.state().node.empty() || c.state().node_cursor == "0") return true;
    scanned_primary = port_of(c.state().node);
    return false;
  });
  REQUIRE(scanned_primary != 0);
  // Its replica takes over (a manual failover: the old primary becomes a replica of it).
  std::uint16_t replica = 0;
  for (auto p : cluster.replica_ports()) {
    const auto role = cluster.cli(p, {"ROLE"});
    if (role.find(std::to_string(scanned_primary)) != std::string::npos) replica = p;
  }
  REQUIRE(replica != 0);
  REQUIRE(cluster.cli(replica, {"CLUSTER", "FAILOVER"}) == "OK");
  for (int i = 0; i < 100 && cluster.cli(replica, {"ROLE"}).rfind("master", 0) != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(cluster.cli(replica, {"ROLE"}).rfind("master", 0) == 0);

  auto rest = scan_all(client, cursor, small, [](auto&) { return true; });
  seen.insert(rest.begin(), rest.end());
  CHECK(cursor.is_finished());
  require_all(keys, seen);
}
