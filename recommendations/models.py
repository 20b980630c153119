"""A verified clinician's recommendation of a therapist: who, whom, and in
their own words how they know the therapist's work. Kept after it is withdrawn
(`withdrawn_at`), so the history stays; only current ones from clinicians whose
licence is verified count (RecommendationQuerySet.counted())."""

import datetime
from typing import Self

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from verification.models import Credential

STATEMENT_MAX_LENGTH = 300


class RecommendationQuerySet(models.QuerySet):
    def current(self) -> Self:
        """Recommendations not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def counted(self, on: datetime.date | None = None) -> Self:
        """Current recommendations whose clinician's licence is verified and
        current on the given day: the ones a profile shows and a therapist's
        count holds."""
        return self.current().filter(
            clinician__verified_until__gte=on or timezone.localdate()
        )

    def by(self, clinician) -> Self:
        """One clinician's recommendations."""
        return self.filter(clinician_id=clinician.pk)

    def with_licence_state(self) -> Self:
        """Annotate licence_state: where the clinician's current verified
        licence was issued (the one that lasts longest)."""
        licences = (
            Credential.objects.filter(clinician=OuterRef("clinician_id"))
            .current()
            .filter(kind=Credential.Kind.STATE_LICENCE)
            .order_by("-expires_on", "-id")
        )
        return self.annotate(
            licence_state=Subquery(licences.values("jurisdiction")[:1])
        )

    def for_profile(self) -> Self:
        """What a therapist's profile shows: the counted recommendations, with
        each clinician and their licence's state, the newest first."""
        return (
            self.counted()
            .select_related("clinician")
            .with_licence_state()
            .order_by("-created_at", "-id")
        )

    def for_profile_of(self, therapist) -> Self:
        """for_profile() for one therapist; no query at all when their stored
        count says nobody recommends them (as reviews load only when counted)."""
        if not therapist.clinician_recommendation_count:
            return self.none()
        return self.filter(therapist_id=therapist.pk).for_profile()

    def for_clinician(self) -> Self:
        """What a clinician's own page lists: every recommendation, current
        first, with the therapist's name and link."""
        return self.select_related("therapist").order_by(
            models.F("withdrawn_at").desc(nulls_first=True), "-created_at", "-id"
        )


class Recommendation(models.Model):
    clinician = models.ForeignKey(
        "clinicians.Clinician",
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    therapist = models.ForeignKey(
        "therapists.Therapist",
        on_delete=models.CASCADE,
        related_name="clinician_recommendations",
    )
    statement = models.CharField(
        "how you know their work", max_length=STATEMENT_MAX_LENGTH
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["therapist", "withdrawn_at"], name="recommendation_count_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "therapist"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_current_recommendation_per_pair",
                violation_error_message=(
                    "You already recommend this therapist. Withdraw that "
                    "recommendation first to write a new one."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(statement=""),
                name="recommendation_has_statement",
                violation_error_message="Say how you know their work.",
            ),
        ]

    def __str__(self):
        return f"{self.clinician} recommends {self.therapist}"

    @property
    def is_current(self) -> bool:
        """Whether it is not withdrawn."""
        return self.withdrawn_at is None
