#include <glide/script.hpp>

#include <catch2/catch_test_macros.hpp>

TEST_CASE("Script hashes its code with SHA1 in lowercase hex", "[unit][script]") {
  glide::Script script("return 'Hello'");
  // echo -n "return 'Hello'" | sha1sum
  CHECK(script.get_hash() == "af6b5d19da06755d789858a67760f34bbd2e9e52");
  CHECK(script.get_hash() == glide::Script("return 'Hello'").get_hash());
  CHECK(script.get_hash() != glide::Script("return 'Hello!'").get_hash());
  CHECK(script.code() == "return 'Hello'");
}

TEST_CASE("Script copies share the code and keep the hash", "[unit][script]") {
  glide::Script a("return 1");
  glide::Script b = a;
  CHECK(b.get_hash() == a.get_hash());
  CHECK(b.code().data() == a.code().data());
}

TEST_CASE("Script takes binary code", "[unit][script]") {
  std::string bytes("return '\0\xff'", 12);
  glide::Script s(bytes);
  CHECK(s.code().size() == 12);
  CHECK(s.get_hash().size() == 40);
}

TEST_CASE("to_args spells numbers as Lua reads them", "[unit][script]") {
  auto args = glide::to_args(10, -3, 0.5, std::string("x"), "lit");
  CHECK(args == std::vector<std::string>{"10", "-3", "0.5", "x", "lit"});
}
