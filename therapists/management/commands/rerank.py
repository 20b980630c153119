"""Rescore every therapist, and copy the scores onto their locations.

    python manage.py rerank

Each change that moves a score rescores its therapist in the same transaction
(docs/architecture.md), so nothing needs this daily. Run it after the formula in
therapists.ranking changes (a migration does it on deploy) or after a bulk
import that wrote the stored columns directly.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from therapists.models import Therapist


class Command(BaseCommand):
    help = "Recompute every therapist's qualification score and its location copies."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = Therapist.objects.rerank()
        self.stdout.write(f"{changed} therapist score(s) changed.")
