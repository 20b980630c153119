import json

import pytest
from django.conf import settings
from django.db import connection

from tests.fresh_process import run_python


def settings_under(env: dict) -> dict:
    """Load directory.settings in a fresh interpreter with the given environment."""
    code = (
        "import json, directory.settings as s;"
        "print(json.dumps({'db': s.DATABASES['default'], 'debug': s.DEBUG,"
        " 'hosts': s.ALLOWED_HOSTS, 'key': s.SECRET_KEY}, default=str))"
    )
    return json.loads(run_python(code, env, drop=("DATABASE_",)).stdout)


def test_defaults_are_a_local_sqlite_file_with_debug_off():
    loaded = settings_under({})
    assert loaded["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["db"]["NAME"].endswith("db.sqlite3")
    assert loaded["debug"] is False
    assert loaded["key"].startswith("django-insecure-")


def test_environment_variables_configure_the_site():
    loaded = settings_under(
        {
            "DJANGO_SECRET_KEY": "k" * 50,
            "DJANGO_DEBUG": "on",
            "DJANGO_ALLOWED_HOSTS": "backcare.example,www.backcare.example",
            "DATABASE_URL": "postgres://app:pw@db.example:5432/backcare",
        }
    )
    assert loaded["key"] == "k" * 50
    assert loaded["debug"] is True
    assert loaded["hosts"] == ["backcare.example", "www.backcare.example"]
    assert loaded["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert (loaded["db"]["HOST"], loaded["db"]["NAME"]) == ("db.example", "backcare")


def test_sqlite_url_with_a_path():
    loaded = settings_under({"DATABASE_URL": "sqlite:////tmp/elsewhere.sqlite3"})
    assert loaded["db"]["NAME"] == "/tmp/elsewhere.sqlite3"
    assert loaded["db"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")
def test_sqlite_file_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3")}
    wrapper = DatabaseWrapper(config, alias="wal-check")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20000
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_postgresql_connects_with_a_timeout_so_readyz_fails_fast():
    url = "postgres://postgres@127.0.0.1:5432/test"

    def timeout(**env):
        return settings_under({"DATABASE_URL": url, **env})["db"]["OPTIONS"][
            "connect_timeout"
        ]

    assert timeout() == 5
    assert timeout(DJANGO_DB_CONNECT_TIMEOUT="2") == 2
    # A value in the URL's query string wins.
    assert str(timeout(DATABASE_URL=f"{url}?connect_timeout=9")) == "9"
