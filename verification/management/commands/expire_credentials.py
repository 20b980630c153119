"""Expire lapsed credentials and remind therapists before they lapse.

Run daily, e.g. from cron:

    15 6 * * *  cd /srv/backcare && .venv/bin/python manage.py expire_credentials

Verified credentials past their expiry become "expired" (the badge rule already
ignores them from the day after expiry; this makes the status say so, records it
in the audit trail and tells the therapist). Therapists get one reminder when a
verified credential is 30 days or less from expiry. Clinicians' licences expire
and are reminded the same way; an expired one stops their recommendations
counting. Running it twice on the same day sends nothing new.
"""

import datetime

from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import timezone

from core.notifications import notify
from verification import decisions
from verification.models import Credential

REMINDER_DAYS = 30


class Command(BaseCommand):
    help = "Mark lapsed credentials expired and email expiry reminders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Run as if it were this day (YYYY-MM-DD).",
        )

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        credentials = Credential.objects.select_related(
            "therapist__user", "clinician__user"
        )
        expired = decisions.expire(credentials=credentials, today=today)
        for credential in expired:
            self.notify(credential, "expired")
        reminded = decisions.remind(
            credentials=credentials, today=today, within_days=REMINDER_DAYS
        )
        for credential in reminded:
            self.notify(credential, "expiring")
        self.stdout.write(
            f"{len(expired)} credential(s) expired, {len(reminded)} reminder(s) sent."
        )

    def notify(self, credential, what: str) -> None:
        user = credential.holder.user
        if not user.email:
            return
        subject = (
            f"Your {credential.get_kind_display().lower()} has expired"
            if what == "expired"
            else f"Your {credential.get_kind_display().lower()} expires soon"
        )
        # The status change is already saved; a mail outage must not undo it or
        # stop the run. The log has the error.
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
            self.stderr.write(f"Could not email {user.email}.")
