// The sets family (glide/commands/sets.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <algorithm>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

namespace {

using Members = std::vector<std::string>;

Members sorted(Members members) {
  std::sort(members.begin(), members.end());
  return members;
}

// Every member SSCAN yields from cursor "0" on, sorted; each page goes through `page`.
template <class Page>
Members scan_all(Page page) {
  Members all;
  std::string cursor = "0";
  do {
    auto [next, members] = page(cursor).value();
    all.insert(all.end(), members.begin(), members.end());
    cursor = next;
  } while (cursor != "0");
  return sorted(std::move(all));
}

}  // namespace

TEST_CASE("sadd, srem, smembers, scard, sismember, smismember", "[commands][sets]") {
  auto& client = command_client();
  const auto k = key_for("members");
  CHECK(client.sadd(k, {"a", "b", "c", "a"}).value() == 3);
  CHECK(client.sadd(k, {"c", "d"}).value() == 1);
  CHECK(client.srem(k, {"d", "x"}).value() == 1);
  CHECK(sorted(client.smembers(k).value()) == Members{"a", "b", "c"});
  CHECK(client.scard(k).value() == 3);
  CHECK(client.sismember(k, "a").value());
  CHECK_FALSE(client.sismember(k, "d").value());
  CHECK(client.smismember(k, {"c", "x", "a"}).value() == std::vector<bool>{true, false, true});
  const auto missing = key_for("members-missing");
  CHECK(client.smembers(missing).value().empty());
  CHECK(client.scard(missing).value() == 0);
  CHECK(client.srem(missing, {"a"}).value() == 0);
}

TEST_CASE("spop, spop_count, srandmember, srandmember_count", "[commands][sets]") {
  auto& client = command_client();
  const auto k = key_for("pop");
  client.sadd(k, {"a", "b", "c", "d"}).value();
  const auto popped = client.spop(k).value();
  REQUIRE(popped.has_value());
  CHECK_FALSE(client.sismember(k, *popped).value());
  const auto two = client.spop_count(k, 2).value();
  CHECK(two.size() == 2);
  CHECK(client.scard(k).value() == 1);
  CHECK(client.spop_count(k, 5).value().size() == 1);  // no more than there are
  CHECK(client.spop(k).value() == std::nullopt);
  CHECK(client.spop_count(k, 1).value().empty());

  const auto r = key_for("rand");
  client.sadd(r, {"a", "b", "c"}).value();
  const auto picked = client.srandmember(r).value();
  REQUIRE(picked.has_value());
  CHECK(client.sismember(r, *picked).value());
  CHECK(sorted(client.srandmember_count(r, 5).value()) == Members{"a", "b", "c"});  // distinct, capped
  CHECK(client.srandmember_count(r, -5).value().size() == 5);                       // repeats allowed
  CHECK(client.scard(r).value() == 3);                                               // nothing removed
  CHECK(client.srandmember(key_for("rand-missing")).value() == std::nullopt);
  CHECK(client.srandmember_count(key_for("rand-missing"), 3).value().empty());
}

TEST_CASE("smove", "[commands][sets]") {
  auto& client = command_client();
  const auto from = key_for("from", "smove");
  const auto to = key_for("to", "smove");
  client.sadd(from, {"a", "b"}).value();
  CHECK(client.smove(from, to, "a").value());
  CHECK_FALSE(client.smove(from, to, "x").value());
  CHECK(client.smembers(from).value() == Members{"b"});
  CHECK(client.smembers(to).value() == Members{"a"});
}

TEST_CASE("sunion, sinter, sdiff and their *store forms, sintercard with a limit", "[commands][sets]") {
  auto& client = command_client();
  const auto a = key_for("a", "algebra");
  const auto b = key_for("b", "algebra");
  const auto dest = key_for("dest", "algebra");
  const auto missing = key_for("missing", "algebra");
  client.sadd(a, {"1", "2", "3", "4"}).value();
  client.sadd(b, {"3", "4", "5"}).value();
  CHECK(sorted(client.sunion({a, b}).value()) == Members{"1", "2", "3", "4", "5"});
  CHECK(sorted(client.sinter({a, b}).value()) == Members{"3", "4"});
  CHECK(sorted(client.sdiff({a, b}).value()) == Members{"1", "2"});
  CHECK(client.sinter({a, missing}).value().empty());

  CHECK(client.sunionstore(dest, {a, b}).value() == 5);
  CHECK(client.scard(dest).value() == 5);
  CHECK(client.sinterstore(dest, {a, b}).value() == 2);
  CHECK(sorted(client.smembers(dest).value()) == Members{"3", "4"});
  CHECK(client.sdiffstore(dest, {b, a}).value() == 1);
  CHECK(client.smembers(dest).value() == Members{"5"});

  CHECK(client.sintercard({a, b}).value() == 2);
  CHECK(client.sintercard({a, b}, 1).value() == 1);
  CHECK(client.sintercard({a, b}, 0).value() == 2);  // 0: no limit
  CHECK(client.sintercard({a, missing}).value() == 0);
}

TEST_CASE("sscan with match and count", "[commands][sets]") {
  auto& client = command_client();
  const auto k = key_for("sscan");
  Members members;
  for (int i = 0; i < 200; ++i) members.push_back((i % 2 ? "odd-" : "even-") + std::to_string(i));
  client.sadd(k, members).value();

  CHECK(scan_all([&](const std::string& c) { return client.sscan(k, c); }) == sorted(members));
  Members odd;
  for (const auto& m : members)
    if (m.starts_with("odd-")) odd.push_back(m);
  CHECK(scan_all([&](const std::string& c) { return client.sscan(k, c, "odd-*"); }) == sorted(odd));
  CHECK(scan_all([&](const std::string& c) { return client.sscan(k, c, "odd-*", 50); }) == sorted(odd));
  CHECK(scan_all([&](const std::string& c) { return client.sscan(k, c, std::nullopt, 1000); }) == sorted(members));
  // A COUNT above the set's size serves a hashtable-encoded set in one call.
  const auto one_page = client.sscan(k, "0", std::nullopt, 1000).value();
  CHECK(one_page.first == "0");
  CHECK(one_page.second.size() == 200);

  const auto small = key_for("sscan-small");
  client.sadd(small, {"x"}).value();
  CHECK(client.sscan(small, "0").value() == std::pair<std::string, Members>{"0", {"x"}});
  CHECK(client.sscan(key_for("sscan-missing"), "0").value() == std::pair<std::string, Members>{"0", {}});
}

TEST_CASE("sets: the server's refusal is a Result error", "[commands][sets]") {
  auto& client = command_client();
  const auto k = key_for("bad");
  client.sadd(k, {"a", "b"}).value();
  auto negative = client.spop_count(k, -1);
  REQUIRE_FALSE(negative.has_value());
  CHECK(negative.error().code() == errc::request_error);
  CHECK(client.sintercard({k}, -1).has_error());  // LIMIT can't be negative
  const auto text = key_for("bad-text");
  client.custom_command({"SET", text, "x"}).value();
  CHECK(client.sadd(text, {"a"}).has_error());  // WRONGTYPE
  CHECK(client.scard(k).value() == 2);
}

TEST_CASE("sets in a batch: entries convert as the direct calls return", "[commands][sets][batch]") {
  auto& client = command_client();
  // Reads share `a` and `b`; writes go to twin keys set up alike: the batch's (-b) and the direct calls' (-d).
  const auto a = key_for("a", "setb"), b = key_for("b", "setb");
  client.sadd(a, {"1", "2", "3"}).value();
  client.sadd(b, {"2", "3", "4"}).value();
  for (const char* twin : {"-b", "-d"}) {
    client.sadd(key_for(std::string("w") + twin, "setb"), {"x", "y"}).value();
    client.sadd(key_for(std::string("one") + twin, "setb"), {"only"}).value();
  }
  const auto wb = key_for("w-b", "setb"), wd = key_for("w-d", "setb");
  const auto oneb = key_for("one-b", "setb"), oned = key_for("one-d", "setb");
  const auto destb = key_for("dest-b", "setb"), destd = key_for("dest-d", "setb");
  const auto solo = key_for("solo", "setb");  // one member: the random picks are certain
  client.sadd(solo, {"only"}).value();

  Batch batch(false);
  batch.sadd(wb, {"z"})
      .srem(wb, {"x"})
      .smove(wb, destb, "y")
      .spop(oneb)
      .spop_count(wb, 5)
      .sunionstore(destb, {a, b})
      .sinterstore(destb, {a, b})
      .sdiffstore(destb, {a, b})
      .smembers(a)
      .scard(a)
      .sismember(a, "1")
      .smismember(a, {"1", "9"})
      .sunion({a, b})
      .sinter({a, b})
      .sdiff({a, b})
      .sintercard({a, b})
      .sintercard({a, b}, 1)
      .srandmember(solo)
      .srandmember_count(solo, 2)
      .sscan(a, "0")
      .sscan(a, "0", "1*")
      .sscan(a, "0", std::nullopt, 10);
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 22);
  glide_test::check_entry(entries[0], client.sadd(wd, {"z"}));
  glide_test::check_entry(entries[1], client.srem(wd, {"x"}));
  glide_test::check_entry(entries[2], client.smove(wd, destd, "y"));
  glide_test::check_entry(entries[3], client.spop(oned));
  glide_test::check_entry(entries[4], client.spop_count(wd, 5));
  glide_test::check_entry(entries[5], client.sunionstore(destd, {a, b}));
  glide_test::check_entry(entries[6], client.sinterstore(destd, {a, b}));
  glide_test::check_entry(entries[7], client.sdiffstore(destd, {a, b}));
  glide_test::check_entry(entries[8], client.smembers(a));
  glide_test::check_entry(entries[9], client.scard(a));
  glide_test::check_entry(entries[10], client.sismember(a, "1"));
  glide_test::check_entry(entries[11], client.smismember(a, {"1", "9"}));
  glide_test::check_entry(entries[12], client.sunion({a, b}));
  glide_test::check_entry(entries[13], client.sinter({a, b}));
  glide_test::check_entry(entries[14], client.sdiff({a, b}));
  glide_test::check_entry(entries[15], client.sintercard({a, b}));
  glide_test::check_entry(entries[16], client.sintercard({a, b}, 1));
  glide_test::check_entry(entries[17], client.srandmember(solo));
  glide_test::check_entry(entries[18], client.srandmember_count(solo, 2));
  glide_test::check_entry(entries[19], client.sscan(a, "0"));
  glide_test::check_entry(entries[20], client.sscan(a, "0", "1*"));
  glide_test::check_entry(entries[21], client.sscan(a, "0", std::nullopt, 10));
}
