"""Rendered markup kept in a cache, and read past when the cache fails.

profiles.page_cache keeps a visitor's profile, therapists.cards the search
page's result cards; both are rendered again when their entry is missing. So a
cache that fails is logged and left alone for PAUSE seconds, the page rendered
as if every entry were missing: a Redis that hangs costs a visitor its
time-out once, not on every look.
"""

import functools
import hashlib
import logging
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.core.cache import caches

logger = logging.getLogger(__name__)

# Seconds a cache is left alone after it failed.
PAUSE = 30


class Kept:
    """One cache alias's entries, each kept `timeout` seconds; `name` says
    which in the log ("page cache")."""

    def __init__(self, alias: str, timeout: int, name: str):
        self.alias, self.timeout, self.name = alias, timeout, name
        self.paused_until = 0.0

    def get(self, key: str) -> Any:
        return self._ask("get", key)

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        return self._ask("get_many", keys) or {}

    def set(self, key: str, value: Any) -> None:
        self._ask("set", key, value, self.timeout)

    def set_many(self, entries: Mapping[str, Any]) -> None:
        if entries:
            self._ask("set_many", entries, self.timeout)

    def _ask(self, method: str, *args) -> Any:
        """The cache's `method`, or None while paused or when it fails."""
        if self._paused():
            return None
        try:
            return getattr(caches[self.alias], method)(*args)
        except Exception:
            what = "read: rendering instead" if method.startswith("get") else "written"
            self._pause(f"could not be {what}")
            return None

    def _paused(self) -> bool:
        return time.monotonic() < self.paused_until

    def _pause(self, what: str) -> None:
        self.paused_until = time.monotonic() + PAUSE
        logger.exception(
            "The %s %s; not asked again for %s seconds", self.name, what, PAUSE
        )


@functools.cache
def templates_digest(directory: Path) -> str:
    """A digest of the templates under `directory`, read once per process: part
    of a kept entry's key, so a release that changes them misses what the one
    before kept (in a Redis both share)."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.html")):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
