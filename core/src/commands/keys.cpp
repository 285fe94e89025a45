#include <glide/commands/keys.hpp>

namespace glide::detail {

Command expiry_command(std::string_view name, std::string_view key, std::int64_t time, std::optional<ExpireOptions> option) {
  Command c{name, key};
  c.arg(time);
  if (option) c.arg(to_string(*option));
  return c;
}

Command copy_command(std::string_view source, std::string_view destination, std::optional<std::int64_t> destination_db,
                     bool replace) {
  Command c{"COPY", source, destination};
  if (destination_db) c.arg("DB").arg(*destination_db);
  if (replace) c.arg("REPLACE");
  return c;
}

Command restore_command(std::string_view key, std::int64_t ttl, std::string_view value, bool replace, bool absttl,
                        std::optional<std::int64_t> idletime, std::optional<std::int64_t> frequency) {
  Command c{"RESTORE", key};
  c.arg(ttl).arg(value);
  if (replace) c.arg("REPLACE");
  if (absttl) c.arg("ABSTTL");
  if (idletime) c.arg("IDLETIME").arg(*idletime);
  if (frequency) c.arg("FREQ").arg(*frequency);
  return c;
}

Command sort_command(std::string_view name, std::string_view key, const SortOptions& options,
                     std::optional<std::string_view> destination) {
  Command c{name, key};
  if (options.by_pattern) c.arg("BY").arg(*options.by_pattern);
  add_limit(c, options.limit);
  for (const auto& pattern : options.get_patterns) c.arg("GET").arg(pattern);
  if (options.order) c.arg(to_string(*options.order));
  if (options.alpha) c.arg("ALPHA");
  if (destination) c.arg("STORE").arg(*destination);
  return c;
}

Command migrate_command(std::string_view host, std::int64_t port, std::string_view key, const std::vector<std::string>* keys,
                        std::int64_t destination_db, std::int64_t timeout, const MigrateOptions& options) {
  Command c{"MIGRATE", host};
  c.arg(port).arg(key).arg(destination_db).arg(timeout);
  if (options.copy) c.arg("COPY");
  if (options.replace) c.arg("REPLACE");
  if (options.username) {
    c.arg("AUTH2").arg(*options.username);
    if (options.password) c.arg(*options.password);
  } else if (options.password) {
    c.arg("AUTH").arg(*options.password);
  }
  if (keys) c.arg("KEYS").args(*keys);
  return c;
}

}  // namespace glide::detail
