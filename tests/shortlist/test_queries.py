"""The compare page costs the same number of queries however many columns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def answered_therapist(client_user, n):
    therapist = factories.make_therapist(display_name=f"Compared {n}")
    factories.add_technique(therapist)
    factories.make_credential(therapist)
    factories.make_review(therapist)
    factories.make_interview(
        therapist=therapist,
        client=client_user,
        questions=["Q one?", "Q two?"],
        answers=["A one.", "A two."],
        status="accepted",
        answered_at=timezone.now(),
    )
    return therapist


def test_compare_queries_do_not_grow_with_the_number_of_columns(client, client_user):
    therapists = [answered_therapist(client_user, n) for n in range(4)]
    client.force_login(client_user)
    url = reverse("shortlist:compare")
    two = queries_for(client, url, {"t": [t.slug for t in therapists[:2]]})
    four = queries_for(client, url, {"t": [t.slug for t in therapists]})
    assert four == two
