"""Responsiveness (issue 16, item 5): the median time to a first answer over
the last 90 days, shown from 3 requests on, computed on read in the
therapists' own query (interviews.responsiveness)."""

import datetime

import pytest
from django.utils import timezone

from interviews import responsiveness
from interviews.models import InterviewMessage, InterviewRequest
from interviews.responsiveness import Responsiveness, parse, responsiveness_of
from tests import factories
from therapists.models import Therapist

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def asked(therapist, *, ago, answered_after=None, message_after=None):
    """A request made `ago` before now, answered `answered_after` it was made
    and/or with the therapist's first thread message `message_after` it."""
    now = timezone.now()
    interview = factories.make_interview(therapist=therapist)
    created = now - ago
    fields = {"created_at": created}
    if answered_after is not None:
        fields.update(status="accepted", answered_at=created + answered_after)
    InterviewRequest.objects.filter(pk=interview.pk).update(**fields)
    if message_after is not None:
        message = InterviewMessage.objects.create(
            request=interview, author_side="therapist", body="See you Tuesday."
        )
        InterviewMessage.objects.filter(pk=message.pk).update(
            created_at=created + message_after
        )
        # A client's message earlier than the therapist's is no answer.
        early = InterviewMessage.objects.create(
            request=interview, author_side="client", body="Hello?"
        )
        InterviewMessage.objects.filter(pk=early.pk).update(
            created_at=created + datetime.timedelta(minutes=1)
        )
    return interview


def fresh(therapist):
    return responsiveness_of(Therapist.objects.get(pk=therapist.pk))


def test_the_median_of_three_answered_requests_is_shown(therapist):
    for hours in (2, 5, 30):
        asked(therapist, ago=datetime.timedelta(days=3), answered_after=hours * HOUR)

    found = fresh(therapist)

    assert found == Responsiveness(requests=3, answered=3, median_seconds=5 * 3600)
    assert found.sentence == (
        "Usually answers in about 5 hours (median of 3 requests in the last 90 days)"
    )


def test_two_requests_are_not_enough_to_show_anything(therapist):
    for hours in (1, 2):
        asked(therapist, ago=datetime.timedelta(days=1), answered_after=hours * HOUR)

    found = fresh(therapist)

    assert found.requests == 2
    assert not found.shown
    assert found.sentence == ""


def test_unanswered_requests_are_counted_but_left_out_of_the_median(therapist):
    for hours in (1, 3, 4):
        asked(therapist, ago=datetime.timedelta(days=2), answered_after=hours * HOUR)
    asked(therapist, ago=datetime.timedelta(days=2))
    asked(therapist, ago=datetime.timedelta(days=40))

    found = fresh(therapist)

    assert (found.requests, found.answered, found.median_seconds) == (5, 3, 3 * 3600)
    assert found.sentence == (
        "Usually answers in about 3 hours (median of the 3 answered, of 5 "
        "requests in the last 90 days)"
    )


def test_with_too_few_answered_only_the_count_is_shown(therapist):
    asked(therapist, ago=datetime.timedelta(days=2), answered_after=HOUR)
    for _ in range(3):
        asked(therapist, ago=datetime.timedelta(days=2))

    found = fresh(therapist)

    assert found.median_seconds is None
    assert found.sentence == "Answered 1 of 4 requests in the last 90 days"


def test_requests_older_than_90_days_do_not_count(therapist):
    for _ in range(3):
        asked(therapist, ago=datetime.timedelta(days=91), answered_after=HOUR)
    asked(therapist, ago=datetime.timedelta(days=89), answered_after=HOUR)

    assert fresh(therapist).requests == 1


def test_the_first_answer_is_the_earlier_of_the_answer_and_a_thread_message(
    therapist,
):
    # Answered at 2 h, wrote in the thread at 3 h, answered again at 10 h:
    # answered_at says 10 h, the first answer was at 2 h, and the thread
    # message at 3 h is the earliest trace of it left.
    for _ in range(3):
        asked(
            therapist,
            ago=datetime.timedelta(days=5),
            answered_after=10 * HOUR,
            message_after=3 * HOUR,
        )

    assert fresh(therapist).median_seconds == 3 * 3600


def test_other_therapists_requests_do_not_count(therapist, other_therapist):
    for _ in range(3):
        asked(other_therapist, ago=HOUR, answered_after=HOUR / 2)

    assert fresh(therapist) == Responsiveness()
    assert fresh(other_therapist).sentence.startswith(
        "Usually answers in under an hour"
    )


def test_one_query_for_several_therapists(
    therapist, other_therapist, django_assert_num_queries
):
    for hours in (1, 2, 3):
        asked(therapist, ago=datetime.timedelta(days=1), answered_after=hours * HOUR)
        asked(other_therapist, ago=datetime.timedelta(days=1), answered_after=HOUR)

    with django_assert_num_queries(1):
        found = {
            t.slug: responsiveness_of(t)
            for t in responsiveness.with_responsiveness(Therapist.objects.all())
        }

    assert found["dana-owner"].median_seconds == 2 * 3600
    assert found["olive-other"].median_seconds == 3600


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (59 * 60, "under an hour"),
        (3600, "about 1 hour"),
        (5.4 * 3600, "about 5 hours"),
        (35 * 3600, "about 35 hours"),
        (50 * 3600, "about 2 days"),
    ],
)
def test_durations_in_words(seconds, words):
    assert responsiveness.duration_words(seconds) == words


def test_parse_handles_nothing():
    assert parse(None) == Responsiveness()
    assert parse("") == Responsiveness()
    assert parse("-,-,-").sentence == "Answered 0 of 3 requests in the last 90 days"
