#pragma once
// Exchange: one caller's operation (a command, a script, a pipeline or a transaction) from its
// first write to its answer, as a state machine with no I/O. It sends in rounds: every part
// that still needs an answer goes to its node, grouped per node in the order the caller built
// them; the answers are judged by one set of rules (reply_rules.hpp: redirects, transient
// refusals, stale slot maps; script_cache.hpp: scripts loaded ahead of their first use and
// NOSCRIPT recovered), and what must go again goes in the next round. Standalone and cluster,
// single requests and batches all run through here. The engine (client/src/engine.cpp) carries
// out its actions over Asio; tests/unit/exchange_test.cpp drives it reply by reply.
#include <glide/batch.hpp>
#include <glide/detail/command_table.hpp>
#include <glide/detail/connection_machine.hpp>
#include <glide/detail/reply_rules.hpp>
#include <glide/detail/script_cache.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace glide::detail {

// A node no connection can be made to (NodeConnection::unreachable_since).
struct NodeDown {
  std::string why;  // the last attempt's error
  bool confirmed;   // the slot map was read again after it went down, and still sends us there
};

// What an exchange needs of the client's state. The engine answers from its slot map and its
// connections; unit tests from a table.
class Routing {
 public:
  virtual ~Routing() = default;
  // The node serving `slot` now (-1: any primary).
  virtual std::string owner(int slot) = 0;
  // A MOVED reply: `slot` lives at `node` now.
  virtual void moved(int slot, const std::string& node) = 0;
  // The scripts known loaded on `node`, and the link they were learned on.
  virtual ScriptCache& scripts(const std::string& node) = 0;
  virtual std::uint64_t links(const std::string& node) = 0;
  // Whether `node` is known down (never, for a standalone client: its requests wait for it).
  virtual std::optional<NodeDown> down(const std::string& node) = 0;
};

// The commands an exchange runs: a batch's, or one command of its own.
struct Entries {
  std::shared_ptr<const BatchData> batch;
  std::string one;                  // the command, when there is no batch
  std::optional<Script> one_script;  // `one` is its EVALSHA

  std::size_t size() const noexcept { return batch ? batch->size() : 1; }
  std::string_view wire(std::size_t i) const { return batch ? batch->command_wire(i) : std::string_view(one); }
  const Script* script(std::size_t i) const;
};

// How answers combine when one entry went to several nodes.
enum class Gather { none, by_policy, per_node };

struct ExchangeRules {
  bool atomic = false;           // the one part is MULTI ... EXEC; a redirect sends it all again
  bool retry_transient = true;   // TRYAGAIN, CLUSTERDOWN, LOADING (pipelines: retry_server_error)
  bool retry_unsent = true;      // a request that never left (connection_error), after a refresh
  bool retry_lost = false;       // one that may have run (unknown_outcome): retry_connection_error
  bool side = false;             // over the nodes' side connections (SCRIPT KILL)
  // Redirects, stale slot maps and connection failures send a request elsewhere (a cluster);
  // a standalone client has nowhere else to go.
  bool follow_topology = true;
};

class Exchange {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  // One entry on one node. An entry sent to several nodes (DBSIZE on all primaries) has a part
  // per node, combined at the end. Its answer is answers()[i]: kept apart, so that a pipeline's
  // answers, in order, become the result without being moved again.
  struct Part {
    std::uint32_t entry = 0;
    std::uint16_t node = 0;  // index into nodes
    std::uint16_t attempts = 0;
    int slot = -1;
    bool asking = false;
    bool reloaded = false;  // NOSCRIPT recovered once already
    bool reroute = false;   // asks the slot map for its node before the next round
    bool settled = false;
  };
  // An action: send `request` to `node` (its side connection if `side`); the replies go back
  // through replied(group, ...).
  struct Send {
    std::size_t group;
    std::string node;
    bool side;
    Request request;
  };

  Exchange(Entries entries, ExchangeRules rules, TimePoint deadline);
  // Parts are sent per node in the order they are added.
  void add_part(std::uint32_t entry, const std::string& node, int slot);
  // An entry whose parts (one per node) are combined: by the command's policy, or per node.
  void gather(std::uint32_t entry, Gather how, ResponsePolicy policy = ResponsePolicy::none);
  // The first round as planned ahead (a cached cluster pipeline plan): `count` parts from
  // `first_part` on go to their node as `wire`, which `owner` keeps alive.
  void prepare(std::uint32_t first_part, std::uint32_t count, std::string_view wire, std::shared_ptr<const void> owner);

  // ---- events
  void start(Routing& routing, TimePoint now);
  // The first round went out without this exchange (a single command's request, sent as it is:
  // most are answered with a value and never need one): take over with its outcome, as if this
  // exchange had sent it.
  void adopt(Result<Replies> first, Routing& routing, TimePoint now);
  void replied(std::size_t group, Result<Replies> replies, Routing& routing, TimePoint now);
  // The refresh or the pause it asked for is over.
  void resume(Routing& routing, TimePoint now);

  // ---- actions
  std::vector<Send>& sends() noexcept { return sends_; }
  bool take_refresh() { return std::exchange(want_refresh_, false); }
  // Resume at this time (the pause after a transient refusal); none: no pause.
  std::optional<TimePoint> take_pause() { return std::exchange(pause_until_, std::nullopt); }
  bool finished() const noexcept { return finished_; }
  // Each entry's answer, several parts combined; or why the operation failed as a whole.
  Result<std::vector<Value>> take_result();

  const std::vector<Part>& parts() const noexcept { return parts_; }
  const std::vector<Value>& answers() const noexcept { return answers_; }
  const std::string& node(std::uint16_t i) const { return nodes_[i]; }

 private:
  struct Group {
    std::uint16_t node;
    std::vector<std::uint32_t> parts;
    // Per reply: a part's index, or a marker (asking_reply, or load_reply - k for the k-th
    // script loaded ahead). Empty: one reply per part, in order.
    std::vector<std::int64_t> layout;
    std::vector<const Script*> loads;
    std::uint64_t link = 0;
  };
  struct Prepared {
    std::uint32_t first_part, count;
    std::string_view wire;
  };
  struct EntryGather {
    std::uint32_t entry;
    Gather how;
    ResponsePolicy policy;
  };
  static constexpr std::int64_t asking_reply = -1;
  static constexpr std::int64_t load_reply = -2;

  std::uint16_t node_index(const std::string& node);
  void send_round(Routing& routing, TimePoint now);
  void refuse(const Group& g, const NodeDown& down);
  bool needs_building(const Group& g, Routing& routing) const;
  Request build(Group& g, Routing& routing);
  static bool loads_ahead(const Group& g, const Script& s);
  void take_replies(Group& g, Replies replies, Routing& routing);
  void settle_round(Routing& routing, TimePoint now);
  void judge_failure(std::size_t i, TimePoint now);
  void judge_reply(std::size_t i, Routing& routing, TimePoint now);
  void fail_part(std::size_t i, const Error& e);
  Value gathered(const EntryGather& g);

  Entries entries_;
  ExchangeRules rules_;
  TimePoint deadline_;
  std::vector<std::string> nodes_;
  std::vector<Part> parts_;
  std::vector<Value> answers_;                   // per part
  std::vector<std::optional<Error>> failures_;   // per part, once one failed (empty until then)
  std::vector<EntryGather> gathers_;
  std::vector<Prepared> prepared_;
  std::shared_ptr<const void> prepared_owner_;
  std::string transaction_;  // MULTI ... EXEC, built once

  std::vector<Group> groups_;
  std::size_t groups_left_ = 0;
  std::vector<Send> sends_;
  bool want_refresh_ = false;
  std::optional<TimePoint> pause_until_;
  bool finished_ = false;
};

// What a request sent at `now` may still wait until `deadline`: 0 (no limit) for none, at least
// 1 ms for one that has passed (the request then times out at once, on the connection's terms).
std::chrono::milliseconds time_left(Exchange::TimePoint deadline, Exchange::TimePoint now);

// Several nodes' answers to one command into one Value, as its response policy says.
Value combine(ResponsePolicy policy, std::vector<std::pair<std::string, Value>> answers);

}  // namespace glide::detail
