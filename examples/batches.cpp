// Batches: a pipeline, a transaction, inspecting every entry with raise_on_error=false, and a
// money transfer with WATCH, MULTI/EXEC and retry on conflict.
#include "example_config.hpp"

#include <iostream>

// [snippet:pipeline]
void pipeline(glide::sync::GlideClient& client) {
  glide::Batch batch(/*is_atomic=*/false);  // a pipeline: one write, N replies, order kept
  for (int i = 0; i < 3; ++i) batch.set("batches:key:" + std::to_string(i), "value " + std::to_string(i));
  batch.mget({"batches:key:0", "batches:key:1", "batches:key:2"});
  auto results = client.exec(batch, /*raise_on_error=*/true);
  if (!results) {
    std::cerr << "pipeline failed: " << results.error() << "\n";
    return;
  }
  for (const auto& entry : *results.value()) std::cout << "  " << entry.value() << "\n";
}
// [/snippet]

// [snippet:inspect]
void inspect(glide::sync::GlideClient& client) {
  glide::Batch tx(/*is_atomic=*/true);
  tx.set("batches:name", "glide").incr("batches:name").get("batches:name");
  // value(): the batch as a whole succeeded; value() again: not nullopt (only WATCH gives that).
  std::vector<glide::Reply> results = client.exec(tx, /*raise_on_error=*/false).value().value();
  for (std::size_t i = 0; i < results.size(); ++i) {
    const glide::Reply& entry = results[i];
    if (entry)
      std::cout << "  #" << i << " ok:    " << entry.value() << "\n";
    else
      std::cout << "  #" << i << " error: " << entry.error().message() << "\n";
  }
  // Typed access: the entry's error, or its value as a C++ type.
  std::cout << "  GET as std::string: " << glide::as<std::string>(results[2]).value() << "\n";
}
// [/snippet]

// [snippet:transfer]
// Moves `amount` from one account to another, only if the balance allows it. WATCH makes EXEC
// fail (nullopt) when another client changed a balance in between; then we read and try again.
// WATCH belongs to a connection, so it runs on a session: a connection of its own.
glide::Result<bool> transfer(glide::sync::GlideClient& client, const std::string& from, const std::string& to,
                             std::int64_t amount) {
  auto session = client.open_session();
  if (!session) return session.error();
  for (int attempt = 1; attempt <= 10; ++attempt) {
    if (auto w = session.value().watch({from, to}); !w) return w.error();
    auto balance = session.value().get(from);
    if (!balance) return balance.error();
    if (std::stoll(balance.value().value_or("0")) < amount) {
      (void)session.value().unwatch();
      return false;  // not enough money: nothing to do
    }
    glide::Batch tx(/*is_atomic=*/true);
    tx.decr_by(from, amount).incr_by(to, amount);
    auto result = session.value().exec(tx, /*raise_on_error=*/true);
    if (!result) return result.error();
    if (result.value()) return true;  // applied
    std::cout << "  attempt " << attempt << ": a balance changed under us, retrying\n";
  }
  return glide::fail(glide::errc::request_error, "too much contention");
}
// [/snippet]

int main() {
  auto created = glide::sync::GlideClient::create(example_config());
  if (!created) {
    std::cerr << "cannot connect: " << created.error() << "\n";
    return 1;
  }
  auto& client = created.value();

  std::cout << "pipeline:\n";
  pipeline(client);

  std::cout << "transaction inspected with raise_on_error=false:\n";
  inspect(client);

  std::cout << "transfer:\n";
  (void)client.mset({{"batches:alice", "100"}, {"batches:bob", "20"}});
  auto moved = transfer(client, "batches:alice", "batches:bob", 30);
  std::cout << "  moved 30 from alice to bob: " << (moved.value() ? "yes" : "no") << "\n";
  auto too_much = transfer(client, "batches:alice", "batches:bob", 500);
  std::cout << "  moved 500 from alice to bob: " << (too_much.value() ? "yes" : "no") << "\n";
  auto balances = client.mget({"batches:alice", "batches:bob"}).value();
  std::cout << "  alice=" << balances[0].value_or("?") << " bob=" << balances[1].value_or("?") << "\n";
}
