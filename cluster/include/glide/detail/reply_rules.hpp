#pragma once
// What an error reply asks of the client, read in one place for every path: single requests,
// pipelines and transactions, standalone and cluster. Redirects (MOVED, ASK) are followed;
// transient refusals (TRYAGAIN, CLUSTERDOWN, LOADING) are tried again after a pause; READONLY
// means the slot map is stale (a failover made our primary a replica); NOSCRIPT is the script
// module's to recover.
#include <glide/value.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace glide::detail {

struct ReplyVerdict {
  enum Kind {
    final,        // a value, or an error that is the answer
    moved,        // the slot lives at `node` now
    ask,          // the slot is migrating: ask `node`, once, after ASKING
    retry_later,  // TRYAGAIN, CLUSTERDOWN, LOADING: nothing ran, the same request may succeed soon
    readonly,     // written to a replica: the slot map is stale
    noscript,     // the node does not have the script
  };
  Kind kind = final;
  int slot = -1;
  std::string node;  // moved and ask: "host:port"
};

// `asked` is the node ("host:port") that answered: a node may announce a redirect target
// without its host (":6381"), meaning its own.
ReplyVerdict classify_reply(const Value& reply, std::string_view asked);

// The pause before the `attempt`-th retry of a transient refusal (20 ms, doubling up to 640 ms).
std::chrono::milliseconds transient_pause(int attempt);

// How many times one request follows a redirect or retries before its last answer stands.
inline constexpr int max_attempts = 5;

}  // namespace glide::detail
