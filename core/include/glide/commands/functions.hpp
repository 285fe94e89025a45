#pragma once
// Functions (the server-side twin of scripts): FUNCTION *, FCALL.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>
#include <glide/value.hpp>

#include <optional>

namespace glide {

// What FUNCTION RESTORE does with the libraries already loaded.
enum class FunctionRestorePolicy {
  APPEND,   // add the payload's libraries; a name already loaded fails the whole restore (the server's default)
  FLUSH,    // delete every loaded library first
  REPLACE,  // add them, replacing libraries of the same name
};

namespace detail {

std::string_view to_string(FunctionRestorePolicy) noexcept;
// FCALL / FCALL_RO function numkeys key... arg...
Command fcall_command(std::string_view name, std::string_view function, const std::vector<std::string>& keys,
                      const std::vector<std::string>& arguments);
Command function_list_command(std::optional<std::string_view> library_name_pattern, bool with_code);

template <class Derived>
class FunctionCommands : public CommandRunner<Derived, FunctionCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  // FUNCTION LOAD [REPLACE] code -> the library name.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) function_load(std::string_view library_code, Extra&&... extra) {
    return this->template run<std::string>(Command{"FUNCTION", "LOAD", library_code}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) function_load(std::string_view library_code, bool replace, Extra&&... extra) {
    Command c{"FUNCTION", "LOAD"};
    if (replace) c.arg("REPLACE");
    return this->template run<std::string>(std::move(c.arg(library_code)), std::forward<Extra>(extra)...);
  }
  // Free-form: per library its name, engine, functions (name, description, flags) and, with
  // with_code, its source.
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) function_list(Extra&&... extra) {
    return this->template run<Value>(Command{"FUNCTION", "LIST"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) function_list(std::optional<std::string_view> library_name_pattern, Extra&&... extra) {
    return this->template run<Value>(function_list_command(library_name_pattern, false), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) function_list(std::optional<std::string_view> library_name_pattern, bool with_code, Extra&&... extra) {
    return this->template run<Value>(function_list_command(library_name_pattern, with_code), std::forward<Extra>(extra)...);
  }
  // A missing library is an error.
  template <class... Extra>
  decltype(auto) function_delete(std::string_view library_name, Extra&&... extra) {
    return this->template run<void>(Command{"FUNCTION", "DELETE", library_name}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<FlushMode, Extra...>
  decltype(auto) function_flush(Extra&&... extra) {
    return this->template run<void>(Command{"FUNCTION", "FLUSH"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) function_flush(FlushMode mode, Extra&&... extra) {
    return this->template run<void>(Command{"FUNCTION", "FLUSH", detail::to_string(mode)}, std::forward<Extra>(extra)...);
  }
  // Whatever the function returns.
  template <class... Extra>
    requires NoneIs<Keys, Extra...>
  decltype(auto) fcall(std::string_view function, Extra&&... extra) {
    return this->template run<Value>(fcall_command("FCALL", function, {}, {}), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<Keys, Extra...>
  decltype(auto) fcall(std::string_view function, Keys keys, Extra&&... extra) {
    return this->template run<Value>(fcall_command("FCALL", function, keys, {}), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) fcall(std::string_view function, Keys keys, Keys arguments, Extra&&... extra) {
    return this->template run<Value>(fcall_command("FCALL", function, keys, arguments), std::forward<Extra>(extra)...);
  }
  // FCALL of a function flagged no-writes, so replicas may serve it.
  template <class... Extra>
    requires NoneIs<Keys, Extra...>
  decltype(auto) fcall_ro(std::string_view function, Extra&&... extra) {
    return this->template run<Value>(fcall_command("FCALL_RO", function, {}, {}), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<Keys, Extra...>
  decltype(auto) fcall_ro(std::string_view function, Keys keys, Extra&&... extra) {
    return this->template run<Value>(fcall_command("FCALL_RO", function, keys, {}), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) fcall_ro(std::string_view function, Keys keys, Keys arguments, Extra&&... extra) {
    return this->template run<Value>(fcall_command("FCALL_RO", function, keys, arguments), std::forward<Extra>(extra)...);
  }
  // Free-form: running_script (nil when none runs) and engines (per engine its library and
  // function counts).
  template <class... Extra>
  decltype(auto) function_stats(Extra&&... extra) {
    return this->template run<Value>(Command{"FUNCTION", "STATS"}, std::forward<Extra>(extra)...);
  }
  // Every loaded library, serialised (binary) for function_restore().
  template <class... Extra>
  decltype(auto) function_dump(Extra&&... extra) {
    return this->template run<std::string>(Command{"FUNCTION", "DUMP"}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires NoneIs<FunctionRestorePolicy, Extra...>
  decltype(auto) function_restore(std::string_view payload, Extra&&... extra) {
    return this->template run<void>(Command{"FUNCTION", "RESTORE", payload}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) function_restore(std::string_view payload, FunctionRestorePolicy policy, Extra&&... extra) {
    return this->template run<void>(Command{"FUNCTION", "RESTORE", payload, detail::to_string(policy)}, std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
