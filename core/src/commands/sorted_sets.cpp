#include <glide/commands/sorted_sets.hpp>

#include <charconv>
#include <cmath>

namespace glide::detail {
namespace {

std::string number(double d) {
  if (std::isinf(d)) return d > 0 ? "+inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);  // shortest form that reads back exactly
  return std::string(buf, r.ptr);
}

std::string_view to_string(AggregationType a) noexcept {
  switch (a) {
    case AggregationType::SUM: return "SUM";
    case AggregationType::MIN: return "MIN";
    case AggregationType::MAX: return "MAX";
  }
  return "SUM";
}

struct RangeArgs {
  Command& c;
  // start end BYSCORE|BYLEX ([REV] goes between them and LIMIT, added by the caller)
  std::optional<Limit> operator()(const RangeByIndex& r) const {
    c.arg(r.start).arg(r.end);
    return std::nullopt;
  }
  std::optional<Limit> operator()(const RangeByScore& r) const {
    c.arg(score_arg(r.start)).arg(score_arg(r.end)).arg("BYSCORE");
    return r.limit;
  }
  std::optional<Limit> operator()(const RangeByLex& r) const {
    c.arg(lex_arg(r.start)).arg(lex_arg(r.end)).arg("BYLEX");
    return r.limit;
  }
};

// [destination] numkeys key... [WEIGHTS w...] [AGGREGATE how] [WITHSCORES]
Command algebra(std::string_view name, std::optional<std::string_view> destination, const std::vector<std::string>& keys,
                const std::vector<double>& weights, std::optional<AggregationType> aggregation, bool with_scores) {
  Command c{name};
  if (destination) c.arg(*destination);
  c.arg(std::ssize(keys)).args(keys);
  if (!weights.empty()) {
    c.arg("WEIGHTS");
    for (double w : weights) c.arg(w);
  }
  if (aggregation) c.arg("AGGREGATE").arg(to_string(*aggregation));
  if (with_scores) c.arg("WITHSCORES");
  return c;
}

}  // namespace

std::string score_arg(const ScoreRangeBound& bound) {
  if (const auto* inf = std::get_if<InfBound>(&bound)) return *inf == InfBound::POS_INF ? "+inf" : "-inf";
  const auto& b = std::get<ScoreBoundary>(bound);
  return (b.is_inclusive ? "" : "(") + number(b.value);
}

std::string lex_arg(const LexRangeBound& bound) {
  if (const auto* inf = std::get_if<InfBound>(&bound)) return *inf == InfBound::POS_INF ? "+" : "-";
  const auto& b = std::get<LexBoundary>(bound);
  return (b.is_inclusive ? "[" : "(") + b.value;
}

void add_zadd_options(Command& c, std::optional<ConditionalChange> existing, std::optional<UpdateOptions> update) {
  // NX with GT/LT is left to the server to refuse: its error comes back as the Result's.
  if (existing) c.arg(*existing == ConditionalChange::ONLY_IF_EXISTS ? "XX" : "NX");
  if (update) c.arg(*update == UpdateOptions::GREATER_THAN ? "GT" : "LT");
}

void add_range_query(Command& c, const RangeQuery& query, bool reverse) {
  auto limit = std::visit(RangeArgs{c}, query);
  if (reverse) c.arg("REV");
  add_limit(c, limit);
}

void add_range_query(Command& c, const ScoredRangeQuery& query, bool reverse) {
  add_range_query(c, std::visit([](const auto& r) { return RangeQuery(r); }, query), reverse);
}

void add_mpop_args(Command& c, const std::vector<std::string>& keys, ScoreFilter filter, std::optional<std::int64_t> count) {
  c.arg(std::ssize(keys)).args(keys).arg(filter == ScoreFilter::MIN ? "MIN" : "MAX");
  if (count) c.arg("COUNT").arg(*count);
}

void add_zscan_options(Command& c, std::optional<std::string_view> match, std::optional<std::int64_t> count, bool no_scores) {
  if (match) c.arg("MATCH").arg(*match);
  if (count) c.arg("COUNT").arg(*count);
  if (no_scores) c.arg("NOSCORES");
}

Command zset_algebra(std::string_view name, std::optional<std::string_view> destination,
                     const std::vector<std::string>& keys, std::optional<AggregationType> aggregation, bool with_scores) {
  return algebra(name, destination, keys, {}, aggregation, with_scores);
}

Command zset_algebra(std::string_view name, std::optional<std::string_view> destination, const WeightedKeys& keys,
                     std::optional<AggregationType> aggregation, bool with_scores) {
  std::vector<std::string> names;
  std::vector<double> weights;
  for (const auto& [key, weight] : keys) {
    names.push_back(key);
    weights.push_back(weight);
  }
  return algebra(name, destination, names, weights, aggregation, with_scores);
}

}  // namespace glide::detail
