// The functions family (glide/commands/functions.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <algorithm>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

namespace {

// echo returns its first argument; count returns how many keys it was given; both are read-only
// (no-writes), so FCALL_RO may call them. setter writes its key.
std::string library(std::string_view name, std::string_view suffix = "") {
  std::string code = "#!lua name=" + std::string(name) + "\n";
  code += "redis.register_function{function_name='" + std::string(name) + "_echo" + std::string(suffix) +
          "', callback=function(keys, args) return args[1] end, flags={'no-writes'}}\n";
  code += "redis.register_function{function_name='" + std::string(name) + "_count" + std::string(suffix) +
          "', callback=function(keys, args) return #keys end, flags={'no-writes'}}\n";
  code += "redis.register_function('" + std::string(name) + "_setter" + std::string(suffix) +
          "', function(keys, args) return redis.call('SET', keys[1], args[1]) end)\n";
  return code;
}

// The library names in FUNCTION LIST's reply (RESP3 maps or RESP2 flat arrays alike).
std::vector<std::string> library_names(const Value& list) {
  // Held in locals: a range-for over `as<T>().value()` would outlive the Result it refers into.
  std::vector<std::string> names;
  const auto entries = list.as<std::vector<Value>>().value();
  for (const auto& entry : entries) {
    const auto fields = entry.as<std::vector<std::pair<std::string, Value>>>().value();
    for (const auto& [field, value] : fields)
      if (field == "library_name") names.push_back(value.as<std::string>().value());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// One field of one library's entry.
std::optional<Value> library_field(const Value& list, std::string_view wanted) {
  const auto entries = list.as<std::vector<Value>>().value();
  if (entries.empty()) return std::nullopt;
  const auto fields = entries[0].as<std::vector<std::pair<std::string, Value>>>().value();
  for (const auto& [field, value] : fields)
    if (field == wanted) return value;
  return std::nullopt;
}

}  // namespace

TEST_CASE("function_load, function_list and its options, function_delete, function_flush", "[commands][functions]") {
  auto& client = command_client();
  REQUIRE(client.function_flush().has_value());
  CHECK(client.function_list().value().as<std::vector<Value>>().value().empty());

  CHECK(client.function_load(library("liba")).value() == "liba");
  CHECK_FALSE(client.function_load(library("liba")).has_value());  // loaded already
  CHECK(client.function_load(library("liba"), true).value() == "liba");
  CHECK(client.function_load(library("libb"), false).value() == "libb");

  CHECK(library_names(client.function_list().value()) == std::vector<std::string>{"liba", "libb"});
  const auto only_b = client.function_list("libb").value();
  CHECK(library_names(only_b) == std::vector<std::string>{"libb"});
  CHECK_FALSE(library_field(only_b, "library_code").has_value());
  const auto b_with_code = client.function_list("lib*b", true).value();
  CHECK(library_names(b_with_code) == std::vector<std::string>{"libb"});
  REQUIRE(library_field(b_with_code, "library_code").has_value());
  CHECK(library_field(b_with_code, "library_code")->as<std::string>().value() == library("libb"));
  CHECK(library_names(client.function_list(std::nullopt, true).value()).size() == 2);
  CHECK(library_names(client.function_list("nothing*").value()).empty());

  REQUIRE(client.function_delete("liba").has_value());
  CHECK(library_names(client.function_list().value()) == std::vector<std::string>{"libb"});
  CHECK_FALSE(client.function_delete("liba").has_value());  // gone

  REQUIRE(client.function_flush(FlushMode::ASYNC).has_value());
  REQUIRE(client.function_load(library("libc")).has_value());
  REQUIRE(client.function_flush(FlushMode::SYNC).has_value());
  CHECK(library_names(client.function_list().value()).empty());
}

TEST_CASE("fcall, fcall_ro with and without keys and arguments", "[commands][functions]") {
  auto& client = command_client();
  REQUIRE(client.function_flush().has_value());
  REQUIRE(client.function_load(library("calls")).has_value());
  const auto key = key_for("fcall");

  CHECK(client.fcall("calls_count").value() == 0);
  CHECK(client.fcall("calls_count", {key, key_for("other")}).value() == 2);
  CHECK(client.fcall("calls_echo", {}, {"hello"}).value() == "hello");
  CHECK(client.fcall("calls_setter", {key}, {"written"}).value() == "OK");
  CHECK(client.get(key).value() == "written");

  CHECK(client.fcall_ro("calls_count").value() == 0);
  CHECK(client.fcall_ro("calls_count", {key}).value() == 1);
  CHECK(client.fcall_ro("calls_echo", {key}, {"ro"}).value() == "ro");
  // A function that may write is refused by FCALL_RO.
  CHECK_FALSE(client.fcall_ro("calls_setter", {key}, {"x"}).has_value());
  REQUIRE(client.function_flush().has_value());
}

TEST_CASE("function_stats, function_dump, function_restore and its policies", "[commands][functions]") {
  auto& client = command_client();
  REQUIRE(client.function_flush().has_value());
  REQUIRE(client.function_load(library("dumped")).has_value());

  const auto stats = client.function_stats().value().as<std::vector<std::pair<std::string, Value>>>().value();
  REQUIRE(stats.size() == 2);
  CHECK(stats[0].first == "running_script");
  CHECK(stats[0].second.is_nil());
  CHECK(stats[1].first == "engines");
  const auto engines = stats[1].second.as<std::vector<std::pair<std::string, Value>>>().value();
  REQUIRE(engines.size() == 1);
  CHECK(engines[0].first == "LUA");
  const auto lua = engines[0].second.as<std::vector<std::pair<std::string, std::int64_t>>>().value();
  CHECK(lua == std::vector<std::pair<std::string, std::int64_t>>{{"libraries_count", 1}, {"functions_count", 3}});

  const auto payload = client.function_dump().value();
  CHECK_FALSE(payload.empty());

  REQUIRE(client.function_flush().has_value());
  REQUIRE(client.function_restore(payload).has_value());
  CHECK(library_names(client.function_list().value()) == std::vector<std::string>{"dumped"});
  // APPEND (the default, and as a policy) fails on a library already loaded; REPLACE does not.
  CHECK_FALSE(client.function_restore(payload).has_value());
  CHECK_FALSE(client.function_restore(payload, FunctionRestorePolicy::APPEND).has_value());
  REQUIRE(client.function_restore(payload, FunctionRestorePolicy::REPLACE).has_value());
  // FLUSH drops the others first.
  REQUIRE(client.function_load(library("extra")).has_value());
  REQUIRE(client.function_restore(payload, FunctionRestorePolicy::FLUSH).has_value());
  CHECK(library_names(client.function_list().value()) == std::vector<std::string>{"dumped"});
  CHECK_FALSE(client.function_restore("not a payload").has_value());
  REQUIRE(client.function_flush().has_value());
}

TEST_CASE("functions: the server's refusal is a Result error", "[commands][functions]") {
  auto& client = command_client();
  auto bad = client.function_load("#!lua name=broken\nthis is not lua");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message().find("Error compiling function") != std::string::npos);
  auto unknown = client.fcall("no_such_function");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message().find("Function not found") != std::string::npos);
}

TEST_CASE("functions in a batch: entries convert as the direct calls return", "[commands][functions][batch]") {
  auto& client = command_client();
  REQUIRE(client.function_flush().has_value());
  REQUIRE(client.function_load(library("batched")).has_value());
  const auto payload = client.function_dump().value();

  Batch batch(false);
  batch.function_list("batched")
      .fcall("batched_echo", {}, {"x"})
      .fcall_ro("batched_count", {key_for("k")})
      .function_stats()
      .function_dump()
      .function_load(library("batched"), true)
      .function_restore(payload, FunctionRestorePolicy::REPLACE);
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 7);
  glide_test::check_entry(entries[0], client.function_list("batched"));
  glide_test::check_entry(entries[1], client.fcall("batched_echo", {}, {"x"}));
  glide_test::check_entry(entries[2], client.fcall_ro("batched_count", {key_for("k")}));
  glide_test::check_entry(entries[3], client.function_stats());
  glide_test::check_entry(entries[4], client.function_dump());
  glide_test::check_entry(entries[5], client.function_load(library("batched"), true));
  CHECK(entries[6].has_value());
  CHECK(client.function_restore(payload, FunctionRestorePolicy::REPLACE).has_value());

  // Compiled for every face: the remaining overloads, in a batch that is never sent.
  Batch unsent(false);
  unsent.function_list()
      .function_list(std::nullopt, true)
      .function_load(library("x"))
      .function_delete("x")
      .function_flush()
      .function_flush(FlushMode::SYNC)
      .fcall("f")
      .fcall("f", {"k"})
      .fcall_ro("f")
      .fcall_ro("f", {"k"}, {"a"})
      .function_restore(payload);
  CHECK(unsent.size() == 11);
  REQUIRE(client.function_flush().has_value());
}
