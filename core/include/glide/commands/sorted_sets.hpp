#pragma once
// Sorted sets: ranges by index, score and lex, the *_withscores forms, pops, set algebra.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
// Member/score results (the *_withscores forms, pops) are vectors of pairs in the server's order,
// not maps: that order (by score, by rank) is what the caller asked for.
#include <glide/commands/common.hpp>

#include <tuple>
#include <variant>

namespace glide {

enum class UpdateOptions { LESS_THAN, GREATER_THAN };  // LT / GT
// -inf/+inf for scores, -/+ for lex ranges.
enum class InfBound { POS_INF, NEG_INF };
struct ScoreBoundary {
  double value = 0;
  bool is_inclusive = true;
};
struct LexBoundary {
  std::string value;
  bool is_inclusive = true;
};
using ScoreRangeBound = std::variant<InfBound, ScoreBoundary>;
using LexRangeBound = std::variant<InfBound, LexBoundary>;

struct RangeByIndex {
  std::int64_t start = 0;
  std::int64_t end = 0;
};
struct RangeByScore {
  ScoreRangeBound start;
  ScoreRangeBound end;
  std::optional<Limit> limit{};
};
struct RangeByLex {
  LexRangeBound start;
  LexRangeBound end;
  std::optional<Limit> limit{};
};
using RangeQuery = std::variant<RangeByIndex, RangeByScore, RangeByLex>;
// The server refuses WITHSCORES on a lex range, so the *_withscores forms do not take one.
using ScoredRangeQuery = std::variant<RangeByIndex, RangeByScore>;

enum class AggregationType { SUM, MIN, MAX };
enum class ScoreFilter { MIN, MAX };
// ZINTER/ZUNION keys with their WEIGHTS multipliers.
using WeightedKeys = std::vector<std::pair<std::string, double>>;

// Members with their scores, in the server's order.
using MemberScores = std::vector<std::pair<std::string, double>>;

namespace detail {

std::string score_arg(const ScoreRangeBound& bound);
std::string lex_arg(const LexRangeBound& bound);
void add_zadd_options(Command& c, std::optional<ConditionalChange> existing, std::optional<UpdateOptions> update);
// start end [BYSCORE|BYLEX] [REV] [LIMIT offset count], as ZRANGE and ZRANGESTORE take it.
void add_range_query(Command& c, const RangeQuery& query, bool reverse);
void add_range_query(Command& c, const ScoredRangeQuery& query, bool reverse);
// numkeys key... MIN|MAX [COUNT n], as ZMPOP and BZMPOP take it.
void add_mpop_args(Command& c, const std::vector<std::string>& keys, ScoreFilter filter, std::optional<std::int64_t> count);
void add_zscan_options(Command& c, std::optional<std::string_view> match, std::optional<std::int64_t> count, bool no_scores);

// The commands of ZINTER/ZUNION and their *STORE forms: one builder for the four of them.
Command zset_algebra(std::string_view name, std::optional<std::string_view> destination,
                     const std::vector<std::string>& keys, std::optional<AggregationType> aggregation, bool with_scores);
Command zset_algebra(std::string_view name, std::optional<std::string_view> destination, const WeightedKeys& keys,
                     std::optional<AggregationType> aggregation, bool with_scores);

template <class Derived>
class SortedSetCommands : public CommandRunner<Derived, SortedSetCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  // The number of members added (not those whose score changed).
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zadd(Key key, std::vector<std::pair<std::string, double>> members_scores, Extra&&... extra) {
    Command c{"ZADD", key};
    for (const auto& [member, score] : members_scores) c.arg(score).arg(member);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  // With `changed`, the number of members added or updated.
  template <class... Extra>
  decltype(auto) zadd(Key key, std::vector<std::pair<std::string, double>> members_scores,
                      std::optional<ConditionalChange> existing_options, std::optional<UpdateOptions> update_condition,
                      bool changed, Extra&&... extra) {
    Command c{"ZADD", key};
    add_zadd_options(c, existing_options, update_condition);
    if (changed) c.arg("CH");
    for (const auto& [member, score] : members_scores) c.arg(score).arg(member);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  // The member's new score; nullopt when the conditions kept it from changing.
  template <class... Extra>
    requires TokenOnly<Extra...> && NoneIs<ConditionalChange, Extra...> && NoneIs<UpdateOptions, Extra...>
  decltype(auto) zadd_incr(Key key, std::string_view member, double increment, Extra&&... extra) {
    return this->template run<std::optional<double>>(std::move(Command{"ZADD", key, "INCR"}.arg(increment).arg(member)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zadd_incr(Key key, std::string_view member, double increment, std::optional<ConditionalChange> existing_options,
                           std::optional<UpdateOptions> update_condition, Extra&&... extra) {
    Command c{"ZADD", key};
    add_zadd_options(c, existing_options, update_condition);
    c.arg("INCR").arg(increment).arg(member);
    return this->template run<std::optional<double>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zcard(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"ZCARD", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zcount(Key key, const ScoreRangeBound& min_score, const ScoreRangeBound& max_score, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"ZCOUNT", key, score_arg(min_score), score_arg(max_score)}, std::forward<Extra>(extra)...);
  }
  // The member's new score.
  template <class... Extra>
  decltype(auto) zincrby(Key key, double increment, std::string_view member, Extra&&... extra) {
    return this->template run<double>(std::move(Command{"ZINCRBY", key}.arg(increment).arg(member)), std::forward<Extra>(extra)...);
  }
  // Highest score first; empty when the set is empty.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zpopmax(Key key, Extra&&... extra) {
    return this->template run<MemberScores>(Command{"ZPOPMAX", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zpopmax(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<MemberScores>(std::move(Command{"ZPOPMAX", key}.arg(count)), std::forward<Extra>(extra)...);
  }
  // (key, member, score); nullopt when the timeout (seconds, 0: none) passed first.
  template <class... Extra>
  decltype(auto) bzpopmax(Keys keys, double timeout, Extra&&... extra) {
    return this->template run<std::optional<std::tuple<std::string, std::string, double>>>(std::move(Command{"BZPOPMAX"}.args(keys).arg(timeout)), std::forward<Extra>(extra)...);
  }
  // Lowest score first; empty when the set is empty.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zpopmin(Key key, Extra&&... extra) {
    return this->template run<MemberScores>(Command{"ZPOPMIN", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zpopmin(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<MemberScores>(std::move(Command{"ZPOPMIN", key}.arg(count)), std::forward<Extra>(extra)...);
  }
  // (key, member, score); nullopt when the timeout (seconds, 0: none) passed first.
  template <class... Extra>
  decltype(auto) bzpopmin(Keys keys, double timeout, Extra&&... extra) {
    return this->template run<std::optional<std::tuple<std::string, std::string, double>>>(std::move(Command{"BZPOPMIN"}.args(keys).arg(timeout)), std::forward<Extra>(extra)...);
  }
  // Members by rank, from start to end inclusive (negative ranks count from the end).
  template <class... Extra>
  decltype(auto) zrange(Key key, std::int64_t start, std::int64_t end, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"ZRANGE", key}.arg(start).arg(end)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zrange(Key key, const RangeQuery& range_query, Extra&&... extra) {
    return zrange(key, range_query, false, std::forward<Extra>(extra)...);
  }
  // `reverse`: highest score (or last in lex order) first; a RangeByScore/RangeByLex then takes
  // its start as the upper bound, as the server does.
  template <class... Extra>
  decltype(auto) zrange(Key key, const RangeQuery& range_query, bool reverse, Extra&&... extra) {
    Command c{"ZRANGE", key};
    add_range_query(c, range_query, reverse);
    return this->template run<std::vector<std::string>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zrange_withscores(Key key, const ScoredRangeQuery& range_query, Extra&&... extra) {
    return zrange_withscores(key, range_query, false, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zrange_withscores(Key key, const ScoredRangeQuery& range_query, bool reverse, Extra&&... extra) {
    Command c{"ZRANGE", key};
    add_range_query(c, range_query, reverse);
    c.arg("WITHSCORES");
    return this->template run<MemberScores>(std::move(c), std::forward<Extra>(extra)...);
  }
  // The number of members stored at destination.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zrangestore(Key destination, Key source, const RangeQuery& range_query, Extra&&... extra) {
    return zrangestore(destination, source, range_query, false, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zrangestore(Key destination, Key source, const RangeQuery& range_query, bool reverse, Extra&&... extra) {
    Command c{"ZRANGESTORE", destination, source};
    add_range_query(c, range_query, reverse);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  // nullopt when the member (or the key) does not exist.
  template <class... Extra>
  decltype(auto) zrank(Key key, std::string_view member, Extra&&... extra) {
    return this->template run<std::optional<std::int64_t>>(Command{"ZRANK", key, member}, std::forward<Extra>(extra)...);
  }
  // (rank, score); nullopt when the member (or the key) does not exist.
  template <class... Extra>
  decltype(auto) zrank_withscore(Key key, std::string_view member, Extra&&... extra) {
    return this->template run<std::optional<std::pair<std::int64_t, double>>>(Command{"ZRANK", key, member, "WITHSCORE"}, std::forward<Extra>(extra)...);
  }
  // The rank counted from the highest score; nullopt when the member (or the key) does not exist.
  template <class... Extra>
  decltype(auto) zrevrank(Key key, std::string_view member, Extra&&... extra) {
    return this->template run<std::optional<std::int64_t>>(Command{"ZREVRANK", key, member}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zrevrank_withscore(Key key, std::string_view member, Extra&&... extra) {
    return this->template run<std::optional<std::pair<std::int64_t, double>>>(Command{"ZREVRANK", key, member, "WITHSCORE"}, std::forward<Extra>(extra)...);
  }
  // The number of members removed.
  template <class... Extra>
  decltype(auto) zrem(Key key, Keys members, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"ZREM", key}.args(members)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zremrangebyscore(Key key, const ScoreRangeBound& min_score, const ScoreRangeBound& max_score, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"ZREMRANGEBYSCORE", key, score_arg(min_score), score_arg(max_score)}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zremrangebylex(Key key, const LexRangeBound& min_lex, const LexRangeBound& max_lex, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"ZREMRANGEBYLEX", key, lex_arg(min_lex), lex_arg(max_lex)}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zremrangebyrank(Key key, std::int64_t start, std::int64_t end, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"ZREMRANGEBYRANK", key}.arg(start).arg(end)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zlexcount(Key key, const LexRangeBound& min_lex, const LexRangeBound& max_lex, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"ZLEXCOUNT", key, lex_arg(min_lex), lex_arg(max_lex)}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zscore(Key key, std::string_view member, Extra&&... extra) {
    return this->template run<std::optional<double>>(Command{"ZSCORE", key, member}, std::forward<Extra>(extra)...);
  }
  // One score per member asked for, nullopt where it is not in the set.
  template <class... Extra>
  decltype(auto) zmscore(Key key, Keys members, Extra&&... extra) {
    return this->template run<std::vector<std::optional<double>>>(std::move(Command{"ZMSCORE", key}.args(members)), std::forward<Extra>(extra)...);
  }
  // Members of the first set in none of the others.
  template <class... Extra>
  decltype(auto) zdiff(Keys keys, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"ZDIFF"}.arg(std::ssize(keys)).args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zdiff_withscores(Keys keys, Extra&&... extra) {
    return this->template run<MemberScores>(std::move(Command{"ZDIFF"}.arg(std::ssize(keys)).args(keys).arg("WITHSCORES")), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zdiffstore(Key destination, Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"ZDIFFSTORE", destination}.arg(std::ssize(keys)).args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zinter(Keys keys, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(zset_algebra("ZINTER", std::nullopt, keys, std::nullopt, false), std::forward<Extra>(extra)...);
  }
  // Scores are summed (or as `aggregation_type` says) over the sets, each times its weight.
  template <class... Extra>
    requires NoneIs<AggregationType, Extra...>
  decltype(auto) zinter_withscores(Keys keys, Extra&&... extra) {
    return this->template run<MemberScores>(zset_algebra("ZINTER", std::nullopt, keys, std::nullopt, true), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zinter_withscores(Keys keys, AggregationType aggregation_type, Extra&&... extra) {
    return this->template run<MemberScores>(zset_algebra("ZINTER", std::nullopt, keys, aggregation_type, true), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<AggregationType, Extra...>
  decltype(auto) zinter_withscores(WeightedKeys keys, Extra&&... extra) {
    return this->template run<MemberScores>(zset_algebra("ZINTER", std::nullopt, keys, std::nullopt, true), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zinter_withscores(WeightedKeys keys, AggregationType aggregation_type, Extra&&... extra) {
    return this->template run<MemberScores>(zset_algebra("ZINTER", std::nullopt, keys, aggregation_type, true), std::forward<Extra>(extra)...);
  }
  // The number of members stored at destination.
  template <class... Extra>
    requires NoneIs<AggregationType, Extra...>
  decltype(auto) zinterstore(Key destination, Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(zset_algebra("ZINTERSTORE", destination, keys, std::nullopt, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zinterstore(Key destination, Keys keys, AggregationType aggregation_type, Extra&&... extra) {
    return this->template run<std::int64_t>(zset_algebra("ZINTERSTORE", destination, keys, aggregation_type, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<AggregationType, Extra...>
  decltype(auto) zinterstore(Key destination, WeightedKeys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(zset_algebra("ZINTERSTORE", destination, keys, std::nullopt, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zinterstore(Key destination, WeightedKeys keys, AggregationType aggregation_type, Extra&&... extra) {
    return this->template run<std::int64_t>(zset_algebra("ZINTERSTORE", destination, keys, aggregation_type, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zunion(Keys keys, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(zset_algebra("ZUNION", std::nullopt, keys, std::nullopt, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<AggregationType, Extra...>
  decltype(auto) zunion_withscores(Keys keys, Extra&&... extra) {
    return this->template run<MemberScores>(zset_algebra("ZUNION", std::nullopt, keys, std::nullopt, true), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zunion_withscores(Keys keys, AggregationType aggregation_type, Extra&&... extra) {
    return this->template run<MemberScores>(zset_algebra("ZUNION", std::nullopt, keys, aggregation_type, true), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<AggregationType, Extra...>
  decltype(auto) zunion_withscores(WeightedKeys keys, Extra&&... extra) {
    return this->template run<MemberScores>(zset_algebra("ZUNION", std::nullopt, keys, std::nullopt, true), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zunion_withscores(WeightedKeys keys, AggregationType aggregation_type, Extra&&... extra) {
    return this->template run<MemberScores>(zset_algebra("ZUNION", std::nullopt, keys, aggregation_type, true), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<AggregationType, Extra...>
  decltype(auto) zunionstore(Key destination, Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(zset_algebra("ZUNIONSTORE", destination, keys, std::nullopt, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zunionstore(Key destination, Keys keys, AggregationType aggregation_type, Extra&&... extra) {
    return this->template run<std::int64_t>(zset_algebra("ZUNIONSTORE", destination, keys, aggregation_type, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<AggregationType, Extra...>
  decltype(auto) zunionstore(Key destination, WeightedKeys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(zset_algebra("ZUNIONSTORE", destination, keys, std::nullopt, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zunionstore(Key destination, WeightedKeys keys, AggregationType aggregation_type, Extra&&... extra) {
    return this->template run<std::int64_t>(zset_algebra("ZUNIONSTORE", destination, keys, aggregation_type, false), std::forward<Extra>(extra)...);
  }
  // nullopt when the set is empty (or missing).
  template <class... Extra>
  decltype(auto) zrandmember(Key key, Extra&&... extra) {
    return this->template run<std::optional<std::string>>(Command{"ZRANDMEMBER", key}, std::forward<Extra>(extra)...);
  }
  // A positive count picks distinct members; a negative one may pick a member more than once.
  template <class... Extra>
  decltype(auto) zrandmember_count(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(std::move(Command{"ZRANDMEMBER", key}.arg(count)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zrandmember_withscores(Key key, std::int64_t count, Extra&&... extra) {
    return this->template run<MemberScores>(std::move(Command{"ZRANDMEMBER", key}.arg(count).arg("WITHSCORES")), std::forward<Extra>(extra)...);
  }
  // (the key popped from, its members and scores); nullopt when every set was empty.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zmpop(Keys keys, ScoreFilter filter, Extra&&... extra) {
    Command c{"ZMPOP"};
    add_mpop_args(c, keys, filter, std::nullopt);
    return this->template run<std::optional<std::pair<std::string, MemberScores>>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zmpop(Keys keys, ScoreFilter filter, std::int64_t count, Extra&&... extra) {
    Command c{"ZMPOP"};
    add_mpop_args(c, keys, filter, count);
    return this->template run<std::optional<std::pair<std::string, MemberScores>>>(std::move(c), std::forward<Extra>(extra)...);
  }
  // As zmpop; nullopt also when the timeout (seconds, 0: none) passed first.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) bzmpop(Keys keys, ScoreFilter modifier, double timeout, Extra&&... extra) {
    Command c{"BZMPOP"};
    c.arg(timeout);
    add_mpop_args(c, keys, modifier, std::nullopt);
    return this->template run<std::optional<std::pair<std::string, MemberScores>>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) bzmpop(Keys keys, ScoreFilter modifier, double timeout, std::int64_t count, Extra&&... extra) {
    Command c{"BZMPOP"};
    c.arg(timeout);
    add_mpop_args(c, keys, modifier, count);
    return this->template run<std::optional<std::pair<std::string, MemberScores>>>(std::move(c), std::forward<Extra>(extra)...);
  }
  // With a limit, counting stops there (0: no limit).
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zintercard(Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"ZINTERCARD"}.arg(std::ssize(keys)).args(keys)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zintercard(Keys keys, std::int64_t limit, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"ZINTERCARD"}.arg(std::ssize(keys)).args(keys).arg("LIMIT").arg(limit)), std::forward<Extra>(extra)...);
  }
  // (next cursor, member, score, member, score, ... as text; with no_scores members only): one
  // shape whatever the options, as GLIDE gives it. The iteration is over when the cursor is "0".
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zscan(Key key, std::string_view cursor, Extra&&... extra) {
    return this->template run<std::pair<std::string, std::vector<std::string>>>(Command{"ZSCAN", key, cursor}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zscan(Key key, std::string_view cursor, std::string_view match, Extra&&... extra) {
    Command c{"ZSCAN", key, cursor};
    add_zscan_options(c, match, std::nullopt, false);
    return this->template run<std::pair<std::string, std::vector<std::string>>>(std::move(c), std::forward<Extra>(extra)...);
  }
  // `match` and `count` may be std::nullopt.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) zscan(Key key, std::string_view cursor, std::optional<std::string_view> match, std::optional<std::int64_t> count, Extra&&... extra) {
    Command c{"ZSCAN", key, cursor};
    add_zscan_options(c, match, count, false);
    return this->template run<std::pair<std::string, std::vector<std::string>>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) zscan(Key key, std::string_view cursor, std::optional<std::string_view> match, std::optional<std::int64_t> count,
                       bool no_scores, Extra&&... extra) {
    Command c{"ZSCAN", key, cursor};
    add_zscan_options(c, match, count, no_scores);
    return this->template run<std::pair<std::string, std::vector<std::string>>>(std::move(c), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
