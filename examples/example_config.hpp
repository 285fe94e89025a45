#pragma once
// Where the examples find their server: GLIDE_HOST / GLIDE_PORT, else localhost:6379.
// (scripts/examples.sh starts a server of its own and sets both.)
#include <glide/glide.hpp>

#include <cstdlib>
#include <string>

inline glide::GlideClientConfiguration example_config() {
  glide::GlideClientConfiguration config;
  const char* host = std::getenv("GLIDE_HOST");
  const char* port = std::getenv("GLIDE_PORT");
  config.addresses.push_back({host ? host : "localhost", static_cast<std::uint16_t>(port ? std::atoi(port) : 6379)});
  return config;
}
