#pragma once
// What the client knows about each command, generated from the server's COMMAND metadata
// (scripts/gen_command_table.py): where its keys are, whether it only reads or blocks, and how a
// cluster spreads it over nodes and combines the answers. Routing, CROSSSLOT checks,
// read-from-replica and blocking timeouts all read this one table.
#include <string_view>
#include <vector>

namespace glide::detail {

enum class RequestPolicy { none, all_nodes, all_shards, multi_shard, special };
enum class ResponsePolicy { none, all_succeeded, one_succeeded, agg_sum, agg_min, agg_max, agg_logical_and, agg_logical_or, special };

struct KeySpec {
  enum Begin { index, keyword };
  enum Find { range, keynum };
  Begin begin;
  int begin_index;  // index: where the search starts; keyword: where to start looking (negative: from the end)
  std::string_view word;  // the keyword, for Begin::keyword
  Find find;
  int a, b, c;  // range: lastkey, keystep, limit; keynum: keynumidx, firstkey, keystep
};

// Where a blocking command carries the time it may wait on the server. COMMAND's "blocking" flag
// says which commands block; where their timeout sits the generator knows from the command docs.
struct BlockingTimeout {
  enum Where { not_blocking, argument, block_option };
  Where where = not_blocking;
  int index = 0;            // argument: its index in argv, from the end if negative (-1: the last)
  bool in_seconds = false;  // else milliseconds
};

struct CommandInfo {
  std::string_view name;  // "GET", or "SCRIPT|EXISTS" for subcommands
  std::vector<KeySpec> keys;
  bool readonly;
  BlockingTimeout blocking;
  RequestPolicy request_policy;
  ResponsePolicy response_policy;
};

// The entry for argv (its subcommand's when it has one), or nullptr for an unknown command.
const CommandInfo* find_command(const std::vector<std::string_view>& argv);

// The keys of argv, by the command's key specs; empty for keyless and unknown commands.
std::vector<std::string_view> command_keys(const std::vector<std::string_view>& argv);

// Command names and keywords are ASCII; std::toupper would consult the locale on every byte.
constexpr char ascii_upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
std::string ascii_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace glide::detail
