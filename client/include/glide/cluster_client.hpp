#pragma once
// glide::GlideClusterClient: the asynchronous cluster client. The same typed commands as
// GlideClient, routed by their keys; explicit routes for custom commands and scripts.
#include <glide/batch.hpp>
#include <glide/cluster_scan.hpp>
#include <glide/commands.hpp>
#include <glide/config.hpp>
#include <glide/detail/async.hpp>
#include <glide/detail/client_handle.hpp>
#include <glide/detail/reply.hpp>
#include <glide/route.hpp>
#include <glide/script.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <concepts>

namespace glide {


// For the overloads without a route: a completion token is never a route. (NoneIs<Route, Token>
// let a route alternative such as ByAddressRoute{...} through as a "token", a compile error.)
namespace detail {
template <class Token>
concept NotARoute = !std::constructible_from<Route, Token&&>;
}  // namespace detail

class GlideClusterClient
    : public detail::ClientHandle<GlideClusterClient, GlideClusterClientConfiguration> {
 public:
  // Typed commands come here: routed by keys (keys of different slots: errc::crossslot), by the
  // command's policy, or to a random node; several nodes' answers combined by the policy.
  template <class T, class Token = boost::asio::deferred_t>
  auto run_command(Command command, Token&& token = {}) {
    return detail::initiate_from<T, Value>(
        std::forward<Token>(token),
        [core = core_, c = std::move(command), t = timeout_](detail::Done<Value> done) mutable {
          core->execute(std::move(c), std::nullopt, t, std::move(done));
        },
        [](Result<Value>&& r) -> Result<T> {
          if constexpr (std::is_same_v<T, std::string>) {
            if (r && r.value().kind() == ValueKind::map) return join_per_node(r.value());
          }
          return detail::ConvertReply<T>{}(std::move(r));
        });
  }

  // A text command sent to several nodes with no rule to merge their answers (INFO goes to all
  // primaries) comes back per node; as the one std::string the typed command promises, the texts
  // are joined, each after a "# Node host:port" line. This used to be a type error ("wanted a
  // string, got map"), so info() could never succeed on a cluster. One node's text:
  // custom_command({"INFO", ...}, route).
  static Result<std::string> join_per_node(const Value& per_node) {
    std::string out;
    for (const auto& [node, text] : per_node.entries()) {
      auto t = detail::to_result<std::string>(text);
      if (!t) return t.error();
      if (!out.empty()) out += "\r\n";
      out += "# Node " + node.str() + "\r\n" + t.value();
    }
    return out;
  }

  using detail::Commands<GlideClusterClient>::custom_command;
  // With an explicit route: one value, or one per node for multi-node routes.
  // A template on the route so that `custom_command(args, SlotKeyRoute{...})` lands here: with a
  // plain `Route` parameter the mixin's variadic custom_command(args, Extra&&...) was the better
  // match for a route alternative and took it for a completion token (a compile error).
  template <class R, class Token = boost::asio::deferred_t>
    requires std::constructible_from<Route, R&&>
  auto custom_command(std::vector<std::string> args, R&& route, Token&& token = {}) {
    using Out = ClusterValue<Value>;
    return detail::initiate<Out>(std::forward<Token>(token), [core = core_, c = Command(args), route = Route(std::forward<R>(route)),
                                                              t = timeout_](detail::Done<Out> done) mutable {
      core->execute_per_node(std::move(c), std::move(route), t, std::move(done));
    });
  }

  template <class Token = boost::asio::deferred_t>
    requires detail::NoneIs<ClusterBatchOptions, Token>
  auto exec(const ClusterBatch& batch, bool raise_on_error, Token&& token = {}) {
    return exec(batch, raise_on_error, ClusterBatchOptions{}, std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto exec(const ClusterBatch& batch, bool raise_on_error, ClusterBatchOptions options, Token&& token = {}) {
    using Out = std::optional<std::vector<Reply>>;
    return detail::initiate<Out>(std::forward<Token>(token), [core = core_, data = batch.data(), raise_on_error,
                                                              o = std::move(options), t = timeout_](auto done) mutable {
      core->exec(std::move(data), raise_on_error, std::move(o), t, std::move(done));
    });
  }

  template <class Token = boost::asio::deferred_t>
  auto invoke_script_route(const Script& script, ScriptArgs args, Route route, Token&& token = {}) {
    using Out = ClusterValue<Value>;
    return detail::initiate<Out>(std::forward<Token>(token), [core = core_, script, a = std::move(args),
                                                              r = std::move(route), t = timeout_](auto done) mutable {
      core->invoke_script_route(std::move(script), std::move(a), std::move(r), t, std::move(done));
    });
  }

  // Script management: all primaries unless a route is given.
  template <class Token = boost::asio::deferred_t>
    requires detail::NotARoute<Token>
  auto script_exists(std::vector<std::string> sha1s, Token&& token = {}) {
    return script_exists(std::move(sha1s), Route(AllPrimaries{}), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto script_exists(std::vector<std::string> sha1s, Route route, Token&& token = {}) {
    return routed<std::vector<bool>>(std::move(Command{"SCRIPT", "EXISTS"}.args(sha1s)), std::move(route), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
    requires(detail::NoneIs<FlushMode, Token> && detail::NotARoute<Token>)
  auto script_flush(Token&& token = {}) {
    return script_flush(FlushMode::SYNC, Route(AllPrimaries{}), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
    requires detail::NotARoute<Token>
  auto script_flush(FlushMode mode, Token&& token = {}) {
    return script_flush(mode, Route(AllPrimaries{}), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto script_flush(FlushMode mode, Route route, Token&& token = {}) {
    return routed<void>(Command{"SCRIPT", "FLUSH", detail::to_string(mode)}, std::move(route), std::forward<Token>(token));
  }
  // The first primary that has the script answers (SCRIPT SHOW has no cluster policy).
  template <class Token = boost::asio::deferred_t>
    requires detail::NotARoute<Token>
  auto script_show(std::string sha1, Token&& token = {}) {
    return script_show(std::move(sha1), Route(AllPrimaries{}), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto script_show(std::string sha1, Route route, Token&& token = {}) {
    return detail::initiate<std::string>(std::forward<Token>(token), [core = core_, c = Command{"SCRIPT", "SHOW", sha1},
                                                                      r = std::move(route), t = timeout_](auto done) mutable {
      // Not execute_per_node: it fails as soon as one node answers NOSCRIPT, and a script that
      // ran by key is loaded on one primary only. Here the per-node answers come back as a map
      // (SCRIPT SHOW has no response policy) and the first node that knows the script wins.
      core->execute(std::move(c), std::move(r), t, [d = std::move(done)](Result<Value> v) mutable {
        if (!v) return std::move(d)(v.error());
        if (v.value().kind() != ValueKind::map) return std::move(d)(detail::to_result<std::string>(std::move(v).value()));
        const auto& per_node = v.value().entries();
        for (const auto& [node, answer] : per_node)
          if (!answer.is_error()) return std::move(d)(detail::to_result<std::string>(answer));
        if (per_node.empty()) return std::move(d)(Result<std::string>(Error(errc::request_error, "no node to ask")));
        std::move(d)(detail::to_result<std::string>(per_node.front().second));
      });
    });
  }
  template <class Token = boost::asio::deferred_t>
    requires detail::NotARoute<Token>
  auto script_kill(Token&& token = {}) {
    return script_kill(Route(AllPrimaries{}), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto script_kill(Route route, Token&& token = {}) {
    return kill_on_side(Command{"SCRIPT", "KILL"}, std::move(route), std::forward<Token>(token));
  }
  // FUNCTION KILL, the same way: all primaries unless a route is given, over side connections.
  template <class Token = boost::asio::deferred_t>
    requires detail::NotARoute<Token>
  auto function_kill(Token&& token = {}) {
    return function_kill(Route(AllPrimaries{}), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto function_kill(Route route, Token&& token = {}) {
    return kill_on_side(Command{"FUNCTION", "KILL"}, std::move(route), std::forward<Token>(token));
  }

  // WATCH goes to the keys' node; keep the watched keys and the transaction in one slot.
  template <class Token = boost::asio::deferred_t>
  auto watch(std::vector<std::string> keys, Token&& token = {}) {
    return run_command<void>(std::move(Command{"WATCH"}.args(keys)), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto unwatch(Token&& token = {}) {
    return routed<void>(Command{"UNWATCH"}, Route(AllPrimaries{}), std::forward<Token>(token));
  }

  // One step of a SCAN over every primary: the next cursor and the keys this call found (maybe
  // none while it moves from node to node). Start with ClusterScanCursor(); stop when the
  // returned cursor is_finished(). A key that exists throughout is returned at least once, also
  // across slot migrations and failovers; a key may come more than once (docs/cluster.md).
  template <class Token = boost::asio::deferred_t>
    requires detail::NoneIs<ScanOptions, Token>
  auto scan(const ClusterScanCursor& cursor, Token&& token = {}) {
    return scan(cursor, ScanOptions{}, std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto scan(const ClusterScanCursor& cursor, ScanOptions options, Token&& token = {}) {
    using Out = std::pair<ClusterScanCursor, std::vector<std::string>>;
    return detail::initiate<Out>(std::forward<Token>(token), [core = core_, cursor, o = std::move(options), t = timeout_](auto done) mutable {
      core->cluster_scan(std::move(cursor), std::move(o), t, std::move(done));
    });
  }

  // Sharded channels (SSUBSCRIBE): each on the primary of its slot, and moved with it.
  template <class Token = boost::asio::deferred_t>
  auto ssubscribe(std::vector<std::string> channels, Token&& token = {}) {
    return subscription(PubSubChannelModes::Sharded, false, std::move(channels), std::forward<Token>(token));
  }
  template <class Token = boost::asio::deferred_t>
  auto sunsubscribe(std::vector<std::string> channels = {}, Token&& token = {}) {
    return subscription(PubSubChannelModes::Sharded, true, std::move(channels), std::forward<Token>(token));
  }

 private:
  template <class Token>
  auto kill_on_side(Command command, Route route, Token&& token) {
    return detail::initiate_from<void, Value>(
        std::forward<Token>(token),
        [core = core_, c = std::move(command), r = std::move(route), t = timeout_](detail::Done<Value> done) mutable {
          core->execute_on_side(std::move(c), std::move(r), t, std::move(done));
        },
        detail::ConvertReply<void>{});
  }

  friend class detail::ClientHandle<GlideClusterClient, GlideClusterClientConfiguration>;
  GlideClusterClient(std::shared_ptr<detail::Engine> core, std::chrono::milliseconds timeout)
      : ClientHandle(std::move(core), timeout) {}

  template <class T, class Token>
  auto routed(Command command, Route route, Token&& token) {
    return detail::initiate_from<T, Value>(
        std::forward<Token>(token),
        [core = core_, c = std::move(command), r = std::move(route), t = timeout_](detail::Done<Value> done) mutable {
          core->execute(std::move(c), std::move(r), t, std::move(done));
        },
        detail::ConvertReply<T>{});
  }
};

}  // namespace glide
