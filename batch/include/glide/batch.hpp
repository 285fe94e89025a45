#pragma once
// Batches: commands as values, run as a pipeline (Batch(false)) or a MULTI/EXEC transaction
// (Batch(true)) by a client's exec().
#include <glide/commands.hpp>
#include <glide/script.hpp>
#include <glide/value.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace glide {

using Reply = Result<Value>;  // one entry of a batch's results

struct BatchOptions {
  std::optional<std::chrono::milliseconds> timeout;  // none: the client's request_timeout
};

namespace detail {

// What a batch holds: every command encoded once into one buffer, where each starts, and which
// entries are scripts (a pipeline recovers their NOSCRIPT failures).
struct BatchData {
  struct ScriptEntry {
    std::size_t index;
    Script script;
  };
  bool atomic = false;
  // Unique to this content (every change takes a new one; copies keep it): lets a client cache
  // what it worked out about a batch it runs again and again, e.g. a cluster pipeline's split.
  std::uint64_t revision = 0;
  std::string wire;
  std::vector<std::size_t> offsets;
  std::vector<ScriptEntry> scripts;  // in entry order
  // The first entry this client cannot run (SUBSCRIBE, MONITOR, ...): exec() refuses the batch.
  std::optional<Error> refused;
  // A pipeline waits this much longer than its timeout: its blocking commands' own timeouts
  // (they run one after another). blocks_forever: one of them waits without limit.
  std::chrono::milliseconds blocking{0};
  bool blocks_forever = false;

  std::size_t size() const noexcept { return offsets.size(); }
  std::string_view command_wire(std::size_t i) const {
    const std::size_t end = i + 1 < offsets.size() ? offsets[i + 1] : wire.size();
    return std::string_view(wire).substr(offsets[i], end - offsets[i]);
  }
};

std::uint64_t next_batch_revision() noexcept;

// What exec() must know of an entry without parsing it again: whether this client can run it,
// and how long it may block.
void note_entry(BatchData& d, const Command& c);


template <class Derived>
class BatchBase : public Commands<Derived> {
 public:
  explicit BatchBase(bool is_atomic) : data_(std::make_shared<BatchData>()) {
    data_->atomic = is_atomic;
    data_->revision = next_batch_revision();
  }
  // Copies share the encoded commands until one of them changes (copy on write): exec() holds on
  // to a batch's bytes without copying them, and a batch can be reused, or changed, while an
  // earlier exec() of it is still running. (No move operations: a "moved" batch stays valid.)
  BatchBase(const BatchBase&) = default;
  BatchBase& operator=(const BatchBase&) = default;

  bool is_atomic() const noexcept { return data_->atomic; }
  std::size_t size() const noexcept { return data_->size(); }
  bool empty() const noexcept { return data_->offsets.empty(); }
  void clear() {
    if (data_.use_count() > 1) {
      auto fresh = std::make_shared<BatchData>();
      fresh->atomic = data_->atomic;
      fresh->revision = next_batch_revision();
      data_ = std::move(fresh);
      return;
    }
    data_->revision = next_batch_revision();
    data_->wire.clear();  // keeps the capacity, for the next round of commands
    data_->offsets.clear();
    data_->scripts.clear();
    data_->refused.reset();
    data_->blocking = std::chrono::milliseconds(0);
    data_->blocks_forever = false;
  }

  // Inside a transaction a script is sent as EVAL (a NOSCRIPT inside MULTI could not be
  // recovered); in a pipeline as EVALSHA, and exec() reloads and retries it on NOSCRIPT.
  Derived& invoke_script(const Script& script, const ScriptOptions& options = {}) {
    const bool atomic = data_->atomic;
    Command c{atomic ? "EVAL" : "EVALSHA", atomic ? script.code() : std::string_view(script.get_hash())};
    c.arg(options.keys.size()).args(options.keys).args(options.args);
    if (!atomic) writable().scripts.push_back({size(), script});
    return run_command<Value>(std::move(c));
  }

  // Appends one command. T is what the typed command promises; entries stay Values.
  template <class T>
  Derived& run_command(const Command& c) {
    BatchData& d = writable();
    note_entry(d, c);
    d.offsets.push_back(d.wire.size());
    c.encode_to(d.wire);
    return static_cast<Derived&>(*this);
  }

  std::shared_ptr<const BatchData> data() const noexcept { return data_; }

 private:
  BatchData& writable() {
    if (data_.use_count() > 1) data_ = std::make_shared<BatchData>(*data_);
    data_->revision = next_batch_revision();
    return *data_;
  }

  std::shared_ptr<BatchData> data_;
};

// MULTI, the commands, EXEC: written as one block, so nothing from another caller on the shared
// connection can land inside the transaction.
std::string wrap_transaction(const BatchData& batch);

// How long exec() waits for the batch: `timeout`, plus what its blocking commands may wait on
// the server (a pipeline's only: inside MULTI nothing blocks); zero: no limit.
std::chrono::milliseconds batch_timeout(const BatchData& batch, std::chrono::milliseconds timeout);

// The whole batch's outcome from its replies: N replies for a pipeline, MULTI's + N QUEUED +
// EXEC's for a transaction.
Result<std::optional<std::vector<Reply>>> shape_batch_replies(const BatchData& batch, std::vector<Value> replies,
                                                              bool raise_on_error);

}  // namespace detail

// Typed access to one entry of exec()'s results: the entry's own error, or its value converted
// to T (a mismatch is an error too, never UB). E.g. glide::as<std::int64_t>(results[1]).
template <class T>
Result<T> as(const Reply& entry) {
  if (!entry) return entry.error();
  if constexpr (std::is_same_v<T, Value>) {
    return entry.value();
  } else {
    return entry.value().as<T>();
  }
}

class Batch : public detail::BatchBase<Batch> {
 public:
  explicit Batch(bool is_atomic) : BatchBase(is_atomic) {}
};

class ClusterBatch : public detail::BatchBase<ClusterBatch> {
 public:
  explicit ClusterBatch(bool is_atomic) : BatchBase(is_atomic) {}
};

}  // namespace glide
