#pragma once
// Shared pieces of the integration tests: a standalone server per test process, client
// configurations pointing at a server, and a way to run a coroutine to completion.
#include "valkey_server.hpp"

#include <glide/glide.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <optional>

namespace glide_test {

// One plain standalone server for all tests of a process that do not stop or reconfigure it.
ValkeyServer& shared_server();
// One 6-node cluster (3 primaries, 3 replicas) for the cluster tests of a process that leave its
// topology as they found it.
ValkeyCluster& shared_cluster();

inline glide::GlideClusterClientConfiguration cluster_config_for(const ValkeyCluster& cluster) {
  glide::GlideClusterClientConfiguration c;
  c.addresses.push_back({cluster.host(), cluster.seed_port()});
  c.request_timeout = std::chrono::milliseconds(2000);
  return c;
}

inline glide::GlideClientConfiguration config_for(const ValkeyServer& server) {
  glide::GlideClientConfiguration c;
  c.addresses.push_back({server.host(), server.port()});
  c.request_timeout = std::chrono::milliseconds(2000);
  return c;
}

inline glide::sync::GlideClient connect_sync(const ValkeyServer& server) {
  return glide::sync::GlideClient::create(config_for(server)).value();
}

// Runs `coroutine` on a fresh io_context until it and everything it started are done; rethrows
// its exception. Catch2 assertions go after this returns (see DESIGN.md's toolchain traps).
template <class F>
void run_coroutine(F&& coroutine, int concurrency_hint = BOOST_ASIO_CONCURRENCY_HINT_DEFAULT) {
  boost::asio::io_context io(concurrency_hint);
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::forward<F>(coroutine)(io), [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
}

// A key unique to the calling test, so tests sharing a server do not collide.
std::string unique_key(std::string_view prefix);

}  // namespace glide_test
