"""The red-flag screen before "Ask before booking": every question answered, any
"yes" stops the request with advice and its sources, and nothing of the screen
is stored, sent or logged. A POST cannot skip it."""

import logging
import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from interviews import safety
from interviews.models import InterviewQuestion, InterviewRequest
from interviews.safety import RED_FLAGS, Urgency
from tests import factories
from tests.accounts.helpers import field_error
from tests.interviews.helpers import clear_screen, page, request_data, screened

pytestmark = pytest.mark.django_db

EMERGENCY = "Call 911 or go to the nearest emergency department now."
SEE_A_DOCTOR = "Make an appointment with your doctor in the next few days."
SOURCES = [
    'href="/what-massage-can-do/#first"',
    'href="https://www.nhs.uk/conditions/cauda-equina-syndrome/"',
    'href="https://www.nhs.uk/conditions/back-pain/"',
    'href="https://www.nice.org.uk/guidance/ng59"',
    'href="https://www.acpjournals.org/doi/10.7326/M16-2367"',
]
FLAG_IDS = [flag.name for flag in RED_FLAGS]


def request_url(therapist) -> str:
    return reverse("interviews:request", kwargs={"slug": therapist.slug})


def screen_data(**answers) -> dict:
    return {"step": "screen", **clear_screen(), **answers}


def token_in(response) -> str:
    match = re.search(r'name="screen_token" value="([^"]+)"', page(response))
    return match.group(1) if match else ""


def radios(response, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}"[^>]*>', page(response))


def assert_nothing_stored_or_sent():
    assert InterviewRequest.objects.count() == 0
    assert InterviewQuestion.objects.count() == 0
    assert mail.outbox == []


@pytest.fixture
def logged_in(client, client_user):
    client.force_login(client_user)
    return client


# --- the screen comes first ---------------------------------------------------------


def test_the_screen_asks_each_red_flag_with_no_answer_chosen(logged_in, therapist):
    response = logged_in.get(request_url(therapist))
    html = page(response)
    assert response.status_code == 200
    assert "Step 1 of 2: a safety check" in html
    for flag in RED_FLAGS:
        assert f"<legend>{flag.question}</legend>" in html
        tags = radios(response, flag.name)
        assert [re.search(r'value="(\w+)"', tag).group(1) for tag in tags] == [
            "yes",
            "no",
        ]
        assert not any("checked" in tag for tag in tags)
    # The request itself comes only after a clean screen.
    assert 'name="pain_where"' not in html
    assert 'name="screen_token"' not in html
    assert 'href="/what-massage-can-do/"' in html


def test_every_question_must_be_answered(logged_in, therapist):
    response = logged_in.post(request_url(therapist), {"step": "screen"})
    html = page(response)
    assert response.status_code == 200
    for flag in RED_FLAGS:
        assert field_error(response, flag.name) == "Answer yes or no."
        assert f'aria-describedby="id_{flag.name}_error"' in html
        assert f'<a href="#id_{flag.name}_0">' in html  # from the error summary
    assert 'id="error-summary"' in html and "autofocus" in html
    assert 'name="screen_token"' not in html
    assert_nothing_stored_or_sent()


def test_a_partly_answered_screen_keeps_the_answers_given(logged_in, therapist):
    answers = {"step": "screen", "fever": "no", "night_pain": "no"}
    response = logged_in.post(request_url(therapist), answers)
    assert field_error(response, "fever") == ""
    assert field_error(response, "bladder_bowel") == "Answer yes or no."
    (checked,) = [tag for tag in radios(response, "fever") if "checked" in tag]
    assert 'value="no"' in checked
    assert 'name="screen_token"' not in page(response)
    assert_nothing_stored_or_sent()


def test_an_answer_other_than_yes_or_no_is_refused(logged_in, therapist):
    response = logged_in.post(request_url(therapist), screen_data(fever="maybe"))
    assert field_error(response, "fever") == "Answer yes or no."
    assert 'name="screen_token"' not in page(response)


def test_a_clean_screen_leads_to_the_request_form(logged_in, therapist):
    response = screened(logged_in, therapist)
    html = page(response)
    assert "Step 2 of 2: your questions" in html
    assert "You answered no to every safety question." in html
    assert 'name="pain_where"' in html
    assert 'name="health_notes"' in html
    assert "Pass these on to Dana Owner" in html
    assert_nothing_stored_or_sent()


# --- any yes stops ------------------------------------------------------------------


def assert_stopped(response, flag):
    html = page(response)
    assert response.status_code == 200
    assert flag.summary[0].upper() + flag.summary[1:] in html
    if flag.urgency == Urgency.EMERGENCY:
        assert EMERGENCY in html
        assert SEE_A_DOCTOR not in html
    else:
        assert SEE_A_DOCTOR in html
        assert EMERGENCY not in html
    for source in SOURCES:
        assert source in html
    assert "Nothing you answered has been saved" in html
    assert f'href="{flag_therapist_url(response)}">Back to the profile' in html
    # No way on from here but back: no form, no token.
    assert 'name="pain_where"' not in html
    assert "screen_token" not in html


def flag_therapist_url(response) -> str:
    return response.context["therapist"].get_absolute_url()


@pytest.mark.parametrize("flag", RED_FLAGS, ids=FLAG_IDS)
def test_each_red_flag_stops_at_the_screen(logged_in, therapist, flag):
    response = logged_in.post(request_url(therapist), screen_data(**{flag.name: "yes"}))
    assert_stopped(response, flag)
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("flag", RED_FLAGS, ids=FLAG_IDS)
def test_each_red_flag_stops_a_request_sent_with_its_answers(
    logged_in, therapist, flag
):
    """A request posted with the screen on the same page (as after an expired
    token), a "yes" among its answers: stopped, nothing stored or sent."""
    response = logged_in.post(
        request_url(therapist), request_data(**{flag.name: "yes"})
    )
    assert_stopped(response, flag)
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("flag", RED_FLAGS, ids=FLAG_IDS)
def test_a_yes_stops_even_with_a_valid_token(logged_in, therapist, flag):
    """A clean screen earlier does not outweigh a "yes" given now."""
    token = token_in(screened(logged_in, therapist))
    response = logged_in.post(
        request_url(therapist),
        request_data(screen_token=token, **{flag.name: "yes"}),
    )
    assert_stopped(response, flag)
    assert_nothing_stored_or_sent()


def test_an_emergency_sign_among_others_gets_the_emergency_advice(logged_in, therapist):
    response = logged_in.post(
        request_url(therapist),
        screen_data(fever="yes", leg_weakness="yes", night_pain="yes"),
    )
    html = page(response)
    assert EMERGENCY in html
    assert "Get emergency care now, not a massage" in html
    for summary in [
        "Leg weakness that is getting worse",
        "A fever with back pain",
        "Severe pain at night",
    ]:
        assert summary in html


def test_a_recent_accident_is_told_to_get_checked_today(logged_in, therapist):
    response = logged_in.post(request_url(therapist), screen_data(serious_injury="yes"))
    assert "get checked today at an urgent care clinic" in page(response)


def test_every_flag_is_either_an_emergency_or_a_doctor_first():
    assert {flag.urgency for flag in RED_FLAGS} == {Urgency.EMERGENCY, Urgency.DOCTOR}
    emergencies = [f.name for f in RED_FLAGS if f.urgency == Urgency.EMERGENCY]
    assert emergencies == ["bladder_bowel", "saddle_numbness", "leg_weakness"]
    assert len(RED_FLAGS) == 7


# --- the screen cannot be skipped ---------------------------------------------------


def answers_removed(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in clear_screen()}


def test_a_request_posted_without_the_screen_is_refused(logged_in, therapist):
    response = logged_in.post(request_url(therapist), answers_removed(request_data()))
    html = page(response)
    assert response.status_code == 200
    assert "Please answer the safety questions before sending your questions." in html
    for flag in RED_FLAGS:
        assert f"<legend>{flag.question}</legend>" in html
    # What the client wrote is kept for when they have answered.
    assert 'value="Lower back, left side"' in html
    assert_nothing_stored_or_sent()


def test_a_request_with_a_partial_screen_is_refused(logged_in, therapist):
    data = answers_removed(request_data())
    data["fever"] = "no"
    response = logged_in.post(request_url(therapist), data)
    assert field_error(response, "bladder_bowel") == "Answer yes or no."
    assert field_error(response, "fever") == ""
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda client_user, therapist: "clear", id="unsigned"),
        pytest.param(
            lambda client_user, therapist: signing.TimestampSigner(
                salt="something else"
            ).sign("clear"),
            id="signed-for-something-else",
        ),
        pytest.param(
            lambda client_user, therapist: safety.clear_screen_token(
                client=factories.make_user(), therapist=therapist
            ),
            id="another-clients",
        ),
        pytest.param(
            lambda client_user, therapist: safety.clear_screen_token(
                client=client_user, therapist=factories.make_therapist()
            ),
            id="for-another-therapist",
        ),
    ],
)
def test_a_forged_token_does_not_stand_for_the_screen(
    logged_in, client_user, therapist, forge
):
    data = answers_removed(request_data(screen_token=forge(client_user, therapist)))
    response = logged_in.post(request_url(therapist), data)
    assert response.status_code == 200
    assert "please answer them again" in page(response)
    assert_nothing_stored_or_sent()


def test_an_expired_token_asks_the_screen_again_and_keeps_the_request(
    logged_in, client_user, therapist, monkeypatch
):
    token = safety.clear_screen_token(client=client_user, therapist=therapist)
    monkeypatch.setattr(safety, "SCREEN_VALID_FOR", -1)
    data = answers_removed(request_data(screen_token=token, pain_since="March"))
    response = logged_in.post(request_url(therapist), data)
    html = page(response)
    assert "It is more than an hour since you answered the safety questions" in html
    assert 'value="March"' in html
    assert_nothing_stored_or_sent()

    # Answered again on that page, clean: sent.
    response = logged_in.post(request_url(therapist), request_data(screen_token=token))
    assert response.status_code == 302
    assert InterviewRequest.objects.count() == 1


def test_the_token_from_a_clean_screen_sends_the_request(logged_in, therapist):
    token = token_in(screened(logged_in, therapist))
    data = answers_removed(request_data(screen_token=token))
    response = logged_in.post(request_url(therapist), data)
    interview = InterviewRequest.objects.get()
    assert response.status_code == 302
    assert response.url == interview.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[therapist.user.email]]


def test_a_refused_request_keeps_a_fresh_token(logged_in, therapist):
    token = token_in(screened(logged_in, therapist))
    data = answers_removed(request_data(screen_token=token, pain_where=""))
    response = logged_in.post(request_url(therapist), data)
    assert field_error(response, "pain_where") == "This field is required."
    assert token_in(response)
    assert "<legend>" + RED_FLAGS[0].question not in page(response)
    assert_nothing_stored_or_sent()


def test_therapist_cannot_screen_themself(client, therapist):
    client.force_login(therapist.user)
    response = client.post(request_url(therapist), screen_data())
    assert response.status_code == 403


def test_visitor_must_log_in_before_the_screen(client, therapist):
    response = client.post(request_url(therapist), screen_data(fever="yes"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- nothing of the screen is kept --------------------------------------------------


def test_nothing_of_the_screen_is_stored_or_logged(logged_in, therapist, caplog):
    """A clean screen and a sent request: the saved rows hold what the client
    wrote and nothing from the screen, not even that it was passed; no log line
    names a red flag, an answer or the token."""
    caplog.set_level(logging.DEBUG)
    step_one = screened(logged_in, therapist)
    token = token_in(step_one)
    logged_in.post(request_url(therapist), screen_data(fever="yes"))  # a stop
    response = logged_in.post(request_url(therapist), request_data(screen_token=token))
    assert response.status_code == 302

    (row,) = InterviewRequest.objects.values()
    assert set(row) == {
        "id",
        "client_id",
        "therapist_id",
        "pain_where",
        "pain_since",
        "past_treatments",
        "concerns",
        "contact_method",
        "phone",
        "health_notes",
        "status",
        "therapist_message",
        "created_at",
        "answered_at",
        "therapist_read_at",
        "client_read_at",
        "reported_at",
        "report_reason",
    }
    assert row["health_notes"] == []
    stored = repr(row) + repr(list(InterviewQuestion.objects.values()))
    for flag in RED_FLAGS:
        assert flag.name not in stored
        assert flag.question not in stored
    assert token not in stored
    assert "clear" not in stored.lower()

    logged = "\n".join(
        f"{record.getMessage()} {vars(record)}" for record in caplog.records
    )
    for flag in RED_FLAGS:
        assert flag.name not in logged
        assert flag.question not in logged
        assert flag.summary not in logged
    assert token not in logged
    assert "screen_token" not in logged
    # Nor in the mail to the therapist.
    (message,) = mail.outbox
    for flag in RED_FLAGS:
        assert flag.summary not in message.body.lower()
