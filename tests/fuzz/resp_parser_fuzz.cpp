// libFuzzer target: the RESP parser on arbitrary bytes, fed through the connection's ReplyReader
// in pieces whose sizes also come from the input. It must never crash, hang or allocate without bound; every reply it accepts must
// encode and parse back to itself.
#include <glide/detail/reply_reader.hpp>
#include <glide/detail/resp.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

using glide::detail::RespParser;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the piece size, the rest is the wire. The pieces go through the
  // connection's own read path: ReplyReader's buffer (grown, compacted, given back) and parser.
  const std::size_t piece = 1 + data[0] % 16;
  std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);
  glide::detail::ReplyReader reader(glide::detail::ParserLimits{1u << 20, 64});
  while (!wire.empty()) {
    const auto space = reader.prepare();
    if (space.size() < 4096) std::abort();  // the reader promises at least 4 KiB to read into
    const std::size_t n = std::min({piece, space.size(), wire.size()});
    std::memcpy(space.data(), wire.data(), n);
    wire.remove_prefix(n);
    reader.commit(n);
    while (true) {
      const auto status = reader.next();
      if (status == RespParser::Status::error) return 0;
      if (status == RespParser::Status::need_more) break;
      const glide::Value v = reader.take();
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
