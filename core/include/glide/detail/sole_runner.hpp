#pragma once
// A blocking call of the sync client runs the client's io_context on the calling thread, and no
// other thread runs that context meanwhile (client/src/sync_client.cpp; its background thread and
// its last drain are marked the same way). On that thread no handler of the context can be
// running elsewhere, so strand work needs no strand: an operation starts at once instead of being
// posted (EngineImpl::call; a posted start waits behind the event loop's poll of its sockets, one
// system call more per blocking call), and a plain socket's read completes where it lands
// (Connection::on_strand_or_here). And when all the call waits for is one connection's reply,
// the caller waits for that socket itself rather than in the loop (ReplyWait). docs/performance.md,
// issue 16.
#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace boost::asio {
class execution_context;
class io_context;
}  // namespace boost::asio

namespace glide::detail {

// A connection whose reply is all its caller waits for, offered to the sole runner so that it
// waits for the socket itself: one blocking read, where the loop costs a wait in epoll, the read,
// and one more read that finds nothing to re-arm the next (Connection::wait_here).
class ReplyWait {
 public:
  // Waits for the reply and reads what comes (true), or declines: the loop must run instead.
  virtual bool wait_here() = 0;

 protected:
  ~ReplyWait() = default;
};

// Marks this thread as the sole runner of `context` while it lives.
class SoleRunner {
 public:
  // Who runs the loop: a blocking call, for its own result, or a thread that only keeps the
  // loop going (the sync client's background thread, its last drain).
  enum Role { caller, keeper };
  SoleRunner(const boost::asio::execution_context& context, Role role) noexcept
      : context_(&context), role_(role), previous_(current()) {
    current() = this;
  }
  ~SoleRunner() { current() = previous_; }
  SoleRunner(const SoleRunner&) = delete;
  SoleRunner& operator=(const SoleRunner&) = delete;

  // The runner of `context` on this thread, between its handlers as well as in them, if any.
  static SoleRunner* of(const boost::asio::execution_context& context) noexcept {
    SoleRunner* r = current();
    return r && r->context_ == &context ? r : nullptr;
  }

  // A caller takes offered waits (wait_offered); for a keeper a connection keeps its read going.
  bool is_caller() const noexcept { return role_ == caller; }
  // The last offer wins: only the runner's next wait_offered() looks at it.
  void offer_wait(std::shared_ptr<ReplyWait> wait) noexcept { offered_ = std::move(wait); }
  // Waits as offered since the last call (true), or there is nothing to wait for that way.
  bool wait_offered() {
    auto wait = std::move(offered_);
    return wait && wait->wait_here();
  }

 private:
  static SoleRunner*& current() noexcept {
    static thread_local SoleRunner* runner = nullptr;
    return runner;
  }
  const boost::asio::execution_context* context_;
  Role role_;
  SoleRunner* previous_;
  std::shared_ptr<ReplyWait> offered_;
};

// Who runs a loop's handlers, as far as the client can tell: read once from the executor (per
// engine and connection), asked per operation.
class LoopThreads {
 public:
  explicit LoopThreads(const boost::asio::any_io_executor& ex);

  // This thread alone runs the loop right now, if it is a sync client's (SoleRunner).
  SoleRunner* sole_runner() const noexcept { return SoleRunner::of(*context_); }
  // Where strand work may run without the strand: on the sole runner, or on the thread running an
  // io_context built with the concurrency hint BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO (or _UNSAFE),
  // the same promise made to Asio: one thread at a time runs it, so no handler of it runs
  // elsewhere either. (Any other executor or hint: the strand is needed.)
  bool strand_free_here() const noexcept { return sole_runner() || (single_ && runs_in_this_thread(*single_)); }

 private:
  static bool runs_in_this_thread(const boost::asio::io_context& io) noexcept;
  const boost::asio::execution_context* context_;
  const boost::asio::io_context* single_;  // the loop, if promised to one thread at a time
};

}  // namespace glide::detail
