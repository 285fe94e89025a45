#pragma once
// Bitmaps and BITFIELD.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

#include <variant>

namespace glide {

// Whether OffsetOptions count bytes (the server's default) or bits.
enum class BitmapIndexType { BYTE, BIT };
// BITCOUNT's and BITPOS's range: start [end [BYTE|BIT]]. The server wants an end before an index type.
struct OffsetOptions {
  std::int64_t start = 0;
  std::optional<std::int64_t> end;
  std::optional<BitmapIndexType> index_type;
};
enum class BitwiseOperation { AND, OR, XOR, NOT };

// BITFIELD's integer encodings: i<bits> (up to 64) and u<bits> (up to 63).
struct SignedEncoding {
  std::int64_t encoding_length = 0;
};
struct UnsignedEncoding {
  std::int64_t encoding_length = 0;
};
using BitEncoding = std::variant<SignedEncoding, UnsignedEncoding>;
// A bit offset, or (#n) n times the encoding's width.
struct BitOffset {
  std::int64_t offset = 0;
};
struct BitOffsetMultiplier {
  std::int64_t offset = 0;
};
using BitFieldOffset = std::variant<BitOffset, BitOffsetMultiplier>;

struct BitFieldGet {
  BitEncoding encoding;
  BitFieldOffset offset;
};
struct BitFieldSet {
  BitEncoding encoding;
  BitFieldOffset offset;
  std::int64_t value = 0;
};
struct BitFieldIncrBy {
  BitEncoding encoding;
  BitFieldOffset offset;
  std::int64_t increment = 0;
};
// How the SET and INCRBY after it treat overflow; FAIL makes their entries nullopt.
enum class BitOverflowControl { WRAP, SAT, FAIL };
struct BitFieldOverflow {
  BitOverflowControl overflow_control = BitOverflowControl::WRAP;
};
using BitFieldSubCommands = std::variant<BitFieldGet, BitFieldSet, BitFieldIncrBy, BitFieldOverflow>;

namespace detail {

void add_offset_options(Command& c, const OffsetOptions& o);
std::string_view to_string(BitwiseOperation op) noexcept;
void add_bitfield_subcommands(Command& c, const std::vector<BitFieldSubCommands>& subcommands);
void add_bitfield_gets(Command& c, const std::vector<BitFieldGet>& subcommands);

template <class Derived>
class BitmapCommands : public CommandRunner<Derived, BitmapCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  // The number of set bits.
  template <class... Extra>
    requires NoneIs<OffsetOptions, Extra...>
  decltype(auto) bitcount(Key key, Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"BITCOUNT", key}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) bitcount(Key key, const OffsetOptions& options, Extra&&... extra) {
    Command c{"BITCOUNT", key};
    add_offset_options(c, options);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  // The bit's previous value (0 or 1).
  template <class... Extra>
  decltype(auto) setbit(Key key, std::int64_t offset, std::int64_t value, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"SETBIT", key}.arg(offset).arg(value)), std::forward<Extra>(extra)...);
  }
  // 0 or 1; 0 past the end or for a missing key.
  template <class... Extra>
  decltype(auto) getbit(Key key, std::int64_t offset, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"GETBIT", key}.arg(offset)), std::forward<Extra>(extra)...);
  }
  // The first position holding `bit`; -1 when none does in the range.
  template <class... Extra>
    requires NoneIs<OffsetOptions, Extra...>
  decltype(auto) bitpos(Key key, std::int64_t bit, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"BITPOS", key}.arg(bit)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) bitpos(Key key, std::int64_t bit, const OffsetOptions& options, Extra&&... extra) {
    Command c{"BITPOS", key};
    c.arg(bit);
    add_offset_options(c, options);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  // The length of the string stored at destination.
  template <class... Extra>
  decltype(auto) bitop(BitwiseOperation operation, Key destination, Keys keys, Extra&&... extra) {
    return this->template run<std::int64_t>(std::move(Command{"BITOP", to_string(operation), destination}.args(keys)), std::forward<Extra>(extra)...);
  }
  // One entry per GET, SET (old value) and INCRBY (new value); nullopt where OVERFLOW FAIL stopped it.
  template <class... Extra>
  decltype(auto) bitfield(Key key, const std::vector<BitFieldSubCommands>& subcommands, Extra&&... extra) {
    Command c{"BITFIELD", key};
    add_bitfield_subcommands(c, subcommands);
    return this->template run<std::vector<std::optional<std::int64_t>>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) bitfield_read_only(Key key, const std::vector<BitFieldGet>& subcommands, Extra&&... extra) {
    Command c{"BITFIELD_RO", key};
    add_bitfield_gets(c, subcommands);
    return this->template run<std::vector<std::int64_t>>(std::move(c), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
