"""Conversations as plain data, for a person's data export."""

from interviews.models import InterviewRequest


def interview_data(interview: InterviewRequest, for_therapist: bool = False) -> dict:
    # A therapist sees a client's phone number only once they have accepted.
    shares_phone = not for_therapist or interview.shares_contact
    return {
        "therapist": interview.therapist.display_name,
        "status": interview.status,
        "pain_where": interview.pain_where,
        "pain_since": interview.pain_since,
        "past_treatments": interview.past_treatments,
        "concerns": interview.concerns,
        "contact_method": interview.contact_method,
        "phone": interview.phone if shares_phone else "",
        "health_notes": interview.health_note_labels,
        "therapist_message": interview.therapist_message,
        "created_at": interview.created_at,
        "questions": [
            {"question": q.text, "answer": q.answer} for q in interview.questions.all()
        ],
        "messages": [
            {"from": m.author_side, "body": m.body, "created_at": m.created_at}
            for m in interview.messages.all()
        ],
    }


def requests_sent(user) -> list[dict]:
    """Interview requests a person sent as a client."""
    interviews = InterviewRequest.objects.filter(client=user)
    return [
        interview_data(interview)
        for interview in interviews.select_related("therapist").prefetch_related(
            "questions", "messages"
        )
    ]


def requests_received(user) -> list[dict]:
    """Interview requests a therapist received (client phones only once accepted)."""
    interviews = InterviewRequest.objects.filter(therapist__user=user)
    return [
        interview_data(interview, for_therapist=True)
        for interview in interviews.select_related("therapist").prefetch_related(
            "questions", "messages"
        )
    ]
