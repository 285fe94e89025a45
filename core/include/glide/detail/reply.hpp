#pragma once
// One reply Value into the Result a typed command promises.
#include <glide/value.hpp>

#include <type_traits>
#include <utility>

namespace glide::detail {

// From a Value no longer needed (an rvalue) the Result takes its strings, or the Value itself,
// by move; from an lvalue it copies them.
template <class T, class V>
  requires std::is_same_v<std::remove_cvref_t<V>, Value>
Result<T> to_result(V&& v) {
  if (v.is_error()) return *v.as_error();
  if constexpr (std::is_void_v<T>) {
    return ok();
  } else if constexpr (std::is_same_v<T, Value>) {
    return std::forward<V>(v);
  } else {
    return std::forward<V>(v).template as<T>();
  }
}

}  // namespace glide::detail
