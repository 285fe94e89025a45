// hiredis_bench: glide_bench's `pipeline` workload written with hiredis (the C client, through
// its blocking API), as a peer for bench/run.sh.
//
//   hiredis_bench [--host H] [--port P] pipeline [--depth N] [--seconds S] [--warmup S]
//
// One blocking redisContext. Each step appends N `SET bench:key:<i mod 10000> 0123456789abcdef`
// (i = 0..N-1, keys formatted once) with redisAppendCommand, then reads the N replies with
// redisGetReply, checking that each is the status OK and freeing it: N SETs per step, as
// glide_bench's exec() of a Batch(false) of N SETs. Depth 1 is sequential round trips.
// A warm-up (0.5 s by default) precedes the timed window. Prints one machine-readable line:
//   result impl=hiredis mode=pipeline depth=100 seconds=3.00 ops=... ops_per_sec=... cpu_us_per_op=...
// (cpu_us_per_op: user + system CPU of this process in the timed window, per SET)
// Errors go to stderr and make the exit status non-zero.
#include "bench_cli.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

using bench::Clock;
using bench::secs;

namespace {

constexpr std::size_t kKeySpace = 10000;
constexpr std::string_view kValue = "0123456789abcdef";  // 16 bytes

struct Options {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string mode;
  std::size_t depth = 100;
  double seconds = 3.0;
  double warmup = 0.5;
};

Options parse(int argc, char** argv) {
  Options o;
  bench::CommandLine cl("hiredis_bench", "hiredis_bench [--host H] [--port P] pipeline [--depth N] [--seconds S] [--warmup S]",
                        argc, argv);
  while (cl.next()) {
    if (!cl.common_flag(o)) cl.usage("unknown argument: " + std::string(cl.arg()));
  }
  if (o.mode != "pipeline") cl.usage("missing or bad mode (only pipeline)");
  if (o.seconds <= 0) cl.usage("--seconds must be positive");
  return o;
}

// One pipeline step: N SETs appended, then their N replies read. False (after a message on
// stderr) on any error or unexpected reply.
bool step(redisContext* c, const std::vector<std::string>& keys) {
  for (const std::string& k : keys) {
    if (redisAppendCommand(c, "SET %b %b", k.data(), k.size(), kValue.data(), kValue.size()) != REDIS_OK) {
      std::fprintf(stderr, "hiredis_bench: redisAppendCommand: %s\n", c->errstr);
      return false;
    }
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    void* p = nullptr;
    if (redisGetReply(c, &p) != REDIS_OK || p == nullptr) {
      std::fprintf(stderr, "hiredis_bench: redisGetReply: %s\n", c->errstr);
      return false;
    }
    auto* reply = static_cast<redisReply*>(p);
    const bool ok = reply->type == REDIS_REPLY_STATUS && reply->len == 2 && std::memcmp(reply->str, "OK", 2) == 0;
    if (!ok)
      std::fprintf(stderr, "hiredis_bench: unexpected reply type %d: %.*s\n", reply->type,
                   reply->str ? static_cast<int>(reply->len) : 0, reply->str ? reply->str : "");
    freeReplyObject(reply);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);

  // bench:key:<i mod 10000> for i = 0..N-1, formatted once so the timed loop measures the client.
  std::vector<std::string> keys;
  keys.reserve(o.depth);
  for (std::size_t i = 0; i < o.depth; ++i) keys.push_back("bench:key:" + std::to_string(i % kKeySpace));

  redisContext* c = redisConnect(o.host.c_str(), o.port);
  if (c == nullptr || c->err) {
    std::fprintf(stderr, "hiredis_bench: cannot connect to %s:%d: %s\n", o.host.c_str(), o.port,
                 c ? c->errstr : "cannot allocate a context");
    if (c) redisFree(c);
    return 1;
  }
  // As glide_bench's request_timeout: a 1000-command step on a loaded machine must not time out.
  const timeval timeout{5, 0};
  redisSetTimeout(c, timeout);

  int status = 0;
  for (auto end = Clock::now() + secs(o.warmup); status == 0 && Clock::now() < end;)
    if (!step(c, keys)) status = 1;
  std::uint64_t ops = 0;
  const double cpu_before = bench::cpu_seconds();
  const auto start = Clock::now();
  const auto end = start + secs(o.seconds);
  auto now = start;
  while (status == 0 && now < end) {
    if (!step(c, keys)) status = 1;
    ops += o.depth;
    now = Clock::now();
  }
  const double cpu = bench::cpu_seconds() - cpu_before;
  redisFree(c);
  if (status != 0) return status;

  const double elapsed = std::chrono::duration<double>(now - start).count();
  std::printf("result impl=hiredis mode=pipeline depth=%zu seconds=%.2f ops=%llu ops_per_sec=%.0f cpu_us_per_op=%.3f\n", o.depth,
              elapsed, static_cast<unsigned long long>(ops), static_cast<double>(ops) / elapsed,
              cpu * 1e6 / static_cast<double>(ops ? ops : 1));
  std::fflush(stdout);
  return 0;
}
