#include <glide/sync_client.hpp>
#include <glide/detail/sole_runner.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace glide::sync {
namespace detail {

using Clock = std::chrono::steady_clock;

struct IoThread::State {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::mutex m;
  std::condition_variable cv;          // callers waiting for their result or their turn
  std::condition_variable background_cv;  // the background thread, only ever woken to stop
  int waiting = 0;                     // callers waiting on cv
  std::atomic<int> callers{0};         // callers in drive_until, the one driving included
  bool driving = false;                // someone runs the loop
  bool background_driving = false;     // ... and it is the background thread
  Clock::time_point released{};        // when a caller last let go of the loop
  std::atomic<bool> handoff{false};    // a caller wants the loop back from the background thread
  std::atomic<bool> stopping{false};
  std::thread background;

  // The background thread: runs the loop while no caller has for idle_grace. It looks every
  // idle_grace rather than being told: waking it at every call's end cost a context switch per
  // call.
  void serve() {
    std::unique_lock lk(m);
    while (!stopping) {
      if (driving || Clock::now() < released + idle_grace) {
        background_cv.wait_for(lk, idle_grace);
        continue;
      }
      driving = background_driving = true;
      lk.unlock();
      {
        glide::detail::SoleRunner sole(io, glide::detail::SoleRunner::keeper);
        while (!handoff.load(std::memory_order_acquire) && !stopping.load(std::memory_order_acquire)) io.run_one();
      }
      lk.lock();
      driving = background_driving = false;
      handoff = false;
      released = Clock::now();  // the caller that asked gets the loop before this thread takes it again
      if (waiting > 0) cv.notify_all();
    }
  }
  void wake_callers() {
    if (waiting > 0) cv.notify_all();
  }
};

IoThread::IoThread() : state_(std::make_unique<State>()) {
  state_->background = std::thread([s = state_.get()] { s->serve(); });
}

IoThread::~IoThread() {
  if (close_) close_();
  State& s = *state_;
  {
    std::lock_guard lk(s.m);
    s.stopping = true;
  }
  boost::asio::post(s.io, [] {});  // wakes the background thread if it waits in the loop
  s.background_cv.notify_all();
  if (std::this_thread::get_id() == s.background.get_id()) {
    // The last copy went away in a handler of the background thread: it cannot join itself, and
    // the loop it is inside must outlive it.
    s.background.detach();
    (void)state_.release();
    return;
  }
  s.background.join();
  // Closing completes what is pending and cancels the timers, so the loop runs dry by itself; a
  // straggler (a retry timer, a refresh) gets a moment, then the loop is stopped.
  s.work.reset();
  s.io.restart();
  glide::detail::SoleRunner sole(s.io, glide::detail::SoleRunner::keeper);
  s.io.run_for(std::chrono::seconds(2));
}

boost::asio::any_io_executor IoThread::executor() { return state_->io.get_executor(); }

void IoThread::finished(std::atomic<bool>& done) {
  std::lock_guard lk(state_->m);
  done.store(true, std::memory_order_release);
  state_->wake_callers();
}

void IoThread::drive_until(const std::atomic<bool>& done, void (*start)(void*), void* call) {
  State& s = *state_;
  s.callers.fetch_add(1, std::memory_order_relaxed);
  struct Leave {
    std::atomic<int>& callers;
    ~Leave() { callers.fetch_sub(1, std::memory_order_relaxed); }
  } leave{s.callers};
  std::unique_lock lk(s.m);
  while (!done.load(std::memory_order_acquire)) {
    if (s.driving) {
      if (start) {
        // Posted to whoever runs the loop now.
        lk.unlock();
        std::exchange(start, nullptr)(call);
        lk.lock();
        continue;
      }
      // Someone runs the loop: it completes this request too, or lets go of the loop.
      if (s.background_driving && !s.handoff.exchange(true)) boost::asio::post(s.io, [] {});
      ++s.waiting;
      s.cv.wait(lk);
      --s.waiting;
      continue;
    }
    s.driving = true;
    lk.unlock();
    {
      glide::detail::SoleRunner sole(s.io, glide::detail::SoleRunner::caller);
      if (start) std::exchange(start, nullptr)(call);
      // Alone, the caller waits for its reply's socket itself when it can; with others, their
      // requests (posted, they wait for the loop) go out first.
      while (!done.load(std::memory_order_acquire))
        if (s.callers.load(std::memory_order_relaxed) > 1 || !sole.wait_offered()) s.io.run_one();
    }
    lk.lock();
    s.driving = false;
    s.released = Clock::now();
    s.wake_callers();  // another caller may be waiting for its turn
  }
}

// Connects with the async client, driving the loop from this thread.
template <class Sync, class Async, class Config>
Result<Sync> create_sync(Config config) {
  auto io = std::make_shared<IoThread>();
  auto async = io->run(Async::create(io->executor(), std::move(config)));
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
