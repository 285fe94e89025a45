#include <glide/detail/reply_reader.hpp>

#include <algorithm>
#include <cstring>

namespace glide::detail {
namespace {
constexpr std::size_t kMinRead = 4096;
constexpr std::size_t kInitial = 16384;
constexpr std::size_t kKeep = 1u << 20;     // a buffer up to this size is never shrunk
constexpr std::size_t kShrinkEvery = 256;   // reads between looks at shrinking
}  // namespace

std::span<char> ReplyReader::prepare() {
  const std::size_t held = end_ - start_;
  const std::size_t free_wanted = std::max(kMinRead, wanted_ > held ? wanted_ - held : 0);
  // A buffer grown for a huge reply goes back to a modest size once replies stay small for a
  // while; a connection that keeps receiving large replies keeps its buffer.
  if (++reads_ >= kShrinkEvery) {
    if (capacity_ > kKeep && peak_ < capacity_ / 4 && held + free_wanted <= std::max(kInitial, 2 * peak_))
      reallocate(std::max(kInitial, 2 * peak_));
    reads_ = 0;
    peak_ = held;
  }
  if (capacity_ - end_ < free_wanted) {
    if (capacity_ - held >= free_wanted && start_ >= held) {
      // Enough room once the unparsed tail moves to the front, and the tail is small next to
      // what it moves over (so moving it is cheap).
      std::memmove(buf_.get(), buf_.get() + start_, held);
      start_ = 0;
      end_ = held;
    } else {
      reallocate(std::max({kInitial, capacity_ * 2, held + free_wanted}));
    }
  }
  return {buf_.get() + end_, capacity_ - end_};
}

void ReplyReader::reallocate(std::size_t capacity) {
  const std::size_t held = end_ - start_;
  std::unique_ptr<char[]> fresh(new char[capacity]);
  if (held > 0) std::memcpy(fresh.get(), buf_.get() + start_, held);
  buf_ = std::move(fresh);
  capacity_ = capacity;
  start_ = 0;
  end_ = held;
}

RespParser::Status ReplyReader::next() {
  peak_ = std::max(peak_, end_ - start_);
  std::size_t consumed = 0;
  const auto status = parser_.parse(std::string_view(buf_.get() + start_, end_ - start_), consumed);
  start_ += consumed;
  wanted_ = status == RespParser::Status::need_more ? parser_.wanted() : 0;
  if (start_ == end_) start_ = end_ = 0;
  return status;
}

void ReplyReader::reset() {
  parser_.reset();
  start_ = end_ = wanted_ = 0;
}

}  // namespace glide::detail
