"""InterviewRequestQuerySet: who is involved, who may read, what is unread."""

import pytest
from django.utils import timezone

from interviews.models import InterviewRequest
from tests import factories

pytestmark = pytest.mark.django_db


def test_involving_is_the_client_or_the_therapist(client_user, therapist):
    mine = factories.make_interview(client=client_user)
    to_me = factories.make_interview(therapist=therapist)
    factories.make_interview()
    assert set(InterviewRequest.objects.involving(client_user)) == {mine}
    assert set(InterviewRequest.objects.involving(therapist.user)) == {to_me}


def test_readable_by_adds_reported_conversations_only_for_moderators(
    client_user, moderator, plain_staff
):
    own = factories.make_interview(client=moderator)
    reported = factories.make_interview(reported_at=timezone.now(), report_reason="x")
    factories.make_interview()
    assert set(InterviewRequest.objects.readable_by(moderator)) == {own, reported}
    assert set(InterviewRequest.objects.readable_by(plain_staff)) == set()
    assert set(InterviewRequest.objects.readable_by(client_user)) == set()


def test_open_is_waiting_for_an_answer():
    waiting = factories.make_interview()
    factories.make_interview(status="accepted")
    factories.make_interview(status="declined")
    assert list(InterviewRequest.objects.open()) == [waiting]


def test_unread_by_therapist_is_never_opened_by_them():
    unread = factories.make_interview()
    factories.make_interview(therapist_read_at=timezone.now())
    assert list(InterviewRequest.objects.unread_by_therapist()) == [unread]


def test_unread_by_client_is_answered_but_not_yet_read():
    now = timezone.now()
    unread = factories.make_interview(answered_at=now)
    factories.make_interview(answered_at=now, client_read_at=now)
    factories.make_interview()  # not answered: nothing to read
    assert list(InterviewRequest.objects.unread_by_client()) == [unread]
