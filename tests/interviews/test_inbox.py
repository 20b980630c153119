"""The inbox: requests received by a therapist, and sent by a client."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import InterviewRequest
from tests import factories
from tests.interviews.helpers import answer_data, page

pytestmark = pytest.mark.django_db

INBOX_URL = reverse("interviews:inbox")


def received_section(html: str) -> str:
    start = html.index('<section class="card" aria-labelledby="received">')
    return html[start : html.index("</section>", start)]


def sent_section(html: str) -> str:
    start = html.index('<section class="card" aria-labelledby="sent">')
    return html[start : html.index("</section>", start)]


def make_requests_days_apart(therapist, places):
    """One request per place, the first oldest, a day apart."""
    now = timezone.now()
    interviews = []
    for age, place in zip(range(len(places), 0, -1), places, strict=True):
        interview = factories.make_interview(therapist=therapist, pain_where=place)
        InterviewRequest.objects.filter(pk=interview.pk).update(
            created_at=now - datetime.timedelta(days=age)
        )
        interviews.append(interview)
    return interviews


def test_therapist_sees_requests_newest_first(client, therapist):
    make_requests_days_apart(therapist, ["Neck", "Upper back", "Lower back"])
    client.force_login(therapist.user)
    received = received_section(page(client.get(INBOX_URL)))
    positions = [received.index(place) for place in ("Lower", "Upper", "Neck")]
    assert positions == sorted(positions)


def test_therapist_inbox_shows_only_their_own_requests(
    client, therapist, other_therapist
):
    factories.make_interview(therapist=therapist, pain_where="Mine: neck")
    factories.make_interview(therapist=other_therapist, pain_where="Theirs: hip")
    client.force_login(therapist.user)
    html = page(client.get(INBOX_URL))
    assert "Mine: neck" in html
    assert "Theirs: hip" not in html


def test_unread_count_drops_after_the_therapist_opens_a_request(client, therapist):
    first, *_ = make_requests_days_apart(therapist, ["Neck", "Upper back", "Lower"])
    client.force_login(therapist.user)
    received = received_section(page(client.get(INBOX_URL)))
    assert "3 unread" in received
    assert received.count(">New</span>") == 3

    client.get(first.get_absolute_url())

    received = received_section(page(client.get(INBOX_URL)))
    assert "2 unread" in received
    assert received.count(">New</span>") == 2
    first.refresh_from_db()
    assert first.therapist_read_at is not None


def test_no_unread_count_once_everything_is_read(client, therapist):
    factories.make_interview(therapist=therapist, therapist_read_at=timezone.now())
    client.force_login(therapist.user)
    received = received_section(page(client.get(INBOX_URL)))
    assert "unread" not in received
    assert ">New</span>" not in received


def test_client_sees_the_requests_they_sent(client, client_user, therapist):
    factories.make_interview(therapist=therapist, client=client_user)
    factories.make_interview(pain_where="Someone else's")
    client.force_login(client_user)
    html = page(client.get(INBOX_URL))
    assert "Questions from clients" not in html  # not a therapist
    sent = sent_section(html)
    assert "Dana Owner" in sent
    assert "Waiting for an answer" in sent
    assert len(re.findall(r'href="/interviews/\d+/"', sent)) == 1


def test_client_with_nothing_sent_is_told_how_to_ask(client, client_user):
    client.force_login(client_user)
    assert "You have not asked anyone yet." in page(client.get(INBOX_URL))


def test_new_answer_marker_appears_after_answering_and_clears_after_reading(
    client, client_user, therapist, interview
):
    client.force_login(client_user)
    assert ">New</span>" not in sent_section(page(client.get(INBOX_URL)))

    client.force_login(therapist.user)
    client.post(interview.get_absolute_url(), answer_data(interview))

    client.force_login(client_user)
    sent = sent_section(page(client.get(INBOX_URL)))
    assert "1 unread" in sent
    assert ">New</span>" in sent
    assert "Accepted" in sent

    client.get(interview.get_absolute_url())

    sent = sent_section(page(client.get(INBOX_URL)))
    assert "unread" not in sent
    assert ">New</span>" not in sent
    interview.refresh_from_db()
    assert interview.client_read_at is not None


def test_therapist_opening_a_request_does_not_mark_it_read_for_the_client(
    client, therapist, interview
):
    client.force_login(therapist.user)
    client.get(interview.get_absolute_url())
    interview.refresh_from_db()
    assert interview.client_read_at is None
    assert interview.therapist_read_at is not None
