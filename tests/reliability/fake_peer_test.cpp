// Reliability against bad input: a FakeValkeyPeer (not a Valkey server: a scripted TCP peer)
// answers the client's handshake and then replies with whatever bytes a test scripts, or
// misbehaves. The promise under test: every request ends with a result within its timeout, no
// caller gets another caller's reply, a malformed stream costs a reconnect and nothing else.
#include "fake_server.hpp"
#include "reliability_support.hpp"

#include <glide/glide.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace glide_test::reliability;
using glide::errc;
using glide_test::FakeAction;
using glide_test::FakeValkeyPeer;

namespace {

std::string bulk(std::string_view s) { return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n"; }

// `depth` arrays, each holding the next, around one integer.
std::string nested(std::size_t depth) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += "*1\r\n";
  return s + ":1\r\n";
}

std::size_t depth_of(const glide::Value& v) {
  std::size_t d = 0;
  const glide::Value* at = &v;
  while (at->kind() == glide::ValueKind::array && at->items().size() == 1) {
    ++d;
    at = &at->items().front();
  }
  return d;
}

std::string code_of(const glide::Error& e) { return glide::make_error_code(e.code()).message() + ": " + std::string(e.message()); }

glide::GlideClient connect(IoThread& io, const FakeValkeyPeer& peer, glide::GlideClientConfiguration config = {}) {
  if (config.addresses.empty()) config = config_for_port(peer.port());
  auto created = create_client(io, std::move(config));
  if (!created) throw std::runtime_error("cannot connect to the fake: " + code_of(created.error()));
  return created.value();
}

std::vector<std::string> echo(std::string s) { return {"ECHO", std::move(s)}; }

}  // namespace

TEST_CASE("FakeValkeyPeer: the client's RESP3 and RESP2 handshakes, then requests", "[reliability][fake]") {
  FakeValkeyPeer peer;
  IoThread io;

  SECTION("RESP3: HELLO 3 with the client name") {
    auto config = config_for_port(peer.port());
    config.client_name = "rel";
    auto client = connect(io, peer, config);
    CHECK(wait(client.set("k", "v", asio::use_future)).value() == "OK");
    CHECK(wait(client.get("k", asio::use_future)).value() == "v");
    CHECK(wait(client.get("missing", asio::use_future)).value() == std::nullopt);
    const auto got = peer.received();
    REQUIRE(got.size() == 4);
    CHECK(got[0] == std::vector<std::string>{"HELLO", "3", "SETNAME", "rel"});
  }

  SECTION("RESP2: AUTH, CLIENT SETNAME and SELECT") {
    auto config = config_for_port(peer.port());
    config.protocol = glide::ProtocolVersion::RESP2;
    config.credentials = glide::ServerCredentials{"secret", "user"};
    config.client_name = "rel";
    config.database_id = 3;
    auto client = connect(io, peer, config);
    CHECK(wait(client.set("k", "v", asio::use_future)).value() == "OK");
    CHECK(wait(client.get("k", asio::use_future)).value() == "v");
    CHECK(wait(client.get("missing", asio::use_future)).value() == std::nullopt);
    const auto got = peer.received();
    REQUIRE(got.size() == 6);
    CHECK(got[0] == std::vector<std::string>{"AUTH", "user", "secret"});
    CHECK(got[1] == std::vector<std::string>{"CLIENT", "SETNAME", "rel"});
    CHECK(got[2] == std::vector<std::string>{"SELECT", "3"});
  }
  CHECK(peer.connections_accepted() == 1);
}

TEST_CASE("a reply cut short by a closed connection: unknown_outcome at once, then the client reconnects",
          "[reliability][fake]") {
  auto [what, bytes] = GENERATE(table<std::string, std::string>({
      {"half a bulk string", "$10\r\nabc"},
      {"half an array", "*3\r\n:1\r\n:2\r\n"},
      {"a line without its CRLF", "+OK"},
      {"nothing at all", ""},
  }));
  INFO(what);
  FakeValkeyPeer peer;
  IoThread io;
  auto client = connect(io, peer);  // request_timeout 1 s
  peer.script(FakeAction::reply_then_close(bytes));
  const auto started = Clock::now();
  auto r = wait(client.get("k", asio::use_future));
  const auto elapsed = since(started);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::unknown_outcome);
  CHECK(elapsed < 500ms);  // reported when the loss is seen, not at the deadline
  CHECK(wait(client.set("k", "after", asio::use_future)).value() == "OK");
  CHECK(wait(client.get("k", asio::use_future)).value() == "after");
  CHECK(peer.connections_accepted() == 2);
}

TEST_CASE("replies of the wrong shape for typed commands are error Results, and the connection stays in step",
          "[reliability][fake]") {
  FakeValkeyPeer peer;
  IoThread io;
  auto client = connect(io, peer);
  std::vector<std::string> failures;
  auto expect_error = [&](const char* what, auto result) {
    INFO(what);
    REQUIRE_FALSE(result);
    failures.push_back(code_of(result.error()));
    // value() on a failure throws a std::system_error: never undefined behaviour.
    CHECK_THROWS_AS(result.value(), std::system_error);
    // The wire is still in step: the next request gets its own reply on the same connection.
    CHECK(wait(client.custom_command(echo(what), asio::use_future)).value() == what);
  };

  peer.script(FakeAction::reply("*2\r\n:1\r\n:2\r\n"));
  expect_error("INCR answered by an array", wait(client.incr("counter", asio::use_future)));
  peer.script(FakeAction::reply("*1\r\n$1\r\na\r\n"));
  expect_error("GET answered by an array", wait(client.get("k", asio::use_future)));
  peer.script(FakeAction::reply("+OK\r\n"));
  expect_error("TIME answered by a status", wait(client.time(asio::use_future)));
  peer.script(FakeAction::reply(":3\r\n"));
  std::vector<std::string> keys{"a", "b"};
  expect_error("MGET answered by an integer", wait(client.mget(keys, asio::use_future)));
  peer.script(FakeAction::reply("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"));
  expect_error("HGETALL answered by an odd array", wait(client.hgetall("h", asio::use_future)));
  peer.script(FakeAction::reply("$3\r\nabc\r\n"));
  expect_error("EXISTS answered by a bulk string", wait(client.exists(keys, asio::use_future)));
  peer.script(FakeAction::reply("%1\r\n+a\r\n+b\r\n"));
  expect_error("EXPIRE answered by a map", wait(client.expire("k", 10, asio::use_future)));

  // Transactions: MULTI, two QUEUED, then an EXEC reply of the wrong shape.
  glide::Batch tx(true);
  tx.incr("a").incr("b");
  for (const char* exec : {":1\r\n", "*1\r\n:1\r\n", "+OK\r\n"}) {
    peer.script(FakeAction::reply("+OK\r\n"));
    peer.script(FakeAction::reply("+QUEUED\r\n"));
    peer.script(FakeAction::reply("+QUEUED\r\n"));
    peer.script(FakeAction::reply(exec));
    auto r = wait(client.exec(tx, false, asio::use_future));
    INFO("EXEC answered by " << exec);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::protocol_error);
    CHECK(wait(client.custom_command(echo("after exec"), asio::use_future)).value() == "after exec");
  }
  // A pipeline whose entries are of the wrong shape: each stays a Reply, conversions fail.
  glide::Batch pipe(false);
  pipe.incr("a").get("b");
  peer.script(FakeAction::reply("*1\r\n:1\r\n"));
  peer.script(FakeAction::reply("%1\r\n+a\r\n+b\r\n"));
  auto piped = wait(client.exec(pipe, false, asio::use_future));
  REQUIRE(piped);
  REQUIRE(piped.value()->size() == 2);
  CHECK_FALSE(glide::as<std::int64_t>(piped.value()->at(0)));
  CHECK_FALSE(glide::as<std::optional<std::string>>(piped.value()->at(1)));

  CHECK(peer.unused_scripts() == 0);
  CHECK(peer.connections_accepted() == 1);  // nothing here needed a reconnect
  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.size() == 7);
}

TEST_CASE("malformed replies: protocol_error for the request, unknown_outcome for the others written, then the next request works",
          "[reliability][fake]") {
  auto [what, bytes] = GENERATE(table<std::string, std::string>({
      {"a bulk length of 99999999999", "$99999999999\r\n"},
      {"an aggregate length of 99999999999", "*99999999999\r\n"},
      {"a map length of 99999999999", "%99999999999\r\n"},
      {"a negative bulk length", "$-7\r\nabc\r\n"},
      {"nesting one deeper than the limit (128)", nested(129)},
      {"nesting 100 000 deep", nested(100000)},
      {"garbage text", "hello there\r\n"},
      {"binary garbage", std::string("\x00\xff\xfe\x01\r\n", 6)},
      {"an integer that is not one", ":12abc\r\n"},
      {"a bulk string longer than declared", "$3\r\nabcdef\r\n"},
      {"a boolean that is not one", "#x\r\n"},
      {"a double that is not one", ",one\r\n"},
      {"a null with a payload", "_x\r\n"},
  }));
  INFO(what);
  FakeValkeyPeer peer;
  IoThread io;
  auto client = connect(io, peer);  // request_timeout 1 s
  CHECK(wait(client.set("k", "v", asio::use_future)).value() == "OK");

  // Three requests on the wire at once; the first one's reply is malformed.
  peer.script(FakeAction::reply(bytes));
  peer.stall();
  const auto started = Clock::now();
  auto first = client.get("k", asio::use_future);
  auto second = client.custom_command(echo("second"), asio::use_future);
  auto third = client.custom_command(echo("third"), asio::use_future);
  REQUIRE(eventually([&] { return peer.received_count("ECHO") == 2; }));
  peer.resume();
  auto r1 = wait(std::move(first));
  auto r2 = wait(std::move(second));
  auto r3 = wait(std::move(third));
  const auto elapsed = since(started);
  REQUIRE_FALSE(r1);
  CHECK(r1.error().code() == errc::protocol_error);
  REQUIRE_FALSE(r2);
  CHECK(r2.error().code() == errc::unknown_outcome);
  REQUIRE_FALSE(r3);
  CHECK(r3.error().code() == errc::unknown_outcome);
  CHECK(elapsed < 900ms);  // within the 1 s request timeout

  // The connection was reset; the client reconnects by itself and the next request works.
  CHECK(wait(client.get("k", asio::use_future)).value() == "v");
  CHECK(wait(client.custom_command(echo("after"), asio::use_future)).value() == "after");
  CHECK(peer.connections_accepted() == 2);
}

TEST_CASE("nesting up to the limit (128) is a reply like any other", "[reliability][fake]") {
  FakeValkeyPeer peer;
  IoThread io;
  auto client = connect(io, peer);
  peer.script(FakeAction::reply(nested(128)));
  auto deep = wait(client.custom_command(echo("deep"), asio::use_future));
  REQUIRE(deep);
  CHECK(depth_of(deep.value()) == 128);
  CHECK(peer.connections_accepted() == 1);
}

TEST_CASE("an unsolicited reply resets the connection, and the next request still gets its own reply",
          "[reliability][fake]") {
  FakeValkeyPeer peer;
  IoThread io;
  auto client = connect(io, peer);
  CHECK(wait(client.set("k", "mine", asio::use_future)).value() == "OK");

  SECTION("bytes sent while no request is pending") {
    peer.inject("+SURPRISE\r\n");
    // Nobody was waiting, so nobody gets an error; the client drops the link it can no longer
    // trust and opens another.
    REQUIRE(eventually([&] { return peer.connections_accepted() == 2; }));
  }
  SECTION("an extra reply after a request's own") {
    peer.script(FakeAction::reply(bulk("own") + bulk("extra")));
    CHECK(wait(client.custom_command(echo("own"), asio::use_future)).value() == "own");
    REQUIRE(eventually([&] { return peer.connections_accepted() == 2; }));
  }
  CHECK(wait(client.get("k", asio::use_future)).value() == "mine");
  CHECK(wait(client.custom_command(echo("next"), asio::use_future)).value() == "next");
  CHECK(peer.connections_accepted() == 2);
}

TEST_CASE("a stalled server: errc::timeout in time, and after it resumes the next request gets its own reply",
          "[reliability][fake]") {
  FakeValkeyPeer peer;
  IoThread io;
  auto config = config_for_port(peer.port());
  config.request_timeout = 300ms;
  auto client = connect(io, peer, config);
  CHECK(wait(client.set("k1", "first", asio::use_future)).value() == "OK");
  CHECK(wait(client.set("k2", "second", asio::use_future)).value() == "OK");

  peer.stall();
  auto started = Clock::now();
  auto stalled = wait(client.get("k1", asio::use_future));
  auto elapsed = since(started);
  REQUIRE_FALSE(stalled);
  CHECK(stalled.error().code() == errc::timeout);
  CHECK(elapsed >= 250ms);
  CHECK(elapsed < 800ms);

  // A stalled pipeline times out as a whole, in time too.
  glide::Batch batch(false);
  batch.get("k1").get("k1").get("k1");
  started = Clock::now();
  auto stalled_batch = wait(client.exec(batch, false, asio::use_future));
  elapsed = since(started);
  REQUIRE_FALSE(stalled_batch);
  CHECK(stalled_batch.error().code() == errc::timeout);
  CHECK(elapsed < 800ms);

  // These wait behind four late replies for "first"; none of those may reach them.
  auto patient = client.with_timeout(5s);
  auto own = patient.get("k2", asio::use_future);
  glide::Batch own_batch(false);
  own_batch.custom_command(echo("x")).get("k2").custom_command(echo("z"));
  auto own_batched = patient.exec(own_batch, false, asio::use_future);
  std::this_thread::sleep_for(100ms);
  peer.resume();
  CHECK(wait(std::move(own)).value() == "second");
  auto batched = wait(std::move(own_batched));
  REQUIRE(batched);
  REQUIRE(batched.value()->size() == 3);
  CHECK(batched.value()->at(0).value() == "x");
  CHECK(batched.value()->at(1).value() == "second");
  CHECK(batched.value()->at(2).value() == "z");
  CHECK(wait(client.get("k1", asio::use_future)).value() == "first");
  CHECK(peer.connections_accepted() == 1);  // a timeout is not a reason to reconnect
}

TEST_CASE("RESP3 pushes and attributes between replies are skipped, never taken for a reply", "[reliability][fake]") {
  FakeValkeyPeer peer;
  IoThread io;
  auto client = connect(io, peer);
  const std::string push = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";
  const std::string attribute = "|1\r\n+ttl\r\n:3\r\n";

  peer.script(FakeAction::reply(push + bulk("a")));
  peer.script(FakeAction::reply(bulk("b") + push));
  peer.script(FakeAction::reply(push + push + attribute + bulk("c")));
  glide::Batch batch(false);
  batch.custom_command(echo("a")).custom_command(echo("b")).custom_command(echo("c"));
  auto r = wait(client.exec(batch, false, asio::use_future));
  REQUIRE(r);
  REQUIRE(r.value()->size() == 3);
  CHECK(r.value()->at(0).value() == "a");
  CHECK(r.value()->at(1).value() == "b");
  CHECK(r.value()->at(2).value() == "c");

  peer.script(FakeAction::reply(push + ":41\r\n"));
  CHECK(wait(client.incr("n", asio::use_future)).value() == 41);

  // A push with nothing pending is not an unsolicited reply: the connection stays.
  peer.inject(push);
  std::this_thread::sleep_for(50ms);
  CHECK(wait(client.custom_command(echo("d"), asio::use_future)).value() == "d");
  CHECK(peer.connections_accepted() == 1);
}

TEST_CASE("replies dribbled one byte at a time arrive whole", "[reliability][fake]") {
  FakeValkeyPeer peer;
  IoThread io;
  auto client = connect(io, peer);
  const std::string text(60, 'x');
  peer.script(FakeAction::dribbled(bulk(text)));
  auto first = client.custom_command(echo(text), asio::use_future);
  auto second = client.custom_command(echo("second"), asio::use_future);
  CHECK(wait(std::move(first)).value() == text);
  CHECK(wait(std::move(second)).value() == "second");
  peer.script(FakeAction::dribbled("*2\r\n$3\r\nabc\r\n%1\r\n+k\r\n:7\r\n"));
  auto nested_reply = wait(client.custom_command(echo("n"), asio::use_future));
  REQUIRE(nested_reply);
  REQUIRE(nested_reply.value().kind() == glide::ValueKind::array);
  CHECK(nested_reply.value().items().at(0) == "abc");
  CHECK(nested_reply.value().items().at(1).kind() == glide::ValueKind::map);
}

TEST_CASE("a bad handshake fails create() within the connection timeout", "[reliability][fake]") {
  auto [what, action] = GENERATE(table<std::string, FakeAction>({
      {"no answer", FakeAction::no_reply()},
      {"an error reply (a server without RESP3)", FakeAction::reply("-ERR unknown command 'HELLO'\r\n")},
      {"garbage", FakeAction::reply("hello\r\n")},
      {"the connection closes", FakeAction::reply_then_close("")},
      {"half a reply, then nothing", FakeAction::reply("%7\r\n$6\r\nserver\r\n")},
  }));
  INFO(what);
  FakeValkeyPeer peer;
  IoThread io;
  peer.script("HELLO", action);
  auto config = config_for_port(peer.port());  // connection_timeout 500 ms
  const auto started = Clock::now();
  auto created = create_client(io, config);
  const auto elapsed = since(started);
  REQUIRE_FALSE(created);
  const auto code = created.error().code();
  INFO(code_of(created.error()));
  CHECK((code == errc::connection_error || code == errc::protocol_error));
  CHECK(elapsed < 1000ms);
}

TEST_CASE("lazy client, handshake never answered: the request ends with connection_error within its timeout, then works",
          "[reliability][fake]") {
  FakeValkeyPeer peer;
  IoThread io;
  auto config = config_for_port(peer.port());
  config.lazy_connect = true;
  config.request_timeout = 300ms;
  config.connection_timeout = 200ms;
  auto client = connect(io, peer, config);
  peer.stall();
  const auto started = Clock::now();
  auto r = wait(client.get("k", asio::use_future));
  const auto elapsed = since(started);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::connection_error);
  CHECK(elapsed >= 250ms);
  CHECK(elapsed < 800ms);
  CHECK(peer.received_count("GET") == 0);  // it never left
  peer.resume();
  CHECK(wait(client.with_timeout(3s).set("k", "v", asio::use_future)).value() == "OK");
  CHECK(wait(client.get("k", asio::use_future)).value() == "v");
}

TEST_CASE("NOSCRIPT recovery stays within the caller's timeout", "[reliability][fake][script]") {
  FakeValkeyPeer peer;
  IoThread io;
  auto config = config_for_port(peer.port());
  config.request_timeout = 600ms;
  auto client = connect(io, peer, config);
  const glide::Script script("return 1");
  // The first call loads the script ahead of its EVALSHA; from then on the client knows it.
  peer.script("SCRIPT", FakeAction::reply(bulk(script.get_hash())));
  peer.script("EVALSHA", FakeAction::reply(":1\r\n"));
  REQUIRE(wait(client.invoke_script(script, asio::use_future)).value() == 1);
  // Flushed behind the client's back: EVALSHA is answered NOSCRIPT late; then SCRIPT LOAD and the
  // second EVALSHA get no answer.
  auto script_slow_then_silent = [&] {
    peer.script(FakeAction::delayed(400ms, "-NOSCRIPT No matching script. Please use EVAL.\r\n"));
    peer.script(FakeAction::no_reply());
    peer.script(FakeAction::no_reply());
  };

  SECTION("invoke_script") {
    script_slow_then_silent();
    const auto started = Clock::now();
    auto r = wait(client.invoke_script(script, asio::use_future));
    const auto elapsed = since(started);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::timeout);
    CHECK(elapsed < 750ms);  // not 400 ms + another full 600 ms
  }
  SECTION("a script in a pipeline") {
    script_slow_then_silent();
    glide::Batch batch(false);
    batch.invoke_script(script);
    const auto started = Clock::now();
    auto r = wait(client.exec(batch, false, asio::use_future));
    const auto elapsed = since(started);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::timeout);
    CHECK(elapsed < 750ms);
  }
  CHECK(peer.received_count("SCRIPT") == 2);
  CHECK(peer.unused_scripts() == 0);
}

namespace {
const std::string hello_reply =
    "%3\r\n$6\r\nserver\r\n$6\r\nvalkey\r\n$5\r\nproto\r\n:3\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n";
}

TEST_CASE("bytes that follow the handshake's reply are nobody's reply", "[reliability][fake]") {
  FakeValkeyPeer peer;
  IoThread io;
  peer.script("HELLO", FakeAction::reply(hello_reply + "+EXTRA\r\n"));
  auto client = connect(io, peer);
  peer.script(FakeAction::delayed(50ms, bulk("own")));
  auto r = wait(client.get("k", asio::use_future));
  // Either the stray bytes reset the connection before the request went out (and it got its own
  // reply on the next one), or the request failed; never "EXTRA".
  if (r) {
    CHECK(r.value() == "own");
  } else {
    CHECK(r.error().code() != errc::timeout);
  }
  CHECK(wait(client.custom_command(echo("next"), asio::use_future)).value() == "next");
}

TEST_CASE("reconnects refused by the handshake: requests end with connection_error naming why, then work",
          "[reliability][fake]") {
  FakeValkeyPeer peer;
  IoThread io;
  auto config = config_for_port(peer.port());
  config.request_timeout = 300ms;
  auto client = connect(io, peer, config);
  CHECK(wait(client.set("k", "v", asio::use_future)).value() == "OK");
  for (int i = 0; i < 8; ++i) peer.script("HELLO", FakeAction::reply("-WRONGPASS invalid username-password pair\r\n"));
  peer.close_connections();
  // The client has seen the loss once it tries again (a request sent before that would go out on
  // the dying link and end as unknown_outcome).
  REQUIRE(eventually([&] { return peer.received_count("HELLO") >= 2; }));
  const auto started = Clock::now();
  auto r = wait(client.get("k", asio::use_future));
  const auto elapsed = since(started);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::connection_error);
  CHECK(std::string(r.error().message()).find("WRONGPASS") != std::string::npos);
  CHECK(elapsed < 700ms);
  // Once the handshake is accepted again, so are requests.
  CHECK(eventually([&] { return bool(wait(client.get("k", asio::use_future))); }));
  CHECK(peer.unused_scripts() == 0);
}

namespace {

struct EchoCaller {
  int issued = 0, completed = 0, own = 0;
  std::map<errc, int> failures;
  std::vector<std::string> foreign;
  bool final_ok = false;
};

asio::awaitable<void> echo_repeatedly(glide::GlideClient client, int id, const bool& over, EchoCaller& me) {
  for (int round = 0; !over || round < 5; ++round) {
    const std::string payload = "caller" + std::to_string(id) + ":" + std::to_string(round);
    std::vector<std::string> command{"ECHO", payload};
    ++me.issued;
    auto r = co_await client.custom_command(command);
    ++me.completed;
    if (!r) ++me.failures[r.error().code()];
    else if (r.value() == payload) ++me.own;
    else me.foreign.push_back(r.value().str());
  }
  const std::string last = "caller" + std::to_string(id) + ":final";
  std::vector<std::string> command{"ECHO", last};
  auto r = co_await client.with_timeout(5s).custom_command(command);
  me.final_ok = r && r.value() == last;
}

}  // namespace

TEST_CASE("200 coroutines against a peer that sends garbage, pushes, stalls and hangs up: every reply is the caller's own",
          "[reliability][fake][concurrency]") {
  static constexpr int callers = 200;
  FakeValkeyPeer peer;
  std::vector<EchoCaller> records(callers);
  bool over = false;
  bool watchdog_fired = false;
  int finished = 0;
  std::string create_error;
  const std::string push = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";

  glide_test::run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto config = config_for_port(peer.port());
    config.request_timeout = 300ms;
    config.connection_timeout = 300ms;
    auto created = co_await glide::GlideClient::create(io.get_executor(), config);
    if (!created) {
      create_error = std::string(created.error().message());
      co_return;
    }
    auto client = std::move(created).value();
    run_callers(
        io, client, callers,
        [&](int i) { return echo_repeatedly(client, i, over, records[static_cast<std::size_t>(i)]); }, finished,
        watchdog_fired);
    asio::steady_timer pause(io);
    auto sleep = [&](std::chrono::milliseconds d) {
      pause.expires_after(d);
      return pause.async_wait(asio::use_awaitable);
    };
    for (int cycle = 0; cycle < 4; ++cycle) {
      co_await sleep(80ms);
      peer.script(FakeAction::reply("?garbage\r\n"));
      co_await sleep(80ms);
      peer.inject(push);
      peer.script(FakeAction::reply(push + "$99999999999\r\n"));
      co_await sleep(80ms);
      peer.stall();
      co_await sleep(400ms);
      peer.resume();
      co_await sleep(80ms);
      peer.close_connections();
      co_await sleep(80ms);
      peer.script(FakeAction::reply_then_close("$5\r\nab"));
    }
    co_await sleep(80ms);
    over = true;
  });

  REQUIRE(create_error.empty());
  CHECK_FALSE(watchdog_fired);
  CHECK(finished == callers);
  int issued = 0, completed = 0, own = 0, final_ok = 0;
  std::map<errc, int> failures;
  std::vector<std::string> foreign;
  for (const auto& c : records) {
    issued += c.issued;
    completed += c.completed;
    own += c.own;
    final_ok += c.final_ok ? 1 : 0;
    for (auto [code, n] : c.failures) failures[code] += n;
    foreign.insert(foreign.end(), c.foreign.begin(), c.foreign.end());
  }
  int expected_failures = 0, other_failures = 0;
  for (auto [code, n] : failures) {
    const bool expected = code == errc::protocol_error || code == errc::unknown_outcome || code == errc::timeout ||
                          code == errc::connection_error;
    (expected ? expected_failures : other_failures) += n;
    UNSCOPED_INFO(n << " x " << glide::make_error_code(code).message());
  }
  INFO("issued " << issued << ", own " << own << ", connections " << peer.connections_accepted());
  CHECK(completed == issued);
  CHECK(foreign.empty());
  for (std::size_t i = 0; i < std::min<std::size_t>(foreign.size(), 5); ++i) UNSCOPED_INFO("foreign reply: " << foreign[i]);
  CHECK(other_failures == 0);
  CHECK(own + expected_failures == issued);
  CHECK(failures[errc::protocol_error] >= 4);
  CHECK(failures[errc::timeout] > 0);
  CHECK(failures[errc::unknown_outcome] > 0);
  CHECK(final_ok == callers);
  CHECK(peer.unused_scripts() == 0);
}

TEST_CASE("a cluster node that does not know CLUSTER SHARDS (before 7.0): the slot map from CLUSTER SLOTS",
          "[reliability][fake][cluster]") {
  FakeValkeyPeer peer;
  const std::string port = std::to_string(peer.port());
  const std::string refused = "-ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP.\r\n";
  // Every slot on the fake itself, as a Redis 6 node that is the whole cluster would answer.
  const std::string slots = "*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n" + bulk("127.0.0.1") + ":" + port + "\r\n" +
                            bulk("c43637bae81ae221b25d58e84f766a7725ed7585");
  peer.script("CLUSTER", FakeAction::reply(refused));
  for (int i = 0; i < 20; ++i) peer.script("CLUSTER", FakeAction::reply(slots));

  glide::GlideClusterClientConfiguration config;
  config.addresses.push_back({"127.0.0.1", peer.port()});
  config.periodic_checks = 100ms;
  auto client = glide::sync::GlideClusterClient::create(config);
  REQUIRE(client);
  CHECK(client.value().set("k", "v").value() == "OK");
  CHECK(client.value().get("k").value() == "v");

  // Periodic refreshes go straight to CLUSTER SLOTS: SHARDS was asked once.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  std::vector<std::string> asked;
  while (std::chrono::steady_clock::now() < deadline) {
    asked.clear();
    for (const auto& c : peer.received())
      if (c.size() == 2 && c[0] == "CLUSTER") asked.push_back(c[1]);
    if (asked.size() >= 3) break;
    std::this_thread::sleep_for(20ms);
  }
  REQUIRE(asked.size() >= 3);
  CHECK(asked[0] == "SHARDS");
  CHECK(std::count(asked.begin(), asked.end(), "SHARDS") == 1);
}
