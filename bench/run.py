"""`make bench`: load-test the search against Datasette on the same data.

    .venv/bin/python bench/run.py --therapists 100000 --reviews-per-therapist 10
    .venv/bin/python bench/run.py --database postgres://postgres@127.0.0.1:5432/bench

Seeds (or reuses) a database with seed_demo (a SQLite file in bench/data/, or the
PostgreSQL database named by --database), serves the app with gunicorn (2 workers,
persistent connections, DEBUG off), exports the same therapists to one plain SQLite
table for Datasette, and drives both with wrk on loopback with the same settings.
Prints requests/s, p50/p95/p99 latency and errors per page, our figure divided by
Datasette's, SQL queries and in-process server time split into SQL and Python
per page, each page's in-process time as a multiple of its floor (bench/floor.py:
the same cards or profile from one SQL query and one small template, timed in
the same run), and (with --mixed-reviews) search latency while that many review
submissions arrive at once, then checks every stored aggregate against a recount.
Results are also written as JSON to bench/data/results-<label>.json.

Every page, Datasette's too, is driven once (--warmup seconds) before any is
measured, then measured in turn after a warm-up of its own (wrk for --seconds,
15 by default, as docs/performance.md states); the first page is measured again
at the end, so a run shows whether its first figure reproduces.
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PY = ROOT / ".venv" / "bin" / "python"
DATASETTE = ROOT / ".venv-bench" / "bin" / "datasette"
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

NEAR = "/therapists/?near=10001&radius=25&technique=deep-tissue&verified=on"
SHAPES = {
    "search best": f"{NEAR}&sort=best",
    # The same search through the JSON API (api/), beside Datasette's JSON.
    "api search": f"/api/v1{NEAR}&sort=best",
    "search distance": f"{NEAR}&sort=distance",
    "free text q": "/therapists/?q=myofascial+brooklyn",
    "page 1": "/therapists/?verified=on&sort=price",
    "deep page 200": "/therapists/?verified=on&sort=price&page=200",
    "profile": None,  # a published therapist with reviews, found at run time
    # The same profile rendered: a query string is never served from the page
    # cache (profiles.page_cache), so this is its cost when not kept.
    "profile rendered": None,
}
# The floors (bench/floor.py): the same page of cards, and the same profile, from
# one SQL query and one small template. Each page's in-process time is reported
# as a multiple of its floor: a search shape's own floor where the floor serves
# that shape, else best match's; the profile's its own.
FLOOR = NEAR.replace("/therapists/", "/bench/floor/search/")
FLOORS = {
    "floor search best": f"{FLOOR}&sort=best",
    "floor search distance": f"{FLOOR}&sort=distance",
    "floor free text q": SHAPES["free text q"].replace(
        "/therapists/", "/bench/floor/search/"
    ),
    "floor profile": None,  # the profile's slug, found at run time
}
FLOOR_OF = {
    "search best": "floor search best",
    "api search": "floor search best",
    "search distance": "floor search distance",
    "free text q": "floor free text q",
    "page 1": "floor search best",
    "deep page 200": "floor search best",
    "profile": "floor profile",
    "profile rendered": "floor profile",
}
# New York's ZIP 10001 and a 25-mile box, as Datasette filters can express it.
BOX = {"lat": (40.3861, 41.1107), "lon": (-74.4755, -73.5179)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def wrk_command(url: str, seconds: int, connections: int) -> list[str]:
    return [
        shutil.which("wrk") or "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
        url,
    ]


def parse_wrk(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def wrk(url: str, seconds: int, connections: int) -> dict:
    result = subprocess.run(  # noqa: S603
        wrk_command(url, seconds, connections),
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(result.stdout)


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; the defaults are what docs/performance.md reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--therapists", type=int, default=100_000)
    parser.add_argument("--reviews-per-therapist", type=int, default=10)
    parser.add_argument("--database", help="postgres://... (default: a SQLite file)")
    # docs/performance.md: wrk for 15 s per page after a 2 s warm-up.
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--mixed-reviews", type=int, default=800)
    parser.add_argument(
        "--threads", type=int, default=4, help="per worker, in the threaded mixed run"
    )
    parser.add_argument("--label", help="name of the results file")
    parser.add_argument(
        "--data", type=Path, default=DATA, help="where the databases and results go"
    )
    return parser.parse_args(argv)


def main() -> int:
    args = arguments()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    args.data.mkdir(parents=True, exist_ok=True)
    sqlite_file = (
        args.data / f"bench-{args.therapists}-{args.reviews_per_therapist}.sqlite3"
    )
    database_url = args.database or f"sqlite:///{sqlite_file}"
    engine = "postgresql" if args.database else "sqlite"
    label = args.label or f"{engine}-{args.therapists}"
    os.environ |= {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "off",
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        # The site's settings with the floor's URLs mounted (bench/settings.py).
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # wrk sends every request from one address: the API's per-IP limit
        # (api.throttling) is counted as on a real site, but set past reach.
        "DJANGO_API_RATE": "1000000/minute",
    }

    if args.database:
        create_database(args.database)
        # Parallel query costs a short web query more (starting workers) than
        # it saves; measured: free text 72 -> 40 ms of SQL without it.
        os.environ.setdefault("PGOPTIONS", "-c max_parallel_workers_per_gather=0")

    def manage(*command):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, check=True)  # noqa: S603

    manage("migrate", "--noinput", "-v0")
    if not therapist_count():
        manage(
            "seed_demo",
            "--therapists",
            str(args.therapists),
            "--reviews-per-therapist",
            str(args.reviews_per_therapist),
        )
    manage("collectstatic", "--noinput", "-v0")
    plain = args.data / f"datasette-{args.therapists}.sqlite3"
    if not plain.exists():
        export_for_datasette(plain)
    profile = profile_path()
    shapes = dict(SHAPES, profile=profile, **{"profile rendered": f"{profile}?page=1"})
    floors = dict(FLOORS, **{"floor profile": floor_profile_path(shapes["profile"])})
    # What seeding and the export wrote is on disk before anything is timed, not
    # being written back by the kernel during the first page's measurement.
    os.sync()

    print("In-process server time (no load), 100 runs after 10 warm-ups each:")
    in_process = {
        row["url"]: row
        for row in map(
            json.loads,
            subprocess.run(  # noqa: S603
                [
                    PY,
                    "bench/time_search.py",
                    "--json",
                    "--runs",
                    "100",
                    *shapes.values(),
                    *floors.values(),
                ],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.splitlines(),
        )
    }

    port, ds_port = free_port(), free_port()
    base, ds_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{ds_port}"
    app = subprocess.Popen(gunicorn_command(port), cwd=ROOT)  # noqa: S603
    datasette = subprocess.Popen(  # noqa: S603
        [
            DATASETTE,
            "serve",
            "--immutable",
            plain,
            "-p",
            str(ds_port),
            # Facet suggestions cost Datasette about 1.8 s on this page at 100,000
            # rows; without them it is an order of magnitude faster. Compare
            # against its fastest configuration.
            "--setting",
            "suggest_facets",
            "off",
            "--setting",
            "sql_time_limit_ms",
            "5000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    mixed = None
    try:
        wait_for(base + "/therapists/")
        query = (
            f"latitude__gte={BOX['lat'][0]}&latitude__lte={BOX['lat'][1]}"
            f"&longitude__gte={BOX['lon'][0]}&longitude__lte={BOX['lon'][1]}"
            "&_sort_desc=rating_average&_size=20"
        )
        table = f"/{plain.stem}/therapists"
        wait_for(ds_base + table)
        targets = [(name, base + path) for name, path in shapes.items()]
        targets += [
            ("datasette html", f"{ds_base}{table}?{query}"),
            ("datasette json", f"{ds_base}{table}.json?{query}"),
        ]
        print(f"Under load, wrk -c{args.connections}, one page at a time:")
        rows, again = measure(targets, args)
        for name, result in rows:
            result |= in_process.get(dict(targets)[name].removeprefix(base), {})
        if args.mixed_reviews:
            mixed = mixed_loads(shapes["search best"], base, args)
    finally:
        app.terminate()
        datasette.terminate()
        app.wait()
        datasette.wait()
    results = {
        "label": label,
        "engine": engine,
        "therapists": therapist_count(),
        "connections": args.connections,
        "seconds": args.seconds,
        "pages": dict(rows),
        "first_again": again,
        "floors": floor_multiples(shapes, floors, in_process),
        "mixed": mixed,
    }
    (args.data / f"results-{label}.json").write_text(json.dumps(results, indent=2))
    (args.data / f"results-{label}.md").write_text(markdown(results))
    report(results)
    return 0


def measure(targets: list[tuple[str, str]], args, load=wrk) -> tuple[list, dict]:
    """wrk on each (name, url) in turn: [(name, result)], and the first page
    measured again at the end ({"page": name, **result}).

    Every page is driven once (args.warmup seconds) before any is measured:
    wait_for() has seen one of the two workers answer, and the first requests
    each worker serves of each kind (the second worker still booting, its
    URL resolver, templates, its connection's page cache and memory map,
    Datasette's first queries) would otherwise fall into the first page's
    measurement alone. Each page then gets the same warm-up of its own right
    before it is measured, as every page always had.
    """
    warmed = {name: load(url, args.warmup, args.connections) for name, url in targets}
    rows = []
    for name, url in targets:
        load(url, args.warmup, args.connections)
        result = load(url, args.seconds, args.connections)
        result["warmup_rps"] = warmed[name]["rps"]
        rows.append((name, result))
        print(f"  {name}: {result['rps']:.1f} req/s", flush=True)
    first_name, first_url = targets[0]
    again = load(first_url, args.seconds, args.connections)
    print(f"  {first_name}, again at the end: {again['rps']:.1f} req/s", flush=True)
    return rows, {"page": first_name, **again}


def create_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` unless it exists."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url.replace("postgres://", "postgresql://", 1))
    name = parts.path.lstrip("/")
    with psycopg.connect(
        parts._replace(path="/postgres", query="").geturl(), autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def gunicorn_command(port: int, threads: int = 1) -> list[str]:
    """Two sync workers, or with `threads` two gthread workers of that many
    threads each (persistent connections come from settings)."""
    return [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "directory.wsgi",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        *(["--threads", str(threads)] if threads > 1 else []),
    ]


def therapist_count() -> int:
    import django

    django.setup()
    from django.db import connections

    from therapists.models import Therapist

    try:
        return Therapist.objects.count()
    finally:
        connections.close_all()


def profile_path() -> str:
    """The profile of the published therapist with the most reviews."""
    from django.db import connections

    from therapists.models import Therapist

    therapist = Therapist.objects.published().order_by("-rating_count", "pk").first()
    connections.close_all()
    return therapist.get_absolute_url()


def floor_profile_path(profile: str) -> str:
    """The profile floor's address for the same therapist as `profile`."""
    slug = profile.strip("/").rsplit("/", 1)[-1]
    return f"/bench/floor/profile/{slug}/"


def floor_multiples(shapes: dict, floors: dict, in_process: dict) -> dict:
    """Each page's in-process median as a multiple of its floor's (FLOOR_OF),
    both measured in this run by bench/time_search.py."""
    multiples = {}
    for name, floor_name in FLOOR_OF.items():
        page, floor = in_process.get(shapes[name]), in_process.get(floors[floor_name])
        if not page or not floor:
            continue
        multiples[name] = {
            "floor": floor_name,
            "page_ms": page["median_ms"],
            "floor_ms": floor["median_ms"],
            "floor_sql_ms": floor["sql_ms"],
            "floor_queries": floor["queries"],
            "multiple": page["median_ms"] / floor["median_ms"],
        }
    return multiples


def export_for_datasette(plain: Path) -> None:
    """The same therapists, flattened into one table, as someone would publish them."""
    from django.db import connections

    from therapists.models import PracticeLocation

    columns = (
        "therapist_id",
        "therapist__display_name",
        "therapist__headline",
        "therapist__session_price",
        "therapist__rating_average",
        "therapist__rating_count",
        "therapist__badge_valid_until",
        "city",
        "state",
        "postal_code",
        "latitude",
        "longitude",
    )
    rows = PracticeLocation.objects.filter(therapist__is_published=True).values_list(
        *columns
    )
    with sqlite3.connect(plain) as target:
        target.execute(
            "CREATE TABLE therapists (id INTEGER, display_name TEXT, headline TEXT, "
            "session_price INTEGER, rating_average REAL, rating_count INTEGER, "
            "badge_valid_until TEXT, city TEXT, state TEXT, postal_code TEXT, "
            "latitude REAL, longitude REAL)"
        )
        target.executemany(
            "INSERT INTO therapists VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((*row[:6], row[6] and row[6].isoformat(), *row[7:]) for row in rows),
        )
        target.execute("CREATE INDEX therapists_lat ON therapists (latitude)")
        target.execute("CREATE INDEX therapists_rating ON therapists (rating_average)")
    connections.close_all()


def mixed_loads(search: str, base: str, args) -> dict:
    """Search best under load while --mixed-reviews reviews arrive at once, three
    ways: on the same two sync workers; on two gthread workers of
    --threads threads each (a review waiting for SQLite's write lock then
    holds one thread, not a whole worker), against their own read-only figure;
    and with the reviews sent to a second pool of workers, as a proxy routing
    POSTs to a write pool would (deploy/nginx.conf's `writers`)."""
    mixed = {"same workers": mixed_load(base + search, base, args)}
    port = free_port()
    threaded = subprocess.Popen(  # noqa: S603
        gunicorn_command(port, threads=args.threads), cwd=ROOT
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/therapists/")
        wrk(url + search, args.warmup, args.connections)
        read_only = wrk(url + search, args.seconds, args.connections)
        mixed[f"{args.threads} threads per worker"] = mixed_load(
            url + search, url, args
        ) | {"read_only": read_only}
    finally:
        threaded.terminate()
        threaded.wait()
    # Review submissions served by their own workers at a lower CPU priority.
    port = free_port()
    writer = subprocess.Popen(  # noqa: S603
        [shutil.which("nice") or "nice", "-n", "10", *gunicorn_command(port)],
        cwd=ROOT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/therapists/")
        mixed["write pool"] = mixed_load(
            base + search, f"http://127.0.0.1:{port}", args
        )
    finally:
        writer.terminate()
        writer.wait()
    return mixed


def mixed_load(search_url: str, base: str, args) -> dict:
    """Search under wrk while `--mixed-reviews` review submissions arrive at once
    at `base`; then check that every stored aggregate equals a recount."""
    import concurrent_reviews as reviews
    from django.db import connections

    jobs, user_pks = reviews.make_jobs(
        args.mixed_reviews,
        seed=secrets.randbits(32),  # fresh texts: a copy of an old one is held
        prefix=f"mixed-{secrets.token_hex(3)}",
    )
    connections.close_all()
    barrier = threading.Barrier(len(jobs) + 1)
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        # Every client fetches its form (and CSRF token) first, then waits.
        futures = [pool.submit(reviews.submit, job, base, barrier) for job in jobs]
        while barrier.n_waiting < len(jobs):
            time.sleep(0.2)
        load = subprocess.Popen(  # noqa: S603
            wrk_command(search_url, max(args.seconds, 30), args.connections),
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)
        barrier.wait(timeout=reviews.TIMEOUT)  # release every submission at once
        outcomes = [future.result() for future in futures]
        search = parse_wrk(load.communicate()[0])
    saved = sum(outcome.status == "302" for outcome in outcomes)
    failed = [outcome for outcome in outcomes if outcome.status != "302"]
    ends = [outcome.end for outcome in outcomes if outcome.end]
    problems = reviews.check_database(user_pks, saved)
    connections.close_all()
    return {
        "submissions": len(jobs),
        "saved": saved,
        "failed": len(failed),
        "failures": [f"{o.status}: {o.detail[:200]}" for o in failed[:5]],
        "aggregate_problems": problems[:20],
        "search": search,
        "reviews_wall_s": (max(ends) - min(ends)) if ends else None,
    }


def markdown(results: dict) -> str:
    """The results as the table in docs/performance.md."""
    lines = [
        f"{results['engine']}, {results['therapists']:,} therapists, wrk -t2 "
        f"-c{results['connections']} -d{results['seconds']}s, 2 gunicorn workers",
        "",
        "| page | req/s | p50 ms | p95 ms | p99 ms | errors | SQL queries "
        "| SQL ms | Python ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in results["pages"].items():
        extra = (
            f"{r['queries']} | {r['sql_ms']:.1f} | {r['python_ms']:.1f}"
            if "queries" in r
            else "– | – | –"
        )
        lines.append(
            f"| {name} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['p99_ms']:.1f} | {r['errors']} | {extra} |"
        )
    for where, mixed in (results["mixed"] or {}).items():
        posted = f"{mixed['submissions']} reviews posted at once ({where})"
        runs = [(posted, mixed["search"])]
        if "read_only" in mixed:
            runs.insert(0, (f"read-only ({where})", mixed["read_only"]))
        for what, search in runs:
            lines.append(
                f"| search best, {what} | {search['rps']:.1f} | {search['p50_ms']:.1f} "
                f"| {search['p95_ms']:.1f} | {search['p99_ms']:.1f} "
                f"| {search['errors']} | – | – | – |"
            )
    if results.get("floors"):
        lines += [
            "",
            "In-process time as a multiple of the floor (bench/floor.py), same run:",
            "",
            "| page | page ms | floor | floor ms | floor SQL ms | multiple |",
            "| --- | ---: | --- | ---: | ---: | ---: |",
        ]
        for name, f in results["floors"].items():
            lines.append(
                f"| {name} | {f['page_ms']:.1f} | {f['floor']} | {f['floor_ms']:.1f} "
                f"| {f['floor_sql_ms']:.1f} | {f['multiple']:.1f}x |"
            )
    return "\n".join(lines) + "\n"


def report(results: dict) -> None:
    pages = results["pages"]
    print(
        f"\n{results['engine']}, {results['therapists']:,} therapists, wrk -t2 "
        f"-c{results['connections']} -d{results['seconds']}s, 2 gunicorn workers, "
        "loopback"
    )
    print(
        f"{'page':<17}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
        f"{'queries':>8}{'SQL ms':>8}{'Python ms':>10}"
    )
    for name, r in pages.items():
        extra = (
            f"{r['queries']:>8}{r['sql_ms']:>8.1f}{r['python_ms']:>10.1f}"
            if "queries" in r
            else ""
        )
        print(
            f"{name:<17}{r['rps']:>8.1f}{r['p50_ms']:>8.1f}{r['p95_ms']:>8.1f}"
            f"{r['p99_ms']:>8.1f}{r['errors']:>7}{extra}"
        )
    html, best = pages["datasette html"], pages["search best"]
    print(
        f"\nsearch best req/s / Datasette HTML req/s = {best['rps'] / html['rps']:.2f}"
    )
    print(
        "search best req/s / Datasette JSON req/s = "
        f"{best['rps'] / pages['datasette json']['rps']:.2f}"
    )
    print(
        "api search req/s / Datasette JSON req/s = "
        f"{pages['api search']['rps'] / pages['datasette json']['rps']:.2f}"
    )
    deep, first = pages["deep page 200"], pages["page 1"]
    print(f"page 200 p50 / page 1 p50 = {deep['p50_ms'] / first['p50_ms']:.2f}")
    if again := results.get("first_again"):
        measured = pages[again["page"]]["rps"]
        print(
            f"{again['page']} measured first {measured:.1f} req/s, again at the end "
            f"{again['rps']:.1f} req/s ({again['rps'] / measured:.2f}x)"
        )
    if floors := results.get("floors"):
        print("\nIn-process time as a multiple of the floor (bench/floor.py):")
        print(
            f"{'page':<17}{'page ms':>8}  {'floor':<22}{'floor ms':>9}"
            f"{'SQL ms':>8}{'multiple':>9}"
        )
        for name, f in floors.items():
            print(
                f"{name:<17}{f['page_ms']:>8.1f}  {f['floor']:<22}{f['floor_ms']:>9.1f}"
                f"{f['floor_sql_ms']:>8.1f}{f['multiple']:>8.1f}x"
            )
    for where, mixed in (results["mixed"] or {}).items():
        search = mixed["search"]
        print(
            f"\nmixed ({where}): {mixed['submissions']} review submissions at once "
            f"during search load: saved {mixed['saved']}, failed {mixed['failed']}, "
            f"aggregate mismatches {len(mixed['aggregate_problems'])}, reviews done "
            f"in {mixed['reviews_wall_s'] or 0:.1f} s; search {search['rps']:.1f} "
            f"req/s, p99 {search['p99_ms']:.1f} ms "
            f"({search['p99_ms'] / mixed.get('read_only', best)['p99_ms']:.2f}x "
            "read-only on the same workers), "
            f"errors {search['errors']}"
        )
        for line in mixed["failures"] + mixed["aggregate_problems"]:
            print(f"  {line}")


if __name__ == "__main__":
    sys.exit(main())
