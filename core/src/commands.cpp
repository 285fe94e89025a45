#include <glide/commands/common.hpp>

namespace glide::detail {

std::string_view to_string(ExpireOptions o) noexcept {
  switch (o) {
    case ExpireOptions::HasNoExpiry: return "NX";
    case ExpireOptions::HasExistingExpiry: return "XX";
    case ExpireOptions::NewExpiryGreaterThanCurrent: return "GT";
    case ExpireOptions::NewExpiryLessThanCurrent: return "LT";
  }
  return "NX";
}

void add_limit(Command& c, const std::optional<Limit>& limit) {
  if (limit) c.arg("LIMIT").arg(limit->offset).arg(limit->count);
}

}  // namespace glide::detail
