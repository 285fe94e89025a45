#pragma once
// Shared by the per-family command tests: one sync client on the process's standalone server,
// keys unique to a test, a check that the server knows a command, and the batch comparison each
// family makes (glide::as<T>(entry) equals what the direct call returned).
#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace glide_test {

// A sync client on the shared standalone server (one per process, reused by every test).
glide::sync::GlideClient& command_client();

// A key unique to this run, hash-tagged by `tag` when given (so multi-key commands may share a slot).
std::string key_for(std::string_view what, std::string_view tag = {});

// Whether the server knows `command` (e.g. "HEXPIRE"); when it does not, the caller SKIPs with why.
bool server_knows(std::string_view command);

// Checks that a batch entry, converted to T, equals the direct call's value.
template <class T>
void check_entry(const glide::Reply& entry, const glide::Result<T>& direct) {
  REQUIRE(direct.has_value());
  auto converted = glide::as<T>(entry);
  REQUIRE(converted.has_value());
  CHECK(converted.value() == direct.value());
}

}  // namespace glide_test
