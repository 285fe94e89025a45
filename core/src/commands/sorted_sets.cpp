#include <glide/commands/sorted_sets.hpp>

namespace glide::detail {}  // namespace glide::detail
