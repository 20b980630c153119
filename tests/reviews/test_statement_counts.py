"""How many SQL statements a review costs: a review POST recounts only what a
review can move (the therapist's review totals and score), in one UPDATE."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import Review
from tests import factories
from therapists.models import Therapist

pytestmark = pytest.mark.django_db

# Savepoints exist here only because each test runs inside a transaction.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def statements(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].startswith(TRANSACTION_CONTROL)]


@pytest.fixture
def shared_cache(settings):
    """The site's own cache, a database table, with the site mean in it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    Therapist.objects.site_mean_rating()


def test_one_review_post_runs_at_most_15_statements(
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
    assert len(sql) <= 15, "\n".join(sql)
    # Nothing a review cannot move is recounted: no credential, location or
    # full-text work.
    untouched = (
        "therapists_credential",
        "therapists_practicelocation",
        "therapists_search",
    )
    assert not [s for s in sql if any(f'"{table}"' in s for table in untouched)]


def test_replacing_a_review_costs_no_more(client, client_user, therapist, shared_cache):
    factories.make_review(therapist, author=client_user, rating=2)
    client.force_login(client_user)
    url = reverse("reviews:write", args=[therapist.slug])

    with CaptureQueriesContext(connection) as queries:
        client.post(url, factories.make_review_form_data(rating=4))

    therapist.refresh_from_db()
    assert (therapist.rating_count, therapist.rating_sum) == (1, 4)
    assert len(statements(queries.captured_queries)) <= 15
