"""Row locks that serialise one person's concurrent writes."""

from django.contrib.auth import get_user_model
from django.db import connection


def lock_user(user) -> None:
    """Lock the user's row until the transaction ends, so that one person's
    concurrent writes are counted one after another (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite's IMMEDIATE transactions already serialise writes, so
    there it asks nothing)."""
    if connection.vendor == "sqlite":
        return
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk=user.pk)
        .values_list("pk", flat=True)
    )
