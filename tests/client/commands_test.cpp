#include "fixtures.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <source_location>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using namespace glide;
using glide_test::shared_server;

TEST_CASE("async client: set and get through co_await", "[client]") {
  std::optional<std::string> got;
  std::optional<std::string> set_reply;
  glide_test::run_coroutine([&](boost::asio::io_context& io) -> boost::asio::awaitable<void> {
    auto client = (co_await GlideClient::create(io.get_executor(), glide_test::config_for(shared_server()))).value();
    auto key = glide_test::unique_key("smoke");
    set_reply = (co_await client.set(key, "value")).value();
    got = (co_await client.get(key)).value();
    client.close();
  });
  CHECK(set_reply == "OK");
  CHECK(got == "value");
}

TEST_CASE("sync client: set and get", "[client]") {
  auto client = glide_test::connect_sync(shared_server());
  auto key = glide_test::unique_key("smoke");
  REQUIRE(client.set(key, "v1").value() == "OK");
  CHECK(client.get(key).value() == "v1");
  CHECK(client.get(glide_test::unique_key("missing")).value() == std::nullopt);
}

// ---- every typed command, through the async and the sync client --------------------------------
//
// One command sequence, written once as a coroutine template, runs against both clients: for the
// async client `call` passes the operation on to co_await; for the sync client the command has
// already blocked and returned its Result, which `call` hands back through a ready awaitable.
// Catch2 assertions must not run inside a coroutine (DESIGN.md, GCC 12 traps): the coroutine
// records each Result with the checks to make on it, and they run after the coroutine is done.
namespace {

class Checks {
 public:
  // The command succeeded; `check(value)` (or `check()` for Result<void>) asserts on its value.
  template <class T, class F>
  void ok(const Result<T>& r, F check, std::source_location where = std::source_location::current()) {
    checks_.push_back([r, check, where] {
      INFO("command at line " << where.line());
      if (!r) {
        FAIL_CHECK("the command failed: " << r.error());
        return;
      }
      if constexpr (std::is_void_v<T>)
        check();
      else
        check(r.value());
    });
  }
  template <class T>
  void ok(const Result<T>& r, std::source_location where = std::source_location::current()) {
    if constexpr (std::is_void_v<T>)
      ok(r, [] {}, where);
    else
      ok(r, [](const auto&) {}, where);
  }
  // The command failed with `code` and a server message starting with `prefix`.
  template <class T>
  void fails(const Result<T>& r, errc code, std::string prefix, std::source_location where = std::source_location::current()) {
    checks_.push_back([succeeded = r.has_value(), error = r ? Error() : r.error(), code, prefix, where] {
      INFO("command at line " << where.line());
      REQUIRE_FALSE(succeeded);
      CHECK(error.code() == code);
      CHECK(error.message().substr(0, prefix.size()) == prefix);
    });
  }
  void run() const {
    for (const auto& c : checks_) c();
  }
  std::size_t size() const { return checks_.size(); }

 private:
  std::vector<std::function<void()>> checks_;
};

// The async client's operations are awaited as they are.
struct AwaitAsync {
  template <class Op>
  Op operator()(Op op) const {
    return op;
  }
};
// The sync client has already returned its Result: hand it back through a ready awaitable.
template <class T>
boost::asio::awaitable<T> ready(T value) {
  co_return value;
}
struct PassSync {
  template <class T>
  boost::asio::awaitable<T> operator()(T result) const {
    return ready(std::move(result));
  }
};

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

bool has_version(std::string_view info) {
  return info.find("redis_version") != std::string_view::npos || info.find("valkey_version") != std::string_view::npos;
}

// Every typed command of commands.hpp that only touches its own keys (run on the shared server).
template <class Client, class Call>
boost::asio::awaitable<void> exercise_key_commands(Client& client, Call call, Checks& checks) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  using Strings = std::vector<std::string>;
  using OptStrings = std::vector<std::optional<std::string>>;
  const auto key = [](std::string_view what) { return glide_test::unique_key("cmd:" + std::string(what)); };
  const std::string missing = key("missing");

  // ---- GET / SET and SetOptions
  const std::string k = key("str");
  auto set_plain = co_await call(client.set(k, "v1"));
  checks.ok(set_plain, [](const auto& v) { CHECK(v == "OK"); });
  auto get_v1 = co_await call(client.get(k));
  checks.ok(get_v1, [](const auto& v) { CHECK(v == "v1"); });
  auto get_missing = co_await call(client.get(missing));
  checks.ok(get_missing, [](const auto& v) { CHECK(v == std::nullopt); });

  SetOptions nx;
  nx.conditional_set = ConditionalChange::ONLY_IF_DOES_NOT_EXIST;
  SetOptions xx;
  xx.conditional_set = ConditionalChange::ONLY_IF_EXISTS;
  auto set_nx_existing = co_await call(client.set(k, "v2", nx));
  checks.ok(set_nx_existing, [](const auto& v) { CHECK(v == std::nullopt); });
  auto get_after_nx = co_await call(client.get(k));
  checks.ok(get_after_nx, [](const auto& v) { CHECK(v == "v1"); });
  const std::string k_nx = key("nx");
  auto set_nx_new = co_await call(client.set(k_nx, "n", nx));
  checks.ok(set_nx_new, [](const auto& v) { CHECK(v == "OK"); });
  const std::string k_xx = key("xx");
  auto set_xx_missing = co_await call(client.set(k_xx, "x", xx));
  checks.ok(set_xx_missing, [](const auto& v) { CHECK(v == std::nullopt); });
  const Strings xx_keys{k_xx};
  auto exists_xx = co_await call(client.exists(xx_keys));
  checks.ok(exists_xx, [](const auto& v) { CHECK(v == 0); });
  auto set_xx_existing = co_await call(client.set(k, "v2", xx));
  checks.ok(set_xx_existing, [](const auto& v) { CHECK(v == "OK"); });

  SetOptions get_old;
  get_old.return_old_value = true;
  auto set_get_old = co_await call(client.set(k, "v3", get_old));
  checks.ok(set_get_old, [](const auto& v) { CHECK(v == "v2"); });
  const std::string k_new = key("new");
  auto set_get_old_missing = co_await call(client.set(k_new, "x", get_old));
  checks.ok(set_get_old_missing, [](const auto& v) { CHECK(v == std::nullopt); });
  auto get_v3 = co_await call(client.get(k));
  checks.ok(get_v3, [](const auto& v) { CHECK(v == "v3"); });

  const std::string k_ex = key("ex");
  SetOptions ex;
  ex.expiry = ExpirySet{ExpiryType::SEC, 100};
  auto set_ex = co_await call(client.set(k_ex, "e", ex));
  checks.ok(set_ex, [](const auto& v) { CHECK(v == "OK"); });
  auto ttl_ex = co_await call(client.ttl(k_ex));
  checks.ok(ttl_ex, [](const auto& v) {
    CHECK(v > 0);
    CHECK(v <= 100);
  });
  SetOptions keep;
  keep.expiry = ExpirySet{ExpiryType::KEEP_TTL, 0};
  auto set_keepttl = co_await call(client.set(k_ex, "e2", keep));
  checks.ok(set_keepttl, [](const auto& v) { CHECK(v == "OK"); });
  auto ttl_kept = co_await call(client.ttl(k_ex));
  checks.ok(ttl_kept, [](const auto& v) {
    CHECK(v > 0);
    CHECK(v <= 100);
  });
  auto get_e2 = co_await call(client.get(k_ex));
  checks.ok(get_e2, [](const auto& v) { CHECK(v == "e2"); });
  auto set_drops_ttl = co_await call(client.set(k_ex, "e3"));
  checks.ok(set_drops_ttl);
  auto ttl_dropped = co_await call(client.ttl(k_ex));
  checks.ok(ttl_dropped, [](const auto& v) { CHECK(v == -1); });

  const std::string k_px = key("px");
  SetOptions px;
  px.expiry = ExpirySet{ExpiryType::MILLSEC, 50'000};
  auto set_px = co_await call(client.set(k_px, "p", px));
  checks.ok(set_px, [](const auto& v) { CHECK(v == "OK"); });
  auto ttl_px = co_await call(client.ttl(k_px));
  checks.ok(ttl_px, [](const auto& v) {
    CHECK(v > 0);
    CHECK(v <= 50);
  });
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string k_exat = key("exat");
  SetOptions exat;
  exat.expiry = ExpirySet{ExpiryType::UNIX_SEC, now_s + 1000};
  auto set_exat = co_await call(client.set(k_exat, "a", exat));
  checks.ok(set_exat, [](const auto& v) { CHECK(v == "OK"); });
  auto ttl_exat = co_await call(client.ttl(k_exat));
  checks.ok(ttl_exat, [](const auto& v) {
    CHECK(v > 900);
    CHECK(v <= 1001);
  });
  const std::string k_pxat = key("pxat");
  SetOptions pxat;
  pxat.expiry = ExpirySet{ExpiryType::UNIX_MILLSEC, (now_s + 1000) * 1000};
  auto set_pxat = co_await call(client.set(k_pxat, "a", pxat));
  checks.ok(set_pxat, [](const auto& v) { CHECK(v == "OK"); });
  auto ttl_pxat = co_await call(client.ttl(k_pxat));
  checks.ok(ttl_pxat, [](const auto& v) {
    CHECK(v > 900);
    CHECK(v <= 1001);
  });
  // Conditions and options together: XX + GET + EX on an existing key.
  SetOptions combined;
  combined.conditional_set = ConditionalChange::ONLY_IF_EXISTS;
  combined.return_old_value = true;
  combined.expiry = ExpirySet{ExpiryType::SEC, 200};
  auto set_combined = co_await call(client.set(k_px, "p2", combined));
  checks.ok(set_combined, [](const auto& v) { CHECK(v == "p"); });
  auto ttl_combined = co_await call(client.ttl(k_px));
  checks.ok(ttl_combined, [](const auto& v) { CHECK(v > 100); });

  // ---- MGET / MSET
  const std::string m1 = key("m1"), m2 = key("m2");
  const Pairs mset_pairs{{m1, "a"}, {m2, "b"}};
  auto mset = co_await call(client.mset(mset_pairs));
  checks.ok(mset);
  const Strings mget_keys{m1, missing, m2};
  auto mget = co_await call(client.mget(mget_keys));
  checks.ok(mget, [](const auto& v) { CHECK(v == OptStrings{"a", std::nullopt, "b"}); });

  // ---- counters and string lengths
  const std::string c = key("counter");
  auto incr = co_await call(client.incr(c));
  checks.ok(incr, [](const auto& v) { CHECK(v == 1); });
  auto incr_by = co_await call(client.incr_by(c, 10));
  checks.ok(incr_by, [](const auto& v) { CHECK(v == 11); });
  auto decr = co_await call(client.decr(c));
  checks.ok(decr, [](const auto& v) { CHECK(v == 10); });
  auto decr_by = co_await call(client.decr_by(c, 15));
  checks.ok(decr_by, [](const auto& v) { CHECK(v == -5); });
  auto incr_by_negative = co_await call(client.incr_by(c, -5));
  checks.ok(incr_by_negative, [](const auto& v) { CHECK(v == -10); });
  auto get_counter = co_await call(client.get(c));
  checks.ok(get_counter, [](const auto& v) { CHECK(v == "-10"); });
  auto incr_not_integer = co_await call(client.incr(k));
  checks.fails(incr_not_integer, errc::request_error, "ERR");

  const std::string a = key("append");
  auto append1 = co_await call(client.append(a, "Hello"));
  checks.ok(append1, [](const auto& v) { CHECK(v == 5); });
  auto append2 = co_await call(client.append(a, " World"));
  checks.ok(append2, [](const auto& v) { CHECK(v == 11); });
  auto strlen_a = co_await call(client.strlen(a));
  checks.ok(strlen_a, [](const auto& v) { CHECK(v == 11); });
  auto strlen_missing = co_await call(client.strlen(missing));
  checks.ok(strlen_missing, [](const auto& v) { CHECK(v == 0); });
  auto get_appended = co_await call(client.get(a));
  checks.ok(get_appended, [](const auto& v) { CHECK(v == "Hello World"); });

  // ---- DEL / EXISTS / EXPIRE / TTL
  const Strings exists_keys{m1, m1, missing, m2};
  auto exists = co_await call(client.exists(exists_keys));
  checks.ok(exists, [](const auto& v) { CHECK(v == 3); });  // counted once per mention
  const Strings del_keys{m1, missing, a};
  auto del = co_await call(client.del(del_keys));
  checks.ok(del, [](const auto& v) { CHECK(v == 2); });
  auto exists_after_del = co_await call(client.exists(del_keys));
  checks.ok(exists_after_del, [](const auto& v) { CHECK(v == 0); });
  auto ttl_no_expiry = co_await call(client.ttl(m2));
  checks.ok(ttl_no_expiry, [](const auto& v) { CHECK(v == -1); });
  auto ttl_missing = co_await call(client.ttl(missing));
  checks.ok(ttl_missing, [](const auto& v) { CHECK(v == -2); });
  auto expire = co_await call(client.expire(m2, 100));
  checks.ok(expire, [](const auto& v) { CHECK(v == true); });
  auto expire_missing = co_await call(client.expire(missing, 100));
  checks.ok(expire_missing, [](const auto& v) { CHECK(v == false); });
  auto ttl_expire = co_await call(client.ttl(m2));
  checks.ok(ttl_expire, [](const auto& v) {
    CHECK(v > 0);
    CHECK(v <= 100);
  });

  // ---- hashes
  const std::string h = key("hash");
  const Pairs fields{{"f1", "v1"}, {"f2", "v2"}};
  auto hset = co_await call(client.hset(h, fields));
  checks.ok(hset, [](const auto& v) { CHECK(v == 2); });
  const Pairs overwrite{{"f1", "x"}};
  auto hset_again = co_await call(client.hset(h, overwrite));
  checks.ok(hset_again, [](const auto& v) { CHECK(v == 0); });
  auto hget = co_await call(client.hget(h, "f1"));
  checks.ok(hget, [](const auto& v) { CHECK(v == "x"); });
  auto hget_missing_field = co_await call(client.hget(h, "nope"));
  checks.ok(hget_missing_field, [](const auto& v) { CHECK(v == std::nullopt); });
  auto hget_missing_key = co_await call(client.hget(missing, "f1"));
  checks.ok(hget_missing_key, [](const auto& v) { CHECK(v == std::nullopt); });
  auto hgetall = co_await call(client.hgetall(h));
  checks.ok(hgetall, [](const auto& v) { CHECK(sorted(v) == Pairs{{"f1", "x"}, {"f2", "v2"}}); });
  const Strings hdel_fields{"f1", "nope"};
  auto hdel = co_await call(client.hdel(h, hdel_fields));
  checks.ok(hdel, [](const auto& v) { CHECK(v == 1); });
  auto hgetall_after = co_await call(client.hgetall(h));
  checks.ok(hgetall_after, [](const auto& v) { CHECK(v == Pairs{{"f2", "v2"}}); });
  auto hgetall_missing = co_await call(client.hgetall(missing));
  checks.ok(hgetall_missing, [](const auto& v) { CHECK(v.empty()); });

  // ---- lists
  const std::string l = key("list");
  const Strings tail{"a", "b"};
  auto rpush = co_await call(client.rpush(l, tail));
  checks.ok(rpush, [](const auto& v) { CHECK(v == 2); });
  const Strings head{"y", "z"};
  auto lpush = co_await call(client.lpush(l, head));
  checks.ok(lpush, [](const auto& v) { CHECK(v == 4); });
  auto llen = co_await call(client.llen(l));
  checks.ok(llen, [](const auto& v) { CHECK(v == 4); });
  auto lrange_all = co_await call(client.lrange(l, 0, -1));
  checks.ok(lrange_all, [](const auto& v) { CHECK(v == Strings{"z", "y", "a", "b"}); });
  auto lrange_part = co_await call(client.lrange(l, 1, 2));
  checks.ok(lrange_part, [](const auto& v) { CHECK(v == Strings{"y", "a"}); });
  auto lrange_missing = co_await call(client.lrange(missing, 0, -1));
  checks.ok(lrange_missing, [](const auto& v) { CHECK(v.empty()); });
  auto lpop = co_await call(client.lpop(l));
  checks.ok(lpop, [](const auto& v) { CHECK(v == "z"); });
  auto lpop_missing = co_await call(client.lpop(missing));
  checks.ok(lpop_missing, [](const auto& v) { CHECK(v == std::nullopt); });
  auto llen_missing = co_await call(client.llen(missing));
  checks.ok(llen_missing, [](const auto& v) { CHECK(v == 0); });

  const Strings blpop_keys{missing, l};
  auto blpop = co_await call(client.blpop(blpop_keys, 1.0));
  checks.ok(blpop, [l](const auto& v) {
    REQUIRE(v.has_value());
    CHECK(v->first == l);
    CHECK(v->second == "y");
  });
  const Strings empty_list{key("empty-list")};
  const auto blpop_started = std::chrono::steady_clock::now();
  auto blpop_timeout = co_await call(client.blpop(empty_list, 0.1));
  const auto blpop_waited = std::chrono::steady_clock::now() - blpop_started;
  checks.ok(blpop_timeout, [blpop_waited](const auto& v) {
    CHECK(v == std::nullopt);
    CHECK(blpop_waited >= std::chrono::milliseconds(90));  // the server did wait
  });

  // ---- sets
  const std::string s = key("set");
  const Strings members{"a", "b", "a"};
  auto sadd = co_await call(client.sadd(s, members));
  checks.ok(sadd, [](const auto& v) { CHECK(v == 2); });
  const Strings more{"b", "c"};
  auto sadd_again = co_await call(client.sadd(s, more));
  checks.ok(sadd_again, [](const auto& v) { CHECK(v == 1); });
  auto scard = co_await call(client.scard(s));
  checks.ok(scard, [](const auto& v) { CHECK(v == 3); });
  auto smembers = co_await call(client.smembers(s));
  checks.ok(smembers, [](const auto& v) { CHECK(sorted(v) == Strings{"a", "b", "c"}); });
  auto smembers_missing = co_await call(client.smembers(missing));
  checks.ok(smembers_missing, [](const auto& v) { CHECK(v.empty()); });
  auto scard_missing = co_await call(client.scard(missing));
  checks.ok(scard_missing, [](const auto& v) { CHECK(v == 0); });

  // ---- sorted sets
  const std::string z = key("zset");
  const std::vector<std::pair<std::string, double>> scored{{"one", 1.0}, {"two", 2.5}, {"minus", -1}};
  auto zadd = co_await call(client.zadd(z, scored));
  checks.ok(zadd, [](const auto& v) { CHECK(v == 3); });
  const std::vector<std::pair<std::string, double>> rescored{{"one", 1.5}, {"top", std::numeric_limits<double>::infinity()}};
  auto zadd_again = co_await call(client.zadd(z, rescored));
  checks.ok(zadd_again, [](const auto& v) { CHECK(v == 1); });  // only "top" is new
  auto zrange = co_await call(client.zrange(z, 0, -1));
  checks.ok(zrange, [](const auto& v) { CHECK(v == Strings{"minus", "one", "two", "top"}); });
  auto zrange_part = co_await call(client.zrange(z, -2, -1));
  checks.ok(zrange_part, [](const auto& v) { CHECK(v == Strings{"two", "top"}); });
  auto zscore = co_await call(client.zscore(z, "two"));
  checks.ok(zscore, [](const auto& v) { CHECK(v == 2.5); });
  auto zscore_updated = co_await call(client.zscore(z, "one"));
  checks.ok(zscore_updated, [](const auto& v) { CHECK(v == 1.5); });
  auto zscore_inf = co_await call(client.zscore(z, "top"));
  checks.ok(zscore_inf, [](const auto& v) { CHECK(v == std::numeric_limits<double>::infinity()); });
  auto zscore_missing = co_await call(client.zscore(z, "nobody"));
  checks.ok(zscore_missing, [](const auto& v) { CHECK(v == std::nullopt); });
  auto zscore_missing_key = co_await call(client.zscore(missing, "one"));
  checks.ok(zscore_missing_key, [](const auto& v) { CHECK(v == std::nullopt); });

  // ---- server
  auto ping = co_await call(client.ping());
  checks.ok(ping, [](const auto& v) { CHECK(v == "PONG"); });
  auto info = co_await call(client.info());
  checks.ok(info, [](const auto& v) {
    CHECK(has_version(v));
    CHECK(v.find("txt:") != 0);  // a RESP3 verbatim string arrives without its format
  });
  const std::vector<InfoSection> server_section{InfoSection::SERVER};
  auto info_server = co_await call(client.info(server_section));
  checks.ok(info_server, [](const auto& v) {
    CHECK(has_version(v));
    CHECK(v.find("# Server") != std::string::npos);
    CHECK(v.find("# Clients") == std::string::npos);
  });
  const std::vector<InfoSection> two_sections{InfoSection::CLIENTS, InfoSection::MEMORY};
  auto info_two = co_await call(client.info(two_sections));
  checks.ok(info_two, [](const auto& v) {
    CHECK(v.find("# Clients") != std::string::npos);
    CHECK(v.find("# Memory") != std::string::npos);
    CHECK(v.find("# Server") == std::string::npos);
  });
  auto time = co_await call(client.time());
  checks.ok(time, [now_s](const auto& v) {
    CHECK(v.first >= now_s - 5);
    CHECK(v.first <= now_s + 60);
    CHECK(v.second >= 0);
    CHECK(v.second < 1'000'000);
  });

  // ---- custom commands
  const std::string cc = key("custom");
  const Strings custom_set{"SET", cc, std::string("bin\0\r\n", 6)};
  auto custom_set_reply = co_await call(client.custom_command(custom_set));
  checks.ok(custom_set_reply, [](const Value& v) { CHECK(v == "OK"); });
  const Strings custom_get{"GET", cc};
  auto custom_get_reply = co_await call(client.custom_command(custom_get));
  checks.ok(custom_get_reply, [](const Value& v) {
    CHECK(v.kind() == ValueKind::bulk_string);
    CHECK(v == std::string("bin\0\r\n", 6));
  });
  const Strings custom_lrange{"LRANGE", l, "0", "-1"};
  auto custom_array = co_await call(client.custom_command(custom_lrange));
  checks.ok(custom_array, [](const Value& v) { CHECK(v.as<Strings>().value() == Strings{"a", "b"}); });
  const Strings custom_missing{"GET", missing};
  auto custom_nil = co_await call(client.custom_command(custom_missing));
  checks.ok(custom_nil, [](const Value& v) { CHECK(v.is_nil()); });
  const Strings unknown{"NOSUCHCOMMAND", "x"};
  auto custom_unknown = co_await call(client.custom_command(unknown));
  checks.fails(custom_unknown, errc::request_error, "ERR unknown command");

  // ---- wrong types
  auto get_hash = co_await call(client.get(h));
  checks.fails(get_hash, errc::wrong_type, "WRONGTYPE Operation against a key holding the wrong kind of value");
  const Strings element{"x"};
  auto lpush_string = co_await call(client.lpush(k, element));
  checks.fails(lpush_string, errc::wrong_type, "WRONGTYPE");
  auto hget_list = co_await call(client.hget(l, "f"));
  checks.fails(hget_list, errc::wrong_type, "WRONGTYPE");
  auto zscore_set = co_await call(client.zscore(s, "a"));
  checks.fails(zscore_set, errc::wrong_type, "WRONGTYPE");
  auto smembers_string = co_await call(client.smembers(k));
  checks.fails(smembers_string, errc::wrong_type, "WRONGTYPE");

  // The connection is still in step after all of that.
  auto get_last = co_await call(client.get(k));
  checks.ok(get_last, [](const auto& v) { CHECK(v == "v3"); });
}

// FUNCTION LIST: RESP3 sends an array of maps, RESP2 an array of flat key/value arrays; as<>()
// reads both the same way.
struct FunctionList {
  std::vector<std::string> names;
  bool ro_flagged = false;  // myrofunc carries exactly the flag "no-writes"
};
FunctionList read_function_list(const Value& v) {
  using Fields = std::vector<std::pair<std::string, Value>>;
  FunctionList out;
  auto libraries = v.as<std::vector<Fields>>();
  REQUIRE(libraries);
  for (const auto& library : libraries.value()) {
    for (const auto& [field, value] : library) {
      if (field == "library_name") out.names.push_back(value.as<std::string>().value());
      if (field != "functions") continue;
      const auto functions = value.as<std::vector<Fields>>().value();  // not in the for: a temporary
      for (const auto& function : functions) {
        bool is_ro = false;
        for (const auto& [f, x] : function)
          if (f == "name") is_ro = x == "myrofunc";
        for (const auto& [f, x] : function)
          if (f == "flags" && is_ro) out.ro_flagged = x.as<std::vector<std::string>>().value() == std::vector<std::string>{"no-writes"};
      }
    }
  }
  return out;
}

// Commands whose effect is server-wide (DBSIZE, FLUSHALL, FUNCTION ...): run on a dedicated server.
template <class Client, class Call>
boost::asio::awaitable<void> exercise_server_commands(Client& client, Call call, Checks& checks) {
  using Strings = std::vector<std::string>;
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  auto flushall = co_await call(client.flushall());
  checks.ok(flushall);
  auto dbsize_empty = co_await call(client.dbsize());
  checks.ok(dbsize_empty, [](const auto& v) { CHECK(v == 0); });
  const Pairs three{{"k1", "1"}, {"k2", "2"}, {"k3", "3"}};
  auto mset = co_await call(client.mset(three));
  checks.ok(mset);
  auto dbsize_three = co_await call(client.dbsize());
  checks.ok(dbsize_three, [](const auto& v) { CHECK(v == 3); });
  auto flushall_async = co_await call(client.flushall(FlushMode::ASYNC));
  checks.ok(flushall_async);
  auto dbsize_flushed = co_await call(client.dbsize());
  checks.ok(dbsize_flushed, [](const auto& v) { CHECK(v == 0); });
  auto mset_again = co_await call(client.mset(three));
  checks.ok(mset_again);
  auto flushall_sync = co_await call(client.flushall(FlushMode::SYNC));
  checks.ok(flushall_sync);
  auto dbsize_flushed_sync = co_await call(client.dbsize());
  checks.ok(dbsize_flushed_sync, [](const auto& v) { CHECK(v == 0); });

  // ---- functions
  auto function_flush_first = co_await call(client.function_flush(FlushMode::SYNC));
  checks.ok(function_flush_first);
  const std::string lib =
      "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)";
  const std::string ro_lib =
      "#!lua name=myrolib\n"
      "redis.register_function{function_name='myrofunc', callback=function(keys, args) return args[1] end, "
      "flags={'no-writes'}}";
  auto load = co_await call(client.function_load(lib, false));
  checks.ok(load, [](const auto& v) { CHECK(v == "mylib"); });
  auto load_again = co_await call(client.function_load(lib, false));
  checks.fails(load_again, errc::request_error, "ERR Library 'mylib' already exists");
  auto load_replace = co_await call(client.function_load(lib, true));
  checks.ok(load_replace, [](const auto& v) { CHECK(v == "mylib"); });
  auto load_ro = co_await call(client.function_load(ro_lib, false));
  checks.ok(load_ro, [](const auto& v) { CHECK(v == "myrolib"); });

  const Strings no_keys;
  const Strings hello{"hello"};
  auto fcall = co_await call(client.fcall("myfunc", no_keys, hello));
  checks.ok(fcall, [](const Value& v) { CHECK(v == "hello"); });
  const Strings one_key{"fkey"};
  const Strings binary_arg{std::string("a\0b", 3)};
  auto fcall_keys = co_await call(client.fcall("myfunc", one_key, binary_arg));
  checks.ok(fcall_keys, [](const Value& v) { CHECK(v == std::string("a\0b", 3)); });
  const Strings ro_arg{"ro"};
  auto fcall_ro = co_await call(client.fcall_ro("myrofunc", one_key, ro_arg));
  checks.ok(fcall_ro, [](const Value& v) { CHECK(v == "ro"); });
  auto fcall_ro_writer = co_await call(client.fcall_ro("myfunc", no_keys, ro_arg));
  checks.fails(fcall_ro_writer, errc::request_error, "ERR");
  auto fcall_unknown = co_await call(client.fcall("nosuchfunc", no_keys, no_keys));
  checks.fails(fcall_unknown, errc::request_error, "ERR");

  auto list = co_await call(client.function_list());
  checks.ok(list, [](const Value& v) {
    const auto libraries = read_function_list(v);
    CHECK(sorted(libraries.names) == std::vector<std::string>{"mylib", "myrolib"});
    CHECK(libraries.ro_flagged);
  });

  auto del = co_await call(client.function_delete("mylib"));
  checks.ok(del);
  auto fcall_deleted = co_await call(client.fcall("myfunc", no_keys, hello));
  checks.fails(fcall_deleted, errc::request_error, "ERR");
  auto del_missing = co_await call(client.function_delete("mylib"));
  checks.fails(del_missing, errc::request_error, "ERR Library not found");
  auto fcall_ro_still = co_await call(client.fcall_ro("myrofunc", no_keys, ro_arg));
  checks.ok(fcall_ro_still, [](const Value& v) { CHECK(v == "ro"); });
  auto function_flush = co_await call(client.function_flush(FlushMode::ASYNC));
  checks.ok(function_flush);
  auto list_empty = co_await call(client.function_list());
  checks.ok(list_empty, [](const Value& v) {
    REQUIRE(v.as_array());
    CHECK(v.as_array().value().empty());
  });
  auto function_flush_sync = co_await call(client.function_flush(FlushMode::SYNC));
  checks.ok(function_flush_sync);
}

GlideClientConfiguration config_with(const glide_test::ValkeyServer& server, ProtocolVersion protocol) {
  auto config = glide_test::config_for(server);
  config.protocol = protocol;
  return config;
}

}  // namespace

TEST_CASE("async client: every typed command", "[client][commands]") {
  const auto protocol = GENERATE(ProtocolVersion::RESP2, ProtocolVersion::RESP3);
  INFO((protocol == ProtocolVersion::RESP3 ? "RESP3" : "RESP2"));
  glide_test::ValkeyServer dedicated;
  Checks checks;
  glide_test::run_coroutine([&](boost::asio::io_context& io) -> boost::asio::awaitable<void> {
    const auto shared_config = config_with(shared_server(), protocol);
    auto client = (co_await GlideClient::create(io.get_executor(), shared_config)).value();
    co_await exercise_key_commands(client, AwaitAsync{}, checks);
    client.close();

    const auto dedicated_config = config_with(dedicated, protocol);
    auto server_client = (co_await GlideClient::create(io.get_executor(), dedicated_config)).value();
    co_await exercise_server_commands(server_client, AwaitAsync{}, checks);
    server_client.close();
  });
  CHECK(checks.size() > 100);
  checks.run();
}

TEST_CASE("sync client: every typed command", "[client][commands]") {
  const auto protocol = GENERATE(ProtocolVersion::RESP2, ProtocolVersion::RESP3);
  INFO((protocol == ProtocolVersion::RESP3 ? "RESP3" : "RESP2"));
  glide_test::ValkeyServer dedicated;
  auto client = sync::GlideClient::create(config_with(shared_server(), protocol)).value();
  auto server_client = sync::GlideClient::create(config_with(dedicated, protocol)).value();
  Checks checks;
  // The sync calls block this thread; the coroutine only sequences them the same way as above.
  glide_test::run_coroutine([&](boost::asio::io_context&) -> boost::asio::awaitable<void> {
    co_await exercise_key_commands(client, PassSync{}, checks);
    co_await exercise_server_commands(server_client, PassSync{}, checks);
  });
  client.close();
  server_client.close();
  CHECK(checks.size() > 100);
  checks.run();
}

TEST_CASE("commands whose replies break request/reply pairing are refused before sending", "[client]") {
  auto client = glide_test::connect_sync(shared_server());
  const auto key = glide_test::unique_key("after-refusal");
  REQUIRE(client.set(key, "still in step").value() == "OK");
  for (auto args : std::vector<std::vector<std::string>>{
           {"SUBSCRIBE", "news"}, {"psubscribe", "n*"}, {"MONITOR"}, {"CLIENT", "reply", "OFF"}, {"RESET"}}) {
    auto r = client.custom_command(args);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::configuration_error);
    CHECK(r.error().message().find("not supported") != std::string_view::npos);
  }
  CHECK(client.get(key).value() == "still in step");
  CHECK(client.custom_command({"CLIENT", "GETNAME"}).has_value());  // other CLIENT subcommands pass
}
