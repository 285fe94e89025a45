#include <glide/commands/geo.hpp>

namespace glide::detail {}  // namespace glide::detail
