#include <glide/commands/bitmaps.hpp>

namespace glide::detail {}  // namespace glide::detail
