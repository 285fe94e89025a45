// The sorted_sets family (glide/commands/sorted_sets.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

namespace {

using Strings = std::vector<std::string>;

// a=1, b=2, c=3, d=4, e=5
std::string five_scores(std::string_view what, std::string_view tag = {}) {
  auto key = key_for(what, tag);
  command_client().zadd(key, {{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}}).value();
  return key;
}

// a..e, all scored 0, so that lex ranges apply.
std::string five_lex(std::string_view what) {
  auto key = key_for(what);
  command_client().zadd(key, {{"a", 0}, {"b", 0}, {"c", 0}, {"d", 0}, {"e", 0}}).value();
  return key;
}

glide::sync::GlideClient client_with(std::chrono::milliseconds request_timeout, ProtocolVersion protocol = ProtocolVersion::RESP3) {
  auto cfg = glide_test::config_for(glide_test::shared_server());
  cfg.request_timeout = request_timeout;
  cfg.protocol = protocol;
  return glide::sync::GlideClient::create(cfg).value();
}

}  // namespace

TEST_CASE("zadd and its options, zadd_incr, zincrby, zcard, zscore", "[commands][sorted_sets]") {
  auto& client = command_client();
  const auto key = key_for("zadd");
  CHECK(client.zadd(key, {{"a", 1}, {"b", 2}}).value() == 2);
  CHECK(client.zcard(key).value() == 2);
  CHECK(client.zcard(key_for("missing")).value() == 0);

  // XX: only existing members change; nothing is added.
  CHECK(client.zadd(key, {{"a", 5}, {"c", 3}}, ConditionalChange::ONLY_IF_EXISTS, std::nullopt, false).value() == 0);
  CHECK(client.zscore(key, "a").value() == 5.0);
  CHECK(client.zscore(key, "c").value() == std::nullopt);
  // NX: only new members; a keeps its score.
  CHECK(client.zadd(key, {{"a", 1}, {"d", 4}}, ConditionalChange::ONLY_IF_DOES_NOT_EXIST, std::nullopt, false).value() == 1);
  CHECK(client.zscore(key, "a").value() == 5.0);
  // GT with CH: b goes up to 10 and counts as changed; a would go down, so stays.
  CHECK(client.zadd(key, {{"a", 3}, {"b", 10}}, std::nullopt, UpdateOptions::GREATER_THAN, true).value() == 1);
  CHECK(client.zscore(key, "b").value() == 10.0);
  CHECK(client.zscore(key, "a").value() == 5.0);
  // LT without CH: a goes down, but only additions are counted.
  CHECK(client.zadd(key, {{"a", 3}}, std::nullopt, UpdateOptions::LESS_THAN, false).value() == 0);
  CHECK(client.zscore(key, "a").value() == 3.0);
  // NX with GT: the server refuses, as a Result error.
  auto refused = client.zadd(key, {{"a", 1}}, ConditionalChange::ONLY_IF_DOES_NOT_EXIST, UpdateOptions::GREATER_THAN, false);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code() == errc::request_error);

  CHECK(client.zadd_incr(key, "a", 2.5).value() == 5.5);
  CHECK(client.zadd_incr(key, "zz", 1, ConditionalChange::ONLY_IF_EXISTS, std::nullopt).value() == std::nullopt);
  CHECK(client.zadd_incr(key, "new", 2, ConditionalChange::ONLY_IF_DOES_NOT_EXIST, std::nullopt).value() == 2.0);
  CHECK(client.zadd_incr(key, "a", -10, std::nullopt, UpdateOptions::GREATER_THAN).value() == std::nullopt);
  CHECK(client.zadd_incr(key, "a", -1, ConditionalChange::ONLY_IF_EXISTS, UpdateOptions::LESS_THAN).value() == 4.5);

  CHECK(client.zincrby(key, 1.5, "b").value() == 11.5);
  CHECK(client.zincrby(key, 2, "fresh").value() == 2.0);
  CHECK(client.zscore(key_for("missing"), "a").value() == std::nullopt);
}

TEST_CASE("zcount and zlexcount with inclusive, exclusive and infinite bounds", "[commands][sorted_sets]") {
  auto& client = command_client();
  const auto key = five_scores("zcount");
  CHECK(client.zcount(key, InfBound::NEG_INF, InfBound::POS_INF).value() == 5);
  CHECK(client.zcount(key, ScoreBoundary{2}, ScoreBoundary{4, false}).value() == 2);
  CHECK(client.zcount(key, ScoreBoundary{2, false}, InfBound::POS_INF).value() == 3);
  CHECK(client.zcount(key, ScoreBoundary{4}, ScoreBoundary{2}).value() == 0);

  const auto lex = five_lex("zlexcount");
  CHECK(client.zlexcount(lex, InfBound::NEG_INF, InfBound::POS_INF).value() == 5);
  CHECK(client.zlexcount(lex, LexBoundary{"b", false}, LexBoundary{"d"}).value() == 2);
  CHECK(client.zlexcount(lex, LexBoundary{"b"}, InfBound::POS_INF).value() == 4);
}

TEST_CASE("zrange by index, score and lex, reversed and limited; zrange_withscores; zrangestore", "[commands][sorted_sets]") {
  auto& client = command_client();
  const auto key = five_scores("zrange");
  CHECK(client.zrange(key, 0, -1).value() == Strings{"a", "b", "c", "d", "e"});
  CHECK(client.zrange(key, RangeByIndex{0, 1}).value() == Strings{"a", "b"});
  CHECK(client.zrange(key, RangeByIndex{0, 1}, true).value() == Strings{"e", "d"});
  CHECK(client.zrange(key, RangeByScore{ScoreBoundary{2, false}, InfBound::POS_INF, Limit{1, 2}}).value() == Strings{"d", "e"});
  // Reversed, the range runs from the upper bound down.
  CHECK(client.zrange(key, RangeByScore{InfBound::POS_INF, ScoreBoundary{2}}, true).value() == Strings{"e", "d", "c", "b"});
  CHECK(client.zrange(key_for("missing"), RangeByIndex{0, -1}).value().empty());

  const auto lex = five_lex("zrange_lex");
  CHECK(client.zrange(lex, RangeByLex{LexBoundary{"b"}, LexBoundary{"d", false}}).value() == Strings{"b", "c"});
  CHECK(client.zrange(lex, RangeByLex{InfBound::NEG_INF, InfBound::POS_INF, Limit{3, 10}}).value() == Strings{"d", "e"});
  CHECK(client.zrange(lex, RangeByLex{LexBoundary{"c"}, InfBound::NEG_INF}, true).value() == Strings{"c", "b", "a"});

  CHECK(client.zrange_withscores(key, RangeByIndex{0, 1}).value() == MemberScores{{"a", 1}, {"b", 2}});
  CHECK(client.zrange_withscores(key, RangeByIndex{0, 0}, true).value() == MemberScores{{"e", 5}});
  CHECK(client.zrange_withscores(key, RangeByScore{ScoreBoundary{4}, InfBound::POS_INF}).value() == MemberScores{{"d", 4}, {"e", 5}});
  CHECK(client.zrange_withscores(key, RangeByScore{InfBound::POS_INF, InfBound::NEG_INF, Limit{0, 2}}, true).value() ==
        MemberScores{{"e", 5}, {"d", 4}});

  const auto source = five_scores("zrangestore_src", "zrs");
  const auto destination = key_for("zrangestore_dst", "zrs");
  CHECK(client.zrangestore(destination, source, RangeByScore{ScoreBoundary{3}, InfBound::POS_INF}).value() == 3);
  CHECK(client.zrange(destination, 0, -1).value() == Strings{"c", "d", "e"});
  CHECK(client.zrangestore(destination, source, RangeByIndex{0, 0}, true).value() == 1);
  CHECK(client.zrange_withscores(destination, RangeByIndex{0, -1}).value() == MemberScores{{"e", 5}});
  const auto lex_source = key_for("zrangestore_lex", "zrs");
  client.zadd(lex_source, {{"a", 0}, {"b", 0}, {"c", 0}}).value();
  CHECK(client.zrangestore(destination, lex_source, RangeByLex{LexBoundary{"b"}, InfBound::POS_INF}).value() == 2);
}

TEST_CASE("zrank, zrevrank and their _withscore forms", "[commands][sorted_sets]") {
  auto& client = command_client();
  const auto key = five_scores("zrank");
  CHECK(client.zrank(key, "c").value() == 2);
  CHECK(client.zrank(key, "zz").value() == std::nullopt);
  CHECK(client.zrank_withscore(key, "b").value() == std::pair<std::int64_t, double>{1, 2.0});
  CHECK(client.zrank_withscore(key, "zz").value() == std::nullopt);
  CHECK(client.zrevrank(key, "a").value() == 4);
  CHECK(client.zrevrank(key_for("missing"), "a").value() == std::nullopt);
  CHECK(client.zrevrank_withscore(key, "a").value() == std::pair<std::int64_t, double>{4, 1.0});
  CHECK(client.zrevrank_withscore(key, "zz").value() == std::nullopt);
}

TEST_CASE("zrem, zremrangebyscore, zremrangebylex, zremrangebyrank, zmscore", "[commands][sorted_sets]") {
  auto& client = command_client();
  const auto key = five_scores("zrem");
  CHECK(client.zmscore(key, {"a", "zz", "e"}).value() == std::vector<std::optional<double>>{1.0, std::nullopt, 5.0});
  CHECK(client.zrem(key, {"a", "zz"}).value() == 1);
  CHECK(client.zremrangebyscore(key, ScoreBoundary{2}, ScoreBoundary{4, false}).value() == 2);
  CHECK(client.zrange(key, 0, -1).value() == Strings{"d", "e"});
  CHECK(client.zremrangebyscore(key, ScoreBoundary{5, false}, InfBound::POS_INF).value() == 0);
  CHECK(client.zremrangebyrank(key, -1, -1).value() == 1);
  CHECK(client.zrange(key, 0, -1).value() == Strings{"d"});

  const auto lex = five_lex("zremrangebylex");
  CHECK(client.zremrangebylex(lex, LexBoundary{"a", false}, LexBoundary{"c"}).value() == 2);
  CHECK(client.zremrangebylex(lex, LexBoundary{"d"}, InfBound::POS_INF).value() == 2);
  CHECK(client.zrange(lex, 0, -1).value() == Strings{"a"});
}

TEST_CASE("zpopmax, zpopmin, zmpop and the blocking pops", "[commands][sorted_sets]") {
  auto& client = command_client();
  const auto key = five_scores("zpop", "zpop");
  const auto empty = key_for("zpop_empty", "zpop");
  CHECK(client.zpopmax(key).value() == MemberScores{{"e", 5}});
  CHECK(client.zpopmax(key, 2).value() == MemberScores{{"d", 4}, {"c", 3}});
  CHECK(client.zpopmin(key).value() == MemberScores{{"a", 1}});
  CHECK(client.zpopmin(key, 5).value() == MemberScores{{"b", 2}});
  CHECK(client.zpopmax(empty).value().empty());
  CHECK(client.zpopmin(empty, 3).value().empty());

  const auto again = five_scores("zpop_again", "zpop");
  using Popped = std::tuple<std::string, std::string, double>;
  CHECK(client.bzpopmax({empty, again}, 0.1).value() == Popped{again, "e", 5});
  CHECK(client.bzpopmin({empty, again}, 0.1).value() == Popped{again, "a", 1});

  using Multi = std::pair<std::string, MemberScores>;
  CHECK(client.zmpop({empty, again}, ScoreFilter::MIN).value() == Multi{again, {{"b", 2}}});
  CHECK(client.zmpop({empty, again}, ScoreFilter::MAX, 1).value() == Multi{again, {{"d", 4}}});
  CHECK(client.bzmpop({empty, again}, ScoreFilter::MAX, 0.1).value() == Multi{again, {{"c", 3}}});
  client.zadd(again, {{"x", 7}, {"y", 8}, {"z", 9}}).value();
  CHECK(client.bzmpop({again}, ScoreFilter::MIN, 0.1, 2).value() == Multi{again, {{"x", 7}, {"y", 8}}});
  CHECK(client.zmpop({empty}, ScoreFilter::MIN).value() == std::nullopt);
}

TEST_CASE("blocking sorted-set pops outwait a shorter request timeout and return nothing", "[commands][sorted_sets]") {
  // The request timeout (200 ms) is shorter than the server-side wait (0.5 s): the command table
  // adds the latter, so the caller sees the server's "nothing", not a timeout error.
  auto client = client_with(std::chrono::milliseconds(200));
  const auto empty = key_for("bzpop_empty");
  auto max = client.bzpopmax({empty}, 0.5);
  REQUIRE(max.has_value());
  CHECK(max.value() == std::nullopt);
  auto min = client.bzpopmin({empty}, 0.5);
  REQUIRE(min.has_value());
  CHECK(min.value() == std::nullopt);
  auto multi = client.bzmpop({empty}, ScoreFilter::MIN, 0.5, 3);
  REQUIRE(multi.has_value());
  CHECK(multi.value() == std::nullopt);
}

TEST_CASE("zdiff, zinter, zunion, their _withscores and *store forms, zintercard", "[commands][sorted_sets]") {
  auto& client = command_client();
  const auto k1 = key_for("algebra1", "alg");
  const auto k2 = key_for("algebra2", "alg");
  const auto dst = key_for("algebra_dst", "alg");
  client.zadd(k1, {{"a", 1}, {"b", 2}, {"c", 3}}).value();
  client.zadd(k2, {{"b", 10}, {"c", 20}, {"d", 30}}).value();
  const std::vector<std::string> keys{k1, k2};
  const WeightedKeys weighted{{k1, 2}, {k2, 1}};

  CHECK(client.zdiff(keys).value() == Strings{"a"});
  CHECK(client.zdiff_withscores(keys).value() == MemberScores{{"a", 1}});
  CHECK(client.zdiffstore(dst, keys).value() == 1);
  CHECK(client.zrange(dst, 0, -1).value() == Strings{"a"});

  CHECK(client.zinter(keys).value() == Strings{"b", "c"});
  CHECK(client.zinter_withscores(keys).value() == MemberScores{{"b", 12}, {"c", 23}});
  CHECK(client.zinter_withscores(keys, AggregationType::MAX).value() == MemberScores{{"b", 10}, {"c", 20}});
  CHECK(client.zinter_withscores(weighted).value() == MemberScores{{"b", 14}, {"c", 26}});
  CHECK(client.zinter_withscores(weighted, AggregationType::MIN).value() == MemberScores{{"b", 4}, {"c", 6}});
  CHECK(client.zinterstore(dst, keys).value() == 2);
  CHECK(client.zscore(dst, "c").value() == 23.0);
  CHECK(client.zinterstore(dst, keys, AggregationType::MIN).value() == 2);
  CHECK(client.zscore(dst, "c").value() == 3.0);
  CHECK(client.zinterstore(dst, weighted).value() == 2);
  CHECK(client.zscore(dst, "c").value() == 26.0);
  CHECK(client.zinterstore(dst, weighted, AggregationType::MAX).value() == 2);
  CHECK(client.zscore(dst, "b").value() == 10.0);

  CHECK(client.zunion(keys).value() == Strings{"a", "b", "c", "d"});
  CHECK(client.zunion_withscores(keys).value() == MemberScores{{"a", 1}, {"b", 12}, {"c", 23}, {"d", 30}});
  CHECK(client.zunion_withscores(keys, AggregationType::MIN).value() == MemberScores{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 30}});
  CHECK(client.zunion_withscores(weighted).value() == MemberScores{{"a", 2}, {"b", 14}, {"c", 26}, {"d", 30}});
  CHECK(client.zunion_withscores(weighted, AggregationType::MAX).value() == MemberScores{{"a", 2}, {"b", 10}, {"c", 20}, {"d", 30}});
  CHECK(client.zunionstore(dst, keys).value() == 4);
  CHECK(client.zscore(dst, "b").value() == 12.0);
  CHECK(client.zunionstore(dst, keys, AggregationType::MAX).value() == 4);
  CHECK(client.zscore(dst, "b").value() == 10.0);
  CHECK(client.zunionstore(dst, weighted).value() == 4);
  CHECK(client.zscore(dst, "a").value() == 2.0);
  CHECK(client.zunionstore(dst, weighted, AggregationType::MIN).value() == 4);
  CHECK(client.zscore(dst, "b").value() == 4.0);

  CHECK(client.zintercard(keys).value() == 2);
  CHECK(client.zintercard(keys, 1).value() == 1);
}

TEST_CASE("zrandmember, zrandmember_count, zrandmember_withscores", "[commands][sorted_sets]") {
  auto& client = command_client();
  const auto key = five_scores("zrandmember");
  const Strings all{"a", "b", "c", "d", "e"};
  auto one = client.zrandmember(key).value();
  REQUIRE(one.has_value());
  CHECK(std::find(all.begin(), all.end(), *one) != all.end());
  CHECK(client.zrandmember(key_for("missing")).value() == std::nullopt);

  auto distinct = client.zrandmember_count(key, 10).value();
  std::sort(distinct.begin(), distinct.end());
  CHECK(distinct == all);
  CHECK(client.zrandmember_count(key, -8).value().size() == 8);  // repeats allowed

  auto scored = client.zrandmember_withscores(key, -7).value();
  CHECK(scored.size() == 7);
  for (const auto& [member, score] : scored) CHECK(score == static_cast<double>(member[0] - 'a' + 1));
  CHECK(client.zrandmember_withscores(key_for("missing"), 3).value().empty());
}

TEST_CASE("zscan with match, count and no_scores", "[commands][sorted_sets]") {
  auto& client = command_client();
  const auto key = key_for("zscan");
  client.zadd(key, {{"a", 1}, {"b", 2}, {"foo", 3}}).value();
  auto all = client.zscan(key, "0").value();
  CHECK(all.first == "0");
  CHECK(all.second.size() == 6);  // member, score, member, score, ...
  CHECK(client.zscan(key, "0", "f*").value() == std::pair<std::string, Strings>{"0", {"foo", "3"}});
  auto counted = client.zscan(key, "0", std::nullopt, 100).value();
  CHECK(counted.second.size() == 6);
  auto names = client.zscan(key, "0", "*", std::nullopt, true).value();
  std::sort(names.second.begin(), names.second.end());
  CHECK(names.second == Strings{"a", "b", "foo"});
}

TEST_CASE("sorted sets: bad arguments come back as the server's errors", "[commands][sorted_sets]") {
  auto& client = command_client();
  const auto key = five_scores("zbad");
  auto nan = client.zadd(key, {{"x", std::numeric_limits<double>::quiet_NaN()}});
  REQUIRE_FALSE(nan.has_value());
  CHECK(nan.error().code() == errc::request_error);
  auto negative = client.zpopmin(key, -1);
  REQUIRE_FALSE(negative.has_value());
  auto no_keys = client.zinter({});
  REQUIRE_FALSE(no_keys.has_value());
  CHECK(client.zcard(key).value() == 5);
}

TEST_CASE("sorted-set replies convert from RESP2's shapes too", "[commands][sorted_sets]") {
  // RESP2 sends scores as text and member/score lists flat; the conversions read both.
  auto resp2 = client_with(std::chrono::milliseconds(2000), ProtocolVersion::RESP2);
  const auto key = five_scores("resp2", "r2");
  const auto empty = key_for("resp2_empty", "r2");
  CHECK(resp2.zscore(key, "c").value() == 3.0);
  CHECK(resp2.zrange_withscores(key, RangeByIndex{0, 1}).value() == MemberScores{{"a", 1}, {"b", 2}});
  CHECK(resp2.zrank_withscore(key, "b").value() == std::pair<std::int64_t, double>{1, 2.0});
  CHECK(resp2.zmscore(key, {"a", "zz"}).value() == std::vector<std::optional<double>>{1.0, std::nullopt});
  CHECK(resp2.zrandmember_withscores(key, -2).value().size() == 2);
  CHECK(resp2.zpopmax(key, 1).value() == MemberScores{{"e", 5}});
  CHECK(resp2.bzpopmin({empty, key}, 0.1).value() == std::tuple<std::string, std::string, double>{key, "a", 1});
  CHECK(resp2.zmpop({key}, ScoreFilter::MIN, 2).value() == std::pair<std::string, MemberScores>{key, {{"b", 2}, {"c", 3}}});
  CHECK(resp2.zadd_incr(key, "d", 0.5).value() == 4.5);
}

TEST_CASE("sorted_sets family in a batch: entries convert as the direct calls return", "[commands][sorted_sets][batch]") {
  auto& client = command_client();
  const auto key = five_scores("batch_read", "zb");
  const auto other = key_for("batch_other", "zb");
  client.zadd(other, {{"c", 30}, {"z", 26}}).value();
  const auto single = key_for("batch_single", "zb");
  client.zadd(single, {{"only", 1}}).value();
  // Writes go to twins set up alike: one for the batch, one for the direct call.
  const auto batch_twin = five_scores("batch_twin_b", "zb");
  const auto direct_twin = five_scores("batch_twin_d", "zb");
  const auto empty = key_for("batch_empty", "zb");
  const std::vector<std::string> keys{key, other};
  // Pops name the key they popped from: the batch pops first, then the same set is refilled.
  const auto pop = key_for("batch_pop", "zb");
  const MemberScores pop_content{{"p", 1}, {"q", 2}, {"r", 3}};
  client.zadd(pop, pop_content).value();

  Batch batch(false);
  batch.zadd(batch_twin, {{"f", 6}}, std::nullopt, std::nullopt, true)
      .zadd_incr(batch_twin, "a", 1)
      .zincrby(batch_twin, 1, "b")
      .zcard(key)
      .zcount(key, ScoreBoundary{2}, InfBound::POS_INF)
      .zscore(key, "c")
      .zrange(key, RangeByScore{ScoreBoundary{2}, ScoreBoundary{4}})
      .zrange_withscores(key, RangeByIndex{0, -1}, true)
      .zrank(key, "d")
      .zrank_withscore(key, "d")
      .zmscore(key, {"a", "zz"})
      .zinter_withscores(keys, AggregationType::MAX)
      .zrandmember(single)
      .zscan(key, "0")
      .zpopmin(batch_twin, 2)
      .bzpopmax({empty, pop}, 0.1)
      .zmpop({empty, pop}, ScoreFilter::MAX, 2)
      .zintercard(keys);
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 18);
  glide_test::check_entry(entries[0], client.zadd(direct_twin, {{"f", 6}}, std::nullopt, std::nullopt, true));
  glide_test::check_entry(entries[1], client.zadd_incr(direct_twin, "a", 1));
  glide_test::check_entry(entries[2], client.zincrby(direct_twin, 1, "b"));
  glide_test::check_entry(entries[3], client.zcard(key));
  glide_test::check_entry(entries[4], client.zcount(key, ScoreBoundary{2}, InfBound::POS_INF));
  glide_test::check_entry(entries[5], client.zscore(key, "c"));
  glide_test::check_entry(entries[6], client.zrange(key, RangeByScore{ScoreBoundary{2}, ScoreBoundary{4}}));
  glide_test::check_entry(entries[7], client.zrange_withscores(key, RangeByIndex{0, -1}, true));
  glide_test::check_entry(entries[8], client.zrank(key, "d"));
  glide_test::check_entry(entries[9], client.zrank_withscore(key, "d"));
  glide_test::check_entry(entries[10], client.zmscore(key, {"a", "zz"}));
  glide_test::check_entry(entries[11], client.zinter_withscores(keys, AggregationType::MAX));
  glide_test::check_entry(entries[12], client.zrandmember(single));
  glide_test::check_entry(entries[13], client.zscan(key, "0"));
  glide_test::check_entry(entries[14], client.zpopmin(direct_twin, 2));
  client.zadd(pop, pop_content).value();
  glide_test::check_entry(entries[15], client.bzpopmax({empty, pop}, 0.1));
  glide_test::check_entry(entries[16], client.zmpop({empty, pop}, ScoreFilter::MAX, 2));
  glide_test::check_entry(entries[17], client.zintercard(keys));
}
