"""The search parameter min_verified_rating: the stored average of reviews from
verified clients, at least one of them, with every sort and with a place."""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from tests import factories
from therapists import search
from therapists.filters import TherapistFilter
from therapists.management.commands.explain_search import plan_lines, problems_in
from therapists.models import Therapist
from therapists.ranking import Sort

pytestmark = pytest.mark.django_db


def run(query: str):
    filterset = TherapistFilter(
        QueryDict(query), queryset=Therapist.objects.published()
    )
    return filterset, ([t.slug for t in filterset.qs] if filterset.is_valid() else None)


@pytest.fixture
def rated():
    """Vera: verified clients rate her 4.5, everyone 3. Una: 5 stars, none
    verified. Mo: verified clients rate him 3. All near 10001 but Una."""
    vera = factories.make_therapist(slug="vera", display_name="Vera Verified")
    factories.make_location(vera, "10001")
    factories.make_reviews(vera, [5, 4], is_verified_client=True)
    factories.make_reviews(vera, [1, 2])
    una = factories.make_therapist(slug="una", display_name="Una Unverified")
    factories.make_location(una, "90012")
    factories.make_reviews(una, [5, 5, 5])
    mo = factories.make_therapist(slug="mo", display_name="Mo Middling")
    factories.make_location(mo, "11201")
    factories.make_reviews(mo, [3], is_verified_client=True)
    return vera, una, mo


def test_queryset_method_reads_the_verified_average(rated):
    found = Therapist.objects.rated_by_verified_clients_at_least(4)

    assert set(found.values_list("slug", flat=True)) == {"vera"}


def test_no_verified_review_never_passes_even_at_the_lowest_bar(rated):
    found = Therapist.objects.rated_by_verified_clients_at_least(1)

    assert set(found.values_list("slug", flat=True)) == {"vera", "mo"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("min_verified_rating=4.5", {"vera"}),
        ("min_verified_rating=3", {"vera", "mo"}),
        ("min_verified_rating=4.6", set()),
        ("min_rating=4.5", {"una"}),
        ("min_verified_rating=3&near=10001&radius=10", {"vera", "mo"}),
        ("min_verified_rating=4&near=10001&radius=10", {"vera"}),
        ("min_verified_rating=1&near=Los+Angeles,+CA", set()),
    ],
)
def test_the_parameter_narrows_the_search(rated, query, expected):
    assert set(run(query)[1]) == expected


@pytest.mark.parametrize("sort", [choice.value for choice in Sort])
def test_the_parameter_works_with_every_sort(rated, sort):
    near = "&near=10001&radius=25" if sort == Sort.DISTANCE else ""

    _, found = run(f"min_verified_rating=3&sort={sort}{near}")

    assert sorted(found) == ["mo", "vera"]


@pytest.mark.parametrize("value", ["0", "5.5", "abc", "-1"])
def test_a_bad_value_is_a_plain_error_on_its_field(rated, value):
    filterset, found = run(f"min_verified_rating={value}")

    assert found is None
    assert filterset.form.errors["min_verified_rating"] == [
        "Enter a rating between 1 and 5 stars."
    ]


def test_the_chip_says_it_and_removes_only_it(rated):
    filterset, _ = run("min_verified_rating=4.50&min_rating=3&sort=rating")

    chips = {chip.label: chip.query for chip in filterset.active_filters()}

    assert list(chips) == ["Rated 3 or more", "Verified clients rate 4.5 or more"]
    without = QueryDict(chips["Verified clients rate 4.5 or more"].lstrip("?"))
    assert "min_verified_rating" not in without
    assert without["min_rating"] == "3"


def test_the_search_page_offers_the_field_and_the_cards_show_the_share(client, rated):
    response = client.get(reverse("therapists:list") + "?min_verified_rating=3")

    page = response.content.decode()
    assert '<label for="id_min_verified_rating">' in page
    assert "Minimum rating from verified clients" in page
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "2 of 4 from verified clients" in text
    assert "1 of 1 from verified clients" in text


def test_the_search_page_costs_the_same_queries_with_the_filter(
    client, rated, django_assert_num_queries, django_assert_max_num_queries
):
    url = reverse("therapists:list")
    client.get(url)  # warm the caches the page keeps
    with django_assert_max_num_queries(5) as plain:
        client.get(url + "?min_rating=3")
    with django_assert_num_queries(len(plain.captured_queries)):
        response = client.get(url + "?min_verified_rating=3")
    assert response.status_code == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite plans")
@pytest.mark.parametrize(
    "query",
    ["min_verified_rating=4.5&sort=rating", "min_verified_rating=4&sort=best"],
)
def test_the_filter_never_scans_the_table_or_reads_reviews(rated, query):
    filterset, _ = run(query)
    results = search.search(filterset.params(), 1)

    sql, params = results.page.object_list.query.sql_with_params()

    assert problems_in(plan_lines(sql, params)) == []
