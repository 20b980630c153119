"""What the interview tests post, and read back from pages and the database."""

from django.urls import reverse

from interviews.models import STANDARD_QUESTIONS, InterviewRequest
from interviews.safety import RED_FLAGS

QUESTIONS = [
    "How many clients with sciatica have you treated?",
    "Which techniques would you use for me, and why?",
]


def page(response) -> str:
    return response.content.decode()


def clear_screen() -> dict:
    """A "no" to every red flag of the safety screen."""
    return {flag.name: "no" for flag in RED_FLAGS}


def screened(client, therapist):
    """The request form, as shown after a clean safety screen."""
    url = reverse("interviews:request", kwargs={"slug": therapist.slug})
    response = client.post(url, {"step": "screen", **clear_screen()})
    assert response.status_code == 200
    assert 'name="screen_token"' in page(response)
    return response


def request_data(**overrides) -> dict:
    """What a client posts on the request form: every standard question kept,
    and, on the same page, "no" to every red flag (as after an expired screen)."""
    data = clear_screen()
    data.update({f"question_{i}": text for i, text in enumerate(STANDARD_QUESTIONS)})
    data.update(
        {
            "own_question": "",
            "pain_where": "Lower back, left side",
            "pain_since": "Last winter",
            "past_treatments": "Stretching, two physiotherapy sessions",
            "concerns": "",
            "contact_method": "email",
            "phone": "",
        }
    )
    data.update(overrides)
    return data


def message_url(interview) -> str:
    return reverse("interviews:reply", kwargs={"pk": interview.pk})


def answer_data(interview, decision="accepted", message="", answers=None) -> dict:
    """What the therapist posts: one answer per question, in order."""
    questions = list(interview.questions.all())
    answers = answers or [f"Answer number {n}" for n in range(1, len(questions) + 1)]
    data = {"decision": decision, "message": message}
    for question, answer in zip(questions, answers, strict=True):
        data[f"answer_{question.pk}"] = answer
    return data


def snapshot(interview: InterviewRequest) -> dict:
    """Everything a refused request must leave as it was."""
    interview.refresh_from_db()
    return {
        "status": interview.status,
        "therapist_message": interview.therapist_message,
        "answered_at": interview.answered_at,
        "therapist_read_at": interview.therapist_read_at,
        "client_read_at": interview.client_read_at,
        "reported_at": interview.reported_at,
        "report_reason": interview.report_reason,
        "answers": list(interview.questions.values_list("answer", flat=True)),
        "messages": list(interview.messages.values_list("author_side", "body")),
    }
