#include <glide/commands/strings.hpp>

#include <string_view>

namespace glide {

Result<LcsMatch> FromValue<LcsMatch>::convert(const Value& v) {
  // [[start1, end1], [start2, end2]] or, with WITHMATCHLEN, [[...], [...], len].
  auto items = v.as_array();
  if (!items) return items.error();
  const auto& parts = items.value();
  if (parts.size() != 2 && parts.size() != 3) return v.mismatch("an LCS match (two ranges and an optional length)");
  using Range = std::pair<std::int64_t, std::int64_t>;
  auto key1 = parts[0].as<Range>();
  if (!key1) return key1.error();
  auto key2 = parts[1].as<Range>();
  if (!key2) return key2.error();
  LcsMatch match{key1.value(), key2.value(), std::nullopt};
  if (parts.size() == 3) {
    auto len = parts[2].as_int();
    if (!len) return len.error();
    match.match_len = len.value();
  }
  return match;
}

Result<LcsIdx> FromValue<LcsIdx>::convert(const Value& v) {
  // A RESP3 map, or RESP2's flat "matches", [...], "len", n.
  auto fields = v.as<std::vector<std::pair<std::string, Value>>>();
  if (!fields) return fields.error();
  LcsIdx out;
  bool has_matches = false, has_len = false;
  for (const auto& [name, field] : fields.value()) {
    if (name == "matches") {
      auto matches = field.as<std::vector<LcsMatch>>();
      if (!matches) return matches.error();
      out.matches = std::move(matches).value();
      has_matches = true;
    } else if (name == "len") {
      auto len = field.as_int();
      if (!len) return len.error();
      out.len = len.value();
      has_len = true;
    }
  }
  if (!has_matches || !has_len) return v.mismatch("LCS IDX's reply (matches and len)");
  return out;
}

namespace detail {

void add_set_options(Command& c, const SetOptions& o) {
  if (o.conditional_set) c.arg(*o.conditional_set == ConditionalChange::ONLY_IF_EXISTS ? "XX" : "NX");
  if (o.return_old_value) c.arg("GET");
  if (o.expiry) add_expiry_set(c, *o.expiry);
}

void add_lcs_idx_options(Command& c, std::optional<std::int64_t> min_match_len, bool with_match_len) {
  if (min_match_len) c.arg("MINMATCHLEN").arg(*min_match_len);
  if (with_match_len) c.arg("WITHMATCHLEN");
}

Command pairs_command(std::string_view name, const std::vector<std::pair<std::string, std::string>>& pairs) {
  Command c{name};
  for (const auto& [k, v] : pairs) c.arg(k).arg(v);
  return c;
}

}  // namespace detail
}  // namespace glide
