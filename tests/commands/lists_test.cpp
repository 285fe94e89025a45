// The lists family (glide/commands/lists.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <chrono>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;
using Strings = std::vector<std::string>;

TEST_CASE("lpush, rpush and their x forms; pops from both ends, one or counted", "[commands][lists]") {
  auto& client = command_client();
  const auto k = key_for("push_pop");
  const auto missing = key_for("push_pop_missing");
  CHECK(client.rpush(k, {"a", "b", "c"}).value() == 3);
  CHECK(client.lpush(k, {"z"}).value() == 4);
  CHECK(client.lpushx(k, {"y"}).value() == 5);
  CHECK(client.rpushx(k, {"d"}).value() == 6);
  CHECK(client.lpushx(missing, {"x"}).value() == 0);
  CHECK(client.rpushx(missing, {"x"}).value() == 0);
  CHECK(client.llen(missing).value() == 0);
  CHECK(client.lrange(k, 0, -1).value() == Strings{"y", "z", "a", "b", "c", "d"});

  CHECK(client.lpop(k).value() == "y");
  CHECK(client.rpop(k).value() == "d");
  CHECK(client.lpop_count(k, 2).value() == Strings{"z", "a"});
  CHECK(client.rpop_count(k, 5).value() == Strings{"c", "b"});  // fewer than asked: what there was
  CHECK(client.llen(k).value() == 0);
  CHECK(client.lpop(k).value() == std::nullopt);
  CHECK(client.rpop(k).value() == std::nullopt);
  CHECK(client.lpop_count(k, 2).value() == std::nullopt);
  CHECK(client.rpop_count(k, 2).value() == std::nullopt);
}

TEST_CASE("lindex, lset, linsert, lrem, ltrim", "[commands][lists]") {
  auto& client = command_client();
  const auto k = key_for("edit");
  client.rpush(k, {"a", "b", "c", "b", "a"}).value();
  CHECK(client.lindex(k, 1).value() == "b");
  CHECK(client.lindex(k, -1).value() == "a");
  CHECK(client.lindex(k, 99).value() == std::nullopt);
  CHECK(client.lset(k, 0, "A").has_value());
  CHECK(client.lindex(k, 0).value() == "A");

  CHECK(client.linsert(k, InsertPosition::BEFORE, "c", "x").value() == 6);
  CHECK(client.linsert(k, InsertPosition::AFTER, "c", "y").value() == 7);
  CHECK(client.linsert(k, InsertPosition::AFTER, "nope", "y").value() == -1);
  CHECK(client.linsert(key_for("edit_missing"), InsertPosition::AFTER, "c", "y").value() == 0);
  CHECK(client.lrange(k, 0, -1).value() == Strings{"A", "b", "x", "c", "y", "b", "a"});

  client.rpush(k, {"b"}).value();
  CHECK(client.lrem(k, -1, "b").value() == 1);  // from the tail: the b just pushed
  CHECK(client.lrem(k, 1, "b").value() == 1);   // from the head: the first b
  CHECK(client.lrem(k, 0, "nope").value() == 0);
  CHECK(client.lrange(k, 0, -1).value() == Strings{"A", "x", "c", "y", "b", "a"});

  CHECK(client.ltrim(k, 1, 3).has_value());
  CHECK(client.lrange(k, 0, -1).value() == Strings{"x", "c", "y"});
}

TEST_CASE("lpos: first match, rank, count and max_len", "[commands][lists]") {
  auto& client = command_client();
  const auto k = key_for("lpos");
  client.rpush(k, {"a", "b", "c", "b", "d", "b"}).value();
  using Indexes = std::vector<std::int64_t>;
  CHECK(client.lpos(k, "b").value() == 1);
  CHECK(client.lpos(k, "nope").value() == std::nullopt);
  CHECK(client.lpos(k, "b", 2, std::nullopt, std::nullopt).value() == 3);   // the second match
  CHECK(client.lpos(k, "b", -1, std::nullopt, std::nullopt).value() == 5);  // the last one
  CHECK(client.lpos(k, "b", std::nullopt, std::nullopt, 1).value() == std::nullopt);  // only "a" compared
  CHECK(client.lpos(k, "b", std::nullopt, 0, std::nullopt).value() == Indexes{1, 3, 5});
  CHECK(client.lpos(k, "b", std::nullopt, 2, std::nullopt).value() == Indexes{1, 3});
  CHECK(client.lpos(k, "b", 2, 0, std::nullopt).value() == Indexes{3, 5});
  CHECK(client.lpos(k, "b", std::nullopt, 0, 4).value() == Indexes{1, 3});
  CHECK(client.lpos(k, "nope", std::nullopt, 0, std::nullopt).value().empty());
}

TEST_CASE("lmove, lmpop and their blocking forms move between lists", "[commands][lists]") {
  auto& client = command_client();
  const auto src = key_for("src", "lmove");
  const auto dst = key_for("dst", "lmove");
  const auto missing = key_for("missing", "lmove");
  using Popped = std::optional<std::pair<std::string, Strings>>;
  client.rpush(src, {"a", "b", "c"}).value();
  CHECK(client.lmove(src, dst, ListDirection::LEFT, ListDirection::RIGHT).value() == "a");
  CHECK(client.lmove(src, dst, ListDirection::RIGHT, ListDirection::LEFT).value() == "c");
  CHECK(client.lmove(missing, dst, ListDirection::LEFT, ListDirection::LEFT).value() == std::nullopt);
  CHECK(client.lrange(dst, 0, -1).value() == Strings{"c", "a"});

  CHECK(client.lmpop({missing, src}, ListDirection::LEFT).value() == Popped{{src, {"b"}}});
  CHECK(client.lmpop({dst}, ListDirection::RIGHT, 5).value() == Popped{{dst, {"a", "c"}}});
  CHECK(client.lmpop({src, dst}, ListDirection::LEFT).value() == std::nullopt);

  client.rpush(src, {"x", "y"}).value();
  CHECK(client.blmove(src, dst, ListDirection::RIGHT, ListDirection::LEFT, 0.1).value() == "y");
  CHECK(client.blmpop({missing, dst}, ListDirection::LEFT, 0.1).value() == Popped{{dst, {"y"}}});
  client.rpush(src, {"1", "2", "3"}).value();
  CHECK(client.blmpop({src}, ListDirection::RIGHT, 0.1, 2).value() == Popped{{src, {"3", "2"}}});
  using KeyElement = std::optional<std::pair<std::string, std::string>>;
  CHECK(client.brpop({missing, src}, 0.1).value() == KeyElement{{src, "1"}});
  CHECK(client.blpop({missing, src}, 0.1).value() == KeyElement{{src, "x"}});
}

// The request's timeout is the client's plus the server-side wait, so a 0.5 s wait on a client
// whose requests time out after 200 ms ends with the command's "nothing", not a timeout error.
TEST_CASE("blocking list commands outlast a shorter request timeout", "[commands][lists]") {
  auto cfg = glide_test::config_for(glide_test::shared_server());
  cfg.request_timeout = std::chrono::milliseconds(200);
  auto client = sync::GlideClient::create(cfg).value();
  const auto empty = key_for("empty", "blocking");
  const auto other = key_for("other", "blocking");
  auto brpop = client.brpop({empty}, 0.5);
  auto blpop = client.blpop({empty}, 0.5);
  auto blmpop = client.blmpop({empty, other}, ListDirection::LEFT, 0.5);
  auto blmove = client.blmove(empty, other, ListDirection::LEFT, ListDirection::RIGHT, 0.5);
  REQUIRE(brpop.has_value());
  CHECK(brpop.value() == std::nullopt);
  REQUIRE(blpop.has_value());
  CHECK(blpop.value() == std::nullopt);
  REQUIRE(blmpop.has_value());
  CHECK(blmpop.value() == std::nullopt);
  REQUIRE(blmove.has_value());
  CHECK(blmove.value() == std::nullopt);
}

TEST_CASE("lists: a negative count is the server's error, as a Result", "[commands][lists]") {
  auto& client = command_client();
  const auto k = key_for("bad");
  client.rpush(k, {"a"}).value();
  auto popped = client.lpop_count(k, -1);
  REQUIRE_FALSE(popped.has_value());
  CHECK(popped.error().message().find("out of range") != std::string_view::npos);
  CHECK_FALSE(client.lmpop({k}, ListDirection::LEFT, -1).has_value());
  CHECK(client.llen(k).value() == 1);  // the connection still serves
}

namespace {

// The lists the batch test starts from, made again before the direct calls.
void reset_lists(const std::string& a, const std::string& b) {
  auto& client = command_client();
  client.del({a, b}).value();
  client.rpush(a, {"a", "b", "c", "b", "d"}).value();
  client.rpush(b, {"x", "y"}).value();
}

}  // namespace

TEST_CASE("lists in a batch: entries convert as the direct calls return", "[commands][lists][batch]") {
  auto& client = command_client();
  const auto a = key_for("a", "lists_batch");
  const auto b = key_for("b", "lists_batch");
  reset_lists(a, b);
  Batch batch(false);
  batch.lpush(a, {"z"})
      .lpop_count(a, 2)
      .lrange(a, 0, -1)
      .lindex(a, 9)
      .lpos(a, "b")
      .lpos(a, "b", std::nullopt, 0, std::nullopt)
      .lmpop({b, a}, ListDirection::RIGHT, 1)
      .lmove(a, b, ListDirection::LEFT, ListDirection::LEFT)
      .brpop({a}, 0.1)
      .lset(a, 0, "q")
      .linsert(a, InsertPosition::AFTER, "q", "r")
      .blmpop({a}, ListDirection::LEFT, 0.1);
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 12);

  reset_lists(a, b);
  glide_test::check_entry(entries[0], client.lpush(a, {"z"}));
  glide_test::check_entry(entries[1], client.lpop_count(a, 2));
  glide_test::check_entry(entries[2], client.lrange(a, 0, -1));
  glide_test::check_entry(entries[3], client.lindex(a, 9));
  glide_test::check_entry(entries[4], client.lpos(a, "b"));
  glide_test::check_entry(entries[5], client.lpos(a, "b", std::nullopt, 0, std::nullopt));
  glide_test::check_entry(entries[6], client.lmpop({b, a}, ListDirection::RIGHT, 1));
  glide_test::check_entry(entries[7], client.lmove(a, b, ListDirection::LEFT, ListDirection::LEFT));
  glide_test::check_entry(entries[8], client.brpop({a}, 0.1));
  REQUIRE(client.lset(a, 0, "q").has_value());
  CHECK(entries[9].has_value());
  glide_test::check_entry(entries[10], client.linsert(a, InsertPosition::AFTER, "q", "r"));
  glide_test::check_entry(entries[11], client.blmpop({a}, ListDirection::LEFT, 0.1));
}
