// Advanced script features and best practices (docs/scripts.md): binary data, large keys and
// arguments, reusing a script, and three well-behaved scripts. The blocking client.
// Each result is printed next to what the guide says; the program fails if one differs.
#include "example_config.hpp"
#include "example_print.hpp"

using example::print;

void binary_data(glide::sync::GlideClient& client) {
  std::cout << "Binary data support\n";
  // [snippet:binary]
  // Code and arguments are bytes: std::string holds NUL and 0xFF as well as text
  glide::Script script(std::string("return ARGV[1]"));
  print(client.invoke_script(script, {.args = {"binary data"}}), R"("binary data")");

  const std::string bytes("\x00\xff\x01 raw", 7);
  auto echoed = client.invoke_script(script, {.args = {bytes}});
  print(echoed, R"("\x00\xff\x01 raw")");  // printed escaped; the Value holds the 6 bytes
  print(echoed.value().as_string().value() == bytes, "true");
  // [/snippet]
}

void large_keys_and_arguments(glide::sync::GlideClient& client) {
  std::cout << "Large keys and arguments\n";
  // [snippet:large]
  // Large key (8KB)
  const std::string large_key(1 << 13, '0');
  glide::Script return_key("return KEYS[1]");
  auto key = client.invoke_script(return_key, {.keys = {large_key}});
  print(key.value() == large_key, "true");

  // Large arguments (4KB each)
  const std::string large_arg1(1 << 12, '0');
  const std::string large_arg2(1 << 12, '1');
  glide::Script return_second("return ARGV[2]");
  auto arg = client.invoke_script(return_second, {.args = {large_arg1, large_arg2}});
  print(arg.value() == large_arg2, "true");
  // [/snippet]
}

void script_reuse(glide::sync::GlideClient& client) {
  std::cout << "Script reuse and performance\n";
  // [snippet:reuse]
  // Create a reusable script
  const glide::Script increment_script(R"(
    local current = redis.call('GET', KEYS[1])
    if current then
        return redis.call('SET', KEYS[1], current + ARGV[1])
    else
        return redis.call('SET', KEYS[1], ARGV[1])
    end
  )");

  // Use the same script multiple times: the code travels once, then only its SHA1 (EVALSHA)
  for (int i = 0; i < 100; ++i) {
    auto r = client.invoke_script(increment_script, {.keys = {"counter:" + std::to_string(i)}, .args = {"1"}});
    if (!r) print(r, R"("OK")");  // report failures only
  }
  print(client.get("counter:99"), "...");  // "1" on the first run, one more on every run after
  // [/snippet]
}

void best_practices(glide::sync::GlideClient& client) {
  std::cout << "1. Use scripts for atomic non-primitive operations\n";
  // [snippet:conditional-update]
  // Good: Conditional update with multiple data structures
  const glide::Script conditional_update(R"(
    local current = redis.call('GET', KEYS[1])
    local threshold = tonumber(ARGV[2])

    if current and tonumber(current) >= threshold then
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('LPUSH', KEYS[2], ARGV[1])
        redis.call('EXPIRE', KEYS[2], ARGV[3])
        return 1
    else
        return 0
    end
  )");

  print(client.set("user:score", "75"), R"("OK")");
  auto result = client.invoke_script(conditional_update,
                                     {.keys = {"user:score", "user:history"},
                                      .args = glide::to_args(100, 50, 86400)});  // new score, threshold, expire in 1 day
  print(result, "1");  // 75 >= 50: updated
  print(client.get("user:score"), R"("100")");
  // [/snippet]

  std::cout << "2. Handle nil values properly\n";
  // [snippet:nil-handling]
  // Good: Proper nil handling
  const glide::Script safe_script(R"(
    local val = redis.call('GET', KEYS[1])
    if val then
        return val
    else
        return 'default_value'
    end
  )");
  print(client.del({"no:such:key"}), "...");
  print(client.invoke_script(safe_script, {.keys = {"no:such:key"}}), R"("default_value")");
  // [/snippet]

  std::cout << "3. Use appropriate data types\n";
  // [snippet:typed-return]
  // Good: Return appropriate types
  const glide::Script typed_script(R"(
    local value = redis.call('GET', KEYS[1])
    return tonumber(value) or 0  -- Ensure numeric return, default to 0 if nil
  )");
  print(client.invoke_script(typed_script, {.keys = {"no:such:key"}}), "0");
  print(client.set("answer", "42"), R"("OK")");
  glide::Result<glide::Value> answer = client.invoke_script(typed_script, {.keys = {"answer"}});
  print(answer.value().as<std::int64_t>(), "42");  // an integer reply, read as a C++ integer
  // [/snippet]
}

int main() {
  auto client = glide::sync::GlideClient::create(example_config());
  if (!client) {
    std::cerr << "cannot connect: " << client.error() << "\n";
    return 1;
  }
  binary_data(client.value());
  large_keys_and_arguments(client.value());
  script_reuse(client.value());
  best_practices(client.value());
  return example::exit_status();
}
