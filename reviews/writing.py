"""Writing and moderating a review: each a write across several rows (the
review, the one it replaces, invitations, reports, the decision log) and the
therapist's stored totals, in one transaction."""

import datetime

from django.db import transaction
from django.db.models import Count, Exists, Q
from django.utils import timezone

from interviews.models import InterviewRequest
from reviews import moderation, stats
from reviews.forms import ReviewForm
from reviews.models import ASPECTS, ModerationDecision, Review, ReviewInvitation
from therapists.models import Therapist

COPY_CHECK_LIMIT = 200


def recent_count(author, hours: int) -> int:
    """How many reviews a person wrote in the last `hours` hours."""
    since = timezone.now() - datetime.timedelta(hours=hours)
    return Review.objects.filter(author=author, created_at__gte=since).count()


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


@transaction.atomic
def submit_review(
    *, therapist: Therapist, author, form: ReviewForm, invitation=None
) -> Review:
    """Save a review in place of the author's current one, moderate it, and move
    the therapist's stored figures, all in one transaction."""
    # Lock the therapist row so concurrent reviews recount one after another.
    therapist = Therapist.objects.select_for_update().get(pk=therapist.pk)
    others = (
        Review.objects.filter(therapist=therapist)
        .exclude(author=author)
        .order_by("-created_at")
        .values_list("body", flat=True)[:COPY_CHECK_LIMIT]
    )
    data = form.cleaned_data
    draft = moderation.ReviewDraft(
        title=data["title"],
        body=data["body"],
        rating=data["rating"],
        aspect_ratings=tuple(data[name] for name in ASPECTS),
        would_recommend=data["would_recommend"],
    )
    last_hour, last_day = recent_counts(author)
    context = moderation.Context(
        reviews_by_author_last_hour=last_hour,
        reviews_by_author_last_day=last_day,
        other_review_texts=tuple(others),
    )
    reasons = moderation.hold_reasons(draft, context)
    Review.objects.filter(therapist=therapist, author=author, is_current=True).update(
        is_current=False
    )
    # A new row, never the edited old one: votes, staff notes and history stay
    # with the review they belong to.
    review = Review(
        **{name: data[name] for name in ReviewForm.Meta.fields},
        therapist=therapist,
        author=author,
    )
    review.status = Review.Status.HELD if reasons else Review.Status.PUBLISHED
    review.hold_reasons = "\n".join(reasons)
    review.is_verified_client = invitation is not None or author_was_verified(
        therapist, author
    )
    review.save()
    if invitation is not None:
        invitation.used_by = author
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_by", "used_at"])
    stats.review_changed(therapist)
    return review


def author_was_verified(therapist, author) -> bool:
    """A verified client: the therapist accepted their interview request, or they
    once used an invitation from this therapist."""
    accepted = InterviewRequest.objects.filter(
        therapist=therapist, client=author, status=InterviewRequest.Status.ACCEPTED
    )
    invited = ReviewInvitation.objects.filter(therapist=therapist, used_by=author)
    # Both questions in one query.
    return (
        Therapist.objects.filter(pk=therapist.pk)
        .filter(Exists(accepted) | Exists(invited))
        .exists()
    )


@transaction.atomic
def moderate(*, review: Review, actor, publish: bool, reason: str) -> Review:
    """Publish or remove a review, log the decision, close its reports, recount."""
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
    return review
