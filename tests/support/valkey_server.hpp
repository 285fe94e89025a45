// Test-support harness: starts and stops real valkey-server processes on free
// loopback ports for integration tests.
//
// Self-contained: depends only on the C++ standard library and POSIX (plus
// Linux's prctl(PR_SET_PDEATHSIG) and close_range where available). It does NOT
// depend on the glide library.
//
// Not thread-safe: use one harness object from one thread at a time.
//
// Environment variables:
//   GLIDE_TEST_KEEP_LOGS    if set (any value), temp dirs (logs, nodes.conf,
//                           certificates) are kept and their path is printed to
//                           stderr instead of being removed.
//   GLIDE_TEST_VALKEY_SERVER  path or name of the server binary (default valkey-server)
//   GLIDE_TEST_VALKEY_CLI     path or name of the cli binary    (default valkey-cli)
//   GLIDE_TEST_OPENSSL        path or name of the openssl CLI   (default openssl)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace glide_test {

// ---------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------

// Binds 127.0.0.1:0, reads the kernel-assigned port and closes the socket.
std::uint16_t free_port();

// Returns a port p such that both p and p + 10000 (the cluster bus port) are
// currently free on 127.0.0.1 (p <= 55535).
std::uint16_t free_cluster_port();

// Returns n distinct cluster ports: every p and p + 10000 is free, and no
// port of the set equals another one's bus port.
std::vector<std::uint16_t> free_cluster_ports(std::size_t n);

// ---------------------------------------------------------------------------
// Running helper processes
// ---------------------------------------------------------------------------

struct ProcessResult {
    int exit_code = -1;      // exit status; 128 + signal if killed by a signal
    bool timed_out = false;  // the process was SIGKILLed after the timeout
    std::string out;         // captured stdout
    std::string err;         // captured stderr
};

// Runs argv[0] (searched in PATH when it contains no '/') with stdin from
// /dev/null, capturing stdout and stderr. Kills the process if it does not
// finish within `timeout`. Throws std::runtime_error if it cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Removes trailing '\r' / '\n' characters.
std::string trim_newlines(std::string s);

// ---------------------------------------------------------------------------
// TLS material
// ---------------------------------------------------------------------------

struct TlsFiles {
    std::string dir;
    std::string ca_cert;
    std::string ca_key;
    std::string server_cert;  // CN=localhost, SAN DNS:localhost,IP:127.0.0.1,
                              // EKU serverAuth+clientAuth, signed by ca
    std::string server_key;
    std::string client_cert;  // CN=glide-test-client, EKU clientAuth, signed by ca
    std::string client_key;
    std::string other_ca_cert;  // unrelated CA: verifying the server with it must fail
    std::string other_ca_key;
};

// Creates the certificates above with the openssl CLI (RSA 2048, SHA-256) in
// `dir` (created if missing). All paths returned are absolute.
// Throws std::runtime_error if openssl fails.
TlsFiles make_test_certificates(const std::string& dir);

// Certificates generated once per process in a private temp dir (removed at
// process exit unless GLIDE_TEST_KEEP_LOGS is set). Used by TLS servers that
// are not given explicit TlsFiles.
const TlsFiles& shared_test_certificates();

// ---------------------------------------------------------------------------
// Standalone server
// ---------------------------------------------------------------------------

struct ServerOptions {
    bool tls = false;
    std::vector<std::string> extra_args;  // appended last to valkey-server's command line
    bool cluster = false;

    // 0 = pick a free port (and p + 10000 free too when cluster = true).
    std::uint16_t port = 0;
    // Empty = private mkdtemp dir under /tmp, removed by the destructor.
    // Non-empty = this dir is used (created if missing) and NOT removed.
    std::string dir;

    // TLS (tls = true): the server listens ONLY on the TLS port (--port 0).
    std::optional<TlsFiles> tls_files;          // default: shared_test_certificates()
    std::string tls_auth_clients = "optional";  // "yes" | "no" | "optional"

    // Cluster (cluster = true).
    int cluster_node_timeout_ms = 2000;

    // Authentication.
    std::string requirepass;  // --requirepass (and --masterauth); also used by cli()
    std::string aclfile;      // --aclfile <path>
    std::string cli_user;     // credentials used by cli() and the readiness probe;
    std::string cli_password; // cli_password defaults to requirepass

    // Adds --enable-debug-command yes (DEBUG SLEEP etc. are handy in tests).
    bool enable_debug_command = true;
    // Linux: the server gets SIGKILL when the thread that started it exits
    // (so servers do not outlive a crashed test binary). Disable if you
    // create servers from short-lived threads.
    bool kill_with_parent = true;

    std::chrono::milliseconds start_timeout{10000};  // readiness wait per start
    std::chrono::milliseconds bind_retry{5000};      // restart(): retry while port busy
    std::chrono::milliseconds cli_timeout{30000};    // per valkey-cli invocation
};

class ValkeyServer {
public:
    // Starts the server and waits until it answers PING. Throws
    // std::runtime_error (with the tail of the server log) on failure.
    explicit ValkeyServer(ServerOptions options = {});
    ~ValkeyServer();  // SIGKILL + reap, removes the temp dir (see GLIDE_TEST_KEEP_LOGS)

    ValkeyServer(const ValkeyServer&) = delete;
    ValkeyServer& operator=(const ValkeyServer&) = delete;
    ValkeyServer(ValkeyServer&&) = delete;
    ValkeyServer& operator=(ValkeyServer&&) = delete;

    const std::string& host() const { return host_; }  // "127.0.0.1"
    // The port clients connect to (the TLS port for a TLS server).
    std::uint16_t port() const { return port_; }
    // The TLS port (== port()) for a TLS server, 0 otherwise.
    std::uint16_t tls_port() const { return options_.tls ? port_ : 0; }
    bool is_tls() const { return options_.tls; }
    // The cluster bus port (port() + 10000) for a cluster node, 0 otherwise.
    std::uint16_t bus_port() const;
    // "127.0.0.1:<port>"
    std::string address() const;

    void kill9();    // SIGKILL and reap (no-op if not running)
    void stop();     // SIGTERM, wait up to 10 s (then SIGKILL), reap
    void start();    // start again (same port, options, dir) if not running; waits until ready
    void restart();  // stop() if running, then start()
    void suspend();  // SIGSTOP: the server hangs (for timeout tests)
    void resume();   // SIGCONT
    bool is_running();  // reaps the child if it has exited
    pid_t pid() const { return pid_; }  // -1 when not running

    const std::string& dir() const { return dir_; }
    std::string log_path() const;                 // <dir>/server.log
    std::string log_tail(std::size_t max_lines = 40) const;
    const ServerOptions& options() const { return options_; }
    // The certificates in use (TLS servers only; empty TlsFiles otherwise).
    const TlsFiles& tls_files() const { return tls_; }

    // Runs `valkey-cli -h 127.0.0.1 -p <port> [TLS flags] [auth] args...` and
    // returns its stdout with trailing newlines removed. valkey-cli's output is
    // "raw" (stdout is a pipe): e.g. "PONG", "OK", "v", "" for nil, and
    // "ERR ..." / "WRONGTYPE ..." for error replies (exit code is still 0).
    // Throws std::runtime_error if valkey-cli cannot be run or times out.
    std::string cli(const std::vector<std::string>& args);
    // Same, but returns everything (untrimmed stdout, stderr, exit code).
    ProcessResult cli_result(const std::vector<std::string>& args);
    // The connection flags cli() uses (-h, -p, TLS and auth flags), e.g. to
    // build your own valkey-cli invocation with run_process.
    std::vector<std::string> cli_connection_args() const;

private:
    void launch_and_wait(bool allow_new_port);
    void cleanup() noexcept;
    std::vector<std::string> server_args() const;
    bool probe_ready();
    void reap_blocking() noexcept;

    ServerOptions options_;
    std::string host_ = "127.0.0.1";
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
    std::string dir_;
    bool owns_dir_ = false;
    TlsFiles tls_;
};

// ---------------------------------------------------------------------------
// Cluster
// ---------------------------------------------------------------------------

struct ClusterOptions {
    // Per-node options: tls, extra_args, requirepass, cluster_node_timeout_ms,
    // tls_auth_clients, ... (`cluster`, `port` and `dir` are set by the cluster).
    ServerOptions server;
    int primaries = 3;
    int replicas_per_primary = 1;
    std::chrono::milliseconds form_timeout{60000};  // cluster create + health wait
};

class ValkeyCluster {
public:
    // Starts primaries * (1 + replicas_per_primary) cluster-enabled nodes
    // (default 6), runs `valkey-cli --cluster create ... --cluster-replicas N
    // --cluster-yes` and waits until healthy (see wait_until_healthy).
    explicit ValkeyCluster(ClusterOptions options = {});
    ~ValkeyCluster();  // kills every node, removes the cluster temp dir

    ValkeyCluster(const ValkeyCluster&) = delete;
    ValkeyCluster& operator=(const ValkeyCluster&) = delete;

    std::vector<ValkeyServer*> nodes() const;
    ValkeyServer& node(std::size_t i) const;
    ValkeyServer& node_by_port(std::uint16_t port) const;  // throws if unknown
    std::size_t size() const { return nodes_.size(); }

    const std::string& host() const { return host_; }
    std::uint16_t seed_port() const;              // port of node(0)
    std::vector<std::uint16_t> ports() const;     // all nodes, in node order
    // Current roles, as seen by CLUSTER NODES of the first running node (roles
    // change after a failover). Sorted ascending.
    std::vector<std::uint16_t> primary_ports() const;
    std::vector<std::uint16_t> replica_ports() const;

    // valkey-cli against the node listening on `port` (see ValkeyServer::cli).
    std::string cli(std::uint16_t port, const std::vector<std::string>& args) const;

    // Waits until every node runs and reports cluster_state:ok,
    // cluster_slots_ok:16384, knows all nodes, sees `primaries` masters and the
    // right number of replicas (no fail/handshake flags), every replica has
    // master_link_status:up and every master has all its replicas connected.
    // Throws std::runtime_error with the last reason on timeout.
    void wait_until_healthy(std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;
    // One health check; returns false and sets `why` if not healthy.
    bool is_healthy(std::string* why = nullptr) const;

    const std::string& dir() const { return dir_; }
    const ClusterOptions& options() const { return options_; }

private:
    void cleanup() noexcept;

    ClusterOptions options_;
    std::string host_ = "127.0.0.1";
    std::string dir_;
    std::vector<std::unique_ptr<ValkeyServer>> nodes_;
};

}  // namespace glide_test
