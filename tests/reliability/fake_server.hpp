#pragma once
// Test doubles for the reliability tests. Neither is a Valkey server:
//
// - FakeValkeyPeer: a scripted TCP server on a free loopback port that speaks just enough RESP
//   to take a client through its handshake (HELLO 3, or RESP2 AUTH / CLIENT SETNAME / SELECT)
//   and then answers each request with whatever bytes the test scripted, or misbehaves: replies
//   cut short, malformed, unsolicited, never sent, or sent after a stall.
// - TcpRelay: a TCP forwarder between a client and a real server that the test can stall
//   (bytes are held, not lost), drop (every open connection is closed), refuse (new connections
//   are closed at once) and blackhole (open connections die silently), to play a bad network.
//
// Each runs its own io_context on its own thread. Their methods may be called from any thread;
// those that change behaviour take effect before they return.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace glide_test {

// What the fake does with one request.
struct FakeAction {
  enum class Kind { reply, no_reply };
  Kind kind = Kind::reply;
  std::string bytes;         // written exactly as they are: one reply, several, half of one, junk
  bool close_after = false;  // then the connection is closed (after the bytes left)
  bool dribble = false;      // the bytes go out one at a time, 1 ms apart
  std::chrono::milliseconds delay{0};  // written this long after their turn comes (a busy server:
                                       // the replies queued behind wait too)

  static FakeAction reply(std::string bytes) { return FakeAction{Kind::reply, std::move(bytes)}; }
  static FakeAction reply_then_close(std::string bytes) { return FakeAction{Kind::reply, std::move(bytes), true}; }
  static FakeAction dribbled(std::string bytes) { return FakeAction{Kind::reply, std::move(bytes), false, true}; }
  static FakeAction delayed(std::chrono::milliseconds delay, std::string bytes) {
    return FakeAction{Kind::reply, std::move(bytes), false, false, delay};
  }
  // The request is read and never answered (until the connection ends).
  static FakeAction no_reply() { return FakeAction{Kind::no_reply, {}}; }
};

class FakeValkeyPeer {
 public:
  FakeValkeyPeer();
  ~FakeValkeyPeer();
  FakeValkeyPeer(const FakeValkeyPeer&) = delete;
  FakeValkeyPeer& operator=(const FakeValkeyPeer&) = delete;

  std::uint16_t port() const { return port_; }

  // The next request (in arrival order) that is not part of the handshake and not a PING (the
  // client's health check) gets `action` instead of the default answer. Queued actions are
  // used in order.
  void script(FakeAction action);
  // The next command named `name` (case-insensitive, e.g. "HELLO", "EXEC") gets `action`; this
  // is how a handshake is scripted.
  void script(std::string name, FakeAction action);
  // Scripted actions not used yet.
  std::size_t unused_scripts() const;

  // From now on requests are read but nothing is written: replies, in order, wait.
  void stall();
  // Writes everything that waited, in order, and answers normally again.
  void resume();
  // Writes `bytes` to every open connection (after what is already queued there), whatever the
  // client has pending: an unsolicited reply.
  void inject(std::string bytes);
  // Closes every open connection.
  void close_connections();

  int connections_accepted() const { return accepted_; }
  // Every command received (handshake, PING and requests alike), as argument vectors.
  std::vector<std::vector<std::string>> received() const;
  // How many commands named `name` were received.
  std::size_t received_count(const std::string& name) const;

  class Session;

 private:
  friend class Session;
  void accept_loop();
  // Decides what to do with one command (runs on the fake's thread).
  FakeAction answer(const std::vector<std::string>& command, bool& resp3);
  void run_on_thread(std::function<void()> f);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  bool stalled_ = false;  // fake's thread only
  std::vector<std::weak_ptr<Session>> sessions_;  // fake's thread only

  mutable std::mutex mutex_;  // guards what follows
  std::deque<std::pair<std::optional<std::string>, FakeAction>> scripts_;
  std::vector<std::vector<std::string>> received_;
  std::map<std::string, std::string> store_;  // the default answers' SET/GET/INCR/DEL data

  std::thread thread_;
};

class TcpRelay {
 public:
  explicit TcpRelay(std::uint16_t target_port);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  std::uint16_t port() const { return port_; }

  // Bytes stop moving, in both directions, on every connection (new ones too); they are held,
  // not lost, and move again on resume() unless the connection is dropped first.
  void stall();
  void resume();
  // Closes every open connection at both ends (what was held is lost).
  void drop();
  // While refusing, new connections are accepted and closed at once.
  void refuse(bool on);
  // Every connection open now dies silently: it stays open and every byte sent on it, either
  // way, is dropped (a dead path that sends no RST). Later connections work.
  void blackhole();

  int connections_accepted() const { return accepted_; }

  struct Link;

 private:
  void accept_loop();
  void run_on_thread(std::function<void()> f);

  boost::asio::io_context io_;
  std::uint16_t target_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stalled_{false};
  std::atomic<int> epoch_{0};  // links from before the last blackhole() drop everything
  bool refusing_ = false;                   // relay's thread only
  std::vector<std::weak_ptr<Link>> links_;  // relay's thread only
  std::thread thread_;
};

}  // namespace glide_test
