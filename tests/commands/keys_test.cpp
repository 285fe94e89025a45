// The keys family (glide/commands/keys.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <chrono>
#include <set>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

namespace {

// A second client of the shared server, on database `db` (the shared one stays on 0).
glide::sync::GlideClient client_on_db(int db) {
  auto cfg = glide_test::config_for(glide_test::shared_server());
  cfg.database_id = db;
  return glide::sync::GlideClient::create(cfg).value();
}

std::int64_t unix_millis_from_now(std::int64_t ms) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count() + ms;
}

// Runs `body` with maxmemory-policy set to `policy`, then puts the server's back.
template <class F>
void with_maxmemory_policy(std::string_view policy, F&& body) {
  auto& client = command_client();
  const auto old = client.config_get({"maxmemory-policy"}).value();
  REQUIRE(old.size() == 1);
  REQUIRE(client.config_set({{"maxmemory-policy", std::string(policy)}}).has_value());
  body();
  REQUIRE(client.config_set({{"maxmemory-policy", old[0].second}}).has_value());
}

}  // namespace

TEST_CASE("del, unlink, exists, touch", "[commands][keys]") {
  auto& client = command_client();
  const auto a = key_for("a"), b = key_for("b"), c = key_for("c"), missing = key_for("missing");
  REQUIRE(client.mset({{a, "1"}, {b, "2"}, {c, "3"}}).has_value());
  CHECK(client.exists({a, b, missing}).value() == 2);
  CHECK(client.exists({a, a}).value() == 2);
  CHECK(client.touch({a, b, missing}).value() == 2);
  CHECK(client.del({a, missing}).value() == 1);
  CHECK(client.unlink({b, c, missing}).value() == 2);
  CHECK(client.exists({a, b, c}).value() == 0);
}

TEST_CASE("rename, renamenx, type, move", "[commands][keys]") {
  auto& client = command_client();
  const auto k = key_for("k"), renamed = key_for("renamed"), other = key_for("other");
  REQUIRE(client.set(k, "v").has_value());
  CHECK(client.type(k).value() == "string");
  CHECK(client.type(key_for("missing")).value() == "none");
  REQUIRE(client.custom_command({"RPUSH", other, "x"}).has_value());
  CHECK(client.type(other).value() == "list");

  REQUIRE(client.rename(k, renamed).has_value());
  CHECK(client.get(renamed).value() == "v");
  CHECK(client.exists({k}).value() == 0);
  CHECK(client.renamenx(renamed, other).value() == false);
  CHECK(client.renamenx(renamed, k).value() == true);
  CHECK(client.get(k).value() == "v");

  auto db1 = client_on_db(1);
  CHECK(client.move(k, 1).value() == true);
  CHECK(client.exists({k}).value() == 0);
  CHECK(db1.get(k).value() == "v");
  CHECK(client.move(k, 1).value() == false);  // gone from database 0
  CHECK(db1.del({k}).value() == 1);
}

TEST_CASE("expire, expireat, pexpire, pexpireat and their conditions; ttl, pttl, expiretime, pexpiretime, persist",
          "[commands][keys]") {
  auto& client = command_client();
  const auto key = key_for("expiry");
  CHECK(client.expire(key, 100).value() == false);  // missing key
  CHECK(client.ttl(key).value() == -2);
  CHECK(client.pttl(key).value() == -2);
  CHECK(client.expiretime(key).value() == -2);
  CHECK(client.pexpiretime(key).value() == -2);
  REQUIRE(client.set(key, "v").has_value());
  CHECK(client.ttl(key).value() == -1);
  CHECK(client.expiretime(key).value() == -1);
  CHECK(client.pexpiretime(key).value() == -1);

  CHECK(client.expire(key, 100, ExpireOptions::HasExistingExpiry).value() == false);
  CHECK(client.expire(key, 100, ExpireOptions::HasNoExpiry).value() == true);
  CHECK((client.ttl(key).value() > 90 && client.ttl(key).value() <= 100));
  CHECK(client.expire(key, 50, ExpireOptions::NewExpiryGreaterThanCurrent).value() == false);
  CHECK(client.pexpire(key, 50'000, ExpireOptions::NewExpiryLessThanCurrent).value() == true);
  CHECK((client.pttl(key).value() > 40'000 && client.pttl(key).value() <= 50'000));
  CHECK(client.pexpire(key, 60'000).value() == true);
  CHECK(client.pexpire(key, 70'000, ExpireOptions::HasNoExpiry).value() == false);

  const auto at_ms = unix_millis_from_now(200'000);
  CHECK(client.pexpireat(key, at_ms).value() == true);
  CHECK(client.pexpiretime(key).value() == at_ms);
  CHECK(client.pexpireat(key, at_ms - 1000, ExpireOptions::NewExpiryGreaterThanCurrent).value() == false);
  const auto at_s = at_ms / 1000 + 100;
  CHECK(client.expireat(key, at_s, ExpireOptions::NewExpiryGreaterThanCurrent).value() == true);
  CHECK(client.expiretime(key).value() == at_s);
  CHECK(client.expireat(key, at_s + 100).value() == true);
  CHECK(client.expiretime(key).value() == at_s + 100);

  CHECK(client.persist(key).value() == true);
  CHECK(client.persist(key).value() == false);
  CHECK(client.ttl(key).value() == -1);
  CHECK(client.expire(key, 10, ExpireOptions::HasExistingExpiry).value() == false);
  // A time in the past deletes the key.
  CHECK(client.pexpireat(key, unix_millis_from_now(-10'000), ExpireOptions::HasNoExpiry).value() == true);
  CHECK(client.exists({key}).value() == 0);
}

TEST_CASE("dump, restore and its options", "[commands][keys]") {
  auto& client = command_client();
  const auto source = key_for("dump-src"), target = key_for("dump-dst");
  CHECK(client.dump(key_for("missing")).value() == std::nullopt);
  REQUIRE(client.set(source, "payload").has_value());
  const auto dumped = client.dump(source).value();
  REQUIRE(dumped.has_value());

  REQUIRE(client.restore(target, 0, *dumped).has_value());
  CHECK(client.get(target).value() == "payload");
  CHECK(client.pttl(target).value() == -1);
  // An existing key needs replace.
  CHECK_FALSE(client.restore(target, 0, *dumped).has_value());
  REQUIRE(client.restore(target, 60'000, *dumped, true).has_value());
  CHECK((client.pttl(target).value() > 50'000 && client.pttl(target).value() <= 60'000));
  const auto at = unix_millis_from_now(300'000);
  REQUIRE(client.restore(target, at, *dumped, true, true).has_value());
  CHECK(client.pexpiretime(target).value() == at);
  REQUIRE(client.restore(target, 0, *dumped, true, false, 1000, std::nullopt).has_value());
  CHECK(client.object_idletime(target).value() >= 1000);
  CHECK(client.pttl(target).value() == -1);
  // FREQ only where the eviction policy counts frequency.
  with_maxmemory_policy("allkeys-lfu", [&] {
    REQUIRE(client.restore(target, 0, *dumped, true, false, std::nullopt, 100).has_value());
    // Reading the key may bump the counter by one.
    const auto freq = client.object_freq(target).value();
    REQUIRE(freq.has_value());
    CHECK((*freq == 100 || *freq == 101));
  });
}

TEST_CASE("copy and its options", "[commands][keys]") {
  auto& client = command_client();
  const auto source = key_for("copy-src"), target = key_for("copy-dst");
  CHECK(client.copy(key_for("missing"), target).value() == false);
  REQUIRE(client.set(source, "one").has_value());
  CHECK(client.copy(source, target).value() == true);
  CHECK(client.get(target).value() == "one");
  REQUIRE(client.set(source, "two").has_value());
  CHECK(client.copy(source, target).value() == false);
  CHECK(client.copy(source, target, std::nullopt, true).value() == true);
  CHECK(client.get(target).value() == "two");

  auto db2 = client_on_db(2);
  CHECK(client.copy(source, target, 2).value() == true);
  CHECK(db2.get(target).value() == "two");
  REQUIRE(client.set(source, "three").has_value());
  CHECK(client.copy(source, target, 2).value() == false);
  CHECK(client.copy(source, target, 2, true).value() == true);
  CHECK(db2.get(target).value() == "three");
  CHECK(db2.del({target}).value() == 1);
}

TEST_CASE("sort, sort_ro, sort_store and SortOptions", "[commands][keys]") {
  auto& client = command_client();
  const auto list = key_for("sort-list"), base = key_for("sort-by"), dest = key_for("sort-dest");
  REQUIRE(client.custom_command({"RPUSH", list, "3", "1", "2"}).has_value());
  // Weights reverse the natural order; names exist for 1 and 2 only.
  REQUIRE(client.mset({{base + ":w_1", "30"}, {base + ":w_2", "20"}, {base + ":w_3", "10"},
                       {base + ":n_1", "one"}, {base + ":n_2", "two"}})
              .has_value());
  using Items = std::vector<std::optional<std::string>>;
  CHECK(client.sort(list).value() == Items{"1", "2", "3"});
  CHECK(client.sort_ro(list).value() == Items{"1", "2", "3"});

  SortOptions desc;
  desc.order = OrderBy::DESC;
  CHECK(client.sort(list, desc).value() == Items{"3", "2", "1"});
  SortOptions limited;
  limited.limit = Limit{1, 5};
  CHECK(client.sort_ro(list, limited).value() == Items{"2", "3"});
  SortOptions by;
  by.by_pattern = base + ":w_*";
  CHECK(client.sort(list, by).value() == Items{"3", "2", "1"});
  SortOptions get;
  get.get_patterns = {"#", base + ":n_*"};
  get.order = OrderBy::ASC;
  CHECK(client.sort_ro(list, get).value() == Items{"1", "one", "2", "two", "3", std::nullopt});

  const auto words = key_for("sort-words");
  REQUIRE(client.custom_command({"RPUSH", words, "pear", "apple", "fig"}).has_value());
  CHECK_FALSE(client.sort(words).has_value());  // not numbers
  SortOptions alpha;
  alpha.alpha = true;
  CHECK(client.sort(words, alpha).value() == Items{"apple", "fig", "pear"});

  CHECK(client.sort_store(list, dest).value() == 3);
  CHECK(client.custom_command({"LRANGE", dest, "0", "-1"}).value().as<std::vector<std::string>>().value() ==
        std::vector<std::string>{"1", "2", "3"});
  CHECK(client.sort_store(words, dest, alpha).value() == 3);
  CHECK(client.custom_command({"LRANGE", dest, "0", "0"}).value().as<std::vector<std::string>>().value() ==
        std::vector<std::string>{"apple"});
}

TEST_CASE("object_encoding, object_refcount, object_idletime, object_freq, random_key", "[commands][keys]") {
  auto& client = command_client();
  const auto number = key_for("obj-int"), text = key_for("obj-str"), missing = key_for("missing");
  REQUIRE(client.mset({{number, "12345"}, {text, "some text"}}).has_value());
  CHECK(client.object_encoding(number).value() == "int");
  CHECK(client.object_encoding(text).value() == "embstr");
  CHECK(client.object_encoding(missing).value() == std::nullopt);
  const auto refcount = client.object_refcount(text).value();
  REQUIRE(refcount.has_value());
  CHECK(*refcount >= 1);
  CHECK(client.object_refcount(missing).value() == std::nullopt);
  const auto idle = client.object_idletime(text).value();
  REQUIRE(idle.has_value());
  CHECK(*idle <= 1);
  CHECK(client.object_idletime(missing).value() == std::nullopt);
  with_maxmemory_policy("volatile-lfu", [&] {
    const auto freq = client.object_freq(text).value();
    REQUIRE(freq.has_value());
    CHECK(*freq >= 0);
    CHECK(client.object_freq(missing).value() == std::nullopt);
  });

  auto db3 = client_on_db(3);
  REQUIRE(db3.flushdb().has_value());
  CHECK(db3.random_key().value() == std::nullopt);
  REQUIRE(db3.set("only-key", "v").has_value());
  CHECK(db3.random_key().value() == "only-key");
  REQUIRE(db3.flushdb(FlushMode::SYNC).has_value());
  CHECK(client.random_key().value().has_value());
}

TEST_CASE("migrate to a second server, with each MigrateOptions", "[commands][keys]") {
  auto& client = command_client();
  glide_test::ValkeyServer target;
  const auto host = target.host();
  const auto port = static_cast<std::int64_t>(target.port());
  const auto k1 = key_for("mig1"), k2 = key_for("mig2"), k3 = key_for("mig3");
  REQUIRE(client.mset({{k1, "v1"}, {k2, "v2"}, {k3, "v3"}}).has_value());

  CHECK(client.migrate(host, port, key_for("missing"), 0, 1000).value() == "NOKEY");
  CHECK(client.migrate(host, port, k1, 0, 1000).value() == "OK");
  CHECK(client.exists({k1}).value() == 0);
  CHECK(target.cli({"GET", k1}) == "v1");

  MigrateOptions copy;
  copy.copy = true;
  CHECK(client.migrate(host, port, k2, 0, 1000, copy).value() == "OK");
  CHECK(client.get(k2).value() == "v2");
  CHECK(target.cli({"GET", k2}) == "v2");
  // The key exists there now: without replace the target refuses.
  REQUIRE(client.set(k2, "v2b").has_value());
  CHECK_FALSE(client.migrate(host, port, k2, 0, 1000, copy).has_value());
  MigrateOptions copy_replace = copy;
  copy_replace.replace = true;
  CHECK(client.migrate(host, port, k2, 0, 1000, copy_replace).value() == "OK");
  CHECK(target.cli({"GET", k2}) == "v2b");

  const std::vector<std::string> several{k2, k3};
  CHECK(client.migrate(host, port, several, 1, 1000, copy).value() == "OK");
  CHECK(target.cli({"-n", "1", "MGET", k2, k3}) == "v2b\nv3");
  CHECK(client.migrate(host, port, several, 2, 1000).value() == "OK");
  CHECK(client.exists({k2, k3}).value() == 0);

  glide_test::ServerOptions locked_options;
  locked_options.requirepass = "s3cret";
  glide_test::ValkeyServer locked(locked_options);
  const auto lport = static_cast<std::int64_t>(locked.port());
  REQUIRE(client.mset({{k1, "a"}, {k2, "b"}}).has_value());
  CHECK_FALSE(client.migrate(host, lport, k1, 0, 1000).has_value());  // no password
  MigrateOptions auth;
  auth.password = "s3cret";
  CHECK(client.migrate(host, lport, k1, 0, 1000, auth).value() == "OK");
  MigrateOptions auth2;
  auth2.username = "default";
  auth2.password = "s3cret";
  CHECK(client.migrate(host, lport, k2, 0, 1000, auth2).value() == "OK");
  CHECK(locked.cli({"MGET", k1, k2}) == "a\nb");
}

TEST_CASE("keys: the server's refusal is a Result error", "[commands][keys]") {
  auto& client = command_client();
  const auto key = key_for("refused");
  auto renamed = client.rename(key_for("missing"), key);
  REQUIRE_FALSE(renamed.has_value());
  CHECK(renamed.error().message().find("no such key") != std::string::npos);
  REQUIRE(client.set(key, "v").has_value());
  const auto dumped = client.dump(key).value().value();
  // IDLETIME and FREQ exclude each other.
  CHECK_FALSE(client.restore(key_for("both"), 0, dumped, false, false, 10, 10).has_value());
  CHECK_FALSE(client.restore(key_for("garbage"), 0, "not a dump").has_value());
  // FREQ needs an LFU policy; the default is noeviction.
  CHECK_FALSE(client.object_freq(key).has_value());
  CHECK_FALSE(client.move(key, -1).has_value());
}

TEST_CASE("keys in a batch: entries convert as the direct calls return", "[commands][keys][batch]") {
  auto& client = command_client();
  // Writes go to twin keys set up alike: the batch's and the direct calls'.
  const auto text = key_for("text"), list = key_for("list");
  const auto bk = key_for("b"), dk = key_for("d"), bcopy = key_for("b-copy"), dcopy = key_for("d-copy");
  REQUIRE(client.mset({{text, "hello"}, {bk, "x"}, {dk, "x"}}).has_value());
  REQUIRE(client.custom_command({"RPUSH", list, "2", "1"}).has_value());
  const auto dumped = client.dump(text).value().value();

  Batch batch(false);
  batch.exists({text, list})
      .type(list)
      .ttl(text)
      .expire(bk, 100, ExpireOptions::HasNoExpiry)
      .persist(bk)
      .copy(bk, bcopy)
      .dump(key_for("missing"))
      .sort(list)
      .sort_store(list, key_for("b-sorted"))
      .object_encoding(text)
      .restore(key_for("b-restored"), 0, dumped)
      .rename(bcopy, key_for("b-renamed"))
      .del({bk});
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 13);
  glide_test::check_entry(entries[0], client.exists({text, list}));
  glide_test::check_entry(entries[1], client.type(list));
  glide_test::check_entry(entries[2], client.ttl(text));
  glide_test::check_entry(entries[3], client.expire(dk, 100, ExpireOptions::HasNoExpiry));
  glide_test::check_entry(entries[4], client.persist(dk));
  glide_test::check_entry(entries[5], client.copy(dk, dcopy));
  glide_test::check_entry(entries[6], client.dump(key_for("missing")));
  glide_test::check_entry(entries[7], client.sort(list));
  glide_test::check_entry(entries[8], client.sort_store(list, key_for("d-sorted")));
  glide_test::check_entry(entries[9], client.object_encoding(text));
  CHECK(entries[10].has_value());
  CHECK(client.restore(key_for("d-restored"), 0, dumped).has_value());
  CHECK(entries[11].has_value());
  CHECK(client.rename(dcopy, key_for("d-renamed")).has_value());
  glide_test::check_entry(entries[12], client.del({dk}));

  // Compiled for every face: the remaining overloads, in a batch that is never sent.
  Batch unsent(false);
  unsent.unlink({text})
      .touch({text})
      .renamenx(text, list)
      .move(text, 1)
      .expireat(text, 1)
      .pexpire(text, 1)
      .pexpireat(text, 1)
      .expiretime(text)
      .pexpiretime(text)
      .pttl(text)
      .restore(text, 0, dumped, true)
      .restore(text, 0, dumped, true, true)
      .restore(text, 0, dumped, true, true, 1, std::nullopt)
      .copy(text, list, 1)
      .copy(text, list, std::nullopt, true)
      .sort(list, SortOptions{})
      .sort_ro(list)
      .sort_store(list, text, SortOptions{})
      .object_freq(text)
      .object_idletime(text)
      .object_refcount(text)
      .random_key()
      .migrate("127.0.0.1", 1, text, 0, 1)
      .migrate("127.0.0.1", 1, text, 0, 1, MigrateOptions{})
      .migrate("127.0.0.1", 1, std::vector<std::string>{text}, 0, 1)
      .migrate("127.0.0.1", 1, std::vector<std::string>{text}, 0, 1, MigrateOptions{});
  CHECK(unsent.size() == 26);
}

TEST_CASE("scan: a standalone client walks every key with MATCH, COUNT and TYPE", "[commands][keys]") {
  auto& client = command_client();
  const auto prefix = key_for("scan");
  std::set<std::string> written;
  for (int i = 0; i < 120; ++i) {
    written.insert(prefix + ":" + std::to_string(i));
    REQUIRE(client.set(prefix + ":" + std::to_string(i), "v").has_value());
  }
  const auto list = prefix + ":list";
  REQUIRE(client.rpush(list, {"x"}).has_value());

  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    auto page = client.scan(cursor, ScanOptions{prefix + ":*", 10, std::nullopt}).value();
    cursor = page.first;
    seen.insert(page.second.begin(), page.second.end());
    REQUIRE(++calls < 10'000);
  } while (cursor != "0");
  CHECK(calls > 1);  // COUNT 10 over 121 keys: more than one call
  written.insert(list);
  CHECK(seen == written);

  std::set<std::string> lists;
  cursor = "0";
  do {
    auto page = client.scan(cursor, ScanOptions{prefix + ":*", 1000, "list"}).value();
    cursor = page.first;
    lists.insert(page.second.begin(), page.second.end());
  } while (cursor != "0");
  CHECK(lists == std::set<std::string>{list});

  // A cursor the server never gave is refused by the server, as a Result error.
  CHECK_FALSE(client.scan("not-a-cursor").has_value());
}
