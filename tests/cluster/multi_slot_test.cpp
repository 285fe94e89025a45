// Multi-key commands whose keys lie in several slots, on the real 6-node cluster: split by slot,
// sent to the owners, and answered as one command (the split itself: tests/unit/multi_slot_test.cpp).
#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <set>
#include <string>
#include <vector>

using namespace glide;
using glide_test::shared_cluster;
using glide_test::unique_key;
using Catch::Matchers::ContainsSubstring;

namespace {

using OptStrings = std::vector<std::optional<std::string>>;

sync::GlideClusterClient connect() { return sync::GlideClusterClient::create(glide_test::cluster_config_for(shared_cluster())).value(); }

// `count` keys spread over the cluster: consecutive numbers land in unrelated slots.
std::vector<std::string> spread_keys(std::string_view what, int count) {
  const auto prefix = unique_key(what);
  std::vector<std::string> keys;
  for (int i = 0; i < count; ++i) keys.push_back(prefix + ":" + std::to_string(i));
  return keys;
}

std::size_t primaries_holding(const std::vector<std::string>& keys) {
  auto& cluster = shared_cluster();
  std::set<std::uint16_t> owners;
  for (const auto& key : keys) {
    for (auto port : cluster.primary_ports())
      if (cluster.cli(port, {"EXISTS", key}) == "1") owners.insert(port);
  }
  return owners.size();
}

}  // namespace

TEST_CASE("cluster: MSET, MGET, EXISTS, TOUCH, DEL and UNLINK of 40 keys in many slots", "[cluster][multi_slot]") {
  auto client = connect();
  const auto keys = spread_keys("multi", 40);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (std::size_t i = 0; i < keys.size(); ++i) pairs.emplace_back(keys[i], "v" + std::to_string(i));

  REQUIRE(client.mset(pairs).has_value());
  // Each key was written on the primary that owns its slot, and they are on every primary.
  CHECK(primaries_holding(keys) == shared_cluster().primary_ports().size());

  // MGET answers in the caller's order, with missing keys in place.
  std::vector<std::string> asked{keys[7], unique_key("missing"), keys[0], keys[39], keys[7]};
  CHECK(client.mget(asked).value() == OptStrings{"v7", std::nullopt, "v0", "v39", "v7"});
  OptStrings all;
  for (std::size_t i = 0; i < keys.size(); ++i) all.emplace_back("v" + std::to_string(i));
  CHECK(client.mget(keys).value() == all);

  // Counts are summed over the parts (a key named twice counts twice, as on one node).
  CHECK(client.exists(asked).value() == 4);
  CHECK(client.touch(keys).value() == 40);
  std::vector<std::string> first_half(keys.begin(), keys.begin() + 20), second_half(keys.begin() + 20, keys.end());
  first_half.push_back(unique_key("missing"));
  CHECK(client.del(first_half).value() == 20);
  CHECK(client.unlink(second_half).value() == 20);
  CHECK(client.exists(keys).value() == 0);
  CHECK(primaries_holding(keys) == 0);
}

TEST_CASE("cluster: a multi-slot command in a pipeline is one entry, in its place", "[cluster][multi_slot]") {
  auto client = connect();
  const auto keys = spread_keys("multi-batch", 12);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& k : keys) pairs.emplace_back(k, "x" + k);

  ClusterBatch batch(false);
  batch.mset(pairs).get(keys[3]).mget({keys[5], keys[0], keys[11]}).exists(keys).del({keys[0], keys[1], keys[2]}).mget(keys);
  auto replies = client.exec(batch, true);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 6);
  CHECK(entries[0].has_value());
  CHECK(as<std::optional<std::string>>(entries[1]).value() == "x" + keys[3]);
  CHECK(as<OptStrings>(entries[2]).value() == OptStrings{"x" + keys[5], "x" + keys[0], "x" + keys[11]});
  CHECK(as<std::int64_t>(entries[3]).value() == 12);
  CHECK(as<std::int64_t>(entries[4]).value() == 3);
  const auto after = as<OptStrings>(entries[5]).value();
  REQUIRE(after.size() == 12);
  CHECK(after[0] == std::nullopt);
  CHECK(after[2] == std::nullopt);
  CHECK(after[3] == "x" + keys[3]);

  // Run again: the same batch gives the same answers (nothing cached wrongly between runs).
  auto again = client.exec(batch, true);
  REQUIRE(again.has_value());
  CHECK(as<std::int64_t>((*again.value())[4]).value() == 3);

  // Atomic batches keep the one-slot rule, and MSETNX is never split.
  std::size_t other = 1;
  while (hash_slot(keys[other]) == hash_slot(keys[0])) ++other;
  ClusterBatch tx(true);
  tx.mget({keys[0], keys[other]});
  auto refused = client.exec(tx, true);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code() == errc::crossslot);
}

TEST_CASE("cluster: a part that fails makes the command fail with that part's error; the others ran", "[cluster][multi_slot]") {
  // A user allowed only the keys of one hash tag: the part for any other slot gets NOPERM.
  auto& cluster = shared_cluster();
  const auto user = unique_key("partial"), tag = unique_key("allowed");
  std::vector<std::uint16_t> nodes = cluster.primary_ports();
  for (auto port : cluster.replica_ports()) nodes.push_back(port);
  for (auto port : nodes) REQUIRE(cluster.cli(port, {"ACL", "SETUSER", user, "on", ">pw", "~{" + tag + "}*", "+@all"}) == "OK");
  auto config = glide_test::cluster_config_for(cluster);
  config.credentials = ServerCredentials{"pw", user};
  auto client = sync::GlideClusterClient::create(config).value();

  const auto allowed = "{" + tag + "}:a", forbidden = unique_key("forbidden");
  REQUIRE(hash_slot(allowed) != hash_slot(forbidden));
  auto r = client.mset({{allowed, "1"}, {forbidden, "2"}});
  REQUIRE_FALSE(r.has_value());
  CHECK_THAT(std::string(r.error().message()), ContainsSubstring("NOPERM"));
  // The allowed part ran: a failed multi-slot write may have been applied in part (docs/cluster.md).
  CHECK(client.get(allowed).value() == "1");
  auto read = client.mget({allowed, forbidden});
  REQUIRE_FALSE(read.has_value());
  CHECK_THAT(std::string(read.error().message()), ContainsSubstring("NOPERM"));

  // In a pipeline with raise_on_error=false the failure stays in its entry.
  ClusterBatch batch(false);
  batch.get(allowed).mget({allowed, forbidden}).get(allowed);
  auto entries = client.exec(batch, false).value().value();
  REQUIRE(entries.size() == 3);
  CHECK(as<std::optional<std::string>>(entries[0]).value() == "1");
  REQUIRE_FALSE(entries[1].has_value());
  CHECK_THAT(std::string(entries[1].error().message()), ContainsSubstring("NOPERM"));
  CHECK(as<std::optional<std::string>>(entries[2]).value() == "1");
  client.close();
  for (auto port : nodes) cluster.cli(port, {"ACL", "DELUSER", user});
}
