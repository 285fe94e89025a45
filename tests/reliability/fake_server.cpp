#include "fake_server.hpp"

#include <glide/detail/resp.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <future>

namespace glide_test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

tcp::endpoint loopback(std::uint16_t port) { return {asio::ip::make_address("127.0.0.1"), port}; }

// Runs `f` on the io_context's thread and waits until it has run.
void run_and_wait(asio::io_context& io, std::function<void()> f) {
  std::promise<void> done;
  auto future = done.get_future();
  asio::post(io, [&] {
    f();
    done.set_value();
  });
  future.wait();
}

}  // namespace

// ---- FakeValkeyPeer ------------------------------------------------------------------------

class FakeValkeyPeer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(FakeValkeyPeer& peer, tcp::socket socket)
      : peer_(peer), socket_(std::move(socket)), wake_(socket_.get_executor()) {
    wake_.expires_at(asio::steady_timer::time_point::max());
  }

  void start() {
    asio::co_spawn(socket_.get_executor(), read_loop(shared_from_this()), asio::detached);
    asio::co_spawn(socket_.get_executor(), write_loop(shared_from_this()), asio::detached);
  }

  void push(const FakeAction& a) {
    if (closed_) return;
    out_.push_back(a);
    wake_.cancel();
  }
  void wake() { wake_.cancel(); }
  bool open() const { return !closed_; }
  void close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    wake_.cancel();
  }

 private:
  // Commands arrive as RESP arrays of bulk strings: the library's own reply parser reads them.
  asio::awaitable<void> read_loop(std::shared_ptr<Session>) {
    glide::detail::RespParser parser;
    std::vector<char> buffer(65536);
    std::string data;
    error_code ec;
    for (;;) {
      const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      data.append(buffer.data(), n);
      std::size_t pos = 0;
      for (;;) {
        std::size_t consumed = 0;
        const auto status = parser.parse(std::string_view(data).substr(pos), consumed);
        pos += consumed;
        if (status == glide::detail::RespParser::Status::need_more) break;
        if (status == glide::detail::RespParser::Status::error) {
          close();
          co_return;
        }
        const glide::Value v = parser.take();
        std::vector<std::string> args;
        if (v.is_aggregate())
          for (const auto& item : v.items()) args.push_back(item.str());
        const FakeAction action = peer_.answer(args, resp3_);
        if (action.kind == FakeAction::Kind::reply) push(action);
      }
      data.erase(0, pos);
    }
    close();
  }

  asio::awaitable<void> write_loop(std::shared_ptr<Session>) {
    error_code ec;
    asio::steady_timer pause(socket_.get_executor());
    for (;;) {
      while (!closed_ && (peer_.stalled_ || out_.empty())) co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (closed_) co_return;
      FakeAction a = std::move(out_.front());
      out_.pop_front();
      ec = {};  // the wake-up above left operation_aborted here
      if (a.delay.count() > 0) {
        pause.expires_after(a.delay);
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        ec = {};
      }
      if (a.dribble) {
        for (std::size_t i = 0; i < a.bytes.size() && !ec && !closed_; ++i) {
          co_await asio::async_write(socket_, asio::buffer(a.bytes.data() + i, 1), asio::redirect_error(asio::use_awaitable, ec));
          pause.expires_after(1ms);
          co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
      } else {
        co_await asio::async_write(socket_, asio::buffer(a.bytes), asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec || a.close_after) {
        close();
        co_return;
      }
    }
  }

  FakeValkeyPeer& peer_;
  tcp::socket socket_;
  asio::steady_timer wake_;  // never expires: cancel() wakes the writer
  std::deque<FakeAction> out_;
  bool closed_ = false;
  bool resp3_ = false;
};

FakeValkeyPeer::FakeValkeyPeer() : acceptor_(io_, loopback(0)) {
  port_ = acceptor_.local_endpoint().port();
  accept_loop();
  thread_ = std::thread([this] { io_.run(); });
}

FakeValkeyPeer::~FakeValkeyPeer() {
  io_.stop();
  thread_.join();
}

void FakeValkeyPeer::accept_loop() {
  acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec) return;
    ++accepted_;
    auto session = std::make_shared<Session>(*this, std::move(socket));
    sessions_.push_back(session);
    session->start();
    accept_loop();
  });
}

void FakeValkeyPeer::run_on_thread(std::function<void()> f) { run_and_wait(io_, std::move(f)); }

void FakeValkeyPeer::script(FakeAction action) {
  std::lock_guard lock(mutex_);
  scripts_.emplace_back(std::nullopt, std::move(action));
}

void FakeValkeyPeer::script(std::string name, FakeAction action) {
  std::lock_guard lock(mutex_);
  scripts_.emplace_back(upper(std::move(name)), std::move(action));
}

std::size_t FakeValkeyPeer::unused_scripts() const {
  std::lock_guard lock(mutex_);
  return scripts_.size();
}

void FakeValkeyPeer::stall() {
  run_on_thread([this] { stalled_ = true; });
}

void FakeValkeyPeer::resume() {
  run_on_thread([this] {
    stalled_ = false;
    for (auto& w : sessions_)
      if (auto s = w.lock()) s->wake();
  });
}

void FakeValkeyPeer::inject(std::string bytes) {
  run_on_thread([this, &bytes] {
    for (auto& w : sessions_)
      if (auto s = w.lock(); s && s->open()) s->push(FakeAction::reply(bytes));
  });
}

void FakeValkeyPeer::close_connections() {
  run_on_thread([this] {
    for (auto& w : sessions_)
      if (auto s = w.lock()) s->close();
  });
}

std::vector<std::vector<std::string>> FakeValkeyPeer::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

std::size_t FakeValkeyPeer::received_count(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const std::string wanted = upper(name);
  return static_cast<std::size_t>(std::count_if(received_.begin(), received_.end(), [&](const auto& c) {
    return !c.empty() && upper(c[0]) == wanted;
  }));
}

FakeAction FakeValkeyPeer::answer(const std::vector<std::string>& c, bool& resp3) {
  std::lock_guard lock(mutex_);
  received_.push_back(c);
  const std::string name = c.empty() ? std::string() : upper(c[0]);
  const std::string sub = c.size() > 1 ? upper(c[1]) : std::string();
  if (name == "HELLO" && sub == "3") resp3 = true;
  const bool handshake = name == "HELLO" || name == "AUTH" || name == "SELECT" || name == "READONLY" ||
                         (name == "CLIENT" && sub == "SETNAME");
  const bool probe = name == "PING";
  for (auto it = scripts_.begin(); it != scripts_.end(); ++it) {
    if (it->first ? *it->first == name : !(handshake || probe)) {
      FakeAction a = std::move(it->second);
      scripts_.erase(it);
      return a;
    }
  }
  const std::string null = resp3 ? "_\r\n" : "$-1\r\n";
  if (name == "HELLO") {
    if (!resp3) return FakeAction::reply("*4\r\n$6\r\nserver\r\n$6\r\nvalkey\r\n$5\r\nproto\r\n:2\r\n");
    return FakeAction::reply(
        "%7\r\n$6\r\nserver\r\n$6\r\nvalkey\r\n$7\r\nversion\r\n$5\r\n8.0.1\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:7\r\n"
        "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n");
  }
  if (handshake || name == "CLIENT") return FakeAction::reply("+OK\r\n");
  if (name == "PING") return FakeAction::reply(c.size() > 1 ? bulk(c[1]) : "+PONG\r\n");
  if (name == "ECHO" && c.size() == 2) return FakeAction::reply(bulk(c[1]));
  if (name == "SET" && c.size() >= 3) {
    store_[c[1]] = c[2];
    return FakeAction::reply("+OK\r\n");
  }
  if (name == "GET" && c.size() == 2) {
    auto it = store_.find(c[1]);
    return FakeAction::reply(it == store_.end() ? null : bulk(it->second));
  }
  if (name == "INCR" && c.size() == 2) {
    auto& v = store_[c[1]];
    v = std::to_string((v.empty() ? 0 : std::stoll(v)) + 1);
    return FakeAction::reply(":" + v + "\r\n");
  }
  if (name == "DEL") {
    std::size_t n = 0;
    for (std::size_t i = 1; i < c.size(); ++i) n += store_.erase(c[i]);
    return FakeAction::reply(":" + std::to_string(n) + "\r\n");
  }
  return FakeAction::reply("-ERR unknown command '" + (c.empty() ? std::string() : c[0]) + "' (FakeValkeyPeer)\r\n");
}

// ---- TcpRelay ------------------------------------------------------------------------------

struct TcpRelay::Link : std::enable_shared_from_this<TcpRelay::Link> {
  Link(TcpRelay& relay, tcp::socket c) : relay(relay), client(std::move(c)), server(client.get_executor()) {}

  asio::awaitable<void> run(std::shared_ptr<Link> self) {
    error_code ec;
    co_await server.async_connect(loopback(relay.target_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      close();
      co_return;
    }
    asio::co_spawn(client.get_executor(), pump(self, client, server), asio::detached);
    asio::co_spawn(client.get_executor(), pump(self, server, client), asio::detached);
  }

  // Bytes read are held while the relay is stalled: at most one buffer here, the rest waits in
  // the kernel (TCP flow control), as on a congested path.
  asio::awaitable<void> pump(std::shared_ptr<Link>, tcp::socket& from, tcp::socket& to) {
    const int epoch = relay.epoch_;
    std::vector<char> buffer(16384);
    asio::steady_timer pause(from.get_executor());
    error_code ec;
    for (;;) {
      const std::size_t n = co_await from.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      while (relay.stalled_ && !closed) {
        pause.expires_after(2ms);
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      if (closed) break;
      if (epoch != relay.epoch_) continue;  // a silently dead link: the bytes go nowhere
      co_await asio::async_write(to, asio::buffer(buffer.data(), n), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    close();
  }

  void close() {
    closed = true;
    error_code ignored;
    client.close(ignored);
    server.close(ignored);
  }

  TcpRelay& relay;
  tcp::socket client;
  tcp::socket server;
  bool closed = false;
};

TcpRelay::TcpRelay(std::uint16_t target_port) : target_(target_port), acceptor_(io_, loopback(0)) {
  port_ = acceptor_.local_endpoint().port();
  accept_loop();
  thread_ = std::thread([this] { io_.run(); });
}

TcpRelay::~TcpRelay() {
  io_.stop();
  thread_.join();
}

void TcpRelay::accept_loop() {
  acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec) return;
    ++accepted_;
    if (refusing_) {
      error_code ignored;
      socket.close(ignored);
    } else {
      auto link = std::make_shared<Link>(*this, std::move(socket));
      links_.push_back(link);
      asio::co_spawn(io_, link->run(link), asio::detached);
    }
    accept_loop();
  });
}

void TcpRelay::run_on_thread(std::function<void()> f) { run_and_wait(io_, std::move(f)); }

void TcpRelay::stall() { stalled_ = true; }
void TcpRelay::resume() { stalled_ = false; }

void TcpRelay::drop() {
  run_on_thread([this] {
    for (auto& w : links_)
      if (auto l = w.lock()) l->close();
    links_.clear();
  });
}

void TcpRelay::blackhole() { ++epoch_; }

void TcpRelay::refuse(bool on) {
  run_on_thread([this, on] { refusing_ = on; });
}

}  // namespace glide_test
