"""Once a therapist accepts, the client sees how to reach them: the contact the
therapist chose on their profile. Nobody else ever does."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from interviews.models import InterviewRequest
from tests import factories
from tests.interviews.helpers import answer_data, page

pytestmark = pytest.mark.django_db

PHONE = "+1 212 555 0142"
BOOKING = "https://book.example.org/dana-owner"


def reach(therapist, how, **details):
    therapist.client_contact = how
    for name, value in details.items():
        setattr(therapist, name, value)
    therapist.save()


def accept(interview):
    InterviewRequest.objects.filter(pk=interview.pk).update(
        status=InterviewRequest.Status.ACCEPTED, answered_at=timezone.now()
    )
    interview.refresh_from_db()


@pytest.mark.parametrize(
    ("how", "details", "shown", "href"),
    [
        ("email", {}, "dana@example.org", 'href="mailto:dana@example.org"'),
        ("phone", {"contact_phone": PHONE}, PHONE, 'href="tel:+12125550142"'),
        ("booking", {"booking_url": BOOKING}, BOOKING, f'href="{BOOKING}"'),
    ],
    ids=["email", "phone", "booking"],
)
def test_client_sees_the_chosen_contact_once_accepted(
    client, client_user, therapist, interview, how, details, shown, href
):
    therapist.user.email = "dana@example.org"
    therapist.user.save()
    reach(therapist, how, **details)
    client.force_login(client_user)
    assert shown not in page(client.get(interview.get_absolute_url()))

    accept(interview)

    html = page(client.get(interview.get_absolute_url()))
    assert "How to reach Dana Owner" in html
    assert shown in html
    assert href in html


def test_booking_link_leaves_without_the_conversation_as_referrer(
    client, client_user, therapist, interview
):
    reach(therapist, "booking", booking_url=BOOKING)
    accept(interview)
    client.force_login(client_user)
    html = page(client.get(interview.get_absolute_url()))
    assert f'href="{BOOKING}" rel="noopener noreferrer nofollow"' in html


def test_declined_client_never_sees_the_contact(
    client, client_user, therapist, interview
):
    reach(therapist, "phone", contact_phone=PHONE)
    client.force_login(therapist.user)
    client.post(
        interview.get_absolute_url(),
        answer_data(interview, decision="declined", message="I am fully booked."),
    )
    client.force_login(client_user)
    html = page(client.get(interview.get_absolute_url()))
    assert PHONE not in html
    assert "Dana Owner cannot take this on" in html
    assert "I am fully booked." in html


@pytest.mark.parametrize(
    "viewer",
    ["anonymous", "another_client", "other_therapist", "plain_staff", "moderator"],
)
def test_nobody_else_sees_the_therapists_contact(
    client, therapist, other_therapist, interview, viewer
):
    reach(therapist, "phone", contact_phone=PHONE)
    accept(interview)
    # Reported, so the moderator can read the conversation itself.
    interview.reported_at = timezone.now() - datetime.timedelta(hours=1)
    interview.report_reason = "Pushy"
    interview.save()
    people = {
        "anonymous": None,
        "another_client": factories.make_user(),
        "other_therapist": other_therapist.user,
        "plain_staff": factories.make_staff_user(),
        "moderator": factories.make_staff_user(
            permissions=["interviews.review_abuse_report"]
        ),
    }
    if people[viewer] is not None:
        client.force_login(people[viewer])
    for url in (
        interview.get_absolute_url(),
        reverse("interviews:inbox"),
        therapist.get_absolute_url(),
    ):
        response = client.get(url)
        assert PHONE not in page(response)
        assert "555 0142" not in page(response)
    if viewer == "moderator":
        assert client.get(interview.get_absolute_url()).status_code == 200


def test_public_profile_never_shows_the_contact_for_clients(client, therapist):
    reach(therapist, "booking", booking_url=BOOKING, contact_phone=PHONE)
    html = page(client.get(therapist.get_absolute_url()))
    assert BOOKING not in html
    assert PHONE not in html


def test_accept_step_says_what_accepted_clients_will_see(client, therapist, interview):
    reach(therapist, "phone", contact_phone=PHONE)
    client.force_login(therapist.user)
    html = page(client.get(interview.get_absolute_url()))
    assert f"If you accept, Pat sees how to reach you: <strong>Phone: {PHONE}" in html
    assert reverse("dashboard:profile") in html


def test_accepting_emails_the_client_a_link_not_the_therapists_contact(
    client, therapist, interview
):
    reach(therapist, "phone", contact_phone=PHONE)
    client.force_login(therapist.user)
    client.post(interview.get_absolute_url(), answer_data(interview))
    (email,) = mail.outbox
    assert PHONE not in email.body
    assert interview.get_absolute_url() in email.body
