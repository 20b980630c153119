"""Writing, answering, voting on, reporting and moderating reviews."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.notifications import notify
from interviews.models import InterviewRequest
from reviews import moderation, stats
from reviews.forms import ModerationForm, ReportForm, ResponseForm, ReviewForm
from reviews.models import (
    ASPECTS,
    HelpfulVote,
    ModerationDecision,
    Review,
    ReviewInvitation,
    ReviewReport,
    ReviewResponse,
)
from therapists.models import Therapist

COPY_CHECK_LIMIT = 200


def recent_count(author, hours: int) -> int:
    since = timezone.now() - datetime.timedelta(hours=hours)
    return Review.objects.filter(author=author, created_at__gte=since).count()


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
    context = moderation.Context(
        reviews_by_author_last_hour=recent_count(author, 1),
        reviews_by_author_last_day=recent_count(author, 24),
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
    stats.review_changed([therapist.pk])
    return review


def author_was_verified(therapist, author) -> bool:
    """A verified client: the therapist accepted their interview request, or they
    once used an invitation from this therapist."""
    accepted = InterviewRequest.objects.filter(
        therapist=therapist, client=author, status=InterviewRequest.Status.ACCEPTED
    )
    invited = ReviewInvitation.objects.filter(therapist=therapist, used_by=author)
    return accepted.exists() or invited.exists()


@login_required
def write_review(request, slug):
    therapist = get_object_or_404(Therapist.objects.published(), slug=slug)
    if therapist.user_id == request.user.pk:
        raise PermissionDenied("You cannot review your own profile.")
    token = request.GET.get("invite") or request.POST.get("invite")
    invitation = None
    if token:
        invitation = ReviewInvitation.objects.filter(
            therapist=therapist, token=token, used_at__isnull=True
        ).first()
        if invitation is None:
            messages.warning(
                request,
                "That invitation link was already used or is not valid; you can "
                "still write a review.",
            )
    current = Review.objects.filter(
        therapist=therapist, author=request.user, is_current=True
    ).first()
    form = ReviewForm(
        request.POST or None,
        instance=current,
        recent_count=recent_count(request.user, 1),
    )
    if request.method == "POST" and form.is_valid():
        review = submit_review(
            therapist=therapist, author=request.user, form=form, invitation=invitation
        )
        if review.status == Review.Status.PUBLISHED:
            messages.success(request, "Thank you: your review is published.")
        else:
            messages.info(
                request,
                "Thank you: your review will appear once our staff have checked it.",
            )
        return redirect(therapist.get_absolute_url())
    return render(
        request,
        "reviews/review_form.html",
        {
            "form": form,
            "therapist": therapist,
            "replacing": current,
            "invitation": invitation,
        },
    )


def visible_review(pk) -> Review:
    return get_object_or_404(
        Review.objects.counted().select_related("therapist", "author"), pk=pk
    )


@require_POST
@login_required
def helpful(request, pk):
    review = visible_review(pk)
    if review.author_id == request.user.pk:
        raise PermissionDenied("You cannot vote on your own review.")
    with transaction.atomic():
        vote = HelpfulVote.objects.filter(review=review, user=request.user)
        if vote.exists():
            vote.delete()
            Review.objects.filter(pk=review.pk).update(
                helpful_count=F("helpful_count") - 1
            )
        else:
            try:
                with transaction.atomic():
                    HelpfulVote.objects.create(review=review, user=request.user)
            except IntegrityError:  # a double click raced us; one vote stands
                pass
            else:
                Review.objects.filter(pk=review.pk).update(
                    helpful_count=F("helpful_count") + 1
                )
    return redirect(review.get_absolute_url())


@login_required
def report(request, pk):
    review = visible_review(pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        already = ReviewReport.objects.filter(
            review=review, reporter=request.user, resolved_at__isnull=True
        ).exists()
        if not already:
            form.instance.review = review
            form.instance.reporter = request.user
            form.save()
        messages.success(request, "Thank you: our staff will look at this review.")
        return redirect(review.get_absolute_url())
    return render(request, "reviews/report_form.html", {"form": form, "review": review})


@login_required
def respond(request, pk):
    review = visible_review(pk)
    if review.therapist.user_id != request.user.pk:
        raise PermissionDenied("Only the therapist reviewed can respond.")
    response = ReviewResponse.objects.filter(review=review).first()
    form = ResponseForm(request.POST or None, instance=response)
    if request.method == "POST" and form.is_valid():
        form.instance.review = review
        form.save()
        if review.author.email:
            notify_author(request, review, form.instance.body)
        messages.success(request, "Your response is published.")
        return redirect(review.get_absolute_url())
    return render(
        request,
        "reviews/response_form.html",
        {"form": form, "review": review, "editing": response is not None},
    )


def notify_author(request, review: Review, response: str) -> None:
    """Tell the client the therapist answered; a mail outage must not lose it."""
    notify(
        subject=f"{review.therapist.display_name} responded to your review",
        body=(
            f"{review.therapist.display_name} responded to your review "
            f"“{review.title}”:\n\n{response}\n\n"
            f"{request.build_absolute_uri(review.get_absolute_url())}"
        ),
        to=review.author.email,
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
    stats.review_changed([review.therapist_id])
    return review


@login_required
@permission_required("reviews.moderate_review", raise_exception=True)
def moderation_queue(request):
    reviews = (
        Review.objects.awaiting_moderation()
        .select_related("therapist", "author")
        .prefetch_related("reports")
    )
    if request.method == "POST":
        pk = request.POST.get("review", "")
        review = get_object_or_404(reviews, pk=int(pk) if pk.isdigit() else 0)
        form = ModerationForm(request.POST, prefix=f"r{review.pk}")
        if form.is_valid():
            publish = form.cleaned_data["action"] == "publish"
            moderate(
                review=review,
                actor=request.user,
                publish=publish,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                f"Review “{review.title}” {'published' if publish else 'removed'}.",
            )
            return redirect("reviews:moderation")
        forms = {review.pk: form}
    else:
        forms = {}
    items = [
        (review, forms.get(review.pk) or ModerationForm(prefix=f"r{review.pk}"))
        for review in reviews[:100]
    ]
    return render(request, "reviews/moderation_queue.html", {"items": items})
