#pragma once
// A Command is a value: its arguments encoded to RESP once, when it is built.
#include <glide/detail/resp.hpp>
#include <glide/error.hpp>

#include <charconv>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <vector>

namespace glide {

class Command {
 public:
  Command() = default;
  Command(std::initializer_list<std::string_view> args) {
    for (auto a : args) arg(a);
  }
  explicit Command(const std::vector<std::string>& args) {
    for (const auto& a : args) arg(a);
  }

  Command& arg(std::string_view a) {
    // One allocation for a typical command, with room for the header encoded() && puts in front.
    if (body_.empty()) body_.reserve(64);
    detail::append_bulk(body_, a);
    ++argc_;
    return *this;
  }
  template <class I>
    requires(std::integral<I> && !std::same_as<I, bool>)
  Command& arg(I i) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, i);
    return arg(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
  }
  Command& arg(double d);
  // Every element of a range of strings.
  template <std::ranges::input_range R>
    requires std::convertible_to<std::ranges::range_reference_t<R>, std::string_view>
  Command& args(const R& r) {
    for (auto&& a : r) arg(std::string_view(a));
    return *this;
  }

  std::size_t argc() const noexcept { return argc_; }
  bool empty() const noexcept { return argc_ == 0; }
  // The arguments as bulk strings, without the "*<argc>" header.
  std::string_view body() const noexcept { return body_; }
  // Appends the whole command, header and arguments, as it goes on the wire.
  void encode_to(std::string& out) const {
    detail::append_header(out, '*', argc_);
    out.append(body_);
  }
  std::string encoded() const& {
    std::string out;
    encode_to(out);
    return out;
  }
  // The same, made in this command's own buffer: no allocation when it has room for the header.
  std::string encoded() && {
    std::string header;  // "*<argc>\r\n" fits the small-string buffer
    detail::append_header(header, '*', argc_);
    body_.insert(0, header);
    argc_ = 0;
    return std::move(body_);
  }
  // The arguments decoded again (views into this command): for routing and for messages.
  std::vector<std::string_view> arguments() const;
  // For blocking commands (BLPOP, XREAD BLOCK, WAIT, ...): how long they may wait on the server
  // (zero: without limit); nullopt for every other command (and XREAD without BLOCK).
  std::optional<std::chrono::milliseconds> blocking_timeout() const;
  // How long a request for this command may take: `request_timeout`, plus a blocking command's
  // own server-side timeout; a server-side timeout of 0 means no limit here either.
  std::chrono::milliseconds timeout_for(std::chrono::milliseconds request_timeout) const;
  // The command name, upper-cased (e.g. "SET"; "SCRIPT LOAD" is "SCRIPT").
  std::string name() const;
  // Why this client cannot run the command, for the few whose replies do not follow the
  // one-request-one-reply rule the multiplexed connection relies on (SUBSCRIBE and friends,
  // MONITOR, RESET, CLIENT REPLY): sent anyway, they would hand later callers wrong replies.
  std::optional<Error> unsupported() const;

 private:
  std::string body_;
  std::size_t argc_ = 0;
};

}  // namespace glide
