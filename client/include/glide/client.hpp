#pragma once
// glide::GlideClient: the asynchronous standalone client. Every operation takes a trailing Asio
// completion token (default boost::asio::deferred) and completes with one Result<T>.
#include <glide/batch.hpp>
#include <glide/commands.hpp>
#include <glide/config.hpp>
#include <glide/detail/async.hpp>
#include <glide/detail/client_handle.hpp>
#include <glide/detail/reply.hpp>
#include <glide/script.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>

namespace glide {

class GlideClient : public detail::ClientHandle<GlideClient, GlideClientConfiguration> {
 public:
  // A new client with the same configuration on a connection of its own. WATCH state belongs to
  // a connection, so optimistic transactions (WATCH ... exec(Batch(true))) on a client that other
  // coroutines share go through a session: nobody else's EXEC or UNWATCH can touch its WATCHes.
  template <class Token = boost::asio::deferred_t>
  auto open_session(Token&& token = {}) const {
    return detail::initiate<GlideClient>(std::forward<Token>(token), [core = core_, t = timeout_](auto done) mutable {
      core->open_session([t, done = std::move(done)](Result<std::shared_ptr<detail::Engine>> r) mutable {
        if (!r) return std::move(done)(r.error());
        std::move(done)(GlideClient(std::move(r).value(), t));
      });
    });
  }

  // Runs any Command and converts its reply to T (the typed commands all come here).
  template <class T, class Token = boost::asio::deferred_t>
  auto run_command(Command command, Token&& token = {}) {
    return detail::initiate_from<T, Value>(
        std::forward<Token>(token),
        [core = core_, c = std::move(command), t = timeout_](detail::Done<Value> done) mutable {
          core->execute(std::move(c), std::nullopt, t, std::move(done));
        },
        detail::ConvertReply<T>{});
  }

  // Runs a batch: a pipeline or a MULTI/EXEC transaction. nullopt: a WATCHed key changed.
  template <class Token = boost::asio::deferred_t>
    requires detail::NoneIs<BatchOptions, Token>
  auto exec(const Batch& batch, bool raise_on_error, Token&& token = {}) {
    return exec(batch, raise_on_error, BatchOptions{}, std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto exec(const Batch& batch, bool raise_on_error, BatchOptions options, Token&& token = {}) {
    using Out = std::optional<std::vector<Reply>>;
    return detail::initiate<Out>(std::forward<Token>(token), [core = core_, data = batch.data(), raise_on_error,
                                                               t = options.timeout.value_or(timeout_)](auto done) mutable {
      core->exec(std::move(data), raise_on_error, ClusterBatchOptions{}, t, std::move(done));
    });
  }

  // SCRIPT SHOW (Valkey 8+) -> the script's source.
  template <class Token = boost::asio::deferred_t>
  auto script_show(std::string sha1, Token&& token = {}) {
    return run_command<std::string>(Command{"SCRIPT", "SHOW", sha1}, std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto script_exists(std::vector<std::string> sha1s, Token&& token = {}) {
    return run_command<std::vector<bool>>(std::move(Command{"SCRIPT", "EXISTS"}.args(sha1s)), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
    requires detail::NoneIs<FlushMode, Token>
  auto script_flush(Token&& token = {}) {
    return script_flush(FlushMode::SYNC, std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto script_flush(FlushMode mode, Token&& token = {}) {
    return run_command<void>(Command{"SCRIPT", "FLUSH", detail::to_string(mode)}, std::forward<Token>(token));
  }
  // Sent over a separate connection, so it works while this client waits on the script.
  template <class Token = boost::asio::deferred_t>
  auto script_kill(Token&& token = {}) {
    return run_on_side(Command{"SCRIPT", "KILL"}, std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto function_kill(Token&& token = {}) {
    return run_on_side(Command{"FUNCTION", "KILL"}, std::forward<Token>(token));
  }

  // WATCH state belongs to the connection, which every copy of this client shares: see
  // docs/batches.md for the safe pattern.
  template <class Token = boost::asio::deferred_t>
  auto watch(std::vector<std::string> keys, Token&& token = {}) {
    return run_command<void>(std::move(Command{"WATCH"}.args(keys)), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto unwatch(Token&& token = {}) {
    return run_command<void>(Command{"UNWATCH"}, std::forward<Token>(token));
  }

  // One SCAN step: the next cursor ("0": the scan is over) and the keys this call found. Start with "0".
  template <class Token = boost::asio::deferred_t>
    requires detail::NoneIs<ScanOptions, Token>
  auto scan(std::string cursor, Token&& token = {}) {
    return scan(std::move(cursor), ScanOptions{}, std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto scan(std::string cursor, const ScanOptions& options, Token&& token = {}) {
    return run_command<std::pair<std::string, std::vector<std::string>>>(detail::scan_command(cursor, options),
                                                                         std::forward<Token>(token));
  }

 private:
  friend class detail::ClientHandle<GlideClient, GlideClientConfiguration>;
  GlideClient(std::shared_ptr<detail::Engine> core, std::chrono::milliseconds timeout)
      : ClientHandle(std::move(core), timeout) {}

  template <class Token>
  auto run_on_side(Command command, Token&& token) {
    return detail::initiate_from<void, Value>(
        std::forward<Token>(token),
        [core = core_, c = std::move(command), t = timeout_](detail::Done<Value> done) mutable {
          core->execute_on_side(std::move(c), std::nullopt, t, std::move(done));
        },
        detail::ConvertReply<void>{});
  }
};

}  // namespace glide
