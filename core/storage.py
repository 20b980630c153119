"""Private files: credential evidence, with no URL; only checked views read it.

Where they live is the "private" alias of settings.STORAGES: PRIVATE_MEDIA_ROOT
on local disk (PrivateMediaStorage, outside MEDIA_ROOT), or a private bucket
(core.s3.PrivateS3Storage). Callers use `private_storage`, which follows that
setting, even when a test overrides it.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateMediaStorage(FileSystemStorage):
    """Private files: outside MEDIA_ROOT, no URL; only checked views serve them."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


class _PrivateStorage(LazyObject):
    """storages["private"], looked up on first use."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


def select_private_storage() -> Storage:
    """The storage of private FileFields: migrations name this, not a backend."""
    return private_storage


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs) -> None:
    """Follow an overridden STORAGES, as Django's own default_storage does."""
    if setting == "STORAGES":
        private_storage._wrapped = empty
