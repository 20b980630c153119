from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing every app may import: mail that must not fail, files
    deleted after commit, private storage, and the shared cache's table."""

    name = "core"
    verbose_name = "Shared plumbing"
