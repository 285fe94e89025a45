#include <glide/commands/streams.hpp>

namespace glide::detail {}  // namespace glide::detail
