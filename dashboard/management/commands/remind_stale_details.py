"""Lower the scores of details that just went stale, and remind therapists.

`manage.py scheduler` queues this daily at 06:20 (dashboard.tasks); from cron
instead:

    20 6 * * *  cd /srv/backcare && .venv/bin/python manage.py remind_stale_details

A therapist's details (taking new clients, price, languages, home visits,
access) count as confirmed for 90 days (therapists.freshness). No write moves
a score when those days run out, so this job rescores the therapists whose
confirmation stopped counting since the last run (an indexed range, not
everyone), then emails each published therapist whose details are unconfirmed,
at most once every 30 days, with a link to the dashboard where one button
confirms everything. Running it twice on the same day changes and sends
nothing new.

Links in the email start with DJANGO_SITE_ADDRESS (or --address).
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from dashboard import confirmation


class Command(BaseCommand):
    help = "Rescore therapists whose details just went stale, and remind them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Run as if it were this day (YYYY-MM-DD).",
        )
        parser.add_argument(
            "--address",
            default=settings.SITE_ADDRESS,
            help="Where the site runs, for the link in the email "
            f"(default DJANGO_SITE_ADDRESS, now {settings.SITE_ADDRESS}).",
        )

    def handle(self, *args, today=None, address, **options):
        self.stdout.write(
            confirmation.rerank_and_remind(
                today=today or timezone.localdate(), address=address
            )
        )
