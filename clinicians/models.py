"""The clinician: a physician, physical therapist, chiropractor or nurse
practitioner who recommends therapists. Whether their licence is verified is
stored here (`verified_until`) by the app that owns credentials
(verification.badges.clinicians_changed()), as the therapist's badge is."""

import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone


class ClinicianQuerySet(models.QuerySet):
    def of_user(self, user) -> Self:
        """The signed-in user's own clinician profile (none for anyone else)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk)

    def verified(self, on: datetime.date | None = None) -> Self:
        """Clinicians whose licence is verified and current on the given day."""
        return self.filter(verified_until__gte=on or timezone.localdate())


class Clinician(models.Model):
    class Profession(models.TextChoices):
        PHYSICIAN = "physician", "Physician (MD or DO)"
        PHYSICAL_THERAPIST = "physical_therapist", "Physical therapist"
        CHIROPRACTOR = "chiropractor", "Chiropractor"
        NURSE_PRACTITIONER = "nurse_practitioner", "Nurse practitioner"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    display_name = models.CharField(
        "name as patients know you",
        max_length=120,
        help_text="For example “Dr. Maya Chen” or “Sam Ortiz, DPT”.",
    )
    profession = models.CharField(max_length=30, choices=Profession)
    practice_name = models.CharField("practice or clinic", max_length=160)
    city = models.CharField(max_length=80)
    # Two letters; the forms offer therapists.models.US_STATES (a sibling app
    # on this floor, which this one cannot import).
    state = models.CharField(max_length=2)
    created_at = models.DateTimeField(auto_now_add=True)
    # The latest expiry of the clinician's current, verified licences (None
    # without one): written only by verification.badges.clinicians_changed().
    verified_until = models.DateField(null=True, blank=True, editable=False)

    objects = ClinicianQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "id"]
        indexes = [
            models.Index(fields=["verified_until"], name="clinician_verified_idx")
        ]

    def __str__(self):
        return self.display_name

    @property
    def is_verified(self) -> bool:
        """Whether the clinician's licence is verified and current today (the
        rule of ClinicianQuerySet.verified())."""
        return (
            self.verified_until is not None
            and self.verified_until >= timezone.localdate()
        )

    @property
    def where(self) -> str:
        """The practice and its place, as a recommendation names them."""
        return f"{self.practice_name}, {self.city}, {self.state}"
