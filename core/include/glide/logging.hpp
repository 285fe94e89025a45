#pragma once
// Logging goes through spdlog. By default glide logs warnings and worse to stderr through a
// logger named "glide"; set_logger replaces it (or pass nullptr to silence the library).
// Credentials and the AUTH/HELLO arguments are never logged at any level.
#include <memory>

namespace spdlog {
class logger;
}

namespace glide {
void set_logger(std::shared_ptr<spdlog::logger> logger);
std::shared_ptr<spdlog::logger> get_logger();
}  // namespace glide
