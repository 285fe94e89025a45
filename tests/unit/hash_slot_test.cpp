#include <glide/route.hpp>

#include <catch2/catch_test_macros.hpp>

TEST_CASE("hash_slot matches the server's CRC16/XMODEM mod 16384", "[unit][cluster]") {
  // Values from the cluster specification and `CLUSTER KEYSLOT`.
  CHECK(glide::hash_slot("123456789") == 12739);
  CHECK(glide::hash_slot("foo") == 12182);
  CHECK(glide::hash_slot("") == 0);
}

TEST_CASE("hash_slot honours hash tags", "[unit][cluster]") {
  CHECK(glide::hash_slot("user:{1000}:name") == glide::hash_slot("1000"));
  CHECK(glide::hash_slot("{user1000}.following") == glide::hash_slot("{user1000}.followers"));
  CHECK(glide::hash_slot("foo{}{bar}") == glide::hash_slot("foo{}{bar}"));
  CHECK(glide::hash_slot("foo{}{bar}") != glide::hash_slot("bar"));  // empty tag: whole key
  CHECK(glide::hash_slot("foo{{bar}}zap") == glide::hash_slot("{bar"));
  CHECK(glide::hash_slot("foo{bar}{zap}") == glide::hash_slot("bar"));
}
