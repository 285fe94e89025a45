// The server family (glide/commands/server.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

namespace {

glide::sync::GlideClient client_with(void (*configure)(GlideClientConfiguration&)) {
  auto cfg = glide_test::config_for(glide_test::shared_server());
  configure(cfg);
  return glide::sync::GlideClient::create(cfg).value();
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("ping, echo, time, lastsave, dbsize, info", "[commands][server]") {
  auto& client = command_client();
  CHECK(client.ping().value() == "PONG");
  CHECK(client.ping("hello").value() == "hello");
  CHECK(client.echo(std::string("bin\0ary", 7)).value() == std::string("bin\0ary", 7));
  const auto [seconds, micros] = client.time().value();
  CHECK(std::abs(seconds - unix_seconds()) <= 2);
  CHECK((micros >= 0 && micros < 1'000'000));
  const auto saved = client.lastsave().value();
  CHECK((saved > 0 && saved <= unix_seconds()));
  auto size = client.dbsize();
  REQUIRE(size.has_value());
  CHECK(size.value() >= 0);
  CHECK(contains(client.info().value(), "# Server"));
  const auto clients = client.info({InfoSection::CLIENTS}).value();
  CHECK(contains(clients, "connected_clients:"));
  CHECK_FALSE(contains(clients, "# Server"));
}

TEST_CASE("config_get, config_set, config_resetstat, config_rewrite", "[commands][server]") {
  auto& client = command_client();
  const auto old = client.config_get({"maxmemory-samples", "lfu-log-factor"}).value();
  REQUIRE(old.size() == 2);
  REQUIRE(client.config_set({{"maxmemory-samples", "7"}, {"lfu-log-factor", "11"}}).has_value());
  auto now = client.config_get({"maxmemory-samples", "lfu-log-factor"}).value();
  std::sort(now.begin(), now.end());
  CHECK(now == std::vector<std::pair<std::string, std::string>>{{"lfu-log-factor", "11"}, {"maxmemory-samples", "7"}});
  // A glob matches several; a name that matches nothing gives nothing.
  CHECK(client.config_get({"lfu-*"}).value().size() == 2);
  CHECK(client.config_get({"no-such-parameter"}).value().empty());
  // All or nothing: the bad value leaves maxmemory-samples as it was.
  CHECK_FALSE(client.config_set({{"maxmemory-samples", "5"}, {"lfu-log-factor", "not-a-number"}}).has_value());
  CHECK(client.config_get({"maxmemory-samples"}).value()[0].second == "7");
  REQUIRE(client.config_set(std::vector<std::pair<std::string, std::string>>(old.begin(), old.end())).has_value());

  const auto key = key_for("resetstat");
  REQUIRE(client.set(key, "v").has_value());
  REQUIRE(client.get(key).has_value());
  CHECK_FALSE(contains(client.info({InfoSection::STATS}).value(), "keyspace_hits:0\r\n"));
  REQUIRE(client.config_resetstat().has_value());
  CHECK(contains(client.info({InfoSection::STATS}).value(), "keyspace_hits:0\r\n"));

  // The test servers start without a configuration file to rewrite.
  auto rewrite = client.config_rewrite();
  REQUIRE_FALSE(rewrite.has_value());
  CHECK(contains(rewrite.error().message(), "config file"));
}

TEST_CASE("client_id, client_getname", "[commands][server]") {
  auto& client = command_client();
  const auto id = client.client_id().value();
  CHECK(id > 0);
  CHECK(client.client_id().value() == id);  // one connection
  CHECK(client.client_getname().value() == std::nullopt);
  auto named = client_with([](GlideClientConfiguration& c) { c.client_name = "keys-test"; });
  CHECK(named.client_getname().value() == "keys-test");
  CHECK(named.client_id().value() != id);
}

TEST_CASE("flushdb and select on a client of their own", "[commands][server]") {
  // SELECT switches the whole connection: never on the shared client.
  auto own = client_with([](GlideClientConfiguration&) {});
  auto db6 = client_with([](GlideClientConfiguration& c) { c.database_id = 6; });
  const auto key = key_for("selected");
  REQUIRE(own.select(6).has_value());
  REQUIRE(own.set(key, "in six").has_value());
  CHECK(db6.get(key).value() == "in six");
  REQUIRE(own.select(0).has_value());
  CHECK(own.get(key).value() == std::nullopt);
  CHECK_FALSE(own.select(100'000).has_value());  // past the server's 16 databases

  CHECK(db6.dbsize().value() >= 1);
  REQUIRE(db6.flushdb().has_value());
  CHECK(db6.dbsize().value() == 0);
  REQUIRE(db6.set(key, "again").has_value());
  REQUIRE(db6.flushdb(FlushMode::ASYNC).has_value());
  CHECK(db6.get(key).value() == std::nullopt);
  REQUIRE(db6.set(key, "and again").has_value());
  REQUIRE(db6.flushdb(FlushMode::SYNC).has_value());
  CHECK(db6.dbsize().value() == 0);
}

TEST_CASE("flushall and its modes on a server of its own", "[commands][server]") {
  // FLUSHALL empties every database: never on the shared server other tests keep keys on.
  glide_test::ValkeyServer own;
  auto db0 = glide_test::connect_sync(own);
  auto cfg = glide_test::config_for(own);
  cfg.database_id = 1;
  auto db1 = glide::sync::GlideClient::create(cfg).value();
  const auto fill = [&] {
    REQUIRE(db0.set("a", "1").has_value());
    REQUIRE(db1.set("b", "2").has_value());
    REQUIRE(db0.dbsize().value() == 1);
    REQUIRE(db1.dbsize().value() == 1);
  };
  const auto both_empty = [&] { return db0.dbsize().value() == 0 && db1.dbsize().value() == 0; };
  fill();
  REQUIRE(db0.flushall().has_value());
  CHECK(both_empty());
  fill();
  REQUIRE(db0.flushall(FlushMode::ASYNC).has_value());
  CHECK(both_empty());
  fill();
  REQUIRE(db1.flushall(FlushMode::SYNC).has_value());
  CHECK(both_empty());
}

TEST_CASE("lolwut with its version and parameters", "[commands][server]") {
  auto& client = command_client();
  CHECK(contains(client.lolwut().value(), "ver."));
  const auto five = client.lolwut(5).value();
  CHECK(contains(five, "ver."));
  // Version 5 draws 8 x 12 squares by default; fewer squares on fewer columns, less art.
  const auto less = client.lolwut(5, {30, 4, 4}).value();
  CHECK(contains(less, "ver."));
  CHECK(less.size() < five.size());
  const auto six = client.lolwut(6, {20, 5}).value();
  CHECK(contains(six, "ver."));
  CHECK(contains(client.lolwut(std::nullopt, {20}).value(), "ver."));
}

TEST_CASE("wait: no replicas, so its timeout passes and it answers 0", "[commands][server]") {
  auto& client = command_client();
  REQUIRE(client.set(key_for("wait"), "v").has_value());
  CHECK(client.wait(0, 1000).value() == 0);  // zero replicas are reached at once
  // The server waits 500 ms, more than the client's 200 ms request timeout: the command table
  // extends the request's by the server-side one.
  auto impatient = client_with([](GlideClientConfiguration& c) { c.request_timeout = std::chrono::milliseconds(200); });
  const auto start = std::chrono::steady_clock::now();
  auto waited = impatient.wait(1, 500);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(waited.has_value());
  CHECK(waited.value() == 0);
  CHECK(elapsed >= std::chrono::milliseconds(450));
}

TEST_CASE("server: the server's refusal is a Result error", "[commands][server]") {
  auto& client = command_client();
  auto set = client.config_set({{"no-such-parameter", "1"}});
  REQUIRE_FALSE(set.has_value());
  CHECK(contains(set.error().message(), "no-such-parameter"));
  auto wait = client.wait(0, -1);
  REQUIRE_FALSE(wait.has_value());
  CHECK(contains(wait.error().message(), "negative"));
}

TEST_CASE("server family in a batch: entries convert as the direct calls return", "[commands][server][batch]") {
  auto& client = command_client();
  Batch batch(false);
  batch.ping()
      .ping("message")
      .echo("echoed")
      .config_get({"maxmemory-policy"})
      .client_getname()
      .client_id()
      .lastsave()
      .wait(0, 0)
      .dbsize()
      .time()
      .config_resetstat()
      .lolwut(5, {10, 1, 1});
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 12);
  glide_test::check_entry(entries[0], client.ping());
  glide_test::check_entry(entries[1], client.ping("message"));
  glide_test::check_entry(entries[2], client.echo("echoed"));
  glide_test::check_entry(entries[3], client.config_get({"maxmemory-policy"}));
  glide_test::check_entry(entries[4], client.client_getname());
  glide_test::check_entry(entries[5], client.client_id());
  glide_test::check_entry(entries[6], client.lastsave());
  glide_test::check_entry(entries[7], client.wait(0, 0));
  // The key count and the clock move with other tests and time: only their shape is checked.
  CHECK(as<std::int64_t>(entries[8]).has_value());
  CHECK(as<std::pair<std::int64_t, std::int64_t>>(entries[9]).has_value());
  CHECK(entries[10].has_value());
  // Version 5's art is random: only its kind is the same.
  CHECK(contains(as<std::string>(entries[11]).value(), "ver."));

  // Compiled for every face: the remaining overloads, in a batch that is never sent.
  Batch unsent(false);
  unsent.info()
      .info({InfoSection::SERVER})
      .config_set({{"maxmemory-samples", "5"}})
      .config_rewrite()
      .flushdb()
      .flushdb(FlushMode::ASYNC)
      .flushall()
      .flushall(FlushMode::SYNC)
      .lolwut()
      .lolwut(6)
      .select(1);
  CHECK(unsent.size() == 11);
}
