// Multi-slot commands split by slot and their answers put back together (multi_slot.hpp), without
// a server: which parts a command becomes, and what the caller sees from the parts' answers.
// tests/cluster/multi_slot_test.cpp runs the same on the real cluster.
#include <glide/batch.hpp>
#include <glide/detail/multi_slot.hpp>
#include <glide/detail/resp.hpp>
#include <glide/route.hpp>

#include <catch2/catch_test_macros.hpp>

#include <string>
#include <vector>

using glide::Batch;
using glide::Command;
using glide::Value;
using glide::detail::command_arguments;
using glide::detail::combine_split;
using glide::detail::expand_multi_slot;
using glide::detail::fold_expanded;
using glide::detail::split_by_slot;

namespace {

std::vector<std::string> args_of(std::string_view wire) {
  std::vector<std::string> out;
  for (auto a : command_arguments(wire)) out.emplace_back(a);
  return out;
}
std::vector<std::string_view> argv(const std::vector<std::string>& words) { return {words.begin(), words.end()}; }
Value bulk(std::string s) { return Value::bulk_string(std::move(s)); }

}  // namespace

TEST_CASE("split_by_slot: one command per slot, keys in the caller's order within each", "[unit][multi_slot]") {
  // {a} and {b} hash to different slots; the tags keep the test independent of key names.
  const std::vector<std::string> mget{"MGET", "{a}1", "{b}1", "{a}2", "{b}2", "{a}3"};
  auto split = split_by_slot(argv(mget));
  REQUIRE(split);
  CHECK(split->keys == 5);
  CHECK(split->in_key_order);
  CHECK(split->readonly);
  REQUIRE(split->parts.size() == 2);
  CHECK(split->parts[0].slot == glide::hash_slot("a"));
  CHECK(args_of(split->parts[0].wire) == std::vector<std::string>{"MGET", "{a}1", "{a}2", "{a}3"});
  CHECK(split->parts[0].positions == std::vector<std::uint32_t>{0, 2, 4});
  CHECK(args_of(split->parts[1].wire) == std::vector<std::string>{"MGET", "{b}1", "{b}2"});
  CHECK(split->parts[1].positions == std::vector<std::uint32_t>{1, 3});

  // MSET keeps each value with its key.
  const std::vector<std::string> mset{"MSET", "{a}1", "x", "{b}1", "y", "{a}2", "z"};
  auto pairs = split_by_slot(argv(mset));
  REQUIRE(pairs);
  CHECK_FALSE(pairs->readonly);
  CHECK(args_of(pairs->parts[0].wire) == std::vector<std::string>{"MSET", "{a}1", "x", "{a}2", "z"});
  CHECK(args_of(pairs->parts[1].wire) == std::vector<std::string>{"MSET", "{b}1", "y"});
}

TEST_CASE("split_by_slot: what is not split", "[unit][multi_slot]") {
  // One slot: sent as it is.
  CHECK_FALSE(split_by_slot(argv({"MGET", "{a}1", "{a}2"})));
  // MSETNX must be atomic; other multi-key commands answer for their keys together.
  CHECK_FALSE(split_by_slot(argv({"MSETNX", "{a}1", "x", "{b}1", "y"})));
  CHECK_FALSE(split_by_slot(argv({"SUNION", "{a}1", "{b}1"})));
  CHECK_FALSE(split_by_slot(argv({"RENAME", "{a}1", "{b}1"})));
  // A malformed MSET (a key without its value) is the server's to refuse, whole.
  CHECK_FALSE(split_by_slot(argv({"MSET", "{a}1", "x", "{b}1"})));
  for (const char* name : {"DEL", "EXISTS", "UNLINK", "TOUCH", "WATCH"}) {
    INFO(name);
    CHECK(split_by_slot(argv({name, "{a}1", "{b}1"})));
  }
}

TEST_CASE("combine_split: values back in key order, counts summed, OK when all are, the first error fails it", "[unit][multi_slot]") {
  auto mget = split_by_slot(argv({"MGET", "{a}1", "{b}1", "{a}2"})).value();
  CHECK(combine_split(mget, {Value::array({bulk("a1"), Value()}), Value::array({bulk("b1")})}) ==
        Value::array({bulk("a1"), bulk("b1"), Value()}));
  // A part that answered with the wrong number of values cannot be placed: an error, not a guess.
  CHECK(combine_split(mget, {Value::array({bulk("a1")}), Value::array({bulk("b1")})}).is_error());

  auto del = split_by_slot(argv({"DEL", "{a}1", "{b}1", "{c}1"})).value();
  CHECK(del.parts.size() == 3);
  CHECK(combine_split(del, {Value::integer(1), Value::integer(0), Value::integer(1)}) == Value::integer(2));

  auto mset = split_by_slot(argv({"MSET", "{a}1", "x", "{b}1", "y"})).value();
  CHECK(combine_split(mset, {Value::simple_string("OK"), Value::simple_string("OK")}) == Value::simple_string("OK"));
  const auto failed = combine_split(mset, {Value::simple_string("OK"), Value::error("MOVED 1 x:1")});
  REQUIRE(failed.is_error());
  CHECK(failed.str() == "MOVED 1 x:1");
  CHECK(combine_split(del, {Value::integer(1), Value::error("ERR first"), Value::error("ERR second")}).str() == "ERR first");
}

TEST_CASE("expand_multi_slot: a pipeline's splittable entries become their parts and fold back", "[unit][multi_slot]") {
  Batch batch(false);
  batch.set("{a}1", "x").mget({"{a}1", "{b}1"}).get("{b}1").del({"{a}1", "{b}1", "{c}1"});
  CHECK_FALSE(expand_multi_slot(*Batch(false).set("{a}1", "x").mget({"{a}1", "{a}2"}).data()));

  auto expanded = expand_multi_slot(*batch.data());
  REQUIRE(expanded);
  const auto& out = *expanded->batch;
  REQUIRE(out.size() == 7);  // SET, MGET x2, GET, DEL x3
  CHECK(args_of(out.command_wire(0)) == std::vector<std::string>{"SET", "{a}1", "x"});
  CHECK(args_of(out.command_wire(1)) == std::vector<std::string>{"MGET", "{a}1"});
  CHECK(args_of(out.command_wire(2)) == std::vector<std::string>{"MGET", "{b}1"});
  CHECK(args_of(out.command_wire(3)) == std::vector<std::string>{"GET", "{b}1"});
  CHECK(args_of(out.command_wire(6)) == std::vector<std::string>{"DEL", "{c}1"});

  auto folded = fold_expanded(*expanded, {Value::simple_string("OK"), Value::array({bulk("x")}), Value::array({Value()}), Value(),
                                          Value::integer(1), Value::integer(0), Value::error("ERR part")});
  REQUIRE(folded.size() == 4);
  CHECK(folded[0] == Value::simple_string("OK"));
  CHECK(folded[1] == Value::array({bulk("x"), Value()}));
  CHECK(folded[2] == Value());
  CHECK(folded[3].str() == "ERR part");
}

TEST_CASE("expand_multi_slot: scripts keep their place for NOSCRIPT recovery", "[unit][multi_slot]") {
  glide::Script script("return 1");
  Batch batch(false);
  batch.mget({"{a}1", "{b}1"}).invoke_script(script);
  auto expanded = expand_multi_slot(*batch.data());
  REQUIRE(expanded);
  REQUIRE(expanded->batch->scripts.size() == 1);
  CHECK(expanded->batch->scripts.front().index == 2);
  CHECK(expanded->batch->scripts.front().script.get_hash() == script.get_hash());
}
