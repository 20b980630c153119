import math

import pytest

from therapists import geocoding
from therapists.geocoding import GeoPoint, PlaceNotFound

EARTH_RADIUS_MILES = 3958.8
MIDTOWN = (40.7128, -74.0060)


def haversine_miles(lat1, lon1, lat2, lon2):
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


def test_geocode_zip_returns_its_centre():
    point = geocoding.geocode("10001")

    assert point.latitude == pytest.approx(40.75, abs=0.02)
    assert point.longitude == pytest.approx(-73.99, abs=0.02)
    assert point.label == "New York, NY 10001"


def test_geocode_zip_plus_four_uses_the_five_digit_zip():
    assert geocoding.geocode("10001-1234") == geocoding.geocode("10001")


def test_geocode_zip_ignores_surrounding_spaces():
    assert geocoding.geocode("  10001 ") == geocoding.geocode("10001")


def test_geocode_city_and_state():
    point = geocoding.geocode("Brooklyn, NY")

    assert point.label == "Brooklyn, NY"
    assert point.latitude == pytest.approx(40.65, abs=0.05)
    assert point.longitude == pytest.approx(-73.95, abs=0.05)


@pytest.mark.parametrize(
    "text", ["brooklyn,  ny", "BROOKLYN, NY", "  Brooklyn ,ny ", "brooklyn,NY"]
)
def test_geocode_city_ignores_case_and_spacing(text):
    assert geocoding.geocode(text) == geocoding.geocode("Brooklyn, NY")


def test_geocode_unknown_zip_raises_place_not_found():
    with pytest.raises(PlaceNotFound):
        geocoding.geocode("00000")


@pytest.mark.parametrize("text", ["Atlantis, NY", "Brooklyn, ZZ", "Springfield, XX"])
def test_geocode_unknown_city_raises_place_not_found(text):
    with pytest.raises(PlaceNotFound):
        geocoding.geocode(text)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "pizza near me", "1000", "100011", "10001-12", "!!!", "Brooklyn"],
)
def test_geocode_garbage_raises_place_not_found(text):
    with pytest.raises(PlaceNotFound):
        geocoding.geocode(text)


def test_place_not_found_is_a_lookup_error():
    # Callers that already catch LookupError keep working.
    with pytest.raises(LookupError):
        geocoding.geocode("00000")


@pytest.mark.parametrize(
    ("destination", "expected_miles"),
    [
        pytest.param((40.7357, -74.1724), 9, id="newark"),
        pytest.param((41.0534, -73.5387), 34, id="stamford"),
        pytest.param((39.9526, -75.1652), 81, id="philadelphia"),
        pytest.param((41.7658, -72.6734), 100, id="hartford"),
        pytest.param((42.3601, -71.0589), 190, id="boston"),
    ],
)
def test_distance_agrees_with_great_circle_within_one_percent(
    destination, expected_miles
):
    great_circle = haversine_miles(*MIDTOWN, *destination)
    assert great_circle == pytest.approx(expected_miles, abs=1)

    distance = GeoPoint(*MIDTOWN).distance_to(*destination)

    assert distance == pytest.approx(great_circle, rel=0.01)


def test_distance_to_itself_is_zero():
    assert GeoPoint(*MIDTOWN).distance_to(*MIDTOWN) == 0


@pytest.mark.parametrize("miles", [1, 5, 25, 100])
@pytest.mark.parametrize(
    "point",
    [GeoPoint(40.7484, -73.9967), GeoPoint(34.0901, -118.4065), GeoPoint(-33.9, 18.4)],
    ids=["nyc", "beverly-hills", "southern-hemisphere"],
)
def test_latitude_bands_cover_the_bounding_box(point, miles):
    min_lat, max_lat, _, _ = point.bounding_box(miles)

    bands = point.latitude_bands(miles)

    assert bands == list(range(bands[0], bands[-1] + 1))
    steps = 50
    for i in range(steps + 1):
        latitude = min_lat + (max_lat - min_lat) * i / steps
        assert geocoding.latitude_band(latitude) in bands
    # No band lies wholly outside the box.
    assert bands[0] == geocoding.latitude_band(min_lat)
    assert bands[-1] == geocoding.latitude_band(max_lat)


def test_bounding_box_encloses_the_radius():
    point = GeoPoint(40.7484, -73.9967)
    min_lat, max_lat, min_lon, max_lon = point.bounding_box(10)

    assert point.distance_to(min_lat, point.longitude) == pytest.approx(10)
    assert point.distance_to(max_lat, point.longitude) == pytest.approx(10)
    assert point.distance_to(point.latitude, min_lon) == pytest.approx(10)
    assert point.distance_to(point.latitude, max_lon) == pytest.approx(10)


def test_zips_near_includes_the_zip_itself_first():
    found = geocoding.zips_near("10001", 5)

    assert found[0] == "10001"


def test_zips_near_is_sorted_nearest_first_and_within_the_radius():
    centre = geocoding.geocode("10001")

    found = geocoding.zips_near("10001", 5)

    distances = [
        centre.distance_to(
            geocoding.zip_details(code).latitude,
            geocoding.zip_details(code).longitude,
        )
        for code in found
    ]
    assert len(found) > 10
    assert distances == sorted(distances)
    assert max(distances) <= 5


def test_zips_near_includes_close_zips_and_excludes_far_ones():
    found = geocoding.zips_near("10001", 5)

    assert "10011" in found  # Chelsea, next door
    assert "90210" not in found
    assert "10301" not in found  # Staten Island, about 9 miles away


def test_zips_near_unknown_zip_raises_place_not_found():
    with pytest.raises(PlaceNotFound):
        geocoding.zips_near("00000", 5)
