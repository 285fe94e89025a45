#include <glide/sync_client.hpp>

#include <boost/asio/executor_work_guard.hpp>

#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace glide::sync {
namespace detail {

// The io_context and thread behind sync clients. The last owner closes the client and joins.
class IoThread {
 public:
  IoThread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~IoThread() { shutdown(); }

  boost::asio::io_context& io() noexcept { return io_; }
  void adopt(std::shared_ptr<glide::detail::ClientCore> core) { core_ = std::move(core); }

  void shutdown() {
    std::call_once(once_, [this] {
      if (core_ && std::this_thread::get_id() != thread_.get_id()) {
        std::promise<void> closed;
        core_->close([&closed] { closed.set_value(); });
        closed.get_future().wait();
      }
      work_.reset();
      io_.stop();
      if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
      if (thread_.joinable()) thread_.detach();
    });
  }

 private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::shared_ptr<glide::detail::ClientCore> core_;
  std::once_flag once_;
};

}  // namespace detail

Result<GlideClient> GlideClient::create(GlideClientConfiguration config) {
  auto io = std::make_shared<detail::IoThread>();
  auto async = glide::GlideClient::create(io->io().get_executor(), std::move(config), boost::asio::use_future).get();
  if (!async) return async.error();
  io->adopt(async.value().core_);
  return GlideClient(std::move(io), std::move(async).value());
}

void GlideClient::close() {
  // Only this client's connections: sessions share the io thread, which stops with the last
  // handle.
  std::promise<void> closed;
  async_.core_->close([&closed] { closed.set_value(); });
  closed.get_future().wait();
}

}  // namespace glide::sync
