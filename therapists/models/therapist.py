"""The therapist: profile, techniques, languages, and the QuerySet that
answers every question about many therapists. Search, ranking and the badge read
the stored columns here; see docs/architecture.md for who writes which."""

import datetime
from dataclasses import dataclass
from typing import Self

from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
)
from django.db import connection, models
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    StringAgg,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.bulk import update_rows
from therapists import (
    accessibility,
    availability,
    comfort,
    freshness,
    payment,
    pricing,
    ranking,
)
from therapists.geocoding import GeoPoint
from therapists.indexing import (
    SEARCH_INDEXES,
    TECHNIQUE_BIT_SQL,
    distance_sq_expression,
    search_document,
    search_words,
)
from therapists.models import pricing as charges
from therapists.models.hours import OpeningHours
from therapists.models.location import PracticeLocation
from therapists.models.taxonomy import Condition, Technique

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
    "verified_review_count",
    "session_price",
    "accepting_new_clients",
    "details_confirmed_on",
    "badge_valid_until",
    "clinician_recommendation_count",
    "qualification_score",
    "access_bits",
    # A card names the hours kinds searched for (therapists.availability).
    "hours_bits",
    # A card names the ways to pay searched for (therapists.payment).
    "payment_bits",
    # A card shows the price of the length searched (therapists.pricing).
    "price_30",
    "price_45",
    "price_75",
    "price_90",
)


class TherapistQuerySet(models.QuerySet):
    # --- creating ------------------------------------------------------------
    def create_draft(self, *, user):
        """A new, unpublished profile for a therapist who just signed up."""
        name = (user.get_full_name() or user.email.split("@")[0])[:120].strip()
        base = slugify(name)[:120].strip("-") or "therapist"
        slug, n = base, 1
        while Therapist.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return self.create(
            user=user, display_name=name, slug=slug, headline="", is_published=False
        )

    # --- filters -------------------------------------------------------------
    def published(self) -> Self:
        """Profiles visible to the public."""
        return self.filter(is_published=True)

    def of_user(self, user) -> Self:
        """The signed-in user's own profile (none for clients and visitors)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk)

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

    def details_stale(self, on: datetime.date | None = None) -> Self:
        """Therapists whose details are not confirmed in the last
        freshness.FRESH_DAYS days (or never were)."""
        oldest = freshness.oldest_fresh(on or timezone.localdate())
        return self.filter(
            Q(details_confirmed_on__isnull=True) | Q(details_confirmed_on__lt=oldest)
        )

    def details_turned_stale(self, on: datetime.date, *, days_back: int = 1) -> Self:
        """Therapists whose confirmation stopped counting in the `days_back`
        days up to `on` (their stored score still has the freshness points)."""
        oldest = freshness.oldest_fresh(on)
        return self.filter(
            details_confirmed_on__lt=oldest,
            details_confirmed_on__gte=oldest - datetime.timedelta(days=days_back),
        )

    def due_details_reminder(self, on: datetime.date | None = None) -> Self:
        """Published therapists with stale details who were not reminded in the
        last freshness.REMINDER_EVERY_DAYS days."""
        on = on or timezone.localdate()
        last = on - datetime.timedelta(days=freshness.REMINDER_EVERY_DAYS)
        return (
            self.published()
            .details_stale(on)
            .filter(
                Q(details_reminder_sent_on__isnull=True)
                | Q(details_reminder_sent_on__lte=last)
            )
        )

    def recommended(self) -> Self:
        """Therapists recommended by at least one clinician whose licence is
        verified (the count recommendations.counting stores)."""
        return self.filter(clinician_recommendation_count__gt=0)

    def accepting_clients(self) -> Self:
        """Therapists taking new clients."""
        return self.filter(accepting_new_clients=True)

    def visiting_clients(self) -> Self:
        """Therapists who offer home or mobile visits."""
        return self.filter(offers_mobile_visits=True)

    def holding(self, field: str, mask: int) -> Self:
        """Therapists whose bit column `field` (therapists.bitsets) has every
        bit of `mask` set: field & mask = mask."""
        if not mask:
            return self.all()
        held = f"{field}_held"
        return self.alias(**{held: F(field).bitand(mask)}).filter(**{held: mask})

    def accessible_by(self, codes) -> Self:
        """Therapists who state that every one of these accessibility items
        holds (therapists.accessibility codes): bits & mask = mask."""
        return self.holding("access_bits", accessibility.mask_of(codes))

    def wheelchair_accessible(self) -> Self:
        """What `accessible=on` has always meant: a step-free entrance."""
        return self.accessible_by([accessibility.STEP_FREE.code])

    def open_during(self, codes) -> Self:
        """Therapists whose weekly hours hold every one of these kinds
        (therapists.availability codes: evenings, weekends): bits & mask = mask."""
        return self.holding("hours_bits", availability.mask_of(codes))

    def with_opening_hours(self) -> Self:
        """Annotate `opening_hours_joined`, each weekly range as
        "weekday|opens|closes", comma-separated (Therapist.opening_week reads
        it): the week in the therapist's own query."""
        joined = (
            OpeningHours.objects.filter(therapist=OuterRef("pk"))
            .order_by()
            .values("therapist")
            .annotate(
                joined=StringAgg(
                    Concat(
                        Cast("weekday", TextField()),
                        Value("|"),
                        Cast("opens", TextField()),
                        Value("|"),
                        Cast("closes", TextField()),
                        output_field=TextField(),
                    ),
                    Value(","),
                )
            )
            .values("joined")
        )
        return self.annotate(
            opening_hours_joined=Coalesce(
                Subquery(joined), Value(""), output_field=TextField()
            )
        )

    def with_packages_and_plans(self) -> Self:
        """Annotate `packages_joined` and `plans_joined` (the packages and the
        accepted insurance plans as text, read by Therapist.package_list and
        accepted_plan_list): both in the therapist's own query."""
        return self.annotate(
            packages_joined=charges.packages_joined(),
            plans_joined=charges.plans_joined(),
        )

    def offering_gentle_pressure(self) -> Self:
        """Therapists whose lightest pressure offered is gentle (`gentle=on`)."""
        return self.filter(pressure_lightest=comfort.GENTLE)

    def offering(self, technique_slugs: list[str]) -> Self:
        """Therapists offering any of the techniques."""
        links = TherapistTechnique.objects.filter(technique__slug__in=technique_slugs)
        return self.filter(pk__in=links.values("therapist_id"))

    def treating(self, condition_slugs: list[str]) -> Self:
        """Therapists treating any of the conditions."""
        links = Therapist.conditions.through.objects.filter(
            condition__slug__in=condition_slugs
        )
        return self.filter(pk__in=links.values("therapist_id"))

    def speaking(self, language_code: str) -> Self:
        """Therapists who work in a language."""
        languages = TherapistLanguage.objects.filter(code=language_code)
        return self.filter(pk__in=languages.values("therapist_id"))

    def priced_at_most(self, price, length: int = pricing.DEFAULT_LENGTH) -> Self:
        """A `length`-minute session (default 60) costs at most `price`."""
        return self.filter(**{f"{pricing.column_of(length)}__lte": price})

    def offering_length(self, length: int) -> Self:
        """Therapists who offer a `length`-minute session (it has a price)."""
        return self.filter(**{f"{pricing.column_of(length)}__isnull": False})

    def paying_by(self, codes) -> Self:
        """Therapists who state every one of these ways to pay holds
        (therapists.payment codes): bits & mask = mask."""
        return self.holding("payment_bits", payment.mask_of(codes))

    def of_gender(self, gender: str) -> Self:
        """Therapists of one gender (as they describe themselves)."""
        return self.filter(gender=gender)

    def rated_at_least(self, stars: float) -> Self:
        """Average rating of at least `stars`."""
        return self.filter(rating_average__gte=stars)

    def reviewed_at_least(self, count: int) -> Self:
        """At least `count` reviews."""
        return self.filter(rating_count__gte=count)

    def rated_by_verified_clients_at_least(self, stars: float) -> Self:
        """Reviewed by at least one verified client, whose reviews average at
        least `stars` (the stored verified_rating_average)."""
        return self.filter(
            verified_review_count__gte=1, verified_rating_average__gte=stars
        )

    def near(
        self,
        point: GeoPoint,
        miles: float,
        locations: models.QuerySet | None = None,
        *,
        dense: bool = False,
        reach: int | None = None,
        settled: bool = False,
    ) -> Self:
        """Therapists with a location within `miles`; sorted_by("distance") orders
        them by the nearest one (search.measure() shows it on a page), and
        sorted_by("best") by their best match (therapists.ranking).

        `locations` are the locations to use, narrowed (e.g.
        `.listed().of_verified()`), so that a dense circle costs the matches,
        not every therapist in it; the caller still applies the exact filters.

        `dense` says the circle holds more matches than a page will ever reach:
        the page is then found by walking the sort order and probing each
        therapist's locations (stopping after a page), instead of listing every
        match first; for a sparse circle the list is the fast way. With
        `reach`, for a best-match order, only the therapists who can be among
        the first `reach` by best match are listed (contending(), which walks
        the scores when `dense`): pages up to `reach` are exact, later rows
        missing. `settled` says the locations' copies decide every filter of
        these therapists, so contending() need not check them.
        """
        if locations is None:
            locations = PracticeLocation.objects.all()
        if reach is not None:
            contenders = locations.contending(
                point, miles, reach, matching=None if settled else self, dense=dense
            )
            queryset = self.filter(pk__in=contenders.values("therapist_id"))
        elif dense:
            # A scalar subquery with LIMIT, not EXISTS: PostgreSQL turns EXISTS
            # into a join over every match, while this stays a probe per row
            # of the sort index on both databases.
            circle = locations.within(point, miles)
            first = circle.filter(therapist=OuterRef("pk")).values("pk")[:1]
            queryset = self.alias(probe=Subquery(first)).filter(probe__isnull=False)
        else:
            circle = locations.within(point, miles)
            queryset = self.filter(pk__in=circle.values("therapist_id"))
        return queryset.measured_from(point)

    def measured_from(self, point: GeoPoint) -> Self:
        """Alias `distance_sq` (to the nearest location) and `best_match`, which
        sorted_by("distance") and sorted_by("best") order on; near() and
        therapists.nearest draw the circle."""
        # An alias, not an annotation: computed only when a distance or best
        # match sort needs it, never for every match of a search sorted another
        # way. Over all the therapist's locations, found by its foreign key
        # alone: for a match the nearest of them is in the circle anyway.
        nearest = (
            PracticeLocation.objects.filter(therapist=OuterRef("pk"))
            .annotate(distance_sq=distance_sq_expression(point))
            .order_by("distance_sq")
        )
        return self.alias(
            distance_sq=Subquery(
                nearest.values("distance_sq")[:1], output_field=FloatField()
            )
        ).alias(
            best_match=ranking.best_match_expression(
                F("qualification_score"), F("distance_sq")
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
        technique_links = TherapistTechnique.objects
        locations = PracticeLocation.objects
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
    def sorted_by(self, sort: str, length: int | None = None) -> Self:
        """Order by one of the Sort choices (distance needs near() first; best
        after near() is the best match, closeness included; price is the price
        of a `length`-minute session, default 60)."""
        near = "distance_sq" in self.query.annotations
        if sort == ranking.Sort.PRICE:
            return self.order_by(*pricing.price_order(length))
        if sort == ranking.Sort.DISTANCE and not near:
            sort = ranking.DEFAULT_SORT
        if sort == ranking.Sort.BEST and near:
            return self.order_by(*ranking.BEST_NEAR_ORDER)
        return self.order_by(*ranking.SORT_ORDERS.get(sort, ranking.DEFAULT_ORDER))

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
        technique_links = TherapistTechnique.objects.select_related("technique")
        return (
            self.only(*LISTING_FIELDS)
            .with_badge()
            .prefetch_related(
                Prefetch("technique_links", queryset=technique_links), "locations"
            )
        )

    def for_cards(self) -> Self:
        """for_listing() without its prefetches: the search loads a page's
        techniques and locations itself (therapists.compiled.load_cards())."""
        return self.only(*LISTING_FIELDS).with_badge()

    def for_profile(self, on: datetime.date | None = None) -> Self:
        """What the public profile page shows about the therapist themself (its
        techniques and conditions come from search.treatments_of(); credentials
        and review figures from the apps that own them); the badge as held `on`
        (today by default)."""
        language_codes = (
            TherapistLanguage.objects.filter(therapist=OuterRef("pk"))
            .order_by()
            .values("therapist")
            .annotate(codes=StringAgg("code", Value(",")))
            .values("codes")
        )
        return (
            self.with_badge(on)
            .annotate(
                language_codes=Coalesce(
                    Subquery(language_codes), Value(""), output_field=TextField()
                ),
            )
            .prefetch_related("locations")
        )

    def with_treatments(self) -> Self:
        """Prefetch techniques (with years) and conditions."""
        technique_links = TherapistTechnique.objects.select_related("technique")
        return self.prefetch_related(
            Prefetch("technique_links", queryset=technique_links), "conditions"
        )

    # --- derived data owned here: score, location copies, search rows -------
    def copy_to_locations(self, *, only_score: bool = False) -> int:
        """Copy publication, badge expiry, techniques and score onto these
        therapists' locations (the columns the radius search filters and ranks
        on), in one UPDATE; `only_score` for what a review or a rescore moves."""
        therapist = Therapist.objects.filter(pk=OuterRef("therapist_id"))
        locations = PracticeLocation.objects.filter(therapist__in=self.values("pk"))
        score = Subquery(therapist.values("qualification_score"))
        if only_score:
            return locations.update(qualification_score=score)
        bits = (
            TherapistTechnique.objects.filter(therapist_id=OuterRef("therapist_id"))
            .values("therapist_id")
            .annotate(bits=Sum(TECHNIQUE_BIT_SQL, distinct=True))
            .values("bits")
        )
        return locations.update(
            listed=Subquery(therapist.values("is_published")),
            badge_valid_until=Subquery(therapist.values("badge_valid_until")),
            technique_bits=Coalesce(Subquery(bits), 0),
            qualification_score=score,
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
                    [(t.pk, search_document(t)) for t in therapists],
                )

    def rerank(self, batch_size: int = 2000, on: datetime.date | None = None) -> int:
        """Recompute the stored qualification score (see therapists.ranking) and
        its copies on the locations, as of the day `on` (today when not given);
        returns how many scores changed."""
        changed = []
        fields = ["pk", "qualification_score", *ranking.INPUT_FIELDS]
        for therapist in self.only(*fields).order_by().iterator(chunk_size=batch_size):
            score = ranking.score_of(therapist, on)
            if score != therapist.qualification_score:
                therapist.qualification_score = score
                changed.append(therapist)
        for start in range(0, len(changed), batch_size):
            batch = changed[start : start + batch_size]
            update_rows(
                Therapist,
                "qualification_score",
                {therapist.pk: therapist.qualification_score for therapist in batch},
            )
            Therapist.objects.filter(pk__in=[t.pk for t in batch]).copy_to_locations(
                only_score=True
            )
        return len(changed)


@dataclass(frozen=True)
class ClientContactDetail:
    """One way to reach a therapist: "Phone", "+1 212 555 0100", "tel:+12125550100"."""

    kind: str
    value: str
    href: str


class Therapist(models.Model):
    class Gender(models.TextChoices):
        WOMAN = "woman", "Woman"
        MAN = "man", "Man"
        NON_BINARY = "non_binary", "Non-binary"

    class ClientContact(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        BOOKING = "booking", "Online booking link"

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
    # The typical course of care: how many sessions before the therapist
    # reassesses with the client whether it is helping (blank: not stated).
    sessions_before_reassessing = models.PositiveSmallIntegerField(
        "sessions before reassessing",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    # The price of each standard session length (therapists.pricing): blank
    # is not offered. session_price is the 60-minute one (its old name kept).
    session_price = models.PositiveIntegerField(
        "60-minute session (USD)",
        null=True,  # a new draft has no price yet; publishing needs one length
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    price_30 = models.PositiveIntegerField(
        "30-minute session (USD)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    price_45 = models.PositiveIntegerField(
        "45-minute session (USD)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    price_75 = models.PositiveIntegerField(
        "75-minute session (USD)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    price_90 = models.PositiveIntegerField(
        "90-minute session (USD)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    # A first-visit assessment (both or neither), a sliding scale and the
    # cancellation policy (notice blank: not stated).
    assessment_minutes = models.PositiveSmallIntegerField(
        "first-visit assessment (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(15), MaxValueValidator(180)],
    )
    assessment_price = models.PositiveIntegerField(
        "first-visit assessment (USD)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    sliding_scale = models.BooleanField("offers a sliding scale", default=False)
    sliding_scale_note = models.CharField(
        "how the sliding scale works", max_length=200, blank=True
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        "cancellation notice (hours)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(pricing.NOTICE_HOURS_MAX)],
    )
    cancellation_fee = models.PositiveIntegerField(
        "late cancellation fee (USD)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    # Ways to pay (therapists.payment): one bit per item stated; the insurance
    # bit is derived from the accepted plans (therapists.changes.plans_changed).
    payment_bits = models.PositiveIntegerField("ways to pay", default=0, editable=False)
    accepting_new_clients = models.BooleanField(default=True)
    # When the therapist last confirmed that what clients rely on is still
    # right (therapists.freshness): taking new clients, price, languages, home
    # visits, access, locations and contact. One date: one click confirms all.
    details_confirmed_on = models.DateField(
        "details last confirmed", null=True, blank=True, editable=False
    )
    # The last reminder to confirm them (at most one per 30 days).
    details_reminder_sent_on = models.DateField(null=True, blank=True, editable=False)
    offers_mobile_visits = models.BooleanField("home/mobile visits", default=False)
    # The accessibility checklist (therapists.accessibility): one bit per item
    # the therapist states holds; an unset bit is "not stated", never "no".
    access_bits = models.PositiveIntegerField(
        "accessibility", default=0, editable=False
    )
    # Availability (therapists.availability): what the weekly hours (the
    # OpeningHours rows) hold for the search, written by
    # therapists.changes.hours_changed(); and the next opening the therapist
    # states, with the day they last confirmed it (blank: not stated).
    hours_bits = models.PositiveSmallIntegerField(
        "weekly hours include", default=0, editable=False
    )
    next_opening_on = models.DateField("next opening", null=True, blank=True)
    next_opening_confirmed_on = models.DateField(
        "next opening last confirmed", null=True, blank=True, editable=False
    )
    # Comfort and consent (therapists.comfort): the pressure range offered
    # (1 gentle ... 5 deep; both or neither: not stated), the options stated
    # (one bit each; unset is "not stated") and the draping policy.
    pressure_lightest = models.PositiveSmallIntegerField(
        "lightest pressure offered",
        null=True,
        blank=True,
        choices=comfort.PRESSURE_CHOICES,
    )
    pressure_firmest = models.PositiveSmallIntegerField(
        "firmest pressure offered",
        null=True,
        blank=True,
        choices=comfort.PRESSURE_CHOICES,
    )
    comfort_bits = models.PositiveSmallIntegerField(
        "comfort and consent", default=0, editable=False
    )
    draping_policy = models.TextField(
        "draping policy", max_length=comfort.DRAPING_MAX_LENGTH, blank=True
    )
    # How a client whose interview request the therapist accepted reaches them;
    # shown to those clients only, never on the public profile.
    client_contact = models.CharField(
        "how clients you accept can reach you",
        max_length=10,
        choices=ClientContact,
        default=ClientContact.EMAIL,
    )
    contact_phone = models.CharField(
        "phone number for clients", max_length=30, blank=True
    )
    booking_url = models.URLField(
        "online booking link",
        max_length=300,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
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

    # Stored aggregates, so list pages sort and filter on indexed columns
    # instead of GROUP BY. Each group has one owner that recounts it in the
    # same transaction as the change that moves it (docs/architecture.md):
    # the review totals reviews.stats.review_changed(), the badge and
    # credential counts verification.badges.credentials_changed(), the score
    # therapists.ranking (save() and TherapistQuerySet.rerank()).
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
    # Reviews that count as from a verified client (reviews.stats owns them).
    verified_review_count = models.PositiveIntegerField(default=0, editable=False)
    verified_rating_sum = models.PositiveIntegerField(default=0, editable=False)
    verified_rating_average = models.FloatField(default=0, editable=False)
    # Current recommendations from verified clinicians (recommendations owns it).
    clinician_recommendation_count = models.PositiveSmallIntegerField(
        default=0, editable=False
    )
    qualification_score = models.FloatField(default=0, editable=False)

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = list(ranking.DEFAULT_ORDER)
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
            # sort=price and max_price for the other lengths (therapists.pricing).
            models.Index(
                fields=["is_published", "price_30", "id"],
                name="therapist_price_30_idx",
            ),
            models.Index(
                fields=["is_published", "price_45", "id"],
                name="therapist_price_45_idx",
            ),
            models.Index(
                fields=["is_published", "price_75", "id"],
                name="therapist_price_75_idx",
            ),
            models.Index(
                fields=["is_published", "price_90", "id"],
                name="therapist_price_90_idx",
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
                fields=[
                    "is_published",
                    "-verified_rating_average",
                    "-verified_review_count",
                    "-id",
                ],
                name="therapist_verified_rating_idx",
            ),
            models.Index(
                fields=["is_published", "badge_valid_until"],
                name="therapist_badge_idx",
            ),
            # The daily freshness job: who just turned stale, who to remind.
            models.Index(
                fields=["details_confirmed_on", "is_published"],
                name="therapist_details_fresh_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(back_pain_caseload_percent__lte=100),
                name="therapist_caseload_percent_range",
            ),
            # A next opening is stated on a day, and not for a day before it.
            models.CheckConstraint(
                condition=Q(next_opening_on__isnull=True)
                | Q(
                    next_opening_confirmed_on__isnull=False,
                    next_opening_on__gte=F("next_opening_confirmed_on"),
                ),
                name="therapist_next_opening_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(sessions_before_reassessing__isnull=True)
                | Q(
                    sessions_before_reassessing__gte=1,
                    sessions_before_reassessing__lte=20,
                ),
                name="therapist_sessions_before_reassessing_range",
            ),
            models.CheckConstraint(
                condition=Q(session_price__gte=1), name="therapist_price_positive"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{column}__gte": 1, f"{column}__lte": 2000}),
                    name=f"therapist_{column}_range",
                )
                for column in ("price_30", "price_45", "price_75", "price_90")
            ),
            models.CheckConstraint(
                condition=Q(
                    assessment_minutes__isnull=True, assessment_price__isnull=True
                )
                | Q(
                    # Explicit: a NULL would pass a CHECK's comparisons.
                    assessment_minutes__isnull=False,
                    assessment_price__isnull=False,
                    assessment_minutes__gte=15,
                    assessment_minutes__lte=180,
                    assessment_price__gte=0,
                    assessment_price__lte=2000,
                ),
                name="therapist_assessment_complete",
                violation_error_message=(
                    "Give both the assessment's length and its price, or neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cancellation_notice_hours__isnull=True)
                | Q(cancellation_notice_hours__lte=168),
                name="therapist_cancellation_notice_range",
            ),
            models.CheckConstraint(
                condition=Q(cancellation_fee__isnull=True)
                | Q(
                    cancellation_fee__gte=1,
                    cancellation_fee__lte=2000,
                    cancellation_notice_hours__isnull=False,
                ),
                name="therapist_cancellation_fee_with_notice",
                violation_error_message=(
                    "A cancellation fee needs the notice it applies to."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rating_average__gte=0, rating_average__lte=5),
                name="therapist_rating_average_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    verified_rating_average__gte=0, verified_rating_average__lte=5
                ),
                name="therapist_verified_rating_average_range",
            ),
            models.CheckConstraint(
                condition=Q(back_pain_years__lte=models.F("years_in_practice")),
                name="therapist_back_pain_years_within_practice",
                violation_error_message=(
                    "Years treating back pain cannot exceed years in practice."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(client_contact="phone", contact_phone="")
                & ~Q(client_contact="booking", booking_url=""),
                name="therapist_client_contact_filled_in",
                violation_error_message=(
                    "Give the phone number or booking link clients should use."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    pressure_lightest__isnull=True, pressure_firmest__isnull=True
                )
                | Q(
                    # Not null spelt out: a comparison with NULL would pass.
                    pressure_lightest__isnull=False,
                    pressure_firmest__isnull=False,
                    pressure_lightest__gte=1,
                    pressure_firmest__lte=5,
                    pressure_lightest__lte=F("pressure_firmest"),
                ),
                name="therapist_pressure_range",
                violation_error_message=(
                    "Give both the lightest and the firmest pressure, the lightest "
                    "no firmer than the firmest, or neither."
                ),
            ),
        ]

    def __str__(self):
        return self.display_name

    def save(self, **kwargs):
        # The score is a function of this row's own stored columns, so a new or
        # edited profile is ranked at once (its locations' copy of it is
        # written by the change function that follows: therapists.changes).
        self.qualification_score = ranking.score_of(self)
        super().save(**kwargs)

    def get_absolute_url(self):
        return reverse("profiles:detail", kwargs={"slug": self.slug})

    @property
    def contact_for_clients(self) -> "ClientContactDetail":
        """How a client whose request this therapist accepted reaches them."""
        if self.client_contact == self.ClientContact.PHONE:
            digits = "".join(c for c in self.contact_phone if c.isdigit() or c == "+")
            return ClientContactDetail("Phone", self.contact_phone, f"tel:{digits}")
        if self.client_contact == self.ClientContact.BOOKING:
            return ClientContactDetail(
                "Online booking", self.booking_url, self.booking_url
            )
        return ClientContactDetail(
            "Email", self.user.email, f"mailto:{self.user.email}"
        )

    @property
    def access_codes(self) -> list[str]:
        """The accessibility items the therapist states hold, as codes."""
        return accessibility.codes_of(self.access_bits)

    @property
    def access_checklist(self) -> accessibility.Checklist:
        """The accessibility items stated to hold, and the rest (not stated)."""
        return accessibility.checklist(self.access_bits)

    @property
    def comfort_and_consent(self) -> comfort.Comfort:
        """The therapist's comfort and consent statements (therapists.comfort)."""
        return comfort.comfort_of(self)

    @property
    def session_prices(self) -> list[pricing.SessionPrice]:
        """The session lengths offered, with their prices, shortest first."""
        return pricing.prices_of(self)

    def price_for(self, length: int | None = None) -> pricing.SessionPrice | None:
        """The price of a `length`-minute session, or of the nearest length
        offered (therapists.pricing.price_for)."""
        return pricing.price_for(self, length)

    @property
    def assessment_words(self) -> str:
        """ "First-visit assessment: 75 min, $120", or ""."""
        return pricing.assessment_words(self.assessment_minutes, self.assessment_price)

    @property
    def cancellation_words(self) -> str:
        """ "Cancel at least 24 hours ahead or pay $40", or "" (not stated)."""
        return pricing.cancellation_words(
            self.cancellation_notice_hours, self.cancellation_fee
        )

    @property
    def package_list(self) -> list:
        """The packages offered (from with_packages_and_plans() when there)."""
        joined = getattr(self, "packages_joined", None)
        if joined is None:
            return list(self.packages.all())
        return charges.packages_from(joined)

    @property
    def accepted_plan_list(self) -> list:
        """The insurance plans accepted, each with when it was last confirmed
        (charges.PlanConfirmation), from with_packages_and_plans() when there."""
        joined = getattr(self, "plans_joined", None)
        today = timezone.localdate()
        if joined is None:
            return [
                charges.plan_confirmation(a.plan.name, a.confirmed_on, today)
                for a in self.accepted_plans.select_related("plan")
            ]
        return charges.plans_from(joined, today)

    @property
    def payment_codes(self) -> list[str]:
        """The ways to pay the therapist states hold, as codes."""
        return payment.codes_of(self.payment_bits)

    @property
    def payment_stated(self) -> list[payment.PaymentItem]:
        """The ways to pay stated to hold (the rest are not stated)."""
        return payment.stated(self.payment_bits)

    @property
    def wheelchair_accessible(self) -> bool:
        """The old flag, derived: a step-free entrance is stated."""
        return bool(self.access_bits & accessibility.STEP_FREE.bit)

    @wheelchair_accessible.setter
    def wheelchair_accessible(self, value: bool) -> None:
        if value:
            self.access_bits |= accessibility.STEP_FREE.bit
        else:
            self.access_bits &= ~accessibility.STEP_FREE.bit

    @property
    def hours_kinds(self) -> list[availability.HoursKind]:
        """What the weekly hours include for the search (evenings, weekends)."""
        return availability.kinds_of(self.hours_bits)

    @property
    def opening_week(self) -> availability.Week:
        """Every day of the week with its ranges (read from
        with_opening_hours()' annotation when there, else one query)."""
        joined = getattr(self, "opening_hours_joined", None)
        if joined is not None:
            ranges = availability.parse_joined(joined)
        else:
            ranges = self.opening_hours.as_ranges()
        return availability.week_of(ranges)

    @property
    def next_opening(self) -> availability.NextOpening:
        """The next opening the therapist last confirmed, as it stands today."""
        return availability.next_opening(
            self.next_opening_on,
            self.next_opening_confirmed_on,
            timezone.localdate(),
        )

    @property
    def details_confirmation(self) -> freshness.Confirmation:
        """When the therapist last confirmed their details, and whether that
        still counts today (the profile, card and comparison show it)."""
        return freshness.confirmation(self.details_confirmed_on, timezone.localdate())

    @property
    def course_of_care(self) -> str:
        """ "Typically reassesses after N sessions", or "" when not stated."""
        sessions = self.sessions_before_reassessing
        if not sessions:
            return ""
        return f"Typically reassesses after {sessions} session{'s' * (sessions != 1)}"

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
