// The hyperloglog family (glide/commands/hyperloglog.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

TEST_CASE("pfadd, pfcount, pfmerge", "[commands][hyperloglog]") {
  auto& client = command_client();
  const auto a = key_for("a", "hll"), b = key_for("b", "hll"), merged = key_for("merged", "hll");
  CHECK(client.pfadd(a, {"x", "y", "z"}).value() == true);
  CHECK(client.pfadd(a, {"x", "y"}).value() == false);
  // No elements still creates the key, once.
  CHECK(client.pfadd(b, {}).value() == true);
  CHECK(client.pfadd(b, {}).value() == false);
  CHECK(client.pfadd(b, {"z", "w"}).value() == true);
  CHECK(client.pfcount({a}).value() == 3);
  CHECK(client.pfcount({a, b}).value() == 4);
  CHECK(client.pfcount({key_for("missing", "hll")}).value() == 0);
  REQUIRE(client.pfmerge(merged, {a, b}).has_value());
  CHECK(client.pfcount({merged}).value() == 4);
  // Merging into an existing HyperLogLog keeps what it had.
  REQUIRE(client.pfmerge(a, {b}).has_value());
  CHECK(client.pfcount({a}).value() == 4);
}

TEST_CASE("hyperloglog: the server's refusal is a Result error", "[commands][hyperloglog]") {
  auto& client = command_client();
  const auto key = key_for("not-hll");
  REQUIRE(client.set(key, "plain string").has_value());
  auto count = client.pfcount({key});
  REQUIRE_FALSE(count.has_value());
  CHECK(count.error().message().find("WRONGTYPE") != std::string::npos);
  CHECK_FALSE(client.pfcount({}).has_value());
}

TEST_CASE("hyperloglog in a batch: entries convert as the direct calls return", "[commands][hyperloglog][batch]") {
  auto& client = command_client();
  const auto src = key_for("src", "hb");
  const auto bkey = key_for("b", "hb"), dkey = key_for("d", "hb");
  const auto bmerged = key_for("merged-b", "hb"), dmerged = key_for("merged-d", "hb");
  REQUIRE(client.pfadd(src, {"1", "2", "3"}).has_value());

  Batch batch(false);
  batch.pfadd(bkey, {"3", "4"}).pfcount({src, bkey}).pfmerge(bmerged, {src, bkey}).pfcount({bmerged});
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 4);
  glide_test::check_entry(entries[0], client.pfadd(dkey, {"3", "4"}));
  glide_test::check_entry(entries[1], client.pfcount({src, dkey}));
  CHECK(entries[2].has_value());
  REQUIRE(client.pfmerge(dmerged, {src, dkey}).has_value());
  glide_test::check_entry(entries[3], client.pfcount({dmerged}));
}
