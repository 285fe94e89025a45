#pragma once
// Pub/sub commands a publisher and an observer need: PUBLISH and the PUBSUB introspection
// subcommands. Subscribing is not here: it changes what the connection receives, so it belongs to
// the client's subscription state (not a command a batch may hold).
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {
namespace detail {

Command publish_command(std::string_view message, std::string_view channel, bool sharded);
// PUBSUB <subcommand> [pattern]
Command pubsub_listing(std::string_view subcommand, const std::optional<std::string>& pattern);

template <class Derived>
class PubSubCommands : public CommandRunner<Derived, PubSubCommands<Derived>> {
 public:
  using Channels = std::vector<std::string>;

  // GLIDE's argument order: the message first. The number of clients that received it (in a
  // cluster, those connected to the node that took it; SPUBLISH when `sharded`: the channel's
  // shard). Sharded publishing also works on a standalone server (7.0+).
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) publish(std::string_view message, std::string_view channel, Extra&&... extra) {
    return this->template run<std::int64_t>(publish_command(message, channel, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) publish(std::string_view message, std::string_view channel, bool sharded, Extra&&... extra) {
    return this->template run<std::int64_t>(publish_command(message, channel, sharded), std::forward<Extra>(extra)...);
  }
  // Channels with at least one subscriber (pattern subscribers not counted), optionally matching
  // a glob-style pattern. In a cluster, those of the node the request reaches.
  template <class... Extra>
    requires NoneIs<std::optional<std::string>, Extra...> && TokenOnly<Extra...>
  decltype(auto) pubsub_channels(Extra&&... extra) {
    return pubsub_channels(std::nullopt, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) pubsub_channels(std::optional<std::string> pattern, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(pubsub_listing("CHANNELS", pattern), std::forward<Extra>(extra)...);
  }
  // The number of unique patterns subscribed to.
  template <class... Extra>
  decltype(auto) pubsub_numpat(Extra&&... extra) {
    return this->template run<std::int64_t>(Command{"PUBSUB", "NUMPAT"}, std::forward<Extra>(extra)...);
  }
  // Each channel asked for with its subscriber count, in the order asked (none asked: empty).
  template <class... Extra>
    requires NoneIs<Channels, Extra...>
  decltype(auto) pubsub_numsub(Extra&&... extra) {
    return pubsub_numsub(Channels{}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) pubsub_numsub(Channels channels, Extra&&... extra) {
    return this->template run<std::vector<std::pair<std::string, std::int64_t>>>(
        std::move(Command{"PUBSUB", "NUMSUB"}.args(channels)), std::forward<Extra>(extra)...);
  }
  // The sharded forms (SSUBSCRIBE); in a cluster, those of the shard the request reaches.
  template <class... Extra>
    requires NoneIs<std::optional<std::string>, Extra...> && TokenOnly<Extra...>
  decltype(auto) pubsub_shardchannels(Extra&&... extra) {
    return pubsub_shardchannels(std::nullopt, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) pubsub_shardchannels(std::optional<std::string> pattern, Extra&&... extra) {
    return this->template run<std::vector<std::string>>(pubsub_listing("SHARDCHANNELS", pattern), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<Channels, Extra...>
  decltype(auto) pubsub_shardnumsub(Extra&&... extra) {
    return pubsub_shardnumsub(Channels{}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) pubsub_shardnumsub(Channels channels, Extra&&... extra) {
    return this->template run<std::vector<std::pair<std::string, std::int64_t>>>(
        std::move(Command{"PUBSUB", "SHARDNUMSUB"}.args(channels)), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
