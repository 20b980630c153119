"""How many SQL statements a review costs: a review POST recounts only what a
review can move (the therapist's review totals and score, in one UPDATE, and the
score's copy on its locations, in another)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import Review
from tests import factories

pytestmark = pytest.mark.django_db

# Savepoints exist here only because each test runs inside a transaction.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def statements(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].startswith(TRANSACTION_CONTROL)]


@pytest.fixture
def shared_cache(settings):
    """The site's own cache, a database table (the rate limits count there)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }


def test_one_review_post_runs_at_most_14_statements_15_on_postgresql(
    client, client_user, therapist, shared_cache
):
    factories.make_location(therapist)
    factories.make_credential(therapist)
    factories.add_technique(therapist)
    factories.make_review(therapist, rating=3)
    client.force_login(client_user)
    url = reverse("reviews:write", args=[therapist.slug])

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, factories.make_review_form_data(rating=5))

    assert response.status_code == 302
    assert Review.objects.filter(therapist=therapist, author=client_user).exists()
    therapist.refresh_from_db()
    assert (therapist.rating_count, therapist.rating_sum) == (2, 8)
    sql = statements(queries.captured_queries)
    # PostgreSQL also locks the author's row (core.locks); SQLite's IMMEDIATE
    # transaction already holds the one write lock.
    assert len(sql) <= (15 if connection.vendor == "postgresql" else 14), "\n".join(sql)
    # Nothing a review cannot move is recounted: no credential or full-text
    # work, and on the locations only the copy of the score.
    untouched = ("therapists_credential", "therapists_search")
    assert not [s for s in sql if any(f'"{table}"' in s for table in untouched)]
    locations = [s for s in sql if '"therapists_practicelocation"' in s]
    assert len(locations) == 1, locations
    assert locations[0].startswith('UPDATE "therapists_practicelocation" SET')
    assert 'SET "qualification_score"' in locations[0]


def test_replacing_a_review_costs_one_more_to_carry_the_response_over(
    client, client_user, therapist, shared_cache
):
    """The one extra statement moves the therapist's response (if any) from the
    replaced review to the new one (reviews.writing.carry_response())."""
    factories.make_review(therapist, author=client_user, rating=2)
    client.force_login(client_user)
    url = reverse("reviews:write", args=[therapist.slug])

    with CaptureQueriesContext(connection) as queries:
        client.post(url, factories.make_review_form_data(rating=4))

    therapist.refresh_from_db()
    assert (therapist.rating_count, therapist.rating_sum) == (1, 4)
    sql = statements(queries.captured_queries)
    assert len(sql) <= 16, "\n".join(sql)
    assert len([s for s in sql if '"reviews_reviewresponse"' in s]) == 1
