#include <glide/detail/script_cache.hpp>
#include <glide/command.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace glide::detail {

void ScriptCache::learned(std::string_view sha1, std::uint64_t link) {
  if (link != link_) {
    if (link < link_) return;  // learned on a link that is gone
    loaded_.clear();
    link_ = link;
  }
  loaded_.emplace(sha1);
}

void append_script_load(std::string& wire, const Script& script) { Command{"SCRIPT", "LOAD", script.code()}.encode_to(wire); }

bool needs_load(const ScriptCache& cache, const Script& script, std::uint64_t link) { return !cache.known(script.get_hash(), link); }

bool recover_noscript(ScriptCache& cache, const Script& script, bool& reloaded) {
  if (reloaded) return false;
  cache.forget(script.get_hash());
  reloaded = true;
  return true;
}

bool is_script_flush(std::string_view wire) {
  // Asked of every command sent alone: most are rejected by the first letter of their name
  // ("*3\r\n$3\r\nGET..."), read in place.
  const auto name_at = wire.find('$');
  if (name_at == std::string_view::npos || wire.substr(name_at, 4) != "$6\r\n") return false;  // not a 6-letter name
  const auto letter_at = wire.find("\r\n", name_at) + 2;
  if (letter_at >= wire.size() || (wire[letter_at] != 'S' && wire[letter_at] != 's')) return false;
  auto next_arg = [&wire]() -> std::string_view {
    if (!wire.empty() && wire.front() == '*') wire.remove_prefix(std::min(wire.find("\r\n") + 2, wire.size()));
    const auto crlf = wire.find("\r\n");
    if (wire.empty() || wire.front() != '$' || crlf == std::string_view::npos) return {};
    std::size_t len = 0;
    std::from_chars(wire.data() + 1, wire.data() + crlf, len);
    if (crlf + 2 + len > wire.size()) return {};
    const auto arg = wire.substr(crlf + 2, len);
    wire.remove_prefix(std::min(crlf + 4 + len, wire.size()));
    return arg;
  };
  auto is = [](std::string_view a, std::string_view upper) {
    return a.size() == upper.size() && std::equal(a.begin(), a.end(), upper.begin(), [](char x, char y) {
             return std::toupper(static_cast<unsigned char>(x)) == y;
           });
  };
  return is(next_arg(), "SCRIPT") && is(next_arg(), "FLUSH");
}

}  // namespace glide::detail
