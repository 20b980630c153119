"""Measure the site-wide mean rating, share it, and rescore every therapist.

    python manage.py rerank

Each therapist's score blends their rating with the site mean (see
therapists.ranking). Reviews move the mean a little at a time; the score of a
therapist whose own figures did not change keeps the mean it was computed with.
Run this daily (or after a bulk import) so every score uses today's mean: it
stores the mean in the shared cache, where every worker reads it, then rescores.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from therapists import ranking
from therapists.models import Therapist


class Command(BaseCommand):
    help = "Store today's site mean rating in the shared cache and rescore everyone."

    def handle(self, *args, **options):
        site_mean = ranking.store_site_mean(Therapist.objects.measured_site_mean())
        with transaction.atomic():
            changed = Therapist.objects.rerank()
        self.stdout.write(
            f"Site mean {site_mean:.3f}; {changed} therapist score(s) changed."
        )
