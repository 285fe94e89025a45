#include <glide/commands/hashes.hpp>

namespace glide::detail {
namespace {

void add_fields(Command& c, const std::vector<std::string>& fields) {
  c.arg("FIELDS").arg(static_cast<std::int64_t>(fields.size())).args(fields);
}

}  // namespace

Command fields_command(std::string_view name, std::string_view key, const std::vector<std::string>& fields) {
  Command c{name, key};
  add_fields(c, fields);
  return c;
}

Command field_expire_command(std::string_view name, std::string_view key, std::int64_t time,
                             const std::vector<std::string>& fields, std::optional<ExpireOptions> option) {
  Command c{name, key};
  c.arg(time);
  if (option) c.arg(to_string(*option));
  add_fields(c, fields);
  return c;
}

Command hsetex_command(std::string_view key, const std::vector<std::pair<std::string, std::string>>& field_values,
                       std::optional<HashFieldConditionalChange> field_conditional_change, std::optional<ExpirySet> expiry) {
  Command c{"HSETEX", key};
  if (field_conditional_change)
    c.arg(*field_conditional_change == HashFieldConditionalChange::ONLY_IF_ALL_EXIST ? "FXX" : "FNX");
  if (expiry) add_expiry_set(c, *expiry);
  c.arg("FIELDS").arg(static_cast<std::int64_t>(field_values.size()));
  for (const auto& [f, v] : field_values) c.arg(f).arg(v);
  return c;
}

Command hgetex_command(std::string_view key, const std::vector<std::string>& fields, std::optional<ExpiryGetEx> expiry) {
  Command c{"HGETEX", key};
  if (expiry) add_getex_expiry(c, *expiry);
  add_fields(c, fields);
  return c;
}

Command hscan_command(std::string_view key, std::string_view cursor, std::optional<std::string_view> match,
                      std::optional<std::int64_t> count, bool no_values) {
  Command c{"HSCAN", key, cursor};
  if (match) c.arg("MATCH").arg(*match);
  if (count) c.arg("COUNT").arg(*count);
  if (no_values) c.arg("NOVALUES");
  return c;
}

}  // namespace glide::detail
