// Pub/sub on real servers: subscriptions from the configuration and at run time, messages in
// publish order and binary-safe, patterns, the callback, the queue's bound, subscriptions restored
// after CLIENT KILL and a server restart, commands and pushes sharing one RESP3 connection, and
// sharded channels in a cluster.
#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using namespace std::string_literals;
using namespace glide;
using glide_test::ValkeyServer;

namespace {

using Clock = std::chrono::steady_clock;

// Each test that takes it runs twice: RESP3 (pushes on the shared connection) and RESP2 (a
// subscriber connection of its own).
ProtocolVersion protocol_under_test() { return GENERATE(ProtocolVersion::RESP3, ProtocolVersion::RESP2); }

GlideClientConfiguration subscriber_config(const ValkeyServer& server, std::set<std::string> channels,
                                           std::set<std::string> patterns = {}, ProtocolVersion protocol = ProtocolVersion::RESP3) {
  auto config = glide_test::config_for(server);
  config.protocol = protocol;
  PubSubSubscriptions subs;
  if (!channels.empty()) subs.channels_and_patterns[PubSubChannelModes::Exact] = std::move(channels);
  if (!patterns.empty()) subs.channels_and_patterns[PubSubChannelModes::Pattern] = std::move(patterns);
  config.pubsub_subscriptions = std::move(subs);
  return config;
}

// The next queued message, waiting up to `limit` (the client's own thread reads the socket).
template <class Client>
std::optional<PubSubMsg> next_message(Client& client, std::chrono::milliseconds limit = 10s) {
  const auto until = Clock::now() + limit;
  while (Clock::now() < until) {
    if (auto m = client.try_get_pubsub_message()) return m;
    std::this_thread::sleep_for(1ms);
  }
  return std::nullopt;
}

// Publishes `prefix` + n with n counting up until one reaches a subscriber; returns n.
int publish_until_heard(sync::GlideClient& publisher, const std::string& channel, const std::string& prefix, int n) {
  const auto until = Clock::now() + 30s;
  while (Clock::now() < until) {
    auto receivers = publisher.publish(prefix + std::to_string(n), channel);
    REQUIRE(receivers.has_value());
    if (receivers.value() > 0) return n;
    ++n;
    std::this_thread::sleep_for(5ms);
  }
  FAIL("no subscriber came back within 30 s");
  return n;
}

}  // namespace

TEST_CASE("pubsub: messages on one channel arrive in publish order, byte for byte", "[pubsub]") {
  auto& server = glide_test::shared_server();
  const auto channel = glide_test::unique_key("order");
  const auto protocol = protocol_under_test();
  auto subscriber = sync::GlideClient::create(subscriber_config(server, {channel}, {}, protocol)).value();
  auto publisher = glide_test::connect_sync(server);
  const std::string binary = "a\0b\r\n$-1\r\n\xff"s;
  for (int i = 0; i < 2000; ++i) REQUIRE(publisher.publish(binary + std::to_string(i), channel).value() == 1);
  for (int i = 0; i < 2000; ++i) {
    auto m = next_message(subscriber);
    REQUIRE(m.has_value());
    CHECK(*m == PubSubMsg{binary + std::to_string(i), channel, std::nullopt});
  }
  CHECK_FALSE(subscriber.try_get_pubsub_message().has_value());
  CHECK(subscriber.pubsub_messages_dropped() == 0);
}

TEST_CASE("pubsub: patterns say which pattern matched; subscriptions made and dropped at run time", "[pubsub]") {
  auto& server = glide_test::shared_server();
  const auto prefix = glide_test::unique_key("runtime");
  auto config = glide_test::config_for(server);
  config.protocol = protocol_under_test();
  auto subscriber = sync::GlideClient::create(config).value();
  auto publisher = glide_test::connect_sync(server);
  REQUIRE(subscriber.psubscribe({prefix + ".news.*"}).has_value());
  REQUIRE(subscriber.subscribe({prefix + ".plain", prefix + ".other"}).has_value());
  CHECK(publisher.publish("headline", prefix + ".news.sport").value() == 1);
  CHECK(publisher.publish("hello", prefix + ".plain").value() == 1);
  CHECK(*next_message(subscriber) == PubSubMsg{"headline", prefix + ".news.sport", prefix + ".news.*"});
  CHECK(*next_message(subscriber) == PubSubMsg{"hello", prefix + ".plain", std::nullopt});
  // Commands still work on the subscribed connection (RESP3).
  CHECK(subscriber.set(prefix + ".k", "v").has_value());
  CHECK(subscriber.get(prefix + ".k").value() == "v");

  REQUIRE(subscriber.unsubscribe({prefix + ".plain"}).has_value());
  CHECK(publisher.publish("gone", prefix + ".plain").value() == 0);
  CHECK(publisher.publish("still", prefix + ".other").value() == 1);
  CHECK(next_message(subscriber)->message == "still");
  REQUIRE(subscriber.unsubscribe().has_value());  // all exact channels
  auto pun = subscriber.punsubscribe();
  INFO((pun ? std::string() : std::string(pun.error().message())));
  REQUIRE(pun.has_value());
  CHECK(publisher.publish("none", prefix + ".other").value() == 0);
  CHECK(publisher.publish("none", prefix + ".news.x").value() == 0);
  CHECK(subscriber.get(prefix + ".k").value() == "v");  // a round trip after the publishes
  CHECK_FALSE(subscriber.try_get_pubsub_message().has_value());
}

TEST_CASE("pubsub: a callback gets every message in order; the queue is then not used", "[pubsub]") {
  auto& server = glide_test::shared_server();
  const auto channel = glide_test::unique_key("callback");
  std::mutex m;
  std::vector<std::string> got;
  auto config = subscriber_config(server, {channel});
  config.pubsub_subscriptions->callback = [&](PubSubMsg msg) {
    std::lock_guard lk(m);
    got.push_back(msg.message);
  };
  auto subscriber = sync::GlideClient::create(config).value();
  auto publisher = glide_test::connect_sync(server);
  for (int i = 0; i < 500; ++i) REQUIRE(publisher.publish(std::to_string(i), channel).value() == 1);
  const auto until = Clock::now() + 10s;
  while (Clock::now() < until) {
    std::lock_guard lk(m);
    if (got.size() == 500) break;
  }
  std::lock_guard lk(m);
  REQUIRE(got.size() == 500);
  for (int i = 0; i < 500; ++i) CHECK(got[static_cast<std::size_t>(i)] == std::to_string(i));
  CHECK_FALSE(subscriber.try_get_pubsub_message().has_value());
  auto r = subscriber.get_pubsub_message();
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::configuration_error);
}

TEST_CASE("pubsub: a full queue pushes out its oldest messages and counts them", "[pubsub]") {
  auto& server = glide_test::shared_server();
  const auto channel = glide_test::unique_key("bound");
  auto config = subscriber_config(server, {channel});
  config.pubsub_subscriptions->queue_limit = 10;
  auto subscriber = sync::GlideClient::create(config).value();
  auto publisher = glide_test::connect_sync(server);
  for (int i = 0; i < 100; ++i) REQUIRE(publisher.publish(std::to_string(i), channel).value() == 1);
  // A command's reply comes after the pushes published before it: they are all in by then.
  REQUIRE(subscriber.custom_command({"PING"}).has_value());
  CHECK(subscriber.pubsub_messages_dropped() == 90);
  for (int i = 90; i < 100; ++i) CHECK(subscriber.try_get_pubsub_message()->message == std::to_string(i));
  CHECK_FALSE(subscriber.try_get_pubsub_message().has_value());
}

TEST_CASE("pubsub: the asynchronous client waits for a message with any completion token", "[pubsub]") {
  auto& server = glide_test::shared_server();
  const auto channel = glide_test::unique_key("async");
  auto publisher = glide_test::connect_sync(server);
  const std::string text = "late";
  const std::vector<std::string> channels{channel};
  std::optional<Result<void>> subscribed;
  std::optional<Result<std::int64_t>> published;
  std::optional<Result<PubSubMsg>> awaited;
  // (No braced lists inside the coroutine: GCC 12 rejects their initializer_list there.)
  glide_test::run_coroutine([&](boost::asio::io_context& io) -> boost::asio::awaitable<void> {
    auto client = (co_await GlideClient::create(io, glide_test::config_for(server))).value();
    subscribed = co_await client.subscribe(channels);
    // The reader waits first; the message comes from another client (its own io thread).
    auto reading = client.get_pubsub_message(boost::asio::deferred);
    published = publisher.publish(text, channel);
    awaited = co_await std::move(reading);
    client.close();
  });
  REQUIRE(subscribed->has_value());
  CHECK(published->value() == 1);
  REQUIRE(awaited->has_value());
  CHECK(awaited->value() == PubSubMsg{"late", channel, std::nullopt});
}

TEST_CASE("pubsub: commands and messages under load (RESP3: on one connection): no reply goes astray", "[pubsub]") {
  auto& server = glide_test::shared_server();
  const auto channel = glide_test::unique_key("load");
  const auto counter = glide_test::unique_key("load-counter");
  auto subscriber = sync::GlideClient::create(subscriber_config(server, {channel}, {}, protocol_under_test())).value();
  auto publisher = glide_test::connect_sync(server);
  constexpr int messages = 5000, commands = 5000;
  std::thread publishing([&] {
    for (int i = 0; i < messages; ++i) (void)publisher.publish(std::to_string(i), channel);
  });
  int wrong = 0;
  for (int i = 1; i <= commands; ++i) {
    auto r = subscriber.incr(counter);
    if (!r || r.value() != i) ++wrong;
    if (i % 100 == 0) {
      auto g = subscriber.get(counter);
      if (!g || g.value() != std::to_string(i)) ++wrong;
    }
  }
  publishing.join();
  CHECK(wrong == 0);
  for (int i = 0; i < messages; ++i) {
    auto m = next_message(subscriber);
    REQUIRE(m.has_value());
    REQUIRE(m->message == std::to_string(i));
  }
}

TEST_CASE("pubsub: sharded, exact and pattern subscriptions in a cluster", "[pubsub][cluster]") {
  auto& cluster = glide_test::shared_cluster();
  auto config = glide_test::cluster_config_for(cluster);
  const auto tag = glide_test::unique_key("shard");
  std::vector<std::string> sharded;
  for (int i = 0; i < 6; ++i) sharded.push_back(tag + std::to_string(i));  // slots on several primaries
  PubSubSubscriptions subs;
  subs.channels_and_patterns[PubSubChannelModes::Sharded] = {sharded.begin(), sharded.end()};
  subs.channels_and_patterns[PubSubChannelModes::Exact] = {tag + ".exact"};
  config.pubsub_subscriptions = subs;
  auto subscriber = sync::GlideClusterClient::create(config).value();
  auto publisher = sync::GlideClusterClient::create(glide_test::cluster_config_for(cluster)).value();
  REQUIRE(subscriber.psubscribe({tag + ".p.*"}).has_value());
  for (const auto& c : sharded) REQUIRE(publisher.publish("s:" + c, c, true).value() == 1);
  (void)publisher.publish("e", tag + ".exact");
  (void)publisher.publish("p", tag + ".p.1");
  std::multiset<std::string> got;
  for (int i = 0; i < 8; ++i) {
    auto m = next_message(subscriber);
    REQUIRE(m.has_value());
    got.insert(m->message + "@" + m->channel + (m->pattern ? "~" + *m->pattern : ""));
  }
  for (const auto& c : sharded) CHECK(got.count("s:" + c + "@" + c) == 1);
  CHECK(got.count("e@" + tag + ".exact") == 1);
  CHECK(got.count("p@" + tag + ".p.1~" + tag + ".p.*") == 1);
  REQUIRE(subscriber.sunsubscribe().has_value());
  for (const auto& c : sharded) CHECK(publisher.publish("after", c, true).value() == 0);
}

TEST_CASE("pubsub: subscriptions come back by themselves after CLIENT KILL and a server restart", "[pubsub][slow]") {
  ValkeyServer server;
  const std::string channel = "restore", pattern = "restore.*";
  auto subscriber = sync::GlideClient::create(subscriber_config(server, {channel}, {pattern}, protocol_under_test())).value();
  auto publisher = glide_test::connect_sync(server);
  REQUIRE(publisher.publish("first", channel).value() == 1);
  REQUIRE(next_message(subscriber)->message == "first");

  auto check_restored = [&](const std::string& round) {
    // Until the subscriber is back, messages reach nobody (publish says 0): that window is
    // counted; every message published after it must arrive, in order.
    const int first_heard = publish_until_heard(publisher, channel, round, 0);
    WARN(round << ": " << first_heard << " messages published while the subscriber was away (publish said 0 receivers)");
    for (int i = first_heard + 1; i < first_heard + 200; ++i) REQUIRE(publisher.publish(round + std::to_string(i), channel).value() == 1);
    for (int i = first_heard; i < first_heard + 200; ++i) {
      auto m = next_message(subscriber);
      REQUIRE(m.has_value());
      CHECK(m->message == round + std::to_string(i));
    }
    REQUIRE(publisher.publish("p", "restore.x").value() == 1);
    CHECK(next_message(subscriber)->pattern == pattern);
  };

  // Every connection but the publisher's: the subscriber's (RESP2: both of them).
  REQUIRE(publisher.custom_command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}).has_value());
  (void)publisher.custom_command({"CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "yes"});  // an error when there is none
  check_restored("after-kill-");
  server.restart();
  check_restored("after-restart-");
}
