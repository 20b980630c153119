"""Writing, answering, voting on, reporting and moderating reviews."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.notifications import notify
from core.ratelimit import RateLimited, client_ip
from reviews.forms import (
    MODERATE_OWN,
    ModerationForm,
    ReportForm,
    ResponseForm,
    ReviewForm,
)
from reviews.models import (
    HelpfulVote,
    Review,
    ReviewInvitation,
    ReviewReport,
    ReviewResponse,
)
from reviews.writing import REPORTS, author_was_verified, moderate, submit_review
from therapists.models import Therapist

INVITATION_NOT_VALID = (
    "That invitation link was already used or is not valid; you can still write "
    "a review."
)


@login_required
def write_review(request, slug):
    therapist = get_object_or_404(Therapist.objects.published(), slug=slug)
    if therapist.user_id == request.user.pk:
        raise PermissionDenied("You cannot review your own profile.")
    token = request.GET.get("invite") or request.POST.get("invite")
    invitation = None
    if token:
        invitation = (
            ReviewInvitation.objects.unused()
            .filter(therapist=therapist, token=token)
            .first()
        )
        if invitation is None:
            messages.warning(request, INVITATION_NOT_VALID)
    current = Review.objects.filter(
        therapist=therapist, author=request.user, is_current=True
    )
    # The review being replaced fills in a new form; a posted form needs it
    # only to be shown again (submit_review() replaces it inside its lock).
    posted = request.method == "POST"
    form = ReviewForm(
        request.POST if posted else None,
        instance=None if posted else current.first(),
    )
    if posted and form.is_valid():
        try:
            review = submit_review(
                therapist=therapist,
                author=request.user,
                form=form,
                invitation=invitation,
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            return reviewed(request, review, invitation)
    return render(
        request,
        "reviews/review_form.html",
        {
            "form": form,
            "therapist": therapist,
            "replacing": form.instance if form.instance.pk else current.first(),
            "invitation": invitation,
            "verified_client": invitation is not None
            or author_was_verified(therapist, request.user),
        },
    )


def reviewed(request, review: Review, invitation: ReviewInvitation | None):
    """Tell the author how their saved review stands; back to the profile."""
    if invitation is not None and invitation.used_by_id != request.user.pk:
        # Another client's review spent it after this page read it.
        messages.warning(request, INVITATION_NOT_VALID)
    if review.status == Review.Status.PUBLISHED:
        if review.response_carried_over:
            notify_review_changed(request, review)
        messages.success(request, "Thank you: your review is published.")
    else:
        messages.info(
            request,
            "Thank you: your review will appear once our staff have checked it.",
        )
    return redirect(review.therapist.get_absolute_url())


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
        try:
            if not already:
                REPORTS.hit(f"user:{request.user.pk}", client_ip(request))
                form.instance.review = review
                form.instance.reporter = request.user
                form.save()
        except RateLimited as limited:
            form.add_error(None, limited.message)
        else:
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
        # Saved against this version of the review: no longer an earlier one's.
        form.instance.answers_earlier_version = False
        form.save()
        if review.author.email:
            notify_author(request, review, form.instance.body)
        messages.success(request, "Your response is published.")
        return redirect(review.get_absolute_url())
    return render(
        request,
        "reviews/response_form.html",
        {"form": form, "review": review, "response": response},
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


def notify_review_changed(request, review: Review) -> None:
    """Tell the therapist a review they answered was rewritten and is published,
    so they can update their response; a mail outage must not lose the review."""
    therapist = review.therapist
    notify(
        subject=f"{review.author_display_name} changed a review you responded to",
        body=render_to_string(
            "reviews/email/review_changed.txt",
            {
                "therapist": therapist,
                "review": review,
                "link": request.build_absolute_uri(
                    reverse("reviews:respond", kwargs={"pk": review.pk})
                ),
            },
        ),
        to=therapist.user.email,
    )


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
        if review.involves(request.user):
            raise PermissionDenied(MODERATE_OWN)
        form = ModerationForm(request.POST, prefix=f"r{review.pk}")
        if form.is_valid():
            publish = form.cleaned_data["action"] == "publish"
            was_held = review.status == Review.Status.HELD
            moderate(
                review=review,
                actor=request.user,
                publish=publish,
                reason=form.cleaned_data["reason"],
            )
            if (
                publish
                and was_held
                and ReviewResponse.objects.filter(
                    review=review, answers_earlier_version=True
                ).exists()
            ):
                # A rewritten review held for checking reaches its therapist
                # only now.
                notify_review_changed(request, review)
            messages.success(
                request,
                f"Review “{review.title}” {'published' if publish else 'removed'}.",
            )
            return redirect("reviews:moderation")
        forms = {review.pk: form}
    else:
        forms = {}
    # A review the moderator wrote or that is about them shows without a form:
    # another moderator decides on it.
    items = [
        (
            review,
            None
            if review.involves(request.user)
            else forms.get(review.pk) or ModerationForm(prefix=f"r{review.pk}"),
        )
        for review in reviews[:100]
    ]
    return render(request, "reviews/moderation_queue.html", {"items": items})
