"""The shared cache and sessions: Redis when REDIS_URL is set, else the database."""

import json
import os
import uuid

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from tests.fresh_process import run_python

# Database 15 of the local Redis, or TEST_REDIS_URL.
LOCAL_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def loaded_settings(**env: str) -> dict:
    """CACHES and SESSION_ENGINE as a fresh process reads them from `env`."""
    code = (
        "import json, directory.settings as s;"
        "print(json.dumps({'caches': s.CACHES,"
        " 'sessions': getattr(s, 'SESSION_ENGINE', None)}))"
    )
    return json.loads(
        run_python(code, env, drop=("REDIS_URL", "REDIS_PAGES_URL")).stdout
    )


def test_without_redis_cache_and_sessions_stay_in_the_database():
    loaded = loaded_settings()

    assert loaded["caches"]["default"]["BACKEND"].endswith("db.DatabaseCache")
    # Django's default: sessions in the database.
    assert loaded["sessions"] is None
    # Rendered pages in each worker's memory: a read never writes to SQLite.
    for alias in ("pages", "cards"):
        assert loaded["caches"][alias]["BACKEND"].endswith("locmem.LocMemCache")


def test_with_redis_cache_is_redis_and_sessions_are_cached_db():
    loaded = loaded_settings(REDIS_URL=LOCAL_REDIS)

    for alias in ("default", "read-limits"):
        cache = loaded["caches"][alias]
        assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert cache["LOCATION"] == LOCAL_REDIS
        assert cache["OPTIONS"]["socket_timeout"] <= 5
    assert loaded["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert loaded["caches"]["pages"]["LOCATION"] == LOCAL_REDIS
    assert loaded["caches"]["pages"]["KEY_PREFIX"] == "pages"
    # Kept per search, and visitors choose searches: never beside the limits.
    assert loaded["caches"]["cards"]["BACKEND"].endswith("locmem.LocMemCache")


def test_rendered_pages_may_have_a_redis_of_their_own():
    own = "redis://127.0.0.1:6379/14"
    loaded = loaded_settings(REDIS_URL=LOCAL_REDIS, REDIS_PAGES_URL=own)

    assert loaded["caches"]["pages"]["LOCATION"] == own
    assert loaded["caches"]["cards"]["LOCATION"] == own
    assert loaded["caches"]["cards"]["KEY_PREFIX"] == "cards"
    assert loaded["caches"]["default"]["LOCATION"] == LOCAL_REDIS


def redis_cache() -> dict:
    try:
        import redis

        redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1).ping()
    except Exception as error:
        pytest.skip(f"no Redis at {LOCAL_REDIS} ({type(error).__name__})")
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": LOCAL_REDIS,
        # Each test's keys of its own, so parallel runs never meet.
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }


@pytest.fixture
def on_redis(settings, db):
    """The site as with REDIS_URL set: cache and sessions in the local Redis."""
    cache = redis_cache()
    settings.CACHES = {"default": cache, "read-limits": cache}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield caches["default"]
    # Only this test's keys: clear() would flush the whole Redis database.
    client = caches["default"]._cache.get_client(write=True)
    for key in client.scan_iter(f"{cache['KEY_PREFIX']}:*"):
        client.delete(key)


def test_a_session_made_through_one_client_is_read_by_another(
    on_redis, client_user, settings
):
    first = Client()
    first.force_login(client_user)
    cookie = first.cookies[settings.SESSION_COOKIE_NAME].value
    assert on_redis.get(KEY_PREFIX + cookie)["_auth_user_id"] == str(client_user.pk)

    # A second app server: another client that only has the browser's cookie.
    second = Client()
    second.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = second.get(reverse("accounts:home"))

    assert response.wsgi_request.user == client_user
    assert "login" not in response.get("Location", "")


def test_a_session_survives_losing_its_copy_in_redis(on_redis, client_user, settings):
    first = Client()
    first.force_login(client_user)
    cookie = first.cookies[settings.SESSION_COOKIE_NAME].value

    # As after a Redis restart or flush.
    on_redis.delete(KEY_PREFIX + cookie)
    second = Client()
    second.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = second.get(reverse("accounts:home"))

    assert response.wsgi_request.user == client_user
    # Read back from the database and cached again.
    assert on_redis.get(KEY_PREFIX + cookie) is not None


def test_readiness_checks_the_redis_cache(on_redis, client):
    assert client.get("/readyz").json()["checks"]["cache"] == "ok"
