#pragma once
// Streams: XADD, XREAD, consumer groups, XPENDING, XCLAIM, XINFO, ...
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {
namespace detail {

template <class Derived>
class StreamCommands : public CommandRunner<Derived, StreamCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

};

}  // namespace detail
}  // namespace glide
