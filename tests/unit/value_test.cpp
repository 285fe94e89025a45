#include <glide/value.hpp>

#include <catch2/catch_test_macros.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

using namespace std::string_literals;
using glide::errc;
using glide::Value;
using glide::ValueKind;

namespace {

Value bulk(std::string s) { return Value::bulk_string(std::move(s)); }
Value simple(std::string s) { return Value::simple_string(std::move(s)); }
Value integer(std::int64_t i) { return Value::integer(i); }
Value set(Value::Array items) { return Value::aggregate(ValueKind::set, std::move(items)); }
Value push(Value::Array items) { return Value::aggregate(ValueKind::push, std::move(items)); }

std::string printed(const Value& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// A conversion that must fail: a Result error (a type mismatch), never UB or an exception.
template <class R>
void check_mismatch(const R& r) {
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::request_error);
  CHECK(r.error().message().find("type mismatch") != std::string_view::npos);
}

}  // namespace

TEST_CASE("Value converts into C++ types and reports mismatches as errors", "[unit][value]") {
  Value s = Value::bulk_string("42");
  CHECK(s.as<std::int64_t>().value() == 42);
  CHECK(s.as<std::string>().value() == "42");
  CHECK(Value::nil().as<std::optional<std::string>>().value() == std::nullopt);
  auto bad = Value::bulk_string("x").as<std::int64_t>();
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code() == glide::errc::request_error);
  CHECK_THROWS_AS(bad.value(), glide::RequestError);
}

TEST_CASE("Value: factories, kind() and the kind predicates", "[unit][value]") {
  struct Expect {
    Value v;
    ValueKind kind;
    bool string, aggregate;
  };
  const std::vector<Expect> all = {
      {Value(), ValueKind::nil, false, false},
      {Value::nil(), ValueKind::nil, false, false},
      {simple("s"), ValueKind::simple_string, true, false},
      {bulk("b"), ValueKind::bulk_string, true, false},
      {Value::verbatim_string("txt:v"), ValueKind::verbatim_string, true, false},
      {Value::big_number("123"), ValueKind::big_number, true, false},
      {Value::error("ERR e"), ValueKind::error, false, false},
      {integer(1), ValueKind::integer, false, false},
      {Value::double_number(1.5), ValueKind::double_number, false, false},
      {Value::boolean(true), ValueKind::boolean, false, false},
      {Value::array({}), ValueKind::array, false, true},
      {Value::map({}), ValueKind::map, false, true},
      {set({}), ValueKind::set, false, true},
      {push({}), ValueKind::push, false, true},
      {Value::aggregate(ValueKind::array, {integer(1)}), ValueKind::array, false, true},
  };
  for (const auto& e : all) {
    INFO(e.v);
    CHECK(e.v.kind() == e.kind);
    CHECK(e.v.is_nil() == (e.kind == ValueKind::nil));
    CHECK(e.v.is_error() == (e.kind == ValueKind::error));
    CHECK(e.v.is_string() == e.string);
    CHECK(e.v.is_aggregate() == e.aggregate);
  }
  CHECK(glide::to_string(ValueKind::nil) == "nil");
  CHECK(glide::to_string(ValueKind::simple_string) == "simple string");
  CHECK(glide::to_string(ValueKind::bulk_string) == "bulk string");
  CHECK(glide::to_string(ValueKind::verbatim_string) == "verbatim string");
  CHECK(glide::to_string(ValueKind::integer) == "integer");
  CHECK(glide::to_string(ValueKind::double_number) == "double");
  CHECK(glide::to_string(ValueKind::boolean) == "boolean");
  CHECK(glide::to_string(ValueKind::big_number) == "big number");
  CHECK(glide::to_string(ValueKind::array) == "array");
  CHECK(glide::to_string(ValueKind::map) == "map");
  CHECK(glide::to_string(ValueKind::set) == "set");
  CHECK(glide::to_string(ValueKind::push) == "push");
  CHECK(glide::to_string(ValueKind::error) == "error");
}

TEST_CASE("Value: raw storage accessors", "[unit][value]") {
  CHECK(bulk("abc").str() == "abc");
  CHECK(Value::verbatim_string("txt:abc").str() == "txt:abc");  // the payload as on the wire
  CHECK(Value::error("ERR x").str() == "ERR x");
  CHECK(integer(1).str().empty());  // not a string: an empty one, not UB
  CHECK(integer(1).items().empty());
  CHECK(bulk("x").entries().empty());
  Value arr = Value::array({integer(1)});
  CHECK(arr.items().size() == 1);
  arr.items().push_back(integer(2));
  CHECK(arr == Value::array({integer(1), integer(2)}));
  Value map = Value::map({});
  map.entries().emplace_back(simple("k"), integer(1));
  CHECK(map.as_map().value().size() == 1);
}

TEST_CASE("Value::as_string", "[unit][value]") {
  CHECK(simple("OK").as_string().value() == "OK");
  CHECK(bulk("").as_string().value() == "");
  CHECK(bulk("a\0b"s).as_string().value() == "a\0b"s);
  CHECK(Value::verbatim_string("txt:Some string").as_string().value() == "Some string");
  CHECK(Value::verbatim_string("mkd:# title").as_string().value() == "# title");
  CHECK(Value::verbatim_string("txt:").as_string().value() == "");
  CHECK(Value::big_number("-1234567890123456789012").as_string().value() == "-1234567890123456789012");
  check_mismatch(integer(1).as_string());
  check_mismatch(Value::double_number(1.5).as_string());
  check_mismatch(Value::boolean(true).as_string());
  check_mismatch(Value::nil().as_string());
  check_mismatch(Value::array({bulk("x")}).as_string());
  check_mismatch(Value::map({}).as_string());
  // An error entry is not a string; the mismatch carries its text.
  auto e = Value::error("ERR boom").as_string();
  REQUIRE_FALSE(e);
  CHECK(e.error().message().find("ERR boom") != std::string_view::npos);
}

TEST_CASE("Value::as_int", "[unit][value]") {
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  CHECK(integer(-5).as_int().value() == -5);
  CHECK(integer(min).as_int().value() == min);
  CHECK(integer(max).as_int().value() == max);
  CHECK(bulk("42").as_int().value() == 42);
  CHECK(bulk("-7").as_int().value() == -7);
  CHECK(bulk("0").as_int().value() == 0);
  CHECK(simple("10").as_int().value() == 10);
  CHECK(bulk("-9223372036854775808").as_int().value() == min);
  CHECK(Value::big_number("123").as_int().value() == 123);
  CHECK(Value::verbatim_string("txt:12").as_int().value() == 12);
  check_mismatch(bulk("").as_int());
  check_mismatch(bulk("4.5").as_int());
  check_mismatch(bulk("12abc").as_int());
  check_mismatch(bulk(" 1").as_int());
  check_mismatch(bulk("9223372036854775808").as_int());
  check_mismatch(Value::big_number("99999999999999999999999").as_int());
  check_mismatch(Value::double_number(2.0).as_int());
  check_mismatch(Value::boolean(true).as_int());
  check_mismatch(Value::nil().as_int());
  check_mismatch(Value::error("12").as_int());
  check_mismatch(Value::array({integer(1)}).as_int());
}

TEST_CASE("Value::as_double", "[unit][value]") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(Value::double_number(1.5).as_double().value() == 1.5);
  CHECK(Value::double_number(-inf).as_double().value() == -inf);
  CHECK(integer(3).as_double().value() == 3.0);
  CHECK(integer(-3).as_double().value() == -3.0);
  CHECK(bulk("1.5").as_double().value() == 1.5);
  CHECK(bulk("-0.25").as_double().value() == -0.25);
  CHECK(bulk("10").as_double().value() == 10.0);
  CHECK(bulk("1e3").as_double().value() == 1000.0);
  CHECK(bulk("inf").as_double().value() == inf);
  CHECK(bulk("+inf").as_double().value() == inf);
  CHECK(bulk("-inf").as_double().value() == -inf);
  CHECK(std::isnan(bulk("nan").as_double().value()));
  CHECK(simple("2.5").as_double().value() == 2.5);
  CHECK(Value::big_number("12345").as_double().value() == 12345.0);
  CHECK(Value::verbatim_string("txt:0.5").as_double().value() == 0.5);
  check_mismatch(bulk("").as_double());
  check_mismatch(bulk("abc").as_double());
  check_mismatch(bulk("1.5x").as_double());
  check_mismatch(Value::boolean(true).as_double());
  check_mismatch(Value::nil().as_double());
  check_mismatch(Value::array({}).as_double());
}

TEST_CASE("Value::as_bool", "[unit][value]") {
  CHECK(Value::boolean(true).as_bool().value() == true);
  CHECK(Value::boolean(false).as_bool().value() == false);
  CHECK(integer(1).as_bool().value() == true);
  CHECK(integer(0).as_bool().value() == false);
  check_mismatch(integer(2).as_bool());
  check_mismatch(integer(-1).as_bool());
  check_mismatch(bulk("yes").as_bool());
  check_mismatch(Value::nil().as_bool());
  check_mismatch(Value::double_number(1.0).as_bool());
}

TEST_CASE("Value::as_array and as_map", "[unit][value]") {
  const Value arr = Value::array({integer(1), bulk("x")});
  auto span = arr.as_array().value();
  REQUIRE(span.size() == 2);
  CHECK(span[0] == 1);
  CHECK(span[1] == "x");
  CHECK(set({bulk("a")}).as_array().value().size() == 1);
  CHECK(push({bulk("a"), bulk("b")}).as_array().value().size() == 2);
  CHECK(Value::array({}).as_array().value().empty());
  check_mismatch(Value::map({{bulk("k"), bulk("v")}}).as_array());
  check_mismatch(bulk("x").as_array());
  check_mismatch(Value::nil().as_array());

  const Value map = Value::map({{bulk("k"), integer(1)}, {bulk("j"), Value::nil()}});
  auto entries = map.as_map().value();
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].first == "k");
  CHECK(entries[0].second == 1);
  CHECK(entries[1].second.is_nil());
  CHECK(Value::map({}).as_map().value().empty());
  // Only maps: a RESP2 flat key/value array is not a map for as_map() (as<vector<pair>> reads it).
  check_mismatch(Value::array({bulk("k"), bulk("v")}).as_map());
  check_mismatch(set({}).as_map());
  check_mismatch(bulk("x").as_map());
}

TEST_CASE("Value::as_error", "[unit][value]") {
  auto e = Value::error("WRONGTYPE Operation against a key holding the wrong kind of value").as_error();
  REQUIRE(e);
  CHECK(e->code() == errc::wrong_type);
  CHECK(e->message() == "WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(Value::error("ERR x").as_error()->code() == errc::request_error);
  CHECK_FALSE(bulk("ERR x").as_error());
  CHECK_FALSE(Value::nil().as_error());
}

TEST_CASE("Value::as<T>: scalars", "[unit][value]") {
  CHECK(integer(7).as<int>().value() == 7);
  CHECK(integer(-7).as<short>().value() == -7);
  CHECK(integer(255).as<std::uint8_t>().value() == 255);
  CHECK(bulk("18446744073709551615").as<std::uint64_t>().has_error());  // beyond int64: a mismatch
  CHECK(integer(std::numeric_limits<std::int64_t>::max()).as<std::uint64_t>().value() ==
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  check_mismatch(integer(256).as<std::uint8_t>());
  check_mismatch(integer(-1).as<unsigned>());
  check_mismatch(integer(std::int64_t{1} << 40).as<int>());
  CHECK(bulk("12").as<long long>().value() == 12);
  CHECK(bulk("2.5").as<double>().value() == 2.5);
  CHECK(integer(1).as<bool>().value());
  CHECK(bulk("hello").as<std::string>().value() == "hello");
  CHECK(Value::verbatim_string("txt:hi").as<std::string>().value() == "hi");
  const Value held = bulk("view me");
  CHECK(held.as<std::string_view>().value() == "view me");
  CHECK(held.as<std::string_view>().value().data() == held.str().data());  // a view, no copy
  CHECK(held.as<Value>().value() == held);
  check_mismatch(integer(1).as<std::string>());
  check_mismatch(bulk("x").as<double>());
  check_mismatch(bulk("x").as<bool>());
}

TEST_CASE("Value::as<T> on a Value no longer needed moves its string out", "[unit][value]") {
  const std::string text(1000, 'x');
  Value v = bulk(text);
  const char* bytes = v.str().data();
  auto moved = std::move(v).as<std::string>();
  REQUIRE(moved);
  CHECK(moved.value() == text);
  CHECK(moved.value().data() == bytes);  // the same buffer: no copy
  Value w = bulk(text);
  bytes = w.str().data();
  auto optional = std::move(w).as<std::optional<std::string>>();
  REQUIRE(optional);
  REQUIRE(optional.value().has_value());
  CHECK(optional.value()->data() == bytes);
  // Everything else converts as from an lvalue.
  CHECK_FALSE(Value::nil().as<std::optional<std::string>>().value().has_value());
  CHECK(Value::verbatim_string("txt:hi").as<std::optional<std::string>>().value() == "hi");
  CHECK(Value::simple_string("OK").as<std::optional<std::string>>().value() == "OK");
  check_mismatch(Value::nil().as<std::string>());
  check_mismatch(integer(1).as<std::optional<std::string>>());
  Value kept = bulk("kept");
  CHECK(kept.as<std::string>().value() == "kept");
  CHECK(kept.str() == "kept");  // an lvalue is copied from, and keeps its string
}

TEST_CASE("Value::as<T>: optional, vector, pair and nested", "[unit][value]") {
  using OptStr = std::optional<std::string>;
  CHECK(Value::nil().as<OptStr>().value() == std::nullopt);
  CHECK(bulk("v").as<OptStr>().value() == "v");
  CHECK(Value::nil().as<std::optional<std::int64_t>>().value() == std::nullopt);
  CHECK(bulk("5").as<std::optional<std::int64_t>>().value() == 5);
  check_mismatch(bulk("x").as<std::optional<std::int64_t>>());
  CHECK(Value::nil().as<std::optional<std::vector<std::string>>>().value() == std::nullopt);

  CHECK(Value::array({bulk("a"), simple("b")}).as<std::vector<std::string>>().value() ==
        std::vector<std::string>{"a", "b"});
  CHECK(set({bulk("1"), integer(2)}).as<std::vector<std::int64_t>>().value() == std::vector<std::int64_t>{1, 2});
  CHECK(Value::array({}).as<std::vector<std::string>>().value().empty());
  CHECK(Value::array({integer(1), integer(0)}).as<std::vector<bool>>().value() == std::vector<bool>{true, false});
  check_mismatch(Value::array({bulk("a"), Value::nil()}).as<std::vector<std::string>>());
  check_mismatch(bulk("a").as<std::vector<std::string>>());

  const Value mget = Value::array({bulk("a"), Value::nil(), bulk("c")});
  CHECK(mget.as<std::vector<OptStr>>().value() == std::vector<OptStr>{"a", std::nullopt, "c"});
  const Value nested = Value::array({Value::array({bulk("a"), Value::nil()}), Value::array({}), Value::array({bulk("z")})});
  CHECK(nested.as<std::vector<std::vector<OptStr>>>().value() ==
        std::vector<std::vector<OptStr>>{{"a", std::nullopt}, {}, {"z"}});

  // BLPOP's [key, element] and TIME's [seconds, microseconds].
  CHECK(Value::array({bulk("list"), bulk("x")}).as<std::pair<std::string, std::string>>().value() ==
        std::pair<std::string, std::string>{"list", "x"});
  CHECK(Value::array({bulk("1700000000"), bulk("123")}).as<std::pair<std::int64_t, std::int64_t>>().value() ==
        std::pair<std::int64_t, std::int64_t>{1700000000, 123});
  CHECK(Value::nil().as<std::optional<std::pair<std::string, std::string>>>().value() == std::nullopt);
  check_mismatch(Value::array({bulk("a")}).as<std::pair<std::string, std::string>>());
  check_mismatch(Value::array({bulk("a"), bulk("b"), bulk("c")}).as<std::pair<std::string, std::string>>());
  check_mismatch(Value::array({bulk("a"), bulk("x")}).as<std::pair<std::string, std::int64_t>>());
  check_mismatch(bulk("a").as<std::pair<std::string, std::string>>());
}

TEST_CASE("Value::as<vector<pair<K, V>>> from maps, RESP2 flat arrays and arrays of pairs", "[unit][value]") {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  const Pairs expected{{"f1", "v1"}, {"f2", "v2"}};
  // RESP3 HGETALL
  CHECK(Value::map({{bulk("f1"), bulk("v1")}, {bulk("f2"), bulk("v2")}}).as<Pairs>().value() == expected);
  // RESP2 HGETALL
  CHECK(Value::array({bulk("f1"), bulk("v1"), bulk("f2"), bulk("v2")}).as<Pairs>().value() == expected);
  // An array of [key, value] arrays (e.g. RESP3 ZRANGE ... WITHSCORES)
  CHECK(Value::array({Value::array({bulk("f1"), bulk("v1")}), Value::array({bulk("f2"), bulk("v2")})}).as<Pairs>().value() ==
        expected);
  CHECK(Value::map({}).as<Pairs>().value().empty());
  CHECK(Value::array({}).as<Pairs>().value().empty());

  using Scores = std::vector<std::pair<std::string, double>>;
  CHECK(Value::array({bulk("a"), bulk("1.5"), bulk("b"), bulk("inf")}).as<Scores>().value() ==
        Scores{{"a", 1.5}, {"b", std::numeric_limits<double>::infinity()}});
  CHECK(Value::array({Value::array({bulk("a"), Value::double_number(1.5)})}).as<Scores>().value() == Scores{{"a", 1.5}});
  CHECK(Value::map({{bulk("a"), Value::double_number(2)}}).as<Scores>().value() == Scores{{"a", 2.0}});
  using Nested = std::vector<std::pair<std::string, Value>>;
  auto lib = Value::map({{bulk("library_name"), bulk("mylib")}, {bulk("functions"), Value::array({})}}).as<Nested>().value();
  REQUIRE(lib.size() == 2);
  CHECK(lib[0].first == "library_name");
  CHECK(lib[0].second == "mylib");
  CHECK(lib[1].second == Value::array({}));

  check_mismatch(Value::array({bulk("k"), bulk("v"), bulk("odd")}).as<Pairs>());
  check_mismatch(bulk("x").as<Pairs>());
  check_mismatch(Value::nil().as<Pairs>());
  check_mismatch(Value::map({{bulk("k"), Value::nil()}}).as<Pairs>());
  check_mismatch(Value::map({{bulk("k"), bulk("not a number")}}).as<Scores>());
  CHECK(Value::map({{bulk("k"), Value::nil()}}).as<std::vector<std::pair<std::string, std::optional<std::string>>>>().value() ==
        std::vector<std::pair<std::string, std::optional<std::string>>>{{"k", std::nullopt}});
}

TEST_CASE("Value: value() on a failed Result throws a glide::RequestError (a std::system_error)", "[unit][value]") {
  auto r = integer(1).as<std::string>();
  REQUIRE(r.has_error());
  try {
    (void)r.value();
    FAIL("value() did not throw");
  } catch (const glide::RequestError& e) {
    CHECK(e.code() == errc::request_error);
    CHECK(e.code().category() == glide::glide_category());
    CHECK(std::string(e.code().category().name()) == "glide");
    CHECK(e.error() == r.error());
    CHECK(std::string(e.what()).find("type mismatch") != std::string::npos);
  }
  CHECK_THROWS_AS(r.value(), std::system_error);
  CHECK_THROWS_AS(bulk("x").as_int().value(), glide::RequestError);
  CHECK_THROWS_AS(Value::nil().as_array().value(), glide::RequestError);

  // Refinements by code.
  glide::Result<int> timeout = glide::fail(errc::timeout, "too slow");
  CHECK_THROWS_AS(timeout.value(), glide::TimeoutError);
  glide::Result<int> lost = glide::fail(errc::unknown_outcome, "lost");
  CHECK_THROWS_AS(lost.value(), glide::ConnectionError);
  glide::Result<int> closing = glide::fail(errc::closing, "closed");
  CHECK_THROWS_AS(closing.value(), glide::ConnectionError);
  glide::Result<int> conf = glide::fail(errc::configuration_error, "bad");
  CHECK_THROWS_AS(conf.value(), glide::ConfigurationError);
  glide::Result<void> v = glide::fail(errc::wrong_type, "WRONGTYPE x");
  CHECK_THROWS_AS(v.value(), glide::RequestError);
  glide::Result<void> fine = glide::ok();
  CHECK_NOTHROW(fine.value());
  // error() on a success is not UB either.
  glide::Result<int> one = 1;
  CHECK_THROWS(one.error());
}

TEST_CASE("Value: operator== with values and literals", "[unit][value]") {
  CHECK(simple("OK") == "OK");
  CHECK(bulk("OK") == "OK");
  CHECK(Value::verbatim_string("txt:OK") == "OK");
  CHECK(bulk("OK") == std::string("OK"));
  CHECK(bulk("OK") == std::string_view("OK"));
  CHECK(bulk("a\0b"s) == "a\0b"s);
  CHECK_FALSE(bulk("a\0b"s) == "a");
  CHECK(bulk("OK") != "KO");
  CHECK_FALSE(Value::error("OK") == "OK");  // an error entry never equals a string
  CHECK_FALSE(Value::nil() == "");
  CHECK(integer(42) == 42);
  CHECK(integer(42) == 42L);
  CHECK(integer(42) == std::uint8_t{42});
  CHECK(integer(-1) != 1);
  CHECK_FALSE(bulk("42") == 42);  // numbers compare with integers only
  CHECK_FALSE(integer(42) == "42");
  CHECK(Value::boolean(true) == true);
  CHECK(Value::boolean(false) == false);
  CHECK_FALSE(integer(1) == true);
  CHECK(Value::double_number(1.5) == 1.5);
  CHECK_FALSE(integer(1) == 1.0);
  CHECK(Value::nil().is_nil());
  CHECK(Value() == Value::nil());
  CHECK(Value::array({integer(1), bulk("x")}) == Value::array({integer(1), bulk("x")}));
  CHECK(Value::array({integer(1)}) != Value::array({integer(2)}));
  CHECK(Value::array({integer(1)}) != set({integer(1)}));  // kinds differ
  CHECK(simple("x") != bulk("x"));
  CHECK(Value::map({{bulk("k"), integer(1)}}) == Value::map({{bulk("k"), integer(1)}}));
  CHECK(Value::map({{bulk("k"), integer(1)}}) != Value::map({{bulk("k"), integer(2)}}));
}

TEST_CASE("Value: printing with operator<< and fmt", "[unit][value]") {
  const Value v = Value::array({integer(1), integer(2), integer(3), bulk("hello")});
  CHECK(printed(v) == R"([1, 2, 3, "hello"])");
  CHECK(fmt::format("{}", v) == R"([1, 2, 3, "hello"])");
  CHECK(fmt::format("reply: {}!", integer(-5)) == "reply: -5!");
  CHECK(printed(Value::nil()) == "nil");
  CHECK(printed(simple("OK")) == R"("OK")");
  CHECK(printed(Value::verbatim_string("txt:hi")) == R"("hi")");
  CHECK(printed(Value::big_number("-123")) == "-123");
  CHECK(printed(Value::error("ERR x")) == "(error) ERR x");
  CHECK(printed(Value::double_number(1.5)) == "1.5");
  CHECK(printed(Value::boolean(true)) == "true");
  CHECK(printed(Value::boolean(false)) == "false");
  CHECK(printed(Value::array({})) == "[]");
  CHECK(printed(set({bulk("a")})) == R"({"a"})");
  CHECK(printed(push({simple("message"), bulk("ch")})) == R"(<"message", "ch">)");
  CHECK(printed(Value::map({{bulk("a"), integer(1)}, {bulk("b"), Value::nil()}})) == R"({"a": 1, "b": nil})");
  CHECK(printed(Value::array({Value::array({integer(1)}), Value::map({})})) == "[[1], {}]");
  // Binary bytes are escaped, so a printed reply is one readable line.
  CHECK(printed(bulk("a\"b\\\n\r\t\x01\xff\0"s)) == R"("a\"b\\\n\r\t\x01\xff\x00")");
  CHECK(fmt::format("{}", bulk("\r\n")) == R"("\r\n")");
}

TEST_CASE("Error::from_server classifies by the first word and keeps the text", "[unit][value][error]") {
  struct Case {
    std::string text;
    errc code;
  };
  const std::vector<Case> cases = {
      {"WRONGTYPE Operation against a key holding the wrong kind of value", errc::wrong_type},
      {"NOSCRIPT No matching script. Please use EVAL.", errc::noscript},
      {"EXECABORT Transaction discarded because of previous errors.", errc::exec_abort},
      {"CROSSSLOT Keys in request don't hash to the same slot", errc::crossslot},
      {"BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", errc::busy},
      {"ERR Error running script (call to f_0123): @user_script:1: Script killed by user with SCRIPT KILL...",
       errc::script_killed},
      {"ERR Script killed by user with SCRIPT KILL...", errc::script_killed},
      {"ERR Script killed by user with FUNCTION KILL...", errc::script_killed},
      {"ERR unknown command 'FOO', with args beginning with: ", errc::request_error},
      {"ERR wrong number of arguments for 'get' command", errc::request_error},
      {"BUSYKEY Target key name already exists.", errc::request_error},
      {"BUSYGROUP Consumer Group name already exists", errc::request_error},
      {"NOSCRIPTS not a known word", errc::request_error},
      {"WRONGTYPEX", errc::request_error},
      {"MOVED 3999 127.0.0.1:6381", errc::request_error},
      {"NOAUTH Authentication required.", errc::request_error},
      {"", errc::request_error},
      {"WRONGTYPE", errc::wrong_type},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto e = glide::Error::from_server(c.text);
    CHECK(e.code() == c.code);
    CHECK(e.message() == c.text);
  }
}

TEST_CASE("errc is a std::error_code enum of the \"glide\" category", "[unit][value][error]") {
  const std::error_code ec = errc::timeout;  // implicit: is_error_code_enum
  CHECK(ec == glide::make_error_code(errc::timeout));
  CHECK(std::string(ec.category().name()) == "glide");
  CHECK(&ec.category() == &glide::glide_category());
  CHECK(ec.value() == static_cast<int>(errc::timeout));
  CHECK(ec != std::error_code(errc::crossslot));
  CHECK(static_cast<int>(errc::request_error) == 1);
  for (int i = static_cast<int>(errc::request_error); i <= static_cast<int>(errc::protocol_error); ++i) {
    INFO(i);
    const auto code = glide::make_error_code(static_cast<errc>(i));
    CHECK(code);  // non-zero: an error
    CHECK_FALSE(code.message().empty());
    CHECK(code.message() != "unknown glide error");
  }
  const glide::Error e(errc::crossslot, "CROSSSLOT Keys in request don't hash to the same slot");
  CHECK(e.error_code() == errc::crossslot);
  CHECK(e.code() == errc::crossslot);
  CHECK(e.message() == "CROSSSLOT Keys in request don't hash to the same slot");
  std::ostringstream os;
  os << e;
  CHECK(os.str().find("CROSSSLOT Keys in request") != std::string::npos);
  CHECK(glide::Error().code() == errc::request_error);
  CHECK(glide::Error(errc::busy, "x") == glide::Error(errc::busy, "x"));
  CHECK_FALSE(glide::Error(errc::busy, "x") == glide::Error(errc::busy, "y"));
}
