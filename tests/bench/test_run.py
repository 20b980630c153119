"""bench/run.py: its defaults are what docs/performance.md states, every page
is warmed before the first is measured, and the report gives each page's
in-process time as a multiple of its floor."""

import re
from pathlib import Path
from types import SimpleNamespace

from bench import run

DOCS = Path(run.ROOT) / "docs" / "performance.md"


def test_the_default_duration_and_warm_up_are_the_documented_ones():
    stated = re.search(
        r"on loopback for (\d+) s after a (\d+) s\s+warm-up", DOCS.read_text()
    )
    assert stated, "docs/performance.md no longer says how long wrk runs"
    args = run.arguments([])
    assert (args.seconds, args.warmup) == (int(stated[1]), int(stated[2])) == (15, 2)
    assert (args.therapists, args.reviews_per_therapist) == (100_000, 10)


def test_every_page_is_warmed_before_the_first_is_measured(capsys):
    calls = []

    def load(url, seconds, connections):
        calls.append((url, seconds))
        return {"rps": float(len(calls))}

    targets = [("search best", "http://a/1"), ("profile", "http://a/2")]
    args = SimpleNamespace(warmup=2, seconds=15, connections=2)
    rows, again = run.measure(targets, args, load=load)
    # Both pages once, then each warmed again and measured, then the first again.
    assert calls == [
        ("http://a/1", 2),
        ("http://a/2", 2),
        ("http://a/1", 2),
        ("http://a/1", 15),
        ("http://a/2", 2),
        ("http://a/2", 15),
        ("http://a/1", 15),
    ]
    assert rows == [
        ("search best", {"rps": 4.0, "warmup_rps": 1.0}),
        ("profile", {"rps": 6.0, "warmup_rps": 2.0}),
    ]
    assert again == {"page": "search best", "rps": 7.0}
    assert "search best, again at the end: 7.0 req/s" in capsys.readouterr().out


def timed(url, median, sql=1.0):
    return {"url": url, "median_ms": median, "sql_ms": sql, "queries": 1}


def test_each_page_is_divided_by_its_own_floor():
    shapes = dict(run.SHAPES, profile="/therapists/ana/")
    floors = dict(run.FLOORS, **{"floor profile": "/bench/floor/profile/ana/"})
    in_process = {
        shapes["search best"]: timed(shapes["search best"], 30.0, 2.0),
        shapes["search distance"]: timed(shapes["search distance"], 50.0),
        shapes["profile"]: timed(shapes["profile"], 24.0),
        floors["floor search best"]: timed(floors["floor search best"], 6.0, 0.8),
        floors["floor search distance"]: timed(floors["floor search distance"], 10.0),
        floors["floor profile"]: timed(floors["floor profile"], 2.0),
    }
    multiples = run.floor_multiples(shapes, floors, in_process)
    assert {name: m["multiple"] for name, m in multiples.items()} == {
        "search best": 5.0,
        "search distance": 5.0,
        "profile": 12.0,
    }
    assert multiples["search best"]["floor_sql_ms"] == 0.8
    assert run.floor_profile_path("/therapists/ana/") == "/bench/floor/profile/ana/"


def load(p99=3.0):
    """One page's wrk figures."""
    return {"rps": 10.0, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": p99, "errors": 0}


def results_of(row, **more):
    """A run's results, every page measured as `row`."""
    names = ["search best", "api search", "datasette html", "datasette json"]
    pages = dict.fromkeys([*names, "deep page 200", "page 1"], row)
    results = {"engine": "sqlite", "therapists": 10, "connections": 2, "seconds": 15}
    return results | {"pages": pages, "mixed": None} | more


def test_the_report_and_the_results_give_the_floor_multiples(capsys):
    row = load()
    floors = {
        "search best": {
            "floor": "floor search best",
            "page_ms": 30.0,
            "floor_ms": 6.0,
            "floor_sql_ms": 0.8,
            "floor_queries": 1,
            "multiple": 5.0,
        }
    }
    results = results_of(
        row, first_again={"page": "search best", **row, "rps": 9.0}, floors=floors
    )
    run.report(results)
    out = capsys.readouterr().out
    assert "search best measured first 10.0 req/s, again at the end 9.0" in out
    assert re.search(
        r"search best\s+30\.0\s+floor search best\s+6\.0\s+0\.8\s+5\.0x", out
    )
    assert (
        "| search best | 30.0 | floor search best | 6.0 | 0.8 | 5.0x |"
        in run.markdown(results)
    )


def test_mixed_loads_are_compared_with_read_only_on_their_own_workers(capsys):
    posted = {"submissions": 800, "saved": 800, "failed": 0, "failures": []}
    posted |= {"aggregate_problems": [], "reviews_wall_s": 12.0}
    mixed = {
        "same workers": posted | {"search": load(40.0)},
        "4 threads per worker": posted
        | {"search": load(30.0), "read_only": load(20.0)},
    }
    results = results_of(load(10.0), mixed=mixed)
    run.report(results)
    out = capsys.readouterr().out
    table = run.markdown(results)

    assert "p99 40.0 ms (4.00x read-only on the same workers)" in out
    assert "p99 30.0 ms (1.50x read-only on the same workers)" in out
    assert "| search best, read-only (4 threads per worker) | 10.0 |" in table
    assert (
        "| search best, 800 reviews posted at once (4 threads per worker) | 10.0 "
        "| 1.0 | 2.0 | 30.0 |" in table
    )


def test_threads_make_gthread_workers():
    assert "--threads" not in run.gunicorn_command(8000)
    command = run.gunicorn_command(8000, threads=4)
    assert command[command.index("--threads") + 1] == "4"
    assert run.arguments([]).threads == 4


def test_the_benchs_server_takes_the_mixed_loads_session_cookie():
    """Over plain HTTP the site's own settings name the cookie __Host-sessionid
    and mark it Secure: the review clients of the mixed load were sent to the
    log-in page, and no review was posted."""
    from bench import concurrent_reviews, settings

    assert settings.SESSION_COOKIE_NAME == concurrent_reviews.SESSION_COOKIE
    assert not settings.SESSION_COOKIE_SECURE
    assert not settings.CSRF_COOKIE_SECURE
