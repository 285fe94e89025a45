#include <glide/cluster_scan.hpp>

#include <charconv>
#include <sstream>
#include <vector>

namespace glide {

ClusterScanCursor::ClusterScanCursor() : state_(std::make_shared<const detail::ClusterScanState>()) {}

namespace detail {

int first_unscanned(const SlotSet& scanned) {
  for (int s = 0; s < slot_count; ++s)
    if (!scanned.test(static_cast<std::size_t>(s))) return s;
  return -1;
}

namespace {
// "5461-10922" or "42" -> [first, last]; false for "[...]" migration markers and junk.
bool slot_range(std::string_view text, int& first, int& last) {
  const auto dash = text.find('-');
  const auto a = text.substr(0, dash);
  if (std::from_chars(a.data(), a.data() + a.size(), first).ec != std::errc()) return false;
  last = first;
  if (dash != std::string_view::npos) {
    const auto b = text.substr(dash + 1);
    if (std::from_chars(b.data(), b.data() + b.size(), last).ec != std::errc()) return false;
  }
  return 0 <= first && first <= last && last < slot_count;
}
}  // namespace

// A line of CLUSTER NODES: id addr flags primary ping pong epoch link slot... where a slot entry
// is a number, a range, or "[slot->-id]" (migrating out) / "[slot-<-id]" (importing).
SlotSet stable_own_slots(std::string_view cluster_nodes) {
  SlotSet own;
  std::istringstream lines{std::string(cluster_nodes)};
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> f;
    for (std::string w; words >> w;) f.push_back(w);
    if (f.size() < 8 || f[2].find("myself") == std::string::npos || f[2].find("master") == std::string::npos) continue;
    std::vector<int> moving;
    for (std::size_t i = 8; i < f.size(); ++i) {
      int first = 0, last = 0;
      if (f[i].front() == '[') {
        if (slot_range(std::string_view(f[i]).substr(1, f[i].find_first_of("-", 1) - 1), first, last)) moving.push_back(first);
      } else if (slot_range(f[i], first, last)) {
        for (int s = first; s <= last; ++s) own.set(static_cast<std::size_t>(s));
      }
    }
    for (int s : moving) own.reset(static_cast<std::size_t>(s));
  }
  return own;
}

}  // namespace detail
}  // namespace glide
