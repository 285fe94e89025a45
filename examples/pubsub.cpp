// Pub/sub: subscriptions in the configuration with a queue, a callback, run-time subscribe and
// unsubscribe, patterns; in a cluster, sharded channels. See docs/pubsub.md.
#include "example_config.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

namespace asio = boost::asio;

void queue_and_runtime() {
  // [snippet:configured]
  auto config = example_config();
  glide::PubSubSubscriptions subscriptions;
  subscriptions.channels_and_patterns[glide::PubSubChannelModes::Exact] = {"news"};
  subscriptions.channels_and_patterns[glide::PubSubChannelModes::Pattern] = {"alerts.*"};
  config.pubsub_subscriptions = subscriptions;  // no callback: messages wait in a queue
  auto subscriber = glide::sync::GlideClient::create(config).value();
  auto publisher = glide::sync::GlideClient::create(example_config()).value();

  std::cout << "news reached " << publisher.publish("rates are up", "news").value() << " subscriber(s)\n";
  publisher.publish("disk almost full", "alerts.disk").value();
  for (int i = 0; i < 2; ++i) {
    glide::Result<glide::PubSubMsg> msg = subscriber.get_pubsub_message();  // blocks until one comes
    std::cout << "on " << msg.value().channel << (msg.value().pattern ? " (via " + *msg.value().pattern + ")" : "")
              << ": " << msg.value().message << "\n";
  }
  // [/snippet]

  // [snippet:runtime]
  subscriber.subscribe({"sports"}).value();  // done once the server confirmed it
  publisher.publish("3-1", "sports").value();
  subscriber.ping().value();  // its reply comes after the messages published before it
  while (auto msg = subscriber.try_get_pubsub_message())  // never waits
    std::cout << "on " << msg->channel << ": " << msg->message << "\n";
  subscriber.unsubscribe({"sports"}).value();
  std::cout << "receivers of sports now: " << publisher.publish("4-1", "sports").value() << "\n";
  // [/snippet]
}

asio::awaitable<void> with_callback(asio::io_context& io) {
  // [snippet:callback]
  std::atomic<int> received{0};
  auto config = example_config();
  glide::PubSubSubscriptions subscriptions;
  subscriptions.channels_and_patterns[glide::PubSubChannelModes::Exact] = {"events"};
  // Called on the client's executor, in order; it must not block.
  subscriptions.callback = [&received](glide::PubSubMsg msg) {
    std::cout << "callback: " << msg.message << "\n";
    ++received;
  };
  config.pubsub_subscriptions = subscriptions;
  auto client = (co_await glide::GlideClient::create(io.get_executor(), config)).value();
  auto published = co_await client.publish("hello", "events");  // a client may publish to itself
  auto pong = co_await client.ping();  // its reply comes after the message
  std::cout << "PUBLISH -> " << published.value() << ", PING -> " << pong.value() << "\n";
  std::cout << "messages through the callback: " << received << "\n";
  client.close();
  // [/snippet]
}

void sharded_in_cluster() {
  // [snippet:sharded]
  auto config = cluster_example_config();
  glide::PubSubSubscriptions subscriptions;
  // Each sharded channel is subscribed on the primary of its slot, and follows the slot.
  subscriptions.channels_and_patterns[glide::PubSubChannelModes::Sharded] = {"orders:{eu}", "orders:{us}"};
  config.pubsub_subscriptions = subscriptions;
  auto subscriber = glide::sync::GlideClusterClient::create(config);
  if (!subscriber) {
    std::cout << "no cluster here: " << subscriber.error().message() << "\n";
    return;
  }
  auto publisher = glide::sync::GlideClusterClient::create(cluster_example_config()).value();
  publisher.publish("order 17", "orders:{eu}", /*sharded=*/true).value();  // SPUBLISH, to the slot's owner
  auto msg = subscriber.value().get_pubsub_message();
  std::cout << "sharded " << msg.value().channel << ": " << msg.value().message << "\n";
  // [/snippet]
}

int main() {
  queue_and_runtime();
  asio::io_context io;
  asio::co_spawn(io, with_callback(io), asio::detached);
  io.run();
  sharded_in_cluster();
}
