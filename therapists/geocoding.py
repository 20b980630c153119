"""Offline geocoding of US ZIP codes and "City, ST" names.

Data comes from the `zipcodes` package, which ships the US ZIP code list with
coordinates, so a search never makes a network call. Distances use an
equirectangular approximation: plain arithmetic that SQLite and PostgreSQL can
both evaluate and sort on, within 1% of the great-circle distance at the radii a
client searches (up to a few hundred miles).
"""

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import zipcodes

MILES_PER_DEGREE_LATITUDE = 69.0
# Locations are bucketed into bands of 0.1 degree of latitude (about 7 miles)
# so that a radius search is a handful of narrow index range scans on
# (lat_band, longitude) instead of one wide scan on latitude.
LATITUDE_BANDS_PER_DEGREE = 10

ZIP_RE = re.compile(r"^\d{5}(?:-\d{4})?$")
CITY_STATE_RE = re.compile(r"^(?P<city>[A-Za-z .'\-]+?)\s*,\s*(?P<state>[A-Za-z]{2})$")


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float
    label: str = ""

    def bounding_box(self, miles: float) -> tuple[float, float, float, float]:
        """Return (min_lat, max_lat, min_lon, max_lon) enclosing the radius."""
        dlat = miles / MILES_PER_DEGREE_LATITUDE
        dlon = miles / self.miles_per_degree_longitude
        return (
            self.latitude - dlat,
            self.latitude + dlat,
            self.longitude - dlon,
            self.longitude + dlon,
        )

    @property
    def miles_per_degree_longitude(self) -> float:
        return MILES_PER_DEGREE_LATITUDE * max(
            math.cos(math.radians(self.latitude)), 0.01
        )

    def latitude_bands(self, miles: float) -> list[int]:
        """The latitude bands a circle of this radius touches."""
        min_lat, max_lat, _, _ = self.bounding_box(miles)
        return list(range(latitude_band(min_lat), latitude_band(max_lat) + 1))

    def distance_to(self, latitude: float, longitude: float) -> float:
        """Miles to a point, with the same approximation the database uses."""
        dy = (latitude - self.latitude) * MILES_PER_DEGREE_LATITUDE
        dx = (longitude - self.longitude) * self.miles_per_degree_longitude
        return math.hypot(dx, dy)


class PlaceNotFound(LookupError):
    """The text is not a ZIP code or city we know."""


def latitude_band(latitude: float) -> int:
    return math.floor(latitude * LATITUDE_BANDS_PER_DEGREE)


class ZipCode(NamedTuple):
    code: str
    city: str
    state: str
    latitude: float
    longitude: float
    is_standard: bool  # False for PO boxes and unique (single-building) codes


def warm_up() -> None:
    """Build the lookup tables now rather than on the first search."""
    _zip_index()
    _city_index()


@cache
def _zip_index() -> dict[str, ZipCode]:
    # Kept as tuples of plain values: the garbage collector stops tracking them,
    # so ~42,000 entries cost nothing at each collection.
    return {
        row["zip_code"]: ZipCode(
            row["zip_code"],
            row["city"],
            row["state"],
            float(row["lat"]),
            float(row["long"]),
            row["zip_code_type"] == "STANDARD",
        )
        for row in zipcodes.list_all()
        if row["lat"]
    }


@cache
def _city_index() -> dict[tuple[str, str], GeoPoint]:
    sums: dict[tuple[str, str], list[float]] = {}
    names: dict[tuple[str, str], str] = {}
    for row in _zip_index().values():
        if not row.is_standard:
            continue
        key = (row.city.lower(), row.state)
        acc = sums.setdefault(key, [0.0, 0.0, 0])
        acc[0] += row.latitude
        acc[1] += row.longitude
        acc[2] += 1
        names[key] = f"{row.city}, {row.state}"
    return {
        key: GeoPoint(lat / n, lon / n, names[key])
        for key, (lat, lon, n) in sums.items()
    }


def zip_point(zip_code: str) -> GeoPoint | None:
    row = _zip_index().get(zip_code[:5])
    if row is None:
        return None
    return GeoPoint(row.latitude, row.longitude, f"{row.city}, {row.state} {row.code}")


def zip_details(zip_code: str) -> ZipCode | None:
    """City, state and coordinates of a ZIP code, or None."""
    return _zip_index().get(zip_code[:5])


def geocode(text: str) -> GeoPoint:
    """Turn "10001" or "Brooklyn, NY" into a point; raise PlaceNotFound."""
    text = " ".join(text.split())
    if ZIP_RE.match(text):
        point = zip_point(text)
        if point is None:
            raise PlaceNotFound(text)
        return point
    match = CITY_STATE_RE.match(text)
    if match:
        key = (match["city"].strip().lower(), match["state"].upper())
        point = _city_index().get(key)
        if point is not None:
            return point
    raise PlaceNotFound(text)


def zips_near(zip_code: str, miles: float) -> list[str]:
    """Standard ZIP codes within `miles` of a ZIP code, nearest first."""
    centre = zip_point(zip_code)
    if centre is None:
        raise PlaceNotFound(zip_code)
    found = []
    for code, row in _zip_index().items():
        if not row.is_standard:
            continue
        distance = centre.distance_to(row.latitude, row.longitude)
        if distance <= miles:
            found.append((distance, code))
    return [code for _, code in sorted(found)]
