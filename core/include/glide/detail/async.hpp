#pragma once
// How every client operation meets Asio: an initiating function completing with one Result<T>,
// whatever the completion token (deferred, use_awaitable, use_future, a callback, ...).
#include <glide/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/system_executor.hpp>

#include <optional>
#include <type_traits>

namespace glide::detail {

// A type-erased, move-only `void(Result<T>)` callback, called once. A wrapper rather than
// any_completion_handler itself because Boost 1.81's any_completion_handler cannot be
// move-assigned (its operator= constructs from an lvalue of itself and recurses forever). The
// Result passes by reference to the handler, which takes it as it likes: by value, the erased
// call would move it three times on the way (a reply's Value, each time).
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
  void operator()(Result<T>&& r) && {
    auto h = std::move(*h_);
    h_.reset();
    std::move(h)(std::move(r));
  }

 private:
  std::optional<boost::asio::any_completion_handler<void(Result<T>&&)>> h_;
};

// Hands `r` to `h` on h's own executor. A handler without an executor of its own (a plain
// callback, a sync call's) runs here, and so does one whose executor is an io_context's running on
// this thread (a coroutine's, mostly): that is what dispatch() would do, without first binding the
// result into a type-erased function (an allocation and two moves of the Result).
template <class H, class T>
void complete_on_own_executor(H& h, Result<T>&& r) {
  using Executor = boost::asio::associated_executor_t<H>;
  if constexpr (std::is_same_v<Executor, boost::asio::system_executor>) {
    return std::move(h)(std::move(r));
  } else if constexpr (std::is_same_v<Executor, boost::asio::any_io_executor>) {
    const auto ex = boost::asio::get_associated_executor(h);
    if (auto* io = ex.template target<boost::asio::io_context::executor_type>(); io && io->running_in_this_thread())
      return std::move(h)(std::move(r));
  }
  boost::asio::dispatch(boost::asio::append(std::move(h), std::move(r)));
}

// Runs `start(done)` at initiation, `done` taking a Result<From>; `convert(Result<From>&&)` makes
// it the caller's Result<T> in the same call that completes the caller (a command's reply becomes
// its typed result without a second type-erased callback). `done` may be called from any thread
// (in practice the connection's strand); the caller's executor's work is kept alive until then.
template <class T, class From, class Token, class Start, class Convert>
auto initiate_from(Token&& token, Start&& start, Convert convert) {
  return boost::asio::async_initiate<Token, void(Result<T>)>(
      [](auto handler, auto start_fn, Convert convert) {
        auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        std::move(start_fn)(Done<From>([h = std::move(handler), w = std::move(work), convert](Result<From>&& r) mutable {
          complete_on_own_executor(h, convert(std::move(r)));
        }));
      },
      token, std::forward<Start>(start), std::move(convert));
}

// The same for an operation that completes with the caller's Result<T> itself.
template <class T, class Token, class Start>
auto initiate(Token&& token, Start&& start) {
  return initiate_from<T, T>(std::forward<Token>(token), std::forward<Start>(start),
                             [](Result<T>&& r) -> Result<T>&& { return std::move(r); });
}

}  // namespace glide::detail
