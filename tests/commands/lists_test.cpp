// The lists family (glide/commands/lists.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;
