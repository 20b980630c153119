"""The count of clinicians' recommendations stored on each therapist
(`Therapist.clinician_recommendation_count`), which the card, the
`recommended` search filter and the score read.

This app owns it: every change that can move it recounts it in the same
transaction, through recommendations_changed(). A recommendation written or
withdrawn calls it from recommendations.writing; a clinician whose licence
becomes verified, lapses, is revoked or deleted calls it through
clinicians_changed(), which verification.badges calls once it has stored the
clinicians' verified status (this app registers it there: see apps.py).
"""

import datetime
from collections.abc import Iterable

from django.db.models import OuterRef

from recommendations.models import Recommendation
from therapists.indexing import count_subquery
from therapists.models import Therapist


def recommendations_changed(
    therapist_ids: Iterable[int], *, on: datetime.date | None = None
) -> None:
    """Recount the recommendations that count for these therapists (current,
    from a clinician verified on `on`, today by default), then their score."""
    therapist_ids = {pk for pk in therapist_ids if pk is not None}
    if not therapist_ids:
        return
    therapists = Therapist.objects.filter(pk__in=therapist_ids)
    counted = Recommendation.objects.counted(on).filter(therapist=OuterRef("pk"))
    therapists.update(clinician_recommendation_count=count_subquery(counted))
    therapists.rerank()


def clinicians_changed(clinician_ids: Iterable[int]) -> None:
    """Recount the therapists these clinicians currently recommend, after
    their licence's status changed."""
    recommended = Recommendation.objects.current().filter(
        clinician_id__in=set(clinician_ids)
    )
    recommendations_changed(recommended.values_list("therapist_id", flat=True))
