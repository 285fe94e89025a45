#include <glide/detail/connection_machine.hpp>
#include <glide/detail/log.hpp>

#include <algorithm>
#include <span>

namespace glide::detail {

namespace {
using std::chrono::milliseconds;

// A write that has not finished after this long is a link that stopped taking bytes.
constexpr auto stuck_write = std::chrono::seconds(30);

const std::string& ping_wire() {
  static const std::string ping = "*1\r\n$4\r\nPING\r\n";
  return ping;
}

std::string millis(std::chrono::steady_clock::duration d) {
  return std::to_string(std::chrono::duration_cast<milliseconds>(d).count()) + " ms";
}
}  // namespace

ConnectionMachine::ConnectionMachine(MachineOptions options, std::uint32_t seed)
    : o_(std::move(options)), reader_(o_.limits), rng_(seed) {}

// ---- requests ---------------------------------------------------------------------------------

void ConnectionMachine::request(Request r, ReplyHandler h, TimePoint now) {
  if (state_ == State::closed) {
    ready_.push_back({std::move(h), fail(errc::closing, "client closed")});
    return;
  }
  if (live_ >= o_.inflight_limit) {
    ready_.push_back({std::move(h), fail(errc::inflight_limit, "inflight_requests_limit of " +
                                                                   std::to_string(o_.inflight_limit) + " reached")});
    return;
  }
  const std::uint64_t seq = next_seq_++;
  const std::string_view bytes = r.bytes();
  out_.append(bytes);
  pending_.push_back(Pending{seq, r.expected, bytes.size(), r.timeout, {}, r.confirmed_by_push, {}, std::move(h)});
  ++live_;
  if (r.timeout.count() > 0) deadlines_.push(now, r.timeout, seq);
  if (state_ == State::idle) begin_attempt(now);
}

std::optional<std::string_view> ConnectionMachine::take_write(TimePoint now) {
  if (writing_active_) return std::nullopt;
  if (state_ == State::handshaking && handshake_due_) {
    handshake_due_ = false;
    writing_active_ = true;
    lone_write_ = false;
    write_started_ = now;
    return std::string_view(handshake_wire_);
  }
  if (state_ != State::connected || out_.empty()) return std::nullopt;
  writing_active_ = true;
  write_started_ = now;
  writing_.swap(out_);
  out_.clear();
  lone_write_ = sent_ == 0;
  sent_ = pending_.size();
  for (auto& p : pending_) p.bytes = 0;
  writing_up_to_ = next_seq_;
  return std::string_view(writing_);
}

void ConnectionMachine::written(std::string_view error, TimePoint now) {
  if (!writing_active_) return;
  writing_active_ = false;
  writing_.clear();
  if (!error.empty()) {
    if (state_ == State::handshaking) return attempt_failed("handshake with " + o_.where + " failed: " + std::string(error), now);
    return lose_link(errc::unknown_outcome, "write failed: " + std::string(error), now);
  }
  for (auto& p : pending_) {
    if (p.seq >= writing_up_to_) break;
    if (p.written_at == TimePoint{}) p.written_at = now;
  }
}

// Handlers never run in the middle of the bookkeeping: they are queued here and the I/O layer
// runs them once the event is handled.
void ConnectionMachine::complete(Pending& p, Result<Replies>&& r) {
  if (!p.handler) return;
  --live_;
  ready_.push_back({std::move(*p.handler), std::move(r)});
  p.handler.reset();
}

// Drops finished entries at the head that owe no replies (cancelled before being sent).
void ConnectionMachine::pop_finished() {
  while (!pending_.empty() && pending_.front().expected == 0 && !pending_.front().handler) {
    pending_.pop_front();
    if (sent_ > 0) --sent_;
  }
}

// ---- deadlines ------------------------------------------------------------------------------

void ConnectionMachine::expire_due(TimePoint now) {
  while (!deadlines_.empty() && deadlines_.top().first <= now) {
    const auto seq = deadlines_.top().second;
    deadlines_.pop();
    if (Pending* p = find(seq)) expire(*p);
  }
  drop_met_deadlines();
}

// Drops the deadlines at the top of the heap whose requests have completed. Requests complete
// mostly in deadline order, so doing this as they complete keeps the heap about as large as
// what is in flight, instead of one entry per request of the last `request_timeout`.
void ConnectionMachine::drop_met_deadlines() {
  while (!deadlines_.empty()) {
    const Pending* p = find(deadlines_.top().second);
    if (p && p->handler) return;
    deadlines_.pop();
  }
}

// A request whose time is up completes now. If it is still unsent it is taken off the wire for
// good (it never runs); if it was sent, its slot stays so the late reply is read and dropped.
void ConnectionMachine::expire(Pending& p) {
  if (!p.handler) return;
  const auto index = static_cast<std::size_t>(p.seq - pending_.front().seq);
  if (index < sent_) return complete(p, fail(errc::timeout, "request timed out"));
  std::size_t offset = 0;
  for (std::size_t i = sent_; i < index; ++i) offset += pending_[i].bytes;
  out_.erase(offset, p.bytes);
  p.bytes = 0;
  p.expected = 0;
  if (state_ == State::connected) {
    complete(p, fail(errc::timeout, "request timed out before it was sent"));
  } else {
    const std::string last = last_error_.empty() ? "" : " (last error: " + last_error_ + ")";
    complete(p, fail(errc::connection_error, "not connected to " + o_.where + " before the request timed out" + last));
  }
  pop_finished();
}

// ---- the link ---------------------------------------------------------------------------------

void ConnectionMachine::set_subscriptions(std::string wire, std::size_t confirmations) {
  subscriptions_wire_ = std::move(wire);
  subscriptions_owed_ = confirmations;
}

namespace {
constexpr std::string_view confirmation_kinds[] = {"subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe"};
constexpr std::string_view message_kinds[] = {"message", "pmessage", "smessage"};

bool one_of(std::string_view kind, std::span<const std::string_view> kinds) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}
}  // namespace

// (One Value returned on every path: it is built in the caller's place, not moved there.)
Value ConnectionMachine::take_reply() {
  Value v = reader_.take();
  if (o_.subscriber && v.kind() == ValueKind::array && !v.items().empty()) {
    const std::string_view kind = v.items().front().str();
    if (one_of(kind, message_kinds) || one_of(kind, confirmation_kinds)) v = Value::aggregate(ValueKind::push, std::move(v.items()));
  }
  return v;
}

bool is_subscription_confirmation(const Value& push) {
  return push.kind() == ValueKind::push && !push.items().empty() && one_of(push.items().front().str(), confirmation_kinds);
}

void ConnectionMachine::start(TimePoint now) {
  if (state_ == State::idle) begin_attempt(now);
}

void ConnectionMachine::begin_attempt(TimePoint now) {
  state_ = State::connecting;
  want_connect_ = true;
  reached_ = false;
  attempt_deadline_ = now + o_.connection_timeout;
  retry_at_ = TimePoint::max();
}

void ConnectionMachine::transport_up(TimePoint now) {
  if (state_ != State::connecting) return;
  reached_ = true;
  state_ = State::handshaking;
  reader_.reset();
  handshake_wire_ = o_.handshake.wire + subscriptions_wire_;
  handshake_left_ = o_.handshake.replies + subscriptions_owed_;
  handshake_due_ = handshake_left_ > 0;
  if (handshake_left_ == 0) become_connected(now);
}

void ConnectionMachine::transport_failed(std::string why, bool reached, TimePoint now) {
  if (state_ != State::connecting) return;
  reached_ = reached;
  attempt_failed(std::move(why), now);
}

void ConnectionMachine::attempt_failed(std::string why, TimePoint now) {
  if (state_ == State::handshaking) want_drop_ = true;
  writing_active_ = false;
  handshake_due_ = false;
  attempt_deadline_ = TimePoint::max();
  last_error_ = why;
  log::write(o_.quiet ? spdlog::level::debug : spdlog::level::warn, "connection to {} failed: {}", o_.where, why);
  unreachable_since_ = std::min(unreachable_since_, now);
  if (o_.fail_queued_when_unreachable) fail_queued("cannot connect to " + o_.where + ": " + why);
  attempt_outcome_ = fail(errc::connection_error, std::move(why));
  schedule_retry(now);
}

// Nothing is on the wire between links: every queued request is unsent and fails unsent.
void ConnectionMachine::fail_queued(const std::string& why) {
  for (auto& p : pending_) complete(p, fail(errc::connection_error, why));
  pending_.clear();
  out_.clear();
  sent_ = 0;
}

void ConnectionMachine::become_connected(TimePoint now) {
  state_ = State::connected;
  attempt_ = 0;
  unreachable_since_ = TimePoint::max();
  ++links_;
  attempt_deadline_ = TimePoint::max();
  last_read_ = now;
  next_check_ = o_.heartbeat_interval.count() > 0 ? now + o_.heartbeat_interval : TimePoint::max();
  log::write(o_.quiet ? spdlog::level::debug : spdlog::level::info, "connected to {}", o_.where);
  attempt_outcome_ = ok();
  // Bytes that came after the handshake's replies answer nothing that was sent: a push is
  // dropped, anything else resets the link. Left in the buffer, they were once taken for the
  // first request's reply (reliability_tests: "bytes that follow the handshake's reply are
  // nobody's reply").
  parse_replies(now);
}

void ConnectionMachine::schedule_retry(TimePoint now) {
  state_ = State::waiting_to_retry;
  retry_at_ = now + backoff_delay();
  ++attempt_;
}

std::chrono::milliseconds ConnectionMachine::backoff_delay() {
  const auto& b = o_.backoff;
  double delay = b.factor;
  for (std::uint32_t i = 0; i < std::min(attempt_, b.num_of_retries); ++i) delay *= std::max<std::uint32_t>(b.exponent_base, 1);
  delay = std::min(delay, 60000.0);
  if (b.jitter_percent && *b.jitter_percent > 0) {
    std::uniform_real_distribution<double> spread(-1.0, 1.0);
    delay += delay * (*b.jitter_percent / 100.0) * spread(rng_);
  }
  return milliseconds(static_cast<std::int64_t>(std::max(delay, 1.0)));
}

// The link is gone: written requests end with `written_code` (they may have run), unwritten
// ones stay queued for the next link, and a reconnect is scheduled.
void ConnectionMachine::lose_link(errc written_code, std::string why, TimePoint now) {
  if (state_ == State::handshaking) return attempt_failed("handshake with " + o_.where + " failed: " + why, now);
  if (state_ != State::connected) return;
  log::write(o_.quiet ? spdlog::level::debug : spdlog::level::warn, "connection to {} lost: {}", o_.where, why);
  last_error_ = why;
  want_drop_ = true;
  writing_active_ = false;
  writing_.clear();
  reader_.reset();
  heartbeat_seq_.reset();
  probing_ = false;
  next_check_ = TimePoint::max();
  for (std::size_t i = 0; i < sent_; ++i) {
    complete(pending_[i], fail(written_code, why));
    // Only the request whose reply was malformed gets protocol_error; the others just lost it.
    if (written_code == errc::protocol_error) written_code = errc::unknown_outcome;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(sent_));
  sent_ = 0;
  pop_finished();
  schedule_retry(now);
}

void ConnectionMachine::close(Error why) {
  if (state_ == State::closed) return;
  if (state_ != State::idle && state_ != State::waiting_to_retry) want_drop_ = true;
  if (state_ == State::connecting || state_ == State::handshaking) attempt_outcome_ = why;
  state_ = State::closed;
  want_connect_ = false;
  writing_active_ = false;
  for (auto& p : pending_) complete(p, why);
  pending_.clear();
  out_.clear();
  writing_.clear();
  sent_ = 0;
  deadlines_.clear();
  attempt_deadline_ = retry_at_ = next_check_ = TimePoint::max();
}

// ---- reading ----------------------------------------------------------------------------------

void ConnectionMachine::received(std::size_t n, TimePoint now) {
  if (!reading()) return;
  reader_.commit(n);
  last_read_ = now;
  if (state_ == State::handshaking && !parse_handshake(now)) return;
  if (state_ == State::connected) parse_replies(now);
}

void ConnectionMachine::read_failed(std::string why, TimePoint now) {
  if (reading()) lose_link(errc::unknown_outcome, "read failed: " + why, now);
}

// The handshake's replies; false while they are still coming or when the attempt failed.
bool ConnectionMachine::parse_handshake(TimePoint now) {
  while (handshake_left_ > 0) {
    const auto status = reader_.next();
    if (status == RespParser::Status::need_more) return false;
    if (status == RespParser::Status::error) {
      attempt_failed("handshake with " + o_.where + " failed: " + std::string(reader_.error().message()), now);
      return false;
    }
    Value reply = take_reply();
    if (reply.kind() == ValueKind::push && !is_subscription_confirmation(reply)) {
      pushes_.push_back(std::move(reply));
      continue;
    }
    const bool restoring = handshake_left_ <= subscriptions_owed_;  // the handshake's own replies come first
    --handshake_left_;
    if (!reply.is_error()) continue;
    if (restoring) {
      // A subscription this node will not take back (e.g. MOVED: its slot went elsewhere while
      // the link was down). The link is fine; the owner hears of it as a push and re-places it.
      log::warn("{} did not restore a subscription: {}", o_.where, reply.str());
      pushes_.push_back(std::move(reply));
      continue;
    }
    std::string why = "handshake with " + o_.where + " failed: " + reply.str();
    if (o_.handshake.resp3 && reply.str().find("unknown command") != std::string::npos)
      why += " (the server does not speak RESP3; set protocol = ProtocolVersion::RESP2)";
    attempt_failed(std::move(why), now);
    return false;
  }
  become_connected(now);
  return state_ == State::connected;
}

// Hands every whole reply in the read buffer to on_reply(); false when the link was reset
// (malformed or unsolicited bytes).
bool ConnectionMachine::parse_replies(TimePoint now) {
  while (true) {
    const auto status = reader_.next();
    if (status == RespParser::Status::need_more) return true;
    if (status == RespParser::Status::error) {
      lose_link(errc::protocol_error, std::string(reader_.error().message()) + " from " + o_.where, now);
      return false;
    }
    if (!on_reply(take_reply(), now)) return false;
  }
}

bool ConnectionMachine::on_reply(Value v, TimePoint now) {
  if (v.kind() == ValueKind::push) {
    // A confirmation answers the (UN)SUBSCRIBE at the head; anything else is nobody's reply.
    const bool answers_head = sent_ > 0 && pending_.front().by_push && is_subscription_confirmation(v);
    if (!answers_head) {
      pushes_.push_back(std::move(v));
      return true;
    }
  }
  if (pending_.empty() || sent_ == 0) {
    lose_link(errc::protocol_error, "unsolicited reply from " + o_.where, now);
    return false;
  }
  Pending& head = pending_.front();
  if (head.by_push && v.is_error()) head.expected = 1;  // refused whole: no confirmation follows
  if (head.handler) {
    // Reserved at the first reply, not when queued: a queued request costs less memory.
    if (head.replies.empty()) head.replies.reserve(head.expected);
    head.replies.push_back(std::move(v));
  }
  if (--head.expected == 0) {
    if (heartbeat_seq_ == head.seq) heartbeat_seq_.reset();
    complete(head, std::move(head.replies));
    pending_.pop_front();
    --sent_;
    pop_finished();
    drop_met_deadlines();
  }
  return true;
}

// ---- time -------------------------------------------------------------------------------------

ConnectionMachine::TimePoint ConnectionMachine::wakeup() const noexcept {
  TimePoint t = std::min({attempt_deadline_, retry_at_, next_check_});
  if (!deadlines_.empty()) t = std::min(t, deadlines_.top().first);
  return t;
}

void ConnectionMachine::timer(TimePoint now) {
  if (state_ == State::closed) return;
  if (now >= attempt_deadline_ && (state_ == State::connecting || state_ == State::handshaking)) {
    want_drop_ = true;
    if (state_ == State::connecting) reached_ = false;
    attempt_failed((state_ == State::connecting ? "connecting to " : "handshake with ") + o_.where +
                       " failed: timed out after " + std::to_string(o_.connection_timeout.count()) + " ms",
                   now);
  }
  if (now >= retry_at_ && state_ == State::waiting_to_retry) begin_attempt(now);
  expire_due(now);
  if (now >= next_check_ && state_ == State::connected) {
    next_check_ = now + o_.heartbeat_interval;
    check_health(now);
  }
}

// ---- health -----------------------------------------------------------------------------------

// Looked at every heartbeat_interval while connected. A link is suspect when replies are owed
// and nothing has come for a while; then a probe over a second connection tells a dead link (the
// server answers there) from a busy server (BUSY, or no answer there either: a long script holds
// it, and this link will speak again when the script ends). Without a probe, a suspect link is
// dropped.
void ConnectionMachine::check_health(TimePoint now) {
  // A write in progress (a large request on a slow link) is the link working, and the replies
  // owed wait behind it; a write stuck far longer than any transfer should take is not.
  if (writing_active_) {
    if (now - write_started_ > stuck_write)
      lose_link(errc::unknown_outcome, "a write made no progress for " + millis(now - write_started_), now);
    return;
  }
  if (!probing_ && silent_with_replies_owed(now)) {
    if (o_.can_probe) {
      probing_ = true;
      want_probe_ = true;
    } else {
      const auto quiet = now - std::max(last_read_, pending_.front().written_at);
      return lose_link(errc::unknown_outcome, "no reply for " + millis(quiet) + " while requests were waiting", now);
    }
  }
  // Idle means no caller is waiting (live_ == 0), not an empty FIFO: the slots of timed-out
  // requests stay until their late replies come, and on a link that died silently they never do.
  // Waiting for an empty FIFO, such a link was never probed and every later request timed out.
  if (!heartbeat_seq_ && live_ == 0 && now - last_read_ >= o_.heartbeat_interval) send_heartbeat();
}

// The oldest reply owed has been owed longer than a healthy link would take: since its request
// was written or the last bytes came, whichever is later. Under steady traffic writes keep
// succeeding into the kernel's buffer, so only the reply side tells a dead link.
bool ConnectionMachine::silent_with_replies_owed(TimePoint now) const {
  if (sent_ == 0 || pending_.front().written_at == TimePoint{}) return false;
  const auto quiet = now - std::max(last_read_, pending_.front().written_at);
  // The health check's own PING: nobody else waits, so connection_timeout is its answer time.
  if (heartbeat_seq_ && live_ == 0) return quiet > o_.connection_timeout;
  // Callers wait: suspect once nothing came for longer than the idle probe would allow, unless a
  // caller on a written request is prepared to wait that long (a blocking command without limit,
  // a long script's with_timeout(10s)): its silence is expected.
  return live_ > 0 && quiet > o_.heartbeat_interval + o_.connection_timeout && !written_caller_waits_longer_than(quiet);
}

bool ConnectionMachine::written_caller_waits_longer_than(Clock::duration quiet) const {
  for (std::size_t i = 0; i < sent_; ++i) {
    const Pending& p = pending_[i];
    if (p.handler && (p.timeout.count() == 0 || p.timeout >= quiet)) return true;
  }
  return false;
}

// The probe is an ordinary FIFO entry with no caller, so its PONG is read and dropped in turn
// and can never be mistaken for someone else's reply.
void ConnectionMachine::send_heartbeat() {
  heartbeat_seq_ = next_seq_++;
  out_.append(ping_wire());
  pending_.push_back(Pending{*heartbeat_seq_, 1, ping_wire().size(), milliseconds(0), {}, false, {}, std::nullopt});
}

void ConnectionMachine::probe_done(ProbeOutcome outcome, TimePoint now) {
  if (!probing_ || state_ != State::connected) return;
  probing_ = false;
  switch (outcome) {
    case ProbeOutcome::answered:
      // The server answers another connection; if this one is still silent, it is dead.
      if (silent_with_replies_owed(now))
        lose_link(errc::unknown_outcome, "no answer on this connection while the server answers others", now);
      return;
    case ProbeOutcome::unreachable:
      lose_link(errc::unknown_outcome, "no answer on this connection, and a new connection to the server failed", now);
      return;
    case ProbeOutcome::busy:
    case ProbeOutcome::no_answer:
      log::debug("{} is silent but the server is busy or slow; the link is kept", o_.where);
      return;
  }
}

}  // namespace glide::detail
