"""Recommending a therapist and withdrawing a recommendation: each one whole
change that also recounts the therapist (counting.recommendations_changed()).

The rules are here once, for the form, the views and the admin: only a
clinician whose licence is verified and current recommends; never themselves;
one current recommendation per clinician and therapist; at most
RECOMMENDATIONS_PER_HOUR a clinician.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from clinicians.models import Clinician
from core.ratelimit import Limit
from recommendations.counting import recommendations_changed
from recommendations.models import Recommendation
from therapists.models import Therapist

RECOMMENDATIONS_PER_HOUR = Limit("recommendation", count=10, seconds=60 * 60)

NOT_A_CLINICIAN = (
    "Only clinicians can recommend therapists: physicians, physical therapists, "
    "chiropractors and nurse practitioners who sign up as clinicians and whose "
    "licence our staff have verified."
)
NOT_VERIFIED = (
    "You can recommend therapists once our staff have verified your licence. "
    "Your clinician page shows where it stands."
)
SELF = "You cannot recommend yourself."
ALREADY = (
    "You already recommend this therapist. To change what you wrote, withdraw "
    "that recommendation on your clinician page, then write a new one."
)


class Refused(Exception):
    """The recommendation is not allowed; the message says why, plainly."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def refusal(clinician: Clinician | None, therapist: Therapist) -> str:
    """Why this clinician may not recommend this therapist ("" when they may)."""
    if clinician is None:
        return NOT_A_CLINICIAN
    if clinician.user_id == therapist.user_id:
        return SELF
    if not clinician.is_verified:
        return NOT_VERIFIED
    return ""


def current_recommendation(
    clinician: Clinician | None, therapist: Therapist
) -> Recommendation | None:
    """The clinician's current recommendation of the therapist, if any."""
    if clinician is None:
        return None
    return (
        Recommendation.objects.current()
        .filter(clinician=clinician, therapist=therapist)
        .first()
    )


def with_viewer(therapists: QuerySet, user) -> QuerySet:
    """Annotate, for a profile, what the signed-in user may do about
    recommending: their clinician profile's id and verified date (None for
    anyone but a clinician) and whether they recommend the therapist now;
    nothing at all for a visitor. Inside the profile's own query, so that the
    page costs no query more for anyone."""
    if not user.is_authenticated:
        return therapists
    mine = Clinician.objects.filter(user_id=user.pk)
    theirs = Recommendation.objects.current().filter(
        clinician__user_id=user.pk, therapist=OuterRef("pk")
    )
    return therapists.annotate(
        viewer_clinician_id=Subquery(mine.values("pk")[:1]),
        viewer_verified_until=Subquery(mine.values("verified_until")[:1]),
        viewer_recommends=Exists(theirs),
    )


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as a would-be recommender of one therapist."""

    clinician: Clinician | None = None
    recommends: bool = False
    # Why they may not recommend ("" when they may).
    refusal: str = NOT_A_CLINICIAN

    @property
    def may_recommend(self) -> bool:
        return self.clinician is not None and not self.refusal and not self.recommends


def viewer_of(therapist: Therapist, user) -> Viewer:
    """What with_viewer() found about `user` and this therapist."""
    clinician_id = getattr(therapist, "viewer_clinician_id", None)
    if clinician_id is None:
        return Viewer()
    clinician = Clinician(
        pk=clinician_id,
        user_id=user.pk,
        verified_until=therapist.viewer_verified_until,
    )
    return Viewer(
        clinician=clinician,
        recommends=therapist.viewer_recommends,
        refusal=refusal(clinician, therapist),
    )


@transaction.atomic
def recommend(
    *, clinician: Clinician, therapist: Therapist, statement: str
) -> Recommendation:
    """Record the clinician's recommendation of the therapist and recount the
    therapist. Raises Refused, writing nothing, when it is not allowed."""
    # Read again under a lock: a licence revoked a moment ago refuses, and two
    # submissions at once cannot both pass the checks.
    clinician = Clinician.objects.select_for_update().get(pk=clinician.pk)
    if reason := refusal(clinician, therapist):
        raise Refused(reason)
    if current_recommendation(clinician, therapist) is not None:
        raise Refused(ALREADY)
    try:
        with transaction.atomic():
            recommendation = Recommendation.objects.create(
                clinician=clinician, therapist=therapist, statement=statement.strip()
            )
    except IntegrityError:
        raise Refused(ALREADY) from None
    recommendations_changed([therapist.pk])
    return recommendation


@transaction.atomic
def withdraw(*, recommendation: Recommendation) -> None:
    """Withdraw a current recommendation (kept, marked withdrawn) and recount
    the therapist; withdrawing one already withdrawn changes nothing."""
    withdrawn = Recommendation.objects.filter(
        pk=recommendation.pk, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if withdrawn:
        recommendations_changed([recommendation.therapist_id])
    recommendation.refresh_from_db(fields=["withdrawn_at"])


@transaction.atomic
def withdraw_all(*, recommendations) -> int:
    """Withdraw several (staff, in the admin); returns how many were current."""
    current = list(recommendations.current())
    Recommendation.objects.filter(pk__in=[r.pk for r in current]).update(
        withdrawn_at=timezone.now()
    )
    recommendations_changed(r.therapist_id for r in current)
    return len(current)
