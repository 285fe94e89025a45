#pragma once
// How scripts reach a node, decided here for every path. A node's link remembers the scripts it
// has loaded (by SHA1); a script it does not know is sent as SCRIPT LOAD ahead of its first
// EVALSHA in the same write, so a pipeline runs in the order it was built: an entry after a
// script sees that script's effects. (Sending EVALSHA first and recovering NOSCRIPT afterwards
// ran the scripts after the entries that followed them.) SCRIPT LOAD, not EVAL: scripts cached
// by EVAL may be evicted by the server.
#include <glide/script.hpp>
#include <glide/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

namespace glide::detail {

// The SHA1s known loaded on one node, for one link (`links` counts the node's connections: a
// new link may be a restarted server with an empty cache, so what was known is forgotten).
class ScriptCache {
 public:
  bool known(std::string_view sha1, std::uint64_t link) const {
    return link == link_ && loaded_.count(std::string(sha1)) != 0;
  }
  void learned(std::string_view sha1, std::uint64_t link);
  // NOSCRIPT came back: someone flushed the scripts, or the server restarted.
  void forget(std::string_view sha1) { loaded_.erase(std::string(sha1)); }
  void forget_all() { loaded_.clear(); }

 private:
  std::uint64_t link_ = 0;
  std::unordered_set<std::string> loaded_;
};

// SCRIPT LOAD <code>, as it goes on the wire (its reply is the SHA1, not an entry's).
void append_script_load(std::string& wire, const Script& script);

// The two rules every path follows (cluster/src/exchange.cpp applies them to single requests,
// pipelines, standalone and cluster alike):
// - a script goes out with a SCRIPT LOAD ahead of it when its node's link has not loaded it;
bool needs_load(const ScriptCache& cache, const Script& script, std::uint64_t link);
// - after NOSCRIPT (flushed by someone else, or a restarted server) it is sent again, loaded
//   ahead, once: true when it should be (`reloaded` records the one time).
bool recover_noscript(ScriptCache& cache, const Script& script, bool& reloaded);

// Whether a command is SCRIPT FLUSH: after it, the node's cache is empty.
bool is_script_flush(std::string_view command_wire);
// A command answered without error that emptied its node's script cache (SCRIPT FLUSH's OK).
inline bool flushed_scripts(std::string_view command_wire, const Value& reply) {
  return reply.kind() == ValueKind::simple_string && is_script_flush(command_wire);
}

}  // namespace glide::detail
