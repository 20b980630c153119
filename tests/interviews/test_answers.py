"""The therapist answering: answers, accept or decline, and what follows."""

import html as html_lib
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from interviews import writing
from interviews.forms import AnswerForm
from reviews.models import Review
from tests import factories
from tests.accounts.helpers import field_error
from tests.interviews.helpers import QUESTIONS, answer_data, page, snapshot

pytestmark = pytest.mark.django_db

CONTACT_LATER = "The client's contact details appear here once you accept."


@pytest.fixture
def email_interview(therapist, client_user):
    """An open request whose client prefers email."""
    return factories.make_interview(
        therapist=therapist, client=client_user, questions=QUESTIONS
    )


def review_url(therapist):
    return reverse("reviews:write", kwargs={"slug": therapist.slug})


def test_therapist_gets_one_answer_field_per_question(client, therapist, interview):
    client.force_login(therapist.user)
    html = page(client.get(interview.get_absolute_url()))
    for question in interview.questions.all():
        assert (
            f'<label for="id_answer_{question.pk}">{html_lib.escape(question.text)}'
            "</label>" in html
        )
        assert f'name="answer_{question.pk}"' in html


def test_accepting_stores_each_answer_with_its_question(
    client, therapist, client_user, interview
):
    client.force_login(therapist.user)
    response = client.post(
        interview.get_absolute_url(),
        answer_data(
            interview, answers=["About forty clients a year.", "Myofascial release."]
        ),
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == "accepted"
    assert interview.answered_at is not None
    assert list(interview.questions.values_list("text", "answer")) == [
        (QUESTIONS[0], "About forty clients a year."),
        (QUESTIONS[1], "Myofascial release."),
    ]


def test_every_question_needs_an_answer(client, therapist, interview):
    client.force_login(therapist.user)
    first, second = interview.questions.all()
    data = answer_data(interview)
    data[f"answer_{second.pk}"] = ""
    before = snapshot(interview)
    response = client.post(interview.get_absolute_url(), data)
    assert response.status_code == 200
    assert field_error(response, f"answer_{second.pk}") == "Answer this question."
    assert field_error(response, f"answer_{first.pk}") == ""
    after = snapshot(interview)
    assert {k: v for k, v in after.items() if k != "therapist_read_at"} == {
        k: v for k, v in before.items() if k != "therapist_read_at"
    }
    assert mail.outbox == []


def test_client_phone_is_hidden_from_the_therapist_until_they_accept(
    client, therapist, interview
):
    client.force_login(therapist.user)
    html = page(client.get(interview.get_absolute_url()))
    assert "+1 212 555 0199" not in html
    assert interview.client.email not in html
    assert CONTACT_LATER in html

    client.post(interview.get_absolute_url(), answer_data(interview))

    html = page(client.get(interview.get_absolute_url()))
    assert "Contact Pat Doe by phone: +1 212 555 0199" in html
    assert CONTACT_LATER not in html


def test_client_email_is_hidden_from_the_therapist_until_they_accept(
    client, therapist, client_user, email_interview
):
    client.force_login(therapist.user)
    html = page(client.get(email_interview.get_absolute_url()))
    assert client_user.email not in html
    assert CONTACT_LATER in html

    client.post(email_interview.get_absolute_url(), answer_data(email_interview))

    html = page(client.get(email_interview.get_absolute_url()))
    assert f"Contact Pat Doe by email: {client_user.email}" in html


def test_declining_needs_a_message_and_changes_nothing_without_one(
    client, therapist, interview
):
    client.force_login(therapist.user)
    client.get(interview.get_absolute_url())  # the therapist reads it first
    before = snapshot(interview)
    response = client.post(
        interview.get_absolute_url(), answer_data(interview, decision="declined")
    )
    assert response.status_code == 200
    assert field_error(response, "message") == (
        "Tell the client briefly why, and where else they might look."
    )
    assert snapshot(interview) == before
    assert mail.outbox == []


def test_declining_with_a_message_never_shares_the_contact(
    client, therapist, client_user, interview
):
    client.force_login(therapist.user)
    response = client.post(
        interview.get_absolute_url(),
        answer_data(
            interview, decision="declined", message="I only treat athletes; try Olive."
        ),
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == "declined"
    assert interview.therapist_message == "I only treat athletes; try Olive."
    html = page(client.get(interview.get_absolute_url()))
    assert "555 0199" not in html
    assert CONTACT_LATER in html

    client.force_login(client_user)
    html = page(client.get(interview.get_absolute_url()))
    assert "Declined" in html
    assert "I only treat athletes; try Olive." in html
    assert "accepted and will contact you" not in html


def test_client_is_emailed_and_sees_the_answers(
    client, therapist, client_user, interview
):
    client.force_login(therapist.user)
    client.post(
        interview.get_absolute_url(),
        answer_data(
            interview,
            message="Happy to help.",
            answers=["About forty clients a year.", "Myofascial release."],
        ),
    )
    (message,) = mail.outbox
    assert message.to == [client_user.email]
    assert message.subject == "Dana Owner answered your questions"
    assert f"http://testserver{interview.get_absolute_url()}" in message.body

    client.force_login(client_user)
    html = page(client.get(interview.get_absolute_url()))
    assert "About forty clients a year." in html
    assert "Myofascial release." in html
    assert "Happy to help." in html
    assert "Dana Owner accepted and will contact you by phone." in html
    assert 'name="decision"' not in html


def test_client_does_not_see_answers_before_the_therapist_sends_them(
    client, client_user, interview
):
    client.force_login(client_user)
    html = page(client.get(interview.get_absolute_url()))
    assert html.count("Not answered yet.") == len(QUESTIONS)
    assert "Waiting for an answer" in html


def test_review_after_an_accepted_interview_alone_is_not_from_a_verified_client(
    client, therapist, client_user, interview
):
    # Accepting shows they talked, not that a session took place: that takes
    # an invitation or a session both record (tests/reviews/test_sessions.py).
    client.force_login(therapist.user)
    client.post(interview.get_absolute_url(), answer_data(interview))

    client.force_login(client_user)
    response = client.post(review_url(therapist), factories.make_review_form_data())
    assert response.status_code == 302
    review = Review.objects.get(therapist=therapist, author=client_user)
    assert review.is_verified_client is False


def test_review_after_a_declined_interview_is_not_from_a_verified_client(
    client, therapist, client_user, interview
):
    client.force_login(therapist.user)
    client.post(
        interview.get_absolute_url(),
        answer_data(interview, decision="declined", message="Not my speciality."),
    )

    client.force_login(client_user)
    client.post(review_url(therapist), factories.make_review_form_data())
    review = Review.objects.get(therapist=therapist, author=client_user)
    assert review.is_verified_client is False


def test_review_with_only_an_open_interview_is_not_from_a_verified_client(
    client, therapist, client_user, interview
):
    client.force_login(client_user)
    client.post(review_url(therapist), factories.make_review_form_data())
    review = Review.objects.get(therapist=therapist, author=client_user)
    assert review.is_verified_client is False


def test_an_interview_accepted_by_another_therapist_does_not_verify_the_review(
    client, therapist, other_therapist, client_user
):
    factories.make_interview(
        therapist=other_therapist, client=client_user, status="accepted"
    )
    client.force_login(client_user)
    client.post(review_url(therapist), factories.make_review_form_data())
    review = Review.objects.get(therapist=therapist, author=client_user)
    assert review.is_verified_client is False


# --- an accepted conversation stays accepted ---------------------------------------

STAYS_ACCEPTED = (
    "You accepted this request and the client's contact details were shared "
    "with you: it cannot be declined now. Write to the client instead."
)


def test_accepted_conversation_cannot_flip_to_declined(client, therapist, interview):
    client.force_login(therapist.user)
    client.post(interview.get_absolute_url(), answer_data(interview))
    mail.outbox.clear()
    before = snapshot(interview)

    response = client.post(
        interview.get_absolute_url(),
        answer_data(interview, decision="declined", message="Changed my mind."),
    )

    assert response.status_code == 200
    assert STAYS_ACCEPTED in html_lib.unescape(page(response))
    assert snapshot(interview) == before
    assert before["status"] == "accepted"
    assert mail.outbox == []


def test_accepted_conversation_is_declined_by_no_form_read_before_it_was_accepted(
    therapist, interview
):
    """The decision is checked on the locked row: a decline posted from a page
    opened before the therapist accepted in another tab is refused."""
    questions = list(interview.questions.all())
    form = AnswerForm(
        answer_data(interview, decision="declined", message="No room this month."),
        questions=questions,
    )
    assert form.is_valid()
    interview.status = "accepted"
    interview.save(update_fields=["status"])
    stale = type(interview).objects.get(pk=interview.pk)
    stale.status = "open"
    before = snapshot(interview)

    with pytest.raises(ValidationError) as refused:
        writing.answer_request(interview=stale, form=form)

    assert refused.value.message_dict == {"decision": [STAYS_ACCEPTED]}
    assert snapshot(interview) == before


def test_accepted_conversation_may_still_be_answered_again(
    client, therapist, interview
):
    client.force_login(therapist.user)
    client.post(interview.get_absolute_url(), answer_data(interview))

    response = client.post(
        interview.get_absolute_url(),
        answer_data(interview, answers=["Fuller answer one.", "Fuller answer two."]),
    )

    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == "accepted"
    assert interview.questions.first().answer == "Fuller answer one."


def test_declined_conversation_may_still_be_accepted(client, therapist, interview):
    client.force_login(therapist.user)
    client.post(
        interview.get_absolute_url(),
        answer_data(interview, decision="declined", message="Fully booked."),
    )

    client.post(interview.get_absolute_url(), answer_data(interview))

    interview.refresh_from_db()
    assert interview.status == "accepted"


def test_answered_request_shows_the_decision_and_message_already_sent(
    client, therapist, interview
):
    client.force_login(therapist.user)
    client.post(
        interview.get_absolute_url(), answer_data(interview, message="See you soon.")
    )
    html = page(client.get(interview.get_absolute_url()))
    checked = re.findall(r'<input type="radio" name="decision"[^>]*checked[^>]*>', html)
    assert len(checked) == 1
    assert 'value="accepted"' in checked[0]
    assert re.search(r'<textarea name="message"[^>]*>\s*See you soon.</textarea>', html)
