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
#include <boost/asio/system_executor.hpp>

#include <optional>
#include <type_traits>

namespace glide::detail {

// A type-erased, move-only `void(Result<T>)` callback, called once. A wrapper rather than
// any_completion_handler itself because Boost 1.81's any_completion_handler cannot be
// move-assigned (its operator= constructs from an lvalue of itself and recurses forever).
template <class T>
class Done {
 public:
  Done() = default;
  template <class H>
    requires(!std::is_same_v<std::decay_t<H>, Done>)
  Done(H&& h) : h_(std::in_place, std::forward<H>(h)) {}
  Done(Done&& other) noexcept = default;
  Done& operator=(Done&& other) noexcept {
    h_.reset();
    if (other.h_) h_.emplace(std::move(*other.h_));
    other.h_.reset();
    return *this;
  }

  explicit operator bool() const noexcept { return h_.has_value(); }
  void operator()(Result<T> r) && {
    auto h = std::move(*h_);
    h_.reset();
    std::move(h)(std::move(r));
  }

 private:
  std::optional<boost::asio::any_completion_handler<void(Result<T>)>> h_;
};

// Runs `start(done)` at initiation; `done(Result<T>)` may be called from any thread (in practice
// the connection's strand) and hands the Result to the caller's handler on the handler's own
// executor, keeping that executor's work alive until then.
template <class T, class Token, class Start>
auto initiate(Token&& token, Start&& start) {
  return boost::asio::async_initiate<Token, void(Result<T>)>(
      [](auto handler, auto start_fn) {
        auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        std::move(start_fn)(Done<T>([h = std::move(handler), w = std::move(work)](Result<T> r) mutable {
          // A handler without an executor of its own (a plain callback, a sync call's) runs here,
          // which is what dispatch() to the system executor does, without binding the result to
          // it first: a Result moved twice less.
          if constexpr (std::is_same_v<boost::asio::associated_executor_t<decltype(h)>, boost::asio::system_executor>)
            std::move(h)(std::move(r));
          else
            boost::asio::dispatch(boost::asio::append(std::move(h), std::move(r)));
        }));
      },
      token, std::forward<Start>(start));
}

}  // namespace glide::detail
