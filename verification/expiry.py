"""The daily expiry run: lapsed credentials marked expired, reminders before
they lapse, and the therapist or clinician told of each by email.

Shared by `manage.py expire_credentials` and the scheduled task
(verification.tasks). Running it twice on the same day sends nothing new: an
expired credential is no longer lapsed, and a reminder is recorded once per
expiry date (verification.decisions.remind), so a retry after a failed try
only does what the failed one did not.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.template.loader import render_to_string

from core.notifications import notify
from verification import decisions
from verification.models import Credential

REMINDER_DAYS = 30


@dataclass
class ExpiryRun:
    """What one run did: credentials expired and reminded, addresses not mailed."""

    expired: list[Credential]
    reminded: list[Credential]
    unsent: list[str] = field(default_factory=list)

    def __str__(self):
        return (
            f"{len(self.expired)} credential(s) expired, "
            f"{len(self.reminded)} reminder(s) sent."
        )


def expire_and_remind(*, today: datetime.date) -> ExpiryRun:
    """Expire the credentials that lapsed before `today`, record a reminder for
    those expiring within REMINDER_DAYS, and email their holders."""
    credentials = Credential.objects.select_related(
        "therapist__user", "clinician__user"
    )
    run = ExpiryRun(expired=[], reminded=[])
    # Each change and its mails are stored in one transaction: a crash in
    # between leaves neither, and the next run does both (the mails go once
    # it commits).
    with transaction.atomic():
        run.expired = decisions.expire(credentials=credentials, today=today)
        for credential in run.expired:
            _tell(credential, "expired", run)
    with transaction.atomic():
        run.reminded = decisions.remind(
            credentials=credentials, today=today, within_days=REMINDER_DAYS
        )
        for credential in run.reminded:
            _tell(credential, "expiring", run)
    return run


def _tell(credential: Credential, what: str, run: ExpiryRun) -> None:
    user = credential.holder.user
    if not user.email:
        return
    kind = credential.get_kind_display().lower()
    subject = (
        f"Your {kind} has expired" if what == "expired" else f"Your {kind} expires soon"
    )
    # Stored with the change; the worker sends it, so a mail outage never
    # undoes the change or stops the run.
    sent = notify(
        subject=subject,
        body=render_to_string(
            "verification/email/expiry.txt",
            {
                "credential": credential,
                "user": user,
                "what": what,
                "clinician": credential.is_clinicians,
            },
        ),
        to=user.email,
    )
    if not sent:
        run.unsent.append(user.email)
