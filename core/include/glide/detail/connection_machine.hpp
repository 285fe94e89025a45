#pragma once
// ConnectionMachine: everything one multiplexed connection decides, with no socket and no clock
// of its own. The Asio layer (node_connection.cpp) feeds it events, each stamped with the time it
// happened, and carries out what it asks for: start a connection attempt, write these bytes,
// drop the link, probe the server over a second connection, wake me at this time. Unit tests
// drive it the same way, event by event (tests/unit/connection_machine_test.cpp), the way
// Boost.Redis tests its reader and writer FSMs.
//
// What it holds: the FIFO of requests (coalesced into one write, completed in order, a timed-out
// one keeping its slot so its late reply is read and dropped), deadlines, the handshake, the
// health check (an idle PING; a silent link judged by a probe over another connection, so that
// a server busy with a long script is not taken for a dead one), and the reconnect backoff.
#include <glide/config.hpp>
#include <glide/detail/reply_reader.hpp>
#include <glide/value.hpp>

#include <boost/asio/any_completion_handler.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <span>
#include <type_traits>
#include <string>
#include <vector>

namespace glide::detail {

using Replies = std::vector<Value>;

// An object that takes a request's replies itself: one its sender allocated anyway (a single
// command's first round), so that waiting for the replies costs no handler of its own.
struct ReplyTarget {
  virtual ~ReplyTarget() = default;
  virtual void on_replies(Result<Replies>&& replies) = 0;
};

// Whoever waits for a request's replies: any completion handler (type-erased), or a ReplyTarget.
class ReplyHandler {
 public:
  ReplyHandler() = default;
  template <class H>
    requires(!std::is_same_v<std::decay_t<H>, ReplyHandler> && !std::is_convertible_v<H, std::shared_ptr<ReplyTarget>>)
  ReplyHandler(H&& h) : handler_(std::in_place, std::forward<H>(h)) {}
  ReplyHandler(std::shared_ptr<ReplyTarget> target) : target_(std::move(target)) {}
  // By hand: Boost 1.81's any_completion_handler cannot be move-assigned (it recurses), and a
  // moved-from optional would still look engaged.
  ReplyHandler(ReplyHandler&& o) noexcept : target_(std::move(o.target_)) {
    if (o.handler_) handler_.emplace(std::move(*o.handler_));
    o.handler_.reset();
  }
  ReplyHandler& operator=(ReplyHandler&& o) noexcept {
    handler_.reset();
    if (o.handler_) handler_.emplace(std::move(*o.handler_));
    o.handler_.reset();
    target_ = std::move(o.target_);
    return *this;
  }
  explicit operator bool() const noexcept { return handler_.has_value() || target_ != nullptr; }
  void operator()(Result<Replies>&& r) && {
    if (auto target = std::move(target_)) return target->on_replies(std::move(r));
    auto h = std::move(*handler_);
    handler_.reset();
    std::move(h)(std::move(r));
  }

 private:
  std::optional<boost::asio::any_completion_handler<void(Result<Replies>&&)>> handler_;
  std::shared_ptr<ReplyTarget> target_;
};

struct Request {
  Request() = default;
  Request(std::string wire_, std::size_t expected_, std::chrono::milliseconds timeout_)
      : wire(std::move(wire_)), expected(expected_), timeout(timeout_) {}

  std::string wire;                       // one or more encoded commands
  std::size_t expected = 1;               // how many replies they produce
  std::chrono::milliseconds timeout{0};   // zero: wait as long as it takes
  // Instead of `wire`: bytes owned by someone else (a Batch's encoded commands), so that a batch
  // run again and again is never copied first. They must live until the request is queued: kept
  // alive by `owner`, or by the reply handler that comes with the request (a ReplyTarget).
  std::string_view borrowed;
  std::shared_ptr<const void> owner;
  // SUBSCRIBE and its kin over RESP3: each expected reply is a confirmation push ("subscribe",
  // channel, count), or one error reply for the whole command.
  bool confirmed_by_push = false;
  // When the caller made the request, if it read the clock anyway (zero: the connection reads
  // it). A clock read costs ~40 ns here, a twentieth of a request's whole cost to the client.
  std::chrono::steady_clock::time_point made_at{};

  std::string_view bytes() const noexcept { return borrowed.data() ? borrowed : std::string_view(wire); }
};

// The commands a new link sends before anything else (HELLO/AUTH, SETNAME, SELECT, READONLY),
// as one write, and how many replies they owe.
struct Handshake {
  std::string wire;
  std::size_t replies = 0;
  bool resp3 = false;  // for the hint when a server does not know HELLO
};

// What a probe over a second connection to the same server found.
enum class ProbeOutcome {
  answered,     // the server answers there (PONG, or any reply but BUSY)
  busy,         // BUSY: a script or function holds the server, so silence here is expected
  no_answer,    // connected, but no answer in time: busy or stalled, nothing is proven
  unreachable,  // no connection could be made: the server or the path to it is down
};

struct MachineOptions {
  std::string where;  // "host:port", for messages
  std::size_t inflight_limit = 1000;
  std::chrono::milliseconds connection_timeout{2000};
  // How often the link's health is looked at; an idle link is sent a PING this often. 0: never.
  std::chrono::milliseconds heartbeat_interval{1000};
  BackoffStrategy backoff;
  ParserLimits limits;
  // A second connection can probe the server. Without one, a silent link is judged dead when the
  // health check's PING stays unanswered for connection_timeout.
  bool can_probe = false;
  // Failures are logged at debug level, not as warnings: the side connection, which is expected
  // to fail while a server is busy, and whose callers see every failure in their Result anyway.
  bool quiet = false;
  // When a connection attempt fails, the requests still queued fail with it (connection_error)
  // instead of waiting for a later attempt: a cluster client can send them elsewhere, or tell its
  // caller at once that no node serves them (docs/cluster.md). A standalone client's requests
  // wait for the server to come back, up to their timeout.
  bool fail_queued_when_unreachable = false;
  // A RESP2 connection kept for subscriptions: RESP2 has no push type, so the arrays a subscribed
  // connection gets ("message", "subscribe", ...) are taken as the pushes RESP3 would send.
  bool subscriber = false;
  Handshake handshake;
};

// The deadlines of the requests in flight, earliest first. Requests sharing one timeout (most of
// them: the client's request_timeout) are queued in arrival order, which is deadline order: a
// push and a pop at the ends of a deque, where a heap paid about 200 instructions per request
// at 256 in flight. Those with another timeout (blocking commands, with_timeout) go to a heap.
class DeadlineQueue {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Deadline = std::pair<TimePoint, std::uint64_t>;  // when, and the request's seq

  void push(TimePoint now, std::chrono::milliseconds timeout, std::uint64_t seq) {
    const TimePoint when = now + timeout;
    if (in_order_.empty()) in_order_timeout_ = timeout;
    if (timeout == in_order_timeout_ && (in_order_.empty() || in_order_.back().first <= when))
      in_order_.emplace_back(when, seq);
    else
      others_.emplace(when, seq);
  }
  bool empty() const noexcept { return in_order_.empty() && others_.empty(); }
  const Deadline& top() const { return from_others() ? others_.top() : in_order_.front(); }
  void pop() {
    if (from_others())
      others_.pop();
    else
      in_order_.pop_front();
  }
  void clear() {
    in_order_.clear();
    others_ = {};
  }

 private:
  bool from_others() const { return in_order_.empty() || (!others_.empty() && others_.top() < in_order_.front()); }
  std::deque<Deadline> in_order_;
  std::chrono::milliseconds in_order_timeout_{0};
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> others_;
};

class ConnectionMachine {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  enum class State { idle, connecting, handshaking, connected, waiting_to_retry, closed };

  explicit ConnectionMachine(MachineOptions options, std::uint32_t seed = std::random_device{}());

  // ---- events -------------------------------------------------------------------------------
  // Connect now unless connected or about to be (the first connect, or a lazy client).
  void start(TimePoint now);
  // The subscriptions each new link restores in its handshake, ahead of any request: the
  // (P|S)SUBSCRIBE commands and how many confirmation pushes they owe. Empty: none.
  void set_subscriptions(std::string wire, std::size_t confirmations);
  void request(Request request, ReplyHandler handler, TimePoint now);
  // The transport (TCP, and TLS when used) is up: the handshake goes out next.
  void transport_up(TimePoint now);
  // The transport attempt failed. `reached`: a TCP connection was made (TLS failed later).
  void transport_failed(std::string why, bool reached, TimePoint now);
  // The write take_write() handed out finished (`error` empty) or failed.
  void written(std::string_view error, TimePoint now);
  // Bytes for read_buffer() arrived (n of them), or the read failed (EOF, reset, ...).
  std::span<char> read_buffer() { return reader_.prepare(); }
  void received(std::size_t n, TimePoint now);
  void read_failed(std::string why, TimePoint now);
  void probe_done(ProbeOutcome outcome, TimePoint now);
  // The time wakeup() asked for came (or any later time).
  void timer(TimePoint now);
  // Completes everything pending with `why` and drops the link for good.
  void close(Error why);

  // ---- what to do next, taken by the I/O layer after each event ----------------------------
  bool take_connect() { return std::exchange(want_connect_, false); }
  // Close the socket in use or being connected: the attempt or the link is over.
  bool take_drop() { return std::exchange(want_drop_, false); }
  // The bytes to write now, if any: they stay valid until written() is called.
  std::optional<std::string_view> take_write(TimePoint now);
  // The write just taken is all that will be on the wire: no earlier request awaits a reply.
  // Such a write (a caller awaiting one reply at a time) is worth making at once; while replies
  // are owed, more requests are likely to come and share the next write.
  bool lone_write() const noexcept { return lone_write_; }
  bool take_probe() { return std::exchange(want_probe_, false); }
  // How a connection attempt ended, once per attempt.
  std::optional<Result<void>> take_attempt_outcome() { return std::exchange(attempt_outcome_, std::nullopt); }
  // Handlers with their results, to be run once the machine's state is consistent (a handler may
  // send again or close): the caller swaps them out and runs them.
  struct Completion {
    ReplyHandler handler;
    Result<Replies> result;
  };
  std::vector<Completion>& completions() noexcept { return ready_; }
  // RESP3 pushes that answer no request (pub/sub messages, ...), in the order they came, and
  // the error replies of subscriptions a new link could not restore; the caller swaps them out.
  std::vector<Value>& pushes() noexcept { return pushes_; }
  // When timer() wants to run next; TimePoint::max(): nothing to wait for.
  TimePoint wakeup() const noexcept;

  State state() const noexcept { return state_; }
  // Reads should be under way: a link is up.
  bool reading() const noexcept { return state_ == State::handshaking || state_ == State::connected; }
  // Connected, nothing owed on the wire and nothing to write: what comes next is a push, or the
  // reply to a request not made yet.
  bool quiet() const noexcept { return state_ == State::connected && pending_.empty() && !writing_active_; }
  // Connected, replies owed and all written: the next event is bytes arriving, or the timer.
  bool only_replies_due() const noexcept {
    return state_ == State::connected && !pending_.empty() && sent_ == pending_.size() && !writing_active_;
  }
  // Links established so far: facts learned on one link (scripts loaded there) hold for it only.
  std::uint64_t links() const noexcept { return links_; }
  // Requests whose callers still wait.
  std::size_t live() const noexcept { return live_; }
  const std::string& where() const noexcept { return o_.where; }
  // The last reason the link failed or could not be made ("" before any).
  const std::string& last_error() const noexcept { return last_error_; }
  // The last attempt got as far as a TCP connection (the failure came later, e.g. a timeout in
  // the handshake of a busy server). A probe that cannot even do this found the server unreachable.
  bool last_attempt_reached() const noexcept { return reached_; }
  // Since when the server cannot be reached: a connection attempt failed then, and none has
  // succeeded since. TimePoint::max(): it can (or it was never tried).
  TimePoint unreachable_since() const noexcept { return unreachable_since_; }

 private:
  struct Pending {
    std::uint64_t seq;
    std::size_t expected;  // replies this entry still owns on the wire
    std::size_t bytes;     // its share of the unsent buffer, while unsent
    std::chrono::milliseconds timeout;  // how long its caller waits (zero: no limit)
    TimePoint written_at{};             // when its bytes were all on the wire (zero: not yet)
    bool by_push = false;               // Request::confirmed_by_push
    Replies replies;
    // Empty once completed (timed out, failed): its replies are then read and dropped.
    std::optional<ReplyHandler> handler;
  };

  void begin_attempt(TimePoint now);
  void attempt_failed(std::string why, TimePoint now);
  void fail_queued(const std::string& why);
  void become_connected(TimePoint now);
  void lose_link(errc written_code, std::string why, TimePoint now);
  void schedule_retry(TimePoint now);
  std::chrono::milliseconds backoff_delay();

  void complete(Pending& p, Result<Replies>&& r);
  Pending* find(std::uint64_t seq) {  // here: it runs twice per reply
    if (pending_.empty() || seq < pending_.front().seq) return nullptr;
    const auto index = seq - pending_.front().seq;
    return index < pending_.size() ? &pending_[index] : nullptr;
  }
  void expire(Pending& p);
  void expire_due(TimePoint now);
  void drop_met_deadlines();
  void pop_finished();

  bool parse_handshake(TimePoint now);
  Value take_reply();
  bool parse_replies(TimePoint now);
  bool on_reply(Value v, TimePoint now);

  void check_health(TimePoint now);
  bool silent_with_replies_owed(TimePoint now) const;
  bool written_caller_waits_longer_than(Clock::duration quiet) const;
  void send_heartbeat();

  MachineOptions o_;
  State state_ = State::idle;
  ReplyReader reader_;

  std::deque<Pending> pending_;
  std::size_t sent_ = 0;  // pending_[0, sent_) are on the wire
  std::size_t live_ = 0;  // entries whose callers still wait
  std::uint64_t next_seq_ = 0;
  std::string out_;      // bytes of pending_[sent_, end), in order
  std::string writing_;  // bytes of the write in progress
  bool writing_active_ = false;
  bool lone_write_ = false;
  bool handshake_due_ = false;       // the handshake is the next write
  std::string handshake_wire_;       // the handshake, and the subscriptions it restores
  std::string subscriptions_wire_;
  std::size_t subscriptions_owed_ = 0;
  std::size_t handshake_left_ = 0;   // its replies still to come
  TimePoint write_started_{};
  std::uint64_t writing_up_to_ = 0;  // entries below this seq are in the write in progress

  DeadlineQueue deadlines_;
  TimePoint attempt_deadline_ = TimePoint::max();  // the attempt in progress must be done by then
  TimePoint retry_at_ = TimePoint::max();
  TimePoint next_check_ = TimePoint::max();  // the next health check
  TimePoint last_read_{};
  std::optional<std::uint64_t> heartbeat_seq_;
  bool probing_ = false;

  std::uint32_t attempt_ = 0;  // failed attempts in a row, for the backoff
  bool reached_ = false;
  TimePoint unreachable_since_ = TimePoint::max();
  std::uint64_t links_ = 0;
  std::string last_error_;
  std::minstd_rand rng_;

  bool want_connect_ = false;
  bool want_drop_ = false;
  bool want_probe_ = false;
  std::optional<Result<void>> attempt_outcome_;
  std::vector<Completion> ready_;
  std::vector<Value> pushes_;
};

// A RESP3 push confirming a (P|S)(UN)SUBSCRIBE: the reply of the command that asked for it.
bool is_subscription_confirmation(const Value& push);

}  // namespace glide::detail
