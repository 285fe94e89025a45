#include "fixtures.hpp"

#include <atomic>
#include <string>
#include <unistd.h>

namespace glide_test {

ValkeyServer& shared_server() {
  static ValkeyServer server;
  return server;
}

ValkeyCluster& shared_cluster() {
  static ValkeyCluster cluster;
  return cluster;
}

std::string unique_key(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return std::string(prefix) + ":" + std::to_string(::getpid()) + ":" + std::to_string(counter++);
}

}  // namespace glide_test
