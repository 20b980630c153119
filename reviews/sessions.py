"""Sessions a client and a therapist both record: the second way, after the
therapist's one-time invitation, that a review becomes one from a verified
client.

The client records "I had a session with X on <date>" (only with a therapist
who accepted their request to ask before booking, no later than
SESSION_RECORD_DAYS after it); the therapist confirms it, or records it first
and the client confirms. Once both have, the client's current review of the
therapist is marked as from a verified client, and so is any review they write
later (reviews.writing.author_was_verified()). Nothing else is checked: not
what happened in the session, nor whether it helped.

Each write locks the client's row and then the therapist's, in the order
reviews.writing.submit_review() takes them, so a review written at the moment a
session is confirmed is marked either way.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from core.locks import lock_user
from core.ratelimit import Limit
from interviews.models import InterviewRequest, Side
from reviews import stats
from reviews.models import (
    SESSION_RECORD_DAYS,
    Review,
    ReviewInvitation,
    SessionRecord,
)
from therapists.models import Therapist

# Sessions waiting for the other side, per client and therapist: enough for a
# few visits before the therapist gets round to it, never a flood of requests.
MAX_UNCONFIRMED = 3
# Per account and per IP, in the shared cache: a new record mails the other
# side; confirming or removing one writes.
RECORDS = Limit("session_record", count=20, seconds=24 * 3600)
ANSWERS = Limit("session_answer", count=100, seconds=3600)

NO_CONVERSATION = (
    "You can record a session once {name} has accepted your request to ask "
    "before booking."
)


def clients_of(therapist: Therapist) -> QuerySet:
    """The people who may record sessions with the therapist: clients whose
    request the therapist accepted, in the order they asked."""
    accepted = InterviewRequest.objects.filter(
        therapist=therapist,
        client=OuterRef("pk"),
        status=InterviewRequest.Status.ACCEPTED,
    )
    return (
        get_user_model()
        .objects.filter(Exists(accepted))
        .exclude(pk=therapist.user_id)
        .order_by("first_name", "last_name", "pk")
    )


def may_record(therapist: Therapist, client) -> bool:
    """Whether the client and the therapist may record sessions together."""
    return (
        therapist.user_id != client.pk
        and InterviewRequest.objects.filter(
            therapist=therapist,
            client=client,
            status=InterviewRequest.Status.ACCEPTED,
        ).exists()
    )


def date_problem(day: datetime.date) -> str:
    """Why a session date cannot be recorded ("" when it can)."""
    today = timezone.localdate()
    if day > today:
        return "A session can be recorded once it has taken place: choose a past date."
    if day < today - datetime.timedelta(days=SESSION_RECORD_DAYS):
        return (
            "Sessions can be recorded up to a year after they took place: "
            "choose a later date."
        )
    return ""


@transaction.atomic
def record_session(
    *, therapist: Therapist, client, session_date: datetime.date, side: str
) -> SessionRecord:
    """Record, for one side (Side.CLIENT or Side.THERAPIST), that a session took
    place; when the other side already recorded that date, this confirms it.

    Raises ValidationError, saving nothing, when they may not record sessions
    together, the date is out of range, this side already recorded it, or
    MAX_UNCONFIRMED of this side's records wait for the other. Sets
    `record.created` (a new record, for the other side to confirm) and
    `record.now_confirmed` (this recording confirmed it).
    """
    lock_user(client)
    therapist = Therapist.objects.select_for_update().get(pk=therapist.pk)
    if not may_record(therapist, client):
        raise ValidationError(
            NO_CONVERSATION.format(name=therapist.display_name),
            code="no_conversation",
        )
    if problem := date_problem(session_date):
        raise ValidationError(problem, code="date_out_of_range")
    mine = f"recorded_by_{side}_at"
    now = timezone.now()
    records = SessionRecord.objects.filter(therapist=therapist, client=client)
    record = records.filter(session_date=session_date).first()
    if record is not None and not record.awaits(side):
        raise ValidationError(
            "You already recorded a session on this date.", code="already_recorded"
        )
    if record is None:
        waiting = records.filter(**{f"{mine}__isnull": False})
        waiting = waiting.filter(**{f"recorded_by_{other(side)}_at__isnull": True})
        if waiting.count() >= MAX_UNCONFIRMED:
            raise ValidationError(
                f"{MAX_UNCONFIRMED} of the sessions you recorded are still waiting "
                "to be confirmed. You can record another once one of them is "
                "confirmed or removed.",
                code="too_many_unconfirmed",
            )
        record = SessionRecord.objects.create(
            therapist=therapist, client=client, session_date=session_date, **{mine: now}
        )
        record.created, record.now_confirmed = True, False
        return record
    setattr(record, mine, now)
    record.save(update_fields=[mine])
    record.created, record.now_confirmed = False, True
    verify_current_review(therapist, client)
    return record


@transaction.atomic
def confirm_session(*, record: SessionRecord, side: str) -> bool:
    """The other side's record confirmed by this side; whether it changed
    anything (False when it was already confirmed, or is gone)."""
    lock_user(record.client)
    therapist = Therapist.objects.select_for_update().get(pk=record.therapist_id)
    confirmed = SessionRecord.objects.filter(
        pk=record.pk, **{f"recorded_by_{side}_at__isnull": True}
    ).update(**{f"recorded_by_{side}_at": timezone.now()})
    if confirmed:
        verify_current_review(therapist, record.client)
    return bool(confirmed)


@transaction.atomic
def remove_session(*, record: SessionRecord) -> bool:
    """Remove a record one side made and the other has not confirmed (withdrawn
    by the one who made it, or turned down by the other); whether it was.
    A confirmed record stays: only staff remove one (forget_sessions())."""
    deleted, _ = (
        SessionRecord.objects.filter(pk=record.pk)
        .exclude(pk__in=SessionRecord.objects.confirmed().values("pk"))
        .delete()
    )
    return bool(deleted)


def verify_current_review(therapist: Therapist, client) -> None:
    """Mark the client's current review of the therapist (if any) as from a
    verified client, and recount the therapist's totals if that changed it.
    `therapist` must be locked."""
    marked = Review.objects.filter(
        therapist=therapist, author=client, is_current=True, is_verified_client=False
    ).update(is_verified_client=True)
    if marked:
        stats.review_changed(therapist)


@transaction.atomic
def forget_sessions(records: QuerySet) -> None:
    """Delete session records (staff, in the admin) and mark each affected
    client's current review afresh: it stays verified only through an
    invitation or another session both recorded. Recounts those therapists."""
    pairs = set(records.values_list("therapist_id", "client_id"))
    records.delete()
    changed = set()
    for therapist_id, client_id in sorted(pairs):
        invited = ReviewInvitation.objects.filter(
            therapist_id=therapist_id, used_by_id=client_id
        )
        sessions = SessionRecord.objects.confirmed().filter(
            therapist_id=therapist_id, client_id=client_id
        )
        still = Exists(invited) | Exists(sessions)
        unmarked = (
            Review.objects.filter(
                therapist_id=therapist_id,
                author_id=client_id,
                is_current=True,
                is_verified_client=True,
            )
            .exclude(still)
            .update(is_verified_client=False)
        )
        if unmarked:
            changed.add(therapist_id)
    if changed:
        stats.reviews_changed(changed)


def other(side: str) -> str:
    """The other side of a session record."""
    return Side.THERAPIST if side == Side.CLIENT else Side.CLIENT
