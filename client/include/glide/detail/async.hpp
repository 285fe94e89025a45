#pragma once
// How every client operation meets Asio: an initiating function completing with one Result<T>,
// whatever the completion token (deferred, use_awaitable, use_future, a callback, ...).
#include <glide/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>

namespace glide::detail {

template <class T>
using Done = boost::asio::any_completion_handler<void(Result<T>)>;

// Runs `start(done)` at initiation; `done(Result<T>)` may be called from any thread (in practice
// the connection's strand) and hands the Result to the caller's handler on the handler's own
// executor, keeping that executor's work alive until then.
template <class T, class Token, class Start>
auto initiate(Token&& token, Start&& start) {
  return boost::asio::async_initiate<Token, void(Result<T>)>(
      [](auto handler, auto start_fn) {
        auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        std::move(start_fn)(Done<T>([h = std::move(handler), w = std::move(work)](Result<T> r) mutable {
          boost::asio::dispatch(boost::asio::append(std::move(h), std::move(r)));
        }));
      },
      token, std::forward<Start>(start));
}

}  // namespace glide::detail
