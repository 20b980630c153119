"""Where a therapist practises: the rows a radius search reads."""

import datetime
from typing import Self

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from therapists import geocoding, ranking
from therapists.geocoding import GeoPoint
from therapists.indexing import distance_sq_expression, technique_bit

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


# How many of the circle's highest-scored locations per place a page reaches
# bound the best match (contending()): on the demo data 4 gives the exact
# bound; fewer lets more therapists contend, more costs more to read.
LEADERS_PER_REACH = 4


class PracticeLocationQuerySet(models.QuerySet):
    def listed(self) -> Self:
        """Locations of published therapists (a copy kept on the location)."""
        return self.filter(listed=True)

    def of_verified(self, on: datetime.date | None = None) -> Self:
        """Locations of therapists holding the badge: TherapistQuerySet.verified()."""
        return self.filter(badge_valid_until__gte=on or timezone.localdate())

    def offering_any(self, technique_ids: list[int]) -> Self:
        """Locations of therapists who may offer any of the techniques (a bit
        test inside the geo index; see technique_bit())."""
        wanted = 0
        for technique_id in technique_ids:
            wanted |= technique_bit(technique_id)
        return self.alias(offered=F("technique_bits").bitand(wanted)).filter(
            offered__gt=0
        )

    def therapists_per_state(self, on: datetime.date | None = None) -> Self:
        """One row per state: its `state`, how many `therapists` these
        locations belong to there, and how many of them hold the badge
        (`verified`)."""
        holds_badge = Q(badge_valid_until__gte=on or timezone.localdate())
        return (
            self.order_by()
            .values("state")
            .annotate(
                therapists=Count("therapist", distinct=True),
                verified=Count("therapist", distinct=True, filter=holds_badge),
            )
        )

    def therapist_count(self, limit: int) -> int:
        """How many therapists these locations belong to, counting at most
        `limit` (read from the geo index alone when narrowed by it)."""
        return self.values("therapist_id").distinct().order_by()[:limit].count()

    def around(self, point: GeoPoint, miles: float) -> Self:
        """Locations within `miles` of a point by distance alone, without the
        geo index's box, so that another index (the score's) can be walked."""
        min_lat, max_lat, _, _ = point.bounding_box(miles)
        # Latitude first: two comparisons turn most locations away before any
        # arithmetic. (Not longitude too, which would lure the planner to skip
        # through the geo index.)
        return self.alias(distance_sq=distance_sq_expression(point)).filter(
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            distance_sq__lte=miles * miles,
        )

    def contending(
        self,
        point: GeoPoint,
        miles: float,
        reach: int,
        matching: models.QuerySet | None = None,
        dense: bool = True,
    ) -> Self:
        """Those of these locations (narrowed, not yet within()) whose therapists
        can be among the first `reach` by best match near a point: a superset
        of them, found without ranking every location in the circle.
        `matching` is the therapists the search matches (its other filters).

        Closeness adds at most CLOSENESS_POINTS_MAX, so a therapist scoring more
        than that below the reach-th best match cannot get there. The matches
        among the LEADERS_PER_REACH x `reach` highest-scored locations in the
        circle give a lower bound of that best match. In a `dense` circle both
        steps walk the score index (location_best_idx) from the top and stop
        early; a sparse one is read whole through the geo index, which is
        cheaper than walking the country's scores to find a few.
        """
        around = self.around(point, miles) if dense else self.within(point, miles)
        best = ranking.best_match_expression(F("qualification_score"), F("distance_sq"))
        leaders = around
        if matching is not None:
            # A probe with LIMIT, not EXISTS, which PostgreSQL would turn into
            # a join over every match instead of stopping with the walk.
            match = matching.order_by().filter(pk=OuterRef("therapist_id"))
            leaders = leaders.alias(match=Subquery(match.values("pk")[:1])).filter(
                match__isnull=False
            )
        leaders = leaders.order_by("-qualification_score").values("pk")
        # Each leader's best match from its leading locations alone: no more
        # than its real one, so the bound stays a lower one.
        reached = (
            PracticeLocation.objects.filter(pk__in=leaders[: LEADERS_PER_REACH * reach])
            .alias(distance_sq=distance_sq_expression(point))
            .values("therapist_id")
            .annotate(best=Max(best))
            .order_by("-best")
            .values("best")[reach - 1 : reach]
        )
        # Fewer leaders than `reach` (locations shared by one therapist, or a
        # filter few of them pass): every location in the circle contends.
        floor = Coalesce(Subquery(reached), Value(0.0)) - Value(
            float(ranking.CLOSENESS_POINTS_MAX)
        )
        # The ceiling changes nothing, but a range bounded on both sides is one
        # PostgreSQL's planner (and SQLite's, without statistics) takes for the
        # narrow one it is, and so reaches each contender by its key.
        return around.filter(
            qualification_score__gte=floor,
            qualification_score__lte=ranking.MAX_SCORE,
        )

    def within(self, point: GeoPoint, miles: float) -> Self:
        """Locations within `miles` of a point, found through the geo index."""
        _, _, min_lon, max_lon = point.bounding_box(miles)
        return (
            self.filter(
                lat_band__in=point.latitude_bands(miles),
                longitude__gte=min_lon,
                longitude__lte=max_lon,
            )
            .annotate(distance_sq=distance_sq_expression(point))
            .filter(distance_sq__lte=miles * miles)
        )


class PracticeLocation(models.Model):
    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="locations"
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
    # TherapistQuerySet.copy_to_locations() (see therapists.changes); until
    # then a new location is not listed. See docs/performance.md.
    listed = models.BooleanField(default=False, editable=False)
    badge_valid_until = models.DateField(null=True, editable=False)
    technique_bits = models.BigIntegerField(default=0, editable=False)
    # A copy of the therapist's qualification score, so that a best-match
    # search walks the circle's highest scores (contending()) in an index.
    # Written by copy_to_locations(), and with the score wherever it is stored.
    qualification_score = models.FloatField(default=0, editable=False)

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
            # Covers a best-match search's walk down the scores: the same
            # columns, led by the score instead of the box.
            models.Index(
                fields=[
                    "listed",
                    "qualification_score",
                    "lat_band",
                    "longitude",
                    "latitude",
                    "badge_valid_until",
                    "technique_bits",
                    "therapist",
                ],
                name="location_best_idx",
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

    @property
    def public_address(self) -> str:
        """What visitors see: never the street of a home-based practice."""
        place = f"{self.city}, {self.state}"
        if self.is_home_based or not self.street_address:
            return place
        return f"{self.street_address}, {place} {self.postal_code}"
