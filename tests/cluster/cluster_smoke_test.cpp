#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace glide;
using glide_test::shared_cluster;
using glide_test::unique_key;

TEST_CASE("cluster: keys are routed to their slot's node", "[cluster]") {
  auto client = sync::GlideClusterClient::create(glide_test::cluster_config_for(shared_cluster())).value();
  for (int i = 0; i < 1000; ++i) {
    const auto key = "route:" + std::to_string(i);
    REQUIRE(client.set(key, std::to_string(i)).value() == "OK");
  }
  for (int i = 0; i < 1000; ++i) REQUIRE(client.get("route:" + std::to_string(i)).value() == std::to_string(i));
  // Each key really lives on the node that owns its slot: ask that node without redirects.
  for (int i = 0; i < 50; ++i) {
    const auto key = "route:" + std::to_string(i);
    auto owner = client.custom_command({"GET", key}, Route(SlotKeyRoute{SlotType::PRIMARY, key})).value();
    REQUIRE(owner.is_single_value());
    CHECK(owner.single_value() == std::to_string(i));
  }
}

TEST_CASE("cluster: cross-slot requests are refused before sending", "[cluster]") {
  auto client = sync::GlideClusterClient::create(glide_test::cluster_config_for(shared_cluster())).value();
  auto r = client.msetnx({{"a", "1"}, {"b", "2"}});
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::crossslot);
  CHECK(client.mset({{"{t}a", "1"}, {"{t}b", "2"}}).has_value());
  CHECK(client.mget({"{t}a", "{t}b"}).value() == std::vector<std::optional<std::string>>{"1", "2"});
}

TEST_CASE("cluster: a pipeline over all shards comes back in order", "[cluster]") {
  auto client = sync::GlideClusterClient::create(glide_test::cluster_config_for(shared_cluster())).value();
  ClusterBatch batch(false);
  const auto prefix = unique_key("pipe");
  for (int i = 0; i < 10000; ++i) batch.set(prefix + ":" + std::to_string(i), std::to_string(i));
  for (int i = 0; i < 10000; ++i) batch.get(prefix + ":" + std::to_string(i));
  auto results = client.exec(batch, true).value().value();
  REQUIRE(results.size() == 20000);
  for (int i = 0; i < 10000; ++i) REQUIRE(results[10000 + i].value() == std::to_string(i));
}

TEST_CASE("cluster: multi-node commands are aggregated", "[cluster]") {
  auto client = sync::GlideClusterClient::create(glide_test::cluster_config_for(shared_cluster())).value();
  REQUIRE(client.set(unique_key("agg"), "x").value() == "OK");
  auto total = client.dbsize().value();
  std::int64_t sum = 0;
  for (auto port : shared_cluster().primary_ports()) sum += std::stoll(shared_cluster().cli(port, {"DBSIZE"}));
  CHECK(total == sum);
  auto per_node = client.custom_command({"PING"}, Route(AllPrimaries{})).value();
  REQUIRE_FALSE(per_node.is_single_value());
  CHECK(per_node.multi_value().size() == 3);
}

TEST_CASE("cluster: SCRIPT KILL and FUNCTION KILL with nothing running report NOTBUSY", "[cluster]") {
  auto client = sync::GlideClusterClient::create(glide_test::cluster_config_for(shared_cluster())).value();
  auto script = client.script_kill();
  REQUIRE_FALSE(script);
  CHECK(script.error().message().find("NOTBUSY") != std::string_view::npos);
  auto function = client.function_kill(Route(AllPrimaries{}));
  REQUIRE_FALSE(function);
  CHECK(function.error().message().find("NOTBUSY") != std::string_view::npos);
}
