#pragma once
// ClientCore: what a standalone client handle shares with its copies: the connection to the
// server, a second connection opened on demand for SCRIPT KILL / FUNCTION KILL (the main one
// waits behind the running script), and the request paths that need more than one round trip.
#include <glide/batch.hpp>
#include <glide/config.hpp>
#include <glide/detail/async.hpp>
#include <glide/detail/node_connection.hpp>
#include <glide/script.hpp>

#include <chrono>
#include <memory>
#include <mutex>

namespace glide::detail {

class ClientCore {
 public:
  static void create(boost::asio::any_io_executor ex, GlideClientConfiguration config,
                     Done<std::shared_ptr<ClientCore>> done);
  ~ClientCore();

  std::chrono::milliseconds request_timeout() const noexcept { return config_.request_timeout; }

  // One command. Blocking commands (BLPOP, ...) wait their own server-side timeout plus
  // `timeout`; zero there means no limit.
  void execute(Command command, std::chrono::milliseconds timeout, Done<Value> done);
  // One command over the side connection (SCRIPT KILL, FUNCTION KILL).
  void execute_on_side(Command command, std::chrono::milliseconds timeout, Done<Value> done);
  void exec(std::shared_ptr<const BatchData> batch, bool raise_on_error, std::chrono::milliseconds timeout,
            Done<std::optional<std::vector<Reply>>> done);
  void invoke_script(Script script, ScriptOptions options, std::chrono::milliseconds timeout, Done<Value> done);
  void close(boost::asio::any_completion_handler<void()> done = {});
  // Another core with the same configuration and connections of its own.
  void open_session(Done<std::shared_ptr<ClientCore>> done) const;

 private:
  ClientCore(boost::asio::any_io_executor ex, GlideClientConfiguration config, std::shared_ptr<NodeConnection> main,
             ConnectionOptions options);
  std::shared_ptr<NodeConnection> side_connection();

  boost::asio::any_io_executor executor_;
  GlideClientConfiguration config_;
  ConnectionOptions options_;
  std::shared_ptr<NodeConnection> main_;
  std::mutex side_mutex_;
  std::shared_ptr<NodeConnection> side_;
};


}  // namespace glide::detail
