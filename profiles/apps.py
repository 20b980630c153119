from django.apps import AppConfig
from django.db import connection
from django.db.models.signals import post_migrate, pre_migrate


class ProfilesConfig(AppConfig):
    """The public profile page: a therapist with their credentials, reviews,
    ranking and shortlist state, composed from the apps that own each."""

    name = "profiles"

    def ready(self) -> None:
        from profiles import versions
        from therapists import cards

        # A result card shows part of a profile: it is kept by its version
        # (where the database has the triggers: SQLite and PostgreSQL).
        if connection.vendor in versions.STATEMENTS:
            cards.keep_by(versions.of)

        # Out of the way of every migration, back after it and after every
        # flush: see profiles.versions.
        pre_migrate.connect(
            versions.dropped_before_migrate,
            sender=self,
            dispatch_uid="profiles.versions.drop",
        )
        post_migrate.connect(
            versions.installed_after_migrate,
            sender=self,
            dispatch_uid="profiles.versions.install",
        )
