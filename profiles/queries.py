"""The profile's queries, each compiled to SQL once per process and connection
(core.compiled): building and compiling the therapist's query (a dozen
annotations, each a subquery) cost the page more than running all its SQL.
The ORM querysets stay here as the reference they are compiled from.
"""

import datetime
import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.compiled import Prepared, prefetched
from interviews.responsiveness import with_responsiveness
from recommendations import writing as recommending
from reviews import stats
from reviews.forms import ReviewListForm
from therapists.models import PracticeLocation, Therapist
from verification.models import Credential

# --- the profile's own statements -------------------------------------------


def profile_queryset(user, *, today=None, now=None) -> QuerySet:
    """The therapist's query for the profile `user` sees (the view's ORM
    reference): the row, with what the other apps add to it in the same
    query, and the credentials prefetched; the badge as held `today` and the
    review and response windows ending `now` (by default, the present)."""
    therapists = Therapist.objects.visible_to(user).for_profile(on=today)
    therapists = recommending.with_viewer(therapists, user)
    therapists = stats.with_outcomes(therapists)
    # The week and the response times, in the therapist's own query.
    therapists = with_responsiveness(therapists.with_opening_hours(), now=now)
    # Packages and insurance plans, in the therapist's own query too.
    therapists = therapists.with_packages_and_plans()
    return stats.with_recent_negative(therapists, now=now).prefetch_related(
        Prefetch("credentials", queryset=Credential.objects.for_profile())
    )


def _viewer(kind: str, user_id: int):
    """A stand-in for a visitor, a member or a staff member with this id:
    profile_queryset() reads nothing else of them."""
    if kind == "anonymous":
        return AnonymousUser()
    return get_user_model()(pk=user_id, is_staff=kind == "staff")


def _profile_statement(kind: str) -> Prepared:
    def build(*, slug: str, user_id: int, today, now) -> QuerySet:
        therapists = profile_queryset(_viewer(kind, user_id), today=today, now=now)
        return therapists.prefetch_related(None).filter(slug=slug)

    return Prepared(build, *EXAMPLES)


EXAMPLES = (
    {
        "slug": "first-example",
        "user_id": 1_000_001,
        "today": datetime.date(2001, 2, 3),
        "now": datetime.datetime(2001, 2, 3, 4, 5, 6, tzinfo=datetime.UTC),
    },
    {
        "slug": "second-example",
        "user_id": 2_000_002,
        "today": datetime.date(2004, 5, 6),
        "now": datetime.datetime(2004, 7, 8, 9, 10, 11, tzinfo=datetime.UTC),
    },
)
PROFILES = {kind: _profile_statement(kind) for kind in ("anonymous", "member", "staff")}
LOCATIONS = Prepared(
    lambda *, therapist_id: PracticeLocation.objects.filter(therapist_id=therapist_id),
    {"therapist_id": 1_000_001},
    {"therapist_id": 2_000_002},
)
CREDENTIALS = Prepared(
    lambda *, therapist_id: Credential.objects.for_profile().filter(
        therapist_id=therapist_id
    ),
    {"therapist_id": 1_000_001},
    {"therapist_id": 2_000_002},
)


def profile_of(slug: str, user) -> Therapist | None:
    """The therapist profile_queryset(user) finds by `slug`, with its
    locations and credentials prefetched, or None."""
    if user.is_staff:
        kind = "staff"
    elif user.is_authenticated:
        kind = "member"
    else:
        kind = "anonymous"
    found = PROFILES[kind](
        slug=slug, user_id=user.pk, today=timezone.localdate(), now=timezone.now()
    )
    if not found:
        return None
    therapist = found[0]
    prefetched(therapist, "locations", LOCATIONS(therapist_id=therapist.pk))
    prefetched(therapist, "credentials", CREDENTIALS(therapist_id=therapist.pk))
    return therapist


@functools.lru_cache(maxsize=512)
def _review_statement(
    condition: str, verified: bool, sort: str, bottom: int, top: int
) -> Prepared:
    """One slice of one way of listing a therapist's reviews, compiled once
    (the slice's bounds are written in the SQL, not bound)."""
    form = ReviewListForm()
    form.cleaned_data = {
        "condition": condition,
        "reviews": "verified" if verified else "",
        "sort": sort,
    }

    def build(*, therapist_id: int) -> QuerySet:
        return form.reviews_of(Therapist(pk=therapist_id))[bottom:top]

    return Prepared(build, {"therapist_id": 1_000_001}, {"therapist_id": 2_000_002})


class ReviewRows:
    """ReviewListForm.reviews_of(therapist) for its Paginator: counted by
    the ORM (only asked with a condition chosen: the stored totals count the
    rest), each page sliced through a compiled statement."""

    def __init__(self, form: ReviewListForm, therapist: Therapist):
        self.form, self.therapist = form, therapist

    def count(self) -> int:
        return self.form.reviews_of(self.therapist).count()

    def __getitem__(self, page: slice) -> list:
        bottom, top = page.start or 0, page.stop
        if top <= bottom:
            return []
        chosen = self.form.chosen
        statement = _review_statement(
            chosen.get("condition") or "",
            self.form.verified_only,
            chosen.get("sort") or "",
            bottom,
            top,
        )
        return statement(therapist_id=self.therapist.pk)
