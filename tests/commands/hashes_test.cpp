// The hashes family (glide/commands/hashes.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <glide/detail/command_table.hpp>

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <chrono>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;
using Strings = std::vector<std::string>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

namespace {

Pairs sorted(Pairs p) {
  std::sort(p.begin(), p.end());
  return p;
}
Strings sorted(Strings s) {
  std::sort(s.begin(), s.end());
  return s;
}

}  // namespace

TEST_CASE("hset, hget, hsetnx, hexists, hlen, hstrlen, hdel", "[commands][hashes]") {
  auto& client = command_client();
  const auto k = key_for("basic");
  const auto missing = key_for("basic_missing");
  CHECK(client.hset(k, {{"f1", "v1"}, {"f2", "value2"}}).value() == 2);
  CHECK(client.hset(k, {{"f1", "v1b"}, {"f3", "v3"}}).value() == 1);  // f1 only updated
  CHECK(client.hget(k, "f1").value() == "v1b");
  CHECK(client.hget(k, "nope").value() == std::nullopt);
  CHECK(client.hsetnx(k, "f1", "other").value() == false);
  CHECK(client.hsetnx(k, "f4", "v4").value() == true);
  CHECK(client.hget(k, "f1").value() == "v1b");
  CHECK(client.hexists(k, "f4").value());
  CHECK_FALSE(client.hexists(k, "nope").value());
  CHECK_FALSE(client.hexists(missing, "f1").value());
  CHECK(client.hlen(k).value() == 4);
  CHECK(client.hlen(missing).value() == 0);
  CHECK(client.hstrlen(k, "f2").value() == 6);
  CHECK(client.hstrlen(k, "nope").value() == 0);
  CHECK(client.hdel(k, {"f3", "f4", "nope"}).value() == 2);
  CHECK(client.hlen(k).value() == 2);
}

TEST_CASE("hincrby, hincrbyfloat", "[commands][hashes]") {
  auto& client = command_client();
  const auto k = key_for("incr");
  CHECK(client.hincrby(k, "n", 5).value() == 5);
  CHECK(client.hincrby(k, "n", -7).value() == -2);
  CHECK(client.hincrbyfloat(k, "x", 1.5).value() == 1.5);
  CHECK(client.hincrbyfloat(k, "x", -0.25).value() == 1.25);
  CHECK(client.hget(k, "x").value() == "1.25");
}

TEST_CASE("hgetall, hmget, hvals, hkeys, hrandfield and its counted forms", "[commands][hashes]") {
  auto& client = command_client();
  const auto k = key_for("read");
  const auto missing = key_for("read_missing");
  const Pairs all{{"a", "1"}, {"b", "2"}, {"c", "3"}};
  client.hset(k, all).value();
  CHECK(sorted(client.hgetall(k).value()) == all);
  CHECK(client.hgetall(missing).value().empty());
  using Values = std::vector<std::optional<std::string>>;
  CHECK(client.hmget(k, {"c", "nope", "a"}).value() == Values{"3", std::nullopt, "1"});
  CHECK(client.hmget(missing, {"a"}).value() == Values{std::nullopt});
  CHECK(sorted(client.hvals(k).value()) == Strings{"1", "2", "3"});
  CHECK(sorted(client.hkeys(k).value()) == Strings{"a", "b", "c"});
  CHECK(client.hkeys(missing).value().empty());

  auto one = client.hrandfield(k).value();
  REQUIRE(one.has_value());
  CHECK((*one == "a" || *one == "b" || *one == "c"));
  CHECK(client.hrandfield(missing).value() == std::nullopt);
  CHECK(sorted(client.hrandfield_count(k, 5).value()) == Strings{"a", "b", "c"});  // distinct, at most all
  CHECK(client.hrandfield_count(k, -5).value().size() == 5);                        // repeats allowed
  CHECK(client.hrandfield_count(missing, 2).value().empty());
  CHECK(sorted(client.hrandfield_withvalues(k, 3).value()) == all);
  auto repeated = client.hrandfield_withvalues(k, -4).value();
  CHECK(repeated.size() == 4);
  for (const auto& pair : repeated) CHECK(std::find(all.begin(), all.end(), pair) != all.end());
}

TEST_CASE("hscan: cursor, match, count and no_values", "[commands][hashes]") {
  auto& client = command_client();
  const auto k = key_for("scan");
  Pairs all;
  for (int i = 0; i < 40; ++i) all.emplace_back("field" + std::to_string(i), "v" + std::to_string(i));
  client.hset(k, all).value();

  Pairs seen;
  std::string cursor = "0";
  do {
    auto [next, page] = client.hscan(k, cursor, std::nullopt, 7).value();
    seen.insert(seen.end(), page.begin(), page.end());
    cursor = next;
  } while (cursor != "0");
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());  // a scan may repeat
  CHECK(seen == sorted(all));

  const auto small_key = key_for("scan_small");
  auto small = client.hscan(small_key, "0").value();
  CHECK(small.first == "0");
  CHECK(small.second.empty());
  client.hset(small_key, {{"a", "1"}, {"b", "2"}}).value();
  CHECK(sorted(client.hscan(small_key, "0").value().second) == Pairs{{"a", "1"}, {"b", "2"}});

  // A small hash answers in one round, so MATCH sees every field.
  const auto matched = client.hscan(small_key, "0", "a*", std::nullopt).value();
  CHECK(matched == std::pair<std::string, Pairs>{"0", {{"a", "1"}}});
  const auto fields = client.hscan(small_key, "0", std::nullopt, std::nullopt, true).value();
  CHECK(sorted(fields.second) == Strings{"a", "b"});
  const auto flat = client.hscan(small_key, "0", "b*", 10, false).value();
  CHECK(flat.second == Strings{"b", "2"});
}

TEST_CASE("hashes: a bad argument is the server's error, as a Result", "[commands][hashes]") {
  auto& client = command_client();
  const auto k = key_for("bad");
  client.hset(k, {{"s", "text"}}).value();
  auto incr = client.hincrby(k, "s", 1);
  REQUIRE_FALSE(incr.has_value());
  CHECK(incr.error().message().find("not an integer") != std::string_view::npos);
  CHECK_FALSE(client.hmget(k, {}).has_value());  // HMGET needs a field
  CHECK_FALSE(client.hincrbyfloat(k, "x", std::numeric_limits<double>::quiet_NaN()).has_value());
  CHECK(client.hget(k, "s").value() == "text");
}

// valkey-server 8.0 has no hash-field expiry: the table entries added for it are what lets a
// cluster client route these commands by their key at all.
TEST_CASE("hash-field expiry commands have their key in the command table", "[commands][hashes]") {
  using glide::detail::command_keys;
  using glide::detail::find_command;
  using Views = std::vector<std::string_view>;
  CHECK(command_keys({"HEXPIRE", "h", "10", "NX", "FIELDS", "1", "f"}) == Views{"h"});
  CHECK(command_keys({"hsetex", "h", "FNX", "EX", "5", "FIELDS", "1", "f", "v"}) == Views{"h"});
  CHECK(command_keys({"HGETEX", "h", "PERSIST", "FIELDS", "1", "f"}) == Views{"h"});
  for (std::string_view name : {"HTTL", "HPTTL", "HEXPIRETIME", "HPEXPIRETIME"}) {
    const auto* info = find_command({name, "h", "FIELDS", "1", "f"});
    REQUIRE(info != nullptr);
    CHECK(info->readonly);
  }
  for (std::string_view name : {"HPERSIST", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT"}) {
    const auto* info = find_command({name, "h"});
    REQUIRE(info != nullptr);
    CHECK_FALSE(info->readonly);
  }
  // The generated entries are still found around the added ones.
  CHECK(command_keys({"HSET", "h", "f", "v"}) == Views{"h"});
  CHECK(command_keys({"HSETNX", "h", "f", "v"}) == Views{"h"});
  CHECK(command_keys({"HSCAN", "h", "0"}) == Views{"h"});
}

// The server tests below SKIP on valkey 8.0, so the options' spelling is checked on the built
// command itself, against valkey 9.0's syntax.
TEST_CASE("hash-field expiry commands spell their options as valkey 9.0 reads them", "[commands][hashes]") {
  using Views = std::vector<std::string_view>;
  using namespace glide::detail;
  CHECK(hsetex_command("h", {{"f", "v"}}, std::nullopt, std::nullopt).arguments() ==
        Views{"HSETEX", "h", "FIELDS", "1", "f", "v"});
  CHECK(hsetex_command("h", {{"f", "v"}, {"g", "w"}}, HashFieldConditionalChange::ONLY_IF_ALL_EXIST,
                       ExpirySet{ExpiryType::MILLSEC, 5})
            .arguments() == Views{"HSETEX", "h", "FXX", "PX", "5", "FIELDS", "2", "f", "v", "g", "w"});
  CHECK(hsetex_command("h", {{"f", "v"}}, HashFieldConditionalChange::ONLY_IF_NONE_EXIST, ExpirySet{ExpiryType::KEEP_TTL, 0})
            .arguments() == Views{"HSETEX", "h", "FNX", "KEEPTTL", "FIELDS", "1", "f", "v"});
  CHECK(hgetex_command("h", {"f", "g"}, ExpiryGetEx{ExpiryTypeGetEx::UNIX_SEC, 7}).arguments() ==
        Views{"HGETEX", "h", "EXAT", "7", "FIELDS", "2", "f", "g"});
  CHECK(hgetex_command("h", {"f"}, ExpiryGetEx{ExpiryTypeGetEx::PERSIST, 0}).arguments() ==
        Views{"HGETEX", "h", "PERSIST", "FIELDS", "1", "f"});
  CHECK(field_expire_command("HPEXPIREAT", "h", 9, {"f"}, ExpireOptions::NewExpiryGreaterThanCurrent).arguments() ==
        Views{"HPEXPIREAT", "h", "9", "GT", "FIELDS", "1", "f"});
  CHECK(field_expire_command("HEXPIRE", "h", 3, {"f", "g"}, std::nullopt).arguments() ==
        Views{"HEXPIRE", "h", "3", "FIELDS", "2", "f", "g"});
  CHECK(fields_command("HTTL", "h", {"f"}).arguments() == Views{"HTTL", "h", "FIELDS", "1", "f"});
}

TEST_CASE("hsetex, hgetex, hexpire family, httl family, hpersist", "[commands][hashes]") {
  if (!glide_test::server_knows("HEXPIRE")) SKIP("valkey-server 8.0 lacks HEXPIRE (hash-field expiry arrived in 9.0)");
  auto& client = command_client();
  const auto k = key_for("field_expiry");
  using Codes = std::vector<std::int64_t>;
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();

  CHECK(client.hsetex(k, {{"a", "1"}, {"b", "2"}}).value());
  CHECK(client.hsetex(k, {{"a", "x"}, {"c", "3"}}, HashFieldConditionalChange::ONLY_IF_ALL_EXIST, std::nullopt).value() == false);
  CHECK(client.hsetex(k, {{"c", "3"}}, HashFieldConditionalChange::ONLY_IF_NONE_EXIST, ExpirySet{ExpiryType::SEC, 100}).value());
  CHECK(client.hsetex(k, {{"d", "4"}}, std::nullopt, ExpirySet{ExpiryType::MILLSEC, 100000}).value());
  CHECK(client.hsetex(k, {{"e", "5"}}, std::nullopt, ExpirySet{ExpiryType::UNIX_SEC, now_s + 100}).value());
  CHECK(client.hsetex(k, {{"e", "5b"}}, std::nullopt, ExpirySet{ExpiryType::KEEP_TTL, 0}).value());
  CHECK(client.hsetex(k, {{"f", "6"}}, std::nullopt, ExpirySet{ExpiryType::UNIX_MILLSEC, now_s * 1000 + 100000}).value());

  const auto ttl = client.httl(k, {"a", "c", "e", "nope"}).value();
  REQUIRE(ttl.size() == 4);
  CHECK(ttl[0] == -1);
  CHECK((ttl[1] > 90 && ttl[1] <= 100));
  CHECK((ttl[2] > 90 && ttl[2] <= 100));  // KEEPTTL kept e's
  CHECK(ttl[3] == -2);
  const auto pttl = client.hpttl(k, {"d", "a"}).value();
  CHECK((pttl[0] > 90000 && pttl[0] <= 100000));
  CHECK(pttl[1] == -1);
  const auto at = client.hexpiretime(k, {"e", "a"}).value();
  CHECK(at == Codes{now_s + 100, -1});
  const auto pat = client.hpexpiretime(k, {"f"}).value();
  CHECK(pat == Codes{now_s * 1000 + 100000});

  CHECK(client.hexpire(k, 50, {"a", "nope"}).value() == Codes{1, -2});
  CHECK(client.hexpire(k, 60, {"a"}, ExpireOptions::HasNoExpiry).value() == Codes{0});
  CHECK(client.hpexpire(k, 70000, {"a"}, ExpireOptions::NewExpiryGreaterThanCurrent).value() == Codes{1});
  CHECK(client.hpexpire(k, 80000, {"b"}).value() == Codes{1});
  CHECK(client.hexpireat(k, now_s + 200, {"b"}, ExpireOptions::NewExpiryLessThanCurrent).value() == Codes{0});
  CHECK(client.hexpireat(k, now_s + 300, {"c"}).value() == Codes{1});
  CHECK(client.hpexpireat(k, (now_s + 400) * 1000, {"c"}, ExpireOptions::HasExistingExpiry).value() == Codes{1});
  CHECK(client.hpexpireat(k, (now_s + 400) * 1000, {"d"}).value() == Codes{1});
  CHECK(client.hexpire(k, 0, {"d"}).value() == Codes{2});  // deleted at once
  CHECK(client.hexists(k, "d").value() == false);

  CHECK(client.hpersist(k, {"a", "nope"}).value() == Codes{1, -2});
  CHECK(client.hpersist(k, {"a"}).value() == Codes{-1});

  using Values = std::vector<std::optional<std::string>>;
  CHECK(client.hgetex(k, {"a", "nope"}).value() == Values{"1", std::nullopt});
  CHECK(client.hgetex(k, {"a"}, ExpiryGetEx{ExpiryTypeGetEx::SEC, 30}).value() == Values{"1"});
  CHECK(client.httl(k, {"a"}).value()[0] > 20);
  CHECK(client.hgetex(k, {"a"}, ExpiryGetEx{ExpiryTypeGetEx::MILLSEC, 40000}).value() == Values{"1"});
  CHECK(client.hgetex(k, {"a"}, ExpiryGetEx{ExpiryTypeGetEx::UNIX_SEC, now_s + 500}).value() == Values{"1"});
  CHECK(client.hexpiretime(k, {"a"}).value() == Codes{now_s + 500});
  CHECK(client.hgetex(k, {"a"}, ExpiryGetEx{ExpiryTypeGetEx::UNIX_MILLSEC, (now_s + 600) * 1000}).value() == Values{"1"});
  CHECK(client.hgetex(k, {"a"}, ExpiryGetEx{ExpiryTypeGetEx::PERSIST, 0}).value() == Values{"1"});
  CHECK(client.httl(k, {"a"}).value() == Codes{-1});
}

namespace {

void reset_hash(const std::string& k) {
  auto& client = command_client();
  client.del({k}).value();
  client.hset(k, {{"a", "1"}, {"b", "2"}, {"n", "10"}}).value();
}

}  // namespace

TEST_CASE("hashes in a batch: entries convert as the direct calls return", "[commands][hashes][batch]") {
  auto& client = command_client();
  const auto k = key_for("batch");
  reset_hash(k);
  Batch batch(false);
  batch.hset(k, {{"c", "3"}})
      .hget(k, "a")
      .hsetnx(k, "a", "x")
      .hincrby(k, "n", 5)
      .hincrbyfloat(k, "n", 0.5)
      .hmget(k, {"a", "nope"})
      .hrandfield_count(k, 0)
      .hrandfield_withvalues(k, 0)
      .hscan(k, "0", "a", std::nullopt)
      .hscan(k, "0", "b", std::nullopt, true)
      .hdel(k, {"c"})
      .hstrlen(k, "a");
  // Compiled (and so checked for shape) even where the server cannot run them.
  Batch expiry(false);
  expiry.httl(k, {"a"})
      .hpttl(k, {"a"})
      .hexpiretime(k, {"a"})
      .hpexpiretime(k, {"a"})
      .hsetex(k, {{"a", "1"}})
      .hsetex(k, {{"a", "1"}}, std::nullopt, ExpirySet{ExpiryType::KEEP_TTL, 0})
      .hgetex(k, {"a"})
      .hgetex(k, {"a"}, ExpiryGetEx{ExpiryTypeGetEx::PERSIST, 0})
      .hexpire(k, 10, {"a"})
      .hexpire(k, 10, {"a"}, ExpireOptions::HasNoExpiry)
      .hpersist(k, {"a"})
      .hpexpire(k, 10, {"a"})
      .hexpireat(k, 10, {"a"})
      .hpexpireat(k, 10, {"a"});
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 12);

  reset_hash(k);
  glide_test::check_entry(entries[0], client.hset(k, {{"c", "3"}}));
  glide_test::check_entry(entries[1], client.hget(k, "a"));
  glide_test::check_entry(entries[2], client.hsetnx(k, "a", "x"));
  glide_test::check_entry(entries[3], client.hincrby(k, "n", 5));
  glide_test::check_entry(entries[4], client.hincrbyfloat(k, "n", 0.5));
  glide_test::check_entry(entries[5], client.hmget(k, {"a", "nope"}));
  glide_test::check_entry(entries[6], client.hrandfield_count(k, 0));
  glide_test::check_entry(entries[7], client.hrandfield_withvalues(k, 0));
  glide_test::check_entry(entries[8], client.hscan(k, "0", "a", std::nullopt));
  glide_test::check_entry(entries[9], client.hscan(k, "0", "b", std::nullopt, true));
  glide_test::check_entry(entries[10], client.hdel(k, {"c"}));
  glide_test::check_entry(entries[11], client.hstrlen(k, "a"));
  if (glide_test::server_knows("HEXPIRE")) {
    auto expiry_replies = client.exec(expiry, false);
    REQUIRE(expiry_replies.has_value());
    REQUIRE(expiry_replies.value().has_value());
    CHECK(expiry_replies.value()->size() == 14);
  }
}
