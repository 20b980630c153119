"""Run requests at the same moment on real threads, each on its own database
connection, as several gunicorn workers would.

A scenario is a function of no arguments in a test module: it makes its data,
fires its requests with at_once() and returns what it counted (JSON). race()
runs it against a real, committed database: in this process on PostgreSQL (the
test is marked RACE, a transactional test), and on SQLite in a subprocess with a
fresh migrated file, because the test database is an in-memory one whose shared
cache refuses concurrent writers ("database table is locked") instead of making
them wait.
"""

import importlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, connections

from therapists.models import Condition

BASE_DIR = Path(__file__).resolve().parents[2]

# Committed writes that other connections see. Naming every app makes the flush
# after the test cascade, through the search table that refers to therapists.
RACE = pytest.mark.django_db(
    transaction=True,
    available_apps=[config.name for config in apps.get_app_configs()],
)

# The subprocess: the site's settings on a fresh SQLite file, with the test
# suite's overrides (tests/conftest.py) and test environment.
BOOTSTRAP = """
import importlib, json, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()
settings.SECURE_SSL_REDIRECT = False
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Through override_settings: storages already looked up at setup (the private
# storage of Credential.evidence) are looked up again.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
call_command("migrate", verbosity=0)
module, name = sys.argv[1].split(":")
print(json.dumps(getattr(importlib.import_module(module), name)()))
"""


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Start every call together (after a barrier); return what each returned,
    or the exception it raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # the test reads it
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def race(scenario: Callable[[], dict], tmp_path: Path) -> dict:
    """Run `scenario` against a committed database; return what it counted
    (the test is marked RACE)."""
    if connection.vendor == "postgresql":
        restore_taxonomies()
        return scenario()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "directory.settings"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            BOOTSTRAP,
            f"{scenario.__module__}:{scenario.__name__}",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def restore_taxonomies() -> None:
    """Transactional tests empty every table: put the seeded taxonomy back."""
    if not Condition.objects.exists():
        migration = importlib.import_module(
            "therapists.migrations.0002_techniques_and_conditions"
        )
        migration.add_taxonomies(apps, None)
