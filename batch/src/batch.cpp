#include <glide/batch.hpp>

#include <atomic>

namespace glide::detail {

std::uint64_t next_batch_revision() noexcept {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

void note_entry(BatchData& d, const Command& c) {
  if (!d.refused) {
    if (auto e = c.unsupported())
      d.refused = Error(e->code(), "batch entry #" + std::to_string(d.offsets.size()) + ": " + std::string(e->message()));
  }
  if (auto b = c.blocking_timeout()) {
    if (b->count() == 0)
      d.blocks_forever = true;
    else
      d.blocking += *b;
  }
}

std::string wrap_transaction(const BatchData& batch) {
  std::string wire;
  wire.reserve(batch.wire.size() + 32);
  Command{"MULTI"}.encode_to(wire);
  wire.append(batch.wire);
  Command{"EXEC"}.encode_to(wire);
  return wire;
}

std::chrono::milliseconds batch_timeout(const BatchData& batch, std::chrono::milliseconds timeout) {
  if (batch.atomic || timeout.count() == 0) return timeout;
  return batch.blocks_forever ? std::chrono::milliseconds(0) : timeout + batch.blocking;
}

Result<std::optional<std::vector<Reply>>> shape_batch_replies(const BatchData& batch, std::vector<Value> replies,
                                                              bool raise_on_error) {
  const std::size_t n = batch.size();
  std::vector<Value> results;
  if (batch.atomic) {
    if (replies.size() != n + 2) return fail(errc::protocol_error, "transaction reply count mismatch");
    if (auto e = replies.front().as_error()) return std::move(*e);  // MULTI itself refused
    Value& exec = replies.back();
    if (exec.is_nil()) return std::optional<std::vector<Reply>>();  // a WATCHed key changed
    if (auto e = exec.as_error()) {
      if (e->code() != errc::exec_abort) return std::move(*e);
      // EXECABORT names no culprit; the command refused while queuing does.
      std::string message(e->message());
      for (std::size_t i = 1; i <= n; ++i) {
        if (auto queued = replies[i].as_error()) {
          message += " First rejected command (#" + std::to_string(i - 1) + "): " + std::string(queued->message());
          break;
        }
      }
      return fail(errc::exec_abort, std::move(message));
    }
    if (exec.kind() != ValueKind::array || exec.items().size() != n)
      return fail(errc::protocol_error, "EXEC did not answer with one reply per command");
    results = std::move(exec.items());
  } else {
    if (replies.size() != n) return fail(errc::protocol_error, "pipeline reply count mismatch");
    results = std::move(replies);
  }

  // Each entry is built in place from its Value: every move of a Value (a variant visit) showed
  // in the profile of a 100-command pipeline.
  std::vector<Reply> out;
  out.reserve(n);
  for (auto& v : results) {
    if (v.is_error()) {
      Error e = *v.as_error();
      if (raise_on_error) return e;
      out.emplace_back(std::move(e));
    } else {
      out.emplace_back(std::move(v));
    }
  }
  return std::optional<std::vector<Reply>>(std::move(out));
}

}  // namespace glide::detail
