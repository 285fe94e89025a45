// The Asio side of a connection: sockets, TLS, one timer. Every decision is ConnectionMachine's;
// after each event pump() carries out what the machine asks for.
#include <glide/detail/node_connection.hpp>
#include <glide/detail/log.hpp>
#include <glide/detail/sole_runner.hpp>
#include <glide/command.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cassert>
#include <filesystem>
#include <variant>

namespace glide::detail {

Handshake make_handshake(const ConnectionOptions& o) {
  Handshake h;
  h.resp3 = o.protocol == ProtocolVersion::RESP3;
  auto add = [&](const Command& c) {
    c.encode_to(h.wire);
    ++h.replies;
  };
  const auto& creds = o.credentials;
  if (h.resp3) {
    Command c{"HELLO", "3"};
    if (creds) c.arg("AUTH").arg(creds->username.value_or("default")).arg(creds->password);
    if (o.client_name) c.arg("SETNAME").arg(*o.client_name);
    add(c);
  } else {
    if (creds) {
      Command c{"AUTH"};
      if (creds->username) c.arg(*creds->username);
      add(c.arg(creds->password));
    }
    if (o.client_name) add(Command{"CLIENT", "SETNAME", *o.client_name});
  }
  if (o.database_id && *o.database_id != 0) add(Command{"SELECT"}.arg(*o.database_id));
  if (o.readonly) add(Command{"READONLY"});
  return h;
}

namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

// A plain or a TLS socket; everything above moves bytes through these calls.
class Stream {
 public:
  explicit Stream(const asio::any_io_executor& ex) : s_(std::in_place_type<tcp::socket>, ex) {}
  Stream(const asio::any_io_executor& ex, ssl::context& ctx) : s_(std::in_place_type<ssl::stream<tcp::socket>>, ex, ctx) {}

  tcp::socket& socket() {
    return std::visit([](auto& s) -> tcp::socket& { return lowest(s); }, s_);
  }
  ssl::stream<tcp::socket>* tls() { return std::get_if<ssl::stream<tcp::socket>>(&s_); }
  // A plain socket whose reads wait at most max_wait_here when it blocks (SO_RCVTIMEO took):
  // only such a socket is ever made blocking (Connection::block).
  bool may_block = false;

  template <class Buffers, class Handler>
  void async_read_some(const Buffers& b, Handler&& h) {
    std::visit([&](auto& s) { s.async_read_some(b, std::forward<Handler>(h)); }, s_);
  }
  template <class Buffers, class Handler>
  void async_write(const Buffers& b, Handler&& h) {
    std::visit([&](auto& s) { asio::async_write(s, b, std::forward<Handler>(h)); }, s_);
  }

 private:
  static tcp::socket& lowest(tcp::socket& s) { return s; }
  static tcp::socket& lowest(ssl::stream<tcp::socket>& s) { return s.next_layer(); }
  std::variant<tcp::socket, ssl::stream<tcp::socket>> s_;
};

// The kernel finds dead peers too: keepalive probes an idle link, and TCP_USER_TIMEOUT ends a
// link whose sent bytes stay unacknowledged. Generous on purpose: the health check finds a silent
// link in seconds; these are the backstop for a link it cannot judge (a server that never
// answers a probe either), and must not cut a server that is merely busy with a long script.
void set_keepalive(tcp::socket& s) {
  error_code ignored;
  s.set_option(tcp::no_delay(true), ignored);
  s.set_option(asio::socket_base::keep_alive(true), ignored);
#ifdef __linux__
  const int fd = s.native_handle();
  const int idle = 5, interval = 2, count = 3, user_timeout_ms = 30000;
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
#endif
}

MachineOptions machine_options(const ConnectionOptions& o, bool is_side) {
  MachineOptions m;
  m.where = o.address.host + ":" + std::to_string(o.address.port);
  m.inflight_limit = o.inflight_limit;
  m.connection_timeout = o.connection_timeout;
  m.heartbeat_interval = o.heartbeat_interval;
  m.backoff = o.backoff;
  m.limits = o.limits;
  m.can_probe = !is_side;
  m.quiet = is_side;
  m.fail_queued_when_unreachable = o.fail_queued_when_unreachable && !is_side;
  m.subscriber = o.subscriber && !is_side;
  m.handshake = make_handshake(o);
  return m;
}

// The side connection is often opened while a script keeps the server busy, when Valkey refuses
// SELECT, CLIENT SETNAME and READONLY with BUSY (HELLO and AUTH are allowed): a handshake with
// them would fail until the script ends, and SCRIPT KILL or the probe would come too late. Its
// commands need no database, and a RESP3 HELLO carries the name itself. It has no health check
// of its own: it is idle but for kills and probes, and a probe that gets no answer replaces it.
ConnectionOptions side_options(ConnectionOptions o) {
  o.database_id.reset();
  if (o.protocol != ProtocolVersion::RESP3) o.client_name.reset();
  o.readonly = false;
  o.heartbeat_interval = std::chrono::milliseconds(0);
  return o;
}

// How long a sync client's caller waits for a socket itself (Connection::wait_here) before the
// loop takes over: while it waits, the loop's other work (other connections' timers, callers on
// other threads) waits too.
constexpr std::chrono::milliseconds max_wait_here{5};

class Connection final : public NodeConnection, public ReplyWait, public std::enable_shared_from_this<Connection> {
 public:
  Connection(Strand strand, ConnectionOptions options, std::shared_ptr<ssl::context> tls, bool is_side)
      : strand_(std::move(strand)),
        options_(std::move(options)),
        tls_(std::move(tls)),
        machine_(machine_options(options_, is_side)),
        timer_(strand_.get_inner_executor()),
        loop_(strand_.get_inner_executor()) {}

  const NodeAddress& address() const noexcept override { return options_.address; }
  std::uint64_t links() const noexcept override { return links_.load(std::memory_order_relaxed); }
  Clock::time_point unreachable_since() const noexcept override { return machine_.unreachable_since(); }
  const std::string& last_error() const noexcept override { return machine_.last_error(); }
  void on_push(std::function<void(Value)> handler) override { push_handler_ = std::move(handler); }
  void set_subscriptions(std::string wire, std::size_t confirmations) override {
    machine_.set_subscriptions(std::move(wire), confirmations);
  }

  void connect(asio::any_completion_handler<void(Result<void>)> handler) override {
    asio::dispatch(strand_, [self = shared_from_this(), h = std::move(handler)]() mutable {
      using State = ConnectionMachine::State;
      if (self->machine_.state() == State::closed) return std::move(h)(fail(errc::closing, "client closed"));
      if (self->machine_.state() == State::connected) return std::move(h)(ok());
      self->connect_waiters_.push_back(std::move(h));
      self->machine_.start(Clock::now());
      self->pump();
    });
  }

  // The strand runs here, or no handler of the loop can run elsewhere (detail/sole_runner.hpp).
  bool on_strand_thread() const { return strand_.running_in_this_thread() || loop_.strand_free_here(); }

  // On the strand, called by the engine that shares it: no dispatch (a dispatch onto a strand of
  // any_io_executor queries the executor, which costs Asio a heap allocation per request).
  void send(Request request, ReplyHandler handler) override {
    assert(on_strand_thread());
    const auto now = request.made_at == Clock::time_point{} ? Clock::now() : request.made_at;
    machine_.request(std::move(request), std::move(handler), now);
    pump(now);
    if (parked_ && machine_.only_replies_due())
      if (auto* runner = loop_.sole_runner()) runner->offer_wait(shared_from_this());
  }

  void send_side(Request request, ReplyHandler handler) override {
    assert(on_strand_thread());
    side()->send(std::move(request), std::move(handler));
  }

  void close() override {
    asio::dispatch(strand_, [self = shared_from_this()] { self->shut(Error(errc::closing, "client closed")); });
  }

  // Over the side connection: a PING, and what its answer (or its absence) says of the server.
  void probe(asio::any_completion_handler<void(ProbeOutcome)> done) {
    Request ping{Command{"PING"}.encoded(), 1, options_.connection_timeout};
    machine_.request(std::move(ping), [self = shared_from_this(), d = std::move(done)](Result<Replies> r) mutable {
      std::move(d)(self->probe_outcome(r));
    }, Clock::now());
    pump();
  }

 private:
  // The socket and the timer live on the plain executor and every handler is bound to the
  // strand. (Built on the strand itself, each operation wraps the strand, too big for
  // any_io_executor's inline buffer, into a new any_io_executor: several allocations per request.)
  template <class Handler>
  auto on_strand(Handler&& h) {
    return asio::bind_executor(strand_, std::forward<Handler>(h));
  }
  // The same for a plain socket's reads, the hot completion: on a loop this thread alone runs (a
  // sync client's, or an io_context promised to one thread at a time: detail/sole_runner.hpp) the
  // handler runs where the read completes, since no handler of the strand can run elsewhere;
  // passing through the strand costs it a queue and an invoker per read. (Not for TLS: its composed operations run their inner steps, which share
  // the TLS engine's state, on the handler's executor.)
  template <class Handler>
  auto on_strand_or_here(Handler&& h) {
    return [this, h = std::forward<Handler>(h)](error_code ec, std::size_t n) mutable {
      if (loop_.strand_free_here()) return h(ec, n);  // h keeps this connection alive
      asio::dispatch(strand_, [h = std::move(h), ec, n]() mutable { h(ec, n); });
    };
  }

  ProbeOutcome probe_outcome(const Result<Replies>& r) const {
    if (r) return r.value().front().is_error() && r.value().front().as_error()->code() == errc::busy ? ProbeOutcome::busy
                                                                                                    : ProbeOutcome::answered;
    if (r.error().code() == errc::connection_error && !machine_.last_attempt_reached()) return ProbeOutcome::unreachable;
    return ProbeOutcome::no_answer;
  }

  // Re-entered from a handler it runs (a caller's next request, a close), it starts a write if
  // none is under way and leaves the rest to the running pump, which goes round again once its
  // handlers are done. That first write is what keeps the server busy while the other handlers
  // run: holding it back until all of them had run made every round go out as one write, and
  // client and server took turns (256 coroutines: half the throughput).
  void pump(Clock::time_point now = Clock::now()) {
    if (pumping_) {
      pump_again_ = true;
      write_next(now);
      return;
    }
    pumping_ = true;
    struct Unmark {
      bool& pumping;
      ~Unmark() { pumping = false; }  // also if a handler throws out of io_context::run()
    } unmark{pumping_};
    for (bool first = true; first || pump_again_; first = false) {
      if (!first) now = Clock::now();  // the handlers took their time
      pump_again_ = false;
      pump_once(now);
    }
  }

  // Carries out what the machine asks for after an event, then runs the completed handlers
  // (last: a handler may send or close, re-entering this object).
  void pump_once(Clock::time_point now) {
    // A write made at once may have lost the link: its drop is carried out before going on.
    for (bool again = true; again;) {
      if (machine_.take_drop()) drop_socket();
      if (machine_.take_connect()) start_transport();
      again = write_next(now);
    }
    if (machine_.take_probe()) start_probe();
    links_.store(machine_.links(), std::memory_order_relaxed);
    arm_timer();
    if (auto outcome = machine_.take_attempt_outcome(); outcome && !connect_waiters_.empty()) {
      auto waiters = std::move(connect_waiters_);
      connect_waiters_.clear();
      for (auto& w : waiters) std::move(w)(*outcome);
    }
    if (!machine_.pushes().empty()) {
      auto pushes = std::move(machine_.pushes());
      machine_.pushes().clear();
      if (push_handler_)
        for (auto& p : pushes) push_handler_(std::move(p));
    }
    // Run them from a vector of their own (a handler may queue more), and hand its capacity back
    // afterwards: no allocation per round.
    if (!machine_.completions().empty()) {
      std::vector<ConnectionMachine::Completion> batch;
      batch.swap(spare_);
      batch.swap(machine_.completions());
      for (auto& c : batch) std::move(c.handler)(std::move(c.result));
      batch.clear();
      if (batch.capacity() > spare_.capacity()) batch.swap(spare_);
      pump_again_ = pump_again_ || !machine_.completions().empty();
    }
  }

  void shut(Error why) {
    machine_.close(std::move(why));
    if (side_) side_->shut(Error(errc::closing, "client closed"));
    timer_.cancel();
    pump();
  }

  // ---- timer --------------------------------------------------------------------------------

  // One timer for whatever the machine waits for next. It is re-armed only for an earlier time
  // than the one it waits for (re-arming per request costs a timer update per request).
  void arm_timer() {
    const auto when = machine_.wakeup();
    if (when >= armed_for_) return;
    armed_for_ = when;
    timer_.expires_at(when);
    timer_.async_wait(on_strand([self = shared_from_this()](error_code ec) {
      if (ec == asio::error::operation_aborted) return;
      self->armed_for_ = Clock::time_point::max();
      const auto now = Clock::now();
      self->machine_.timer(now);
      self->pump(now);
    }));
  }

  // ---- the socket ---------------------------------------------------------------------------

  void drop_socket() {
    ++generation_;
    parked_ = false;
    blocking_ = false;
    if (resolving_) resolving_->cancel();
    resolving_.reset();
    for (auto* s : {&stream_, &connecting_}) {
      if (!*s) continue;
      error_code ignored;
      (*s)->socket().shutdown(tcp::socket::shutdown_both, ignored);
      (*s)->socket().close(ignored);
      s->reset();
    }
  }

  void start_transport() {
    ++generation_;
    const auto& io = strand_.get_inner_executor();
    connecting_ = tls_ ? std::make_shared<Stream>(io, *tls_) : std::make_shared<Stream>(io);
    asio::co_spawn(strand_, establish(connecting_),
                   [self = shared_from_this(), gen = generation_](std::exception_ptr e, std::optional<std::string> failure) {
                     if (gen != self->generation_) return;
                     const bool reached = self->reached_;
                     if (e) failure = "unexpected exception while connecting";
                     if (failure) {
                       self->connecting_.reset();
                       self->machine_.transport_failed(std::move(*failure), reached, Clock::now());
                     } else {
                       self->stream_ = std::move(self->connecting_);
                       self->machine_.transport_up(Clock::now());
                       self->start_read();
                     }
                     self->pump();
                   });
  }

  // TCP and TLS; the handshake's commands are the machine's. The machine's attempt deadline ends
  // a step that hangs: drop_socket() closes the socket under it.
  asio::awaitable<std::optional<std::string>> establish(std::shared_ptr<Stream> stream) {
    error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    const std::string where = options_.address.host + ":" + std::to_string(options_.address.port);
    reached_ = false;
    auto resolver = resolving_ = std::make_shared<tcp::resolver>(strand_);
    auto endpoints = co_await resolver->async_resolve(options_.address.host, std::to_string(options_.address.port), token);
    if (ec) co_return "resolving " + where + " failed: " + ec.message();
    co_await asio::async_connect(stream->socket(), endpoints, token);
    if (ec) co_return "connecting to " + where + " failed: " + ec.message();
    reached_ = true;
    set_keepalive(stream->socket());
    // write() tries a plain socket at once: it must say "would block", not wait.
    if (!stream->tls()) {
      stream->socket().non_blocking(true, ec);
      // How long a blocking recv waits while the socket is parked (wait_here); unused otherwise.
      const auto ms = max_wait_here.count();
      const timeval wait{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>(ms % 1000 * 1000)};
      const int fd = stream->socket().native_handle();
      stream->may_block = !ec && ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == 0;
    }
    if (ec) co_return "configuring the socket to " + where + " failed: " + ec.message();
    if (auto* s = stream->tls()) {
      if (!options_.tls.use_insecure_tls) {
        s->set_verify_mode(ssl::verify_peer);
        s->set_verify_callback(ssl::host_name_verification(options_.address.host));
      }
      error_code not_ip;
      asio::ip::make_address(options_.address.host, not_ip);
      if (not_ip) SSL_set_tlsext_host_name(s->native_handle(), options_.address.host.c_str());
      co_await s->async_handshake(ssl::stream_base::client, token);
      if (ec) co_return "TLS handshake with " + where + " failed: " + ec.message();
    }
    co_return std::nullopt;
  }

  // A lone write (ConnectionMachine::lone_write) on a plain socket is made here and now: an
  // asynchronous write costs a completion handler and, before it runs, one more look at epoll, a
  // system call per round trip for a caller awaiting one reply at a time. What the socket does
  // not take at once goes the asynchronous way. Returns whether the write is over (written()).
  // Starts writing what the machine has to send, if it has something and no write is under way.
  // True if that write is already over (the link may then be lost, or more may be due).
  bool write_next(Clock::time_point now) {
    const auto bytes = machine_.take_write(now);
    return bytes && write(*bytes, now);
  }

  // (MSG_DONTWAIT: a parked socket blocks, and a write must not.)
  bool write(std::string_view bytes, Clock::time_point now) {
    if (machine_.lone_write() && !stream_->tls()) {
      const auto n = ::send(stream_->socket().native_handle(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      const int error = n < 0 ? errno : 0;
      const bool over = n < 0 ? error != EAGAIN && error != EWOULDBLOCK && error != EINTR : static_cast<std::size_t>(n) == bytes.size();
      if (over) {
        machine_.written(error ? error_code(error, asio::error::get_system_category()).message() : std::string(), now);
        return true;
      }
      if (n > 0) bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    write_async(bytes);
    return false;
  }

  // The handlers keep the stream alive: a TLS stream's pending operation uses the stream's state
  // even when it completes aborted, after drop_socket() let go of the stream.
  void write_async(std::string_view bytes) {
    unblock();
    stream_->async_write(asio::buffer(bytes.data(), bytes.size()),
                         on_strand([self = shared_from_this(), gen = generation_, keep = stream_](error_code ec, std::size_t) {
                           if (gen != self->generation_) return;
                           const std::string error = ec ? ec.message() : std::string();
                           const auto now = Clock::now();
                           self->machine_.written(error, now);
                           self->pump(now);
                         }));
  }

  void start_read() {
    parked_ = false;
    unblock();
    const auto space = machine_.read_buffer();
    auto done = [self = shared_from_this(), gen = generation_, keep = stream_](error_code ec, std::size_t n) {
      self->on_read(ec, n, gen);
    };
    if (stream_->tls())
      stream_->async_read_some(asio::buffer(space.data(), space.size()), on_strand(std::move(done)));
    else
      stream_->socket().async_read_some(asio::buffer(space.data(), space.size()), on_strand_or_here(std::move(done)));
  }

  void on_read(error_code ec, std::size_t n, std::uint64_t gen) {
    if (gen != generation_) return;
    const auto now = Clock::now();
    if (ec)
      machine_.read_failed(ec == asio::error::eof ? "the server closed the connection" : ec.message(), now);
    else
      machine_.received(n, now);
    pump(now);
    // The next read starts after the callers' handlers ran: a caller awaiting one reply at a time
    // has its next request written first, and the read (which starts by trying the socket, and
    // usually finds nothing yet) no longer delays it. Unless a handler closed or lost the link.
    if (gen == generation_ && machine_.reading()) read_on();
  }

  // ---- a sync client's reads ----------------------------------------------------------------

  // A sync client's caller waits for its reply with the loop to itself (detail/sole_runner.hpp).
  // A quiet connection then leaves its socket alone ("parked": no read under way), and the
  // caller's next request waits for the socket itself (wait_here). Whoever runs the loop instead
  // finds the socket read: parking posts a handler that starts the read again.
  void read_on() {
    if (auto* runner = loop_.sole_runner(); runner && runner->is_caller() && machine_.quiet() && !stream_->tls())
      return park();
    start_read();
  }

  void park() {
    parked_ = true;
    block();
    if (std::exchange(unpark_posted_, true)) return;
    asio::post(strand_, [self = shared_from_this()] {
      self->unpark_posted_ = false;
      if (self->parked_ && self->machine_.reading()) self->start_read();
    });
  }

  // A parked socket blocks (O_NONBLOCK off), so that waiting for the reply is one recv, which
  // sleeps until the reply comes or SO_RCVTIMEO (max_wait_here) passes: a non-blocking socket
  // needed a poll first, a system call per request more than a blocking client makes. Before
  // Asio uses the socket again (a read, an asynchronous write) it is unblocked; Asio's own flags
  // follow (non_blocking(false) clears them, so an operation it started regardless would set the
  // socket non-blocking itself). write() passes MSG_DONTWAIT.
  void block() {
    if (blocking_ || !stream_ || !stream_->may_block) return;
    error_code ec;
    stream_->socket().non_blocking(false, ec);
    blocking_ = !ec;
  }
  void unblock() {
    if (!std::exchange(blocking_, false)) return;
    error_code ec;
    stream_->socket().non_blocking(true, ec);
  }

  // Called by the sole runner between handlers, as on the strand. Until the machine's next
  // wakeup (a request's deadline, the health check) at most: then the loop takes over, timer and
  // all, with the read started as usual.
  bool wait_here() override {
    if (!parked_ || !machine_.only_replies_due()) return false;  // the loop reads, once the read restarts
    const int fd = stream_->socket().native_handle();
    const auto now = Clock::now();
    const auto until = std::min(machine_.wakeup(), now + max_wait_here);
    // A blocking recv waits max_wait_here by itself; an earlier wakeup needs the poll's timeout.
    if (until > now && ((blocking_ && until == now + max_wait_here) || readable_within(fd, until - now))) {
      const auto space = machine_.read_buffer();
      const auto n = ::recv(fd, space.data(), space.size(), 0);
      if (n > 0) {
        on_read({}, static_cast<std::size_t>(n), generation_);
        return true;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        on_read(n == 0 ? error_code(asio::error::eof) : error_code(errno, asio::error::get_system_category()), 0, generation_);
        return true;
      }
    }
    start_read();
    return false;
  }

  static bool readable_within(int fd, Clock::duration d) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    const timespec timeout{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    pollfd p{fd, POLLIN, 0};
    return ::ppoll(&p, 1, &timeout, nullptr) > 0;
  }

  // ---- the side connection -----------------------------------------------------------------

  std::shared_ptr<Connection> side() {
    if (!side_) side_ = std::make_shared<Connection>(strand_, side_options(options_), tls_, true);
    return side_;
  }

  void start_probe() {
    side()->probe([self = shared_from_this(), gen = generation_](ProbeOutcome outcome) {
      // No answer proves nothing, and the side connection itself may be what died: the next
      // probe gets a new one. Its requests (a kill) end with the same uncertainty.
      if (outcome == ProbeOutcome::no_answer && self->side_) {
        self->side_->shut(Error(errc::unknown_outcome, "no answer on the side connection to " + self->machine_.where()));
        self->side_.reset();
      }
      if (gen != self->generation_) return;
      self->machine_.probe_done(outcome, Clock::now());
      self->pump();
    });
  }

  Strand strand_;
  ConnectionOptions options_;
  std::shared_ptr<ssl::context> tls_;
  ConnectionMachine machine_;
  asio::steady_timer timer_;
  LoopThreads loop_;
  Clock::time_point armed_for_ = Clock::time_point::max();  // max: not armed
  std::shared_ptr<Stream> stream_;      // the link, once the transport is up
  std::shared_ptr<Stream> connecting_;  // the attempt in progress
  std::shared_ptr<tcp::resolver> resolving_;  // its name lookup
  bool reached_ = false;                // the attempt in progress has a TCP connection
  std::uint64_t generation_ = 0;        // bumped per socket, so callbacks of an old one are ignored
  std::atomic<std::uint64_t> links_{0};
  std::function<void(Value)> push_handler_;
  std::vector<asio::any_completion_handler<void(Result<void>)>> connect_waiters_;
  std::vector<ConnectionMachine::Completion> spare_;  // the completions' next buffer
  bool pumping_ = false;     // pump() is running: a nested call only starts a write
  bool pump_again_ = false;  // something happened while it ran: go round once more
  bool parked_ = false;        // no read under way, on purpose (read_on)
  bool unpark_posted_ = false;  // the handler that ends parking is queued
  bool blocking_ = false;       // the parked socket blocks (block())
  std::shared_ptr<Connection> side_;
};

Result<std::shared_ptr<ssl::context>> make_tls_context(const ConnectionOptions& o) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  error_code ec;
  auto load = [&](const std::optional<std::string>& file, const char* what, auto&& use) -> Result<void> {
    if (!file) return ok();
    if (!std::filesystem::exists(*file)) return fail(errc::configuration_error, std::string(what) + " not found: " + *file);
    use(*file);
    if (ec) return fail(errc::configuration_error, std::string("cannot use ") + what + " " + *file + ": " + ec.message());
    return ok();
  };
  if (o.tls.root_cert_file) {
    if (auto r = load(o.tls.root_cert_file, "root_cert_file", [&](const std::string& f) { ctx->load_verify_file(f, ec); }); !r)
      return r.error();
  } else {
    ctx->set_default_verify_paths(ec);
  }
  if (o.tls.client_cert_file.has_value() != o.tls.client_key_file.has_value())
    return fail(errc::configuration_error, "client_cert_file and client_key_file go together");
  if (auto r = load(o.tls.client_cert_file, "client_cert_file",
                    [&](const std::string& f) { ctx->use_certificate_chain_file(f, ec); });
      !r)
    return r.error();
  if (auto r = load(o.tls.client_key_file, "client_key_file",
                    [&](const std::string& f) { ctx->use_private_key_file(f, ssl::context::pem, ec); });
      !r)
    return r.error();
  return ctx;
}

}  // namespace

Result<std::shared_ptr<NodeConnection>> NodeConnection::make(Strand strand, ConnectionOptions options) {
  if (options.address.host.empty()) return fail(errc::configuration_error, "empty host name");
  if (options.address.port == 0) return fail(errc::configuration_error, "port 0 is not a valid server port");
  if (options.inflight_limit == 0) return fail(errc::configuration_error, "inflight_requests_limit must be at least 1");
  if (options.connection_timeout.count() <= 0) return fail(errc::configuration_error, "connection_timeout must be positive");
  std::shared_ptr<ssl::context> tls;
  if (options.use_tls) {
    auto ctx = make_tls_context(options);
    if (!ctx) return ctx.error();
    tls = std::move(ctx).value();
  }
  return std::shared_ptr<NodeConnection>(std::make_shared<Connection>(std::move(strand), std::move(options), std::move(tls), false));
}

}  // namespace glide::detail
