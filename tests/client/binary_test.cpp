// Binary safety end to end: keys and values holding NUL, CR, LF, 0xFF and RESP-looking bytes,
// an 8 KiB key and 16 MiB values go out and come back byte for byte, under RESP2 and RESP3.
#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace std::string_literals;
using namespace glide;
using glide_test::shared_server;

namespace {

using Strings = std::vector<std::string>;
using OptStrings = std::vector<std::optional<std::string>>;

// `n` bytes of every value 0..255, with CRLF pairs and RESP-looking fragments mixed in.
std::string binary_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  static const std::string fragments[] = {"\r\n", "$-1\r\n", "*3\r\n", "\0\0"s, "\xff\xff", "+OK\r\n", "-ERR\r\n"};
  std::string out;
  out.reserve(n + 8);
  for (int b = 0; b < 256 && out.size() < n; ++b) out.push_back(static_cast<char>(b));
  while (out.size() < n) {
    if (byte(rng) < 16)
      out += fragments[static_cast<std::size_t>(byte(rng)) % std::size(fragments)];
    else
      out.push_back(static_cast<char>(byte(rng)));
  }
  out.resize(n);
  return out;
}

// Where two byte strings first differ (npos when equal): a readable failure for 16 MiB strings.
std::size_t first_difference(const std::string& a, const std::string& b) {
  if (a == b) return std::string::npos;
  auto [pa, pb] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  return static_cast<std::size_t>(pa - a.begin());
}

GlideClientConfiguration config_with(ProtocolVersion protocol) {
  auto config = glide_test::config_for(shared_server());
  config.protocol = protocol;
  config.request_timeout = std::chrono::seconds(20);  // 16 MiB on a busy machine
  return config;
}

const char* name(ProtocolVersion p) { return p == ProtocolVersion::RESP3 ? "RESP3" : "RESP2"; }

}  // namespace

TEST_CASE("binary keys and values round-trip byte for byte", "[client][binary]") {
  const auto protocol = GENERATE(ProtocolVersion::RESP2, ProtocolVersion::RESP3);
  INFO(name(protocol));
  auto client = sync::GlideClient::create(config_with(protocol)).value();
  const std::string tag = glide_test::unique_key("bin");

  const std::vector<std::pair<std::string, std::string>> entries = {
      {tag + ":nul\0key"s, "value\0with\0nuls"s},
      {tag + ":crlf\r\nkey\r\n", "\r\n\r\nvalue\r\n"},
      {tag + ":ff\xff\xfe\x80", "\xff\xff\xff\x00\x01"s},
      {tag + ":resp*1\r\n$3\r\nGET\r\n", "$5\r\nhello\r\n*-1\r\n_\r\n"},
      {tag + ":empty-value", ""},
      {tag + ":all-bytes", binary_bytes(256, 1)},
      {"\0"s + tag, "\0"s},
  };
  Strings keys;
  for (const auto& [key, value] : entries) {
    INFO("key " << Value::bulk_string(key));
    REQUIRE(client.set(key, value).value() == "OK");
    CHECK(client.get(key).value() == value);
    CHECK(client.strlen(key).value() == static_cast<std::int64_t>(value.size()));
    const Strings one{key};
    CHECK(client.exists(one).value() == 1);
    keys.push_back(key);
  }
  const std::string missing = tag + ":missing\0"s;
  keys.insert(keys.begin() + 2, missing);
  OptStrings expected;
  for (const auto& key : keys) {
    auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == key; });
    expected.push_back(it == entries.end() ? std::nullopt : std::optional<std::string>(it->second));
  }
  CHECK(client.mget(keys).value() == expected);

  // Binary through other commands, typed and custom.
  const std::string hash = tag + ":hash\0"s;
  const std::vector<std::pair<std::string, std::string>> fields{{"f\0\r\n"s, "v\xff\0"s}, {"\r\n", ""}};
  CHECK(client.hset(hash, fields).value() == 2);
  CHECK(client.hget(hash, "f\0\r\n"s).value() == "v\xff\0"s);
  auto all = client.hgetall(hash).value();
  std::sort(all.begin(), all.end());
  auto sorted_fields = fields;
  std::sort(sorted_fields.begin(), sorted_fields.end());
  CHECK(all == sorted_fields);
  const std::string list = tag + ":list\r\n";
  const Strings elements{"\0"s, "\r\n", "\xff", ""};
  CHECK(client.rpush(list, elements).value() == 4);
  CHECK(client.lrange(list, 0, -1).value() == elements);
  const std::string appended = tag + ":append";
  CHECK(client.append(appended, "\0\r"s).value() == 2);
  CHECK(client.append(appended, "\n\xff"s).value() == 4);
  CHECK(client.get(appended).value() == "\0\r\n\xff"s);
  const Strings echo{"ECHO", "\0\r\n\xff$-1\r\n"s};
  const auto echoed = client.custom_command(echo).value();
  CHECK(echoed.kind() == ValueKind::bulk_string);
  CHECK(echoed == "\0\r\n\xff$-1\r\n"s);

  Strings cleanup = keys;
  cleanup.push_back(hash);
  cleanup.push_back(list);
  cleanup.push_back(appended);
  CHECK(client.del(cleanup).value() == static_cast<std::int64_t>(entries.size()) + 3);
}

TEST_CASE("an 8 KiB binary key", "[client][binary]") {
  const auto protocol = GENERATE(ProtocolVersion::RESP2, ProtocolVersion::RESP3);
  INFO(name(protocol));
  auto client = sync::GlideClient::create(config_with(protocol)).value();
  const std::string key = glide_test::unique_key("bigkey") + binary_bytes(8 * 1024, 2);
  const std::string other = glide_test::unique_key("bigkey") + binary_bytes(8 * 1024, 3);
  const std::string value = binary_bytes(1000, 4);
  REQUIRE(client.set(key, value).value() == "OK");
  CHECK(client.get(key).value() == value);
  CHECK(client.get(other).value() == std::nullopt);  // differs only in its bytes after the prefix
  REQUIRE(client.set(other, "other").value() == "OK");
  const Strings keys{key, other};
  CHECK(client.mget(keys).value() == OptStrings{value, "other"});
  CHECK(client.exists(keys).value() == 2);
  // The key comes back intact from the server too.
  const Strings keys_cmd{"KEYS", glide_test::unique_key("bigkey").substr(0, 6) + "*"};
  const auto listed = client.custom_command(keys_cmd).value().as<Strings>().value();
  CHECK(std::count(listed.begin(), listed.end(), key) == 1);
  CHECK(client.del(keys).value() == 2);
}

TEST_CASE("16 MiB values through the sync client", "[client][binary]") {
  const auto protocol = GENERATE(ProtocolVersion::RESP2, ProtocolVersion::RESP3);
  INFO(name(protocol));
  auto client = sync::GlideClient::create(config_with(protocol)).value();
  const std::string big = binary_bytes(16 * 1024 * 1024, 5);
  const std::string big2 = binary_bytes(16 * 1024 * 1024 + 3, 6);
  const std::string k1 = glide_test::unique_key("big\r\n"), k2 = glide_test::unique_key("big\0"s);
  const std::string small = glide_test::unique_key("small");

  REQUIRE(client.set(k1, big).value() == "OK");
  REQUIRE(client.set(k2, big2).value() == "OK");
  REQUIRE(client.set(small, "s").value() == "OK");
  CHECK(client.strlen(k1).value() == static_cast<std::int64_t>(big.size()));

  const auto got = client.get(k1).value();
  REQUIRE(got.has_value());
  CHECK(got->size() == big.size());
  CHECK(first_difference(*got, big) == std::string::npos);

  const Strings keys{k1, small, glide_test::unique_key("none"), k2};
  const auto many = client.mget(keys).value();
  REQUIRE(many.size() == 4);
  REQUIRE(many[0].has_value());
  CHECK(first_difference(*many[0], big) == std::string::npos);
  CHECK(many[1] == "s");
  CHECK(many[2] == std::nullopt);
  REQUIRE(many[3].has_value());
  CHECK(first_difference(*many[3], big2) == std::string::npos);

  // The connection is still in step after the big replies.
  CHECK(client.get(small).value() == "s");
  const Strings all{k1, k2, small};
  CHECK(client.del(all).value() == 3);
}

TEST_CASE("16 MiB values through the async client, pipelined", "[client][binary]") {
  const auto protocol = GENERATE(ProtocolVersion::RESP2, ProtocolVersion::RESP3);
  INFO(name(protocol));
  const std::string big = binary_bytes(16 * 1024 * 1024, 7);
  const std::string key = glide_test::unique_key("async-big\xff");
  const std::string small_key = glide_test::unique_key("async-small");
  std::optional<Result<std::optional<std::string>>> set_reply, get_reply, small_set_reply, small_reply;
  std::optional<Result<std::vector<std::optional<std::string>>>> mget_reply;
  bool big_reply_first = false;
  glide_test::run_coroutine([&](boost::asio::io_context& io) -> boost::asio::awaitable<void> {
    const auto config = config_with(protocol);
    auto client = (co_await GlideClient::create(io.get_executor(), config)).value();
    set_reply = co_await client.set(key, big);
    // The 16 MiB GET is in flight (a callback token starts it at once) when a small SET is
    // written behind it on the same connection: the replies complete in order.
    client.get(key, [&](Result<std::optional<std::string>> r) { get_reply = std::move(r); });
    small_set_reply = co_await client.set(small_key, "\0tiny"s);
    big_reply_first = get_reply.has_value();
    small_reply = co_await client.get(small_key);
    const Strings keys{key, small_key};
    mget_reply = co_await client.mget(keys);
    const Strings both{key, small_key};
    (void)co_await client.del(both);
    client.close();
  });
  REQUIRE(set_reply);
  REQUIRE(*set_reply);
  CHECK(set_reply->value() == "OK");
  REQUIRE(get_reply);
  REQUIRE(*get_reply);
  REQUIRE(get_reply->value().has_value());
  CHECK(first_difference(*get_reply->value(), big) == std::string::npos);
  CHECK(big_reply_first);
  REQUIRE(small_set_reply);
  CHECK(small_set_reply->value() == "OK");
  REQUIRE(small_reply);
  CHECK(small_reply->value() == "\0tiny"s);
  REQUIRE(mget_reply);
  REQUIRE(*mget_reply);
  const auto& values = mget_reply->value();
  REQUIRE(values.size() == 2);
  REQUIRE(values[0].has_value());
  CHECK(first_difference(*values[0], big) == std::string::npos);
  CHECK(values[1] == "\0tiny"s);
}
