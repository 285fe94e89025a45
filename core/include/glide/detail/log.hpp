#pragma once
// The library's internal logging calls; only .cpp files include this (spdlog is not small).
#include <glide/logging.hpp>

#include <spdlog/logger.h>

namespace glide::log {

template <class... Args>
void write(spdlog::level::level_enum level, fmt::format_string<Args...> fmt, Args&&... args) {
  if (auto logger = get_logger(); logger && logger->should_log(level)) logger->log(level, fmt, std::forward<Args>(args)...);
}
template <class... Args>
void debug(fmt::format_string<Args...> fmt, Args&&... args) {
  write(spdlog::level::debug, fmt, std::forward<Args>(args)...);
}
template <class... Args>
void info(fmt::format_string<Args...> fmt, Args&&... args) {
  write(spdlog::level::info, fmt, std::forward<Args>(args)...);
}
template <class... Args>
void warn(fmt::format_string<Args...> fmt, Args&&... args) {
  write(spdlog::level::warn, fmt, std::forward<Args>(args)...);
}

}  // namespace glide::log
