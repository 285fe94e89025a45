// Lua scripts against real servers: every standalone example of the scripts guide
// (/work/shared/seed-scripts-guide.md, docs/scripts.md) with its expected result, then the parts
// the guide only hints at: NOSCRIPT recovery, error classification, SCRIPT KILL over the side
// connection, BUSY, timeouts that keep the connection in step, and scripts inside batches.
#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace glide;
using namespace std::chrono_literals;
using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using glide_test::config_for;
using glide_test::connect_sync;
using glide_test::run_coroutine;
using glide_test::shared_server;
using glide_test::unique_key;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// A server of this file's own for the tests that flush the script cache or keep it busy.
// busy-reply-threshold (alias lua-time-limit) is how long a script runs before Valkey looks at
// other clients at all: until then SCRIPT KILL is not even read, other clients get no BUSY reply
// and TIME inside the script stays frozen. The default 5 s would make these tests slow.
glide_test::ValkeyServer& admin_server() {
  static glide_test::ValkeyServer server([] {
    glide_test::ServerOptions options;
    options.extra_args = {"--busy-reply-threshold", "50"};
    return options;
  }());
  return server;
}

GlideClientConfiguration config_with_timeout(const glide_test::ValkeyServer& server, std::chrono::milliseconds t) {
  auto c = config_for(server);
  c.request_timeout = t;
  return c;
}

std::string text(const Value& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// Runs for ARGV[1] milliseconds (by the server's clock), reading only: SCRIPT KILL can stop it.
const Script& killable_script() {
  static const Script s(R"(
    local t = redis.call('TIME')
    local start = t[1] * 1000000 + t[2]
    while true do
      t = redis.call('TIME')
      if t[1] * 1000000 + t[2] - start >= tonumber(ARGV[1]) * 1000 then break end
      redis.call('GET', 'some_key')
    end
    return 'Done'
  )");
  return s;
}

// Writes KEYS[1] first, then runs for ARGV[1] milliseconds: SCRIPT KILL refuses (UNKILLABLE).
const Script& unkillable_script() {
  static const Script s(R"(
    redis.call('SET', KEYS[1], 'value')
    local t = redis.call('TIME')
    local start = t[1] * 1000000 + t[2]
    while true do
      t = redis.call('TIME')
      if t[1] * 1000000 + t[2] - start >= tonumber(ARGV[1]) * 1000 then break end
    end
    return 'Done'
  )");
  return s;
}

// Waits until the admin server runs no script any more (a test must not leave one behind).
void wait_until_not_busy(glide_test::ValkeyServer& server) {
  const auto deadline = Clock::now() + 10s;
  while (Clock::now() < deadline) {
    if (server.cli({"PING"}) == "PONG") return;
    std::this_thread::sleep_for(20ms);
  }
  FAIL("the server still runs a script");
}

// Calls `kill` (a script_kill) once the script has started: after a pause, and again while the
// server says NOTBUSY (on a slow machine the script may not have started yet).
template <class Kill>
Result<void> kill_once_running(Kill kill) {
  const auto deadline = Clock::now() + 3s;
  for (;;) {
    std::this_thread::sleep_for(200ms);
    auto r = kill();
    if (r || !r.error().message().starts_with("NOTBUSY") || Clock::now() > deadline) return r;
  }
}

}  // namespace

// ---- the guide, section by section ------------------------------------------------------------

TEST_CASE("guide: basic script usage and return values (async)", "[script][guide]") {
  std::optional<Result<Value>> hello, answer, array;
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto client = (co_await GlideClient::create(io.get_executor(), config_for(shared_server()))).value();
    Script script("return 'Hello, Valkey!'");
    hello = co_await client.invoke_script(script);
    Script number("return 42");
    answer = co_await client.invoke_script(number);
    Script table("return {1, 2, 3, 'hello'}");
    array = co_await client.invoke_script(table);
    client.close();
  });
  REQUIRE(hello->has_value());
  CHECK(hello->value() == "Hello, Valkey!");
  CHECK(answer->value() == 42);
  CHECK(text(array->value()) == R"([1, 2, 3, "hello"])");
  CHECK(array->value().as<std::vector<Value>>().value().at(3) == "hello");
}

TEST_CASE("guide: basic script usage (sync)", "[script][guide]") {
  auto client = connect_sync(shared_server());
  CHECK(client.invoke_script(Script("return 'Hello, Valkey!'")).value() == "Hello, Valkey!");
  CHECK(client.invoke_script(Script("return 42")).value() == 42);
  auto array = client.invoke_script(Script("return {1, 2, 3, 'hello'}")).value();
  CHECK(text(array) == R"([1, 2, 3, "hello"])");
}

TEST_CASE("guide: KEYS and ARGV", "[script][guide]") {
  auto client = connect_sync(shared_server());
  const auto mykey = unique_key("mykey");
  Script get("return redis.call('GET', KEYS[1])");
  CHECK(client.invoke_script(get, {.keys = {mykey}}).value().is_nil());
  REQUIRE(client.set(mykey, "stored").value() == "OK");
  CHECK(client.invoke_script(get, {.keys = {mykey}}).value() == "stored");

  CHECK(client.invoke_script(Script("return 'Hello, ' .. ARGV[1]"), {.args = {"World"}}).value() == "Hello, World");

  const auto name_key = unique_key("user:1000:name");
  Script set("return redis.call('SET', KEYS[1], ARGV[1])");
  CHECK(client.invoke_script(set, {.keys = {name_key}, .args = {"John Doe"}}).value() == "OK");
  CHECK(client.get(name_key).value() == "John Doe");
}

TEST_CASE("guide: the counter script appends, or sets when missing", "[script][guide]") {
  auto client = connect_sync(shared_server());
  const auto counter = unique_key("counter");
  Script script(R"(
    local current = redis.call('GET', KEYS[1])
    if current then
        return redis.call('SET', KEYS[1], current .. ARGV[1])
    else
        return redis.call('SET', KEYS[1], ARGV[1])
    end
  )");
  CHECK(client.invoke_script(script, {.keys = {counter}, .args = {":increment"}}).value() == "OK");
  CHECK(client.get(counter).value() == ":increment");
  CHECK(client.invoke_script(script, {.keys = {counter}, .args = {":increment"}}).value() == "OK");
  CHECK(client.get(counter).value() == ":increment:increment");
}

TEST_CASE("guide: multiple keys", "[script][guide]") {
  auto client = connect_sync(shared_server());
  const auto key1 = unique_key("key1"), key2 = unique_key("key2");
  Script script(R"(
    local key1_val = redis.call('GET', KEYS[1])
    local key2_val = redis.call('GET', KEYS[2])
    return {key1_val, key2_val}
  )");
  REQUIRE(client.mset({{key1, "v1"}, {key2, "v2"}}));
  CHECK(text(client.invoke_script(script, {.keys = {key1, key2}}).value()) == R"(["v1", "v2"])");
  // GET of a missing key is false in Lua, and false becomes nil in the reply.
  REQUIRE(client.del({key1}).value() == 1);
  CHECK(text(client.invoke_script(script, {.keys = {key1, key2}}).value()) == R"([nil, "v2"])");
}

TEST_CASE("guide: hashes, SCRIPT SHOW and SCRIPT EXISTS", "[script][guide]") {
  Script script("return 'Hello'");
  CHECK(script.get_hash() == Script("return 'Hello'").get_hash());
  CHECK(script.get_hash().size() == 40);

  auto client = connect_sync(shared_server());
  Script world("return 'Hello World'");
  REQUIRE(client.invoke_script(world).value() == "Hello World");
  CHECK(client.script_show(world.get_hash()).value() == "return 'Hello World'");

  // Unique code, so that no other test loaded script2 before.
  Script script1("return 'Script 1' -- " + unique_key("s1"));
  Script script2("return 'Script 2' -- " + unique_key("s2"));
  REQUIRE(client.invoke_script(script1));
  CHECK(client.script_exists({script1.get_hash(), script2.get_hash()}).value() == std::vector<bool>{true, false});

  auto unknown = client.script_show(script2.get_hash());
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code() == errc::noscript);
}

TEST_CASE("guide: flushing the script cache, then NOSCRIPT recovery", "[script][guide][noscript]") {
  auto client = connect_sync(admin_server());
  Script script("return 'Test'");
  REQUIRE(client.invoke_script(script).value() == "Test");
  CHECK(client.script_exists({script.get_hash()}).value() == std::vector<bool>{true});
  REQUIRE(client.script_flush());
  CHECK(client.script_exists({script.get_hash()}).value() == std::vector<bool>{false});
  REQUIRE(client.script_flush(FlushMode::ASYNC));
  CHECK(script.get_hash().size() == 40);  // the Script object is untouched

  // The next invoke_script meets NOSCRIPT, loads the code and runs it again, transparently.
  CHECK(client.invoke_script(script).value() == "Test");
  CHECK(client.script_exists({script.get_hash()}).value() == std::vector<bool>{true});
}

TEST_CASE("NOSCRIPT recovery on the async client, also for many callers at once", "[script][noscript]") {
  constexpr int callers = 20;
  std::optional<Result<Value>> first, after_flush;
  std::vector<std::optional<Result<Value>>> concurrent(callers);
  std::optional<Result<std::vector<bool>>> exists;
  std::vector<Result<void>> flushed;
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto client = (co_await GlideClient::create(io.get_executor(), config_for(admin_server()))).value();
    Script script("return ARGV[1] .. '!'");
    ScriptOptions options{.args = {"hi"}};
    first = co_await client.invoke_script(script, options);
    flushed.push_back(co_await client.script_flush());
    after_flush = co_await client.invoke_script(script, options);
    std::vector<std::string> hashes{script.get_hash()};
    exists = co_await client.script_exists(hashes);

    // Twenty callers use a script the server has never seen: each meets NOSCRIPT and recovers.
    flushed.push_back(co_await client.script_flush());
    Script fresh("return tonumber(ARGV[1]) * 2");
    int done = 0;
    asio::steady_timer all_done(io, Clock::time_point::max());
    for (int i = 0; i < callers; ++i) {
      ScriptOptions o{.args = to_args(i)};
      client.invoke_script(fresh, o, [&, i](Result<Value> r) {
        concurrent[static_cast<std::size_t>(i)] = std::move(r);
        if (++done == callers) all_done.cancel();
      });
    }
    boost::system::error_code ec;
    if (done < callers) co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    client.close();
  });
  REQUIRE(flushed.size() == 2);
  CHECK(flushed[0].has_value());
  CHECK(flushed[1].has_value());
  CHECK(first->value() == "hi!");
  CHECK(after_flush->value() == "hi!");
  CHECK(exists->value() == std::vector<bool>{true});
  for (int i = 0; i < callers; ++i) {
    INFO("caller " << i);
    REQUIRE(concurrent[static_cast<std::size_t>(i)].has_value());
    CHECK(concurrent[static_cast<std::size_t>(i)]->value() == 2 * i);
  }
}

TEST_CASE("guide: binary code, keys and arguments", "[script][guide]") {
  auto client = connect_sync(shared_server());
  const std::string code = "return ARGV[1]";
  CHECK(client.invoke_script(Script(code), {.args = {"binary data"}}).value() == "binary data");

  const std::string bytes("a\0b\xff\xfe\0", 6);
  auto echoed = client.invoke_script(Script(code), {.args = {bytes}}).value();
  CHECK(echoed.as_string().value() == bytes);

  // NUL and 0xFF inside the Lua source itself.
  const std::string binary_code("return '\0\xff'", 11);
  CHECK(client.invoke_script(Script(binary_code)).value().as_string().value() == std::string("\0\xff", 2));

  const std::string binary_key = unique_key(std::string("bin\0key\xff", 8));
  Script set("return redis.call('SET', KEYS[1], ARGV[1])");
  REQUIRE(client.invoke_script(set, {.keys = {binary_key}, .args = {bytes}}).value() == "OK");
  CHECK(client.get(binary_key).value() == bytes);
}

TEST_CASE("guide: an 8 KiB key and 4 KiB arguments", "[script][guide]") {
  auto client = connect_sync(shared_server());
  const std::string large_key(1 << 13, '0');
  CHECK(client.invoke_script(Script("return KEYS[1]"), {.keys = {large_key}}).value() == large_key);
  const std::string large_arg1(1 << 12, '0'), large_arg2(1 << 12, '1');
  CHECK(client.invoke_script(Script("return ARGV[2]"), {.args = {large_arg1, large_arg2}}).value() == large_arg2);
}

TEST_CASE("guide: the increment script reused 100 times", "[script][guide]") {
  auto client = connect_sync(shared_server());
  Script increment_script(R"(
    local current = redis.call('GET', KEYS[1])
    if current then
        return redis.call('SET', KEYS[1], current + ARGV[1])
    else
        return redis.call('SET', KEYS[1], ARGV[1])
    end
  )");
  const auto prefix = unique_key("counter");
  for (int round = 1; round <= 2; ++round) {
    for (int i = 0; i < 100; ++i) {
      auto r = client.invoke_script(increment_script, {.keys = {prefix + ":" + std::to_string(i)}, .args = {"1"}});
      REQUIRE(r.value() == "OK");
    }
    CHECK(client.get(prefix + ":0").value() == std::to_string(round));
    CHECK(client.get(prefix + ":99").value() == std::to_string(round));
  }
}

TEST_CASE("guide best practices: conditional update, nil handling, typed return", "[script][guide]") {
  auto client = connect_sync(shared_server());
  Script conditional_update(R"(
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
  const auto score = unique_key("user:score"), history = unique_key("user:history");
  const ScriptOptions update{.keys = {score, history}, .args = to_args(100, 50, 86400)};
  CHECK(client.invoke_script(conditional_update, update).value() == 0);  // no score yet
  REQUIRE(client.set(score, "40").value() == "OK");
  CHECK(client.invoke_script(conditional_update, update).value() == 0);  // below the threshold
  REQUIRE(client.set(score, "60").value() == "OK");
  CHECK(client.invoke_script(conditional_update, update).value() == 1);
  CHECK(client.get(score).value() == "100");
  CHECK(client.lrange(history, 0, -1).value() == std::vector<std::string>{"100"});
  const auto ttl = client.ttl(history).value();
  CHECK(ttl > 86300);
  CHECK(ttl <= 86400);

  Script safe_script(R"(
    local val = redis.call('GET', KEYS[1])
    if val then
        return val
    else
        return 'default_value'
    end
  )");
  const auto maybe = unique_key("maybe");
  CHECK(client.invoke_script(safe_script, {.keys = {maybe}}).value() == "default_value");
  REQUIRE(client.set(maybe, "present").value() == "OK");
  CHECK(client.invoke_script(safe_script, {.keys = {maybe}}).value() == "present");

  Script typed_script(R"(
    local value = redis.call('GET', KEYS[1])
    return tonumber(value) or 0  -- Ensure numeric return, default to 0 if nil
  )");
  const auto number = unique_key("number");
  CHECK(client.invoke_script(typed_script, {.keys = {number}}).value() == 0);
  REQUIRE(client.set(number, "42").value() == "OK");
  CHECK(client.invoke_script(typed_script, {.keys = {number}}).value() == 42);
  REQUIRE(client.set(number, "3.7").value() == "OK");
  CHECK(client.invoke_script(typed_script, {.keys = {number}}).value() == 3);  // Lua numbers become integers
  REQUIRE(client.set(number, "abc").value() == "OK");
  CHECK(client.invoke_script(typed_script, {.keys = {number}}).value() == 0);
}

TEST_CASE("guide pattern: rate limiter", "[script][guide][patterns]") {
  auto client = connect_sync(shared_server());
  Script rate_limit_script(R"(
    local key = KEYS[1]
    local limit = tonumber(ARGV[1])
    local window = tonumber(ARGV[2])

    local current = redis.call('GET', key)
    if current == false then
        redis.call('SET', key, 1)
        redis.call('EXPIRE', key, window)
        return {1, limit}
    end

    current = tonumber(current)
    if current < limit then
        local new_val = redis.call('INCR', key)
        local ttl = redis.call('TTL', key)
        return {new_val, limit}
    else
        local ttl = redis.call('TTL', key)
        return {current, limit, ttl}
    end
  )");
  const ScriptOptions call{.keys = {unique_key("rate_limit:user:123")}, .args = to_args(10, 60)};
  for (int i = 1; i <= 10; ++i) {
    auto r = client.invoke_script(rate_limit_script, call).value();
    CHECK(text(r) == "[" + std::to_string(i) + ", 10]");
  }
  auto over = client.invoke_script(rate_limit_script, call).value().as<std::vector<std::int64_t>>().value();
  REQUIRE(over.size() == 3);
  CHECK(over[0] == 10);
  CHECK(over[1] == 10);
  CHECK(over[2] > 0);
  CHECK(over[2] <= 60);
}

TEST_CASE("guide pattern: distributed lock", "[script][guide][patterns]") {
  auto client = connect_sync(shared_server());
  Script acquire_lock_script(R"(
    if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
        return 1
    else
        return 0
    end
  )");
  Script release_lock_script(R"(
    if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
    else
        return 0
    end
  )");
  const auto lock = unique_key("lock:resource:123");
  CHECK(client.invoke_script(acquire_lock_script, {.keys = {lock}, .args = {"unique_token", "30"}}).value() == 1);
  CHECK(client.invoke_script(acquire_lock_script, {.keys = {lock}, .args = {"other_token", "30"}}).value() == 0);
  const auto ttl = client.ttl(lock).value();
  CHECK(ttl > 0);
  CHECK(ttl <= 30);
  CHECK(client.invoke_script(release_lock_script, {.keys = {lock}, .args = {"other_token"}}).value() == 0);
  CHECK(client.get(lock).value() == "unique_token");
  CHECK(client.invoke_script(release_lock_script, {.keys = {lock}, .args = {"unique_token"}}).value() == 1);
  CHECK(client.get(lock).value() == std::nullopt);
  CHECK(client.invoke_script(acquire_lock_script, {.keys = {lock}, .args = {"other_token", "30"}}).value() == 1);
}

TEST_CASE("guide pattern: conditional update", "[script][guide][patterns]") {
  auto client = connect_sync(shared_server());
  Script conditional_update_script(R"(
    local current = redis.call('GET', KEYS[1])
    if current == ARGV[1] then
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
    else
        return 0
    end
  )");
  const auto status = unique_key("user:123:status");
  const ScriptOptions pending_to_active{.keys = {status}, .args = {"pending", "active"}};
  CHECK(client.invoke_script(conditional_update_script, pending_to_active).value() == 0);  // missing
  REQUIRE(client.set(status, "pending").value() == "OK");
  CHECK(client.invoke_script(conditional_update_script, pending_to_active).value() == 1);
  CHECK(client.get(status).value() == "active");
  CHECK(client.invoke_script(conditional_update_script, pending_to_active).value() == 0);
}

TEST_CASE("guide: migration from direct EVAL gives the same result", "[script][guide]") {
  auto client = connect_sync(shared_server());
  const auto mykey = unique_key("mykey");
  auto direct = client.custom_command({"EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", mykey, "myvalue"});
  CHECK(direct.value() == "OK");
  Script script("return redis.call('SET', KEYS[1], ARGV[1])");
  CHECK(client.invoke_script(script, {.keys = {mykey}, .args = {"myvalue2"}}).value() == "OK");
  CHECK(client.get(mykey).value() == "myvalue2");
}

TEST_CASE("Lua values become RESP values", "[script]") {
  auto client = connect_sync(shared_server());
  CHECK(client.invoke_script(Script("return nil")).value().is_nil());
  CHECK(text(client.invoke_script(Script("return {1, 'two', 3.99, true, false, 'after'}")).value()) ==
        R"([1, "two", 3, 1, nil, "after"])");
  // A real nil ends a Lua table.
  CHECK(text(client.invoke_script(Script("return {1, nil, 3}")).value()) == "[1]");
  CHECK(client.invoke_script(Script("return redis.status_reply('FINE')")).value() == "FINE");
  auto custom = client.invoke_script(Script("return redis.error_reply('MY_ERR custom failure')"));
  REQUIRE_FALSE(custom);
  CHECK(custom.error().code() == errc::request_error);
  CHECK_THAT(std::string(custom.error().message()), StartsWith("MY_ERR custom failure"));
}

// ---- errors -----------------------------------------------------------------------------------

TEST_CASE("script errors keep the server's message and map to errc", "[script][errors]") {
  auto client = connect_sync(shared_server());

  // The guide's example: INCR of a missing key succeeds (1); of a text value it fails.
  const auto not_a_number = unique_key("not_a_number");
  Script incr("return redis.call('INCR', KEYS[1])");
  CHECK(client.invoke_script(incr, {.keys = {not_a_number}}).value() == 1);
  REQUIRE(client.set(not_a_number, "abc").value() == "OK");
  auto not_integer = client.invoke_script(incr, {.keys = {not_a_number}});
  REQUIRE_FALSE(not_integer);
  CHECK(not_integer.error().code() == errc::request_error);
  CHECK_THAT(std::string(not_integer.error().message()), StartsWith("ERR value is not an integer or out of range"));

  const auto list = unique_key("list");
  REQUIRE(client.rpush(list, {"a"}).value() == 1);
  auto wrong = client.invoke_script(incr, {.keys = {list}});
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code() == errc::wrong_type);
  CHECK_THAT(std::string(wrong.error().message()), StartsWith("WRONGTYPE Operation against a key holding the wrong kind of value"));

  // A compile error surfaces when the client loads the script after NOSCRIPT.
  auto compile = client.invoke_script(Script("return x +"));
  REQUIRE_FALSE(compile);
  CHECK(compile.error().code() == errc::request_error);
  CHECK_THAT(std::string(compile.error().message()), ContainsSubstring("Error compiling script"));

  // Valkey 8 says "ERR Unknown command called from script".
  auto unknown = client.invoke_script(Script("return redis.call('NO_SUCH_COMMAND')"));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code() == errc::request_error);
  CHECK_THAT(std::string(unknown.error().message()), ContainsSubstring("Unknown command"));

  // A Lua runtime error.
  auto runtime = client.invoke_script(Script("return nil + 1"));
  REQUIRE_FALSE(runtime);
  CHECK(runtime.error().code() == errc::request_error);
  CHECK_THAT(std::string(runtime.error().message()), ContainsSubstring("attempt to perform arithmetic"));

  // value() of a failure throws, never UB.
  CHECK_THROWS_AS(client.invoke_script(Script("return x +")).value(), RequestError);

  // The connection is still in step after all of that.
  CHECK(client.invoke_script(Script("return 'still fine'")).value() == "still fine");
}

TEST_CASE("script_kill with nothing running reports NOTBUSY", "[script][kill]") {
  auto client = connect_sync(admin_server());
  auto r = client.script_kill();
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::request_error);
  CHECK_THAT(std::string(r.error().message()), StartsWith("NOTBUSY"));
}

namespace {

asio::awaitable<void> run_long_script(GlideClient client, std::optional<Result<Value>>& out, Clock::duration& took) {
  const auto start = Clock::now();
  ScriptOptions options{.args = {"5000"}};
  out = co_await client.invoke_script(killable_script(), options);
  took = Clock::now() - start;
}

asio::awaitable<void> kill_after(GlideClient client, std::chrono::milliseconds delay, std::optional<Result<void>>& out) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = Clock::now() + 3s;
  do {  // again while NOTBUSY: on a slow machine the script may not have started yet
    timer.expires_after(delay);
    co_await timer.async_wait(asio::use_awaitable);
    out = co_await client.script_kill();
  } while (!*out && out->error().message().starts_with("NOTBUSY") && Clock::now() < deadline);
}

}  // namespace

TEST_CASE("script_kill from a second coroutine on the same async client", "[script][kill]") {
  std::optional<Result<Value>> ran;
  std::optional<Result<void>> killed;
  Clock::duration took{};
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto client = (co_await GlideClient::create(io.get_executor(), config_with_timeout(admin_server(), 10s))).value();
    asio::co_spawn(io, kill_after(client, 300ms, killed), asio::detached);
    co_await run_long_script(client, ran, took);
    client.close();
  });
  REQUIRE(killed.has_value());
  CHECK(killed->has_value());
  REQUIRE(ran.has_value());
  REQUIRE_FALSE(ran->has_value());
  CHECK(ran->error().code() == errc::script_killed);
  CHECK_THAT(std::string(ran->error().message()), ContainsSubstring("Script killed by user"));
  CHECK(took < 3s);
  wait_until_not_busy(admin_server());
}

TEST_CASE("script_kill from a second thread on the same sync client", "[script][kill]") {
  auto client = sync::GlideClient::create(config_with_timeout(admin_server(), 10s)).value();
  std::optional<Result<void>> killed;
  std::thread killer([&] {
    killed = kill_once_running([&] { return client.script_kill(); });
  });
  const auto start = Clock::now();
  auto ran = client.invoke_script(killable_script(), {.args = {"5000"}});
  const auto took = Clock::now() - start;
  killer.join();
  REQUIRE(killed.has_value());
  CHECK(killed->has_value());
  REQUIRE_FALSE(ran);
  CHECK(ran.error().code() == errc::script_killed);
  CHECK(took < 3s);
  wait_until_not_busy(admin_server());
  CHECK(client.invoke_script(Script("return 'after the kill'")).value() == "after the kill");
}

TEST_CASE("script_kill works for a client with a database, a name and RESP2", "[script][kill]") {
  // The side connection repeats the handshake while the server is busy: SELECT and CLIENT
  // SETNAME would be refused with BUSY then.
  auto config = config_with_timeout(admin_server(), 10s);
  config.database_id = 1;
  config.client_name = "script-test";
  config.protocol = ProtocolVersion::RESP2;
  auto client = sync::GlideClient::create(config).value();
  std::optional<Result<void>> killed;
  std::thread killer([&] {
    killed = kill_once_running([&] { return client.script_kill(); });
  });
  auto ran = client.invoke_script(killable_script(), {.args = {"3000"}});
  killer.join();
  REQUIRE(killed.has_value());
  if (!killed->has_value()) FAIL(killed->error());
  REQUIRE_FALSE(ran);
  CHECK(ran.error().code() == errc::script_killed);
  wait_until_not_busy(admin_server());
}

TEST_CASE("script_kill on a server with the default busy-reply-threshold waits for it", "[script][kill][slow]") {
  // For its first 5 s a script keeps the server from reading anything else, the side
  // connection's HELLO included: script_kill succeeds once the server looks, if its timeout lasts.
  auto client = sync::GlideClient::create(config_with_timeout(shared_server(), 10s)).value();
  std::optional<Result<void>> killed;
  std::thread killer([&] {
    killed = kill_once_running([&] { return client.with_timeout(8s).script_kill(); });
  });
  const auto start = Clock::now();
  auto ran = client.invoke_script(killable_script(), {.args = {"8000"}});
  const auto took = Clock::now() - start;
  killer.join();
  REQUIRE(killed.has_value());
  if (!killed->has_value()) FAIL(killed->error());
  REQUIRE_FALSE(ran);
  CHECK(ran.error().code() == errc::script_killed);
  CHECK(took >= 4500ms);
  CHECK(took < 7500ms);
  wait_until_not_busy(shared_server());
}

TEST_CASE("script_kill cannot stop a script that wrote: UNKILLABLE, and the script completes", "[script][kill]") {
  auto client = sync::GlideClient::create(config_with_timeout(admin_server(), 10s)).value();
  const auto temp = unique_key("temp");
  std::optional<Result<void>> killed;
  std::thread killer([&] {
    killed = kill_once_running([&] { return client.script_kill(); });
  });
  const auto start = Clock::now();
  auto ran = client.invoke_script(unkillable_script(), {.keys = {temp}, .args = {"2500"}});
  const auto took = Clock::now() - start;
  killer.join();
  REQUIRE(killed.has_value());
  REQUIRE_FALSE(killed->has_value());
  CHECK(killed->error().code() == errc::request_error);
  CHECK_THAT(std::string(killed->error().message()), ContainsSubstring("UNKILLABLE"));
  CHECK(ran.value() == "Done");
  CHECK(took >= 2400ms);
  CHECK(client.get(temp).value() == "value");
}

TEST_CASE("while a script runs, another client gets errc::busy", "[script][busy]") {
  auto runner = sync::GlideClient::create(config_with_timeout(admin_server(), 10s)).value();
  auto other = connect_sync(admin_server());
  const auto key = unique_key("busy");
  std::optional<Result<Value>> ran;
  std::thread script_thread([&] { ran = runner.invoke_script(killable_script(), {.args = {"1000"}}); });
  // Until the script has started, SET simply succeeds.
  auto busy = other.set(key, "v");
  for (const auto deadline = Clock::now() + 3s; busy && Clock::now() < deadline; busy = other.set(key, "v"))
    std::this_thread::sleep_for(100ms);
  script_thread.join();
  REQUIRE_FALSE(busy);
  CHECK(busy.error().code() == errc::busy);
  CHECK_THAT(std::string(busy.error().message()), StartsWith("BUSY"));
  CHECK(ran->value() == "Done");
  // Both connections are still in step.
  CHECK(other.set(key, "v").value() == "OK");
  CHECK(runner.get(key).value() == "v");
}

TEST_CASE("a script longer than request_timeout times out; the connection stays in step", "[script][timeout]") {
  auto client = sync::GlideClient::create(config_with_timeout(admin_server(), 300ms)).value();
  const auto key = unique_key("after_timeout");
  REQUIRE(client.set(key, "mine").value() == "OK");

  const auto start = Clock::now();
  auto ran = client.invoke_script(killable_script(), {.args = {"1500"}});
  const auto took = Clock::now() - start;
  REQUIRE_FALSE(ran);
  CHECK(ran.error().code() == errc::timeout);
  CHECK(took >= 250ms);
  CHECK(took < 1000ms);

  // Queued behind the script on the same connection: answered once the script ends, with its
  // own reply; the script's late "Done" is read and dropped.
  auto next = client.with_timeout(5s).get(key);
  CHECK(Clock::now() - start >= 1400ms);
  CHECK(next.value() == "mine");
  CHECK(client.invoke_script(Script("return 'next'")).value() == "next");
  CHECK(client.get(key).value() == "mine");
}

TEST_CASE("with_timeout gives a long script the time it needs", "[script][timeout]") {
  auto client = sync::GlideClient::create(config_with_timeout(admin_server(), 200ms)).value();
  CHECK(client.with_timeout(5s).invoke_script(killable_script(), {.args = {"600"}}).value() == "Done");
}

// ---- batches ----------------------------------------------------------------------------------

TEST_CASE("guide: EVAL through custom_command in an atomic batch", "[script][batch][guide]") {
  auto client = connect_sync(shared_server());
  const auto key = unique_key("batch-key");
  Batch batch(true);
  batch.set(key, "batch-value");
  batch.get(key);
  batch.custom_command({"EVAL", "return 'Hello from Lua!'", "0"});
  auto results = client.exec(batch, false).value();
  REQUIRE(results.has_value());
  REQUIRE(results->size() == 3);
  CHECK((*results)[0].value() == "OK");
  CHECK((*results)[1].value() == "batch-value");
  CHECK((*results)[2].value() == "Hello from Lua!");

  const auto script_key = unique_key("script-key");
  Batch with_keys(true);
  with_keys.custom_command({"EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", script_key, "script-value"});
  with_keys.get(script_key);
  auto r = client.exec(with_keys, false).value();
  REQUIRE(r.has_value());
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].value() == "OK");
  CHECK((*r)[1].value() == "script-value");
}

TEST_CASE("Batch(true).invoke_script lowers to EVAL: works right after script_flush", "[script][batch]") {
  std::optional<Result<std::optional<std::vector<Reply>>>> results;
  std::optional<Result<std::vector<bool>>> exists_before;
  std::optional<Result<void>> flushed;
  const auto key = unique_key("tx");
  run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto client = (co_await GlideClient::create(io.get_executor(), config_for(admin_server()))).value();
    Script set("return redis.call('SET', KEYS[1], ARGV[1])");
    Script get("return redis.call('GET', KEYS[1])");
    flushed = co_await client.script_flush();
    std::vector<std::string> hashes{set.get_hash(), get.get_hash()};
    exists_before = co_await client.script_exists(hashes);
    Batch batch(true);
    batch.invoke_script(set, {.keys = {key}, .args = {"in-tx"}});
    batch.get(key);
    batch.invoke_script(get, {.keys = {key}});
    batch.invoke_script(Script("return redis.call('NO_SUCH_COMMAND')"));
    results = co_await client.exec(batch, false);
    client.close();
  });
  CHECK(flushed->has_value());
  CHECK(exists_before->value() == std::vector<bool>{false, false});
  REQUIRE(results->has_value());
  auto& r = results->value();
  REQUIRE(r.has_value());
  REQUIRE(r->size() == 4);
  CHECK((*r)[0].value() == "OK");
  CHECK((*r)[1].value() == "in-tx");
  CHECK((*r)[2].value() == "in-tx");
  REQUIRE_FALSE((*r)[3]);
  CHECK_THAT(std::string((*r)[3].error().message()), ContainsSubstring("Unknown command"));
}

TEST_CASE("Batch(false).invoke_script after script_flush: the pipeline runs in the order it was built", "[script][batch][noscript]") {
  auto client = connect_sync(admin_server());
  const auto key = unique_key("pipe");
  Script set("return redis.call('SET', KEYS[1], ARGV[1])");
  Script echo("return ARGV[1]");
  Script append("return redis.call('APPEND', KEYS[1], ARGV[1])");
  // Loaded before the flush, so the recovery must not rely on what the client saw earlier.
  REQUIRE(client.invoke_script(echo, {.args = {"warm"}}).value() == "warm");
  REQUIRE(client.script_flush());

  Batch batch(false);
  batch.invoke_script(set, {.keys = {key}, .args = {"a"}});
  batch.get(key);
  batch.invoke_script(echo, {.args = {"one"}});
  batch.invoke_script(append, {.keys = {key}, .args = {"b"}});
  batch.get(key);
  batch.invoke_script(echo, {.args = {"two"}});
  batch.custom_command({"PING"});
  batch.invoke_script(append, {.keys = {key}, .args = {"c"}});
  for (bool raise : {false, true}) {
    INFO("raise_on_error " << raise);
    REQUIRE(client.del({key}));
    REQUIRE(client.script_flush());
    auto results = client.exec(batch, raise).value();
    REQUIRE(results.has_value());
    REQUIRE(results->size() == 8);
    const auto& r = *results;
    CHECK(r[0].value() == "OK");
    // Each script was loaded ahead of its first use in the same write, so every GET saw the
    // scripts before it. (NOSCRIPT recovery after the fact once ran them after the GETs.)
    CHECK(r[1].value() == "a");
    CHECK(r[2].value() == "one");
    CHECK(r[3].value() == 2);
    CHECK(r[4].value() == "ab");
    CHECK(r[5].value() == "two");
    CHECK(r[6].value() == "PONG");
    CHECK(r[7].value() == 3);
    CHECK(client.get(key).value() == "abc");
    CHECK(client.script_exists({set.get_hash(), echo.get_hash(), append.get_hash()}).value() ==
          std::vector<bool>{true, true, true});
  }
  // Once loaded, nothing needs recovering and the GETs see the scripts' writes.
  REQUIRE(client.del({key}));
  auto warm = client.exec(batch, false).value();
  REQUIRE(warm.has_value());
  CHECK((*warm)[1].value() == "a");
  CHECK((*warm)[4].value() == "ab");
  CHECK((*warm)[7].value() == 3);
}

TEST_CASE("Batch(false): a script that cannot be loaded reports its compile error in place", "[script][batch][noscript]") {
  auto client = connect_sync(admin_server());
  Batch batch(false);
  batch.invoke_script(Script("return 'fine'"));
  batch.invoke_script(Script("return x +"));
  batch.custom_command({"PING"});
  REQUIRE(client.script_flush());
  auto results = client.exec(batch, false).value();
  REQUIRE(results.has_value());
  REQUIRE(results->size() == 3);
  CHECK((*results)[0].value() == "fine");
  REQUIRE_FALSE((*results)[1]);
  CHECK((*results)[1].error().code() == errc::request_error);
  CHECK_THAT(std::string((*results)[1].error().message()), ContainsSubstring("Error compiling script"));
  CHECK((*results)[2].value() == "PONG");

  auto raised = client.exec(batch, true);
  REQUIRE_FALSE(raised);
  CHECK_THAT(std::string(raised.error().message()), ContainsSubstring("Error compiling script"));
}
