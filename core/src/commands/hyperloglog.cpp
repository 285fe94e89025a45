#include <glide/commands/hyperloglog.hpp>

namespace glide::detail {}  // namespace glide::detail
