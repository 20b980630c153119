"""The staff queue's search, filters and order: names, labels and validation.

Parameter names are part of the queue's URL: q, state, kind, waiting, sort. What
each one does is one CredentialQuerySet method.
"""

import django_filters

from core.queues import QueueFilterSet, choose_from_list, order_filter
from therapists.models import US_STATES
from verification.models import Credential

SEARCH_MAX_LENGTH = 100
WAITING_DAYS = (3, 7, 14)


class CredentialFilter(QueueFilterSet):
    q = django_filters.CharFilter(
        label="Name or credential number",
        max_length=SEARCH_MAX_LENGTH,
        method="filter_search",
        error_messages={
            "max_length": f"Search with at most {SEARCH_MAX_LENGTH} characters.",
            "null_characters_not_allowed": "Search with letters, digits and dashes.",
        },
    )
    state = django_filters.ChoiceFilter(
        label="State",
        choices=[*US_STATES, ("US", "National (US)")],
        empty_label="Any state",
        method="filter_state",
        error_messages=choose_from_list("a state"),
    )
    kind = django_filters.ChoiceFilter(
        label="Kind",
        choices=Credential.Kind.choices,
        empty_label="Any kind",
        error_messages=choose_from_list("a kind of credential"),
    )
    waiting = django_filters.ChoiceFilter(
        label="Waiting",
        choices=[(str(days), f"Over {days} days") for days in WAITING_DAYS],
        empty_label="Any time",
        method="filter_waiting",
        error_messages=choose_from_list("how long they have waited"),
    )

    sort = order_filter()

    class Meta:
        model = Credential
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_state(self, queryset, name, value):
        return queryset.in_jurisdiction(value)

    def filter_waiting(self, queryset, name, value):
        return queryset.waiting_longer_than(int(value))

    @property
    def narrows(self) -> bool:
        """Whether the cleaned values leave out any credential (call is_valid()
        first): the order alone does not."""
        cleaned = self.form.cleaned_data
        return any(cleaned.get(name) for name in ("q", "state", "kind", "waiting"))
