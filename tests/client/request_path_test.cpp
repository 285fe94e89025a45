// What the one request path promises, on real servers: pipelines with scripts run in the order
// they were built; a server busy with a long script is not taken for a dead link; LOADING,
// refused commands and blocking commands follow one rule inside and outside batches, standalone
// and cluster; completion handlers may be move-only.
#include "fixtures.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using glide::Batch;
using glide::ClusterBatch;
using glide::errc;
using glide::Script;
using glide::Value;
using glide_test::cluster_config_for;
using glide_test::config_for;
using glide_test::shared_cluster;
using glide_test::shared_server;
using glide_test::unique_key;
using Catch::Matchers::ContainsSubstring;
using Clock = std::chrono::steady_clock;

namespace {

// How many times the server answered an error starting with `prefix` (INFO errorstats).
long long error_count(const std::string& info, std::string_view prefix) {
  const std::string field = "errorstat_" + std::string(prefix) + ":count=";
  const auto at = info.find(field);
  return at == std::string::npos ? 0 : std::stoll(info.substr(at + field.size()));
}

const Script& incrby() {
  static const Script script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  return script;
}

// Counts what the library logs at warning level or worse while it is installed.
class WarningCounter : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::atomic<int> warnings{0};
  std::string last;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (msg.level < spdlog::level::warn) return;
    ++warnings;
    last.assign(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}
};

struct CapturedWarnings {
  std::shared_ptr<WarningCounter> sink = std::make_shared<WarningCounter>();
  std::shared_ptr<spdlog::logger> previous = glide::get_logger();
  CapturedWarnings() {
    auto logger = std::make_shared<spdlog::logger>("glide-test", sink);
    logger->set_level(spdlog::level::warn);
    glide::set_logger(logger);
  }
  ~CapturedWarnings() { glide::set_logger(previous); }
};

}  // namespace

// ---- 1. scripts in pipelines run in order ------------------------------------------------------

TEST_CASE("a pipeline of scripts after script_flush runs in the order it was built", "[request-path][script]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto key = unique_key("ordered");
  REQUIRE(client.set(key, "5").value() == "OK");
  REQUIRE(client.script_flush());
  const auto noscript_before = error_count(shared_server().cli({"INFO", "errorstats"}), "NOSCRIPT");

  Batch pipeline(false);
  for (int i = 0; i < 3; ++i) pipeline.invoke_script(incrby(), {.keys = {key}, .args = {"1"}});
  pipeline.get(key);
  auto results = client.exec(pipeline, true).value();
  REQUIRE(results.has_value());
  REQUIRE(results->size() == 4);
  CHECK((*results)[0].value() == 6);
  CHECK((*results)[1].value() == 7);
  CHECK((*results)[2].value() == 8);
  CHECK((*results)[3].value() == "8");  // the GET after the scripts sees them
  // The script was loaded ahead of its first EVALSHA, not recovered after a NOSCRIPT.
  CHECK(error_count(shared_server().cli({"INFO", "errorstats"}), "NOSCRIPT") == noscript_before);

  SECTION("invoke_script alone, and an atomic batch (EVAL)") {
    REQUIRE(client.script_flush());
    CHECK(client.invoke_script(incrby(), {.keys = {key}, .args = {"2"}}).value() == 10);
    Batch tx(true);
    tx.invoke_script(incrby(), {.keys = {key}, .args = {"1"}}).get(key);
    auto t = client.exec(tx, true).value();
    REQUIRE(t.has_value());
    CHECK((*t)[0].value() == 11);
    CHECK((*t)[1].value() == "11");
    CHECK(error_count(shared_server().cli({"INFO", "errorstats"}), "NOSCRIPT") == noscript_before);
  }
  SECTION("flushed by someone else after it was loaded: recovered; later entries ran first (docs/scripts.md)") {
    REQUIRE(shared_server().cli({"SCRIPT", "FLUSH"}) == "OK");
    auto raced = client.exec(pipeline, false).value();
    REQUIRE(raced.has_value());
    CHECK((*raced)[0].value() == 9);
    CHECK((*raced)[1].value() == 10);
    CHECK((*raced)[2].value() == 11);
    // The GET was written in the same round as the EVALSHAs that met NOSCRIPT: it ran before
    // they were loaded and run again.
    CHECK((*raced)[3].value() == "8");
    CHECK(client.get(key).value() == "11");
    CHECK(error_count(shared_server().cli({"INFO", "errorstats"}), "NOSCRIPT") == noscript_before + 3);
  }
}

TEST_CASE("a cluster pipeline of scripts on several shards runs in order on each", "[request-path][script][cluster]") {
  auto client = glide::sync::GlideClusterClient::create(cluster_config_for(shared_cluster())).value();
  std::vector<std::string> keys;
  for (const char* tag : {"{a}", "{b}", "{c}"}) keys.push_back(unique_key(std::string(tag) + "ordered"));
  REQUIRE(client.script_flush());
  ClusterBatch pipeline(false);
  for (const auto& k : keys) {
    pipeline.set(k, "5");
    pipeline.invoke_script(incrby(), {.keys = {k}, .args = {"1"}});
    pipeline.invoke_script(incrby(), {.keys = {k}, .args = {"1"}});
    pipeline.get(k);
  }
  auto results = client.exec(pipeline, true).value();
  REQUIRE(results.has_value());
  REQUIRE(results->size() == 12);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    INFO("key " << keys[i]);
    CHECK((*results)[4 * i + 1].value() == 6);
    CHECK((*results)[4 * i + 2].value() == 7);
    CHECK((*results)[4 * i + 3].value() == "7");
  }
  long long noscript = 0;
  for (auto port : shared_cluster().primary_ports())
    noscript += error_count(shared_cluster().cli(port, {"INFO", "errorstats"}), "NOSCRIPT");
  CHECK(noscript == 0);
}

// ---- 2. a long script is not a dead link ---------------------------------------------------------

TEST_CASE("after a long script, the next request succeeds as soon as it ended: no reconnect, no warning",
          "[request-path][script][heartbeat]") {
  static glide_test::ValkeyServer server;  // busy-reply-threshold at its default (5 s)
  const int seconds = GENERATE(2, 10);
  INFO("a script of " << seconds << " s");
  CapturedWarnings captured;
  auto config = config_for(server);
  config.request_timeout = 500ms;  // the guide's "Script Timeout Handling"
  auto client = glide::sync::GlideClient::create(config).value();
  const auto key = unique_key("after_script");
  REQUIRE(client.set(key, "still here").value() == "OK");
  const auto id_before = client.custom_command({"CLIENT", "ID"}).value().as_int().value();

  Script spin("local t = redis.call('TIME') local start = t[1] * 1000000 + t[2] "
              "local stop = start + tonumber(ARGV[1]) * 1000000 "
              "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] >= stop return 'done'");
  const auto started = Clock::now();
  auto script = client.invoke_script(spin, {.args = {std::to_string(seconds)}});
  REQUIRE_FALSE(script);
  CHECK(script.error().code() == errc::timeout);
  // Requests while the script runs wait behind it and time out, as they should.
  std::this_thread::sleep_for(1s);
  auto during = client.get(key);
  REQUIRE_FALSE(during);
  CHECK(during.error().code() == errc::timeout);

  // The script's end, seen from outside: until busy-reply-threshold (5 s) the server answers
  // nobody, then BUSY; PONG once the script is over. (TIME inside a script stands still until that
  // threshold, so a "2 s" script runs about 5 s.)
  while (server.cli_result({"PING"}).out.find("PONG") == std::string::npos) std::this_thread::sleep_for(20ms);
  CHECK(Clock::now() - started >= std::chrono::seconds(seconds));
  const auto asked = Clock::now();
  auto after = client.get(key);
  const auto took = Clock::now() - asked;
  REQUIRE(after);
  CHECK(after.value() == "still here");
  CHECK(took < 300ms);
  CHECK(client.custom_command({"CLIENT", "ID"}).value().as_int().value() == id_before);
  INFO("last warning: " << captured.sink->last);
  CHECK(captured.sink->warnings == 0);
  client.close();
}

// ---- 3. one rule inside and outside batches ---------------------------------------------------------

TEST_CASE("LOADING is retried for single requests within their timeout", "[request-path][loading]") {
  static glide_test::ValkeyServer server;
  REQUIRE(server.cli({"DEBUG", "POPULATE", "2000000"}) == "OK");
  auto config = config_for(server);
  config.request_timeout = 10s;
  auto client = glide::sync::GlideClient::create(config).value();
  REQUIRE(client.set("loading-key", "loaded").value() == "OK");
  const auto loading_before = error_count(server.cli({"INFO", "errorstats"}), "LOADING");

  auto reload = std::async(std::launch::async, [&] { return server.cli({"DEBUG", "RELOAD"}); });
  // Wait until the server answers LOADING, then ask through the client.
  bool loading = false;
  for (int i = 0; i < 200 && !loading; ++i) {
    loading = server.cli_result({"GET", "loading-key"}).out.find("LOADING") != std::string::npos;
    if (!loading) std::this_thread::sleep_for(10ms);
  }
  REQUIRE(loading);
  auto got = client.get("loading-key");
  CHECK(reload.get() == "OK");
  REQUIRE(got);
  CHECK(got.value() == "loaded");
  // The client was told LOADING (at least once after the probe above) and asked again.
  CHECK(error_count(server.cli({"INFO", "errorstats"}), "LOADING") > loading_before + 1);
  server.cli({"FLUSHALL"});
}

TEST_CASE("commands that break reply pairing are refused in batches as outside them, before anything is sent",
          "[request-path][refused]") {
  const std::vector<std::string> command = GENERATE(std::vector<std::string>{"SUBSCRIBE", "news"},
                                                    std::vector<std::string>{"MONITOR"},
                                                    std::vector<std::string>{"client", "reply", "off"},
                                                    std::vector<std::string>{"RESET"});
  INFO(command[0]);
  const auto key = unique_key("refused");
  auto client = glide_test::connect_sync(shared_server());
  auto alone = client.custom_command(command);
  REQUIRE_FALSE(alone);
  CHECK(alone.error().code() == errc::configuration_error);
  for (bool atomic : {false, true}) {
    Batch batch(atomic);
    batch.set(key, "ran").custom_command(command).get(key);
    auto r = client.exec(batch, false);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::configuration_error);
    CHECK_THAT(std::string(r.error().message()), ContainsSubstring("batch entry #1"));
  }
  CHECK(shared_server().cli({"EXISTS", key}) == "0");  // nothing of the batches ran
  auto cluster = glide::sync::GlideClusterClient::create(cluster_config_for(shared_cluster())).value();
  ClusterBatch cluster_batch(false);
  cluster_batch.set(key, "ran").custom_command(command);
  auto r = cluster.exec(cluster_batch, false);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::configuration_error);
  CHECK(cluster.get(key).value() == std::nullopt);
}

TEST_CASE("a blocking command in a pipeline extends the batch's deadline by its own timeout", "[request-path][blocking]") {
  const auto list = unique_key("{q}blocking");
  auto push_later = [&](auto push) {
    return std::async(std::launch::async, [push] {
      std::this_thread::sleep_for(700ms);
      push();
    });
  };
  SECTION("standalone") {
    auto config = config_for(shared_server());
    config.request_timeout = 300ms;
    auto client = glide::sync::GlideClient::create(config).value();
    Batch batch(false);
    batch.set(unique_key("before"), "x").blpop({list}, 5).custom_command({"PING"});
    auto pusher = push_later([&] { shared_server().cli({"RPUSH", list, "item"}); });
    auto r = client.exec(batch, true);
    pusher.get();
    REQUIRE(r);
    REQUIRE(r.value().has_value());
    CHECK((*r.value())[1].value().as<std::pair<std::string, std::string>>().value().second == "item");
    CHECK((*r.value())[2].value() == "PONG");
  }
  SECTION("cluster") {
    auto config = cluster_config_for(shared_cluster());
    config.request_timeout = 300ms;
    auto client = glide::sync::GlideClusterClient::create(config).value();
    ClusterBatch batch(false);
    batch.blpop({list}, 5).get(unique_key("{q}other"));
    auto helper = glide::sync::GlideClusterClient::create(cluster_config_for(shared_cluster())).value();
    auto pusher = push_later([&] { helper.rpush(list, {"item"}).value(); });
    auto r = client.exec(batch, true);
    pusher.get();
    REQUIRE(r);
    CHECK((*r.value())[0].value().as<std::pair<std::string, std::string>>().value().second == "item");
  }
  SECTION("a blocking command that times out on the server answers nil, not errc::timeout") {
    auto config = config_for(shared_server());
    config.request_timeout = 200ms;
    auto client = glide::sync::GlideClient::create(config).value();
    Batch batch(false);
    batch.blpop({unique_key("empty")}, 0.6);
    const auto started = Clock::now();
    auto r = client.exec(batch, true);
    REQUIRE(r);
    CHECK((*r.value())[0].value().is_nil());
    CHECK(Clock::now() - started >= 550ms);
  }
}

// ---- 4. move-only completion handlers ------------------------------------------------------------

TEST_CASE("a move-only completion handler works with the typed commands, exec and scripts", "[request-path][token]") {
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  auto c = glide::GlideClient::create(io.get_executor(), config_for(shared_server()), asio::use_future).get().value();
  const auto key = unique_key("move_only");
  std::promise<std::string> got;
  auto owned = std::make_unique<std::string>("set");
  c.set(key, "v", [o = std::move(owned), &got](glide::Result<std::optional<std::string>> r) mutable {
    got.set_value(*o + ":" + (r ? r.value().value_or("nil") : "error"));
  });
  std::promise<long long> counted;
  Batch batch(false);
  batch.incr(unique_key("move_only_counter"));
  c.exec(batch, true, [o = std::make_unique<int>(1), &counted](glide::Result<std::optional<std::vector<glide::Reply>>> r) mutable {
    counted.set_value(r ? *o * (*r.value())[0].value().as_int().value() : -1);
  });
  std::promise<std::string> scripted;
  c.invoke_script(Script("return 'moved'"), [o = std::make_unique<int>(0), &scripted](glide::Result<Value> r) mutable {
    scripted.set_value(r ? r.value().str() : "error");
  });
  CHECK(got.get_future().get() == "set:OK");
  CHECK(counted.get_future().get() == 1);
  CHECK(scripted.get_future().get() == "moved");
  c.close();
  work.reset();
  io.stop();
  runner.join();
}
