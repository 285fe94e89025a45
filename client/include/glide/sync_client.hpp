#pragma once
// glide::sync::GlideClient and glide::sync::GlideClusterClient: the blocking twins of the async
// clients, with the same methods returning Result<T>. Each owns an io thread (shared with its
// copies and sessions); any number of threads may call one at once, their requests pipelined on
// the shared connections.
#include <glide/client.hpp>
#include <glide/cluster_client.hpp>

#include <boost/asio/deferred.hpp>

#include <atomic>
#include <chrono>
#include <optional>

#include <functional>
#include <memory>

namespace glide::sync {

namespace detail {

// The io_context behind sync clients (shared with their copies and sessions). A blocking call
// runs it on the calling thread until its own result is in, as a blocking client does: a round
// trip costs no hand-off between threads. Callers on several threads take turns at running it;
// one waiting for its turn is woken by whoever completes its request. While no caller is in a
// call (for idle_grace and more), a thread of its own runs it, so that health checks, reconnects
// and operations started through async() go on; the next caller takes it back.
class IoThread {
 public:
  static constexpr std::chrono::milliseconds idle_grace{5};

  IoThread();
  ~IoThread();
  boost::asio::any_io_executor executor();
  // What the last owner closes before stopping.
  void on_shutdown(std::function<void()> close) { close_ = std::move(close); }

  // Starts `op` (a deferred operation completing with one Result) and runs the loop until it is
  // done. Not from within a handler this loop runs (that would wait for itself).
  template <class Op>
  auto run(Op&& op) {
    using R = typename result_of<std::decay_t<Op>>::type;
    struct Call {
      IoThread* io;
      Op&& op;
      std::optional<R> result{};
      std::atomic<bool> done{false};
    } call{this, std::forward<Op>(op), {}};
    drive_until(call.done, [](void* c) {
      auto& call = *static_cast<Call*>(c);
      std::forward<Op>(call.op)([&call](R r) {
        call.result.emplace(std::move(r));
        call.io->finished(call.done);
      });
    }, &call);
    return std::move(*call.result);
  }

 private:
  template <class Op>
  struct result_of;
  template <class R, class... Rest>
  struct result_of<boost::asio::deferred_async_operation<void(R), Rest...>> {
    using type = std::decay_t<R>;
  };

  void finished(std::atomic<bool>& done);
  // Starts the call (start(call)) and runs the loop until `done`. The call starts once this
  // thread has the loop, so that its first steps run here rather than wait for the loop.
  void drive_until(const std::atomic<bool>& done, void (*start)(void*), void* call);

  struct State;
  std::unique_ptr<State> state_;
  std::function<void()> close_;
};

// Everything the two sync clients share: the typed commands (blocking), scripts, WATCH.
template <class Derived, class Async>
class SyncClientBase : public glide::detail::Commands<Derived> {
 public:
  // The WAIT command; the protected wait(op) below would hide it.
  using glide::detail::Commands<Derived>::wait;

  template <class T>
  Result<T> run_command(Command command) {
    return wait(async_.template run_command<T>(std::move(command)));
  }

  // Completes every pending request with errc::closing and closes the connections. The io
  // thread stops with the last copy.
  void close() { async_.close(); }
  Derived with_timeout(std::chrono::milliseconds timeout) const { return Derived(io_, async_.with_timeout(timeout)); }

  Result<Value> invoke_script(const Script& script, ScriptOptions options = {}) {
    return wait(async_.invoke_script(script, std::move(options)));
  }
  Result<std::string> script_show(std::string sha1) { return wait(async_.script_show(std::move(sha1))); }
  Result<std::vector<bool>> script_exists(std::vector<std::string> sha1s) { return wait(async_.script_exists(std::move(sha1s))); }
  Result<void> script_flush(FlushMode mode = FlushMode::SYNC) { return wait(async_.script_flush(mode)); }
  Result<void> script_kill() { return wait(async_.script_kill()); }
  Result<void> watch(std::vector<std::string> keys) { return wait(async_.watch(std::move(keys))); }
  Result<void> unwatch() { return wait(async_.unwatch()); }

  // Pub/sub (docs/pubsub.md). get_pubsub_message() blocks until a message comes.
  Result<void> subscribe(std::vector<std::string> channels) { return wait(async_.subscribe(std::move(channels))); }
  Result<void> psubscribe(std::vector<std::string> patterns) { return wait(async_.psubscribe(std::move(patterns))); }
  Result<void> unsubscribe(std::vector<std::string> channels = {}) { return wait(async_.unsubscribe(std::move(channels))); }
  Result<void> punsubscribe(std::vector<std::string> patterns = {}) { return wait(async_.punsubscribe(std::move(patterns))); }
  Result<PubSubMsg> get_pubsub_message() { return wait(async_.get_pubsub_message()); }
  std::optional<PubSubMsg> try_get_pubsub_message() { return async_.try_get_pubsub_message(); }
  std::uint64_t pubsub_messages_dropped() const noexcept { return async_.pubsub_messages_dropped(); }

  // The asynchronous client underneath (same connections), for mixing styles.
  Async& async() noexcept { return async_; }

  // For the library's create(): wraps an async client running on `io`.
  static Derived from(std::shared_ptr<IoThread> io, Async async) { return Derived(std::move(io), std::move(async)); }

 protected:
  SyncClientBase(std::shared_ptr<IoThread> io, Async async) : io_(std::move(io)), async_(std::move(async)) {}

  // Runs a deferred operation of the async client and blocks for its Result.
  template <class Op>
  auto wait(Op&& op) const {
    return io_->run(std::forward<Op>(op));
  }

  std::shared_ptr<IoThread> io_;
  Async async_;
};

}  // namespace detail

class GlideClient : public detail::SyncClientBase<GlideClient, glide::GlideClient> {
 public:
  static Result<GlideClient> create(GlideClientConfiguration config);

  Result<std::optional<std::vector<Reply>>> exec(const Batch& batch, bool raise_on_error, BatchOptions options = {}) {
    return wait(async_.exec(batch, raise_on_error, std::move(options)));
  }
  Result<void> function_kill() { return wait(async_.function_kill()); }
  Result<std::pair<std::string, std::vector<std::string>>> scan(std::string cursor, const ScanOptions& options = {}) {
    return wait(async_.scan(std::move(cursor), options));
  }
  // A client on a connection of its own, for WATCH-based transactions (see GlideClient).
  Result<GlideClient> open_session() const {
    auto session = wait(async_.open_session());
    if (!session) return session.error();
    return GlideClient(io_, std::move(session).value());
  }

 private:
  friend class detail::SyncClientBase<GlideClient, glide::GlideClient>;
  GlideClient(std::shared_ptr<detail::IoThread> io, glide::GlideClient async) : SyncClientBase(std::move(io), std::move(async)) {}
};

class GlideClusterClient : public detail::SyncClientBase<GlideClusterClient, glide::GlideClusterClient> {
 public:
  static Result<GlideClusterClient> create(GlideClusterClientConfiguration config);

  using SyncClientBase::custom_command;
  // A template for the same reason as the async one: a route alternative must not match the
  // mixin's custom_command(args, Extra&&...).
  template <class R>
    requires std::constructible_from<Route, R&&>
  Result<ClusterValue<Value>> custom_command(std::vector<std::string> args, R&& route) {
    return wait(async_.custom_command(std::move(args), Route(std::forward<R>(route))));
  }
  Result<std::optional<std::vector<Reply>>> exec(const ClusterBatch& batch, bool raise_on_error,
                                                 ClusterBatchOptions options = {}) {
    return wait(async_.exec(batch, raise_on_error, std::move(options)));
  }
  Result<ClusterValue<Value>> invoke_script_route(const Script& script, ScriptArgs args, Route route) {
    return wait(async_.invoke_script_route(script, std::move(args), std::move(route)));
  }
  using SyncClientBase::script_exists;
  using SyncClientBase::script_flush;
  using SyncClientBase::script_kill;
  using SyncClientBase::script_show;
  Result<std::vector<bool>> script_exists(std::vector<std::string> sha1s, Route route) {
    return wait(async_.script_exists(std::move(sha1s), std::move(route)));
  }
  Result<void> script_flush(FlushMode mode, Route route) { return wait(async_.script_flush(mode, std::move(route))); }
  Result<void> script_kill(Route route) { return wait(async_.script_kill(std::move(route))); }
  Result<void> function_kill() { return wait(async_.function_kill()); }
  Result<void> function_kill(Route route) { return wait(async_.function_kill(std::move(route))); }
  Result<std::string> script_show(std::string sha1, Route route) { return wait(async_.script_show(std::move(sha1), std::move(route))); }
  Result<std::pair<ClusterScanCursor, std::vector<std::string>>> scan(const ClusterScanCursor& cursor, ScanOptions options = {}) {
    return wait(async_.scan(cursor, std::move(options)));
  }
  Result<void> ssubscribe(std::vector<std::string> channels) { return wait(async_.ssubscribe(std::move(channels))); }
  Result<void> sunsubscribe(std::vector<std::string> channels = {}) { return wait(async_.sunsubscribe(std::move(channels))); }

 private:
  friend class detail::SyncClientBase<GlideClusterClient, glide::GlideClusterClient>;
  GlideClusterClient(std::shared_ptr<detail::IoThread> io, glide::GlideClusterClient async)
      : SyncClientBase(std::move(io), std::move(async)) {}
};

}  // namespace glide::sync
