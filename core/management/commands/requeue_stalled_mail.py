"""Queue again the mail a worker claimed and never finished (it was killed).

`manage.py scheduler` runs this every 5 minutes (core.tasks); the command is
for a site without one.
"""

from django.core.management.base import BaseCommand

from core.notifications import CLAIM_EXPIRY, requeue_stalled


class Command(BaseCommand):
    help = (
        "Queue another try of every mail claimed by a worker more than "
        f"{CLAIM_EXPIRY} ago and not marked sent (the worker died mid-send)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{requeue_stalled()} stalled mail(s) queued again.")
