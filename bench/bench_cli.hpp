#pragma once
// The command line the bench programs share: flags with values, one positional mode, numbers
// checked, and the program's usage on stderr (exit status 2) for anything else.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <sys/resource.h>

namespace bench {

using Clock = std::chrono::steady_clock;

// CPU seconds (user + system) this process has used so far: the client's own cost, whatever the
// machine's other load (getrusage).
inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

inline Clock::duration secs(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

class CommandLine {
 public:
  // `synopsis`: the usage text after "usage: ".
  CommandLine(const char* program, const char* synopsis, int argc, char** argv)
      : program_(program), synopsis_(synopsis), argc_(argc), argv_(argv) {}

  // Steps to the next argument (false after the last); -h and --help print the usage.
  bool next() {
    if (++i_ >= argc_) return false;
    if (arg() == "-h" || arg() == "--help") usage();
    return true;
  }
  std::string_view arg() const { return argv_[i_]; }

  // The value after the current flag, as text, a positive whole number, seconds or a port.
  const char* text() {
    if (i_ + 1 >= argc_) usage(std::string(arg()) + " needs a value");
    return argv_[++i_];
  }
  std::size_t count() {
    const std::string flag(arg());
    const char* s = text();
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s, &end, 10);
    if (!end || *end || v == 0) usage("bad " + flag + ": " + s);
    return static_cast<std::size_t>(v);
  }
  double seconds() {
    const std::string flag(arg());
    const char* s = text();
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    if (!end || *end || v < 0) usage("bad " + flag + ": " + s);
    return v;
  }
  std::uint16_t port() {
    const std::size_t p = count();
    if (p > 65535) usage("bad port: " + std::to_string(p));
    return static_cast<std::uint16_t>(p);
  }

  // The flags the bench programs have in common, for those of them `o` has: --host, --port,
  // --seconds, --warmup, --depth; and the one positional argument, the mode. True when the
  // current argument was one of them.
  template <class Options>
  bool common_flag(Options& o) {
    const std::string_view a = arg();
    if constexpr (requires { o.host; })
      if (a == "--host") return o.host = text(), true;
    if constexpr (requires { o.port; })
      if (a == "--port") return o.port = port(), true;
    if constexpr (requires { o.depth; })
      if (a == "--depth") return o.depth = count(), true;
    if constexpr (requires { o.mode; })
      if (!a.empty() && a[0] != '-' && o.mode.empty()) return o.mode = a, true;
    if (a == "--seconds") return o.seconds = seconds(), true;
    if (a == "--warmup") return o.warmup = seconds(), true;
    return false;
  }

  [[noreturn]] void usage(const std::string& msg = {}) const {
    if (!msg.empty()) std::fprintf(stderr, "%s: %s\n", program_, msg.c_str());
    std::fprintf(stderr, "usage: %s\n", synopsis_);
    std::exit(2);
  }

 private:
  const char* program_;
  const char* synopsis_;
  int argc_;
  char** argv_;
  int i_ = 0;
};

}  // namespace bench
