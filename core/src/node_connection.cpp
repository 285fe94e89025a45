#include <glide/detail/node_connection.hpp>
#include <glide/detail/reply_reader.hpp>
#include <glide/detail/log.hpp>
#include <glide/command.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <queue>
#include <random>
#include <variant>

namespace glide::detail {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

// A plain or a TLS socket; everything above moves bytes through these three calls.
class Stream {
 public:
  explicit Stream(const asio::any_io_executor& ex) : s_(std::in_place_type<tcp::socket>, ex) {}
  Stream(const asio::any_io_executor& ex, ssl::context& ctx) : s_(std::in_place_type<ssl::stream<tcp::socket>>, ex, ctx) {}

  tcp::socket& socket() {
    return std::visit([](auto& s) -> tcp::socket& { return lowest(s); }, s_);
  }
  ssl::stream<tcp::socket>* tls() { return std::get_if<ssl::stream<tcp::socket>>(&s_); }

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

template <class Token>
auto read_some(Stream& s, asio::mutable_buffer b, Token token) {
  return asio::async_initiate<Token, void(error_code, std::size_t)>(
      [&s, b](auto handler) { s.async_read_some(b, std::move(handler)); }, token);
}
template <class Token>
auto write_all(Stream& s, asio::const_buffer b, Token token) {
  return asio::async_initiate<Token, void(error_code, std::size_t)>(
      [&s, b](auto handler) { s.async_write(b, std::move(handler)); }, token);
}

struct Pending {
  std::uint64_t seq;
  std::size_t expected;  // replies this entry still owns on the wire
  std::size_t bytes;     // its share of the unsent buffer, while unsent
  std::chrono::milliseconds timeout;  // how long its caller waits (zero: no limit)
  Clock::time_point written_at{};     // when its bytes were all on the wire (zero: not yet)
  Replies replies;
  // Empty once completed (timed out, failed): its replies are then read and dropped. (An optional
  // because Boost 1.81's any_completion_handler cannot be move-assigned: it recurses.)
  std::optional<ReplyHandler> handler;
};

std::string describe(const NodeAddress& a) { return a.host + ":" + std::to_string(a.port); }

class Connection final : public NodeConnection, public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::any_io_executor ex, ConnectionOptions options, std::shared_ptr<ssl::context> tls)
      : strand_(asio::make_strand(ex)),
        options_(std::move(options)),
        tls_(std::move(tls)),
        reader_(options_.limits),
        deadline_timer_(strand_.get_inner_executor()),
        retry_timer_(strand_.get_inner_executor()),
        heartbeat_timer_(strand_.get_inner_executor()) {}

  const NodeAddress& address() const noexcept override { return options_.address; }
  asio::any_io_executor get_executor() const override { return strand_; }

  void connect(asio::any_completion_handler<void(Result<void>)> handler) override {
    asio::dispatch(strand_, [self = shared_from_this(), h = std::move(handler)]() mutable {
      if (self->state_ == State::closed) return std::move(h)(fail(errc::closing, "client closed"));
      self->on_first_connect_.emplace(std::move(h));
      if (self->state_ == State::idle) self->start_connect();
    });
  }

  void send(Request request, ReplyHandler handler) override {
    asio::dispatch(strand_, [self = shared_from_this(), r = std::move(request), h = std::move(handler)]() mutable {
      self->enqueue(std::move(r), std::move(h));
    });
  }

  void close() override {
    asio::dispatch(strand_, [self = shared_from_this()] { self->shutdown(); });
  }

 private:
  enum class State { idle, connecting, connected, waiting_to_retry, closed };

  // The socket and the timers live on the plain executor and every handler is bound to the
  // strand. (Built on the strand itself, each operation wraps the strand, too big for
  // any_io_executor's inline buffer, into a new any_io_executor: several allocations per request.)
  template <class Handler>
  auto on_strand(Handler&& h) {
    return asio::bind_executor(strand_, std::forward<Handler>(h));
  }

  // ---- requests ---------------------------------------------------------------------------

  void enqueue(Request r, ReplyHandler h) {
    Flush flush{this};
    if (state_ == State::closed) return std::move(h)(fail(errc::closing, "client closed"));
    if (live_ >= options_.inflight_limit)
      return std::move(h)(fail(errc::inflight_limit, "inflight_requests_limit of " +
                                                         std::to_string(options_.inflight_limit) + " reached"));
    const std::uint64_t seq = next_seq_++;
    const std::string_view bytes = r.bytes();
    out_.append(bytes);
    pending_.push_back(Pending{seq, r.expected, bytes.size(), r.timeout, {}, {}, std::move(h)});
    ++live_;
    if (r.timeout.count() > 0) add_deadline(Clock::now() + r.timeout, seq);
    if (state_ == State::idle) start_connect();
    if (state_ == State::connected && !writing_active_) start_write();
  }

  // Callers' handlers never run in the middle of the bookkeeping: a handler may send, or close
  // the connection, re-entering this object. They are queued here and run by the Flush guard
  // that every entry point holds, once the state is consistent.
  void complete(Pending& p, Result<Replies> r) {
    if (!p.handler) return;
    --live_;
    ready_.emplace_back(std::move(*p.handler), std::move(r));
    p.handler.reset();
  }

  struct Flush {
    Connection* self;
    ~Flush() {
      while (!self->ready_.empty()) {
        // Run them from a vector of their own (a handler may queue more into ready_), and hand
        // its capacity back afterwards: no allocation per round.
        std::vector<std::pair<ReplyHandler, Result<Replies>>> batch;
        batch.swap(self->spare_ready_);
        batch.swap(self->ready_);
        for (auto& [h, r] : batch) std::move(h)(std::move(r));
        batch.clear();
        if (batch.capacity() > self->spare_ready_.capacity()) batch.swap(self->spare_ready_);
      }
    }
  };

  Pending* find(std::uint64_t seq) {
    if (pending_.empty() || seq < pending_.front().seq) return nullptr;
    const auto index = seq - pending_.front().seq;
    return index < pending_.size() ? &pending_[index] : nullptr;
  }

  // ---- timeouts: one timer for the earliest deadline ---------------------------------------

  using Deadline = std::pair<Clock::time_point, std::uint64_t>;

  // The timer is re-armed only for a deadline earlier than the one it waits for; when it fires
  // for a request that has completed since, it moves on to the next deadline. (Re-arming it for
  // every request costs a timer update per request.)
  void add_deadline(Clock::time_point when, std::uint64_t seq) {
    deadlines_.emplace(when, seq);
    if (when < timer_armed_for_) arm_deadline_timer(when);
  }

  void arm_deadline_timer(Clock::time_point when) {
    timer_armed_for_ = when;
    deadline_timer_.expires_at(when);
    deadline_timer_.async_wait(on_strand([self = shared_from_this()](error_code ec) {
      if (ec != asio::error::operation_aborted) self->on_deadline();
    }));
  }

  void on_deadline() {
    Flush flush{this};
    timer_armed_for_ = Clock::time_point::max();
    const auto now = Clock::now();
    while (!deadlines_.empty() && deadlines_.top().first <= now) {
      const auto seq = deadlines_.top().second;
      deadlines_.pop();
      if (Pending* p = find(seq)) expire(*p);
    }
    drop_met_deadlines();
    if (!deadlines_.empty()) arm_deadline_timer(deadlines_.top().first);
  }

  // Drops the deadlines at the top of the heap whose requests have completed. Requests complete
  // mostly in deadline order, so doing this as they complete keeps the heap about as large as
  // what is in flight, instead of one entry per request of the last `request_timeout`.
  void drop_met_deadlines() {
    while (!deadlines_.empty()) {
      const Pending* p = find(deadlines_.top().second);
      if (p && p->handler) return;
      deadlines_.pop();
    }
  }

  // A request whose time is up completes now. If it is still unsent it is taken off the wire for
  // good (it never runs); if it was sent, its slot stays so the late reply is read and dropped.
  void expire(Pending& p) {
    if (!p.handler) return;
    const auto index = static_cast<std::size_t>(p.seq - pending_.front().seq);
    if (index >= sent_) {
      std::size_t offset = 0;
      for (std::size_t i = sent_; i < index; ++i) offset += pending_[i].bytes;
      out_.erase(offset, p.bytes);
      p.bytes = 0;
      p.expected = 0;
      if (state_ != State::connected) {
        complete(p, fail(errc::connection_error, "not connected to " + describe(options_.address) +
                                                     " before the request timed out" + last_error_suffix()));
        return pop_finished();
      }
      complete(p, fail(errc::timeout, "request timed out before it was sent"));
      return pop_finished();
    }
    complete(p, fail(errc::timeout, "request timed out"));
  }

  std::string last_error_suffix() const { return last_error_.empty() ? "" : " (last error: " + last_error_ + ")"; }

  // Drops finished entries at the head that owe no replies (cancelled before being sent).
  void pop_finished() {
    while (!pending_.empty() && pending_.front().expected == 0 && !pending_.front().handler) {
      pending_.pop_front();
      if (sent_ > 0) --sent_;
    }
  }

  // ---- writing -------------------------------------------------------------------------------

  void start_write() {
    if (out_.empty()) return;
    writing_active_ = true;
    write_started_ = Clock::now();
    writing_.swap(out_);
    out_.clear();
    sent_ = pending_.size();
    for (auto& p : pending_) p.bytes = 0;
    writing_up_to_ = next_seq_;
    // The handlers keep the stream alive: a TLS stream's pending operation uses the stream's
    // state even when it completes aborted, after drop_link() let go of the stream.
    stream_->async_write(asio::buffer(writing_), on_strand([self = shared_from_this(), gen = generation_, keep = stream_](error_code ec, std::size_t) {
      self->on_written(ec, gen);
    }));
  }

  void on_written(error_code ec, std::uint64_t gen) {
    if (gen != generation_) return;
    Flush flush{this};
    writing_active_ = false;
    writing_.clear();
    if (ec) return connection_lost(errc::unknown_outcome, "write failed: " + ec.message());
    last_write_done_ = Clock::now();
    for (auto& p : pending_) {
      if (p.seq >= writing_up_to_) break;
      if (p.written_at == Clock::time_point{}) p.written_at = last_write_done_;
    }
    if (!out_.empty()) start_write();
  }

  // ---- reading -------------------------------------------------------------------------------

  void start_read() {
    const auto space = reader_.prepare();
    stream_->async_read_some(asio::buffer(space.data(), space.size()),
                             on_strand([self = shared_from_this(), gen = generation_, keep = stream_](error_code ec, std::size_t n) {
                               self->on_read(ec, n, gen);
                             }));
  }

  void on_read(error_code ec, std::size_t n, std::uint64_t gen) {
    if (gen != generation_) return;
    {
      Flush flush{this};
      if (ec) return connection_lost(errc::unknown_outcome, "read failed: " + ec.message());
      reader_.commit(n);
      last_read_ = Clock::now();
      if (!parse_buffered()) return;
    }
    // The next read starts after the callers' handlers ran: a caller awaiting one reply at a time
    // has its next request written first, and the read (which starts by trying the socket, and
    // usually finds nothing yet) no longer delays it. Unless a handler closed or lost the link.
    if (gen == generation_ && state_ == State::connected) start_read();
  }

  // Hands every whole reply in the read buffer to on_reply(); false when the connection was reset
  // (malformed or unsolicited bytes).
  bool parse_buffered() {
    while (true) {
      const auto status = reader_.next();
      if (status == RespParser::Status::need_more) return true;
      if (status == RespParser::Status::error) {
        connection_lost(errc::protocol_error, std::string(reader_.error().message()) + " from " + describe(options_.address));
        return false;
      }
      if (!on_reply(reader_.take())) return false;
    }
  }

  // Returns false when the reply desynchronised the connection (which is then reset).
  bool on_reply(Value v) {
    if (v.kind() == ValueKind::push) {
      log::debug("dropping a RESP3 push message from {}", describe(options_.address));
      return true;
    }
    if (pending_.empty() || sent_ == 0) {
      connection_lost(errc::protocol_error, "unsolicited reply from " + describe(options_.address));
      return false;
    }
    Pending& head = pending_.front();
    if (head.handler) {
      // Reserved at the first reply, not when queued: a queued request costs less memory.
      if (head.replies.empty()) head.replies.reserve(head.expected);
      head.replies.push_back(std::move(v));
    }
    if (--head.expected == 0) {
      complete(head, std::move(head.replies));
      pending_.pop_front();
      --sent_;
      pop_finished();
      drop_met_deadlines();
    }
    return true;
  }

  // ---- the link: connect, lose, reconnect --------------------------------------------------

  void start_connect() {
    state_ = State::connecting;
    asio::co_spawn(strand_, establish(), [self = shared_from_this()](std::exception_ptr e, std::optional<Error> failure) {
      if (e) failure = Error(errc::connection_error, "unexpected exception while connecting");
      self->on_connect_attempt(failure ? Result<void>(fail(std::move(*failure))) : Result<void>(ok()));
    });
  }

  void on_connect_attempt(Result<void> r) {
    Flush flush{this};
    std::optional<asio::any_completion_handler<void(Result<void>)>> first;
    first.swap(on_first_connect_);
    if (state_ == State::closed) {
      if (stream_) stream_->socket().close();
      if (first) std::move (*first)(fail(errc::closing, "client closed"));
      return;
    }
    if (!r) {
      stream_.reset();
      last_error_ = std::string(r.error().message());
      log::warn("connection to {} failed: {}", describe(options_.address), last_error_);
      schedule_retry();
    } else {
      state_ = State::connected;
      attempt_ = 0;
      last_read_ = Clock::now();
      log::info("connected to {}", describe(options_.address));
      // Bytes that came after the handshake's replies answer nothing that was sent: look at them
      // now, while nothing is on the wire (a push is dropped, anything else is an unsolicited
      // reply and resets the link). Left in the buffer, they were taken for the first request's
      // reply (reliability_tests: "bytes that follow the handshake's reply are nobody's reply").
      if (parse_buffered()) {
        start_read();
        start_heartbeat();
        if (!out_.empty()) start_write();
      }
    }
    // Last: the handler may send or close, re-entering this object.
    if (first) std::move(*first)(std::move(r));
  }

  void schedule_retry() {
    state_ = State::waiting_to_retry;
    retry_timer_.expires_after(backoff_delay(attempt_++));
    retry_timer_.async_wait(on_strand([self = shared_from_this()](error_code ec) {
      if (!ec && self->state_ == State::waiting_to_retry) self->start_connect();
    }));
  }

  std::chrono::milliseconds backoff_delay(std::uint32_t attempt) {
    const auto& b = options_.backoff;
    double delay = b.factor;
    for (std::uint32_t i = 0; i < std::min(attempt, b.num_of_retries); ++i) delay *= std::max<std::uint32_t>(b.exponent_base, 1);
    delay = std::min(delay, 60000.0);
    if (b.jitter_percent && *b.jitter_percent > 0) {
      std::uniform_real_distribution<double> spread(-1.0, 1.0);
      delay += delay * (*b.jitter_percent / 100.0) * spread(rng_);
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(delay, 1.0)));
  }

  // The link is gone: written requests end with `written_code` (they may have run), unwritten
  // ones stay queued for the next connection, and a reconnect is scheduled.
  void connection_lost(errc written_code, std::string why) {
    if (state_ != State::connected) return;
    log::warn("connection to {} lost: {}", describe(options_.address), why);
    last_error_ = why;
    drop_link();
    for (std::size_t i = 0; i < sent_; ++i) {
      complete(pending_[i], fail(written_code, why));
      written_code = written_code == errc::protocol_error ? errc::unknown_outcome : written_code;
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(sent_));
    sent_ = 0;
    pop_finished();
    schedule_retry();
  }

  void drop_link() {
    ++generation_;
    if (stream_) {
      error_code ignored;
      stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_->socket().close(ignored);
      stream_.reset();
    }
    reader_.reset();
    writing_.clear();
    writing_active_ = false;
    heartbeat_seq_.reset();
    heartbeat_timer_.cancel();
  }

  void shutdown() {
    if (state_ == State::closed) return;
    Flush flush{this};
    state_ = State::closed;
    if (connecting_) {
      error_code ignored;
      connecting_->socket().close(ignored);
    }
    drop_link();
    deadline_timer_.cancel();
    retry_timer_.cancel();
    if (on_first_connect_) {
      auto h = std::move(*on_first_connect_);
      on_first_connect_.reset();
      std::move(h)(fail(errc::closing, "client closed"));
    }
    for (auto& p : pending_) complete(p, fail(errc::closing, "client closed"));
    pending_.clear();
    out_.clear();
    sent_ = 0;
  }

  // ---- idle health check -----------------------------------------------------------------------

  void start_heartbeat() {
    if (options_.heartbeat_interval.count() <= 0) return;
    heartbeat_timer_.expires_after(options_.heartbeat_interval);
    heartbeat_timer_.async_wait(on_strand([self = shared_from_this(), gen = generation_](error_code ec) {
      if (!ec && gen == self->generation_) self->on_heartbeat();
    }));
  }

  // The probe is an ordinary FIFO entry with no caller, so its PONG is read and dropped in turn
  // and can never be mistaken for someone else's reply.
  void on_heartbeat() {
    if (state_ != State::connected) return;
    Flush flush{this};
    const auto now = Clock::now();
    // A write in progress (a large request on a slow link) is the link working, and the replies
    // owed wait behind it; a write stuck far longer than any transfer should take is not.
    if (writing_active_ && now - write_started_ < std::chrono::seconds(30)) return start_heartbeat();
    // How long the oldest reply has been owed: since its request was written or since the last
    // bytes came in, whichever is later. Under steady traffic writes keep succeeding into the
    // kernel's buffer, so only the reply side tells a dead link.
    const bool owed = sent_ > 0 && pending_.front().written_at != Clock::time_point{};
    const auto quiet = owed ? now - std::max(last_read_, pending_.front().written_at) : Clock::duration::zero();
    const bool probe_unanswered = heartbeat_seq_ && find(*heartbeat_seq_) != nullptr;
    if (probe_unanswered && quiet > options_.connection_timeout)
      return connection_lost(errc::unknown_outcome, "no answer to the health check PING");
    // Busy and silent: replies are owed, nothing has come for longer than the idle probe would
    // allow, and no caller waiting on a written request asked to wait that long. Without this, a
    // link that died silently under steady traffic was never probed (some caller always waits, so
    // live_ is never 0) and every request timed out on it forever (reliability_tests: "a link
    // that dies silently under steady traffic is replaced"). A caller prepared to wait longer
    // (a long script's with_timeout(10s), a blocking command without limit) keeps the link.
    if (sent_ > 0 && live_ > 0 && quiet > options_.heartbeat_interval + options_.connection_timeout &&
        !written_caller_waits_longer_than(quiet)) {
      return connection_lost(errc::unknown_outcome,
                             "nothing received for " +
                                 std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(quiet).count()) +
                                 " ms while requests were waiting");
    }
    // Idle means no caller is waiting (live_ == 0), not an empty FIFO: the slots of timed-out
    // requests stay in the FIFO until their late replies come, and on a link that died silently
    // they never come. Waiting for an empty FIFO would then never probe, and every later request
    // would time out on the dead link forever.
    if (!probe_unanswered && live_ == 0 && now - last_read_ >= options_.heartbeat_interval) {
      static const std::string ping = "*1\r\n$4\r\nPING\r\n";
      heartbeat_seq_ = next_seq_++;
      out_.append(ping);
      pending_.push_back(Pending{*heartbeat_seq_, 1, ping.size(), std::chrono::milliseconds(0), {}, {}, std::nullopt});
      if (!writing_active_) start_write();
    }
    start_heartbeat();
  }

  bool written_caller_waits_longer_than(Clock::duration quiet) const {
    for (std::size_t i = 0; i < sent_; ++i) {
      const Pending& p = pending_[i];
      if (p.handler && (p.timeout.count() == 0 || p.timeout >= quiet)) return true;
    }
    return false;
  }

  // ---- establishing a connection -------------------------------------------------------------

  asio::awaitable<std::optional<Error>> establish() {
    error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    const auto where = describe(options_.address);
    const auto& io = strand_.get_inner_executor();
    auto stream = tls_ ? std::make_shared<Stream>(io, *tls_) : std::make_shared<Stream>(io);
    connecting_ = stream;
    struct Forget {
      Connection* self;
      ~Forget() { self->connecting_.reset(); }
    } forget{this};

    // One timer bounds the whole attempt: on expiry it closes the socket, which ends whatever
    // step is in progress.
    asio::steady_timer attempt_timer(strand_, options_.connection_timeout);
    // The timer can expire just as the attempt ends: its handler is then already queued and
    // cancel() no longer stops it, so it runs after this frame is gone. Hence the resolver is
    // shared with it (not a reference into this frame), and `over` tells it there is nothing
    // left to abort (closing the socket then would kill the freshly made connection).
    auto resolver = std::make_shared<tcp::resolver>(strand_);
    auto timed_out = std::make_shared<bool>(false);
    auto over = std::make_shared<bool>(false);
    attempt_timer.async_wait([stream, timed_out, over, resolver](error_code e) {
      if (e || *over) return;
      *timed_out = true;
      resolver->cancel();
      error_code ignored;
      stream->socket().close(ignored);
    });
    struct CancelOnExit {
      asio::steady_timer& t;
      bool& over;
      ~CancelOnExit() {
        over = true;
        t.cancel();
      }
    } cancel_on_exit{attempt_timer, *over};
    auto failed = [&](std::string step) {
      std::string why = *timed_out ? "timed out after " + std::to_string(options_.connection_timeout.count()) + " ms"
                                   : ec.message();
      return std::optional<Error>(Error(errc::connection_error, step + " " + where + " failed: " + why));
    };

    auto endpoints = co_await resolver->async_resolve(options_.address.host, std::to_string(options_.address.port), token);
    if (ec || *timed_out) co_return failed("resolving");
    co_await asio::async_connect(stream->socket(), endpoints, token);
    if (ec || *timed_out) co_return failed("connecting to");
    stream->socket().set_option(tcp::no_delay(true), ec);

    if (auto* s = stream->tls()) {
      if (!options_.tls.use_insecure_tls) {
        s->set_verify_mode(ssl::verify_peer);
        s->set_verify_callback(ssl::host_name_verification(options_.address.host));
      }
      error_code not_ip;
      asio::ip::make_address(options_.address.host, not_ip);
      if (not_ip) SSL_set_tlsext_host_name(s->native_handle(), options_.address.host.c_str());
      co_await s->async_handshake(ssl::stream_base::client, token);
      if (ec || *timed_out) co_return failed("TLS handshake with");
    }

    // The handshake is one pipelined write; none of it is logged (it carries credentials).
    std::string hello;
    std::size_t replies = 0;
    const auto& creds = options_.credentials;
    auto add = [&](Command c) {
      c.encode_to(hello);
      ++replies;
    };
    if (options_.protocol == ProtocolVersion::RESP3) {
      Command c{"HELLO", "3"};
      if (creds) c.arg("AUTH").arg(creds->username.value_or("default")).arg(creds->password);
      if (options_.client_name) c.arg("SETNAME").arg(*options_.client_name);
      add(std::move(c));
    } else {
      if (creds) {
        Command c{"AUTH"};
        if (creds->username) c.arg(*creds->username);
        add(std::move(c.arg(creds->password)));
      }
      if (options_.client_name) add(Command{"CLIENT", "SETNAME", *options_.client_name});
    }
    if (options_.database_id && *options_.database_id != 0) add(std::move(Command{"SELECT"}.arg(*options_.database_id)));
    if (options_.readonly) add(Command{"READONLY"});

    co_await write_all(*stream, asio::buffer(hello), token);
    if (ec || *timed_out) co_return failed("handshake with");
    reader_.reset();
    while (replies > 0) {
      const auto status = reader_.next();
      if (status == RespParser::Status::error) co_return reader_.error();
      if (status == RespParser::Status::done) {
        Value reply = reader_.take();
        --replies;
        if (!reply.is_error()) continue;
        std::string msg = "handshake with " + where + " failed: " + reply.str();
        if (options_.protocol == ProtocolVersion::RESP3 && reply.str().find("unknown command") != std::string::npos)
          msg += " (the server does not speak RESP3; set protocol = ProtocolVersion::RESP2)";
        co_return Error(errc::connection_error, std::move(msg));
      }
      const auto space = reader_.prepare();
      std::size_t n = co_await read_some(*stream, asio::buffer(space.data(), space.size()), token);
      if (ec || *timed_out) co_return failed("handshake with");
      reader_.commit(n);
    }
    stream_ = std::move(stream);
    co_return std::nullopt;
  }

  asio::strand<asio::any_io_executor> strand_;
  ConnectionOptions options_;
  std::shared_ptr<ssl::context> tls_;
  State state_ = State::idle;
  std::shared_ptr<Stream> stream_;
  std::uint64_t generation_ = 0;  // bumped per link, so callbacks of a dead link are ignored

  ReplyReader reader_;

  std::deque<Pending> pending_;
  std::size_t sent_ = 0;  // pending_[0, sent_) are on the wire
  std::size_t live_ = 0;  // entries whose callers still wait
  std::uint64_t next_seq_ = 0;
  std::string out_;       // bytes of pending_[sent_, end), in order
  std::vector<std::pair<ReplyHandler, Result<Replies>>> ready_;  // completions to run
  std::vector<std::pair<ReplyHandler, Result<Replies>>> spare_ready_;  // ready_'s next buffer
  std::string writing_;   // bytes of the write in progress
  bool writing_active_ = false;

  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  asio::steady_timer deadline_timer_;
  Clock::time_point timer_armed_for_ = Clock::time_point::max();  // max: not armed
  asio::steady_timer retry_timer_;
  asio::steady_timer heartbeat_timer_;
  Clock::time_point last_read_{};
  Clock::time_point last_write_done_{};
  std::uint64_t writing_up_to_ = 0;  // entries below this seq are in the write in progress
  Clock::time_point write_started_{};
  std::optional<std::uint64_t> heartbeat_seq_;
  std::shared_ptr<Stream> connecting_;  // the attempt in progress, so close() can abort it

  std::uint32_t attempt_ = 0;
  std::string last_error_;
  std::minstd_rand rng_{std::random_device{}()};
  std::optional<asio::any_completion_handler<void(Result<void>)>> on_first_connect_;
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

Result<std::shared_ptr<NodeConnection>> NodeConnection::make(asio::any_io_executor ex, ConnectionOptions options) {
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
  return std::shared_ptr<NodeConnection>(std::make_shared<Connection>(std::move(ex), std::move(options), std::move(tls)));
}

}  // namespace glide::detail
