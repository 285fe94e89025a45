#pragma once
// print(got, guide): shows what an example got next to what the scripts guide says it prints, and
// counts differences so that the example exits with status 1 on any (scripts/examples.sh runs
// every example and stops at the first failure). A `guide` text ending in "..." matches any
// output that starts with the rest.
#include <glide/glide.hpp>

#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace example {

inline int differences = 0;

inline void put(std::ostream& os, const glide::Value& v) { os << v; }
inline void put(std::ostream& os, std::string_view s) { os << glide::Value::bulk_string(std::string(s)); }
inline void put(std::ostream& os, const std::string& s) { put(os, std::string_view(s)); }
inline void put(std::ostream& os, std::int64_t i) { os << i; }
inline void put(std::ostream& os, bool b) { os << (b ? "true" : "false"); }
inline void put(std::ostream& os, const std::optional<std::string>& s) {
  if (s) put(os, *s); else os << "nil";
}
inline void put(std::ostream& os, const std::vector<std::optional<std::string>>& v) {
  os << '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) os << ", ";
    put(os, v[i]);
  }
  os << ']';
}
inline void put(std::ostream& os, const std::vector<bool>& v) {
  os << '[';
  for (std::size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << (v[i] ? "true" : "false");
  os << ']';
}
template <class T>
void put(std::ostream& os, const glide::Result<T>& r) {
  if (!r) {
    os << "error: " << r.error();  // e.g. "error: script killed: ERR Script killed by user ..."
  } else if constexpr (std::is_void_v<T>) {
    os << "ok";
  } else {
    put(os, r.value());
  }
}

template <class T>
void print(const T& got, std::string_view guide) {
  std::ostringstream text;
  put(text, got);
  const std::string out = text.str();
  const bool prefix = guide.ends_with("...");
  const std::string_view want = prefix ? guide.substr(0, guide.size() - 3) : guide;
  const bool same = prefix ? std::string_view(out).starts_with(want) : out == want;
  std::cout << "  " << out << "    # " << guide << (same ? "" : "    <-- DIFFERS FROM THE GUIDE") << "\n";
  if (!same) ++differences;
}

inline int exit_status() {
  if (differences) std::cout << differences << " result(s) differ from the guide\n";
  return differences ? 1 : 0;
}

}  // namespace example
