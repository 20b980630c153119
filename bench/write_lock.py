"""How long one review submission holds SQLite's write lock, in-process.

    cp /tmp/bench/bench-100000-10.sqlite3 /tmp/scratch.sqlite3
    DATABASE_URL=sqlite:////tmp/scratch.sqlite3 DJANGO_SECURE_SSL_REDIRECT=0 \\
        .venv/bin/python bench/write_lock.py --reviews 200

Writes to the database it is given: use a copy. Makes `--reviews` client
accounts with logged-in sessions (bench/concurrent_reviews.py make_jobs), and
for each GETs the review form and POSTs a distinct review through the site's
WSGI application (every middleware, the view, the form, the mail it queues),
one after another, so no request waits for another's lock. SQLite takes its
write lock at BEGIN IMMEDIATE (directory/settings.py) and keeps it to COMMIT,
and a write outside a transaction holds it for the statement: the report is the
time each POST held it in all, its longest hold, its write transactions and its
statements (median, p95, max). `--show N` prints the statements of the N
longest holds with their times. The target (issue 19) is at most 10 ms.
"""

import argparse
import io
import json
import os
import re
import secrets
import statistics
import sys
import time
import urllib.parse
import warnings
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
warnings.filterwarnings("ignore", message="No directory at")

from django.db import connections  # noqa: E402 - after the path is set

WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class LockClock:
    """Times what holds the write lock on one SQLite connection: each
    transaction from BEGIN IMMEDIATE to COMMIT or ROLLBACK, and each write
    statement run outside a transaction; counts the statements."""

    def __init__(self, connection):
        self.connection = connection  # django.db.connection or one wrapper
        self.holds: list[tuple[float, list[tuple[float, str]]]] = []
        self.statements = 0
        self._began: float | None = None
        self._inside: list[tuple[float, str]] = []
        begin = connection._start_transaction_under_autocommit
        commit, rollback = connection._commit, connection._rollback

        def began():
            begin()
            self._began, self._inside = time.perf_counter(), []

        def ended(finish):
            def end():
                try:
                    finish()
                finally:
                    if self._began is not None:
                        held = time.perf_counter() - self._began
                        self.holds.append((held, self._inside))
                        self._began = None

            return end

        connection._start_transaction_under_autocommit = began
        connection._commit, connection._rollback = ended(commit), ended(rollback)

    def __call__(self, execute, sql, params, many, context):
        self.statements += 1
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - start
            if self._began is not None:
                self._inside.append((took, sql))
            elif WRITES.match(sql):
                self.holds.append((took, [(took, sql)]))

    def reset(self):
        self.holds, self.statements = [], 0

    def detach(self):
        """Give the connection its own methods back."""
        for name in ("_start_transaction_under_autocommit", "_commit", "_rollback"):
            if name in vars(connections[self.connection.alias]):
                delattr(self.connection, name)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=200)
    parser.add_argument("--show", type=int, default=0, help="print the N longest")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    args = parser.parse_args()

    import django

    django.setup()
    import concurrent_reviews
    from django.conf import settings
    from django.db import connection
    from django.test import RequestFactory

    from directory.wsgi import application

    if connection.vendor != "sqlite":
        raise SystemExit("SQLite only: PostgreSQL locks rows, not the database")
    jobs, _ = concurrent_reviews.make_jobs(
        args.reviews, seed=secrets.randbits(32), prefix=f"lock-{secrets.token_hex(3)}"
    )
    host = "127.0.0.1"
    factory = RequestFactory(HTTP_HOST=host)

    def call(path: str, cookies: dict, data: str | None = None):
        environ = factory._base_environ(
            PATH_INFO=path,
            HTTP_COOKIE="; ".join(f"{k}={v}" for k, v in cookies.items()),
            **{"wsgi.url_scheme": "https", "HTTP_REFERER": f"https://{host}{path}"},
        )
        if data is not None:
            body = data.encode()
            environ |= {
                "REQUEST_METHOD": "POST",
                "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": str(len(body)),
                "wsgi.input": io.BytesIO(body),
            }
        answer = {}

        def start(status, headers):
            answer["status"] = int(status.split()[0])
            answer["cookies"] = [v for k, v in headers if k.lower() == "set-cookie"]

        content = b"".join(application(environ, start))
        return answer, content.decode(errors="replace")

    clock = LockClock(connection)
    per_post = []
    for job in jobs:
        cookies = {settings.SESSION_COOKIE_NAME: job.session_key}
        answer, html = call(f"{job.path}review/", cookies)
        for header in answer["cookies"]:
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";")[0]
        token = re.search(r'csrfmiddlewaretoken" value="([^"]+)"', html)
        if answer["status"] != 200 or not token:
            raise SystemExit(f"GET {job.path}review/ gave {answer['status']}")
        form = job.form | {"csrfmiddlewaretoken": token[1]}
        data = urllib.parse.urlencode(form)
        clock.reset()
        with connection.execute_wrapper(clock):
            answer, _ = call(f"{job.path}review/", cookies, data)
        if answer["status"] != 302:
            raise SystemExit(f"POST {job.path}review/ gave {answer['status']}")
        per_post.append((clock.holds, clock.statements))

    held = [sum(h for h, _ in holds) * 1000 for holds, _ in per_post]
    longest = [max((h for h, _ in holds), default=0) * 1000 for holds, _ in per_post]
    row = {
        "reviews": len(per_post),
        "held_ms": {
            "median": statistics.median(held),
            "p95": percentile(held, 0.95),
            "max": max(held),
        },
        "longest_hold_ms": statistics.median(longest),
        "write_transactions": statistics.median(len(h) for h, _ in per_post),
        "statements": statistics.median(s for _, s in per_post),
    }
    if args.json:
        print(json.dumps(row))
    else:
        print(
            f"{row['reviews']} review POSTs: write lock held "
            f"{row['held_ms']['median']:.1f} ms median, {row['held_ms']['p95']:.1f} "
            f"p95, {row['held_ms']['max']:.1f} max per POST; longest single hold "
            f"{row['longest_hold_ms']:.1f} ms median; "
            f"{row['write_transactions']:g} write transactions and "
            f"{row['statements']:g} statements per POST (medians)"
        )
    holds = sorted(
        (hold for holds, _ in per_post for hold in holds),
        key=lambda hold: -hold[0],
    )
    for took, inside in holds[: args.show]:
        print(f"\n{took * 1000:.2f} ms held:")
        for ms, sql in inside:
            print(f"  {ms * 1000:7.2f} ms  {sql[:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
