// The connection's decisions, driven event by event: no socket, no clock. Each test plays the
// part of the Asio layer (node_connection.cpp): it starts attempts, hands out written bytes,
// feeds replies and moves time forward, and checks what the machine asks for and what callers get.
#include <glide/detail/connection_machine.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

using glide::errc;
using glide::Result;
using glide::Value;
using glide::detail::ConnectionMachine;
using glide::detail::MachineOptions;
using glide::detail::ProbeOutcome;
using glide::detail::Replies;
using glide::detail::Request;
using Catch::Matchers::ContainsSubstring;
using namespace std::chrono_literals;
using State = ConnectionMachine::State;

namespace {

const std::string hello = "*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n";
const std::string get_k = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
const std::string ping = "*1\r\n$4\r\nPING\r\n";

MachineOptions options(bool can_probe = true) {
  MachineOptions o;
  o.where = "10.0.0.1:6379";
  o.connection_timeout = 2000ms;
  o.heartbeat_interval = 1000ms;
  o.backoff = {8, 10, 2, std::nullopt};  // no jitter: delays 10, 20, 40 ms ...
  o.can_probe = can_probe;
  o.handshake = {hello, 1, true};
  o.inflight_limit = 100;
  return o;
}

// The Asio layer's part, played by hand.
struct Link {
  explicit Link(MachineOptions o = options()) : m(std::move(o), 1) {}

  ConnectionMachine m;
  ConnectionMachine::Clock::time_point now = ConnectionMachine::Clock::time_point{} + 1000h;
  std::vector<std::optional<Result<Replies>>> results;

  // `by_push`: a (UN)SUBSCRIBE, answered by confirmation pushes.
  std::size_t send(const std::string& wire, std::size_t expected = 1, std::chrono::milliseconds timeout = 0ms, bool by_push = false) {
    const std::size_t i = results.size();
    results.emplace_back();
    Request r{wire, expected, timeout};
    r.confirmed_by_push = by_push;
    m.request(std::move(r), [this, i](Result<Replies> r) { results[i] = std::move(r); }, now);
    run_completions();
    return i;
  }
  void run_completions() {
    auto done = std::move(m.completions());
    m.completions().clear();
    for (auto& c : done) std::move(c.handler)(std::move(c.result));
  }
  // What the machine writes now, reported written at once.
  std::string write() {
    auto w = m.take_write(now);
    if (!w) return {};
    std::string bytes(*w);
    m.written("", now);
    return bytes;
  }
  void feed(std::string_view bytes) {
    auto space = m.read_buffer();
    REQUIRE(space.size() >= bytes.size());
    std::memcpy(space.data(), bytes.data(), bytes.size());
    m.received(bytes.size(), now);
    run_completions();
  }
  void advance(std::chrono::milliseconds d) {
    const auto until = now + d;
    // Fire every wakeup on the way, as the timer would.
    while (m.wakeup() <= until) {
      now = std::max(now, m.wakeup());
      m.timer(now);
      run_completions();
    }
    now = until;
  }
  // TCP up and the handshake answered.
  void establish() {
    m.start(now);
    REQUIRE(m.take_connect());
    m.transport_up(now);
    REQUIRE(write() == hello);
    feed("+OK\r\n");
    REQUIRE(m.state() == State::connected);
    REQUIRE(m.take_attempt_outcome().has_value());
  }
  bool ok(std::size_t i) const { return results[i] && *results[i]; }
  errc code(std::size_t i) const { return results[i]->error().code(); }
};

}  // namespace

TEST_CASE("machine: a request before the link exists starts it, waits for the handshake, then goes out", "[unit][machine]") {
  Link l;
  const auto r = l.send(get_k);
  CHECK(l.m.state() == State::connecting);
  CHECK(l.m.take_connect());
  CHECK(l.write().empty());  // nothing leaves before the link is up
  l.m.transport_up(l.now);
  CHECK(l.write() == hello);  // the handshake first, alone
  CHECK(l.write().empty());
  l.feed("+OK\r\n");
  CHECK(l.m.state() == State::connected);
  CHECK(l.m.links() == 1);
  CHECK(l.write() == get_k);
  l.feed("$1\r\nv\r\n");
  REQUIRE(l.ok(r));
  CHECK(l.results[r]->value().front() == "v");
}

TEST_CASE("machine: requests queued together leave in one write and are answered in order", "[unit][machine]") {
  Link l;
  l.establish();
  const auto a = l.send(get_k);
  const auto b = l.send(ping);
  const auto c = l.send(get_k + get_k, 2);
  CHECK(l.write() == get_k + ping + get_k + get_k);
  l.feed("$1\r\n1\r\n+PONG\r\n$1\r\n2");  // the third reply arrives in pieces
  CHECK(l.ok(a));
  CHECK(l.ok(b));
  CHECK_FALSE(l.results[c].has_value());
  l.feed("\r\n$1\r\n3\r\n");
  REQUIRE(l.ok(c));
  CHECK(l.results[c]->value().size() == 2);
  CHECK(l.results[c]->value()[1] == "3");
}

TEST_CASE("machine: a written request that times out keeps its slot; its late reply is dropped", "[unit][machine]") {
  Link l;
  l.establish();
  const auto slow = l.send(get_k, 1, 300ms);
  CHECK(l.write() == get_k);
  l.advance(300ms);
  REQUIRE(l.results[slow].has_value());
  CHECK(l.code(slow) == errc::timeout);
  const auto next = l.send(ping);
  CHECK(l.write() == ping);
  l.feed("$4\r\nlate\r\n+PONG\r\n");  // the late reply is read and dropped, not handed to `next`
  REQUIRE(l.ok(next));
  CHECK(l.results[next]->value().front() == "PONG");
}

TEST_CASE("machine: requests with different timeouts each end at their own deadline, in deadline order", "[unit][machine]") {
  Link l;
  l.establish();
  // Most share one timeout (queued in arrival order); a longer one in between, and a shorter
  // one after it, are kept apart and must still come due at their own time.
  const auto a = l.send(get_k, 1, 300ms);
  const auto blocking = l.send(get_k, 1, 5000ms);
  l.advance(100ms);
  const auto b = l.send(get_k, 1, 300ms);
  const auto quick = l.send(get_k, 1, 50ms);
  const auto none = l.send(get_k, 1, 0ms);  // no limit
  CHECK_FALSE(l.write().empty());
  l.advance(50ms);  // t = 150
  CHECK(l.results[quick].has_value());
  CHECK_FALSE(l.results[a].has_value());
  l.advance(150ms);  // t = 300
  CHECK(l.results[a].has_value());
  CHECK_FALSE(l.results[b].has_value());
  l.advance(100ms);  // t = 400
  CHECK(l.results[b].has_value());
  CHECK_FALSE(l.results[blocking].has_value());
  l.advance(4600ms);  // t = 5000
  REQUIRE(l.results[blocking].has_value());
  CHECK(l.code(blocking) == errc::timeout);
  CHECK(l.code(a) == errc::timeout);
  CHECK_FALSE(l.results[none].has_value());
  CHECK(l.m.wakeup() > l.now + 500ms);  // nothing left to time out: only the health check
}

TEST_CASE("machine: a write is lone when no earlier request awaits its reply", "[unit][machine]") {
  Link l;
  l.establish();
  l.send(get_k);
  REQUIRE(l.m.take_write(l.now));
  CHECK(l.m.lone_write());  // one caller, one request: worth writing at once
  l.send(ping);             // comes while the first is being written
  l.m.written("", l.now);
  REQUIRE(l.m.take_write(l.now));
  CHECK_FALSE(l.m.lone_write());  // the GET's reply is still owed
  l.m.written("", l.now);
  l.feed("$1\r\nv\r\n+PONG\r\n");
  l.send(get_k);
  REQUIRE(l.m.take_write(l.now));
  CHECK(l.m.lone_write());
}

// What a sync client's connection asks before it stops reading (quiet) and before its caller
// waits for the socket itself (only_replies_due): Connection::read_on and wait_here.
TEST_CASE("machine: quiet with nothing owed; only replies due once all is written", "[unit][machine]") {
  Link l;
  CHECK_FALSE(l.m.quiet());  // no link yet
  l.m.start(l.now);
  REQUIRE(l.m.take_connect());
  l.m.transport_up(l.now);
  CHECK_FALSE(l.m.quiet());  // the handshake is owed
  REQUIRE(l.write() == hello);
  l.feed("+OK\r\n");
  CHECK(l.m.quiet());
  CHECK_FALSE(l.m.only_replies_due());

  const auto a = l.send(get_k);
  CHECK_FALSE(l.m.quiet());
  CHECK_FALSE(l.m.only_replies_due());  // not written yet
  REQUIRE(l.m.take_write(l.now));
  CHECK_FALSE(l.m.only_replies_due());  // being written
  l.m.written("", l.now);
  CHECK(l.m.only_replies_due());
  l.send(ping);
  CHECK_FALSE(l.m.only_replies_due());  // a second request waits for its write
  CHECK(l.write() == ping);
  CHECK(l.m.only_replies_due());
  l.feed("$1\r\nv\r\n");
  CHECK(l.ok(a));
  CHECK(l.m.only_replies_due());  // the PONG is still owed
  l.feed("+PONG\r\n");
  CHECK(l.m.quiet());

  // A request that timed out still owes its reply on the wire: not quiet until it came.
  const auto slow = l.send(get_k, 1, 300ms);
  CHECK(l.write() == get_k);
  l.advance(300ms);
  REQUIRE(l.results[slow].has_value());
  CHECK_FALSE(l.m.quiet());
  CHECK(l.m.only_replies_due());
  l.feed("$4\r\nlate\r\n");
  CHECK(l.m.quiet());

  l.m.close(glide::Error(errc::closing, "client closed"));
  CHECK_FALSE(l.m.quiet());
  CHECK_FALSE(l.m.only_replies_due());
}

TEST_CASE("machine: an unsent request that times out is taken off the wire", "[unit][machine]") {
  Link l;
  l.establish();
  const auto first = l.send(get_k);
  CHECK(l.write() == get_k);  // a write in progress: the next ones wait
  l.m.take_write(l.now);
  const auto dropped = l.send(ping, 1, 100ms);
  const auto kept = l.send(get_k);
  l.advance(100ms);
  CHECK(l.code(dropped) == errc::timeout);
  CHECK_THAT(std::string(l.results[dropped]->error().message()), ContainsSubstring("before it was sent"));
  l.feed("$1\r\na\r\n");
  CHECK(l.ok(first));
  CHECK(l.write() == get_k);  // only the one still wanted
  l.feed("$1\r\nb\r\n");
  CHECK(l.ok(kept));
}

TEST_CASE("machine: a lost link fails written requests as unknown_outcome and keeps the unwritten ones", "[unit][machine]") {
  Link l;
  l.establish();
  const auto written = l.send(get_k);
  CHECK(l.write() == get_k);
  const auto waiting = l.send(ping);  // not written yet: the write above is still under way
  l.m.read_failed("connection reset", l.now);
  l.run_completions();
  CHECK(l.m.take_drop());
  CHECK(l.code(written) == errc::unknown_outcome);
  CHECK_FALSE(l.results[waiting].has_value());
  CHECK(l.m.state() == State::waiting_to_retry);
  l.advance(10ms);  // the first backoff delay
  CHECK(l.m.take_connect());
  l.m.transport_up(l.now);
  CHECK(l.write() == hello);
  l.feed("+OK\r\n");
  CHECK(l.m.links() == 2);
  CHECK(l.write() == ping);
  l.feed("+PONG\r\n");
  CHECK(l.ok(waiting));
}

TEST_CASE("machine: reconnect attempts back off, and a request ends with connection_error naming why", "[unit][machine]") {
  Link l;
  const auto r = l.send(get_k, 1, 500ms);
  REQUIRE(l.m.take_connect());
  l.m.transport_failed("connecting to 10.0.0.1:6379 failed: Connection refused", false, l.now);
  CHECK(l.m.take_attempt_outcome().has_value());
  CHECK(l.m.wakeup() == l.now + 10ms);
  l.advance(10ms);
  REQUIRE(l.m.take_connect());
  l.m.transport_failed("refused again", false, l.now);
  CHECK(l.m.wakeup() == l.now + 20ms);  // doubled
  l.advance(500ms);
  REQUIRE(l.results[r].has_value());
  CHECK(l.code(r) == errc::connection_error);
  CHECK_THAT(std::string(l.results[r]->error().message()), ContainsSubstring("not connected"));
}

TEST_CASE("machine: a cluster's connection fails its queued requests with the attempt that failed, and says since when the server is down", "[unit][machine]") {
  auto o = options();
  o.fail_queued_when_unreachable = true;
  Link l(o);
  l.establish();
  CHECK(l.m.unreachable_since() == ConnectionMachine::TimePoint::max());
  l.m.read_failed("connection reset", l.now);  // lost: not yet known down, a reconnect may work
  CHECK(l.m.unreachable_since() == ConnectionMachine::TimePoint::max());
  const auto queued = l.send(get_k, 1, 10s);
  l.advance(10ms);
  REQUIRE(l.m.take_connect());
  const auto failed_at = l.now;
  l.m.transport_failed("connecting to 10.0.0.1:6379 failed: Connection refused", false, l.now);
  l.run_completions();
  // At once, not at the request's timeout 10 s later: the cluster client sends it elsewhere.
  REQUIRE(l.results[queued].has_value());
  CHECK(l.code(queued) == errc::connection_error);
  CHECK_THAT(std::string(l.results[queued]->error().message()), ContainsSubstring("Connection refused"));
  CHECK(l.m.unreachable_since() == failed_at);
  l.advance(20ms);
  REQUIRE(l.m.take_connect());
  l.m.transport_failed("refused again", false, l.now);
  CHECK(l.m.unreachable_since() == failed_at);  // since the first failure
  l.advance(40ms);
  REQUIRE(l.m.take_connect());
  l.m.transport_up(l.now);
  CHECK(l.write() == hello);
  l.feed("+OK\r\n");
  CHECK(l.m.unreachable_since() == ConnectionMachine::TimePoint::max());
  // A standalone client's request waits for the server instead (the test above).
  CHECK(l.m.live() == 0);
}

namespace {
std::string push3(std::string_view kind, std::string_view a, std::string_view b) {
  auto bulk = [](std::string_view x) { return "$" + std::to_string(x.size()) + "\r\n" + std::string(x) + "\r\n"; };
  return ">3\r\n" + bulk(kind) + bulk(a) + bulk(b);
}
std::string confirm(std::string_view kind, std::string_view channel, int count) {
  return ">3\r\n$" + std::to_string(kind.size()) + "\r\n" + std::string(kind) + "\r\n$" + std::to_string(channel.size()) +
         "\r\n" + std::string(channel) + "\r\n:" + std::to_string(count) + "\r\n";
}
const std::string subscribe_ab = "*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n";
}  // namespace

TEST_CASE("machine: SUBSCRIBE is answered by its confirmation pushes; messages in between go to pushes(), never to a reply",
          "[unit][machine][pubsub]") {
  Link l;
  l.establish();
  const auto sub = l.send(subscribe_ab, 2, 0ms, true);
  const auto get = l.send(get_k);
  CHECK(l.write() == subscribe_ab + get_k);
  l.feed(confirm("subscribe", "a", 1) + push3("message", "a", "early") + confirm("subscribe", "b", 2));
  REQUIRE(l.ok(sub));
  CHECK(l.results[sub]->value().size() == 2);
  CHECK_FALSE(l.results[get].has_value());
  l.feed(push3("message", "b", "between") + "$1\r\nv\r\n" + push3("message", "a", "after"));
  REQUIRE(l.ok(get));
  CHECK(l.results[get]->value().front() == Value::bulk_string("v"));
  REQUIRE(l.m.pushes().size() == 3);
  CHECK(l.m.pushes()[0].items()[2] == Value::bulk_string("early"));
  CHECK(l.m.pushes()[1].items()[2] == Value::bulk_string("between"));
  CHECK(l.m.pushes()[2].items()[2] == Value::bulk_string("after"));
}

TEST_CASE("machine: a SUBSCRIBE refused whole takes one error reply; the next reply is still paired right", "[unit][machine][pubsub]") {
  Link l;
  l.establish();
  const auto sub = l.send(subscribe_ab, 2, 0ms, true);
  const auto get = l.send(get_k);
  CHECK(l.write() == subscribe_ab + get_k);
  l.feed("-NOPERM no channel for you\r\n$1\r\nv\r\n");
  REQUIRE(l.ok(sub));
  CHECK(l.results[sub]->value().front().is_error());
  REQUIRE(l.ok(get));
  CHECK(l.results[get]->value().front() == Value::bulk_string("v"));
  CHECK(l.m.state() == State::connected);
}

TEST_CASE("machine: a RESP2 subscriber connection takes pub/sub arrays as pushes, anything else as replies", "[unit][machine][pubsub]") {
  auto o = options();
  o.subscriber = true;
  Link l(o);
  l.establish();
  const auto sub = l.send(subscribe_ab, 2, 0ms, true);
  CHECK(l.write() == subscribe_ab);
  l.feed("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n"
         "*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
  REQUIRE(l.ok(sub));
  REQUIRE(l.m.pushes().size() == 1);
  CHECK(l.m.pushes()[0].kind() == glide::ValueKind::push);
  CHECK(l.m.pushes()[0].items()[2] == Value::bulk_string("hi"));
  // PING on a subscribed RESP2 connection answers ["pong", ""]: a reply, not a push.
  const auto ping_reply = l.send(ping);
  l.write();
  l.feed("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  REQUIRE(l.ok(ping_reply));
  CHECK(l.m.pushes().size() == 1);
}

TEST_CASE("machine: each new link restores the subscriptions in its handshake; one the node refuses does not fail the link",
          "[unit][machine][pubsub]") {
  Link l;
  const std::string restore = "*2\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n*2\r\n$10\r\nSSUBSCRIBE\r\n$1\r\ns\r\n";
  l.m.set_subscriptions(restore, 2);
  l.m.start(l.now);
  REQUIRE(l.m.take_connect());
  l.m.transport_up(l.now);
  CHECK(l.write() == hello + restore);  // before any request
  l.feed("+OK\r\n" + confirm("subscribe", "a", 1));
  CHECK(l.m.state() == State::handshaking);
  l.feed("-MOVED 1234 10.0.0.2:6379\r\n" + push3("message", "a", "m"));
  CHECK(l.m.state() == State::connected);
  REQUIRE(l.m.pushes().size() == 2);
  CHECK(l.m.pushes()[0].is_error());  // the owner reads the slot map and re-places it
  CHECK(l.m.pushes()[1].items()[2] == Value::bulk_string("m"));
  // A handshake reply that is an error still fails the attempt (a wrong password, ...).
  Link bad;
  bad.m.set_subscriptions(restore, 2);
  bad.m.start(bad.now);
  REQUIRE(bad.m.take_connect());
  bad.m.transport_up(bad.now);
  bad.write();
  bad.feed("-WRONGPASS invalid username-password pair\r\n");
  CHECK(bad.m.state() == State::waiting_to_retry);
}

TEST_CASE("machine: a handshake refused, or not answered in time, fails the attempt", "[unit][machine]") {
  Link l;
  l.m.start(l.now);
  REQUIRE(l.m.take_connect());
  l.m.transport_up(l.now);
  CHECK(l.write() == hello);
  SECTION("refused: the RESP3 hint") {
    l.feed("-ERR unknown command 'HELLO'\r\n");
    auto outcome = l.m.take_attempt_outcome();
    REQUIRE(outcome.has_value());
    REQUIRE_FALSE(*outcome);
    CHECK_THAT(std::string(outcome->error().message()), ContainsSubstring("ProtocolVersion::RESP2"));
  }
  SECTION("silent") {
    l.advance(2000ms);
    auto outcome = l.m.take_attempt_outcome();
    REQUIRE(outcome.has_value());
    CHECK_THAT(std::string(outcome->error().message()), ContainsSubstring("timed out after 2000 ms"));
    CHECK(l.m.last_attempt_reached());  // TCP was up: a slow server, not an unreachable one
  }
  CHECK(l.m.take_drop());
  CHECK(l.m.state() == State::waiting_to_retry);
}

TEST_CASE("machine: bytes after the handshake's reply reset the link; a push never takes a reply", "[unit][machine]") {
  Link l;
  l.m.start(l.now);
  REQUIRE(l.m.take_connect());
  l.m.transport_up(l.now);
  l.write();
  SECTION("stray bytes") {
    l.feed("+OK\r\n+EXTRA\r\n");
    CHECK(l.m.take_drop());
    CHECK(l.m.state() == State::waiting_to_retry);
  }
  SECTION("a push between replies") {
    l.feed("+OK\r\n");
    const auto r = l.send(get_k);
    l.write();
    l.feed(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n$1\r\nv\r\n");
    REQUIRE(l.ok(r));
    CHECK(l.results[r]->value().front() == "v");
  }
}

TEST_CASE("machine: malformed bytes fail the request they answer with protocol_error", "[unit][machine]") {
  Link l;
  l.establish();
  const auto a = l.send(get_k);
  const auto b = l.send(get_k);
  l.write();
  l.feed("?garbage\r\n");
  CHECK(l.code(a) == errc::protocol_error);
  CHECK(l.code(b) == errc::unknown_outcome);
  CHECK(l.m.take_drop());
}

TEST_CASE("machine: over inflight_requests_limit a request fails at once; closing fails the rest", "[unit][machine]") {
  auto o = options();
  o.inflight_limit = 2;
  Link l(o);
  l.establish();
  const auto a = l.send(get_k);
  const auto b = l.send(get_k);
  const auto c = l.send(get_k);
  CHECK(l.code(c) == errc::inflight_limit);
  l.m.close(glide::Error(errc::closing, "client closed"));
  l.run_completions();
  CHECK(l.code(a) == errc::closing);
  CHECK(l.code(b) == errc::closing);
  CHECK(l.m.take_drop());
  CHECK(l.m.wakeup() == ConnectionMachine::TimePoint::max());
}

// ---- health -------------------------------------------------------------------------------------

TEST_CASE("machine: an idle link is sent a PING; its PONG is nobody's reply", "[unit][machine][health]") {
  Link l;
  l.establish();
  l.advance(1000ms);
  CHECK(l.write() == ping);
  l.feed("+PONG\r\n");
  const auto r = l.send(get_k);
  CHECK(l.write() == get_k);
  l.feed("$1\r\nv\r\n");
  CHECK(l.results[r]->value().front() == "v");
}

TEST_CASE("machine: a silent link is judged by a probe over another connection", "[unit][machine][health]") {
  Link l;
  l.establish();
  // A long script: its caller gave up after 500 ms, the link owes its reply and stays silent.
  const auto script = l.send("*1\r\n$4\r\nEVAL\r\n", 1, 500ms);
  l.write();
  l.advance(1000ms);
  CHECK(l.code(script) == errc::timeout);
  CHECK(l.write() == ping);  // nobody waits: the idle PING, queued behind the script
  l.advance(1000ms);
  CHECK_FALSE(l.m.take_probe());  // not yet: the PING has connection_timeout to be answered
  l.advance(1000ms);
  REQUIRE(l.m.take_probe());
  l.advance(1000ms);
  CHECK_FALSE(l.m.take_probe());  // one probe at a time

  SECTION("BUSY there, or no answer either: the server is busy, the link is kept") {
    l.m.probe_done(GENERATE(ProbeOutcome::busy, ProbeOutcome::no_answer), l.now);
    CHECK_FALSE(l.m.take_drop());
    CHECK(l.m.state() == State::connected);
    l.advance(1000ms);
    CHECK(l.m.take_probe());  // still silent: asked again
    // The script ends: its reply and the PONG arrive, and the link serves the next caller.
    l.feed("+done\r\n+PONG\r\n");
    l.m.probe_done(ProbeOutcome::answered, l.now);
    CHECK_FALSE(l.m.take_drop());
    const auto next = l.send(get_k);
    CHECK(l.write() == get_k);
    l.feed("$1\r\nv\r\n");
    CHECK(l.ok(next));
    CHECK(l.m.links() == 1);
  }
  SECTION("the server answers there: this link is dead") {
    l.m.probe_done(ProbeOutcome::answered, l.now);
    CHECK(l.m.take_drop());
    CHECK(l.m.state() == State::waiting_to_retry);
  }
  SECTION("no connection could be made: the server is gone") {
    l.m.probe_done(ProbeOutcome::unreachable, l.now);
    CHECK(l.m.take_drop());
  }
}

TEST_CASE("machine: silent under steady traffic, a probe is asked once callers have waited long enough", "[unit][machine][health]") {
  Link l;
  l.establish();
  l.send(get_k, 1, 200ms);
  l.write();
  for (int i = 0; i < 15; ++i) {  // a caller at a time, each timing out after 200 ms
    l.advance(200ms);
    l.send(get_k, 1, 200ms);
    l.write();
  }
  // heartbeat_interval + connection_timeout of silence with callers waiting
  CHECK(l.m.take_probe());
}

TEST_CASE("machine: a caller prepared to wait (a blocking command) keeps a silent link unprobed", "[unit][machine][health]") {
  Link l;
  l.establish();
  const auto blpop = l.send("*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n", 1, 0ms);  // no limit
  l.write();
  l.advance(10000ms);
  CHECK_FALSE(l.m.take_probe());
  CHECK_FALSE(l.m.take_drop());
  l.feed("*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
  CHECK(l.ok(blpop));
}

TEST_CASE("machine: without a second connection, an unanswered health check drops the link", "[unit][machine][health]") {
  Link l(options(/*can_probe=*/false));
  l.establish();
  l.advance(1000ms);
  CHECK(l.write() == ping);
  l.advance(2000ms);
  CHECK_FALSE(l.m.take_drop());  // connection_timeout to answer, checked each heartbeat_interval
  l.advance(1000ms);
  CHECK_FALSE(l.m.take_probe());
  CHECK(l.m.take_drop());
  CHECK_THAT(l.m.last_error(), ContainsSubstring("no reply"));
}
