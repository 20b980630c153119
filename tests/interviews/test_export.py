"""What the personal data export says about interviews and the shortlist."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("accounts:export")


def export(client, user) -> dict:
    client.force_login(user)
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def answered(therapist, client_user):
    return factories.make_interview(
        therapist=therapist,
        client=client_user,
        questions=["Do you treat sciatica?", "How long is a session?"],
        answers=["Yes, most weeks.", "An hour."],
        status="accepted",
        answered_at=timezone.now(),
        therapist_message="See you soon.",
        concerns="I sit all day",
    )


def test_client_export_holds_the_requests_they_sent(client, client_user, answered):
    data = export(client, client_user)
    (sent,) = data["interview_requests_sent"]
    assert sent["therapist"] == "Dana Owner"
    assert sent["status"] == "accepted"
    assert sent["pain_where"] == "Lower back, left side"
    assert sent["concerns"] == "I sit all day"
    assert sent["therapist_message"] == "See you soon."
    assert sent["questions"] == [
        {"question": "Do you treat sciatica?", "answer": "Yes, most weeks."},
        {"question": "How long is a session?", "answer": "An hour."},
    ]
    assert data["interview_requests_received"] == []


def test_therapist_export_holds_the_requests_they_received(client, therapist, answered):
    data = export(client, therapist.user)
    (received,) = data["interview_requests_received"]
    assert received["pain_where"] == "Lower back, left side"
    assert received["questions"] == [
        {"question": "Do you treat sciatica?", "answer": "Yes, most weeks."},
        {"question": "How long is a session?", "answer": "An hour."},
    ]
    assert data["interview_requests_sent"] == []


def test_export_never_holds_other_peoples_requests(
    client, client_user, other_therapist, answered
):
    factories.make_interview(therapist=other_therapist, pain_where="Someone else")
    assert len(export(client, client_user)["interview_requests_sent"]) == 1
    data = export(client, other_therapist.user)
    assert [r["pain_where"] for r in data["interview_requests_received"]] == [
        "Someone else"
    ]
    assert data["interview_requests_sent"] == []


def test_export_holds_the_shortlist(client, client_user, therapist, other_therapist):
    factories.make_shortlist_entry(user=client_user, therapist=therapist)
    factories.make_shortlist_entry(user=client_user, therapist=other_therapist)
    factories.make_shortlist_entry(therapist=therapist)  # someone else's
    assert export(client, client_user)["shortlist"] == ["Dana Owner", "Olive Other"]


def test_export_of_someone_without_interviews_has_empty_lists(client, client_user):
    data = export(client, client_user)
    assert data["interview_requests_sent"] == []
    assert data["interview_requests_received"] == []
    assert data["shortlist"] == []


def test_therapist_export_holds_no_client_phone_before_acceptance(
    client, therapist, interview
):
    data = export(client, therapist.user)
    assert "555 0199" not in json.dumps(data)
