"""Nearest first: a search sorted by distance, at a cost bounded by how many
therapists practise near the point rather than by how many the circle holds.

Listing every match in the circle and sorting them all costs the circle: 76 ms
of SQL in a dense one at 100,000 therapists, 664 ms at 1,000,000. A page of
the first `reach` matches by distance needs only the smallest circle that
holds `reach` matches: whoever is outside it is further than all of them.

So the search asks once, in one statement, which rung of a ladder of radii
(doubling from MIN_RUNG_MILES up to the searched radius) is the first to hold
`reach` matches, and lists and sorts only the matches within it. Each rung is
a capped count over the geo index (location_search_idx), and a CASE asks for
the rungs one by one, smallest first, so both SQLite and PostgreSQL stop at
the first that suffices (their scalar subqueries run only when reached).
The capped count the paginator shows climbs the same ladder: a rung already
holding more than the cap gives the capped count without reading the rest of
the circle.

On PostgreSQL with earthdistance (migration 0020: contrib, so every server
has it, where PostGIS would have to be installed for this one walk), a KNN
index (location_earth_idx, GiST on ll_to_earth()) first finds the reach-th
nearest location, walking from the point outwards; every rung that cannot
reach that far holds fewer than `reach` matches and is skipped without being
counted. The KNN order is the great circle's, the search's the flat
approximation's (therapists.geocoding), so it only skips rungs: the counts
still decide. Without the index the ladder is climbed from its foot.

The matches within a rung are the same therapists, in the same order (the
nearest of all their locations, then score, then the newer profile), as the
whole circle's: search.matches(..., nearest_first=False) keeps the circle's
plan as the reference the tests compare against. This rests on the copies a
location carries (publication, badge, techniques) being the same on all of a
therapist's locations, which TherapistQuerySet.copy_to_locations() keeps.

For the searches those copies decide alone, search.search() runs the same two
statements written once (therapists.compiled.near_distance()); nearest_first()
is their reference.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

from django.db import connections
from django.db.models import FloatField, Func

from therapists.geocoding import GeoPoint
from therapists.models import PracticeLocationQuerySet, TherapistQuerySet

# The smallest rung: a page of therapists in the densest place. A rung's box
# is read through location_search_idx band by band (geocoding's 0.1 degree of
# latitude, about 7 miles), so a small rung costs a band's height times its
# width: halving the foot of the ladder halves what a dense page reads, and
# costs a sparse one a few more counts of nearly empty boxes.
MIN_RUNG_MILES = 0.1


# earthdistance's earth(): the sphere ll_to_earth() puts points on, in metres.
EARTH_RADIUS_METRES = 6378168.0
KNN_INDEX = "location_earth_idx"
# The index's own expression on a table ({0}), so that the planner walks it;
# the point's latitude and longitude are the parameters.
EARTH_DISTANCE = "(ll_to_earth({0}.latitude, {0}.longitude) <-> ll_to_earth(%s, %s))"


class EarthDistance(Func):
    """The straight-line distance in metres from a point, on the earth's
    sphere: what location_earth_idx orders by with <->."""

    output_field = FloatField()

    def __init__(self, point: GeoPoint):
        super().__init__()
        self.point = point

    def as_sql(self, compiler, connection, **extra_context):
        return (
            EARTH_DISTANCE.format('"therapists_practicelocation"'),
            (self.point.latitude, self.point.longitude),
        )


def note_knn_index(connection) -> None:
    """Note on a connection whether its database has the KNN index (a
    catalogue lookup when a PostgreSQL connection opens or is migrated)."""
    found = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [KNN_INDEX])
            found = cursor.fetchone() is not None
    connection.nearest_knn = found


@lru_cache(maxsize=1024)  # 72 points a rung, the same rungs at every search
def chord_reach(point: GeoPoint, miles: float) -> float:
    """A bound in metres on EarthDistance() from `point` to anywhere within
    `miles` of it by the search's flat distance: the furthest of 72 points
    around that circle, with a margin far wider than what falls between them."""

    def earth(latitude, longitude):
        lat, lon = math.radians(latitude), math.radians(longitude)
        return (
            math.cos(lat) * math.cos(lon),
            math.cos(lat) * math.sin(lon),
            math.sin(lat),
        )

    centre = earth(point.latitude, point.longitude)
    _, max_lat, _, max_lon = point.bounding_box(miles)
    dlat, dlon = max_lat - point.latitude, max_lon - point.longitude
    furthest = max(
        math.dist(
            centre,
            earth(
                point.latitude + dlat * math.sin(math.radians(angle)),
                point.longitude + dlon * math.cos(math.radians(angle)),
            ),
        )
        for angle in range(0, 360, 5)
    )
    return furthest * EARTH_RADIUS_METRES * 1.01 + 1.0


@dataclass(frozen=True)
class Nearest:
    """The matches nearest a point that a page can reach, and the capped count
    of all the matches in the circle."""

    therapists: TherapistQuerySet
    count: int
    miles: float  # the radius of the rung the matches were listed from


def rungs(miles: float) -> list[float]:
    """The radii tried, smallest first: halving from `miles` down to no less
    than MIN_RUNG_MILES, and `miles` itself last."""
    found = [miles]
    while found[-1] / 2 >= MIN_RUNG_MILES:
        found.append(found[-1] / 2)
    return found[::-1]


def nearest_first(
    therapists: TherapistQuerySet,
    locations: PracticeLocationQuerySet,
    point: GeoPoint,
    miles: float,
    *,
    reach: int,
    cap: int,
    settled: bool = False,
) -> Nearest:
    """Of `therapists` (filtered) with one of `locations` (narrowed, not yet
    within()) within `miles` of a point, those within the smallest rung that
    holds `reach` of them, with `distance_sq` for sorted_by("distance"); and
    how many there are in the whole circle, counting no further than `cap`
    + 1. `settled` says the locations' copies decide every filter, so a rung
    is counted on the geo index alone."""
    ladder = rungs(miles)

    def found(radius: float, limit: int) -> tuple[str, tuple]:
        """A scalar subquery: the matches within `radius`, at most `limit`."""
        circle = locations.within(point, radius)
        if settled:
            rows = circle.values("therapist_id").distinct().order_by()[:limit]
        else:
            in_circle = therapists.filter(pk__in=circle.values("therapist_id"))
            rows = in_circle.order_by().values("pk")[:limit]
        sql, params = rows.query.sql_with_params()
        # SQL Django compiled; the values travel as parameters.
        return f"(SELECT COUNT(*) FROM ({sql}) found)", tuple(params)  # noqa: S608

    connection = connections[therapists.db]
    if getattr(connection, "nearest_knn", False):
        # The reach-th nearest location, once (a materialized CTE runs when
        # first read); a rung that cannot reach it is not counted.
        knn = locations.annotate(metres=EarthDistance(point)).order_by("metres")
        knn_sql, knn_params = knn.values("metres")[
            reach - 1 : reach
        ].query.sql_with_params()
        sql, params = (
            [f"WITH knn(metres) AS MATERIALIZED ({knn_sql}) SELECT CASE"],
            [*knn_params],
        )
        skip = "CASE WHEN (SELECT metres FROM knn) > %s THEN FALSE ELSE {} END"
    else:
        sql, params, skip = ["SELECT CASE"], [], "{}"
    for number, radius in enumerate(ladder[:-1]):
        count, count_params = found(radius, reach)
        if skip != "{}":
            params.append(chord_reach(point, radius))
        sql.append(f"WHEN {skip.format(f'{count} >= %s')} THEN {number}")
        params += [*count_params, reach]
    sql.append(f"ELSE {len(ladder) - 1} END, CASE")
    for radius in ladder[:-1]:
        count, count_params = found(radius, cap + 1)
        sql.append(f"WHEN {count} > %s THEN %s")
        params += [*count_params, cap, cap + 1]
    count, count_params = found(miles, cap + 1)
    sql.append(f"ELSE {count} END")
    params += count_params
    with connection.cursor() as cursor:
        cursor.execute(" ".join(sql), params)
        rung, total = cursor.fetchone()
    radius = ladder[rung]
    circle = locations.within(point, radius)
    nearest = therapists.filter(pk__in=circle.values("therapist_id"))
    return Nearest(nearest.measured_from(point), count=total, miles=radius)
