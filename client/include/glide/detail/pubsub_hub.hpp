#pragma once
// PubSubHub: a client's subscriptions and the messages they bring, with no I/O. The engine
// (engine.cpp) sends the (UN)SUBSCRIBE commands it plans, hands it every push that answers no
// request, and gives each node connection the commands that restore, in every new link's
// handshake, what that node holds (docs/pubsub.md).
#include <glide/config.hpp>
#include <glide/detail/async.hpp>
#include <glide/value.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace glide::detail {

// (P|S)SUBSCRIBE or their UN- forms, with `channels`.
std::vector<std::string> subscription_command(PubSubChannelModes mode, bool remove, const std::vector<std::string>& channels);
// A "message", "pmessage" or "smessage" push as a message; none for any other push.
std::optional<PubSubMsg> message_of(const Value& push);

class PubSubHub {
 public:
  explicit PubSubHub(const std::optional<PubSubSubscriptions>& config);

  // ---- messages (on the strand, but try_get and dropped: any thread) ----------------------
  // A push that answered no request. True when it says the server dropped a sharded channel we
  // hold (its slot moved away): the caller reads the slot map and re-places it.
  bool deliver(const Value& push);
  void get(Done<PubSubMsg> done);
  std::optional<PubSubMsg> try_get();
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  // Readers still waiting get `why`.
  void close(const Error& why);

  // ---- subscriptions (on the strand) ------------------------------------------------------
  // The node each channel of a mode is subscribed on.
  using Placement = std::map<std::string, std::string>;
  const Placement& placed(PubSubChannelModes mode) const { return placed_[index(mode)]; }
  void place(PubSubChannelModes mode, const std::string& channel, const std::string& node);
  void forget(PubSubChannelModes mode, const std::string& channel);
  // A channel held nowhere that should be held (the server dropped it, or moving it failed):
  // the next slot map makes it again.
  void lose(PubSubChannelModes mode, const std::string& channel);
  std::vector<std::string> take_homeless(PubSubChannelModes mode);
  bool has_homeless(PubSubChannelModes mode) const { return !homeless_[index(mode)].empty(); }
  bool holds_any() const;  // placed or homeless
  // The commands restoring what `node` holds, and how many confirmations they owe.
  std::pair<std::string, std::size_t> restore_wire(const std::string& node) const;

 private:
  static std::size_t index(PubSubChannelModes mode) { return static_cast<std::size_t>(mode); }

  std::function<void(PubSubMsg)> callback_;
  std::size_t limit_;
  std::mutex m_;  // guards queue_
  std::deque<PubSubMsg> queue_;
  std::deque<Done<PubSubMsg>> readers_;
  std::atomic<std::uint64_t> dropped_{0};
  std::array<Placement, 3> placed_;
  std::array<std::set<std::string>, 3> homeless_;
};

}  // namespace glide::detail
