#include <glide/detail/sole_runner.hpp>

#include <boost/asio/detail/scheduler.hpp>
#include <boost/asio/io_context.hpp>

namespace glide::detail {

namespace {

// ex's io_context if it is promised to one thread at a time, else null.
const boost::asio::io_context* one_thread_at_a_time(const boost::asio::any_io_executor& ex) noexcept {
  const auto* io_ex = ex.target<boost::asio::io_context::executor_type>();
  if (!io_ex) return nullptr;
#if defined(BOOST_ASIO_HAS_IOCP)
  return nullptr;  // (Windows' io_context keeps no such hint)
#else
  auto& io = io_ex->context();
  // The hint is only kept by the scheduler (Asio has no public accessor). A hint without I/O
  // locking is the owner's promise that one thread at a time runs the context.
  const int hint = boost::asio::use_service<boost::asio::detail::scheduler>(io).concurrency_hint();
  const bool promised = BOOST_ASIO_CONCURRENCY_HINT_IS_SPECIAL(hint) && !BOOST_ASIO_CONCURRENCY_HINT_IS_LOCKING(REACTOR_IO, hint);
  return promised ? &io : nullptr;
#endif
}

}  // namespace

LoopThreads::LoopThreads(const boost::asio::any_io_executor& ex)
    : context_(&boost::asio::query(ex, boost::asio::execution::context)), single_(one_thread_at_a_time(ex)) {}

bool LoopThreads::runs_in_this_thread(const boost::asio::io_context& io) noexcept {
  return const_cast<boost::asio::io_context&>(io).get_executor().running_in_this_thread();
}

}  // namespace glide::detail
