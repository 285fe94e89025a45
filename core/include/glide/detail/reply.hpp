#pragma once
// One reply Value into the Result a typed command promises.
#include <glide/value.hpp>

namespace glide::detail {

template <class T>
Result<T> to_result(const Value& v) {
  if (v.is_error()) return *v.as_error();
  if constexpr (std::is_void_v<T>) {
    return ok();
  } else {
    return v.as<T>();
  }
}

// The same from a reply no longer needed: moved into the Result (strings too), not copied.
template <class T>
Result<T> to_result(Value&& v) {
  if (v.is_error()) return *v.as_error();
  if constexpr (std::is_void_v<T>) {
    return ok();
  } else if constexpr (std::is_same_v<T, Value>) {
    return std::move(v);
  } else {
    return std::move(v).template as<T>();
  }
}

}  // namespace glide::detail
