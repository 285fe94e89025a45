// The request path's rules, driven reply by reply without a server: what an operation sends,
// where, in which order, and what it does with redirects, transient refusals, NOSCRIPT and lost
// connections. The engine carries out the same actions over real connections (the client,
// script and cluster tests run them against real servers).
#include <glide/batch.hpp>
#include <glide/detail/exchange.hpp>
#include <glide/detail/slot_map.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <map>
#include <string>
#include <vector>

using glide::Batch;
using glide::Command;
using glide::errc;
using glide::Result;
using glide::Script;
using glide::Value;
using glide::detail::Entries;
using glide::detail::Exchange;
using glide::detail::ExchangeRules;
using glide::detail::Gather;
using glide::detail::NodeDown;
using glide::detail::Replies;
using glide::detail::ResponsePolicy;
using glide::detail::Routing;
using glide::detail::ScriptCache;
using Catch::Matchers::ContainsSubstring;
using namespace std::chrono_literals;

namespace {

// The client's state as the exchange sees it: who owns which slot, which scripts each node's
// link has loaded.
struct FakeRouting : Routing {
  std::map<int, std::string> owners;
  std::string anyone = "a:1";
  std::vector<std::pair<int, std::string>> moves;
  std::map<std::string, ScriptCache> caches;
  std::map<std::string, std::uint64_t> link_of;
  std::map<std::string, NodeDown> down_nodes;

  std::string owner(int slot) override {
    auto it = owners.find(slot);
    return it != owners.end() ? it->second : anyone;
  }
  void moved(int slot, const std::string& node) override {
    moves.emplace_back(slot, node);
    owners[slot] = node;
  }
  ScriptCache& scripts(const std::string& node) override { return caches[node]; }
  std::uint64_t links(const std::string& node) override { return link_of.count(node) ? link_of[node] : 1; }
  std::optional<NodeDown> down(const std::string& node) override {
    auto it = down_nodes.find(node);
    return it != down_nodes.end() ? std::optional<NodeDown>(it->second) : std::nullopt;
  }
};

std::string wire(std::initializer_list<std::string_view> args) { return Command(args).encoded(); }
std::string load_of(const Script& s) { return wire({"SCRIPT", "LOAD", s.code()}); }
std::string evalsha(const Script& s, std::string_view key = {}) {
  return key.empty() ? wire({"EVALSHA", s.get_hash(), "0"}) : wire({"EVALSHA", s.get_hash(), "1", key});
}

Value ok() { return Value::simple_string("OK"); }
Value bulk(std::string s) { return Value::bulk_string(std::move(s)); }
Value err(std::string s) { return Value::error(std::move(s)); }

const auto now = Exchange::Clock::now();
const auto never = Exchange::TimePoint::max();

ExchangeRules cluster_rules() { return {}; }
ExchangeRules standalone_rules() {
  ExchangeRules r;
  r.follow_topology = false;
  return r;
}

Entries one(std::string command, std::optional<Script> script = std::nullopt) {
  Entries e;
  e.one = std::move(command);
  e.one_script = std::move(script);
  return e;
}

// A one-entry exchange on `node`, its first round sent.
Exchange started(FakeRouting& routing, Entries entries, ExchangeRules rules, Exchange::TimePoint deadline, const std::string& node,
                 int slot) {
  Exchange ex(std::move(entries), rules, deadline);
  ex.add_part(0, node, slot);
  ex.start(routing, now);
  return ex;
}

// Answers the only send of the round, at time `at`.
void answer(Exchange& ex, FakeRouting& routing, Replies replies, Exchange::TimePoint at = now) {
  REQUIRE(ex.sends().size() == 1);
  const auto group = ex.sends().front().group;
  ex.sends().clear();
  ex.replied(group, std::move(replies), routing, at);
}

}  // namespace

TEST_CASE("exchange: one command, one reply", "[unit][exchange]") {
  FakeRouting routing;
  auto ex = started(routing, one(wire({"GET", "k"})), cluster_rules(), never, "a:1", 7);
  REQUIRE(ex.sends().size() == 1);
  CHECK(ex.sends().front().node == "a:1");
  CHECK(ex.sends().front().request.bytes() == wire({"GET", "k"}));
  CHECK(ex.sends().front().request.timeout == 0ms);  // no deadline
  answer(ex, routing, {bulk("v")});
  REQUIRE(ex.finished());
  CHECK(ex.take_result().value().front() == "v");
}

TEST_CASE("exchange: MOVED goes to the new owner and tells the slot map; ASK goes once, after ASKING", "[unit][exchange]") {
  FakeRouting routing;
  auto ex = started(routing, one(wire({"GET", "k"})), cluster_rules(), now + 1s, "a:1", 7);
  CHECK(ex.sends().front().request.timeout > 0ms);
  answer(ex, routing, {err("MOVED 7 b:2")});
  REQUIRE(routing.moves.size() == 1);
  CHECK(routing.moves.front() == std::pair<int, std::string>(7, "b:2"));
  REQUIRE(ex.sends().size() == 1);
  CHECK(ex.sends().front().node == "b:2");
  answer(ex, routing, {err("ASK 7 :3")});  // no host: the one that answered
  REQUIRE(ex.sends().size() == 1);
  CHECK(ex.sends().front().node == "b:3");
  CHECK(ex.sends().front().request.bytes() == wire({"ASKING"}) + wire({"GET", "k"}));
  CHECK(ex.sends().front().request.expected == 2);
  answer(ex, routing, {ok(), bulk("v")});
  REQUIRE(ex.finished());
  CHECK(ex.take_result().value().front() == "v");
  CHECK(routing.moves.size() == 1);  // ASK changes nothing in the map
}

TEST_CASE("exchange: TRYAGAIN, CLUSTERDOWN and LOADING pause and try again, until the deadline", "[unit][exchange]") {
  FakeRouting routing;
  const std::string refusal = GENERATE(std::string("TRYAGAIN Multiple keys request during rehashing of slot"),
                                       std::string("CLUSTERDOWN The cluster is down"),
                                       std::string("LOADING Valkey is loading the dataset in memory"));
  const bool standalone = GENERATE(false, true);
  INFO(refusal << (standalone ? " (standalone)" : " (cluster)"));
  auto ex = started(routing, one(wire({"GET", "k"})), standalone ? standalone_rules() : cluster_rules(), now + 100ms, "a:1", 7);
  answer(ex, routing, {err(refusal)});
  auto pause = ex.take_pause();
  REQUIRE(pause.has_value());
  CHECK(*pause == now + 20ms);
  CHECK(ex.sends().empty());
  ex.resume(routing, now + 20ms);
  answer(ex, routing, {err(refusal)}, now + 20ms);
  CHECK(ex.take_pause() == now + 60ms);
  ex.resume(routing, now + 60ms);
  answer(ex, routing, {err(refusal)}, now + 60ms);  // the next pause (80 ms) would end past the deadline
  REQUIRE(ex.finished());
  auto r = ex.take_result();
  REQUIRE(r);
  CHECK(r.value().front().is_error());
}

TEST_CASE("exchange: a pipeline retries transient refusals only when retry_server_error says so", "[unit][exchange]") {
  FakeRouting routing;
  Batch batch(false);
  batch.get("k").get("k");
  auto rules = cluster_rules();
  rules.retry_transient = false;
  Exchange ex(Entries{batch.data(), {}, {}}, rules, never);
  ex.add_part(0, "a:1", 7);
  ex.add_part(1, "a:1", 7);
  ex.start(routing, now);
  answer(ex, routing, {err("TRYAGAIN later"), bulk("v")});
  REQUIRE(ex.finished());
  auto r = ex.take_result().value();
  CHECK(r[0].is_error());
  CHECK(r[1] == "v");
}

TEST_CASE("exchange: READONLY asks for the slot map again, then the slot's owner", "[unit][exchange]") {
  FakeRouting routing;
  auto ex = started(routing, one(wire({"SET", "k", "v"})), cluster_rules(), never, "old:1", 7);
  answer(ex, routing, {err("READONLY You can't write against a read only replica.")});
  REQUIRE(ex.take_refresh());
  CHECK(ex.sends().empty());
  routing.owners[7] = "new:2";  // what the refresh learned
  ex.resume(routing, now);
  REQUIRE(ex.sends().size() == 1);
  CHECK(ex.sends().front().node == "new:2");
  answer(ex, routing, {ok()});
  CHECK(ex.finished());
}

TEST_CASE("exchange: a standalone client follows no redirect and reads no slot map", "[unit][exchange]") {
  FakeRouting routing;
  auto ex = started(routing, one(wire({"SET", "k", "v"})), standalone_rules(), never, "a:1", -1);
  const std::string redirect = GENERATE(std::string("MOVED 7 b:2"), std::string("READONLY replica"));
  answer(ex, routing, {err(redirect)});
  CHECK_FALSE(ex.take_refresh());
  REQUIRE(ex.finished());
  CHECK(ex.take_result().value().front().is_error());
}

// ---- scripts ----------------------------------------------------------------------------------

TEST_CASE("exchange: a script the node does not know is loaded ahead of its EVALSHA, in the same write", "[unit][exchange][script]") {
  FakeRouting routing;
  const Script script("return 1");
  auto ex = started(routing, one(evalsha(script), script), standalone_rules(), never, "a:1", -1);
  REQUIRE(ex.sends().size() == 1);
  CHECK(ex.sends().front().request.bytes() == load_of(script) + evalsha(script));
  CHECK(ex.sends().front().request.expected == 2);
  answer(ex, routing, {bulk(script.get_hash()), Value::integer(1)});
  REQUIRE(ex.finished());
  CHECK(ex.take_result().value().front() == 1);  // the load's reply is nobody's answer
  CHECK(routing.caches["a:1"].known(script.get_hash(), 1));

  auto again = started(routing, one(evalsha(script), script), standalone_rules(), never, "a:1", -1);
  CHECK(again.sends().front().request.bytes() == evalsha(script));  // known now: no load
  // Known on this link only: a new link (a restarted server, maybe) loads it again.
  routing.link_of["a:1"] = 2;
  auto relinked = started(routing, one(evalsha(script), script), standalone_rules(), never, "a:1", -1);
  CHECK(relinked.sends().front().request.bytes() == load_of(script) + evalsha(script));
}

TEST_CASE("exchange: a pipeline of scripts runs in the order built: one load ahead of the first use", "[unit][exchange][script]") {
  FakeRouting routing;
  const Script incr("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  Batch batch(false);
  batch.invoke_script(incr, {.keys = {"k"}, .args = {"1"}});
  batch.get("k");
  batch.invoke_script(incr, {.keys = {"k"}, .args = {"1"}});
  batch.get("k");
  Exchange ex(Entries{batch.data(), {}, {}}, standalone_rules(), never);
  for (std::uint32_t i = 0; i < 4; ++i) ex.add_part(i, "a:1", -1);
  ex.prepare(0, 4, batch.data()->wire, batch.data());
  ex.start(routing, now);
  REQUIRE(ex.sends().size() == 1);
  const auto& sent = ex.sends().front().request;
  CHECK(sent.bytes() == load_of(incr) + batch.data()->wire);
  CHECK(sent.expected == 5);
  answer(ex, routing, {bulk(incr.get_hash()), Value::integer(6), bulk("6"), Value::integer(7), bulk("7")});
  REQUIRE(ex.finished());
  auto r = ex.take_result().value();
  CHECK(r == std::vector<Value>{Value::integer(6), bulk("6"), Value::integer(7), bulk("7")});

  // Run again: the script is known, the batch's own bytes go as they are.
  Exchange warm(Entries{batch.data(), {}, {}}, standalone_rules(), never);
  for (std::uint32_t i = 0; i < 4; ++i) warm.add_part(i, "a:1", -1);
  warm.prepare(0, 4, batch.data()->wire, batch.data());
  warm.start(routing, now);
  CHECK(warm.sends().front().request.bytes().data() == batch.data()->wire.data());  // borrowed, not copied
}

TEST_CASE("exchange: NOSCRIPT for a script thought loaded: loaded again and retried, once", "[unit][exchange][script]") {
  FakeRouting routing;
  const Script script("return 1");
  routing.caches["a:1"].learned(script.get_hash(), 1);
  auto ex = started(routing, one(evalsha(script), script), cluster_rules(), never, "a:1", -1);
  CHECK(ex.sends().front().request.bytes() == evalsha(script));
  answer(ex, routing, {err("NOSCRIPT No matching script.")});  // flushed by someone else
  REQUIRE(ex.sends().size() == 1);
  CHECK(ex.sends().front().request.bytes() == load_of(script) + evalsha(script));
  SECTION("recovered") {
    answer(ex, routing, {bulk(script.get_hash()), Value::integer(1)});
    CHECK(ex.take_result().value().front() == 1);
  }
  SECTION("flushed again at once: the second NOSCRIPT is the answer") {
    answer(ex, routing, {bulk(script.get_hash()), err("NOSCRIPT No matching script.")});
    REQUIRE(ex.finished());
    CHECK(ex.take_result().value().front().as_error()->code() == errc::noscript);
  }
}

TEST_CASE("exchange: a script that does not compile answers with its load's error", "[unit][exchange][script]") {
  FakeRouting routing;
  const Script bad("return x +");
  auto ex = started(routing, one(evalsha(bad), bad), cluster_rules(), never, "a:1", -1);
  answer(ex, routing, {err("ERR Error compiling script (new function): user_script:1: unexpected symbol"),
                       err("NOSCRIPT No matching script.")});
  REQUIRE(ex.finished());
  auto v = ex.take_result().value().front();
  REQUIRE(v.is_error());
  CHECK_THAT(v.str(), ContainsSubstring("Error compiling script"));
}

TEST_CASE("exchange: SCRIPT FLUSH empties the node's script cache", "[unit][exchange][script]") {
  FakeRouting routing;
  routing.caches["a:1"].learned(std::string(40, 'a'), 1);
  auto ex = started(routing, one(wire({"script", "flush", "SYNC"})), standalone_rules(), never, "a:1", -1);
  answer(ex, routing, {ok()});
  CHECK_FALSE(routing.caches["a:1"].known(std::string(40, 'a'), 1));
}

// ---- transactions -------------------------------------------------------------------------------

TEST_CASE("exchange: a transaction redirected before anything ran is sent again whole", "[unit][exchange][atomic]") {
  FakeRouting routing;
  Batch tx(true);
  tx.set("k", "v").get("k");
  auto rules = cluster_rules();
  rules.atomic = true;
  auto ex = started(routing, Entries{tx.data(), {}, {}}, rules, never, "a:1", 7);
  const std::string whole = glide::detail::wrap_transaction(*tx.data());
  CHECK(ex.sends().front().request.bytes() == whole);
  CHECK(ex.sends().front().request.expected == 4);
  answer(ex, routing, {ok(), err("ASK 7 b:2"), err("ASK 7 b:2"), err("EXECABORT Transaction discarded")});
  REQUIRE(ex.sends().size() == 1);
  CHECK(ex.sends().front().node == "b:2");
  CHECK(ex.sends().front().request.bytes() == wire({"ASKING"}) + whole);
  answer(ex, routing, {ok(), ok(), bulk("QUEUED"), bulk("QUEUED"),
                       Value::array({ok(), bulk("v")})});
  REQUIRE(ex.finished());
  auto all = ex.take_result().value().front();
  REQUIRE(all.items().size() == 4);  // MULTI's, the QUEUEDs, EXEC's: ASKING's OK is not among them
  CHECK(all.items().back().items()[1] == "v");
}

// ---- failures and several nodes ---------------------------------------------------------------------

TEST_CASE("exchange: a request that never left goes again after a refresh; one that may have run does not", "[unit][exchange]") {
  FakeRouting routing;
  auto ex = started(routing, one(wire({"GET", "k"})), cluster_rules(), now + 1s, "dead:1", 7);
  auto group = ex.sends().front().group;
  ex.sends().clear();
  ex.replied(group, glide::fail(errc::connection_error, "not connected"), routing, now);
  REQUIRE(ex.take_refresh());
  routing.owners[7] = "new:2";
  ex.resume(routing, now);
  REQUIRE(ex.sends().size() == 1);
  CHECK(ex.sends().front().node == "new:2");
  group = ex.sends().front().group;
  ex.sends().clear();
  ex.replied(group, glide::fail(errc::unknown_outcome, "connection lost"), routing, now);
  CHECK(ex.take_refresh());  // the slot map is read again, but the request is not sent again
  REQUIRE(ex.finished());
  auto r = ex.take_result();
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::unknown_outcome);
}

TEST_CASE("exchange: a request for a node named by route goes again to that node only, or fails", "[unit][exchange]") {
  // ByAddressRoute (and each node of a fan-out): the answer must come from that node. Sending it
  // to "any primary" after a refresh answered for another node (CLUSTER MYID, DBSIZE, SCAN).
  FakeRouting routing;
  routing.anyone = "other:9";
  auto ex = started(routing, one(wire({"CLUSTER", "MYID"})), cluster_rules(), now + 1s, "named:1", glide::detail::pinned_slot);
  auto group = ex.sends().front().group;
  ex.sends().clear();
  ex.replied(group, glide::fail(errc::connection_error, "not connected"), routing, now);
  REQUIRE(ex.take_refresh());
  ex.resume(routing, now);
  REQUIRE(ex.sends().size() == 1);
  CHECK(ex.sends().front().node == "named:1");
  // Down for good: each try fails the same way until the attempts run out, and that is the answer.
  while (!ex.finished()) {
    REQUIRE(ex.sends().size() == 1);
    CHECK(ex.sends().front().node == "named:1");
    group = ex.sends().front().group;
    ex.sends().clear();
    ex.replied(group, glide::fail(errc::connection_error, "not connected"), routing, now);
    if (ex.take_refresh()) ex.resume(routing, now);
  }
  auto r = ex.take_result();
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::connection_error);
}

TEST_CASE("exchange: a request for a node known down is not queued there: the map is read, then it goes to the new owner or fails at once", "[unit][exchange]") {
  FakeRouting routing;
  routing.owners[7] = "dead:1";
  routing.down_nodes["dead:1"] = NodeDown{"Connection refused", false};
  auto ex = started(routing, one(wire({"GET", "k"})), cluster_rules(), now + 10s, "dead:1", 7);
  CHECK(ex.sends().empty());  // not sent to wait out its 10 s in a dead node's queue
  REQUIRE(ex.take_refresh());
  REQUIRE_FALSE(ex.finished());
  SECTION("the map read since names a new owner (a failover): the request goes there") {
    routing.owners[7] = "promoted:2";
    ex.resume(routing, now);
    REQUIRE(ex.sends().size() == 1);
    CHECK(ex.sends().front().node == "promoted:2");
    answer(ex, routing, {bulk("v")});
    REQUIRE(ex.finished());
    CHECK(ex.take_result().value().front() == bulk("v"));
  }
  SECTION("the map read since still names the dead node: no other node serves the slot, it fails now") {
    routing.down_nodes["dead:1"].confirmed = true;
    ex.resume(routing, now);
    CHECK(ex.sends().empty());
    REQUIRE(ex.finished());
    CHECK(ex.take_refresh());  // asked again, to learn of a failover for the requests after it
    auto r = ex.take_result();
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::connection_error);
    CHECK_THAT(std::string(r.error().message()), ContainsSubstring("dead:1 (Connection refused)"));
    CHECK_THAT(std::string(r.error().message()), ContainsSubstring("slot 7: no other node serves it"));
  }
}

TEST_CASE("exchange: in a pipeline, the entries for a node known down fail it; the other nodes still run theirs", "[unit][exchange]") {
  FakeRouting routing;
  routing.down_nodes["dead:1"] = NodeDown{"Connection refused", true};
  Batch batch(false);
  batch.get("a").get("b");
  Exchange ex(Entries{batch.data(), {}, {}}, cluster_rules(), now + 10s);
  ex.add_part(0, "live:2", 1);
  ex.add_part(1, "dead:1", 2);
  ex.start(routing, now);
  REQUIRE(ex.sends().size() == 1);
  CHECK(ex.sends().front().node == "live:2");
  answer(ex, routing, {bulk("1")});
  REQUIRE(ex.finished());
  auto r = ex.take_result();
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::connection_error);
}

TEST_CASE("exchange: one command on every primary, answers combined or kept per node", "[unit][exchange]") {
  FakeRouting routing;
  const bool per_node = GENERATE(false, true);
  Exchange ex(one(wire({"DBSIZE"})), cluster_rules(), never);
  for (const char* n : {"a:1", "b:2", "c:3"}) ex.add_part(0, n, -1);
  ex.gather(0, per_node ? Gather::per_node : Gather::by_policy, ResponsePolicy::agg_sum);
  ex.start(routing, now);
  REQUIRE(ex.sends().size() == 3);
  for (std::size_t k = 0; k < 3; ++k) {
    const auto group = ex.sends()[k].group;
    ex.replied(group, Replies{Value::integer(static_cast<std::int64_t>(k + 1))}, routing, now);
  }
  REQUIRE(ex.finished());
  auto v = ex.take_result().value().front();
  if (per_node) {
    REQUIRE(v.entries().size() == 3);
    CHECK(v.entries()[1].first == "b:2");
    CHECK(v.entries()[1].second == 2);
  } else {
    CHECK(v == 6);
  }
}
