"""Nearest first (therapists.nearest): a search sorted by distance lists only
the matches within the smallest rung of radii that holds the page's reach.

It must give exactly what sorting every match in the circle gives (the
reference, search.matches(..., nearest_first=False)): the same therapists in
the same order, the same distances, pages and capped count, for every filter
and page, in dense and sparse places, with ties, blurred home-based points and
therapists whose nearest of several locations decides.
"""

import functools
import math
import random

import hypothesis.strategies as st
import pytest
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from tests import budgets, factories
from therapists import geocoding, nearest, pagination, search
from therapists.filters import TherapistFilter
from therapists.models import PracticeLocation, Therapist

pytestmark = pytest.mark.django_db

CENTRE = geocoding.zip_details("10001")
PER_PAGE = 5
SMALL_CAP = 40  # pagination.MIN_COUNT_CAP in these tests: pages past the cap
# Filters the search page offers, alone or together (each a query-string part).
FILTERS = [
    "technique=deep-tissue",
    "technique=swedish",
    "technique=deep-tissue&technique=swedish",
    "verified=on",
    "accepting=on",
    "mobile=on",
    "q=back",
    "q=zorba",
    "max_price=100",
    "gender=woman",
    "language=es",
    "min_rating=4",
    "min_reviews=1",
    "condition=sciatica",
]
# Pages asked for: the first ones, one past the cap, garbled, far out of range.
PAGES = ["1", "2", "3", "7", "12", "20", "abc", "99999"]
# A few points many therapists share: ties broken by score, then newer profile.
SHARED = [(0.3, 0.2), (-1.1, 0.0), (2.0, -2.5)]


def offset(miles_north: float, miles_east: float) -> dict:
    """The point `miles_north` and `miles_east` of ZIP 10001."""
    point = geocoding.GeoPoint(CENTRE.latitude, CENTRE.longitude)
    return {
        "latitude": CENTRE.latitude + miles_north / geocoding.MILES_PER_DEGREE_LATITUDE,
        "longitude": CENTRE.longitude + miles_east / point.miles_per_degree_longitude,
    }


def place(rng: random.Random, spread: float) -> dict:
    """Where one location is: near the centre (within about `spread` miles),
    at a shared point, or anywhere up to 40 miles out; some home-based."""
    roll = rng.random()
    if roll < 0.15:
        north, east = rng.choice(SHARED)
    elif roll < 0.85:
        north, east = rng.gauss(0, spread), rng.gauss(0, spread)
    else:
        north, east = rng.uniform(-40, 40), rng.uniform(-40, 40)
    return {**offset(north, east), "is_home_based": rng.random() < 0.2}


def make_world(seed: int, size: int, spread: float) -> None:
    """`size` therapists around ZIP 10001, a fifth with two or three
    locations, with every filter above true of some and not of others."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible world, not a secret)
    sciatica = factories.condition("sciatica")
    with factories.bulk():
        for _ in range(size):
            therapist = factories.make_therapist(
                is_published=rng.random() < 0.9,
                accepting_new_clients=rng.random() < 0.7,
                offers_mobile_visits=rng.random() < 0.3,
                gender=rng.choice(["woman", "man"]),
                session_price=rng.choice([80, 100, 120]),
                back_pain_years=rng.choice([0, 5, 5, 10]),
                headline=rng.choice(["Back pain relief", "Sports massage"]),
            )
            for slug in ("deep-tissue", "swedish"):
                if rng.random() < 0.6:
                    factories.add_technique(therapist, slug)
            if rng.random() < 0.3:
                therapist.conditions.add(sciatica)
            if rng.random() < 0.3:
                factories.add_language(therapist, "es")
            if rng.random() < 0.4:
                factories.make_credential(therapist)
            factories.make_reviews(therapist, rng.choice([[], [5], [3, 5], [2]]))
            for _ in range(rng.choice([1, 1, 1, 1, 2, 3])):
                factories.make_location(therapist, "10001", **place(rng, spread))


def cleaned(query: str) -> dict:
    filterset = TherapistFilter(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return filterset.params()


def shown(query: str, page: str, *, reference: bool = False) -> tuple:
    """What the search page shows for `query` at `page`: the therapists and
    their distances, the page number, the count and the number of pages. The
    reference sorts the whole circle through the ORM; otherwise the page is
    the site's (statements written once where therapists.compiled covers the
    search, the nearest-first walk through the ORM elsewhere)."""
    matches = search.matches
    if reference:
        search.matches = functools.partial(matches, nearest_first=False)
    try:
        results = search.search(
            cleaned(query), page, per_page=PER_PAGE, compiled=not reference
        )
    finally:
        search.matches = matches
    return (
        [(t.pk, t.distance_miles) for t in results.page.object_list],
        results.page.number,
        results.paginator.count,
        results.paginator.num_pages,
    )


def assert_same_as_the_reference(query: str) -> None:
    for page in PAGES:
        found = shown(query, page)
        assert found == shown(query, page, reference=True), (query, page)


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(pagination, "MIN_COUNT_CAP", SMALL_CAP)


class NearestFirstTest(TestCase):
    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        seed=st.integers(0, 10_000),
        size=st.sampled_from([30, 120, 250]),
        spread=st.sampled_from([0.3, 2.0, 12.0]),
        radius=st.sampled_from([1, 5, 25, 100]),
        filters=st.lists(
            st.sets(st.sampled_from(FILTERS), max_size=3), min_size=2, max_size=4
        ),
    )
    def test_every_page_is_the_reference_page(
        self, seed, size, spread, radius, filters
    ):
        original = pagination.MIN_COUNT_CAP
        pagination.MIN_COUNT_CAP = SMALL_CAP
        try:
            make_world(seed, size, spread)
            for chosen in [set(), *filters]:
                query = "&".join(
                    [f"near=10001&radius={radius}&sort=distance", *sorted(chosen)]
                )
                assert_same_as_the_reference(query)
        finally:
            pagination.MIN_COUNT_CAP = original


def test_the_nearest_of_several_locations_decides():
    near_and_far = factories.make_therapist(slug="near-and-far")
    factories.make_location(near_and_far, "10001", **offset(9, 0))
    factories.make_location(near_and_far, "10001", **offset(0, 0.5))
    middle = factories.make_therapist(slug="middle")
    factories.make_location(middle, "10001", **offset(1, 0))

    found = search.search(cleaned("near=10001&sort=distance"), "1").page

    assert [t.slug for t in found] == ["near-and-far", "middle"]
    assert found[0].distance_miles == pytest.approx(0.5)


def test_ties_go_to_the_higher_score_then_the_newer_profile(small_cap):
    lower, older, newer = (
        factories.make_therapist(back_pain_years=years) for years in (0, 10, 10)
    )
    for therapist in (lower, older, newer):
        factories.make_location(therapist, "10001", is_home_based=True)

    found = search.search(cleaned("near=10001&sort=distance"), "1").page

    assert [t.pk for t in found] == [newer.pk, older.pk, lower.pk]


def dense_world(size: int = 120) -> None:
    """Most therapists within a mile of ZIP 10001, a few far out."""
    make_world(seed=7, size=size, spread=0.5)


def test_a_dense_circle_lists_only_the_smallest_rung_that_holds_the_page():
    dense_world()
    params = cleaned("near=10001&radius=25&sort=distance")
    locations = PracticeLocation.objects.listed()
    everyone = Therapist.objects.published()

    found = nearest.nearest_first(
        everyone, locations, params["near"], 25, reach=5, cap=1000
    )

    assert found.miles < 25
    assert 5 <= found.therapists.count() < everyone.near(params["near"], 25).count()
    assert found.count == everyone.near(params["near"], 25).count()


def test_the_rungs_double_up_to_the_radius():
    assert nearest.rungs(25) == [25 / 2**n for n in range(7, -1, -1)]
    assert nearest.rungs(0.2) == [0.1, 0.2]
    assert nearest.rungs(0.15) == [0.15]


def test_a_sparse_circle_is_read_whole():
    make_world(seed=3, size=10, spread=30.0)
    params = cleaned("near=10001&radius=5&sort=distance")

    found = nearest.nearest_first(
        Therapist.objects.published(),
        PracticeLocation.objects.listed(),
        params["near"],
        5,
        reach=20,
        cap=1000,
    )

    assert found.miles == 5


@pytest.mark.parametrize(
    "query",
    [
        "near=10001&sort=distance",
        "near=10001&sort=distance&technique=deep-tissue&verified=on&page=3",
        "near=10001&sort=distance&accepting=on&q=back&page=2",
    ],
)
def test_a_distance_page_runs_no_more_queries_than_sorting_the_circle(
    client, django_assert_max_num_queries, monkeypatch, query
):
    dense_world()
    url = reverse("therapists:list") + "?" + query
    with django_assert_max_num_queries(budgets.SEARCH_PAGE) as walked:
        assert client.get(url).status_code == 200
    # The whole circle sorted through the ORM (not the statements written once).
    whole = functools.partial(search.matches, nearest_first=False)
    monkeypatch.setattr(search, "matches", whole)
    monkeypatch.setattr(search, "_compiled", lambda params, **kwargs: None)
    caches["cards"].clear()  # both looks render their cards
    with django_assert_max_num_queries(budgets.SEARCH_PAGE) as sorted_whole:
        client.get(url)
    assert len(walked.captured_queries) == len(sorted_whole.captured_queries)


def test_the_chord_reach_bounds_every_point_within_the_radius():
    rng = random.Random(5)  # noqa: S311 (reproducible points, not a secret)
    for latitude, miles in [(40.75, 0.4), (40.75, 25), (25.0, 250), (64.8, 100)]:
        point = geocoding.GeoPoint(latitude, -100.0)
        reach = nearest.chord_reach(point, miles)
        for _ in range(500):
            north, east = rng.uniform(-miles, miles), rng.uniform(-miles, miles)
            spot = geocoding.GeoPoint(
                latitude + north / geocoding.MILES_PER_DEGREE_LATITUDE,
                -100.0 + east / point.miles_per_degree_longitude,
            )
            if point.distance_to(spot.latitude, spot.longitude) <= miles:
                assert chord(point, spot) <= reach, (latitude, miles)
        # Not so loose that it skips nothing.
        assert reach < chord(point, geocoding.GeoPoint(latitude + miles / 50, -100.0))


def chord(a: geocoding.GeoPoint, b: geocoding.GeoPoint) -> float:
    """earthdistance's `ll_to_earth(a) <-> ll_to_earth(b)`, in Python."""

    def earth(point):
        lat, lon = math.radians(point.latitude), math.radians(point.longitude)
        return (
            math.cos(lat) * math.cos(lon),
            math.cos(lat) * math.sin(lon),
            math.sin(lat),
        )

    return math.dist(earth(a), earth(b)) * nearest.EARTH_RADIUS_METRES


def forced_plan(sql: str) -> str:
    """EXPLAIN of `sql` with sequential scans and sorts off (for the test's
    transaction only): whether an index CAN serve it, whatever a small test
    table's statistics make cheapest."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_postgresql_skips_rungs_through_the_knn_index():
    """The ORM's walk (the reference); the compiled one: test_compiled_distance."""
    dense_world()
    nearest.note_knn_index(connection)  # as a connection opening notes it
    assert connection.nearest_knn, "migration 0020 made no location_earth_idx"
    with CaptureQueriesContext(connection) as captured:
        search.search(
            cleaned("near=10001&radius=25&sort=distance"), "1", compiled=False
        )
    probe = next(q["sql"] for q in captured if "MATERIALIZED" in q["sql"])
    assert "location_earth_idx" in forced_plan(probe)


@pytest.mark.parametrize("knn", [True, False])
def test_with_or_without_the_knn_index_the_pages_are_the_reference(
    monkeypatch, small_cap, knn
):
    if knn and connection.vendor != "postgresql":
        pytest.skip("the KNN index is PostgreSQL's")
    make_world(seed=11, size=150, spread=1.0)
    monkeypatch.setattr(connection, "nearest_knn", knn, raising=False)
    for query in [
        "near=10001&radius=25&sort=distance",
        "near=10001&radius=5&sort=distance&verified=on&technique=deep-tissue",
        "near=10001&radius=25&sort=distance&accepting=on&q=back",
    ]:
        assert_same_as_the_reference(query)
