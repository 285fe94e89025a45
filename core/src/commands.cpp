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

void add_expiry_set(Command& c, const ExpirySet& e) {
  switch (e.type) {
    case ExpiryType::SEC: c.arg("EX").arg(e.count); break;
    case ExpiryType::MILLSEC: c.arg("PX").arg(e.count); break;
    case ExpiryType::UNIX_SEC: c.arg("EXAT").arg(e.count); break;
    case ExpiryType::UNIX_MILLSEC: c.arg("PXAT").arg(e.count); break;
    case ExpiryType::KEEP_TTL: c.arg("KEEPTTL"); break;
  }
}

Command scan_command(std::string_view cursor, const ScanOptions& options) {
  Command c{"SCAN", cursor};
  if (options.match) c.arg("MATCH").arg(*options.match);
  if (options.count) c.arg("COUNT").arg(*options.count);
  if (options.type) c.arg("TYPE").arg(*options.type);
  return c;
}

}  // namespace glide::detail
