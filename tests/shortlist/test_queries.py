"""The shortlist and compare pages cost a fixed number of queries, however many
therapists they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

COMPARE_URL = reverse("shortlist:compare")
SHORTLIST_URL = reverse("shortlist:shortlist")


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def answered_therapist(client_user, n):
    """A therapist with everything a column shows: two places, languages,
    techniques, a condition, a credential, a review and answers to the client."""
    therapist = factories.make_therapist(display_name=f"Compared {n}")
    factories.add_technique(therapist)
    factories.add_technique(therapist, "swedish")
    factories.add_language(therapist, "es")
    therapist.conditions.add(factories.condition("sciatica"))
    factories.make_location(therapist, "10001")
    factories.make_location(therapist, "11201")
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


@pytest.fixture
def four(client_user):
    return [answered_therapist(client_user, n) for n in range(4)]


def test_compare_queries_do_not_grow_with_the_number_of_columns(
    client, client_user, four
):
    client.force_login(client_user)
    two = queries_for(client, COMPARE_URL, {"t": [t.slug for t in four[:2]]})
    everyone = queries_for(client, COMPARE_URL, {"t": [t.slug for t in four]})
    assert everyone == two


def test_compare_for_a_visitor_is_five_queries(client, four, django_assert_num_queries):
    # The therapists, then their locations, techniques, conditions and
    # credentials: languages and review figures come with the therapists.
    with django_assert_num_queries(5):
        response = client.get(
            COMPARE_URL, {"t": [t.slug for t in four], "near": "10001"}
        )
    assert response.status_code == 200


def test_compare_for_a_member_adds_only_their_answers(
    client, client_user, four, django_assert_max_num_queries
):
    client.force_login(client_user)
    # The visitor's five, the session and user, the answers and their
    # questions, and the nav's own look-up of the member's profile.
    with django_assert_max_num_queries(10):
        response = client.get(COMPARE_URL, {"t": [t.slug for t in four]})
    assert "A two." in response.content.decode()


def test_shortlist_queries_do_not_grow_with_its_length(client):
    therapists = [factories.make_therapist() for _ in range(6)]
    for therapist in therapists:
        factories.make_location(therapist, "10001")
        factories.add_technique(therapist)
    for therapist in therapists[:2]:
        client.post(reverse("shortlist:toggle", kwargs={"slug": therapist.slug}))
    two = queries_for(client, SHORTLIST_URL)
    for therapist in therapists[2:]:
        client.post(reverse("shortlist:toggle", kwargs={"slug": therapist.slug}))
    six = queries_for(client, SHORTLIST_URL)
    assert six == two <= 5
