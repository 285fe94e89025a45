#include <glide/commands/keys.hpp>

namespace glide::detail {}  // namespace glide::detail
