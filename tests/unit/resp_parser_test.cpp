#include <glide/command.hpp>
#include <glide/detail/reply_reader.hpp>
#include <glide/detail/resp.hpp>

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <string>
#include <vector>

using namespace std::string_literals;
using glide::Command;
using glide::Value;
using glide::ValueKind;
using glide::detail::ParserLimits;
using glide::detail::RespParser;

// ---- allocation watch ----------------------------------------------------------------------------
// The parser must never allocate from a length the peer declared (a hostile "$1099511627776" or
// "*2147483648" costs the peer a few bytes). This binary's operator new records the largest single
// allocation while a test asks it to.
namespace {
std::atomic<bool> g_watch_allocations{false};
std::atomic<std::size_t> g_largest_allocation{0};

struct AllocationWatch {
  AllocationWatch() {
    g_largest_allocation = 0;
    g_watch_allocations = true;
  }
  ~AllocationWatch() { g_watch_allocations = false; }
  AllocationWatch(const AllocationWatch&) = delete;
  AllocationWatch& operator=(const AllocationWatch&) = delete;
  std::size_t largest() const { return g_largest_allocation; }
};
}  // namespace

void* operator new(std::size_t n) {
  if (g_watch_allocations.load(std::memory_order_relaxed)) {
    std::size_t seen = g_largest_allocation.load(std::memory_order_relaxed);
    while (n > seen && !g_largest_allocation.compare_exchange_weak(seen, n)) {
    }
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

// ---- helpers ---------------------------------------------------------------------------------------
namespace {

// For INFO messages: the wire bytes with CR, LF, NUL... escaped (Value prints strings escaped).
Value shown(std::string_view wire) { return Value::bulk_string(std::string(wire)); }

std::string bulk(std::string_view payload) { return "$" + std::to_string(payload.size()) + "\r\n" + std::string(payload) + "\r\n"; }

// Equality that also holds for NaN doubles (Value's operator== follows IEEE: NaN != NaN).
bool same(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::double_number: {
      const double x = a.as_double().value(), y = b.as_double().value();
      return (std::isnan(x) && std::isnan(y)) || (x == y && std::signbit(x) == std::signbit(y));
    }
    case ValueKind::array:
    case ValueKind::set:
    case ValueKind::push:
      if (a.items().size() != b.items().size()) return false;
      for (std::size_t i = 0; i < a.items().size(); ++i)
        if (!same(a.items()[i], b.items()[i])) return false;
      return true;
    case ValueKind::map:
      if (a.entries().size() != b.entries().size()) return false;
      for (std::size_t i = 0; i < a.entries().size(); ++i)
        if (!same(a.entries()[i].first, b.entries()[i].first) || !same(a.entries()[i].second, b.entries()[i].second))
          return false;
      return true;
    default: return a == b;
  }
}

// Parses `wire` fed in two pieces split at `split`; returns the one reply it holds.
Value parse_split(std::string_view wire, std::size_t split, ParserLimits limits = {}) {
  RespParser parser(limits);
  std::string buffer(wire.substr(0, split));
  std::size_t consumed = 0;
  auto status = parser.parse(buffer, consumed);
  REQUIRE(status != RespParser::Status::error);
  REQUIRE(consumed <= buffer.size());
  buffer.erase(0, consumed);
  if (status == RespParser::Status::done) {
    REQUIRE(split == wire.size());
    REQUIRE(buffer.empty());
    return parser.take();
  }
  buffer.append(wire.substr(split));
  status = parser.parse(buffer, consumed);
  REQUIRE(status == RespParser::Status::done);
  REQUIRE(consumed == buffer.size());
  return parser.take();
}

// Feeds `wire` one byte per parse call, keeping the unconsumed bytes as a connection would.
Value parse_bytewise(std::string_view wire, ParserLimits limits = {}) {
  RespParser parser(limits);
  std::string buffer;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    buffer.push_back(wire[i]);
    std::size_t consumed = 0;
    const auto status = parser.parse(buffer, consumed);
    REQUIRE(status != RespParser::Status::error);
    REQUIRE(consumed <= buffer.size());
    buffer.erase(0, consumed);
    if (status == RespParser::Status::done) {
      REQUIRE(i + 1 == wire.size());
      REQUIRE(buffer.empty());
      return parser.take();
    }
  }
  FAIL("the reply never completed");
  return {};
}

// Checks that `wire` parses to `expected` whole, split in two at every byte boundary, and byte
// by byte.
void check_all_ways(std::string_view wire, const Value& expected, ParserLimits limits = {}) {
  INFO("wire " << shown(wire) << " expected " << expected);
  for (std::size_t split = 0; split <= wire.size(); ++split) {
    INFO("split at " << split);
    const Value got = parse_split(wire, split, limits);
    CHECK(same(got, expected));
  }
  const Value got = parse_bytewise(wire, limits);
  CHECK(same(got, expected));
}

// Checks that `wire` is rejected as a protocol error whether it arrives whole, split at any byte
// boundary, or byte by byte, and that the parser works again after reset().
void check_malformed(std::string_view wire, ParserLimits limits = {}) {
  INFO("wire " << shown(wire));
  for (std::size_t split = 0; split <= wire.size(); ++split) {
    INFO("split at " << split);
    RespParser parser(limits);
    std::string buffer(wire.substr(0, split));
    std::size_t consumed = 0;
    auto status = parser.parse(buffer, consumed);
    REQUIRE(status != RespParser::Status::done);
    if (status == RespParser::Status::need_more) {
      buffer.erase(0, consumed);
      buffer.append(wire.substr(split));
      status = parser.parse(buffer, consumed);
    }
    REQUIRE(status == RespParser::Status::error);
    CHECK(parser.error().code() == glide::errc::protocol_error);
    CHECK_FALSE(parser.error().message().empty());
    parser.reset();
    REQUIRE(parser.parse("+OK\r\n", consumed) == RespParser::Status::done);
    CHECK(parser.take() == "OK");
  }
  RespParser parser(limits);
  std::string buffer;
  auto status = RespParser::Status::need_more;
  for (std::size_t i = 0; i < wire.size() && status == RespParser::Status::need_more; ++i) {
    buffer.push_back(wire[i]);
    std::size_t consumed = 0;
    status = parser.parse(buffer, consumed);
    buffer.erase(0, consumed);
  }
  CHECK(status == RespParser::Status::error);
}

Value set(Value::Array items) { return Value::aggregate(ValueKind::set, std::move(items)); }
Value push(Value::Array items) { return Value::aggregate(ValueKind::push, std::move(items)); }

struct Case {
  std::string wire;
  Value expected;
};

}  // namespace

// ---- every type, every split -----------------------------------------------------------------------

TEST_CASE("parser: a nested RESP3 reply split at every byte boundary", "[unit][resp]") {
  const std::string wire =
      "*3\r\n%1\r\n+key\r\n$5\r\nva\r\nl\r\n~2\r\n:-7\r\n,1.5\r\n|1\r\n+ttl\r\n:3\r\n#t\r\n";
  const Value expected = Value::array({
      Value::map({{Value::simple_string("key"), Value::bulk_string("va\r\nl")}}),
      Value::aggregate(glide::ValueKind::set, {Value::integer(-7), Value::double_number(1.5)}),
      Value::boolean(true),
  });
  for (std::size_t split = 0; split <= wire.size(); ++split) {
    INFO("split at " << split);
    CHECK(parse_split(wire, split) == expected);
  }
}

TEST_CASE("parser: simple strings, bulk strings and nulls, at every split and byte by byte", "[unit][resp]") {
  const std::string binary = "a\r\nb\0c\r\n\xff\xfe\r"s;
  const std::vector<Case> cases = {
      {"+OK\r\n", Value::simple_string("OK")},
      {"+\r\n", Value::simple_string("")},
      {"+hello world\r\n", Value::simple_string("hello world")},
      {"$5\r\nhello\r\n", Value::bulk_string("hello")},
      {"$0\r\n\r\n", Value::bulk_string("")},
      {bulk(binary), Value::bulk_string(binary)},
      {bulk("\r\n"), Value::bulk_string("\r\n")},
      {bulk("\0"s), Value::bulk_string("\0"s)},
      {bulk(std::string(300, '\0')), Value::bulk_string(std::string(300, '\0'))},
      {"$-1\r\n", Value::nil()},
      {"*-1\r\n", Value::nil()},
      {"_\r\n", Value::nil()},
  };
  for (const auto& c : cases) check_all_ways(c.wire, c.expected);
  CHECK(parse_bytewise("$-1\r\n").kind() == ValueKind::nil);
  CHECK(parse_bytewise("$0\r\n\r\n").kind() == ValueKind::bulk_string);
  CHECK(parse_bytewise("+OK\r\n").kind() == ValueKind::simple_string);
}

TEST_CASE("parser: integers, doubles, booleans and big numbers", "[unit][resp]") {
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Case> cases = {
      {":0\r\n", Value::integer(0)},
      {":1000\r\n", Value::integer(1000)},
      {":-42\r\n", Value::integer(-42)},
      {":+7\r\n", Value::integer(7)},
      {":-0\r\n", Value::integer(0)},
      {":9223372036854775807\r\n", Value::integer(max)},
      {":-9223372036854775808\r\n", Value::integer(min)},
      {",1.5\r\n", Value::double_number(1.5)},
      {",-2.25\r\n", Value::double_number(-2.25)},
      {",0\r\n", Value::double_number(0)},
      {",10\r\n", Value::double_number(10)},
      {",+3.5\r\n", Value::double_number(3.5)},
      {",inf\r\n", Value::double_number(inf)},
      {",+inf\r\n", Value::double_number(inf)},
      {",-inf\r\n", Value::double_number(-inf)},
      {",1e10\r\n", Value::double_number(1e10)},
      {",1.5E-3\r\n", Value::double_number(1.5e-3)},
      {",-1.23e+5\r\n", Value::double_number(-1.23e5)},
      {",1.7976931348623157e308\r\n", Value::double_number(std::numeric_limits<double>::max())},
      {",3.14159265358979\r\n", Value::double_number(3.14159265358979)},
      {",nan\r\n", Value::double_number(std::nan(""))},
      {",-nan\r\n", Value::double_number(std::nan(""))},
      {"#t\r\n", Value::boolean(true)},
      {"#f\r\n", Value::boolean(false)},
      {"(3492890328409238509324850943850943825024385\r\n",
       Value::big_number("3492890328409238509324850943850943825024385")},
      {"(-3492890328409238509324850943850943825024385\r\n",
       Value::big_number("-3492890328409238509324850943850943825024385")},
      {"(0\r\n", Value::big_number("0")},
  };
  for (const auto& c : cases) check_all_ways(c.wire, c.expected);

  // NaN compares unequal to itself: check it is a NaN double explicitly.
  auto nan = parse_bytewise(",nan\r\n");
  REQUIRE(nan.kind() == ValueKind::double_number);
  CHECK(std::isnan(nan.as_double().value()));
  CHECK(parse_bytewise("#f\r\n").as_bool().value() == false);
  CHECK(parse_bytewise(":-9223372036854775808\r\n").as_int().value() == min);
}

TEST_CASE("parser: verbatim strings, blob errors and simple errors", "[unit][resp]") {
  const std::vector<Case> cases = {
      {"=15\r\ntxt:Some string\r\n", Value::verbatim_string("txt:Some string")},
      {"=4\r\nmkd:\r\n", Value::verbatim_string("mkd:")},
      {"=9\r\ntxt:a\r\nb\0\r\n"s, Value::verbatim_string("txt:a\r\nb\0"s)},
      {"!21\r\nSYNTAX invalid syntax\r\n", Value::error("SYNTAX invalid syntax")},
      {"!0\r\n\r\n", Value::error("")},
      {"!13\r\nERR a\r\nb\0cdef\r\n"s, Value::error("ERR a\r\nb\0cdef"s)},
      {"-ERR unknown command 'foo'\r\n", Value::error("ERR unknown command 'foo'")},
      {"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
       Value::error("WRONGTYPE Operation against a key holding the wrong kind of value")},
      {"-\r\n", Value::error("")},
  };
  for (const auto& c : cases) check_all_ways(c.wire, c.expected);

  auto verbatim = parse_bytewise("=15\r\ntxt:Some string\r\n");
  CHECK(verbatim.kind() == ValueKind::verbatim_string);
  CHECK(verbatim.as_string().value() == "Some string");
  auto err = parse_bytewise("-WRONGTYPE Operation against a key\r\n");
  REQUIRE(err.as_error());
  CHECK(err.as_error()->code() == glide::errc::wrong_type);
}

TEST_CASE("parser: arrays, maps, sets, pushes, empty and nested aggregates", "[unit][resp]") {
  const std::vector<Case> cases = {
      {"*3\r\n:1\r\n:2\r\n:3\r\n", Value::array({Value::integer(1), Value::integer(2), Value::integer(3)})},
      {"*0\r\n", Value::array({})},
      {"%0\r\n", Value::map({})},
      {"~0\r\n", set({})},
      {">0\r\n", push({})},
      {"*2\r\n$-1\r\n*-1\r\n", Value::array({Value::nil(), Value::nil()})},
      {"*3\r\n$3\r\nfoo\r\n_\r\n$0\r\n\r\n", Value::array({Value::bulk_string("foo"), Value::nil(), Value::bulk_string("")})},
      {"*2\r\n+OK\r\n-ERR inside\r\n", Value::array({Value::simple_string("OK"), Value::error("ERR inside")})},
      {"%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
       Value::map({{Value::simple_string("first"), Value::integer(1)}, {Value::simple_string("second"), Value::integer(2)}})},
      {"%1\r\n*2\r\n:1\r\n:2\r\n%1\r\n#t\r\n_\r\n",
       Value::map({{Value::array({Value::integer(1), Value::integer(2)}), Value::map({{Value::boolean(true), Value::nil()}})}})},
      {"~3\r\n+orange\r\n+apple\r\n#t\r\n",
       set({Value::simple_string("orange"), Value::simple_string("apple"), Value::boolean(true)})},
      {">3\r\n+message\r\n+chan\r\n$5\r\nhello\r\n",
       push({Value::simple_string("message"), Value::simple_string("chan"), Value::bulk_string("hello")})},
      {"*1\r\n*1\r\n*1\r\n*1\r\n*0\r\n", Value::array({Value::array({Value::array({Value::array({Value::array({})})})})})},
      {"*4\r\n*0\r\n%0\r\n~0\r\n*1\r\n*0\r\n",
       Value::array({Value::array({}), Value::map({}), set({}), Value::array({Value::array({})})})},
      {"*2\r\n*3\r\n:1\r\n$1\r\nx\r\n~1\r\n,2.5\r\n%1\r\n=5\r\ntxt:k\r\n>2\r\n(12\r\n!3\r\nE x\r\n",
       Value::array({Value::array({Value::integer(1), Value::bulk_string("x"), set({Value::double_number(2.5)})}),
                     Value::map({{Value::verbatim_string("txt:k"),
                                  push({Value::big_number("12"), Value::error("E x")})}})})},
  };
  for (const auto& c : cases) check_all_ways(c.wire, c.expected);
  CHECK(parse_bytewise("~0\r\n").kind() == ValueKind::set);
  CHECK(parse_bytewise(">0\r\n").kind() == ValueKind::push);
  CHECK(parse_bytewise("%0\r\n").kind() == ValueKind::map);
}

TEST_CASE("parser: attributes are dropped and the value after them is returned", "[unit][resp]") {
  const Value pair = Value::array({Value::integer(2039123), Value::integer(9543892)});
  const std::vector<Case> cases = {
      // The example of the RESP3 specification.
      {"|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n", pair},
      {"|1\r\n+a\r\n+b\r\n:5\r\n", Value::integer(5)},
      {"|0\r\n:5\r\n", Value::integer(5)},
      // An attribute on the attribute's own value: both dropped, the reply follows.
      {"|1\r\n+a\r\n|1\r\n+b\r\n+c\r\n$1\r\nx\r\n$1\r\ny\r\n", Value::bulk_string("y")},
      {"|2\r\n+a\r\n*1\r\n:1\r\n+b\r\n%0\r\n_\r\n", Value::nil()},
      // Inside aggregates: an attribute does not count as an element.
      {"*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n", Value::array({Value::integer(1), Value::integer(2)})},
      {"*2\r\n:1\r\n|1\r\n+a\r\n+b\r\n:2\r\n", Value::array({Value::integer(1), Value::integer(2)})},
      {"%1\r\n|1\r\n+a\r\n+b\r\n+k\r\n|1\r\n+c\r\n+d\r\n+v\r\n",
       Value::map({{Value::simple_string("k"), Value::simple_string("v")}})},
      // An attribute inside an attribute's value.
      {"*1\r\n|1\r\n+a\r\n*1\r\n|1\r\n+nested\r\n+attr\r\n:9\r\n*0\r\n", Value::array({Value::array({})})},
  };
  for (const auto& c : cases) check_all_ways(c.wire, c.expected);
}

// ---- streams of replies ---------------------------------------------------------------------------

TEST_CASE("parser: several replies in one buffer are parsed one after the other", "[unit][resp]") {
  const std::vector<Case> replies = {
      {"+OK\r\n", Value::simple_string("OK")},
      {"$3\r\nf\0o\r\n"s, Value::bulk_string("f\0o"s)},
      {":-3\r\n", Value::integer(-3)},
      {"*2\r\n$1\r\na\r\n_\r\n", Value::array({Value::bulk_string("a"), Value::nil()})},
      {"$-1\r\n", Value::nil()},
      {">2\r\n+pubsub\r\n:1\r\n", push({Value::simple_string("pubsub"), Value::integer(1)})},
      {"-ERR x\r\n", Value::error("ERR x")},
      {"|1\r\n+a\r\n+b\r\n#t\r\n", Value::boolean(true)},
      {"%1\r\n+k\r\n,2.5\r\n", Value::map({{Value::simple_string("k"), Value::double_number(2.5)}})},
      {"*0\r\n", Value::array({})},
  };
  std::string stream;
  for (const auto& r : replies) stream += r.wire;

  SECTION("one buffer holding all of them") {
    RespParser parser;
    std::string_view rest = stream;
    for (const auto& r : replies) {
      INFO("reply " << shown(r.wire));
      std::size_t consumed = 0;
      REQUIRE(parser.parse(rest, consumed) == RespParser::Status::done);
      CHECK(consumed == r.wire.size());
      CHECK(parser.take() == r.expected);
      rest.remove_prefix(consumed);
    }
    std::size_t consumed = 99;
    CHECK(parser.parse(rest, consumed) == RespParser::Status::need_more);
    CHECK(consumed == 0);
  }

  SECTION("the stream fed in chunks of every size") {
    for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
      INFO("chunk size " << chunk);
      RespParser parser;
      std::string buffer;
      std::vector<Value> got;
      for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
        buffer.append(stream.substr(pos, chunk));
        while (true) {
          std::size_t consumed = 0;
          const auto status = parser.parse(buffer, consumed);
          REQUIRE(status != RespParser::Status::error);
          buffer.erase(0, consumed);
          if (status == RespParser::Status::need_more) break;
          got.push_back(parser.take());
        }
      }
      CHECK(buffer.empty());
      REQUIRE(got.size() == replies.size());
      for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == replies[i].expected);
    }
  }
}

TEST_CASE("parser: an incomplete element stays unconsumed, finished elements are kept", "[unit][resp]") {
  RespParser parser;
  std::string buffer = "*3\r\n:1\r\n$5\r\nhel";
  std::size_t consumed = 0;
  REQUIRE(parser.parse(buffer, consumed) == RespParser::Status::need_more);
  CHECK(consumed == 8);  // "*3\r\n:1\r\n": the bulk string is offered again when complete
  buffer.erase(0, consumed);
  buffer += "lo\r\n:3";
  REQUIRE(parser.parse(buffer, consumed) == RespParser::Status::need_more);
  CHECK(consumed == 11);  // the bulk string; ":3" waits for its CRLF
  buffer.erase(0, consumed);
  buffer += "\r\n+next\r\n";
  REQUIRE(parser.parse(buffer, consumed) == RespParser::Status::done);
  CHECK(consumed == 4);
  CHECK(parser.take() == Value::array({Value::integer(1), Value::bulk_string("hello"), Value::integer(3)}));
  buffer.erase(0, consumed);
  REQUIRE(parser.parse(buffer, consumed) == RespParser::Status::done);
  CHECK(parser.take() == "next");

  // Nothing at all, and a type byte alone, are simply incomplete.
  CHECK(parser.parse("", consumed) == RespParser::Status::need_more);
  CHECK(consumed == 0);
  CHECK(parser.parse("$", consumed) == RespParser::Status::need_more);
  CHECK(consumed == 0);
  CHECK(parser.parse("+OK\r", consumed) == RespParser::Status::need_more);
  CHECK(consumed == 0);
}

// ---- malformed input -------------------------------------------------------------------------------

TEST_CASE("parser: malformed replies are protocol errors", "[unit][resp]") {
  const std::vector<std::string> malformed = {
      // unknown type bytes
      "?what\r\n", "x\r\n", " OK\r\n", "\r\n", "\0\r\n"s, "\xff\r\n", "OK\r\n",
      // integers
      ":\r\n", ":abc\r\n", ":12a\r\n", ":1.5\r\n", ": 1\r\n", ":1 \r\n", ":--1\r\n", ":+-1\r\n", ":-\r\n", ":+\r\n",
      ":0x10\r\n", ":9223372036854775808\r\n", ":-9223372036854775809\r\n", ":99999999999999999999\r\n",
      // doubles
      ",\r\n", ",abc\r\n", ",1.5.5\r\n", ",1,5\r\n", ",1e\r\n", ",--1\r\n", ",+-1\r\n", ", 1\r\n", ",0x10\r\n", ",1.5x\r\n",
      ",+\r\n", ",-\r\n", ",in\r\n",
      // booleans
      "#\r\n", "#x\r\n", "#tt\r\n", "#T\r\n", "#1\r\n", "#true\r\n",
      // big numbers
      "(\r\n", "(12a\r\n", "(-\r\n", "(+\r\n", "(1.5\r\n", "( 1\r\n", "(1e5\r\n",
      // RESP3 null with a payload
      "_x\r\n", "_ \r\n",
      // lengths: malformed, or negative other than -1 (which only $ and * may use)
      "$\r\n", "$abc\r\n", "$1.5\r\n", "$-2\r\n", "$-9223372036854775808\r\n", "$99999999999999999999\r\n",
      "=-1\r\n", "!-1\r\n", "=-2\r\n", "*-2\r\n", "*x\r\n", "*\r\n", "%-1\r\n", "%1.5\r\n", "~-1\r\n", ">-1\r\n",
      "|-1\r\n", "*-9223372036854775808\r\n",
      // bulk payloads not terminated by CRLF
      "$3\r\nabcd\r\n", "$3\r\nabcXY", "$3\r\nab\r\n\r\n", "$3\r\nabc\n\r", "$0\r\nX\r\n", "$1\r\nabc", "=8\r\ntxt:abcdXY",
      "!3\r\nERR\n\n",
      // verbatim strings without a format
      "=3\r\ntxt\r\n", "=5\r\ntxt-x\r\n", "=0\r\n\r\n",
      // a CR not followed by LF
      "+OK\rX\n", "+O\rK\r\n", ":1\r:\r\n", "$3\rabc\r\n", "*1\r:1\r\n", "-ERR\r\r\n", "_\r_\r\n",
      // errors inside aggregates
      "*2\r\n:1\r\n:x\r\n", "%1\r\n+k\r\n#maybe\r\n", "*1\r\n*1\r\n?\r\n", "|1\r\n+a\r\n+b\r\n:bad\r\n",
  };
  for (const auto& wire : malformed) check_malformed(wire);
}

TEST_CASE("parser: bounded against hostile lengths and nesting", "[unit][resp]") {
  RespParser parser(glide::detail::ParserLimits{1024, 4});
  std::size_t consumed = 0;
  CHECK(parser.parse("$999999999999\r\n", consumed) == RespParser::Status::error);
  CHECK(parser.error().code() == glide::errc::protocol_error);
  parser.reset();
  CHECK(parser.parse("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", consumed) == RespParser::Status::error);
  parser.reset();
  CHECK(parser.parse("?what\r\n", consumed) == RespParser::Status::error);
}

TEST_CASE("parser: a bulk length above the limit fails without allocating it", "[unit][resp]") {
  const ParserLimits kib{1024, 128};
  const std::string huge = std::to_string(std::uint64_t{1} << 40);
  {
    AllocationWatch watch;
    for (const char type : {'$', '=', '!'}) {
      RespParser parser(kib);
      std::size_t consumed = 0;
      const std::string wire = type + huge + "\r\nabc";
      REQUIRE(parser.parse(wire, consumed) == RespParser::Status::error);
      CHECK(parser.error().code() == glide::errc::protocol_error);
    }
    CHECK(watch.largest() < 64 * 1024);
  }
  check_malformed("$" + huge + "\r\n", kib);
  check_malformed("*1\r\n$" + huge + "\r\n", kib);
  check_malformed("$1025\r\n" + std::string(1025, 'x') + "\r\n", kib);
  // A line (simple string, error...) with no CR in sight is bounded by the same limit.
  check_malformed("+" + std::string(2048, 'x'), kib);
  // The limit itself is allowed.
  const std::string at_limit(1024, '\xab');
  check_all_ways(bulk(at_limit), Value::bulk_string(at_limit), kib);
}

TEST_CASE("parser: nesting deeper than the limit is an error, not a stack overflow", "[unit][resp]") {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "*1\r\n";
  deep += ":1\r\n";
  {
    RespParser parser;  // default limits
    std::size_t consumed = 0;
    REQUIRE(parser.parse(deep, consumed) == RespParser::Status::error);
    CHECK(parser.error().code() == glide::errc::protocol_error);
  }
  {
    // The same, arriving in pieces.
    RespParser parser;
    std::string buffer;
    auto status = RespParser::Status::need_more;
    for (std::size_t pos = 0; pos < deep.size() && status == RespParser::Status::need_more; pos += 7) {
      buffer.append(deep.substr(pos, 7));
      std::size_t consumed = 0;
      status = parser.parse(buffer, consumed);
      buffer.erase(0, consumed);
    }
    CHECK(status == RespParser::Status::error);
  }

  // Exactly max_depth levels are fine; one more is not.
  const std::size_t depth = ParserLimits{}.max_depth;
  std::string at_limit;
  for (std::size_t i = 0; i < depth; ++i) at_limit += "*1\r\n";
  at_limit += ":1\r\n";
  {
    RespParser parser;
    std::size_t consumed = 0;
    REQUIRE(parser.parse(at_limit, consumed) == RespParser::Status::done);
    CHECK(consumed == at_limit.size());
    Value v = parser.take();
    std::size_t levels = 0;
    const Value* p = &v;
    while (p->kind() == ValueKind::array) {
      ++levels;
      p = &p->items().at(0);
    }
    CHECK(levels == depth);
    CHECK(*p == 1);
  }
  check_malformed("*1\r\n" + at_limit);
  check_malformed("%1\r\n+k\r\n" + at_limit);
  check_malformed("|1\r\n+k\r\n" + at_limit);
}

TEST_CASE("parser: a huge declared aggregate with few elements sent does not allocate it", "[unit][resp]") {
  const std::string count = std::to_string(std::uint64_t{1} << 31);
  const std::string elements = ":1\r\n$3\r\nabc\r\n:2\r\n";
  SECTION("with a limit that admits the count: waits for more") {
    const ParserLimits roomy{std::size_t{1} << 40, 128};
    for (const char type : {'*', '~', '>', '%'}) {
      INFO("type " << type);
      AllocationWatch watch;
      RespParser parser(roomy);
      const std::string wire = type + count + "\r\n" + elements;
      std::size_t consumed = 0;
      CHECK(parser.parse(wire, consumed) == RespParser::Status::need_more);
      CHECK(consumed == wire.size());
      CHECK(watch.largest() > 0);  // the watch sees the parser's (small, bounded) reservations
      CHECK(watch.largest() < 1024 * 1024);
    }
  }
  SECTION("with the default limits: never done, never a crash") {
    for (const char type : {'*', '~', '>', '%', '|'}) {
      INFO("type " << type);
      AllocationWatch watch;
      RespParser parser;
      const std::string wire = type + count + "\r\n" + elements;
      std::size_t consumed = 0;
      const auto status = parser.parse(wire, consumed);
      CHECK(status != RespParser::Status::done);
      if (status == RespParser::Status::error) CHECK(parser.error().code() == glide::errc::protocol_error);
      CHECK(watch.largest() < 1024 * 1024);
    }
  }
}

TEST_CASE("parser: usable again after an error and reset()", "[unit][resp]") {
  RespParser parser;
  std::size_t consumed = 0;
  REQUIRE(parser.parse("*2\r\n:1\r\n", consumed) == RespParser::Status::need_more);
  REQUIRE(parser.parse("#x\r\n", consumed) == RespParser::Status::error);
  parser.reset();
  // Nothing of the half-parsed array survives.
  REQUIRE(parser.parse("*1\r\n:7\r\n", consumed) == RespParser::Status::done);
  CHECK(parser.take() == Value::array({Value::integer(7)}));
}

// ---- encoder ---------------------------------------------------------------------------------------

TEST_CASE("encode: bulk arguments, headers and values on the wire", "[unit][resp]") {
  std::string out;
  glide::detail::append_bulk(out, "a\r\n\0"s);
  CHECK(out == "$4\r\na\r\n\0\r\n"s);
  out.clear();
  glide::detail::append_header(out, '*', 12345);
  CHECK(out == "*12345\r\n");
  CHECK(glide::detail::encode(Value::nil()) == "_\r\n");
  CHECK(glide::detail::encode(Value::simple_string("OK")) == "+OK\r\n");
  CHECK(glide::detail::encode(Value::integer(-5)) == ":-5\r\n");
  CHECK(glide::detail::encode(Value::boolean(false)) == "#f\r\n");
  CHECK(glide::detail::encode(Value::double_number(1.5)) == ",1.5\r\n");
  CHECK(glide::detail::encode(Value::double_number(-std::numeric_limits<double>::infinity())) == ",-inf\r\n");
  CHECK(glide::detail::encode(Value::double_number(std::nan(""))) == ",nan\r\n");
  CHECK(glide::detail::encode(Value::verbatim_string("txt:hi")) == "=6\r\ntxt:hi\r\n");
  CHECK(glide::detail::encode(Value::map({{Value::simple_string("k"), Value::integer(1)}})) == "%1\r\n+k\r\n:1\r\n");
  CHECK(glide::detail::encode(set({})) == "~0\r\n");
  CHECK(glide::detail::encode(push({Value::bulk_string("x")})) == ">1\r\n$1\r\nx\r\n");
  CHECK(glide::detail::encode(Value::error("ERR x")) == "-ERR x\r\n");
}

TEST_CASE("encode then parse gives the same value back, for every kind", "[unit][resp]") {
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  const double inf = std::numeric_limits<double>::infinity();
  const std::string binary = "\0\r\n\xff\x01 bytes\r"s;
  const Value scalars = Value::array({
      Value::nil(),
      Value::simple_string("OK"),
      Value::simple_string(""),
      Value::bulk_string(binary),
      Value::bulk_string(""),
      Value::verbatim_string("txt:line one\r\nline two"),
      Value::verbatim_string("mkd:"),
      Value::big_number("-123456789012345678901234567890"),
      Value::error("ERR plain"),
      Value::error("ERR multi\r\nline"),
      Value::integer(0),
      Value::integer(min),
      Value::integer(max),
      Value::double_number(1.5),
      Value::double_number(-0.25),
      Value::double_number(1e300),
      Value::double_number(0.1),
      Value::double_number(-0.0),
      Value::double_number(inf),
      Value::double_number(-inf),
      Value::double_number(std::nan("")),
      Value::double_number(std::numeric_limits<double>::min()),
      Value::boolean(true),
      Value::boolean(false),
  });
  const Value nested = Value::array({
      scalars,
      Value::array({}),
      Value::map({}),
      set({}),
      push({}),
      Value::map({
          {Value::bulk_string("k"), Value::array({Value::integer(1), Value::map({{Value::integer(2), set({Value::nil()})}})})},
          {Value::array({Value::simple_string("compound"), Value::boolean(false)}), push({Value::bulk_string(binary)})},
          {Value::nil(), scalars},
      }),
      set({Value::bulk_string("a"), Value::array({Value::array({Value::array({})})}), Value::double_number(2.5)}),
      push({Value::simple_string("message"), Value::bulk_string("channel"), Value::bulk_string(binary)}),
  });
  check_all_ways(glide::detail::encode(nested), nested);
  for (const auto& item : scalars.items()) check_all_ways(glide::detail::encode(item), item);
  for (const auto& item : nested.items()) check_all_ways(glide::detail::encode(item), item);
  const Value top_push = push({Value::simple_string("pubsub"), nested});
  check_all_ways(glide::detail::encode(top_push), top_push);
}

TEST_CASE("Command: encoded() from an rvalue gives the same bytes, in the command's own buffer", "[unit][resp]") {
  for (const Command& c : {Command{"PING"}, Command{"SET", "key", "value"}, Command{"GET", std::string(200, 'k')},
                           Command{}}) {
    Command copy = c;
    const std::string expected = c.encoded();
    CHECK(std::move(copy).encoded() == expected);
  }
  CHECK(Command{"GET", "k"}.encoded() == "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
  CHECK(Command{"client", "reply", "off"}.unsupported().has_value());
  CHECK(Command{"Subscribe", "ch"}.unsupported().has_value());
  CHECK_FALSE(Command{"SET", "k", "v"}.unsupported().has_value());
  CHECK(Command{"xread", "block", "1500", "streams", "s", "$"}.timeout_for(std::chrono::milliseconds(250)) ==
        std::chrono::milliseconds(1750));
  CHECK(Command{"client", "info"}.name() == "CLIENT");
  CHECK(Command{}.name().empty());
}

TEST_CASE("Command::timeout_for: every blocking command's own timeout plus the request timeout", "[unit][resp]") {
  using std::chrono::milliseconds;
  const milliseconds request(250);
  const std::vector<std::pair<Command, milliseconds>> cases = {
      {Command{"BLPOP", "a", "b", "2"}, milliseconds(2250)},
      {Command{"brpop", "a", "0.5"}, milliseconds(750)},
      {Command{"BLMOVE", "a", "b", "LEFT", "RIGHT", "1"}, milliseconds(1250)},
      {Command{"BRPOPLPUSH", "a", "b", "3"}, milliseconds(3250)},
      {Command{"BZPOPMIN", "z", "1"}, milliseconds(1250)},
      {Command{"BZPOPMAX", "z", "1"}, milliseconds(1250)},
      {Command{"BLMPOP", "2", "1", "a", "LEFT"}, milliseconds(2250)},
      {Command{"BZMPOP", "1.5", "1", "z", "MIN"}, milliseconds(1750)},
      {Command{"WAIT", "1", "100"}, milliseconds(350)},
      {Command{"WAITAOF", "1", "0", "100"}, milliseconds(350)},
      {Command{"XREAD", "COUNT", "1", "BLOCK", "1500", "STREAMS", "s", "$"}, milliseconds(1750)},
      {Command{"XREADGROUP", "GROUP", "g", "c", "block", "10", "STREAMS", "s", ">"}, milliseconds(260)},
      // Zero on the server is forever, and so it is here.
      {Command{"BLPOP", "a", "0"}, milliseconds(0)},
      {Command{"WAIT", "1", "0"}, milliseconds(0)},
      // Not blocking: the request timeout.
      {Command{"XREAD", "STREAMS", "s", "0"}, request},
      {Command{"XADD", "s", "*", "f", "v"}, request},
      {Command{"BITCOUNT", "k"}, request},
      {Command{"GET", "k"}, request},
  };
  for (const auto& [command, expected] : cases) {
    CAPTURE(command.encoded());
    CHECK(command.timeout_for(request) == expected);
  }
}

namespace {
// Feeds `bytes` to `reader` in reads of at most `chunk` bytes (as a socket would) and collects the
// replies.
std::vector<Value> read_all(glide::detail::ReplyReader& reader, std::string_view bytes, std::size_t chunk) {
  std::vector<Value> out;
  while (!bytes.empty()) {
    auto space = reader.prepare();
    const std::size_t n = std::min({chunk, space.size(), bytes.size()});
    std::memcpy(space.data(), bytes.data(), n);
    bytes.remove_prefix(n);
    reader.commit(n);
    while (reader.next() == RespParser::Status::done) out.push_back(reader.take());
  }
  return out;
}
}  // namespace

TEST_CASE("ReplyReader: replies split across reads of any size come out whole and in order", "[unit][resp]") {
  const std::string big(3 * 1024 * 1024 + 7, 'b');
  std::string wire = "+OK\r\n:42\r\n$-1\r\n*2\r\n$1\r\na\r\n_\r\n";
  wire += "$" + std::to_string(big.size()) + "\r\n" + big + "\r\n+after\r\n";
  for (std::size_t chunk : {1u, 7u, 4096u, 65536u, 1u << 22}) {
    glide::detail::ReplyReader reader;
    // (byte by byte through 3 MiB would be slow: the small chunks read the small replies only)
    const std::string_view bytes = chunk < 4096 ? std::string_view(wire).substr(0, 29) : std::string_view(wire);
    auto replies = read_all(reader, bytes, chunk);
    INFO("chunk " << chunk);
    REQUIRE(replies.size() == (chunk < 4096 ? 4u : 6u));
    CHECK(replies[0] == "OK");
    CHECK(replies[1] == 42);
    CHECK(replies[2].is_nil());
    REQUIRE(replies[3].kind() == ValueKind::array);
    CHECK(replies[3].items()[0] == "a");
    CHECK(replies[3].items()[1].is_nil());
    if (chunk >= 4096) {
      CHECK(replies[4].str() == big);
      CHECK(replies[5] == "after");
    }
    CHECK(reader.empty());
  }
}

TEST_CASE("ReplyReader: room for all of a long bulk string at once, and the buffer given back later", "[unit][resp]") {
  glide::detail::ReplyReader reader;
  const std::size_t len = 1u << 20;
  const std::string header = "$" + std::to_string(len) + "\r\n";
  auto space = reader.prepare();
  std::memcpy(space.data(), header.data(), header.size());
  reader.commit(header.size());
  REQUIRE(reader.next() == RespParser::Status::need_more);
  // The parser knows how long the reply is: the next read can take all of it.
  space = reader.prepare();
  CHECK(space.size() >= len + 2);
  std::memset(space.data(), 'x', len);
  std::memcpy(space.data() + len, "\r\n", 2);
  reader.commit(len + 2);
  REQUIRE(reader.next() == RespParser::Status::done);
  CHECK(reader.take().str().size() == len);
  // Many small replies later, the 1 MiB buffer is given back: the next prepare() offers a small one.
  for (int i = 0; i < 600; ++i) read_all(reader, "+OK\r\n", 4096);
  CHECK(reader.prepare().size() < (1u << 20));
}
