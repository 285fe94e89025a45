// Reliability against real faults on real valkey-server processes: kill -9 in the middle of a
// 100 000-command pipeline, of a MULTI/EXEC transaction (with an append-only file, so what the
// server kept can be checked after the restart), of a long script; and a TCP relay the test
// controls (stall, drop, refuse) in front of a server, alone and under 200 concurrent callers.
#include "fake_server.hpp"
#include "reliability_support.hpp"

#include <glide/glide.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <catch2/catch_test_macros.hpp>

#include <array>
#include <atomic>
#include <future>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace glide_test::reliability;
using glide::errc;
using glide_test::ServerOptions;
using glide_test::TcpRelay;
using glide_test::ValkeyServer;
using glide_test::unique_key;

namespace {

bool lost_in_flight(errc c) { return c == errc::unknown_outcome || c == errc::connection_error; }

glide::GlideClientConfiguration fault_config(const ValkeyServer& server) {
  auto c = config_for_port(server.port());
  c.request_timeout = 2000ms;
  return c;
}

// How many of `keys` exist, counted by the server itself.
std::size_t existing(ValkeyServer& server, const std::vector<std::string>& keys) {
  std::vector<std::string> args{"EXISTS"};
  args.insert(args.end(), keys.begin(), keys.end());
  return static_cast<std::size_t>(std::stoull(server.cli(args)));
}

// The client reconnects by itself; this waits until a request gets through again.
bool recovered(glide::GlideClient& client, std::chrono::milliseconds limit = 5s) {
  return eventually([&] { return bool(wait(client.with_timeout(500ms).ping(asio::use_future))); }, limit);
}

}  // namespace

TEST_CASE("kill -9 during a 100 000-command pipeline: it ends in time as unknown_outcome, then the next exec succeeds",
          "[reliability][kill]") {
  ValkeyServer server;
  IoThread io;
  auto created = create_client(io, fault_config(server));
  REQUIRE(created);
  auto client = created.value();
  const std::string p = unique_key("pipe");

  // 100 000 commands with a half-second nap in the middle, so the kill lands while the
  // pipeline is certainly in flight, half applied.
  glide::Batch pipeline(false);
  for (int i = 0; i < 50'000; ++i) pipeline.set(p + ":" + std::to_string(i), "v");
  pipeline.custom_command({"DEBUG", "SLEEP", "0.5"});
  for (int i = 50'000; i < 99'999; ++i) pipeline.set(p + ":" + std::to_string(i), "v");
  REQUIRE(pipeline.size() == 100'000);

  const auto started = Clock::now();
  auto in_flight = client.exec(pipeline, false, glide::BatchOptions{5000ms}, asio::use_future);
  std::this_thread::sleep_for(250ms);
  const auto killed_at = Clock::now();
  server.kill9();
  auto r = wait(std::move(in_flight));
  const auto lost_after = since(killed_at);
  REQUIRE_FALSE(r);
  INFO(r.error().message());
  CHECK(lost_in_flight(r.error().code()));
  CHECK(lost_after < 1000ms);      // seen when the link broke
  CHECK(since(started) < 5000ms);  // and well within the batch's timeout

  server.start();
  glide::Batch next(false);
  for (int i = 0; i < 1000; ++i) next.set(p + ":after:" + std::to_string(i), std::to_string(i));
  next.get(p + ":after:999");
  auto again = wait(client.exec(next, true, glide::BatchOptions{5000ms}, asio::use_future));
  REQUIRE(again);
  REQUIRE(again.value()->size() == 1001);
  CHECK(again.value()->at(0).value() == "OK");
  CHECK(again.value()->back().value() == "999");
}

TEST_CASE("kill -9 during MULTI/EXEC: unknown_outcome, never success values, and the server kept all or nothing",
          "[reliability][kill]") {
  ServerOptions options;
  // An fsync'ed append-only file: what the server acknowledged (and whatever it logged before
  // dying) survives the kill, so the transaction's effect can be checked after the restart.
  options.extra_args = {"--appendonly", "yes", "--appendfsync", "always"};
  ValkeyServer server(options);
  IoThread io;
  auto created = create_client(io, fault_config(server));
  REQUIRE(created);
  auto client = created.value();

  // Round 0 is made slow with DEBUG SLEEP inside the transaction: the kill lands in the middle of
  // EXEC. Later rounds are large transactions killed after a random short delay: they may have
  // completed, or not, or not even arrived; in every case the outcome must be all or nothing.
  std::mt19937 rng(12345);
  struct Round {
    bool succeeded = false;
    std::string error;
    errc code{};
    std::size_t kept = 0;
    std::size_t size = 0;
  };
  std::vector<Round> rounds;
  for (int round = 0; round < 4; ++round) {
    const std::string p = unique_key("tx");
    std::vector<std::string> keys;
    glide::Batch tx(true);
    const int n = round == 0 ? 200 : 20'000;
    for (int i = 0; i < n; ++i) {
      keys.push_back(p + ":" + std::to_string(i));
      tx.set(keys.back(), std::string(64, 'v'));
      if (round == 0 && i == n / 2) tx.custom_command({"DEBUG", "SLEEP", "0.5"});
    }
    auto in_flight = client.exec(tx, false, glide::BatchOptions{5000ms}, asio::use_future);
    std::this_thread::sleep_for(round == 0 ? 250ms : std::chrono::milliseconds(rng() % 40));
    server.kill9();
    // Started again at once: a transaction the kill caught before any of it was written simply
    // goes out on the next connection (and succeeds, all of it).
    server.start();
    auto r = wait(std::move(in_flight));
    Round result;
    result.size = keys.size();
    result.succeeded = bool(r);
    if (!r) {
      result.error = std::string(r.error().message());
      result.code = r.error().code();
    } else if (r.value()) {
      // A success must be a real one: every entry answered OK.
      for (const auto& entry : *r.value())
        if (!entry || !(entry.value() == "OK")) result.error = "a success with a failed entry";
    }
    // EXISTS in slices: the command line stays short.
    for (std::size_t at = 0; at < keys.size(); at += 2000) {
      const std::vector<std::string> slice(keys.begin() + static_cast<std::ptrdiff_t>(at),
                                           keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), at + 2000)));
      result.kept += existing(server, slice);
    }
    rounds.push_back(result);
    REQUIRE(recovered(client));
  }

  for (std::size_t i = 0; i < rounds.size(); ++i) {
    const auto& r = rounds[i];
    INFO("round " << i << ": " << (r.succeeded ? "success" : "failure: " + r.error) << ", " << r.kept << " of " << r.size
                  << " keys kept");
    if (r.succeeded) {
      CHECK(r.error.empty());
      CHECK(r.kept == r.size);  // acknowledged with appendfsync always: durable
    } else {
      CHECK(lost_in_flight(r.code));
      CHECK((r.kept == 0 || r.kept == r.size));  // never partially applied
    }
  }
  // The slow round was certainly cut off in the middle of EXEC.
  CHECK_FALSE(rounds[0].succeeded);
  CHECK(rounds[0].code == errc::unknown_outcome);
  CHECK(rounds[0].kept == 0);
}

TEST_CASE("kill -9 during a long script: unknown_outcome, then scripts work on the restarted server", "[reliability][kill]") {
  ValkeyServer server;
  IoThread io;
  auto created = create_client(io, fault_config(server));
  REQUIRE(created);
  auto client = created.value();
  const glide::Script spin("local n = 0 for i = 1, tonumber(ARGV[1]) do n = n + 1 end return n");

  glide::ScriptOptions long_run;
  long_run.args = {"2000000000"};  // many seconds of Lua
  auto running = client.with_timeout(10s).invoke_script(spin, long_run, asio::use_future);
  std::this_thread::sleep_for(300ms);
  const auto killed_at = Clock::now();
  server.kill9();
  auto r = wait(std::move(running));
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::unknown_outcome);
  CHECK(since(killed_at) < 1000ms);

  server.start();
  glide::ScriptOptions short_run;
  short_run.args = {"1000"};
  // The restarted server forgot the script: NOSCRIPT is recovered transparently.
  auto again = wait(client.with_timeout(5s).invoke_script(spin, short_run, asio::use_future));
  REQUIRE(again);
  CHECK(again.value() == 1000);
}

TEST_CASE("a relay that stalls, then drops, then refuses: every request ends in time, then requests succeed again",
          "[reliability][relay]") {
  TcpRelay relay(glide_test::shared_server().port());
  IoThread io;
  auto config = config_for_port(relay.port());
  config.request_timeout = 400ms;
  config.connection_timeout = 400ms;
  auto created = create_client(io, config);
  REQUIRE(created);
  auto client = created.value();
  const std::string key = unique_key("relay");
  REQUIRE(wait(client.set(key, "value", asio::use_future)).value() == "OK");

  // Stalled: requests with the default timeout time out; patient ones keep waiting.
  relay.stall();
  const auto stalled_at = Clock::now();
  std::vector<std::future<glide::Result<std::optional<std::string>>>> quick, patient;
  for (int i = 0; i < 20; ++i) quick.push_back(client.get(key, asio::use_future));
  for (int i = 0; i < 5; ++i) patient.push_back(client.with_timeout(10s).get(key, asio::use_future));
  int timeouts = 0;
  for (auto& f : quick) {
    auto r = wait(std::move(f));
    if (!r && r.error().code() == errc::timeout) ++timeouts;
  }
  const auto quick_done = since(stalled_at);
  CHECK(timeouts == 20);
  CHECK(quick_done >= 350ms);
  CHECK(quick_done < 1000ms);

  // Dropped: the patient ones were written, so their outcome is unknown; they learn it at once.
  std::this_thread::sleep_for(200ms);
  relay.refuse(true);
  const auto dropped_at = Clock::now();
  relay.drop();
  int unknown = 0;
  for (auto& f : patient) {
    auto r = wait(std::move(f));
    if (!r && r.error().code() == errc::unknown_outcome) ++unknown;
  }
  CHECK(unknown == 5);
  CHECK(since(dropped_at) < 500ms);

  // Refusing (the relay accepts and hangs up): a request that cannot be written ends with
  // connection_error at its deadline and never runs.
  relay.resume();
  const std::string never = unique_key("never");
  auto started = Clock::now();
  auto refused = wait(client.set(never, "x", asio::use_future));
  auto elapsed = since(started);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == errc::connection_error);
  CHECK(elapsed >= 350ms);
  CHECK(elapsed < 1000ms);

  // A patient request waits for the link to come back, then goes out.
  auto waiting = client.with_timeout(5s).get(key, asio::use_future);
  std::this_thread::sleep_for(300ms);
  relay.refuse(false);
  CHECK(wait(std::move(waiting)).value() == "value");
  CHECK(wait(client.get(key, asio::use_future)).value() == "value");
  CHECK(glide_test::shared_server().cli({"EXISTS", never}) == "0");
}

namespace {

// One caller's record in the concurrent test.
struct Caller {
  int issued = 0, completed = 0, own = 0;
  std::map<errc, int> failures;
  std::vector<std::string> foreign;  // replies that were not this caller's
  bool final_ok = false;
};

asio::awaitable<void> call_repeatedly(glide::GlideClient client, int id, const std::atomic<bool>& chaos_over, Caller& me) {
  const std::string key = unique_key("caller" + std::to_string(id));
  const std::string mine = "c" + std::to_string(id) + ":";
  for (int round = 0; !chaos_over || round < 10; ++round) {
    const std::string payload = mine + std::to_string(round) + ":" + std::string(static_cast<std::size_t>(id % 50), 'p');
    std::vector<std::string> echo{"ECHO", payload};
    ++me.issued;
    auto echoed = co_await client.custom_command(echo);
    ++me.completed;
    if (!echoed) ++me.failures[echoed.error().code()];
    else if (echoed.value() == payload) ++me.own;
    else me.foreign.push_back(echoed.value().str());

    const std::string value = mine + std::to_string(round);
    ++me.issued;
    auto set = co_await client.set(key, value);
    ++me.completed;
    if (!set) ++me.failures[set.error().code()];
    else ++me.own;

    ++me.issued;
    auto got = co_await client.get(key);
    ++me.completed;
    if (!got) ++me.failures[got.error().code()];
    else if (!got.value() || got.value()->rfind(mine, 0) == 0) ++me.own;  // one of this caller's values
    else me.foreign.push_back(*got.value());
  }
  // The storm is over: the client works, with the caller's own data.
  const std::string last = mine + "final";
  auto patient = client.with_timeout(5s);
  auto set = co_await patient.set(key, last);
  auto got = co_await patient.get(key);
  me.final_ok = set && got && got.value() == last;
}

}  // namespace

TEST_CASE("200 coroutines through a relay that stalls, drops and resumes: every reply is the caller's own, none is lost",
          "[reliability][relay][concurrency]") {
  static constexpr int callers = 200;
  TcpRelay relay(glide_test::shared_server().port());
  std::vector<Caller> records(callers);
  std::atomic<bool> chaos_over{false};
  std::string create_error;
  bool watchdog_fired = false;
  int finished = 0;
  std::vector<std::string> phases;

  glide_test::run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto config = config_for_port(relay.port());
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
        [&](int i) { return call_repeatedly(client, i, chaos_over, records[static_cast<std::size_t>(i)]); }, finished,
        watchdog_fired);
    // The storm: each fault lasts longer than the request timeout, so requests time out, are
    // cut off in flight, and wait for reconnects, several times over.
    asio::steady_timer pause(io);
    auto sleep = [&](std::chrono::milliseconds d) {
      pause.expires_after(d);
      return pause.async_wait(asio::use_awaitable);
    };
    co_await sleep(150ms);
    for (int cycle = 0; cycle < 3; ++cycle) {
      relay.stall();
      phases.push_back("stall");
      co_await sleep(450ms);
      relay.resume();
      co_await sleep(150ms);
      relay.drop();
      phases.push_back("drop");
      co_await sleep(150ms);
      relay.stall();
      co_await sleep(200ms);
      relay.drop();
      phases.push_back("stall+drop");
      relay.refuse(true);
      co_await sleep(300ms);
      relay.refuse(false);
      relay.resume();
      phases.push_back("refuse");
      co_await sleep(200ms);
    }
    chaos_over = true;
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
  INFO("issued " << issued << ", own replies " << own << ", timeouts " << failures[errc::timeout] << ", unknown_outcome "
                 << failures[errc::unknown_outcome] << ", connection_error " << failures[errc::connection_error]
                 << ", relay connections " << relay.connections_accepted());
  CHECK(issued >= callers * 30);
  CHECK(completed == issued);  // every request ended
  CHECK(foreign.empty());      // and no caller ever got another caller's reply
  for (std::size_t i = 0; i < std::min<std::size_t>(foreign.size(), 5); ++i) UNSCOPED_INFO("foreign reply: " << foreign[i]);
  int other_failures = 0;
  for (auto [code, n] : failures)
    if (code != errc::timeout && code != errc::unknown_outcome && code != errc::connection_error) other_failures += n;
  CHECK(other_failures == 0);
  CHECK(own + failures[errc::timeout] + failures[errc::unknown_outcome] + failures[errc::connection_error] == issued);
  // The faults really happened, and hit requests.
  CHECK(failures[errc::timeout] > 0);
  CHECK(failures[errc::unknown_outcome] > 0);
  CHECK(relay.connections_accepted() > 3);
  CHECK(final_ok == callers);
}

namespace {

struct SteadyTraffic {
  std::atomic<bool> stop{false};
  std::optional<Clock::time_point> died_at, back_at;
  int failures_after_death = 0;
  int in_flight = 0, in_flight_max = 0;
};

// A caller that never pauses: with twenty of them there is always a request waiting.
asio::awaitable<void> steady_caller(glide::GlideClient client, std::string key, SteadyTraffic& t) {
  while (!t.stop) {
    t.in_flight_max = std::max(++t.in_flight, t.in_flight_max);
    // Only requests sent after the link died tell whether the client got over it (a reply
    // already on its way through the relay may still arrive).
    const bool after_death = t.died_at.has_value();
    auto r = co_await client.get(key);
    --t.in_flight;
    if (after_death && !t.back_at) {
      if (r && r.value() == "here") t.back_at = Clock::now();
      else ++t.failures_after_death;
    }
  }
}

}  // namespace

TEST_CASE("a link that dies silently under steady traffic is replaced: requests succeed again within seconds",
          "[reliability][relay][heartbeat]") {
  TcpRelay relay(glide_test::shared_server().port());
  const std::string key = unique_key("steady");
  REQUIRE(glide_test::shared_server().cli({"SET", key, "here"}) == "OK");
  std::string create_error;
  SteadyTraffic traffic;
  int finished = 0;

  glide_test::run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto config = config_for_port(relay.port());
    config.request_timeout = 200ms;
    config.connection_timeout = 500ms;
    auto created = co_await glide::GlideClient::create(io.get_executor(), config);
    if (!created) {
      create_error = std::string(created.error().message());
      co_return;
    }
    auto client = std::move(created).value();
    for (int i = 0; i < 20; ++i) {
      asio::co_spawn(io, steady_caller(client, key, traffic), [&finished, client](std::exception_ptr) mutable {
        if (++finished == 20) client.close();
      });
    }
    asio::steady_timer pause(io);
    pause.expires_after(200ms);
    co_await pause.async_wait(asio::use_awaitable);
    relay.blackhole();
    traffic.died_at = Clock::now();
    for (int i = 0; i < 100 && !traffic.back_at; ++i) {  // up to 10 s
      pause.expires_after(100ms);
      co_await pause.async_wait(asio::use_awaitable);
    }
    traffic.stop = true;
  });
  REQUIRE(create_error.empty());
  REQUIRE(traffic.died_at.has_value());
  CHECK(finished == 20);
  INFO(traffic.failures_after_death << " requests failed on the dead link; up to " << traffic.in_flight_max << " in flight");
  REQUIRE(traffic.back_at.has_value());
  // heartbeat (1 s) + connection_timeout (0.5 s) + a reconnect, with room to spare
  CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(*traffic.back_at - *traffic.died_at) < 4000ms);
  CHECK(relay.connections_accepted() >= 2);
}

TEST_CASE("server unreachable: 10 000 queued requests all end with connection_error by their deadline",
          "[reliability][relay][backlog]") {
  TcpRelay relay(glide_test::shared_server().port());
  IoThread io;
  auto config = config_for_port(relay.port());
  config.inflight_requests_limit = 20'000;
  // Far from the 300 ms the requests below ask for, so that a request that missed its own
  // deadline shows, however slow the machine (10 000 completions under the sanitizers beside
  // other tests end up to 0.6 s late).
  config.request_timeout = 5000ms;
  auto created = create_client(io, config);
  REQUIRE(created);
  auto client = created.value();
  REQUIRE(wait(client.ping(asio::use_future)));
  relay.refuse(true);
  relay.drop();
  REQUIRE(eventually([&] { return relay.connections_accepted() >= 3; }));  // it keeps trying

  // Each request's end is timed against its own start: queueing 10 000 of them takes a while
  // under the sanitizers on a busy machine, and their deadlines are as far apart.
  static constexpr int n = 10'000;
  struct Outcome {
    Clock::time_point queued, ended;
    std::optional<errc> error;
  };
  std::vector<Outcome> outcomes(n);
  std::atomic<int> left{n};
  std::promise<void> all_ended;
  auto quick = client.with_timeout(300ms);
  for (int i = 0; i < n; ++i) {
    outcomes[i].queued = Clock::now();
    quick.get("k" + std::to_string(i), [&, i](glide::Result<std::optional<std::string>> r) {
      outcomes[i].ended = Clock::now();
      if (!r) outcomes[i].error = r.error().code();
      if (--left == 0) all_ended.set_value();
    });
  }
  REQUIRE(all_ended.get_future().wait_for(30s) == std::future_status::ready);
  int connection_errors = 0;
  auto latest = 0ms;
  for (const auto& o : outcomes) {
    connection_errors += o.error == errc::connection_error;
    latest = std::max(latest, std::chrono::duration_cast<std::chrono::milliseconds>(o.ended - o.queued));
  }
  CHECK(connection_errors == n);
  // Each within its own 300 ms, with room for a loaded machine; the client's request_timeout
  // (5 s) is what a request that missed its own deadline would have waited.
  INFO("the latest request ended " << latest.count() << " ms after it was queued");
  CHECK(latest >= 300ms);
  CHECK(latest < 2000ms);

  relay.refuse(false);
  CHECK(eventually([&] { return bool(wait(client.ping(asio::use_future))); }));
}
