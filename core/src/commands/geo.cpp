#include <glide/commands/geo.hpp>

namespace glide {

Result<GeospatialData> FromValue<GeospatialData>::convert(const Value& v) {
  auto pair = v.as<std::pair<double, double>>();
  if (!pair) return pair.error();
  return GeospatialData{pair.value().first, pair.value().second};
}

Result<GeoSearchResult> FromValue<GeoSearchResult>::convert(const Value& v) {
  GeoSearchResult out;
  if (v.is_string()) {
    out.member = std::string(v.as_string().value());
    return out;
  }
  auto items = v.as_array();
  if (!items) return items.error();
  if (items.value().empty()) return v.mismatch("a GEOSEARCH match (member first)");
  auto member = items.value()[0].as<std::string>();
  if (!member) return member.error();
  out.member = std::move(member).value();
  for (const Value& item : items.value().subspan(1)) {
    if (item.kind() == ValueKind::integer) {
      out.hash = item.as_int().value();
    } else if (item.is_aggregate()) {
      auto coordinates = item.as<GeospatialData>();
      if (!coordinates) return coordinates.error();
      out.coordinates = coordinates.value();
    } else {
      auto distance = item.as_double();
      if (!distance) return distance.error();
      out.distance = distance.value();
    }
  }
  return out;
}

namespace detail {

std::string_view to_string(GeoUnit unit) noexcept {
  switch (unit) {
    case GeoUnit::METERS: return "m";
    case GeoUnit::KILOMETERS: return "km";
    case GeoUnit::MILES: return "mi";
    case GeoUnit::FEET: return "ft";
  }
  return "m";
}

void add_geosearch_args(Command& c, const GeoSearchOrigin& search_from, const GeoSearchShape& search_by,
                        std::optional<OrderBy> order_by, const std::optional<GeoSearchCount>& count) {
  if (const auto* member = std::get_if<std::string>(&search_from)) {
    c.arg("FROMMEMBER").arg(*member);
  } else {
    const auto& at = std::get<GeospatialData>(search_from);
    c.arg("FROMLONLAT").arg(at.longitude).arg(at.latitude);
  }
  if (const auto* radius = std::get_if<GeoSearchByRadius>(&search_by)) {
    c.arg("BYRADIUS").arg(radius->radius).arg(to_string(radius->unit));
  } else {
    const auto& box = std::get<GeoSearchByBox>(search_by);
    c.arg("BYBOX").arg(box.width).arg(box.height).arg(to_string(box.unit));
  }
  if (order_by) c.arg(to_string(*order_by));
  if (count) {
    c.arg("COUNT").arg(count->count);
    if (count->any_option) c.arg("ANY");
  }
}

void add_geoadd_args(Command& c, const std::vector<std::pair<std::string, GeospatialData>>& members,
                     std::optional<ConditionalChange> existing_options, bool changed) {
  if (existing_options) c.arg(*existing_options == ConditionalChange::ONLY_IF_EXISTS ? "XX" : "NX");
  if (changed) c.arg("CH");
  for (const auto& [member, at] : members) c.arg(at.longitude).arg(at.latitude).arg(member);
}

}  // namespace detail
}  // namespace glide
