#include <glide/detail/reply_rules.hpp>

#include <algorithm>
#include <charconv>

namespace glide::detail {

namespace {
bool starts_with_word(std::string_view text, std::string_view word) {
  return text.substr(0, word.size()) == word && (text.size() == word.size() || text[word.size()] == ' ');
}

// "MOVED 3999 127.0.0.1:6381" -> slot 3999 at 127.0.0.1:6381.
ReplyVerdict redirect(ReplyVerdict::Kind kind, std::string_view text, std::string_view asked) {
  const auto first = text.find(' ');
  const auto second = text.find(' ', first + 1);
  if (second == std::string_view::npos || second + 1 >= text.size()) return {};  // malformed: the answer stands
  ReplyVerdict v;
  auto [p, ec] = std::from_chars(text.data() + first + 1, text.data() + second, v.slot);
  if (ec != std::errc() || v.slot < 0 || v.slot > 16383) return {};
  v.kind = kind;
  v.node = std::string(text.substr(second + 1));
  if (v.node.front() == ':') v.node = std::string(asked.substr(0, asked.rfind(':'))) + v.node;
  return v;
}
}  // namespace

ReplyVerdict classify_reply(const Value& reply, std::string_view asked) {
  if (!reply.is_error()) return {};
  const std::string_view text = reply.str();
  if (starts_with_word(text, "MOVED")) return redirect(ReplyVerdict::moved, text, asked);
  if (starts_with_word(text, "ASK")) return redirect(ReplyVerdict::ask, text, asked);
  if (starts_with_word(text, "TRYAGAIN") || starts_with_word(text, "CLUSTERDOWN") || starts_with_word(text, "LOADING"))
    return {ReplyVerdict::retry_later, -1, {}};
  if (starts_with_word(text, "READONLY")) return {ReplyVerdict::readonly, -1, {}};
  if (starts_with_word(text, "NOSCRIPT")) return {ReplyVerdict::noscript, -1, {}};
  return {};
}

std::chrono::milliseconds transient_pause(int attempt) { return std::chrono::milliseconds(20 << std::min(attempt, 5)); }

}  // namespace glide::detail
