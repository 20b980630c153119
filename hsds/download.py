"""The HSDS download, /open-data/hsds.zip: the files `export_hsds` writes,
zipped into storage and reused while fresh.

A visitor never makes the server export per request: the zip is rebuilt only
when it is older than FRESH_FOR, by one request at a time (a lock in the shared
cache; the others are served the previous zip meanwhile). A failed build keeps
the lock until it times out, so a broken export is retried every LOCK_SECONDS,
not on every request. The new zip replaces the old one atomically.
"""

import datetime
import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from hsds import tables

FRESH_FOR = datetime.timedelta(days=1)
LOCK_KEY = "hsds:download:building"
LOCK_SECONDS = 15 * 60
FILE_NAME = "hsds.zip"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Download:
    """The zip as stored: where, when it was built and its size in bytes."""

    path: Path
    built_at: datetime.datetime
    size: int

    def fresh(self, now: datetime.datetime | None = None) -> bool:
        """Built less than FRESH_FOR ago."""
        now = now or datetime.datetime.now(datetime.UTC)
        return now - self.built_at < FRESH_FOR

    @property
    def file_name(self) -> str:
        """ "backcare-hsds-2026-11-30.zip": what the visitor saves."""
        return f"backcare-hsds-{self.built_at.date().isoformat()}.zip"


def storage_path() -> Path:
    """Where the zip is kept (public data: beside the site's other media)."""
    return Path(settings.MEDIA_ROOT) / "open-data" / FILE_NAME


def current() -> Download | None:
    """The zip built last, fresh or not; None before the first build."""
    path = storage_path()
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    built_at = datetime.datetime.fromtimestamp(found.st_mtime, tz=datetime.UTC)
    return Download(path, built_at, found.st_size)


def build(base_url: str) -> Download:
    """Export into a temporary folder, zip it and put it in place atomically."""
    target = storage_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        folder = Path(work) / "hsds"
        tables.write(folder, base_url)
        built = Path(work) / FILE_NAME
        with zipfile.ZipFile(built, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, arcname=path.name)
        os.replace(built, target)
    return current()


def fresh_download(base_url: str) -> Download | None:
    """The zip to serve: the stored one while fresh; else rebuilt by this
    request if no other is rebuilding it, else the stale one (None if none)."""
    found = current()
    if found is not None and found.fresh():
        return found
    if not cache.add(LOCK_KEY, True, LOCK_SECONDS):
        return found
    try:
        found = build(base_url)
    except Exception:
        # Keep the lock: the next try waits for it to time out.
        logger.exception("Building the HSDS download failed")
        return found
    cache.delete(LOCK_KEY)
    return found
