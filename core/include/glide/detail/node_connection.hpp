#pragma once
// NodeConnection: one multiplexed connection to one server. Any number of callers share it:
// requests are coalesced into one write, replies come back in FIFO order. What it decides lives
// in ConnectionMachine (sans-I/O); this layer only moves bytes, connects and fires the timer.
#include <glide/config.hpp>
#include <glide/detail/connection_machine.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace glide::detail {

struct ConnectionOptions {
  NodeAddress address;
  bool use_tls = false;
  TlsAdvancedConfiguration tls;
  std::optional<ServerCredentials> credentials;
  std::optional<int> database_id;
  std::optional<std::string> client_name;
  ProtocolVersion protocol = ProtocolVersion::RESP3;
  bool readonly = false;  // a cluster replica we read from: READONLY in the handshake
  std::chrono::milliseconds connection_timeout{2000};
  std::size_t inflight_limit = 1000;
  BackoffStrategy backoff;
  ParserLimits limits;
  // An idle connection is sent a PING this often, and a silent one is looked into. Zero: never.
  std::chrono::milliseconds heartbeat_interval{1000};
  // A failed connection attempt fails the queued requests (MachineOptions): a cluster's.
  bool fail_queued_when_unreachable = false;
  bool subscriber = false;  // RESP2 pub/sub arrays are pushes (MachineOptions)
};

// The per-node options either client configuration implies, after the checks both share;
// database_id is standalone only.
template <class Config>
Result<ConnectionOptions> connection_options(const Config& config) {
  if (config.addresses.empty()) return fail(errc::configuration_error, "no server addresses given");
  for (const auto& a : config.addresses)
    if (a.port == 0) return fail(errc::configuration_error, "port 0 is not a valid server port");
  if (config.request_timeout.count() < 0) return fail(errc::configuration_error, "request_timeout must not be negative");
  if (config.reconnect_strategy && config.reconnect_strategy->factor == 0)
    return fail(errc::configuration_error, "reconnect_strategy.factor must be at least 1");
  ConnectionOptions o;
  o.address = config.addresses.front();
  o.use_tls = config.use_tls;
  o.tls = config.tls_config;
  o.credentials = config.credentials;
  o.client_name = config.client_name;
  o.protocol = config.protocol;
  o.connection_timeout = config.connection_timeout;
  o.inflight_limit = config.inflight_requests_limit;
  o.backoff = config.reconnect_strategy.value_or(BackoffStrategy{});
  if constexpr (requires { config.database_id; }) {
    if (config.database_id && *config.database_id < 0) return fail(errc::configuration_error, "database_id must not be negative");
    o.database_id = config.database_id;
  }
  return o;
}

// The commands a new link with these options sends first. Never logged: they carry credentials.
Handshake make_handshake(const ConnectionOptions& options);

class NodeConnection {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  virtual ~NodeConnection() = default;

  // Checks the options (a configuration_error for what cannot work, e.g. a missing certificate
  // file) and builds an unconnected connection whose handlers all run on `strand`. Whoever
  // drives several connections from one strand needs no locks of its own.
  static Result<std::shared_ptr<NodeConnection>> make(Strand strand, ConnectionOptions options);

  // Connects now (TCP, TLS, handshake). Completes once with the first attempt's outcome; later
  // losses reconnect by themselves.
  virtual void connect(boost::asio::any_completion_handler<void(Result<void>)> handler) = 0;
  // Queues a request; called on the strand. The handler runs on the strand with all `expected`
  // replies (error replies stay in place as error Values) or with why they could not be had.
  virtual void send(Request request, ReplyHandler handler) = 0;
  // The same (on the strand) over a second connection to this server, opened on first use: SCRIPT KILL and
  // FUNCTION KILL must not wait behind the script they stop. It also probes the server when
  // this connection falls silent.
  virtual void send_side(Request request, ReplyHandler handler) = 0;
  // Completes everything pending with errc::closing and drops the link for good.
  virtual void close() = 0;

  virtual const NodeAddress& address() const noexcept = 0;
  // Links established so far (read from any thread): what was learned on one link, such as the
  // scripts loaded there, holds until this changes.
  virtual std::uint64_t links() const noexcept = 0;
  // On the strand: since when the server cannot be reached (ConnectionMachine), and why.
  virtual std::chrono::steady_clock::time_point unreachable_since() const noexcept = 0;
  virtual const std::string& last_error() const noexcept = 0;
  // On the strand. Where the RESP3 pushes that answer no request go (pub/sub messages, in the
  // order they came); without a handler they are dropped.
  virtual void on_push(std::function<void(Value)> handler) = 0;
  // What each new link subscribes to in its handshake (ConnectionMachine::set_subscriptions).
  virtual void set_subscriptions(std::string wire, std::size_t confirmations) = 0;
};

}  // namespace glide::detail
