// Scripts in batches (docs/scripts.md): EVAL through custom_command in a transaction, as the guide
// shows, and Batch::invoke_script, which glide-cpp adds: EVAL inside MULTI/EXEC, EVALSHA in a
// pipeline. The asynchronous client in a coroutine.
// Each result is printed next to what the guide says; the program fails if one differs.
#include "example_config.hpp"
#include "example_print.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace asio = boost::asio;
using example::print;

asio::awaitable<void> eval_in_atomic_batches(glide::GlideClient& client) {
  std::cout << "Using EVAL in atomic batches\n";
  // [snippet:batch-eval]
  // Create an atomic batch (transaction)
  glide::Batch batch(true);
  batch.set("batch-key", "batch-value");
  batch.get("batch-key");
  batch.custom_command({"EVAL", "return 'Hello from Lua!'", "0"});

  // Execute the batch
  auto results = co_await client.exec(batch, /*raise_on_error=*/false);

  // Result<optional<vector<Reply>>>: the batch itself can fail, and EXEC answers nil (nullopt)
  // when a WATCHed key changed; each entry is a Result<Value> of its own
  const std::vector<glide::Reply>& replies = results.value().value();
  std::cout << "Batch executed:\n";
  print(replies[0], R"("OK")");               // SET result
  print(replies[1], R"("batch-value")");      // GET result
  print(replies[2], R"("Hello from Lua!")");  // EVAL result
  // [/snippet]

  std::cout << "EVAL with keys and arguments in atomic batches\n";
  // [snippet:batch-eval-keys]
  // Script with keys and arguments
  glide::Batch with_keys(true);
  with_keys.custom_command({
      "EVAL",
      "return redis.call('SET', KEYS[1], ARGV[1])",
      "1",             // Number of keys
      "script-key",    // Key
      "script-value",  // Argument
  });
  with_keys.get("script-key");

  auto keyed = co_await client.exec(with_keys, false);
  print(keyed.value().value()[0], R"("OK")");            // EVAL result
  print(keyed.value().value()[1], R"("script-value")");  // GET result
  // [/snippet]
}

asio::awaitable<void> invoke_script_in_batches(glide::GlideClient& client) {
  std::cout << "Batch::invoke_script in a transaction (lowered to EVAL)\n";
  // [snippet:batch-invoke-atomic]
  glide::Script transfer(R"(
    local from = tonumber(redis.call('GET', KEYS[1]) or '0')
    local amount = tonumber(ARGV[1])
    if from < amount then return redis.error_reply('ERR insufficient funds') end
    redis.call('DECRBY', KEYS[1], amount)
    return redis.call('INCRBY', KEYS[2], amount)
  )");

  glide::Batch tx(true);
  tx.set("account:{1}:a", "100");
  tx.set("account:{1}:b", "0");
  tx.invoke_script(transfer, {.keys = {"account:{1}:a", "account:{1}:b"}, .args = glide::to_args(30)});
  tx.invoke_script(transfer, {.keys = {"account:{1}:a", "account:{1}:b"}, .args = glide::to_args(500)});
  tx.get("account:{1}:a");

  auto tx_results = co_await client.exec(tx, false);
  const auto& tx_replies = tx_results.value().value();
  print(tx_replies[2], "30");                                  // the first transfer
  print(tx_replies[3], "error: request error: ERR insufficient funds...");  // failed in place
  print(tx_replies[4], R"("70")");                             // the rest of the batch ran
  // [/snippet]

  std::cout << "Batch::invoke_script in a pipeline (EVALSHA, NOSCRIPT recovered)\n";
  // [snippet:batch-invoke-pipeline]
  glide::Script greet("return 'Hello, ' .. ARGV[1]");
  glide::Batch pipeline(false);
  pipeline.invoke_script(greet, {.args = {"Ada"}});
  pipeline.custom_command({"PING"});
  pipeline.invoke_script(greet, {.args = {"Grace"}});

  // Even right after SCRIPT FLUSH: each script goes out as SCRIPT LOAD ahead of its first
  // EVALSHA, in the same write, so the pipeline runs in the order it was built
  print(co_await client.script_flush(), "ok");
  auto piped = co_await client.exec(pipeline, false);
  for (const glide::Reply& reply : piped.value().value()) std::cout << "  " << reply.value() << "\n";
  print(piped.value().value()[2], R"("Hello, Grace")");
  // [/snippet]
}

asio::awaitable<void> run(asio::io_context& io) {
  auto client = (co_await glide::GlideClient::create(io.get_executor(), example_config())).value();
  co_await eval_in_atomic_batches(client);
  co_await invoke_script_in_batches(client);
  client.close();
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, run(io), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  return example::exit_status();
}
