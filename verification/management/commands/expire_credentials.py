"""Expire lapsed credentials and remind therapists before they lapse.

`manage.py scheduler` queues this daily at 06:15 (verification.tasks); from
cron instead:

    15 6 * * *  cd /srv/backcare && .venv/bin/python manage.py expire_credentials

Verified credentials past their expiry become "expired" (the badge rule already
ignores them from the day after expiry; this makes the status say so, records it
in the audit trail and tells the therapist). Therapists get one reminder when a
verified credential is 30 days or less from expiry. Clinicians' licences expire
and are reminded the same way; an expired one stops their recommendations
counting. Running it twice on the same day sends nothing new (verification.expiry).
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from verification.expiry import expire_and_remind


class Command(BaseCommand):
    help = "Mark lapsed credentials expired and email expiry reminders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Run as if it were this day (YYYY-MM-DD).",
        )

    def handle(self, *args, today=None, **options):
        run = expire_and_remind(today=today or timezone.localdate())
        for address in run.unsent:
            self.stderr.write(f"Could not email {address}.")
        self.stdout.write(str(run))
