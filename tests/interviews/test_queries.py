"""The inbox and compare pages cost the same number of queries however full."""

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


def test_inbox_queries_do_not_grow_with_the_number_of_requests(client, therapist):
    therapist_account = therapist.user
    factories.make_interview(therapist=therapist)
    factories.make_interview(client=therapist_account)
    client.force_login(therapist_account)
    few = queries_for(client, reverse("interviews:inbox"))
    for _ in range(4):
        factories.make_interview(therapist=therapist)
        factories.make_interview(client=therapist_account)
    assert queries_for(client, reverse("interviews:inbox")) == few


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
    url = reverse("interviews:compare")
    two = queries_for(client, url, {"t": [t.slug for t in therapists[:2]]})
    four = queries_for(client, url, {"t": [t.slug for t in therapists]})
    assert four == two
