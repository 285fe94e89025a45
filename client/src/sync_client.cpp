#include <glide/sync_client.hpp>

#include <boost/asio/executor_work_guard.hpp>

#include <future>
#include <thread>

namespace glide::sync {
namespace detail {

struct IoThread::State {
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::promise<void> finished;
  std::thread thread{[this] {
    io.run();
    finished.set_value();
  }};
};

IoThread::IoThread() : state_(std::make_unique<State>()) {}

IoThread::~IoThread() {
  if (close_) close_();
  // Closing completes what is pending and cancels the timers, so the loop runs dry by itself;
  // a straggler (a retry timer, a refresh) gets a moment, then the loop is stopped.
  state_->work.reset();
  auto finished = state_->finished.get_future();
  if (std::this_thread::get_id() == state_->thread.get_id()) {
    state_->thread.detach();
    return;
  }
  if (finished.wait_for(std::chrono::seconds(2)) != std::future_status::ready) state_->io.stop();
  state_->thread.join();
}

boost::asio::any_io_executor IoThread::executor() { return state_->io.get_executor(); }

// Connects with the async client on the io thread; the io thread closes that client last.
template <class Sync, class Async, class Config>
Result<Sync> create_sync(Config config) {
  auto io = std::make_shared<IoThread>();
  auto async = Async::create(io->executor(), std::move(config), boost::asio::use_future).get();
  if (!async) return async.error();
  io->on_shutdown([client = async.value()]() mutable { client.close(); });
  return Sync::from(std::move(io), std::move(async).value());
}

}  // namespace detail

Result<GlideClient> GlideClient::create(GlideClientConfiguration config) {
  return detail::create_sync<GlideClient, glide::GlideClient>(std::move(config));
}

Result<GlideClusterClient> GlideClusterClient::create(GlideClusterClientConfiguration config) {
  return detail::create_sync<GlideClusterClient, glide::GlideClusterClient>(std::move(config));
}

}  // namespace glide::sync
