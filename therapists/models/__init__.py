"""Therapists and what they are: the profile (therapist.py), the taxonomy of
techniques and conditions (taxonomy.py) and practice locations (location.py),
each with its QuerySet above it."""

from therapists.models.hours import OpeningHours, OpeningHoursQuerySet
from therapists.models.location import (
    US_STATES,
    PracticeLocation,
    PracticeLocationQuerySet,
)
from therapists.models.pricing import (
    AcceptedPlan,
    InsurancePlan,
    PlanConfirmation,
    SessionPackage,
    plan_confirmation,
)
from therapists.models.taxonomy import (
    Condition,
    Taxonomy,
    TaxonomyQuerySet,
    Technique,
)
from therapists.models.therapist import (
    LANGUAGE_CHOICES,
    LISTING_FIELDS,
    Therapist,
    TherapistLanguage,
    TherapistQuerySet,
    TherapistTechnique,
)

__all__ = [
    "LANGUAGE_CHOICES",
    "LISTING_FIELDS",
    "OpeningHours",
    "OpeningHoursQuerySet",
    "AcceptedPlan",
    "InsurancePlan",
    "PlanConfirmation",
    "SessionPackage",
    "plan_confirmation",
    "US_STATES",
    "Condition",
    "PracticeLocation",
    "PracticeLocationQuerySet",
    "Taxonomy",
    "TaxonomyQuerySet",
    "Technique",
    "Therapist",
    "TherapistLanguage",
    "TherapistQuerySet",
    "TherapistTechnique",
]
