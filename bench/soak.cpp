// Soak: one async client under a steady mix of commands, pipelines, transactions and scripts for
// a long time (default 10 minutes), printing the process's resident memory as it goes. Flat
// memory over the run means nothing accumulates per request. Not part of CI:
//   build/bench/glide_soak --port 6379 --minutes 10
#include <glide/glide.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

struct Counters {
  std::atomic<std::uint64_t> ok{0}, failed{0};
};

asio::awaitable<void> worker(glide::GlideClient client, int id, Clock::time_point end, Counters& c) {
  const glide::Script script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  std::uint64_t i = 0;
  while (Clock::now() < end) {
    const std::string key = "soak:" + std::to_string(id) + ":" + std::to_string(i % 1000);
    const std::string value(64 + i % 512, 'x');
    bool good = true;
    switch (i % 4) {
      case 0: {
        auto r = co_await client.set(key, value);
        good = r.has_value();
        break;
      }
      case 1: {
        auto r = co_await client.get(key);
        good = r.has_value();
        break;
      }
      case 2: {
        glide::Batch batch(i % 8 == 2);
        for (int k = 0; k < 20; ++k) batch.incr(key + ":n");
        auto r = co_await client.exec(batch, true);
        good = r.has_value();
        break;
      }
      default: {
        glide::ScriptOptions options{.keys = {key + ":s"}, .args = {"1"}};
        auto r = co_await client.invoke_script(script, options);
        good = r.has_value();
      }
    }
    (good ? c.ok : c.failed)++;
    ++i;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  double minutes = 10;
  int workers = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--host") host = argv[i + 1];
    if (flag == "--port") port = static_cast<std::uint16_t>(std::atoi(argv[i + 1]));
    if (flag == "--minutes") minutes = std::atof(argv[i + 1]);
    if (flag == "--workers") workers = std::atoi(argv[i + 1]);
  }
  asio::io_context io(1);
  glide::GlideClientConfiguration config;
  config.addresses.push_back({host, port});
  config.request_timeout = std::chrono::milliseconds(5000);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::ratio<60>>(minutes));
  Counters counters;
  bool connected = false;

  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto client = co_await glide::GlideClient::create(io.get_executor(), config);
        if (!client) {
          std::cerr << "cannot connect: " << client.error() << "\n";
          co_return;
        }
        connected = true;
        for (int w = 0; w < workers; ++w) asio::co_spawn(io, worker(client.value(), w, end, counters), asio::detached);
        // Report every 30 s: elapsed, requests done, failures, resident memory.
        std::cout << "t=0s rss_kib=" << resident_kib() << std::endl;
        asio::steady_timer report(io);
        while (Clock::now() < end) {
          report.expires_after(std::min<Clock::duration>(std::chrono::seconds(30), end - Clock::now()));
          co_await report.async_wait(asio::use_awaitable);
          const auto secs = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count();
          std::cout << "t=" << secs << "s requests=" << counters.ok << " failed=" << counters.failed
                    << " rss_kib=" << resident_kib() << std::endl;
        }
        // Let the workers finish their last request, then close.
        report.expires_after(std::chrono::seconds(1));
        co_await report.async_wait(asio::use_awaitable);
        client.value().close();
      },
      asio::detached);
  io.run();
  if (!connected) return 1;
  std::cout << "done: requests=" << counters.ok << " failed=" << counters.failed << " rss_kib=" << resident_kib() << "\n";
  return counters.failed == 0 ? 0 : 1;
}
