"""`make bench`: load-test the search against Datasette on the same data.

    .venv/bin/python bench/run.py --therapists 100000 --reviews-per-therapist 10

Seeds (or reuses) a SQLite database with seed_demo, serves the app with gunicorn
(2 workers, DEBUG off, persistent connections), exports the same therapists to a
plain SQLite table for Datasette, and drives both with wrk on loopback with the
same settings. Prints requests/s, p50/p95/p99 latency and errors per page, and the
app's figure divided by Datasette's.
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
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PY = ROOT / ".venv" / "bin" / "python"
DATASETTE = ROOT / ".venv-bench" / "bin" / "datasette"

NEAR = "/therapists/?near=10001&radius=25&technique=deep-tissue&verified=on"
SHAPES = {
    "search best": f"{NEAR}&sort=best",
    "search distance": f"{NEAR}&sort=distance",
    "free text q": "/therapists/?q=myofascial+brooklyn",
    "deep page 200": "/therapists/?verified=on&sort=price&page=200",
    "page 1": "/therapists/?verified=on&sort=price",
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


def wrk(url: str, seconds: int, connections: int) -> dict:
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "-s",
            str(ROOT / "bench" / "report.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--therapists", type=int, default=100_000)
    parser.add_argument("--reviews-per-therapist", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    DATA.mkdir(parents=True, exist_ok=True)
    database = DATA / f"bench-{args.therapists}-{args.reviews_per_therapist}.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "off",
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    }

    def manage(*command):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603

    if not database.exists():
        manage("migrate", "--noinput", "-v0")
        manage(
            "seed_demo",
            "--therapists",
            str(args.therapists),
            "--reviews-per-therapist",
            str(args.reviews_per_therapist),
        )
    manage("collectstatic", "--noinput", "-v0")
    plain = DATA / f"datasette-{args.therapists}.sqlite3"
    if not plain.exists():
        export_for_datasette(database, plain)

    port, ds_port = free_port(), free_port()
    app = subprocess.Popen(  # noqa: S603
        [
            ROOT / ".venv" / "bin" / "gunicorn",
            "directory.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    datasette = subprocess.Popen(  # noqa: S603
        [
            DATASETTE,
            "serve",
            plain,
            "-p",
            str(ds_port),
            "--immutable",
            plain,
            "--setting",
            "sql_time_limit_ms",
            "5000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base, ds_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{ds_port}"
        wait_for(base + "/therapists/")
        query = (
            f"latitude__gte={BOX['lat'][0]}&latitude__lte={BOX['lat'][1]}"
            f"&longitude__gte={BOX['lon'][0]}&longitude__lte={BOX['lon'][1]}"
            "&_sort_desc=rating_average&_size=20"
        )
        table = f"/{plain.stem}/therapists"
        wait_for(ds_base + table)
        rows = []
        for name, path in SHAPES.items():
            wrk(base + path, 2, args.connections)  # warm-up
            rows.append((name, path, wrk(base + path, args.seconds, args.connections)))
        for name, path in [
            ("datasette html", f"{table}?{query}"),
            ("datasette json", f"{table}.json?{query}"),
        ]:
            wrk(ds_base + path, 2, args.connections)
            rows.append(
                (name, path, wrk(ds_base + path, args.seconds, args.connections))
            )
    finally:
        app.terminate()
        datasette.terminate()
        app.wait()
        datasette.wait()
    report(rows, args)
    return 0


def export_for_datasette(database: Path, plain: Path) -> None:
    """The same therapists, flattened into one table, as someone would publish them."""
    with sqlite3.connect(plain) as target:
        target.execute(f"ATTACH DATABASE '{database}' AS app")
        target.executescript(
            """
            CREATE TABLE therapists AS
            SELECT t.id, t.display_name, t.headline, t.session_price,
                   t.rating_average, t.rating_count, t.badge_valid_until,
                   l.city, l.state, l.postal_code, l.latitude, l.longitude
            FROM app.therapists_therapist t
            JOIN app.therapists_practicelocation l ON l.therapist_id = t.id
            WHERE t.is_published;
            CREATE INDEX therapists_lat ON therapists (latitude);
            CREATE INDEX therapists_rating ON therapists (rating_average);
            """
        )
        target.commit()
        target.execute("DETACH DATABASE app")


def report(rows, args) -> None:
    print(
        f"\n{args.therapists:,} therapists, wrk -t2 -c{args.connections} "
        f"-d{args.seconds}s, 2 gunicorn workers, loopback"
    )
    print(
        f"{'page':<18}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
    )
    for name, _, r in rows:
        print(
            f"{name:<18}{r['rps']:>9.1f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
            f"{r['p99_ms']:>9.1f}{r['errors']:>8}"
        )
    by_name = {name: r for name, _, r in rows}
    html = by_name["datasette html"]["rps"]
    print(
        f"\nsearch best req/s / Datasette HTML req/s = "
        f"{by_name['search best']['rps'] / html:.2f}"
    )
    deep, first = by_name["deep page 200"], by_name["page 1"]
    print(f"page 200 p50 / page 1 p50 = {deep['p50_ms'] / first['p50_ms']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
