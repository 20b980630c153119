"""Readiness: can this app server do its work? (`/readyz`, core.views).

A check is a function of no arguments that returns when what it checks works
and raises when it does not; its exception (which may name hosts, versions or
paths) goes to the log with the request id, never to the answer. The database,
the cache and both storages are checked here; other parts of the site add their
own with `register_check(name, func)` (e.g. the age of the oldest queued task).
Each check is bounded in time where its client allows (READINESS_TIMEOUT
seconds): a statement timeout on PostgreSQL, the socket timeouts of the Redis
cache (settings.CACHES).
"""

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection, transaction

from core.storage import private_storage

logger = logging.getLogger(__name__)

Check = Callable[[], None]
CHECKS: dict[str, Check] = {}
# A name no upload can take (uploads go under their own folders), so asking
# whether it exists only proves the storage answers.
PROBE_NAME = ".readiness-probe"


class CheckFailed(Exception):
    """Raised by a check whose service answers but is not fit (e.g. a backlog)."""


def register_check(name: str, func: Check) -> None:
    """Add (or replace) the readiness check called `name`."""
    CHECKS[name] = func


def run_checks() -> dict[str, str]:
    """Run every check: {"database": "ok", "cache": "fail", ...}, failures logged."""
    results = {}
    for name, func in CHECKS.items():
        started = time.monotonic()
        try:
            func()
        except Exception:
            # The traceback may name hosts and versions: the log only.
            logger.exception(
                "readiness check failed",
                extra={"event": "readiness_failed", "check": name},
            )
            results[name] = "fail"
        else:
            results[name] = "ok"
        elapsed = time.monotonic() - started
        if elapsed > settings.READINESS_TIMEOUT:
            logger.warning(
                "readiness check slow",
                extra={"event": "readiness_slow", "check": name, "seconds": elapsed},
            )
    return results


def check_database() -> None:
    """The default database answers a query."""
    if connection.vendor != "postgresql":
        # No transaction: on SQLite (transaction_mode=IMMEDIATE) one would take
        # the write lock, and wait for it.
        select_one()
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            # For this transaction only: a stuck server fails the check
            # instead of holding the probe.
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [str(int(settings.READINESS_TIMEOUT * 1000))],
            )
        select_one()


def select_one() -> None:
    """SELECT 1 returns 1."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("SELECT 1 did not return 1")


def check_cache() -> None:
    """The shared cache stores, returns and forgets a value."""
    key = f"readiness:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise CheckFailed("the cache did not return what was stored")
    finally:
        cache.delete(key)


def check_storage() -> None:
    """The public and the private storage answer (local disk or a bucket)."""
    default_storage.exists(PROBE_NAME)
    private_storage.exists(PROBE_NAME)


register_check("database", check_database)
register_check("cache", check_cache)
register_check("storage", check_storage)
