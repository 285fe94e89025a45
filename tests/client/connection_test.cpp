// Connection-level integration tests: protocols, TLS, authentication, database selection,
// multiplexing, timeouts, server loss and reconnection, close(), configuration errors, the
// in-flight limit, lazy connection and the sync client under many threads. Every test talks to
// real valkey-server processes started by the harness (tests/support/valkey_server.hpp).
#include "fixtures.hpp"

#include <glide/logging.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using glide::errc;
using glide_test::ServerOptions;
using glide_test::shared_server;
using glide_test::unique_key;
using glide_test::ValkeyServer;
using Clock = std::chrono::steady_clock;

namespace {

// An io_context run by a background thread, so a test can start asynchronous operations with
// use_future and assert on their results directly.
class IoThread {
 public:
  IoThread() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;
  ~IoThread() {
    // Clients are destroyed (and so closed) before this: let their last handlers run, but do not
    // wait forever for a connection that keeps work alive.
    work_.reset();
    for (int i = 0; i < 200 && !io_.stopped(); ++i) std::this_thread::sleep_for(10ms);
    io_.stop();
    thread_.join();
  }
  asio::any_io_executor executor() { return io_.get_executor(); }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

// Waits for a future but never hangs the test binary: an operation that never completes is a
// test failure (an exception), not a stuck ctest.
template <class T>
T wait(std::future<T> f, std::chrono::milliseconds limit = 15s) {
  if (f.wait_for(limit) != std::future_status::ready) throw std::runtime_error("the operation did not complete in time");
  return f.get();
}

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

glide::GlideClientConfiguration make_config(const ValkeyServer& server) {
  glide::GlideClientConfiguration c;
  c.addresses.push_back({server.host(), server.port()});
  c.request_timeout = 2000ms;
  return c;
}

glide::Result<glide::GlideClient> create(IoThread& io, glide::GlideClientConfiguration config) {
  return wait(glide::GlideClient::create(io.executor(), std::move(config), asio::use_future));
}

// Fast reconnects, for the tests that stop and restart servers.
glide::BackoffStrategy quick_backoff() {
  glide::BackoffStrategy b;
  b.num_of_retries = 3;
  b.factor = 25;
  b.exponent_base = 2;
  b.jitter_percent = 10;
  return b;
}

ServerOptions tls_server_options(std::string auth_clients = "optional") {
  ServerOptions o;
  o.tls = true;
  o.tls_auth_clients = std::move(auth_clients);
  return o;
}

std::string temp_dir(const std::string& tag) {
  std::string pattern = (std::filesystem::temp_directory_path() / ("glide-conn-" + tag + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

void run_openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = glide_test::run_process(argv, 60s);
  if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + r.out + r.err);
}

// The test CA's files, with a server certificate that names only "wrong.example.invalid": the
// chain verifies, the host name does not.
glide_test::TlsFiles wrong_name_certificates(const std::string& dir) {
  glide_test::TlsFiles files = glide_test::shared_test_certificates();
  const std::string key = dir + "/wrong.key", csr = dir + "/wrong.csr", crt = dir + "/wrong.crt", ext = dir + "/wrong.ext";
  write_text(ext,
             "basicConstraints = CA:FALSE\n"
             "keyUsage = critical,digitalSignature,keyEncipherment\n"
             "extendedKeyUsage = serverAuth\n"
             "subjectAltName = DNS:wrong.example.invalid\n");
  run_openssl({"req", "-new", "-nodes", "-newkey", "rsa:2048", "-sha256", "-keyout", key, "-out", csr, "-subj",
               "/CN=wrong.example.invalid"});
  run_openssl({"x509", "-req", "-in", csr, "-CA", files.ca_cert, "-CAkey", files.ca_key, "-set_serial", "0x2001",
               "-days", "30", "-sha256", "-extfile", ext, "-out", crt});
  files.server_cert = crt;
  files.server_key = key;
  return files;
}

// Captures everything the library logs (trace level and up) while alive, then puts the previous
// logger back. Read text() only once no client is running any more.
class CapturedLogs {
 public:
  CapturedLogs() : previous_(glide::get_logger()) {
    auto logger = std::make_shared<spdlog::logger>("glide-capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_level(spdlog::level::trace);
    glide::set_logger(std::move(logger));
  }
  CapturedLogs(const CapturedLogs&) = delete;
  CapturedLogs& operator=(const CapturedLogs&) = delete;
  ~CapturedLogs() { glide::set_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

// A TCP proxy in front of a server whose existing connections can be made to die silently: the
// sockets stay open and every byte is dropped, as on a dead network path that sends no RST (a
// paused VM, an expired NAT entry). Connections made afterwards are forwarded normally.
class SilentDeathProxy {
 public:
  explicit SilentDeathProxy(std::uint16_t target)
      : target_(target), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  SilentDeathProxy(const SilentDeathProxy&) = delete;
  SilentDeathProxy& operator=(const SilentDeathProxy&) = delete;
  ~SilentDeathProxy() {
    io_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  int connections() const { return accepted_; }
  // Every connection open now stops forwarding, for good.
  void kill_existing() { ++epoch_; }

 private:
  using tcp = asio::ip::tcp;
  using Socket = std::shared_ptr<tcp::socket>;

  asio::awaitable<void> accept_loop() {
    const tcp::endpoint target(asio::ip::make_address("127.0.0.1"), target_);
    for (;;) {
      boost::system::error_code ec;
      auto client = std::make_shared<tcp::socket>(io_);
      co_await acceptor_.async_accept(*client, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      ++accepted_;
      auto server = std::make_shared<tcp::socket>(io_);
      co_await server->async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) continue;
      const int epoch = epoch_;
      asio::co_spawn(io_, pump(client, server, epoch), asio::detached);
      asio::co_spawn(io_, pump(server, client, epoch), asio::detached);
    }
  }

  asio::awaitable<void> pump(Socket from, Socket to, int epoch) {
    std::vector<char> buffer(16384);
    boost::system::error_code ec;
    for (;;) {
      const std::size_t n = co_await from->async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      if (epoch != epoch_) continue;  // dead: the bytes go nowhere
      co_await asio::async_write(*to, asio::buffer(buffer.data(), n), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    from->close(ec);
    to->close(ec);
  }

  asio::io_context io_;
  std::uint16_t target_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<int> epoch_{0};
  std::thread thread_;
};

}  // namespace

// ---- 1. RESP2 and RESP3 --------------------------------------------------------------------

namespace {

// What a user sees from the same commands; everything but the server-dependent parts compares
// equal across protocols.
struct Snapshot {
  std::optional<std::string> set_reply, get_hit, get_miss, hget;
  std::vector<std::pair<std::string, std::string>> hgetall;
  std::vector<std::string> smembers, lrange, zrange;
  std::vector<std::optional<std::string>> mget;
  std::int64_t incr = 0, exists = 0, del = 0, ttl = 0;
  bool expire = false;
  std::optional<double> zscore, zscore_missing;
  std::optional<std::string> client_name;
  std::vector<std::pair<std::string, std::string>> custom_hgetall;  // custom_command + as<>
  bool custom_nil = false;
  std::string ping;
  std::int64_t batch_incr = 0;
  std::optional<std::string> batch_get;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

struct Unstable {
  std::pair<std::int64_t, std::int64_t> time{};
  std::string info;
  std::string client_info;
  glide::ValueKind hgetall_kind = glide::ValueKind::nil;
};

std::pair<Snapshot, Unstable> snapshot(glide::ProtocolVersion protocol) {
  auto config = make_config(shared_server());
  config.protocol = protocol;
  config.client_name = "conn-test-client";
  auto client = glide::sync::GlideClient::create(config).value();
  const std::string p = unique_key("resp");
  Snapshot s;
  Unstable u;
  s.set_reply = client.set(p + ":str", "hello").value();
  s.get_hit = client.get(p + ":str").value();
  s.get_miss = client.get(p + ":missing").value();
  client.hset(p + ":hash", {{"f1", "v1"}, {"f2", "v2"}, {"f3", ""}}).value();
  s.hget = client.hget(p + ":hash", "f2").value();
  s.hgetall = client.hgetall(p + ":hash").value();
  std::sort(s.hgetall.begin(), s.hgetall.end());
  client.sadd(p + ":set", {"a", "b", "c"}).value();
  s.smembers = client.smembers(p + ":set").value();
  std::sort(s.smembers.begin(), s.smembers.end());
  client.rpush(p + ":list", {"x", "y", "z"}).value();
  s.lrange = client.lrange(p + ":list", 0, -1).value();
  client.zadd(p + ":zset", {{"one", 1.0}, {"half", 0.5}, {"two", 2.25}}).value();
  s.zrange = client.zrange(p + ":zset", 0, -1).value();
  s.zscore = client.zscore(p + ":zset", "two").value();
  s.zscore_missing = client.zscore(p + ":zset", "nobody").value();
  s.mget = client.mget({p + ":str", p + ":missing"}).value();
  s.incr = client.incr(p + ":counter").value();
  s.exists = client.exists({p + ":str", p + ":missing", p + ":hash"}).value();
  s.expire = client.expire(p + ":str", 100).value();
  s.ttl = client.ttl(p + ":str").value();
  s.del = client.del({p + ":list", p + ":missing"}).value();
  s.client_name = client.custom_command({"CLIENT", "GETNAME"}).value().as<std::optional<std::string>>().value();
  auto raw = client.custom_command({"HGETALL", p + ":hash"}).value();
  u.hgetall_kind = raw.kind();
  s.custom_hgetall = raw.as<std::vector<std::pair<std::string, std::string>>>().value();
  std::sort(s.custom_hgetall.begin(), s.custom_hgetall.end());
  s.custom_nil = client.custom_command({"GET", p + ":missing"}).value().is_nil();
  s.ping = client.ping().value();
  glide::Batch batch(true);
  batch.incr(p + ":counter").get(p + ":str");
  auto results = client.exec(batch, true).value();
  REQUIRE(results.has_value());
  REQUIRE(results->size() == 2);
  s.batch_incr = glide::as<std::int64_t>((*results)[0]).value();
  s.batch_get = glide::as<std::optional<std::string>>((*results)[1]).value();
  u.time = client.time().value();
  u.info = client.info().value();
  u.client_info = std::string(client.custom_command({"CLIENT", "INFO"}).value().as_string().value());
  client.close();
  return {s, u};
}

}  // namespace

TEST_CASE("RESP2 and RESP3 give the same C++ results for the same commands", "[connection][protocol]") {
  auto [s2, u2] = snapshot(glide::ProtocolVersion::RESP2);
  auto [s3, u3] = snapshot(glide::ProtocolVersion::RESP3);

  // The protocol asked for is the one the server speaks to this connection.
  CHECK(u2.client_info.find("resp=2") != std::string::npos);
  CHECK(u3.client_info.find("resp=3") != std::string::npos);
  // The raw Value differs (a RESP2 flat array, a RESP3 map) ...
  CHECK(u2.hgetall_kind == glide::ValueKind::array);
  CHECK(u3.hgetall_kind == glide::ValueKind::map);
  // ... the C++ results do not.
  CHECK(s2 == s3);

  for (const auto* s : {&s2, &s3}) {
    CHECK(s->set_reply == "OK");
    CHECK(s->get_hit == "hello");
    CHECK(s->get_miss == std::nullopt);
    CHECK(s->hget == "v2");
    CHECK(s->hgetall == std::vector<std::pair<std::string, std::string>>{{"f1", "v1"}, {"f2", "v2"}, {"f3", ""}});
    CHECK(s->custom_hgetall == s->hgetall);
    CHECK(s->smembers == std::vector<std::string>{"a", "b", "c"});
    CHECK(s->lrange == std::vector<std::string>{"x", "y", "z"});
    CHECK(s->zrange == std::vector<std::string>{"half", "one", "two"});
    CHECK(s->zscore == 2.25);
    CHECK(s->zscore_missing == std::nullopt);
    CHECK(s->mget == std::vector<std::optional<std::string>>{"hello", std::nullopt});
    CHECK(s->incr == 1);
    CHECK(s->exists == 2);
    CHECK(s->expire);
    CHECK(s->ttl > 90);
    CHECK(s->ttl <= 100);
    CHECK(s->del == 1);
    CHECK(s->client_name == "conn-test-client");
    CHECK(s->custom_nil);
    CHECK(s->ping == "PONG");
    CHECK(s->batch_incr == 2);
    CHECK(s->batch_get == "hello");
  }
  for (const auto* u : {&u2, &u3}) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(std::abs(u->time.first - now) < 60);
    CHECK(u->time.second >= 0);
    CHECK(u->time.second < 1000000);
    // INFO is a verbatim string in RESP3: the user gets its text, without the "txt:" prefix.
    CHECK(u->info.rfind("# Server", 0) == 0);
    CHECK(u->info.find("redis_version:") != std::string::npos);
  }
}

// ---- 2. TLS ------------------------------------------------------------------------------------

TEST_CASE("TLS: the server is verified against the configured CA", "[connection][tls]") {
  ValkeyServer server(tls_server_options());
  const auto& certs = server.tls_files();
  IoThread io;

  SECTION("the test CA verifies the server, by IP address and by host name") {
    for (std::string host : {"127.0.0.1", "localhost"}) {
      auto config = make_config(server);
      config.addresses = {{host, server.port()}};
      config.use_tls = true;
      config.tls_config.root_cert_file = certs.ca_cert;
      auto client = create(io, config);
      REQUIRE(client);
      const auto key = unique_key("tls");
      CHECK(wait(client.value().set(key, "over tls", asio::use_future)).value() == "OK");
      CHECK(wait(client.value().get(key, asio::use_future)).value() == "over tls");
      CHECK(server.cli({"GET", key}) == "over tls");
    }
  }

  SECTION("another CA: the certificate is not verified and create() fails") {
    auto config = make_config(server);
    config.use_tls = true;
    config.tls_config.root_cert_file = certs.other_ca_cert;
    auto client = create(io, config);
    REQUIRE_FALSE(client);
    CHECK(client.error().code() == errc::connection_error);
    CHECK(client.error().message().find("certificate verify failed") != std::string_view::npos);
  }

  SECTION("use_insecure_tls skips verification") {
    auto config = make_config(server);
    config.use_tls = true;
    config.tls_config.root_cert_file = certs.other_ca_cert;
    config.tls_config.use_insecure_tls = true;
    auto client = create(io, config);
    REQUIRE(client);
    CHECK(wait(client.value().ping(asio::use_future)).value() == "PONG");
  }

  SECTION("plain TCP against a TLS-only server does not connect") {
    auto config = make_config(server);
    config.connection_timeout = 1000ms;
    auto started = Clock::now();
    auto client = create(io, config);
    REQUIRE_FALSE(client);
    CHECK(client.error().code() == errc::connection_error);
    CHECK(since(started) < 3s);
  }
}

TEST_CASE("TLS: the host name must match the certificate", "[connection][tls]") {
  const std::string dir = temp_dir("certs");
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  auto options = tls_server_options();
  options.tls_files = wrong_name_certificates(dir);
  ValkeyServer server(options);
  IoThread io;

  for (std::string host : {"127.0.0.1", "localhost"}) {
    auto config = make_config(server);
    config.addresses = {{host, server.port()}};
    config.use_tls = true;
    config.tls_config.root_cert_file = options.tls_files->ca_cert;
    auto client = create(io, config);
    INFO("host " << host);
    REQUIRE_FALSE(client);
    CHECK(client.error().code() == errc::connection_error);

    config.tls_config.use_insecure_tls = true;
    auto insecure = create(io, config);
    REQUIRE(insecure);
    CHECK(wait(insecure.value().ping(asio::use_future)).value() == "PONG");
  }
}

TEST_CASE("TLS: client certificates for servers that require them", "[connection][tls]") {
  ValkeyServer server(tls_server_options("yes"));
  const auto& certs = server.tls_files();
  IoThread io;
  auto config = make_config(server);
  config.use_tls = true;
  config.tls_config.root_cert_file = certs.ca_cert;
  config.connection_timeout = 1500ms;

  SECTION("without a client certificate the server refuses") {
    auto client = create(io, config);
    REQUIRE_FALSE(client);
    CHECK(client.error().code() == errc::connection_error);
  }

  SECTION("with client_cert_file and client_key_file it works") {
    config.tls_config.client_cert_file = certs.client_cert;
    config.tls_config.client_key_file = certs.client_key;
    auto client = create(io, config);
    REQUIRE(client);
    const auto key = unique_key("mtls");
    CHECK(wait(client.value().set(key, "mutual", asio::use_future)).value() == "OK");
    CHECK(wait(client.value().get(key, asio::use_future)).value() == "mutual");
  }
}

// ---- 3. AUTH -----------------------------------------------------------------------------------

TEST_CASE("AUTH: ACL users, requirepass, wrong passwords, and no password in the logs", "[connection][auth]") {
  const std::string requirepass = "Rq-pass-5e1f9c";
  const std::string alice_password = "alice-secret-9b1c77";
  const std::string wrong_password = "wrong-secret-4d2e08";
  ServerOptions options;
  options.requirepass = requirepass;
  ValkeyServer server(options);
  REQUIRE(server.cli({"ACL", "SETUSER", "alice", "on", ">" + alice_password, "~*", "&*", "+@all"}) == "OK");

  const auto protocol = GENERATE(glide::ProtocolVersion::RESP2, glide::ProtocolVersion::RESP3);
  INFO("protocol " << (protocol == glide::ProtocolVersion::RESP2 ? "RESP2" : "RESP3"));
  auto config = make_config(server);
  config.protocol = protocol;
  std::string logs;
  std::string failure_message;

  SECTION("an ACL user with username and password") {
    {
      CapturedLogs captured;
      {
        config.credentials = glide::ServerCredentials{alice_password, "alice"};
        auto client = glide::sync::GlideClient::create(config);
        REQUIRE(client);
        CHECK(client.value().custom_command({"ACL", "WHOAMI"}).value() == "alice");
        const auto key = unique_key("auth");
        CHECK(client.value().set(key, "as alice").value() == "OK");
        CHECK(server.cli({"GET", key}) == "as alice");
        client.value().close();
      }
      logs = captured.text();
    }
    CHECK(logs.find("connected to") != std::string::npos);  // the capture did see the library's logs
  }

  SECTION("requirepass: a password without a username authenticates the default user") {
    {
      CapturedLogs captured;
      {
        config.credentials = glide::ServerCredentials{requirepass, std::nullopt};
        auto client = glide::sync::GlideClient::create(config);
        REQUIRE(client);
        CHECK(client.value().custom_command({"ACL", "WHOAMI"}).value() == "default");
        CHECK(client.value().ping().value() == "PONG");
        // After the server drops the connection, the client authenticates again by itself.
        const auto id = client.value().custom_command({"CLIENT", "ID"}).value().as_int().value();
        REQUIRE(server.cli({"CLIENT", "KILL", "ID", std::to_string(id)}) == "1");
        std::optional<std::string> whoami;
        for (int attempt = 0; attempt < 50 && !whoami; ++attempt) {
          auto r = client.value().custom_command({"ACL", "WHOAMI"});
          if (r) whoami = std::string(r.value().as_string().value());
          else std::this_thread::sleep_for(20ms);
        }
        CHECK(whoami == "default");
        CHECK(client.value().custom_command({"CLIENT", "ID"}).value().as_int().value() != id);
        client.value().close();
      }
      logs = captured.text();
    }
    CHECK(logs.find("connected to") != std::string::npos);
  }

  SECTION("a wrong password: create() fails with WRONGPASS") {
    {
      CapturedLogs captured;
      {
        config.credentials = glide::ServerCredentials{wrong_password, "alice"};
        auto client = glide::sync::GlideClient::create(config);
        REQUIRE_FALSE(client);
        CHECK(client.error().code() == errc::connection_error);
        failure_message = std::string(client.error().message());
        CHECK(failure_message.find("WRONGPASS") != std::string::npos);

        config.credentials = glide::ServerCredentials{wrong_password, std::nullopt};
        auto default_user = glide::sync::GlideClient::create(config);
        REQUIRE_FALSE(default_user);
        CHECK(default_user.error().code() == errc::connection_error);
        CHECK(default_user.error().message().find("WRONGPASS") != std::string_view::npos);
      }
      logs = captured.text();
    }
    CHECK(logs.find("WRONGPASS") != std::string::npos);  // the failure was logged ...
    CHECK(failure_message.find(wrong_password) == std::string::npos);  // ... without the password
  }

  SECTION("no credentials: the server refuses the requests") {
    auto client = glide::sync::GlideClient::create(config);
    if (client) {
      // RESP2 sends nothing at connect time; the first command meets NOAUTH.
      auto r = client.value().get(unique_key("noauth"));
      REQUIRE_FALSE(r);
      CHECK(r.error().message().find("NOAUTH") != std::string_view::npos);
    } else {
      // RESP3's HELLO needs authentication first.
      CHECK(client.error().code() == errc::connection_error);
      CHECK(client.error().message().find("NOAUTH") != std::string_view::npos);
    }
  }

  for (const auto& secret : {requirepass, alice_password, wrong_password}) CHECK(logs.find(secret) == std::string::npos);
}

// ---- 4. SELECT ---------------------------------------------------------------------------------

TEST_CASE("database_id selects the database, also after a reconnect", "[connection][select]") {
  const auto protocol = GENERATE(glide::ProtocolVersion::RESP2, glide::ProtocolVersion::RESP3);
  IoThread io;
  auto config = make_config(shared_server());
  config.database_id = 3;
  config.protocol = protocol;
  config.client_name = "db3-client";
  config.reconnect_strategy = quick_backoff();
  auto created = create(io, config);
  REQUIRE(created);
  auto client = created.value();
  const auto key = unique_key("db3");
  REQUIRE(wait(client.set(key, "in db 3", asio::use_future)).value() == "OK");
  CHECK(shared_server().cli({"-n", "3", "GET", key}) == "in db 3");
  CHECK(shared_server().cli({"-n", "0", "EXISTS", key}) == "0");
  CHECK(shared_server().cli({"GET", key}).empty());

  // The server drops the connection; the client reconnects and selects database 3 again.
  auto id = wait(client.custom_command({"CLIENT", "ID"}, asio::use_future)).value().as_int().value();
  REQUIRE(shared_server().cli({"CLIENT", "KILL", "ID", std::to_string(id)}) == "1");
  std::optional<std::string> after;
  for (int attempt = 0; attempt < 50 && !after; ++attempt) {
    auto r = wait(client.get(key, asio::use_future));
    if (r) after = r.value().value_or("<nil>");
    else std::this_thread::sleep_for(20ms);
  }
  CHECK(after == "in db 3");
  auto new_id = wait(client.custom_command({"CLIENT", "ID"}, asio::use_future)).value().as_int().value();
  CHECK(new_id != id);  // it really is a new connection
  const auto key2 = unique_key("db3");
  CHECK(wait(client.set(key2, "still db 3", asio::use_future)).value() == "OK");
  CHECK(shared_server().cli({"-n", "3", "GET", key2}) == "still db 3");
  CHECK(shared_server().cli({"GET", key2}).empty());
  CHECK(wait(client.custom_command({"CLIENT", "GETNAME"}, asio::use_future)).value() == "db3-client");
}

// ---- 5. Many concurrent coroutines ---------------------------------------------------------------

namespace {

struct RoundTrip {
  std::optional<std::string> set_reply;
  std::optional<std::string> got;
  std::string error;
};

asio::awaitable<void> set_then_get(glide::GlideClient client, std::string key, std::string value, RoundTrip& out) {
  auto set = co_await client.set(key, value);
  if (!set) {
    out.error = std::string(set.error().message());
    co_return;
  }
  out.set_reply = set.value();
  auto got = co_await client.get(key);
  if (!got) {
    out.error = std::string(got.error().message());
    co_return;
  }
  out.got = got.value();
}

std::string value_for(int i) { return "value-" + std::to_string(i) + std::string(static_cast<std::size_t>(i % 97), 'x'); }

}  // namespace

// Also on an io_context promised to one thread at a time (BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO),
// where the client runs its strand work without the strand (detail/sole_runner.hpp): replies
// read where they land, requests started where they are made, and still every caller its own.
TEST_CASE("1000 concurrent coroutines on one client each get their own reply", "[connection][multiplex]") {
  static constexpr int n = 1000;
  const int hint = GENERATE(BOOST_ASIO_CONCURRENCY_HINT_DEFAULT, BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO);
  CAPTURE(hint);
  std::vector<RoundTrip> results(n);
  std::string create_error;
  int finished = 0;
  const std::string prefix = unique_key("co");
  glide_test::run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto config = make_config(shared_server());
    auto created = co_await glide::GlideClient::create(io.get_executor(), config);
    if (!created) {
      create_error = std::string(created.error().message());
      co_return;
    }
    auto client = std::move(created).value();
    for (int i = 0; i < n; ++i) {
      std::string key = prefix + ":" + std::to_string(i);
      asio::co_spawn(io, set_then_get(client, std::move(key), value_for(i), results[static_cast<std::size_t>(i)]),
                     [&finished, client](std::exception_ptr) mutable {
                       if (++finished == n) client.close();
                     });
    }
  }, hint);
  REQUIRE(create_error.empty());
  CHECK(finished == n);
  int wrong = 0;
  for (int i = 0; i < n; ++i) {
    const auto& r = results[static_cast<std::size_t>(i)];
    if (r.set_reply != "OK" || r.got != value_for(i)) {
      if (++wrong <= 5) {
        UNSCOPED_INFO("coroutine " << i << ": set " << r.set_reply.value_or("<none>") << ", got "
                                   << r.got.value_or("<none>") << ", error '" << r.error << "'");
      }
    }
  }
  CHECK(wrong == 0);
  CHECK(shared_server().cli({"GET", prefix + ":999"}) == value_for(999));
}

TEST_CASE("on an io_context promised to one thread at a time, timeouts, batches and scripts work as anywhere",
          "[connection][multiplex]") {
  const std::string k = unique_key("one-thread");
  // (Built out here: GCC 12 rejects a braced list inside a coroutine lambda.)
  const std::vector<std::string> sleep{"DEBUG", "SLEEP", "0.5"};
  const glide::Script echo("return ARGV[1]");
  const glide::ScriptOptions echo_args{.keys = {}, .args = {"echoed"}};
  std::optional<glide::errc> timed_out;
  std::optional<std::string> after_sleep, script_reply;
  std::optional<std::int64_t> incremented;
  glide_test::run_coroutine(
      [&](asio::io_context& io) -> asio::awaitable<void> {
        auto config = make_config(shared_server());
        config.request_timeout = 200ms;
        auto client = (co_await glide::GlideClient::create(io.get_executor(), config)).value();
        (void)(co_await client.set(k, "before")).value();
        // The deadline timer's handler still goes through the strand; the late reply to DEBUG
        // SLEEP must be dropped, not handed to the next caller.
        auto slept = co_await client.custom_command(sleep);
        if (!slept) timed_out = slept.error().code();
        auto got = co_await client.with_timeout(5000ms).get(k);
        if (got) after_sleep = got.value();
        glide::Batch batch(true);
        batch.incr(k + ":n").incr(k + ":n");
        auto results = co_await client.exec(batch, true);
        if (results && results.value() && results.value()->size() == 2)
          incremented = glide::as<std::int64_t>((*results.value())[1]).value();
        auto echoed = co_await client.invoke_script(echo, echo_args);
        if (echoed) script_reply = echoed.value().as<std::string>().value();
        client.close();
      },
      BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO);
  CHECK(timed_out == errc::timeout);
  CHECK(after_sleep == "before");
  CHECK(incremented == 2);
  CHECK(script_reply == "echoed");
}

// ---- 6. Timeouts -----------------------------------------------------------------------------

TEST_CASE("request timeout: errc::timeout in time, and the late reply goes nowhere", "[connection][timeout]") {
  IoThread io;
  auto config = make_config(shared_server());
  config.request_timeout = 200ms;
  auto created = create(io, config);
  REQUIRE(created);
  auto client = created.value();
  const auto k1 = unique_key("late"), k2 = unique_key("late");
  REQUIRE(shared_server().cli({"SET", k1, "first"}) == "OK");
  REQUIRE(shared_server().cli({"SET", k2, "second"}) == "OK");
  CHECK(client.timeout() == 200ms);

  auto started = Clock::now();
  auto slept = wait(client.custom_command({"DEBUG", "SLEEP", "1"}, asio::use_future));
  const auto elapsed = since(started);
  REQUIRE_FALSE(slept);
  CHECK(slept.error().code() == errc::timeout);
  CHECK(elapsed >= 150ms);
  CHECK(elapsed < 700ms);

  // The server is still sleeping: these wait behind DEBUG SLEEP's late "OK", which must be
  // dropped, not handed to them.
  auto patient = client.with_timeout(5000ms);
  CHECK(patient.timeout() == 5000ms);
  CHECK(client.timeout() == 200ms);
  auto g1 = patient.get(k1, asio::use_future);
  auto g2 = patient.get(k2, asio::use_future);
  auto g3 = patient.custom_command({"ECHO", "third"}, asio::use_future);
  CHECK(wait(std::move(g1)).value() == "first");
  CHECK(wait(std::move(g2)).value() == "second");
  CHECK(wait(std::move(g3)).value() == "third");
  // And the original client (200 ms) works again once the server is awake.
  CHECK(wait(client.get(k1, asio::use_future)).value() == "first");

  SECTION("with_timeout: a shorter per-call limit") {
    auto quick = client.with_timeout(100ms);
    started = Clock::now();
    auto r = wait(quick.custom_command({"DEBUG", "SLEEP", "0.5"}, asio::use_future));
    const auto t = since(started);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::timeout);
    CHECK(t < 400ms);
    CHECK(wait(patient.get(k2, asio::use_future)).value() == "second");
  }

  SECTION("deadlines: after hundreds met theirs, a shorter one behind a longer one still fires") {
    // The deadline timer skips deadlines whose requests completed and is re-armed only for an
    // earlier deadline than the one it waits for: both must still end every request in time.
    std::vector<decltype(client.get(k1, asio::use_future))> gets;
    for (int i = 0; i < 900; ++i) gets.push_back(client.get(k1, asio::use_future));  // (inflight limit: 1000)
    for (auto& g : gets) REQUIRE(wait(std::move(g)).value() == "first");
    auto sleeping = patient.custom_command({"DEBUG", "SLEEP", "0.5"}, asio::use_future);  // 5 s limit
    started = Clock::now();
    auto quick = wait(client.with_timeout(100ms).get(k2, asio::use_future));  // behind it, 100 ms
    const auto t = since(started);
    REQUIRE_FALSE(quick);
    CHECK(quick.error().code() == errc::timeout);
    CHECK(t < 400ms);
    CHECK(wait(std::move(sleeping)).value() == "OK");
    auto slow = wait(client.custom_command({"DEBUG", "SLEEP", "0.5"}, asio::use_future));  // 200 ms
    REQUIRE_FALSE(slow);
    CHECK(slow.error().code() == errc::timeout);
    CHECK(wait(patient.get(k2, asio::use_future)).value() == "second");
  }

  SECTION("with_timeout(0): no limit") {
    started = Clock::now();
    auto r = wait(client.with_timeout(0ms).custom_command({"DEBUG", "SLEEP", "0.4"}, asio::use_future));
    CHECK(r.value() == "OK");
    CHECK(since(started) >= 350ms);
  }

  SECTION("sync client: with_timeout too") {
    auto sync_config = make_config(shared_server());
    sync_config.request_timeout = 200ms;
    auto sync = glide::sync::GlideClient::create(sync_config).value();
    started = Clock::now();
    auto r = sync.custom_command({"DEBUG", "SLEEP", "0.6"});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::timeout);
    CHECK(since(started) < 500ms);
    CHECK(sync.with_timeout(3000ms).get(k1).value() == "first");
    CHECK(sync.get(k2).value() == "second");
  }
}

// ---- 7. Server killed and restarted ---------------------------------------------------------------

TEST_CASE("server killed and restarted: unknown_outcome, connection_error, then recovery", "[connection][reconnect]") {
  ValkeyServer server;
  IoThread io;
  auto config = make_config(server);
  config.request_timeout = 1000ms;
  config.connection_timeout = 500ms;
  config.reconnect_strategy = quick_backoff();
  auto created = create(io, config);
  REQUIRE(created);
  auto client = created.value();
  const auto key = unique_key("restart");
  REQUIRE(wait(client.set(key, "before", asio::use_future)).value() == "OK");

  // Written, never answered: the server hangs, then dies.
  server.suspend();
  auto written = client.with_timeout(10s).incr(unique_key("counter"), asio::use_future);
  std::this_thread::sleep_for(200ms);
  auto killed_at = Clock::now();
  server.kill9();
  auto lost = wait(std::move(written));
  REQUIRE_FALSE(lost);
  CHECK(lost.error().code() == errc::unknown_outcome);
  CHECK(since(killed_at) < 1s);

  // While the server is down, a request waits its timeout and fails with connection_error.
  auto started = Clock::now();
  auto down = wait(client.with_timeout(300ms).get(key, asio::use_future));
  REQUIRE_FALSE(down);
  CHECK(down.error().code() == errc::connection_error);
  CHECK(since(started) >= 250ms);
  CHECK(since(started) < 2s);

  // A request with a longer timeout survives the outage: it goes out once the server is back.
  auto survivor = client.with_timeout(10s).set(key, "after", asio::use_future);
  std::this_thread::sleep_for(100ms);
  server.start();
  auto survived = wait(std::move(survivor));
  REQUIRE(survived);
  CHECK(survived.value() == "OK");

  // After restart() (a graceful stop this time) new requests succeed again.
  server.restart();
  std::optional<std::string> got;
  int attempts = 0;
  for (; attempts < 50 && !got; ++attempts) {
    auto r = wait(client.custom_command({"ECHO", "back"}, asio::use_future));
    if (r) got = std::string(r.value().as_string().value());
    else std::this_thread::sleep_for(50ms);
  }
  CHECK(got == "back");
  CHECK(wait(client.set(key, "again", asio::use_future)).value() == "OK");
  CHECK(server.cli({"GET", key}) == "again");
}

TEST_CASE("create() against a server that is down fails with connection_error", "[connection][reconnect]") {
  ValkeyServer server;
  server.stop();
  IoThread io;
  auto config = make_config(server);
  auto started = Clock::now();
  auto client = create(io, config);
  REQUIRE_FALSE(client);
  CHECK(client.error().code() == errc::connection_error);
  CHECK(client.error().message().find(std::to_string(server.port())) != std::string_view::npos);
  CHECK(since(started) < 2s);
}

// ---- 8. close() --------------------------------------------------------------------------------

TEST_CASE("close(): pending requests end with errc::closing, later ones too", "[connection][close]") {
  ValkeyServer server;
  IoThread io;
  auto created = create(io, make_config(server));
  REQUIRE(created);
  auto client = created.value();
  auto copy = client;
  const auto key = unique_key("close");
  REQUIRE(wait(client.set(key, "v", asio::use_future)).value() == "OK");

  server.suspend();
  auto patient = client.with_timeout(10s);
  std::vector<std::future<glide::Result<std::optional<std::string>>>> pending;
  for (int i = 0; i < 5; ++i) pending.push_back(patient.get(key, asio::use_future));
  auto pending_value = patient.custom_command({"PING"}, asio::use_future);
  std::this_thread::sleep_for(100ms);
  auto started = Clock::now();
  client.close();
  for (auto& f : pending) {
    auto r = wait(std::move(f));
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::closing);
  }
  auto v = wait(std::move(pending_value));
  REQUIRE_FALSE(v);
  CHECK(v.error().code() == errc::closing);
  CHECK(since(started) < 1s);
  server.resume();

  auto after = wait(client.get(key, asio::use_future));
  REQUIRE_FALSE(after);
  CHECK(after.error().code() == errc::closing);
  auto via_copy = wait(copy.ping(asio::use_future));
  REQUIRE_FALSE(via_copy);
  CHECK(via_copy.error().code() == errc::closing);
  glide::Batch batch(false);
  batch.get(key);
  auto batch_after = wait(client.exec(batch, false, asio::use_future));
  REQUIRE_FALSE(batch_after);
  CHECK(batch_after.error().code() == errc::closing);
}

TEST_CASE("close(): a request waiting for the first connection ends with errc::closing", "[connection][close]") {
  ValkeyServer server;
  server.stop();
  IoThread io;
  auto config = make_config(server);
  config.lazy_connect = true;
  auto created = create(io, config);
  REQUIRE(created);
  auto waiting = created.value().with_timeout(10s).ping(asio::use_future);
  std::this_thread::sleep_for(100ms);
  created.value().close();
  auto r = wait(std::move(waiting), 2s);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::closing);
}

TEST_CASE("sync client: requests after close() end with errc::closing", "[connection][close]") {
  auto client = glide_test::connect_sync(shared_server());
  REQUIRE(client.ping().value() == "PONG");
  client.close();
  // Through the future form, so a request that never completes fails the test instead of hanging.
  auto r = wait(client.async().get(unique_key("closed"), asio::use_future), 3s);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == errc::closing);
  auto s = client.set(unique_key("closed"), "v");
  REQUIRE_FALSE(s);
  CHECK(s.error().code() == errc::closing);
}

// ---- 9. Bad configuration ------------------------------------------------------------------------

TEST_CASE("bad configurations fail create() with errc::configuration_error", "[connection][config]") {
  const std::string dir = temp_dir("config");
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  const std::string garbage = dir + "/garbage.pem";
  write_text(garbage, "this is not a certificate\n");
  const auto& certs = glide_test::shared_test_certificates();

  struct Case {
    std::string name;
    glide::GlideClientConfiguration config;
  };
  std::vector<Case> cases;
  auto base = [] {
    glide::GlideClientConfiguration c;
    c.addresses.push_back({"127.0.0.1", shared_server().port()});
    return c;
  };
  {
    auto c = base();
    c.addresses.clear();
    cases.push_back({"no addresses", c});
  }
  {
    auto c = base();
    c.addresses = {{"127.0.0.1", 0}};
    cases.push_back({"port 0", c});
  }
  {
    auto c = base();
    c.addresses = {{"", shared_server().port()}};
    cases.push_back({"empty host", c});
  }
  {
    auto c = base();
    c.use_tls = true;
    c.tls_config.root_cert_file = dir + "/does-not-exist.pem";
    cases.push_back({"missing root_cert_file", c});
  }
  {
    auto c = base();
    c.use_tls = true;
    c.tls_config.root_cert_file = garbage;
    cases.push_back({"root_cert_file that is not a certificate", c});
  }
  {
    auto c = base();
    c.use_tls = true;
    c.tls_config.root_cert_file = certs.ca_cert;
    c.tls_config.client_cert_file = certs.client_cert;
    cases.push_back({"client_cert_file without client_key_file", c});
  }
  {
    auto c = base();
    c.use_tls = true;
    c.tls_config.root_cert_file = certs.ca_cert;
    c.tls_config.client_key_file = certs.client_key;
    cases.push_back({"client_key_file without client_cert_file", c});
  }
  {
    auto c = base();
    c.use_tls = true;
    c.tls_config.root_cert_file = certs.ca_cert;
    c.tls_config.client_cert_file = dir + "/missing-client.crt";
    c.tls_config.client_key_file = certs.client_key;
    cases.push_back({"missing client_cert_file", c});
  }
  {
    auto c = base();
    c.database_id = -1;
    cases.push_back({"negative database_id", c});
  }
  {
    auto c = base();
    c.inflight_requests_limit = 0;
    cases.push_back({"inflight_requests_limit 0", c});
  }
  {
    auto c = base();
    c.request_timeout = -1ms;
    cases.push_back({"negative request_timeout", c});
  }

  IoThread io;
  for (const auto& c : cases) {
    INFO(c.name);
    auto started = Clock::now();
    auto async = create(io, c.config);
    REQUIRE_FALSE(async);
    CHECK(async.error().code() == errc::configuration_error);
    CHECK_FALSE(async.error().message().empty());
    auto sync = glide::sync::GlideClient::create(c.config);
    REQUIRE_FALSE(sync);
    CHECK(sync.error().code() == errc::configuration_error);
    CHECK(since(started) < 1s);  // found before any connection attempt
  }
}

// ---- 10. In-flight limit ---------------------------------------------------------------------------

TEST_CASE("inflight_requests_limit: the request over the limit fails at once", "[connection][inflight]") {
  ValkeyServer server;
  IoThread io;
  auto config = make_config(server);
  config.inflight_requests_limit = 10;
  auto created = create(io, config);
  REQUIRE(created);
  auto client = created.value();
  const auto key = unique_key("inflight");
  REQUIRE(wait(client.set(key, "v", asio::use_future)).value() == "OK");

  server.suspend();
  std::vector<std::future<glide::Result<std::optional<std::string>>>> ten;
  for (int i = 0; i < 10; ++i) ten.push_back(client.get(key, asio::use_future));
  auto started = Clock::now();
  auto eleventh = wait(client.get(key, asio::use_future));
  const auto elapsed = since(started);
  REQUIRE_FALSE(eleventh);
  CHECK(eleventh.error().code() == errc::inflight_limit);
  CHECK(elapsed < 250ms);  // at once: the request timeout is 2 s
  // Still full: nothing of the ten has completed.
  auto twelfth = wait(client.ping(asio::use_future));
  REQUIRE_FALSE(twelfth);
  CHECK(twelfth.error().code() == errc::inflight_limit);
  server.resume();
  for (auto& f : ten) CHECK(wait(std::move(f)).value() == "v");
  // The slots are free again.
  CHECK(wait(client.get(key, asio::use_future)).value() == "v");

  SECTION("timed-out requests give their slot back") {
    server.suspend();
    auto quick = client.with_timeout(150ms);
    std::vector<std::future<glide::Result<std::optional<std::string>>>> timed_out;
    for (int i = 0; i < 10; ++i) timed_out.push_back(quick.get(key, asio::use_future));
    for (auto& f : timed_out) {
      auto r = wait(std::move(f));
      REQUIRE_FALSE(r);
      CHECK(r.error().code() == errc::timeout);
    }
    // Their late replies are still owed on the wire, but their callers are gone: new requests fit.
    auto next = client.with_timeout(5s).get(key, asio::use_future);
    std::this_thread::sleep_for(50ms);
    server.resume();
    CHECK(wait(std::move(next)).value() == "v");
  }
}

// ---- 11. lazy_connect ----------------------------------------------------------------------------

TEST_CASE("lazy_connect: create() succeeds with the server down, the first request connects", "[connection][lazy]") {
  ValkeyServer server;
  const auto key = unique_key("lazy");
  REQUIRE(server.cli({"SET", key, "was here"}) == "OK");
  server.stop();
  IoThread io;
  auto config = make_config(server);
  config.lazy_connect = true;
  config.reconnect_strategy = quick_backoff();
  auto created = create(io, config);
  REQUIRE(created);
  auto client = created.value();

  SECTION("the server starts before the first request") {
    server.start();
    auto r = wait(client.set(key, "lazy value", asio::use_future));
    REQUIRE(r);
    CHECK(r.value() == "OK");
    CHECK(server.cli({"GET", key}) == "lazy value");
  }

  SECTION("a request while the server is down times out with connection_error; later ones succeed") {
    auto started = Clock::now();
    auto r = wait(client.with_timeout(300ms).ping(asio::use_future));
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::connection_error);
    CHECK(since(started) >= 250ms);
    server.start();
    std::optional<std::string> pong;
    for (int attempt = 0; attempt < 50 && !pong; ++attempt) {
      auto p = wait(client.ping(asio::use_future));
      if (p) pong = p.value();
      else std::this_thread::sleep_for(50ms);
    }
    CHECK(pong == "PONG");
  }
}

// ---- 12. The sync client from many threads -----------------------------------------------------

TEST_CASE("sync client: 8 threads at once, 200 set/get each, every reply is the caller's", "[connection][sync]") {
  auto client = glide_test::connect_sync(shared_server());
  constexpr int threads = 8, rounds = 200;
  std::atomic<int> wrong{0}, errors{0};
  std::vector<std::thread> workers;
  const std::string prefix = unique_key("mt");
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < rounds; ++i) {
        const std::string key = prefix + ":" + std::to_string(t) + ":" + std::to_string(i);
        const std::string value = "t" + std::to_string(t) + "-i" + std::to_string(i) + std::string(static_cast<std::size_t>((t * 31 + i) % 61), 'v');
        auto s = client.set(key, value);
        auto g = client.get(key);
        if (!s || !g) ++errors;
        else if (s.value() != "OK" || g.value() != value) ++wrong;
      }
    });
  }
  for (auto& w : workers) w.join();
  CHECK(errors == 0);
  CHECK(wrong == 0);
  CHECK(shared_server().cli({"GET", prefix + ":7:199"}).rfind("t7-i199", 0) == 0);
  client.close();
}

// A blocking call starts its request on the calling thread when that thread takes the loop
// (detail/sole_runner.hpp); what the same thread asked for earlier must still go first.
TEST_CASE("sync client: a call goes after what the same thread started before it", "[connection][sync]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto key = unique_key("order");
  for (int i = 0; i < 200; ++i) {
    client.async().set(key, std::to_string(i), asio::detached);
    auto g = client.get(key);
    REQUIRE(g);
    REQUIRE(g.value() == std::to_string(i));
  }
  client.close();
  auto s = client.set(key, "after close");
  REQUIRE_FALSE(s);
  CHECK(s.error().code() == errc::closing);
  CHECK(shared_server().cli({"GET", key}) == "199");
}

// A caller of the sync client alone with the loop waits for its reply's socket itself
// (Connection::wait_here), until the request's deadline at most: then the loop takes over.
TEST_CASE("sync client: a caller waiting for its reply still times out at request_timeout, and replies stay paired",
          "[connection][sync]") {
  auto config = glide_test::config_for(shared_server());
  config.request_timeout = 300ms;
  auto client = glide::sync::GlideClient::create(config).value();
  const auto key = unique_key("waithere");
  REQUIRE(client.set(key, "before").value() == "OK");
  const auto started = Clock::now();
  auto slow = client.custom_command({"DEBUG", "SLEEP", "0.8"});
  const auto took = since(started);
  REQUIRE_FALSE(slow);
  CHECK(slow.error().code() == errc::timeout);
  CHECK(took >= 290ms);
  CHECK(took < 700ms);  // not when the reply came
  // Longer than a caller waits for the socket itself (5 ms), shorter than the timeout: the loop
  // takes over the wait and the reply is the caller's. The first waits out the sleep above.
  auto after = client.with_timeout(2s).get(key);
  REQUIRE(after);
  CHECK(after.value() == "before");
  for (int i = 0; i < 3; ++i) {
    auto echo = client.custom_command({"DEBUG", "SLEEP", "0.03"});
    REQUIRE(echo);
    CHECK(echo.value() == "OK");
    REQUIRE(client.set(key, std::to_string(i)).value() == "OK");
    CHECK(client.get(key).value() == std::to_string(i));
  }
}

TEST_CASE("sync client: a push that arrives between calls is read with the next reply, never taken for it",
          "[connection][sync][protocol]") {
  auto config = glide_test::config_for(shared_server());
  config.protocol = glide::ProtocolVersion::RESP3;
  auto client = glide::sync::GlideClient::create(config).value();
  auto other = glide_test::connect_sync(shared_server());
  const auto key = unique_key("synctracked");
  REQUIRE(client.set(key, "v0").value() == "OK");
  REQUIRE(client.custom_command({"CLIENT", "TRACKING", "ON"}).value() == "OK");
  for (int i = 1; i <= 200; ++i) {
    // The invalidation push lands in the socket while the client reads nothing: it is read with
    // the next call's reply.
    REQUIRE(client.get(key).value() == "v" + std::to_string(i - 1));
    const std::string value = "v" + std::to_string(i);
    REQUIRE(other.set(key, value).value() == "OK");
    auto echo = client.custom_command({"ECHO", value});
    REQUIRE(echo);
    REQUIRE(echo.value() == value);
  }
}

TEST_CASE("sync client: a link the server closes right after a reply is found by the next call, never waited on",
          "[connection][sync]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto key = unique_key("killed");
  for (int round = 0; round < 5; ++round) {
    INFO("round " << round);
    REQUIRE(client.set(key, "r" + std::to_string(round)).value() == "OK");
    // The server answers, then closes the link; the next call follows at once.
    const auto id = client.custom_command({"CLIENT", "ID"}).value().as_int().value();
    REQUIRE(client.custom_command({"CLIENT", "KILL", "ID", std::to_string(id)}));
    const auto started = Clock::now();
    auto next = client.get(key);
    CHECK(since(started) < 1500ms);  // the request timeout is 2 s: the loss was seen, not waited out
    if (!next) CHECK((next.error().code() == errc::unknown_outcome || next.error().code() == errc::connection_error));
    else CHECK(next.value() == "r" + std::to_string(round));
    std::optional<std::string> got;
    for (int attempt = 0; attempt < 3 && !got; ++attempt)
      if (auto r = client.get(key)) got = r.value().value_or("<nil>");
    CHECK(got == "r" + std::to_string(round));
  }
}

// Between calls the sync client's connection is parked and its socket blocks, so that the next
// reply is waited for with one recv (Connection::block); writes pass MSG_DONTWAIT. Which thread
// writes a value this big is not fixed (encoding it takes longer than idle_grace, after which
// the background thread runs the loop and the socket is unparked): either way it must go out
// whole, and a server that stops reading must not hold the caller past its timeout.
TEST_CASE("sync client: a large value goes out whole after quiet calls, and a server that stops reading "
          "never holds the caller past its timeout",
          "[connection][sync][large]") {
  ValkeyServer server;
  auto config = glide_test::config_for(server);
  config.request_timeout = 10s;
  auto client = glide::sync::GlideClient::create(config).value();
  const auto key = unique_key("syncbig");
  // More than the loopback's socket buffers hold, both sides together (4 MB + 32 MB here).
  std::string big(64 * 1024 * 1024 + 3, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131 + i / 4096) & 0xff);
  REQUIRE(client.set(key, "small").value() == "OK");
  REQUIRE(client.set(key, big).value() == "OK");
  auto got = client.get(key);
  REQUIRE(got);
  REQUIRE(got.value().has_value());
  CHECK(got.value()->size() == big.size());
  CHECK(*got.value() == big);

  // The server stops right after a reply: the big value cannot go out whole. It comes back once
  // the call has returned, or after 30 s: a caller held until then failed the test. (No margin
  // on how long the call took: encoding 64 MiB alone takes seconds under the sanitizers.)
  REQUIRE(client.set(key, "small again").value() == "OK");
  server.suspend();
  std::promise<void> call_returned;
  std::atomic<bool> resumed{false};
  std::thread waker([&, returned = call_returned.get_future()] {
    returned.wait_for(30s);
    resumed = true;
    server.resume();
  });
  auto stalled = client.with_timeout(300ms).set(key, big);
  const bool returned_while_stopped = !resumed;
  call_returned.set_value();
  waker.join();
  CHECK(returned_while_stopped);
  REQUIRE_FALSE(stalled);
  CHECK(stalled.error().code() == errc::timeout);
  // The client works again; the stalled SET may have run or not.
  std::optional<glide::Result<std::optional<std::string>>> after;
  for (int attempt = 0; attempt < 3 && !(after && *after); ++attempt) after = client.get(key);
  REQUIRE(after);
  REQUIRE(*after);
  REQUIRE(after->value().has_value());
  CHECK((*after->value() == big || *after->value() == "small again"));
}

// ---- Beyond the list: dead links, push messages, large replies ------------------------------------

TEST_CASE("a connection that dies silently is found by the health check and replaced", "[connection][heartbeat]") {
  SilentDeathProxy proxy(shared_server().port());
  IoThread io;
  auto config = make_config(shared_server());
  config.addresses = {{"127.0.0.1", proxy.port()}};
  config.connection_timeout = 300ms;
  config.request_timeout = 400ms;
  config.reconnect_strategy = quick_backoff();
  auto created = create(io, config);
  REQUIRE(created);
  auto client = created.value();
  const auto key = unique_key("silent");
  REQUIRE(wait(client.set(key, "alive", asio::use_future)).value() == "OK");
  REQUIRE(proxy.connections() == 1);

  const bool timed_out_first = GENERATE(false, true);
  INFO((timed_out_first ? "after a request timed out on the dead link" : "while idle"));
  proxy.kill_existing();
  if (timed_out_first) {
    // Its slot stays in the FIFO (its reply would be dropped), but nobody waits on the link.
    auto r = wait(client.get(key, asio::use_future));
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::timeout);
  }
  // The idle health check (a PING each second, connection_timeout to answer) finds the dead link
  // within about three seconds and the client connects again.
  std::this_thread::sleep_for(3500ms);
  std::optional<std::string> got;
  for (int attempt = 0; attempt < 5 && !got; ++attempt) {
    auto r = wait(client.with_timeout(2s).get(key, asio::use_future));
    if (r) got = r.value().value_or("<nil>");
  }
  CHECK(got == "alive");
  CHECK(proxy.connections() >= 2);
}

TEST_CASE("RESP3 push messages (client tracking invalidations) never take a caller's reply", "[connection][protocol]") {
  IoThread io;
  auto config = make_config(shared_server());
  config.protocol = glide::ProtocolVersion::RESP3;
  auto created = create(io, config);
  REQUIRE(created);
  auto client = created.value();
  const auto key = unique_key("tracked");
  REQUIRE(wait(client.set(key, "v0", asio::use_future)).value() == "OK");
  REQUIRE(wait(client.custom_command({"CLIENT", "TRACKING", "ON"}, asio::use_future)).value() == "OK");
  int wrong = 0;
  for (int i = 1; i <= 20; ++i) {
    // Reading the key makes the server track it; changing it elsewhere sends us an invalidation
    // push, interleaved with our replies.
    auto before = wait(client.get(key, asio::use_future));
    const std::string value = "v" + std::to_string(i);
    REQUIRE(shared_server().cli({"SET", key, value}) == "OK");
    auto after = wait(client.get(key, asio::use_future));
    auto echo = wait(client.custom_command({"ECHO", value}, asio::use_future));
    if (!before || before.value() != "v" + std::to_string(i - 1)) ++wrong;
    if (!after || after.value() != value) ++wrong;
    if (!echo || !(echo.value() == value)) ++wrong;
  }
  CHECK(wrong == 0);
}

TEST_CASE("large values travel whole, in both directions, plain and over TLS", "[connection][large]") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "TLS" : "plain TCP"));
  std::optional<ValkeyServer> tls_server;
  if (tls) tls_server.emplace(tls_server_options());
  ValkeyServer& server = tls ? *tls_server : shared_server();
  IoThread io;
  auto config = make_config(server);
  config.request_timeout = 10s;
  if (tls) {
    config.use_tls = true;
    config.tls_config.root_cert_file = server.tls_files().ca_cert;
  }
  auto created = create(io, config);
  REQUIRE(created);
  auto client = created.value();

  std::string big(6 * 1024 * 1024 + 7, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131 + i / 4096) & 0xff);  // binary, CR/LF included
  const auto key = unique_key("big");
  REQUIRE(wait(client.set(key, big, asio::use_future)).value() == "OK");
  auto got = wait(client.get(key, asio::use_future));
  REQUIRE(got);
  REQUIRE(got.value().has_value());
  CHECK(got.value()->size() == big.size());
  CHECK(*got.value() == big);

  // Many medium replies at once, pipelined on the one connection.
  std::vector<std::future<glide::Result<std::optional<std::string>>>> gets;
  std::vector<std::string> values;
  for (int i = 0; i < 40; ++i) {
    values.push_back(std::string(static_cast<std::size_t>(100000 + i * 997), static_cast<char>('a' + i % 26)));
    wait(client.set(key + ":" + std::to_string(i), values.back(), asio::use_future)).value();
  }
  for (int i = 0; i < 40; ++i) gets.push_back(client.get(key + ":" + std::to_string(i), asio::use_future));
  int wrong = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = wait(std::move(gets[static_cast<std::size_t>(i)]));
    if (!r || r.value() != values[static_cast<std::size_t>(i)]) ++wrong;
  }
  CHECK(wrong == 0);
}

TEST_CASE("TLS: the client reconnects to a restarted TLS server", "[connection][tls][reconnect]") {
  ValkeyServer server(tls_server_options());
  IoThread io;
  auto config = make_config(server);
  config.use_tls = true;
  config.tls_config.root_cert_file = server.tls_files().ca_cert;
  config.reconnect_strategy = quick_backoff();
  auto created = create(io, config);
  REQUIRE(created);
  auto client = created.value();
  REQUIRE(wait(client.ping(asio::use_future)).value() == "PONG");
  server.kill9();
  server.start();
  std::optional<std::string> pong;
  for (int attempt = 0; attempt < 50 && !pong; ++attempt) {
    auto r = wait(client.ping(asio::use_future));
    if (r) pong = r.value();
    else std::this_thread::sleep_for(50ms);
  }
  CHECK(pong == "PONG");
}

TEST_CASE("requests still unsent when the link dies: they never ran, and go out on the next link", "[connection][reconnect]") {
  ValkeyServer server;
  IoThread io;
  auto config = make_config(server);
  config.request_timeout = 10s;
  config.reconnect_strategy = quick_backoff();
  auto created = create(io, config);
  REQUIRE(created);
  auto client = created.value();
  REQUIRE(wait(client.ping(asio::use_future)).value() == "PONG");
  const auto big_key = unique_key("huge"), small_key = unique_key("small");

  // With the server stopped, a 32 MB write fills the socket buffers and stays in progress: what is
  // queued behind it is not on the wire yet.
  server.suspend();
  const std::string huge(32u << 20, 'h');
  auto big = client.set(big_key, huge, asio::use_future);
  std::this_thread::sleep_for(200ms);

  SECTION("timed out before it was sent: it never runs") {
    auto started = Clock::now();
    auto small = wait(client.with_timeout(300ms).set(small_key, "must not run", asio::use_future));
    REQUIRE_FALSE(small);
    CHECK(small.error().code() == errc::timeout);
    CHECK_THAT(std::string(small.error().message()), Catch::Matchers::ContainsSubstring("before it was sent"));
    // Its own 300 ms, not request_timeout (10 s). The bound is loose on purpose: under a sanitizer
    // the I/O thread may still be copying the 32 MB value when this request reaches it (about a
    // second of it under TSan), and its 300 ms start there.
    CHECK(since(started) < 5s);
    server.resume();
    CHECK(wait(std::move(big)).value() == "OK");
    CHECK(wait(client.exists({small_key}, asio::use_future)).value() == 0);
    CHECK(server.cli({"EXISTS", small_key}) == "0");
    CHECK(server.cli({"STRLEN", big_key}) == std::to_string(huge.size()));
  }

  SECTION("the link dies: the written request's outcome is unknown, the unsent one is sent after the reconnect") {
    auto small = client.set(small_key, "queued", asio::use_future);
    std::this_thread::sleep_for(100ms);
    server.kill9();
    auto lost = wait(std::move(big));
    REQUIRE_FALSE(lost);
    CHECK(lost.error().code() == errc::unknown_outcome);
    server.start();
    auto sent_later = wait(std::move(small));
    REQUIRE(sent_later);
    CHECK(sent_later.value() == "OK");
    CHECK(server.cli({"GET", small_key}) == "queued");
  }
}
