// The typed commands on the faces the per-family tests leave out (they use the standalone sync
// client and Batch): the sync cluster client on the shared 6-node cluster, ClusterBatch, and the
// async clients with each kind of completion token. A family is written once and inherited by
// every face, but each face routes, waits and converts on its own path, and the cluster adds
// slots: single-key commands run on a key of every primary, multi-key ones on one hash tag.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <functional>
#include <source_location>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

using namespace glide;
using glide_test::key_for;
using glide_test::shared_cluster;
namespace asio = boost::asio;

namespace {

using Strings = std::vector<std::string>;
using OptStrings = std::vector<std::optional<std::string>>;
using Fields = std::vector<std::optional<std::int64_t>>;

sync::GlideClusterClient& cluster_client() {
  static sync::GlideClusterClient client = sync::GlideClusterClient::create(glide_test::cluster_config_for(shared_cluster())).value();
  return client;
}

// slot -> port of the primary serving it, as the server (not the client under test) tells it.
// Read once: the tests sharing the cluster leave its topology as they found it.
const std::vector<std::uint16_t>& slot_owners() {
  static const std::vector<std::uint16_t> owners = [] {
    std::vector<std::uint16_t> owner(16384, 0);
    auto& cluster = shared_cluster();
    std::istringstream nodes(cluster.cli(cluster.seed_port(), {"CLUSTER", "NODES"}));
    for (std::string line; std::getline(nodes, line);) {
      std::istringstream words(line);
      Strings f;
      for (std::string w; words >> w;) f.push_back(w);
      if (f.size() < 9 || f[2].find("master") == std::string::npos) continue;
      const auto colon = f[1].find(':'), at = f[1].find('@');
      const auto port = static_cast<std::uint16_t>(std::stoi(f[1].substr(colon + 1, at - colon - 1)));
      for (std::size_t i = 8; i < f.size(); ++i) {
        if (f[i].front() == '[') continue;  // a migrating/importing marker, not an owned range
        const auto dash = f[i].find('-');
        const int from = std::stoi(f[i].substr(0, dash));
        const int to = dash == std::string::npos ? from : std::stoi(f[i].substr(dash + 1));
        for (int s = from; s <= to; ++s) owner[static_cast<std::size_t>(s)] = port;
      }
    }
    return owner;
  }();
  return owners;
}

// One fresh key per primary, so that a single-key command is seen to work on every shard and not
// only on the one a fixed key happens to hash to.
Strings keys_on_each_primary(std::string_view what) {
  const auto primaries = shared_cluster().primary_ports();
  Strings keys(primaries.size());
  std::size_t found = 0;
  for (int tries = 0; found < keys.size(); ++tries) {
    REQUIRE(tries < 10'000);  // the slot map lists fewer primaries than the cluster has
    auto key = key_for(what);
    const auto at = static_cast<std::size_t>(std::find(primaries.begin(), primaries.end(), slot_owners()[hash_slot(key)]) - primaries.begin());
    if (at < keys.size() && keys[at].empty()) {
      keys[at] = std::move(key);
      ++found;
    }
  }
  return keys;
}

}  // namespace

// ---- the sync cluster client ------------------------------------------------------------------

TEST_CASE("cluster: strings on every primary, multi-key ones on one hash tag", "[commands][faces]") {
  auto& client = cluster_client();
  for (const auto& key : keys_on_each_primary("str")) {
    INFO(key);
    CHECK(client.set(key, "Hello").value() == "OK");
    CHECK(client.append(key, " World").value() == 11);
    CHECK(client.getrange(key, 0, 4).value() == "Hello");
    CHECK(client.setrange(key, 6, "Valkey").value() == 12);
    CHECK(client.strlen(key).value() == 12);
    CHECK(client.getex(key, ExpiryGetEx{ExpiryTypeGetEx::SEC, 100}).value() == "Hello Valkey");
    CHECK(client.ttl(key).value() > 0);
    CHECK(client.getdel(key).value() == "Hello Valkey");
    CHECK(client.get(key).value() == std::nullopt);
  }
  for (const auto& counter : keys_on_each_primary("counter")) {
    INFO(counter);
    CHECK(client.incr(counter).value() == 1);
    CHECK(client.incrby(counter, 10).value() == 11);
    CHECK(client.decrby(counter, 4).value() == 7);
    CHECK(client.incrbyfloat(counter, 0.5).value() == 7.5);
  }

  const auto a = key_for("a", "faces-str"), b = key_for("b", "faces-str"), c = key_for("c", "faces-str");
  CHECK(client.msetnx({{a, "ohmytext"}, {b, "mynewtext"}}).value() == true);
  CHECK(client.msetnx({{b, "x"}, {c, "y"}}).value() == false);
  CHECK(client.mget({a, b, c}).value() == OptStrings{"ohmytext", "mynewtext", std::nullopt});
  CHECK(client.lcs(a, b).value() == "mytext");
  CHECK(client.lcs_len(a, b).value() == 6);
  CHECK(client.lcs_idx(a, b, 4, true).value() == LcsIdx{{LcsMatch{{4, 7}, {5, 8}, 4}}, 6});
}

TEST_CASE("cluster: bitmaps on every primary, bitop on one hash tag", "[commands][faces]") {
  auto& client = cluster_client();
  for (const auto& key : keys_on_each_primary("bits")) {
    INFO(key);
    CHECK(client.setbit(key, 7, 1).value() == 0);
    CHECK(client.getbit(key, 7).value() == 1);
    CHECK(client.bitpos(key, 1).value() == 7);
    CHECK(client.bitfield(key, {BitFieldSet{UnsignedEncoding{8}, BitOffset{8}, 255}}).value() == Fields{0});
    CHECK(client.bitcount(key).value() == 9);
    CHECK(client.bitcount(key, OffsetOptions{1, 1, std::nullopt}).value() == 8);
    CHECK(client.bitfield_read_only(key, {BitFieldGet{UnsignedEncoding{16}, BitOffset{0}}}).value() == std::vector<std::int64_t>{0x01ff});
  }

  const auto a = key_for("a", "faces-bits"), b = key_for("b", "faces-bits"), dest = key_for("dest", "faces-bits");
  REQUIRE(client.mset({{a, "\x0f"}, {b, std::string("\xf3\x01", 2)}}).has_value());
  CHECK(client.bitop(BitwiseOperation::OR, dest, {a, b}).value() == 2);
  CHECK(client.get(dest).value() == std::string("\xff\x01", 2));
  CHECK(client.bitop(BitwiseOperation::NOT, dest, {a}).value() == 1);
  CHECK(client.get(dest).value() == "\xf0");
}

TEST_CASE("cluster: HyperLogLogs on every primary, pfmerge and pfcount of several on one hash tag", "[commands][faces]") {
  auto& client = cluster_client();
  for (const auto& key : keys_on_each_primary("hll")) {
    INFO(key);
    CHECK(client.pfadd(key, {"a", "b", "c"}).value() == true);
    CHECK(client.pfadd(key, {"a"}).value() == false);
    CHECK(client.pfcount({key}).value() == 3);
  }

  const auto a = key_for("a", "faces-hll"), b = key_for("b", "faces-hll"), merged = key_for("merged", "faces-hll");
  REQUIRE(client.pfadd(a, {"x", "y"}).has_value());
  REQUIRE(client.pfadd(b, {"y", "z", "w"}).has_value());
  CHECK(client.pfcount({a, b}).value() == 4);
  REQUIRE(client.pfmerge(merged, {a, b}).has_value());
  CHECK(client.pfcount({merged}).value() == 4);
}

TEST_CASE("cluster: a multi-key command over two slots fails with crossslot and writes nothing", "[commands][faces]") {
  auto& client = cluster_client();
  const auto keys = keys_on_each_primary("xslot");
  auto r = client.msetnx({{keys[0], "1"}, {keys[1], "2"}});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == errc::crossslot);
  CHECK(client.get(keys[0]).value() == std::nullopt);
  CHECK(client.get(keys[1]).value() == std::nullopt);
}

// ---- ClusterBatch -----------------------------------------------------------------------------

namespace {

// Which face a command of a mirrored batch runs on.
enum class Side { batch, direct };

// Two keys set up alike: the batch writes to one, the direct calls to the other, so both see the
// same state and may be compared.
struct Twin {
  std::string batch, direct;
  const std::string& operator()(Side side) const { return side == Side::batch ? batch : direct; }
};

Twin tagged_twin(std::string_view what) { return {key_for(what, "faces-batch"), key_for(what, "faces-direct")}; }

std::vector<Twin> twins_on_each_primary(std::string_view what) {
  const auto batch = keys_on_each_primary(std::string(what) + "-b"), direct = keys_on_each_primary(std::string(what) + "-d");
  std::vector<Twin> twins;
  for (std::size_t i = 0; i < batch.size(); ++i) twins.push_back({batch[i], direct[i]});
  return twins;
}

// Each command is written once, as `command(face, side)`: appended to a ClusterBatch(false) now,
// called on the sync cluster client after the batch ran, in the same order, and the entry
// converted by glide::as<T> must equal the direct call's Result<T>.
class MirroredBatch {
 public:
  explicit MirroredBatch(sync::GlideClusterClient& client) : client_(client) {}

  template <class F>
  void add(F command) {
    command(batch_, Side::batch);
    checks_.push_back([this, command](const Reply& entry) { check(entry, command(client_, Side::direct)); });
  }

  void run_and_compare() {
    auto replies = client_.exec(batch_, false);
    REQUIRE(replies.has_value());
    REQUIRE(replies.value().has_value());
    const auto& entries = *replies.value();
    REQUIRE(entries.size() == checks_.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      INFO("entry " << i);
      checks_[i](entries[i]);
    }
  }

 private:
  template <class T>
  static void check(const Reply& entry, const Result<T>& direct) {
    if constexpr (std::is_void_v<T>) {
      REQUIRE(direct.has_value());
      CHECK(entry.has_value());
    } else {
      glide_test::check_entry(entry, direct);
    }
  }

  sync::GlideClusterClient& client_;
  ClusterBatch batch_{false};
  std::vector<std::function<void(const Reply&)>> checks_;
};

}  // namespace

TEST_CASE("cluster: a ClusterBatch over every primary, entries convert as the direct calls return", "[commands][faces]") {
  auto& client = cluster_client();
  MirroredBatch mirrored(client);

  // Reads only: both sides read the same keys.
  const auto sources = keys_on_each_primary("batch-src");
  for (const auto& key : sources) REQUIRE(client.set(key, "foobar").has_value());
  const std::vector<BitFieldGet> gets{BitFieldGet{UnsignedEncoding{8}, BitOffsetMultiplier{1}}};
  for (const auto& key : sources) {
    mirrored.add([&key](auto& face, Side) -> decltype(auto) { return face.get(key); });
    mirrored.add([&key](auto& face, Side) -> decltype(auto) { return face.getrange(key, 1, 3); });
    mirrored.add([&key](auto& face, Side) -> decltype(auto) { return face.strlen(key); });
    mirrored.add([&key](auto& face, Side) -> decltype(auto) { return face.getbit(key, 1); });
    mirrored.add([&key](auto& face, Side) -> decltype(auto) { return face.bitcount(key, OffsetOptions{1, 2, BitmapIndexType::BYTE}); });
    mirrored.add([&key](auto& face, Side) -> decltype(auto) { return face.bitpos(key, 0); });
    mirrored.add([&key, &gets](auto& face, Side) -> decltype(auto) { return face.bitfield_read_only(key, gets); });
  }

  // Writes, to twins on every primary.
  const std::vector<BitFieldSubCommands> ops{BitFieldOverflow{BitOverflowControl::FAIL},
                                             BitFieldIncrBy{UnsignedEncoding{4}, BitOffset{0}, 20},
                                             BitFieldSet{UnsignedEncoding{8}, BitOffset{0}, 7}};
  const auto counters = twins_on_each_primary("batch-counter"), gone = twins_on_each_primary("batch-gone");
  const auto bits = twins_on_each_primary("batch-bits"), hlls = twins_on_each_primary("batch-hll");
  for (const auto& t : gone)
    for (Side side : {Side::batch, Side::direct}) REQUIRE(client.set(t(side), "x").has_value());
  for (std::size_t i = 0; i < counters.size(); ++i) {
    const Twin &counter = counters[i], &g = gone[i], &b = bits[i], &h = hlls[i];
    mirrored.add([&counter](auto& face, Side s) -> decltype(auto) { return face.incrby(counter(s), 2); });
    mirrored.add([&counter](auto& face, Side s) -> decltype(auto) { return face.incrbyfloat(counter(s), 0.5); });
    mirrored.add([&g](auto& face, Side s) -> decltype(auto) { return face.getdel(g(s)); });
    mirrored.add([&b](auto& face, Side s) -> decltype(auto) { return face.setbit(b(s), 3, 1); });
    mirrored.add([&b, &ops](auto& face, Side s) -> decltype(auto) { return face.bitfield(b(s), ops); });
    mirrored.add([&h](auto& face, Side s) -> decltype(auto) { return face.pfadd(h(s), {"1", "2"}); });
    mirrored.add([&h](auto& face, Side s) -> decltype(auto) { return face.pfcount({h(s)}); });
  }

  // Multi-key commands: each side's keys share that side's hash tag.
  const auto text = tagged_twin("text"), other = tagged_twin("other"), dest = tagged_twin("dest");
  const auto nx = tagged_twin("nx"), hll_a = tagged_twin("hll-a"), hll_b = tagged_twin("hll-b"), merged = tagged_twin("merged");
  for (Side side : {Side::batch, Side::direct}) {
    REQUIRE(client.mset({{text(side), "ohmytext"}, {other(side), "mynewtext"}}).has_value());
    REQUIRE(client.pfadd(hll_a(side), {"a", "b"}).has_value());
  }
  mirrored.add([&](auto& face, Side s) -> decltype(auto) { return face.msetnx({{nx(s), "1"}, {dest(s), "2"}}); });
  mirrored.add([&](auto& face, Side s) -> decltype(auto) { return face.mget({text(s), nx(s), other(s)}); });
  mirrored.add([&](auto& face, Side s) -> decltype(auto) { return face.lcs(text(s), other(s)); });
  mirrored.add([&](auto& face, Side s) -> decltype(auto) { return face.lcs_len(text(s), other(s)); });
  mirrored.add([&](auto& face, Side s) -> decltype(auto) { return face.lcs_idx(text(s), other(s), 4, true); });
  mirrored.add([&](auto& face, Side s) -> decltype(auto) { return face.bitop(BitwiseOperation::XOR, dest(s), {text(s), other(s)}); });
  mirrored.add([&](auto& face, Side s) -> decltype(auto) { return face.pfadd(hll_b(s), {"b", "c"}); });
  mirrored.add([&](auto& face, Side s) -> decltype(auto) { return face.pfmerge(merged(s), {hll_a(s), hll_b(s)}); });
  mirrored.add([&](auto& face, Side s) -> decltype(auto) { return face.pfcount({merged(s)}); });

  mirrored.run_and_compare();
}

// ---- the async clients ------------------------------------------------------------------------

namespace {

// What the coroutines saw, checked once they are done: Catch2 must not run inside a coroutine.
class Seen {
 public:
  // Labels the results recorded from now on (which client, which token).
  void now_on(std::string face) { face_ = std::move(face); }

  template <class T, class U>
  void equal(const Result<T>& r, U expected, std::source_location where = std::source_location::current()) {
    checks_.push_back([r, expected, face = face_, where] {
      INFO(face << ", line " << where.line());
      REQUIRE(r.has_value());
      CHECK(r.value() == expected);
    });
  }
  void ok(const Result<void>& r, std::source_location where = std::source_location::current()) {
    checks_.push_back([r, face = face_, where] {
      INFO(face << ", line " << where.line());
      CHECK(r.has_value());
    });
  }

  void check_all() const {
    for (const auto& c : checks_) c();
  }

 private:
  std::string face_;
  std::vector<std::function<void()>> checks_;
};

// A few commands of each family on either async client. `token` is empty (the default token,
// deferred) or one explicit token. Multi-key commands use keys of one hash tag for the cluster.
// Arguments are built before co_await: GCC 12 cannot compile a braced list inside its operand.
template <class Client, class... Token>
asio::awaitable<void> exercise(Client& client, Seen& seen, Token... token) {
  const auto str = key_for("async-str"), counter = key_for("async-counter"), bits = key_for("async-bits"), hll = key_for("async-hll");
  const auto a = key_for("a", "faces-async"), b = key_for("b", "faces-async"), dest = key_for("dest", "faces-async");

  // strings
  auto set = co_await client.set(str, "Hello", token...);
  seen.equal(set, "OK");
  auto append = co_await client.append(str, " World", token...);
  seen.equal(append, 11);
  auto getrange = co_await client.getrange(str, 6, -1, token...);
  seen.equal(getrange, "World");
  auto incrby = co_await client.incrby(counter, 5, token...);
  seen.equal(incrby, 5);
  auto incrbyfloat = co_await client.incrbyfloat(counter, 0.5, token...);
  seen.equal(incrbyfloat, 5.5);
  const std::vector<std::pair<std::string, std::string>> pairs{{a, "ohmytext"}, {b, "mynewtext"}};
  auto msetnx = co_await client.msetnx(pairs, token...);
  seen.equal(msetnx, true);
  const Strings mget_keys{a, dest, b};
  auto mget = co_await client.mget(mget_keys, token...);
  seen.equal(mget, OptStrings{"ohmytext", std::nullopt, "mynewtext"});
  auto lcs = co_await client.lcs(a, b, token...);
  seen.equal(lcs, "mytext");
  auto getdel = co_await client.getdel(str, token...);
  seen.equal(getdel, "Hello World");

  // bitmaps
  auto setbit = co_await client.setbit(bits, 7, 1, token...);
  seen.equal(setbit, 0);
  auto getbit = co_await client.getbit(bits, 7, token...);
  seen.equal(getbit, 1);
  auto bitcount = co_await client.bitcount(bits, token...);
  seen.equal(bitcount, 1);
  auto bitpos = co_await client.bitpos(bits, 1, token...);
  seen.equal(bitpos, 7);
  const Strings sources{a, b};
  auto bitop = co_await client.bitop(BitwiseOperation::AND, dest, sources, token...);
  seen.equal(bitop, 9);
  const std::vector<BitFieldGet> gets{BitFieldGet{UnsignedEncoding{8}, BitOffset{0}}};
  auto bitfield_read_only = co_await client.bitfield_read_only(bits, gets, token...);
  seen.equal(bitfield_read_only, std::vector<std::int64_t>{1});

  // hyperloglog
  const Strings elements{"x", "y", "z"};
  auto pfadd = co_await client.pfadd(hll, elements, token...);
  seen.equal(pfadd, true);
  const Strings one{hll};
  auto pfcount = co_await client.pfcount(one, token...);
  seen.equal(pfcount, 3);
  const auto tagged_hll = key_for("hll", "faces-async"), merged = key_for("merged", "faces-async");
  const Strings other_elements{"z", "w"};
  auto pfadd_tagged = co_await client.pfadd(tagged_hll, other_elements, token...);
  seen.equal(pfadd_tagged, true);
  const Strings merge_sources{tagged_hll};
  auto pfmerge = co_await client.pfmerge(merged, merge_sources, token...);
  seen.ok(pfmerge);
  const Strings merged_only{merged};
  auto pfcount_merged = co_await client.pfcount(merged_only, token...);
  seen.equal(pfcount_merged, 2);
}

}  // namespace

TEST_CASE("async clients: each family through the default token, use_awaitable and a callback", "[commands][faces]") {
  const auto standalone_config = glide_test::config_for(glide_test::shared_server());
  const auto cluster_config = glide_test::cluster_config_for(shared_cluster());
  const auto callback_key = key_for("async-callback");
  Seen seen;
  std::optional<Result<Fields>> by_callback;
  bool callback_before_next_reply = false;
  glide_test::run_coroutine([&](asio::io_context& io) -> asio::awaitable<void> {
    auto standalone = (co_await GlideClient::create(io.get_executor(), standalone_config)).value();
    auto cluster = (co_await GlideClusterClient::create(io.get_executor(), cluster_config)).value();
    seen.now_on("GlideClient, deferred");
    co_await exercise(standalone, seen);
    seen.now_on("GlideClient, use_awaitable");
    co_await exercise(standalone, seen, asio::use_awaitable);
    seen.now_on("GlideClusterClient, deferred");
    co_await exercise(cluster, seen);
    seen.now_on("GlideClusterClient, use_awaitable");
    co_await exercise(cluster, seen, asio::use_awaitable);

    // A plain callback starts the request at once; the same key's next reply comes after it on
    // that node's connection, so the callback has run by the time that reply is awaited.
    const std::vector<BitFieldSubCommands> ops{BitFieldSet{UnsignedEncoding{8}, BitOffset{0}, 42}, BitFieldGet{UnsignedEncoding{8}, BitOffset{0}}};
    cluster.bitfield(callback_key, ops, [&](Result<Fields> r) { by_callback = std::move(r); });
    auto after = co_await cluster.getbit(callback_key, 2);
    callback_before_next_reply = by_callback.has_value();
    seen.now_on("GlideClusterClient, after the callback");
    seen.equal(after, 1);

    standalone.close();
    cluster.close();
  });
  seen.check_all();
  CHECK(callback_before_next_reply);
  REQUIRE(by_callback.has_value());
  REQUIRE(by_callback->has_value());
  CHECK(by_callback->value() == Fields{0, 42});
}
