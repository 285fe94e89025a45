#pragma once
// Small helpers shared by the reliability tests.
#include "fixtures.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace glide_test::reliability {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// An io_context run by a background thread, so a test can start asynchronous operations with
// use_future and assert on their results directly.
class IoThread {
 public:
  IoThread() : work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;
  ~IoThread() {
    work_.reset();
    for (int i = 0; i < 200 && !io_.stopped(); ++i) std::this_thread::sleep_for(10ms);
    io_.stop();
    thread_.join();
  }
  boost::asio::any_io_executor executor() { return io_.get_executor(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

// Waits for a future but never hangs the test binary: an operation that does not complete in
// `limit` is a test failure (an exception), not a stuck ctest.
template <class T>
T wait(std::future<T> f, std::chrono::milliseconds limit = 15s) {
  if (f.wait_for(limit) != std::future_status::ready) throw std::runtime_error("the operation did not complete in time");
  return f.get();
}

inline std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Polls `condition` every 5 ms for up to `limit`; true if it became true.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 5s) {
  const auto until = Clock::now() + limit;
  while (Clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

// Fast reconnects, for tests that break links on purpose.
inline glide::BackoffStrategy quick_backoff() {
  glide::BackoffStrategy b;
  b.num_of_retries = 3;
  b.factor = 10;
  b.exponent_base = 2;
  b.jitter_percent = 10;
  return b;
}

inline glide::GlideClientConfiguration config_for_port(std::uint16_t port) {
  glide::GlideClientConfiguration c;
  c.addresses.push_back({"127.0.0.1", port});
  c.request_timeout = 1000ms;
  c.connection_timeout = 500ms;
  c.reconnect_strategy = quick_backoff();
  return c;
}

// Starts `callers` coroutines on `io` (make(i) gives the i-th) and closes `client` once all have
// finished, counting them in `finished`. A request that never completes would keep io.run() going
// forever: a watchdog closes the client after 60 s instead (close() ends whatever is still
// pending with errc::closing) and sets `watchdog_fired`, so that it becomes a failed test.
template <class MakeCaller>
void run_callers(boost::asio::io_context& io, glide::GlideClient client, int callers, MakeCaller make, int& finished,
                 bool& watchdog_fired) {
  auto watchdog = std::make_shared<boost::asio::steady_timer>(io, std::chrono::seconds(60));
  watchdog->async_wait([&watchdog_fired, client](boost::system::error_code ec) mutable {
    if (ec) return;
    watchdog_fired = true;
    client.close();
  });
  for (int i = 0; i < callers; ++i) {
    boost::asio::co_spawn(io, make(i), [&finished, callers, client, watchdog](std::exception_ptr) mutable {
      if (++finished == callers) {
        watchdog->cancel();
        client.close();
      }
    });
  }
}

inline glide::Result<glide::GlideClient> create_client(IoThread& io, glide::GlideClientConfiguration config) {
  return wait(glide::GlideClient::create(io.executor(), std::move(config), boost::asio::use_future));
}

}  // namespace glide_test::reliability
