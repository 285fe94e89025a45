// The slot map read from CLUSTER SHARDS (RESP3 maps and RESP2 flat arrays) and CLUSTER SLOTS, in
// the shapes valkey-server 8 sends: which node owns each slot, which replicas serve reads, which
// port to dial over TLS. The cluster tests run the same code against real clusters.
#include <glide/detail/cluster_topology.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <string>
#include <vector>

using glide::Value;
using glide::detail::Topology;
using glide::detail::topology_from_shards;
using glide::detail::topology_from_slots;

namespace {

Value text(std::string s) { return Value::bulk_string(std::move(s)); }

struct NodeFields {
  std::string endpoint = "10.0.0.1";
  long long port = 0, tls_port = 0;
  std::string role = "master", health = "online";
};

// One node record of CLUSTER SHARDS, as a RESP3 map or a RESP2 flat array.
Value node_record(const NodeFields& n, bool resp3) {
  std::vector<std::pair<Value, Value>> fields{{text("id"), text("c43637bae81ae221b25d58e84f766a7725ed7585")}};
  if (n.port) fields.emplace_back(text("port"), Value::integer(n.port));
  if (n.tls_port) fields.emplace_back(text("tls-port"), Value::integer(n.tls_port));
  fields.emplace_back(text("ip"), text(n.endpoint.empty() ? "10.0.0.9" : n.endpoint));
  fields.emplace_back(text("endpoint"), text(n.endpoint));
  fields.emplace_back(text("role"), text(n.role));
  fields.emplace_back(text("replication-offset"), Value::integer(72156));
  fields.emplace_back(text("health"), text(n.health));
  if (resp3) return Value::map(std::move(fields));
  Value::Array flat;
  for (auto& [k, v] : fields) {
    flat.push_back(std::move(k));
    flat.push_back(std::move(v));
  }
  return Value::array(std::move(flat));
}

Value shard_record(std::vector<long long> ranges, const std::vector<NodeFields>& nodes, bool resp3) {
  Value::Array slots, records;
  for (auto s : ranges) slots.push_back(Value::integer(s));
  for (const auto& n : nodes) records.push_back(node_record(n, resp3));
  std::vector<std::pair<Value, Value>> fields{{text("slots"), Value::array(std::move(slots))},
                                              {text("nodes"), Value::array(std::move(records))}};
  if (resp3) return Value::map(std::move(fields));
  return Value::array({fields[0].first, fields[0].second, fields[1].first, fields[1].second});
}

std::string owner(const Topology& t, int slot) {
  const auto i = t.slot_owner[static_cast<std::size_t>(slot)];
  return i < 0 ? std::string("(none)") : t.shards[static_cast<std::size_t>(i)].primary;
}

std::vector<std::string> replicas(const Topology& t, int slot) {
  const auto i = t.slot_owner[static_cast<std::size_t>(slot)];
  return i < 0 ? std::vector<std::string>{} : t.shards[static_cast<std::size_t>(i)].replicas;
}

}  // namespace

TEST_CASE("CLUSTER SHARDS: slot ranges, primaries and their replicas, in RESP3 and RESP2", "[unit][cluster]") {
  const bool resp3 = GENERATE(true, false);
  CAPTURE(resp3);
  const Value reply = Value::array({
      shard_record({0, 5460}, {{"10.0.0.1", 7000}, {"10.0.0.4", 7003, 0, "replica"}}, resp3),
      // Two ranges in one shard, the replica listed first.
      shard_record({5461, 6000, 7000, 10922}, {{"10.0.0.5", 7004, 0, "replica"}, {"10.0.0.2", 7001}}, resp3),
      shard_record({10923, 16383}, {{"10.0.0.3", 7002}}, resp3),
  });
  auto t = topology_from_shards(reply, "seed.example", false);
  REQUIRE(t);
  CHECK(t.value().shards.size() == 3);
  CHECK(owner(t.value(), 0) == "10.0.0.1:7000");
  CHECK(owner(t.value(), 5460) == "10.0.0.1:7000");
  CHECK(replicas(t.value(), 5460) == std::vector<std::string>{"10.0.0.4:7003"});
  CHECK(owner(t.value(), 5461) == "10.0.0.2:7001");
  CHECK(owner(t.value(), 6500) == "(none)");  // between the shard's two ranges: nobody's
  CHECK(owner(t.value(), 10922) == "10.0.0.2:7001");
  CHECK(replicas(t.value(), 7000) == std::vector<std::string>{"10.0.0.5:7004"});
  CHECK(owner(t.value(), 16383) == "10.0.0.3:7002");
  CHECK(replicas(t.value(), 16383).empty());
}

TEST_CASE("CLUSTER SHARDS: only online replicas serve reads", "[unit][cluster]") {
  const Value reply = Value::array({shard_record({0, 16383},
                                                 {{"10.0.0.1", 7000},
                                                  {"10.0.0.4", 7003, 0, "replica", "fail"},
                                                  {"10.0.0.5", 7004, 0, "replica", "loading"},
                                                  {"10.0.0.6", 7005, 0, "replica", "online"}},
                                                 true)});
  auto t = topology_from_shards(reply, "seed", false);
  REQUIRE(t);
  CHECK(replicas(t.value(), 100) == std::vector<std::string>{"10.0.0.6:7005"});
}

TEST_CASE("CLUSTER SHARDS: after a failover the primary that did not fail owns the slots", "[unit][cluster]") {
  for (bool failed_first : {true, false}) {
    const NodeFields old_primary{"10.0.0.1", 7000, 0, "master", "fail"}, promoted{"10.0.0.4", 7003};
    const Value reply = Value::array({shard_record(
        {0, 16383}, failed_first ? std::vector<NodeFields>{old_primary, promoted} : std::vector<NodeFields>{promoted, old_primary},
        true)});
    auto t = topology_from_shards(reply, "seed", false);
    REQUIRE(t);
    CHECK(owner(t.value(), 0) == "10.0.0.4:7003");
    CHECK(replicas(t.value(), 0).empty());
  }
}

TEST_CASE("CLUSTER SHARDS: the port to dial and the host of nodes without an endpoint", "[unit][cluster]") {
  SECTION("a node with both ports: tls-port over TLS, port otherwise") {
    const Value reply = Value::array({shard_record({0, 16383}, {{"10.0.0.1", 7000, 8000}}, true)});
    CHECK(owner(topology_from_shards(reply, "seed", true).value(), 0) == "10.0.0.1:8000");
    CHECK(owner(topology_from_shards(reply, "seed", false).value(), 0) == "10.0.0.1:7000");
  }
  SECTION("a node listening on TLS only (port 0 is not reported)") {
    const Value reply = Value::array({shard_record({0, 16383}, {{"10.0.0.1", 0, 8000}}, true)});
    CHECK(owner(topology_from_shards(reply, "seed", true).value(), 0) == "10.0.0.1:8000");
  }
  SECTION("an empty or unknown endpoint is the host that was asked") {
    for (std::string endpoint : {"", "?"}) {
      const Value reply = Value::array({shard_record({0, 16383}, {{endpoint, 7000}}, true)});
      CHECK(owner(topology_from_shards(reply, "seed.example", false).value(), 0) == "seed.example:7000");
    }
  }
}

TEST_CASE("CLUSTER SHARDS: shards without slots or without a primary route nothing", "[unit][cluster]") {
  const Value reply = Value::array({
      shard_record({}, {{"10.0.0.9", 7009}}, true),                              // an empty primary
      shard_record({0, 99}, {{"10.0.0.4", 7003, 0, "replica", "online"}}, true),  // mid-failover: no primary
      shard_record({100, 16383}, {{"10.0.0.1", 7000}}, true),
  });
  auto t = topology_from_shards(reply, "seed", false);
  REQUIRE(t);
  CHECK(t.value().shards.size() == 1);
  CHECK(owner(t.value(), 99) == "(none)");
  CHECK(owner(t.value(), 100) == "10.0.0.1:7000");
}

TEST_CASE("CLUSTER SHARDS and CLUSTER SLOTS: a reply with no usable shard is an error", "[unit][cluster]") {
  using Catch::Matchers::ContainsSubstring;
  auto empty = topology_from_shards(Value::array({}), "seed", false);
  REQUIRE_FALSE(empty);
  CHECK_THAT(std::string(empty.error().message()), ContainsSubstring("no slots"));
  CHECK_FALSE(topology_from_shards(Value::simple_string("OK"), "seed", false));
  CHECK_FALSE(topology_from_shards(Value::array({Value::integer(1), text("junk")}), "seed", false));
  CHECK_FALSE(topology_from_slots(Value::array({}), "seed"));
  CHECK_FALSE(topology_from_slots(Value::array({Value::array({Value::integer(0), Value::integer(16383)})}), "seed"));
}

TEST_CASE("CLUSTER SLOTS: ranges with their primary first, then replicas", "[unit][cluster]") {
  auto node = [](std::string host, long long port) {
    return Value::array({text(std::move(host)), Value::integer(port), text("c43637bae81ae221b25d58e84f766a7725ed7585")});
  };
  const Value reply = Value::array({
      Value::array({Value::integer(0), Value::integer(8191), node("10.0.0.1", 7000), node("10.0.0.4", 7003)}),
      Value::array({Value::integer(8192), Value::integer(16383), node("", 7001)}),
  });
  auto t = topology_from_slots(reply, "seed.example");
  REQUIRE(t);
  CHECK(owner(t.value(), 8191) == "10.0.0.1:7000");
  CHECK(replicas(t.value(), 0) == std::vector<std::string>{"10.0.0.4:7003"});
  CHECK(owner(t.value(), 8192) == "seed.example:7001");
  CHECK(replicas(t.value(), 16383).empty());
}
