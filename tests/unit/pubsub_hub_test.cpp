// The pub/sub hub without a server: which pushes are messages, the queue's bound, readers served
// in turn, and what a node restores on a new link.
#include <glide/detail/pubsub_hub.hpp>

#include <catch2/catch_test_macros.hpp>

#include <optional>
#include <string>
#include <vector>

using glide::PubSubChannelModes;
using glide::PubSubMsg;
using glide::PubSubSubscriptions;
using glide::Result;
using glide::Value;
using glide::detail::PubSubHub;

namespace {
Value push(std::vector<std::string> items) {
  Value::Array a;
  for (auto& i : items) a.push_back(Value::bulk_string(std::move(i)));
  return Value::aggregate(glide::ValueKind::push, std::move(a));
}
}  // namespace

TEST_CASE("pubsub hub: message, pmessage and smessage pushes become messages; others do not", "[unit][pubsub]") {
  using glide::detail::message_of;
  CHECK(message_of(push({"message", "ch", "hi"})) == PubSubMsg{"hi", "ch", std::nullopt});
  CHECK(message_of(push({"pmessage", "c*", "ch", "hi"})) == PubSubMsg{"hi", "ch", "c*"});
  CHECK(message_of(push({"smessage", "s", "hi"})) == PubSubMsg{"hi", "s", std::nullopt});
  CHECK_FALSE(message_of(push({"subscribe", "ch"})).has_value());
  CHECK_FALSE(message_of(push({"invalidate", "k"})).has_value());
  CHECK_FALSE(message_of(Value::bulk_string("message")).has_value());
}

TEST_CASE("pubsub hub: a full queue pushes out the oldest and counts it; waiting readers come first", "[unit][pubsub]") {
  PubSubSubscriptions config;
  config.queue_limit = 3;
  PubSubHub hub(config);
  std::optional<Result<PubSubMsg>> waiting;
  hub.get([&](Result<PubSubMsg> m) { waiting = std::move(m); });
  hub.deliver(push({"message", "c", "0"}));
  REQUIRE(waiting.has_value());
  CHECK(waiting->value().message == "0");  // straight to the reader, never queued
  for (int i = 1; i <= 5; ++i) hub.deliver(push({"message", "c", std::to_string(i)}));
  CHECK(hub.dropped() == 2);
  for (int i = 3; i <= 5; ++i) CHECK(hub.try_get()->message == std::to_string(i));
  CHECK_FALSE(hub.try_get().has_value());
  hub.get([&](Result<PubSubMsg> m) { waiting = std::move(m); });
  hub.close(glide::Error(glide::errc::closing, "client closed"));
  CHECK(waiting->error().code() == glide::errc::closing);
}

TEST_CASE("pubsub hub: a node restores its own subscriptions, one command each; an unasked SUNSUBSCRIBE asks for the map",
          "[unit][pubsub]") {
  PubSubHub hub(std::nullopt);
  hub.place(PubSubChannelModes::Exact, "a", "n1:1");
  hub.place(PubSubChannelModes::Pattern, "p*", "n1:1");
  hub.place(PubSubChannelModes::Sharded, "s", "n2:2");
  auto [wire, owed] = hub.restore_wire("n1:1");
  CHECK(owed == 2);
  CHECK(wire == "*2\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n*2\r\n$10\r\nPSUBSCRIBE\r\n$2\r\np*\r\n");
  CHECK(hub.restore_wire("n2:2").second == 1);
  CHECK(hub.restore_wire("n3:3").second == 0);
  CHECK(hub.deliver(push({"sunsubscribe", "s", "0"})));        // ours: its slot moved
  CHECK_FALSE(hub.deliver(push({"sunsubscribe", "t", "0"})));  // not ours
  hub.forget(PubSubChannelModes::Sharded, "s");
  CHECK(hub.restore_wire("n2:2").second == 0);
}
