#pragma once
// Geospatial indexes.
// Each command once; every face (async and sync clients, Batch, ClusterBatch) inherits it.
// Results are listed in docs/commands.md (scripts/gen_commands_doc.py reads this file).
#include <glide/commands/common.hpp>
#include <glide/commands/sorted_sets.hpp>
#include <glide/value.hpp>

namespace glide {

struct GeospatialData {
  double longitude = 0;
  double latitude = 0;
  friend bool operator==(const GeospatialData&, const GeospatialData&) = default;
};
enum class GeoUnit { METERS, KILOMETERS, MILES, FEET };
struct GeoSearchByRadius {
  double radius = 0;
  GeoUnit unit = GeoUnit::METERS;
};
struct GeoSearchByBox {
  double width = 0;
  double height = 0;
  GeoUnit unit = GeoUnit::METERS;
};
using GeoSearchShape = std::variant<GeoSearchByRadius, GeoSearchByBox>;
struct GeoSearchCount {
  std::int64_t count = 0;
  bool any_option = false;  // ANY: stop at the first `count` matches, not the nearest ones
};
// A member's name, or a position.
using GeoSearchOrigin = std::variant<std::string, GeospatialData>;

// One match of geosearch with with_coord / with_dist / with_hash: what was asked for is set.
struct GeoSearchResult {
  std::string member;
  std::optional<double> distance;  // in the unit of the search shape
  std::optional<std::int64_t> hash;
  std::optional<GeospatialData> coordinates;
  friend bool operator==(const GeoSearchResult&, const GeoSearchResult&) = default;
};

// [longitude, latitude] (numbers as text, in RESP2 and RESP3 alike).
template <>
struct FromValue<GeospatialData> {
  static Result<GeospatialData> convert(const Value& v);
};
// A bare member name, or [member, distance?, hash?, [lon, lat]?]: the server leaves out what was
// not asked for, and each kind is told apart by its type (text, integer, array).
template <>
struct FromValue<GeoSearchResult> {
  static Result<GeoSearchResult> convert(const Value& v);
};

namespace detail {

std::string_view to_string(GeoUnit unit) noexcept;
// FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX, [ASC|DESC], [COUNT n [ANY]].
void add_geosearch_args(Command& c, const GeoSearchOrigin& search_from, const GeoSearchShape& search_by,
                        std::optional<OrderBy> order_by, const std::optional<GeoSearchCount>& count);
void add_geoadd_args(Command& c, const std::vector<std::pair<std::string, GeospatialData>>& members,
                     std::optional<ConditionalChange> existing_options, bool changed);

template <class Derived>
class GeoCommands : public CommandRunner<Derived, GeoCommands<Derived>> {
 public:
  using Key = std::string_view;
  using Keys = std::vector<std::string>;

  // The number of members added (with `changed`: added or moved).
  template <class... Extra>
    requires TokenOnly<Extra...>
  decltype(auto) geoadd(Key key, std::vector<std::pair<std::string, GeospatialData>> members_geospatialdata, Extra&&... extra) {
    Command c{"GEOADD", key};
    add_geoadd_args(c, members_geospatialdata, std::nullopt, false);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) geoadd(Key key, std::vector<std::pair<std::string, GeospatialData>> members_geospatialdata,
                        std::optional<ConditionalChange> existing_options, bool changed, Extra&&... extra) {
    Command c{"GEOADD", key};
    add_geoadd_args(c, members_geospatialdata, existing_options, changed);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  // In meters; nullopt when either member (or the key) is missing.
  template <class... Extra>
    requires NoneIs<GeoUnit, Extra...>
  decltype(auto) geodist(Key key, std::string_view member1, std::string_view member2, Extra&&... extra) {
    return this->template run<std::optional<double>>(Command{"GEODIST", key, member1, member2}, std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) geodist(Key key, std::string_view member1, std::string_view member2, GeoUnit unit, Extra&&... extra) {
    return this->template run<std::optional<double>>(Command{"GEODIST", key, member1, member2, to_string(unit)}, std::forward<Extra>(extra)...);
  }
  // One 11-character geohash per member asked for, nullopt where it is missing.
  template <class... Extra>
  decltype(auto) geohash(Key key, Keys members, Extra&&... extra) {
    return this->template run<std::vector<std::optional<std::string>>>(std::move(Command{"GEOHASH", key}.args(members)), std::forward<Extra>(extra)...);
  }
  // One position per member asked for, nullopt where it is missing.
  template <class... Extra>
  decltype(auto) geopos(Key key, Keys members, Extra&&... extra) {
    return this->template run<std::vector<std::optional<GeospatialData>>>(std::move(Command{"GEOPOS", key}.args(members)), std::forward<Extra>(extra)...);
  }
  // Member names (unordered unless order_by says).
  template <class... Extra>
    requires TokenOnly<Extra...> && NoneIs<OrderBy, Extra...> && NoneIs<GeoSearchCount, Extra...>
  decltype(auto) geosearch(Key key, const GeoSearchOrigin& search_from, const GeoSearchShape& search_by, Extra&&... extra) {
    Command c{"GEOSEARCH", key};
    add_geosearch_args(c, search_from, search_by, std::nullopt, std::nullopt);
    return this->template run<std::vector<std::string>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...> && NoneIs<OrderBy, Extra...> && NoneIs<GeoSearchCount, Extra...>
  decltype(auto) geosearch(Key key, const GeoSearchOrigin& search_from, const GeoSearchShape& search_by,
                           std::optional<OrderBy> order_by, Extra&&... extra) {
    Command c{"GEOSEARCH", key};
    add_geosearch_args(c, search_from, search_by, order_by, std::nullopt);
    return this->template run<std::vector<std::string>>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...> && NoneIs<OrderBy, Extra...> && NoneIs<GeoSearchCount, Extra...>
  decltype(auto) geosearch(Key key, const GeoSearchOrigin& search_from, const GeoSearchShape& search_by,
                           std::optional<OrderBy> order_by, std::optional<GeoSearchCount> count, Extra&&... extra) {
    Command c{"GEOSEARCH", key};
    add_geosearch_args(c, search_from, search_by, order_by, count);
    return this->template run<std::vector<std::string>>(std::move(c), std::forward<Extra>(extra)...);
  }
  // One struct per match, holding what the flags asked for.
  template <class... Extra>
  decltype(auto) geosearch(Key key, const GeoSearchOrigin& search_from, const GeoSearchShape& search_by,
                           std::optional<OrderBy> order_by, std::optional<GeoSearchCount> count, bool with_coord,
                           bool with_dist, bool with_hash, Extra&&... extra) {
    Command c{"GEOSEARCH", key};
    add_geosearch_args(c, search_from, search_by, order_by, count);
    if (with_coord) c.arg("WITHCOORD");
    if (with_dist) c.arg("WITHDIST");
    if (with_hash) c.arg("WITHHASH");
    return this->template run<std::vector<GeoSearchResult>>(std::move(c), std::forward<Extra>(extra)...);
  }
  // The number of members stored at destination; their scores are geohashes (with store_dist:
  // distances from the origin, in the shape's unit).
  template <class... Extra>
    requires TokenOnly<Extra...> && NoneIs<GeoSearchCount, Extra...>
  decltype(auto) geosearchstore(Key destination, Key source, const GeoSearchOrigin& search_from, const GeoSearchShape& search_by,
                                Extra&&... extra) {
    Command c{"GEOSEARCHSTORE", destination, source};
    add_geosearch_args(c, search_from, search_by, std::nullopt, std::nullopt);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
    requires TokenOnly<Extra...> && NoneIs<GeoSearchCount, Extra...>
  decltype(auto) geosearchstore(Key destination, Key source, const GeoSearchOrigin& search_from, const GeoSearchShape& search_by,
                                std::optional<GeoSearchCount> count, Extra&&... extra) {
    Command c{"GEOSEARCHSTORE", destination, source};
    add_geosearch_args(c, search_from, search_by, std::nullopt, count);
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) geosearchstore(Key destination, Key source, const GeoSearchOrigin& search_from, const GeoSearchShape& search_by,
                                std::optional<GeoSearchCount> count, bool store_dist, Extra&&... extra) {
    Command c{"GEOSEARCHSTORE", destination, source};
    add_geosearch_args(c, search_from, search_by, std::nullopt, count);
    if (store_dist) c.arg("STOREDIST");
    return this->template run<std::int64_t>(std::move(c), std::forward<Extra>(extra)...);
  }
};

}  // namespace detail
}  // namespace glide
