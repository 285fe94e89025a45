// The strings family (glide/commands/strings.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <chrono>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

namespace {

std::int64_t pttl(std::string_view key) {
  return command_client().custom_command({"PTTL", std::string(key)}).value().as_int().value();
}

std::int64_t unix_seconds_from_now(std::int64_t seconds) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() + seconds;
}

}  // namespace

TEST_CASE("get, set and its options, getdel", "[commands][strings]") {
  auto& client = command_client();
  const auto key = key_for("set");
  CHECK(client.get(key).value() == std::nullopt);
  CHECK(client.set(key, "v1").value() == "OK");
  CHECK(client.get(key).value() == "v1");

  SetOptions nx;
  nx.conditional_set = ConditionalChange::ONLY_IF_DOES_NOT_EXIST;
  CHECK(client.set(key, "v2", nx).value() == std::nullopt);
  SetOptions xx_get_px;
  xx_get_px.conditional_set = ConditionalChange::ONLY_IF_EXISTS;
  xx_get_px.expiry = ExpirySet{ExpiryType::MILLSEC, 60'000};
  xx_get_px.return_old_value = true;
  CHECK(client.set(key, "v3", xx_get_px).value() == "v1");
  const auto ttl = pttl(key);
  CHECK((ttl > 0 && ttl <= 60'000));

  CHECK(client.getdel(key).value() == "v3");
  CHECK(client.get(key).value() == std::nullopt);
  CHECK(client.getdel(key).value() == std::nullopt);
}

TEST_CASE("getrange, setrange, append, strlen", "[commands][strings]") {
  auto& client = command_client();
  const auto key = key_for("range");
  CHECK(client.getrange(key, 0, -1).value() == "");
  CHECK(client.append(key, "Hello").value() == 5);
  CHECK(client.append(key, " World").value() == 11);
  CHECK(client.strlen(key).value() == 11);
  CHECK(client.getrange(key, 0, 4).value() == "Hello");
  CHECK(client.getrange(key, -5, -1).value() == "World");
  CHECK(client.setrange(key, 6, "Valkey").value() == 12);
  CHECK(client.get(key).value() == "Hello Valkey");
  // Past the end the server pads with zero bytes.
  const auto padded = key_for("range-padded");
  CHECK(client.setrange(padded, 2, "x").value() == 3);
  CHECK(client.get(padded).value() == std::string("\0\0x", 3));
  CHECK(client.strlen(key_for("range-missing")).value() == 0);
}

TEST_CASE("mset, msetnx, mget", "[commands][strings]") {
  auto& client = command_client();
  const auto a = key_for("a", "mset"), b = key_for("b", "mset"), c = key_for("c", "mset");
  REQUIRE(client.mset({{a, "1"}, {b, "2"}}).has_value());
  CHECK(client.mget({a, b, c}).value() == std::vector<std::optional<std::string>>{"1", "2", std::nullopt});
  // b exists, so nothing is set.
  CHECK(client.msetnx({{b, "x"}, {c, "3"}}).value() == false);
  CHECK(client.mget({b, c}).value() == std::vector<std::optional<std::string>>{"2", std::nullopt});
  CHECK(client.msetnx({{c, "3"}}).value() == true);
  CHECK(client.get(c).value() == "3");
}

TEST_CASE("incr, incrby, incrbyfloat, decr, decrby", "[commands][strings]") {
  auto& client = command_client();
  const auto key = key_for("counter");
  CHECK(client.incr(key).value() == 1);
  CHECK(client.incrby(key, 10).value() == 11);
  CHECK(client.incr_by(key, -1).value() == 10);
  CHECK(client.decr(key).value() == 9);
  CHECK(client.decrby(key, 4).value() == 5);
  CHECK(client.decr_by(key, 5).value() == 0);
  CHECK(client.incrbyfloat(key, 2.5).value() == 2.5);
  CHECK(client.incrbyfloat(key, -0.25).value() == 2.25);
  CHECK(client.get(key).value() == "2.25");
}

TEST_CASE("getex with each expiry and PERSIST", "[commands][strings]") {
  auto& client = command_client();
  const auto key = key_for("getex");
  CHECK(client.getex(key).value() == std::nullopt);
  REQUIRE(client.set(key, "v").has_value());
  CHECK(client.getex(key).value() == "v");
  CHECK(pttl(key) == -1);

  CHECK(client.getex(key, ExpiryGetEx{ExpiryTypeGetEx::SEC, 100}).value() == "v");
  CHECK((pttl(key) > 90'000 && pttl(key) <= 100'000));
  CHECK(client.getex(key, ExpiryGetEx{ExpiryTypeGetEx::MILLSEC, 50'000}).value() == "v");
  CHECK((pttl(key) > 40'000 && pttl(key) <= 50'000));
  CHECK(client.getex(key, ExpiryGetEx{ExpiryTypeGetEx::UNIX_SEC, unix_seconds_from_now(200)}).value() == "v");
  CHECK((pttl(key) > 190'000 && pttl(key) <= 200'000));
  CHECK(client.getex(key, ExpiryGetEx{ExpiryTypeGetEx::UNIX_MILLSEC, unix_seconds_from_now(300) * 1000}).value() == "v");
  CHECK((pttl(key) > 290'000 && pttl(key) <= 300'000));
  CHECK(client.getex(key, ExpiryGetEx{ExpiryTypeGetEx::PERSIST, 0}).value() == "v");
  CHECK(pttl(key) == -1);
}

TEST_CASE("lcs, lcs_len, lcs_idx and its options", "[commands][strings]") {
  auto& client = command_client();
  const auto k1 = key_for("k1", "lcs"), k2 = key_for("k2", "lcs");
  REQUIRE(client.mset({{k1, "ohmytext"}, {k2, "mynewtext"}}).has_value());
  CHECK(client.lcs(k1, k2).value() == "mytext");
  CHECK(client.lcs_len(k1, k2).value() == 6);
  CHECK(client.lcs(k1, key_for("missing", "lcs")).value() == "");

  const LcsIdx all{{LcsMatch{{4, 7}, {5, 8}, std::nullopt}, LcsMatch{{2, 3}, {0, 1}, std::nullopt}}, 6};
  CHECK(client.lcs_idx(k1, k2).value() == all);
  const LcsIdx long_only{{LcsMatch{{4, 7}, {5, 8}, std::nullopt}}, 6};
  CHECK(client.lcs_idx(k1, k2, 4).value() == long_only);
  const LcsIdx with_len{{LcsMatch{{4, 7}, {5, 8}, 4}, LcsMatch{{2, 3}, {0, 1}, 2}}, 6};
  CHECK(client.lcs_idx(k1, k2, std::nullopt, true).value() == with_len);
  const LcsIdx long_with_len{{LcsMatch{{4, 7}, {5, 8}, 4}}, 6};
  CHECK(client.lcs_idx(k1, k2, 4, true).value() == long_with_len);
}

TEST_CASE("LcsIdx reads RESP2's flat reply too", "[commands][strings]") {
  const auto range = [](std::int64_t a, std::int64_t b) { return Value::array({Value::integer(a), Value::integer(b)}); };
  const auto resp2 = Value::array(
      {Value::bulk_string("matches"),
       Value::array({Value::array({range(4, 7), range(5, 8), Value::integer(4)})}),
       Value::bulk_string("len"), Value::integer(6)});
  CHECK(resp2.as<LcsIdx>().value() == LcsIdx{{LcsMatch{{4, 7}, {5, 8}, 4}}, 6});
  // A reply without "len" is a mismatch, not a zero length.
  CHECK_FALSE(Value::array({Value::bulk_string("matches"), Value::array({})}).as<LcsIdx>().has_value());
}

TEST_CASE("strings: the server's refusal is a Result error", "[commands][strings]") {
  auto& client = command_client();
  const auto key = key_for("not-a-number");
  REQUIRE(client.set(key, "abc").has_value());
  auto incr = client.incr(key);
  REQUIRE_FALSE(incr.has_value());
  CHECK(incr.error().message().find("not an integer") != std::string::npos);
  CHECK_FALSE(client.incrbyfloat(key, 1.0).has_value());
  const auto list = key_for("a-list");
  REQUIRE(client.custom_command({"RPUSH", list, "x"}).has_value());
  CHECK_FALSE(client.getrange(list, 0, 1).has_value());
}

TEST_CASE("strings in a batch: entries convert as the direct calls return", "[commands][strings][batch]") {
  auto& client = command_client();
  // Writes go to twin keys set up alike: the batch's and the direct calls'.
  const auto text = key_for("text", "sb"), other = key_for("other", "sb");
  const auto bc = key_for("counter-b", "sb"), dc = key_for("counter-d", "sb");
  const auto bgone = key_for("gone-b", "sb"), dgone = key_for("gone-d", "sb");
  REQUIRE(client.mset({{text, "ohmytext"}, {other, "mynewtext"}, {bc, "5"}, {dc, "5"}, {bgone, "x"}, {dgone, "x"}}).has_value());

  Batch batch(false);
  batch.get(text)
      .getrange(text, 2, 3)
      .strlen(text)
      .mget({text, key_for("missing", "sb")})
      .incrby(bc, 2)
      .incrbyfloat(bc, 0.5)
      .getdel(bgone)
      .msetnx({{key_for("nx-b", "sb"), "1"}})
      .set(key_for("set-b", "sb"), "v")
      .lcs(text, other)
      .lcs_len(text, other)
      .lcs_idx(text, other, 4, true)
      .getex(text, ExpiryGetEx{ExpiryTypeGetEx::PERSIST, 0})
      .mset({{key_for("m-b", "sb"), "1"}});
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 14);
  glide_test::check_entry(entries[0], client.get(text));
  glide_test::check_entry(entries[1], client.getrange(text, 2, 3));
  glide_test::check_entry(entries[2], client.strlen(text));
  glide_test::check_entry(entries[3], client.mget({text, key_for("missing", "sb")}));
  glide_test::check_entry(entries[4], client.incrby(dc, 2));
  glide_test::check_entry(entries[5], client.incrbyfloat(dc, 0.5));
  glide_test::check_entry(entries[6], client.getdel(dgone));
  glide_test::check_entry(entries[7], client.msetnx({{key_for("nx-d", "sb"), "1"}}));
  glide_test::check_entry(entries[8], client.set(key_for("set-d", "sb"), "v"));
  glide_test::check_entry(entries[9], client.lcs(text, other));
  glide_test::check_entry(entries[10], client.lcs_len(text, other));
  glide_test::check_entry(entries[11], client.lcs_idx(text, other, 4, true));
  glide_test::check_entry(entries[12], client.getex(text, ExpiryGetEx{ExpiryTypeGetEx::PERSIST, 0}));
  CHECK(entries[13].has_value());
  CHECK(client.mset({{key_for("m-d", "sb"), "1"}}).has_value());
}
