"""Time pages in-process: server time split into SQL and Python, and SQL queries.

    DATABASE_URL=sqlite:////tmp/big/db.sqlite3 .venv/bin/python bench/time_search.py \\
        "/therapists/?near=10001&radius=25&technique=deep-tissue&verified=on"

Each URL is passed to the project's WSGI application in-process (the full
middleware, view and template stack, no network and no test instrumentation),
after warm-up requests, so the figures are the server's own time for the page.
The floor's pages (/bench/floor/search/, /bench/floor/profile/<slug>/) are
served too (bench/settings.py mounts them).
Load tests over HTTP come with `make bench`.
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The site's settings with the floor's pages mounted (bench/floor.py).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


# WhiteNoise warns that STATIC_ROOT is missing until `collectstatic` runs.
warnings.filterwarnings("ignore", message="No directory at")

FETCHES = frozenset({"fetchone", "fetchmany", "fetchall"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile summary per URL"
    )
    parser.add_argument("--json", action="store_true", help="one JSON line per URL")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.db.backends.utils import CursorWrapper
    from django.test import RequestFactory

    from directory.wsgi import application
    from therapists.models import Therapist

    factory = RequestFactory(HTTP_HOST="127.0.0.1")

    def get(url: str) -> int:
        path, _, query = url.partition("?")
        environ = factory._base_environ(PATH_INFO=path, QUERY_STRING=query)
        statuses = []
        body = application(environ, lambda status, headers: statuses.append(status))
        b"".join(body)
        return int(statuses[0].split()[0])

    class SQLTimer:
        """Counts queries and the time spent inside the database driver: in
        executing each statement and in fetching its rows. SQLite does most
        of a query's work as the rows are fetched, so a timer around execute()
        alone put the page query's time in "Python"."""

        current = None

        def __init__(self):
            self.queries, self.seconds = 0, 0.0

        def __call__(self, execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                self.seconds += time.perf_counter() - start
                self.queries += 1

    # Django hands fetchone/fetchmany/fetchall straight to the driver's cursor
    # (CursorWrapper.__getattr__); time them for the request being measured.
    driver_attribute = CursorWrapper.__getattr__

    def timed_attribute(cursor, name):
        found = driver_attribute(cursor, name)
        timer = SQLTimer.current
        if timer is None or name not in FETCHES:
            return found

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return found(*args, **kwargs)
            finally:
                timer.seconds += time.perf_counter() - start

        return timed

    CursorWrapper.__getattr__ = timed_attribute

    if not args.json:
        print(
            f"{connection.vendor}, {Therapist.objects.count():,} therapists, "
            f"{args.runs} runs after {args.warmup} warm-up requests"
        )
        print(
            f"{'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'SQL ms':>7} "
            f"{'Python ms':>10} {'queries':>8}  url"
        )
    failed = False
    for url in args.urls:
        for _ in range(args.warmup):
            get(url)
        timings, sql_ms, queries = [], [], 0
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.runs):
            timer = SQLTimer.current = SQLTimer()
            with connection.execute_wrapper(timer):
                if profiler:
                    profiler.enable()
                start = time.perf_counter()
                status = get(url)
                timings.append((time.perf_counter() - start) * 1000)
                if profiler:
                    profiler.disable()
            SQLTimer.current = None
            sql_ms.append(timer.seconds * 1000)
            queries = max(queries, timer.queries)
            if status != 200:
                print(f"HTTP {status} for {url}", file=sys.stderr)
                failed = True
        row = {
            "url": url,
            "median_ms": statistics.median(timings),
            "p95_ms": percentile(timings, 0.95),
            "max_ms": max(timings),
            "sql_ms": statistics.median(sql_ms),
            "queries": queries,
        }
        row["python_ms"] = row["median_ms"] - row["sql_ms"]
        if args.json:
            print(json.dumps(row))
        else:
            print(
                f"{row['median_ms']:10.1f} {row['p95_ms']:8.1f} {row['max_ms']:8.1f} "
                f"{row['sql_ms']:7.1f} {row['python_ms']:10.1f} {queries:8d}  {url}"
            )
        if profiler:
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(int(os.environ.get("PROFILE_LINES", "40")))
            if os.environ.get("PROFILE_DUMP"):
                stats.dump_stats(os.environ["PROFILE_DUMP"])
    return 1 if failed else 0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(fraction * len(ordered))) - 1)]


if __name__ == "__main__":
    sys.exit(main())
