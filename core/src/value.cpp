#include <glide/value.hpp>

#include <cmath>
#include <cstdlib>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

namespace glide {

std::string_view to_string(ValueKind k) noexcept {
  switch (k) {
    case ValueKind::nil: return "nil";
    case ValueKind::simple_string: return "simple string";
    case ValueKind::bulk_string: return "bulk string";
    case ValueKind::verbatim_string: return "verbatim string";
    case ValueKind::integer: return "integer";
    case ValueKind::double_number: return "double";
    case ValueKind::boolean: return "boolean";
    case ValueKind::big_number: return "big number";
    case ValueKind::array: return "array";
    case ValueKind::map: return "map";
    case ValueKind::set: return "set";
    case ValueKind::push: return "push";
    case ValueKind::error: return "error";
  }
  return "unknown";
}

Error Value::mismatch(std::string_view wanted) const {
  std::string msg = "type mismatch: wanted ";
  msg += wanted;
  msg += ", got ";
  msg += to_string(kind_);
  if (kind_ == ValueKind::error) {
    msg += ": ";
    msg += std::get<std::string>(data_);
  }
  return {errc::request_error, std::move(msg)};
}

const std::string& Value::str() const noexcept {
  static const std::string empty;
  auto* s = std::get_if<std::string>(&data_);
  return s ? *s : empty;
}
const Value::Array& Value::items() const noexcept {
  static const Array empty;
  auto* a = std::get_if<Array>(&data_);
  return a ? *a : empty;
}
Value::Array& Value::items() noexcept {
  if (!std::holds_alternative<Array>(data_)) data_ = Array{};
  return std::get<Array>(data_);
}
const Value::Map& Value::entries() const noexcept {
  static const Map empty;
  auto* m = std::get_if<Map>(&data_);
  return m ? *m : empty;
}
Value::Map& Value::entries() noexcept {
  if (!std::holds_alternative<Map>(data_)) data_ = Map{};
  return std::get<Map>(data_);
}

Result<std::string_view> Value::as_string() const {
  switch (kind_) {
    case ValueKind::simple_string:
    case ValueKind::bulk_string:
    case ValueKind::big_number: return std::string_view(std::get<std::string>(data_));
    case ValueKind::verbatim_string: {
      std::string_view s = std::get<std::string>(data_);
      return s.size() >= 4 && s[3] == ':' ? s.substr(4) : s;
    }
    default: return mismatch("a string");
  }
}

namespace {
template <class N>
bool parse_whole(std::string_view s, N& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}
}  // namespace

Result<std::int64_t> Value::as_int() const {
  if (kind_ == ValueKind::integer) return std::get<std::int64_t>(data_);
  if (is_string()) {
    // as_string(), not str(): a verbatim string's number follows its "txt:" format prefix.
    std::int64_t i = 0;
    if (parse_whole(as_string().value(), i)) return i;
  }
  return mismatch("an integer");
}

Result<double> Value::as_double() const {
  switch (kind_) {
    case ValueKind::double_number: return std::get<double>(data_);
    case ValueKind::integer: return static_cast<double>(std::get<std::int64_t>(data_));
    default: break;
  }
  if (is_string()) {
    std::string_view s = as_string().value();  // without a verbatim string's "txt:" prefix
    if (s == "inf" || s == "+inf") return HUGE_VAL;
    if (s == "-inf") return -HUGE_VAL;
    double d = 0;
    if (parse_whole(s, d)) return d;
  }
  return mismatch("a double");
}

Result<bool> Value::as_bool() const {
  if (kind_ == ValueKind::boolean) return std::get<bool>(data_);
  if (kind_ == ValueKind::integer) {
    auto i = std::get<std::int64_t>(data_);
    if (i == 0 || i == 1) return i == 1;
  }
  return mismatch("a boolean");
}

Result<std::span<const Value>> Value::as_array() const {
  if (kind_ == ValueKind::array || kind_ == ValueKind::set || kind_ == ValueKind::push)
    return std::span<const Value>(std::get<Array>(data_));
  return mismatch("an array");
}

Result<std::span<const std::pair<Value, Value>>> Value::as_map() const {
  if (kind_ == ValueKind::map) return std::span<const std::pair<Value, Value>>(std::get<Map>(data_));
  return mismatch("a map");
}

std::optional<Error> Value::as_error() const {
  if (kind_ == ValueKind::error) return Error::from_server(std::get<std::string>(data_));
  return std::nullopt;
}

bool operator==(const Value& a, const Value& b) {
  return a.kind_ == b.kind_ && a.data_ == b.data_;
}

bool operator==(const Value& v, std::string_view s) {
  auto text = v.as_string();
  return text && text.value() == s;
}

namespace {
void print_quoted(std::ostream& os, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  os << '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': os << "\\\""; break;
      case '\\': os << "\\\\"; break;
      case '\n': os << "\\n"; break;
      case '\r': os << "\\r"; break;
      case '\t': os << "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f)
          os << "\\x" << hex[c >> 4] << hex[c & 0xf];
        else
          os << static_cast<char>(c);
    }
  }
  os << '"';
}
}  // namespace

std::ostream& operator<<(std::ostream& os, const Value& v) {
  switch (v.kind()) {
    case ValueKind::nil: return os << "nil";
    case ValueKind::simple_string:
    case ValueKind::bulk_string:
    case ValueKind::verbatim_string:
      print_quoted(os, v.as_string().value());
      return os;
    case ValueKind::big_number: return os << v.str();
    case ValueKind::error: return os << "(error) " << v.str();
    case ValueKind::integer: return os << v.as_int().value();
    case ValueKind::double_number: return os << v.as_double().value();
    case ValueKind::boolean: return os << (v.as_bool().value() ? "true" : "false");
    case ValueKind::array:
    case ValueKind::set:
    case ValueKind::push: {
      const char* brackets = v.kind() == ValueKind::set ? "{}" : v.kind() == ValueKind::push ? "<>" : "[]";
      os << brackets[0];
      const char* sep = "";
      for (const auto& item : v.items()) {
        os << sep << item;
        sep = ", ";
      }
      return os << brackets[1];
    }
    case ValueKind::map: {
      os << '{';
      const char* sep = "";
      for (const auto& [key, val] : v.entries()) {
        os << sep << key << ": " << val;
        sep = ", ";
      }
      return os << '}';
    }
  }
  return os;
}

}  // namespace glide

fmt::format_context::iterator fmt::formatter<glide::Value>::format(const glide::Value& v, fmt::format_context& ctx) const {
  std::ostringstream os;
  os << v;
  const std::string text = os.str();
  return fmt::formatter<fmt::string_view>::format(fmt::string_view(text), ctx);
}
