// The cluster SCAN cursor's bookkeeping without a server: which slots a node's finished SCAN
// covered, from the node's own CLUSTER NODES line (tests/cluster/scan_test.cpp scans real clusters).
#include <glide/cluster_scan.hpp>

#include <catch2/catch_test_macros.hpp>

using glide::detail::first_unscanned;
using glide::detail::SlotSet;
using glide::detail::stable_own_slots;

TEST_CASE("stable_own_slots: the answering primary's slots, without those migrating in or out", "[unit][cluster_scan]") {
  const std::string nodes =
      "07c3 127.0.0.1:30004@31004 slave e7d1 0 1426238317239 4 connected\n"
      "67ed 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922\n"
      "e7d1 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460 12000 [100->-67ed] [12001-<-67ed]\n";
  const SlotSet own = stable_own_slots(nodes);
  CHECK(own.count() == 5461 + 1 - 1);  // 0-5460 and 12000, less 100 (migrating out)
  CHECK(own.test(0));
  CHECK(own.test(5460));
  CHECK(own.test(12000));
  CHECK_FALSE(own.test(100));
  CHECK_FALSE(own.test(12001));  // importing: not its slot yet
  CHECK_FALSE(own.test(5461));  // another primary's

  // A node that is now a replica (a failover during its scan) covered nothing for sure.
  CHECK(stable_own_slots("e7d1 127.0.0.1:30001@31001 myself,slave 67ed 0 0 1 connected\n").none());
  CHECK(stable_own_slots("").none());
}

TEST_CASE("first_unscanned: the lowest slot left, -1 when none", "[unit][cluster_scan]") {
  SlotSet scanned;
  CHECK(first_unscanned(scanned) == 0);
  for (std::size_t s = 0; s < 7000; ++s) scanned.set(s);
  CHECK(first_unscanned(scanned) == 7000);
  scanned.set();
  CHECK(first_unscanned(scanned) == -1);
  CHECK_FALSE(glide::ClusterScanCursor().is_finished());
}
