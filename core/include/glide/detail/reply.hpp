#pragma once
// One reply Value into the Result a typed command promises.
#include <glide/value.hpp>

namespace glide::detail {

template <class T>
Result<T> to_result(Value v) {
  if (v.is_error()) return *v.as_error();
  if constexpr (std::is_void_v<T>) {
    return ok();
  } else if constexpr (std::is_same_v<T, Value>) {
    return v;
  } else {
    return v.as<T>();
  }
}

}  // namespace glide::detail
