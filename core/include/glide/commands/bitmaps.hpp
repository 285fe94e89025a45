#pragma once
// Bitmaps and BITFIELD.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>

namespace glide {
namespace detail {

template <class Derived>
class BitmapCommands : public CommandRunner<Derived, BitmapCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

};

}  // namespace detail
}  // namespace glide
