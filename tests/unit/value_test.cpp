#include <glide/value.hpp>

#include <catch2/catch_test_macros.hpp>

using glide::Value;

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
