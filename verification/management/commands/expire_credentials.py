"""Expire lapsed credentials and remind therapists before they lapse.

Run daily, e.g. from cron:

    15 6 * * *  cd /srv/backcare && .venv/bin/python manage.py expire_credentials

Verified credentials past their expiry become "expired" (the badge rule already
ignores them from the day after expiry; this makes the status say so, records it
in the audit trail and tells the therapist). Therapists get one reminder when a
verified credential is 30 days or less from expiry. Running it twice on the same
day sends nothing new.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.notifications import notify
from verification import badges
from verification.decisions import record_event, snapshot
from verification.models import Credential, CredentialEvent

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
        verified = Credential.objects.filter(
            status=Credential.Status.VERIFIED
        ).select_related("therapist__user")
        lapsed = list(verified.filter(expires_on__lt=today))
        with transaction.atomic():
            for credential in lapsed:
                old = snapshot(credential)
                credential.status = Credential.Status.EXPIRED
                credential.save(update_fields=["status", "updated_at"])
                record_event(
                    credential=credential,
                    action=CredentialEvent.Action.EXPIRED,
                    note=f"Expired on {credential.expires_on:%Y-%m-%d}.",
                    old=old,
                )
            badges.credentials_changed(credential.therapist_id for credential in lapsed)
        for credential in lapsed:
            self.notify(credential, "expired")
        expired = len(lapsed)
        reminded = 0
        soon = today + datetime.timedelta(days=REMINDER_DAYS)
        for credential in verified.filter(expires_on__gte=today, expires_on__lte=soon):
            already = CredentialEvent.objects.filter(
                credential=credential,
                action=CredentialEvent.Action.REMINDED,
                new_values__expires_on=credential.expires_on.isoformat(),
            ).exists()
            if already:
                continue
            record_event(
                credential=credential,
                action=CredentialEvent.Action.REMINDED,
                note=f"Reminder: expires on {credential.expires_on:%Y-%m-%d}.",
            )
            self.notify(credential, "expiring")
            reminded += 1
        self.stdout.write(
            f"{expired} credential(s) expired, {reminded} reminder(s) sent."
        )

    def notify(self, credential, what: str) -> None:
        user = credential.therapist.user
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
                {"credential": credential, "user": user, "what": what},
            ),
            to=user.email,
        )
        if not sent:
            self.stderr.write(f"Could not email {user.email}.")
