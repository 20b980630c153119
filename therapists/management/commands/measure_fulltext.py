"""Time free-text searches both ways, bounded (therapists.fulltext) and the
reference (TherapistQuerySet.search(): every match listed first), in a scratch
SQLite or PostgreSQL database filled with synthetic therapists in seconds.

    DATABASE_URL=sqlite:////tmp/scratch-fulltext.sqlite3 \\
        .venv/bin/python manage.py measure_fulltext --rows 100000 --rows 1000000
    psql -h 127.0.0.1 -U postgres -c "create database scratch_fulltext"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch_fulltext \\
        .venv/bin/python manage.py measure_fulltext --rows 100000 --rows 1000000

Refuses a database whose name does not contain "scratch": it migrates it and
replaces every therapist in it (measure_nearest's fill()). Five in six
documents hold "deep" (and "deeply" or "deeper" now and then), one in a
thousand "sciatica". Prints the median SQL time (every statement of one
search page, several runs) per shape and size, and the bounded one's ratio of
the largest size to the smallest.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from therapists.management.commands.measure_nearest import fill, median_sql_ms

SHAPES = {
    "q=deep": "q=deep",
    "q=deep, page 10": "q=deep&page=10",
    "q=deep, by price": "q=deep&sort=price",
    "q=deep tissue, verified": "q=deep+tissue&verified=on",
    "q=sciatica (sparse)": "q=sciatica",
}
RUNS = 9
DOCUMENT = (
    "'Therapist ' || id || ' ' || "
    "CASE WHEN id % 6 = 0 THEN 'Swedish' WHEN id % 17 = 0 THEN 'Deeply relaxing' "
    "WHEN id % 19 = 0 THEN 'Deeper tissue' ELSE 'Deep tissue' END || "
    "' massage for low back pain ' || "
    "CASE WHEN id % 1000 = 0 THEN 'Sciatica' ELSE 'Neck pain' END || "
    "' Somewhere NY w' || (id % 5000)"
)


class Command(BaseCommand):
    help = "Time bounded free text against listing every match, in a scratch database."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, action="append", required=True)
        parser.add_argument("--runs", type=int, default=RUNS)

    def handle(self, *args, rows, runs, **options):
        if "scratch" not in str(connection.settings_dict["NAME"]):
            raise CommandError("Use a database whose name contains 'scratch'.")
        call_command("migrate", verbosity=0)
        bounded = {}
        for size in sorted(rows):
            started = time.perf_counter()
            fill(size)
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM therapists_search")
                key = "rowid" if connection.vendor == "sqlite" else "therapist_id"
                cursor.execute(
                    f"INSERT INTO therapists_search ({key}, document) "  # noqa: S608
                    f"SELECT id, {DOCUMENT} FROM therapists_therapist"
                )
                if connection.vendor == "sqlite":
                    cursor.execute(
                        "INSERT INTO therapists_search (therapists_search) "
                        "VALUES ('optimize')"
                    )
                else:
                    cursor.execute("VACUUM ANALYZE therapists_search")
            self.stdout.write(
                f"{size:,} therapists: filled in {time.perf_counter() - started:.0f} s"
            )
            for name, query in SHAPES.items():
                old = median_sql_ms(query, runs, bounded_text=False)
                new = median_sql_ms(query, runs, bounded_text=True)
                bounded[size, name] = new
                self.stdout.write(
                    f"  {name:<26} every match {old:8.1f} ms   "
                    f"bounded {new:6.1f} ms   ({old / new:.0f}x)"
                )
        smallest, largest = min(rows), max(rows)
        if smallest != largest:
            for name in SHAPES:
                ratio = bounded[largest, name] / bounded[smallest, name]
                self.stdout.write(
                    f"bounded, {name}: {largest:,} / {smallest:,} = {ratio:.2f}"
                )
