#include <glide/commands/strings.hpp>

namespace glide::detail {

void add_set_options(Command& c, const SetOptions& o) {
  if (o.conditional_set) c.arg(*o.conditional_set == ConditionalChange::ONLY_IF_EXISTS ? "XX" : "NX");
  if (o.return_old_value) c.arg("GET");
  if (o.expiry) {
    switch (o.expiry->type) {
      case ExpiryType::SEC: c.arg("EX").arg(o.expiry->count); break;
      case ExpiryType::MILLSEC: c.arg("PX").arg(o.expiry->count); break;
      case ExpiryType::UNIX_SEC: c.arg("EXAT").arg(o.expiry->count); break;
      case ExpiryType::UNIX_MILLSEC: c.arg("PXAT").arg(o.expiry->count); break;
      case ExpiryType::KEEP_TTL: c.arg("KEEPTTL"); break;
    }
  }
}

}  // namespace glide::detail
