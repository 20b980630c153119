"""The qualification score and the best match, defined once.

The qualification score is a sum of documented parts, each with a ceiling. It is
computed from what the site has checked (credentials verified by staff or a
board roster), what the therapist states about back-pain experience, what
clients said in reviews, a capped few points for recommendations from clinicians
whose licence was verified, and a few for keeping one's own details confirmed
(therapists.freshness). Nothing a therapist can pay for enters it.
Reviews that do not exist earn nothing: the three review parts grow with each review and
count in full from REVIEWS_FOR_FULL_WEIGHT reviews.

`sort=best` near a place ranks by the best match: the qualification score plus
closeness points, which fall with distance (closeness_points()). The "How we
rank" page and every profile's "Why this therapist ranks here" render these same
parts, in these words.
"""

import datetime
import math
from dataclasses import dataclass

from django.db import models
from django.db.models import FloatField, Value
from django.db.models.functions import Greatest, Sqrt
from django.utils import timezone

from therapists import freshness

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
# The therapist's own details (availability, price, languages, visits, access)
# confirmed in the last freshness.FRESH_DAYS days: a few points, so that a
# profile nobody keeps up sinks below an equal one that is kept up.
FRESHNESS_POINTS = 5
MAX_SCORE += FRESHNESS_POINTS
# Recommendations from clinicians whose licence our staff verified: a small,
# capped part, so a few colleagues' word helps but never outweighs what clients
# said. The count is stored by recommendations.counting; stars never move.
CLINICIAN_POINTS_EACH = 2
CLINICIAN_POINTS_MAX = 6
MAX_SCORE += CLINICIAN_POINTS_MAX

# The review parts count a tenth of their weight per review until there are ten,
# so one five-star review cannot outrank forty reviews averaging 4.8, and a
# therapist with no reviews gets no review points at all.
REVIEWS_FOR_FULL_WEIGHT = 10
# Below this many reviews no verdict on them is given ("Too few reviews to
# judge"); reviews.stats uses it for the "consistently positive" indicator too.
REVIEWS_TO_JUDGE = 5
# Nearly every therapist averages between 3 and 5 stars, so that is the range the
# rating part spreads its points over.
RATING_FLOOR = 3.0

# Closeness, added to the qualification score when a search names a place: full
# points at the place, one fewer per mile, none from 25 miles on.
CLOSENESS_POINTS_MAX = 25
CLOSENESS_POINTS_LOST_PER_MILE = 1
MAX_BEST_MATCH = MAX_SCORE + CLOSENESS_POINTS_MAX


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
# Sort.BEST when the search names a place: TherapistQuerySet.near() sets best_match.
BEST_NEAR_ORDER = ("-best_match", "-id")
# The one default: a search without `sort`, and Therapist.Meta.ordering.
DEFAULT_SORT = Sort.BEST
DEFAULT_ORDER = SORT_ORDERS[DEFAULT_SORT]


@dataclass(frozen=True)
class ScorePart:
    key: str
    label: str
    points: float
    maximum: int
    # The rule, the same for everyone (How we rank).
    explanation: str
    # What the rule makes of this therapist's figures, in words (the profile).
    detail: str = ""


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
    # Current recommendations from verified clinicians.
    clinician_recommendations: int = 0
    # When the therapist last confirmed their details, and the day the score
    # is for (today when not given): the freshness part.
    details_confirmed_on: datetime.date | None = None
    on: datetime.date | None = None


def review_weight(count: int) -> float:
    """How much of the review parts counts: a tenth per review, all from ten."""
    return min(count, REVIEWS_FOR_FULL_WEIGHT) / REVIEWS_FOR_FULL_WEIGHT


def rating_fraction(average: float) -> float:
    """Where an average sits between the floor (0) and five stars (1)."""
    return min(1.0, max(0.0, (average - RATING_FLOOR) / (5 - RATING_FLOOR)))


def _reviews(count: int) -> str:
    return f"{count} review{'' if count == 1 else 's'}"


def _so_far(count: int) -> str:
    """The words on how much of a review part counts yet."""
    if count >= REVIEWS_FOR_FULL_WEIGHT:
        return ""
    return (
        f"; counts in full from {REVIEWS_FOR_FULL_WEIGHT} reviews "
        f"({count} of {REVIEWS_FOR_FULL_WEIGHT} so far)"
    )


def _review_parts(inputs: RankingInputs) -> list[ScorePart]:
    count = inputs.rating_count
    weight = review_weight(count)
    average = inputs.rating_sum / count if count else 0.0
    positive_share = inputs.positive_count / count if count else 0.0
    recommend_share = inputs.recommend_count / count if count else 0.0
    full = f"counts in full from {REVIEWS_FOR_FULL_WEIGHT} reviews"
    if count:
        rating_detail = f"Average {average:.1f} stars from {_reviews(count)}"
        positive_detail = (
            f"{inputs.positive_count} of {count} rated 4 or 5 stars"
            if count >= REVIEWS_TO_JUDGE
            else f"Too few reviews to judge yet ({inputs.positive_count} of "
            f"{count} rated 4 or 5 stars)"
        )
        recommend_detail = f"{inputs.recommend_count} of {count} would recommend"
        so_far = _so_far(count)
    else:
        rating_detail = positive_detail = recommend_detail = "No reviews yet"
        so_far = ", so no points"
    return [
        ScorePart(
            "rating",
            "Review rating",
            round(weight * rating_fraction(average) * RATING_POINTS_MAX, 2),
            RATING_POINTS_MAX,
            f"The average star rating: {RATING_FLOOR:g} stars or less earns "
            f"nothing, 5 stars earns all {RATING_POINTS_MAX} points; {full}, "
            "a tenth per review before that.",
            rating_detail + so_far + ".",
        ),
        ScorePart(
            "consistency",
            "Consistently positive reviews",
            round(weight * positive_share * CONSISTENCY_POINTS_MAX, 2),
            CONSISTENCY_POINTS_MAX,
            f"The share of reviews with 4 or 5 stars; {full}, a tenth per review "
            f"before that. Below {REVIEWS_TO_JUDGE} reviews we say there are too "
            "few to judge.",
            positive_detail + so_far + ".",
        ),
        ScorePart(
            "recommend",
            "Clients who would recommend",
            round(weight * recommend_share * RECOMMEND_POINTS_MAX, 2),
            RECOMMEND_POINTS_MAX,
            f"The share of reviewers who would recommend the therapist; {full}, "
            "a tenth per review before that.",
            recommend_detail + so_far + ".",
        ),
    ]


def score_parts(inputs: RankingInputs) -> list[ScorePart]:
    """Every part of the qualification score, in the order the profile shows them."""
    credential_points = min(
        CREDENTIAL_POINTS_MAX,
        inputs.verified_certifications * CERTIFICATION_POINTS_EACH
        + inputs.other_verified_credentials * OTHER_CREDENTIAL_POINTS_EACH,
    )
    experience_points = min(
        EXPERIENCE_POINTS_MAX, inputs.back_pain_years * EXPERIENCE_POINTS_PER_YEAR
    )
    years = inputs.back_pain_years
    return [
        ScorePart(
            "licence",
            "Verified state licence",
            LICENCE_POINTS if inputs.verified_licences else 0,
            LICENCE_POINTS,
            "A current massage therapy licence from a state where the therapist "
            "practises, checked by our staff or against the state board's "
            "roster, and not shown lapsed or disciplined by the board.",
            "A current licence, verified."
            if inputs.verified_licences
            else "No verified current licence from a state where they practise.",
        ),
        ScorePart(
            "certifications",
            "Verified certifications",
            credential_points,
            CREDENTIAL_POINTS_MAX,
            f"{CERTIFICATION_POINTS_EACH} points per current board certification, "
            f"{OTHER_CREDENTIAL_POINTS_EACH} per other verified certificate, "
            f"up to {CREDENTIAL_POINTS_MAX}.",
            _credentials_detail(inputs),
        ),
        ScorePart(
            "experience",
            "Back-pain experience",
            experience_points,
            EXPERIENCE_POINTS_MAX,
            f"{EXPERIENCE_POINTS_PER_YEAR} point per year spent treating back pain, "
            f"up to {EXPERIENCE_POINTS_MAX // EXPERIENCE_POINTS_PER_YEAR} years.",
            f"{years} year{'' if years == 1 else 's'} treating back pain.",
        ),
        *_review_parts(inputs),
        _clinician_part(inputs),
        _freshness_part(inputs),
    ]


def _clinician_part(inputs: RankingInputs) -> ScorePart:
    count = inputs.clinician_recommendations
    return ScorePart(
        "clinicians",
        "Recommended by clinicians",
        min(CLINICIAN_POINTS_MAX, count * CLINICIAN_POINTS_EACH),
        CLINICIAN_POINTS_MAX,
        f"{CLINICIAN_POINTS_EACH} points for each physician, physical therapist, "
        "chiropractor or nurse practitioner who recommends the therapist, up to "
        f"{CLINICIAN_POINTS_MAX}; only while the clinician's licence is verified "
        "by our staff. Recommendations never change the star rating.",
        f"Recommended by {count} clinician{'' if count == 1 else 's'}."
        if count
        else "No recommendations from clinicians yet.",
    )


def _freshness_part(inputs: RankingInputs) -> ScorePart:
    today = inputs.on or timezone.localdate()
    confirmed = freshness.confirmation(inputs.details_confirmed_on, today)
    return ScorePart(
        "freshness",
        f"Details confirmed in the last {freshness.FRESH_DAYS} days",
        FRESHNESS_POINTS if confirmed.fresh else 0,
        FRESHNESS_POINTS,
        f"{FRESHNESS_POINTS} points while the therapist has confirmed, in the last "
        f"{freshness.FRESH_DAYS} days, that what they say about taking new "
        "clients, price, languages, home visits and access is still right; none "
        "after that until they confirm again. We do not check these details: we "
        "show when they were last confirmed.",
        f"{confirmed.words}.",
    )


def _credentials_detail(inputs: RankingInputs) -> str:
    found = []
    if n := inputs.verified_certifications:
        found.append(f"{n} board certification{'' if n == 1 else 's'}")
    if n := inputs.other_verified_credentials:
        found.append(f"{n} other certificate{'' if n == 1 else 's'}")
    if not found:
        return "No verified certifications yet."
    return " and ".join(found) + ", verified."


def qualification_score(inputs: RankingInputs) -> float:
    """The sum of the parts, as stored on the therapist (two decimals)."""
    return round(sum(part.points for part in score_parts(inputs)), 2)


def inputs_of(therapist, on: datetime.date | None = None) -> RankingInputs:
    """The stored columns of a therapist that the score reads (on the day `on`,
    today when not given: the freshness part depends on it)."""
    return RankingInputs(
        verified_licences=therapist.verified_licence_count,
        verified_certifications=therapist.verified_certification_count,
        other_verified_credentials=therapist.other_verified_credential_count,
        back_pain_years=therapist.back_pain_years,
        rating_count=therapist.rating_count,
        rating_sum=therapist.rating_sum,
        positive_count=therapist.rating_4_count + therapist.rating_5_count,
        recommend_count=therapist.recommend_count,
        clinician_recommendations=therapist.clinician_recommendation_count,
        details_confirmed_on=therapist.details_confirmed_on,
        on=on,
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
    "clinician_recommendation_count",
    "details_confirmed_on",
)


def score_of(therapist, on: datetime.date | None = None) -> float:
    """A therapist's qualification score, from its stored columns (on the day
    `on`, today when not given)."""
    return qualification_score(inputs_of(therapist, on))


# --- closeness and the best match near a place ---------------------------------
def closeness_points(miles: float) -> float:
    """Points for being `miles` from the searched place: the most at the place,
    one fewer per mile, never below 0."""
    return max(0.0, CLOSENESS_POINTS_MAX - CLOSENESS_POINTS_LOST_PER_MILE * miles)


def best_match(score: float, distance_sq: float) -> float:
    """The best-match value the search sorts on, from a stored score and the
    squared distance in miles (the arithmetic the database does, in its order)."""
    return score + closeness_points(math.sqrt(distance_sq))


def best_match_expression(score, distance_sq):
    """best_match() in SQL, from a score and a squared distance expression."""
    return score + Greatest(
        Value(0.0),
        Value(float(CLOSENESS_POINTS_MAX))
        - Value(float(CLOSENESS_POINTS_LOST_PER_MILE)) * Sqrt(distance_sq),
        output_field=FloatField(),
    )


CLOSENESS_EXPLANATION = (
    f"Only when you search near a place: {CLOSENESS_POINTS_MAX} points at the "
    f"place, {CLOSENESS_POINTS_LOST_PER_MILE} fewer for each mile, none from "
    f"{CLOSENESS_POINTS_MAX // CLOSENESS_POINTS_LOST_PER_MILE} miles on."
)


def closeness_part(miles: float, place: str = "") -> ScorePart:
    """The closeness part of a best match, for a therapist `miles` away."""
    where = f" from {place}" if place else ""
    return ScorePart(
        "closeness",
        "Closeness",
        round(closeness_points(miles), 2),
        CLOSENESS_POINTS_MAX,
        CLOSENESS_EXPLANATION,
        f"{miles:,.1f} miles{where}.",
    )


def breakdown(therapist) -> list[ScorePart]:
    """Why a therapist ranks where it does: each part of its stored score."""
    return score_parts(inputs_of(therapist))


@dataclass(frozen=True)
class Explanation:
    """Why a therapist ranks where it does, as its profile shows it: each part
    of the score and, when a place was searched, the closeness that makes the
    best match."""

    parts: list[ScorePart]
    score: float
    closeness: ScorePart | None = None
    maximum: int = MAX_SCORE
    closeness_maximum: int = CLOSENESS_POINTS_MAX
    best_match_maximum: int = MAX_BEST_MATCH

    @property
    def best_match(self) -> float | None:
        """The qualification score plus closeness (None without a place)."""
        if self.closeness is None:
            return None
        return round(self.score + self.closeness.points, 2)


def explain(therapist, *, miles: float | None = None, place: str = "") -> Explanation:
    """Why a therapist ranks where it does, `miles` from a searched `place`
    (closeness only when `miles` is given)."""
    return Explanation(
        parts=breakdown(therapist),
        score=therapist.qualification_score,
        closeness=None if miles is None else closeness_part(miles, place),
    )
