#include <glide/detail/resp.hpp>

#include <catch2/catch_test_macros.hpp>

using glide::Value;
using glide::detail::RespParser;

namespace {
// Parses `wire` fed in two pieces split at `split`; returns the one reply it holds.
Value parse_split(std::string_view wire, std::size_t split) {
  RespParser parser;
  std::string buffer(wire.substr(0, split));
  std::size_t consumed = 0;
  auto status = parser.parse(buffer, consumed);
  REQUIRE(status != RespParser::Status::error);
  buffer.erase(0, consumed);
  if (status == RespParser::Status::done) {
    REQUIRE(split == wire.size());
    return parser.take();
  }
  buffer.append(wire.substr(split));
  status = parser.parse(buffer, consumed);
  REQUIRE(status == RespParser::Status::done);
  REQUIRE(consumed == buffer.size());
  return parser.take();
}
}  // namespace

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
