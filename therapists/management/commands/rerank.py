"""Rescore every therapist, and copy the scores onto their locations.

    python manage.py rerank
    python manage.py rerank --in-background   # queued for the task worker

Each change that moves a score rescores its therapist in the same transaction
(docs/architecture.md), so nothing needs this daily. Run it after the formula in
therapists.ranking changes (a migration does it on deploy) or after a bulk
import that wrote the stored columns directly. Staff can start it from the
therapists' list in the admin too.
"""

from django.core.management.base import BaseCommand

from core import schedule
from therapists.tasks import rerank_everyone


class Command(BaseCommand):
    help = "Recompute every therapist's qualification score and its location copies."

    def add_arguments(self, parser):
        parser.add_argument(
            "--in-background",
            action="store_true",
            help="Queue it for the task worker (manage.py db_worker) and return.",
        )

    def handle(self, *args, in_background=False, **options):
        if in_background:
            run = schedule.start("rerank")
            self.stdout.write(f"Rescoring queued (run {run.pk}).")
            return
        self.stdout.write(rerank_everyone())
