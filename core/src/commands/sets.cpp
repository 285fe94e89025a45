#include <glide/commands/sets.hpp>

namespace glide::detail {}  // namespace glide::detail
