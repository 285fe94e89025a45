#include <glide/commands/lists.hpp>

namespace glide::detail {}  // namespace glide::detail
