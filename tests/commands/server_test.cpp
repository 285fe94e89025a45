// The server family (glide/commands/server.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

TEST_CASE("ping, echo of the server family", "[commands][server]") {
  auto& client = command_client();
  CHECK(client.ping().value() == "PONG");
  auto size = client.dbsize();
  REQUIRE(size.has_value());
  CHECK(size.value() >= 0);
}

TEST_CASE("server family in a batch: entries convert as the direct calls return", "[commands][server][batch]") {
  auto& client = command_client();
  const auto direct_ping = client.ping();
  Batch batch(false);
  batch.ping();
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 1);
  glide_test::check_entry(entries[0], direct_ping);
}
