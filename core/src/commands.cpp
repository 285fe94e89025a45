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

void add_getex_expiry(Command& c, const ExpiryGetEx& e) {
  switch (e.expiry_type) {
    case ExpiryTypeGetEx::SEC: c.arg("EX").arg(e.value); break;
    case ExpiryTypeGetEx::MILLSEC: c.arg("PX").arg(e.value); break;
    case ExpiryTypeGetEx::UNIX_SEC: c.arg("EXAT").arg(e.value); break;
    case ExpiryTypeGetEx::UNIX_MILLSEC: c.arg("PXAT").arg(e.value); break;
    case ExpiryTypeGetEx::PERSIST: c.arg("PERSIST"); break;
  }
}

}  // namespace glide::detail
