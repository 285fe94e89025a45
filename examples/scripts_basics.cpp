// Lua scripts, the basics (docs/scripts.md): Script, invoke_script, KEYS and ARGV, and moving
// from EVAL to Script. The asynchronous client in a coroutine.
// Each result is printed next to what the guide says; the program fails if one differs.
// [snippet:imports]
#include <glide/glide.hpp>  // Script, GlideClient, GlideClientConfiguration, NodeAddress, FlushMode, ...

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
// [/snippet]

#include "example_config.hpp"
#include "example_print.hpp"

namespace asio = boost::asio;
using example::print;

asio::awaitable<void> basic_usage(glide::GlideClient& client) {
  std::cout << "Creating and executing simple scripts\n";
  // [snippet:basic-usage]
  // Create a simple script
  glide::Script script("return 'Hello, Valkey!'");

  // Execute the script
  glide::Result<glide::Value> result = co_await client.invoke_script(script);
  print(result, R"("Hello, Valkey!")");
  // [/snippet]

  std::cout << "Scripts with return values\n";
  // [snippet:return-values]
  // Script that returns a number
  glide::Script number_script("return 42");
  auto number = co_await client.invoke_script(number_script);
  print(number, "42");
  if (number) print(number.value().as<std::int64_t>(), "42");  // the same, as a C++ integer

  // Script that returns an array
  glide::Script array_script("return {1, 2, 3, 'hello'}");
  auto array = co_await client.invoke_script(array_script);
  print(array, R"([1, 2, 3, "hello"])");
  // [/snippet]
}

asio::awaitable<void> keys_and_arguments(glide::GlideClient& client) {
  std::cout << "Using the KEYS array\n";
  // [snippet:keys]
  // Script that operates on keys
  glide::Script script("return redis.call('GET', KEYS[1])");

  // Execute with keys
  glide::ScriptOptions options{.keys = {"mykey"}};
  auto result = co_await client.invoke_script(script, options);
  print(result, "...");  // whatever "mykey" holds, nil if nothing
  // [/snippet]

  std::cout << "Using the ARGV array\n";
  // [snippet:argv]
  // Script that uses arguments
  glide::Script hello("return 'Hello, ' .. ARGV[1]");

  // Execute with arguments
  glide::ScriptOptions world{.args = {"World"}};
  print(co_await client.invoke_script(hello, world), R"("Hello, World")");
  // [/snippet]

  std::cout << "Combining keys and arguments\n";
  // [snippet:keys-and-args]
  // Script that sets a key-value pair
  glide::Script set_script("return redis.call('SET', KEYS[1], ARGV[1])");

  // Execute with both keys and arguments
  glide::ScriptOptions set_options{.keys = {"user:1000:name"}, .args = {"John Doe"}};
  print(co_await client.invoke_script(set_script, set_options), R"("OK")");

  // Script that gets and modifies a value
  glide::Script append_script(R"(
    local current = redis.call('GET', KEYS[1])
    if current then
        return redis.call('SET', KEYS[1], current .. ARGV[1])
    else
        return redis.call('SET', KEYS[1], ARGV[1])
    end
  )");

  glide::ScriptOptions append_options{.keys = {"counter"}, .args = {":increment"}};
  print(co_await client.invoke_script(append_script, append_options), R"("OK")");
  print(co_await client.get("counter"), R"(":increment...)");  // one more ":increment" per run
  // [/snippet]

  std::cout << "Working with multiple keys\n";
  // [snippet:multiple-keys]
  // Script that works with multiple keys
  glide::Script two_keys(R"(
    local key1_val = redis.call('GET', KEYS[1])
    local key2_val = redis.call('GET', KEYS[2])
    return {key1_val, key2_val}
  )");

  glide::ScriptOptions both{.keys = {"key1", "key2"}};
  print(co_await client.invoke_script(two_keys, both), "[...");  // [nil, nil] until they are set

  std::vector<std::pair<std::string, std::string>> values{{"key1", "one"}, {"key2", "two"}};
  print(co_await client.mset(values), "ok");
  print(co_await client.invoke_script(two_keys, both), R"(["one", "two"])");
  // [/snippet]
}

asio::awaitable<void> migration(glide::GlideClient& client) {
  std::cout << "Migration from direct EVAL\n";
  // [snippet:migration-before]
  // Old approach with custom commands (not recommended)
  std::vector<std::string> eval{"EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "mykey", "myvalue"};
  auto old_way = co_await client.custom_command(eval);
  print(old_way, R"("OK")");
  // [/snippet]

  // [snippet:migration-after]
  // New approach with the Script class (recommended)
  glide::Script script("return redis.call('SET', KEYS[1], ARGV[1])");
  glide::ScriptOptions options{.keys = {"mykey"}, .args = {"myvalue"}};
  auto new_way = co_await client.invoke_script(script, options);
  print(new_way, R"("OK")");
  // [/snippet]
}

// [snippet:client-setup]
asio::awaitable<void> run(asio::io_context& io) {
  // Standalone client configuration; example_config() is {"localhost", 6379} unless
  // GLIDE_HOST / GLIDE_PORT say otherwise.
  glide::GlideClientConfiguration config = example_config();

  // Create client
  auto created = co_await glide::GlideClient::create(io.get_executor(), config);
  if (!created) {
    std::cerr << "cannot connect: " << created.error() << "\n";
    co_return;
  }
  glide::GlideClient client = std::move(created).value();

  co_await basic_usage(client);
  co_await keys_and_arguments(client);
  co_await migration(client);

  // Always close the client when done
  client.close();
}
// [/snippet]

// [snippet:running]
int main() {
  asio::io_context io;
  asio::co_spawn(io, run(io), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  return example::exit_status();
}
// [/snippet]
