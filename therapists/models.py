import datetime
import math
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from therapists import geocoding, ranking
from therapists.querysets import (
    CredentialQuerySet,
    PracticeLocationQuerySet,
    TherapistQuerySet,
)
from verification import jurisdictions

LANGUAGE_CHOICES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("zh", "Chinese"),
    ("tl", "Tagalog"),
    ("vi", "Vietnamese"),
    ("ar", "Arabic"),
    ("fr", "French"),
    ("ko", "Korean"),
    ("ru", "Russian"),
    ("de", "German"),
    ("ht", "Haitian Creole"),
    ("pt", "Portuguese"),
    ("it", "Italian"),
    ("pl", "Polish"),
    ("ja", "Japanese"),
    ("hi", "Hindi"),
    ("he", "Hebrew"),
    ("asl", "American Sign Language"),
]

US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"),
    ("DE", "Delaware"), ("DC", "District of Columbia"), ("FL", "Florida"),
    ("GA", "Georgia"), ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"),
    ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"), ("KY", "Kentucky"),
    ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"),
    ("MS", "Mississippi"), ("MO", "Missouri"), ("MT", "Montana"),
    ("NE", "Nebraska"), ("NV", "Nevada"), ("NH", "New Hampshire"),
    ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"),
    ("OK", "Oklahoma"), ("OR", "Oregon"), ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"), ("SC", "South Carolina"), ("SD", "South Dakota"),
    ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"), ("VT", "Vermont"),
    ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"),
]  # fmt: skip


class PrivateMediaStorage(FileSystemStorage):
    """Private files: outside MEDIA_ROOT, no URL; only checked views serve them."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


private_storage = PrivateMediaStorage()

# The "consistently positive" rule, shown next to the indicator on profiles.
CONSISTENT_MIN_REVIEWS = 5
CONSISTENT_MIN_POSITIVE_PERCENT = 80
CONSISTENT_MAX_RECENT_NEGATIVE = 1


class TaxonomyQuerySet(models.QuerySet):
    def choices_with(self, other: models.QuerySet) -> models.QuerySet:
        """(kind, id, slug, name, position) rows of this taxonomy and another, in
        one query."""

        def rows(queryset):
            kind = models.Value(
                queryset.model._meta.model_name, output_field=models.CharField()
            )
            return (
                queryset.annotate(kind=kind)
                .values_list("kind", "id", "slug", "name", "position")
                .order_by()
            )

        return rows(self).union(rows(other), all=True).order_by("position", "name")


class Technique(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300)
    helps_with = models.CharField(
        max_length=200, blank=True, help_text="A short note on what it helps with."
    )
    position = models.PositiveSmallIntegerField(default=100)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('therapists:list')}?technique={self.slug}"


class Condition(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('therapists:list')}?condition={self.slug}"


class Therapist(models.Model):
    class Gender(models.TextChoices):
        WOMAN = "woman", "Woman"
        MAN = "man", "Man"
        NON_BINARY = "non_binary", "Non-binary"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist"
    )
    display_name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    pronouns = models.CharField(max_length=40, blank=True)
    gender = models.CharField(
        max_length=20,
        choices=Gender,
        blank=True,
        help_text="Optional; only used by the search filter.",
    )
    headline = models.CharField(max_length=160)
    bio = models.TextField(blank=True)
    # Both made by therapists.uploads.process_photo(): re-encoded, no metadata.
    photo = models.ImageField(upload_to="therapists/photos/", blank=True)
    photo_thumbnail = models.ImageField(
        upload_to="therapists/thumbnails/", blank=True, editable=False
    )
    years_in_practice = models.PositiveSmallIntegerField(default=0)
    back_pain_years = models.PositiveSmallIntegerField(
        "years treating back pain", default=0
    )
    back_pain_caseload_percent = models.PositiveSmallIntegerField(
        "share of caseload that is back or musculoskeletal (%)",
        default=0,
        validators=[MaxValueValidator(100)],
    )
    session_price = models.PositiveIntegerField(
        "price of a 60-minute session (USD)",
        null=True,  # a new draft has no price yet; publishing needs one
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    accepting_new_clients = models.BooleanField(default=True)
    accepting_confirmed_on = models.DateField(
        "accepting new clients last confirmed", null=True, blank=True
    )
    offers_mobile_visits = models.BooleanField("home/mobile visits", default=False)
    wheelchair_accessible = models.BooleanField(
        "wheelchair-accessible premises", default=False
    )
    is_published = models.BooleanField("published", default=False)
    techniques = models.ManyToManyField(
        Technique, through="TherapistTechnique", related_name="therapists"
    )
    conditions = models.ManyToManyField(
        Condition, blank=True, related_name="therapists"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Stored aggregates, refreshed by TherapistQuerySet.refresh_stats() in the
    # same transaction as the credential or review change that moves them, so
    # list pages sort and filter on indexed columns instead of GROUP BY.
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    rating_sum = models.PositiveIntegerField(default=0, editable=False)
    rating_average = models.FloatField(default=0, editable=False)
    rating_1_count = models.PositiveIntegerField(default=0, editable=False)
    rating_2_count = models.PositiveIntegerField(default=0, editable=False)
    rating_3_count = models.PositiveIntegerField(default=0, editable=False)
    rating_4_count = models.PositiveIntegerField(default=0, editable=False)
    rating_5_count = models.PositiveIntegerField(default=0, editable=False)
    recommend_count = models.PositiveIntegerField(default=0, editable=False)
    pain_relief_sum = models.PositiveIntegerField(default=0, editable=False)
    communication_sum = models.PositiveIntegerField(default=0, editable=False)
    technique_sum = models.PositiveIntegerField(default=0, editable=False)
    professionalism_sum = models.PositiveIntegerField(default=0, editable=False)
    badge_valid_until = models.DateField(null=True, blank=True, editable=False)
    verified_licence_count = models.PositiveSmallIntegerField(default=0, editable=False)
    verified_certification_count = models.PositiveSmallIntegerField(
        default=0, editable=False
    )
    other_verified_credential_count = models.PositiveSmallIntegerField(
        default=0, editable=False
    )
    qualification_score = models.FloatField(default=0, editable=False)

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = ["-qualification_score", "-id"]
        indexes = [
            models.Index(
                fields=["is_published", "-qualification_score", "-id"],
                name="therapist_best_idx",
            ),
            models.Index(
                fields=["is_published", "-rating_average", "-rating_count", "-id"],
                name="therapist_rating_idx",
            ),
            models.Index(
                fields=["is_published", "-rating_count", "-rating_average", "-id"],
                name="therapist_reviews_idx",
            ),
            models.Index(
                fields=["is_published", "session_price", "id"],
                name="therapist_price_idx",
            ),
            models.Index(
                fields=[
                    "is_published",
                    "-back_pain_years",
                    "-years_in_practice",
                    "-id",
                ],
                name="therapist_experience_idx",
            ),
            models.Index(
                fields=["is_published", "badge_valid_until"],
                name="therapist_badge_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(back_pain_caseload_percent__lte=100),
                name="therapist_caseload_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(session_price__gte=1), name="therapist_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(rating_average__gte=0, rating_average__lte=5),
                name="therapist_rating_average_range",
            ),
            models.CheckConstraint(
                condition=Q(back_pain_years__lte=models.F("years_in_practice")),
                name="therapist_back_pain_years_within_practice",
                violation_error_message=(
                    "Years treating back pain cannot exceed years in practice."
                ),
            ),
        ]

    def __str__(self):
        return self.display_name

    def save(self, **kwargs):
        # The score is a function of this row's own stored columns (and the
        # cached site mean), so a new or edited profile is ranked at once.
        self.qualification_score = ranking.qualification_score(
            self.ranking_inputs(), ranking.site_mean_rating()
        )
        super().save(**kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "is_published" in update_fields:
            # From the database, not this instance: it may hold an older badge
            # (which only refresh_stats() changes, and copies itself).
            Therapist.objects.filter(pk=self.pk).refresh_location_filters()

    def get_absolute_url(self):
        return reverse("therapists:detail", kwargs={"slug": self.slug})

    @property
    def distance_miles(self) -> float | None:
        """Miles to the searched place, when the search had `near`."""
        distance_sq = getattr(self, "distance_sq", None)
        return None if distance_sq is None else math.sqrt(distance_sq)

    @property
    def listing_location(self):
        """The location a result card names: nearest to the search, or the first."""
        locations = list(self.locations.all())
        if not locations:
            return None
        nearest_id = getattr(self, "nearest_location_id", None)
        return next((loc for loc in locations if loc.pk == nearest_id), locations[0])

    @property
    def rating_distribution(self) -> list[dict]:
        """Counts and shares of 5, 4, 3, 2 and 1 star reviews, 5 first."""
        rows = []
        for stars in range(5, 0, -1):
            count = getattr(self, f"rating_{stars}_count")
            share = round(100 * count / self.rating_count) if self.rating_count else 0
            rows.append({"stars": stars, "count": count, "percent": share})
        return rows

    @property
    def spoken_languages(self) -> list[str]:
        """Names of the languages the therapist works in, alphabetically."""
        codes = getattr(self, "language_codes", None)  # set by for_profile()
        if codes is None:
            codes = [language.code for language in self.languages.all()]
        else:
            codes = codes.split(",") if codes else []
        names = dict(LANGUAGE_CHOICES)
        return sorted(str(names.get(code, code)) for code in codes)

    @property
    def rating_stars(self) -> int:
        """The average rounded to whole stars, for the star row."""
        return math.floor(self.rating_average + 0.5)

    @property
    def rating_label(self) -> str:
        return f"Rated {self.rating_average:.1f} out of 5"

    @property
    def positive_review_count(self) -> int:
        return self.rating_4_count + self.rating_5_count

    @property
    def positive_review_percent(self) -> int:
        if not self.rating_count:
            return 0
        return round(100 * self.positive_review_count / self.rating_count)

    @property
    def recommend_percent(self) -> int:
        """Share of counted reviews whose author would recommend the therapist."""
        if not self.rating_count:
            return 0
        return round(100 * self.recommend_count / self.rating_count)

    @property
    def aspect_averages(self) -> list[dict]:
        """Average of each aspect rating, from the stored sums."""
        from reviews.models import ASPECTS

        return [
            {
                "label": label,
                "average": getattr(self, f"{name}_sum") / self.rating_count
                if self.rating_count
                else 0,
            }
            for name, label in ASPECTS.items()
        ]

    def review_consistency(self) -> dict:
        """The "consistently positive" indicator and the rule behind it."""
        from reviews.models import Review

        recent_negative = getattr(self, "recent_negative_count", None)
        if recent_negative is None:  # not loaded through for_profile()
            recent_negative = (
                Review.objects.counted()
                .filter(therapist=self)
                .recent_negative()
                .count()
            )
        meets = (
            self.rating_count >= CONSISTENT_MIN_REVIEWS
            # Exact, not the rounded percentage: 79.5% is not 80%.
            and 100 * self.positive_review_count
            >= CONSISTENT_MIN_POSITIVE_PERCENT * self.rating_count
            and recent_negative <= CONSISTENT_MAX_RECENT_NEGATIVE
        )
        return {
            "meets": meets,
            "recent_negative": recent_negative,
            "rule": (
                f"At least {CONSISTENT_MIN_REVIEWS} reviews, at least "
                f"{CONSISTENT_MIN_POSITIVE_PERCENT}% of them 4 or 5 stars, and no "
                f"more than {CONSISTENT_MAX_RECENT_NEGATIVE} of 1 or 2 stars in the "
                "last 12 months."
            ),
        }

    def ranking_inputs(self) -> ranking.RankingInputs:
        return ranking.RankingInputs(
            verified_licences=self.verified_licence_count,
            verified_certifications=self.verified_certification_count,
            other_verified_credentials=self.other_verified_credential_count,
            back_pain_years=self.back_pain_years,
            rating_count=self.rating_count,
            rating_sum=self.rating_sum,
            positive_count=self.positive_review_count,
            recommend_count=self.recommend_count,
        )

    @cached_property
    def score_breakdown(self) -> list[ranking.ScorePart]:
        """Why this therapist ranks where it does."""
        return ranking.score_parts(self.ranking_inputs(), ranking.site_mean_rating())

    @property
    def needs_availability_check(self) -> bool:
        """True when "accepting new clients" was last confirmed over 60 days ago."""
        if self.accepting_confirmed_on is None:
            return True
        return timezone.localdate() - self.accepting_confirmed_on > datetime.timedelta(
            days=60
        )

    def search_document(self) -> str:
        """The text `q` matches: name, headline, bio, techniques, conditions, places.

        Expects techniques, conditions and locations to be prefetched.
        """
        parts = [self.display_name, self.headline, self.bio]
        parts += [technique.name for technique in self.techniques.all()]
        parts += [condition.name for condition in self.conditions.all()]
        parts += [f"{loc.city} {loc.state}" for loc in self.locations.all()]
        return "\n".join(parts)

    def publication_checklist(self) -> list[dict]:
        """What a profile needs before it can be published, and what is done."""
        return [
            {"label": "Add a photo", "done": bool(self.photo), "anchor": "photo"},
            {
                "label": "Write a headline and a bio",
                "done": bool(self.headline.strip() and self.bio.strip()),
                "anchor": "profile",
            },
            {
                "label": "Set the price of a 60-minute session",
                "done": self.session_price is not None,
                "anchor": "profile",
            },
            {
                "label": "Add at least one technique",
                "done": self.technique_links.exists(),
                "anchor": "techniques",
            },
            {
                "label": "Add at least one practice location",
                "done": self.locations.exists(),
                "anchor": "locations",
            },
            {
                "label": "Submit at least one credential",
                "done": self.credentials.exclude(status="rejected").exists(),
                "anchor": "credentials",
            },
        ]

    @property
    def is_ready_to_publish(self) -> bool:
        return all(item["done"] for item in self.publication_checklist())

    @property
    def licence_notes(self) -> list[str]:
        """What clients should know where the therapist's states do not license."""
        states = sorted({location.state for location in self.locations.all()})
        return [note for state in states if (note := jurisdictions.licence_note(state))]

    def unpublish_if_incomplete(self) -> bool:
        """Take a published profile out of search once its checklist has a gap."""
        if self.is_published and not self.is_ready_to_publish:
            self.is_published = False
            self.save(update_fields=["is_published", "updated_at"])
            return True
        return False

    def distance_from(self, point) -> float | None:
        """Miles from a point to the nearest location (locations prefetched)."""
        self.measure_from(point)
        return self.distance_miles

    def measure_from(self, point) -> None:
        """Note the location nearest to a searched place and its distance, for
        listing_location and distance_miles (locations prefetched)."""
        nearest = min(
            self.locations.all(),
            key=lambda loc: point.distance_to(loc.latitude, loc.longitude),
            default=None,
        )
        self.nearest_location_id = nearest and nearest.pk
        self.distance_sq = (
            None
            if nearest is None
            else point.distance_to(nearest.latitude, nearest.longitude) ** 2
        )

    @property
    def verified_credentials(self) -> list:
        """Credentials shown as verified (prefetched credentials, no query)."""
        return [c for c in self.credentials.all() if c.status == "verified"]

    def stored_files(self) -> list:
        """Every file the site stores for this therapist (photos, evidence)."""
        files = [self.photo, self.photo_thumbnail]
        files += [credential.evidence for credential in self.credentials.all()]
        return [file for file in files if file]

    def personal_data(self) -> dict:
        """The profile, its credentials and the reviews it received, for export."""
        return {
            "display_name": self.display_name,
            "slug": self.slug,
            "pronouns": self.pronouns,
            "gender": self.gender,
            "headline": self.headline,
            "bio": self.bio,
            "years_in_practice": self.years_in_practice,
            "back_pain_years": self.back_pain_years,
            "back_pain_caseload_percent": self.back_pain_caseload_percent,
            "session_price": self.session_price,
            "accepting_new_clients": self.accepting_new_clients,
            "accepting_confirmed_on": self.accepting_confirmed_on,
            "offers_mobile_visits": self.offers_mobile_visits,
            "wheelchair_accessible": self.wheelchair_accessible,
            "is_published": self.is_published,
            "photo": self.photo.name or None,
            "languages": [language.code for language in self.languages.all()],
            "conditions": [condition.name for condition in self.conditions.all()],
            "techniques": [
                {"technique": link.technique.name, "years": link.years}
                for link in self.technique_links.all()
            ],
            "locations": [
                {
                    "name": location.name,
                    "street_address": location.street_address,
                    "city": location.city,
                    "state": location.state,
                    "postal_code": location.postal_code,
                    "is_home_based": location.is_home_based,
                }
                for location in self.locations.all()
            ],
            "credentials": [
                {
                    "kind": credential.kind,
                    "issuer": credential.issuer,
                    "number": credential.number,
                    "jurisdiction": credential.jurisdiction,
                    "issued_on": credential.issued_on,
                    "expires_on": credential.expires_on,
                    "status": credential.status,
                    "status_note": credential.status_note,
                    "evidence": credential.evidence.name or None,
                }
                for credential in Credential.objects.filter(therapist=self)
            ],
            "reviews_received": [
                {
                    "rating": review.rating,
                    "title": review.title,
                    "body": review.body,
                    "created_at": review.created_at,
                }
                for review in self.reviews.all()
            ],
        }

    def refresh_search_documents(self) -> None:
        """Rewrite this therapist's full-text search row."""
        Therapist.objects.filter(pk=self.pk).refresh_search_documents()

    def refresh_stats(self) -> None:
        """Recount this therapist's stored aggregates and score from the database."""
        Therapist.objects.filter(pk=self.pk).refresh_stats()
        self.refresh_from_db()
        self.__dict__.pop("score_breakdown", None)


class TherapistTechnique(models.Model):
    therapist = models.ForeignKey(
        Therapist, on_delete=models.CASCADE, related_name="technique_links"
    )
    technique = models.ForeignKey(
        Technique, on_delete=models.PROTECT, related_name="therapist_links"
    )
    years = models.PositiveSmallIntegerField(
        "years practising this technique", default=0
    )

    class Meta:
        ordering = ["-years", "technique__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "technique"], name="unique_therapist_technique"
            )
        ]
        indexes = [
            models.Index(fields=["technique", "therapist"], name="technique_lookup_idx")
        ]

    def __str__(self):
        return f"{self.therapist}: {self.technique} ({self.years} years)"


class TherapistLanguage(models.Model):
    therapist = models.ForeignKey(
        Therapist, on_delete=models.CASCADE, related_name="languages"
    )
    code = models.CharField("language", max_length=8, choices=LANGUAGE_CHOICES)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "code"], name="unique_therapist_language"
            )
        ]
        indexes = [
            models.Index(fields=["code", "therapist"], name="language_lookup_idx")
        ]

    def __str__(self):
        return self.get_code_display()


class PracticeLocation(models.Model):
    therapist = models.ForeignKey(
        Therapist, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=120, blank=True, help_text="e.g. Midtown studio")
    street_address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=US_STATES)
    postal_code = models.CharField("ZIP code", max_length=10)
    country = models.CharField(max_length=2, default="US")
    latitude = models.FloatField(
        validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    lat_band = models.SmallIntegerField(editable=False)
    is_home_based = models.BooleanField(
        "home-based",
        default=False,
        help_text="Only the city and an approximate point are ever shown.",
    )
    # Copies of the therapist columns a radius search filters on most, so the
    # geo index answers "published, verified, offers deep tissue" inside the
    # circle without visiting each therapist in it. Written only by
    # TherapistQuerySet.refresh_location_filters(); see docs/performance.md.
    listed = models.BooleanField(default=False, editable=False)
    badge_valid_until = models.DateField(null=True, editable=False)
    technique_bits = models.BigIntegerField(default=0, editable=False)

    objects = PracticeLocationQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            # Covers the radius search: band equality, longitude range, then the
            # columns the distance and the copied filters need, without
            # touching the table.
            models.Index(
                fields=[
                    "lat_band",
                    "longitude",
                    "latitude",
                    "listed",
                    "badge_valid_until",
                    "technique_bits",
                    "therapist",
                ],
                name="location_search_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
        ]

    def __str__(self):
        return self.public_address

    def save(self, **kwargs):
        if self.is_home_based:
            # About a kilometre of blur: enough to rank by distance, never
            # enough to find someone's home.
            self.latitude = round(self.latitude, 2)
            self.longitude = round(self.longitude, 2)
        self.lat_band = geocoding.latitude_band(self.latitude)
        super().save(**kwargs)
        Therapist.objects.filter(pk=self.therapist_id).refresh_location_filters()

    @property
    def public_address(self) -> str:
        """What visitors see: never the street of a home-based practice."""
        place = f"{self.city}, {self.state}"
        if self.is_home_based or not self.street_address:
            return place
        return f"{self.street_address}, {place} {self.postal_code}"


class Credential(models.Model):
    class Kind(models.TextChoices):
        STATE_LICENCE = "state_licence", "State licence"
        BOARD_CERTIFICATION = "board_certification", "Board certification"
        ASSOCIATION_MEMBERSHIP = "association_membership", "Association membership"
        TECHNIQUE_CERTIFICATE = "technique_certificate", "Technique certificate"
        EDUCATION = "education", "Education"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"

    class Method(models.TextChoices):
        DOCUMENT_REVIEW = "document_review", "document review"
        BOARD_ROSTER = "board_roster", "state board roster"
        BOARD_WEBSITE = "board_website", "check on the board's website"

    # The kinds that can earn the "verified" badge.
    BADGE_KINDS = (Kind.STATE_LICENCE, Kind.BOARD_CERTIFICATION)
    # What the therapist states about the document, for staff to check against
    # the evidence: the dashboard form, the admin and the audit trail list these.
    CLAIM_FIELDS = (
        "kind",
        "issuer",
        "number",
        "jurisdiction",
        "issued_on",
        "expires_on",
    )

    therapist = models.ForeignKey(
        Therapist, on_delete=models.CASCADE, related_name="credentials"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    issuer = models.CharField("issuing body", max_length=160)
    number = models.CharField("licence or certificate number", max_length=60)
    jurisdiction = models.CharField(
        max_length=20, help_text="Two-letter state, or 'US' for national bodies."
    )
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    evidence = models.FileField(
        upload_to="credentials/evidence/", storage=private_storage, blank=True
    )
    verification_method = models.CharField(max_length=30, choices=Method, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials_verified",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    status_note = models.CharField(max_length=300, blank=True)
    roster_flag = models.CharField(
        max_length=300,
        blank=True,
        help_text="Set by a board roster import when staff should look at it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "issuer"]
        permissions = [("verify_credential", "Can verify credentials")]
        indexes = [
            models.Index(
                fields=["therapist", "status", "kind", "expires_on"],
                name="credential_badge_idx",
            ),
            models.Index(fields=["status", "created_at"], name="credential_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "jurisdiction", "number"],
                name="unique_credential_per_issuer",
                violation_error_message=(
                    "This issuer, jurisdiction and number are already registered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="credential_expires_after_issue",
                violation_error_message="The expiry date is before the issue date.",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["state_licence", "board_certification"])
                | Q(expires_on__isnull=False),
                name="credential_badge_kinds_expire",
                violation_error_message=(
                    "Licences and board certifications need an expiry date."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="verified")
                | (Q(verified_at__isnull=False) & ~Q(verification_method="")),
                name="credential_verified_has_method",
                violation_error_message=(
                    "A verified credential records how and when it was verified."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number} ({self.issuer})"

    @property
    def verification_summary(self) -> str:
        if self.status != self.Status.VERIFIED or self.verified_at is None:
            return ""
        when = timezone.localdate(self.verified_at).strftime("%B %-d, %Y")
        return f"Verified on {when} by {self.get_verification_method_display()}"
