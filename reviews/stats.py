"""Review statistics: the totals stored on each therapist, and what the
profile and comparison pages read from them (distribution, shares, aspect
averages, the share from verified clients, the "consistently positive" rule).

Reviews are this app's rows, so this app recounts what they move, in the same
transaction as the change: the review totals on the therapist, and its score.
"""

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast

from core.bulk import update_from
from core.compiled import Prepared
from reviews.models import ASPECTS, PEG_ITEMS, Review
from therapists import ranking
from therapists.indexing import count_subquery
from therapists.models import Therapist

# The "consistently positive" rule, shown next to the indicator on profiles.
# Below the minimum the indicator says "Too few reviews to judge", as the score's
# review parts do.
CONSISTENT_MIN_REVIEWS = ranking.REVIEWS_TO_JUDGE
CONSISTENT_MIN_POSITIVE_PERCENT = 80
CONSISTENT_MAX_RECENT_NEGATIVE = 1

# Outcomes (pain before and now, the PEG score) are summarised from this many
# reviewers on.
OUTCOMES_MIN_REVIEWS = 3
OUTCOMES_CAVEAT = (
    "Self-reported by reviewers, not a clinical trial; people whose pain "
    "improved may be more likely to review."
)

# Therapist columns this module owns, and the aggregate each is recounted from.
TOTALS = {
    "rating_count": Count("pk"),
    "rating_sum": Sum("rating", default=0),
    **{
        f"rating_{stars}_count": Count("pk", filter=Q(rating=stars))
        for stars in range(1, 6)
    },
    "recommend_count": Count("pk", filter=Q(would_recommend=True)),
    **{f"{name}_sum": Sum(name, default=0) for name in ASPECTS},
    # Reviews from verified clients (reviews.sessions says who is one): the
    # share on cards and profiles, and the average min_verified_rating filters on.
    "verified_review_count": Count("pk", filter=Q(is_verified_client=True)),
    "verified_rating_sum": Sum("rating", filter=Q(is_verified_client=True), default=0),
}
# Each stored average, and the count and sum it divides.
AVERAGES = {
    "rating_average": ("rating_sum", "rating_count"),
    "verified_rating_average": ("verified_rating_sum", "verified_review_count"),
}


def review_changed(therapist: Therapist) -> None:
    """Recount one therapist's stored review totals, and their score, after one
    of their reviews was written, replaced, moderated or deleted.

    `therapist` must be fresh (e.g. just locked with select_for_update): its
    other ranking inputs are read from it. One SELECT, one UPDATE of the
    therapist and one of its locations' score copies; the instance is updated
    too.
    """
    rows = _TOTALS_OF(therapist=therapist.pk)
    totals = {name: rows[0][name] for name in TOTALS} if rows else EMPTY_TOTALS
    values = _with_average(totals)
    for name, value in values.items():
        setattr(therapist, name, value)
    therapist.qualification_score = ranking.score_of(therapist)
    mine = Therapist.objects.filter(pk=therapist.pk)
    mine.update(**values, qualification_score=therapist.qualification_score)
    # The score's copy on the locations, which a best-match search walks.
    mine.copy_to_locations(only_score=True)


def reviews_changed(therapist_ids: Iterable[int]) -> None:
    """Recount the stored review totals, and the scores, of several therapists
    (an account deleted, reviews deleted in bulk by staff)."""
    recount(Therapist.objects.filter(pk__in=set(therapist_ids)))


def recount(therapists: QuerySet, *, rescore: bool = True) -> None:
    """Store the review totals of these therapists afresh, set-based (seed_demo
    recounts a whole directory): one grouped pass over the counted reviews
    written onto the therapists who have any, and zeros for those who have
    none; then their scores unless the caller rescores them itself."""
    counted = Review.objects.counted()
    update_from(
        Therapist,
        counted.filter(therapist__in=therapists.values("pk"))
        .values("therapist_id")
        .annotate(**TOTALS)
        .annotate(**_AVERAGES_OF_TOTALS)
        .order_by(),
        key="therapist_id",
    )
    # NOT EXISTS: an anti-join on PostgreSQL, where NOT IN over millions of
    # reviews is a scan of them per therapist once they outgrow work_mem.
    therapists.exclude(Exists(counted.filter(therapist=OuterRef("pk")))).update(
        **_with_average(EMPTY_TOTALS)
    )
    if rescore:
        therapists.rerank()


# The same division as _with_average(), in SQL: a float divided by an integer.
_AVERAGES_OF_TOTALS = {
    average: Case(
        When(**{count: 0}, then=Value(0.0)),
        default=Cast(total, FloatField()) / F(count),
        output_field=FloatField(),
    )
    for average, (total, count) in AVERAGES.items()
}


EMPTY_TOTALS = dict.fromkeys(TOTALS, 0)


# One therapist's TOTALS over their counted reviews (no row: none), compiled
# once: review_changed() runs it inside the write's lock, where building the
# fifteen aggregates took longer than the database took to count them.
_TOTALS_OF = Prepared(
    lambda *, therapist: (
        Review.objects.counted()
        .filter(therapist_id=therapist)
        .values("therapist_id")
        .annotate(**TOTALS)
        .order_by()
    ),
    {"therapist": 1_000_001},
    {"therapist": 2_000_002},
)


def _with_average(totals: dict) -> dict:
    averages = {
        average: totals[total] / totals[count] if totals[count] else 0.0
        for average, (total, count) in AVERAGES.items()
    }
    return {**totals, **averages}


def with_recent_negative(
    therapists: QuerySet, *, now: datetime.datetime | None = None
) -> QuerySet:
    """Annotate each therapist with `recent_negative_count` for summary_of()
    (the twelve months before `now`, by default the present moment)."""
    recent = (
        Review.objects.counted().recent_negative(now).filter(therapist=OuterRef("pk"))
    )
    return therapists.annotate(recent_negative_count=count_subquery(recent))


@dataclass(frozen=True)
class ReviewSummary:
    """What a therapist's stored review totals say, ready to show."""

    therapist: Therapist
    recent_negative: int

    @property
    def count(self) -> int:
        return self.therapist.rating_count

    @property
    def average(self) -> float:
        return self.therapist.rating_average

    @property
    def verified_count(self) -> int:
        """Counted reviews from verified clients."""
        return self.therapist.verified_review_count

    @property
    def verified_average(self) -> float:
        """The average rating of the reviews from verified clients."""
        return self.therapist.verified_rating_average

    @property
    def verified_percent(self) -> int:
        """Share of counted reviews that come from verified clients."""
        return round(100 * self.verified_count / self.count) if self.count else 0

    @property
    def distribution(self) -> list[dict]:
        """Counts and shares of 5, 4, 3, 2 and 1 star reviews, 5 first."""
        rows = []
        for stars in range(5, 0, -1):
            count = getattr(self.therapist, f"rating_{stars}_count")
            share = round(100 * count / self.count) if self.count else 0
            rows.append({"stars": stars, "count": count, "percent": share})
        return rows

    @property
    def positive_count(self) -> int:
        return self.therapist.rating_4_count + self.therapist.rating_5_count

    @property
    def positive_percent(self) -> int:
        return round(100 * self.positive_count / self.count) if self.count else 0

    @property
    def recommend_percent(self) -> int:
        """Share of counted reviews whose author would recommend the therapist."""
        if not self.count:
            return 0
        return round(100 * self.therapist.recommend_count / self.count)

    @property
    def aspect_averages(self) -> list[dict]:
        """Average of each aspect rating, from the stored sums."""
        return [
            {
                "label": label,
                "average": getattr(self.therapist, f"{name}_sum") / self.count
                if self.count
                else 0,
            }
            for name, label in ASPECTS.items()
        ]

    @property
    def consistency(self) -> dict:
        """The "consistently positive" indicator and the rule behind it."""
        meets = (
            self.count >= CONSISTENT_MIN_REVIEWS
            # Exact, not the rounded percentage: 79.5% is not 80%.
            and 100 * self.positive_count
            >= CONSISTENT_MIN_POSITIVE_PERCENT * self.count
            and self.recent_negative <= CONSISTENT_MAX_RECENT_NEGATIVE
        )
        return {
            "meets": meets,
            # Enough reviews for a verdict either way.
            "judged": self.count >= CONSISTENT_MIN_REVIEWS,
            "recent_negative": self.recent_negative,
            "rule": (
                f"At least {CONSISTENT_MIN_REVIEWS} reviews, at least "
                f"{CONSISTENT_MIN_POSITIVE_PERCENT}% of them 4 or 5 stars, and no "
                f"more than {CONSISTENT_MAX_RECENT_NEGATIVE} of 1 or 2 stars in the "
                "last 12 months."
            ),
        }


def summary_of(therapist: Therapist) -> ReviewSummary:
    """The review summary of one therapist (loaded with_recent_negative(), or
    counted here with one query)."""
    recent = getattr(therapist, "recent_negative_count", None)
    if recent is None:
        recent = (
            Review.objects.counted().recent_negative().filter(therapist=therapist)
        ).count()
    return ReviewSummary(therapist=therapist, recent_negative=recent)


@dataclass(frozen=True)
class Outcomes:
    """What reviewers said about their pain, summarised: medians and counts.
    Self-reported, never part of the stars or the score."""

    pain_change_count: int = 0
    # Pain before minus pain now, 0 to 10 scale: positive means less pain.
    median_pain_change: float | None = None
    peg_count: int = 0
    median_peg: float | None = None
    caveat: str = OUTCOMES_CAVEAT

    @property
    def pain_change_text(self) -> str:
        """The median change in pain in words ("" below the minimum)."""
        change = self.median_pain_change
        if change is None:
            return ""
        points = f"{abs(change):g} point{'' if abs(change) == 1 else 's'}"
        if change > 0:
            return f"Pain eased by a median of {points} out of 10"
        if change < 0:
            return f"Pain worsened by a median of {points} out of 10"
        return "No change in pain, going by the median"

    @property
    def peg_text(self) -> str:
        """The median PEG score in words ("" below the minimum)."""
        if self.median_peg is None:
            return ""
        return f"Median PEG score now {self.median_peg:.1f} out of 10"

    @property
    def shown(self) -> bool:
        """Whether there is anything to show (enough reviewers for either)."""
        return self.median_pain_change is not None or self.median_peg is not None


def with_outcomes(therapists: QuerySet) -> QuerySet:
    """Annotate each therapist with what their counted reviews said of pain,
    for outcomes_of(): `outcome_pain_changes` (each pain before minus pain now,
    comma-separated) and `outcome_peg_sums` (each sum of the three PEG items),
    NULL when none. Back-pain reviewers are those who said what they came
    for: the form requires it, and every condition on this site is a back or
    neck complaint (a review whose condition was since deleted is left out)."""
    mine = (
        Review.objects.counted()
        .filter(therapist=OuterRef("pk"), condition__isnull=False)
        .order_by()
    )

    def joined(queryset, value) -> Subquery:
        return Subquery(
            queryset.values("therapist")
            .annotate(all=StringAgg(Cast(value, CharField()), Value(",")))
            .values("all")
        )

    return therapists.annotate(
        outcome_pain_changes=joined(
            mine.filter(pain_before__isnull=False, pain_after__isnull=False),
            F("pain_before") - F("pain_after"),
        ),
        outcome_peg_sums=joined(
            mine.filter(**{f"{name}__isnull": False for name in PEG_ITEMS}),
            sum((F(name) for name in PEG_ITEMS[1:]), F(PEG_ITEMS[0])),
        ),
    )


def outcomes_of(therapist: Therapist) -> Outcomes:
    """The median change in pain (before minus now) among the therapist's
    counted reviews from back-pain reviewers (see with_outcomes()) that gave
    both numbers, and the median PEG score among
    those that answered all three PEG items, each only from
    OUTCOMES_MIN_REVIEWS such reviews on. Reads with_outcomes()' annotations,
    or runs its query (none when the stored count of counted reviews is below
    the minimum)."""
    if therapist.rating_count < OUTCOMES_MIN_REVIEWS:
        return Outcomes()
    if not hasattr(therapist, "outcome_pain_changes"):
        therapist = with_outcomes(Therapist.objects.filter(pk=therapist.pk)).get()
    changes = _numbers(therapist.outcome_pain_changes)
    pegs = [total / len(PEG_ITEMS) for total in _numbers(therapist.outcome_peg_sums)]
    return Outcomes(
        pain_change_count=len(changes),
        median_pain_change=_median(changes),
        peg_count=len(pegs),
        median_peg=_median(pegs),
    )


def _numbers(joined: str | None) -> list[int]:
    return [int(value) for value in joined.split(",")] if joined else []


def _median(values: list) -> float | None:
    """The median from OUTCOMES_MIN_REVIEWS values on, else None."""
    if len(values) < OUTCOMES_MIN_REVIEWS:
        return None
    return statistics.median(values)
