"""Review statistics: the totals stored on each therapist, and what the
profile and comparison pages read from them (distribution, shares, aspect
averages, the share from verified clients, the "consistently positive" rule).

Reviews are this app's rows, so this app recounts what they move, in the same
transaction as the change: the review totals on the therapist, and its score.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from reviews.models import ASPECTS, Review
from therapists import ranking
from therapists.indexing import count_subquery
from therapists.models import Therapist

# The "consistently positive" rule, shown next to the indicator on profiles.
# Below the minimum the indicator says "Too few reviews to judge", as the score's
# review parts do.
CONSISTENT_MIN_REVIEWS = ranking.REVIEWS_TO_JUDGE
CONSISTENT_MIN_POSITIVE_PERCENT = 80
CONSISTENT_MAX_RECENT_NEGATIVE = 1

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
    totals = _totals_by_therapist([therapist.pk]).get(therapist.pk, EMPTY_TOTALS)
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
    """Store the review totals of these therapists afresh, set-based (two
    UPDATEs, however many therapists: seed_demo recounts a whole directory),
    then their scores unless the caller rescores them itself."""
    mine = Review.objects.counted().filter(therapist=OuterRef("pk")).values("therapist")
    therapists.update(
        **{
            name: Coalesce(Subquery(mine.annotate(total=aggregate).values("total")), 0)
            for name, aggregate in TOTALS.items()
        }
    )
    # The same division as _with_average(): a float divided by an integer.
    therapists.update(
        **{
            average: Case(
                When(**{count: 0}, then=Value(0.0)),
                default=Cast(total, FloatField()) / F(count),
                output_field=FloatField(),
            )
            for average, (total, count) in AVERAGES.items()
        }
    )
    if rescore:
        therapists.rerank()


EMPTY_TOTALS = dict.fromkeys(TOTALS, 0)


def _totals_by_therapist(therapist_ids) -> dict[int, dict]:
    """Each therapist's TOTALS over their counted reviews (absent: none)."""
    reviews = Review.objects.counted().filter(therapist__in=therapist_ids)
    return {
        row.pop("therapist_id"): row
        for row in reviews.values("therapist_id").annotate(**TOTALS).order_by()
    }


def _with_average(totals: dict) -> dict:
    averages = {
        average: totals[total] / totals[count] if totals[count] else 0.0
        for average, (total, count) in AVERAGES.items()
    }
    return {**totals, **averages}


def with_recent_negative(therapists: QuerySet) -> QuerySet:
    """Annotate each therapist with `recent_negative_count` for summary_of()."""
    recent = Review.objects.counted().recent_negative().filter(therapist=OuterRef("pk"))
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
