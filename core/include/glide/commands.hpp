#pragma once
// The typed commands, each written once, one header per family (glide/commands/*.hpp). Clients,
// sync clients and batches inherit Commands and provide `run_command<T>(Command, extra...)`: the
// async client starts the request (extra is an optional completion token), the sync client
// blocks for it, a batch appends it (T then only documents what the entry will hold).
#include <glide/commands/bitmaps.hpp>
#include <glide/commands/functions.hpp>
#include <glide/commands/geo.hpp>
#include <glide/commands/hashes.hpp>
#include <glide/commands/hyperloglog.hpp>
#include <glide/commands/keys.hpp>
#include <glide/commands/lists.hpp>
#include <glide/commands/pubsub.hpp>
#include <glide/commands/server.hpp>
#include <glide/commands/sets.hpp>
#include <glide/commands/sorted_sets.hpp>
#include <glide/commands/streams.hpp>
#include <glide/commands/strings.hpp>

namespace glide::detail {

template <class Derived>
class Commands : public ServerCommands<Derived>,
                 public StringCommands<Derived>,
                 public KeyCommands<Derived>,
                 public HashCommands<Derived>,
                 public ListCommands<Derived>,
                 public SetCommands<Derived>,
                 public SortedSetCommands<Derived>,
                 public StreamCommands<Derived>,
                 public GeoCommands<Derived>,
                 public HyperLogLogCommands<Derived>,
                 public BitmapCommands<Derived>,
                 public FunctionCommands<Derived>,
                 public PubSubCommands<Derived> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;
};

}  // namespace glide::detail
