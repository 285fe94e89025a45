// libFuzzer target: every conversion of Value on whatever the parser makes of arbitrary bytes.
// Conversions may fail, as Results; they must never crash or throw.
#include <glide/detail/resp.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>

namespace {
template <class T>
void convert(const glide::Value& v) {
  auto r = v.as<T>();
  (void)r.has_value();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  glide::detail::RespParser parser(glide::detail::ParserLimits{1u << 20, 32});
  std::size_t consumed = 0;
  const std::string_view wire(reinterpret_cast<const char*>(data), size);
  if (parser.parse(wire, consumed) != glide::detail::RespParser::Status::done) return 0;
  const glide::Value v = parser.take();
  convert<std::string>(v);
  convert<std::string_view>(v);
  convert<std::int64_t>(v);
  convert<int>(v);
  convert<std::uint8_t>(v);
  convert<double>(v);
  convert<bool>(v);
  convert<std::optional<std::string>>(v);
  convert<std::vector<std::string>>(v);
  convert<std::vector<std::optional<std::int64_t>>>(v);
  convert<std::vector<std::pair<std::string, std::string>>>(v);
  convert<std::vector<std::pair<std::string, double>>>(v);
  convert<std::pair<std::int64_t, std::int64_t>>(v);
  convert<std::vector<std::vector<glide::Value>>>(v);
  (void)v.as_string();
  (void)v.as_int();
  (void)v.as_double();
  (void)v.as_bool();
  (void)v.as_array();
  (void)v.as_map();
  (void)v.as_error();
  std::ostringstream printed;
  printed << v;
  (void)(v == "OK");
  (void)(v == 42);
  return 0;
}
