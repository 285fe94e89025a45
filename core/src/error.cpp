#include <glide/error.hpp>

#include <ostream>

namespace glide {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "glide"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::request_error: return "request error";
      case errc::timeout: return "timeout";
      case errc::exec_abort: return "transaction aborted (EXECABORT)";
      case errc::connection_error: return "connection error";
      case errc::unknown_outcome: return "connection lost after the request was written; it may have run";
      case errc::closing: return "client closed";
      case errc::configuration_error: return "configuration error";
      case errc::crossslot: return "keys map to different slots (CROSSSLOT)";
      case errc::noscript: return "script not found (NOSCRIPT)";
      case errc::busy: return "server busy running a script (BUSY)";
      case errc::script_killed: return "script killed";
      case errc::wrong_type: return "wrong type (WRONGTYPE)";
      case errc::inflight_limit: return "inflight requests limit reached";
      case errc::protocol_error: return "protocol error";
    }
    return "unknown glide error";
  }
};

bool starts_with_word(std::string_view text, std::string_view word) {
  return text.substr(0, word.size()) == word && (text.size() == word.size() || text[word.size()] == ' ');
}

}  // namespace

const std::error_category& glide_category() noexcept {
  static const Category category;
  return category;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), glide_category()}; }

Error Error::from_server(std::string_view text) {
  struct Prefix {
    std::string_view word;
    errc code;
  };
  static constexpr Prefix prefixes[] = {
      {"WRONGTYPE", errc::wrong_type}, {"NOSCRIPT", errc::noscript}, {"EXECABORT", errc::exec_abort},
      {"CROSSSLOT", errc::crossslot},  {"BUSY", errc::busy},
  };
  for (const auto& p : prefixes)
    if (starts_with_word(text, p.word)) return {p.code, std::string(text)};
  // A script stopped by SCRIPT KILL reports "ERR Script killed by user with SCRIPT KILL..."
  // (or "...with FUNCTION KILL"): the only way a caller learns its script did not finish.
  if (text.find("killed by user") != std::string_view::npos) return {errc::script_killed, std::string(text)};
  return {errc::request_error, std::string(text)};
}

std::ostream& operator<<(std::ostream& os, const Error& e) {
  return os << glide_category().message(static_cast<int>(e.code())) << ": " << e.message();
}

void throw_error(const Error& e) {
  switch (e.code()) {
    case errc::timeout: throw TimeoutError(e);
    case errc::connection_error:
    case errc::unknown_outcome:
    case errc::closing: throw ConnectionError(e);
    case errc::configuration_error: throw ConfigurationError(e);
    default: throw RequestError(e);
  }
}

}  // namespace glide
