"""One fresh cluster for the session (deploy/cluster.py): nginx, two gunicorn
app servers, PostgreSQL, Redis, an S3 server, the worker and a mail sink.

Run with `make test-cluster`. A missing PostgreSQL, Redis or nginx fails every
test with one line; it is never skipped. The figures each test measures are
printed at the end and written to figures.json in the run directory.
"""

import json
import shutil
from pathlib import Path

import pytest

from deploy.cluster import Cluster, ClusterError

RUN_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "cluster"
# Small enough to reach in a test, large enough to prove a shared count.
API_RATE = 10
# A claim older than this belongs to a dead worker (DJANGO_MAIL_CLAIM_SECONDS).
CLAIM_SECONDS = 3
PASSWORD = "correct-horse-battery"
WRITERS = 4

FIGURES: dict[str, dict] = {}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.cluster)


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("cluster figures")
    for name, figures in FIGURES.items():
        terminalreporter.write_line(f"{name}: {json.dumps(figures)}")
    terminalreporter.write_line(f"(also in {RUN_DIR / 'figures.json'})")


@pytest.fixture(scope="session")
def cluster():
    """The cluster, started once on free ports with a database of its own."""
    shutil.rmtree(RUN_DIR, ignore_errors=True)
    started = Cluster(
        run_dir=RUN_DIR,
        port=0,
        database="backcare_cluster_test",
        redis_db=14,
        fresh=True,
        seed=False,
        settings={
            "DJANGO_API_RATE": f"{API_RATE}/hour",
            "DJANGO_MAIL_CLAIM_SECONDS": str(CLAIM_SECONDS),
        },
        log=lambda line: None,
    )
    try:
        started.start()
    except ClusterError as error:
        pytest.fail(str(error), pytrace=False)
    yield started
    started.stop()
    (RUN_DIR / "figures.json").write_text(json.dumps(FIGURES, indent=2) + "\n")


@pytest.fixture(scope="session")
def people(cluster):
    """Accounts made in the cluster's database: email addresses and slugs."""
    code = f"""
import json
from tests import factories
from therapists import changes
def account(email):
    return factories.make_account(email, password={PASSWORD!r})
# Complete, so that a new photo keeps it published.
photo = factories.make_publishable_draft(
    user=account("photo@cluster.test"), slug="dana"
)
photo.is_published = True
photo.save(update_fields=["is_published"])
changes.publication_changed(photo)
writers = [
    factories.make_therapist(user=account(f"writer{{n}}@cluster.test"))
    for n in range({WRITERS})
]
for email in ["client@cluster.test"] + [f"reset{{n}}@cluster.test" for n in range(5)]:
    account(email)
print(json.dumps({{
    "client": "client@cluster.test",
    "photo": {{"email": "photo@cluster.test", "slug": photo.slug}},
    "writers": [t.user.email for t in writers],
    "resets": [f"reset{{n}}@cluster.test" for n in range(5)],
}}))
"""
    return json.loads(cluster.manage("shell", "-c", code).strip().splitlines()[-1])


@pytest.fixture
def figures(request):
    """Where a test puts what it measured (printed at the end of the run)."""
    return FIGURES.setdefault(request.node.name, {})
