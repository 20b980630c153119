"""Merge the full-text index's segments into one (SQLite; nothing to do on
PostgreSQL), as the nightly `compact_search_index` job does.

    python manage.py compact_search_index

Run it after a bulk import that wrote many search documents; each step is a
write transaction of its own (therapists.indexing.compact_search_index()).
"""

from django.core.management.base import BaseCommand

from therapists.tasks import compact


class Command(BaseCommand):
    help = "Merge the full-text search index's segments into one."

    def handle(self, *args, **options):
        self.stdout.write(compact())
