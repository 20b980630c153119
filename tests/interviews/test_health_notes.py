"""Things a therapist must know, passed on with the client's explicit consent:
stored only with it, shown to the two parties only (never to staff, never in
email), exported and deleted with the client's data."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.data import delete_account
from interviews.models import HealthNote, InterviewRequest
from tests import factories
from tests.accounts.helpers import field_error
from tests.interviews.helpers import page, request_data

pytestmark = pytest.mark.django_db

BLOOD_THINNERS = "Blood thinners (anticoagulants)"
PREGNANCY = "Pregnancy"
CONSENT_ERROR = (
    "You ticked health notes: tick “Pass these on to Dana Owner” to send them, "
    "or untick them to send your questions without them."
)


def request_url(therapist) -> str:
    return reverse("interviews:request", kwargs={"slug": therapist.slug})


def send(client, therapist, **overrides):
    return client.post(request_url(therapist), request_data(**overrides))


@pytest.fixture
def logged_in(client, client_user):
    client.force_login(client_user)
    return client


@pytest.fixture
def with_notes(therapist, client_user):
    """A request carrying two consented health notes."""
    return factories.make_interview(
        therapist=therapist,
        client=client_user,
        health_notes=[HealthNote.BLOOD_THINNERS, HealthNote.PREGNANCY],
    )


# --- sending ------------------------------------------------------------------------


def test_consented_notes_are_stored_in_the_forms_order(logged_in, therapist):
    response = send(
        logged_in,
        therapist,
        health_notes=["pregnancy", "blood_thinners"],
        share_health_notes="on",
    )
    interview = InterviewRequest.objects.get()
    assert response.status_code == 302
    assert interview.health_notes == ["blood_thinners", "pregnancy"]
    assert interview.health_note_labels == [BLOOD_THINNERS, PREGNANCY]


def test_notes_without_consent_are_refused_next_to_the_consent_box(
    logged_in, therapist
):
    response = send(logged_in, therapist, health_notes=["blood_thinners"])
    assert response.status_code == 200
    assert field_error(response, "share_health_notes") == CONSENT_ERROR
    assert 'aria-describedby="id_share_health_notes_error"' in page(response)
    # The ticked note stays ticked, for the client to decide.
    (ticked,) = re.findall(
        r'<input type="checkbox" name="health_notes" value="blood_thinners"[^>]*>',
        page(response),
    )
    assert "checked" in ticked
    assert not InterviewRequest.objects.exists()
    assert mail.outbox == []


def test_no_notes_and_no_consent_sends_without_notes(logged_in, therapist):
    assert send(logged_in, therapist).status_code == 302
    assert InterviewRequest.objects.get().health_notes == []


def test_consent_without_notes_stores_nothing(logged_in, therapist):
    assert send(logged_in, therapist, share_health_notes="on").status_code == 302
    assert InterviewRequest.objects.get().health_notes == []


def test_an_unknown_note_is_refused(logged_in, therapist):
    response = send(
        logged_in, therapist, health_notes=["broken_leg"], share_health_notes="on"
    )
    assert field_error(response, "health_notes").startswith("Choose only from")
    assert not InterviewRequest.objects.exists()


def test_the_email_says_notes_are_attached_but_not_what_they_are(logged_in, therapist):
    send(
        logged_in,
        therapist,
        health_notes=["blood_thinners", "osteoporosis"],
        share_health_notes="on",
    )
    (message,) = mail.outbox
    assert "They passed on health notes for you: read them on the site" in (
        message.body
    )
    for label in HealthNote.labels:
        assert label.lower() not in message.body.lower()
    assert "blood" not in message.body.lower()


def test_the_email_says_nothing_of_notes_when_there_are_none(logged_in, therapist):
    send(logged_in, therapist)
    (message,) = mail.outbox
    assert "health notes" not in message.body


# --- who sees them ------------------------------------------------------------------

SEES = "sees the notes"
NO_NOTES = "200 without the notes"
NOT_FOUND = 404
LOGIN = 302


@pytest.fixture
def people(client_user, therapist, other_therapist):
    return {
        "anonymous": None,
        "another_client": factories.make_user(first_name="Ursula"),
        "another_therapist": other_therapist.user,
        "the_client": client_user,
        "the_therapist": therapist.user,
        "plain_staff": factories.make_staff_user(),
        "moderator": factories.make_staff_user(
            permissions=["interviews.review_abuse_report"]
        ),
        "superuser": factories.make_user(is_staff=True, is_superuser=True),
    }


@pytest.mark.parametrize(
    ("viewer", "outcome"),
    [
        ("anonymous", LOGIN),
        ("another_client", NOT_FOUND),
        ("another_therapist", NOT_FOUND),
        ("the_client", SEES),
        ("the_therapist", SEES),
        ("plain_staff", NOT_FOUND),
        # Staff read a reported conversation, but not the notes in it.
        ("moderator", NO_NOTES),
        ("superuser", NO_NOTES),
    ],
)
def test_only_the_two_parties_see_the_notes(
    client, people, with_notes, viewer, outcome
):
    with_notes.reported_at = timezone.now()
    with_notes.report_reason = "Rude"
    with_notes.save()
    if people[viewer]:
        client.force_login(people[viewer])
    response = client.get(with_notes.get_absolute_url())
    html = page(response)
    if outcome == LOGIN:
        assert response.status_code == 302
    elif outcome == NOT_FOUND:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert "Lower back, left side" in html  # the page itself is readable
    assert (BLOOD_THINNERS in html and PREGNANCY in html) is (outcome == SEES)


def test_the_therapist_reads_them_with_what_they_mean(client, therapist, with_notes):
    client.force_login(therapist.user)
    html = page(client.get(with_notes.get_absolute_url()))
    assert f"Health notes {with_notes.client_name} passed on to you" in html
    assert "Passed on with the client's consent; we do not check them." in html


def test_the_client_sees_what_they_passed_on(client, client_user, with_notes):
    client.force_login(client_user)
    html = page(client.get(with_notes.get_absolute_url()))
    assert "Health notes you passed on" in html
    assert "Only you and Dana Owner can see these." in html


def test_the_admin_never_shows_the_notes(client, people, with_notes):
    with_notes.reported_at = timezone.now()
    with_notes.save()
    client.force_login(people["superuser"])
    url = reverse("admin:interviews_interviewrequest_change", args=[with_notes.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Lower back, left side" in page(response)
    assert "blood_thinners" not in page(response)
    assert BLOOD_THINNERS not in page(response)


# --- the client's data --------------------------------------------------------------


def test_the_export_holds_the_notes_for_both_parties(
    client, client_user, therapist, with_notes
):
    for user, key in [
        (client_user, "interview_requests_sent"),
        (therapist.user, "interview_requests_received"),
    ]:
        client.force_login(user)
        data = json.loads(client.get(reverse("accounts:export")).content)
        (conversation,) = data[key]
        assert conversation["health_notes"] == [BLOOD_THINNERS, PREGNANCY]


def test_deleting_the_clients_account_deletes_the_notes(client_user, with_notes):
    delete_account(user=client_user)
    assert not InterviewRequest.objects.filter(pk=with_notes.pk).exists()
