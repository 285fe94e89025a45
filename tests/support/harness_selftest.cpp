// Self-test of the valkey-server test harness (tests/support/valkey_server.*).
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <signal.h>
#include <unistd.h>

#include "valkey_server.hpp"

using glide_test::ClusterOptions;
using glide_test::ServerOptions;
using glide_test::ValkeyCluster;
using glide_test::ValkeyServer;

namespace {
bool process_alive(pid_t pid) {
    return pid > 0 && ::kill(pid, 0) == 0;
}
}  // namespace

TEST_CASE("free ports are usable", "[harness]") {
    auto p = glide_test::free_port();
    CHECK(p != 0);
    auto ports = glide_test::free_cluster_ports(6);
    REQUIRE(ports.size() == 6);
    std::set<std::uint16_t> all;
    for (auto q : ports) {
        CHECK(q <= 55535);
        all.insert(q);
        all.insert(static_cast<std::uint16_t>(q + 10000));
    }
    CHECK(all.size() == 12);
}

TEST_CASE("standalone server answers PING, survives kill9 + restart", "[harness]") {
    std::string dir;
    pid_t first_pid = -1;
    {
        ValkeyServer server;
        dir = server.dir();
        first_pid = server.pid();
        CHECK(server.host() == "127.0.0.1");
        CHECK(server.port() != 0);
        CHECK(server.tls_port() == 0);
        CHECK(server.is_running());
        CHECK(process_alive(server.pid()));
        CHECK(server.cli({"PING"}) == "PONG");
        CHECK(server.cli({"CONFIG", "GET", "save"}) == "save");  // empty value, trailing newlines trimmed
        CHECK(server.cli({"SET", "k", "v"}) == "OK");
        CHECK(server.cli({"GET", "k"}) == "v");
        CHECK(std::filesystem::exists(server.log_path()));

        const auto port = server.port();
        server.kill9();
        CHECK_FALSE(server.is_running());
        CHECK(server.pid() == -1);
        CHECK_FALSE(process_alive(first_pid));
        CHECK(server.cli_result({"PING"}).exit_code != 0);

        server.restart();
        CHECK(server.is_running());
        CHECK(server.port() == port);
        CHECK(server.cli({"PING"}) == "PONG");
        CHECK(server.cli({"GET", "k"}).empty());  // no persistence

        server.stop();
        CHECK_FALSE(server.is_running());
        server.start();
        CHECK(server.cli({"PING"}) == "PONG");

        const pid_t last_pid = server.pid();
        server.restart();  // while running: graceful stop, then start
        CHECK(server.pid() != last_pid);
        CHECK(server.cli({"PING"}) == "PONG");
        first_pid = server.pid();
    }
    CHECK_FALSE(process_alive(first_pid));
    if (std::getenv("GLIDE_TEST_KEEP_LOGS") == nullptr) {
        CHECK_FALSE(std::filesystem::exists(dir));
    }
}

TEST_CASE("server with requirepass and extra args", "[harness]") {
    ServerOptions opts;
    opts.requirepass = "s3cret";
    opts.extra_args = {"--maxmemory", "10mb"};
    ValkeyServer server(opts);
    CHECK(server.cli({"PING"}) == "PONG");
    CHECK(server.cli({"CONFIG", "GET", "maxmemory"}) == "maxmemory\n10485760");
    CHECK(server.cli({"DEBUG", "SLEEP", "0"}) == "OK");
}

TEST_CASE("TLS server answers PING through valkey-cli --tls", "[harness][tls]") {
    auto certs_dir = std::filesystem::temp_directory_path() / ("glide-test-certs-" + std::to_string(::getpid()));
    auto certs = glide_test::make_test_certificates(certs_dir.string());
    for (const auto& f : {certs.ca_cert, certs.ca_key, certs.server_cert, certs.server_key, certs.client_cert,
                          certs.client_key, certs.other_ca_cert, certs.other_ca_key}) {
        CHECK(std::filesystem::exists(f));
    }
    {
        ServerOptions opts;
        opts.tls = true;
        opts.tls_files = certs;
        ValkeyServer server(opts);
        CHECK(server.is_tls());
        CHECK(server.tls_port() == server.port());
        CHECK(server.cli({"PING"}) == "PONG");

        // Verifying the server against the wrong CA must fail.
        auto bad = glide_test::run_process({"valkey-cli", "-h", "127.0.0.1", "-p", std::to_string(server.port()),
                                            "--tls", "--cacert", certs.other_ca_cert, "PING"});
        CHECK(bad.out.find("PONG") == std::string::npos);

        // Plain TCP to the TLS port gets no PONG.
        auto plain = glide_test::run_process(
            {"valkey-cli", "-h", "127.0.0.1", "-p", std::to_string(server.port()), "PING"}, std::chrono::seconds(5));
        CHECK(plain.out.find("PONG") == std::string::npos);

        server.kill9();
        server.restart();
        CHECK(server.cli({"PING"}) == "PONG");
    }
    {
        // Mutual TLS required: works with the client cert (cli always sends it).
        ServerOptions opts;
        opts.tls = true;
        opts.tls_auth_clients = "yes";
        ValkeyServer server(opts);  // shared certificates
        CHECK(server.cli({"PING"}) == "PONG");
        auto no_cert = glide_test::run_process({"valkey-cli", "-h", "127.0.0.1", "-p", std::to_string(server.port()),
                                                "--tls", "--cacert", server.tls_files().ca_cert, "PING"});
        CHECK(no_cert.out.find("PONG") == std::string::npos);
    }
    std::filesystem::remove_all(certs_dir);
}

TEST_CASE("cluster forms with 3 primaries and 3 replicas", "[harness][cluster]") {
    ValkeyCluster cluster;
    REQUIRE(cluster.size() == 6);
    auto ports = cluster.ports();
    std::set<std::uint16_t> distinct(ports.begin(), ports.end());
    CHECK(distinct.size() == 6);
    CHECK(cluster.seed_port() == ports.front());
    CHECK(cluster.primary_ports().size() == 3);
    CHECK(cluster.replica_ports().size() == 3);

    for (auto* node : cluster.nodes()) {
        CHECK(node->bus_port() == node->port() + 10000);
        const std::string out = cluster.cli(node->port(), {"CLUSTER", "NODES"});
        std::istringstream in(out);
        std::string line;
        int masters = 0;
        int slaves = 0;
        while (std::getline(in, line)) {
            if (line.find("master") != std::string::npos) ++masters;
            if (line.find("slave") != std::string::npos) ++slaves;
        }
        CHECK(masters == 3);
        CHECK(slaves == 3);
        CHECK(cluster.cli(node->port(), {"CLUSTER", "INFO"}).find("cluster_state:ok") != std::string::npos);
    }

    // A key can be written through cluster-aware valkey-cli (-c follows MOVED).
    CHECK(cluster.cli(cluster.seed_port(), {"-c", "SET", "{user}:1", "x"}) == "OK");
    CHECK(cluster.cli(cluster.seed_port(), {"-c", "GET", "{user}:1"}) == "x");

    // A replica killed and restarted rejoins; the cluster becomes healthy again.
    auto replica_port = cluster.replica_ports().front();
    auto& replica = cluster.node_by_port(replica_port);
    replica.kill9();
    replica.restart();
    CHECK(replica.port() == replica_port);
    cluster.wait_until_healthy(std::chrono::seconds(30));
    CHECK(cluster.replica_ports().size() == 3);
}

TEST_CASE("TLS cluster forms", "[harness][cluster][tls]") {
    ClusterOptions opts;
    opts.server.tls = true;
    ValkeyCluster cluster(opts);
    CHECK(cluster.primary_ports().size() == 3);
    CHECK(cluster.replica_ports().size() == 3);
    auto primaries = cluster.primary_ports();
    auto ports = cluster.ports();
    for (auto p : primaries) CHECK(std::find(ports.begin(), ports.end(), p) != ports.end());
    CHECK(cluster.cli(cluster.seed_port(), {"PING"}) == "PONG");
}
