// Managing scripts (docs/scripts.md): hashes, SCRIPT SHOW / EXISTS / FLUSH, and SCRIPT KILL from
// a second coroutine while the first waits for the script. The asynchronous client.
// Each result is printed next to what the guide says; the program fails if one differs.
#include "example_config.hpp"
#include "example_print.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace asio = boost::asio;
using example::print;
using namespace std::chrono_literals;

asio::awaitable<void> hashing_and_caching(glide::GlideClient& client) {
  std::cout << "Script hashing and caching\n";
  // [snippet:hashing]
  glide::Script script("return 'Hello'");

  // Get the script's SHA1 hash
  const std::string& hash_value = script.get_hash();
  std::cout << "Script hash: " << hash_value << "\n";

  // Scripts with the same code have the same hash
  glide::Script script2("return 'Hello'");
  print(script.get_hash() == script2.get_hash(), "true");
  // [/snippet]
  print(hash_value, R"("af6b5d19da06755d789858a67760f34bbd2e9e52")");

  std::cout << "Viewing script source (Valkey 8.0+)\n";
  // [snippet:script-show]
  // Load a script
  glide::Script hello_world("return 'Hello World'");
  auto loaded = co_await client.invoke_script(hello_world);
  print(loaded, R"("Hello World")");

  // Show the original source code
  glide::Result<std::string> source = co_await client.script_show(hello_world.get_hash());
  print(source, R"("return 'Hello World'")");
  // [/snippet]

  std::cout << "Checking script existence\n";
  // [snippet:script-exists]
  // Check if scripts exist in the server cache
  glide::Script script1("return 'Script 1'");
  glide::Script script2_unused("return 'Script 2'");

  // Load script1 by executing it
  print(co_await client.invoke_script(script1), R"("Script 1")");

  // Check existence of both scripts
  std::vector<std::string> hashes{script1.get_hash(), script2_unused.get_hash()};
  glide::Result<std::vector<bool>> exists = co_await client.script_exists(hashes);
  print(exists, "[true, false]");  // only script1 was loaded
  // [/snippet]
}

asio::awaitable<void> flushing(glide::GlideClient& client) {
  std::cout << "Flushing the script cache\n";
  // [snippet:script-flush]
  // Load a script
  glide::Script script("return 'Test'");
  print(co_await client.invoke_script(script), R"("Test")");

  // Verify it exists
  std::vector<std::string> hashes{script.get_hash()};
  print(co_await client.script_exists(hashes), "[true]");

  // Flush the script cache on the server
  print(co_await client.script_flush(), "ok");

  // Verify script is gone from server
  print(co_await client.script_exists(hashes), "[false]");

  // Flush with ASYNC mode (non-blocking)
  print(co_await client.script_flush(glide::FlushMode::ASYNC), "ok");

  // The Script object is untouched: its hash, and invoke_script, which loads the code again
  std::cout << "Can still access hash: " << script.get_hash() << "\n";
  print(co_await client.invoke_script(script), R"("Test")");
  print(co_await client.script_exists(hashes), "[true]");
  // [/snippet]
}

// [snippet:kill-scripts]
// This long-running script CAN be killed (read-only)
const glide::Script killable_long_script(R"(
    local start = redis.call('TIME')[1]
    while redis.call('TIME')[1] - start < 10 do
        redis.call('GET', 'some_key')  -- Read-only operations
    end
    return 'Done'
)");

// This long-running script CANNOT be killed (performs writes); 2 s here, not the guide's 10
const glide::Script unkillable_script(R"(
    redis.call('SET', 'temp', 'value')  -- Write operation
    local start = redis.call('TIME')[1]
    while redis.call('TIME')[1] - start < 2 do
        -- Long operation after write
    end
    return 'Done'
)");
// [/snippet]

// [snippet:kill-tasks]
// In one coroutine, run the script. The client's request_timeout (250 ms by default) would give
// up on it: with_timeout() gives this one call 15 s.
asio::awaitable<void> run_script(glide::GlideClient client, const glide::Script& script, std::string_view expected) {
  auto result = co_await client.with_timeout(15s).invoke_script(script);
  if (!result && result.error().code() == glide::errc::script_killed) std::cout << "Script was killed\n";
  print(result, expected);
}

// In another coroutine, kill the script. SCRIPT KILL goes over a second connection of the same
// client: the first one waits behind the running script.
asio::awaitable<void> kill_script(glide::GlideClient client, std::string_view expected) {
  asio::steady_timer wait_a_bit(co_await asio::this_coro::executor, 500ms);
  co_await wait_a_bit.async_wait(asio::use_awaitable);
  glide::Result<void> killed = co_await client.script_kill();
  if (killed) std::cout << "Script killed\n";
  print(killed, expected);
}
// [/snippet]

asio::awaitable<void> killing(glide::GlideClient& client) {
  std::cout << "Killing running scripts\n";
  // [snippet:kill-run]
  // Valkey reads other requests (SCRIPT KILL too) only once a script has run for
  // busy-reply-threshold ms, 5000 by default. Lower it so this demo takes a second, not five.
  std::vector<std::string> get_threshold{"CONFIG", "GET", "busy-reply-threshold"};
  auto config = co_await client.custom_command(get_threshold);
  auto previous = config.value().as<std::vector<std::pair<std::string, std::string>>>().value().at(0).second;
  std::vector<std::string> set_threshold{"CONFIG", "SET", "busy-reply-threshold", "100"};
  print(co_await client.custom_command(set_threshold), R"("OK")");

  // Run both coroutines concurrently, as asyncio.gather does
  using namespace asio::experimental::awaitable_operators;
  co_await (run_script(client, killable_long_script, "error: script killed: ERR Script killed by user...") &&
            kill_script(client, "ok"));

  // A script that wrote cannot be killed: SCRIPT KILL fails with UNKILLABLE and it runs to the end
  co_await (run_script(client, unkillable_script, R"("Done")") &&
            kill_script(client, "error: request error: UNKILLABLE..."));

  set_threshold.back() = previous;
  print(co_await client.custom_command(set_threshold), R"("OK")");
  // [/snippet]
}

asio::awaitable<void> run(asio::io_context& io) {
  auto client = (co_await glide::GlideClient::create(io.get_executor(), example_config())).value();
  co_await hashing_and_caching(client);
  co_await flushing(client);
  co_await killing(client);
  client.close();
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, run(io), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  return example::exit_status();
}
