"""Therapists and what they are: the profile (therapist.py), the taxonomy of
techniques and conditions (taxonomy.py) and practice locations (location.py),
each with its QuerySet above it."""

from therapists.models.location import (
    US_STATES,
    PracticeLocation,
    PracticeLocationQuerySet,
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
