#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>

#include <boost/asio/detached.hpp>

#include <atomic>
#include <thread>

using namespace glide;
using glide_test::shared_server;
using glide_test::unique_key;

TEST_CASE("pipeline: 10 000 commands come back in order", "[batch]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto key = unique_key("pipe");
  Batch batch(false);
  for (int i = 0; i < 10000; ++i) batch.incr(key);
  REQUIRE(batch.size() == 10000);
  auto results = client.exec(batch, true).value();
  REQUIRE(results.has_value());
  REQUIRE(results->size() == 10000);
  for (int i = 0; i < 10000; ++i) REQUIRE(as<std::int64_t>((*results)[i]).value() == i + 1);
}

TEST_CASE("pipeline: errors stay in place with raise_on_error=false", "[batch]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto list = unique_key("list");
  const auto str = unique_key("str");
  Batch batch(false);
  batch.set(str, "hello").rpush(list, {"a"}).incr(list).get(str);
  auto results = client.exec(batch, false).value().value();
  REQUIRE(results.size() == 4);
  CHECK(results[0].value() == "OK");
  CHECK(results[1].value() == 1);
  REQUIRE_FALSE(results[2]);
  CHECK(results[2].error().code() == errc::wrong_type);
  CHECK(results[2].error().message().starts_with("WRONGTYPE"));
  CHECK(as<std::string>(results[3]).value() == "hello");

  auto raised = client.exec(batch, true);
  REQUIRE_FALSE(raised);
  CHECK(raised.error().code() == errc::wrong_type);
}

TEST_CASE("transaction: a failing middle entry does not stop the others", "[batch]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto list = unique_key("list");
  const auto counter = unique_key("counter");
  Batch tx(true);
  tx.incr(counter).rpush(list, {"x"}).incr(list).incr(counter);
  auto results = client.exec(tx, false).value().value();
  REQUIRE(results.size() == 4);
  CHECK(results[0].value() == 1);
  CHECK(results[1].value() == 1);
  REQUIRE_FALSE(results[2]);
  CHECK(results[2].error().code() == errc::wrong_type);
  CHECK(results[3].value() == 2);
  CHECK(client.get(counter).value() == "2");

  auto raised = client.exec(tx, true);
  REQUIRE_FALSE(raised);
  CHECK(raised.error().code() == errc::wrong_type);
  CHECK(client.get(counter).value() == "4");  // the transaction still ran as a whole
}

TEST_CASE("transaction: EXECABORT on an arity error applies nothing", "[batch]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto key = unique_key("abort");
  Batch tx(true);
  tx.set(key, "1").custom_command({"INCR"}).set(key, "2");
  auto result = client.exec(tx, false);
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == errc::exec_abort);
  CHECK(result.error().message().find("EXECABORT") != std::string_view::npos);
  CHECK(result.error().message().find("wrong number of arguments") != std::string_view::npos);
  CHECK(client.get(key).value() == std::nullopt);
}

TEST_CASE("transaction: a WATCHed key changed by another client gives nullopt", "[batch]") {
  auto client = glide_test::connect_sync(shared_server());
  auto other = glide_test::connect_sync(shared_server());
  const auto key = unique_key("watched");
  REQUIRE(client.set(key, "100").value() == "OK");
  REQUIRE(client.watch({key}).has_value());
  REQUIRE(other.set(key, "changed").value() == "OK");
  Batch tx(true);
  tx.set(key, "mine").get(key);
  auto result = client.exec(tx, false).value();
  CHECK_FALSE(result.has_value());
  CHECK(client.get(key).value() == "changed");

  // Without interference the same batch applies.
  REQUIRE(client.watch({key}).has_value());
  auto applied = client.exec(tx, false).value();
  REQUIRE(applied.has_value());
  CHECK((*applied)[1].value() == "mine");
}

TEST_CASE("batch values: copyable, reusable, clearable; empty batches make no round trip", "[batch]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto key = unique_key("reuse");
  Batch batch(false);
  batch.incr(key);
  Batch copy = batch;
  copy.incr(key);
  CHECK(batch.size() == 1);
  CHECK(copy.size() == 2);
  CHECK(client.exec(batch, true).value()->at(0).value() == 1);
  CHECK(client.exec(copy, true).value()->at(1).value() == 3);
  CHECK(client.exec(batch, true).value()->at(0).value() == 4);
  copy.clear();
  CHECK(copy.empty());
  auto none = client.exec(copy, true).value();
  REQUIRE(none.has_value());
  CHECK(none->empty());
  auto none_atomic = client.exec(Batch(true), true).value();
  REQUIRE(none_atomic.has_value());
  CHECK(none_atomic->empty());
}

TEST_CASE("a batch changed while its exec() is under way: exec() runs what the batch held", "[batch]") {
  // exec() keeps the batch's encoded bytes without copying them; changing the batch afterwards
  // must not change what an earlier exec() sends (or read freed memory: see the ASan run).
  const auto key = unique_key("cow");
  std::optional<std::vector<Reply>> deferred, in_flight, after;
  std::size_t sizes = 0;
  glide_test::run_coroutine([&](boost::asio::io_context& io) -> boost::asio::awaitable<void> {
    auto client = (co_await GlideClient::create(io.get_executor(), glide_test::config_for(shared_server()))).value();
    (co_await client.set(key, "old")).value();
    Batch batch(false);
    batch.append(key, "+1").get(key);
    // Deferred: nothing is sent until it is awaited, after the batch was cleared and refilled.
    auto pending = client.exec(batch, true);
    batch.clear();
    batch.append(key, "+2");
    // A callback: on its way at once (it runs first); the batch grows meanwhile.
    std::optional<Result<std::optional<std::vector<Reply>>>> called;
    client.exec(batch, true, [&](Result<std::optional<std::vector<Reply>>> r) { called = std::move(r); });
    batch.get(key);
    Batch copy = std::move(batch);  // a "moved" batch stays valid and equal
    sizes = batch.size() * 10 + copy.size();
    deferred = (co_await std::move(pending)).value();
    after = (co_await client.exec(copy, true)).value();
    while (!called) co_await client.get(key);  // (any round trip lets the callback run)
    in_flight = called->value();
    client.close();
  });
  REQUIRE(in_flight.has_value());
  REQUIRE(in_flight->size() == 1);
  CHECK(as<std::int64_t>((*in_flight)[0]).value() == 5);  // "old+2"
  REQUIRE(deferred.has_value());
  REQUIRE(deferred->size() == 2);
  CHECK(as<std::int64_t>((*deferred)[0]).value() == 7);
  CHECK(as<std::string>((*deferred)[1]).value() == "old+2+1");
  REQUIRE(after.has_value());
  REQUIRE(after->size() == 2);
  CHECK(as<std::string>((*after)[1]).value() == "old+2+1+2");
  CHECK(sizes == 22);
}

TEST_CASE("typed access to entries: wrong type is an error, not UB", "[batch]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto key = unique_key("typed");
  Batch batch(true);
  batch.set(key, "abc").get(key).strlen(key).get(unique_key("missing"));
  auto r = client.exec(batch, true).value().value();
  CHECK(as<std::string>(r[1]).value() == "abc");
  CHECK(as<std::int64_t>(r[2]).value() == 3);
  CHECK(as<std::optional<std::string>>(r[3]).value() == std::nullopt);
  auto wrong = as<std::int64_t>(r[1]);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message().find("integer") != std::string_view::npos);
}

TEST_CASE("batch timeout: errc::timeout, then the connection stays in step", "[batch]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto key = unique_key("after-timeout");
  REQUIRE(client.set(key, "expected").value() == "OK");
  Batch slow(false);
  slow.custom_command({"DEBUG", "SLEEP", "0.5"}).ping();
  auto start = std::chrono::steady_clock::now();
  auto r = client.exec(slow, true, BatchOptions{std::chrono::milliseconds(100)});
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::timeout);
  CHECK(elapsed < std::chrono::milliseconds(450));
  // The late replies of the batch (OK, PONG) must not reach these callers.
  for (int i = 0; i < 5; ++i) CHECK(client.get(key).value() == "expected");
  Batch tx(true);
  tx.get(key);
  CHECK(client.exec(tx, true).value()->at(0).value() == "expected");
}

TEST_CASE("transaction runs as one block while other coroutines hammer the same client", "[batch]") {
  const auto counter = unique_key("tx-counter");
  const auto noise = unique_key("noise");
  int transactions_ok = 0;
  int noise_ok = 0;
  int noise_failed = 0;
  std::vector<std::int64_t> gaps;
  bool done = false;  // outlives every coroutine below: the noise ones finish after the main one
  glide_test::run_coroutine([&](boost::asio::io_context& io) -> boost::asio::awaitable<void> {
    auto client = (co_await GlideClient::create(io.get_executor(), glide_test::config_for(shared_server()))).value();
    // Four coroutines send single INCRs on the same connection as fast as they can.
    for (int w = 0; w < 4; ++w) {
      boost::asio::co_spawn(
          io,
          [&, client]() mutable -> boost::asio::awaitable<void> {
            while (!done) {
              auto r = co_await client.incr(noise);
              if (r)
                ++noise_ok;
              else
                ++noise_failed;
            }
          },
          boost::asio::detached);
    }
    // Each transaction increments twice around a read of the noise counter; if anything landed
    // inside MULTI/EXEC, the two increments of our counter would not be adjacent.
    for (int i = 0; i < 200; ++i) {
      Batch tx(true);
      tx.incr(counter).get(noise).incr(counter);
      auto r = co_await client.exec(tx, true);
      if (r && r.value()) {
        ++transactions_ok;
        gaps.push_back(as<std::int64_t>((*r.value())[2]).value() - as<std::int64_t>((*r.value())[0]).value());
      }
    }
    done = true;
  });
  CHECK(transactions_ok == 200);
  CHECK(noise_ok > 0);
  CHECK(noise_failed == 0);  // a single command queued inside MULTI would answer "QUEUED" 
  for (auto g : gaps) CHECK(g == 1);
}

TEST_CASE("a session has its own connection, so WATCH is safe on a shared client", "[batch]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto key = unique_key("balance");
  REQUIRE(client.set(key, "10").value() == "OK");
  auto session = client.open_session().value();
  REQUIRE(session.watch({key}).has_value());
  // Someone else's transaction on the shared client does not clear the session's WATCH.
  Batch other(true);
  other.ping();
  REQUIRE(client.exec(other, true).value().has_value());
  REQUIRE(client.set(key, "11").value() == "OK");
  Batch tx(true);
  tx.set(key, "0");
  CHECK_FALSE(session.exec(tx, true).value().has_value());
  CHECK(client.get(key).value() == "11");
  session.close();
}
