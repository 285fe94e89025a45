#include <glide/detail/command_table.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace glide::detail {
namespace {

// Commands newer than the server command_table.inc was generated from (valkey 8.0), so routing
// finds their key: valkey 9.0's hash-field expiry, all keyed at argument 1 (src/commands/*.json).
// Once the table is generated from a server that has them, the generated entries win.
std::vector<CommandInfo> newer_commands() {
  const std::vector<KeySpec> first_key = {{KeySpec::index, 1, "", KeySpec::range, 0, 1, 0}};
  std::vector<CommandInfo> out;
  for (std::string_view name : {"HEXPIRE", "HEXPIREAT", "HGETEX", "HPERSIST", "HPEXPIRE", "HPEXPIREAT", "HSETEX"})
    out.push_back({name, first_key, false, {}, RequestPolicy::none, ResponsePolicy::none});
  for (std::string_view name : {"HEXPIRETIME", "HPEXPIRETIME", "HPTTL", "HTTL"})
    out.push_back({name, first_key, true, {}, RequestPolicy::none, ResponsePolicy::none});
  return out;
}

const std::vector<CommandInfo>& table() {
  static const std::vector<CommandInfo> commands = [] {
    std::vector<CommandInfo> all = {
#include "command_table.inc"
    };
    // A newer command the generated table (sorted by name) already has keeps the generated entry.
    // (Not std::stable_sort: its temporary buffer trips AddressSanitizer's new/free check in GCC 12.)
    const auto by_name = [](const CommandInfo& a, const CommandInfo& b) { return a.name < b.name; };
    const auto generated = static_cast<std::ptrdiff_t>(all.size());
    for (auto& c : newer_commands())
      if (!std::binary_search(all.begin(), all.begin() + generated, c, by_name)) all.push_back(std::move(c));
    std::sort(all.begin(), all.end(), by_name);
    return all;
  }();
  return commands;
}

const CommandInfo* lookup(std::string_view name) {
  const auto& t = table();  // sorted by name (the generator sorts)
  auto it = std::lower_bound(t.begin(), t.end(), name, [](const CommandInfo& c, std::string_view n) { return c.name < n; });
  return it != t.end() && it->name == name ? &*it : nullptr;
}

}  // namespace

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_upper(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_upper(x) == ascii_upper(y); });
}

const CommandInfo* find_command(const std::vector<std::string_view>& argv) {
  if (argv.empty()) return nullptr;
  const std::string name = ascii_upper(argv[0]);
  if (argv.size() > 1) {
    if (const CommandInfo* sub = lookup(name + "|" + ascii_upper(argv[1]))) return sub;
  }
  return lookup(name);
}

std::vector<std::string_view> command_keys(const std::vector<std::string_view>& argv) {
  std::vector<std::string_view> keys;
  const CommandInfo* info = find_command(argv);
  if (!info) return keys;
  const int argc = static_cast<int>(argv.size());
  for (const KeySpec& spec : info->keys) {
    int begin = -1;
    if (spec.begin == KeySpec::index) {
      begin = spec.begin_index;
    } else {
      // Search for the keyword from startfrom; a negative start searches backwards from the end.
      if (spec.begin_index >= 0) {
        for (int i = spec.begin_index; i < argc; ++i)
          if (iequals(argv[i], spec.word)) {
            begin = i + 1;
            break;
          }
      } else {
        for (int i = argc + spec.begin_index; i > 0; --i)
          if (iequals(argv[i], spec.word)) {
            begin = i + 1;
            break;
          }
      }
    }
    if (begin < 0 || begin >= argc) continue;
    int first = begin, last = begin, step = 1;
    if (spec.find == KeySpec::range) {
      step = std::max(spec.b, 1);
      if (spec.a >= 0) {
        last = begin + spec.a;
      } else {
        last = argc + spec.a;
        // limit N: only 1/N of the remaining arguments are keys (XREAD STREAMS k1 k2 id1 id2).
        if (spec.c > 1) last = begin + (argc - begin) / spec.c - 1;
      }
    } else {
      const int numidx = begin + spec.a;
      if (numidx >= argc) continue;
      int n = 0;
      for (char ch : argv[numidx]) {
        if (ch < '0' || ch > '9') {
          n = 0;
          break;
        }
        n = n * 10 + (ch - '0');
      }
      first = begin + spec.b;
      step = std::max(spec.c, 1);
      last = first + (n - 1) * step;
      if (n == 0) continue;
    }
    for (int i = first; i <= last && i < argc; i += step) keys.push_back(argv[i]);
  }
  return keys;
}

}  // namespace glide::detail
