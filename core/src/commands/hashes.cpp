#include <glide/commands/hashes.hpp>

namespace glide::detail {}  // namespace glide::detail
