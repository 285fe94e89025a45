#pragma once
// Client configuration, as GLIDE names it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace glide {

struct NodeAddress {
  std::string host = "localhost";
  std::uint16_t port = 6379;
};

struct ServerCredentials {
  std::string password;
  std::optional<std::string> username;  // none: the "default" user
};

// Reconnect delays: factor * exponent_base^attempt milliseconds, the attempt counter capped at
// num_of_retries (after that the delay stays at its largest; reconnecting never gives up while
// the client is open), each delay varied by up to jitter_percent.
struct BackoffStrategy {
  std::uint32_t num_of_retries = 8;
  std::uint32_t factor = 10;
  std::uint32_t exponent_base = 2;
  std::optional<std::uint32_t> jitter_percent = 20;
};

struct TlsAdvancedConfiguration {
  std::optional<std::string> root_cert_file;    // CA bundle (PEM); none: the system's CAs
  std::optional<std::string> client_cert_file;  // for servers that require client certificates
  std::optional<std::string> client_key_file;
  bool use_insecure_tls = false;  // skips certificate and host name verification
};

enum class ProtocolVersion { RESP2, RESP3 };

// One pub/sub message: binary-safe payload, the channel it was published on, and for a pattern
// subscription the pattern that matched.
struct PubSubMsg {
  std::string message;
  std::string channel;
  std::optional<std::string> pattern;
  bool operator==(const PubSubMsg&) const = default;
};

enum class PubSubChannelModes { Exact, Pattern, Sharded };  // Sharded: cluster mode only

// Subscriptions a client holds from its creation and restores on every new connection
// (docs/pubsub.md). Messages go to `callback` when there is one (called on the client's
// executor, in order: it must not block), else to a queue read by get_pubsub_message() and
// try_get_pubsub_message().
struct PubSubSubscriptions {
  std::map<PubSubChannelModes, std::set<std::string>> channels_and_patterns;
  std::function<void(PubSubMsg)> callback;
  // Beyond GLIDE: the queue's bound. A message that finds it full pushes the oldest one out;
  // pubsub_messages_dropped() counts them. Reading never stalls the connection's replies.
  std::size_t queue_limit = 100'000;
};
enum class ReadFrom { PRIMARY, PREFER_REPLICA };

struct GlideClientConfiguration {
  std::vector<NodeAddress> addresses;
  bool use_tls = false;
  TlsAdvancedConfiguration tls_config{};
  std::optional<ServerCredentials> credentials;
  ReadFrom read_from = ReadFrom::PRIMARY;
  std::chrono::milliseconds request_timeout{250};
  std::optional<BackoffStrategy> reconnect_strategy;
  std::optional<int> database_id;  // standalone only
  std::optional<std::string> client_name;
  ProtocolVersion protocol = ProtocolVersion::RESP3;
  std::size_t inflight_requests_limit = 1000;
  bool lazy_connect = false;
  // Beyond GLIDE: how long one connection attempt (TCP, TLS and the handshake) may take.
  std::chrono::milliseconds connection_timeout{2000};
  std::optional<PubSubSubscriptions> pubsub_subscriptions;
};

struct GlideClusterClientConfiguration {
  std::vector<NodeAddress> addresses;
  bool use_tls = false;
  TlsAdvancedConfiguration tls_config{};
  std::optional<ServerCredentials> credentials;
  ReadFrom read_from = ReadFrom::PRIMARY;
  std::chrono::milliseconds request_timeout{250};
  std::optional<BackoffStrategy> reconnect_strategy;
  std::optional<std::string> client_name;
  ProtocolVersion protocol = ProtocolVersion::RESP3;
  std::size_t inflight_requests_limit = 1000;
  bool lazy_connect = false;
  std::chrono::milliseconds connection_timeout{2000};
  std::optional<std::chrono::milliseconds> periodic_checks;  // topology refresh interval
  std::optional<PubSubSubscriptions> pubsub_subscriptions;
};

}  // namespace glide
