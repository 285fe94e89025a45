// The bitmaps family (glide/commands/bitmaps.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

TEST_CASE("setbit, getbit", "[commands][bitmaps]") {
  auto& client = command_client();
  const auto key = key_for("bits");
  CHECK(client.getbit(key, 7).value() == 0);
  CHECK(client.setbit(key, 7, 1).value() == 0);
  CHECK(client.setbit(key, 7, 1).value() == 1);
  CHECK(client.getbit(key, 7).value() == 1);
  CHECK(client.getbit(key, 1000).value() == 0);
  CHECK(client.get(key).value() == "\x01");
}

TEST_CASE("bitcount and its offset options", "[commands][bitmaps]") {
  auto& client = command_client();
  const auto key = key_for("count");
  REQUIRE(client.set(key, "foobar").has_value());
  CHECK(client.bitcount(key).value() == 26);
  CHECK(client.bitcount(key, OffsetOptions{1, 1, std::nullopt}).value() == 6);
  CHECK(client.bitcount(key, OffsetOptions{0, 0, BitmapIndexType::BYTE}).value() == 4);
  CHECK(client.bitcount(key, OffsetOptions{5, 30, BitmapIndexType::BIT}).value() == 17);
  // An end of 0 is an end, not "no end".
  CHECK(client.bitcount(key, OffsetOptions{0, 0, std::nullopt}).value() == 4);
  // Valkey 8.0 takes a start without an end: to the end of the string.
  CHECK(client.bitcount(key, OffsetOptions{5, std::nullopt, std::nullopt}).value() == 4);
  CHECK(client.bitcount(key_for("count-missing")).value() == 0);
}

TEST_CASE("bitpos and its offset options", "[commands][bitmaps]") {
  auto& client = command_client();
  const auto key = key_for("pos");
  REQUIRE(client.set(key, std::string("\xff\xf0\x00", 3)).has_value());
  CHECK(client.bitpos(key, 0).value() == 12);
  CHECK(client.bitpos(key, 1, OffsetOptions{2, std::nullopt, std::nullopt}).value() == -1);
  CHECK(client.bitpos(key, 1, OffsetOptions{1, -1, BitmapIndexType::BYTE}).value() == 8);
  CHECK(client.bitpos(key, 1, OffsetOptions{7, 15, BitmapIndexType::BIT}).value() == 7);
  CHECK(client.bitpos(key, 0, OffsetOptions{0, 0, std::nullopt}).value() == -1);
}

TEST_CASE("bitop with each operation", "[commands][bitmaps]") {
  auto& client = command_client();
  const auto a = key_for("a", "bitop"), b = key_for("b", "bitop"), dest = key_for("dest", "bitop");
  REQUIRE(client.mset({{a, "\x0f"}, {b, std::string("\xf3\x01", 2)}}).has_value());
  CHECK(client.bitop(BitwiseOperation::AND, dest, {a, b}).value() == 2);
  CHECK(client.get(dest).value() == std::string("\x03\x00", 2));
  CHECK(client.bitop(BitwiseOperation::OR, dest, {a, b}).value() == 2);
  CHECK(client.get(dest).value() == std::string("\xff\x01", 2));
  CHECK(client.bitop(BitwiseOperation::XOR, dest, {a, b}).value() == 2);
  CHECK(client.get(dest).value() == std::string("\xfc\x01", 2));
  CHECK(client.bitop(BitwiseOperation::NOT, dest, {a}).value() == 1);
  CHECK(client.get(dest).value() == "\xf0");
}

TEST_CASE("bitfield subcommands, overflow control, bitfield_read_only", "[commands][bitmaps]") {
  auto& client = command_client();
  const auto key = key_for("field");
  using Entries = std::vector<std::optional<std::int64_t>>;
  // u8 at 0 := 255 (was 0); read bits 4..7 as u4 (#1 = 1 x 4 bits); i8 at 0 is -1, +1 wraps to 0.
  CHECK(client.bitfield(key, {BitFieldSet{UnsignedEncoding{8}, BitOffset{0}, 255},
                              BitFieldGet{UnsignedEncoding{4}, BitOffsetMultiplier{1}},
                              BitFieldIncrBy{SignedEncoding{8}, BitOffset{0}, 1}})
            .value() == Entries{0, 15, 0});
  CHECK(client.bitfield(key, {BitFieldIncrBy{UnsignedEncoding{8}, BitOffset{0}, 300}}).value() == Entries{44});
  CHECK(client.bitfield(key, {BitFieldOverflow{BitOverflowControl::FAIL},
                              BitFieldIncrBy{UnsignedEncoding{8}, BitOffset{0}, 300},
                              BitFieldOverflow{BitOverflowControl::SAT},
                              BitFieldIncrBy{UnsignedEncoding{8}, BitOffsetMultiplier{0}, 1000},
                              BitFieldOverflow{BitOverflowControl::WRAP},
                              BitFieldIncrBy{UnsignedEncoding{8}, BitOffset{0}, 1}})
            .value() == Entries{std::nullopt, 255, 0});
  REQUIRE(client.bitfield(key, {BitFieldSet{SignedEncoding{16}, BitOffset{8}, -2}}).has_value());
  CHECK(client.bitfield_read_only(key, {BitFieldGet{SignedEncoding{16}, BitOffset{8}},
                                        BitFieldGet{UnsignedEncoding{4}, BitOffsetMultiplier{5}}})
            .value() == std::vector<std::int64_t>{-2, 14});
}

TEST_CASE("bitmaps: the server's refusal is a Result error", "[commands][bitmaps]") {
  auto& client = command_client();
  auto bad_bit = client.setbit(key_for("bad"), 0, 2);
  REQUIRE_FALSE(bad_bit.has_value());
  CHECK(bad_bit.error().message().find("bit is not an integer or out of range") != std::string::npos);
  CHECK_FALSE(client.bitfield(key_for("bad"), {BitFieldGet{UnsignedEncoding{64}, BitOffset{0}}}).has_value());
}

TEST_CASE("bitmaps in a batch: entries convert as the direct calls return", "[commands][bitmaps][batch]") {
  auto& client = command_client();
  const auto src = key_for("src", "bb");
  const auto bdest = key_for("dest-b", "bb"), ddest = key_for("dest-d", "bb");
  const auto bfield = key_for("field-b", "bb"), dfield = key_for("field-d", "bb");
  REQUIRE(client.set(src, "foobar").has_value());
  const std::vector<BitFieldSubCommands> ops{BitFieldOverflow{BitOverflowControl::FAIL},
                                             BitFieldIncrBy{UnsignedEncoding{4}, BitOffset{0}, 20},
                                             BitFieldSet{UnsignedEncoding{8}, BitOffset{0}, 7}};
  const std::vector<BitFieldGet> gets{BitFieldGet{UnsignedEncoding{8}, BitOffsetMultiplier{1}}};

  Batch batch(false);
  batch.getbit(src, 1)
      .bitcount(src, OffsetOptions{1, 2, BitmapIndexType::BYTE})
      .bitpos(src, 0)
      .bitop(BitwiseOperation::NOT, bdest, {src})
      .setbit(bdest, 3, 1)
      .bitfield(bfield, ops)
      .bitfield_read_only(src, gets);
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 7);
  glide_test::check_entry(entries[0], client.getbit(src, 1));
  glide_test::check_entry(entries[1], client.bitcount(src, OffsetOptions{1, 2, BitmapIndexType::BYTE}));
  glide_test::check_entry(entries[2], client.bitpos(src, 0));
  glide_test::check_entry(entries[3], client.bitop(BitwiseOperation::NOT, ddest, {src}));
  glide_test::check_entry(entries[4], client.setbit(ddest, 3, 1));
  glide_test::check_entry(entries[5], client.bitfield(dfield, ops));
  glide_test::check_entry(entries[6], client.bitfield_read_only(src, gets));
}
