// Back-pressure under load on a real server: 10 000 concurrent coroutines on one client. Over
// inflight_requests_limit a request fails at once with errc::inflight_limit and never runs; the
// others succeed; none is lost. With a limit above the load, all succeed.
#include "reliability_support.hpp"

#include <glide/glide.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch_test_macros.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace glide_test::reliability;
using glide::errc;
using glide_test::unique_key;

namespace {

constexpr int requests = 10'000;

struct Outcome {
  std::optional<errc> error;  // none: success
  bool own = false;           // the reply was this request's
  Clock::time_point at{};     // when it completed
};

struct LoadRun {
  std::string create_error;
  std::vector<Outcome> outcomes = std::vector<Outcome>(requests);
  std::optional<Clock::time_point> head_done;  // when the DEBUG SLEEP at the head ended
  bool head_ok = false;
  std::vector<std::optional<std::string>> stored;  // what the server holds afterwards, per request
};

asio::awaitable<void> one_request(glide::GlideClient client, std::string key, std::string value, Outcome& out) {
  auto r = co_await client.set(key, value);
  out.at = Clock::now();
  if (!r) out.error = r.error().code();
  else out.own = r.value() == "OK";
}

// Runs `requests` concurrent SETs of distinct keys on one client (optionally behind a DEBUG SLEEP
// sent first, which holds every slot taken until it ends), then reads back what the server has.
LoadRun run_load(std::size_t limit, bool slow_head, const std::string& prefix) {
  LoadRun run;
  glide_test::run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto config = glide_test::config_for(glide_test::shared_server());
    config.inflight_requests_limit = limit;
    config.request_timeout = 10s;
    auto created = co_await glide::GlideClient::create(io.get_executor(), config);
    if (!created) {
      run.create_error = std::string(created.error().message());
      co_return;
    }
    auto client = std::move(created).value();
    // Shared by the completion handlers: this coroutine ends long before they run.
    auto finished = std::make_shared<int>(0);
    const int total = requests + (slow_head ? 1 : 0);
    auto on_done = [finished, total, client](std::exception_ptr) mutable {
      if (++*finished == total) client.close();
    };
    if (slow_head) {
      asio::co_spawn(
          io,
          [&run, client]() mutable -> asio::awaitable<void> {
            std::vector<std::string> sleep{"DEBUG", "SLEEP", "0.4"};
            auto r = co_await client.custom_command(sleep);
            run.head_done = Clock::now();
            run.head_ok = r && r.value() == "OK";
          },
          on_done);
    }
    for (int i = 0; i < requests; ++i) {
      std::string key = prefix + ":" + std::to_string(i);
      std::string value = "value-" + std::to_string(i);
      asio::co_spawn(io, one_request(client, std::move(key), std::move(value), run.outcomes[static_cast<std::size_t>(i)]),
                     on_done);
    }
  });
  if (!run.create_error.empty()) return run;
  // Read everything back in one pipeline on a client of its own.
  auto reader = glide_test::connect_sync(glide_test::shared_server());
  glide::Batch gets(false);
  for (int i = 0; i < requests; ++i) gets.get(prefix + ":" + std::to_string(i));
  auto replies = reader.exec(gets, true);
  if (replies && replies.value()) {
    for (const auto& reply : *replies.value()) run.stored.push_back(glide::as<std::optional<std::string>>(reply).value());
  }
  return run;
}

}  // namespace

TEST_CASE("10 000 concurrent requests over an inflight_requests_limit of 1000: the rest fail fast, none is lost",
          "[reliability][load]") {
  SECTION("behind a slow request that holds the slots: exactly 999 run, 9001 fail at once and never run") {
    const std::string prefix = unique_key("load-slow");
    auto run = run_load(1000, true, prefix);
    REQUIRE(run.create_error.empty());
    REQUIRE(run.stored.size() == static_cast<std::size_t>(requests));
    CHECK(run.head_ok);
    REQUIRE(run.head_done.has_value());
    int succeeded = 0, limited = 0, other = 0, slow_failures = 0, wrong_state = 0;
    for (int i = 0; i < requests; ++i) {
      const auto& o = run.outcomes[static_cast<std::size_t>(i)];
      const auto& stored = run.stored[static_cast<std::size_t>(i)];
      if (!o.error) {
        succeeded += o.own ? 1 : 0;
        if (stored != "value-" + std::to_string(i)) ++wrong_state;
      } else if (*o.error == errc::inflight_limit) {
        ++limited;
        if (o.at >= *run.head_done) ++slow_failures;  // fail fast: not after waiting for a slot
        if (stored.has_value()) ++wrong_state;        // it never ran
      } else {
        ++other;
      }
    }
    CHECK(succeeded == 999);  // the DEBUG SLEEP holds the 1000th slot
    CHECK(limited == requests - 999);
    CHECK(other == 0);
    CHECK(succeeded + limited == requests);
    CHECK(slow_failures == 0);
    CHECK(wrong_state == 0);
  }

  SECTION("at full speed: whatever the split, successes + inflight_limit failures == 10 000") {
    const std::string prefix = unique_key("load-fast");
    auto run = run_load(1000, false, prefix);
    REQUIRE(run.create_error.empty());
    REQUIRE(run.stored.size() == static_cast<std::size_t>(requests));
    int succeeded = 0, limited = 0, other = 0, wrong_state = 0;
    for (int i = 0; i < requests; ++i) {
      const auto& o = run.outcomes[static_cast<std::size_t>(i)];
      const auto& stored = run.stored[static_cast<std::size_t>(i)];
      if (!o.error) {
        succeeded += o.own ? 1 : 0;
        if (stored != "value-" + std::to_string(i)) ++wrong_state;
      } else if (*o.error == errc::inflight_limit) {
        ++limited;
        if (stored.has_value()) ++wrong_state;
      } else {
        ++other;
      }
    }
    INFO(succeeded << " succeeded, " << limited << " refused by the limit");
    CHECK(succeeded >= 1000);
    CHECK(other == 0);
    CHECK(succeeded + limited == requests);
    CHECK(wrong_state == 0);
  }
}

TEST_CASE("10 000 concurrent requests with inflight_requests_limit 20 000: all succeed", "[reliability][load]") {
  const std::string prefix = unique_key("load-all");
  auto run = run_load(20'000, true, prefix);
  REQUIRE(run.create_error.empty());
  REQUIRE(run.stored.size() == static_cast<std::size_t>(requests));
  CHECK(run.head_ok);
  int succeeded = 0, wrong_state = 0;
  std::map<errc, int> failures;
  for (int i = 0; i < requests; ++i) {
    const auto& o = run.outcomes[static_cast<std::size_t>(i)];
    if (o.error) ++failures[*o.error];
    else if (o.own) ++succeeded;
    if (run.stored[static_cast<std::size_t>(i)] != "value-" + std::to_string(i)) ++wrong_state;
  }
  int failed = 0;
  for (const auto& [code, n] : failures) {
    UNSCOPED_INFO(n << " failed with " << glide::make_error_code(code).message());
    failed += n;
  }
  CHECK(succeeded == requests);
  CHECK(failed == 0);
  CHECK(wrong_state == 0);
}
