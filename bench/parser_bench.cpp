// parser_bench: replies parsed per second by glide-cpp's reply parser (glide::detail::RespParser)
// and by hiredis's (redisReader), on the same RESP2 bytes, read from a simulated socket the way
// each client reads a real one. No server: this isolates the parsing and reply building.
//
//   parser_bench [--seconds S] [--warmup S] [--rounds R] [--chunk BYTES] [--case small|array|big]...
//                [--impl glide-cpp|hiredis]
//
// Cases (each "pass" hands the bytes below to the reader, then the next pass the same again):
//   small  10000 replies cycling "+OK\r\n", ":12345\r\n" and "$16\r\n0123456789abcdef\r\n"
//          (a pipeline of SET/INCR/GET replies)                         -> replies per second
//   array  10 arrays of 1000 bulk strings of 16 bytes (LRANGE-like)     -> arrays per second
//   big    one bulk string of 1 MiB (a GET of a large value)            -> replies per second
//
// The socket: every read returns at most --chunk bytes (default 64 KiB: what a loopback socket
// typically has ready when the server writes faster than the client reads), copied out as read(2)
// would, and never more than the reader asks for. The readers:
//   glide-cpp  core/src/node_connection.cpp's own glide::detail::ReplyReader: reads into its
//              prepare()d space (at least 4 KiB, or what the reply being parsed still needs),
//              then next()/take() until need_more;
//   hiredis    as hiredis's blocking redisGetReply()/redisBufferRead(): read(2) of up to 16 KiB
//              into a stack buffer, redisReaderFeed(), then redisReaderGetReply() until it has
//              no reply, freeReplyObject() on each.
// Both build their full reply objects (glide::Value / redisReply) and free them. So `big` measures
// each client's read-buffer policy (growing, copying and giving back the buffer) as much as the
// parser itself.
//
// Each case is measured --seconds (default 1) per implementation after a --warmup (0.2 s), with a
// fresh parser/reader, --rounds times (default 1) with the order of the two flipped between cases
// and rounds; the best round is printed, one line per case and implementation, then the ratios:
//   result impl=glide-cpp mode=parser case=small seconds=1.00 ops=... ops_per_sec=...
//   result impl=hiredis mode=parser case=small seconds=1.00 ops=... ops_per_sec=...
//   ratio mode=parser case=small glide-cpp/hiredis=1.23
// --impl measures one side only (to profile it; no ratio lines then). Progress goes to stderr.
// Errors (a parse error, or the two disagreeing on what they parsed) make the exit status non-zero.
#include "bench_cli.hpp"

#include <glide/detail/reply_reader.hpp>
#include <glide/value.hpp>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

using bench::Clock;
using bench::secs;

namespace {

struct Options {
  double seconds = 1.0;
  double warmup = 0.2;
  std::size_t rounds = 1;
  std::size_t chunk = 65536;
  std::vector<std::string> cases;
  std::string impl;  // empty: both
};

const std::vector<std::string> kCases = {"small", "array", "big"};


[[noreturn]] void fail(const std::string& msg) {
  std::fprintf(stderr, "parser_bench: %s\n", msg.c_str());
  std::exit(1);
}

Options parse_options(int argc, char** argv) {
  Options o;
  bench::CommandLine cl("parser_bench",
                        "parser_bench [--seconds S] [--warmup S] [--rounds R] [--chunk BYTES] "
                        "[--case small|array|big]... [--impl glide-cpp|hiredis]",
                        argc, argv);
  while (cl.next()) {
    if (cl.common_flag(o)) continue;
    const std::string_view a = cl.arg();
    if (a == "--rounds") {
      o.rounds = cl.count();
    } else if (a == "--chunk") {
      o.chunk = cl.count();
    } else if (a == "--case") {
      const std::string c = cl.text();
      if (std::find(kCases.begin(), kCases.end(), c) == kCases.end()) cl.usage("unknown case: " + c);
      o.cases.push_back(c);
    } else if (a == "--impl") {
      o.impl = cl.text();
      if (o.impl != "glide-cpp" && o.impl != "hiredis") cl.usage("unknown impl: " + o.impl);
    } else {
      cl.usage("unknown argument: " + std::string(a));
    }
  }
  if (o.seconds <= 0) cl.usage("--seconds must be positive");
  if (o.cases.empty()) o.cases = kCases;
  return o;
}

// ---- the input -----------------------------------------------------------------------------------

constexpr std::string_view kValue = "0123456789abcdef";  // 16 bytes

void append_bulk(std::string& out, std::string_view s) {
  out += '$';
  out += std::to_string(s.size());
  out += "\r\n";
  out += s;
  out += "\r\n";
}

// The bytes of one pass of a case, and how many replies they hold.
struct Input {
  std::string wire;
  std::uint64_t replies = 0;
};

Input make_input(const std::string& name) {
  Input in;
  if (name == "small") {
    for (int i = 0; i < 10000; ++i) {
      switch (i % 3) {
        case 0: in.wire += "+OK\r\n"; break;
        case 1: in.wire += ":12345\r\n"; break;
        default: append_bulk(in.wire, kValue); break;
      }
    }
    in.replies = 10000;
  } else if (name == "array") {
    for (int a = 0; a < 10; ++a) {
      in.wire += "*1000\r\n";
      for (int i = 0; i < 1000; ++i) append_bulk(in.wire, kValue);
    }
    in.replies = 10;
  } else {
    std::string big(1u << 20, 'x');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    append_bulk(in.wire, big);
    in.replies = 1;
  }
  return in;
}

// What one pass parsed, to check that both parsers saw the same replies. The timed passes count
// only replies and top-level elements (O(1) per reply on both sides); the check pass before
// the measurements also sums every string's length.
struct Tally {
  std::uint64_t replies = 0;
  std::uint64_t elements = 0;
  std::uint64_t integers = 0;
  std::uint64_t string_bytes = 0;
  bool operator==(const Tally&) const = default;
};

// ---- the socket ----------------------------------------------------------------------------------

// Hands out the bytes of one pass as reads of a socket would: at most `chunk` bytes and at most
// what the reader asks for per read, copied into the reader's buffer.
class Socket {
 public:
  Socket(std::string_view bytes, std::size_t chunk) : rest_(bytes), chunk_(chunk) {}
  bool drained() const noexcept { return rest_.empty(); }
  std::size_t read_some(char* dst, std::size_t max) {
    const std::size_t n = std::min({max, chunk_, rest_.size()});
    std::memcpy(dst, rest_.data(), n);
    rest_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view rest_;
  std::size_t chunk_;
};

// ---- glide-cpp ----------------------------------------------------------------------------------

// core/src/node_connection.cpp's read path (start_read, on_read, parse_buffered): the same
// ReplyReader, without the socket and the request bookkeeping.
class GlideReader {
 public:
  static constexpr const char* name = "glide-cpp";

  void pass(std::string_view bytes, std::size_t chunk, Tally& t, bool full) {
    Socket socket(bytes, chunk);
    while (!socket.drained()) {
      const auto space = reader_.prepare();  // start_read()
      reader_.commit(socket.read_some(space.data(), space.size()));
      while (true) {  // on_read() -> parse_buffered()
        const auto status = reader_.next();
        if (status == glide::detail::RespParser::Status::need_more) break;
        if (status == glide::detail::RespParser::Status::error)
          fail("glide-cpp parse error: " + std::string(reader_.error().message()));
        const glide::Value v = reader_.take();
        count(v, t, full);
      }
    }
  }

 private:
  static void count(const glide::Value& v, Tally& t, bool full) {
    ++t.replies;
    switch (v.kind()) {
      case glide::ValueKind::integer: ++t.integers; break;
      case glide::ValueKind::array:
        t.elements += v.items().size();
        if (full)
          for (const glide::Value& item : v.items()) t.string_bytes += item.str().size();
        break;
      default:
        if (full) t.string_bytes += v.str().size();
        break;
    }
  }

  glide::detail::ReplyReader reader_;
};

// ---- hiredis ------------------------------------------------------------------------------------

// hiredis's blocking redisGetReply(): replies from the reader until it has none, then
// redisBufferRead(), which reads up to 16 KiB into a stack buffer and feeds it to the reader.
class HiredisReader {
 public:
  static constexpr const char* name = "hiredis";

  HiredisReader() : reader_(redisReaderCreate()) {
    if (!reader_) fail("redisReaderCreate failed");
  }
  ~HiredisReader() { redisReaderFree(reader_); }
  HiredisReader(const HiredisReader&) = delete;
  HiredisReader& operator=(const HiredisReader&) = delete;

  void pass(std::string_view bytes, std::size_t chunk, Tally& t, bool full) {
    Socket socket(bytes, chunk);
    char buf[1024 * 16];
    while (!socket.drained()) {
      const std::size_t n = socket.read_some(buf, sizeof buf);
      if (redisReaderFeed(reader_, buf, n) != REDIS_OK) fail(std::string("redisReaderFeed: ") + reader_->errstr);
      while (true) {
        void* reply = nullptr;
        if (redisReaderGetReply(reader_, &reply) != REDIS_OK)
          fail(std::string("hiredis parse error: ") + reader_->errstr);
        if (reply == nullptr) break;
        count(*static_cast<const redisReply*>(reply), t, full);
        freeReplyObject(reply);
      }
    }
  }

 private:
  static void count(const redisReply& r, Tally& t, bool full) {
    ++t.replies;
    switch (r.type) {
      case REDIS_REPLY_INTEGER: ++t.integers; break;
      case REDIS_REPLY_ARRAY:
        t.elements += r.elements;
        if (full)
          for (std::size_t i = 0; i < r.elements; ++i) t.string_bytes += static_cast<std::size_t>(r.element[i]->len);
        break;
      default:
        if (full) t.string_bytes += static_cast<std::size_t>(r.len);
        break;
    }
  }

  redisReader* reader_;
};

// ---- measuring -----------------------------------------------------------------------------------

struct Measured {
  std::uint64_t ops = 0;  // replies
  double elapsed = 0;     // seconds
  double rate() const { return elapsed > 0 ? static_cast<double>(ops) / elapsed : 0; }
};

template <class Reader>
Tally check_pass(const Input& in, std::size_t chunk) {
  Reader r;
  Tally t;
  r.pass(in.wire, chunk, t, true);
  r.pass(in.wire, chunk, t, true);  // twice: the second starts from the state the first left
  if (t.replies != 2 * in.replies)
    fail(std::string(Reader::name) + ": " + std::to_string(t.replies) + " replies, expected " +
         std::to_string(2 * in.replies));
  return t;
}

template <class Reader>
Measured measure(const Input& in, const Options& o) {
  Reader r;  // a fresh parser/reader, as a new connection
  Tally t;
  for (auto end = Clock::now() + secs(o.warmup); Clock::now() < end;) r.pass(in.wire, o.chunk, t, false);
  t = Tally{};
  const auto start = Clock::now();
  const auto end = start + secs(o.seconds);
  auto now = start;
  while (now < end) {
    r.pass(in.wire, o.chunk, t, false);
    now = Clock::now();
  }
  return {t.replies, std::chrono::duration<double>(now - start).count()};
}

void print(const char* impl, const std::string& name, const Measured& m) {
  std::printf("result impl=%s mode=parser case=%s seconds=%.2f ops=%llu ops_per_sec=%.0f\n", impl, name.c_str(),
              m.elapsed, static_cast<unsigned long long>(m.ops), m.rate());
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);

  std::map<std::string, Input> inputs;
  for (const std::string& name : o.cases) {
    Input& in = inputs[name] = make_input(name);
    const Tally g = check_pass<GlideReader>(in, o.chunk);
    const Tally h = check_pass<HiredisReader>(in, o.chunk);
    if (!(g == h)) fail("case " + name + ": glide-cpp and hiredis parsed different replies");
  }

  std::map<std::string, Measured> best_glide, best_hiredis;
  for (std::size_t round = 1; round <= o.rounds; ++round) {
    for (std::size_t c = 0; c < o.cases.size(); ++c) {
      const std::string& name = o.cases[c];
      const Input& in = inputs[name];
      for (int k = 0; k < 2; ++k) {
        // Alternate which goes first, between cases and between rounds.
        const bool glide_now = (k == 0) == ((c + round) % 2 == 1);
        if (!o.impl.empty() && (o.impl == GlideReader::name) != glide_now) continue;
        const Measured m = glide_now ? measure<GlideReader>(in, o) : measure<HiredisReader>(in, o);
        Measured& best = glide_now ? best_glide[name] : best_hiredis[name];
        std::fprintf(stderr, "[parser_bench] round %zu/%zu case=%s %s: %.0f replies/s\n", round, o.rounds,
                     name.c_str(), glide_now ? GlideReader::name : HiredisReader::name, m.rate());
        if (m.rate() > best.rate()) best = m;
      }
    }
  }

  for (const std::string& name : o.cases) {
    if (o.impl != HiredisReader::name) print(GlideReader::name, name, best_glide[name]);
    if (o.impl != GlideReader::name) print(HiredisReader::name, name, best_hiredis[name]);
  }
  if (o.impl.empty())
    for (const std::string& name : o.cases)
      std::printf("ratio mode=parser case=%s glide-cpp/hiredis=%.2f\n", name.c_str(),
                  best_glide[name].rate() / best_hiredis[name].rate());
  std::fflush(stdout);
  return 0;
}
