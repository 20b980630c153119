"""Queue again the mail a worker claimed and never finished (it was killed)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.models import OutgoingMail
from core.notifications import CLAIM_EXPIRY, send_mail_task


class Command(BaseCommand):
    help = (
        "Queue another try of every mail claimed by a worker more than "
        f"{CLAIM_EXPIRY} ago and not marked sent (the worker died mid-send)."
    )

    def handle(self, *args, **options):
        keys = OutgoingMail.objects.stalled(timezone.now(), CLAIM_EXPIRY).values_list(
            "key", flat=True
        )
        count = 0
        for key in keys:
            # The task claims the row again, so a mail queued twice goes once.
            send_mail_task.enqueue(str(key))
            count += 1
        self.stdout.write(f"{count} stalled mail(s) queued again.")
