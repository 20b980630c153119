"""Best match near a place: the qualification score plus closeness
(therapists.ranking), as the search orders it (TherapistQuerySet.near() and
PracticeLocationQuerySet.contending()).

The order must be exactly a plain Python sort of the formula over every match,
on both plans: a sparse circle lists and sorts its matches; a dense one lists
only the therapists who can reach the page asked for. Pages never overlap or
skip, stay within five queries and read the score index.
"""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from tests import budgets, factories
from therapists import geocoding, pagination, ranking, search
from therapists.filters import TherapistFilter
from therapists.management.commands.explain_search import plan_lines, problems_in
from therapists.models import PracticeLocation, PracticeLocationQuerySet, Therapist
from verification import badges

pytestmark = pytest.mark.django_db

SETTLED = "near=10001&radius=25&technique=deep-tissue&verified=on&sort=best"
UNSETTLED = "near=10001&radius=25&accepting=on&sort=best"
# Inside 25 miles of ZIP 10001, from 0 to 23 miles, then two outside.
ZIPS = [
    "10001", "10011", "10016", "10003", "07030", "11101", "11211", "11201",
    "10451", "07102", "10301", "07081", "11550", "10601", "06830", "08540",
]  # fmt: skip


def make_directory(size=40):
    """Therapists with every kind of score, some with two practices, some not
    matching (no deep tissue, no badge, not accepting, unpublished, too far)."""
    made = []
    with factories.bulk():
        for n in range(size):
            therapist = factories.make_therapist(
                slug=f"t{n:02d}",
                back_pain_years=(n * 7) % 11,
                accepting_new_clients=n % 5 != 3,
                is_published=n != 17,
            )
            if n % 6 != 5:
                factories.add_technique(therapist, "deep-tissue")
            else:
                factories.add_technique(therapist, "swedish")
            if n % 4 != 2:
                factories.make_credential(therapist)
            if n % 3 == 0:
                factories.make_credential(
                    therapist, kind="board_certification", issuer="NCBTMB"
                )
            factories.make_reviews(therapist, [5, 4, 5, 3, 5, 4, 2][: n % 8])
            factories.make_location(therapist, ZIPS[(n * 5) % len(ZIPS)])
            if n % 7 == 1:
                factories.make_location(therapist, ZIPS[(n * 3 + 4) % len(ZIPS)])
            made.append(therapist)
    return made


def cleaned(query: str) -> dict:
    filterset = TherapistFilter(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return filterset.params()


def formula_order(query: str) -> list[str]:
    """Every match of `query`, sorted in Python by the best-match formula
    (ties: the newer profile first), with the database's own arithmetic for
    the squared distance."""
    params = cleaned(query)
    point, miles = params["near"], search.radius_of(params)
    ranked = []
    for therapist in Therapist.objects.prefetch_related("locations", "techniques"):
        if not therapist.is_published:
            continue
        if params.get("technique") and not {
            t.slug for t in therapist.techniques.all()
        } & set(params["technique"]):
            continue
        if params.get("verified") and not (
            therapist.badge_valid_until
            and therapist.badge_valid_until >= timezone.localdate()
        ):
            continue
        if params.get("accepting") and not therapist.accepting_new_clients:
            continue
        squares = [
            ((loc.longitude - point.longitude) * point.miles_per_degree_longitude)
            * ((loc.longitude - point.longitude) * point.miles_per_degree_longitude)
            + ((loc.latitude - point.latitude) * geocoding.MILES_PER_DEGREE_LATITUDE)
            * ((loc.latitude - point.latitude) * geocoding.MILES_PER_DEGREE_LATITUDE)
            for loc in therapist.locations.all()
        ]
        nearest = min(squares, default=None)
        if nearest is None or nearest > miles * miles:
            continue
        best = ranking.best_match(therapist.qualification_score, nearest)
        ranked.append((-best, -therapist.pk, therapist.slug))
    return [slug for *_, slug in sorted(ranked)]


def every_page(query: str, per_page: int, compiled: bool = False) -> list[list[str]]:
    """The slugs of each page of the search, page by page, as the site pages:
    through the querysets (the plan these tests check), or, `compiled`, the
    statements therapists.compiled writes once where it covers the search."""
    pages = []
    for number in itertools.count(1):
        results = search.search(
            cleaned(query), str(number), per_page=per_page, compiled=compiled
        )
        if results.page.number != number:
            break  # past the end: get_page() gave the last page again
        pages.append([t.slug for t in results.page.object_list])
        if not results.page.has_next():
            break
    return pages


@pytest.fixture
def contending(monkeypatch):
    """(reach, dense) of each call of PracticeLocationQuerySet.contending()."""
    calls = []
    real = PracticeLocationQuerySet.contending

    def spy(self, point, miles, reach, matching=None, dense=True):
        calls.append((reach, dense))
        return real(self, point, miles, reach, matching, dense)

    monkeypatch.setattr(PracticeLocationQuerySet, "contending", spy)
    return calls


@pytest.fixture
def dense(monkeypatch, contending):
    """Every circle counts as dense until the last page: the count stops at the
    page's end, as in a big city, so the search walks the scores."""
    monkeypatch.setattr(pagination, "MIN_COUNT_CAP", 1)
    monkeypatch.setattr(pagination, "PAGES_AHEAD", 0)
    return contending


@pytest.mark.parametrize("query", [SETTLED, UNSETTLED, "near=10001&sort=best"])
def test_a_sparse_circle_is_in_exactly_the_formulas_order(query, contending):
    make_directory()
    expected = formula_order(query)
    assert len(expected) >= 12

    pages = every_page(query, per_page=5)

    assert list(itertools.chain(*pages)) == expected
    # Page n read only who could reach position 5n, through the geo index.
    assert contending == [(5 * n, False) for n in range(1, len(pages) + 1)]
    assert list(itertools.chain(*every_page(query, 5, compiled=True))) == expected


@pytest.mark.parametrize("query", [SETTLED, UNSETTLED, "near=10001&sort=best"])
def test_a_dense_circle_is_in_exactly_the_formulas_order_page_by_page(query, dense):
    make_directory()
    expected = formula_order(query)

    pages = every_page(query, per_page=4)

    # Each page is exact, so together they neither overlap nor skip anyone.
    assert list(itertools.chain(*pages)) == expected
    assert all(len(page) == 4 for page in pages[:-1])
    # Page n read only who could reach position 4n, down the scores; the last
    # page, with no more matches past it, through the geo index.
    assert dense == [(4 * n, n < len(pages)) for n in range(1, len(pages) + 1)]
    assert every_page(query, 4, compiled=True) == pages


def test_closeness_puts_qualified_therapists_nearby_before_a_better_one_far_away():
    # The issue: 17.6 miles away (Springfield, NJ) came first near 10001.
    far = factories.make_therapist(slug="springfield", back_pain_years=10)
    factories.make_location(far, "07081")
    factories.make_credential(far, jurisdiction="NJ")
    factories.make_credential(far, kind="board_certification", issuer="NCBTMB")
    factories.make_reviews(far, [5] * 10)
    near = []
    for n, (zip_code, state) in enumerate(
        [("10011", "NY"), ("10016", "NY"), ("07030", "NJ")]
    ):
        therapist = factories.make_therapist(slug=f"near-{n}", back_pain_years=5)
        factories.make_location(therapist, zip_code)
        factories.make_credential(therapist, jurisdiction=state)
        factories.make_credential(therapist, kind="technique_certificate")
        factories.make_reviews(therapist, [5, 4, 5, 5, 4, 5, 5, 4, 5, 5])
        near.append(therapist.slug)
    assert far.qualification_score > max(
        Therapist.objects.filter(slug__in=near).values_list(
            "qualification_score", flat=True
        )
    )

    found = search.matches(cleaned("near=10001&radius=25&sort=best")).therapists

    assert [t.slug for t in found] == formula_order("near=10001&radius=25&sort=best")
    assert [t.slug for t in found][-1] == "springfield"
    # Without a place, the same therapists rank by qualification alone.
    unplaced = search.matches(cleaned("sort=best")).therapists
    assert [t.slug for t in unplaced][0] == "springfield"


def test_contenders_include_everyone_who_can_reach_each_position():
    make_directory()
    params = cleaned(SETTLED)
    expected = formula_order(SETTLED)
    locations = (
        PracticeLocation.objects.listed()
        .of_verified()
        .offering_any([factories.technique().pk])
    )
    for reach in range(1, len(expected) + 1):
        contenders = locations.contending(params["near"], 25, reach)
        found = set(
            Therapist.objects.filter(
                pk__in=contenders.values("therapist_id")
            ).values_list("slug", flat=True)
        )
        assert set(expected[:reach]) <= found, reach


def test_contenders_are_fewer_than_the_matches_when_scores_differ():
    make_directory()
    params = cleaned(SETTLED)
    locations = PracticeLocation.objects.listed().of_verified()

    contenders = locations.contending(params["near"], 25, 1)

    in_circle = locations.within(params["near"], 25).therapist_count(limit=1000)
    assert 1 <= contenders.values("therapist_id").distinct().count() < in_circle


def test_the_page_links_go_in_the_formulas_order(client):
    make_directory()

    response = client.get(reverse("therapists:list") + "?" + SETTLED)

    slugs = re.findall(
        r'class="result__name"><a href="/therapists/([\w-]+)/',
        response.content.decode(),
    )
    assert slugs == formula_order(SETTLED)[:20]


@pytest.mark.parametrize("query", [SETTLED, UNSETTLED, f"{SETTLED}&page=3"])
def test_a_dense_best_match_page_runs_at_most_five_queries(
    client, dense, django_assert_max_num_queries, monkeypatch, query
):
    make_directory()
    monkeypatch.setattr("therapists.views.TherapistListView.paginate_by", 4)

    with django_assert_max_num_queries(budgets.SEARCH_PAGE) as ran:
        response = client.get(reverse("therapists:list") + "?" + query)

    assert response.status_code == 200
    if query.startswith(SETTLED):
        # Written once (therapists.compiled), walking the scores as contending().
        page = next(q["sql"] for q in ran.captured_queries if " t WHERE " in q["sql"])
        assert "ORDER BY u.qualification_score DESC" in page
    else:
        assert dense and dense[0][1], "the dense plan was not used"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite plans")
@pytest.mark.parametrize("query", [SETTLED, UNSETTLED])
def test_a_dense_best_match_page_walks_the_score_index(dense, query):
    make_directory()
    results = search.search(cleaned(query), "2", per_page=4, compiled=False)
    written = search.search(cleaned(query), "2", per_page=4).paginator.object_list

    statements = [results.page.object_list.query.sql_with_params()]
    if query == SETTLED:  # also written once, by therapists.compiled
        statements.append(written.statement(4, 4))
    for sql, params in statements:
        lines = plan_lines(sql, params)

        assert problems_in(lines) == []
        assert any(
            "location_best_idx (listed=? AND qualification_score>?" in line
            for line in lines
        ), lines


def test_sort_by_distance_and_other_sorts_keep_their_order(dense):
    make_directory()
    by_distance = every_page(SETTLED.replace("best", "distance"), per_page=4)
    by_price = every_page(SETTLED.replace("best", "price"), per_page=4)

    flat = list(itertools.chain(*by_distance))
    assert sorted(flat) == sorted(formula_order(SETTLED))
    prices = {
        t.slug: (t.session_price, t.pk) for t in Therapist.objects.filter(slug__in=flat)
    }
    assert list(itertools.chain(*by_price)) == sorted(flat, key=prices.get)
    assert dense == []  # only a best match contends


def test_expired_badges_leave_the_dense_best_match(dense):
    make_directory()
    expected = formula_order(SETTLED)
    first = Therapist.objects.get(slug=expected[0])
    first.credentials.update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    badges.credentials_changed([first.pk])

    pages = every_page(SETTLED, per_page=4)

    assert list(itertools.chain(*pages)) == formula_order(SETTLED)
    assert first.slug not in itertools.chain(*pages)
