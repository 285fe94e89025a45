#pragma once
// RESP2/RESP3 wire format: an incremental, bounded reply parser and the encoders.
#include <glide/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace glide::detail {

struct ParserLimits {
  std::size_t max_bulk_length = 512u * 1024 * 1024;  // as the server's proto-max-bulk-len
  std::size_t max_depth = 128;                        // nesting of aggregates
};

// Parses one reply at a time from bytes that arrive in arbitrary pieces. State survives between
// calls: aggregates parsed halfway keep their finished elements, and an incomplete element is
// left unconsumed in the caller's buffer to be offered again with more bytes. Iterative, never
// recursive: nesting costs heap frames bounded by max_depth, not stack.
class RespParser {
 public:
  enum class Status { done, need_more, error };

  explicit RespParser(ParserLimits limits = {}) : limits_(limits) {}

  // Consumes bytes from `data` (reports how many in `consumed`) until one whole reply is parsed
  // (done: take it with take()), the bytes run out (need_more), or the input is malformed (error:
  // see error(); the parser must be reset() and the connection dropped).
  Status parse(std::string_view data, std::size_t& consumed);
  Value take() { return std::move(done_); }
  // After need_more: how many bytes, from the first unconsumed one, the reply needs at least
  // before it can go on (a bulk string's whole length); 0 when that is not known yet.
  std::size_t wanted() const noexcept { return wanted_; }
  const Error& error() const noexcept { return error_; }
  void reset();

 private:
  struct Frame {
    Value aggregate;
    std::size_t remaining;  // elements still expected (a map counts keys and values)
    bool attribute;         // RESP3 attribute: parsed, then dropped
    Value pending_key;      // maps: the key waiting for its value
  };
  Status fail(std::string message);
  // Hands a finished element to the frame on top; true when a whole reply is done.
  bool deliver(Value&& v);

  ParserLimits limits_;
  std::vector<Frame> stack_;
  Value done_;
  Value element_;  // an element of an aggregate, being built
  Error error_;
  std::size_t wanted_ = 0;
};

// Appends one bulk string argument ("$<len>\r\n<bytes>\r\n").
void append_bulk(std::string& out, std::string_view arg);
// The arguments of an encoded command (views into `wire`), with or without its "*<argc>" header.
std::vector<std::string_view> command_arguments(std::string_view wire);
// Appends an aggregate header such as "*3\r\n".
void append_header(std::string& out, char type, std::size_t count);
// Encodes any Value in RESP3 (RESP2 where a RESP2 type exists): for tests and fake servers.
void encode(const Value& v, std::string& out);
std::string encode(const Value& v);

}  // namespace glide::detail
