"""Keeping the details clients rely on confirmed (therapists.freshness): when
the dashboard asks for a confirmation, and the daily job that lowers the scores
of those that just went stale and reminds their therapists."""

import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.notifications import notify
from therapists import freshness
from therapists.models import Therapist

# A run that missed days still lowers the scores of those that went stale
# meanwhile (`manage.py rerank` catches up on anything older).
CATCH_UP_DAYS = 7


def needs_confirmation(
    therapist: Therapist, today: datetime.date | None = None
) -> bool:
    """Whether the dashboard asks the therapist to confirm their details: never
    confirmed, stale, or going stale within freshness.ASK_DAYS_BEFORE days."""
    confirmed_on = therapist.details_confirmed_on
    if confirmed_on is None:
        return True
    ask_from = freshness.stale_from(confirmed_on) - datetime.timedelta(
        days=freshness.ASK_DAYS_BEFORE
    )
    return (today or timezone.localdate()) >= ask_from


def stale_from(therapist: Therapist) -> datetime.date | None:
    """The first day the therapist's current confirmation no longer counts."""
    confirmed_on = therapist.details_confirmed_on
    return None if confirmed_on is None else freshness.stale_from(confirmed_on)


@transaction.atomic
def rerank_turned_stale(*, today: datetime.date, days_back: int = CATCH_UP_DAYS) -> int:
    """Rescore the therapists whose confirmation stopped counting in the last
    `days_back` days up to `today` (no write moved their stored score); returns
    how many scores changed."""
    return Therapist.objects.details_turned_stale(today, days_back=days_back).rerank(
        on=today
    )


@transaction.atomic
def remind(*, today: datetime.date, address: str) -> list[Therapist]:
    """Email every published therapist whose details are stale, at most once per
    freshness.REMINDER_EVERY_DAYS, with a link to their dashboard (where one
    POST confirms everything); returns those reminded."""
    due = list(
        Therapist.objects.due_details_reminder(today)
        .select_related("user")
        .prefetch_related("languages", "locations")
        .order_by("pk")
    )
    Therapist.objects.filter(pk__in=[t.pk for t in due]).update(
        details_reminder_sent_on=today
    )
    link = f"{address.rstrip('/')}{reverse('dashboard:home')}#confirm-details"
    for therapist in due:
        notify(
            subject="Are the details on your profile still right?",
            body=render_to_string(
                "dashboard/email/confirm_details.txt",
                {
                    "therapist": therapist,
                    "user": therapist.user,
                    "confirmation": freshness.confirmation(
                        therapist.details_confirmed_on, today
                    ),
                    "link": link,
                    "every_days": freshness.REMINDER_EVERY_DAYS,
                },
            ),
            to=therapist.user.email,
        )
    return due


def rerank_and_remind(*, today: datetime.date, address: str) -> str:
    """The daily job (`remind_stale_details`, command and task): rescore those
    whose details just went stale, then remind; says what it did. A second run
    the same day changes and sends nothing new."""
    lowered = rerank_turned_stale(today=today)
    reminded = remind(today=today, address=address)
    return (
        f"{lowered} score(s) lowered for stale details, "
        f"{len(reminded)} reminder(s) sent."
    )
