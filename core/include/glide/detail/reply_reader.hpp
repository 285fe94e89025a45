#pragma once
// ReplyReader: the read side of a connection, a receive buffer and a RespParser together. Bytes
// are read into prepare()'s space, commit()ted, and whole replies taken out with next().
#include <glide/detail/resp.hpp>

#include <cstddef>
#include <memory>
#include <span>

namespace glide::detail {

class ReplyReader {
 public:
  explicit ReplyReader(ParserLimits limits = {}) : parser_(limits) {}

  // Free space for the next read: at least 4 KiB, and room for all of a long reply that the parser
  // is in the middle of (so a 1 MiB bulk string is received into one buffer sized once, not one
  // doubled and copied ten times).
  std::span<char> prepare();
  void commit(std::size_t n) { end_ += n; }

  // The next whole reply in the buffer: done (take it with take()), need_more, or error (see
  // error(); reset() and drop the connection).
  RespParser::Status next();
  Value take() { return parser_.take(); }
  const Error& error() const noexcept { return parser_.error(); }

  bool empty() const noexcept { return start_ == end_; }
  // Forgets buffered bytes and any half-parsed reply (a new link starts clean).
  void reset();

 private:
  void reallocate(std::size_t capacity);

  RespParser parser_;
  std::unique_ptr<char[]> buf_;  // not a vector: growing it must not zero-fill what is read over
  std::size_t capacity_ = 0, start_ = 0, end_ = 0;
  std::size_t wanted_ = 0;       // bytes the incomplete reply at start_ needs in all (0: unknown)
  std::size_t peak_ = 0;         // most bytes held since the last look at shrinking
  std::size_t reads_ = 0;
};

}  // namespace glide::detail
