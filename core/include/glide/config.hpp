#pragma once
// Client configuration, as GLIDE names it.
#include <chrono>
#include <cstdint>
#include <optional>
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
};

}  // namespace glide
