import logging

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing every app may import: mail that must not fail, files
    deleted after commit, private storage, and the shared cache's table."""

    name = "core"
    verbose_name = "Shared plumbing"

    def ready(self):
        # Python's warnings (e.g. WhiteNoise's about a missing STATIC_ROOT) go
        # through logging too, so stderr holds only the JSON lines of LOGGING.
        logging.captureWarnings(True)
