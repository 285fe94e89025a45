#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace glide;
using glide_test::shared_server;

TEST_CASE("async client: set and get through co_await", "[client]") {
  std::optional<std::string> got;
  std::optional<std::string> set_reply;
  glide_test::run_coroutine([&](boost::asio::io_context& io) -> boost::asio::awaitable<void> {
    auto client = (co_await GlideClient::create(io.get_executor(), glide_test::config_for(shared_server()))).value();
    auto key = glide_test::unique_key("smoke");
    set_reply = (co_await client.set(key, "value")).value();
    got = (co_await client.get(key)).value();
    client.close();
  });
  CHECK(set_reply == "OK");
  CHECK(got == "value");
}

TEST_CASE("sync client: set and get", "[client]") {
  auto client = glide_test::connect_sync(shared_server());
  auto key = glide_test::unique_key("smoke");
  REQUIRE(client.set(key, "v1").value() == "OK");
  CHECK(client.get(key).value() == "v1");
  CHECK(client.get(glide_test::unique_key("missing")).value() == std::nullopt);
}
