#pragma once
// What both asynchronous clients are: a handle on the engine all copies share (connections,
// slot map, the request path), plus this view's default timeout. The typed commands come from the Commands mixin;
// each client adds its own run_command and the operations only it has.
#include <glide/commands.hpp>
#include <glide/detail/async.hpp>
#include <glide/detail/engine.hpp>
#include <glide/detail/reply.hpp>
#include <glide/script.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>

namespace glide::detail {

// A command's reply as the caller's T (an error as it is): initiate_from's conversion for the
// commands, which the engine answers with a Value.
template <class T>
struct ConvertReply {
  Result<T> operator()(Result<Value>&& r) const {
    return r ? to_result<T>(std::move(r).value()) : Result<T>(std::move(r).error());
  }
};

template <class Derived, class Config>
class ClientHandle : public Commands<Derived> {
 public:
  using executor_type = boost::asio::any_io_executor;

  // Connects (unless lazy_connect) and completes with the client, or with why it cannot work:
  // configuration_error for a bad configuration, connection_error when the server cannot be
  // reached or refuses the handshake (e.g. a wrong password).
  template <class Token = boost::asio::deferred_t>
  static auto create(executor_type ex, Config config, Token&& token = {}) {
    return initiate<Derived>(std::forward<Token>(token), [ex, config = std::move(config)](auto done) mutable {
      Engine::create(ex, std::move(config), [done = std::move(done)](Result<std::shared_ptr<Engine>> r) mutable {
        if (!r) return std::move(done)(r.error());
        auto core = std::move(r).value();
        const auto timeout = core->request_timeout();
        std::move(done)(Derived(std::move(core), timeout));
      });
    });
  }
  template <class Token = boost::asio::deferred_t>
  static auto create(boost::asio::io_context& io, Config config, Token&& token = {}) {
    return create(io.get_executor(), std::move(config), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  static auto create(Config config, executor_type ex, Token&& token = {}) {
    return create(std::move(ex), std::move(config), std::forward<Token>(token));
  }

  // Completes every pending request with errc::closing and closes the connections. Copies of
  // this client share its connections and are closed too.
  void close() { core_->close(); }

  // A view of this client (same connections) whose requests use `timeout` instead of
  // request_timeout. Zero means no limit.
  Derived with_timeout(std::chrono::milliseconds timeout) const { return Derived(core_, timeout); }
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }

  // EVALSHA, and on NOSCRIPT: load the script and run it again, once. A cluster client routes it
  // by its keys (all in one slot, else errc::crossslot; keyless: a random primary) and recovers
  // NOSCRIPT on the node that answered.
  template <class Token = boost::asio::deferred_t>
    requires NoneIs<ScriptOptions, Token>
  auto invoke_script(const Script& script, Token&& token = {}) {
    return invoke_script(script, ScriptOptions{}, std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto invoke_script(const Script& script, ScriptOptions options, Token&& token = {}) {
    return initiate<Value>(std::forward<Token>(token), [core = core_, script, o = std::move(options),
                                                        t = timeout_](auto done) mutable {
      core->invoke_script(std::move(script), std::move(o), t, std::move(done));
    });
  }

  // ---- pub/sub (docs/pubsub.md; RESP3) ------------------------------------------------------
  // Subscriptions made here are restored on every new connection, like the configured ones.
  template <class Token = boost::asio::deferred_t>
  auto subscribe(std::vector<std::string> channels, Token&& token = {}) {
    return subscription(PubSubChannelModes::Exact, false, std::move(channels), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto psubscribe(std::vector<std::string> patterns, Token&& token = {}) {
    return subscription(PubSubChannelModes::Pattern, false, std::move(patterns), std::forward<Token>(token));
  }
  // No channels: all of them.
  template <class Token = boost::asio::deferred_t>
  auto unsubscribe(std::vector<std::string> channels = {}, Token&& token = {}) {
    return subscription(PubSubChannelModes::Exact, true, std::move(channels), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto punsubscribe(std::vector<std::string> patterns = {}, Token&& token = {}) {
    return subscription(PubSubChannelModes::Pattern, true, std::move(patterns), std::forward<Token>(token));
  }
  // The next message from the queue, waiting for one if it is empty (with a callback configured:
  // configuration_error). Readers waiting together are served in turn.
  template <class Token = boost::asio::deferred_t>
  auto get_pubsub_message(Token&& token = {}) {
    return initiate<PubSubMsg>(std::forward<Token>(token), [core = core_](auto done) mutable { core->get_pubsub_message(std::move(done)); });
  }
  // The next message if one is queued; never waits (any thread).
  std::optional<PubSubMsg> try_get_pubsub_message() { return core_->try_get_pubsub_message(); }
  // Messages pushed out of the full queue (PubSubSubscriptions::queue_limit) so far.
  std::uint64_t pubsub_messages_dropped() const noexcept { return core_->pubsub_messages_dropped(); }

 protected:
  ClientHandle(std::shared_ptr<Engine> core, std::chrono::milliseconds timeout) : core_(std::move(core)), timeout_(timeout) {}

  template <class Token>
  auto subscription(PubSubChannelModes mode, bool remove, std::vector<std::string> channels, Token&& token) {
    return initiate<void>(std::forward<Token>(token), [core = core_, mode, remove, c = std::move(channels), t = timeout_](auto done) mutable {
      core->subscribe(mode, std::move(c), remove, t, std::move(done));
    });
  }

  std::shared_ptr<Engine> core_;
  std::chrono::milliseconds timeout_;
};

}  // namespace glide::detail
