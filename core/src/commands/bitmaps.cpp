#include <glide/commands/bitmaps.hpp>

#include <string>

namespace glide::detail {
namespace {

std::string encoding_arg(const BitEncoding& e) {
  if (const auto* s = std::get_if<SignedEncoding>(&e)) return "i" + std::to_string(s->encoding_length);
  return "u" + std::to_string(std::get<UnsignedEncoding>(e).encoding_length);
}

std::string offset_arg(const BitFieldOffset& o) {
  if (const auto* m = std::get_if<BitOffsetMultiplier>(&o)) return "#" + std::to_string(m->offset);
  return std::to_string(std::get<BitOffset>(o).offset);
}

void add_subcommand(Command& c, std::string_view name, const BitEncoding& e, const BitFieldOffset& o) {
  c.arg(name).arg(encoding_arg(e)).arg(offset_arg(o));
}

std::string_view to_string(BitOverflowControl o) noexcept {
  switch (o) {
    case BitOverflowControl::WRAP: return "WRAP";
    case BitOverflowControl::SAT: return "SAT";
    case BitOverflowControl::FAIL: return "FAIL";
  }
  return "WRAP";
}

struct SubcommandWriter {
  Command& c;
  void operator()(const BitFieldGet& g) const { add_subcommand(c, "GET", g.encoding, g.offset); }
  void operator()(const BitFieldSet& s) const {
    add_subcommand(c, "SET", s.encoding, s.offset);
    c.arg(s.value);
  }
  void operator()(const BitFieldIncrBy& i) const {
    add_subcommand(c, "INCRBY", i.encoding, i.offset);
    c.arg(i.increment);
  }
  void operator()(const BitFieldOverflow& o) const { c.arg("OVERFLOW").arg(to_string(o.overflow_control)); }
};

}  // namespace

void add_offset_options(Command& c, const OffsetOptions& o) {
  c.arg(o.start);
  if (o.end) c.arg(*o.end);
  if (o.index_type) c.arg(*o.index_type == BitmapIndexType::BYTE ? "BYTE" : "BIT");
}

std::string_view to_string(BitwiseOperation op) noexcept {
  switch (op) {
    case BitwiseOperation::AND: return "AND";
    case BitwiseOperation::OR: return "OR";
    case BitwiseOperation::XOR: return "XOR";
    case BitwiseOperation::NOT: return "NOT";
  }
  return "AND";
}

void add_bitfield_subcommands(Command& c, const std::vector<BitFieldSubCommands>& subcommands) {
  for (const auto& s : subcommands) std::visit(SubcommandWriter{c}, s);
}

void add_bitfield_gets(Command& c, const std::vector<BitFieldGet>& subcommands) {
  for (const auto& g : subcommands) SubcommandWriter{c}(g);
}

}  // namespace glide::detail
