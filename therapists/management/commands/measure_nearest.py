"""Time a search sorted by distance both ways, nearest first
(therapists.nearest) and sorting the whole circle, in a scratch database filled
with synthetic therapists and locations in seconds (the seeder takes minutes).

    DATABASE_URL=sqlite:////tmp/scratch-nearest.sqlite3 \\
        .venv/bin/python manage.py measure_nearest --rows 100000 --rows 1000000
    psql -h 127.0.0.1 -U postgres -c "create database scratch_nearest"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch_nearest \\
        .venv/bin/python manage.py measure_nearest --rows 100000 --rows 1000000

Refuses a database whose name does not contain "scratch": it migrates it and
replaces every therapist and location in it. A fifth of the locations crowd a
box of about 70 by 50 miles around ZIP 10001, the rest spread over the lower
48, so a ten times larger directory is ten times denser at the point. Prints
the median SQL time (every statement of one search page, several runs) per
shape and size, and for nearest first the ratio of the largest size to the
smallest.
"""

import functools
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict

from therapists import search
from therapists.filters import TherapistFilter
from therapists.indexing import technique_bit
from therapists.models import PracticeLocation, Technique, Therapist

SHAPES = {
    "distance": "near=10001&radius=25&sort=distance",
    "distance+technique+verified": (
        "near=10001&radius=25&technique=deep-tissue&verified=on&sort=distance"
    ),
    "distance+accepting, page 3": (
        "near=10001&radius=25&accepting=on&sort=distance&page=3"
    ),
}
RUNS = 9

# The numbers 1..n: a recursive CTE on SQLite, generate_series on PostgreSQL;
# and what differs between the two in the rows made from them.
DIALECTS = {
    "sqlite": {
        "series": (
            "WITH RECURSIVE series(i) AS (SELECT 1 UNION ALL "
            "SELECT i + 1 FROM series WHERE i < %s) "
        ),
        "band": "CAST({} * 10 AS INTEGER)",  # latitudes here are positive
        "date": "'2099-01-01'",
    },
    "postgresql": {
        "series": "WITH series(i) AS (SELECT generate_series(1::bigint, %s)) ",
        "band": "CAST(floor({} * 10) AS integer)",
        "date": "DATE '2099-01-01'",
    },
}


class Command(BaseCommand):
    help = "Time nearest-first against sorting the circle in a scratch database."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, action="append", required=True)
        parser.add_argument("--runs", type=int, default=RUNS)

    def handle(self, *args, rows, runs, **options):
        if "scratch" not in str(connection.settings_dict["NAME"]):
            raise CommandError("Use a database whose name contains 'scratch'.")
        call_command("migrate", verbosity=0)
        walked = {}
        for size in sorted(rows):
            started = time.perf_counter()
            fill(size)
            self.stdout.write(
                f"{connection.vendor} {size:,} therapists: "
                f"filled in {time.perf_counter() - started:.0f} s"
            )
            for name, query in SHAPES.items():
                old = median_sql_ms(query, runs, nearest_first=False)
                new = median_sql_ms(query, runs, nearest_first=True)
                walked[size, name] = new
                self.stdout.write(
                    f"  {name:<30} circle sorted {old:8.1f} ms   "
                    f"nearest first {new:6.1f} ms   ({old / new:.0f}x)"
                )
        smallest, largest = min(rows), max(rows)
        if smallest != largest:
            for name in SHAPES:
                ratio = walked[largest, name] / walked[smallest, name]
                self.stdout.write(
                    f"nearest first, {name}: {largest:,} / {smallest:,} = {ratio:.2f}"
                )


def fill(size: int) -> None:
    """Replace every therapist and location with `size` synthetic ones: a
    fifth in the box around ZIP 10001, a third offering deep tissue, half with
    the badge, seven in ten accepting clients; deterministic in `size`."""
    dialect = DIALECTS[connection.vendor]
    with connection.cursor() as cursor:
        for model in (PracticeLocation, Therapist, get_user_model()):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
    user = get_user_model().objects.create(username="template")
    template = Therapist.objects.create(
        user=user,
        display_name="Template",
        slug="template",
        headline="Deep tissue work for low back pain",
        bio="I treat back pain.",
        years_in_practice=10,
        back_pain_years=5,
        back_pain_caseload_percent=60,
        session_price=100,
        is_published=True,
    )
    deep, swedish = (
        technique_bit(Technique.objects.get(slug=slug).pk)
        for slug in ("deep-tissue", "swedish")
    )
    badge = f"CASE WHEN i %% 2 = 0 THEN {dialect['date']} END"
    clone(user, size, {"username": "'u' || i", "email": "'u' || i || '@example.org'"})
    clone(
        template,
        size,
        {
            "user_id": f"{user.pk} + i",
            "slug": "'t' || i",
            "display_name": "'Therapist ' || i",
            "accepting_new_clients": "i %% 10 < 7",
            "badge_valid_until": badge,
            "qualification_score": "(i * 7919 %% 6007) / 100.0",
        },
    )
    # Two scrambles of i for latitude and longitude; every fifth in the box.
    u, v = "((i * 48271) %% 999983) / 999983.0", "((i * 69621) %% 1000003) / 1000003.0"
    latitude = f"CASE WHEN i %% 5 = 0 THEN 40.4 + 0.7 * {u} ELSE 25 + 24 * {u} END"
    longitude = f"CASE WHEN i %% 5 = 0 THEN -74.45 + 0.9 * {v} ELSE -124 + 57 * {v} END"
    columns = {
        "therapist_id": f"{template.pk} + i",
        "name": "''",
        "street_address": "''",
        "city": "'Somewhere'",
        "state": "'NY'",
        "postal_code": "'10001'",
        "country": "'US'",
        "latitude": "lat",
        "longitude": "lng",
        "lat_band": dialect["band"].format("lat"),
        "is_home_based": "1 = 0",
        "listed": "1 = 1",
        "badge_valid_until": badge,
        "technique_bits": f"CASE WHEN i %% 3 = 0 THEN {deep} ELSE {swedish} END",
        "qualification_score": "(i * 7919 %% 6007) / 100.0",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"{dialect['series']}, points AS (SELECT i, {latitude} AS lat, "  # noqa: S608
            f"{longitude} AS lng FROM series) "
            f"INSERT INTO {PracticeLocation._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(columns.values())} FROM points",
            [size],
        )
        cursor.execute("ANALYZE")
    # The templates go last: their rows were the clones' defaults.
    Therapist.objects.filter(pk=template.pk).delete()
    user.delete()


def clone(row, size: int, made: dict[str, str]) -> None:
    """`size` copies of a model instance, the i-th with id row.pk + i and the
    SQL expressions of i in `made` for those columns."""
    dialect = DIALECTS[connection.vendor]
    table = row._meta.db_table
    with connection.cursor() as cursor:
        columns = [
            column.name
            for column in connection.introspection.get_table_description(cursor, table)
        ]
        made = {"id": f"{row.pk} + i", **made}
        chosen = ", ".join(made.get(column, f"t.{column}") for column in columns)
        cursor.execute(
            f"{dialect['series']}INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {chosen} FROM series, {table} t WHERE t.id = %s",
            [size, row.pk],
        )


def median_sql_ms(query: str, runs: int, **plan: bool) -> float:
    """The median over `runs` of the SQL time of one search page: every
    statement the page ran, executed again with its rows fetched. `plan`
    chooses the path (search.matches()' nearest_first, bounded_text); with
    either off, the search takes the ORM's path, not the compiled one."""
    filterset = TherapistFilter(QueryDict(query))
    if not filterset.is_valid():
        raise CommandError(f"{query}: {filterset.errors}")
    params = filterset.params()
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    matches = search.matches
    search.matches = functools.partial(matches, **plan)
    try:
        with connection.execute_wrapper(record):
            # A reference plan is the ORM's alone: the compiled statements
            # (therapists.compiled) are the site's own plan.
            found = search.search(
                params,
                QueryDict(query).get("page", "1"),
                compiled=all(plan.values()),
            )
            list(found.page.object_list)
    finally:
        search.matches = matches
    spent = []
    with connection.cursor() as cursor:
        for _ in range(runs + 1):  # the first warms the cache
            started = time.perf_counter()
            for sql, values in statements:
                cursor.execute(sql, values)
                cursor.fetchall()
            spent.append(time.perf_counter() - started)
    return statistics.median(spent[1:]) * 1000
