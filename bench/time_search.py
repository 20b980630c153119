"""Time pages in-process: median and 95th-percentile server time, SQL queries.

    DATABASE_URL=sqlite:////tmp/big/db.sqlite3 .venv/bin/python bench/time_search.py \\
        "/therapists/?near=10001&radius=25&technique=deep-tissue&verified=on"

Each URL is requested through Django's test client (the full middleware, view and
template stack, no network), after warm-up requests, so the figures are the
server's own time for the page. Load tests over HTTP are `make bench` (issue 8).
"""

import argparse
import os
import warnings
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")


# WhiteNoise warns that STATIC_ROOT is missing until `collectstatic` runs.
warnings.filterwarnings("ignore", message="No directory at")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # lets the test client's "testserver" host in

    from therapists.models import Therapist

    client = Client()
    print(
        f"{connection.vendor}, {Therapist.objects.count():,} therapists, "
        f"{args.runs} runs after {args.warmup} warm-up requests"
    )
    print(f"{'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  url")
    failed = False
    for url in args.urls:
        for _ in range(args.warmup):
            client.get(url)
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                print(f"HTTP {response.status_code} for {url}", file=sys.stderr)
                failed = True
        timings.sort()
        p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
        print(
            f"{statistics.median(timings):10.1f} {p95:8.1f} {timings[-1]:8.1f} "
            f"{len(queries.captured_queries):8d}  {url}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
