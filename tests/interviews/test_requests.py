"""A client asking a therapist questions before booking."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from interviews.models import (
    MAX_OPEN_REQUESTS,
    STANDARD_QUESTIONS,
    InterviewQuestion,
    InterviewRequest,
)
from tests import factories
from tests.accounts.helpers import field_error
from tests.interviews.helpers import page, request_data, screened

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")


def request_url(therapist):
    return reverse("interviews:request", kwargs={"slug": therapist.slug})


def top_errors(response) -> str:
    """The errors shown above the form: its summary."""
    html = page(response)
    start = html.find('<div class="notice notice--error error-summary"')
    return "" if start < 0 else html[start : html.index("</div>", start)]


# --- who may ask --------------------------------------------------------------


def test_visitor_is_sent_to_log_in_first(client, therapist):
    url = request_url(therapist)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={url}"
    assert client.post(url, request_data()).status_code == 302
    assert not InterviewRequest.objects.exists()


def test_therapist_cannot_interview_themself(client, therapist):
    client.force_login(therapist.user)
    assert client.get(request_url(therapist)).status_code == 403
    assert client.post(request_url(therapist), request_data()).status_code == 403
    assert not InterviewRequest.objects.exists()
    assert mail.outbox == []


def test_draft_therapist_cannot_be_asked(client, client_user):
    draft = factories.make_therapist(is_published=False)
    client.force_login(client_user)
    assert client.get(request_url(draft)).status_code == 404
    assert client.post(request_url(draft), request_data()).status_code == 404
    assert not InterviewRequest.objects.exists()


def test_form_offers_the_standard_questions_to_edit(client, client_user, therapist):
    client.force_login(client_user)
    response = screened(client, therapist)
    html = page(response)
    assert response.status_code == 200
    assert "Ask Dana Owner before booking" in html
    for index, text in enumerate(STANDARD_QUESTIONS):
        assert f'name="question_{index}" value="{text}"' in html
    assert '<label for="id_own_question">Your own question (optional)</label>' in html
    assert '<label for="id_pain_where">Where does it hurt?</label>' in html


# --- sending ------------------------------------------------------------------


def test_client_sends_their_edited_questions_in_order(client, client_user, therapist):
    client.force_login(client_user)
    data = request_data(
        question_0="  How many   clients with sciatica have you treated? ",
        question_1="",
        question_3="",
        own_question="Do you work on Saturdays?",
        pain_where="Lower back, right side",
        pain_since="Two years",
        past_treatments="Yoga",
        concerns="I sit all day",
        contact_method="phone",
        phone="+1 212 555 0100",
    )
    response = client.post(request_url(therapist), data)

    interview = InterviewRequest.objects.get()
    assert response.status_code == 302
    assert response.url == interview.get_absolute_url()
    assert list(interview.questions.values_list("position", "text")) == [
        (0, "How many clients with sciatica have you treated?"),
        (1, STANDARD_QUESTIONS[2]),
        (2, STANDARD_QUESTIONS[4]),
        (3, STANDARD_QUESTIONS[5]),
        (4, "Do you work on Saturdays?"),
    ]
    assert interview.client == client_user
    assert interview.therapist == therapist
    assert interview.status == InterviewRequest.Status.OPEN
    assert (interview.pain_where, interview.pain_since) == (
        "Lower back, right side",
        "Two years",
    )
    assert (interview.past_treatments, interview.concerns) == ("Yoga", "I sit all day")
    assert (interview.contact_method, interview.phone) == ("phone", "+1 212 555 0100")
    assert set(interview.questions.values_list("answer", flat=True)) == {""}


def test_sending_emails_the_therapist_a_link_but_not_the_clients_contact(
    client, client_user, therapist
):
    client.force_login(client_user)
    response = client.post(
        request_url(therapist),
        request_data(contact_method="phone", phone="+1 212 555 0100"),
        follow=True,
    )
    interview = InterviewRequest.objects.get()
    (message,) = mail.outbox
    assert message.to == [therapist.user.email]
    assert message.subject == "A client would like to ask you some questions"
    assert f"http://testserver{interview.get_absolute_url()}" in message.body
    assert client_user.email not in message.body
    assert "555 0100" not in message.body
    assert "Your questions are sent. We will email you the answers." in page(response)


def test_client_sees_what_they_sent(client, client_user, therapist):
    client.force_login(client_user)
    response = client.post(
        request_url(therapist),
        request_data(question_1="", own_question="Do you work on Saturdays?"),
        follow=True,
    )
    html = page(response)
    assert "Questions for Dana Owner" in html
    assert "Do you work on Saturdays?" in html
    assert "Lower back, left side" in html
    assert "Not answered yet." in html
    assert STANDARD_QUESTIONS[1] not in html


# --- bad input ----------------------------------------------------------------


def assert_nothing_saved():
    assert not InterviewRequest.objects.exists()
    assert not InterviewQuestion.objects.exists()
    assert mail.outbox == []


def test_clearing_every_question_asks_for_at_least_one(client, client_user, therapist):
    client.force_login(client_user)
    cleared = {f"question_{i}": "  " for i in range(len(STANDARD_QUESTIONS))}
    response = client.post(request_url(therapist), request_data(**cleared))
    assert response.status_code == 200
    assert "Ask at least one question." in top_errors(response)
    assert_nothing_saved()


def test_phone_contact_needs_a_number(client, client_user, therapist):
    client.force_login(client_user)
    response = client.post(
        request_url(therapist), request_data(contact_method="phone", phone="")
    )
    assert response.status_code == 200
    assert field_error(response, "phone") == "Give a phone number, or choose email."
    assert_nothing_saved()


def test_where_it_hurts_is_required(client, client_user, therapist):
    client.force_login(client_user)
    response = client.post(request_url(therapist), request_data(pain_where=""))
    assert field_error(response, "pain_where") == "This field is required."
    assert_nothing_saved()


CHOOSE_CONTACT = (
    "Choose email or phone, so the therapist knows how to reach you if they accept."
)


def contact_radios(response) -> list[str]:
    """The contact question's radio buttons, as HTML tags."""
    return re.findall(
        r'<input type="radio" name="contact_method"[^>]*>', page(response)
    )


def test_contact_question_offers_only_email_and_phone_none_chosen(
    client, client_user, therapist
):
    client.force_login(client_user)
    response = screened(client, therapist)
    radios = contact_radios(response)
    assert [re.search(r'value="([^"]*)"', r).group(1) for r in radios] == [
        "email",
        "phone",
    ]
    assert not any("checked" in radio for radio in radios)
    assert "Select an option" not in page(response)
    assert "---------" not in page(response)


def test_contact_method_is_required(client, client_user, therapist):
    client.force_login(client_user)
    response = client.post(request_url(therapist), request_data(contact_method=""))
    assert response.status_code == 200
    assert field_error(response, "contact_method") == CHOOSE_CONTACT
    assert 'aria-describedby="id_contact_method_error"' in page(response)
    assert_nothing_saved()


def test_unknown_contact_method_is_refused_next_to_the_question(
    client, client_user, therapist
):
    client.force_login(client_user)
    response = client.post(
        request_url(therapist), request_data(contact_method="carrier-pigeon")
    )
    assert response.status_code == 200
    assert field_error(response, "contact_method") == "Choose email or phone."
    assert_nothing_saved()


def test_refused_form_keeps_the_chosen_contact_method(client, client_user, therapist):
    client.force_login(client_user)
    response = client.post(
        request_url(therapist), request_data(contact_method="phone", pain_where="")
    )
    checked = [radio for radio in contact_radios(response) if "checked" in radio]
    assert len(checked) == 1
    assert 'value="phone"' in checked[0]


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("question_0", 300),
        ("own_question", 300),
        ("pain_where", 200),
        ("pain_since", 120),
        ("past_treatments", 1500),
        ("concerns", 1500),
        ("phone", 30),
    ],
)
def test_over_long_field_is_refused_next_to_the_field(
    client, client_user, therapist, field, limit
):
    client.force_login(client_user)
    data = request_data(contact_method="phone", phone="+1 212 555 0100")
    data[field] = "x" * (limit + 1)
    response = client.post(request_url(therapist), data)
    assert response.status_code == 200
    assert field_error(response, field).startswith(
        f"Ensure this value has at most {limit} characters (it has {limit + 1})."
    )
    assert_nothing_saved()


def test_over_long_phone_number_is_not_told_to_give_a_number(
    client, client_user, therapist
):
    client.force_login(client_user)
    response = client.post(
        request_url(therapist), request_data(contact_method="phone", phone="5" * 31)
    )
    assert field_error(response, "phone") == (
        "Ensure this value has at most 30 characters (it has 31)."
    )


def test_refused_form_keeps_what_the_client_typed(client, client_user, therapist):
    client.force_login(client_user)
    response = client.post(
        request_url(therapist),
        request_data(own_question="Do you work on Saturdays?", pain_where=""),
    )
    assert 'value="Do you work on Saturdays?"' in page(response)


# --- limits -------------------------------------------------------------------


def test_a_sixth_open_request_is_refused(client, client_user, therapist):
    for _ in range(MAX_OPEN_REQUESTS):
        factories.make_interview(client=client_user)
    client.force_login(client_user)
    response = client.post(request_url(therapist), request_data())
    assert response.status_code == 200
    assert (
        "You have 5 requests waiting for answers; you can have at most 5 open at a "
        "time." in top_errors(response)
    )
    assert InterviewRequest.objects.count() == MAX_OPEN_REQUESTS
    assert not InterviewRequest.objects.filter(therapist=therapist).exists()
    assert mail.outbox == []


def test_answered_requests_do_not_count_towards_the_cap(client, client_user, therapist):
    for _ in range(MAX_OPEN_REQUESTS - 1):
        factories.make_interview(client=client_user)
    factories.make_interview(client=client_user, status="declined")
    client.force_login(client_user)
    response = client.post(request_url(therapist), request_data())
    assert response.status_code == 302
    assert InterviewRequest.objects.filter(therapist=therapist).count() == 1


def test_other_clients_requests_do_not_count_towards_the_cap(
    client, client_user, therapist
):
    for _ in range(MAX_OPEN_REQUESTS):
        factories.make_interview()
    client.force_login(client_user)
    assert client.post(request_url(therapist), request_data()).status_code == 302


def test_second_open_request_to_the_same_therapist_is_refused(
    client, client_user, therapist
):
    factories.make_interview(therapist=therapist, client=client_user)
    client.force_login(client_user)
    response = client.post(request_url(therapist), request_data())
    assert response.status_code == 200
    assert "You already have an open request with this therapist" in top_errors(
        response
    )
    assert InterviewRequest.objects.filter(therapist=therapist).count() == 1
    assert mail.outbox == []


def test_once_answered_the_client_may_ask_the_same_therapist_again(
    client, client_user, therapist
):
    factories.make_interview(therapist=therapist, client=client_user, status="accepted")
    client.force_login(client_user)
    assert client.post(request_url(therapist), request_data()).status_code == 302
    assert InterviewRequest.objects.filter(therapist=therapist).count() == 2
