#pragma once
// Functions (the server-side twin of scripts): FUNCTION *, FCALL.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>
#include <glide/value.hpp>

namespace glide {


namespace detail {


template <class Derived>
class FunctionCommands : public CommandRunner<Derived, FunctionCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  // FUNCTION LOAD [REPLACE] code -> the library name.
  template <class... Extra>
  decltype(auto) function_load(std::string_view library_code, bool replace, Extra&&... extra) {
    Command c{"FUNCTION", "LOAD"};
    if (replace) c.arg("REPLACE");
    return this->template run<std::string>(std::move(c.arg(library_code)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) function_list(Extra&&... extra) {
    return this->template run<Value>(Command{"FUNCTION", "LIST"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) function_delete(std::string_view library_name, Extra&&... extra) {
    return this->template run<void>(Command{"FUNCTION", "DELETE", library_name}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) function_flush(FlushMode mode, Extra&&... extra) {
    return this->template run<void>(Command{"FUNCTION", "FLUSH", detail::to_string(mode)}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) fcall(std::string_view function, std::vector<std::string> keys, std::vector<std::string> args, Extra&&... extra) {
    return this->template run<Value>(std::move(Command{"FCALL", function}.arg(keys.size()).args(keys).args(args)), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) fcall_ro(std::string_view function, std::vector<std::string> keys, std::vector<std::string> args, Extra&&... extra) {
    return this->template run<Value>(std::move(Command{"FCALL_RO", function}.arg(keys.size()).args(keys).args(args)), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
