// asio_floor: what an Asio coroutine costs per round trip before any client library runs: the
// floor under glide_bench's `set` (issue 16, docs/performance.md).
//
//   asio_floor [--host H] [--port P] set [--strand] [--one-thread] [--seconds S] [--warmup S]
//
// One coroutine on an io_context run by this thread sends `SET bench:key:<i mod 10000>
// 0123456789abcdef` (at once where the socket takes it, else with async_write) and reads the
// "+OK\r\n" with async_read_some, one at a time, with use_awaitable, as a hand-written client
// would: no parsing beyond the reply's end, no timeouts, no reconnects. --strand runs the
// coroutine on a strand of the io_context (as glide-cpp runs its connections); --one-thread
// builds the io_context with BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO, as glide_bench --one-thread
// does. Prints one line in glide_bench's format:
//   result impl=asio-floor mode=set seconds=3.00 ops=... ops_per_sec=... cpu_us_per_op=...
// (cpu_us_per_op: user + system CPU of this process in the timed window, per SET)
#include "bench_cli.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using bench::Clock;
using bench::secs;

namespace {

constexpr std::size_t kKeySpace = 10000;

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string mode;
  bool strand = false;
  bool one_thread = false;
  double seconds = 3.0;
  double warmup = 0.5;
};

Options parse(int argc, char** argv) {
  Options o;
  bench::CommandLine cl("asio_floor", "asio_floor [--host H] [--port P] set [--strand] [--one-thread] [--seconds S] [--warmup S]", argc, argv);
  while (cl.next()) {
    if (cl.common_flag(o)) continue;
    const std::string_view a = cl.arg();
    if (a == "--strand") {
      o.strand = true;
    } else if (a == "--one-thread") {
      o.one_thread = true;
    } else {
      cl.usage("unknown argument: " + std::string(a));
    }
  }
  if (o.mode != "set") cl.usage("missing or bad mode (only set)");
  if (o.seconds <= 0) cl.usage("--seconds must be positive");
  return o;
}

// The SETs, encoded once: the loop measures the round trip, not the formatting.
std::vector<std::string> encoded_sets() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kKeySpace; ++i) {
    const std::string key = "bench:key:" + std::to_string(i);
    out.push_back("*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$16\r\n0123456789abcdef\r\n");
  }
  return out;
}

asio::awaitable<void> run(tcp::socket& socket, const Options& o) {
  const auto sets = encoded_sets();
  char reply[64];
  std::size_t i = 0;
  auto round_trip = [&]() -> asio::awaitable<void> {
    // Written at once where the socket takes it, as glide-cpp does: async_write would post its
    // completion and cost one more look at epoll per round trip.
    const std::string& set = sets[i++ % kKeySpace];
    boost::system::error_code ec;
    const std::size_t n = socket.send(asio::buffer(set), 0, ec);
    if (ec && ec != asio::error::would_block) throw boost::system::system_error(ec);
    if (n < set.size()) co_await asio::async_write(socket, asio::buffer(set.data() + n, set.size() - n), asio::use_awaitable);
    std::size_t got = 0;
    while (got < 5) got += co_await socket.async_read_some(asio::buffer(reply + got, sizeof reply - got), asio::use_awaitable);
    if (std::string_view(reply, got) != "+OK\r\n") throw std::runtime_error("unexpected reply: " + std::string(reply, got));
  };
  for (auto end = Clock::now() + secs(o.warmup); Clock::now() < end;) co_await round_trip();
  std::uint64_t ops = 0;
  const double cpu_before = bench::cpu_seconds();
  const auto start = Clock::now();
  auto now = start;
  while (now < start + secs(o.seconds)) {
    co_await round_trip();
    ++ops;
    now = Clock::now();
  }
  const double elapsed = std::chrono::duration<double>(now - start).count();
  const double cpu = bench::cpu_seconds() - cpu_before;
  std::printf("result impl=asio-floor mode=set%s seconds=%.2f ops=%llu ops_per_sec=%.0f cpu_us_per_op=%.3f\n",
              o.strand ? " strand=1" : "", elapsed, static_cast<unsigned long long>(ops), static_cast<double>(ops) / elapsed,
              cpu * 1e6 / static_cast<double>(ops));
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  asio::io_context io(o.one_thread ? BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO : 1);
  tcp::socket socket(io);
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  asio::connect(socket, resolver.resolve(o.host, std::to_string(o.port), ec), ec);
  if (ec) {
    std::fprintf(stderr, "asio_floor: cannot connect to %s:%u: %s\n", o.host.c_str(), static_cast<unsigned>(o.port), ec.message().c_str());
    return 1;
  }
  socket.set_option(tcp::no_delay(true));
  socket.non_blocking(true);
  std::exception_ptr failed;
  auto done = [&](std::exception_ptr e) { failed = e; };
  if (o.strand)
    asio::co_spawn(asio::make_strand(io), run(socket, o), done);
  else
    asio::co_spawn(io, run(socket, o), done);
  io.run();
  if (failed) {
    try {
      std::rethrow_exception(failed);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "asio_floor: %s\n", e.what());
    }
    return 1;
  }
}
