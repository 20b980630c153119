"""The badge and the verified-credential counts stored on each therapist.

Credentials are this app's rows, so this app recounts what they move, in the
same transaction as the change: the badge expiry and the counts on the
therapist, the badge copy on its locations, and its score.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Max, OuterRef, QuerySet, Subquery

from therapists.indexing import count_subquery
from therapists.models import Therapist
from verification.models import Credential


def credentials_changed(
    therapist_ids: Iterable[int], *, on: datetime.date | None = None
) -> None:
    """Recount the badge and verified-credential counts of these therapists
    after their credentials changed (submitted, edited, decided, expired,
    deleted), then what those move: location copies and the score."""
    therapist_ids = set(therapist_ids)
    if therapist_ids:
        recount(Therapist.objects.filter(pk__in=therapist_ids), on=on)


def recount(therapists: QuerySet, *, on: datetime.date | None = None) -> None:
    """Store the badge and credential counts of these therapists afresh, then
    copy the badge to their locations and rescore them."""
    mine = Credential.objects.filter(therapist=OuterRef("pk"))
    current = mine.current(on)
    badge_until = (
        mine.badge_qualifying(on)
        .values("therapist")
        .annotate(until=Max("expires_on"))
        .values("until")
    )
    therapists.update(
        badge_valid_until=Subquery(badge_until),
        verified_licence_count=count_subquery(
            current.filter(kind=Credential.Kind.STATE_LICENCE)
        ),
        verified_certification_count=count_subquery(
            current.filter(kind=Credential.Kind.BOARD_CERTIFICATION)
        ),
        other_verified_credential_count=count_subquery(
            current.exclude(kind__in=Credential.BADGE_KINDS)
        ),
    )
    therapists.copy_to_locations()
    therapists.rerank()
