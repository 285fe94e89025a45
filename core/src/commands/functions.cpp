#include <glide/commands/functions.hpp>

namespace glide::detail {}  // namespace glide::detail
