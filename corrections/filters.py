"""The staff queue's filters: names, labels and validation.

Parameter names are part of the queue's URL: status, reason, sort. What each
one does is one ReportQuerySet method.
"""

import django_filters

from core.queues import OLDEST, QueueFilterSet, choose_from_list, order_filter
from corrections.models import Report

OPEN = "open"
CLOSED = "closed"
ANY = "any"


class ReportFilter(QueueFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[(OPEN, "Open"), (CLOSED, "Closed"), (ANY, "Open or closed")],
        empty_label=None,
        method="filter_status",
        error_messages=choose_from_list("a status"),
    )
    reason = django_filters.ChoiceFilter(
        label="Reason",
        choices=Report.Reason.choices,
        empty_label="Any reason",
        method="filter_reason",
        error_messages=choose_from_list("a reason"),
    )

    sort = order_filter()

    class Meta:
        model = Report
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # The queue opens on the open reports, oldest first.
        data = data.copy() if data is not None else {}
        data.setdefault("status", OPEN)
        data.setdefault("sort", OLDEST)
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.open()
        if value == CLOSED:
            return queryset.closed()
        return queryset

    def filter_reason(self, queryset, name, value):
        return queryset.about(value)
