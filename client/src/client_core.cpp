#include <glide/detail/client_core.hpp>
#include <glide/detail/log.hpp>
#include <glide/detail/reply.hpp>

#include <boost/asio/dispatch.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <map>
#include <set>

namespace glide::detail {
namespace {

bool is_noscript(const Value& v) { return v.is_error() && v.as_error()->code() == errc::noscript; }

// What is left of a request's timeout since `started`. The NOSCRIPT recovery below sends a
// second request; with a full timeout of its own the caller could wait almost twice as long as
// it asked (reliability_tests: "NOSCRIPT recovery stays within the caller's timeout"). Zero (no
// limit) stays zero; a spent timeout leaves 1 ms, so the retry times out at once.
std::chrono::milliseconds remaining(std::chrono::milliseconds timeout, std::chrono::steady_clock::time_point started) {
  if (timeout.count() == 0) return timeout;
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return std::max(timeout - spent, std::chrono::milliseconds(1));
}

Command script_command(const Script& script, const std::vector<std::string>& keys, const std::vector<std::string>& args) {
  Command c{"EVALSHA", script.get_hash()};
  c.arg(keys.size()).args(keys).args(args);
  return c;
}

}  // namespace

ClientCore::ClientCore(boost::asio::any_io_executor ex, GlideClientConfiguration config, std::shared_ptr<NodeConnection> main,
                       ConnectionOptions options)
    : executor_(std::move(ex)), config_(std::move(config)), options_(std::move(options)), main_(std::move(main)) {}

ClientCore::~ClientCore() { close(); }

void ClientCore::create(boost::asio::any_io_executor ex, GlideClientConfiguration config,
                        Done<std::shared_ptr<ClientCore>> done) {
  auto options = connection_options(config);
  if (!options) return std::move(done)(options.error());
  auto conn = NodeConnection::make(ex, options.value());
  if (!conn) return std::move(done)(conn.error());
  std::shared_ptr<ClientCore> core(new ClientCore(ex, std::move(config), conn.value(), std::move(options).value()));
  if (core->config_.lazy_connect) return std::move(done)(core);
  core->main_->connect([core, done = std::move(done)](Result<void> r) mutable {
    if (!r) {
      core->close();
      return std::move(done)(r.error());
    }
    std::move(done)(std::move(core));
  });
}

void ClientCore::open_session(Done<std::shared_ptr<ClientCore>> done) const {
  create(executor_, config_, std::move(done));
}

void ClientCore::execute(Command command, std::chrono::milliseconds timeout, Done<Value> done) {
  if (auto refused = command.unsupported()) return std::move(done)(std::move(*refused));
  const auto limit = command.timeout_for(timeout);
  Request r{std::move(command).encoded(), 1, limit};
  main_->send(std::move(r), [d = std::move(done)](Result<Replies> replies) mutable {
    if (!replies) return std::move(d)(replies.error());
    std::move(d)(std::move(replies.value().front()));
  });
}

std::shared_ptr<NodeConnection> ClientCore::side_connection() {
  std::lock_guard lock(side_mutex_);
  if (!side_) {
    // This connection is usually opened while a script keeps the server busy, when Valkey
    // refuses SELECT and CLIENT SETNAME with BUSY (HELLO and AUTH are allowed): a handshake with
    // them would fail until the script ends, and SCRIPT KILL would come too late. SCRIPT KILL and
    // FUNCTION KILL need no database, and a RESP3 HELLO carries the name itself.
    ConnectionOptions side = options_;
    side.database_id.reset();
    if (side.protocol != ProtocolVersion::RESP3) side.client_name.reset();
    auto conn = NodeConnection::make(executor_, std::move(side));
    side_ = conn.value();  // the same options already made the main connection
  }
  return side_;
}

void ClientCore::execute_on_side(Command command, std::chrono::milliseconds timeout, Done<Value> done) {
  Request r{std::move(command).encoded(), 1, timeout};
  side_connection()->send(std::move(r), [d = std::move(done)](Result<Replies> replies) mutable {
    if (!replies) return std::move(d)(replies.error());
    std::move(d)(std::move(replies.value().front()));
  });
}

void ClientCore::exec(std::shared_ptr<const BatchData> shared, bool raise_on_error, std::chrono::milliseconds timeout,
                      Done<std::optional<std::vector<Reply>>> done) {
  const BatchData& batch = *shared;
  if (batch.size() == 0) return std::move(done)(std::optional<std::vector<Reply>>(std::vector<Reply>{}));
  Request r;
  r.timeout = timeout;
  if (batch.atomic) {
    // MULTI, the commands and EXEC leave in one write: nothing from another caller can land
    // inside the transaction on the shared connection.
    r.wire.reserve(batch.wire.size() + 32);
    Command{"MULTI"}.encode_to(r.wire);
    r.wire.append(batch.wire);
    Command{"EXEC"}.encode_to(r.wire);
    r.expected = batch.size() + 2;
  } else {
    r.borrowed = batch.wire;
    r.owner = shared;
    r.expected = batch.size();
  }
  auto conn = main_;
  const auto started = std::chrono::steady_clock::now();
  main_->send(std::move(r), [conn, shared, raise_on_error, timeout, started, d = std::move(done)](Result<Replies> replies) mutable {
    if (!replies) return std::move(d)(replies.error());
    // Pipelined scripts that met NOSCRIPT: load each script once, run those entries again, and
    // put their replies back in place.
    std::vector<std::size_t> retry;
    for (const auto& s : shared->scripts)
      if (is_noscript(replies.value()[s.index])) retry.push_back(s.index);
    if (retry.empty()) return std::move(d)(shape_batch_replies(*shared, std::move(replies).value(), raise_on_error));
    Request again;
    again.timeout = remaining(timeout, started);
    // For each retried entry, which SCRIPT LOAD reply belongs to its script.
    std::map<std::string, std::size_t, std::less<>> load_of;
    std::vector<std::size_t> retry_load;
    for (const auto& s : shared->scripts) {
      if (std::find(retry.begin(), retry.end(), s.index) == retry.end()) continue;
      auto [it, added] = load_of.try_emplace(s.script.get_hash(), load_of.size());
      if (added) Command{"SCRIPT", "LOAD", s.script.code()}.encode_to(again.wire);
      retry_load.push_back(it->second);
    }
    const std::size_t loads = load_of.size();
    for (auto i : retry) again.wire.append(shared->command_wire(i));
    again.expected = loads + retry.size();
    conn->send(std::move(again), [shared, raise_on_error, retry, retry_load, loads, first = std::move(replies).value(),
                                  d = std::move(d)](Result<Replies> second) mutable {
      if (!second) return std::move(d)(second.error());
      auto& again_replies = second.value();
      for (std::size_t k = 0; k < retry.size(); ++k) {
        // A script that does not compile fails its SCRIPT LOAD, and its EVALSHA then says
        // NOSCRIPT again: the load's error ("ERR Error compiling script ...") is the useful one,
        // as invoke_script reports it.
        Value& load = again_replies[retry_load[k]];
        first[retry[k]] = load.is_error() ? load : std::move(again_replies[loads + k]);
      }
      std::move(d)(shape_batch_replies(*shared, std::move(first), raise_on_error));
    });
  });
}

void ClientCore::invoke_script(Script script, ScriptOptions options, std::chrono::milliseconds timeout, Done<Value> done) {
  // The script and its EVALSHA stay together for a NOSCRIPT retry; the request borrows the bytes.
  struct Call {
    Script script;
    std::string wire;
  };
  std::string wire = script_command(script, options.keys, options.args).encoded();
  auto call = std::make_shared<const Call>(Call{std::move(script), std::move(wire)});
  Request r;
  r.borrowed = call->wire;
  r.owner = call;
  r.timeout = timeout;
  auto conn = main_;
  const auto started = std::chrono::steady_clock::now();
  main_->send(std::move(r), [conn, call, timeout, started, d = std::move(done)](Result<Replies> replies) mutable {
    if (!replies) return std::move(d)(replies.error());
    Value& v = replies.value().front();
    if (!is_noscript(v)) return std::move(d)(to_result<Value>(std::move(v)));
    // Not cached on the server (never loaded, flushed, or a restarted server): load it and run it
    // again, both in one write.
    Request again{Command{"SCRIPT", "LOAD", call->script.code()}.encoded() + call->wire, 2, remaining(timeout, started)};
    conn->send(std::move(again), [d = std::move(d)](Result<Replies> second) mutable {
      if (!second) return std::move(d)(second.error());
      auto& load = second.value()[0];
      if (load.is_error()) return std::move(d)(*load.as_error());
      std::move(d)(to_result<Value>(std::move(second.value()[1])));
    });
  });
}

void ClientCore::close(boost::asio::any_completion_handler<void()> done) {
  main_->close();
  {
    std::lock_guard lock(side_mutex_);
    if (side_) side_->close();
  }
  if (done) {
    // close() runs on the connection's strand; this lands after it.
    boost::asio::dispatch(main_->get_executor(), std::move(done));
  }
}

}  // namespace glide::detail
