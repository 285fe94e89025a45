#pragma once
// What every command family shares: the runner that hands a built Command to the face inheriting
// the family (client, sync client, batch), and the option types more than one family uses.
#include <glide/command.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace glide {

enum class ConditionalChange { ONLY_IF_EXISTS, ONLY_IF_DOES_NOT_EXIST };  // XX / NX
enum class ExpiryType { SEC, MILLSEC, UNIX_SEC, UNIX_MILLSEC, KEEP_TTL };
struct ExpirySet {
  ExpiryType type = ExpiryType::SEC;
  std::int64_t count = 0;  // ignored for KEEP_TTL
};
// GETEX's and HGETEX's expiry: EX / PX / EXAT / PXAT with `value`, or PERSIST (value ignored).
enum class ExpiryTypeGetEx { SEC, MILLSEC, UNIX_SEC, UNIX_MILLSEC, PERSIST };
struct ExpiryGetEx {
  ExpiryTypeGetEx expiry_type = ExpiryTypeGetEx::SEC;
  std::int64_t value = 0;
};
// EXPIRE's (and HEXPIRE's) condition: NX / XX / GT / LT.
enum class ExpireOptions { HasNoExpiry, HasExistingExpiry, NewExpiryGreaterThanCurrent, NewExpiryLessThanCurrent };
enum class FlushMode { SYNC, ASYNC };
// LIMIT offset count (sorted-set ranges, SORT).
struct Limit {
  std::int64_t offset = 0;
  std::int64_t count = 0;
};
enum class OrderBy { ASC, DESC };
// SCAN's options (standalone `scan(cursor, options)`, cluster `scan(ClusterScanCursor, options)`).
struct ScanOptions {
  std::optional<std::string> match;  // MATCH glob-style pattern
  std::optional<std::int64_t> count;  // COUNT: a hint of how much work one call does
  std::optional<std::string> type;    // TYPE: only keys of this type ("string", "hash", ...)
};

namespace detail {

// For overloads that differ by a trailing options argument: the plain overload must not swallow
// the options as if they were a completion token.
template <class Option, class... Extra>
concept NoneIs = (!std::is_same_v<std::remove_cvref_t<Extra>, Option> && ...);
// For overloads whose longer twin takes trailing numbers, nullopt or strings (a COUNT, a LIMIT, a
// MATCH pattern): what the plain overload takes can only be a completion token, else
// `lmpop(keys, LEFT, 2)` would take the 2 for a token.
template <class... Extra>
concept TokenOnly = ((!std::is_arithmetic_v<std::remove_cvref_t<Extra>> &&
                      !std::is_same_v<std::remove_cvref_t<Extra>, std::nullopt_t> &&
                      !std::is_convertible_v<Extra, std::string_view>) && ...);

std::string_view to_string(ExpireOptions) noexcept;
inline std::string_view to_string(FlushMode m) noexcept { return m == FlushMode::SYNC ? "SYNC" : "ASYNC"; }
inline std::string_view to_string(OrderBy o) noexcept { return o == OrderBy::ASC ? "ASC" : "DESC"; }
void add_limit(Command& c, const std::optional<Limit>& limit);
void add_getex_expiry(Command& c, const ExpiryGetEx& e);
// SET's and HSETEX's expiry: EX / PX / EXAT / PXAT with the count, or KEEPTTL.
void add_expiry_set(Command& c, const ExpirySet& e);
// "SCAN cursor [MATCH ..] [COUNT ..] [TYPE ..]"
Command scan_command(std::string_view cursor, const ScanOptions& options);

// The base of each command family. `Family` is the family's own class: a face inherits many
// families, and each needs its own unambiguous way back to the face.
template <class Derived, class Family>
class CommandRunner {
 protected:
  // Starts (async), runs (sync) or appends (batch) the command; T is the reply's C++ type.
  template <class T, class... Extra>
  decltype(auto) run(Command c, Extra&&... extra) {
    auto& face = static_cast<Derived&>(static_cast<Family&>(*this));
    return face.template run_command<T>(std::move(c), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
