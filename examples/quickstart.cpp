// Quick start: the async client in a coroutine, and the blocking client.
#include "example_config.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

namespace asio = boost::asio;

asio::awaitable<void> run(asio::io_context& io) {
  auto created = co_await glide::GlideClient::create(io.get_executor(), example_config());
  if (!created) {
    std::cerr << "cannot connect: " << created.error() << "\n";
    co_return;
  }
  auto client = std::move(created).value();

  auto stored = co_await client.set("quickstart:greeting", "Hello, Valkey!");
  std::cout << "SET quickstart:greeting -> " << stored.value().value_or("(nil)") << "\n";
  auto greeting = co_await client.get("quickstart:greeting");  // Result<std::optional<std::string>>
  std::cout << "GET quickstart:greeting -> " << greeting.value().value_or("(nil)") << "\n";

  auto n = co_await client.incr("quickstart:counter");
  std::cout << "INCR quickstart:counter -> " << n.value() << "\n";

  // Errors are values: no exception unless you ask for value() of a failure.
  auto wrong = co_await client.incr("quickstart:greeting");
  if (!wrong) std::cout << "INCR on a string -> error: " << wrong.error().message() << "\n";
  client.close();
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, run(io), asio::detached);
  io.run();

  // The blocking client: same commands, returns Result<T> directly.
  auto client = glide::sync::GlideClient::create(example_config());
  if (!client) {
    std::cerr << "cannot connect: " << client.error() << "\n";
    return 1;
  }
  auto pong = client.value().ping();
  std::cout << "PING -> " << pong.value() << "\n";
  auto deleted = client.value().del({"quickstart:greeting", "quickstart:counter"});
  std::cout << "DEL -> " << deleted.value() << " keys removed\n";
}
