"""Staff queues (credentials to verify, reports to decide): the two orders they
offer, oldest first by default, and the filter that chooses one.

A queue's QuerySet mixes in QueueQuerySet; its FilterSet subclasses
QueueFilterSet and declares `sort = order_filter()` after its other filters,
so the order comes last in the form and in the query string, as on the page.
"""

from typing import Self

import django_filters
from django.db import models

NEWEST = "newest"
OLDEST = "oldest"


def choose_from_list(what: str) -> dict:
    """The message for a value that is not one of the list's (a changed URL)."""
    return {"invalid_choice": f"Choose {what} from the list."}


class QueueQuerySet(models.QuerySet):
    """Rows waiting for staff, ordered by when they arrived (`created_at`)."""

    def oldest_first(self) -> Self:
        """Longest waiting first: a queue's order."""
        return self.order_by("created_at", "id")

    def newest_first(self) -> Self:
        """Most recent first."""
        return self.order_by("-created_at", "-id")


def order_filter() -> django_filters.ChoiceFilter:
    """The queue's `sort` parameter: `oldest` or `newest`."""
    return django_filters.ChoiceFilter(
        label="Order",
        choices=[(OLDEST, "Oldest first"), (NEWEST, "Newest first")],
        empty_label=None,
        method="filter_sort",
        error_messages=choose_from_list("an order"),
    )


class QueueFilterSet(django_filters.FilterSet):
    """A queue's filters; its `sort = order_filter()` calls filter_sort()."""

    def filter_sort(self, queryset, name, value):
        return queryset.newest_first() if value == NEWEST else queryset.oldest_first()
