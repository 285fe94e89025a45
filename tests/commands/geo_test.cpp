// The geo family (glide/commands/geo.hpp): every command on a real server, its typed result
// and options; then a batch of them, whose entries convert to the same values.
#include "command_test_support.hpp"

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cmath>

using namespace glide;
using glide_test::command_client;
using glide_test::key_for;

namespace {

using Strings = std::vector<std::string>;
using Members = std::vector<std::pair<std::string, GeospatialData>>;

const GeospatialData palermo{13.361389, 38.115556};
const GeospatialData catania{15.087269, 37.502669};

// Palermo and Catania, the server documentation's example (their answers are known).
std::string sicily(std::string_view what, std::string_view tag = {}) {
  auto key = key_for(what, tag);
  command_client().geoadd(key, Members{{"Palermo", palermo}, {"Catania", catania}}).value();
  return key;
}

// Geohash cells store positions to about 1e-5 degrees.
bool near(const GeospatialData& a, const GeospatialData& b) {
  return std::abs(a.longitude - b.longitude) < 1e-5 && std::abs(a.latitude - b.latitude) < 1e-5;
}
bool near(double a, double b, double tolerance) { return std::abs(a - b) < tolerance; }

}  // namespace

TEST_CASE("geoadd with existing_options and changed", "[commands][geo]") {
  auto& client = command_client();
  const auto key = key_for("geoadd");
  CHECK(client.geoadd(key, Members{{"Palermo", palermo}, {"Catania", catania}}).value() == 2);
  // XX: only existing members move; nothing is added, and without CH the move is not counted.
  CHECK(client.geoadd(key, Members{{"Palermo", catania}, {"Rome", {12.5, 41.9}}}, ConditionalChange::ONLY_IF_EXISTS, false)
            .value() == 0);
  CHECK(client.geopos(key, {"Rome"}).value() == std::vector<std::optional<GeospatialData>>{std::nullopt});
  // NX with CH: Rome is added, Palermo (known) is left where it is.
  CHECK(client.geoadd(key, Members{{"Palermo", palermo}, {"Rome", {12.5, 41.9}}}, ConditionalChange::ONLY_IF_DOES_NOT_EXIST, true)
            .value() == 1);
  // CH alone: a moved member counts as changed.
  CHECK(client.geoadd(key, Members{{"Palermo", palermo}}, std::nullopt, true).value() == 1);
  auto where = client.geopos(key, {"Palermo"}).value();
  REQUIRE(where.size() == 1);
  REQUIRE(where[0].has_value());
  CHECK(near(*where[0], palermo));
  CHECK(client.zcard(key).value() == 3);  // a geo index is a sorted set
}

TEST_CASE("geodist in each unit, geohash, geopos", "[commands][geo]") {
  auto& client = command_client();
  const auto key = sicily("geodist");
  auto meters = client.geodist(key, "Palermo", "Catania").value();
  REQUIRE(meters.has_value());
  CHECK(near(*meters, 166274.1516, 0.01));
  auto km = client.geodist(key, "Palermo", "Catania", GeoUnit::KILOMETERS).value();
  REQUIRE(km.has_value());
  CHECK(near(*km, 166.2742, 0.0001));
  CHECK(near(client.geodist(key, "Palermo", "Catania", GeoUnit::MILES).value().value(), 103.3182, 0.0001));
  CHECK(near(client.geodist(key, "Palermo", "Catania", GeoUnit::FEET).value().value(), 545518.8700, 0.01));
  CHECK(near(client.geodist(key, "Palermo", "Catania", GeoUnit::METERS).value().value(), *meters, 1e-9));
  CHECK(client.geodist(key, "Palermo", "Nowhere").value() == std::nullopt);

  CHECK(client.geohash(key, {"Palermo", "Nowhere", "Catania"}).value() ==
        std::vector<std::optional<std::string>>{"sqc8b49rny0", std::nullopt, "sqdtr74hyu0"});

  auto positions = client.geopos(key, {"Catania", "Nowhere"}).value();
  REQUIRE(positions.size() == 2);
  REQUIRE(positions[0].has_value());
  CHECK(near(*positions[0], catania));
  CHECK(positions[1] == std::nullopt);
}

TEST_CASE("geosearch from a member or a position, by radius or box, ordered, counted, with details", "[commands][geo]") {
  auto& client = command_client();
  const auto key = sicily("geosearch");
  client.geoadd(key, Members{{"edge1", {12.758489, 38.788135}}, {"edge2", {17.241510, 38.788135}}}).value();
  const GeospatialData origin{15, 37};

  auto radius = client.geosearch(key, origin, GeoSearchByRadius{200, GeoUnit::KILOMETERS}).value();
  std::sort(radius.begin(), radius.end());
  CHECK(radius == Strings{"Catania", "Palermo"});
  CHECK(client.geosearch(key, origin, GeoSearchByRadius{200, GeoUnit::KILOMETERS}, OrderBy::ASC).value() ==
        Strings{"Catania", "Palermo"});
  CHECK(client.geosearch(key, origin, GeoSearchByRadius{200, GeoUnit::KILOMETERS}, OrderBy::DESC).value() ==
        Strings{"Palermo", "Catania"});
  CHECK(client.geosearch(key, origin, GeoSearchByBox{400, 400, GeoUnit::KILOMETERS}, OrderBy::ASC).value() ==
        Strings{"Catania", "Palermo", "edge2", "edge1"});
  CHECK(client.geosearch(key, std::string("Palermo"), GeoSearchByRadius{100, GeoUnit::MILES}, OrderBy::ASC).value() ==
        Strings{"Palermo", "edge1"});
  CHECK(client.geosearch(key, origin, GeoSearchByBox{400, 400, GeoUnit::KILOMETERS}, OrderBy::DESC, GeoSearchCount{1})
            .value() == Strings{"edge1"});
  // ANY: the first match found, not the nearest; only how many is known.
  CHECK(client.geosearch(key, origin, GeoSearchByBox{400, 400, GeoUnit::KILOMETERS}, std::nullopt, GeoSearchCount{2, true})
            .value()
            .size() == 2);

  auto detailed = client.geosearch(key, origin, GeoSearchByRadius{200, GeoUnit::KILOMETERS}, OrderBy::ASC, std::nullopt,
                                   true, true, true)
                      .value();
  REQUIRE(detailed.size() == 2);
  CHECK(detailed[0].member == "Catania");
  REQUIRE(detailed[0].distance.has_value());
  CHECK(near(*detailed[0].distance, 56.4413, 0.0001));
  CHECK(detailed[0].hash == 3479447370796909);
  REQUIRE(detailed[0].coordinates.has_value());
  CHECK(near(*detailed[0].coordinates, catania));
  CHECK(detailed[1].member == "Palermo");
  CHECK(near(detailed[1].distance.value(), 190.4424, 0.0001));

  // Only what was asked for is set.
  auto dist_only = client.geosearch(key, origin, GeoSearchByRadius{200, GeoUnit::KILOMETERS}, OrderBy::ASC,
                                    GeoSearchCount{1}, false, true, false)
                       .value();
  REQUIRE(dist_only.size() == 1);
  CHECK(dist_only[0].member == "Catania");
  CHECK(dist_only[0].distance.has_value());
  CHECK_FALSE(dist_only[0].hash.has_value());
  CHECK_FALSE(dist_only[0].coordinates.has_value());
  auto coord_hash = client.geosearch(key, std::string("Palermo"), GeoSearchByRadius{1, GeoUnit::METERS}, std::nullopt,
                                     std::nullopt, true, false, true)
                        .value();
  REQUIRE(coord_hash.size() == 1);
  CHECK_FALSE(coord_hash[0].distance.has_value());
  CHECK(coord_hash[0].hash == 3479099956230698);
  CHECK(near(coord_hash[0].coordinates.value(), palermo));
  auto none = client.geosearch(key, origin, GeoSearchByRadius{1, GeoUnit::KILOMETERS}, std::nullopt, std::nullopt, true,
                               true, true);
  CHECK(none.value().empty());
}

TEST_CASE("geosearchstore with count and store_dist", "[commands][geo]") {
  auto& client = command_client();
  const auto source = sicily("geosearchstore_src", "gss");
  const auto destination = key_for("geosearchstore_dst", "gss");
  const GeospatialData origin{15, 37};
  CHECK(client.geosearchstore(destination, source, origin, GeoSearchByRadius{200, GeoUnit::KILOMETERS}).value() == 2);
  // Scores are the members' geohashes, so positions survive the copy.
  auto copied = client.geopos(destination, {"Palermo"}).value();
  REQUIRE(copied.size() == 1);
  CHECK(near(copied[0].value(), palermo));
  CHECK(client.geosearchstore(destination, source, origin, GeoSearchByRadius{200, GeoUnit::KILOMETERS}, GeoSearchCount{1})
            .value() == 1);
  CHECK(client.zrange(destination, 0, -1).value() == Strings{"Catania"});
  CHECK(client.geosearchstore(destination, source, std::string("Catania"), GeoSearchByBox{400, 400, GeoUnit::KILOMETERS},
                              std::nullopt, true)
            .value() == 2);
  // STOREDIST: the score is the distance from the origin, in the shape's unit.
  CHECK(client.zscore(destination, "Catania").value() == 0.0);
  CHECK(near(client.zscore(destination, "Palermo").value().value(), 166.2742, 0.0001));
  CHECK(client.geosearchstore(destination, source, origin, GeoSearchByRadius{1, GeoUnit::METERS}, std::nullopt, false)
            .value() == 0);
}

TEST_CASE("geo: bad arguments come back as the server's errors", "[commands][geo]") {
  auto& client = command_client();
  const auto key = sicily("geobad");
  // Longitudes beyond +-180 are refused, and nothing is added.
  auto outside = client.geoadd(key, Members{{"nowhere", {200, 10}}});
  REQUIRE_FALSE(outside.has_value());
  CHECK(outside.error().code() == errc::request_error);
  auto negative = client.geosearch(key, std::string("Palermo"), GeoSearchByRadius{-1, GeoUnit::METERS});
  REQUIRE_FALSE(negative.has_value());
  auto unknown = client.geosearch(key, std::string("Nowhere"), GeoSearchByRadius{1, GeoUnit::METERS});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(client.zcard(key).value() == 2);
}

TEST_CASE("geo replies convert from RESP2's shapes too", "[commands][geo]") {
  // RESP2 sends distances and coordinates as text; the conversions read both.
  auto cfg = glide_test::config_for(glide_test::shared_server());
  cfg.protocol = ProtocolVersion::RESP2;
  auto resp2 = glide::sync::GlideClient::create(cfg).value();
  const auto key = sicily("geo_resp2");
  CHECK(near(resp2.geodist(key, "Palermo", "Catania", GeoUnit::KILOMETERS).value().value(), 166.2742, 0.0001));
  CHECK(near(resp2.geopos(key, {"Palermo"}).value().at(0).value(), palermo));
  auto detailed = resp2.geosearch(key, GeospatialData{15, 37}, GeoSearchByRadius{200, GeoUnit::KILOMETERS}, OrderBy::ASC,
                                  std::nullopt, true, true, true)
                      .value();
  REQUIRE(detailed.size() == 2);
  CHECK(detailed == command_client()
                        .geosearch(key, GeospatialData{15, 37}, GeoSearchByRadius{200, GeoUnit::KILOMETERS}, OrderBy::ASC,
                                   std::nullopt, true, true, true)
                        .value());
}

TEST_CASE("geo family in a batch: entries convert as the direct calls return", "[commands][geo][batch]") {
  auto& client = command_client();
  const auto key = sicily("geo_batch", "gb");
  // Writes go to twins set up alike: one for the batch, one for the direct call.
  const auto batch_twin = sicily("geo_batch_twin_b", "gb");
  const auto direct_twin = sicily("geo_batch_twin_d", "gb");
  const auto batch_dst = key_for("geo_batch_dst_b", "gb");
  const auto direct_dst = key_for("geo_batch_dst_d", "gb");
  const GeospatialData origin{15, 37};
  const GeoSearchByRadius radius{200, GeoUnit::KILOMETERS};

  Batch batch(false);
  batch.geoadd(batch_twin, Members{{"Rome", {12.5, 41.9}}})
      .geoadd(batch_twin, Members{{"Rome", {12.6, 41.9}}}, ConditionalChange::ONLY_IF_EXISTS, true)
      .geodist(key, "Palermo", "Catania", GeoUnit::KILOMETERS)
      .geohash(key, {"Palermo", "Nowhere"})
      .geopos(key, {"Catania", "Nowhere"})
      .geosearch(key, origin, radius, OrderBy::DESC)
      .geosearch(key, origin, radius, OrderBy::ASC, GeoSearchCount{2}, true, true, true)
      .geosearchstore(batch_dst, key, origin, radius, std::nullopt, true);
  auto replies = client.exec(batch, false);
  REQUIRE(replies.has_value());
  REQUIRE(replies.value().has_value());
  const auto& entries = *replies.value();
  REQUIRE(entries.size() == 8);
  glide_test::check_entry(entries[0], client.geoadd(direct_twin, Members{{"Rome", {12.5, 41.9}}}));
  glide_test::check_entry(entries[1],
                          client.geoadd(direct_twin, Members{{"Rome", {12.6, 41.9}}}, ConditionalChange::ONLY_IF_EXISTS, true));
  glide_test::check_entry(entries[2], client.geodist(key, "Palermo", "Catania", GeoUnit::KILOMETERS));
  glide_test::check_entry(entries[3], client.geohash(key, {"Palermo", "Nowhere"}));
  glide_test::check_entry(entries[4], client.geopos(key, {"Catania", "Nowhere"}));
  glide_test::check_entry(entries[5], client.geosearch(key, origin, radius, OrderBy::DESC));
  glide_test::check_entry(entries[6], client.geosearch(key, origin, radius, OrderBy::ASC, GeoSearchCount{2}, true, true, true));
  glide_test::check_entry(entries[7], client.geosearchstore(direct_dst, key, origin, radius, std::nullopt, true));
}
