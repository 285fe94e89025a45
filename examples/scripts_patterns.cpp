// Common script patterns (docs/scripts.md): a rate limiter, a distributed lock and a conditional
// update, each one atomic because the server runs a script without interleaving other commands.
// The blocking client. Each result is printed next to what the guide says; the program fails if
// one differs.
#include "example_config.hpp"
#include "example_print.hpp"

using example::print;

// ---- Rate limiting ----------------------------------------------------------------------------
// A fixed window counter: the first call of a window sets the counter to 1 with the window as its
// TTL; later calls increment it until `limit`. Returns {count, limit} while under the limit, and
// {count, limit, ttl} once it is reached (ttl: seconds until the window resets).
// [snippet:rate-limiter]
const glide::Script rate_limit_script(R"(
    local key = KEYS[1]
    local limit = tonumber(ARGV[1])
    local window = tonumber(ARGV[2])

    local current = redis.call('GET', key)
    if current == false then
        redis.call('SET', key, 1)
        redis.call('EXPIRE', key, window)
        return {1, limit}
    end

    current = tonumber(current)
    if current < limit then
        local new_val = redis.call('INCR', key)
        local ttl = redis.call('TTL', key)
        return {new_val, limit}
    else
        local ttl = redis.call('TTL', key)
        return {current, limit, ttl}
    end
)");

bool allow_request(glide::sync::GlideClient& client, const std::string& user) {
  // 10 requests per 60 seconds; to_args spells the numbers as the strings the server expects
  auto result = client.invoke_script(rate_limit_script, {.keys = {"rate_limit:user:" + user}, .args = glide::to_args(10, 60)});
  if (!result) return false;  // fail closed when the server cannot tell
  auto counts = result.value().as<std::vector<std::int64_t>>().value();
  return counts.size() == 2;  // a third entry (the TTL) means the limit was reached
}
// [/snippet]

void rate_limiting(glide::sync::GlideClient& client) {
  std::cout << "Rate limiting\n";
  // [snippet:rate-limiter-usage]
  print(client.del({"rate_limit:user:123"}), "...");
  auto result = client.invoke_script(rate_limit_script, {.keys = {"rate_limit:user:123"}, .args = {"10", "60"}});
  print(result, "[1, 10]");  // the first request of the window

  int allowed = 1;
  for (int i = 0; i < 11; ++i) allowed += allow_request(client, "123") ? 1 : 0;
  print(std::int64_t{allowed}, "10");  // 12 requests, 10 allowed

  result = client.invoke_script(rate_limit_script, {.keys = {"rate_limit:user:123"}, .args = {"10", "60"}});
  print(result, "[10, 10, ...");  // over the limit: count, limit, seconds left in the window
  // [/snippet]
}

// ---- Distributed lock -------------------------------------------------------------------------
// SET NX EX takes the lock only if nobody holds it, and lets it expire if the holder dies. The
// release deletes the lock only if it still holds our token: a holder whose lock expired and
// was taken by someone else must not delete the new holder's lock.
// [snippet:lock]
const glide::Script acquire_lock_script(R"(
    if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
        return 1
    else
        return 0
    end
)");

const glide::Script release_lock_script(R"(
    if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
    else
        return 0
    end
)");
// [/snippet]

void distributed_lock(glide::sync::GlideClient& client) {
  std::cout << "Distributed lock\n";
  // [snippet:lock-usage]
  // Acquire lock
  auto lock_acquired = client.invoke_script(acquire_lock_script,
                                            {.keys = {"lock:resource:123"}, .args = {"unique_token", "30"}});  // 30 s expiration
  print(lock_acquired, "1");

  // Somebody else cannot take it, nor release it
  print(client.invoke_script(acquire_lock_script, {.keys = {"lock:resource:123"}, .args = {"other_token", "30"}}), "0");
  print(client.invoke_script(release_lock_script, {.keys = {"lock:resource:123"}, .args = {"other_token"}}), "0");

  if (lock_acquired && lock_acquired.value() == 1) {
    // Do work while holding lock ... then release it (a scope guard would do this on every path)
    auto released = client.invoke_script(release_lock_script, {.keys = {"lock:resource:123"}, .args = {"unique_token"}});
    print(released, "1");  // DEL removed one key
  }
  // [/snippet]
}

// ---- Conditional update -----------------------------------------------------------------------
// Compare-and-set: change a value only if it still holds what the caller saw, in one step.
// [snippet:conditional-update-pattern]
const glide::Script conditional_update_script(R"(
    local current = redis.call('GET', KEYS[1])
    if current == ARGV[1] then
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
    else
        return 0
    end
)");
// [/snippet]

void conditional_update(glide::sync::GlideClient& client) {
  std::cout << "Conditional update\n";
  // [snippet:conditional-update-usage]
  print(client.set("user:123:status", "pending"), R"("OK")");

  // Update only if current value matches expected
  auto updated = client.invoke_script(conditional_update_script,
                                      {.keys = {"user:123:status"}, .args = {"pending", "active"}});  // "pending" -> "active"
  print(updated, "1");
  print(client.get("user:123:status"), R"("active")");

  // A second attempt finds "active", not "pending", and changes nothing
  updated = client.invoke_script(conditional_update_script, {.keys = {"user:123:status"}, .args = {"pending", "active"}});
  print(updated, "0");
  // [/snippet]
}

int main() {
  auto client = glide::sync::GlideClient::create(example_config());
  if (!client) {
    std::cerr << "cannot connect: " << client.error() << "\n";
    return 1;
  }
  rate_limiting(client.value());
  distributed_lock(client.value());
  conditional_update(client.value());
  return example::exit_status();
}
