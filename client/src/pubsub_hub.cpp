#include <glide/detail/pubsub_hub.hpp>

#include <glide/command.hpp>

namespace glide::detail {

std::vector<std::string> subscription_command(PubSubChannelModes mode, bool remove, const std::vector<std::string>& channels) {
  static constexpr std::array<std::string_view, 3> subscribe{"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"};
  static constexpr std::array<std::string_view, 3> unsubscribe{"UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"};
  std::vector<std::string> args{std::string((remove ? unsubscribe : subscribe)[static_cast<std::size_t>(mode)])};
  args.insert(args.end(), channels.begin(), channels.end());
  return args;
}

std::optional<PubSubMsg> message_of(const Value& push) {
  if (push.kind() != ValueKind::push) return std::nullopt;
  const auto& items = push.items();
  if (items.size() == 3 && (items[0].str() == "message" || items[0].str() == "smessage"))
    return PubSubMsg{items[2].str(), items[1].str(), std::nullopt};
  if (items.size() == 4 && items[0].str() == "pmessage") return PubSubMsg{items[3].str(), items[2].str(), items[1].str()};
  return std::nullopt;
}

PubSubHub::PubSubHub(const std::optional<PubSubSubscriptions>& config)
    : callback_(config ? config->callback : nullptr), limit_(config ? std::max<std::size_t>(config->queue_limit, 1) : 100'000) {}

bool PubSubHub::deliver(const Value& push) {
  auto msg = message_of(push);
  if (!msg) {
    // SUNSUBSCRIBE that nobody sent: the server let go of a sharded channel whose slot moved.
    const auto& items = push.items();
    const bool dropped = push.kind() == ValueKind::push && items.size() >= 2 && items[0].str() == "sunsubscribe" &&
                         placed_[index(PubSubChannelModes::Sharded)].count(items[1].str()) > 0;
    if (dropped) lose(PubSubChannelModes::Sharded, items[1].str());
    return dropped;
  }
  if (callback_) {
    callback_(std::move(*msg));
    return false;
  }
  if (!readers_.empty()) {
    auto reader = std::move(readers_.front());
    readers_.pop_front();
    std::move(reader)(std::move(*msg));
    return false;
  }
  std::lock_guard lk(m_);
  queue_.push_back(std::move(*msg));
  if (queue_.size() > limit_) {
    queue_.pop_front();
    dropped_.fetch_add(1, std::memory_order_relaxed);
  }
  return false;
}

void PubSubHub::get(Done<PubSubMsg> done) {
  if (callback_)
    return std::move(done)(fail(errc::configuration_error, "messages go to the pubsub_subscriptions callback, not to a queue"));
  if (auto msg = try_get()) return std::move(done)(std::move(*msg));
  readers_.push_back(std::move(done));
}

std::optional<PubSubMsg> PubSubHub::try_get() {
  std::lock_guard lk(m_);
  if (queue_.empty()) return std::nullopt;
  auto msg = std::move(queue_.front());
  queue_.pop_front();
  return msg;
}

void PubSubHub::close(const Error& why) {
  auto readers = std::move(readers_);
  readers_.clear();
  for (auto& r : readers) std::move(r)(why);
}

void PubSubHub::place(PubSubChannelModes mode, const std::string& channel, const std::string& node) {
  placed_[index(mode)][channel] = node;
  homeless_[index(mode)].erase(channel);
}

void PubSubHub::forget(PubSubChannelModes mode, const std::string& channel) {
  placed_[index(mode)].erase(channel);
  homeless_[index(mode)].erase(channel);
}

void PubSubHub::lose(PubSubChannelModes mode, const std::string& channel) {
  placed_[index(mode)].erase(channel);
  homeless_[index(mode)].insert(channel);
}

bool PubSubHub::holds_any() const {
  for (std::size_t i = 0; i < placed_.size(); ++i)
    if (!placed_[i].empty() || !homeless_[i].empty()) return true;
  return false;
}

std::vector<std::string> PubSubHub::take_homeless(PubSubChannelModes mode) {
  auto& h = homeless_[index(mode)];
  std::vector<std::string> out(h.begin(), h.end());
  h.clear();
  return out;
}

// One command per channel: each then owes exactly one reply, a confirmation or an error (a
// sharded channel whose slot moved while the link was down answers MOVED), so one failure
// cannot leave the handshake waiting for confirmations that never come.
std::pair<std::string, std::size_t> PubSubHub::restore_wire(const std::string& node) const {
  std::string wire;
  std::size_t owed = 0;
  for (auto mode : {PubSubChannelModes::Exact, PubSubChannelModes::Pattern, PubSubChannelModes::Sharded})
    for (const auto& [channel, where] : placed_[index(mode)]) {
      if (where != node) continue;
      Command(subscription_command(mode, false, {channel})).encode_to(wire);
      ++owed;
    }
  return {std::move(wire), owed};
}

}  // namespace glide::detail
