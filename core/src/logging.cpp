#include <glide/detail/log.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>

#include <atomic>

namespace glide {
namespace {
std::shared_ptr<spdlog::logger> make_default() {
  auto logger = std::make_shared<spdlog::logger>("glide", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  logger->set_level(spdlog::level::warn);
  return logger;
}
// Read on every log call from any thread; replaced rarely.
std::atomic<std::shared_ptr<spdlog::logger>>& current() {
  static std::atomic<std::shared_ptr<spdlog::logger>> logger{make_default()};
  return logger;
}
}  // namespace

void set_logger(std::shared_ptr<spdlog::logger> logger) { current().store(std::move(logger)); }
std::shared_ptr<spdlog::logger> get_logger() { return current().load(); }

}  // namespace glide
