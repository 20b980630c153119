"""Fire review submissions at a real gunicorn server at once; check none is lost.

    .venv/bin/python bench/concurrent_reviews.py --clients 200 --therapists 5
    .venv/bin/python bench/concurrent_reviews.py --clients 200 \\
        --database postgres://postgres@127.0.0.1:5432/bench_reviews

A fresh database (a SQLite file in a temp dir, or the named PostgreSQL database,
dropped and re-created) is migrated and seeded; each client gets a user and a
session. gunicorn serves the site with DEBUG off; each client thread GETs the form,
waits at a barrier, then POSTs a distinct review. Exit status 1 unless every POST
got its 302, each 302 left one current review and stored aggregates match a recount.
"""

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")

TIMEOUT = 120.0
# The session cookie's name on a server over plain HTTP (SERVER_SETTINGS here,
# bench/settings.py for make bench): no Secure, so no __Host- prefix.
SESSION_COOKIE = "sessionid"
STARS = ("rating", "pain_relief", "communication", "technique", "professionalism")
# With DEBUG off pages need collected static files (kept in the temp dir), and
# Django logs nothing: send failed requests' tracebacks to gunicorn's log.
SERVER_SETTINGS = """from directory.settings import *  # noqa: F403
STATIC_ROOT = {static!r}
# Served over plain HTTP on loopback: cookies without Secure or __Host-.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"
LOGGING = {{"version": 1, "disable_existing_loggers": False,
    "handlers": {{"stderr": {{"class": "logging.StreamHandler"}}}},
    "loggers": {{"django.request": {{"handlers": ["stderr"], "level": "ERROR"}}}}}}
"""
VOCAB = """after ankle back before breathing calm careful clear clinic cramps desk
easier evening explained felt firm gentle glutes heat helped hips hour improved
knots lifting listened lower massage mobility morning muscles neck office pain
posture pressure quiet relief results sciatica session sitting sleep slowly spine
stiff stretches tension thorough tight trigger walking warm week work years""".split()


@dataclass
class Job:
    session_key: str
    path: str  # the therapist's profile, where a saved review redirects
    form: dict[str, str]


@dataclass
class Outcome:
    status: str  # "302" (saved), another HTTP status, or the step that failed
    ms: float | None = None
    end: float = 0.0
    detail: str = ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None  # the 302 itself is the result: it surfaces as HTTPError


def review_text(rng: random.Random, words: int = 64) -> str:
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(" ".join(rng.choices(VOCAB, k=rng.randint(8, 14))) + ".")
    return " ".join(s.capitalize() for s in sentences)


def postgres_admin(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if name in {"", "postgres", "template0", "template1"}:
        sys.exit(f"refusing to drop and re-create database {name!r}")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def make_jobs(
    count: int, seed: int, prefix: str = "bench-client"
) -> tuple[list[Job], list[int]]:
    """Clients with unusable passwords and logged-in sessions; their reviews."""
    from django.contrib import auth
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from therapists.models import Condition, Therapist

    user_model = auth.get_user_model()
    users = user_model.objects.bulk_create(
        user_model(username=f"{prefix}-{i:05d}", password=make_password(None))
        for i in range(count)
    )
    paths = [t.get_absolute_url() for t in Therapist.objects.published().order_by("pk")]
    conditions = list(Condition.objects.values_list("pk", flat=True))
    rng = random.Random(seed)
    jobs = []
    for i, user in enumerate(users):
        session = SessionStore()
        session[auth.SESSION_KEY] = str(user.pk)
        session[auth.BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[auth.HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        form = {name: str(rng.randint(1, 5)) for name in STARS} | {
            "condition": str(rng.choice(conditions)),
            "sessions": str(rng.randint(1, 30)),
            "title": f"Visit notes from client {i + 1}",
            "body": review_text(rng),
        }
        if rng.random() < 0.8:
            form["would_recommend"] = "on"
        jobs.append(Job(session.session_key, paths[i % len(paths)], form))
    return jobs, [user.pk for user in users]


def submit(job: Job, base: str, barrier: threading.Barrier) -> Outcome:
    """GET the form (CSRF cookie and token), wait for every client, POST."""
    jar = http.cookiejar.CookieJar()
    # The name SERVER_SETTINGS gives the session cookie (plain HTTP: no __Host-).
    jar.set_cookie(http.cookiejar.Cookie(
        0, SESSION_COOKIE, job.session_key, None, False,
        "127.0.0.1", False, False, "/", True, False, None, True, None, None, {},
    ))  # fmt: skip
    handlers = [urllib.request.HTTPCookieProcessor(jar), NoRedirect()]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), *handlers)
    url = f"{base}{job.path}review/"
    try:
        with opener.open(url, timeout=TIMEOUT) as response:
            html = response.read().decode()
        for cookie in jar:  # DEBUG off marks the CSRF cookie Secure; this is http
            cookie.secure = False
        found = re.search(r'csrfmiddlewaretoken" value="([^"]+)"', html)
        failed = None if found else Outcome("GET", detail="no CSRF token in the form")
    except OSError as exc:  # HTTPError and URLError included
        found, failed = None, Outcome("GET", detail=f"{url}: {exc}")
    barrier.wait(timeout=TIMEOUT)
    if failed or not found:
        return failed or Outcome("GET")
    data = urllib.parse.urlencode(job.form | {"csrfmiddlewaretoken": found[1]})
    request = urllib.request.Request(url, data.encode(), headers={"Referer": url})  # noqa: S310
    start = time.perf_counter()
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            status, location, body = str(response.status), "", response.read()
    except urllib.error.HTTPError as exc:
        status, location, body = str(exc.code), exc.headers["Location"], exc.read()
    except OSError as exc:
        status, location, body = "POST", "", str(exc).encode()
    end = time.perf_counter()
    if status == "302" and urllib.parse.urlsplit(location).path != job.path:
        status, body = "302 elsewhere", location.encode()
    detail = "" if status == "302" else body.decode(errors="replace")
    return Outcome(status, (end - start) * 1000, end, detail)


def start_server(cmd: list[str], env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on a free port; return it and its URL once it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with open(log, "w") as out:
        bind = ["-b", base.removeprefix("http://")]
        server = subprocess.Popen([*cmd, *bind], env=env, stdout=out, stderr=out)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"{base}/", timeout=5).close()  # noqa: S310
        except urllib.error.HTTPError:
            pass  # any HTTP answer will do
        except OSError:
            time.sleep(0.2)
            continue
        return server, base
    raise RuntimeError(f"gunicorn did not start; see {log}")


def check_database(user_pks: list[int], saved: int) -> list[str]:
    """Lost or extra reviews, and stored aggregates that differ from a recount."""
    from reviews.models import Review
    from therapists.models import Therapist

    mine = Review.objects.filter(author__in=user_pks)
    current = mine.filter(is_current=True).count()
    held = mine.exclude(status=Review.Status.PUBLISHED).count()
    print(f"stored: {current} current reviews by the clients ({held} held)")
    problems = [] if current == saved else [f"{saved} got a 302, {current} stored"]
    fresh: defaultdict[int, Counter] = defaultdict(Counter)
    for pk, rating, recommend in Review.objects.counted().values_list(
        "therapist", "rating", "would_recommend"
    ):
        fresh[pk].update(rating_count=1, rating_sum=rating, recommend_count=recommend)
        fresh[pk][f"rating_{rating}_count"] += 1
    fields = ["rating_count", "rating_sum", "recommend_count"]
    fields += [f"rating_{stars}_count" for stars in range(1, 6)]
    therapists = Therapist.objects.values("pk", "slug", *fields)
    for stored in therapists:
        recount = fresh[stored["pk"]]
        problems += [
            f"{stored['slug']}: {name} is {stored[name]}, recount {recount[name]}"
            for name in fields
            if stored[name] != recount[name]
        ]
    print(f"aggregates: {len(therapists)} therapists compared with a fresh recount")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--therapists", type=int, default=5)
    parser.add_argument("--database", help="postgres://... (default: SQLite)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep temp dir and db")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="concurrent-reviews-"))
    (tmp / "bench_server.py").write_text(SERVER_SETTINGS.format(static=f"{tmp}/static"))
    os.environ |= {
        "DATABASE_URL": args.database or f"sqlite:///{tmp / 'db.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench_server",
        "PYTHONPATH": os.pathsep.join([str(tmp), str(BASE_DIR)]),
    }
    seed = ["--therapists", str(args.therapists), "--reviews-per-therapist", "2"]
    server = None
    try:
        if args.database:
            postgres_admin(args.database, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
            postgres_admin(args.database, "CREATE DATABASE {}")
        commands = [["migrate", "--no-input"], ["collectstatic", "--no-input"]]
        for command in [*commands, ["seed_demo", *seed]]:
            manage = [sys.executable, str(BASE_DIR / "manage.py"), *command]
            subprocess.run(manage, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603

        import django

        django.setup()
        from django.db import connection, connections

        jobs, user_pks = make_jobs(args.clients, args.seed)
        connections.close_all()
        gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "directory.wsgi"]
        gunicorn += ["-w", str(args.workers), "--threads", str(args.threads)]
        server, base = start_server(gunicorn, env, tmp / "gunicorn.log")
        started: list[float] = []
        barrier = threading.Barrier(
            len(jobs), lambda: started.append(time.perf_counter())
        )
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            outcomes = list(pool.map(lambda job: submit(job, base, barrier), jobs))
        server.terminate()
        server.wait(timeout=30)

        saved = sum(o.status == "302" for o in outcomes)
        failures = [o for o in outcomes if o.status != "302"]
        ms = sorted(o.ms for o in outcomes if o.ms is not None) or [0.0]
        wall = max(o.end for o in outcomes) - started[0] if started else 0.0
        print(
            f"{connection.vendor}: {len(jobs)} clients, {len({j.path for j in jobs})} "
            f"published therapists, gunicorn {args.workers} workers x {args.threads} "
            f"threads\nsaved (302): {saved}   failed: {len(failures)}   wall "
            f"{wall:.2f} s   POST latency p50 {ms[len(ms) // 2]:.0f} ms   p95 "
            f"{ms[max(0, round(0.95 * len(ms)) - 1)]:.0f} ms   max {ms[-1]:.0f} ms"
        )
        for outcome in failures[:5]:
            print(f"  failure {outcome.status}: {outcome.detail[:500]!r}")
        log = (tmp / "gunicorn.log").read_text()
        if failures or "Traceback" in log:
            args.keep = True
            locked = sum("database is locked" in o.detail for o in failures)
            print(
                f"  'database is locked' in {locked} responses and "
                f"{log.count('database is locked')} times in {tmp / 'gunicorn.log'}"
            )
        problems = check_database(user_pks, saved)
        connections.close_all()
        print("".join(f"  {problem}\n" for problem in problems[:20]), end="")
        print("PASS" if not failures and not problems else "FAIL")
        return 1 if failures or problems else 0
    finally:
        if server is not None and server.poll() is None:
            server.kill()
        if args.keep:
            print(f"kept {tmp}" + (f" and {args.database}" if args.database else ""))
        else:
            shutil.rmtree(tmp, ignore_errors=True)
            if args.database:
                postgres_admin(args.database, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
