"""Writing and moderating a review, and inviting one: each a write across
several rows (the review, the one it replaces, invitations, reports, the
decision log) and the therapist's stored totals, in one transaction.

The limits that must hold when requests arrive at the same moment (reviews per
author per hour, one review per invitation, open invitations per therapist) are
counted in the database inside the write's lock; the others (invitations and
reports per account and per IP) in the shared cache, by core.ratelimit.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Q
from django.utils import timezone

from core.compiled import Prepared
from core.locks import lock_user
from core.ratelimit import Limit
from reviews import moderation, stats
from reviews.forms import MODERATE_OWN, ReviewForm
from reviews.models import (
    ASPECTS,
    INVITATION_DAYS,
    ModerationDecision,
    Review,
    ReviewInvitation,
    ReviewResponse,
    SessionRecord,
)
from therapists.models import Therapist

COPY_CHECK_LIMIT = 200
MAX_REVIEWS_PER_HOUR = 5
MAX_OPEN_INVITATIONS = 10
# Per account and per IP, in the shared cache.
INVITATIONS = Limit("review_invitation", count=20, seconds=24 * 3600)
REPORTS = Limit("review_report", count=10, seconds=3600)

security_log = logging.getLogger("security")


def recent_counts(author) -> tuple[int, int]:
    """How many reviews a person wrote in the last hour and the last day."""
    now = timezone.now()
    counts = Review.objects.filter(
        author=author, created_at__gte=now - datetime.timedelta(hours=24)
    ).aggregate(
        hour=Count("pk", filter=Q(created_at__gte=now - datetime.timedelta(hours=1))),
        day=Count("pk"),
    )
    return counts["hour"], counts["day"]


def submit_review(
    *, therapist: Therapist, author, form: ReviewForm, invitation=None
) -> Review:
    """Save a review in place of the author's current one, moderate it, and move
    the therapist's stored figures, all in one transaction.

    Raises ValidationError, saving nothing, when the author has written
    MAX_REVIEWS_PER_HOUR reviews in the last hour. An invitation that is no
    longer unused by the time of the write verifies nothing. The therapist's
    response to the replaced review moves to the new one, marked as answering
    an earlier version; `review.response_carried_over` says whether one did.

    What needs no lock is read and worked out first, outside the transaction:
    the text checks against the therapist's other reviews. SQLite has one
    write lock for the whole database, so every millisecond inside the
    transaction is one no other write can use.
    """
    data = form.cleaned_data
    draft = moderation.ReviewDraft(
        title=data["title"],
        body=data["body"],
        rating=data["rating"],
        aspect_ratings=tuple(data[name] for name in ASPECTS),
        would_recommend=data["would_recommend"],
    )
    others = (
        Review.objects.filter(therapist=therapist)
        .exclude(author=author)
        .order_by("-created_at")
        .values_list("body", flat=True)[:COPY_CHECK_LIMIT]
    )
    assessment = moderation.assess(draft, tuple(others))
    review = Review(
        **{name: data[name] for name in ReviewForm.Meta.fields}, author=author
    )
    with transaction.atomic():
        return _write(review, therapist, assessment, invitation)


def _write(review: Review, therapist: Therapist, assessment, invitation) -> Review:
    """submit_review()'s transaction: the writes, and the checks that must be
    exact under concurrent posts (the author's counts, the invitation)."""
    author = review.author
    # Locks are taken in one order, the author's row then the therapist's, so
    # that concurrent writes wait for each other and never deadlock. The
    # author's lock makes the hourly count exact.
    lock_user(author)
    last_hour, last_day = recent_counts(author)
    if last_hour >= MAX_REVIEWS_PER_HOUR:
        raise ValidationError(
            f"You have posted {last_hour} reviews in the last hour. "
            "Please come back later.",
            code="rate_limited",
        )
    # Lock the therapist row so concurrent reviews recount one after another.
    therapist = Therapist.objects.select_for_update().get(pk=therapist.pk)
    reasons = assessment.reasons(last_hour, last_day)
    replaced = Review.objects.filter(
        therapist=therapist, author=author, is_current=True
    ).update(is_current=False)
    # A new row, never the edited old one: votes, staff notes and history stay
    # with the review they belong to.
    review.therapist = therapist
    review.status = Review.Status.HELD if reasons else Review.Status.PUBLISHED
    review.hold_reasons = "\n".join(reasons)
    # Read inside the lock: reviews.sessions marks the author's current review
    # when a session is confirmed, so a confirmation at this moment is seen
    # either there or here.
    review.is_verified_client = spend_invitation(
        invitation, therapist=therapist, author=author
    ) or author_was_verified(therapist, author)
    review.save()
    review.response_carried_over = bool(replaced) and carry_response(review)
    stats.review_changed(therapist)
    return review


def carry_response(review: Review) -> bool:
    """Move the therapist's response from the version `review` just replaced
    onto it, marked as answering an earlier version, so that rewriting a review
    never silently removes the answer to it; whether there was one."""
    replaced = (
        Review.objects.filter(
            therapist_id=review.therapist_id,
            author_id=review.author_id,
            is_current=False,
        )
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    moved = ReviewResponse.objects.filter(review__in=replaced).update(
        review=review, answers_earlier_version=True
    )
    return bool(moved)


def spend_invitation(invitation, *, therapist: Therapist, author) -> bool:
    """Mark the invitation used by the author if it is still unused, checked in
    the UPDATE itself (the therapist's row is locked, and PostgreSQL re-checks
    the condition on a row another transaction just changed); whether it was.
    A spent invitation is updated in memory too."""
    if invitation is None:
        return False
    now = timezone.now()
    spent = (
        ReviewInvitation.objects.unused()
        .filter(pk=invitation.pk, therapist=therapist)
        .update(used_by=author, used_at=now)
    )
    if spent:
        invitation.used_by, invitation.used_at = author, now
    return bool(spent)


def author_was_verified(therapist, author) -> bool:
    """A verified client: they once used an invitation from this therapist, or
    they and the therapist both recorded a session together (reviews.sessions).
    An accepted interview request alone is not enough: it shows they talked,
    not that a session took place."""
    return bool(_WAS_CLIENT(therapist=therapist.pk, author=author.pk))


def _was_client(*, therapist: int, author: int):
    invited = ReviewInvitation.objects.filter(therapist=therapist, used_by=author)
    sessions = SessionRecord.objects.confirmed().filter(
        therapist=therapist, client=author
    )
    # Both questions in one query.
    return (
        Therapist.objects.filter(pk=therapist)
        .filter(Exists(invited) | Exists(sessions))
        .values("pk")[:1]
    )


# Asked inside the write's lock: compiled once (core.compiled).
_WAS_CLIENT = Prepared(
    _was_client,
    {"therapist": 1_000_001, "author": 1_000_002},
    {"therapist": 2_000_001, "author": 2_000_002},
)


@transaction.atomic
def create_invitation(*, therapist: Therapist, note: str) -> ReviewInvitation:
    """A new one-time invitation from the therapist. Raises ValidationError,
    creating nothing, when MAX_OPEN_INVITATIONS of theirs are still unused
    (counted under the lock on the therapist's row)."""
    therapist = Therapist.objects.select_for_update().get(pk=therapist.pk)
    unused = ReviewInvitation.objects.filter(therapist=therapist).unused().count()
    if unused >= MAX_OPEN_INVITATIONS:
        raise ValidationError(
            f"You have {unused} unused invitations, the most you can have open at "
            f"once. Each lapses {INVITATION_DAYS} days after you created it, or "
            "when a client uses it; then you can create another.",
            code="too_many_open",
        )
    return ReviewInvitation.objects.create(therapist=therapist, note=note)


@transaction.atomic
def moderate(*, review: Review, actor, publish: bool, reason: str) -> Review:
    """Publish or remove a review, log the decision, close its reports, recount.
    Raises PermissionDenied, changing nothing, when the actor wrote the review
    or is the therapist it is about."""
    if review.involves(actor):
        raise PermissionDenied(MODERATE_OWN)
    review.status = Review.Status.PUBLISHED if publish else Review.Status.REMOVED
    review.moderation_note = reason
    review.save(update_fields=["status", "moderation_note"])
    ModerationDecision.objects.create(
        review=review,
        actor=actor,
        action=ModerationDecision.Action.PUBLISH
        if publish
        else ModerationDecision.Action.REMOVE,
        reason=reason,
    )
    review.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    stats.review_changed(
        Therapist.objects.select_for_update().get(pk=review.therapist_id)
    )
    security_log.info(
        "review moderated",
        extra={
            "event": "review_published" if publish else "review_removed",
            "review_id": review.pk,
            "therapist_id": review.therapist_id,
            "actor_id": actor.pk,
        },
    )
    return review
