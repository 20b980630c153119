"""What each side reads: the therapist is addressed as the one being asked, and
decides before answering."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.interviews.helpers import answer_data, page

pytestmark = pytest.mark.django_db

INBOX_URL = reverse("interviews:inbox")
NOBODY_ASKED_YOU = "No client has asked you anything yet."
YOU_ASKED_NOBODY = "You have not asked anyone yet."


def title_and_heading(html: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
    heading = re.search(r'<h1 class="page-title">(.*?)</h1>', html).group(1)
    return title.split("|")[0].strip(), heading


def test_therapist_reads_questions_from_the_client(client, therapist, interview):
    client.force_login(therapist.user)
    html = page(client.get(interview.get_absolute_url()))
    title, heading = title_and_heading(html)
    assert heading == "Questions from Pat"
    assert title.startswith("Questions from Pat")
    assert "Questions for Dana Owner" not in html


def test_a_client_without_a_first_name_is_a_client(client, therapist):
    interview = factories.make_interview(
        therapist=therapist, client=factories.make_user(first_name="")
    )
    client.force_login(therapist.user)
    _, heading = title_and_heading(page(client.get(interview.get_absolute_url())))
    assert heading == "Questions from a client"


def test_client_reads_questions_for_the_therapist(client, client_user, interview):
    client.force_login(client_user)
    _, heading = title_and_heading(page(client.get(interview.get_absolute_url())))
    assert heading == "Questions for Dana Owner"


def test_therapist_decides_before_answering(client, therapist, interview):
    client.force_login(therapist.user)
    html = page(client.get(interview.get_absolute_url()))
    first_answer = html.index('name="answer_')
    assert html.index("<h2>Your decision</h2>") < first_answer
    assert html.index('name="decision"') < first_answer
    assert html.index('name="message"') < first_answer
    assert html.index("<h2>Your decision</h2>") < html.index("<h2>Your answers</h2>")


def test_accepted_client_reads_the_outcome_before_the_answers(
    client, client_user, therapist, interview
):
    client.force_login(therapist.user)
    client.post(interview.get_absolute_url(), answer_data(interview))
    client.force_login(client_user)
    html = page(client.get(interview.get_absolute_url()))
    assert html.index("How to reach Dana Owner") < html.index("Questions and answers")


def test_therapist_with_no_requests_is_told_so_in_their_own_words(client, therapist):
    client.force_login(therapist.user)
    html = page(client.get(INBOX_URL))
    assert NOBODY_ASKED_YOU in html
    # A therapist who asked nobody is not told to go and ask someone.
    assert YOU_ASKED_NOBODY not in html
    assert 'aria-labelledby="sent"' not in html


def test_therapist_who_asked_another_therapist_sees_both_lists(
    client, therapist, other_therapist
):
    factories.make_interview(therapist=other_therapist, client=therapist.user)
    client.force_login(therapist.user)
    html = page(client.get(INBOX_URL))
    assert NOBODY_ASKED_YOU in html
    assert "Questions you asked" in html
    assert "Olive Other" in html


def test_client_with_nothing_sent_keeps_the_clients_wording(client, client_user):
    client.force_login(client_user)
    html = page(client.get(INBOX_URL))
    assert YOU_ASKED_NOBODY in html
    assert NOBODY_ASKED_YOU not in html
