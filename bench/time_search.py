"""Time pages in-process: median and 95th-percentile server time, SQL queries.

    DATABASE_URL=sqlite:////tmp/big/db.sqlite3 .venv/bin/python bench/time_search.py \\
        "/therapists/?near=10001&radius=25&technique=deep-tissue&verified=on"

Each URL is passed to the project's WSGI application in-process (the full
middleware, view and template stack, no network and no test instrumentation),
after warm-up requests, so the figures are the server's own time for the page.
Load tests over HTTP come with `make bench`.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
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
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from therapists.models import Therapist

    application = get_wsgi_application()
    factory = RequestFactory(HTTP_HOST="127.0.0.1")

    def get(url: str) -> int:
        path, _, query = url.partition("?")
        environ = factory._base_environ(PATH_INFO=path, QUERY_STRING=query)
        statuses = []
        body = application(environ, lambda status, headers: statuses.append(status))
        b"".join(body)
        return int(statuses[0].split()[0])

    print(
        f"{connection.vendor}, {Therapist.objects.count():,} therapists, "
        f"{args.runs} runs after {args.warmup} warm-up requests"
    )
    print(f"{'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  url")
    failed = False
    for url in args.urls:
        for _ in range(args.warmup):
            get(url)
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                status = get(url)
                timings.append((time.perf_counter() - start) * 1000)
            if status != 200:
                print(f"HTTP {status} for {url}", file=sys.stderr)
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
