"""Capped counts (therapists/pagination.py) and the dense-circle search plan."""

import re

import pytest
from django.urls import reverse

from tests import factories
from therapists import pagination
from therapists.models import Therapist
from therapists.pagination import CappedPaginator, count_cap

pytestmark = pytest.mark.django_db

SEARCH = {"near": "10001", "radius": "25", "technique": "deep-tissue", "verified": "on"}


def test_count_cap_counts_ten_pages_past_the_requested_one_and_at_least_1000():
    assert count_cap(None, 20) == 1000
    assert count_cap("1", 20) == 1000
    assert count_cap("abc", 20) == 1000
    assert count_cap("-4", 20) == 1000
    assert count_cap("200", 20) == 4200


def test_count_cap_is_bounded_however_large_the_requested_page():
    bounded = count_cap(str(pagination.MAX_PAGE), 20)
    assert count_cap("500000000000000000", 20) == bounded
    assert count_cap(str(2**63), 20) == bounded
    assert count_cap("9" * 5000, 20) == 1000  # past int()'s digit limit: garbled
    assert bounded < 2**31


@pytest.mark.parametrize("page", ["500000000000000000", str(2**63), str(10**30)])
def test_a_page_far_past_the_end_shows_the_last_page(client, page):
    for n in range(3):
        factories.make_therapist(slug=f"t{n}")

    response = client.get(reverse("therapists:list"), {"page": page})

    assert response.status_code == 200
    assert len(result_slugs(response)) == 3


def test_capped_paginator_stops_counting_at_the_cap():
    for n in range(5):
        factories.make_therapist(slug=f"t{n}")
    capped = CappedPaginator(Therapist.objects.order_by("pk"), 2, cap=3)
    assert capped.count == 4
    assert capped.is_capped
    assert capped.count_label == "3+"
    assert capped.pages_label == "1+"
    exact = CappedPaginator(Therapist.objects.order_by("pk"), 2, cap=10)
    assert (exact.count, exact.is_capped, exact.count_label) == (5, False, "5")
    assert exact.pages_label == "3"


def test_a_known_count_is_used_without_a_query(django_assert_num_queries):
    paginator = CappedPaginator(Therapist.objects.all(), 20, cap=1000, count=5000)
    with django_assert_num_queries(0):
        assert paginator.count == 1001
        assert paginator.count_label == "1,000+"


def make_matches(count):
    """`count` verified deep-tissue therapists in Manhattan, best score last."""
    slugs = []
    for n in range(count):
        therapist = factories.make_therapist(slug=f"match-{n}", back_pain_years=n % 6)
        factories.add_technique(therapist)
        factories.make_location(therapist, "10001")
        factories.make_credential(therapist)
        slugs.append(therapist.slug)
    return slugs


def result_slugs(response) -> list[str]:
    """The profiles a result page links to, in order (links carry the place)."""
    card_link = r'class="result__name"><a href="/therapists/([\w-]+)/'
    return re.findall(card_link, response.content.decode())


def test_a_dense_circle_is_counted_to_the_cap_and_pages_like_an_exact_one(
    client, monkeypatch, django_assert_max_num_queries
):
    make_matches(7)
    factories.make_location(factories.make_therapist(slug="no-technique"), "10001")
    url = reverse("therapists:list")
    exact = client.get(url, SEARCH | {"sort": "best"})
    assert "7 therapists within 25 miles" in exact.content.decode()

    monkeypatch.setattr(pagination, "MIN_COUNT_CAP", 3)
    monkeypatch.setattr(pagination, "PAGES_AHEAD", 0)
    monkeypatch.setattr("therapists.views.TherapistListView.paginate_by", 2)
    with django_assert_max_num_queries(5):
        dense = client.get(url, SEARCH | {"sort": "best"})
    page = dense.content.decode()
    assert "3+ therapists within 25 miles" in page
    assert "Page 1 of 1+" in page
    # The same first page as the exact search, in the same order.
    assert len(result_slugs(exact)) == 7
    assert result_slugs(dense) == result_slugs(exact)[:2]
    second = client.get(url, SEARCH | {"sort": "best", "page": "2"})
    assert result_slugs(second) == result_slugs(exact)[2:4]


def test_a_dense_circle_sorted_by_distance_uses_the_listed_plan(client, monkeypatch):
    make_matches(4)
    far = factories.make_therapist(slug="brooklyn")
    factories.add_technique(far)
    factories.make_location(far, "11201")
    factories.make_credential(far)
    monkeypatch.setattr(pagination, "MIN_COUNT_CAP", 2)
    monkeypatch.setattr(pagination, "PAGES_AHEAD", 0)
    monkeypatch.setattr("therapists.views.TherapistListView.paginate_by", 2)
    url = reverse("therapists:list")
    first = client.get(url, SEARCH | {"sort": "distance"})
    assert "2+ therapists" in first.content.decode()
    assert len(result_slugs(first)) == 2
    assert "brooklyn" not in result_slugs(first)
    last = client.get(url, SEARCH | {"sort": "distance", "page": "3"})
    assert "5 therapists" in last.content.decode()
    assert result_slugs(last) == ["brooklyn"]


def test_a_search_with_a_filter_the_locations_do_not_carry_counts_exactly(client):
    make_matches(3)
    response = client.get(
        reverse("therapists:list"), SEARCH | {"min_reviews": "0", "max_price": "500"}
    )
    assert "3 therapists within 25 miles" in response.content.decode()
