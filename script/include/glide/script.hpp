#pragma once
// Script: Lua code and its SHA1, an immutable value that is cheap to copy (the code is shared).
#include <charconv>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace glide {

class Script {
 public:
  // Code as text or as bytes (std::string_view holds any bytes, NULs included).
  explicit Script(std::string_view code);
  const std::string& get_hash() const noexcept { return state_->hash; }
  std::string_view code() const noexcept { return state_->code; }

 private:
  struct State {
    std::string code;
    std::string hash;
  };
  std::shared_ptr<const State> state_;
};

// The `{}` initializers are deliberate: without them GCC's -Wextra (-Wmissing-field-initializers)
// warns on the natural `invoke_script(s, {.args = {"x"}})`, which leaves `keys` out.
struct ScriptOptions {
  std::vector<std::string> keys{};
  std::vector<std::string> args{};
};
struct ScriptArgs {
  std::vector<std::string> args{};
};

// The server sees only strings; this spells integers, doubles and strings the way Lua's
// tonumber() reads them back: to_args(10, 60, 0.5, "x") -> {"10", "60", "0.5", "x"}.
std::string to_arg(double d);
template <class T>
std::string to_arg(const T& v) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
  } else if constexpr (std::is_floating_point_v<T>) {
    return to_arg(static_cast<double>(v));
  } else {
    return std::string(std::string_view(v));
  }
}
template <class... A>
std::vector<std::string> to_args(const A&... a) {
  return {to_arg(a)...};
}

namespace detail {
// SHA1 of `data` as 40 lowercase hex digits (OpenSSL).
std::string sha1_hex(std::string_view data);
}

}  // namespace glide
