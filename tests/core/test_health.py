"""/healthz and /readyz: what load balancers see, and what they never see."""

import json
import logging

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import health

BUILT_IN = ("database", "cache", "storage")


@pytest.fixture(autouse=True)
def checks(monkeypatch):
    """The built-in checks only (others' are tested with their part), restored
    after the test."""
    built_in = {name: health.CHECKS[name] for name in BUILT_IN}
    monkeypatch.setattr(health, "CHECKS", built_in)
    return built_in


def test_healthz_answers_ok_touching_no_database_cache_or_cookie(
    client, db, django_assert_num_queries, monkeypatch
):
    def no_cache(*args, **kwargs):
        raise AssertionError("the liveness probe used the cache")

    monkeypatch.setattr(LocMemCache, "get", no_cache)
    monkeypatch.setattr(LocMemCache, "set", no_cache)
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/therapists/").status_code == 301


@pytest.mark.django_db
def test_readyz_is_ok_when_database_cache_and_storage_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store") == 1
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("check", "target"),
    [
        ("database", "django.db.backends.utils.CursorWrapper.execute"),
        ("cache", "django.core.cache.backends.locmem.LocMemCache.set"),
        ("storage", "core.storage.PrivateMediaStorage.exists"),
    ],
)
def test_a_failing_check_gives_503_naming_only_that_check(
    client, caplog, monkeypatch, check, target
):
    def broken(*args, **kwargs):
        raise ConnectionError("db-7.internal:5432 PostgreSQL 17.2 refused: s3cr3t")

    monkeypatch.setattr(target, broken)

    response = client.get("/readyz", HTTP_X_REQUEST_ID="probe-12345678")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"][check] == "fail"
    assert [name for name, result in body["checks"].items() if result == "fail"] == [
        check
    ]
    for internal in ("db-7", "5432", "PostgreSQL", "17.2", "s3cr3t", "refused"):
        assert internal not in response.content.decode()
    (logged,) = [r for r in caplog.records if r.name == "core.health"]
    assert logged.levelno == logging.ERROR
    assert logged.check == check
    assert "db-7.internal" in str(logged.exc_info[1])


@pytest.mark.django_db
def test_a_cache_that_loses_values_fails_the_cache_check(client, monkeypatch):
    monkeypatch.setattr(LocMemCache, "get", lambda *args, **kwargs: None)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "fail"


@pytest.mark.django_db
def test_the_cache_check_leaves_no_key_behind(client):
    from django.core.cache import cache

    response = client.get("/readyz")

    assert response.json()["checks"]["cache"] == "ok"
    assert not cache._cache  # locmem's own store: the probe deleted its key


def test_a_public_storage_that_fails_fails_the_storage_check(client, db, monkeypatch):
    class Unreachable:
        def exists(self, name):
            raise OSError("bucket photos.example unreachable")

    monkeypatch.setattr(health, "default_storage", Unreachable())

    response = client.get("/readyz")

    assert response.json()["checks"]["storage"] == "fail"
    assert "photos.example" not in response.content.decode()


@pytest.mark.django_db
def test_registered_checks_are_run_and_named(client):
    def tasks():
        raise health.CheckFailed("oldest queued task is 900 s old")

    health.register_check("tasks", tasks)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "fail",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "tasks": "fail"},
    }


@pytest.mark.django_db
def test_registering_a_name_again_replaces_its_check(client):
    health.register_check("tasks", lambda: None)
    health.register_check("tasks", lambda: None)

    assert client.get("/readyz").json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "tasks": "ok",
    }


def test_probes_accept_only_get_and_head(client, db):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_database_check_bounds_its_query_on_postgresql():
    with CaptureQueriesContext(connection) as captured:
        health.check_database()

    sql = [query["sql"] for query in captured.captured_queries]
    assert "SELECT 1" in sql
    if connection.vendor == "postgresql":
        assert any("statement_timeout" in each for each in sql)
