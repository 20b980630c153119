"""Print the query plan of every search shape and fail on a full table scan.

    python manage.py explain_search            # plans for the shapes below
    python manage.py explain_search --quiet    # only the verdict

Each shape is validated by TherapistFilter and run through therapists.search, so
the SQL checked is the SQL the search page sends: the count for the paginator and
the first page of rows. The search page must never read the review table at all.

SQLite: a line "SCAN <table>" without an index is a full table scan.
PostgreSQL: each plan is asked for with sequential scans priced out of reach
(`SET LOCAL enable_seqscan = off`, inside a transaction), so that on tables
small enough to be cheaper read whole the planner still shows whether an index
can serve the shape; a "Seq Scan on <table>" left in that plan means none can.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.http import QueryDict

from therapists import compiled
from therapists.filters import TherapistFilter
from therapists.search import search

SHAPES = [
    "",
    "near=10001&radius=25&technique=deep-tissue&verified=on",
    "near=10001&radius=25&technique=deep-tissue&verified=on&sort=distance",
    "near=10001&radius=100&sort=rating",
    "near=10001&radius=25&accepting=on&sort=best",
    "technique=deep-tissue&technique=trigger-point",
    "condition=sciatica&sort=reviews",
    "verified=on&sort=price",
    "min_rating=4.5&min_reviews=5&sort=rating",
    "min_verified_rating=4.5&sort=rating",
    "near=10001&radius=25&min_verified_rating=4&sort=best",
    "accepting=on&max_price=120&sort=experience",
    "language=es&gender=woman",
    "mobile=on&accessible=on",
    "access=step-free&access=adjustable-table&sort=rating",
    "near=10001&radius=25&access=scent-free&access=parking&sort=best",
    "hours=evenings&sort=rating",
    "near=10001&radius=25&hours=evenings&hours=weekends&sort=best",
    "length=90&max_price=150&sort=price",
    "near=10001&radius=25&length=30&max_price=70&sort=best",
    "payment=hsa-fsa&payment=superbill",
    "near=10001&radius=25&payment=insurance&sort=best",
    "gentle=on&sort=rating",
    "near=10001&radius=25&gentle=on&sort=best",
    "q=myofascial",
    "q=maria+brooklyn",
]
# Several parameters at once (SHAPES covers each one): issue 16's journey,
# four needs at once near a place.
COMBINED_SHAPES = [
    "near=10001&radius=25&payment=hsa-fsa&access=step-free&gentle=on&hours=evenings",
    "near=10001&payment=hsa-fsa&access=step-free&gentle=on&hours=evenings"
    "&sort=distance",
]
TABLES = ("therapists_therapist", "reviews_review", "therapists_practicelocation")
FULL_SCAN = re.compile(r"\bSCAN (\w+)(?! USING)(?:\s|$)")
SEQ_SCAN = re.compile(r"\bSeq Scan on (\w+)")


def plan_lines(sql: str, params) -> list[str]:
    """The plan of one statement, a line per step, on SQLite or PostgreSQL."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


def problems_in(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        match = FULL_SCAN.search(line) or SEQ_SCAN.search(line)
        if match and match.group(1) in TABLES:
            found.append(f"full scan: {line}")
        if "reviews_review" in line:
            found.append(f"reads reviews: {line}")
    return found


def shape_queries(query: str):
    """(label, queryset) pairs the search page would run for `query`."""
    filterset = TherapistFilter(QueryDict(query))
    if not filterset.is_valid():
        raise CommandError(f"{query!r} is not a valid search: {filterset.errors}")
    # The search page's own calls; a paginator holds the ordered matches (for
    # a best match in a dense circle, those that can reach the page asked for).
    # The querysets are the reference; a shape therapists.compiled writes
    # once is checked in that form too.
    params = filterset.params()
    first = search(params, 1, compiled=False).paginator.object_list
    fiftieth = search(params, 50, compiled=False).paginator.object_list
    found = [
        ("count", first.order_by().values("pk")),
        ("page 1", first[:20]),
        ("page 50", fiftieth[980:1000]),
    ]
    for number, offset in ((1, 0), (50, 980)):
        rows = search(params, number).paginator.object_list
        if isinstance(rows, compiled.Rows):
            statement = Written(*rows.statement(offset, 20))
            found.append((f"page {number}, written once", statement))
    return found


class Written:
    """A statement of therapists.compiled, read as a queryset's is."""

    def __init__(self, sql: str, params: list):
        self.query, self.statement = self, (sql, params)

    def sql_with_params(self) -> tuple[str, list]:
        return self.statement


class Command(BaseCommand):
    help = "Check that every search shape is index-backed (SQLite or PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet, **options):
        if connection.vendor not in ("sqlite", "postgresql"):
            raise CommandError("explain_search reads SQLite and PostgreSQL plans.")
        failures = []
        shapes = [*SHAPES, *COMBINED_SHAPES]
        for shape in shapes:
            for label, queryset in shape_queries(shape):
                sql, params = queryset.query.sql_with_params()
                if label == "count":
                    # Django's own compiled SQL, wrapped as the paginator does.
                    sql = f"SELECT COUNT(*) FROM ({sql}) subquery"  # noqa: S608
                lines = plan_lines(sql, params)
                problems = problems_in(lines)
                failures.extend(f"?{shape} [{label}] {p}" for p in problems)
                if not quiet:
                    self.stdout.write(f"?{shape} [{label}]")
                    for line in lines:
                        self.stdout.write(f"    {line}")
        if failures:
            raise CommandError(
                "Search shapes not index-backed:\n" + "\n".join(failures)
            )
        self.stdout.write(
            self.style.SUCCESS(f"All {len(shapes)} search shapes are index-backed.")
        )
