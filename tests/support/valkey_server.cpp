// Test-support harness: see valkey_server.hpp.
#include "valkey_server.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

extern char** environ;

namespace glide_test {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kLoopback = "127.0.0.1";
constexpr int kBusPortOffset = 10000;
constexpr std::uint16_t kMaxClusterPort = 65535 - kBusPortOffset;

bool keep_logs() {
    return std::getenv("GLIDE_TEST_KEEP_LOGS") != nullptr;
}

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return (v != nullptr && *v != '\0') ? std::string(v) : std::string(fallback);
}

std::string server_binary() {
    return env_or("GLIDE_TEST_VALKEY_SERVER", "valkey-server");
}
std::string cli_binary() {
    return env_or("GLIDE_TEST_VALKEY_CLI", "valkey-cli");
}
std::string openssl_binary() {
    return env_or("GLIDE_TEST_OPENSSL", "openssl");
}

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("glide_test: " + what);
}

std::string errno_text(int e) {
    return std::error_code(e, std::generic_category()).message();
}

std::string join(const std::vector<std::string>& v, const char* sep = " ") {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i != 0) out += sep;
        out += v[i];
    }
    return out;
}

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> lines;
    std::istringstream in(s);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

std::vector<std::string> split_ws(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

// "key:value" lines (INFO / CLUSTER INFO output).
std::map<std::string, std::string> parse_kv(const std::string& s) {
    std::map<std::string, std::string> kv;
    for (const auto& line : split_lines(s)) {
        auto colon = line.find(':');
        if (colon == std::string::npos || line.empty() || line[0] == '#') continue;
        kv[line.substr(0, colon)] = line.substr(colon + 1);
    }
    return kv;
}

std::string find_executable(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    const char* path_env = std::getenv("PATH");
    std::string path = (path_env != nullptr && *path_env != '\0') ? path_env
                                                                   : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string dir = path.substr(start, end - start);
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    fail("executable '" + name + "' not found in PATH (" + path + ")");
}

std::string make_temp_dir(const std::string& prefix) {
    std::string tmpl = "/tmp/" + prefix + "XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
        fail("mkdtemp(" + tmpl + ") failed: " + errno_text(errno));
    }
    return std::string(buf.data());
}

void remove_dir_or_keep(const std::string& dir, const std::string& what) noexcept {
    if (dir.empty()) return;
    if (keep_logs()) {
        std::fprintf(stderr, "glide_test: GLIDE_TEST_KEEP_LOGS set, keeping %s dir %s\n",
                     what.c_str(), dir.c_str());
        return;
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) fail("cannot write " + path);
    out << content;
    if (!out) fail("cannot write " + path);
}

std::string read_file_from(const std::string& path, std::uintmax_t offset) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in) return {};
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::uintmax_t file_size_or_zero(const std::string& path) {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    return ec ? 0 : size;
}

std::string last_lines(const std::string& text, std::size_t max_lines) {
    auto lines = split_lines(text);
    std::size_t first = lines.size() > max_lines ? lines.size() - max_lines : 0;
    std::string out;
    for (std::size_t i = first; i < lines.size(); ++i) {
        out += lines[i];
        out += '\n';
    }
    return out;
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

int status_to_exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

pid_t waitpid_eintr(pid_t pid, int* status, int flags) {
    pid_t r;
    do {
        r = ::waitpid(pid, status, flags);
    } while (r < 0 && errno == EINTR);
    return r;
}

// In the child only (async-signal-safe): make `fd` available as `target`
// without the close-on-exec flag.
void child_redirect(int fd, int target) {
    if (fd == target) {
        int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0) ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
    } else {
        ::dup2(fd, target);
    }
}

// fork + execv with the given stdio fds. The child's other fds are closed on
// exec, its signal mask is cleared and SIGPIPE/SIGCHLD are reset to default.
// Throws if the executable cannot be found or exec fails.
pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd,
            bool kill_with_parent) {
    if (argv.empty()) fail("spawn: empty argv");
    const std::string exe = find_executable(argv[0]);
    std::vector<char*> cargv;
    cargv.reserve(argv.size() + 1);
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);

    long max_fd = ::sysconf(_SC_OPEN_MAX);
    if (max_fd < 0 || max_fd > 65536) max_fd = 65536;
    const pid_t parent = ::getpid();

    int errpipe[2];
    if (::pipe2(errpipe, O_CLOEXEC) != 0) fail("pipe2 failed: " + errno_text(errno));

    const pid_t pid = ::fork();
    if (pid < 0) {
        int e = errno;
        ::close(errpipe[0]);
        ::close(errpipe[1]);
        fail("fork failed: " + errno_text(e));
    }
    if (pid == 0) {
        // Child: async-signal-safe calls only.
#ifdef __linux__
        if (kill_with_parent) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
        }
#else
        (void)kill_with_parent;
        (void)parent;
#endif
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        struct sigaction dfl;
        std::memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        ::sigaction(SIGPIPE, &dfl, nullptr);
        ::sigaction(SIGCHLD, &dfl, nullptr);

        child_redirect(in_fd, 0);
        child_redirect(out_fd, 1);
        child_redirect(err_fd, 2);

        // Nothing else of the test process leaks into the child.
        if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
            for (int fd = 3; fd < max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
        ::execve(exe.c_str(), cargv.data(), environ);
        int e = errno;
        ssize_t ignored = ::write(errpipe[1], &e, sizeof e);
        (void)ignored;
        ::_exit(127);
    }

    ::close(errpipe[1]);
    int child_errno = 0;
    ssize_t n;
    do {
        n = ::read(errpipe[0], &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    ::close(errpipe[0]);
    if (n > 0) {
        waitpid_eintr(pid, nullptr, 0);
        fail("cannot execute " + exe + ": " + errno_text(child_errno));
    }
    return pid;
}

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

Fd open_dev_null() {
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("cannot open /dev/null: " + errno_text(errno));
    return Fd(fd);
}

// Returns a bound (not listening) socket on 127.0.0.1:port, or -1.
int bind_loopback(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::uint16_t bound_port(int fd) {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        fail("getsockname failed: " + errno_text(errno));
    }
    return ntohs(addr.sin_port);
}

// Returns a connected socket to 127.0.0.1:port (with 1 s send/recv timeouts) or -1.
int connect_loopback(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    timeval tv{};
    tv.tv_sec = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int r;
    do {
        r = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    } while (r != 0 && errno == EINTR);
    if (r != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Inline PING over plain TCP. Ready on +PONG or on an auth error (the server
// is up but wants credentials); not ready on -LOADING or no answer.
bool plain_ping_ready(std::uint16_t port) {
    Fd fd(connect_loopback(port));
    if (fd.get() < 0) return false;
    static const char kPing[] = "PING\r\n";
    if (::send(fd.get(), kPing, sizeof kPing - 1, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof kPing - 1)) {
        return false;
    }
    std::string reply;
    char buf[256];
    while (reply.find('\n') == std::string::npos && reply.size() < 4096) {
        ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
    }
    if (reply.rfind("+PONG", 0) == 0) return true;
    if (reply.rfind("-NOAUTH", 0) == 0 || reply.rfind("-WRONGPASS", 0) == 0 ||
        reply.rfind("-NOPERM", 0) == 0) {
        return true;
    }
    return false;
}

bool cli_output_ready(const std::string& out) {
    return out.find("PONG") != std::string::npos || out.rfind("NOAUTH", 0) == 0 ||
           out.rfind("WRONGPASS", 0) == 0 || out.rfind("NOPERM", 0) == 0;
}

std::vector<std::string> security_args(const ServerOptions& o, const TlsFiles& tls) {
    std::vector<std::string> args;
    if (o.tls) {
        args.insert(args.end(), {"--tls", "--cacert", tls.ca_cert, "--cert", tls.client_cert,
                                 "--key", tls.client_key});
    }
    const std::string password = !o.cli_password.empty() ? o.cli_password : o.requirepass;
    if (!o.cli_user.empty()) args.insert(args.end(), {"--user", o.cli_user});
    if (!password.empty()) args.insert(args.end(), {"--pass", password});
    if (!o.cli_user.empty() || !password.empty()) args.emplace_back("--no-auth-warning");
    return args;
}

// Port from a CLUSTER NODES address field "ip:port@cport[,hostname]".
std::uint16_t port_from_node_address(const std::string& addr) {
    auto colon = addr.rfind(':', addr.find('@'));
    auto at = addr.find('@');
    if (colon == std::string::npos) return 0;
    std::string p = addr.substr(colon + 1, at == std::string::npos ? std::string::npos : at - colon - 1);
    try {
        return static_cast<std::uint16_t>(std::stoul(p));
    } catch (...) {
        return 0;
    }
}

bool has_flag(const std::string& flags, const std::string& flag) {
    std::size_t start = 0;
    while (start <= flags.size()) {
        std::size_t end = flags.find(',', start);
        if (end == std::string::npos) end = flags.size();
        if (flags.compare(start, end - start, flag) == 0) return true;
        start = end + 1;
    }
    return false;
}

}  // namespace

// ---------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------

std::uint16_t free_port() {
    Fd fd(bind_loopback(0));
    if (fd.get() < 0) fail("free_port: cannot bind 127.0.0.1:0: " + errno_text(errno));
    return bound_port(fd.get());
}

namespace {
// Picks n cluster ports while holding all the probe sockets, so the set is
// distinct and no port is another one's bus port.
std::vector<std::uint16_t> pick_cluster_ports(std::size_t n) {
    std::vector<std::unique_ptr<Fd>> held;
    std::vector<std::uint16_t> ports;
    for (int attempt = 0; ports.size() < n; ++attempt) {
        if (attempt > 2000) fail("could not find free cluster ports (p and p+10000)");
        auto fd = std::make_unique<Fd>(bind_loopback(0));
        if (fd->get() < 0) continue;
        std::uint16_t p = bound_port(fd->get());
        if (p == 0 || p > kMaxClusterPort) continue;
        auto bus = std::make_unique<Fd>(bind_loopback(static_cast<std::uint16_t>(p + kBusPortOffset)));
        if (bus->get() < 0) continue;
        ports.push_back(p);
        held.push_back(std::move(fd));
        held.push_back(std::move(bus));
    }
    return ports;
}
}  // namespace

std::uint16_t free_cluster_port() {
    return pick_cluster_ports(1).front();
}

std::vector<std::uint16_t> free_cluster_ports(std::size_t n) {
    return pick_cluster_ports(n);
}

// ---------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------

std::string trim_newlines(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    int outp[2];
    int errp[2];
    if (::pipe2(outp, O_CLOEXEC) != 0) fail("pipe2 failed: " + errno_text(errno));
    Fd out_r(outp[0]);
    Fd out_w(outp[1]);
    if (::pipe2(errp, O_CLOEXEC) != 0) fail("pipe2 failed: " + errno_text(errno));
    Fd err_r(errp[0]);
    Fd err_w(errp[1]);
    Fd null_in = open_dev_null();

    const pid_t pid = spawn(argv, null_in.get(), out_w.get(), err_w.get(), true);
    out_w.reset();
    err_w.reset();
    null_in.reset();

    ProcessResult result;
    const auto deadline = Clock::now() + timeout;
    bool out_open = true;
    bool err_open = true;
    char buf[8192];
    while (out_open || err_open) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd fds[2];
        nfds_t nfds = 0;
        if (out_open) fds[nfds++] = pollfd{out_r.get(), POLLIN, 0};
        if (err_open) fds[nfds++] = pollfd{err_r.get(), POLLIN, 0};
        int pr = ::poll(fds, nfds, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (pr < 0) {
            if (errno == EINTR) continue;
            ::kill(pid, SIGKILL);
            waitpid_eintr(pid, nullptr, 0);
            fail("poll failed: " + errno_text(errno));
        }
        for (nfds_t i = 0; i < nfds; ++i) {
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            bool is_out = fds[i].fd == out_r.get();
            if (n <= 0) {
                (is_out ? out_open : err_open) = false;
            } else {
                (is_out ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    int status = 0;
    if (waitpid_eintr(pid, &status, 0) == pid) {
        result.exit_code = status_to_exit_code(status);
    }
    return result;
}

// ---------------------------------------------------------------------------
// TLS material
// ---------------------------------------------------------------------------

namespace {

void run_openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{openssl_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = run_process(argv, 60s);
    if (r.timed_out || r.exit_code != 0) {
        fail("openssl failed (" + (r.timed_out ? std::string("timed out") : "exit code " + std::to_string(r.exit_code)) +
             "): " + join(argv) + "\n" + r.out + r.err);
    }
}

std::string req_config(const std::string& cn) {
    return "[req]\n"
           "distinguished_name = dn\n"
           "prompt = no\n"
           "[dn]\n"
           "CN = " + cn + "\n"
           "[v3_ca]\n"
           "basicConstraints = critical,CA:TRUE\n"
           "keyUsage = critical,keyCertSign,cRLSign\n"
           "subjectKeyIdentifier = hash\n"
           "authorityKeyIdentifier = keyid:always,issuer\n";
}

void make_ca(const std::string& dir, const std::string& name, const std::string& cn) {
    const std::string cnf = dir + "/" + name + ".cnf";
    write_file(cnf, req_config(cn));
    run_openssl({"req", "-x509", "-new", "-nodes", "-newkey", "rsa:2048", "-sha256", "-days", "3650",
                 "-keyout", dir + "/" + name + ".key", "-out", dir + "/" + name + ".crt", "-config", cnf,
                 "-extensions", "v3_ca"});
}

void make_leaf(const std::string& dir, const std::string& name, const std::string& cn,
               const std::string& extensions, const std::string& ca, const std::string& serial) {
    const std::string cnf = dir + "/" + name + ".cnf";
    const std::string ext = dir + "/" + name + ".ext";
    const std::string csr = dir + "/" + name + ".csr";
    write_file(cnf, req_config(cn));
    write_file(ext, extensions);
    run_openssl({"req", "-new", "-nodes", "-newkey", "rsa:2048", "-sha256", "-keyout",
                 dir + "/" + name + ".key", "-out", csr, "-config", cnf});
    run_openssl({"x509", "-req", "-in", csr, "-CA", dir + "/" + ca + ".crt", "-CAkey", dir + "/" + ca + ".key",
                 "-set_serial", serial, "-days", "3650", "-sha256", "-extfile", ext, "-out",
                 dir + "/" + name + ".crt"});
}

}  // namespace

TlsFiles make_test_certificates(const std::string& dir_in) {
    std::error_code ec;
    fs::create_directories(dir_in, ec);
    if (ec) fail("cannot create " + dir_in + ": " + ec.message());
    const std::string dir = fs::absolute(dir_in).lexically_normal().string();

    make_ca(dir, "ca", "Glide Test CA");
    make_ca(dir, "other_ca", "Glide Test Other CA");
    make_leaf(dir, "server", "localhost",
              "basicConstraints = CA:FALSE\n"
              "keyUsage = critical,digitalSignature,keyEncipherment\n"
              "extendedKeyUsage = serverAuth,clientAuth\n"
              "subjectAltName = DNS:localhost,IP:127.0.0.1\n",
              "ca", "0x1001");
    make_leaf(dir, "client", "glide-test-client",
              "basicConstraints = CA:FALSE\n"
              "keyUsage = critical,digitalSignature,keyEncipherment\n"
              "extendedKeyUsage = clientAuth\n",
              "ca", "0x1002");

    TlsFiles f;
    f.dir = dir;
    f.ca_cert = dir + "/ca.crt";
    f.ca_key = dir + "/ca.key";
    f.server_cert = dir + "/server.crt";
    f.server_key = dir + "/server.key";
    f.client_cert = dir + "/client.crt";
    f.client_key = dir + "/client.key";
    f.other_ca_cert = dir + "/other_ca.crt";
    f.other_ca_key = dir + "/other_ca.key";
    return f;
}

const TlsFiles& shared_test_certificates() {
    struct Holder {
        std::string dir;
        TlsFiles files;
        Holder() : dir(make_temp_dir("glide-test-tls-")) {
            try {
                files = make_test_certificates(dir);
            } catch (...) {
                remove_dir_or_keep(dir, "TLS certificate");
                throw;
            }
        }
        ~Holder() { remove_dir_or_keep(dir, "TLS certificate"); }
        Holder(const Holder&) = delete;
        Holder& operator=(const Holder&) = delete;
    };
    static const Holder holder;
    return holder.files;
}

// ---------------------------------------------------------------------------
// ValkeyServer
// ---------------------------------------------------------------------------

ValkeyServer::ValkeyServer(ServerOptions options) : options_(std::move(options)) {
    try {
        if (options_.dir.empty()) {
            dir_ = make_temp_dir("glide-test-valkey-");
            owns_dir_ = true;
        } else {
            std::error_code ec;
            fs::create_directories(options_.dir, ec);
            if (ec) fail("cannot create " + options_.dir + ": " + ec.message());
            dir_ = fs::absolute(options_.dir).lexically_normal().string();
        }
        if (options_.tls) {
            tls_ = options_.tls_files ? *options_.tls_files : shared_test_certificates();
        }
        const bool pick_port = options_.port == 0;
        if (pick_port) {
            port_ = options_.cluster ? free_cluster_port() : free_port();
        } else {
            port_ = options_.port;
        }
        launch_and_wait(pick_port);
    } catch (...) {
        cleanup();
        throw;
    }
}

ValkeyServer::~ValkeyServer() {
    cleanup();
}

void ValkeyServer::cleanup() noexcept {
    kill9();
    if (owns_dir_) {
        remove_dir_or_keep(dir_, "valkey-server (port " + std::to_string(port_) + ")");
        owns_dir_ = false;
    }
}

std::uint16_t ValkeyServer::bus_port() const {
    return options_.cluster ? static_cast<std::uint16_t>(port_ + kBusPortOffset) : 0;
}

std::string ValkeyServer::address() const {
    return host_ + ":" + std::to_string(port_);
}

std::string ValkeyServer::log_path() const {
    return dir_ + "/server.log";
}

std::string ValkeyServer::log_tail(std::size_t max_lines) const {
    return last_lines(read_file_from(log_path(), 0), max_lines);
}

std::vector<std::string> ValkeyServer::server_args() const {
    const std::string port = std::to_string(port_);
    std::vector<std::string> a{server_binary()};
    if (options_.tls) {
        a.insert(a.end(), {"--port", "0", "--tls-port", port, "--tls-cert-file", tls_.server_cert,
                           "--tls-key-file", tls_.server_key, "--tls-ca-cert-file", tls_.ca_cert,
                           "--tls-auth-clients", options_.tls_auth_clients, "--tls-replication", "yes"});
        if (options_.cluster) a.insert(a.end(), {"--tls-cluster", "yes"});
    } else {
        a.insert(a.end(), {"--port", port});
    }
    a.insert(a.end(), {"--bind", kLoopback, "--save", "", "--appendonly", "no", "--dir", dir_,
                       "--daemonize", "no", "--logfile", log_path(), "--repl-diskless-sync-delay", "0"});
    if (options_.enable_debug_command) a.insert(a.end(), {"--enable-debug-command", "yes"});
    if (options_.cluster) {
        a.insert(a.end(), {"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                           "--cluster-node-timeout", std::to_string(options_.cluster_node_timeout_ms)});
    }
    if (!options_.requirepass.empty()) {
        a.insert(a.end(), {"--requirepass", options_.requirepass, "--masterauth", options_.requirepass});
    }
    if (!options_.aclfile.empty()) a.insert(a.end(), {"--aclfile", options_.aclfile});
    a.insert(a.end(), options_.extra_args.begin(), options_.extra_args.end());
    return a;
}

bool ValkeyServer::probe_ready() {
    if (!options_.tls) return plain_ping_ready(port_);
    {
        Fd fd(connect_loopback(port_));
        if (fd.get() < 0) return false;
    }
    std::vector<std::string> argv{cli_binary()};
    auto conn = cli_connection_args();
    argv.insert(argv.end(), conn.begin(), conn.end());
    argv.emplace_back("PING");
    ProcessResult r = run_process(argv, 5s);
    return !r.timed_out && cli_output_ready(r.out);
}

void ValkeyServer::launch_and_wait(bool allow_new_port) {
    const auto bind_deadline = Clock::now() + options_.bind_retry;
    for (int attempt = 1;; ++attempt) {
        const std::string log = log_path();
        const std::uintmax_t log_offset = file_size_or_zero(log);
        {
            int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (log_fd < 0) fail("cannot open " + log + ": " + errno_text(errno));
            Fd log_guard(log_fd);
            Fd null_in = open_dev_null();
            pid_ = spawn(server_args(), null_in.get(), log_fd, log_fd, options_.kill_with_parent);
        }

        const auto deadline = Clock::now() + options_.start_timeout;
        bool retry = false;
        while (true) {
            int status = 0;
            pid_t r = waitpid_eintr(pid_, &status, WNOHANG);
            if (r == pid_ || (r < 0 && errno == ECHILD)) {
                const bool have_status = r == pid_;
                pid_ = -1;
                const std::string new_log = read_file_from(log, log_offset);
                const bool port_busy = new_log.find("Address already in use") != std::string::npos;
                if (port_busy && allow_new_port && attempt < 10) {
                    port_ = options_.cluster ? free_cluster_port() : free_port();
                    retry = true;
                    break;
                }
                if (port_busy && !allow_new_port && Clock::now() < bind_deadline) {
                    std::this_thread::sleep_for(200ms);
                    retry = true;
                    break;
                }
                fail("valkey-server on port " + std::to_string(port_) + " exited during startup (" +
                     (have_status ? describe_status(status) : std::string("status unavailable")) +
                     (port_busy ? ", port busy" : "") + "); dir " + dir_ + "\n--- server log (tail) ---\n" +
                     last_lines(new_log, 40));
            }
            if (probe_ready()) return;
            if (Clock::now() >= deadline) {
                kill9();
                fail("valkey-server on port " + std::to_string(port_) + " did not answer PING within " +
                     std::to_string(options_.start_timeout.count()) + " ms; dir " + dir_ +
                     "\n--- server log (tail) ---\n" + last_lines(read_file_from(log, log_offset), 40));
            }
            std::this_thread::sleep_for(20ms);
        }
        if (!retry) return;
    }
}

void ValkeyServer::reap_blocking() noexcept {
    if (pid_ > 0) waitpid_eintr(pid_, nullptr, 0);
    pid_ = -1;
}

void ValkeyServer::kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    reap_blocking();
}

void ValkeyServer::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::kill(pid_, SIGCONT);  // in case it was suspended
    const auto deadline = Clock::now() + 10s;
    while (Clock::now() < deadline) {
        pid_t r = waitpid_eintr(pid_, nullptr, WNOHANG);
        if (r == pid_ || (r < 0 && errno == ECHILD)) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(20ms);
    }
    kill9();
}

void ValkeyServer::start() {
    if (is_running()) return;
    launch_and_wait(false);
}

void ValkeyServer::restart() {
    if (is_running()) stop();
    start();
}

void ValkeyServer::suspend() {
    if (pid_ <= 0) fail("suspend: server on port " + std::to_string(port_) + " is not running");
    ::kill(pid_, SIGSTOP);
    int status = 0;
    pid_t r = waitpid_eintr(pid_, &status, WUNTRACED);
    if (r == pid_ && !WIFSTOPPED(status)) {
        pid_ = -1;
        fail("suspend: server on port " + std::to_string(port_) + " exited (" + describe_status(status) + ")");
    }
}

void ValkeyServer::resume() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
}

bool ValkeyServer::is_running() {
    if (pid_ <= 0) return false;
    pid_t r = waitpid_eintr(pid_, nullptr, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
        pid_ = -1;
        return false;
    }
    return true;
}

std::vector<std::string> ValkeyServer::cli_connection_args() const {
    std::vector<std::string> args{"-h", host_, "-p", std::to_string(port_)};
    auto sec = security_args(options_, tls_);
    args.insert(args.end(), sec.begin(), sec.end());
    return args;
}

ProcessResult ValkeyServer::cli_result(const std::vector<std::string>& args) {
    std::vector<std::string> argv{cli_binary()};
    auto conn = cli_connection_args();
    argv.insert(argv.end(), conn.begin(), conn.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, options_.cli_timeout);
}

std::string ValkeyServer::cli(const std::vector<std::string>& args) {
    ProcessResult r = cli_result(args);
    if (r.timed_out) {
        fail("valkey-cli " + join(args) + " against port " + std::to_string(port_) + " timed out after " +
             std::to_string(options_.cli_timeout.count()) + " ms");
    }
    if (r.exit_code != 0) {
        fail("valkey-cli " + join(args) + " against port " + std::to_string(port_) + " failed (exit code " +
             std::to_string(r.exit_code) + "): " + trim_newlines(r.err) + trim_newlines(r.out));
    }
    return trim_newlines(std::move(r.out));
}

// ---------------------------------------------------------------------------
// ValkeyCluster
// ---------------------------------------------------------------------------

ValkeyCluster::ValkeyCluster(ClusterOptions options) : options_(std::move(options)) {
    if (options_.primaries < 3) fail("ValkeyCluster needs at least 3 primaries (valkey-cli --cluster create)");
    if (options_.replicas_per_primary < 0) fail("ValkeyCluster: replicas_per_primary must be >= 0");
    const auto deadline = Clock::now() + options_.form_timeout;
    try {
        dir_ = make_temp_dir("glide-test-cluster-");
        ServerOptions so = options_.server;
        so.cluster = true;
        so.port = 0;
        if (so.tls && !so.tls_files) so.tls_files = shared_test_certificates();
        const int n = options_.primaries * (1 + options_.replicas_per_primary);
        for (int i = 0; i < n; ++i) {
            so.dir = dir_ + "/node-" + std::to_string(i);
            nodes_.push_back(std::make_unique<ValkeyServer>(so));
        }

        std::vector<std::string> argv{cli_binary()};
        {
            auto sec = security_args(nodes_.front()->options(), nodes_.front()->tls_files());
            argv.insert(argv.end(), sec.begin(), sec.end());
        }
        argv.insert(argv.end(), {"--cluster", "create"});
        for (const auto& node : nodes_) argv.push_back(node->address());
        argv.insert(argv.end(), {"--cluster-replicas", std::to_string(options_.replicas_per_primary),
                                 "--cluster-yes"});
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        ProcessResult r = run_process(argv, std::max(left, std::chrono::milliseconds(1000)));
        if (r.timed_out || r.exit_code != 0 || r.out.find("All 16384 slots covered") == std::string::npos) {
            fail("valkey-cli --cluster create failed (" +
                 (r.timed_out ? std::string("timed out") : "exit code " + std::to_string(r.exit_code)) +
                 "); dir " + dir_ + "\n--- stdout ---\n" + r.out + "\n--- stderr ---\n" + r.err);
        }
        left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        wait_until_healthy(std::max(left, std::chrono::milliseconds(1000)));
    } catch (...) {
        cleanup();
        throw;
    }
}

ValkeyCluster::~ValkeyCluster() {
    cleanup();
}

void ValkeyCluster::cleanup() noexcept {
    nodes_.clear();  // each node is SIGKILLed and reaped
    remove_dir_or_keep(dir_, "valkey cluster");
    dir_.clear();
}

std::vector<ValkeyServer*> ValkeyCluster::nodes() const {
    std::vector<ValkeyServer*> out;
    out.reserve(nodes_.size());
    for (const auto& n : nodes_) out.push_back(n.get());
    return out;
}

ValkeyServer& ValkeyCluster::node(std::size_t i) const {
    if (i >= nodes_.size()) fail("ValkeyCluster::node(" + std::to_string(i) + "): out of range");
    return *nodes_[i];
}

ValkeyServer& ValkeyCluster::node_by_port(std::uint16_t port) const {
    for (const auto& n : nodes_) {
        if (n->port() == port) return *n;
    }
    fail("ValkeyCluster: no node listens on port " + std::to_string(port));
}

std::uint16_t ValkeyCluster::seed_port() const {
    return node(0).port();
}

std::vector<std::uint16_t> ValkeyCluster::ports() const {
    std::vector<std::uint16_t> out;
    for (const auto& n : nodes_) out.push_back(n->port());
    return out;
}

namespace {
std::vector<std::uint16_t> ports_with_role(const std::vector<std::unique_ptr<ValkeyServer>>& nodes,
                                           const char* role) {
    for (const auto& n : nodes) {
        if (!n->is_running()) continue;
        std::vector<std::uint16_t> out;
        for (const auto& line : split_lines(n->cli({"CLUSTER", "NODES"}))) {
            auto f = split_ws(line);
            if (f.size() < 8) continue;
            if (has_flag(f[2], "fail") || has_flag(f[2], "fail?")) continue;
            bool is_primary = has_flag(f[2], "master");
            bool is_replica = has_flag(f[2], "slave") || has_flag(f[2], "replica");
            if ((std::strcmp(role, "primary") == 0 && is_primary) ||
                (std::strcmp(role, "replica") == 0 && is_replica)) {
                out.push_back(port_from_node_address(f[1]));
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    fail("ValkeyCluster: no node is running");
}
}  // namespace

std::vector<std::uint16_t> ValkeyCluster::primary_ports() const {
    return ports_with_role(nodes_, "primary");
}

std::vector<std::uint16_t> ValkeyCluster::replica_ports() const {
    return ports_with_role(nodes_, "replica");
}

std::string ValkeyCluster::cli(std::uint16_t port, const std::vector<std::string>& args) const {
    return node_by_port(port).cli(args);
}

bool ValkeyCluster::is_healthy(std::string* why) const {
    auto bad = [&](const std::string& reason) {
        if (why != nullptr) *why = reason;
        return false;
    };
    const std::size_t n = nodes_.size();
    const std::size_t primaries = static_cast<std::size_t>(options_.primaries);
    const std::size_t replicas = n - primaries;
    try {
        for (std::size_t i = 0; i < n; ++i) {
            ValkeyServer& node = *nodes_[i];
            const std::string who = "node " + std::to_string(i) + " (port " + std::to_string(node.port()) + ")";
            if (!node.is_running()) return bad(who + " is not running");

            auto info = parse_kv(node.cli({"CLUSTER", "INFO"}));
            if (info["cluster_state"] != "ok") return bad(who + ": cluster_state:" + info["cluster_state"]);
            if (info["cluster_slots_ok"] != "16384") return bad(who + ": cluster_slots_ok:" + info["cluster_slots_ok"]);
            if (info["cluster_known_nodes"] != std::to_string(n)) {
                return bad(who + ": cluster_known_nodes:" + info["cluster_known_nodes"]);
            }

            std::size_t masters = 0;
            std::size_t slaves = 0;
            for (const auto& line : split_lines(node.cli({"CLUSTER", "NODES"}))) {
                auto f = split_ws(line);
                if (f.size() < 8) continue;
                const std::string& flags = f[2];
                for (const char* badflag : {"fail", "fail?", "handshake", "noaddr"}) {
                    if (has_flag(flags, badflag)) return bad(who + " sees flags " + flags + " on " + f[1]);
                }
                if (f[7] != "connected") return bad(who + " sees link " + f[7] + " to " + f[1]);
                if (has_flag(flags, "master")) ++masters;
                if (has_flag(flags, "slave") || has_flag(flags, "replica")) ++slaves;
            }
            if (masters != primaries || slaves != replicas) {
                return bad(who + " sees " + std::to_string(masters) + " primaries and " + std::to_string(slaves) +
                           " replicas");
            }
            // Each replica in its primary's shard, as every node sees it. Until the shard ids have
            // settled, a node killed and restarted cannot read its own nodes.conf back ("corrupted
            // cluster config file": Valkey 8.0, valkey-io/valkey#774), and a test restarting one
            // would fail for the server's sake. (CLUSTER SHARDS groups the nodes by shard id.)
            std::size_t shards = 0;
            for (const auto& line : split_lines(node.cli({"CLUSTER", "SHARDS"}))) {
                if (line == "slots") ++shards;
            }
            if (shards != primaries) return bad(who + " sees " + std::to_string(shards) + " shards");

            auto repl = parse_kv(node.cli({"INFO", "replication"}));
            if (repl["role"] == "master") {
                if (repl["connected_slaves"] != std::to_string(options_.replicas_per_primary)) {
                    return bad(who + " (primary) has connected_slaves:" + repl["connected_slaves"]);
                }
            } else if (repl["role"] == "slave") {
                if (repl["master_link_status"] != "up") {
                    return bad(who + " (replica) has master_link_status:" + repl["master_link_status"]);
                }
            } else {
                return bad(who + " has role:" + repl["role"]);
            }
        }
    } catch (const std::exception& e) {
        return bad(e.what());
    }
    return true;
}

void ValkeyCluster::wait_until_healthy(std::chrono::milliseconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    std::string why;
    while (true) {
        if (is_healthy(&why)) return;
        if (Clock::now() >= deadline) {
            fail("cluster in " + dir_ + " not healthy after " + std::to_string(timeout.count()) +
                 " ms: " + why);
        }
        std::this_thread::sleep_for(100ms);
    }
}

}  // namespace glide_test
