#include <glide/detail/command_table.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace glide::detail {
namespace {

const std::vector<CommandInfo>& table() {
  static const std::vector<CommandInfo> commands = {
#include "command_table.inc"
  };
  return commands;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

const CommandInfo* lookup(std::string_view name) {
  const auto& t = table();  // sorted by name (the generator sorts)
  auto it = std::lower_bound(t.begin(), t.end(), name, [](const CommandInfo& c, std::string_view n) { return c.name < n; });
  return it != t.end() && it->name == name ? &*it : nullptr;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

}  // namespace

const CommandInfo* find_command(const std::vector<std::string_view>& argv) {
  if (argv.empty()) return nullptr;
  const std::string name = upper(argv[0]);
  if (argv.size() > 1) {
    if (const CommandInfo* sub = lookup(name + "|" + upper(argv[1]))) return sub;
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
