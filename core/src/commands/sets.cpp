#include <glide/commands/sets.hpp>

namespace glide::detail {

void add_sscan_options(Command& c, const std::optional<std::string_view>& match, std::optional<std::int64_t> count) {
  if (match) c.arg("MATCH").arg(*match);
  if (count) c.arg("COUNT").arg(*count);
}

}  // namespace glide::detail
