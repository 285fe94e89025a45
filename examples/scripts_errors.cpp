// Script errors (docs/scripts.md): a failed script is a Result holding a glide::Error whose
// code() says what kind of failure it was and whose message() is the server's text. Then a
// script that outlives request_timeout. The blocking client.
// Each result is printed next to what the guide says; the program fails if one differs.
#include "example_config.hpp"
#include "example_print.hpp"

#include <chrono>

using example::print;
using namespace std::chrono_literals;

// [snippet:classify]
// What the guide's `except RequestError as e:` branches test, on a glide::Error
std::string classify(const glide::Error& e) {
  const std::string_view message = e.message();
  if (e.code() == glide::errc::wrong_type || message.find("not an integer") != message.npos)
    return "Type error in script";
  if (message.find("Error compiling script") != message.npos)  // Lua syntax errors are compile errors
    return "Lua syntax error in script";
  if (message.find("Unknown command") != message.npos)  // Valkey 8: "ERR Unknown command called from script"
    return "Invalid command in script";
  return "Script error: " + std::string(message);
}
// [/snippet]

void common_errors(glide::sync::GlideClient& client) {
  std::cout << "Common script errors\n";
  // [snippet:common-errors]
  // Handle script execution errors
  glide::Script script("return redis.call('INCR', 'not_a_number')");

  print(client.set("not_a_number", "abc"), R"("OK")");  // INCR of a missing key would just return 1
  glide::Result<glide::Value> result = client.invoke_script(script);
  if (!result) std::cout << classify(result.error()) << "\n";
  print(result, "error: request error: ERR value is not an integer or out of range...");

  // WRONGTYPE has its own errc
  print(client.del({"a_list"}), "...");
  print(client.rpush("a_list", {"x"}), "1");
  auto wrong_type = client.invoke_script(glide::Script("return redis.call('INCR', KEYS[1])"), {.keys = {"a_list"}});
  print(wrong_type.error().code() == glide::errc::wrong_type, "true");
  print(classify(wrong_type.error()), R"("Type error in script")");

  // Compile errors come back from loading the script; redis.call of an unknown command at run time
  auto syntax = client.invoke_script(glide::Script("return x +"));
  print(classify(syntax.error()), R"("Lua syntax error in script")");
  print(syntax, "error: request error: ERR Error compiling script...");
  auto unknown = client.invoke_script(glide::Script("return redis.call('NO_SUCH_COMMAND')"));
  print(classify(unknown.error()), R"("Invalid command in script")");
  // [/snippet]
}

// Valkey reads other requests only once a script has run for busy-reply-threshold ms (5000 by
// default) and TIME stays frozen until then: lower it so the long scripts below take ~1 s.
std::string set_busy_reply_threshold(glide::sync::GlideClient& client, std::string ms) {
  auto old = client.custom_command({"CONFIG", "GET", "busy-reply-threshold"});
  auto previous = old.value().as<std::vector<std::pair<std::string, std::string>>>().value().at(0).second;
  print(client.custom_command({"CONFIG", "SET", "busy-reply-threshold", ms}), R"("OK")");
  return previous;
}

void timeouts() {
  std::cout << "Script timeout handling\n";
  // [snippet:timeout]
  // Configure the client timeout for long-running scripts: the guide gives 30 s to a 25 s
  // script; this one gives 500 ms to a script of up to 2 s, to show what a timeout does
  glide::GlideClientConfiguration config = example_config();
  config.request_timeout = 500ms;  // default 250 ms
  auto client = glide::sync::GlideClient::create(config).value();

  // Handle long-running scripts
  glide::Script long_script(R"(
    local start = redis.call('TIME')[1]
    while redis.call('TIME')[1] - start < 2 do
        redis.call('GET', 'dummy_key')  -- Read-only operation
    end
    return 'Done'
  )");

  auto previous_threshold = set_busy_reply_threshold(client, "100");
  const auto start = std::chrono::steady_clock::now();
  auto result = client.invoke_script(long_script);
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  if (result) {
    std::cout << "Script completed: " << result.value() << "\n";
  } else if (result.error().code() == glide::errc::timeout) {
    std::cout << "Client timeout after " << waited.count() << " ms - script may still be running on server!\n";
    std::cout << "Consider a longer request_timeout, or client.with_timeout(...) for this call\n";
  } else if (result.error().code() == glide::errc::script_killed) {
    std::cout << "Script was killed by server (only possible for read-only scripts)\n";
  } else {
    std::cout << "Script error: " << result.error() << "\n";
  }
  print(result, "error: timeout: ...");

  // Important: Client timeout != Script termination
  // - Client stops waiting for response (its late reply is read and dropped)
  // - Script continues running on server
  // - Use SCRIPT KILL to stop read-only scripts if needed
  print(client.script_kill(), "ok");

  // The same script with time to finish: with_timeout() is a per-call request_timeout
  print(client.with_timeout(5s).invoke_script(long_script), R"("Done")");
  // [/snippet]
  set_busy_reply_threshold(client, previous_threshold);
}

int main() {
  auto client = glide::sync::GlideClient::create(example_config());
  if (!client) {
    std::cerr << "cannot connect: " << client.error() << "\n";
    return 1;
  }
  common_errors(client.value());
  timeouts();
  return example::exit_status();
}
