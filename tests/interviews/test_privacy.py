"""Who may open, answer, write in and report a conversation, and who may see the
inbox.

Every row of each table is one person trying one URL. Whatever is refused must
leave the conversation exactly as it was: answers, status, read timestamps,
messages and report fields.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.accounts.helpers import field_error
from tests.interviews.helpers import QUESTIONS, answer_data, page, snapshot

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
REPORT_REASON = "Rude and pushy about booking"
MESSAGE = "One more thing: it is worse in the mornings."
EARLIER_REASON = "Asked for my home address"

# What a person gets from a URL.
LOGIN = "redirected to log in"
NOT_FOUND = "404, as if the conversation did not exist"
READ_AND_ANSWER = "200 with the answer form"
READ = "200 without the answer form"
READ_ONLY = "200 for staff: no answer form, no report form"
ANSWERED = "answers saved, redirected back"
REPORTED = "report saved, redirected back"
WROTE = "message saved, redirected back to it"
# The therapist's first word is their answer: the thread opens to them after it.
ANSWER_FIRST = "200 with the reason next to the message field"

# Which stored fields each outcome is allowed to move; anything else must stay.
MAY_CHANGE = {
    LOGIN: set(),
    NOT_FOUND: set(),
    READ: set(),
    READ_ONLY: set(),
    READ_AND_ANSWER: {"therapist_read_at"},
    # Answering counts as having read the request.
    ANSWERED: {
        "status",
        "answers",
        "answered_at",
        "therapist_message",
        "therapist_read_at",
    },
    REPORTED: {"reported_at", "report_reason"},
    WROTE: {"messages", "therapist_read_at"},
    ANSWER_FIRST: set(),
}
MUST_CHANGE = {
    ANSWERED: {"status", "answers", "answered_at"},
    REPORTED: {"report_reason"},
    WROTE: {"messages"},
}

VIEWERS = [
    "anonymous",
    "unrelated_client",
    "other_therapist",
    "client",
    "therapist",
    "plain_staff",
    "moderator",
]

# (url, method, reported?, {viewer: outcome})
CONVERSATION_TABLE = [
    (
        "interviews:detail",
        "get",
        False,
        {
            "anonymous": LOGIN,
            "unrelated_client": NOT_FOUND,
            "other_therapist": NOT_FOUND,
            "client": READ,
            "therapist": READ_AND_ANSWER,
            "plain_staff": NOT_FOUND,
            "moderator": NOT_FOUND,
        },
    ),
    (
        "interviews:detail",
        "get",
        True,
        {
            "anonymous": LOGIN,
            "unrelated_client": NOT_FOUND,
            "other_therapist": NOT_FOUND,
            "client": READ,
            "therapist": READ_AND_ANSWER,
            "plain_staff": NOT_FOUND,
            "moderator": READ_ONLY,
        },
    ),
    (
        "interviews:detail",
        "post",
        False,
        {
            "anonymous": LOGIN,
            "unrelated_client": NOT_FOUND,
            "other_therapist": NOT_FOUND,
            "client": READ,
            "therapist": ANSWERED,
            "plain_staff": NOT_FOUND,
            "moderator": NOT_FOUND,
        },
    ),
    (
        "interviews:detail",
        "post",
        True,
        {
            "anonymous": LOGIN,
            "unrelated_client": NOT_FOUND,
            "other_therapist": NOT_FOUND,
            "client": READ,
            "therapist": ANSWERED,
            "plain_staff": NOT_FOUND,
            "moderator": READ_ONLY,
        },
    ),
    (
        "interviews:reply",
        "post",
        False,
        {
            "anonymous": LOGIN,
            "unrelated_client": NOT_FOUND,
            "other_therapist": NOT_FOUND,
            "client": WROTE,
            "therapist": ANSWER_FIRST,
            "plain_staff": NOT_FOUND,
            "moderator": NOT_FOUND,
        },
    ),
    (
        "interviews:reply",
        "post",
        True,
        {
            "anonymous": LOGIN,
            "unrelated_client": NOT_FOUND,
            "other_therapist": NOT_FOUND,
            "client": WROTE,
            "therapist": ANSWER_FIRST,
            "plain_staff": NOT_FOUND,
            # Staff read a reported thread; they never write in it.
            "moderator": NOT_FOUND,
        },
    ),
    (
        "interviews:report",
        "post",
        False,
        {
            "anonymous": LOGIN,
            "unrelated_client": NOT_FOUND,
            "other_therapist": NOT_FOUND,
            "client": REPORTED,
            "therapist": REPORTED,
            "plain_staff": NOT_FOUND,
            "moderator": NOT_FOUND,
        },
    ),
    (
        "interviews:report",
        "post",
        True,
        {
            "anonymous": LOGIN,
            "unrelated_client": NOT_FOUND,
            "other_therapist": NOT_FOUND,
            "client": REPORTED,
            "therapist": REPORTED,
            "plain_staff": NOT_FOUND,
            # Staff read reports; they are not a party and cannot file one.
            "moderator": NOT_FOUND,
        },
    ),
]
CASES = [
    pytest.param(
        url_name,
        method,
        reported,
        viewer,
        outcomes[viewer],
        id=f"{method}-{url_name.split(':')[1]}-"
        f"{'reported' if reported else 'unreported'}-{viewer}",
    )
    for url_name, method, reported, outcomes in CONVERSATION_TABLE
    for viewer in VIEWERS
]

INBOX_TABLE = {
    "anonymous": LOGIN,
    "unrelated_client": False,
    "other_therapist": False,
    "client": True,
    "therapist": True,
    "plain_staff": False,
    "moderator": False,
}


@pytest.fixture
def people(client_user, therapist, other_therapist, plain_staff, moderator):
    return {
        "anonymous": None,
        "unrelated_client": factories.make_user(first_name="Ursula"),
        "other_therapist": other_therapist.user,
        "client": client_user,
        "therapist": therapist.user,
        "plain_staff": plain_staff,
        "moderator": moderator,
    }


def mark_reported(interview):
    interview.reported_at = timezone.now() - datetime.timedelta(days=1)
    interview.report_reason = EARLIER_REASON
    interview.save()


def test_every_conversation_url_is_covered_for_every_viewer():
    urls = {(url, method, reported) for url, method, reported, _ in CONVERSATION_TABLE}
    assert urls == {
        (url, method, reported)
        for url, method in [
            ("interviews:detail", "get"),
            ("interviews:detail", "post"),
            ("interviews:reply", "post"),
            ("interviews:report", "post"),
        ]
        for reported in (False, True)
    }
    assert all(set(outcomes) == set(VIEWERS) for *_, outcomes in CONVERSATION_TABLE)


@pytest.mark.parametrize(("url_name", "method", "reported", "viewer", "outcome"), CASES)
def test_conversation_access(
    client, people, interview, url_name, method, reported, viewer, outcome
):
    if reported:
        mark_reported(interview)
    if people[viewer] is not None:
        client.force_login(people[viewer])
    before = snapshot(interview)
    url = reverse(url_name, kwargs={"pk": interview.pk})
    if method == "get":
        response = client.get(url)
    elif url_name == "interviews:detail":
        response = client.post(url, answer_data(interview))
    elif url_name == "interviews:reply":
        response = client.post(url, {"body": MESSAGE})
    else:
        response = client.post(url, {"reason": REPORT_REASON})

    after = snapshot(interview)
    changed = {key for key in before if before[key] != after[key]}
    assert changed <= MAY_CHANGE[outcome]
    assert changed >= MUST_CHANGE.get(outcome, set())

    if outcome == LOGIN:
        assert response.status_code == 302
        assert response.url == f"{LOGIN_URL}?next={url}"
    elif outcome == NOT_FOUND:
        assert response.status_code == 404
        assert "Lower back, left side" not in page(response)
        assert QUESTIONS[0] not in page(response)
    elif outcome in (ANSWERED, REPORTED):
        assert response.status_code == 302
        assert response.url == interview.get_absolute_url()
    elif outcome == WROTE:
        assert response.status_code == 302
        message = interview.messages.get()
        assert response.url == f"{interview.get_absolute_url()}#message-{message.pk}"
    elif outcome == ANSWER_FIRST:
        assert response.status_code == 200
        assert field_error(response, "body") == (
            "Send your decision and answers first; then you can write here."
        )
    else:
        html = page(response)
        assert response.status_code == 200
        assert QUESTIONS[0] in html
        assert "Lower back, left side" in html
        assert ('name="decision"' in html) is (outcome == READ_AND_ANSWER)
        assert ("Send answers" in html) is (outcome == READ_AND_ANSWER)
        assert ("Report this conversation" in html) is (outcome != READ_ONLY)
        # The client may write in the thread at once; the therapist after
        # answering; staff never.
        reply_form = f'action="{reverse("interviews:reply", args=[interview.pk])}"'
        assert (reply_form in html) is (outcome == READ)
        if outcome == READ_ONLY:
            assert EARLIER_REASON in html
        # Nobody but the therapist, after accepting, sees the client's number.
        assert "555 0199" not in html

    if outcome == ANSWERED:
        assert [m.to for m in mail.outbox] == [[people["client"].email]]
    elif outcome == WROTE:
        assert [m.to for m in mail.outbox] == [[people["therapist"].email]]
    else:
        assert mail.outbox == []


def test_moderator_reading_a_reported_conversation_does_not_mark_it_read(
    client, moderator, interview
):
    mark_reported(interview)
    interview.answered_at = timezone.now()
    interview.status = "accepted"
    interview.save()
    before = snapshot(interview)
    client.force_login(moderator)
    assert client.get(interview.get_absolute_url()).status_code == 200
    assert snapshot(interview) == before


@pytest.mark.parametrize("reported", [False, True], ids=["unreported", "reported"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_inbox_lists_a_conversation_only_to_its_two_parties(
    client, people, interview, viewer, reported
):
    if reported:
        mark_reported(interview)
    if people[viewer] is not None:
        client.force_login(people[viewer])
    before = snapshot(interview)
    url = reverse("interviews:inbox")
    response = client.get(url)
    expected = INBOX_TABLE[viewer]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url == f"{LOGIN_URL}?next={url}"
    else:
        assert response.status_code == 200
        listed = f'href="{interview.get_absolute_url()}"' in page(response)
        assert listed is expected
    assert snapshot(interview) == before


@pytest.mark.parametrize("url_name", ["interviews:report", "interviews:reply"])
def test_writing_urls_refuse_get(client, client_user, interview, url_name):
    client.force_login(client_user)
    before = snapshot(interview)
    response = client.get(reverse(url_name, kwargs={"pk": interview.pk}))
    assert response.status_code == 405
    assert snapshot(interview) == before
