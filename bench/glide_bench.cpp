// glide_bench: throughput of one glide-cpp client against one server (or one cluster), for
// bench/run.sh.
//
//   glide_bench [--host H] [--port P] MODE [--seconds S] [--depth N] [--concurrency C]
//
// MODE:
//   pipeline     exec() the same Batch(false) of N SETs again and again     -> SETs per second
//   script       invoke_script() of a cached `return ARGV[1]`, one at a time -> calls per second
//   evalsha      the same through custom_command({"EVALSHA", sha, "0", "x"}) -> calls per second
//   get          C coroutines each doing sequential GETs on one client      -> GETs per second
//   set          sequential SETs, one at a time, awaiting each (round trips) -> SETs per second
//   sync-set     the same on glide::sync::GlideClient, from the main thread
//   sync-pipeline
//                exec() of a Batch(false) of N SETs on glide::sync::GlideClient
//   cluster-pipeline
//                exec() the same ClusterBatch(false) of N SETs again and again on one
//                GlideClusterClient (--host/--port: any node of the cluster) -> SETs per second;
//                the keys bench:key:0..N-1 spread over the slots of every primary
//   queue-memory queues --requests N GETs (default 1000000) on a client whose server does not
//                answer (--host/--port: a port nothing listens on; the client keeps retrying to
//                connect), then reports the heap they hold: total, and beyond their encoded bytes
//
// --one-thread builds the io_context with BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO (one thread at a
// time runs it), as an application running its client on one thread may.
//
// Every operator new in the program is counted: the result line reports allocs_per_op, the heap
// allocations the timed window made per operation (client, coroutines and bench loop together),
// and cpu_us_per_op, the process's user + system CPU time in that window per operation.

// Each mode warms up briefly (connection, script cache, allocator) before the timed window.
// Prints one machine-readable line on stdout:
//   result impl=glide-cpp mode=pipeline depth=100 seconds=3.00 ops=... ops_per_sec=...
// Errors go to stderr and make the exit status non-zero.
#include "bench_cli.hpp"

#include <glide/glide.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
using bench::Clock;
using bench::secs;

// The counting allocator: every heap allocation, and (queue-memory only: it costs) the bytes live,
// by malloc_usable_size, so the allocator's rounding counts too. Relaxed atomics: the bench runs
// on one thread (Asio's resolver may allocate on another).
namespace heap {
std::atomic<std::uint64_t> allocations{0};
std::atomic<std::int64_t> live_bytes{0};
bool track_bytes = false;

void* allocate(std::size_t n, std::size_t align) {
  void* p = align > alignof(std::max_align_t) ? std::aligned_alloc(align, (n + align - 1) / align * align)
                                              : std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (track_bytes) live_bytes.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  return p;
}
void release(void* p) noexcept {
  if (!p) return;
  if (track_bytes) live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}
}  // namespace heap

namespace {

constexpr std::size_t kKeySpace = 10000;
constexpr std::string_view kValue = "0123456789abcdef";  // 16 bytes
constexpr std::string_view kScriptCode = "return ARGV[1]";

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string mode;
  std::size_t depth = 100;
  std::size_t concurrency = 256;
  std::size_t requests = 1000000;
  double seconds = 3.0;
  double warmup = 0.5;
  bool one_thread = false;  // the io_context promised to one thread at a time (--one-thread)
};

constexpr const char* kSynopsis =
    "glide_bench [--host H] [--port P] pipeline|set|script|evalsha|get|cluster-pipeline|queue-memory|sync-set|sync-pipeline\n"
    "                   [--seconds S] [--warmup S] [--depth N] [--concurrency C] [--requests N] [--one-thread]";

Options parse(int argc, char** argv) {
  Options o;
  bench::CommandLine cl("glide_bench", kSynopsis, argc, argv);
  while (cl.next()) {
    if (cl.common_flag(o)) continue;
    const std::string_view a = cl.arg();
    if (a == "--concurrency") {
      o.concurrency = cl.count();
    } else if (a == "--requests") {
      o.requests = cl.count();
    } else if (a == "--one-thread") {
      o.one_thread = true;
    } else {
      cl.usage("unknown argument: " + std::string(a));
    }
  }
  if (o.mode != "pipeline" && o.mode != "script" && o.mode != "evalsha" && o.mode != "get" && o.mode != "set" &&
      o.mode != "cluster-pipeline" && o.mode != "queue-memory" && o.mode != "sync-set" && o.mode != "sync-pipeline")
    cl.usage("missing or bad mode");
  if (o.seconds <= 0) cl.usage("--seconds must be positive");
  return o;
}

// bench:key:0 .. bench:key:9999, formatted once so the timed loops measure the client only.
const std::string& key(std::size_t i) {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    k.reserve(kKeySpace);
    for (std::size_t j = 0; j < kKeySpace; ++j) k.push_back(fmt::format("bench:key:{}", j));
    return k;
  }();
  return keys[i % kKeySpace];
}


struct Failure {
  std::string what;
};

template <class T>
void check(const glide::Result<T>& r, std::string_view what) {
  if (!r) throw Failure{fmt::format("{}: {}", what, r.error().message())};
}

struct Measured {
  std::uint64_t ops = 0;
  double elapsed = 0;        // seconds
  std::uint64_t allocs = 0;  // heap allocations in the timed window
  double cpu = 0;            // CPU seconds (user + system) in the timed window
  std::string extra;         // mode-specific fields for the result line
};

std::uint64_t allocations_now() { return heap::allocations.load(std::memory_order_relaxed); }

// Runs `step` (an awaitable returning how many operations it did) until the deadline; first for
// the warm-up, then for the timed window. Returns what the timed window did.
template <class Step>
asio::awaitable<Measured> timed(const Options& o, Step step) {
  for (auto end = Clock::now() + secs(o.warmup); Clock::now() < end;) co_await step();
  Measured m;
  const auto allocs_before = allocations_now();
  const double cpu_before = bench::cpu_seconds();
  const auto start = Clock::now();
  const auto end = start + secs(o.seconds);
  auto now = start;
  while (now < end) {
    m.ops += co_await step();
    now = Clock::now();
  }
  m.elapsed = std::chrono::duration<double>(now - start).count();
  m.allocs = allocations_now() - allocs_before;
  m.cpu = bench::cpu_seconds() - cpu_before;
  co_return m;
}

// The blocking client, driven from this thread: sequential SETs (sync-set) or exec() of one
// Batch(false) of `depth` SETs (sync-pipeline), for the warm-up and then the timed window.
std::optional<Measured> run_sync(const Options& o) {
  glide::GlideClientConfiguration config;
  config.addresses.push_back({o.host, o.port});
  config.request_timeout = std::chrono::milliseconds(5000);
  auto created = glide::sync::GlideClient::create(config);
  if (!created) {
    std::fprintf(stderr, "glide_bench: cannot connect to %s:%u: %s\n", o.host.c_str(), o.port,
                 std::string(created.error().message()).c_str());
    return std::nullopt;
  }
  auto client = std::move(created).value();
  glide::Batch batch(false);
  for (std::size_t i = 0; i < o.depth; ++i) batch.set(key(i), kValue);
  std::size_t i = 0;
  auto step = [&]() -> std::uint64_t {
    if (o.mode == "sync-set") {
      check(client.set(key(i++), kValue), "set");
      return 1;
    }
    auto r = client.exec(batch, true);
    check(r, "exec");
    return o.depth;
  };
  Measured m;
  try {
    for (auto end = Clock::now() + secs(o.warmup); Clock::now() < end;) step();
    const auto allocs_before = allocations_now();
    const double cpu_before = bench::cpu_seconds();
    const auto start = Clock::now();
    auto now = start;
    while (now < start + secs(o.seconds)) {
      m.ops += step();
      now = Clock::now();
    }
    m.elapsed = std::chrono::duration<double>(now - start).count();
    m.allocs = allocations_now() - allocs_before;
    m.cpu = bench::cpu_seconds() - cpu_before;
  } catch (const Failure& f) {
    std::fprintf(stderr, "glide_bench: %s\n", f.what.c_str());
    return std::nullopt;
  }
  client.close();
  return m;
}

// Every key of the key space exists, so GETs return 16-byte values.
asio::awaitable<void> populate(glide::GlideClient& client) {
  glide::Batch fill(false);
  for (std::size_t i = 0; i < kKeySpace; ++i) fill.set(key(i), kValue);
  check(co_await client.exec(fill, true), "populate");
}

// exec() of the same pipeline of `depth` SETs again and again: Batch on a GlideClient,
// ClusterBatch on a GlideClusterClient.
template <class BatchType, class Client>
asio::awaitable<Measured> bench_pipeline(Client& client, const Options& o) {
  BatchType batch(false);
  for (std::size_t i = 0; i < o.depth; ++i) batch.set(key(i), kValue);
  co_return co_await timed(o, [&]() -> asio::awaitable<std::uint64_t> {
    auto r = co_await client.exec(batch, true);
    check(r, "exec");
    if (!r.value() || r.value()->size() != o.depth) throw Failure{"exec: unexpected reply count"};
    co_return o.depth;
  });
}

asio::awaitable<Measured> bench_script(glide::GlideClient& client, const Options& o) {
  const glide::Script script(kScriptCode);
  const glide::ScriptOptions args{{}, {"x"}};
  auto first = co_await client.invoke_script(script, args);
  check(first, "invoke_script");
  if (!(first.value() == "x")) throw Failure{fmt::format("invoke_script: unexpected reply {}", first.value())};
  co_return co_await timed(o, [&]() -> asio::awaitable<std::uint64_t> {
    check(co_await client.invoke_script(script, args), "invoke_script");
    co_return 1;
  });
}

asio::awaitable<Measured> bench_evalsha(glide::GlideClient& client, const Options& o) {
  const glide::Script script(kScriptCode);
  // (The argument vectors are built outside co_await: GCC 12 rejects a braced list there.)
  const std::vector<std::string> load{"SCRIPT", "LOAD", std::string(script.code())};
  check(co_await client.custom_command(load), "SCRIPT LOAD");
  const std::vector<std::string> evalsha{"EVALSHA", script.get_hash(), "0", "x"};
  co_return co_await timed(o, [&]() -> asio::awaitable<std::uint64_t> {
    check(co_await client.custom_command(evalsha), "EVALSHA");
    co_return 1;
  });
}

asio::awaitable<Measured> bench_get(glide::GlideClient& client, const Options& o) {
  co_await populate(client);
  // Warm up with the same concurrency, then measure: every worker runs until the phase ends.
  const auto ex = co_await asio::this_coro::executor;
  Measured total;
  for (const bool warm : {true, false}) {
    if (warm && o.warmup <= 0) continue;
    const auto start = Clock::now();
    const auto end = start + secs(warm ? o.warmup : o.seconds);
    std::uint64_t ops = 0;
    const auto allocs_before = allocations_now();
    const double cpu_before = bench::cpu_seconds();
    std::size_t running = o.concurrency;
    std::optional<Failure> failed;
    asio::steady_timer all_done(ex, Clock::time_point::max());
    for (std::size_t w = 0; w < o.concurrency; ++w) {
      asio::co_spawn(
          ex,
          [&, w]() -> asio::awaitable<void> {
            try {
              // (The clock is read every 16 GETs: reading it per GET was 5% of the profile.)
              for (std::size_t i = w, n = 0; n % 16 != 0 || Clock::now() < end; i += o.concurrency, ++n) {
                check(co_await client.get(key(i)), "get");
                ++ops;
              }
            } catch (const Failure& f) {
              failed = f;
            }
            if (--running == 0) all_done.cancel();
          },
          asio::detached);
    }
    // The workers start once this coroutine suspends here; the last one to finish wakes it.
    boost::system::error_code ec;
    if (running > 0) co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (failed) throw *failed;
    if (!warm) total = {ops, std::chrono::duration<double>(Clock::now() - start).count(), allocations_now() - allocs_before,
                        bench::cpu_seconds() - cpu_before, {}};
  }
  co_return total;
}

asio::awaitable<Measured> bench_set(glide::GlideClient& client, const Options& o) {
  std::size_t i = 0;
  co_return co_await timed(o, [&]() -> asio::awaitable<std::uint64_t> {
    check(co_await client.set(key(i++), kValue), "set");
    co_return 1;
  });
}

// The heap held by `requests` queued GETs that no server answers. The requests go out as
// callbacks from this one coroutine; they reach the connection's queue once it yields.
asio::awaitable<Measured> bench_queue_memory(glide::GlideClient& client, const Options& o) {
  const auto ex = co_await asio::this_coro::executor;
  asio::steady_timer pause(ex);
  std::size_t completed = 0;
  std::size_t payload = 0;  // the encoded commands' bytes: "*2\r\n$3\r\nGET\r\n$<n>\r\n<key>\r\n"
  const auto live_before = heap::live_bytes.load();
  const auto allocs_before = allocations_now();
  for (std::size_t i = 0; i < o.requests; ++i) {
    const std::string& k = key(i);
    payload += 13 + std::to_string(k.size()).size() + 2 + k.size() + 2;
    client.get(k, [&completed](glide::Result<std::optional<std::string>>) { ++completed; });
  }
  pause.expires_after(std::chrono::milliseconds(200));
  co_await pause.async_wait(asio::use_awaitable);
  const auto held = heap::live_bytes.load() - live_before;
  const auto allocs = allocations_now() - allocs_before;
  if (completed != 0) throw Failure{fmt::format("queue-memory: {} requests completed; is something answering on the port?", completed)};
  client.close();
  // Closing completes them all (client closed); wait for that, so the figures above were taken
  // with every request queued.
  while (completed < o.requests) {
    pause.expires_after(std::chrono::milliseconds(20));
    co_await pause.async_wait(asio::use_awaitable);
  }
  const double n = static_cast<double>(o.requests);
  Measured m{o.requests, 0.2, allocs, 0, {}};
  m.extra = fmt::format(" requests={} bytes_per_request={:.1f} payload_per_request={:.1f} overhead_per_request={:.1f}",
                        o.requests, static_cast<double>(held) / n, static_cast<double>(payload) / n,
                        static_cast<double>(held - static_cast<std::int64_t>(payload)) / n);
  co_return m;
}

// Creates the client for the mode, runs it and closes the client; nullopt (after a message on
// stderr) on failure.
template <class Client, class Config, class Bench>
asio::awaitable<std::optional<Measured>> with_client(const Options& o, Config config, Bench bench) {
  config.addresses.push_back({o.host, o.port});
  // Generous: a 1000-command batch on a loaded shared machine must not time out.
  config.request_timeout = std::chrono::milliseconds(5000);
  // Every GET coroutine may have one request in flight.
  config.inflight_requests_limit = std::max<std::size_t>(1000, o.concurrency * 2);
  if (o.mode == "queue-memory") {
    // No server answers: create() must not wait for one, and every request must be let in.
    config.lazy_connect = true;
    config.inflight_requests_limit = o.requests;
  }
  auto created = co_await Client::create(co_await asio::this_coro::executor, config);
  if (!created) {
    std::fprintf(stderr, "glide_bench: cannot connect to %s:%u: %s\n", o.host.c_str(), o.port,
                 std::string(created.error().message()).c_str());
    co_return std::nullopt;
  }
  auto client = std::move(created).value();
  std::optional<Measured> m;
  try {
    m = co_await bench(client, o);
  } catch (const Failure& f) {
    std::fprintf(stderr, "glide_bench: %s\n", f.what.c_str());
  }
  client.close();
  co_return m;
}

asio::awaitable<std::optional<Measured>> run_standalone(const Options& o) {
  co_return co_await with_client<glide::GlideClient>(
      o, glide::GlideClientConfiguration{},
      [](glide::GlideClient& client, const Options& opt) -> asio::awaitable<Measured> {
        if (opt.mode == "pipeline") co_return co_await bench_pipeline<glide::Batch>(client, opt);
        if (opt.mode == "script") co_return co_await bench_script(client, opt);
        if (opt.mode == "evalsha") co_return co_await bench_evalsha(client, opt);
        if (opt.mode == "set") co_return co_await bench_set(client, opt);
        if (opt.mode == "queue-memory") co_return co_await bench_queue_memory(client, opt);
        co_return co_await bench_get(client, opt);
      });
}

asio::awaitable<int> run(const Options& o) {
  std::optional<Measured> measured;
  if (o.mode == "sync-set" || o.mode == "sync-pipeline") {
    measured = run_sync(o);
  } else if (o.mode == "cluster-pipeline") {
    measured = co_await with_client<glide::GlideClusterClient>(o, glide::GlideClusterClientConfiguration{},
                                                               bench_pipeline<glide::ClusterBatch, glide::GlideClusterClient>);
  } else {
    measured = co_await run_standalone(o);
  }
  if (!measured) co_return 1;
  const Measured m = *measured;

  std::string params;
  if (o.mode == "pipeline" || o.mode == "cluster-pipeline" || o.mode == "sync-pipeline") params = fmt::format(" depth={}", o.depth);
  if (o.mode == "get") params = fmt::format(" concurrency={}", o.concurrency);
  const double ops = static_cast<double>(std::max<std::uint64_t>(m.ops, 1));
  fmt::print("result impl=glide-cpp mode={}{} seconds={:.2f} ops={} ops_per_sec={:.0f} allocs_per_op={:.3f} cpu_us_per_op={:.3f}{}\n",
             o.mode, params, m.elapsed, m.ops, static_cast<double>(m.ops) / m.elapsed, static_cast<double>(m.allocs) / ops,
             m.cpu * 1e6 / ops, m.extra);
  std::fflush(stdout);
  co_return 0;
}

}  // namespace

void* operator new(std::size_t n) { return heap::allocate(n, 0); }
void* operator new[](std::size_t n) { return heap::allocate(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return heap::allocate(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return heap::allocate(n, static_cast<std::size_t>(a)); }
void operator delete(void* p) noexcept { heap::release(p); }
void operator delete[](void* p) noexcept { heap::release(p); }
void operator delete(void* p, std::size_t) noexcept { heap::release(p); }
void operator delete[](void* p, std::size_t) noexcept { heap::release(p); }
void operator delete(void* p, std::align_val_t) noexcept { heap::release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { heap::release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { heap::release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { heap::release(p); }

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  // Counted from the start, so that what the client holds when the queue is measured is known.
  heap::track_bytes = o.mode == "queue-memory";
  // One thread runs the client and every coroutine; --one-thread also promises it to Asio (and so to
  // the client, which then needs no strand hop: docs/performance.md).
  asio::io_context io(o.one_thread ? BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO : 1);
  int status = 1;
  asio::co_spawn(io, run(o), [&](std::exception_ptr e, int rc) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::fprintf(stderr, "glide_bench: %s\n", ex.what());
      }
      status = 1;
    } else {
      status = rc;
    }
  });
  io.run();
  return status;
}
