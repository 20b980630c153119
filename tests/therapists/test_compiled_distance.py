"""A search near a place sorted by distance, written once
(therapists.compiled.near_distance()), must give exactly what the ORM's
nearest-first walk gives (search.search(..., compiled=False), through
therapists.nearest) and what sorting the whole circle gives
(search.matches(..., nearest_first=False)): the same therapists in the same
order, with the same cards, distances, pages and capped count, in dense and
sparse places, at rung boundaries, past the first page and the cap, for every
filter the locations' copies decide; on PostgreSQL with and without the KNN
index.
"""

import functools
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.therapists.test_compiled import COVERED, card
from tests.therapists.test_nearest import (
    SMALL_CAP,
    cleaned,
    forced_plan,
    make_world,
    offset,
)
from therapists import compiled, nearest, pagination, search
from therapists.models import PracticeLocation, Therapist

pytestmark = pytest.mark.django_db

PER_PAGE = 5
# The first pages, a later one, garbled, and far out of range (which reaches
# past the cap: the last page is shown).
PAGES = ["1", "2", "3", "9", "abc", "99999"]


def shown(query: str, page: str, *, plan: str, monkeypatch) -> tuple:
    """What the page shows for `query` at `page`, by `plan`: "compiled" (the
    statements written once), "orm" (the nearest-first walk's querysets) or
    "circle" (every match in the circle sorted)."""
    with monkeypatch.context() as patched:
        if plan == "circle":
            whole = functools.partial(search.matches, nearest_first=False)
            patched.setattr(search, "matches", whole)
        results = search.search(
            cleaned(query), page, per_page=PER_PAGE, compiled=plan == "compiled"
        )
    return (
        [card(t) for t in results.page.object_list],
        results.page.number,
        results.paginator.count,
        results.paginator.num_pages,
        results.settled,
    )


def assert_every_plan_agrees(query: str, monkeypatch, pages=PAGES) -> int:
    """Every page of `query` the same three ways; how many cards were listed."""
    listed = 0
    for page in pages:
        found = shown(query, page, plan="compiled", monkeypatch=monkeypatch)
        assert found == shown(query, page, plan="orm", monkeypatch=monkeypatch), (
            query,
            page,
        )
        assert found == shown(query, page, plan="circle", monkeypatch=monkeypatch), (
            query,
            page,
        )
        listed += len(found[0])
    return listed


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(pagination, "MIN_COUNT_CAP", SMALL_CAP)


@pytest.fixture
def knn_noted():
    """Whether the database has the KNN index, noted now as an opening
    connection notes it (a test database's connection may predate it)."""
    nearest.note_knn_index(connection)


def takes_the_written_statements(query: str) -> bool:
    found = search._compiled(cleaned(query), cap=SMALL_CAP, reach=PER_PAGE)
    return found is not None and isinstance(found.therapists, compiled.Rows)


@pytest.mark.parametrize(
    ("seed", "size", "spread"), [(1, 120, 0.3), (2, 120, 12.0), (3, 30, 2.0)]
)
def test_every_distance_page_is_the_reference_page(
    small_cap, monkeypatch, seed, size, spread
):
    make_world(seed, size, spread)
    listed = 0
    for radius in (1, 5, 25, 100):
        for filters in COVERED:
            query = f"near=10001&radius={radius}&sort=distance{filters}"
            assert takes_the_written_statements(query), query
            listed += assert_every_plan_agrees(query, monkeypatch)
    assert listed > 100  # the world lists someone for most of these searches


def test_the_count_stops_at_the_cap_and_later_pages_stay_exact(small_cap, monkeypatch):
    make_world(seed=7, size=120, spread=0.5)
    query = "near=10001&radius=25&sort=distance"
    first = shown(query, "1", plan="compiled", monkeypatch=monkeypatch)
    cap = pagination.count_cap("1", PER_PAGE)
    assert first[2] == cap + 1  # capped: more match than the cap
    # The cap's last page, one past it, and far out of range (reaching cap + 1).
    last = str(cap // PER_PAGE)
    assert_every_plan_agrees(query, monkeypatch, pages=["1", last, "12", "99999"])


def test_a_sparse_point_climbs_the_whole_ladder(small_cap, monkeypatch):
    # A few therapists 40 to 90 miles out: every rung but the last holds fewer
    # than a page.
    with factories.bulk():
        for north, east in [(40, 0), (0, -55), (-60, 20), (70, 50), (80, 70)]:
            therapist = factories.make_therapist()
            factories.add_technique(therapist, "deep-tissue")
            factories.make_location(therapist, "10001", **offset(north, east))
    for query in (
        "near=10001&radius=100&sort=distance",
        "near=10001&radius=100&sort=distance&technique=deep-tissue",
        "near=10001&radius=25&sort=distance",
    ):
        assert takes_the_written_statements(query)
        assert_every_plan_agrees(query, monkeypatch, pages=["1", "2"])
    found = shown(
        "near=10001&radius=100&sort=distance",
        "1",
        plan="compiled",
        monkeypatch=monkeypatch,
    )
    assert len(found[0]) == 4 and found[2] == 4  # 106 miles out is outside


@pytest.mark.parametrize("inside", [PER_PAGE, PER_PAGE - 1])
def test_the_rung_boundary_decides_as_the_reference_does(
    small_cap, monkeypatch, inside
):
    # `inside` therapists a hair inside the rung of 25 / 8 miles, others a hair
    # outside it, and more further out: with fewer than a page inside, the
    # walk must climb a rung and still list the nearest first.
    rung = 25 / 8
    with factories.bulk():
        for n in range(inside):
            therapist = factories.make_therapist(back_pain_years=n)
            factories.make_location(therapist, "10001", **offset(0, rung - 1e-7))
        for n in range(3):
            therapist = factories.make_therapist(back_pain_years=n)
            factories.make_location(therapist, "10001", **offset(rung + 1e-7, 0))
        for n in range(12):
            therapist = factories.make_therapist()
            factories.make_location(therapist, "10001", **offset(-5 - n, 1))
    query = "near=10001&radius=25&sort=distance"
    params = cleaned(query)
    walked = nearest.nearest_first(
        Therapist.objects.published(),
        PracticeLocation.objects.listed(),
        params["near"],
        25,
        reach=PER_PAGE,
        cap=SMALL_CAP,
    )
    assert walked.miles == (rung if inside == PER_PAGE else 2 * rung)
    assert_every_plan_agrees(query, monkeypatch, pages=["1", "2", "3", "4"])


def test_a_distance_page_runs_the_written_statements(small_cap):
    make_world(4, 60, 1.0)
    params = cleaned("near=10001&sort=distance&technique=deep-tissue&verified=on")
    with CaptureQueriesContext(connection) as ran:
        found = search.search(params, "2", per_page=PER_PAGE)
    assert found.page.object_list
    # The rung and the capped count, the page, its techniques and locations.
    statements = [query["sql"] for query in ran.captured_queries]
    assert len(statements) == 4
    assert statements[0].startswith(
        "WITH knn" if getattr(connection, "nearest_knn", False) else "SELECT CASE"
    )
    assert "FROM therapists_therapist t WHERE" in statements[1]


@pytest.mark.parametrize(
    ("dropped", "query"),
    [
        ({"verified": False}, "near=10001&radius=25&sort=distance&verified=on"),
        ({"mask": None}, "near=10001&radius=25&sort=distance&technique=swedish"),
    ],
)
def test_a_written_statement_that_dropped_a_filter_would_be_caught(
    small_cap, monkeypatch, dropped, query
):
    """The comparison above can fail: with a filter left out of the circle
    the written statements draw, some page or count differs."""
    make_world(seed=9, size=120, spread=1.0)
    assert_every_plan_agrees(query, monkeypatch, pages=["1", "2"])
    near_distance = compiled.near_distance

    def mutant(circle, **kwargs):
        return near_distance(replace(circle, **dropped), **kwargs)

    monkeypatch.setattr(compiled, "near_distance", mutant)
    differs = [
        page
        for page in ("1", "2", "3")
        if shown(query, page, plan="compiled", monkeypatch=monkeypatch)
        != shown(query, page, plan="orm", monkeypatch=monkeypatch)
    ]
    assert differs


@pytest.mark.parametrize("knn", [True, False])
def test_with_or_without_the_knn_index_the_written_pages_are_the_reference(
    monkeypatch, small_cap, knn_noted, knn
):
    if knn and connection.vendor != "postgresql":
        pytest.skip("the KNN index is PostgreSQL's")
    make_world(seed=11, size=150, spread=1.0)
    monkeypatch.setattr(connection, "nearest_knn", knn, raising=False)
    for query in (
        "near=10001&radius=25&sort=distance",
        "near=10001&radius=5&sort=distance&verified=on&technique=deep-tissue",
        "near=10001&radius=100&sort=distance&technique=swedish",
    ):
        assert takes_the_written_statements(query)
        assert_every_plan_agrees(query, monkeypatch)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_the_written_ladder_walks_the_knn_index(knn_noted):
    make_world(seed=7, size=120, spread=0.5)
    assert connection.nearest_knn, "migration 0020 made no location_earth_idx"
    params = cleaned("near=10001&radius=25&sort=distance&verified=on")
    with CaptureQueriesContext(connection) as captured:
        search.search(params, "1")
    ladder = captured.captured_queries[0]["sql"]
    assert ladder.startswith("WITH knn(metres) AS MATERIALIZED")
    # On a few rows a scan and a sort cost less than the index, which the
    # planner may prefer: what matters is that the index can answer it.
    assert "Index Scan using location_earth_idx" in forced_plan(ladder)
