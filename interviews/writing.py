"""Sending an interview request, answering one and writing in its thread: each a
write across the request and its questions or messages, in one transaction, with
its rule checked on locked rows so that requests arriving at the same moment
cannot pass it.

The cap on a client's open requests is counted in the database under a lock on
the client's row; requests, messages and reports per account and per IP are
counted in the shared cache (core.ratelimit) by the views.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.locks import lock_user
from core.ratelimit import Limit
from interviews.forms import AnswerForm, InterviewRequestForm, MessageForm
from interviews.models import (
    MAX_OPEN_REQUESTS,
    InterviewMessage,
    InterviewQuestion,
    InterviewRequest,
)

# Per account and per IP, in the shared cache.
REQUESTS = Limit("interview_request", count=10, seconds=3600)
REPORTS = Limit("interview_report", count=10, seconds=3600)
MESSAGES = Limit("interview_message", count=30, seconds=3600)

STAYS_ACCEPTED = (
    "You accepted this request and the client's contact details were shared with "
    "you: it cannot be declined now. Write to the client instead."
)


@transaction.atomic
def send_request(*, therapist, client, form: InterviewRequestForm) -> InterviewRequest:
    """Save a request with its questions. Raises ValidationError, saving
    nothing, when the client already has an open request with this therapist or
    MAX_OPEN_REQUESTS open ones in all."""
    lock_user(client)
    mine = InterviewRequest.objects.filter(client=client).open()
    if mine.filter(therapist=therapist).exists():
        raise ValidationError(
            "You already have an open request with this therapist; wait for "
            "the answer before sending another.",
            code="already_open",
        )
    open_requests = mine.count()
    if open_requests >= MAX_OPEN_REQUESTS:
        raise ValidationError(
            f"You have {open_requests} requests waiting for answers; you "
            f"can have at most {MAX_OPEN_REQUESTS} open at a time.",
            code="too_many_open",
        )
    interview = form.save(commit=False)
    interview.therapist = therapist
    interview.client = client
    interview.save()
    InterviewQuestion.objects.bulk_create(
        InterviewQuestion(request=interview, position=position, text=text)
        for position, text in enumerate(form.questions())
    )
    return interview


@transaction.atomic
def answer_request(*, interview: InterviewRequest, form: AnswerForm) -> None:
    """Store the answers and the decision. Raises ValidationError, changing
    nothing, on a decline of an accepted request: the client's contact details
    were shared when it was accepted (checked on the locked row)."""
    stored = InterviewRequest.objects.select_for_update().get(pk=interview.pk)
    decision = form.cleaned_data["decision"]
    if (
        stored.status == InterviewRequest.Status.ACCEPTED
        and decision == InterviewRequest.Status.DECLINED
    ):
        raise ValidationError(
            {"decision": ValidationError(STAYS_ACCEPTED, code="stays_accepted")}
        )
    for question in form.questions:
        question.answer = form.cleaned_data[f"answer_{question.pk}"]
    InterviewQuestion.objects.bulk_update(form.questions, ["answer"])
    interview.status = decision
    interview.therapist_message = form.cleaned_data["message"]
    interview.answered_at = timezone.now()
    interview.therapist_read_at = interview.therapist_read_at or interview.answered_at
    interview.client_read_at = None
    interview.save(
        update_fields=[
            "status",
            "therapist_message",
            "answered_at",
            "therapist_read_at",
            "client_read_at",
        ]
    )


@transaction.atomic
def post_message(
    *, interview: InterviewRequest, author, form: MessageForm
) -> InterviewMessage:
    """Add the author's message to the thread and mark it unread for the other
    side. Raises ValidationError on the body, saving nothing, when the author
    may not write now (InterviewRequest.why_no_reply(), checked on the locked
    row: a decline arriving at the same moment closes the thread first)."""
    stored = InterviewRequest.objects.select_for_update().get(pk=interview.pk)
    side = interview.side_of(author)
    refusal = stored.why_no_reply(side)
    if refusal:
        raise ValidationError({"body": ValidationError(refusal, code="closed")})
    message = InterviewMessage.objects.create(
        request=stored, author_side=side, body=form.cleaned_data["body"]
    )
    # The other side has something new to read.
    unread = (
        "therapist_read_at"
        if side == InterviewMessage.Side.CLIENT
        else "client_read_at"
    )
    InterviewRequest.objects.filter(pk=stored.pk).update(**{unread: None})
    setattr(interview, unread, None)
    return message
