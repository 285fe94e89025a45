// libFuzzer target: the RESP parser on arbitrary bytes, fed in pieces whose sizes also come from
// the input. It must never crash, hang or allocate without bound; every reply it accepts must
// encode and parse back to itself.
#include <glide/detail/resp.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using glide::detail::RespParser;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the piece size, the rest is the wire.
  const std::size_t piece = 1 + data[0] % 16;
  const std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);
  RespParser parser(glide::detail::ParserLimits{1u << 20, 64});
  std::string buffer;
  std::size_t offset = 0;
  while (offset < wire.size()) {
    buffer.append(wire.substr(offset, piece));
    offset += piece;
    while (true) {
      std::size_t consumed = 0;
      const auto status = parser.parse(buffer, consumed);
      if (consumed > buffer.size()) std::abort();
      buffer.erase(0, consumed);
      if (status == RespParser::Status::error) return 0;
      if (status == RespParser::Status::need_more) break;
      const glide::Value v = parser.take();
      // Round trip: what we accepted we can write, and reading it back gives the same value.
      RespParser again;
      const std::string encoded = glide::detail::encode(v);
      std::size_t used = 0;
      if (again.parse(encoded, used) != RespParser::Status::done || used != encoded.size()) std::abort();
      const glide::Value back = again.take();
      // NaN never equals itself; everything else must.
      if (!(back == v) && encoded.find("nan") == std::string::npos) std::abort();
    }
  }
  return 0;
}
