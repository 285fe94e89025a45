#pragma once
// glide::Value: any RESP2/RESP3 reply, plus typed conversions into C++ types that fail as Results.
#include <glide/error.hpp>

#include <charconv>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/core.h>

namespace glide {

enum class ValueKind : std::uint8_t {
  nil,
  simple_string,
  bulk_string,
  verbatim_string,
  integer,
  double_number,
  boolean,
  big_number,
  array,
  map,
  set,
  push,
  error,
};
std::string_view to_string(ValueKind) noexcept;

class Value;
template <class T>
struct FromValue;  // specialise to teach Value::as<T>() a new type

class Value {
 public:
  using Array = std::vector<Value>;
  using Map = std::vector<std::pair<Value, Value>>;

  Value() = default;  // nil
  static Value nil() { return {}; }
  static Value simple_string(std::string s) { return Value(ValueKind::simple_string, std::move(s)); }
  static Value bulk_string(std::string s) { return Value(ValueKind::bulk_string, std::move(s)); }
  // `payload` includes the three-letter format and colon, as on the wire ("txt:hello").
  static Value verbatim_string(std::string payload) { return Value(ValueKind::verbatim_string, std::move(payload)); }
  static Value big_number(std::string digits) { return Value(ValueKind::big_number, std::move(digits)); }
  static Value error(std::string text) { return Value(ValueKind::error, std::move(text)); }
  static Value integer(std::int64_t i) { return Value(ValueKind::integer, i); }
  static Value double_number(double d) { return Value(ValueKind::double_number, d); }
  static Value boolean(bool b) { return Value(ValueKind::boolean, b); }
  // kind must be array, set or push
  static Value aggregate(ValueKind kind, Array items) { return Value(kind, std::move(items)); }
  static Value array(Array items) { return Value(ValueKind::array, std::move(items)); }
  static Value map(Map items) { return Value(ValueKind::map, std::move(items)); }

  ValueKind kind() const noexcept { return kind_; }
  bool is_nil() const noexcept { return kind_ == ValueKind::nil; }
  bool is_error() const noexcept { return kind_ == ValueKind::error; }
  bool is_string() const noexcept {
    return kind_ == ValueKind::simple_string || kind_ == ValueKind::bulk_string ||
           kind_ == ValueKind::verbatim_string || kind_ == ValueKind::big_number;
  }
  bool is_aggregate() const noexcept {
    return kind_ == ValueKind::array || kind_ == ValueKind::set || kind_ == ValueKind::push || kind_ == ValueKind::map;
  }

  // Text of strings (a verbatim string without its "txt:" format) and big numbers. An error entry
  // is a mismatch whose message carries its text (as_error() reads it; str() gives the raw text).
  Result<std::string_view> as_string() const;
  // Integers, and strings holding a whole decimal integer (RESP2 sends many numbers as strings).
  Result<std::int64_t> as_int() const;
  // Doubles, integers, and strings holding a number ("inf", "-inf" and "nan" included).
  Result<double> as_double() const;
  // Booleans, and the integers 0 and 1 (RESP2 has no boolean).
  Result<bool> as_bool() const;
  // Arrays, sets and pushes.
  Result<std::span<const Value>> as_array() const;
  // RESP3 maps. (as<std::vector<std::pair<K, V>>>() also reads RESP2's flat key/value arrays.)
  Result<std::span<const std::pair<Value, Value>>> as_map() const;
  // An error entry of an aggregate (e.g. one failed command in EXEC's reply) as an Error;
  // nullopt for any other kind.
  std::optional<Error> as_error() const;

  // Convert into a C++ type: integers, double, bool, std::string, std::string_view,
  // std::optional<T> (nil -> nullopt), std::vector<T>, std::pair<A, B>, std::vector<std::pair<K, V>>
  // (from maps or RESP2 flat arrays), Value. A mismatch is a Result error, never UB.
  template <class T>
  Result<T> as() const& {
    return FromValue<T>::convert(*this);
  }
  // The same from a Value no longer needed: a string is moved out rather than copied (a GET's
  // value reaches the caller without a copy).
  template <class T>
  Result<T> as() && {
    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::optional<std::string>>) {
      if constexpr (!std::is_same_v<T, std::string>)
        if (kind_ == ValueKind::nil) return T{};
      if (kind_ == ValueKind::simple_string || kind_ == ValueKind::bulk_string || kind_ == ValueKind::big_number)
        return T(std::move(*std::get_if<std::string>(&data_)));
    }
    return FromValue<T>::convert(*this);
  }

  // The underlying storage, for generic code that switched on kind().
  const std::string& str() const noexcept;
  const Array& items() const noexcept;
  Array& items() noexcept;
  const Map& entries() const noexcept;
  Map& entries() noexcept;

  friend bool operator==(const Value& a, const Value& b);
  // Strings compare by their text, whatever their kind; an error entry never equals a string.
  friend bool operator==(const Value& v, std::string_view s);
  friend bool operator==(const Value& v, const char* s) { return v == std::string_view(s); }
  friend bool operator==(const Value& v, const std::string& s) { return v == std::string_view(s); }
  template <class I>
    requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
  friend bool operator==(const Value& v, I i) {
    return v.kind_ == ValueKind::integer && std::get<std::int64_t>(v.data_) == static_cast<std::int64_t>(i);
  }
  friend bool operator==(const Value& v, bool b) {
    return v.kind_ == ValueKind::boolean && std::get<bool>(v.data_) == b;
  }
  friend bool operator==(const Value& v, double d) {
    return v.kind_ == ValueKind::double_number && std::get<double>(v.data_) == d;
  }

  // A type mismatch error for `wanted`, naming what this value actually is.
  Error mismatch(std::string_view wanted) const;

 private:
  template <class T>
  Value(ValueKind k, T&& v) : kind_(k), data_(std::forward<T>(v)) {}

  ValueKind kind_ = ValueKind::nil;
  std::variant<std::monostate, std::string, std::int64_t, double, bool, Array, Map> data_;
};

std::ostream& operator<<(std::ostream&, const Value&);

// ---- conversions -------------------------------------------------------------------------------

template <>
struct FromValue<Value> {
  static Result<Value> convert(const Value& v) { return v; }
};
template <>
struct FromValue<std::string> {
  static Result<std::string> convert(const Value& v) {
    auto s = v.as_string();
    if (!s) return s.error();
    return std::string(s.value());
  }
};
template <>
struct FromValue<std::string_view> {
  static Result<std::string_view> convert(const Value& v) { return v.as_string(); }
};
template <>
struct FromValue<bool> {
  static Result<bool> convert(const Value& v) { return v.as_bool(); }
};
template <>
struct FromValue<double> {
  static Result<double> convert(const Value& v) { return v.as_double(); }
};
template <class I>
  requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
struct FromValue<I> {
  static Result<I> convert(const Value& v) {
    auto i = v.as_int();
    if (!i) return i.error();
    if (!std::in_range<I>(i.value())) return v.mismatch("an integer in range of the requested type");
    return static_cast<I>(i.value());
  }
};
template <class T>
struct FromValue<std::optional<T>> {
  static Result<std::optional<T>> convert(const Value& v) {
    if (v.is_nil()) return std::optional<T>{};
    auto t = FromValue<T>::convert(v);
    if (!t) return t.error();
    return std::optional<T>(std::move(t).value());
  }
};
template <class A, class B>
struct FromValue<std::pair<A, B>> {
  static Result<std::pair<A, B>> convert(const Value& v) {
    auto arr = v.as_array();
    if (!arr) return arr.error();
    if (arr.value().size() != 2) return v.mismatch("a pair (an array of two)");
    auto a = FromValue<A>::convert(arr.value()[0]);
    if (!a) return a.error();
    auto b = FromValue<B>::convert(arr.value()[1]);
    if (!b) return b.error();
    return std::pair<A, B>(std::move(a).value(), std::move(b).value());
  }
};
template <class T>
struct FromValue<std::vector<T>> {
  static Result<std::vector<T>> convert(const Value& v) {
    auto arr = v.as_array();
    if (!arr) return arr.error();
    std::vector<T> out;
    out.reserve(arr.value().size());
    for (const auto& item : arr.value()) {
      auto t = FromValue<T>::convert(item);
      if (!t) return t.error();
      out.push_back(std::move(t).value());
    }
    return out;
  }
};
// Fixed-shape arrays (e.g. BZPOPMIN's key, member, score) become tuples, element by element.
template <class... Ts>
struct FromValue<std::tuple<Ts...>> {
  static Result<std::tuple<Ts...>> convert(const Value& v) {
    auto arr = v.as_array();
    if (!arr) return arr.error();
    if (arr.value().size() != sizeof...(Ts)) return v.mismatch("an array of " + std::to_string(sizeof...(Ts)) + " elements");
    return convert_each(arr.value(), std::index_sequence_for<Ts...>{});
  }

 private:
  template <std::size_t... I>
  static Result<std::tuple<Ts...>> convert_each(std::span<const Value> items, std::index_sequence<I...>) {
    std::tuple<Result<Ts>...> parts{FromValue<Ts>::convert(items[I])...};
    std::optional<Error> failed;
    ((failed = failed ? failed : (std::get<I>(parts) ? std::nullopt : std::optional<Error>(std::get<I>(parts).error()))), ...);
    if (failed) return *failed;
    return std::tuple<Ts...>(std::move(std::get<I>(parts)).value()...);
  }
};
// Maps (RESP3), arrays of two-element arrays, and RESP2's flat key, value, key, value arrays all
// become a vector of pairs.
template <class K, class V>
struct FromValue<std::vector<std::pair<K, V>>> {
  using Out = std::vector<std::pair<K, V>>;
  static Result<Out> convert(const Value& v) {
    Out out;
    if (v.kind() == ValueKind::map) {
      out.reserve(v.entries().size());
      for (const auto& [key, val] : v.entries())
        if (auto e = add(out, key, val)) return *e;
      return out;
    }
    auto arr = v.as_array();
    if (!arr) return arr.error();
    auto items = arr.value();
    bool nested = !items.empty();
    for (const auto& item : items) nested = nested && item.is_aggregate() && item.items().size() == 2;
    if (nested) {
      for (const auto& item : items)
        if (auto e = add(out, item.items()[0], item.items()[1])) return *e;
      return out;
    }
    if (items.size() % 2 != 0) return v.mismatch("a map or an array of key/value pairs");
    for (std::size_t i = 0; i < items.size(); i += 2)
      if (auto e = add(out, items[i], items[i + 1])) return *e;
    return out;
  }

 private:
  static std::optional<Error> add(Out& out, const Value& key, const Value& val) {
    auto k = FromValue<K>::convert(key);
    if (!k) return k.error();
    auto x = FromValue<V>::convert(val);
    if (!x) return x.error();
    out.emplace_back(std::move(k).value(), std::move(x).value());
    return std::nullopt;
  }
};

}  // namespace glide

// fmt::format("{}", value) prints what operator<< prints. Only fmt's core header comes with it
// (fmt/ostream.h was twice the size of everything else value.hpp includes).
template <>
struct fmt::formatter<glide::Value> : fmt::formatter<fmt::string_view> {
  fmt::format_context::iterator format(const glide::Value& v, fmt::format_context& ctx) const;
};
