"""QuerySets for the therapists app: every rule about many rows lives here.

The badge rule, the ranking order and the search live in one method each, and
the search page, profile, admin and later the API all call them.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Self

from django.apps import apps
from django.db import connection, models
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    StringAgg,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.text import slugify

from therapists import ranking
from therapists.geocoding import MILES_PER_DEGREE_LATITUDE, GeoPoint


@dataclass(frozen=True)
class SearchIndex:
    """SQL for the full-text table `therapists_search` on one database engine."""

    match: str
    delete: str
    insert: str
    word: str  # how one query word becomes a prefix term
    joiner: str


# Migration 0003 creates an FTS5 table on SQLite; 0004 a tsvector table with a GIN
# index on PostgreSQL. Both hold one search document per therapist.
SEARCH_INDEXES = {
    "sqlite": SearchIndex(
        match="SELECT rowid FROM therapists_search WHERE therapists_search MATCH %s",
        delete="DELETE FROM therapists_search WHERE rowid = %s",
        insert="INSERT INTO therapists_search (rowid, document) VALUES (%s, %s)",
        word='"{}"*',
        joiner=" AND ",
    ),
    "postgresql": SearchIndex(
        match=(
            "SELECT therapist_id FROM therapists_search "
            "WHERE vector @@ to_tsquery('simple', %s)"
        ),
        delete="DELETE FROM therapists_search WHERE therapist_id = %s",
        insert="INSERT INTO therapists_search (therapist_id, document) VALUES (%s, %s)",
        word="{}:*",
        joiner=" & ",
    ),
}
WORD_RE = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The words of a free-text query, lower-cased, at most eight."""
    return [word.lower() for word in WORD_RE.findall(text)][:8]


class Sort(models.TextChoices):
    BEST = "best", "Best match"
    DISTANCE = "distance", "Distance"
    RATING = "rating", "Highest rated"
    REVIEWS = "reviews", "Most reviewed"
    PRICE = "price", "Lowest price"
    EXPERIENCE = "experience", "Most back-pain experience"


# Each order ends in the primary key so that pages never overlap or skip rows;
# each (but distance) matches an index on Therapist.
SORT_ORDERS = {
    Sort.BEST: ("-qualification_score", "-id"),
    Sort.DISTANCE: ("distance_sq", "-qualification_score", "-id"),
    Sort.RATING: ("-rating_average", "-rating_count", "-id"),
    Sort.REVIEWS: ("-rating_count", "-rating_average", "-id"),
    Sort.PRICE: ("session_price", "id"),
    Sort.EXPERIENCE: ("-back_pain_years", "-years_in_practice", "-id"),
}


def _count_subquery(queryset: models.QuerySet) -> Coalesce:
    counted = queryset.values("therapist").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


# The columns a result card (templates/includes/therapist_card.html) and every
# search order read.
LISTING_FIELDS = (
    "slug",
    "display_name",
    "photo_thumbnail",
    "headline",
    "back_pain_years",
    "back_pain_caseload_percent",
    "years_in_practice",
    "rating_average",
    "rating_count",
    "session_price",
    "accepting_new_clients",
    "badge_valid_until",
    "qualification_score",
)


def treatments_of(therapist) -> tuple[list, list]:
    """Every technique and every condition, in one query, each marked `chosen`
    when the therapist lists it; chosen techniques carry the therapist's `years`.

    A profile shows the chosen ones and lets visitors filter reviews by any
    condition; loading them together keeps the page within five queries.
    """
    models_ = apps.get_app_config("therapists")
    technique, condition = (
        models_.get_model("Technique"),
        models_.get_model("Condition"),
    )
    links = models_.get_model("TherapistTechnique").objects.filter(
        therapist=therapist, technique=OuterRef("pk")
    )
    treats = models_.get_model("Therapist").conditions.through.objects.filter(
        therapist=therapist, condition=OuterRef("pk")
    )
    fields = ("id", "slug", "name", "description", "position")
    techniques = technique.objects.annotate(
        kind=Value("technique"),
        chosen=Exists(links),
        years=Subquery(links.values("years")[:1]),
    )
    conditions = condition.objects.annotate(
        kind=Value("condition"),
        chosen=Exists(treats),
        years=Value(None, output_field=models.IntegerField()),
    )
    found = {"technique": [], "condition": []}
    rows = techniques.values_list("kind", *fields, "chosen", "years").order_by()
    rows = rows.union(
        conditions.values_list("kind", *fields, "chosen", "years").order_by(),
        all=True,
    ).order_by("position", "name")
    for kind, *values, chosen, years in rows:
        entry = (technique if kind == "technique" else condition)(
            **dict(zip(fields, values, strict=True))
        )
        entry.chosen, entry.years = chosen, years
        found[kind].append(entry)
    return found["technique"], found["condition"]


class CredentialQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None) -> Self:
        """Verified credentials that have not expired on the given day."""
        on = on or timezone.localdate()
        return self.filter(status="verified").filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )

    def badge_qualifying(self, on: datetime.date | None = None) -> Self:
        """The badge rule: a current, verified licence or board certification."""
        from therapists.models import Credential

        return self.current(on).filter(kind__in=Credential.BADGE_KINDS)

    def for_profile(self) -> Self:
        """What the public credentials panel shows: everything but rejections."""
        return self.exclude(status="rejected").order_by("kind", "issuer")


def technique_bit(technique_id: int) -> int:
    """The bit a technique sets in PracticeLocation.technique_bits.

    Ids past 61 share bits, so a set bit means "may offer": the exact
    TherapistQuerySet.offering() filter still decides.
    """
    return 1 << (technique_id % 62)


def technique_bits_are_exact(technique_id: int, all_ids) -> bool:
    """Whether a technique has a bit of its own: no other of `all_ids` shares it."""
    bit = technique_bit(technique_id)
    return sum(1 for other in all_ids if technique_bit(other) == bit) == 1


# technique_bit() in SQL, summed over a therapist's distinct techniques; a sum of
# distinct powers of two is their bitwise OR.
TECHNIQUE_BIT_SQL = Cast(Value(1), BigIntegerField()).bitleftshift(
    Cast(F("technique_id") % 62, IntegerField())  # PostgreSQL: bigint << integer
)


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

    def therapist_count(self, limit: int) -> int:
        """How many therapists these locations belong to, counting at most
        `limit` (read from the geo index alone when narrowed by it)."""
        return self.values("therapist_id").distinct().order_by()[:limit].count()

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


def distance_sq_expression(point: GeoPoint, prefix: str = "") -> ExpressionWrapper:
    """Squared distance in miles from a point: arithmetic every database sorts on."""
    dy = (F(f"{prefix}latitude") - point.latitude) * MILES_PER_DEGREE_LATITUDE
    dx = (F(f"{prefix}longitude") - point.longitude) * point.miles_per_degree_longitude
    return ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField())


class TherapistQuerySet(models.QuerySet):
    # --- creating ------------------------------------------------------------
    def create_draft(self, *, user):
        """A new, unpublished profile for a therapist who just signed up."""
        name = (user.get_full_name() or user.email.split("@")[0])[:120].strip()
        base = slugify(name)[:120].strip("-") or "therapist"
        slug, n = base, 1
        while self.model.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return self.create(
            user=user, display_name=name, slug=slug, headline="", is_published=False
        )

    # --- filters -------------------------------------------------------------
    def published(self) -> Self:
        """Profiles visible to the public."""
        return self.filter(is_published=True)

    def visible_to(self, user) -> Self:
        """Published profiles, plus drafts for their owner and for staff."""
        if user.is_staff:
            return self.all()
        if user.is_authenticated:
            return self.filter(Q(is_published=True) | Q(user=user))
        return self.published()

    def verified(self, on: datetime.date | None = None) -> Self:
        """Therapists who hold the badge: see CredentialQuerySet.badge_qualifying()."""
        return self.filter(badge_valid_until__gte=on or timezone.localdate())

    def accepting_clients(self) -> Self:
        """Therapists taking new clients."""
        return self.filter(accepting_new_clients=True)

    def visiting_clients(self) -> Self:
        """Therapists who offer home or mobile visits."""
        return self.filter(offers_mobile_visits=True)

    def wheelchair_accessible(self) -> Self:
        """Therapists whose premises are wheelchair accessible."""
        return self.filter(wheelchair_accessible=True)

    def offering(self, technique_slugs: list[str]) -> Self:
        """Therapists offering any of the techniques."""
        links = apps.get_model("therapists", "TherapistTechnique").objects.filter(
            technique__slug__in=technique_slugs
        )
        return self.filter(pk__in=links.values("therapist_id"))

    def treating(self, condition_slugs: list[str]) -> Self:
        """Therapists treating any of the conditions."""
        through = apps.get_model("therapists", "Therapist").conditions.through
        links = through.objects.filter(condition__slug__in=condition_slugs)
        return self.filter(pk__in=links.values("therapist_id"))

    def speaking(self, language_code: str) -> Self:
        """Therapists who work in a language."""
        languages = apps.get_model("therapists", "TherapistLanguage").objects
        return self.filter(
            pk__in=languages.filter(code=language_code).values("therapist_id")
        )

    def rated_at_least(self, stars: float) -> Self:
        """Average rating of at least `stars`."""
        return self.filter(rating_average__gte=stars)

    def reviewed_at_least(self, count: int) -> Self:
        """At least `count` reviews."""
        return self.filter(rating_count__gte=count)

    def near(
        self,
        point: GeoPoint,
        miles: float,
        circle: models.QuerySet | None = None,
        dense: bool = False,
    ) -> Self:
        """Therapists with a location within `miles`; sorted_by("distance") orders
        them by the nearest one (Therapist.measure_from() shows it on a page).

        `circle` is the locations to use, already `within(point, miles)` and
        narrowed (e.g. `.listed().of_verified()`), so that a dense circle costs
        the matches, not every therapist in it; the caller still applies the
        exact filters.

        `dense` says the circle holds more matches than a page will ever reach:
        the page is then found by walking the sort order and probing each
        therapist's locations (stopping after a page), instead of listing every
        match first; for a sparse circle the list is the fast way.
        """
        if circle is None:
            circle = apps.get_model("therapists", "PracticeLocation").objects.within(
                point, miles
            )
        if dense:
            # A scalar subquery with LIMIT, not EXISTS: PostgreSQL turns EXISTS
            # into a join over every match, while this stays a probe per row
            # of the sort index on both databases.
            first = circle.filter(therapist=OuterRef("pk")).values("pk")[:1]
            queryset = self.alias(probe=Subquery(first)).filter(probe__isnull=False)
        else:
            queryset = self.filter(pk__in=circle.values("therapist_id"))
        # An alias, not an annotation: computed only when a distance sort
        # needs it, never for every match of a search sorted another way.
        nearest = circle.filter(therapist=OuterRef("pk")).order_by("distance_sq")
        return queryset.alias(
            distance_sq=Subquery(
                nearest.values("distance_sq")[:1], output_field=FloatField()
            )
        )

    def search(self, text: str) -> Self:
        """Match every word of `text` (as a prefix) in name, headline, bio,
        techniques, conditions or city."""
        words = search_words(text)
        if not words:
            return self
        index = SEARCH_INDEXES.get(connection.vendor)
        if index is not None:
            match = index.joiner.join(index.word.format(word) for word in words)
            # Constant SQL; the user's words travel as a parameter.
            return self.filter(pk__in=RawSQL(index.match, [match]))  # noqa: S611
        technique_links = apps.get_model("therapists", "TherapistTechnique").objects
        locations = apps.get_model("therapists", "PracticeLocation").objects
        queryset = self
        for word in words:
            queryset = queryset.filter(
                Q(display_name__icontains=word)
                | Q(headline__icontains=word)
                | Q(bio__icontains=word)
                | Q(
                    pk__in=technique_links.filter(
                        technique__name__icontains=word
                    ).values("therapist_id")
                )
                | Q(
                    pk__in=locations.filter(city__icontains=word).values("therapist_id")
                )
            )
        return queryset

    # --- ordering and loading ------------------------------------------------
    def sorted_by(self, sort: str) -> Self:
        """Order by one of the Sort choices (distance needs near() first)."""
        if sort == Sort.DISTANCE and "distance_sq" not in self.query.annotations:
            sort = Sort.BEST
        return self.order_by(*SORT_ORDERS.get(sort, SORT_ORDERS[Sort.BEST]))

    def with_badge(self, on: datetime.date | None = None) -> Self:
        """Annotate has_badge with the same rule as verified()."""
        return self.annotate(
            has_badge=ExpressionWrapper(
                Q(badge_valid_until__isnull=False)
                & Q(badge_valid_until__gte=on or timezone.localdate()),
                output_field=BooleanField(),
            )
        )

    def for_listing(self) -> Self:
        """What one search result card needs, in a constant number of queries.

        Only the card's columns: a search sorts its matches, and a sort that
        carried every bio would move megabytes for twenty rows.
        """
        technique_links = apps.get_model(
            "therapists", "TherapistTechnique"
        ).objects.select_related("technique")
        return (
            self.only(*LISTING_FIELDS)
            .with_badge()
            .prefetch_related(
                Prefetch("technique_links", queryset=technique_links), "locations"
            )
        )

    def for_profile(self) -> Self:
        """What the public profile page shows about the therapist themself (its
        techniques and conditions come from treatments_of(), or from
        with_treatments() where several therapists are shown)."""
        models_ = apps.get_app_config("therapists")
        recent_negative = (
            apps.get_model("reviews", "Review")
            .objects.counted()
            .recent_negative()
            .filter(therapist=OuterRef("pk"))
        )
        language_codes = (
            models_.get_model("TherapistLanguage")
            .objects.filter(therapist=OuterRef("pk"))
            .order_by()
            .values("therapist")
            .annotate(codes=StringAgg("code", Value(",")))
            .values("codes")
        )
        return (
            self.with_badge()
            .annotate(
                recent_negative_count=_count_subquery(recent_negative),
                language_codes=Coalesce(
                    Subquery(language_codes), Value(""), output_field=TextField()
                ),
            )
            .prefetch_related(
                "locations",
                Prefetch(
                    "credentials",
                    queryset=models_.get_model("Credential").objects.for_profile(),
                ),
            )
        )

    def with_treatments(self) -> Self:
        """Prefetch techniques (with years) and conditions."""
        technique_links = apps.get_model(
            "therapists", "TherapistTechnique"
        ).objects.select_related("technique")
        return self.prefetch_related(
            Prefetch("technique_links", queryset=technique_links), "conditions"
        )

    # --- stored aggregates ---------------------------------------------------
    def site_mean_rating(self) -> float | None:
        """The mean of every counted review on the site, from stored sums."""
        totals = self.aggregate(total=Sum("rating_sum"), count=Sum("rating_count"))
        if not totals["count"]:
            return None
        return totals["total"] / totals["count"]

    def refresh_stats(self) -> int:
        """Recount stored credential and review aggregates, the score and the
        search document: everything derived from a therapist's related rows."""
        self.refresh_credential_stats()
        self.refresh_review_stats()
        self.refresh_search_documents()
        self.refresh_location_filters()
        return self.rerank()

    def refresh_location_filters(self) -> int:
        """Copy publication, badge expiry and techniques onto these therapists'
        locations (the columns the radius search filters on), in one UPDATE."""
        models_ = apps.get_app_config("therapists")
        therapist = self.model.objects.filter(pk=OuterRef("therapist_id"))
        bits = (
            models_.get_model("TherapistTechnique")
            .objects.filter(therapist_id=OuterRef("therapist_id"))
            .values("therapist_id")
            .annotate(bits=Sum(TECHNIQUE_BIT_SQL, distinct=True))
            .values("bits")
        )
        return (
            models_.get_model("PracticeLocation")
            .objects.filter(therapist__in=self.values("pk"))
            .update(
                listed=Subquery(therapist.values("is_published")),
                badge_valid_until=Subquery(therapist.values("badge_valid_until")),
                technique_bits=Coalesce(Subquery(bits), 0),
            )
        )

    def forget_search_documents(self) -> None:
        """Remove these therapists' full-text rows (before deleting them)."""
        index = SEARCH_INDEXES.get(connection.vendor)
        if index is None:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                index.delete, [(pk,) for pk in self.values_list("pk", flat=True)]
            )

    def refresh_search_documents(self, batch_size: int = 2000) -> None:
        """Rewrite the full-text search rows of these therapists."""
        index = SEARCH_INDEXES.get(connection.vendor)
        if index is None:
            return
        therapist_model = apps.get_model("therapists", "Therapist")
        queryset = self.order_by("pk").prefetch_related(
            "techniques", "conditions", "locations"
        )
        pks = list(self.order_by().values_list("pk", flat=True))
        with connection.cursor() as cursor:
            for start in range(0, len(pks), batch_size):
                batch = pks[start : start + batch_size]
                cursor.executemany(index.delete, [(pk,) for pk in batch])
                therapists = queryset.filter(pk__in=batch)
                cursor.executemany(
                    index.insert,
                    [(t.pk, therapist_model.search_document(t)) for t in therapists],
                )

    def refresh_credential_stats(self, on: datetime.date | None = None) -> int:
        """Store the badge expiry and verified-credential counts."""
        credentials = apps.get_model("therapists", "Credential").objects
        mine = credentials.filter(therapist=OuterRef("pk"))
        current = mine.current(on)
        badge_until = (
            mine.badge_qualifying(on)
            .values("therapist")
            .annotate(until=Max("expires_on"))
            .values("until")
        )
        return self.update(
            badge_valid_until=Subquery(badge_until),
            verified_licence_count=_count_subquery(
                current.filter(kind="state_licence")
            ),
            verified_certification_count=_count_subquery(
                current.filter(kind="board_certification")
            ),
            other_verified_credential_count=_count_subquery(
                current.exclude(kind__in=["state_licence", "board_certification"])
            ),
        )

    def refresh_review_stats(self) -> int:
        """Store review count, sum, average and 1-5 distribution."""
        reviews = apps.get_model("reviews", "Review").objects.counted()
        mine = reviews.filter(therapist=OuterRef("pk"))
        counts = {
            f"rating_{stars}_count": _count_subquery(mine.filter(rating=stars))
            for stars in range(1, 6)
        }
        total = mine.values("therapist").annotate(s=Sum("rating")).values("s")

        def summed(field):
            sums = mine.values("therapist").annotate(s=Sum(field)).values("s")
            return Coalesce(Subquery(sums), 0)

        self.update(
            rating_count=_count_subquery(mine),
            recommend_count=_count_subquery(mine.filter(would_recommend=True)),
            pain_relief_sum=summed("pain_relief"),
            communication_sum=summed("communication"),
            technique_sum=summed("technique"),
            professionalism_sum=summed("professionalism"),
            **counts,
        )
        return self.update(
            rating_sum=Coalesce(Subquery(total), 0),
            rating_average=Case(
                When(rating_count=0, then=Value(0.0)),
                default=ExpressionWrapper(
                    Coalesce(Subquery(total), 0) * 1.0 / F("rating_count"),
                    output_field=FloatField(),
                ),
            ),
        )

    def rerank(self, batch_size: int = 2000) -> int:
        """Recompute the stored qualification score (see therapists.ranking)."""
        site_mean = ranking.site_mean_rating()
        changed = []
        fields = [
            "pk",
            "verified_licence_count",
            "verified_certification_count",
            "other_verified_credential_count",
            "back_pain_years",
            "rating_count",
            "rating_sum",
            "rating_4_count",
            "rating_5_count",
            "recommend_count",
            "qualification_score",
        ]
        for therapist in self.only(*fields).order_by().iterator(chunk_size=batch_size):
            score = ranking.qualification_score(therapist.ranking_inputs(), site_mean)
            if score != therapist.qualification_score:
                therapist.qualification_score = score
                changed.append(therapist)
        self.model.objects.bulk_update(
            changed, ["qualification_score"], batch_size=batch_size
        )
        return len(changed)
