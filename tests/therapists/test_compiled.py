"""The search page's statements written once (therapists.compiled) must give
exactly what the ORM's reference gives (search.search(..., compiled=False)):
the same therapists in the same order, with the same columns, badge,
techniques, locations and distances, the same pages and capped count, in dense
and sparse places, for every filter they cover; and every other search must
still go through matches().
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.therapists.test_nearest import SMALL_CAP, cleaned, make_world
from therapists import compiled, pagination, search
from therapists.models import Condition, PracticeLocation, Technique, Therapist
from therapists.models.therapist import LISTING_FIELDS

pytestmark = pytest.mark.django_db

PER_PAGE = 5
# The filters the statements cover, alone and together.
COVERED = [
    "",
    "&verified=on",
    "&technique=deep-tissue",
    "&technique=swedish&technique=deep-tissue",
    "&technique=deep-tissue&verified=on",
]
PAGES = ["1", "2", "3", "9", "abc", "99999"]


def card(therapist) -> tuple:
    """Everything a result card and the API read of a listed therapist."""
    return (
        therapist.pk,
        tuple(getattr(therapist, name) for name in LISTING_FIELDS),
        therapist.has_badge,
        therapist.distance_miles,
        therapist.listing_location.pk if therapist.listing_location else None,
        tuple(
            (link.pk, link.years, link.technique.slug, link.technique.name)
            for link in therapist.technique_links.all()
        ),
        tuple(
            (
                location.pk,
                location.city,
                location.latitude,
                location.is_home_based,
                location.badge_valid_until,
            )
            for location in therapist.locations.all()
        ),
    )


def shown(query: str, page: str, *, reference: bool) -> tuple:
    results = search.search(
        cleaned(query), page, per_page=PER_PAGE, compiled=not reference
    )
    return (
        [card(t) for t in results.page.object_list],
        results.page.number,
        results.paginator.count,
        results.paginator.num_pages,
        results.settled,
    )


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(pagination, "MIN_COUNT_CAP", SMALL_CAP)


@pytest.mark.parametrize(
    ("seed", "size", "spread"), [(1, 120, 0.3), (2, 120, 12.0), (3, 30, 2.0)]
)
def test_every_best_match_page_is_the_reference_page(small_cap, seed, size, spread):
    make_world(seed, size, spread)
    listed = 0
    for radius in (1, 5, 25, 100):
        for filters in COVERED:
            query = f"near=10001&radius={radius}&sort=best{filters}"
            for page in PAGES:
                found = shown(query, page, reference=False)
                assert found == shown(query, page, reference=True), (query, page)
                listed += len(found[0])
    assert listed > 100  # the world lists someone for most of these searches


def test_the_best_match_page_runs_the_written_statements(small_cap):
    make_world(4, 60, 1.0)
    params = cleaned("near=10001&technique=deep-tissue&verified=on")
    with CaptureQueriesContext(connection) as ran:
        found = search.search(params, "1", per_page=PER_PAGE)
    assert found.page.object_list
    # The capped count, the page, its techniques and its locations.
    statements = [query["sql"] for query in ran.captured_queries]
    assert len(statements) == 4
    assert statements[0].startswith("SELECT COUNT(*) FROM (SELECT DISTINCT")
    assert "FROM therapists_therapist t WHERE" in statements[1]


@pytest.mark.parametrize(
    "query",
    [
        "near=10001&sort=distance",
        "near=10001&sort=rating&verified=on",
        "near=10001&accepting=on",
        "near=10001&technique=deep-tissue&q=back",
        "technique=deep-tissue&verified=on",
        "q=back",
        "",
    ],
)
def test_other_searches_are_the_reference_too(small_cap, query):
    make_world(5, 60, 2.0)
    for page in ("1", "2", "abc"):
        assert shown(query, page, reference=False) == shown(
            query, page, reference=True
        ), (query, page)


def test_only_the_covered_shape_takes_the_written_statements():
    make_world(6, 10, 1.0)
    for query in COVERED:
        for sort in ("best", "distance"):
            params = cleaned(f"near=10001&sort={sort}{query}")
            found = search._compiled(params, cap=1000, reach=20)
            assert isinstance(found.therapists, compiled.Rows), (sort, query)
    for query in (
        "near=10001&sort=distance&accepting=on",
        "near=10001&sort=rating",
        "near=10001&accepting=on",
        "near=10001&q=back",
        "technique=deep-tissue",
    ):
        assert search._compiled(cleaned(query), cap=1000, reach=20) is None, query


def test_techniques_sharing_a_bit_keep_the_reference_plan():
    # Ids 62 apart share a location bit: only the links can tell them apart.
    make_world(8, 10, 1.0)
    params = cleaned("near=10001&technique=deep-tissue")
    shared = dict(params["technique_ids"])
    shared["look-alike"] = shared["deep-tissue"] + 62
    assert (
        search._compiled({**params, "technique_ids": shared}, cap=1000, reach=20)
        is None
    )


def test_load_cards_fills_what_the_prefetch_fills(django_assert_num_queries):
    first = factories.make_therapist()
    factories.add_technique(first, "deep-tissue", years=2)
    factories.add_technique(first, "swedish", years=9)
    factories.make_location(first, "10001")
    factories.make_location(first, "11201", is_home_based=True)
    bare = factories.make_therapist()
    ids = [first.pk, bare.pk]
    reference = list(Therapist.objects.filter(pk__in=ids).for_listing().order_by("pk"))
    loaded = list(Therapist.objects.filter(pk__in=ids).for_cards().order_by("pk"))

    with django_assert_num_queries(2):
        compiled.load_cards(loaded)

    with django_assert_num_queries(0):
        for mine, theirs in zip(loaded, reference, strict=True):
            assert [
                (link.pk, link.years, link.technique.slug, link.therapist is mine)
                for link in mine.technique_links.all()
            ] == [
                (link.pk, link.years, link.technique.slug, True)
                for link in theirs.technique_links.all()
            ]
            mine_places = [vars_of(loc) for loc in mine.locations.all()]
            assert mine_places == [vars_of(loc) for loc in theirs.locations.all()]
    assert [link.technique.slug for link in loaded[0].technique_links.all()] == [
        "swedish",
        "deep-tissue",
    ]
    assert loaded[1].locations.all().count() == 0
    # Still querysets: a further filter asks the database about this therapist.
    assert loaded[0].locations.filter(is_home_based=True).count() == 1


def vars_of(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
    }


def test_columns_convert_values_as_the_orm_does():
    therapist = factories.make_therapist(
        accepting_new_clients=True, details_confirmed_on=datetime.date(2026, 3, 2)
    )
    columns = compiled.Columns(
        Therapist,
        "t",
        ["id", "accepting_new_clients", "details_confirmed_on"],
        "default",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns.sql} FROM therapists_therapist t WHERE t.id = %s",  # noqa: S608
            [therapist.pk],
        )
        found = columns.instance(cursor.fetchone())
    assert found.accepting_new_clients is True
    assert found.details_confirmed_on == datetime.date(2026, 3, 2)
    # The rest is deferred, as with only(): read from the database on demand.
    assert found.display_name == therapist.display_name


def test_taxonomy_rows_are_the_querysets_rows():
    factories.technique("deep-tissue")
    factories.condition("sciatica")
    assert compiled.taxonomy_rows() == tuple(
        Technique.objects.choices_with(Condition.objects)
    )


def test_rows_are_read_a_page_at_a_time():
    asked = []
    rows = compiled.Rows(lambda offset, limit: asked.append((offset, limit)) or [], 7)
    assert len(rows) == 7
    assert rows[5:10] == [] and asked == [(5, 5)]
    assert rows[3:3] == []
    with pytest.raises(TypeError):
        rows[2]


def test_a_location_not_yet_listed_is_not_found(small_cap):
    therapist = factories.make_therapist()
    factories.make_location(therapist, "10001")
    PracticeLocation.objects.update(listed=False)
    found = search.search(cleaned("near=10001"), "1")
    assert list(found.page.object_list) == []
    assert found.paginator.count == 0
