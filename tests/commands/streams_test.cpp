// The streams family (glide/commands/streams.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <chrono>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Entries "1-1", "2-1", ... with one field each: f1=v1, f2=v2, ...
void add_entries(std::string_view key, int n) {
  for (int i = 1; i <= n; ++i) {
    const std::string s = std::to_string(i);
    command_client().xadd(key, {{"f" + s, "v" + s}}, StreamAddOptions{.id = s + "-1"}).value();
  }
}

StreamEntry entry(int i) {
  const std::string s = std::to_string(i);
  return StreamEntry{s + "-1", Fields{{"f" + s, "v" + s}}};
}

std::vector<std::string> ids_of(const std::vector<StreamEntry>& entries) {
  std::vector<std::string> ids;
  for (const auto& e : entries) ids.push_back(e.id);
  return ids;
}

// A client whose request_timeout (200 ms) is shorter than the blocking command's own wait.
sync::GlideClient short_timeout_client() {
  auto cfg = glide_test::config_for(glide_test::shared_server());
  cfg.request_timeout = std::chrono::milliseconds(200);
  return sync::GlideClient::create(cfg).value();
}

}  // namespace

TEST_CASE("xadd with its options, xlen, xdel", "[commands][streams]") {
  auto& client = command_client();
  const auto key = key_for("xadd");
  auto auto_id = client.xadd(key, {{"a", "1"}, {"b", "2"}});
  REQUIRE(auto_id.value().has_value());
  CHECK(auto_id.value()->find('-') != std::string::npos);
  CHECK(client.xrange(key, MinId{}, MaxId{}).value()->at(0).fields == Fields{{"a", "1"}, {"b", "2"}});

  const auto k = key_for("xadd-ids");
  CHECK(client.xadd(k, {{"f", "1"}}, StreamAddOptions{.id = "1-1"}).value() == "1-1");
  CHECK(client.xadd(k, {{"f", "2"}}, StreamAddOptions{.id = "2-1"}).value() == "2-1");
  const auto by_len = StreamAddOptions{.id = "3-1", .trim = TrimByMaxLen{.exact = true, .threshold = 2}};
  CHECK(client.xadd(k, {{"f", "3"}}, by_len).value() == "3-1");
  CHECK(client.xlen(k).value() == 2);
  const auto by_id = StreamAddOptions{.id = "4-1", .trim = TrimByMinId{.exact = true, .threshold = "3-1"}};
  CHECK(client.xadd(k, {{"f", "4"}}, by_id).value() == "4-1");
  CHECK(ids_of(*client.xrange(k, MinId{}, MaxId{}).value()) == std::vector<std::string>{"3-1", "4-1"});

  const auto missing = key_for("xadd-missing");
  CHECK(client.xadd(missing, {{"f", "1"}}, StreamAddOptions{.make_stream = false}).value() == std::nullopt);
  CHECK(client.xlen(missing).value() == 0);

  CHECK(client.xdel(k, {"3-1", "99-1"}).value() == 1);
  CHECK(client.xlen(k).value() == 1);
}

TEST_CASE("xtrim by length and by ID, exact and near-exact", "[commands][streams]") {
  auto& client = command_client();
  const auto k = key_for("xtrim");
  add_entries(k, 5);
  CHECK(client.xtrim(k, TrimByMaxLen{.exact = true, .threshold = 4}).value() == 1);
  CHECK(client.xtrim(k, TrimByMinId{.exact = true, .threshold = "4-1"}).value() == 2);
  // Near-exact trimming drops whole nodes only: the two entries left share one node, which
  // stays while any of it must stay.
  CHECK(client.xtrim(k, TrimByMaxLen{.exact = false, .threshold = 1, .limit = 100}).value() == 0);
  CHECK(client.xtrim(k, TrimByMinId{.exact = false, .threshold = "5-1"}).value() == 0);
  CHECK(client.xlen(k).value() == 2);
  CHECK(client.xtrim(key_for("xtrim-missing"), TrimByMaxLen{.exact = true, .threshold = 0}).value() == 0);
}

TEST_CASE("stream commands with bad arguments fail as Results", "[commands][streams]") {
  auto& client = command_client();
  const auto k = key_for("xbad");
  add_entries(k, 2);
  // LIMIT needs near-exact trimming: the server's syntax error comes back, nothing is trimmed.
  auto limited = client.xtrim(k, TrimByMaxLen{.exact = true, .threshold = 0, .limit = 5});
  REQUIRE_FALSE(limited.has_value());
  CHECK(limited.error().code() == errc::request_error);
  CHECK(client.xadd(k, {{"f", "x"}}, StreamAddOptions{.id = "1-1"}).has_error());  // not above the top ID
  CHECK(client.xreadgroup({{k, ">"}}, "no-such-group", "c").has_error());
  CHECK(client.xlen(k).value() == 2);
}

TEST_CASE("xrange and xrevrange with every kind of bound and a count", "[commands][streams]") {
  auto& client = command_client();
  const auto k = key_for("xrange");
  add_entries(k, 3);
  CHECK(*client.xrange(k, MinId{}, MaxId{}).value() == std::vector<StreamEntry>{entry(1), entry(2), entry(3)});
  CHECK(*client.xrange(k, IdBound{"2-1"}, MaxId{}).value() == std::vector<StreamEntry>{entry(2), entry(3)});
  CHECK(*client.xrange(k, ExclusiveIdBound{"1-1"}, IdBound::from_timestamp(2)).value() == std::vector<StreamEntry>{entry(2)});
  CHECK(ExclusiveIdBound::from_timestamp(2).to_arg() == "(2");
  CHECK(*client.xrange(k, MinId{}, ExclusiveIdBound{"3-1"}).value() == std::vector<StreamEntry>{entry(1), entry(2)});
  CHECK(*client.xrange(k, MinId{}, MaxId{}, 1).value() == std::vector<StreamEntry>{entry(1)});
  CHECK(client.xrange(k, MinId{}, MaxId{}, 0).value() == std::nullopt);  // the server's nil for COUNT 0
  CHECK(client.xrange(key_for("xrange-missing"), MinId{}, MaxId{}).value()->empty());

  CHECK(*client.xrevrange(k, MaxId{}, MinId{}).value() == std::vector<StreamEntry>{entry(3), entry(2), entry(1)});
  CHECK(*client.xrevrange(k, ExclusiveIdBound{"3-1"}, IdBound{"1-1"}, 1).value() == std::vector<StreamEntry>{entry(2)});
  CHECK(client.xrevrange(k, MaxId{}, MinId{}, -1).value() == std::nullopt);
}

TEST_CASE("xread from several streams, with count, and blocking past the request timeout", "[commands][streams]") {
  auto& client = command_client();
  const auto k1 = key_for("xread1", "xread");
  const auto k2 = key_for("xread2", "xread");
  add_entries(k1, 2);
  add_entries(k2, 1);
  const auto all = client.xread({{k1, "0"}, {k2, "0"}}).value();
  REQUIRE(all.has_value());
  CHECK(*all == StreamReadResult{{k1, {entry(1), entry(2)}}, {k2, {entry(1)}}});
  CHECK(*client.xread({{k1, "1-1"}}, StreamReadOptions{.count = 5}).value() == StreamReadResult{{k1, {entry(2)}}});
  CHECK(*client.xread({{k1, "0"}, {k2, "0"}}, StreamReadOptions{.count = 1}).value() ==
        StreamReadResult{{k1, {entry(1)}}, {k2, {entry(1)}}});
  CHECK(client.xread({{k1, "2-1"}}).value() == std::nullopt);

  auto impatient = short_timeout_client();
  const auto waited = impatient.xread({{key_for("xread-empty"), "$"}}, StreamReadOptions{.block_ms = 500});
  REQUIRE(waited.has_value());
  CHECK(waited.value() == std::nullopt);
}

TEST_CASE("consumer groups: create, consumers, set id, destroy", "[commands][streams]") {
  auto& client = command_client();
  const auto k = key_for("xgroup");
  add_entries(k, 3);
  CHECK(client.xgroup_create(k, "g", "0").has_value());
  CHECK(client.xgroup_create(k, "g", "0").has_error());  // BUSYGROUP
  CHECK(client.xgroup_create(key_for("xgroup-missing"), "g", "$").has_error());
  const auto made = key_for("xgroup-made");
  CHECK(client.xgroup_create(made, "g", "$", StreamGroupOptions{.make_stream = true}).has_value());
  CHECK(client.xlen(made).value() == 0);
  CHECK(client.xgroup_create(k, "g2", "1-1", StreamGroupOptions{.entries_read = 1}).has_value());

  CHECK(client.xgroup_create_consumer(k, "g", "c1").value());
  CHECK_FALSE(client.xgroup_create_consumer(k, "g", "c1").value());
  client.xreadgroup({{k, ">"}}, "g", "c1", StreamReadGroupOptions{.count = 2}).value();
  CHECK(client.xgroup_del_consumer(k, "g", "c1").value() == 2);
  CHECK(client.xgroup_del_consumer(k, "g", "nobody").value() == 0);

  CHECK(client.xgroup_set_id(k, "g", "1-1").has_value());
  CHECK(client.xinfo_groups(k).value().at(0).last_delivered_id == "1-1");
  CHECK(client.xgroup_set_id(k, "g", "2-1", 2).has_value());
  const auto groups = client.xinfo_groups(k).value();
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].entries_read == 2);
  CHECK(groups[0].lag == 1);
  CHECK(groups[1].name == "g2");
  CHECK(groups[1].entries_read == 1);

  CHECK(client.xgroup_destroy(k, "g2").value());
  CHECK_FALSE(client.xgroup_destroy(k, "g2").value());
  CHECK(client.xinfo_groups(k).value().size() == 1);
}

TEST_CASE("xreadgroup with its options, deleted pending entries, xack", "[commands][streams]") {
  auto& client = command_client();
  const auto k = key_for("xreadgroup");
  add_entries(k, 3);
  client.xgroup_create(k, "g", "0").value();
  CHECK(*client.xreadgroup({{k, ">"}}, "g", "c1", StreamReadGroupOptions{.count = 1}).value() ==
        StreamReadResult{{k, {entry(1)}}});
  CHECK(*client.xreadgroup({{k, ">"}}, "g", "c1").value() == StreamReadResult{{k, {entry(2), entry(3)}}});
  CHECK(client.xreadgroup({{k, ">"}}, "g", "c1").value() == std::nullopt);
  CHECK(client.xpending(k, "g").value().num_group_messages == 3);

  // Reading the consumer's own history: a deleted entry stays pending, without its fields.
  client.xdel(k, {"2-1"}).value();
  const auto history = client.xreadgroup({{k, "0"}}, "g", "c1").value();
  REQUIRE(history.has_value());
  REQUIRE(history->at(0).second.size() == 3);
  CHECK(history->at(0).second[1] == StreamEntry{"2-1", std::nullopt});
  CHECK(history->at(0).second[2] == entry(3));

  CHECK(client.xack(k, "g", {"1-1", "2-1", "9-1"}).value() == 2);
  CHECK(client.xpending(k, "g").value().num_group_messages == 1);

  client.xadd(k, {{"f4", "v4"}}, StreamAddOptions{.id = "4-1"}).value();
  CHECK(*client.xreadgroup({{k, ">"}}, "g", "c2", StreamReadGroupOptions{.no_ack = true}).value() ==
        StreamReadResult{{k, {entry(4)}}});
  CHECK(client.xpending(k, "g").value().num_group_messages == 1);  // NOACK: 4-1 is not pending

  auto impatient = short_timeout_client();
  const auto waited = impatient.xreadgroup({{k, ">"}}, "g", "c1", StreamReadGroupOptions{.block_ms = 500});
  REQUIRE(waited.has_value());
  CHECK(waited.value() == std::nullopt);
}

TEST_CASE("xpending summary and range with its options", "[commands][streams]") {
  auto& client = command_client();
  const auto k = key_for("xpending");
  add_entries(k, 3);
  client.xgroup_create(k, "g", "0").value();
  client.xgroup_create(k, "idle", "$").value();
  CHECK(client.xpending(k, "idle").value() == StreamPendingSummary{0, std::nullopt, std::nullopt, {}});
  client.xreadgroup({{k, ">"}}, "g", "c1", StreamReadGroupOptions{.count = 2}).value();
  client.xreadgroup({{k, ">"}}, "g", "c2").value();
  CHECK(client.xpending(k, "g").value() == StreamPendingSummary{3, "1-1", "3-1", {{"c1", 2}, {"c2", 1}}});

  const auto rows = client.xpending_range(k, "g", MinId{}, MaxId{}, 10).value();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].id == "1-1");
  CHECK(rows[0].consumer_name == "c1");
  CHECK(rows[0].time_elapsed >= 0);
  CHECK(rows[0].num_delivered == 1);
  CHECK(rows[2].consumer_name == "c2");
  CHECK(client.xpending_range(k, "g", ExclusiveIdBound{"1-1"}, MaxId{}, 1).value().at(0).id == "2-1");
  const auto only_c2 = client.xpending_range(k, "g", MinId{}, MaxId{}, 10, StreamPendingOptions{.consumer_name = "c2"});
  CHECK(only_c2.value().size() == 1);
  const auto long_idle = StreamPendingOptions{.min_idle_time_ms = 3'600'000, .consumer_name = "c1"};
  CHECK(client.xpending_range(k, "g", MinId{}, MaxId{}, 10, long_idle).value().empty());
  CHECK(client.xpending_range(k, "g", MinId{}, MaxId{}, 10, StreamPendingOptions{.min_idle_time_ms = 0}).value().size() == 3);
}

TEST_CASE("xclaim and xclaim_just_id with their options", "[commands][streams]") {
  auto& client = command_client();
  const auto k = key_for("xclaim");
  add_entries(k, 4);
  client.xgroup_create(k, "g", "0").value();
  client.xreadgroup({{k, ">"}}, "g", "c1", StreamReadGroupOptions{.count = 3}).value();

  CHECK(client.xclaim(k, "g", "c2", 0, {"1-1"}).value() == std::vector<StreamEntry>{entry(1)});
  CHECK(client.xclaim(k, "g", "c2", 3'600'000, {"2-1"}).value().empty());  // not idle long enough
  const auto retried = StreamClaimOptions{.idle = 60'000, .retry_count = 7};
  CHECK(client.xclaim(k, "g", "c2", 0, {"2-1"}, retried).value() == std::vector<StreamEntry>{entry(2)});
  auto row = client.xpending_range(k, "g", IdBound{"2-1"}, IdBound{"2-1"}, 1).value().at(0);
  CHECK(row.consumer_name == "c2");
  CHECK(row.num_delivered == 7);
  CHECK(row.time_elapsed >= 60'000);

  const auto server_now = client.time().value();
  const std::int64_t now_ms = server_now.first * 1000 + server_now.second / 1000;
  const auto at_time = StreamClaimOptions{.idle_unix_time = now_ms - 30'000};
  CHECK(client.xclaim_just_id(k, "g", "c3", 0, {"3-1"}, at_time).value() == std::vector<std::string>{"3-1"});
  row = client.xpending_range(k, "g", IdBound{"3-1"}, IdBound{"3-1"}, 1).value().at(0);
  CHECK(row.consumer_name == "c3");
  CHECK(row.time_elapsed >= 30'000);

  // 4-1 was never delivered: only FORCE puts it on a consumer's pending list.
  CHECK(client.xclaim_just_id(k, "g", "c3", 0, {"4-1"}).value().empty());
  CHECK(client.xclaim_just_id(k, "g", "c3", 0, {"4-1"}, StreamClaimOptions{.is_force = true}).value() ==
        std::vector<std::string>{"4-1"});
  CHECK(client.xpending(k, "g").value().consumers == std::vector<std::pair<std::string, std::int64_t>>{{"c2", 2}, {"c3", 2}});
}

TEST_CASE("xautoclaim and xautoclaim_just_id, with count and deleted entries", "[commands][streams]") {
  auto& client = command_client();
  const auto k = key_for("xautoclaim");
  add_entries(k, 3);
  client.xgroup_create(k, "g", "0").value();
  client.xreadgroup({{k, ">"}}, "g", "c1").value();

  const auto first = client.xautoclaim(k, "g", "c2", 0, "0-0", 1).value();
  CHECK(first == StreamAutoClaimResult<StreamEntry>{"2-1", {entry(1)}, {}});
  const auto rest = client.xautoclaim(k, "g", "c2", 0, first.next_id).value();
  CHECK(rest == StreamAutoClaimResult<StreamEntry>{"0-0", {entry(2), entry(3)}, {}});
  CHECK(client.xautoclaim(k, "g", "c3", 3'600'000, "0-0").value().claimed.empty());

  client.xdel(k, {"2-1"}).value();
  const auto ids = client.xautoclaim_just_id(k, "g", "c3", 0, "0-0").value();
  CHECK(ids == StreamAutoClaimResult<std::string>{"0-0", {"1-1", "3-1"}, {"2-1"}});
  const auto counted = client.xautoclaim_just_id(k, "g", "c4", 0, "0-0", 1).value();
  CHECK(counted == StreamAutoClaimResult<std::string>{"3-1", {"1-1"}, {}});
}

TEST_CASE("xinfo_stream, xinfo_stream_full, xinfo_groups, xinfo_consumers", "[commands][streams]") {
  auto& client = command_client();
  const auto k = key_for("xinfo");
  add_entries(k, 3);
  client.xdel(k, {"2-1"}).value();
  client.xgroup_create(k, "g", "0").value();
  client.xreadgroup({{k, ">"}}, "g", "c1", StreamReadGroupOptions{.count = 1}).value();

  const auto info = client.xinfo_stream(k).value();
  CHECK(info.length == 2);
  CHECK(info.last_generated_id == "3-1");
  CHECK(info.max_deleted_entry_id == "2-1");
  CHECK(info.entries_added == 3);
  CHECK(info.recorded_first_entry_id == "1-1");
  CHECK(info.groups == 1);
  CHECK(info.first_entry == entry(1));
  CHECK(info.last_entry == entry(3));
  CHECK(info.radix_tree_keys >= 1);
  const auto empty = key_for("xinfo-empty");
  client.xgroup_create(empty, "g", "$", StreamGroupOptions{.make_stream = true}).value();
  CHECK(client.xinfo_stream(empty).value().first_entry == std::nullopt);

  const auto field = [](const std::vector<std::pair<std::string, Value>>& fields, std::string_view name) {
    for (const auto& [n, v] : fields)
      if (n == name) return v;
    return Value::nil();
  };
  const auto full = client.xinfo_stream_full(k).value();
  CHECK(field(full, "length").as<std::int64_t>().value() == 2);
  CHECK(field(full, "entries").as<std::vector<StreamEntry>>().value() == std::vector<StreamEntry>{entry(1), entry(3)});
  CHECK(field(full, "groups").as_array().value().size() == 1);
  const auto capped = client.xinfo_stream_full(k, 1).value();
  CHECK(field(capped, "entries").as<std::vector<StreamEntry>>().value() == std::vector<StreamEntry>{entry(1)});

  const auto groups = client.xinfo_groups(k).value();
  REQUIRE(groups.size() == 1);
  // The server sends nil for entries-read and lag: the group was created on a stream that had a
  // deletion already, so it cannot count what the group has read.
  CHECK(groups[0] == StreamGroupInfo{"g", 1, 1, "1-1", std::nullopt, std::nullopt});

  client.xgroup_create_consumer(k, "g", "c2").value();
  const auto consumers = client.xinfo_consumers(k, "g").value();
  REQUIRE(consumers.size() == 2);
  CHECK(consumers[0].name == "c1");
  CHECK(consumers[0].pending == 1);
  CHECK(consumers[0].idle >= 0);
  CHECK(consumers[0].inactive.has_value());
  CHECK(consumers[1].name == "c2");
  CHECK(consumers[1].pending == 0);
  CHECK(consumers[1].inactive == -1);  // never read
  CHECK(client.xinfo_consumers(k, "no-such-group").has_error());
}

namespace {

// The batch's reads, after its writes: state the batch and the direct calls share by then.
void queue_reads(Batch& batch, const std::string& k) {
  batch.xlen(k)
      .xrange(k, MinId{}, MaxId{})
      .xrevrange(k, MaxId{}, MinId{}, 2)
      .xread({{k, "0"}})
      .xpending(k, "direct")
      .xpending_range(k, "direct", MinId{}, MaxId{}, 10)
      .xinfo_stream(k)
      .xinfo_stream_full(k)
      .xinfo_groups(k)
      .xinfo_consumers(k, "direct");
}

// queue_reads' entries, from `first` on, against the same reads made directly.
void check_reads(const std::vector<Reply>& entries, std::size_t first, const std::string& k) {
  auto& client = command_client();
  glide_test::check_entry(entries[first], client.xlen(k));
  glide_test::check_entry(entries[first + 1], client.xrange(k, MinId{}, MaxId{}));
  glide_test::check_entry(entries[first + 2], client.xrevrange(k, MaxId{}, MinId{}, 2));
  glide_test::check_entry(entries[first + 3], client.xread({{k, "0"}}));
  glide_test::check_entry(entries[first + 4], client.xpending(k, "direct"));
  // Idle times move on between the two calls: everything else must match.
  const auto rows = glide::as<std::vector<StreamPendingEntry>>(entries[first + 5]).value();
  const auto direct_rows = client.xpending_range(k, "direct", MinId{}, MaxId{}, 10).value();
  REQUIRE(rows.size() == direct_rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].id == direct_rows[i].id);
    CHECK(rows[i].consumer_name == direct_rows[i].consumer_name);
    CHECK(rows[i].num_delivered == direct_rows[i].num_delivered);
  }
  glide_test::check_entry(entries[first + 6], client.xinfo_stream(k));
  glide_test::check_entry(entries[first + 7], client.xinfo_stream_full(k));
  glide_test::check_entry(entries[first + 8], client.xinfo_groups(k));
  const auto consumers = glide::as<std::vector<StreamConsumerInfo>>(entries[first + 9]).value();
  const auto direct_consumers = client.xinfo_consumers(k, "direct").value();
  REQUIRE(consumers.size() == direct_consumers.size());
  for (std::size_t i = 0; i < consumers.size(); ++i) {
    CHECK(consumers[i].name == direct_consumers[i].name);
    CHECK(consumers[i].pending == direct_consumers[i].pending);
  }
}

}  // namespace

TEST_CASE("streams family in a batch: entries convert as the direct calls return", "[commands][streams][batch]") {
  auto& client = command_client();
  const auto k = key_for("xbatch");
  add_entries(k, 3);
  for (const char* group : {"direct", "batched"}) {
    client.xgroup_create(k, group, "0").value();
    client.xreadgroup({{k, ">"}}, group, "c1").value();
  }
  const auto twin_a = key_for("xbatch-a");
  const auto twin_b = key_for("xbatch-b");
  add_entries(twin_a, 3);
  add_entries(twin_b, 3);

  // Writes: directly on group "direct" and twin_a, batched on group "batched" and twin_b (a
  // stream's groups are independent, and the twins start equal), in the same order.
  const auto created = client.xgroup_create(k, "direct-new", "0");
  const auto made_consumer = client.xgroup_create_consumer(k, "direct", "c2");
  const auto claimed = client.xclaim(k, "direct", "c2", 0, {"1-1"});
  const auto claimed_ids = client.xclaim_just_id(k, "direct", "c2", 0, {"2-1"});
  const auto autoclaimed = client.xautoclaim(k, "direct", "c3", 0, "0-0", 1);
  const auto autoclaimed_ids = client.xautoclaim_just_id(k, "direct", "c3", 0, "0-0");
  const auto acked = client.xack(k, "direct", {"3-1"});
  const auto set_id = client.xgroup_set_id(k, "direct", "0");
  const auto group_read = client.xreadgroup({{k, ">"}}, "direct", "c4", StreamReadGroupOptions{.count = 1});
  const auto deleted_consumer = client.xgroup_del_consumer(k, "direct", "c4");
  const auto destroyed = client.xgroup_destroy(k, "direct-new");
  const auto added = client.xadd(twin_a, {{"f4", "v4"}}, StreamAddOptions{.id = "4-1"});
  const auto deleted = client.xdel(twin_a, {"1-1"});
  const auto trimmed = client.xtrim(twin_a, TrimByMaxLen{.exact = true, .threshold = 1});

  Batch batch(false);
  batch.xgroup_create(k, "batched-new", "0");
  batch.xgroup_create_consumer(k, "batched", "c2");
  batch.xclaim(k, "batched", "c2", 0, {"1-1"});
  batch.xclaim_just_id(k, "batched", "c2", 0, {"2-1"});
  batch.xautoclaim(k, "batched", "c3", 0, "0-0", 1);
  batch.xautoclaim_just_id(k, "batched", "c3", 0, "0-0");
  batch.xack(k, "batched", {"3-1"});
  batch.xgroup_set_id(k, "batched", "0");
  batch.xreadgroup({{k, ">"}}, "batched", "c4", StreamReadGroupOptions{.count = 1});
  batch.xgroup_del_consumer(k, "batched", "c4");
  batch.xgroup_destroy(k, "batched-new");
  batch.xadd(twin_b, {{"f4", "v4"}}, StreamAddOptions{.id = "4-1"});
  batch.xdel(twin_b, {"1-1"});
  batch.xtrim(twin_b, TrimByMaxLen{.exact = true, .threshold = 1});
  queue_reads(batch, k);
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 24);

  REQUIRE(created.has_value());
  CHECK(entries[0].value() == "OK");
  glide_test::check_entry(entries[1], made_consumer);
  glide_test::check_entry(entries[2], claimed);
  glide_test::check_entry(entries[3], claimed_ids);
  glide_test::check_entry(entries[4], autoclaimed);
  glide_test::check_entry(entries[5], autoclaimed_ids);
  glide_test::check_entry(entries[6], acked);
  REQUIRE(set_id.has_value());
  CHECK(entries[7].value() == "OK");
  glide_test::check_entry(entries[8], group_read);
  glide_test::check_entry(entries[9], deleted_consumer);
  glide_test::check_entry(entries[10], destroyed);
  glide_test::check_entry(entries[11], added);
  glide_test::check_entry(entries[12], deleted);
  glide_test::check_entry(entries[13], trimmed);

  check_reads(entries, 14, k);
}
