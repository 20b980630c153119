"""The qualification score behind `sort=best`, defined once.

The score is a sum of documented parts, each with a ceiling. It is computed from
what the site has checked (credentials verified by staff or a board roster),
what the therapist states about back-pain experience, and what clients said in
reviews. Nothing a therapist can pay for enters it. The "How we rank" page and
every profile's "Why this therapist ranks here" render these same parts.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import models

# What clients say weighs as much as what we checked: a therapist with every
# credential but poor reviews should not top the list.
LICENCE_POINTS = 25
CERTIFICATION_POINTS_EACH = 10
OTHER_CREDENTIAL_POINTS_EACH = 5
CREDENTIAL_POINTS_MAX = 15
EXPERIENCE_POINTS_PER_YEAR = 1
EXPERIENCE_POINTS_MAX = 15
RATING_POINTS_MAX = 25
CONSISTENCY_POINTS_MAX = 10
RECOMMEND_POINTS_MAX = 10
MAX_SCORE = LICENCE_POINTS + CREDENTIAL_POINTS_MAX + EXPERIENCE_POINTS_MAX
MAX_SCORE += RATING_POINTS_MAX + CONSISTENCY_POINTS_MAX + RECOMMEND_POINTS_MAX

# How many "virtual" reviews at the site mean a rating is blended with, so that
# one five-star review does not outrank forty reviews averaging 4.8.
PRIOR_REVIEWS = 5
# Nearly every therapist averages between 3 and 5 stars, so that is the range the
# rating part spreads its points over.
RATING_FLOOR = 3.0
DEFAULT_SITE_MEAN = 4.0
SITE_MEAN_CACHE_KEY = "ranking:site-mean-rating"
SITE_MEAN_TIMEOUT = 60 * 60 * 24
# z for a 90% one-sided Wilson lower bound on the share of 4-5 star reviews.
WILSON_Z = 1.2816


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
# The one default: a search without `sort`, and Therapist.Meta.ordering.
DEFAULT_SORT = Sort.BEST
DEFAULT_ORDER = SORT_ORDERS[DEFAULT_SORT]


@dataclass(frozen=True)
class ScorePart:
    key: str
    label: str
    points: float
    maximum: int
    explanation: str


@dataclass(frozen=True)
class RankingInputs:
    verified_licences: int
    verified_certifications: int
    other_verified_credentials: int
    back_pain_years: int
    rating_count: int
    rating_sum: int
    positive_count: int
    recommend_count: int = 0


def adjusted_rating(rating_sum: int, rating_count: int, site_mean: float) -> float:
    """Average pulled towards the site mean while there are few reviews."""
    return (PRIOR_REVIEWS * site_mean + rating_sum) / (PRIOR_REVIEWS + rating_count)


def rating_fraction(adjusted: float) -> float:
    """Where a rating sits between the floor (0) and five stars (1)."""
    return min(1.0, max(0.0, (adjusted - RATING_FLOOR) / (5 - RATING_FLOOR)))


def positive_share_lower_bound(positive: int, total: int) -> float:
    """Wilson lower bound of the share of 4-5 star reviews (0 with none)."""
    if total == 0:
        return 0.0
    z2 = WILSON_Z * WILSON_Z
    share = positive / total
    centre = share + z2 / (2 * total)
    spread = WILSON_Z * math.sqrt((share * (1 - share) + z2 / (4 * total)) / total)
    return max(0.0, (centre - spread) / (1 + z2 / total))


def score_parts(inputs: RankingInputs, site_mean: float) -> list[ScorePart]:
    """Every part of the score, in the order the profile shows them."""
    credential_points = min(
        CREDENTIAL_POINTS_MAX,
        inputs.verified_certifications * CERTIFICATION_POINTS_EACH
        + inputs.other_verified_credentials * OTHER_CREDENTIAL_POINTS_EACH,
    )
    adjusted = adjusted_rating(inputs.rating_sum, inputs.rating_count, site_mean)
    lower_bound = positive_share_lower_bound(inputs.positive_count, inputs.rating_count)
    recommend_bound = positive_share_lower_bound(
        inputs.recommend_count, inputs.rating_count
    )
    return [
        ScorePart(
            "licence",
            "Verified state licence",
            LICENCE_POINTS if inputs.verified_licences else 0,
            LICENCE_POINTS,
            "A current massage therapy licence checked by our staff or against "
            "the state board's roster.",
        ),
        ScorePart(
            "certifications",
            "Verified certifications",
            credential_points,
            CREDENTIAL_POINTS_MAX,
            f"{CERTIFICATION_POINTS_EACH} points per current board certification, "
            f"{OTHER_CREDENTIAL_POINTS_EACH} per other verified certificate, "
            f"up to {CREDENTIAL_POINTS_MAX}.",
        ),
        ScorePart(
            "experience",
            "Back-pain experience",
            min(
                EXPERIENCE_POINTS_MAX,
                inputs.back_pain_years * EXPERIENCE_POINTS_PER_YEAR,
            ),
            EXPERIENCE_POINTS_MAX,
            f"{EXPERIENCE_POINTS_PER_YEAR} point per year spent treating back pain, "
            f"up to {EXPERIENCE_POINTS_MAX // EXPERIENCE_POINTS_PER_YEAR} years.",
        ),
        ScorePart(
            "rating",
            "Review rating",
            round(rating_fraction(adjusted) * RATING_POINTS_MAX, 2),
            RATING_POINTS_MAX,
            f"The average rating blended with {PRIOR_REVIEWS} reviews at the site "
            f"average ({site_mean:.2f}), so a handful of reviews cannot dominate; "
            f"{RATING_FLOOR:g} stars or less earns nothing, 5 stars earns it all.",
        ),
        ScorePart(
            "consistency",
            "Consistently positive reviews",
            round(lower_bound * CONSISTENCY_POINTS_MAX, 2),
            CONSISTENCY_POINTS_MAX,
            "The share of 4 and 5 star reviews, counted cautiously: a 90% "
            "lower confidence bound, which grows with the number of reviews.",
        ),
        ScorePart(
            "recommend",
            "Clients who would recommend",
            round(recommend_bound * RECOMMEND_POINTS_MAX, 2),
            RECOMMEND_POINTS_MAX,
            "The share of reviewers who would recommend the therapist, counted "
            "the same cautious way.",
        ),
    ]


def qualification_score(inputs: RankingInputs, site_mean: float) -> float:
    return round(sum(part.points for part in score_parts(inputs, site_mean)), 2)


def inputs_of(therapist) -> RankingInputs:
    """The stored columns of a therapist that the score reads."""
    return RankingInputs(
        verified_licences=therapist.verified_licence_count,
        verified_certifications=therapist.verified_certification_count,
        other_verified_credentials=therapist.other_verified_credential_count,
        back_pain_years=therapist.back_pain_years,
        rating_count=therapist.rating_count,
        rating_sum=therapist.rating_sum,
        positive_count=therapist.rating_4_count + therapist.rating_5_count,
        recommend_count=therapist.recommend_count,
    )


# The columns inputs_of() reads, for loading only them (rerank).
INPUT_FIELDS = (
    "verified_licence_count",
    "verified_certification_count",
    "other_verified_credential_count",
    "back_pain_years",
    "rating_count",
    "rating_sum",
    "rating_4_count",
    "rating_5_count",
    "recommend_count",
)


def score_of(therapist, site_mean: float) -> float:
    """A therapist's qualification score, from its stored columns."""
    return qualification_score(inputs_of(therapist), site_mean)


def breakdown(therapist, site_mean: float) -> list[ScorePart]:
    """Why a therapist ranks where it does: each part of its score."""
    return score_parts(inputs_of(therapist), site_mean)


def cached_site_mean(compute: Callable[[], float | None]) -> float:
    """The site-wide average rating from the shared cache, so every worker
    scores with the same mean; on a miss, `compute()` it and store it for a day
    (`manage.py rerank` stores a fresh one and rescores everyone with it)."""
    value = cache.get(SITE_MEAN_CACHE_KEY)
    if value is None:
        value = store_site_mean(compute())
    return value


def store_site_mean(value: float | None) -> float:
    """Put a freshly computed site mean (None: no reviews yet) in the cache."""
    value = DEFAULT_SITE_MEAN if value is None else value
    cache.set(SITE_MEAN_CACHE_KEY, value, timeout=SITE_MEAN_TIMEOUT)
    return value


def forget_site_mean() -> None:
    """Drop the cached site mean, e.g. after a bulk import of reviews."""
    cache.delete(SITE_MEAN_CACHE_KEY)
