"""The thread below the questions and answers: both sides write, each message
emails the other side once (after the write commits) without its text, bad input
is answered next to the field, and a declined request is closed."""

import datetime
import json

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from interviews import writing
from interviews.forms import MessageForm
from interviews.models import MESSAGE_MAX, InterviewMessage, InterviewRequest
from tests import factories
from tests.accounts.helpers import field_error
from tests.interviews.helpers import (
    QUESTIONS,
    answer_data,
    message_url,
    page,
    snapshot,
)

pytestmark = pytest.mark.django_db

INBOX_URL = reverse("interviews:inbox")
CLOSED = (
    "This request was declined, so the conversation is closed. "
    "You can still read it here."
)
LIMITED = "Your message is not sent. Too many attempts. Please try again in"


@pytest.fixture
def accepted(therapist, client_user, interview):
    """The fixture's request, answered and accepted, read by both sides."""
    now = timezone.now()
    InterviewRequest.objects.filter(pk=interview.pk).update(
        status=InterviewRequest.Status.ACCEPTED,
        answered_at=now,
        therapist_read_at=now,
        client_read_at=now,
    )
    interview.refresh_from_db()
    return interview


def write(client, user, interview, body="Could we meet on Thursday?", **extra):
    client.force_login(user)
    return client.post(message_url(interview), {"body": body}, **extra)


# --- writing --------------------------------------------------------------------


def test_client_writes_and_the_therapist_is_emailed_once(
    client, client_user, therapist, accepted
):
    response = write(client, client_user, accepted, "  Could we meet on Thursday?  ")

    message = InterviewMessage.objects.get()
    assert (message.author_side, message.body) == (
        "client",
        "Could we meet on Thursday?",
    )
    assert response.status_code == 302
    assert response.url == f"{accepted.get_absolute_url()}#message-{message.pk}"
    (email,) = mail.outbox
    assert email.to == [therapist.user.email]
    assert email.subject == "New message from Pat"
    assert f"http://testserver{accepted.get_absolute_url()}" in email.body


def test_therapist_writes_after_answering_and_the_client_is_emailed_once(
    client, client_user, therapist, accepted
):
    write(client, therapist.user, accepted, "Thursday at 10 works for me.")

    message = InterviewMessage.objects.get()
    assert message.author_side == "therapist"
    (email,) = mail.outbox
    assert email.to == [client_user.email]
    assert email.subject == "New message from Dana Owner"


def test_each_reply_sends_one_email(client, client_user, therapist, accepted):
    write(client, client_user, accepted, "First question.")
    write(client, therapist.user, accepted, "First answer.")
    write(client, client_user, accepted, "Second question.")

    assert [m.to for m in mail.outbox] == [
        [therapist.user.email],
        [client_user.email],
        [therapist.user.email],
    ]
    assert list(accepted.messages.values_list("author_side", flat=True)) == [
        "client",
        "therapist",
        "client",
    ]


def test_the_email_waits_for_the_commit(
    client, client_user, accepted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            write(client, client_user, accepted)
            assert mail.outbox == []
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_the_email_carries_no_message_text_and_no_health_details(
    client, client_user, accepted
):
    write(client, client_user, accepted, "My sciatica flares when I drive.")

    (email,) = mail.outbox
    assert "sciatica" not in email.body
    assert "Lower back" not in email.body
    assert "Pat wrote to you in your conversation" in email.body


def test_both_sides_read_the_thread_in_order(client, client_user, therapist, accepted):
    write(client, client_user, accepted, "Do you have parking?")
    write(client, therapist.user, accepted, "Yes, behind the building.")

    for user, own, other in [
        (client_user, "Do you have parking?", "Yes, behind the building."),
        (therapist.user, "Yes, behind the building.", "Do you have parking?"),
    ]:
        client.force_login(user)
        html = page(client.get(accepted.get_absolute_url()))
        assert html.index("Do you have parking?") < html.index("Yes, behind")
        assert own in html and other in html
        assert 'name="body"' in html


def test_message_text_is_escaped(client, client_user, therapist, accepted):
    write(client, client_user, accepted, "<script>alert(1)</script>")
    client.force_login(therapist.user)
    html = page(client.get(accepted.get_absolute_url()))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_client_may_add_to_a_request_still_waiting_for_an_answer(
    client, client_user, therapist, interview
):
    response = write(client, client_user, interview, "I forgot: I am pregnant.")
    assert response.status_code == 302
    assert interview.messages.get().body == "I forgot: I am pregnant."
    assert [m.to for m in mail.outbox] == [[therapist.user.email]]


def test_therapist_answers_before_writing_in_the_thread(client, therapist, interview):
    client.force_login(therapist.user)
    html = page(client.get(interview.get_absolute_url()))
    assert "Send your decision and answers first; then you can write here." in html
    assert 'name="body"' not in html


# --- bad input: a message next to the field, nothing saved, no email ------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write a message before sending."),
        ("   \n  ", "Write a message before sending."),
        (
            "x" * (MESSAGE_MAX + 1),
            f"Keep your message to {MESSAGE_MAX} characters (it has "
            f"{MESSAGE_MAX + 1}).",
        ),
    ],
    ids=["empty", "only-spaces", "too-long"],
)
def test_bad_message_is_refused_next_to_the_field(
    client, client_user, accepted, body, error
):
    before = snapshot(accepted)
    response = write(client, client_user, accepted, body)

    assert response.status_code == 200
    assert field_error(response, "body") == error
    assert 'aria-invalid="true"' in page(response)
    assert snapshot(accepted) == before
    assert mail.outbox == []


def test_message_of_exactly_the_limit_is_saved(client, client_user, accepted):
    write(client, client_user, accepted, "x" * MESSAGE_MAX)
    assert len(accepted.messages.get().body) == MESSAGE_MAX


@pytest.mark.parametrize("side", ["client", "therapist"])
def test_declined_request_cannot_be_written_to(
    client, client_user, therapist, accepted, side
):
    InterviewRequest.objects.filter(pk=accepted.pk).update(
        status=InterviewRequest.Status.DECLINED, therapist_message="I am full."
    )
    before = snapshot(accepted)
    user = client_user if side == "client" else therapist.user

    response = write(client, user, accepted)

    assert response.status_code == 200
    assert field_error(response, "body") == CLOSED
    assert snapshot(accepted) == before
    assert mail.outbox == []
    html = page(client.get(accepted.get_absolute_url()))
    assert CLOSED in html
    assert 'name="body"' not in html


def test_a_decline_that_lands_first_closes_the_thread_inside_the_write(
    client_user, accepted
):
    """A form checked before the decline was saved (as by a message sent at the
    same moment) is still refused when it is written."""
    form = MessageForm({"body": "Are you still there?"})
    assert form.is_valid()
    InterviewRequest.objects.filter(pk=accepted.pk).update(
        status=InterviewRequest.Status.DECLINED
    )
    with pytest.raises(writing.ValidationError):
        writing.post_message(interview=accepted, author=client_user, form=form)
    assert not InterviewMessage.objects.exists()


def test_messages_from_one_account_are_limited(client, client_user, accepted):
    for number in range(writing.MESSAGES.count):
        response = write(
            client,
            client_user,
            accepted,
            f"Note {number}",
            REMOTE_ADDR=f"10.0.0.{number}",
        )
        assert response.status_code == 302
    mail.outbox.clear()
    before = snapshot(accepted)

    response = write(
        client, client_user, accepted, "One too many", REMOTE_ADDR="10.9.9.9"
    )

    assert response.status_code == 200
    assert field_error(response, "body").startswith(LIMITED)
    assert snapshot(accepted) == before
    assert mail.outbox == []


def test_messages_from_one_ip_are_limited(client, therapist):
    for _ in range(writing.MESSAGES.count):
        interview = factories.make_interview(therapist=therapist)
        write(client, interview.client, interview)
    last = factories.make_interview(therapist=therapist)
    before = snapshot(last)

    response = write(client, last.client, last)

    assert field_error(response, "body").startswith(LIMITED)
    assert snapshot(last) == before


# --- unread markers -------------------------------------------------------------


def received_section(html: str) -> str:
    start = html.index('aria-labelledby="received"')
    return html[start : html.index("</section>", start)]


def sent_section(html: str) -> str:
    start = html.index('aria-labelledby="sent"')
    return html[start : html.index("</section>", start)]


def test_a_clients_message_is_unread_for_the_therapist_until_opened(
    client, client_user, therapist, accepted
):
    write(client, client_user, accepted)

    client.force_login(therapist.user)
    received = received_section(page(client.get(INBOX_URL)))
    assert "1 unread" in received
    assert ">New</span>" in received
    client.get(accepted.get_absolute_url())
    received = received_section(page(client.get(INBOX_URL)))
    assert "unread" not in received
    assert ">New</span>" not in received


def test_a_therapists_message_is_unread_for_the_client_until_opened(
    client, client_user, therapist, accepted
):
    write(client, therapist.user, accepted)

    client.force_login(client_user)
    sent = sent_section(page(client.get(INBOX_URL)))
    assert "1 unread" in sent
    assert ">New</span>" in sent
    client.get(accepted.get_absolute_url())
    sent = sent_section(page(client.get(INBOX_URL)))
    assert "unread" not in sent
    assert ">New</span>" not in sent


def test_writing_does_not_mark_your_own_side_unread(
    client, client_user, therapist, accepted
):
    write(client, client_user, accepted)
    accepted.refresh_from_db()
    assert accepted.client_read_at is not None
    assert accepted.therapist_read_at is None


# --- staff, reports and the export ----------------------------------------------


def test_moderator_reads_the_thread_of_a_reported_conversation_without_a_form(
    client, client_user, accepted
):
    write(client, client_user, accepted, "You were rude on the phone.")
    accepted.reported_at = timezone.now() - datetime.timedelta(hours=1)
    accepted.report_reason = "Rude"
    accepted.save()
    client.force_login(
        factories.make_staff_user(permissions=["interviews.review_abuse_report"])
    )
    html = page(client.get(accepted.get_absolute_url()))
    assert "You were rude on the phone." in html
    assert 'name="body"' not in html


def test_admin_shows_the_thread_of_a_reported_conversation(
    client, client_user, accepted
):
    write(client, client_user, accepted, "You were rude on the phone.")
    accepted.reported_at = timezone.now()
    accepted.save()
    client.force_login(
        factories.make_staff_user(permissions=["interviews.review_abuse_report"])
    )
    url = reverse("admin:interviews_interviewrequest_change", args=[accepted.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "You were rude on the phone." in page(response)
    assert QUESTIONS[0] in page(response)


def test_export_holds_the_thread_for_both_parties_only(
    client, client_user, therapist, other_therapist, accepted
):
    write(client, client_user, accepted, "Do you have parking?")
    write(client, therapist.user, accepted, "Yes, behind the building.")

    def export(user):
        client.force_login(user)
        return json.loads(client.get(reverse("accounts:export")).content)

    expected = [
        ("client", "Do you have parking?"),
        ("therapist", "Yes, behind the building."),
    ]
    (sent,) = export(client_user)["interview_requests_sent"]
    assert [(m["from"], m["body"]) for m in sent["messages"]] == expected
    (received,) = export(therapist.user)["interview_requests_received"]
    assert [(m["from"], m["body"]) for m in received["messages"]] == expected
    assert "parking" not in json.dumps(export(other_therapist.user))


def test_answering_after_messages_keeps_the_thread(
    client, client_user, therapist, interview
):
    write(client, client_user, interview, "Also my neck.")
    client.force_login(therapist.user)
    client.post(interview.get_absolute_url(), answer_data(interview))
    write(client, therapist.user, interview, "Noted, we can look at the neck too.")
    assert list(interview.messages.values_list("body", flat=True)) == [
        "Also my neck.",
        "Noted, we can look at the neck too.",
    ]
