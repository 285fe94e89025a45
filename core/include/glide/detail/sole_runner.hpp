#pragma once
// A blocking call of the sync client runs the client's io_context on the calling thread, and no
// other thread runs that context meanwhile (client/src/sync_client.cpp; its background thread and
// its last drain are marked the same way). On that thread no handler of the context can be
// running elsewhere, so strand work needs no strand: an operation starts at once instead of being
// posted (EngineImpl::call; a posted start waits behind the event loop's poll of its sockets, one
// system call more per blocking call), and a plain socket's read completes where it lands
// (Connection::on_strand_or_here). docs/performance.md, issue 16.
namespace boost::asio {
class execution_context;
}

namespace glide::detail {

inline thread_local const boost::asio::execution_context* sole_runner_context = nullptr;

// Whether this thread alone runs `context` right now, between its handlers as well as in them.
inline bool sole_runner_of(const boost::asio::execution_context& context) noexcept {
  return sole_runner_context == &context;
}

// Marks this thread as the sole runner of `context` while it lives.
class SoleRunner {
 public:
  explicit SoleRunner(const boost::asio::execution_context& context) noexcept : previous_(sole_runner_context) {
    sole_runner_context = &context;
  }
  ~SoleRunner() { sole_runner_context = previous_; }
  SoleRunner(const SoleRunner&) = delete;
  SoleRunner& operator=(const SoleRunner&) = delete;

 private:
  const boost::asio::execution_context* previous_;
};

}  // namespace glide::detail
