"""The side-by-side comparison: which therapists, in what order, and what each
column shows, composed from the apps that own each part (credentials from
`verification`, review figures from `reviews`, answers from `interviews`, the
score from `therapists.ranking`).

A comparison's address is shareable, so it carries only what anyone may see:
the therapists' slugs and, optionally, a place no finer than a ZIP code.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.http import urlencode

from interviews.models import InterviewRequest
from interviews.responsiveness import (
    Responsiveness,
    responsiveness_of,
    with_responsiveness,
)
from reviews.stats import ReviewSummary, summary_of, with_recent_negative
from therapists import availability, ranking, search
from therapists.comfort import Comfort
from therapists.geocoding import ZIP_RE, GeoPoint, PlaceNotFound, geocode
from therapists.models import Therapist
from verification import training
from verification.models import Credential

COMPARE_MIN, COMPARE_MAX = 2, 4
PLACE_MAX_LENGTH = 60
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,140}\Z")


def find_place(text: str) -> tuple[GeoPoint, str]:
    """The point for "10001" or "Brooklyn, NY", and the name a comparison shows
    and shares: a five-digit ZIP code or "City, ST", nothing finer (a ZIP+4
    can point at one building). Raise PlaceNotFound."""
    text = " ".join(text.split())
    if not text or len(text) > PLACE_MAX_LENGTH:
        raise PlaceNotFound(text)
    point = geocode(text)
    return point, text[:5] if ZIP_RE.match(text) else point.label


def chosen_slugs(values: list[str]) -> list[str]:
    """The slugs asked for, stripped, without repeats, in the order given; what
    cannot be a slug is dropped before it reaches the database (PostgreSQL
    refuses a NUL character outright)."""
    stripped = (value.strip() for value in values)
    return list(dict.fromkeys(value for value in stripped if SLUG_RE.match(value)))


def shortlisted_slugs(therapist_ids: list[int]) -> list[str]:
    """The first therapists of a shortlist that are still published, in order."""
    slugs = dict(
        Therapist.objects.published()
        .filter(pk__in=therapist_ids)
        .values_list("pk", "slug")
    )
    return [slugs[pk] for pk in therapist_ids if pk in slugs][:COMPARE_MAX]


@dataclass
class Column:
    """One therapist's column."""

    therapist: Therapist
    summary: ReviewSummary
    score_parts: list[ranking.ScorePart]
    interview: InterviewRequest | None = None

    @property
    def credentials(self) -> list[Credential]:
        return self.therapist.current_credentials

    @property
    def distance(self) -> float | None:
        return self.therapist.distance_miles

    @property
    def location(self):
        """The practice location nearest the place (else the first), or None."""
        return self.therapist.listing_location

    @property
    def other_location_count(self) -> int:
        return max(len(self.therapist.locations.all()) - 1, 0)

    @property
    def access_stated(self) -> list[str]:
        """The accessibility items the therapist states hold, as labels (the
        rest are not stated, which is not a no)."""
        return [item.label for item in self.therapist.access_checklist.stated]

    @property
    def comfort(self) -> Comfort:
        """Pressure, clothed or over-the-sheet, companion, stop statement."""
        return self.therapist.comfort_and_consent

    @property
    def trauma_training(self) -> Credential | None:
        """Current trauma-informed care training verified by staff, or None."""
        return training.current_training(self.credentials)

    @property
    def hours_summary(self) -> str:
        """ "Evenings (after 6 pm) and weekends", or "" (not stated is not no)."""
        return availability.summary_words(self.therapist.hours_bits)

    @property
    def next_opening(self) -> availability.NextOpening:
        return self.therapist.next_opening

    @property
    def responsiveness(self) -> Responsiveness:
        """How quickly they answer requests (read from _load()'s annotation)."""
        return responsiveness_of(self.therapist)

    @property
    def score_maximum(self) -> int:
        return ranking.MAX_SCORE


@dataclass
class Comparison:
    """What the compare page shows, and what its share link holds."""

    columns: list[Column] = field(default_factory=list)
    place: str = ""  # as shown and shared; "" without a place
    place_error: str = ""
    asked: int = 0  # how many distinct therapists the address named

    @property
    def enough(self) -> bool:
        return len(self.columns) >= COMPARE_MIN

    @property
    def over_limit(self) -> int:
        """How many therapists the address named beyond the limit."""
        return max(self.asked - COMPARE_MAX, 0)

    @property
    def missing(self) -> int:
        """How many named therapists (within the limit) are not listed now."""
        return min(self.asked, COMPARE_MAX) - len(self.columns)

    @property
    def names(self) -> str:
        """ "A, B and C": the therapists compared, in column order."""
        names = [column.therapist.display_name for column in self.columns]
        if len(names) < 2:
            return "".join(names)
        return f"{', '.join(names[:-1])} and {names[-1]}"

    @property
    def share_query(self) -> str:
        """The query string of the share link: slugs and the place, nothing else."""
        pairs = [("t", column.therapist.slug) for column in self.columns]
        return urlencode(pairs + ([("near", self.place)] if self.place else []))

    @property
    def slugs_query(self) -> str:
        """The query string of the page for a doctor and of its link: the
        therapists alone, not even the place."""
        return urlencode([("t", column.therapist.slug) for column in self.columns])


def compare_therapists(slugs: list[str], near: str, user) -> Comparison:
    """Compare the published therapists among `slugs` (the first COMPARE_MAX, in
    that order), measured from `near` when it names a place. `user` sees the
    answers therapists gave to their own questions, and nobody else's."""
    asked = chosen_slugs(slugs)
    comparison = Comparison(asked=len(asked))
    point = None
    if near.strip():
        try:
            point, comparison.place = find_place(near)
        except PlaceNotFound:
            shown = "".join(c for c in " ".join(near.split()) if c.isprintable())
            comparison.place_error = (
                f"We could not find “{shown[:PLACE_MAX_LENGTH]}”, "
                "so distances are not shown. Try a five-digit ZIP code, or a city "
                "and state such as Brooklyn, NY."
            )
    therapists = list(_load(asked[:COMPARE_MAX]))
    therapists.sort(key=lambda therapist: asked.index(therapist.slug))
    search.measure(therapists, point)
    answers = _answers_to(user, therapists)
    comparison.columns = [
        Column(
            therapist=therapist,
            summary=summary_of(therapist),
            score_parts=ranking.breakdown(therapist),
            interview=answers.get(therapist.pk),
        )
        for therapist in therapists
    ]
    return comparison


def _load(slugs: list[str]):
    """The therapists with everything a column shows, in a fixed number of
    queries however many columns."""
    return with_recent_negative(
        with_responsiveness(Therapist.objects.published())
        .filter(slug__in=slugs)
        .for_profile()
        .with_treatments()
        .with_packages_and_plans()
        .prefetch_related(
            Prefetch(
                "credentials",
                # Marked verified, as the profile shows them (a lapsed one
                # until the expiry job marks it expired).
                queryset=Credential.objects.for_profile().filter(
                    status=Credential.Status.VERIFIED
                ),
                to_attr="current_credentials",
            )
        )
    )


def _answers_to(user, therapists: list[Therapist]) -> dict[int, InterviewRequest]:
    """Each therapist's latest answered conversation with `user`, by therapist
    id; nothing for a visitor."""
    if not user.is_authenticated or not therapists:
        return {}
    answers: dict[int, InterviewRequest] = {}
    for interview in (
        InterviewRequest.objects.filter(client=user, therapist__in=therapists)
        .exclude(answered_at=None)
        .prefetch_related("questions")
    ):
        answers.setdefault(interview.therapist_id, interview)
    return answers
