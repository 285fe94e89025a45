#pragma once
// glide::sync::GlideClient: the blocking twin of glide::GlideClient, with the same methods
// returning Result<T>. It owns an io thread; any number of threads may call it at once (their
// requests are pipelined on the one connection).
#include <glide/client.hpp>

#include <boost/asio/use_future.hpp>

#include <memory>

namespace glide::sync {

namespace detail {
class IoThread;
}

class GlideClient : public glide::detail::Commands<GlideClient> {
 public:
  static Result<GlideClient> create(GlideClientConfiguration config);

  // Completes every pending request with errc::closing and closes the connections. The io thread
  // stops with the last copy (sessions included).
  void close();

  GlideClient with_timeout(std::chrono::milliseconds timeout) const { return GlideClient(io_, async_.with_timeout(timeout)); }

  template <class T>
  Result<T> run_command(Command command) {
    return async_.run_command<T>(std::move(command), boost::asio::use_future).get();
  }
  Result<std::optional<std::vector<Reply>>> exec(const Batch& batch, bool raise_on_error, BatchOptions options = {}) {
    return async_.exec(batch, raise_on_error, std::move(options), boost::asio::use_future).get();
  }
  Result<Value> invoke_script(const Script& script, ScriptOptions options = {}) {
    return async_.invoke_script(script, std::move(options), boost::asio::use_future).get();
  }
  Result<std::string> script_show(std::string sha1) { return async_.script_show(std::move(sha1), boost::asio::use_future).get(); }
  Result<std::vector<bool>> script_exists(std::vector<std::string> sha1s) {
    return async_.script_exists(std::move(sha1s), boost::asio::use_future).get();
  }
  Result<void> script_flush(FlushMode mode = FlushMode::SYNC) { return async_.script_flush(mode, boost::asio::use_future).get(); }
  Result<void> script_kill() { return async_.script_kill(boost::asio::use_future).get(); }
  Result<void> function_kill() { return async_.function_kill(boost::asio::use_future).get(); }
  Result<void> watch(std::vector<std::string> keys) { return async_.watch(std::move(keys), boost::asio::use_future).get(); }
  Result<void> unwatch() { return async_.unwatch(boost::asio::use_future).get(); }

  // A client on a connection of its own, for WATCH-based transactions (see GlideClient).
  Result<GlideClient> open_session() const {
    auto session = async_.open_session(boost::asio::use_future).get();
    if (!session) return session.error();
    return GlideClient(io_, std::move(session).value());
  }

  // The asynchronous client underneath (same connections), for mixing styles.
  glide::GlideClient& async() noexcept { return async_; }

 private:
  GlideClient(std::shared_ptr<detail::IoThread> io, glide::GlideClient async) : io_(std::move(io)), async_(std::move(async)) {}

  std::shared_ptr<detail::IoThread> io_;
  glide::GlideClient async_;
};

}  // namespace glide::sync
