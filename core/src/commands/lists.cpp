#include <glide/commands/lists.hpp>

namespace glide::detail {

Command mpop_command(Command c, const std::vector<std::string>& keys, ListDirection direction,
                     std::optional<std::int64_t> count) {
  c.arg(static_cast<std::int64_t>(keys.size())).args(keys).arg(to_string(direction));
  if (count) c.arg("COUNT").arg(*count);
  return c;
}

Command lpos_command(std::string_view key, std::string_view element, std::optional<std::int64_t> rank,
                     std::optional<std::int64_t> count, std::optional<std::int64_t> max_len) {
  Command c{"LPOS", key, element};
  if (rank) c.arg("RANK").arg(*rank);
  if (count) c.arg("COUNT").arg(*count);
  if (max_len) c.arg("MAXLEN").arg(*max_len);
  return c;
}

}  // namespace glide::detail
