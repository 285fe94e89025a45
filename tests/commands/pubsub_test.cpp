// The pub/sub family (glide/commands/pubsub.hpp): PUBLISH and the PUBSUB introspection commands
// on a real server, observed by a plain RESP connection that subscribes (the client's own
// subscriptions are another issue's); then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;
namespace asio = boost::asio;

namespace {

using Counts = std::vector<std::pair<std::string, std::int64_t>>;

// A second connection that only subscribes and reads what the server pushes, byte for byte.
class RawSubscriber {
 public:
  RawSubscriber() : socket_(io_) {
    const auto& server = glide_test::shared_server();
    socket_.connect({asio::ip::make_address(server.host()), server.port()});
  }

  // Sends an inline command ("SUBSCRIBE a b") and waits until `seen` has arrived.
  void send(const std::string& inline_command, std::string_view seen) {
    asio::write(socket_, asio::buffer(inline_command + "\r\n"));
    wait_for(seen);
  }
  // Reads until `text` is in what arrived since the last call; keeps what follows it.
  void wait_for(std::string_view text) {
    for (;;) {
      if (auto at = received_.find(text); at != std::string::npos) {
        received_.erase(0, at + text.size());
        return;
      }
      char chunk[4096];
      received_.append(chunk, socket_.read_some(asio::buffer(chunk)));
    }
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  std::string received_;
};

}  // namespace

TEST_CASE("publish and spublish reach the subscribers, pubsub_* list and count them", "[commands][pubsub]") {
  auto& client = command_client();
  const auto news = key_for("news"), sport = key_for("sport"), shard = key_for("shard"), nobody = key_for("nobody");
  const auto pattern = key_for("pattern") + ":*";

  RawSubscriber subscriber;
  subscriber.send("SUBSCRIBE " + news + " " + sport, sport);
  subscriber.send("PSUBSCRIBE " + pattern, pattern);
  subscriber.send("SSUBSCRIBE " + shard, shard);

  CHECK(client.publish("hello news", news).value() == 1);
  subscriber.wait_for("hello news");
  CHECK(client.publish("to nobody", nobody).value() == 0);
  // A pattern subscriber counts once per matching pattern.
  CHECK(client.publish("by pattern", pattern.substr(0, pattern.size() - 1) + "x").value() == 1);
  subscriber.wait_for("by pattern");
  CHECK(client.publish("sharded", shard, true).value() == 1);
  subscriber.wait_for("sharded");
  CHECK(client.publish("not sharded", shard, false).value() == 0);

  // Other tests may have channels of their own: look at ours only.
  CHECK(client.pubsub_channels(news).value() == std::vector<std::string>{news});
  CHECK(client.pubsub_channels(key_for("none") + "*").value().empty());
  const auto all = client.pubsub_channels().value();
  CHECK(std::count(all.begin(), all.end(), news) == 1);
  CHECK(std::count(all.begin(), all.end(), sport) == 1);
  CHECK(client.pubsub_numpat().value() >= 1);
  CHECK(client.pubsub_numsub({sport, nobody, news}).value() == Counts{{sport, 1}, {nobody, 0}, {news, 1}});
  CHECK(client.pubsub_numsub().value().empty());
  CHECK(client.pubsub_shardchannels(shard).value() == std::vector<std::string>{shard});
  const auto shards = client.pubsub_shardchannels().value();
  CHECK(std::count(shards.begin(), shards.end(), shard) == 1);
  CHECK(client.pubsub_shardnumsub({shard, news}).value() == Counts{{shard, 1}, {news, 0}});
  CHECK(client.pubsub_shardnumsub().value().empty());
}

TEST_CASE("pubsub: edge arguments are the server's to judge, never a crash", "[commands][pubsub]") {
  auto& client = command_client();
  // An empty channel name or message is a channel and a message like any other.
  CHECK(client.publish("", "").value() == 0);
  CHECK(client.pubsub_channels(std::string{}).value().empty());
  // A binary message with a NUL and CRLF in it arrives whole.
  const auto channel = key_for("binary");
  RawSubscriber subscriber;
  subscriber.send("SUBSCRIBE " + channel, channel);
  const std::string binary("a\0b\r\nc", 6);
  CHECK(client.publish(binary, channel).value() == 1);
  subscriber.wait_for("$6\r\n" + binary + "\r\n");
}

TEST_CASE("pubsub in a batch: entries convert as the direct calls return", "[commands][pubsub][batch]") {
  auto& client = command_client();
  const auto channel = key_for("batch-news"), shard = key_for("batch-shard");
  RawSubscriber subscriber;
  subscriber.send("SUBSCRIBE " + channel, channel);
  subscriber.send("SSUBSCRIBE " + shard, shard);

  Batch batch(false);
  batch.publish("one", channel).publish("two", shard, true).pubsub_channels(channel).pubsub_numsub({channel}).pubsub_shardchannels(shard).pubsub_shardnumsub({shard});
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 6);
  glide_test::check_entry(entries[0], client.publish("one", channel));
  glide_test::check_entry(entries[1], client.publish("two", shard, true));
  glide_test::check_entry(entries[2], client.pubsub_channels(channel));
  glide_test::check_entry(entries[3], client.pubsub_numsub({channel}));
  glide_test::check_entry(entries[4], client.pubsub_shardchannels(shard));
  glide_test::check_entry(entries[5], client.pubsub_shardnumsub({shard}));
  subscriber.wait_for("two");
}
