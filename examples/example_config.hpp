#pragma once
// Where the examples find their server: GLIDE_HOST / GLIDE_PORT, else localhost:6379; and their
// cluster: GLIDE_CLUSTER_HOST / GLIDE_CLUSTER_PORT (any one node), else localhost:7000.
// (scripts/examples.sh starts a server and a 6-node cluster of its own and sets all four.)
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

inline glide::GlideClusterClientConfiguration cluster_example_config() {
  glide::GlideClusterClientConfiguration config;
  const char* host = std::getenv("GLIDE_CLUSTER_HOST");
  const char* port = std::getenv("GLIDE_CLUSTER_PORT");
  config.addresses.push_back({host ? host : "localhost", static_cast<std::uint16_t>(port ? std::atoi(port) : 7000)});
  return config;
}
