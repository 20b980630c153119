"""The HSDS download, /open-data/hsds.zip: the files `export_hsds` writes,
zipped into the default storage (MEDIA_ROOT, or the public bucket) and
reused while fresh.

A visitor never makes the server export per request: once the zip is older
than FRESH_FOR, the first request queues one rebuild (`build_download`, a
background task: an export of the whole directory takes minutes at 100,000
therapists, far longer than a request may) under a lock in the shared cache,
and every request is served the previous zip meanwhile (a 503 with Retry-After
before the first). A failed build keeps the lock until it times out, so a
broken export is retried every LOCK_SECONDS, not on every request. The new zip
replaces the old one atomically: renamed over it on local disk, or put in one
request to a bucket, so every server of several sees the same zip and no
visitor gets half of one.
"""

import datetime
import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.tasks import task

from hsds import tables

FRESH_FOR = datetime.timedelta(days=1)
LOCK_KEY = "hsds:download:building"
LOCK_SECONDS = 15 * 60
FILE_NAME = "hsds.zip"
# Its name in the default storage (public data: beside the site's other media).
NAME = f"open-data/{FILE_NAME}"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Download:
    """The zip as stored: its name, when it was built and its size in bytes."""

    name: str
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

    def open(self) -> File:
        """The stored zip, open for reading."""
        return storages["default"].open(self.name, "rb")


def current() -> Download | None:
    """The zip built last, fresh or not; None before the first build."""
    storage = storages["default"]
    try:
        size = storage.size(NAME)
        built_at = storage.get_modified_time(NAME)
    except FileNotFoundError:
        return None
    return Download(NAME, built_at.astimezone(datetime.UTC), size)


def build(base_url: str) -> Download:
    """Export into a temporary folder, zip it and put it in place atomically."""
    storage = storages["default"]
    target = _local_path(storage)
    if target is not None:
        # Work beside the zip, so the rename below stays on one file system.
        target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(
        dir=target.parent if target is not None else None
    ) as work:
        folder = Path(work) / "hsds"
        tables.write(folder, base_url)
        built = Path(work) / FILE_NAME
        with zipfile.ZipFile(built, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, arcname=path.name)
        if target is not None:
            os.replace(built, target)
        else:
            _upload(storage, built)
    return current()


def _local_path(storage: Storage) -> Path | None:
    """Where the storage keeps the zip on this machine's disk; None for a bucket."""
    try:
        return Path(storage.path(NAME))
    except NotImplementedError:
        return None


def _upload(storage: Storage, built: Path) -> None:
    """Replace the stored zip with one PUT: readers get the old or the new one."""
    with built.open("rb") as handle:
        saved = storage.save(NAME, File(handle))
    if saved != NAME:
        # A bucket that never overwrites would pile up zips nobody serves.
        storage.delete(saved)
        raise RuntimeError("The default storage must overwrite (file_overwrite).")


def fresh_download(base_url: str) -> Download | None:
    """The zip to serve: the stored one, fresh or not (None before the first);
    a stale or missing one is rebuilt in the background, one build at a time.
    """
    found = current()
    if found is not None and found.fresh():
        return found
    if cache.add(LOCK_KEY, True, LOCK_SECONDS):
        result = build_download.enqueue(base_url)
        if result.is_finished:
            # A backend that runs tasks at once (tests, a site without a worker).
            return current()
    return found


@task
def build_download(base_url: str) -> bool:
    """Rebuild the zip (queued by fresh_download(), which took the lock)."""
    try:
        build(base_url)
    except Exception:
        # Keep the lock: the next try waits for it to time out.
        logger.exception("Building the HSDS download failed")
        return False
    cache.delete(LOCK_KEY)
    return True
