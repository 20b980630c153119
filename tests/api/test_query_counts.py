"""Each endpoint's statement budget: a constant number of queries whatever
the size of the page (the search at most 5, as the search page)."""

import pytest
from django.test import override_settings

from reviews.models import ReviewResponse
from tests import factories

pytestmark = pytest.mark.usefixtures("unlimited_api")


@pytest.fixture
def crowded(db):
    """Twelve therapists around Manhattan, each with techniques, languages,
    two locations, reviews and credentials."""
    with factories.bulk():
        for n in range(12):
            therapist = factories.make_therapist(slug=f"t-{n:02d}")
            factories.add_technique(therapist, "deep-tissue")
            factories.add_technique(therapist, "swedish")
            factories.add_language(therapist, "es")
            factories.make_location(therapist, "10001")
            factories.make_location(therapist, "10003", is_home_based=True)
            factories.make_credential(therapist, refresh=False)
            reviews = factories.make_reviews(
                therapist, [5, 4, 3], condition=factories.condition("sciatica")
            )
            for review in reviews:
                ReviewResponse.objects.create(review=review, body="Thanks.")


def test_the_search_near_a_place_with_filters_takes_at_most_5_queries(
    client, crowded, django_assert_max_num_queries
):
    query = {
        "near": "10001",
        "radius": "25",
        "technique": "deep-tissue",
        "verified": "true",
        "language": "es",
        "min_rating": "3",
        "sort": "best",
    }
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/therapists/", query)
    assert len(response.json()["results"]) == 12


@pytest.mark.parametrize("sort", ["best", "distance", "rating", "price"])
def test_every_order_stays_within_5_queries(
    client, crowded, django_assert_max_num_queries, sort
):
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/therapists/", {"near": "10001", "sort": sort})
    assert response.status_code == 200


def test_a_therapist_takes_4_queries(client, crowded, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = client.get("/api/v1/therapists/t-03/")
    assert response.json()["reviews"]["count"] == 3


def test_reviews_take_3_queries_whatever_the_page(
    client, crowded, django_assert_num_queries
):
    with django_assert_num_queries(3):
        response = client.get("/api/v1/therapists/t-03/reviews/?sort=helpful")
    assert len(response.json()["results"]) == 3
    assert all(r["response"] for r in response.json()["results"])


def test_reviews_about_a_condition_count_them(
    client, crowded, django_assert_num_queries
):
    with django_assert_num_queries(4):
        response = client.get("/api/v1/therapists/t-03/reviews/?condition=sciatica")
    assert response.json()["count"] == 3


def test_a_taxonomy_takes_1_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/api/v1/conditions/")
    with django_assert_num_queries(0):
        client.get("/api/v1/payment/")


def test_the_limit_per_ip_costs_no_query_with_the_database_cache(
    client, crowded, settings, django_assert_max_num_queries
):
    # The site's own caches without Redis: the shared cache is a database
    # table, and the API's counts stay in each worker's memory ("read-limits"),
    # so a read never writes to the database.
    site_caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        },
        "read-limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/minute"},
    }
    query = {"near": "10001", "technique": "deep-tissue", "verified": "on"}
    # Within the test's database access (the fixtures clear caches after it).
    with override_settings(CACHES=site_caches):
        for _ in range(2):
            with django_assert_max_num_queries(5) as captured:
                assert client.get("/api/v1/therapists/", query).status_code == 200
            sql = " ".join(q["sql"] for q in captured.captured_queries)
            assert "django_cache" not in sql
        assert client.get("/api/v1/therapists/", query).status_code == 429
